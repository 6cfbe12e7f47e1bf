"""The kanban, the grouped views, the sort by priority, the customer's tickets
and the mail gateway's loop check stay indexable (and ordered as the catalogs
are) when the table is large."""

from unittest.mock import patch

from odoo.tests import TransactionCase, new_test_user, tagged, users
from odoo.tools import SQL

from .mail_common import SupportMailCommon

KANBAN_SPEC = {"code": {}, "name": {}, "stage_id": {"fields": {"display_name": {}}}}


class PlanMixin:
    """The queries a call runs, and their plans."""

    def _queries(self, func):
        """Run ``func`` and return the SQL of the queries on tickets it ran."""
        queries = []
        execute = type(self.env.cr).execute

        def recording(cr, query, params=None, log_exceptions=True):
            if isinstance(query, SQL):
                query, params = query.code, query.params
            queries.append((query, params))
            return execute(cr, query, params, log_exceptions)

        with patch.object(type(self.env.cr), "execute", recording):
            func()
        return queries

    def _plan(self, query, params):
        self.env.cr.execute(SQL("EXPLAIN " + query, *params))
        return "\n".join(line for (line,) in self.env.cr.fetchall())


@tagged("post_install", "-at_install")
class TestSupportScalePlan(PlanMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, no_reset_password=True))
        new_test_user(
            cls.env,
            login="scale_plan_manager",
            groups="support_ticket.group_support_manager",
        )
        Stage = cls.env["support.stage"]
        # ids in the opposite order of the states' order
        cls.stage_late = Stage.create({"name": "Late", "sequence": 90})
        cls.stage_early = Stage.create({"name": "Early", "sequence": 1})
        cls.closed = cls.env.ref("support_ticket.support_stage_closed")
        cls.customer = cls.env["res.partner"].create(
            {"name": "Plan Customer", "is_company": True}
        )
        Ticket = cls.env["support.ticket"]
        cls.late = Ticket.create(
            {
                "name": "Late",
                "stage_id": cls.stage_late.id,
                "partner_id": cls.customer.id,
            }
        )
        cls.early = Ticket.create({"name": "Early", "stage_id": cls.stage_early.id})
        template = Ticket.create({"name": "Done", "stage_id": cls.closed.id})
        cls.env.flush_all()
        # a large table of closed tickets, copied in SQL, a few of the customer
        cls.env.execute_query(
            SQL(
                """
                INSERT INTO support_ticket (code, name, company_id, category_id,
                    priority_id, priority_sequence, team_id, stage_id, origin,
                    is_locked, portal_status, notify_customer, partner_id,
                    create_date, write_date)
                SELECT 'SCALE-' || g, 'Done ' || g, company_id, category_id,
                       priority_id, priority_sequence, team_id, stage_id, origin,
                       is_locked, portal_status, notify_customer,
                       CASE WHEN g %% 100 = 0 THEN %(customer)s END,
                       now(), now()
                  FROM support_ticket, generate_series(1, 30000) AS g
                 WHERE id = %(template)s
                """,
                customer=cls.customer.id,
                template=template.id,
            )
        )
        cls.env.cr.execute("ANALYZE support_ticket")

    @users("scale_plan_manager")
    def test_kanban_counts_open_tickets_from_the_index(self):
        Ticket = self.env["support.ticket"].with_context(read_group_expand=True)

        def kanban():
            return Ticket.web_read_group(
                [("is_locked", "=", False)],
                ["stage_id"],
                ["__count"],
                auto_unfold=True,
                unfold_read_specification=KANBAN_SPEC,
                unfold_read_default_limit=40,
            )

        queries = self._queries(kanban)
        counts = [
            (query, params)
            for query, params in queries
            if query.startswith('SELECT "support_ticket"."stage_id", COUNT(*)')
        ]
        self.assertEqual(len(counts), 1, queries)
        query, params = counts[0]
        # not joined with the states on every ticket
        self.assertNotIn("JOIN", query)
        plan = self._plan(query, params)
        self.assertNotIn("Seq Scan on support_ticket ", plan + " ", plan)
        # from an index of the open tickets alone: with these few open
        # tickets the planner takes either (by company, or by area); which
        # one wins at a million tickets is measured by bench/scale
        self.assertRegex(plan, r"Index .*Scan using support_ticket_open(_company)?_idx")
        # the columns: every state, in the states' order, the closed one
        # folded and counted without reading its thirty thousand tickets
        groups = kanban()["groups"]
        stages = self.env["support.stage"].search([])
        self.assertEqual([g["stage_id"][0] for g in groups], stages.ids)
        by_stage = {g["stage_id"][0]: g for g in groups}
        self.assertEqual(by_stage[self.closed.id]["__count"], 0)
        self.assertNotIn("__records", by_stage[self.closed.id])
        self.assertEqual(
            [r["id"] for r in by_stage[self.stage_late.id]["__records"]],
            self.late.ids,
        )
        self.assertEqual(by_stage[self.stage_early.id]["__count"], 1)

        # in the other direction too
        def order(direction):
            groups = Ticket.formatted_read_group(
                [("is_locked", "=", False)],
                ["stage_id"],
                ["__count"],
                order=f"stage_id {direction}",
            )
            return [g["stage_id"][0] for g in groups]

        self.assertEqual(order("asc"), stages.ids)
        self.assertEqual(order("desc"), list(reversed(stages.ids)))

    @users("scale_plan_manager")
    def test_grouped_by_area_and_state_ordered_as_the_catalogs(self):
        Ticket = self.env["support.ticket"]
        groups = Ticket.formatted_read_group([], ["team_id", "stage_id"], ["__count"])
        keys = [(g["team_id"][0], g["stage_id"][0]) for g in groups]
        teams = {t.id: n for n, t in enumerate(self.env["support.team"].search([]))}
        stages = {s.id: n for n, s in enumerate(self.env["support.stage"].search([]))}
        self.assertEqual(keys, sorted(keys, key=lambda k: (teams[k[0]], stages[k[1]])))
        self.assertEqual(sum(g["__count"] for g in groups), Ticket.search_count([]))
        # with a limit, Odoo orders them itself, by the same order
        limited = Ticket.formatted_read_group(
            [], ["stage_id"], ["__count"], order="stage_id", limit=2
        )
        self.assertEqual(
            [g["stage_id"][0] for g in limited],
            [g["stage_id"][0] for g in Ticket.formatted_read_group([], ["stage_id"])][
                :2
            ],
        )

    @users("scale_plan_manager")
    def test_sort_by_priority_reads_the_index(self):
        Ticket = self.env["support.ticket"]
        query = Ticket._search([], order="priority_id desc", limit=80).select()
        plan = self._plan(query.code, query.params)
        self.assertIn("support_ticket_priority_order_idx", plan)
        self.assertNotIn("Sort", plan, plan)
        # the priorities' order: their sequence, then their id
        Priority = self.env["support.priority"].sudo()
        low = Priority.create({"name": "Plan low", "sequence": 1})
        high = Priority.create({"name": "Plan high", "sequence": 99})
        self.late.sudo().priority_id = low
        self.early.sudo().priority_id = high
        tickets = Ticket.search(
            [("id", "in", (self.late | self.early).ids)], order="priority_id desc"
        )
        self.assertEqual(tickets, self.early | self.late)
        groups = Ticket.formatted_read_group(
            [("id", "in", (self.late | self.early).ids)],
            ["priority_id"],
            ["__count"],
            order="priority_id",
            limit=5,
        )
        self.assertEqual([g["priority_id"][0] for g in groups], [low.id, high.id])

    @users("scale_plan_manager")
    def test_customer_button_and_tab_read_a_count_and_a_page(self):
        customer = self.customer.with_env(self.env)
        spec = {
            "support_ticket_count": {},
            "support_ticket_recent_ids": {"fields": {"code": {}}, "limit": 40},
        }
        customer.web_read(spec)
        self.env.invalidate_all()
        with self.assertQueryCount(scale_plan_manager=8):
            result = customer.web_read(spec)[0]
        self.assertEqual(result["support_ticket_count"], 301)
        self.assertEqual(len(result["support_ticket_recent_ids"]), 40)
        queries = self._queries(
            lambda: (self.env.invalidate_all(), customer.web_read(spec))
        )
        count = next(q for q in queries if "COUNT(*)" in q[0])
        plan = self._plan(*count)
        self.assertIn("support_ticket_partner_company_idx", plan)
        self.assertNotIn("Seq Scan on support_ticket ", plan + " ")


