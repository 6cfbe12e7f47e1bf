from datetime import date

from lxml import html as lxml_html

from odoo.fields import Command
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.payment.tests.common import PaymentCommon

from .common import SupportHttpCase
from .quote_common import SIGNATURE, SupportQuoteCommon, ensure_chart_of_accounts


class SupportQuotePortalCommon(SupportQuoteCommon, SupportHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_dora = new_test_user(
            cls.env,
            login="dora",
            password="dora",
            groups="base.group_portal",
            partner_id=cls.dora.id,
        )
        cls.user_dan = new_test_user(
            cls.env,
            login="dan",
            password="dan",
            name="Dan Other",
            email="dan@other.example.com",
            groups="base.group_portal",
        )
        cls.user_dan.partner_id.parent_id = cls.other_company
        cls.user_oscar = new_test_user(
            cls.env,
            login="oscar",
            password="oscar",
            name="Oscar Outsider",
            email="oscar@outsider.example.com",
            groups="base.group_portal",
        )
        cls.ticket = cls._create_paid_ticket(name="Install a second server")

    def _page(self, ticket, **params):
        response = self.url_open(ticket.access_url, params=params or None)
        self.assertEqual(response.status_code, 200)
        return response.text

    def _panel(self, html):
        """The order panel of a ticket page, as HTML ("" when absent)."""
        nodes = lxml_html.fromstring(html).xpath(
            "//div[contains(concat(' ', @class, ' '), ' o_support_portal_quote ')]"
        )
        self.assertLessEqual(len(nodes), 1)
        return lxml_html.tostring(nodes[0], encoding="unicode") if nodes else ""


@tagged("post_install", "-at_install")
class TestSupportQuoteFlow(SupportQuotePortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ensure_chart_of_accounts(cls.env)
        cls.team_tech.resource_calendar_id = cls._working_week()

    def _pay(self, invoice, amount, day):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": amount, "payment_date": day}).action_create_payments()

    def test_quote_sign_invoice_pay(self):
        ticket = self.ticket
        order = self._send_quote(ticket, hours=2.0, lead_days=2)
        self.assertEqual(ticket.quote_state, "quoted")

        # the customer sees the quote on the ticket page, with the way to the order
        self.authenticate("dora", "dora")
        panel = self._panel(self._page(ticket))
        self.assertIn(order.name, panel)
        self.assertIn("Waiting for your approval", panel)
        self.assertIn("120.00", panel)
        self.assertIn("Quotation Sent", panel)
        self.assertIn("Not paid", panel)
        self.assertIn(ticket.delivery_date.strftime("%m/%d/%Y"), panel)
        self.assertIn(f"/my/orders/{order.id}?access_token={order.access_token}", panel)
        self.assertIn("Review and sign the quote", panel)

        # the customer accepts and signs through the sale portal's own route
        result = self.make_jsonrpc_request(
            f"/my/orders/{order.id}/accept",
            {
                "access_token": order.access_token,
                "name": "Dora Other",
                "signature": SIGNATURE,
            },
        )
        self.assertTrue(result.get("force_refresh"), result)
        self.env.invalidate_all()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.signed_by, "Dora Other")
        self.assertEqual(ticket.quote_state, "approved")
        self.assertEqual(ticket.payment_state, "not_paid")

        # work starts
        ticket.stage_id = self.stage_progress
        ticket.time_ids = [Command.create({"duration": 1.5})]

        # invoiced
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertEqual(invoice.amount_total, 120.0)
        self.assertEqual(ticket.payment_state, "not_paid")
        # paid in two steps, registered by the accountants
        self._pay(invoice, 50.0, date(2025, 6, 10))
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(ticket.payment_state, "partial")
        self.assertFalse(ticket.quote_paid_date)
        self._pay(invoice, 70.0, date(2025, 6, 12))
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(ticket.payment_state, "paid")
        self.assertEqual(ticket.quote_paid_date, date(2025, 6, 12))
        # two working days after the payment, a Thursday: Friday 13, Monday 16
        self.assertEqual(ticket.delivery_date, date(2025, 6, 16))

        # confirmed and paid: nothing left to do on the order's page
        panel = self._panel(self._page(ticket))
        self.assertIn("Approved", panel)
        self.assertIn("Paid", panel)
        self.assertIn("06/16/2025", panel)
        self.assertNotIn("o_support_portal_order", panel)

    def test_billed_on_the_hours_logged(self):
        settings = self.env["res.config.settings"].create({})
        settings.support_billing_mode = "hours"
        settings.execute()
        ticket = self.ticket
        order = self._send_quote(ticket, hours=3.0, price=150.0)
        order.action_confirm()
        ticket.time_ids = [Command.create({"duration": 2.0})]
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertEqual(invoice.amount_untaxed, 100.0, "two hours of 50.00")
        self._pay(invoice, 100.0, date(2025, 6, 12))
        # what was worked is paid, although less than quoted
        self.assertEqual(ticket.payment_state, "paid")
        self.assertEqual(ticket.quote_paid_date, date(2025, 6, 12))
        # one more hour: to invoice again
        ticket.time_ids = [Command.create({"duration": 1.0})]
        self.assertEqual(order.invoice_status, "to invoice")
        self.assertEqual(ticket.payment_state, "partial")

    def test_signed_but_online_payment_required(self):
        order = self._send_quote(self.ticket)
        order.require_payment = True
        self.authenticate("dora", "dora")
        result = self.make_jsonrpc_request(
            f"/my/orders/{order.id}/accept",
            {
                "access_token": order.access_token,
                "name": "Dora",
                "signature": SIGNATURE,
            },
        )
        self.assertIn("allow_payment=yes", result["redirect_url"])
        self.env.invalidate_all()
        # signed, not confirmed: the payment approves it
        self.assertEqual(order.state, "sent")
        self.assertEqual(self.ticket.quote_state, "quoted")
        panel = self._panel(self._page(self.ticket))
        self.assertIn("Signed: waiting for the payment", panel)
        self.assertIn("Review and pay the order", panel)

    def test_accepted_and_unpaid_keeps_the_way_to_the_order(self):
        order = self._send_quote(self.ticket)
        order.action_confirm()
        self.authenticate("dora", "dora")
        panel = self._panel(self._page(self.ticket))
        self.assertIn("Approved", panel)
        self.assertIn("Review and pay the order", panel)

    @mute_logger("odoo.addons.base.models.ir_rule", "odoo.http")
    def test_portal_sees_only_its_own_orders(self):
        order = self._send_quote(self.ticket)
        # a colleague of the customer sees it: an order of their organisation
        self.authenticate("dan", "dan")
        self.assertIn(order.name, self._panel(self._page(self.ticket)))
        # someone outside, copied on the ticket, sees the ticket but not the order
        self.ticket.message_subscribe(self.user_oscar.partner_id.ids)
        self.authenticate("oscar", "oscar")
        html = self._page(self.ticket)
        self.assertIn("Install a second server", html)
        self.assertNotIn("o_support_portal_quote", html)
        self.assertNotIn(order.name, html)
        response = self.url_open(f"/my/orders/{order.id}", allow_redirects=False)
        self.assertNotEqual(response.status_code, 200)
        # and another customer's ticket is not found at all
        other = self._create_paid_ticket(partner_id=self.customer.id)
        self._send_quote(other)
        response = self.url_open(other.access_url)
        self.assertEqual(response.status_code, 404)
        # a visitor holding the ticket's link sees the panel
        self.authenticate(None, None)
        html = self._page(self.ticket, access_token=self.ticket._portal_ensure_token())
        self.assertIn(order.name, self._panel(html))

    def test_order_page_leads_back_to_the_ticket(self):
        order = self._send_quote(self.ticket)
        self.authenticate("dora", "dora")
        response = self.url_open(f"/my/orders/{order.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(f'href="{self.ticket.access_url}"', response.text)
        self.assertIn(self.ticket.code, response.text)

    def test_tour_customer_signs_the_quote(self):
        order = self._send_quote(self.ticket)
        self.start_tour(
            self.ticket.access_url, "support_ticket_quote_tour", login="dora"
        )
        self.env.invalidate_all()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.signed_by, "Dora Other")
        self.assertEqual(self.ticket.quote_state, "approved")


@tagged("post_install", "-at_install")
class TestSupportQuoteOnlinePayment(SupportQuoteCommon, PaymentCommon):
    """Online payments, as Odoo's sale tests make them: a transaction set
    done and post-processed (its accounting left out by the payment test
    utilities)."""

    def _online_payment(self, order, amount):
        tx = self._create_transaction(
            flow="redirect",
            sale_order_ids=[order.id],
            state="done",
            amount=amount,
            currency_id=order.currency_id.id,
            partner_id=order.partner_id.id,
            reference=f"{order.name}-{len(order.transaction_ids) + 1}",
        )
        tx._post_process()
        return tx

    def test_payment_online_approves_and_pays(self):
        ticket = self._create_paid_ticket()
        order = self._send_quote(ticket)
        order.require_payment = True
        self.assertTrue(order._has_to_be_paid())
        tx = self._online_payment(order, order.amount_total)
        self.assertEqual(order.state, "sale")
        self.assertEqual(ticket.quote_state, "approved")
        self.assertEqual(ticket.payment_state, "paid")
        self.assertEqual(ticket.quote_paid_date, tx.last_state_change.date())

    def test_down_payment_online(self):
        ticket = self._create_paid_ticket()
        order = self._send_quote(ticket)
        order.write({"require_payment": True, "prepayment_percent": 0.5})
        self._online_payment(order, order.amount_total / 2)
        self.assertEqual(order.state, "sale")
        self.assertEqual(ticket.quote_state, "approved")
        self.assertEqual(ticket.payment_state, "partial")
        self._online_payment(order, order.amount_total / 2)
        self.assertEqual(ticket.payment_state, "paid")
