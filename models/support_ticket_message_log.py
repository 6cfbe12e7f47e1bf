"""Support ticket: its communication log (what was sent, what was not delivered)."""

from odoo import fields, models


class SupportTicket(models.Model):
    # one concern of the ticket per file, as Odoo core splits its large models
    _inherit = "support.ticket"  # pylint: disable=consider-merging-classes-inherited

    message_log_count = fields.Integer(
        compute="_compute_message_log_count", string="Messages sent"
    )
    delivery_error_count = fields.Integer(
        compute="_compute_message_log_count",
        string="Messages not delivered",
        help="Emails and SMS of the ticket that could not be delivered: see why in "
        "the communication log, and send them again from there.",
    )

    def _compute_message_log_count(self):
        counts = {ticket: {} for ticket in self}
        for ticket, state, count in self.env["support.message.log"]._read_group(
            [("ticket_id", "in", self.ids)], ["ticket_id", "state"], ["__count"]
        ):
            counts.setdefault(ticket, {})[state] = count
        for ticket in self:
            ticket.message_log_count = sum(counts.get(ticket, {}).values())
            ticket.delivery_error_count = counts.get(ticket, {}).get("error", 0)

    def action_view_message_log(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "support_ticket.support_message_log_action"
        )
        action["domain"] = [("ticket_id", "=", self.id)]
        action["context"] = {"search_default_ticket_id": self.id}
        return action

    def action_view_delivery_errors(self):
        """The messages of the ticket that were not delivered, to send them
        again."""
        action = self.action_view_message_log()
        action["context"]["search_default_filter_error"] = 1
        action["name"] = self.env._("Messages not delivered")
        return action
