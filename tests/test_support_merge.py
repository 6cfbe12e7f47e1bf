from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged, users
from odoo.tools import mute_logger

from .mail_common import SupportMailCommon
from .portal_common import SupportPortalCommon


@tagged("post_install", "-at_install")
class TestSupportMerge(SupportMailCommon):
    """Merging tickets, and what keeps their codes alive afterwards."""

    def _email_ticket(self, **kwargs):
        ticket = self.process(self.build_email(**kwargs))
        ticket.team_id = self.team_tech
        return ticket

    def _merge(self, tickets, target, user=None, context=None, **values):
        env = self.env(user=user or self.user_manager, context=context or {})
        wizard = (
            env["support.ticket.merge"]
            .with_context(active_model="support.ticket", active_ids=tickets.ids)
            .create({"target_ticket_id": target.id, **values})
        )
        return wizard.action_merge()

    def test_merge_then_answer_the_old_ticket(self):
        kept = self._email_ticket(subject="Printer on fire")
        merged = self._email_ticket(
            subject="The printer is on fire again",
            cc="boss@customer.example.com",
            attachments=[("photo.png", b"\x89PNG fake", "image/png")],
        )
        ack_of_merged = self.last_message_id(merged)
        merged.with_user(self.user_agent)._add_reply("We send a technician")
        merged.message_subscribe(partner_ids=self.user_agent2.partner_id.ids)
        activity = merged.activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.user_agent.id
        )
        self.assertEqual(kept.duplicate_ticket_ids, merged)
        mail_id = self.last_mail_id()

        # from the form's banner: the wizard proposes both, the oldest kept
        action = kept.with_user(self.user_manager).action_merge_duplicates()
        wizard = Form(
            self.env["support.ticket.merge"]
            .with_user(self.user_manager)
            .with_context(**action["context"])
        )
        self.assertEqual(wizard.target_ticket_id, kept)
        self.assertEqual(len(wizard.ticket_ids), 2)
        result = wizard.save().action_merge()
        self.assertEqual((result["res_model"], result["res_id"]), (kept._name, kept.id))

        # the merged ticket: closed, pointing to the one kept, with a note
        self.assertEqual(merged.merged_into_id, kept)
        self.assertEqual(merged.stage_id, self.stage_closed)
        note = merged.message_ids.filtered(lambda m: "Merged into" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn(f'data-oe-id="{kept.id}"', note.body)
        self.assertIn(kept.code, note.body)
        # its customer is not told it was closed, nor asked to rate it
        self.assertFalse(self.mails_of(merged, mail_id))
        self.assertFalse(merged.sudo().rating_ids)

        # the kept ticket: the conversation, files, followers, CC, activity
        bodies = kept.reply_ids.sorted("date").mapped("body")
        self.assertEqual(len(bodies), 2)
        self.assertIn(f"From {merged.code}", bodies[0])
        self.assertIn("Hello, my printer smokes.", bodies[0])
        self.assertIn("We send a technician", bodies[1])
        self.assertFalse(merged.reply_ids)
        self.assertIn("photo.png", kept.attachment_ids.mapped("name"))
        self.assertEqual(
            kept.attachment_ids.filtered(lambda a: a.name == "photo.png").res_id,
            kept.id,
        )
        self.assertIn(self.user_agent2.partner_id, kept.message_partner_ids)
        self.assertIn("boss@customer.example.com", kept.email_cc)
        self.assertEqual(activity.res_id, kept.id)
        self.assertEqual(kept.merged_codes, merged.code)
        note = kept.message_ids.filtered(lambda m: "Merged into" in (m.body or ""))
        self.assertIn(f'data-oe-id="{merged.id}"', note.body)
        self.assertFalse(self.mails_of(kept, mail_id), "nobody is emailed")

        # an answer to the merged ticket's email lands in the kept one
        answer = self.build_email(
            subject=f"Re: [{merged.code}] The printer is on fire again",
            text="It smokes even more.",
            in_reply_to=ack_of_merged,
            references=ack_of_merged,
        )
        self.assertEqual(self.process(answer), kept)
        self.assertIn("smokes even more", kept.reply_ids.sorted("id")[-1].body)
        self.assertEqual(len(merged.reply_ids), 0)
        # ... and so does one found by the code in its subject only
        answer = self.build_email(
            subject=f"Re: [{merged.code}] printer", text="And now it beeps."
        )
        self.assertEqual(self.process(answer), kept)
        self.assertIn("now it beeps", kept.reply_ids.sorted("id")[-1].body)

    @users("st_agent")
    def test_search_by_old_code(self):
        kept = self._create_ticket(
            name="Printer on fire",
            partner_id=self.customer.id,
            team_id=self.team_tech.id,
        )
        merged = self._create_ticket(
            name="Printer still on fire",
            partner_id=self.customer.id,
            team_id=self.team_tech.id,
        )
        merged._merge_into(kept)
        Ticket = self.env["support.ticket"]
        self.assertIn(kept, Ticket.search([("display_name", "ilike", merged.code)]))
        found = [rid for rid, _name in Ticket.name_search(merged.code)]
        self.assertIn(kept.id, found)
        # the search view's ticket field searches the former codes too
        arch = Ticket.get_view(
            self.env.ref("support_ticket.support_ticket_view_search").id, "search"
        )["arch"]
        self.assertIn("('merged_codes', 'ilike', self)", arch)
        self.assertEqual(Ticket.search([("merged_codes", "ilike", merged.code)]), kept)

    def test_merge_follows_earlier_merges(self):
        first, second, third = (
            self._create_ticket(
                name=f"Screen flickers {i}", partner_id=self.customer.id
            )
            for i in range(3)
        )
        self._merge(second | third, second)
        self.assertEqual(third.merged_into_id, second)
        self._merge(first | second, first)
        self.assertEqual(second.merged_into_id, first)
        self.assertEqual(third.merged_into_id, first, "the chains stay flat")
        self.assertEqual(first.merged_codes, f"{second.code}, {third.code}")
        # a merged ticket cannot be merged again
        with self.assertRaisesRegex(UserError, "already merged into"):
            (first | third)._merge_into(first)

    @mute_logger("odoo.addons.base.models.ir_model")
    def test_only_managers_merge(self):
        tickets = self._create_ticket(
            partner_id=self.customer.id
        ) | self._create_ticket(partner_id=self.customer.id)
        for user in (self.user_agent, self.user_employee):
            with self.assertRaises(AccessError):
                self._merge(tickets, tickets[0], user=user)
            with self.assertRaisesRegex(AccessError, "Only support managers"):
                tickets.with_user(user)._merge_into(tickets[0].with_user(user))
        self.assertFalse(tickets.merged_into_id)
        # the list's Merge action is for managers
        action = self.env.ref("support_ticket.support_ticket_merge_action")
        self.assertEqual(action.binding_model_id.model, "support.ticket")
        self.assertEqual(
            action.group_ids, self.env.ref("support_ticket.group_support_manager")
        )

    def test_refused_merges_say_why(self):
        ticket = self._create_ticket(partner_id=self.customer.id)
        with self.assertRaisesRegex(UserError, "at least two tickets"):
            self._merge(ticket, ticket)
        other_company = self.env["res.company"].create({"name": "Other company"})
        self.user_manager.company_ids |= other_company
        foreign = self._create_ticket(
            partner_id=self.customer.id, company_id=other_company.id
        )
        with self.assertRaisesRegex(UserError, "different companies"):
            self._merge(
                ticket | foreign,
                ticket,
                context={"allowed_company_ids": [self.company.id, other_company.id]},
            )
        stranger = self.env["res.partner"].create(
            {"name": "Olga Other", "email": "olga@other.example.com"}
        )
        theirs = self._create_ticket(partner_id=stranger.id)
        wizard = (
            self.env["support.ticket.merge"]
            .with_user(self.user_manager)
            .with_context(
                active_model="support.ticket", active_ids=[ticket.id, theirs.id]
            )
            .create({})
        )
        self.assertTrue(wizard.different_customers)
        self.assertFalse(wizard.different_companies)
        with self.assertRaisesRegex(UserError, "different customers.*Olga Other"):
            wizard.action_merge()
        self.assertFalse(theirs.merged_into_id, "nothing was changed")
        self.assertEqual(len(ticket.reply_ids), 0)
        # said so clearly: merged, the other customer copied
        wizard.confirm_different_customers = True
        wizard.action_merge()
        self.assertEqual(theirs.merged_into_id, ticket)
        self.assertIn("olga@other.example.com", ticket.email_cc)


@tagged("post_install", "-at_install")
class TestSupportMergePortal(SupportPortalCommon):
    """The page of a merged ticket leads to the ticket it was merged into."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.merged = cls.env["support.ticket"].create(
            {"name": "Carla's printer again", "partner_id": cls.carla.id}
        )
        cls.merged._merge_into(cls.ticket)

    def test_customer_redirected(self):
        self.authenticate("carla", "carla")
        response = self.url_open(self.merged.access_url, allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertTrue(response.headers["Location"].endswith(self.ticket.access_url))
        page = self.url_open(self.ticket.access_url)
        self.assertIn(self.merged.code, page.text, "its former codes are shown")

    def test_visitor_with_the_link_redirected(self):
        self.ticket._portal_ensure_token()
        self.authenticate(None, None)
        response = self.url_open(self.merged.get_portal_url(), allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn(
            f"/my/tickets/{self.ticket.id}?access_token={self.ticket.access_token}",
            response.headers["Location"],
        )

    def test_not_redirected_to_a_ticket_they_cannot_see(self):
        # Oscar was copied on the merged ticket only
        self.merged.email_cc = self.oscar.email
        self.authenticate("oscar", "oscar")
        response = self.url_open(self.merged.access_url, allow_redirects=False)
        self.assertEqual(response.status_code, 200)
        self.assertIn("This ticket was merged into", response.text)
        self.assertEqual(
            self.url_open(self.ticket.access_url).status_code, 404, "still hidden"
        )
        # nor a visitor with the link of a ticket merged into another customer's
        otto = self.env["res.partner"].create(
            {"name": "Otto Other", "email": "otto@elsewhere.example.com"}
        )
        other = self.env["support.ticket"].create(
            {"name": "Otto's printer", "partner_id": otto.id}
        )
        other._merge_into(self.ticket_oscar.sudo(), different_customers=True)
        self.authenticate(None, None)
        response = self.url_open(other.get_portal_url(), allow_redirects=False)
        self.assertEqual(response.status_code, 200)
        self.assertIn("This ticket was merged into", response.text)
        self.assertNotIn(self.ticket_oscar.access_token or "no token", response.text)

    def test_merged_tickets_stay_findable(self):
        self.authenticate("carla", "carla")
        page = self.url_open(f"/my/tickets?search={self.merged.code}")
        self.assertIn(self.merged.access_url, page.text)
        self.assertEqual(
            self.env["support.ticket"]
            .with_user(self.user_carla)
            .search([("merged_codes", "ilike", self.merged.code)]),
            self.ticket,
        )


@tagged("post_install", "-at_install")
class TestSupportMergeUi(HttpCase):
    def test_merge_from_the_banner_tour(self):
        manager = new_test_user(
            self.env,
            login="st_tour_manager",
            password="st_tour_manager",
            name="Mona Manager",
            groups="support_ticket.group_support_manager",
        )
        customer = self.env["res.partner"].create(
            {"name": "Sam Scanner", "email": "sam@scan.example.com"}
        )
        Ticket = self.env["support.ticket"]
        kept = Ticket.create(
            {"name": "Scanner stopped scanning", "partner_id": customer.id}
        )
        duplicate = Ticket.create(
            {
                "name": "The scanner stopped scanning",
                "partner_id": customer.id,
                "description": "<p>It no longer scans at all.</p>",
            }
        )
        self.start_tour(
            f"/odoo/action-support_ticket.support_ticket_action/{duplicate.id}",
            "support_ticket_merge_tour",
            login=manager.login,
        )
        self.assertEqual(duplicate.merged_into_id, kept)
        self.assertEqual(duplicate.merged_into_id.merged_codes, duplicate.code)
