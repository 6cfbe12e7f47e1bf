"""Shared setup of the tests of contracts, quotes and time: priced categories,
customers with and without a contract, an accountant."""

from contextlib import contextmanager
from datetime import timedelta

from odoo import fields
from odoo.fields import Command
from odoo.tests import new_test_user

from .common import SupportTicketCommon

# a 1x1 PNG, as a signature drawn in the portal
SIGNATURE = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9"
    "awAAAABJRU5ErkJggg=="
)


def ensure_chart_of_accounts(env):
    """Load Odoo's generic chart of accounts on the company when it has none,
    so that orders can be invoiced and paid (tests run without demo data)."""
    company = env.company
    if not company.chart_template:
        env["account.chart.template"].try_loading(
            "generic_coa", company=company, install_demo=False
        )
    return company


class SupportQuoteCommon(SupportTicketCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env.ref("support_ticket.product_support_service")
        cls.currency = cls.env.company.currency_id
        cls.category_onsite = cls.env["support.category"].create(
            {
                "name": "On-site intervention",
                "price": 120.0,
                "team_id": cls.team_tech.id,
            }
        )
        cls.category_training = cls.env["support.category"].create(
            {"name": "Training", "price": 80.0, "team_id": cls.team_tech.id}
        )
        cls.category_free = cls.env["support.category"].create(
            {"name": "Warranty", "price": 0.0, "team_id": cls.team_tech.id}
        )
        # Customer Corp (Carla) has a contract covering on-site interventions
        cls.contract = cls.env["support.contract"].create(
            {
                "partner_id": cls.customer_company.id,
                "date_start": fields.Date.today() - timedelta(days=40),
                "category_ids": [Command.set(cls.category_onsite.ids)],
                "hours_per_month": 4.0,
                "price": 200.0,
            }
        )
        cls.contract.action_confirm()
        # Dora's company has none
        cls.other_company = cls.env["res.partner"].create(
            {
                "name": "Other Corp",
                "is_company": True,
                "email": "info@other.example.com",
            }
        )
        cls.dora = cls.env["res.partner"].create(
            {
                "name": "Dora Other",
                "email": "dora@other.example.com",
                "parent_id": cls.other_company.id,
            }
        )
        cls.user_accountant = new_test_user(
            cls.env,
            login="st_accountant",
            name="Anna Accountant",
            email="anna.accountant@example.com",
            groups="account.group_account_invoice",
        )

    @classmethod
    def _working_week(cls):
        """Monday to Friday, 9:00-13:00 and 14:00-18:00 in Madrid."""
        return cls.env["resource.calendar"].create(
            {
                "name": "Madrid office",
                "tz": "Europe/Madrid",
                "attendance_ids": [
                    Command.clear(),
                    *[
                        Command.create(
                            {
                                "name": f"Day {day}",
                                "dayofweek": str(day),
                                "hour_from": hour_from,
                                "hour_to": hour_to,
                                "day_period": period,
                            }
                        )
                        for day in range(5)
                        for hour_from, hour_to, period in (
                            (9, 13, "morning"),
                            (14, 18, "afternoon"),
                        )
                    ],
                ],
            }
        )

    @classmethod
    def _create_paid_ticket(cls, user=None, **values):
        """A ticket of Dora's that must be quoted (120.00, no contract)."""
        return cls._create_ticket(
            user=user,
            **{
                "partner_id": cls.dora.id,
                "category_id": cls.category_onsite.id,
                "team_id": cls.team_tech.id,
                **values,
            },
        )

    @contextmanager
    def assertRefused(self, exception, regex):
        """Like ``assertRaisesRegex``, but what the refused operation did is
        rolled back (``assertRaises`` of Odoo runs it in a savepoint), so that
        the test sees what is left."""
        with self.assertRaises(exception) as catcher:
            yield catcher
        self.assertRegex(str(catcher.exception), regex)

    def _quote_wizard(self, ticket, user=None, **values):
        env = self.env(user=user or self.user_agent)
        action = env["support.ticket"].browse(ticket.id).action_quote()
        return (
            env["support.ticket.quote"]
            .with_context(**action["context"])
            .create({"hours": 2.0, **values})
        )

    def _send_quote(self, ticket, user=None, **values):
        self._quote_wizard(ticket, user=user, **values).action_send()
        return ticket.sale_order_id
