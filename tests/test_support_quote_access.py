from odoo import SUPERUSER_ID
from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import Form, tagged, users, warmup

from .quote_common import SupportQuoteCommon

# what the ticket list reads, with the contract and quote columns
LIST_SPEC = {
    "code": {},
    "name": {},
    "partner_id": {"fields": {"display_name": {}}},
    "contract_id": {"fields": {"display_name": {}}},
    "sale_order_id": {"fields": {"display_name": {}}},
    "quote_state": {},
    "payment_state": {},
    "quote_amount_untaxed": {},
    "quote_currency_id": {"fields": {}},
    "time_total": {},
}


@tagged("post_install", "-at_install")
class TestSupportQuoteAccess(SupportQuoteCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.quoted = cls._create_paid_ticket(name="Quoted ticket")
        cls.not_quoted = cls._create_paid_ticket(name="Not quoted yet")

    def _order(self, ticket, sent=True):
        """An order of the ticket, as the quote makes it (without its email)."""
        order = (
            self.env["sale.order"]
            .sudo()
            .create(
                {
                    "partner_id": ticket.partner_id.id,
                    "support_ticket_id": ticket.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.product.id,
                                "product_uom_qty": 2,
                                "price_unit": 60,
                            }
                        )
                    ],
                }
            )
        )
        if sent:
            order.action_quotation_sent()
        return order

    # ------------------------------------------------------------------
    # accountants
    # ------------------------------------------------------------------

    def test_accountants_see_quoted_tickets(self):
        order = self._order(self.quoted)
        order.action_confirm()
        Ticket = self.env["support.ticket"].with_user(self.user_accountant)
        self.assertEqual(Ticket.search([]), self.quoted)
        # by quote and payment state, as the pivot groups them
        groups = Ticket._read_group([], ["quote_state", "payment_state"], ["__count"])
        self.assertEqual(groups, [("approved", "not_paid", 1)])
        totals = Ticket._read_group(
            [], ["quote_state"], ["quote_amount_untaxed:sum", "time_total:sum"]
        )
        self.assertEqual(totals, [("approved", 120.0, 0.0)])
        # the billing form opens
        ticket = Ticket.browse(self.quoted.id)
        form = Form(ticket, view="support_ticket.support_ticket_view_form_billing")
        self.assertEqual(form.sale_order_id, order)
        self.assertEqual(form.quote_state, "approved")
        # never typed: accountants change nothing on tickets
        with self.assertRaises(AccessError):
            ticket.name = "Changed"
        with self.assertRaises(AccessError):
            Ticket.browse(self.not_quoted.id).name  # noqa: B018
        with self.assertRaises(AccessError):
            Ticket.create({"name": "By an accountant"})

    def test_tickets_button_on_the_order(self):
        order = self._order(self.quoted)
        self.assertEqual(order.support_ticket_count, 1)
        action = order.with_user(self.user_accountant).action_view_support_ticket()
        self.assertEqual(action["res_id"], self.quoted.id)
        billing_form = self.env.ref("support_ticket.support_ticket_view_form_billing")
        self.assertEqual(action["views"], [(billing_form.id, "form")])
        # the support team gets its own form
        action = order.with_user(self.user_agent).sudo().action_view_support_ticket()
        self.assertEqual(action["res_id"], self.quoted.id)
        self.assertEqual(action["views"], [(False, "form")])
        unrelated = self.env["sale.order"].create({"partner_id": self.dora.id})
        self.assertFalse(unrelated.support_ticket_count)

    def test_orders_reachable_from_the_ticket(self):
        first = self._order(self.quoted)
        first._action_cancel()
        second = self._order(self.quoted)
        self.assertEqual(self.quoted.sale_order_id, second)
        self.assertEqual(self.quoted.with_user(self.user_agent).sale_order_count, 2)
        action = self.quoted.with_user(self.user_accountant).action_view_sale_orders()
        self.assertEqual(
            self.env["sale.order"].search(action["domain"]), first | second
        )
        self.assertEqual(action["res_model"], "sale.order")

    @users("st_agent")
    def test_team_reads_the_order_panel_without_sales_rights(self):
        self._order(self.quoted.sudo())
        self.assertFalse(self.env.user.has_group("sales_team.group_sale_salesman"))
        ticket = self.env["support.ticket"].browse(self.quoted.id)
        with self.assertRaises(AccessError):
            ticket.sale_order_id.sudo(False).amount_total  # noqa: B018
        # the panel reads the ticket's own fields
        form = Form(ticket)
        self.assertEqual(form.quote_state, "quoted")
        self.assertEqual(form.quote_amount_untaxed, 120.0)
        self.assertEqual(form.sale_order_state, "sent")
        self.assertEqual(form.sale_order_id.id, ticket.sudo().sale_order_id.id)

    # ------------------------------------------------------------------
    # query counts
    # ------------------------------------------------------------------

    def _quoted_tickets(self, count):
        tickets = self.env["support.ticket"].create(
            [
                {
                    "name": f"Listed {i}",
                    "partner_id": self.dora.id,
                    "category_id": self.category_onsite.id,
                    "team_id": self.team_tech.id,
                }
                for i in range(count)
            ]
        )
        for ticket in tickets:
            self._order(ticket)
        return tickets

    def _list_queries(self, tickets, user):
        """Queries of the list of ``tickets``, read by ``user`` (warm)."""
        Ticket = self.env["support.ticket"].with_user(user)
        for _warmup in range(2):
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            result = Ticket.web_search_read(
                [("id", "in", tickets.ids)], LIST_SPEC, limit=80
            )
            count = self.cr.sql_log_count - before
        self.assertEqual(len(result["records"]), len(tickets))
        return count

    def test_list_reads_orders_in_constant_queries(self):
        few = self._quoted_tickets(2)
        many = self._quoted_tickets(12)
        for user in (self.user_agent, self.user_accountant):
            with self.subTest(user=user.login):
                self.assertEqual(
                    self._list_queries(few, user), self._list_queries(many, user)
                )

    @users("st_agent")
    @warmup
    def test_list_query_count(self):
        tickets = self.env["support.ticket"].browse(self._quoted_tickets(5).ids)
        self.env.invalidate_all()
        with self.assertQueryCount(st_agent=4):
            tickets.web_search_read([("id", "in", tickets.ids)], LIST_SPEC)

    def test_portal_panel_query_count(self):
        ticket = self._quoted_tickets(1)
        portal = self.env["res.users"].create(
            {
                "name": "Dora Portal",
                "login": "dora_panel",
                "partner_id": self.dora.id,
                "group_ids": [Command.set(self.env.ref("base.group_portal").ids)],
            }
        )
        ticket_sudo = ticket.with_user(SUPERUSER_ID)
        self.env.invalidate_all()
        ticket_sudo._portal_quote_values(portal)
        self.env.invalidate_all()
        with self.assertQueryCount(7):
            values = ticket_sudo._portal_quote_values(portal)
            order = values["order"]
            shown = [
                order.name,
                order.amount_untaxed,
                order.state,
                ticket_sudo.payment_state,
                ticket_sudo.delivery_date,
                ticket_sudo.quote_paid_date,
            ]
        self.assertEqual(shown[2], "sent")
        self.assertTrue(values["show_button"])
