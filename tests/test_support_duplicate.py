from odoo.tests import tagged, users

from .common import SupportTicketCommon


@tagged("post_install", "-at_install")
class TestSupportDuplicates(SupportTicketCommon):
    """Tickets likely to be the same request, flagged on the form."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.colleague = cls.env["res.partner"].create(
            {
                "name": "Colin Colleague",
                "email": "colin@customer.example.com",
                "parent_id": cls.customer_company.id,
            }
        )
        cls.other = cls.env["res.partner"].create(
            {"name": "Olga Other", "email": "olga@other.example.com"}
        )
        values = {"team_id": cls.team_tech.id}
        cls.ticket = cls._create_ticket(
            name="The printer is on fire", partner_id=cls.customer.id, **values
        )
        cls.same = cls._create_ticket(
            name="Printer on fire again", partner_id=cls.colleague.id, **values
        )
        cls.other_customer = cls._create_ticket(
            name="The printer is on fire", partner_id=cls.other.id, **values
        )
        cls.other_subject = cls._create_ticket(
            name="Copy of the May invoice", partner_id=cls.customer.id, **values
        )
        cls.closed = cls._create_ticket(
            name="The printer is on fire", partner_id=cls.customer.id, **values
        )
        cls.closed.stage_id = cls.stage_closed

    def test_flagged_on_the_form(self):
        self.assertEqual(self.ticket.duplicate_ticket_ids, self.same)
        self.assertEqual(self.same.duplicate_ticket_ids, self.ticket)
        html = self.ticket.duplicate_ticket_html
        self.assertIn(f'href="/odoo/support.ticket/{self.same.id}"', html)
        self.assertIn(self.same.code, html)
        self.assertFalse(self.other_customer.duplicate_ticket_ids)
        self.assertFalse(self.other_subject.duplicate_ticket_ids)
        self.assertFalse(self.closed.duplicate_ticket_ids, "a closed ticket is done")
        # the form shows the banner, and the merge button to managers
        form = self.env["support.ticket"].get_view(
            self.env.ref("support_ticket.support_ticket_view_form").id, "form"
        )["arch"]
        self.assertIn("o_support_duplicates", form)
        self.assertIn("action_merge_duplicates", form)

    def test_unknown_senders_by_address(self):
        first = self._create_ticket(
            name="Cannot log in to the shop", email_from="x@stranger.example.com"
        )
        second = self._create_ticket(
            name="Cannot log in to the shop!", email_from="X@stranger.example.com"
        )
        third = self._create_ticket(
            name="Cannot log in to the shop", email_from="y@stranger.example.com"
        )
        self.assertEqual(first.duplicate_ticket_ids, second)
        self.assertFalse(third.duplicate_ticket_ids)

    def test_shared_words_are_not_enough(self):
        # two requests of the same customer about the same place: a trigram
        # similarity of 0.40, from the long words they share
        laptop = self._create_ticket(
            name="Laptop of the warehouse manager is slow",
            partner_id=self.customer.id,
        )
        printer = self._create_ticket(
            name="The label printer of the warehouse is offline",
            partner_id=self.customer.id,
        )
        self.assertFalse(laptop.duplicate_ticket_ids)
        self.assertFalse(printer.duplicate_ticket_ids)

    @users("st_agent2")
    def test_only_visible_duplicates(self):
        # Bob is not in the technical area: he sees neither ticket...
        ticket = self.env["support.ticket"].create(
            {"name": "Printer on fire", "partner_id": self.customer.id}
        )
        self.assertFalse(ticket.duplicate_ticket_ids)
        # ... until one is assigned to him
        self.same.sudo().user_id = self.user_agent2
        ticket.invalidate_recordset(["duplicate_ticket_ids"])
        self.assertEqual(ticket.duplicate_ticket_ids, self.same)

    @users("st_agent")
    def test_cheap(self):
        ticket = self.ticket.with_env(self.env)
        ticket.fetch(["name"])
        # one query finds them, one applies the access rules
        with self.assertQueryCount(st_agent=2):
            self.assertEqual(ticket.duplicate_ticket_ids, self.same)
