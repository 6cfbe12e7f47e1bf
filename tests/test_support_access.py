from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import tagged, users
from odoo.tools import mute_logger

from .common import SupportTicketCommon


@tagged("post_install", "-at_install")
class TestSupportAccess(SupportTicketCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket_tech = cls._create_ticket(
            name="Tech area ticket", team_id=cls.team_tech.id
        )
        cls.ticket_billing = cls._create_ticket(
            name="Billing area ticket", team_id=cls.team_billing.id
        )
        cls.ticket_assigned = cls._create_ticket(
            name="Assigned to Alice",
            team_id=cls.team_billing.id,
            user_id=cls.user_agent.id,
        )
        cls.ticket_no_team = cls._create_ticket(name="No area", team_id=False)
        cls.reply_billing = cls.ticket_billing._add_reply("Billing reply")
        cls.all_tickets = (
            cls.ticket_tech
            | cls.ticket_billing
            | cls.ticket_assigned
            | cls.ticket_no_team
        )

    def _visible(self):
        return self.env["support.ticket"].search([("id", "in", self.all_tickets.ids)])

    @users("st_agent")
    def test_user_sees_area_assigned_and_own(self):
        own = self.env["support.ticket"].create({"name": "Mine", "team_id": False})
        self.assertEqual(own.create_uid, self.user_agent)
        self.assertEqual(self._visible(), self.ticket_tech | self.ticket_assigned)
        self.assertTrue(own.has_access("read"))
        with self.assertRaises(AccessError):
            self.ticket_billing.with_env(self.env).name  # noqa: B018
        with self.assertRaises(AccessError):
            self.reply_billing.with_env(self.env).body  # noqa: B018
        # may work the visible ones
        self.ticket_tech.with_env(self.env).stage_id = self.stage_progress
        self.ticket_tech.with_env(self.env)._add_reply("On it")

    @users("st_agent2")
    def test_other_user_cannot_write_or_reply_elsewhere(self):
        self.assertEqual(self._visible(), self.ticket_billing | self.ticket_assigned)
        ticket = self.ticket_tech.with_env(self.env)
        with self.assertRaises(AccessError):
            ticket.write({"name": "Hijacked"})
        with self.assertRaises(AccessError):
            ticket.post_reply("not my area")
        with self.assertRaises(AccessError):
            self.env["support.ticket.reply"].create(
                {"ticket_id": self.ticket_tech.id, "body": "<p>sneaky</p>"}
            )

    @users("st_agent")
    @mute_logger("odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule")
    def test_user_cannot_delete_or_configure(self):
        ticket = self.ticket_tech.with_env(self.env)
        with self.assertRaises(AccessError):
            ticket.unlink()
        with self.assertRaises(UserError):
            ticket.action_delete()
        with self.assertRaises(AccessError):
            self.env["support.priority"].create({"name": "Mine"})
        with self.assertRaises(AccessError):
            self.stage_open.with_env(self.env).name = "Renamed"
        # but reads the catalogs
        self.assertTrue(self.env["support.category"].search([]))

    @users("st_manager")
    @mute_logger("odoo.addons.base.models.ir_model")
    def test_manager_sees_all_but_cannot_delete(self):
        self.assertEqual(self._visible(), self.all_tickets)
        self.assertTrue(self.reply_billing.with_env(self.env).body)
        with self.assertRaises(AccessError):
            self.ticket_billing.with_env(self.env).unlink()
        self.env["support.priority"].create({"name": "Configured"})

    @users("st_admin")
    def test_admin_deletes(self):
        self.ticket_billing.with_env(self.env).unlink()
        self.assertFalse(self.ticket_billing.exists())
        self.assertFalse(self.reply_billing.exists())

    @users("st_employee")
    @mute_logger("odoo.addons.base.models.ir_model")
    def test_employee_without_group_has_no_access(self):
        with self.assertRaises(AccessError):
            self.env["support.ticket"].search([])
        with self.assertRaises(AccessError):
            self.env["support.ticket"].create({"name": "Nope"})
        # nor does the customer form show tickets to them
        self.assertNotIn("support_ticket_count", self.env["res.partner"].fields_get())

    def test_multi_company(self):
        other = self.env["res.company"].create({"name": "Other Support Co"})
        self.user_manager.write({"company_ids": [Command.link(other.id)]})
        ticket_other = (
            self.env["support.ticket"]
            .with_company(other)
            .create({"name": "Other company", "company_id": other.id})
        )
        Ticket = self.env["support.ticket"].with_user(self.user_manager)
        # only the active companies' tickets are visible
        self.assertNotIn(
            ticket_other,
            Ticket.with_context(allowed_company_ids=[self.company.id]).search([]),
        )
        self.assertIn(
            ticket_other,
            Ticket.with_context(allowed_company_ids=[self.company.id, other.id]).search(
                []
            ),
        )
        # a ticket cannot use an area of another company
        team_other = self.env["support.team"].create(
            {"name": "Other area", "company_id": other.id}
        )
        with self.assertRaises(UserError):
            self._create_ticket(team_id=team_other.id)