@tagged("post_install", "-at_install")
class TestSupportMailScalePlan(PlanMixin, SupportMailCommon):
    """For every email that opens a ticket, Odoo's mail gateway counts the
    tickets its sender opened in the last two hours (its loop check): that
    count reads the recent tickets, not the whole table."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        template = cls._create_ticket(email_from="old@customer.example.com")
        cls.env.flush_all()
        # a large table of tickets opened by email a month ago
        cls.env.execute_query(
            SQL(
                """
                INSERT INTO support_ticket (code, name, company_id, category_id,
                    priority_id, priority_sequence, team_id, stage_id, origin,
                    is_locked, portal_status, notify_customer, email_from,
                    create_date, write_date)
                SELECT 'LOOP-' || g, 'Old ' || g, company_id, category_id,
                       priority_id, priority_sequence, team_id, stage_id, 'email',
                       is_locked, portal_status, notify_customer,
                       'sender' || g %% 500 || '@customer.example.com',
                       now() - interval '30 days', now() - interval '30 days'
                  FROM support_ticket, generate_series(1, 30000) AS g
                 WHERE id = %s
                """,
                template.id,
            )
        )
        cls.env.cr.execute("ANALYZE support_ticket")

    def test_loop_check_reads_the_recent_tickets(self):
        raw = self.build_email(email_from="Sender <sender7@customer.example.com>")
        ticket = None

        def process():
            nonlocal ticket
            ticket = self.process(raw, acknowledge=False)

        queries = self._queries(process)
        self.assertTrue(ticket, "the email opened a ticket")
        counts = [
            (query, params)
            for query, params in queries
            if query.startswith('SELECT COUNT(*) FROM "support_ticket"')
            and '"create_date"' in query
        ]
        self.assertEqual(len(counts), 1, queries)
        plan = self._plan(*counts[0])
        self.assertNotIn("Seq Scan on support_ticket ", plan + " ", plan)
        self.assertIn("support_ticket__create_date_index", plan)
