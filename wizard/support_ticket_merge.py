"""Wizard: merge tickets into the one that survives."""

from odoo import api, fields, models
from odoo.fields import Command


class SupportTicketMerge(models.TransientModel):
    _name = "support.ticket.merge"
    _description = "Merge support tickets"

    ticket_ids = fields.Many2many(
        "support.ticket",
        "support_ticket_merge_ticket_rel",
        "wizard_id",
        "ticket_id",
        string="Tickets",
        required=True,
    )
    target_ticket_id = fields.Many2one(
        "support.ticket",
        string="Keep",
        required=True,
        domain="[('id', 'in', ticket_ids)]",
        help="The ticket that survives: the others are closed and merged into it.",
    )
    different_customers = fields.Boolean(
        compute="_compute_warnings",
        help="The tickets are of different customers.",
    )
    different_companies = fields.Boolean(compute="_compute_warnings")
    confirm_different_customers = fields.Boolean(
        string="Merge tickets of different customers",
        help="The tickets are of different customers but are the same request: "
        "merge them anyway (the other customers are copied on the surviving "
        "ticket).",
    )

    @api.model
    def default_get(self, fields):
        res = super().default_get(fields)
        context = self.env.context
        ids = context.get("active_ids") or []
        if (
            "ticket_ids" in fields
            and not res.get("ticket_ids")
            and context.get("active_model") == "support.ticket"
            and ids
        ):
            res["ticket_ids"] = [Command.set(ids)]
            if "target_ticket_id" in fields and not res.get("target_ticket_id"):
                # the oldest: the customer's first request
                res["target_ticket_id"] = min(ids)
        return res

    @api.depends("ticket_ids")
    def _compute_warnings(self):
        for wizard in self:
            tickets = wizard.ticket_ids
            wizard.different_companies = len(tickets.company_id) > 1
            wizard.different_customers = (
                len({ticket._support_customer_key() for ticket in tickets}) > 1
            )

    @api.onchange("ticket_ids")
    def _onchange_ticket_ids(self):
        if self.target_ticket_id not in self.ticket_ids:
            self.target_ticket_id = self.ticket_ids.sorted("id")[:1]

    def action_merge(self):
        self.ensure_one()
        target = self.ticket_ids._merge_into(
            self.target_ticket_id,
            different_customers=self.confirm_different_customers,
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "support.ticket",
            "res_id": target.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "main",
        }
