"""Wizard: change the state of a ticket, with a note."""

from odoo import api, fields, models
from odoo.tools import is_html_empty


class SupportTicketStageChange(models.TransientModel):
    _name = "support.ticket.stage.change"
    _description = "Change the state of a ticket, with a note"

    ticket_id = fields.Many2one("support.ticket", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="ticket_id.company_id")
    current_stage_id = fields.Many2one(
        related="ticket_id.stage_id", string="Current state"
    )
    stage_id = fields.Many2one(
        "support.stage",
        string="New state",
        required=True,
        domain="[('id', '!=', current_stage_id), "
        "('company_id', 'in', [company_id, False])]",
    )
    note = fields.Html(help="Recorded in the conversation of the ticket.")
    is_internal = fields.Boolean(
        string="Internal note",
        default=True,
        help="Leave checked to keep the note for the support team; uncheck it to "
        "show it to the customer too.",
    )

    @api.onchange("stage_id")
    def _onchange_stage_id(self):
        if self.stage_id.is_closed or self.stage_id.is_resolved:
            self.is_internal = False

    def action_apply(self):
        self.ensure_one()
        ticket = self.ticket_id
        has_note = not is_html_empty(self.note)
        if self.stage_id.is_locking:
            # record the note while the conversation is still open
            if has_note:
                ticket._add_reply(self.note, is_internal=self.is_internal)
            ticket.stage_id = self.stage_id
        else:
            ticket.stage_id = self.stage_id
            if has_note:
                ticket._add_reply(self.note, is_internal=self.is_internal)
        return {"type": "ir.actions.act_window_close"}
