from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import Form, tagged, users

from .common import SupportTicketCommon


@tagged("post_install", "-at_install")
class TestSupportCatalog(SupportTicketCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Other Support Co"})

    def test_default_data(self):
        Stage = self.env["support.stage"]
        self.assertEqual(Stage._get_default(), self.stage_open)
        self.assertEqual(
            self.env["support.priority"]._get_default(), self.priority_normal
        )
        self.assertEqual(
            self.env["support.category"]._get_default(), self.category_support
        )
        self.assertEqual(self.env["support.team"]._get_default(), self.team_helpdesk)
        self.assertEqual(
            Stage.search(
                [("id", "in", (self.stage_resolved | self.stage_closed).ids)]
            ).mapped("is_locking"),
            [True, True],
        )
        self.assertTrue(self.stage_pending.is_waiting)
        self.assertEqual(
            [
                (p.name, p.color, p.icon)
                for p in self.env["support.priority"].search([])
            ],
            [
                ("Low", "grey", "fa-arrow-down"),
                ("Normal", "light_blue", "fa-minus"),
                ("High", "yellow", "fa-arrow-up"),
                ("Urgent", "red", "fa-exclamation-triangle"),
            ],
        )

    @users("st_manager")
    def test_one_default_per_catalog_and_company(self):
        Priority = self.env["support.priority"]
        critical = Priority.create({"name": "Critical", "is_default": True})
        self.assertTrue(critical.is_default)
        self.assertFalse(self.priority_normal.is_default)
        self.assertEqual(Priority._get_default(), critical)
        # setting another default through write clears the previous one
        self.priority_low.with_user(self.user_manager).is_default = True
        self.assertFalse(critical.is_default)
        self.assertEqual(Priority._get_default(), self.priority_low)
        # two defaults in one call: the last one wins
        two = Priority.create(
            [{"name": "A", "is_default": True}, {"name": "B", "is_default": True}]
        )
        self.assertEqual(two.mapped("is_default"), [False, True])
        self.assertFalse(self.priority_low.is_default)

    def test_default_per_company(self):
        Stage = self.env["support.stage"]
        other_default = Stage.create(
            {"name": "Nuevo", "company_id": self.other_company.id, "is_default": True}
        )
        # the shared default stays: each company has its own
        self.assertTrue(self.stage_open.is_default)
        self.assertEqual(Stage._get_default(self.other_company), other_default)
        self.assertEqual(Stage._get_default(self.env.company), self.stage_open)
        ticket = (
            self.env["support.ticket"]
            .with_company(self.other_company)
            .create(
                {"name": "In the other company", "company_id": self.other_company.id}
            )
        )
        self.assertEqual(ticket.stage_id, other_default)
        self.assertEqual(ticket.company_id, self.other_company)

    def test_company_check_in_batch(self):
        """Tickets created or changed together are checked once per distinct
        company and linked values: a ticket whose value belongs to another
        company is refused wherever it stands in the batch."""
        elsewhere = self.env["support.priority"].create(
            {"name": "Elsewhere urgent", "company_id": self.other_company.id}
        )
        Ticket = self.env["support.ticket"]
        values = [
            {"name": f"Batch {i}", "partner_id": self.customer.id} for i in range(5)
        ]
        for position in (0, 2, 4):
            batch = [dict(vals) for vals in values]
            batch[position]["priority_id"] = elsewhere.id
            with self.assertRaisesRegex(UserError, "belongs to another company"):
                with self.env.cr.savepoint():
                    Ticket.create(batch)
        self.assertFalse(Ticket.search([("name", "=like", "Batch %")]))
        tickets = Ticket.create(values)
        self.assertEqual(len(tickets), 5)
        with self.assertRaisesRegex(UserError, "belongs to another company"):
            with self.env.cr.savepoint():
                tickets.write({"priority_id": elsewhere.id})
        tickets.write({"priority_id": self.priority_urgent.id})
        self.assertEqual(tickets.priority_id, self.priority_urgent)

    def test_company_check_beyond_own_company(self):
        """Linked records of another company than the ticket's own go through
        Odoo's whole rule: a parent company's catalog values are not shared
        with its branches, a user is allowed where they may work."""
        branch = self.env["res.company"].create(
            {"name": "Support branch", "parent_id": self.env.company.id}
        )
        parents_priority = self.env["support.priority"].create(
            {"name": "Parent's urgent", "company_id": self.env.company.id}
        )
        with self.assertRaisesRegex(UserError, "belongs to another company"):
            with self.env.cr.savepoint():
                self.env["support.ticket"].with_company(branch).create(
                    {
                        "name": "In the branch",
                        "company_id": branch.id,
                        "priority_id": parents_priority.id,
                    }
                )
        # a user whose main company is another one, allowed in this one
        self.user_agent.write(
            {
                "company_ids": [Command.link(self.other_company.id)],
                "company_id": self.other_company.id,
            }
        )
        tickets = self.env["support.ticket"].create(
            [{"name": f"Agent {i}", "user_id": self.user_agent.id} for i in range(3)]
        )
        self.assertEqual(tickets.user_id, self.user_agent)
        # and one who may not work in it, also when a ticket of the same batch
        # has a user of another main company who may
        self.user_agent2.write(
            {
                "company_ids": [Command.set(self.other_company.ids)],
                "company_id": self.other_company.id,
            }
        )
        with self.assertRaisesRegex(UserError, "belongs to another company"):
            with self.env.cr.savepoint():
                self.env["support.ticket"].create(
                    [
                        {"name": "Allowed", "user_id": self.user_agent.id},
                        {"name": "Refused", "user_id": self.user_agent2.id},
                    ]
                )
        with self.assertRaisesRegex(UserError, "belongs to another company"):
            with self.env.cr.savepoint():
                tickets.write({"user_id": self.user_agent2.id})

    def test_delete_used_value_refused(self):
        self._create_ticket(
            priority_id=self.priority_urgent.id, category_id=self.category_question.id
        )
        for record in (
            self.priority_urgent,
            self.category_question,
            self.stage_open,
            self.team_helpdesk,
        ):
            with self.assertRaisesRegex(UserError, "Archive it instead"):
                record.with_user(self.user_manager).unlink()
            self.assertTrue(record.exists())
        # archiving works and hides it from new tickets
        self.priority_urgent.with_user(self.user_manager).action_archive()
        self.assertNotIn(self.priority_urgent, self.env["support.priority"].search([]))
        # an unused value can be deleted
        unused = self.env["support.priority"].create({"name": "Someday"})
        unused.with_user(self.user_manager).unlink()
        self.assertFalse(unused.exists())

    @users("st_manager")
    def test_category_form(self):
        with Form(self.env["support.category"]) as form:
            form.name = "Internet"
            form.team_id = self.team_tech
            form.user_id = self.user_agent
            form.price = 25.5
            form.customer_label = "My Internet does not work"
            with form.reason_ids.new() as reason:
                reason.name = "No Internet"
            with form.reason_ids.new() as reason:
                reason.name = "Modem burnt"
        category = form.record
        self.assertEqual(category.currency_id, self.env.company.currency_id)
        self.assertTrue(category.portal_available)
        self.assertEqual(
            category.reason_ids.mapped("name"), ["No Internet", "Modem burnt"]
        )
        self.assertEqual(category._get_customer_label(), "My Internet does not work")
        self.assertEqual(self.category_question._get_customer_label(), "Question")
        self.assertEqual(category.ticket_count, 0)

    def test_team_counts_and_leader(self):
        self._create_ticket(team_id=self.team_tech.id)
        locked = self._create_ticket(team_id=self.team_tech.id)
        locked.stage_id = self.stage_closed
        self.assertEqual(self.team_tech.ticket_count, 2)
        self.assertEqual(self.team_tech.open_ticket_count, 1)
        action = self.team_tech.action_view_tickets()
        self.assertEqual(self.env["support.ticket"].search_count(action["domain"]), 2)
        with Form(self.team_billing) as form:
            form.leader_id = self.user_manager
        self.assertIn(self.user_manager, self.team_billing.member_ids)
