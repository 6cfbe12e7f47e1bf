"""Categories of tickets: their price, area, assignee and portal texts."""

from odoo import api, fields, models


class SupportCategory(models.Model):
    _name = "support.category"
    _description = "Support ticket category"
    _inherit = ["support.catalog.mixin"]
    _ticket_field = "category_id"

    comment = fields.Text(
        string="Internal comment",
        groups="support_ticket.group_support_user",
        help="For the team only: never shown to customers.",
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
        help="Indicative price of handling a ticket of this category."
    )
    team_id = fields.Many2one(
        "support.team",
        string="Area",
        index="btree_not_null",
        help="Area proposed for the tickets of this category.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Default technician",
        domain=[("share", "=", False)],
        index="btree_not_null",
        help="Proposed assignee of the tickets of this category, when none is chosen.",
    )
    portal_available = fields.Boolean(
        string="Available on the web portal",
        default=True,
        help="Customers can choose this category when they open a ticket on the "
        "portal.",
    )
    customer_app_available = fields.Boolean(
        string="Available in the customer app",
        default=True,
    )
    technician_app_available = fields.Boolean(
        string="Available in the technician app",
        default=True,
    )
    customer_label = fields.Char(
        string="Customer-facing label",
        translate=True,
        help="Name customers see for this category. Leave empty to show the name.",
    )
    customer_description = fields.Html(
        string="Customer-facing description",
        translate=True,
        help="Hint shown to customers when they choose this category.",
    )
    reason_ids = fields.One2many(
        "support.category.reason",
        "category_id",
        string="Sub-reasons",
        copy=True,
        help="Common reasons offered to customers as quick picks, for example "
        "“No Internet connection”.",
    )

    @api.depends("company_id")
    def _compute_currency_id(self):
        for category in self:
            category.currency_id = (category.company_id or self.env.company).currency_id

    def _get_customer_label(self):
        self.ensure_one()
        return self.customer_label or self.name


class SupportCategoryReason(models.Model):
    _name = "support.category.reason"
    _description = "Support category sub-reason"
    _order = "sequence, id"

    category_id = fields.Many2one(
        "support.category", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
