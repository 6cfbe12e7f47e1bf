"""Quote a ticket: a sale order sent to the customer with Odoo's quotation email."""

import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command, Domain
from odoo.tools import is_html_empty
from odoo.tools.misc import format_duration

_logger = logging.getLogger(__name__)

DEFAULT_LEAD_DAYS = 5


class SupportTicketQuote(models.TransientModel):
    _name = "support.ticket.quote"
    _description = "Quote a support ticket"

    ticket_id = fields.Many2one("support.ticket", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="ticket_id.company_id")
    partner_id = fields.Many2one(related="ticket_id.partner_id", string="Customer")
    product_id = fields.Many2one(
        "product.product",
        string="Service",
        required=True,
        default=lambda self: self.env["support.ticket"]._support_quote_product(),
        domain=[("type", "=", "service"), ("sale_ok", "=", True)],
    )
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    price = fields.Monetary(
        string="Price (excl. tax)",
        compute="_compute_price",
        store=True,
        readonly=False,
        precompute=True,
        help="Proposed from the category of the ticket.",
    )
    hours = fields.Float(
        string="Estimated hours",
        default=1.0,
        help="Hours the work should take: the quantity of the order line.",
    )
    hourly_rate = fields.Monetary(compute="_compute_amounts", string="Per hour")
    amount_untaxed = fields.Monetary(
        compute="_compute_amounts", string="Order total (excl. tax)"
    )
    lead_days = fields.Integer(
        string="Delivery in (working days)",
        default=DEFAULT_LEAD_DAYS,
        help="Working days from the payment to the delivery: the customer sees the "
        "estimated date.",
    )
    message = fields.Html(
        compute="_compute_message",
        store=True,
        readonly=False,
        precompute=True,
        help="Sent to the customer with the quotation and added to the conversation.",
    )
    open_order_names = fields.Char(
        compute="_compute_open_order_names",
        string="Quotes replaced",
        help="Quotes of the ticket still waiting for approval: sending this one "
        "cancels them.",
    )

    @api.depends("ticket_id")
    def _compute_currency_id(self):
        for wizard in self:
            wizard.currency_id = (
                wizard._default_pricelist().currency_id
                or (wizard.company_id or self.env.company).currency_id
            )

    @api.depends("ticket_id", "currency_id")
    def _compute_price(self):
        today = fields.Date.context_today(self)
        for wizard in self:
            category = wizard.ticket_id.category_id.sudo()
            if not category or not wizard.currency_id:
                wizard.price = 0.0
                continue
            wizard.price = category.currency_id._convert(
                category.price,
                wizard.currency_id,
                wizard.company_id or self.env.company,
                today,
            )

    @api.depends("price", "hours", "currency_id")
    def _compute_amounts(self):
        for wizard in self:
            rate = wizard._unit_price()
            wizard.hourly_rate = rate
            wizard.amount_untaxed = wizard.currency_id.round(rate * wizard.hours)

    @api.depends("ticket_id")
    def _compute_message(self):
        for wizard in self:
            # written to the customer: in their language
            lang = wizard.ticket_id.partner_id.lang or self.env.lang
            wizard.message = Markup("<p>%s</p>") % self.with_context(lang=lang).env._(
                "Hello, here is our quote for your ticket %(code)s. Please review "
                "and accept it online: we start working as soon as it is approved.",
                code=wizard.ticket_id.code,
            )

    @api.depends("ticket_id")
    def _compute_open_order_names(self):
        for wizard in self:
            orders = wizard.ticket_id.sudo().sale_order_ids.filtered(
                lambda o: o.state in ("draft", "sent")
            )
            wizard.open_order_names = ", ".join(orders.mapped("name"))

    def _unit_price(self):
        self.ensure_one()
        if self.hours <= 0:
            return 0.0
        digits = self.env["decimal.precision"].precision_get("Product Price")
        return round(self.price / self.hours, digits)

    def _default_pricelist(self):
        self.ensure_one()
        partner = self.ticket_id.partner_id
        company = self.company_id or self.env.company
        return partner.with_company(company).sudo().property_product_pricelist

    def _pricelist(self):
        """The pricelist of the order: the customer's, else one in the
        currency of the quote."""
        self.ensure_one()
        pricelist = self._default_pricelist()
        company = self.company_id or self.env.company
        if (pricelist.currency_id or company.currency_id) == self.currency_id:
            return pricelist
        pricelist = (
            self.env["product.pricelist"]
            .sudo()
            .search(
                Domain("currency_id", "=", self.currency_id.id)
                & Domain("company_id", "in", [company.id, False]),
                limit=1,
            )
        )
        if not pricelist:
            raise UserError(
                self.env._(
                    "There is no pricelist in %(currency)s to quote in it: create "
                    "one, or quote in %(default)s.",
                    currency=self.currency_id.name,
                    default=(
                        self._default_pricelist().currency_id or company.currency_id
                    ).name,
                )
            )
        return pricelist

    # ------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------

    def _check_quote(self):
        self.ensure_one()
        ticket = self.ticket_id
        env = self.env
        if not ticket.partner_id:
            raise UserError(
                env._(
                    "Ticket %(code)s has no customer: choose one before quoting it.",
                    code=ticket.code,
                )
            )
        if ticket.is_locked:
            raise UserError(
                env._(
                    "Ticket %(code)s is %(state)s: reopen it to quote it.",
                    code=ticket.code,
                    state=ticket.stage_id.name,
                )
            )
        if ticket.quote_state == "approved":
            raise UserError(
                env._(
                    "Ticket %(code)s is already approved (order %(order)s): it needs "
                    "no new quote.",
                    code=ticket.code,
                    order=ticket.sale_order_id.name,
                )
            )
        if self.currency_id.compare_amounts(self.price, 0) <= 0:
            raise UserError(
                env._(
                    "Enter a price above zero: a ticket without charge needs no quote."
                )
            )
        if self.hours <= 0:
            raise UserError(env._("Enter the estimated hours, above zero."))
        if self.lead_days < 0:
            raise UserError(env._("The delivery lead time cannot be negative."))
        if self.product_id.type != "service":
            raise UserError(
                env._(
                    "The product of quotes must be a service: choose one in the "
                    "Support settings."
                )
            )

    def _prepare_order_values(self):
        self.ensure_one()
        ticket = self.ticket_id
        user = self.env.user
        return {
            "partner_id": ticket.partner_id.id,
            "company_id": ticket.company_id.id,
            "pricelist_id": self._pricelist().id,
            "user_id": user.id if not user.share else False,
            "origin": ticket.code,
            "support_ticket_id": ticket.id,
            "support_lead_days": self.lead_days,
            "order_line": [
                Command.create(
                    {
                        "product_id": self.product_id.id,
                        "name": self.env._(
                            "%(service)s: ticket %(code)s, %(subject)s "
                            "(%(hours)s estimated)",
                            service=self.product_id.display_name,
                            code=ticket.code,
                            subject=ticket.name,
                            hours=format_duration(self.hours),
                        ),
                        "product_uom_qty": self.hours,
                        "product_uom_id": self.env.ref("uom.product_uom_hour").id,
                        "price_unit": self._unit_price(),
                    }
                )
            ],
        }

    def action_send(self):
        """Create the sale order of the quote, send it with Odoo's quotation
        email (which marks it sent) and add the message to the conversation."""
        self.ensure_one()
        ticket = self.ticket_id
        ticket.check_access("write")
        self._check_quote()
        # the team quotes without sales rights: the ticket's access is checked
        previous = ticket.sudo().sale_order_ids.filtered(
            lambda o: o.state in ("draft", "sent")
        )
        order = self.env["sale.order"].sudo().create(self._prepare_order_values())
        previous._action_cancel()
        pdf_error = self._send_quotation(order)
        body = self.message if not is_html_empty(self.message) else ""
        if body:
            # the customer received it with the quotation: no second email
            ticket.with_context(support_reply_by_email=True)._add_reply(body)
        if pdf_error:
            ticket._add_reply(
                Markup("<p>%s</p>")
                % self.env._(
                    "Quotation %(order)s was emailed without its PDF: the server "
                    "could not render it (%(error)s). Install wkhtmltopdf, then "
                    "send it again from the order.",
                    order=order.name,
                    error=pdf_error,
                ),
                is_internal=True,
            )
        return {"type": "ir.actions.act_window_close"}

    def _send_quotation(self, order):
        """Send ``order`` as the Send button of sales does: its quotation
        template, with the PDF, through the composer (which marks it sent).

        :return: the reason why the PDF could not be attached, or ``""``
        """
        action = order.action_quotation_send()
        Composer = (
            self.env["mail.compose.message"].sudo().with_context(**action["context"])
        )
        pdf_error = ""
        try:
            with self.env.cr.savepoint():
                composer = Composer.create({})
                # the PDF is rendered with the attachments of the template
                composer.flush_recordset(["attachment_ids"])
        except UserError as error:
            _logger.info("Quotation %s sent without its PDF: %s", order.name, error)
            pdf_error = str(error)
            composer = Composer.create({"attachment_ids": [Command.clear()]})
        if not is_html_empty(self.message):
            composer.body = self.message + (composer.body or "")
        composer.action_send_mail()
        return pdf_error
