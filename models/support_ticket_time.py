"""Time spent on support tickets, in hours and minutes."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

MAX_HOURS_PER_ENTRY = 24


class SupportTicketTime(models.Model):
    _name = "support.ticket.time"
    _description = "Time spent on a support ticket"
    _order = "date desc, id desc"
    _check_company_auto = True

    ticket_id = fields.Many2one(
        "support.ticket",
        string="Ticket",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(related="ticket_id.company_id", store=True, index=True)
    contract_id = fields.Many2one(
        related="ticket_id.contract_id", store=True, index="btree_not_null"
    )
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    user_id = fields.Many2one(
        "res.users",
        string="Technician",
        required=True,
        index=True,
        default=lambda self: self.env.user,
        domain=[("share", "=", False)],
    )
    duration = fields.Float(
        required=True,
        aggregator="sum",
        help="Time spent, in hours and minutes (1:30 is an hour and a half).",
    )
    note = fields.Char(help="What was done.")

    @api.constrains("duration")
    def _check_duration(self):
        for entry in self:
            minutes = entry.duration * 60
            if entry.duration <= 0 or entry.duration > MAX_HOURS_PER_ENTRY:
                raise ValidationError(
                    self.env._(
                        "Enter a duration above zero and at most %(max)s hours "
                        "(hours and minutes, for example 1:30).",
                        max=MAX_HOURS_PER_ENTRY,
                    )
                )
            if abs(minutes - round(minutes)) > 1e-6:
                raise ValidationError(
                    self.env._(
                        "Enter the duration in whole minutes (hours and minutes, "
                        "for example 1:30)."
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        tickets = self.env["support.ticket"].browse(
            {vals["ticket_id"] for vals in vals_list if vals.get("ticket_id")}
        )
        tickets._check_can_work()
        entries = super().create(vals_list)
        entries.ticket_id._sync_delivered_hours()
        return entries

    def write(self, vals):
        before = self.ticket_id
        if vals.get("ticket_id"):
            self.env["support.ticket"].browse(vals["ticket_id"])._check_can_work()
        res = super().write(vals)
        if {"ticket_id", "duration"} & set(vals):
            (before | self.ticket_id)._sync_delivered_hours()
        return res

    def unlink(self):
        tickets = self.ticket_id
        res = super().unlink()
        tickets.exists()._sync_delivered_hours()
        return res


class SupportTicket(models.Model):
    # one concern of the ticket per file, as Odoo core splits its large models
    _inherit = "support.ticket"  # pylint: disable=consider-merging-classes-inherited

    time_ids = fields.One2many(
        "support.ticket.time", "ticket_id", string="Time entries", copy=False
    )
    time_total = fields.Float(
        string="Time spent",
        compute="_compute_time_total",
        store=True,
        precompute=True,
        aggregator="sum",
        help="Sum of the time entries of the ticket, in hours and minutes.",
    )

    @api.depends("time_ids.duration")
    def _compute_time_total(self):
        for ticket in self:
            ticket.time_total = sum(ticket.time_ids.mapped("duration"))
