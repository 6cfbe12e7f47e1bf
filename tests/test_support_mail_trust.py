from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .mail_common import SupportMailCommon


@tagged("post_install", "-at_install")
class TestSupportMailTrust(SupportMailCommon, HttpCase):
    """Who an email may add to a ticket: only the team, the customer (or a
    contact of the customer's company) and the portal form name the people
    who see a ticket and receive its updates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_agent.notification_type = "email"
        cls.team_tech.member_ids = [Command.link(cls.user_agent.id)]

        def portal_user(login, name, email, parent=None):
            user = new_test_user(
                cls.env,
                login=login,
                password=f"{login}-password",
                name=name,
                email=email,
                groups="base.group_portal",
            )
            if parent:
                user.partner_id.parent_id = parent
            return user

        # a portal account copied by a stranger, the stranger themselves
        # (also a portal user), and a colleague of the customer
        cls.user_pete = portal_user("pete", "Pete Copied", "pete@elsewhere.example.com")
        cls.user_mallory = portal_user(
            "mallory", "Mallory Stranger", "mallory@evil.example.com"
        )
        cls.user_cecile = portal_user(
            "cecile",
            "Cecile Colleague",
            "cecile@customer.example.com",
            parent=cls.customer_company,
        )
        # another portal user of elsewhere, named later by the team
        cls.user_quentin = portal_user(
            "quentin", "Quentin Later", "quentin@elsewhere.example.com"
        )

    def setUp(self):
        super().setUp()
        self.ticket = self.process(
            self.build_email(subject="Printer on fire", text="It smokes.")
        )
        self.ticket.user_id = self.user_agent
        self.ack_message_id = self.last_message_id(self.ticket)
        self.assertTrue(self.ack_message_id)
        # the ticket was opened earlier, in a transaction of its own (Odoo
        # does not track changes in the transaction that creates a record)
        self.env.cr.flush()

    # ------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------

    def answer(self, email_from, cc=None, text="An answer", **kwargs):
        """An answer threaded on the ticket by its headers, as a mail client
        (or a forger who saw one of its emails) sends it."""
        raw = self.build_email(
            email_from=email_from,
            subject="Re: Printer on fire",
            text=text,
            cc=cc,
            in_reply_to=self.ack_message_id,
            references=self.ack_message_id,
            **kwargs,
        )
        self.assertEqual(self.process(raw), self.ticket)
        return self.ticket.reply_ids.sorted("id")[-1]

    def assert_portal_refused(self, login):
        self.authenticate(login, f"{login}-password")
        listing = self.url_open("/my/tickets")
        self.assertEqual(listing.status_code, 200)
        self.assertNotIn(self.ticket.code, listing.text)
        with mute_logger("odoo.http"):
            page = self.url_open(self.ticket.access_url)
        self.assertEqual(page.status_code, 404)
        self.assertNotIn("It smokes", page.text)

    def assert_portal_allowed(self, login):
        self.authenticate(login, f"{login}-password")
        self.assertIn(self.ticket.code, self.url_open("/my/tickets").text)
        page = self.url_open(self.ticket.access_url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("It smokes", page.text)

    def staff_reply_recipients(self):
        """Addresses that receive the next public reply of the team."""
        mail_id = self.last_mail_id()
        self.ticket.with_user(self.user_agent).post_reply("We are on it")
        return self.recipients(self.mails_of(self.ticket, mail_id))

    # ------------------------------------------------------------
    # a stranger cannot widen the ticket
    # ------------------------------------------------------------

    def test_forged_answer_with_cc_adds_nobody(self):
        """A stranger who saw one email of the ticket answers it (a real
        Message-Id in In-Reply-To) and copies a portal account: the reply is
        kept with its CC, but nobody gains access nor receives anything."""
        mail_id = self.last_mail_id()
        reply = self.answer(
            '"Mallory" <mallory@evil.example.com>',
            cc='"Pete" <pete@elsewhere.example.com>, quentin@elsewhere.example.com',
            text="Let me in",
        )
        self.assertEqual(reply.origin, "email")
        self.assertIn("Let me in", reply.body)
        self.assertIn("pete@elsewhere.example.com", reply.email_cc)
        self.assertIn("quentin@elsewhere.example.com", reply.email_cc)
        self.assertFalse(self.ticket.email_cc)
        self.assertFalse(self.ticket.cc_partner_ids)
        strangers = (self.user_pete | self.user_mallory | self.user_quentin).partner_id
        self.assertFalse(self.ticket.message_partner_ids & strangers)
        # nothing was sent to them when the answer came in...
        self.assertFalse(
            self.recipients(self.mails_of(self.ticket, mail_id))
            & {"pete@elsewhere.example.com", "mallory@evil.example.com"}
        )
        # ...nor when the team answers
        self.assertEqual(self.staff_reply_recipients(), {"carla@customer.example.com"})
        # the chatter proposes neither the stranger nor the copied addresses
        suggested = self.ticket._message_get_suggested_recipients(
            reply_discussion=True, no_create=True
        )
        self.assertFalse(
            {r["email"] for r in suggested}
            & {
                "pete@elsewhere.example.com",
                "mallory@evil.example.com",
                "quentin@elsewhere.example.com",
            }
        )
        self.assertIn("carla@customer.example.com", {r["email"] for r in suggested})
        # the copied portal user and the stranger see nothing on the portal
        self.assert_portal_refused("pete")
        self.assert_portal_refused("mallory")
        # and being copied does not let them answer by the code either
        other = self.process(
            self.build_email(
                email_from="pete@elsewhere.example.com",
                subject=f"Re: [{self.ticket.code}] me too",
            )
        )
        self.assertNotEqual(other, self.ticket)

    def test_copied_person_cannot_copy_more(self):
        """Someone the customer copied follows the ticket, but may not
        name others."""
        self.ticket.email_cc = "pete@elsewhere.example.com"
        reply = self.answer(
            "pete@elsewhere.example.com", cc="quentin@elsewhere.example.com"
        )
        self.assertEqual(reply.email_cc, "quentin@elsewhere.example.com")
        self.assertEqual(self.ticket.email_cc, "pete@elsewhere.example.com")
        self.assert_portal_allowed("pete")
        self.assert_portal_refused("quentin")

    def test_stranger_answer_to_closed_ticket_follow_up(self):
        """With follow-ups, a stranger's answer to a closed ticket opens a
        ticket of their own: not in the name of the customer, without the
        closed ticket's CC."""
        self.env["ir.config_parameter"].sudo().set_param(
            "support_ticket.locked_reply_policy", "new"
        )
        self.ticket.email_cc = "cecile@customer.example.com"
        self.ticket.stage_id = self.stage_closed
        self.process(
            self.build_email(
                email_from="nobody@evil.example.com",
                subject="Re: Printer on fire",
                cc="pete@elsewhere.example.com",
                in_reply_to=self.ack_message_id,
            )
        )
        follow_up = self.ticket.child_ticket_ids
        self.assertEqual(len(follow_up), 1)
        self.assertNotEqual(follow_up.partner_id, self.ticket.partner_id)
        self.assertEqual(follow_up.email_cc, "pete@elsewhere.example.com")
        self.assertEqual(self.ticket.email_cc, "cecile@customer.example.com")

    # ------------------------------------------------------------
    # the customer's side and the team may name people
    # ------------------------------------------------------------

    def test_customer_answer_copies_a_colleague(self):
        reply = self.answer(
            '"Carla Customer" <carla@customer.example.com>',
            cc='"Pete" <pete@elsewhere.example.com>',
        )
        self.assertEqual(reply.email_cc, '"Pete" <pete@elsewhere.example.com>')
        self.assertIn("pete@elsewhere.example.com", self.ticket.email_cc)
        self.assertEqual(self.ticket.cc_partner_ids, self.user_pete.partner_id)
        # the change is in the chatter (tracked when the
        # transaction ends)
        self.env.cr.flush()
        tracked = self.env["mail.tracking.value"].search(
            [
                ("mail_message_id.model", "=", "support.ticket"),
                ("mail_message_id.res_id", "=", self.ticket.id),
                ("field_id.name", "=", "email_cc"),
            ]
        )
        self.assertIn("pete@elsewhere.example.com", tracked.new_value_char)
        self.assertEqual(
            self.staff_reply_recipients(),
            {"carla@customer.example.com", "pete@elsewhere.example.com"},
        )
        self.assert_portal_allowed("pete")

    def test_contact_of_customer_company_and_staff_copy_people(self):
        # a colleague of the customer (same company)
        self.answer("cecile@customer.example.com", cc="quentin@elsewhere.example.com")
        self.assertIn("quentin@elsewhere.example.com", self.ticket.email_cc)
        # someone of the team answering from their mailbox
        self.answer("alice.agent@example.com", cc="pete@elsewhere.example.com")
        self.assertIn("pete@elsewhere.example.com", self.ticket.email_cc)
        self.assert_portal_allowed("pete")

    def test_new_ticket_by_stranger_keeps_its_cc(self):
        """The sender of a new email is the customer of the ticket it opens:
        the people they copy follow it."""
        ticket = self.process(
            self.build_email(
                email_from="mallory@evil.example.com",
                subject="Another problem",
                cc="pete@elsewhere.example.com",
            )
        )
        self.assertNotEqual(ticket, self.ticket)
        self.assertEqual(ticket.partner_id, self.user_mallory.partner_id)
        self.assertEqual(ticket.email_cc, "pete@elsewhere.example.com")
        self.assertEqual(ticket.cc_partner_ids, self.user_pete.partner_id)

    # ------------------------------------------------------------
    # the team adds the CC of a reply in one click
    # ------------------------------------------------------------

    def test_staff_adds_the_cc_of_a_reply(self):
        reply = self.answer(
            "mallory@evil.example.com",
            cc='"Pete" <pete@elsewhere.example.com>, carla@customer.example.com',
        )
        conversation = self.ticket.with_user(self.user_agent).get_conversation()
        self.assertTrue(conversation["can_add_cc"])
        shown = next(m for m in conversation["messages"] if m["id"] == reply.id)
        self.assertEqual(
            shown["cc"],
            ['"Pete" <pete@elsewhere.example.com>', "carla@customer.example.com"],
        )
        self.assertEqual(shown["cc_pending"], ['"Pete" <pete@elsewhere.example.com>'])
        # the customer cannot do it, from the portal or otherwise
        with self.assertRaises(AccessError):
            reply.with_user(self.user_cecile).action_add_cc_to_ticket()
        self.assertFalse(self.ticket.email_cc)
        # someone of the team can
        reply.with_user(self.user_agent).action_add_cc_to_ticket()
        self.assertEqual(self.ticket.email_cc, '"Pete" <pete@elsewhere.example.com>')
        shown = next(
            m
            for m in self.ticket.with_user(self.user_agent).get_conversation()[
                "messages"
            ]
            if m["id"] == reply.id
        )
        self.assertFalse(shown["cc_pending"])
        self.assertEqual(
            self.staff_reply_recipients(),
            {"carla@customer.example.com", "pete@elsewhere.example.com"},
        )
        self.assert_portal_allowed("pete")
        self.assert_portal_refused("mallory")

    def test_staff_outside_the_area_cannot_add(self):
        reply = self.answer("mallory@evil.example.com", cc="pete@elsewhere.example.com")
        with self.assertRaises(AccessError):
            reply.with_user(self.user_agent2).action_add_cc_to_ticket()
        self.assertFalse(self.ticket.email_cc)

    def test_staff_adds_cc_in_the_conversation_tour(self):
        self.user_agent.password = "st_agent-password"
        self.answer(
            "mallory@evil.example.com",
            cc="pete@elsewhere.example.com",
            text="Forwarded to my colleague",
        )
        self.start_tour(
            f"/odoo/action-support_ticket.support_ticket_action/{self.ticket.id}",
            "support_ticket_reply_cc_tour",
            login="st_agent",
        )
        self.assertEqual(self.ticket.email_cc, "pete@elsewhere.example.com")
