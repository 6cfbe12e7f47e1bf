import base64
import os

from markupsafe import Markup

from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import tagged, users

from .common import SupportTicketCommon


@tagged("post_install", "-at_install")
class TestSupportConversation(SupportTicketCommon):
    """Replies of a ticket: who may write them, what they hold and show."""

    def test_locked_conversation_refused_by_the_orm(self):
        ticket = self._create_ticket(team_id=self.team_tech.id)
        reply = ticket._add_reply("First answer")
        ticket.stage_id = self.stage_resolved
        with self.assertRaisesRegex(UserError, "locked"):
            self.env["support.ticket.reply"].create(
                {"ticket_id": ticket.id, "body": "<p>late</p>"}
            )
        with self.assertRaisesRegex(UserError, "locked"):
            ticket._add_reply("late again")
        with self.assertRaisesRegex(UserError, "locked"):
            reply.body = "<p>rewritten</p>"
        with self.assertRaisesRegex(UserError, "locked"):
            ticket.with_user(self.user_agent).post_reply("through the composer")
        self.assertEqual(ticket.reply_ids, reply)
        ticket.action_reopen()
        ticket._add_reply("Now it works")
        self.assertEqual(len(ticket.reply_ids), 2)

    def test_empty_reply_refused(self):
        ticket = self._create_ticket()
        with self.assertRaisesRegex(UserError, "Write a message"):
            ticket._add_reply("   ")
        with self.assertRaisesRegex(UserError, "Write a message"):
            ticket._add_reply(Markup("<p><br></p>"))

    def test_conversation_badges_and_tones(self):
        ticket = self._create_ticket(
            user=self.user_agent2,
            user_id=self.user_agent.id,
            description="<p>It smells of smoke</p>",
            team_id=self.team_tech.id,
        )
        ticket = ticket.with_user(self.user_agent2)
        by_creator = ticket._add_reply("Any news?")
        by_assignee = ticket.with_user(self.user_agent)._add_reply("On my way")
        by_email = ticket.sudo()._add_reply(
            "<p>From my phone</p>",
            author_id=self.customer.id,
            origin="email",
            email_from=self.customer.email,
        )
        by_other = ticket.with_user(self.user_manager)._add_reply(
            "Escalated", is_internal=True
        )
        self.assertEqual(
            [by_creator.tone, by_assignee.tone, by_email.tone, by_other.tone],
            ["creator", "assignee", "email", "other"],
        )
        messages = ticket.get_conversation()["messages"]
        self.assertEqual(len(messages), 5)
        self.assertEqual(messages[0]["kind"], "description")
        self.assertIn("smells of smoke", messages[0]["body"])
        self.assertEqual(messages[0]["badges"], ["creator"])
        self.assertEqual(
            messages[0]["author"], self.user_agent2.partner_id.display_name
        )
        self.assertEqual(messages[1]["badges"], ["creator"])
        self.assertEqual(messages[2]["badges"], ["assignee"])
        self.assertEqual(messages[3]["badges"], ["email"])
        self.assertEqual(messages[3]["email_from"], self.customer.email)
        self.assertEqual(messages[4]["badges"], ["internal"])
        self.assertEqual(
            [m["id"] for m in messages[1:]],
            [by_creator.id, by_assignee.id, by_email.id, by_other.id],
        )

    def test_conversation_of_email_ticket(self):
        ticket = self._create_ticket(
            origin="email",
            email_from="carla@customer.example.com",
            partner_id=self.customer.id,
            description="<p>Sent from the mail client</p>",
        )
        first = ticket.get_conversation()["messages"][0]
        self.assertEqual(first["badges"], ["creator", "email"])
        self.assertEqual(first["email_from"], "carla@customer.example.com")
        self.assertEqual(first["author"], self.customer.display_name)
        reply = ticket._add_reply("Answer", author_id=self.customer.id, origin="email")
        self.assertEqual(reply.author_role, "creator")
        self.assertEqual(reply.tone, "email")

    @users("st_agent")
    def test_post_reply_with_attachment(self):
        ticket = self._create_ticket(user=self.user_agent, team_id=self.team_tech.id)
        content = b"%PDF-1.4 fake but unique " + os.urandom(8)
        reply_id = ticket.post_reply(
            "Here is the manual\nsecond line",
            attachment_name="manual.pdf",
            attachment_data=base64.b64encode(content).decode(),
        )
        reply = self.env["support.ticket.reply"].browse(reply_id)
        self.assertEqual(reply.author_id, self.user_agent.partner_id)
        self.assertIn("Here is the manual", reply.body)
        self.assertIn("<br>", reply.body)
        self.assertEqual(reply.attachment_ids.name, "manual.pdf")
        self.assertEqual(reply.attachment_ids.raw, content)
        self.assertEqual(
            (reply.attachment_ids.res_model, reply.attachment_ids.res_id),
            ("support.ticket.reply", reply.id),
        )
        attachments = ticket.get_conversation()["messages"][1]["attachments"]
        self.assertEqual(attachments[0]["name"], "manual.pdf")
        self.assertEqual(ticket.reply_count, 1)

    def test_reply_body_is_sanitized(self):
        ticket = self._create_ticket()
        reply = ticket._add_reply(
            "<p>hello</p><script>alert(1)</script>",
            author_id=self.customer.id,
            origin="email",
        )
        self.assertNotIn("<script", reply.body)
        # plain text is escaped, not interpreted
        reply = ticket._add_reply("<b>not bold</b>")
        self.assertIn("&lt;b&gt;", reply.body)

    def test_main_attachments_bound_to_ticket(self):
        ticket = self._create_ticket(
            user=self.user_agent, team_id=self.team_tech.id
        ).with_user(self.user_agent)
        # the many2many_binary widget uploads before linking, with the ticket as target
        attachment = (
            self.env["ir.attachment"]
            .with_user(self.user_agent)
            .create(
                {
                    "name": "photo.png",
                    "raw": b"png",
                    "res_model": "support.ticket",
                    "res_id": 0,
                }
            )
        )
        ticket.attachment_ids = [Command.link(attachment.id)]
        self.assertEqual(
            (attachment.res_model, attachment.res_id), ("support.ticket", ticket.id)
        )
        self.assertEqual(ticket.attachment_count, 1)
