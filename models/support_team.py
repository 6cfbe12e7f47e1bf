"""Support areas: their members, leader, hours, alias and followers."""

import ast

from odoo import api, fields, models


class SupportTeam(models.Model):
    _name = "support.team"
    _description = "Support area"
    # followed: its followers hear of its new tickets (subtypes of
    # data/mail_message_subtype_data.xml)
    _inherit = ["support.catalog.mixin", "mail.alias.mixin", "mail.thread"]
    _ticket_field = "team_id"

    member_ids = fields.Many2many(
        "res.users",
        "support_team_member_rel",
        "team_id",
        "user_id",
        string="Members",
        domain=[("share", "=", False)],
        help="Members see and work the tickets of this area.",
    )
    leader_id = fields.Many2one(
        "res.users",
        string="Leader",
        domain=[("share", "=", False)],
        index="btree_not_null",
    )
    description = fields.Text(translate=True)
    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working hours",
        default=lambda self: self.env.company.resource_calendar_id,
        help="Working days of the area: delivery estimates of quotes count them, "
        "public holidays excluded. Empty: the company's working hours.",
    )
    open_ticket_count = fields.Integer(
        compute="_compute_open_ticket_count", string="Open tickets"
    )

    def _compute_open_ticket_count(self):
        counts = dict(
            self.env["support.ticket"]._read_group(
                [("team_id", "in", self.ids), ("is_locked", "=", False)],
                ["team_id"],
                ["__count"],
            )
        )
        for team in self:
            team.open_ticket_count = counts.get(team, 0)

    @api.onchange("leader_id")
    def _onchange_leader_id(self):
        if self.leader_id and self.leader_id not in self.member_ids:
            self.member_ids |= self.leader_id

    def _alias_get_creation_values(self):
        values = super()._alias_get_creation_values()
        values["alias_model_id"] = self.env["ir.model"]._get("support.ticket").id
        if self.id:
            values["alias_defaults"] = defaults = ast.literal_eval(
                self.alias_defaults or "{}"
            )
            defaults["team_id"] = self.id
            if self.company_id:
                defaults["company_id"] = self.company_id.id
        return values

    def action_view_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "support_ticket.support_ticket_action"
        )
        action["domain"] = [("team_id", "=", self.id)]
        action["context"] = {"default_team_id": self.id}
        return action
