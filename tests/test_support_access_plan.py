"""The portal record rules stay indexable when the table is large."""

from odoo.fields import Domain
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import SQL

# what the portal rule was: three ORed conditions
ORED_RULE = [
    "|",
    "|",
    ("partner_id", "child_of", "{commercial}"),
    ("message_partner_ids", "in", "{partner}"),
    ("cc_partner_ids", "in", "{partner}"),
]


@tagged("post_install", "-at_install")
class TestSupportAccessPlan(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, no_reset_password=True))
        Partner = cls.env["res.partner"]
        cls.corp = Partner.create({"name": "Plan Corp", "is_company": True})
        cls.user = new_test_user(
            cls.env,
            login="plan_portal",
            email="pat@plan.example.com",
            groups="base.group_portal",
        )
        cls.user.partner_id.parent_id = cls.corp
        cls.colleague = Partner.create({"name": "Colleague", "parent_id": cls.corp.id})
        # many customers, as a helpdesk in use has
        others = Partner.create(
            [
                {"name": f"Other {i}", "email": f"o{i}@x.example.org"}
                for i in range(2000)
            ]
        )
        Ticket = cls.env["support.ticket"]
        cls.own = Ticket.create({"name": "Own", "partner_id": cls.colleague.id})
        cls.followed = Ticket.create({"name": "Followed", "partner_id": others[0].id})
        cls.followed.message_subscribe(partner_ids=cls.user.partner_id.ids)
        cls.copied = Ticket.create(
            {
                "name": "Copied",
                "partner_id": others[1].id,
                "email_cc": "pat@plan.example.com",
            }
        )
        cls.foreign = Ticket.create({"name": "Foreign", "partner_id": others[2].id})
        # a large table of other customers' tickets, copied in SQL
        cls.env.flush_all()
        cls.env.execute_query(
            SQL(
                """
                INSERT INTO support_ticket (code, name, partner_id, company_id,
                    category_id, priority_id, team_id, stage_id, origin, is_locked,
                    portal_status, notify_customer, create_date, write_date)
                SELECT 'PLAN-' || g, 'Other ' || g, (%(others)s)[1 + g %% 2000],
                       company_id, category_id, priority_id, team_id, stage_id,
                       origin, is_locked, portal_status, notify_customer,
                       now(), now() - g * interval '1 minute'
                  FROM support_ticket, generate_series(1, 30000) AS g
                 WHERE id = %(template)s
                """,
                others=others.ids,
                template=cls.foreign.id,
            )
        )
        cls.env.cr.execute("ANALYZE support_ticket")
        cls.env.cr.execute("ANALYZE mail_followers")
        cls.env.cr.execute("ANALYZE support_ticket_cc_partner_rel")

    def _plan(self, query):
        self.env.cr.execute(SQL("EXPLAIN %s", query.select()))
        return "\n".join(line for (line,) in self.env.cr.fetchall())

    def _ored_rule(self):
        partner = self.user.partner_id
        return Domain(
            [
                (
                    term[0],
                    term[1],
                    partner.commercial_partner_id.id
                    if term[2] == "{commercial}"
                    else partner.id,
                )
                if isinstance(term, tuple)
                else term
                for term in ORED_RULE
            ]
        )

    def test_portal_list_query_uses_indexes(self):
        Ticket = self.env["support.ticket"].with_user(self.user)
        query = Ticket._search([], order="write_date desc, id desc", limit=80)
        plan = self._plan(query)
        self.assertNotIn("Seq Scan on support_ticket ", plan + " ", plan)
        # the same rule written as ORed conditions scans the table
        ored = self.env["support.ticket"]._search(
            self._ored_rule(), order="write_date desc, id desc", limit=80
        )
        self.assertIn("Seq Scan on support_ticket", self._plan(ored))

    def test_shared_tickets_are_those_of_the_rule(self):
        Ticket = self.env["support.ticket"].with_user(self.user)
        expected = self.own | self.followed | self.copied
        self.assertEqual(Ticket.search([]), expected)
        self.assertEqual(self.env["support.ticket"].search(self._ored_rule()), expected)
        self.assertTrue(self.own.with_user(self.user).portal_access)
        self.assertFalse(self.foreign.with_user(self.user).has_access("read"))
        # replies follow their ticket
        reply = self.copied._add_reply("Shared with the copied")
        self.foreign._add_reply("Not shared")
        replies = self.env["support.ticket.reply"].with_user(self.user).search([])
        self.assertEqual(replies, reply)
        # no longer copied, no longer shared
        self.copied.email_cc = False
        self.assertEqual(Ticket.search([]), self.own | self.followed)
        self.followed.message_unsubscribe(partner_ids=self.user.partner_id.ids)
        self.assertEqual(Ticket.search([]), self.own)
        self.user.partner_id.parent_id = False
        self.assertFalse(Ticket.search([]))
