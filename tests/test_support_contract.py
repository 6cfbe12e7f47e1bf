from datetime import date, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import Form, tagged, users
from odoo.tools import mute_logger

from .quote_common import SupportQuoteCommon


@tagged("post_install", "-at_install")
class TestSupportContract(SupportQuoteCommon):
    # ------------------------------------------------------------------
    # the contract and its dates
    # ------------------------------------------------------------------

    def test_reference_and_states_follow_the_dates(self):
        Contract = self.env["support.contract"]
        with freeze_time("2025-03-10"):
            contract = Contract.create(
                {
                    "partner_id": self.other_company.id,
                    "date_start": date(2025, 4, 1),
                    "date_end": date(2025, 4, 30),
                    "hours_per_month": 5.0,
                }
            )
            self.assertRegex(contract.name, r"^CTR-\d{4}$")
            self.assertEqual(contract.state, "draft")
            contract.action_confirm()
            # confirmed, it waits for its start
            self.assertTrue(contract.is_confirmed)
            self.assertEqual(contract.state, "draft")
        with freeze_time("2025-04-01"):
            Contract._cron_sync_states()
            self.assertEqual(contract.state, "running")
            self.assertTrue(contract._is_running())
        with freeze_time("2025-05-01"):
            self.assertFalse(contract._is_running(), "not running past its end")
            Contract._cron_sync_states()
            self.assertEqual(contract.state, "expired")
            # extended, it runs again
            contract.date_end = date(2025, 12, 31)
            self.assertEqual(contract.state, "running")
            contract.action_cancel()
            self.assertEqual(contract.state, "cancelled")
            Contract._cron_sync_states()
            self.assertEqual(contract.state, "cancelled")
            contract.action_reset_draft()
            self.assertEqual(contract.state, "draft")
            self.assertFalse(contract.is_confirmed)

    def test_confirm_an_ended_contract_expires_it(self):
        contract = self.env["support.contract"].create(
            {
                "partner_id": self.other_company.id,
                "date_start": fields.Date.today() - timedelta(days=60),
                "date_end": fields.Date.today() - timedelta(days=1),
            }
        )
        contract.action_confirm()
        self.assertEqual(contract.state, "expired")
        with self.assertRefused(UserError, "Only draft contracts"):
            contract.action_confirm()

    def test_constraints(self):
        Contract = self.env["support.contract"]
        today = fields.Date.today()
        for values in (
            {"date_start": today, "date_end": today - timedelta(days=1)},
            {"date_start": today, "hours_per_month": -1},
            {"date_start": today, "price": -5},
        ):
            with (
                self.subTest(values=values),
                mute_logger("odoo.sql_db"),
                self.assertRaises(Exception),  # noqa: B017 - IntegrityError or check
                self.cr.savepoint(),
            ):
                Contract.create({"partner_id": self.other_company.id, **values})

    def test_contract_in_use_cannot_be_deleted(self):
        self._create_ticket(partner_id=self.customer.id)
        with self.assertRefused(UserError, "cancel it instead"):
            self.contract.unlink()
        draft = self.env["support.contract"].create(
            {"partner_id": self.other_company.id}
        )
        draft.unlink()
        self.assertFalse(draft.exists())

    def test_customer_smart_button(self):
        customer = self.customer.with_user(self.user_agent)
        self.assertEqual(customer.support_contract_count, 1)
        self.assertEqual(self.customer_company.support_contract_count, 1)
        action = self.customer.action_view_support_contracts()
        self.assertEqual(
            self.env["support.contract"].search(action["domain"]), self.contract
        )

    # ------------------------------------------------------------------
    # the contract of a ticket
    # ------------------------------------------------------------------

    @users("st_agent")
    def test_contract_proposed_when_exactly_one(self):
        with Form(self.env["support.ticket"]) as form:
            form.name = "Server room"
            form.partner_id = self.customer
            self.assertEqual(form.contract_id, self.contract)
            # another customer: the proposal goes
            form.partner_id = self.dora
            self.assertFalse(form.contract_id)
        ticket = form.record
        self.assertFalse(ticket.contract_id)
        ticket.partner_id = self.customer
        self.assertEqual(ticket.contract_id, self.contract)

    def test_no_proposal_with_two_contracts(self):
        second = self.contract.copy({"date_start": fields.Date.today()})
        second.action_confirm()
        ticket = self._create_ticket(partner_id=self.customer.id)
        self.assertFalse(ticket.contract_id)
        # the team chooses
        ticket.contract_id = second
        self.assertEqual(ticket.contract_id, second)
        self.assertIn("('state', '=', 'running')", ticket._fields["contract_id"].domain)

    def test_contract_limited_to_the_customer_and_running(self):
        ticket = self._create_paid_ticket()
        with self.assertRefused(ValidationError, "cannot cover a ticket"):
            ticket.contract_id = self.contract
        draft = self.env["support.contract"].create(
            {"partner_id": self.other_company.id}
        )
        with self.assertRefused(ValidationError, "not running"):
            ticket.contract_id = draft
        self.assertFalse(ticket.contract_id)

    def test_contract_column_and_filter(self):
        covered = self._create_ticket(partner_id=self.customer.id)
        self._create_paid_ticket()
        found = self.env["support.ticket"].search([("contract_id", "!=", False)])
        self.assertIn(covered, found)
        self.assertEqual(found.contract_id, self.contract)
        self.assertEqual(self.contract.ticket_count, 1)
        action = self.contract.action_view_tickets()
        self.assertEqual(self.env["support.ticket"].search(action["domain"]), covered)

    # ------------------------------------------------------------------
    # free or quoted
    # ------------------------------------------------------------------

    def test_free_with_contract_hours_left(self):
        ticket = self._create_ticket(
            partner_id=self.customer.id, category_id=self.category_onsite.id
        )
        self.assertTrue(ticket.is_free)
        self.assertIn(self.contract.name, ticket.free_reason)
        self.assertIn("04:00 left this month", ticket.free_reason)
        # work starts without quote
        ticket.stage_id = self.stage_progress
        ticket.time_ids = [Command.create({"duration": 1.5})]
        self.assertEqual(self.contract.hours_used_month, 1.5)
        self.assertEqual(self.contract.hours_left_month, 2.5)
        self.assertIn("02:30 left", ticket.free_reason)

    def test_not_free_when_contract_hours_exhausted(self):
        ticket = self._create_ticket(
            partner_id=self.customer.id, category_id=self.category_onsite.id
        )
        ticket.stage_id = self.stage_progress
        ticket.time_ids = [Command.create({"duration": 4.0})]
        self.assertEqual(self.contract.hours_left_month, 0.0)
        self.assertFalse(ticket.is_free)
        self.assertIn("has no hours left this month", ticket.free_reason)
        with self.assertRefused(UserError, "must be approved or free"):
            ticket.time_ids = [Command.create({"duration": 0.5})]
        # time of last month does not count
        ticket.time_ids.date = fields.Date.today().replace(day=1) - timedelta(days=1)
        self.assertTrue(ticket.is_free)

    def test_free_when_category_has_no_price(self):
        ticket = self._create_paid_ticket(category_id=self.category_free.id)
        self.assertFalse(ticket.contract_id)
        self.assertTrue(ticket.is_free)
        self.assertIn("has no price", ticket.free_reason)
        ticket.stage_id = self.stage_progress
        self.assertEqual(ticket.stage_id, self.stage_progress)

    def test_not_free_when_category_not_covered(self):
        ticket = self._create_ticket(
            partner_id=self.customer.id, category_id=self.category_training.id
        )
        self.assertEqual(ticket.contract_id, self.contract)
        self.assertFalse(ticket.is_free)
        self.assertIn("does not cover the category Training", ticket.free_reason)
        self.assertIn("80.00", ticket.free_reason)

    def test_not_free_without_contract(self):
        ticket = self._create_paid_ticket()
        self.assertFalse(ticket.is_free)
        self.assertIn("no running contract covers the ticket", ticket.free_reason)

    def test_expired_contract_no_longer_covers(self):
        ticket = self._create_ticket(
            partner_id=self.customer.id, category_id=self.category_onsite.id
        )
        self.assertTrue(ticket.is_free)
        self.contract.date_end = fields.Date.today() - timedelta(days=1)
        self.assertEqual(self.contract.state, "expired")
        self.assertFalse(ticket.is_free)
        self.assertIn("is not running", ticket.free_reason)

    # ------------------------------------------------------------------
    # access
    # ------------------------------------------------------------------

    def test_access(self):
        Contract = self.env["support.contract"]
        self.assertEqual(Contract.with_user(self.user_agent).search([]), self.contract)
        with self.assertRaises(AccessError):
            Contract.with_user(self.user_agent).create(
                {"partner_id": self.other_company.id}
            )
        with self.assertRaises(AccessError):
            self.contract.with_user(self.user_agent).hours_per_month = 100
        self.contract.with_user(self.user_manager).hours_per_month = 8
        self.assertEqual(self.contract.hours_per_month, 8)
        self.assertEqual(
            Contract.with_user(self.user_accountant).search([]), self.contract
        )
        with self.assertRaises(AccessError):
            Contract.with_user(self.user_employee).search([])
