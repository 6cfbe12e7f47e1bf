from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestSupportTicketUi(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = new_test_user(
            cls.env,
            login="st_tour_agent",
            password="st_tour_agent",
            name="Tom Tour",
            groups="support_ticket.group_support_user",
        )
        cls.env.ref("support_ticket.support_team_helpdesk").member_ids = [
            Command.link(cls.agent.id)
        ]

    def test_backend_ticket_lifecycle_tour(self):
        self.start_tour("/odoo", "support_ticket_backend_tour", login="st_tour_agent")
        ticket = self.env["support.ticket"].search(
            [("name", "=", "Tour: the printer is broken")]
        )
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.create_uid, self.agent)
        self.assertEqual(
            ticket.stage_id, self.env.ref("support_ticket.support_stage_resolved")
        )
        self.assertTrue(ticket.is_locked)
        reply = ticket.reply_ids
        self.assertEqual(len(reply), 1)
        self.assertIn("The technician is on the way", reply.body)
        self.assertEqual(reply.author_id, self.agent.partner_id)
        self.assertEqual(reply.attachment_ids.name, "report.txt")
        self.assertEqual(reply.attachment_ids.raw, b"Intervention report")

    def test_reply_and_email_tour(self):
        self.env["ir.mail_server"].create(
            {"name": "Outgoing", "smtp_host": "127.0.0.1", "smtp_port": 2525}
        )
        customer = self.env["res.partner"].create(
            {"name": "Mail Customer", "email": "mail.customer@example.com"}
        )
        ticket = self.env["support.ticket"].create(
            {
                "name": "Router down",
                "origin": "email",
                "email_from": "mail.customer@example.com",
                "partner_id": customer.id,
                "team_id": self.env.ref("support_ticket.support_team_helpdesk").id,
            }
        )
        self.start_tour(
            f"/odoo/action-support_ticket.support_ticket_action/{ticket.id}",
            "support_ticket_reply_email_tour",
            login="st_tour_agent",
        )
        reply = ticket.reply_ids
        self.assertIn("restart the router", reply.body)
        sent = self.env["mail.mail"].search(
            [
                ("model", "=", "support.ticket"),
                ("res_id", "=", ticket.id),
                ("subject", "like", "Re:"),
            ]
        )
        self.assertEqual(sent.recipient_ids, customer)
        self.assertIn("restart the router", sent.body_html)

    def test_conversation_keeps_the_saved_state_tour(self):
        ticket = self.env["support.ticket"].create(
            {
                "name": "Answers out of order",
                "team_id": self.env.ref("support_ticket.support_team_helpdesk").id,
            }
        )
        ticket._add_reply("Fixed, I think")
        ticket.stage_id = self.env.ref("support_ticket.support_stage_resolved")
        self.start_tour(
            f"/odoo/action-support_ticket.support_ticket_action/{ticket.id}",
            "support_ticket_conversation_order_tour",
            login="st_tour_agent",
        )
        self.assertEqual(
            ticket.stage_id, self.env.ref("support_ticket.support_stage_resolved")
        )
