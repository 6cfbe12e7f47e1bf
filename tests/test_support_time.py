from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import Form, new_test_user, tagged, users

from .quote_common import SupportQuoteCommon


@tagged("post_install", "-at_install")
class TestSupportTime(SupportQuoteCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # free: no price
        cls.ticket = cls._create_paid_ticket(category_id=cls.category_free.id)

    # ------------------------------------------------------------------
    # validation
    # ------------------------------------------------------------------

    @users("st_agent")
    def test_hours_and_minutes(self):
        ticket = self.ticket.with_env(self.env)
        with Form(ticket) as form, form.time_ids.new() as line:
            line.duration = 1 + 20 / 60  # 1:20, as the float_time widget gives it
            line.note = "Diagnosis"
        entry = ticket.time_ids
        self.assertEqual(entry.user_id, self.user_agent)
        self.assertEqual(entry.date, fields.Date.context_today(entry))
        self.assertAlmostEqual(entry.duration * 60, 80)
        ticket.time_ids = [Command.create({"duration": 0.75})]
        self.assertAlmostEqual(ticket.time_total, 1 + 20 / 60 + 0.75)

    def test_duration_refused(self):
        for duration, message in (
            (0, "above zero"),
            (-1, "above zero"),
            (24.5, "at most 24 hours"),
            (1 / 120, "whole minutes"),  # 30 seconds
            (1.2345, "whole minutes"),
        ):
            with (
                self.subTest(duration=duration),
                self.assertRefused(ValidationError, message),
            ):
                self.env["support.ticket.time"].create(
                    {"ticket_id": self.ticket.id, "duration": duration}
                )
        self.assertFalse(self.ticket.time_ids, "nothing half-created")
        entry = self.env["support.ticket.time"].create(
            {"ticket_id": self.ticket.id, "duration": 24}
        )
        with self.assertRefused(ValidationError, "whole minutes"):
            entry.duration = 2.001
        with self.assertRefused(ValidationError, "above zero"):
            entry.duration = 0
        self.assertEqual(entry.duration, 24)

    def test_time_refused_until_approved(self):
        ticket = self._create_paid_ticket()
        with self.assertRefused(
            UserError, "Time cannot be logged on ticket .*No quote was sent yet"
        ):
            ticket.time_ids = [Command.create({"duration": 1})]
        order = self._send_quote(ticket)
        with self.assertRefused(UserError, "waits for the customer's approval"):
            self.env["support.ticket.time"].create(
                {"ticket_id": ticket.id, "duration": 1}
            )
        # moving an entry to it is refused too
        with self.assertRefused(UserError, "must be approved or free"):
            self.env["support.ticket.time"].create(
                {"ticket_id": self.ticket.id, "duration": 1}
            ).ticket_id = ticket
        order.action_confirm()
        ticket.time_ids = [Command.create({"duration": 1})]
        self.assertEqual(ticket.time_total, 1)

    # ------------------------------------------------------------------
    # contracts and billing
    # ------------------------------------------------------------------

    def test_contract_hours_from_entries_of_the_month(self):
        covered = self._create_ticket(
            partner_id=self.customer.id, category_id=self.category_onsite.id
        )
        other = self._create_ticket(
            partner_id=self.customer.id, category_id=self.category_free.id
        )
        today = fields.Date.today()
        self.env["support.ticket.time"].create(
            [
                {"ticket_id": covered.id, "duration": 1.5},
                {"ticket_id": other.id, "duration": 0.5},
                {
                    "ticket_id": covered.id,
                    "duration": 3,
                    "date": today.replace(day=1) - timedelta(days=1),
                },
            ]
        )
        self.assertEqual(self.contract.hours_used_month, 2.0)
        self.assertEqual(self.contract.hours_left_month, 2.0)
        self.assertEqual(covered.time_ids.contract_id, self.contract)

    def _set_billing(self, mode):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.support_product_id, self.product)
        settings.support_billing_mode = mode
        settings.execute()

    def test_billing_hours_logged(self):
        self._set_billing("hours")
        self.assertEqual(self.product.invoice_policy, "delivery")
        self.assertEqual(
            self.env["res.config.settings"].create({}).support_billing_mode, "hours"
        )
        ticket = self._create_paid_ticket()
        order = self._send_quote(ticket, hours=3.0, price=150.0)
        line = order.order_line
        self.assertEqual((line.product_uom_qty, line.price_unit), (3.0, 50.0))
        order.action_confirm()
        self.assertEqual(line.qty_to_invoice, 0)
        ticket.time_ids = [
            Command.create({"duration": 1.5}),
            Command.create({"duration": 0.25}),
        ]
        self.assertEqual(line.qty_delivered, 1.75)
        self.assertEqual(line.qty_to_invoice, 1.75)
        ticket.time_ids[:1].unlink()
        self.assertEqual(line.qty_delivered, ticket.time_total)
        self.assertIn(line.qty_delivered, (0.25, 1.5))

    def test_billing_quoted_amount(self):
        self._set_billing("quoted")
        self.assertEqual(self.product.invoice_policy, "order")
        ticket = self._create_paid_ticket()
        order = self._send_quote(ticket, hours=3.0, price=150.0)
        order.action_confirm()
        line = order.order_line
        self.assertEqual(line.qty_to_invoice, 3.0)
        ticket.time_ids = [Command.create({"duration": 1})]
        # the time is shown as delivered, the quoted amount is what is billed
        self.assertEqual(line.qty_delivered, 1)
        self.assertEqual(line.qty_to_invoice, 3.0)

    # ------------------------------------------------------------------
    # access
    # ------------------------------------------------------------------

    def test_access(self):
        ticket = self.ticket
        mine = (
            self.env["support.ticket.time"]
            .with_user(self.user_agent)
            .create({"ticket_id": ticket.id, "duration": 1})
        )
        colleague = new_test_user(
            self.env,
            login="st_agent3",
            groups="support_ticket.group_support_user",
        )
        self.team_tech.member_ids = [Command.link(colleague.id)]
        theirs = (
            self.env["support.ticket.time"]
            .with_user(colleague)
            .create({"ticket_id": ticket.id, "duration": 2})
        )
        # both see the time of the ticket, each changes their own
        Time = self.env["support.ticket.time"].with_user(self.user_agent)
        self.assertEqual(Time.search([("ticket_id", "=", ticket.id)]), mine | theirs)
        mine.with_user(self.user_agent).duration = 1.5
        with self.assertRaises(AccessError):
            theirs.with_user(self.user_agent).duration = 3
        with self.assertRaises(AccessError):
            theirs.with_user(self.user_agent).unlink()
        theirs.with_user(self.user_manager).duration = 2.5
        # not a member of the area: nothing to see
        self.assertFalse(
            self.env["support.ticket.time"]
            .with_user(self.user_agent2)
            .search([("ticket_id", "=", ticket.id)])
        )
        # accountants see the time of quoted tickets only
        Accountant = self.env["support.ticket.time"].with_user(self.user_accountant)
        self.assertFalse(Accountant.search([("ticket_id", "=", ticket.id)]))
        quoted = self._create_paid_ticket()
        self._send_quote(quoted).action_confirm()
        entry = self.env["support.ticket.time"].create(
            {"ticket_id": quoted.id, "duration": 1}
        )
        self.assertEqual(Accountant.search([]), entry)
        with self.assertRaises(AccessError):
            entry.with_user(self.user_accountant).duration = 5
