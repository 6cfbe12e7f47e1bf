"""Support ticket: its quote (a real sale order), approval before work, delivery."""

from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError

QUOTE_STATES = [
    ("pending", "Pending"),
    ("quoted", "Quoted"),
    ("approved", "Approved"),
]
PAYMENT_STATES = [
    ("not_paid", "Not paid"),
    ("partial", "Partially paid"),
    ("paid", "Paid"),
]
# invoice payment states that mean the invoice was paid
INVOICE_PAID_STATES = ("paid", "in_payment")
# the quote's state from its sale order's (any other: pending)
QUOTE_STATE_OF_ORDER = {"sale": "approved", "sent": "quoted"}
PRODUCT_PARAM = "support_ticket.product_id"
PRODUCT_XMLID = "support_ticket.product_support_service"


def _without_order(name):
    """Default of the quote field ``name``: its value for a ticket without an
    order (``_quote_values``), inserted with a new ticket, so that its first
    computation finds it unchanged and writes nothing."""
    return lambda self: self._quote_values(self.env["sale.order"])[name]


class SupportTicket(models.Model):
    # one concern of the ticket per file, as Odoo core splits its large models
    _inherit = "support.ticket"  # pylint: disable=consider-merging-classes-inherited

    sale_order_ids = fields.One2many(
        "sale.order", "support_ticket_id", string="Sales orders", copy=False
    )
    sale_order_count = fields.Integer(
        compute="_compute_sale_order_count", string="Orders", compute_sudo=True
    )
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Order",
        compute="_compute_quote",
        store=True,
        index="btree_not_null",
        help="The current order of the ticket: its latest one that is not cancelled.",
    )
    quote_state = fields.Selection(
        QUOTE_STATES,
        string="Quote",
        compute="_compute_quote",
        store=True,
        default=_without_order("quote_state"),
        index=True,
        tracking=True,
        help="Pending: no quote sent. Quoted: its order was sent to the customer. "
        "Approved: the order is confirmed (signed or paid by the customer, or "
        "confirmed by the team).",
    )
    payment_state = fields.Selection(
        PAYMENT_STATES,
        string="Payment",
        compute="_compute_quote",
        store=True,
        default=_without_order("payment_state"),
        index=True,
        tracking=True,
        help="From the invoices of the order and its online payments.",
    )
    quote_currency_id = fields.Many2one(
        "res.currency", string="Quote currency", compute="_compute_quote", store=True
    )
    quote_amount_untaxed = fields.Monetary(
        string="Quoted (excl. tax)",
        compute="_compute_quote",
        store=True,
        default=_without_order("quote_amount_untaxed"),
        currency_field="quote_currency_id",
        aggregator="sum",
    )
    quote_paid_date = fields.Date(
        string="Paid on", compute="_compute_quote", store=True
    )
    quote_lead_days = fields.Integer(
        related="sale_order_id.support_lead_days", string="Lead time (working days)"
    )
    sale_order_state = fields.Selection(
        related="sale_order_id.state", string="Order state"
    )
    delivery_date = fields.Date(
        string="Estimated delivery",
        compute="_compute_delivery_date",
        help="Payment date (today while unpaid) plus the lead time of the quote, in "
        "working days of the area, public holidays excluded.",
    )

    # ------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------

    def _compute_sale_order_count(self):
        counts = dict(
            self.env["sale.order"]._read_group(
                [("support_ticket_id", "in", self.ids)],
                ["support_ticket_id"],
                ["__count"],
            )
        )
        for ticket in self:
            ticket.sale_order_count = counts.get(ticket, 0)

    @api.depends(
        "sale_order_ids.state",
        "sale_order_ids.amount_untaxed",
        "sale_order_ids.amount_total",
        "sale_order_ids.currency_id",
        "sale_order_ids.invoice_status",
        "sale_order_ids.order_line.invoice_lines.move_id.state",
        "sale_order_ids.order_line.invoice_lines.move_id.payment_state",
        "sale_order_ids.order_line.invoice_lines.move_id.amount_residual",
        "sale_order_ids.transaction_ids.state",
        "sale_order_ids.transaction_ids.amount",
    )
    def _compute_quote(self):
        # most tickets have no order (all new ones): their values are set
        # together, one assignment per field instead of one per ticket
        without = self.filtered(lambda t: not t.sale_order_ids)
        for name, value in self._quote_values(self.env["sale.order"]).items():
            without[name] = value
        for ticket in self - without:
            orders = ticket.sale_order_ids.filtered(lambda o: o.state != "cancel")
            for name, value in self._quote_values(orders.sorted("id")[-1:]).items():
                ticket[name] = value

    @api.model
    def _quote_values(self, order):
        """The quote fields of a ticket whose current order is ``order``
        (none: the ticket has no order that is not cancelled)."""
        payment_state, paid_date = self._order_payment(order)
        return {
            "sale_order_id": order,
            "quote_currency_id": order.currency_id,
            "quote_amount_untaxed": order.amount_untaxed,
            "quote_state": QUOTE_STATE_OF_ORDER.get(order.state, "pending"),
            "payment_state": payment_state,
            "quote_paid_date": paid_date,
        }

    @api.model
    def _order_payment(self, order):
        """``(payment state, payment date)`` of a sale order: from its posted
        invoices and its online payments done. A payment reconciled with an
        invoice is counted once."""
        if not order:
            return "not_paid", False
        invoices = order.invoice_ids.filtered(
            lambda m: m.state == "posted" and m.move_type == "out_invoice"
        )
        invoice_paid = sum(
            invoice.amount_total
            if invoice.payment_state in INVOICE_PAID_STATES
            else invoice.amount_total - invoice.amount_residual
            for invoice in invoices
            if invoice.payment_state in (*INVOICE_PAID_STATES, "partial")
        )
        transactions = order.transaction_ids.filtered(lambda t: t.state == "done")
        paid = max(invoice_paid, sum(transactions.mapped("amount")))
        currency = order.currency_id
        # billed on the hours logged, what was worked is all that is due
        invoices_paid = (
            invoices
            and order.invoice_status != "to invoice"
            and all(inv.payment_state in INVOICE_PAID_STATES for inv in invoices)
        )
        if invoices_paid or (
            currency.compare_amounts(paid, order.amount_total) >= 0
            and not currency.is_zero(paid)
        ):
            dates = [tx.last_state_change.date() for tx in transactions] + [
                payment.date
                for invoice in invoices
                for payment in invoice.reconciled_payment_ids
            ]
            return "paid", max(dates, default=fields.Date.context_today(self))
        if currency.compare_amounts(paid, 0) > 0:
            return "partial", False
        return "not_paid", False

    @api.depends(
        "sale_order_id",
        "quote_paid_date",
        "quote_lead_days",
        "team_id.resource_calendar_id",
        "company_id.resource_calendar_id",
    )
    def _compute_delivery_date(self):
        today = fields.Date.context_today(self)
        for ticket in self:
            if not ticket.sale_order_id:
                ticket.delivery_date = False
                continue
            ticket.delivery_date = ticket._add_working_days(
                ticket.quote_paid_date or today, ticket.quote_lead_days
            )

    def _add_working_days(self, day, days):
        """The date ``days`` working days after ``day``, in the working hours
        of the ticket's area (else its company's), without their leaves and the
        public holidays."""
        self.ensure_one()
        if days <= 0:
            return day
        calendar = (
            self.team_id.resource_calendar_id or self.company_id.resource_calendar_id
        ).sudo()
        if not calendar:
            return day + timedelta(days=days)
        tz = pytz.timezone(calendar.tz or "UTC")
        start = tz.localize(datetime.combine(day + timedelta(days=1), time.min))
        end = calendar.plan_days(days, start, compute_leaves=True)
        return end.astimezone(tz).date() if end else False

    # ------------------------------------------------------------
    # Approval before work
    # ------------------------------------------------------------

    def _work_missing(self):
        """What is missing before work starts on the ticket: an empty string
        when it is free or approved."""
        self.ensure_one()
        if self.is_free or self.quote_state == "approved":
            return ""
        if self.quote_state == "quoted":
            quote = self.env._(
                "Its quote %(order)s waits for the customer's approval.",
                order=self.sale_order_id.sudo().name,
            )
        else:
            quote = self.env._(
                "No quote was sent yet: send a quote and wait for the customer's "
                "approval."
            )
        return f"{self.free_reason} {quote}"

    def _check_can_work(self):
        """Refuse to log time on tickets that are neither free nor approved."""
        for ticket in self:
            missing = ticket._work_missing()
            if missing:
                raise UserError(
                    self.env._(
                        "Time cannot be logged on ticket %(code)s: the ticket must "
                        "be approved or free. %(missing)s",
                        code=ticket.code,
                        missing=missing,
                    )
                )

    def _check_can_enter_stage(self, stage):
        """Refuse to put in ``stage``, when it requires approval, tickets that
        are neither free nor approved."""
        if not stage.requires_approval:
            return
        for ticket in self:
            missing = ticket._work_missing()
            if missing:
                raise UserError(
                    self.env._(
                        "Ticket %(code)s cannot enter the state “%(state)s”: the "
                        "ticket must be approved or free. %(missing)s",
                        code=ticket.code,
                        state=stage.name,
                        missing=missing,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        for stage, stage_tickets in tickets.grouped("stage_id").items():
            stage_tickets._check_can_enter_stage(stage)
        return tickets

    def write(self, vals):
        entering = self.browse()
        stage = self.env["support.stage"]
        if vals.get("stage_id"):
            stage = stage.browse(vals["stage_id"])
            if stage.requires_approval:
                entering = self.filtered(lambda t: t.stage_id != stage)
        res = super().write(vals)
        # checked once written, with the values that came with the state
        entering._check_can_enter_stage(stage)
        return res

    # ------------------------------------------------------------
    # Orders
    # ------------------------------------------------------------

    @api.model
    def _support_quote_product(self):
        """The service product of the quotes (Support settings)."""
        param = self.env["ir.config_parameter"].sudo().get_param(PRODUCT_PARAM)
        product = self.env["product.product"]
        if param and param.isdigit():
            product = product.sudo().browse(int(param)).exists()
        return product or self.env.ref(PRODUCT_XMLID, raise_if_not_found=False)

    def _sync_delivered_hours(self):
        """Deliver the time spent on the service line of the approved order,
        so that hours logged can be invoiced (Support settings)."""
        hour = self.env.ref("uom.product_uom_hour")
        for ticket in self.sudo():
            order = ticket.sale_order_id
            if order.state != "sale":
                continue
            line = order.order_line.filtered(
                lambda line: line.product_id.type == "service"
                and not line.display_type
                and not line.is_downpayment
                and line.qty_delivered_method == "manual"
            )[:1]
            if not line:
                continue
            quantity = hour._compute_quantity(
                ticket.time_total, line.product_uom_id, raise_if_failure=False
            )
            if line.product_uom_id.compare(line.qty_delivered, quantity) != 0:
                line.qty_delivered = quantity

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_quote(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Quote %(code)s", code=self.code),
            "res_model": "support.ticket.quote",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }

    def action_view_sale_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale.action_quotations_with_onboarding"
        )
        action["domain"] = [("support_ticket_id", "=", self.id)]
        action["context"] = {"create": False}
        if len(self.sale_order_ids) == 1:
            action["views"] = [(False, "form")]
            action["res_id"] = self.sale_order_ids.id
        return action

    def _portal_quote_values(self, user):
        """What the portal page of the ticket shows of its order to ``user``
        (the page's ticket is sudo, as the superuser): nothing when the order
        is not theirs to see."""
        self.ensure_one()
        order = self.sale_order_id.sudo()
        if not order:
            return False
        if not user._is_public() and user.share:
            if not order.with_user(user).has_access("read"):
                return False
        to_sign = order._has_to_be_signed()
        return {
            "order": order,
            "url": order.get_portal_url(),
            "to_sign": to_sign,
            "show_button": order.state in ("draft", "sent")
            or self.payment_state != "paid",
        }
