"""Support contracts: the hours a month that cover a customer's tickets."""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain

CONTRACT_STATES = [
    ("draft", "Draft"),
    ("running", "Running"),
    ("expired", "Expired"),
    ("cancelled", "Cancelled"),
]
CONTRACT_SEQUENCE_CODE = "support.contract"


class SupportContract(models.Model):
    _name = "support.contract"
    _description = "Support contract"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"
    _rec_names_search = ["name", "partner_id"]
    _check_company_auto = True

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        index="trigram",
        default=lambda self: self.env._("New"),
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        tracking=True,
        index=True,
        check_company=True,
        help="The contract covers the tickets of this customer and of its contacts.",
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id",
        store=True,
        index=True,
        string="Customer entity",
    )
    date_start = fields.Date(
        string="Start",
        required=True,
        tracking=True,
        default=fields.Date.context_today,
    )
    date_end = fields.Date(
        string="End", tracking=True, help="Leave empty for a contract without end."
    )
    state = fields.Selection(
        CONTRACT_STATES,
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
        help="A confirmed contract runs from its start to its end, then expires.",
    )
    is_confirmed = fields.Boolean(
        string="Confirmed",
        readonly=True,
        copy=False,
        help="Confirmed contracts follow their dates: running from the start, "
        "expired after the end.",
    )
    category_ids = fields.Many2many(
        "support.category",
        string="Covered categories",
        check_company=True,
        help="Categories of tickets the contract covers. None: all of them.",
    )
    hours_per_month = fields.Float(
        string="Hours per month",
        tracking=True,
        help="Time the contract covers each calendar month, in hours.",
    )
    price = fields.Monetary(string="Price per month", tracking=True)
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    ticket_ids = fields.One2many("support.ticket", "contract_id", string="Tickets")
    ticket_count = fields.Integer(
        compute="_compute_ticket_count", string="Ticket count"
    )
    time_ids = fields.One2many("support.ticket.time", "contract_id", string="Time")
    hours_used_month = fields.Float(
        compute="_compute_hours_month",
        string="Hours used this month",
        help="Time logged this month on the tickets of the contract.",
    )
    hours_left_month = fields.Float(
        compute="_compute_hours_month",
        string="Hours left this month",
        help="Hours per month minus the hours used this month: negative when "
        "more was worked than the contract covers.",
    )
    note = fields.Html(string="Terms")

    _hours_positive = models.Constraint(
        "CHECK (hours_per_month >= 0)",
        "The hours per month of a contract cannot be negative.",
    )
    _price_positive = models.Constraint(
        "CHECK (price >= 0)", "The price of a contract cannot be negative."
    )
    _dates_in_order = models.Constraint(
        "CHECK (date_end IS NULL OR date_end >= date_start)",
        "A contract cannot end before it starts.",
    )

    # ------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------

    def _compute_ticket_count(self):
        counts = dict(
            self.env["support.ticket"]._read_group(
                [("contract_id", "in", self.ids)], ["contract_id"], ["__count"]
            )
        )
        for contract in self:
            contract.ticket_count = counts.get(contract, 0)

    @api.model
    def _month_bounds(self, day=None):
        """First day of the month of ``day`` (today) and of the next one."""
        start = (day or fields.Date.context_today(self)).replace(day=1)
        return start, start + relativedelta(months=1)

    @api.depends("hours_per_month", "time_ids.duration", "time_ids.date")
    def _compute_hours_month(self):
        start, end = self._month_bounds()
        used = dict(
            self.env["support.ticket.time"]
            .sudo()
            ._read_group(
                [
                    ("contract_id", "in", self.ids),
                    ("date", ">=", start),
                    ("date", "<", end),
                ],
                ["contract_id"],
                ["duration:sum"],
            )
        )
        for contract in self:
            hours = used.get(contract._origin, 0.0)
            contract.hours_used_month = hours
            contract.hours_left_month = contract.hours_per_month - hours

    # ------------------------------------------------------------
    # States
    # ------------------------------------------------------------

    @api.model
    def _running_domain(self, day=None):
        """Contracts that run on ``day`` (today)."""
        day = day or fields.Date.context_today(self)
        return (
            Domain("state", "=", "running")
            & Domain("date_start", "<=", day)
            & (Domain("date_end", "=", False) | Domain("date_end", ">=", day))
        )

    def _is_running(self, day=None):
        self.ensure_one()
        return bool(self.filtered_domain(self._running_domain(day)))

    def _state_from_dates(self, day):
        self.ensure_one()
        if self.date_end and self.date_end < day:
            return "expired"
        if self.date_start > day:
            return "draft"
        return "running"

    def _sync_state(self):
        """Put the confirmed contracts in the state their dates give."""
        today = fields.Date.context_today(self)
        todo = {}
        for contract in self.filtered(lambda c: c.is_confirmed):
            if contract.state == "cancelled":
                continue
            state = contract._state_from_dates(today)
            if state != contract.state:
                todo.setdefault(state, self.browse())
                todo[state] |= contract
        for state, contracts in todo.items():
            contracts.write({"state": state})

    @api.model
    def _cron_sync_states(self):
        self.search(
            [("is_confirmed", "=", True), ("state", "in", ("draft", "running"))]
        )._sync_state()

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        new_label = self.env._("New")
        for vals in vals_list:
            if not vals.get("name") or vals["name"] == new_label:
                company = self.env["res.company"].browse(
                    vals.get("company_id") or self.env.company.id
                )
                vals["name"] = self.env["ir.sequence"].with_company(
                    company
                ).next_by_code(CONTRACT_SEQUENCE_CODE) or self.env._("New")
        return super().create(vals_list)

    def write(self, vals):
        res = super().write(vals)
        if {"date_start", "date_end"} & set(vals):
            self._sync_state()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        used = self.filtered(lambda c: c.state == "running" or c.ticket_ids)
        if used:
            raise UserError(
                self.env._(
                    "Contract %(name)s is running or has tickets: cancel it "
                    "instead of deleting it.",
                    name=used[0].name,
                )
            )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_confirm(self):
        if any(contract.state != "draft" for contract in self):
            raise UserError(self.env._("Only draft contracts can be confirmed."))
        self.write({"is_confirmed": True})
        self._sync_state()
        return True

    def action_cancel(self):
        self.write({"state": "cancelled", "is_confirmed": False})
        return True

    def action_reset_draft(self):
        self.write({"state": "draft", "is_confirmed": False})
        return True

    def action_view_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "support_ticket.support_ticket_action"
        )
        action["domain"] = [("contract_id", "=", self.id)]
        action["context"] = {
            "default_contract_id": self.id,
            "default_partner_id": self.partner_id.id,
        }
        return action

    # ------------------------------------------------------------
    # Coverage
    # ------------------------------------------------------------

    def _covers_category(self, category):
        self.ensure_one()
        return not self.category_ids or category in self.category_ids
