"""Priorities of tickets."""

from odoo import fields, models


class SupportPriority(models.Model):
    _name = "support.priority"
    _description = "Support ticket priority"
    _inherit = ["support.catalog.mixin"]
    _ticket_field = "priority_id"

    icon = fields.Char(
        default="fa-minus",
        help="Font Awesome icon class shown beside the priority, for example "
        "fa-arrow-up.",
    )
