"""Service level agreements: response and resolution times promised per ticket."""

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import format_datetime

SLA_TARGETS = [("response", "Response"), ("resolution", "Resolution")]
SLA_NOTICE_KINDS = [("risk", "At risk"), ("breach", "Breached")]
# criteria of an SLA, from the ticket field each one matches
SLA_CRITERIA = {
    "team_ids": "team_id",
    "priority_ids": "priority_id",
    "category_ids": "category_id",
    "contract_ids": "contract_id",
}


class SupportSla(models.Model):
    _name = "support.sla"
    _description = "Support service level agreement"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Leave empty to apply the SLA in all companies.",
    )
    description = fields.Text(translate=True)
    team_ids = fields.Many2many(
        "support.team",
        string="Areas",
        check_company=True,
        help="Tickets of these areas. None: any area.",
    )
    priority_ids = fields.Many2many(
        "support.priority",
        string="Priorities",
        check_company=True,
        help="Tickets of these priorities. None: any priority.",
    )
    category_ids = fields.Many2many(
        "support.category",
        string="Categories",
        check_company=True,
        help="Tickets of these categories. None: any category.",
    )
    contract_ids = fields.Many2many(
        "support.contract",
        string="Contracts",
        check_company=True,
        help="Tickets worked under these contracts. None: with or without contract.",
    )
    response_hours = fields.Float(
        string="Response time",
        help="Working hours before the first public reply of the team. Zero: no "
        "response target.",
    )
    resolution_hours = fields.Float(
        string="Resolution time",
        help="Working hours before the ticket is resolved or closed. Zero: no "
        "resolution target.",
    )
    pause_stage_ids = fields.Many2many(
        "support.stage",
        string="Pausing states",
        check_company=True,
        default=lambda self: self.env["support.stage"].search(
            [("is_waiting", "=", True)]
        ),
        help="The clock stops while the ticket is in these states (by default "
        "the waiting ones): the time spent there extends the deadlines. It also "
        "stops while the ticket is resolved or closed.",
    )
    warning_percent = fields.Integer(
        string="Warn at (%)",
        default=80,
        help="The assignee and the area's leader are warned when this share of "
        "the time has run, and again when the deadline is missed.",
    )
    ticket_count = fields.Integer(compute="_compute_ticket_count", string="Tickets")

    _hours_positive = models.Constraint(
        "CHECK (response_hours >= 0 AND resolution_hours >= 0)",
        "The times of an SLA cannot be negative.",
    )
    _has_target = models.Constraint(
        "CHECK (response_hours > 0 OR resolution_hours > 0)",
        "An SLA needs a response time, a resolution time or both.",
    )
    _warning_range = models.Constraint(
        "CHECK (warning_percent > 0 AND warning_percent < 100)",
        "The warning of an SLA comes at a percentage of its time, between 1 and 99.",
    )

    def _compute_ticket_count(self):
        counts = dict(
            self.env["support.ticket"]._read_group(
                [("sla_id", "in", self.ids)], ["sla_id"], ["__count"]
            )
        )
        for sla in self:
            sla.ticket_count = counts.get(sla, 0)

    def action_view_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "support_ticket.support_ticket_action"
        )
        action["domain"] = [("sla_id", "=", self.id)]
        action["context"] = {"search_default_filter_open": 1}
        return action

    # ------------------------------------------------------------
    # Matching
    # ------------------------------------------------------------

    def _sla_sort_key(self):
        """Order of preference among the SLAs that match a ticket: the most
        specific first (the most criteria set), then the strictest (the
        shortest response time, then the shortest resolution time; a missing
        target counts as the longest), then the sequence."""
        self.ensure_one()
        specificity = sum(1 for fname in SLA_CRITERIA if self[fname])
        return (
            -specificity,
            self.response_hours or float("inf"),
            self.resolution_hours or float("inf"),
            self.sequence,
            self.id,
        )

    def _matches(self, ticket):
        self.ensure_one()
        if self.company_id and self.company_id != ticket.company_id:
            return False
        return all(
            not self[fname] or ticket[ticket_field] in self[fname]
            for fname, ticket_field in SLA_CRITERIA.items()
        )

    @api.model
    def _find_for_tickets(self, tickets):
        """The SLA of each ticket (``{ticket: sla}``), read in one search."""
        if not tickets:
            return {}
        slas = (
            self.sudo()
            .with_context(active_test=True)
            .search(Domain("company_id", "in", [*tickets.company_id.ids, False]))
            .sorted(lambda sla: sla._sla_sort_key())
        )
        return {
            ticket: next((sla for sla in slas if sla._matches(ticket)), self.browse())
            for ticket in tickets
        }

    # ------------------------------------------------------------
    # CRUD: open tickets follow the changes
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        slas = super().create(vals_list)
        slas._refresh_open_tickets()
        return slas

    def write(self, vals):
        res = super().write(vals)
        self._refresh_open_tickets()
        return res

    def unlink(self):
        companies = self.company_id
        has_shared = any(not sla.company_id for sla in self)
        res = super().unlink()
        self.browse()._refresh_open_tickets(companies, has_shared)
        return res

    def _refresh_open_tickets(self, companies=None, shared=None):
        """Choose again the SLA of the open tickets and plan their deadlines:
        resolved and closed tickets keep the ones they were worked under."""
        if companies is None:
            companies = self.company_id
            shared = any(not sla.company_id for sla in self)
        domain = Domain("is_locked", "=", False)
        if not shared:
            domain &= Domain("company_id", "in", companies.ids)
        tickets = (
            self.env["support.ticket"]
            .sudo()
            .with_context(active_test=False)
            .search(domain)
        )
        tickets._sla_recompute(with_sla=True)


class SupportTicketSlaNotice(models.Model):
    _name = "support.ticket.sla.notice"
    _description = "Support SLA warning sent"
    _order = "id desc"

    ticket_id = fields.Many2one(
        "support.ticket", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="ticket_id.company_id", store=True)
    target = fields.Selection(SLA_TARGETS, required=True)
    kind = fields.Selection(SLA_NOTICE_KINDS, required=True)
    deadline = fields.Datetime(required=True)
    partner_ids = fields.Many2many(
        "res.partner", string="Warned", help="Who received the warning."
    )

    _notice_unique = models.UniqueIndex("(ticket_id, target, kind)")

    def _target_label(self):
        self.ensure_one()
        return dict(self._fields["target"]._description_selection(self.env))[
            self.target
        ]

    def _deadline_text(self):
        """The deadline in the time zone of the area's working hours."""
        self.ensure_one()
        ticket = self.ticket_id
        calendar = ticket._sla_calendar()
        tz = calendar.tz or self.env.user.tz or "UTC"
        text = format_datetime(self.env, self.deadline, tz=tz, dt_format="short")
        return f"{text} ({tz})"
