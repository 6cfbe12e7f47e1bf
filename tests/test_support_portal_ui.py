import re

from odoo.fields import Command
from odoo.tests import tagged

from .portal_common import SupportPortalCommon


@tagged("post_install", "-at_install")
class TestSupportPortalUi(SupportPortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("support_ticket.support_team_helpdesk").member_ids = [
            Command.link(cls.agent.id)
        ]

    def test_portal_customer_tour(self):
        self.start_tour("/my/tickets", "support_ticket_portal_tour", login="carla")
        ticket = self.env["support.ticket"].search([("name", "=", "Printer broken")])
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.partner_id, self.carla)
        self.assertEqual(ticket.origin, "portal")
        self.assertEqual(ticket.email_cc, "cesar@corp.example.com")
        self.assertEqual(
            sorted(ticket.attachment_ids.mapped("name")), ["error.txt", "photo.png"]
        )
        self.assertIn("error E-13", ticket.description)
        self.assertIn("second floor printer", ticket.reply_ids.body)
        self.assertEqual(ticket.reply_ids.origin, "portal")
        self.assertEqual(ticket.stage_id, self.stage_closed)

    def test_visitor_tour_and_emailed_link(self):
        self.start_tour("/support/new", "support_ticket_visitor_tour")
        ticket = self.env["support.ticket"].search([("name", "=", "Opening hours")])
        self.assertEqual(ticket.partner_id.email, "vera@visitor.example.com")
        self.assertEqual(ticket.partner_id.name, "Vera Visitor")
        self.send_acknowledgements()
        ack = self.env["mail.mail"].search(
            [("model", "=", "support.ticket"), ("res_id", "=", ticket.id)]
        )
        self.assertEqual(ack.recipient_ids, ticket.partner_id)
        link = re.search(
            r'href="[^"]*(/my/tickets/\d+\?access_token=[^"&]+)', ack.body_html
        )
        self.start_tour(link.group(1), "support_ticket_visitor_follow_tour")
        self.assertIn("Also on Sunday", ticket.reply_ids.body)
        self.assertEqual(ticket.reply_ids.author_id, ticket.partner_id)
