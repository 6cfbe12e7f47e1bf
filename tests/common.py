from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.fields import Command
from odoo.modules.registry import DummyRLock, Registry
from odoo.tests import HttpCase, TransactionCase, new_test_user


class AcknowledgementJobMixin:
    def send_acknowledgements(self):
        """Run the acknowledgement job, as Odoo's cron worker does once new
        tickets trigger it."""
        sent = self.env["support.ticket"].sudo()._cron_send_acknowledgements()
        self.env.flush_all()
        return sent


class SupportHttpCase(AcknowledgementJobMixin, HttpCase):
    """Tests over HTTP: the portal users they create sign in with short
    passwords and are sent no invitation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, no_reset_password=True))
        cls.env["ir.config_parameter"].sudo().set_param(
            "auth_password_policy.minlength", 4
        )


class SupportTicketCommon(AcknowledgementJobMixin, TransactionCase):
    """Users, areas and customers shared by the tests of the addon.

    Mail tracking stays on: the addon relies on it (notifications, the log of
    state changes), so the tests exercise it too."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, no_reset_password=True))
        cls.company = cls.env.company
        cls.stage_open = cls.env.ref("support_ticket.support_stage_open")
        cls.stage_progress = cls.env.ref("support_ticket.support_stage_in_progress")
        cls.stage_pending = cls.env.ref("support_ticket.support_stage_pending")
        cls.stage_resolved = cls.env.ref("support_ticket.support_stage_resolved")
        cls.stage_closed = cls.env.ref("support_ticket.support_stage_closed")
        cls.priority_low = cls.env.ref("support_ticket.support_priority_low")
        cls.priority_normal = cls.env.ref("support_ticket.support_priority_normal")
        cls.priority_urgent = cls.env.ref("support_ticket.support_priority_urgent")
        cls.category_support = cls.env.ref("support_ticket.support_category_support")
        cls.category_question = cls.env.ref("support_ticket.support_category_question")
        cls.team_helpdesk = cls.env.ref("support_ticket.support_team_helpdesk")

        cls.user_agent = new_test_user(
            cls.env,
            login="st_agent",
            name="Alice Agent",
            email="alice.agent@example.com",
            groups="support_ticket.group_support_user",
        )
        cls.user_agent2 = new_test_user(
            cls.env,
            login="st_agent2",
            name="Bob Agent",
            email="bob.agent@example.com",
            groups="support_ticket.group_support_user",
        )
        cls.user_manager = new_test_user(
            cls.env,
            login="st_manager",
            name="Maria Manager",
            email="maria.manager@example.com",
            groups="support_ticket.group_support_manager",
        )
        cls.user_admin = new_test_user(
            cls.env,
            login="st_admin",
            name="Ada Admin",
            email="ada.admin@example.com",
            groups="support_ticket.group_support_admin",
        )
        cls.user_employee = new_test_user(
            cls.env,
            login="st_employee",
            name="Eve Employee",
            email="eve.employee@example.com",
            groups="base.group_user",
        )
        cls.team_tech = cls.env["support.team"].create(
            {
                "name": "Technical",
                "member_ids": [Command.link(cls.user_agent.id)],
                "leader_id": cls.user_agent.id,
            }
        )
        cls.team_billing = cls.env["support.team"].create(
            {"name": "Billing", "member_ids": [Command.link(cls.user_agent2.id)]}
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Carla Customer",
                "email": "carla@customer.example.com",
                "is_company": False,
            }
        )
        cls.customer_company = cls.env["res.partner"].create(
            {
                "name": "Customer Corp",
                "is_company": True,
                "email": "info@customer.example.com",
            }
        )
        cls.customer.parent_id = cls.customer_company

    @classmethod
    def _create_ticket(cls, user=None, **values):
        env = cls.env(user=user) if user else cls.env
        return env["support.ticket"].create({"name": "Printer on fire", **values})


class CommittedDataCase(TransactionCase):
    """Scenarios on committed data, each transaction on a cursor of its own
    (threads, as workers of a server run them); each class deletes what it
    committed afterwards."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the records the class shares, committed once, deleted after its tests
        cls.ids = cls._committed(cls._create_fixture)
        cls.addClassCleanup(cls._committed, cls._drop_fixture)

    @classmethod
    def _create_fixture(cls, env):
        """Commit what the class's tests share; return their ids."""
        return {}

    @classmethod
    def _drop_fixture(cls, env):
        """Delete what :meth:`_create_fixture` and the tests committed."""

    @classmethod
    def _committed(cls, func, uid=SUPERUSER_ID):
        """``func(env)`` in a transaction of its own, committed."""
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, uid, {"no_reset_password": True})
            result = func(env)
            env.flush_all()
        return result

    def setUp(self):
        super().setUp()
        # the test runner holds the registry's lock while it runs the tests:
        # let the other threads (and the HTTP server's) reach the registry,
        # as HttpCase does
        self.startPatcher(patch.object(Registry, "_lock", DummyRLock()))
