"""Sales orders quoting support tickets."""

from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    support_ticket_id = fields.Many2one(
        "support.ticket",
        string="Support ticket",
        index="btree_not_null",
        copy=False,
        readonly=True,
        check_company=True,
        help="The ticket this order quotes.",
    )
    support_lead_days = fields.Integer(
        string="Delivery lead time",
        copy=False,
        help="Working days from the payment (or from today while unpaid) to the "
        "estimated delivery of the ticket's work.",
    )
    support_ticket_count = fields.Integer(
        compute="_compute_support_ticket_count", string="Support tickets"
    )

    @api.depends("support_ticket_id")
    def _compute_support_ticket_count(self):
        for order in self:
            order.support_ticket_count = 1 if order.support_ticket_id else 0

    def _action_confirm(self):
        res = super()._action_confirm()
        self.support_ticket_id._sync_delivered_hours()
        return res

    def action_view_support_ticket(self):
        self.ensure_one()
        ticket = self.support_ticket_id
        if self.env.user.has_group("support_ticket.group_support_user"):
            xmlid = "support_ticket.support_ticket_action"
        else:
            xmlid = "support_ticket.support_ticket_action_billing"
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("id", "=", ticket.id)]
        action["views"] = [
            (view_id, view_type)
            for view_id, view_type in action["views"]
            if view_type == "form"
        ] or [(False, "form")]
        action["res_id"] = ticket.id
        return action
