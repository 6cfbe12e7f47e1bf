"""Ticket analysis: one row per ticket with its first response and resolution times."""

from odoo import fields, models
from odoo.tools import SQL

from .support_ticket import ORIGINS


class SupportTicketReport(models.Model):
    _name = "support.ticket.report"
    _description = "Support ticket analysis"
    _auto = False
    _rec_name = "code"
    _order = "create_date desc, id desc"

    ticket_id = fields.Many2one("support.ticket", string="Ticket", readonly=True)
    code = fields.Char(readonly=True)
    name = fields.Char(string="Subject", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    team_id = fields.Many2one("support.team", string="Area", readonly=True)
    stage_id = fields.Many2one("support.stage", string="State", readonly=True)
    user_id = fields.Many2one("res.users", string="Assigned to", readonly=True)
    priority_id = fields.Many2one("support.priority", string="Priority", readonly=True)
    category_id = fields.Many2one("support.category", string="Category", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    origin = fields.Selection(ORIGINS, readonly=True)
    is_locked = fields.Boolean(string="Resolved or closed", readonly=True)
    ticket_count = fields.Integer(string="Tickets", readonly=True)
    create_date = fields.Datetime(string="Created on", readonly=True)
    first_response_date = fields.Datetime(
        string="First response on",
        readonly=True,
        help="The first public reply of the team, written in the back office.",
    )
    resolved_date = fields.Datetime(string="Resolved on", readonly=True)
    first_response_hours = fields.Float(
        string="First response (hours)",
        readonly=True,
        aggregator="avg",
        help="Hours from the opening of the ticket to the first public reply of "
        "the team.",
    )
    resolution_hours = fields.Float(
        string="Resolution (hours)",
        readonly=True,
        aggregator="avg",
        help="Hours from the opening of the ticket to its resolution (or its "
        "closing, when it was closed without being resolved first).",
    )

    @property
    def _table_query(self):
        # the first response: the first public reply written in the back
        # office by a user of the company (not a portal user)
        return SQL(
            """
            SELECT t.id AS id,
                   t.id AS ticket_id,
                   t.code AS code,
                   t.name AS name,
                   t.company_id AS company_id,
                   t.team_id AS team_id,
                   t.stage_id AS stage_id,
                   t.user_id AS user_id,
                   t.priority_id AS priority_id,
                   t.category_id AS category_id,
                   t.partner_id AS partner_id,
                   t.origin AS origin,
                   t.is_locked AS is_locked,
                   1 AS ticket_count,
                   t.create_date AS create_date,
                   response.date AS first_response_date,
                   t.resolved_date AS resolved_date,
                   EXTRACT(EPOCH FROM response.date - t.create_date) / 3600.0
                       AS first_response_hours,
                   EXTRACT(EPOCH FROM t.resolved_date - t.create_date) / 3600.0
                       AS resolution_hours
              FROM support_ticket t
              LEFT JOIN LATERAL (
                    SELECT MIN(r.date) AS date
                      FROM support_ticket_reply r
                     WHERE r.ticket_id = t.id
                       AND r.origin = 'manual'
                       AND r.is_internal IS NOT TRUE
                       AND EXISTS (
                            SELECT 1
                              FROM res_users u
                             WHERE u.partner_id = r.author_id
                               AND u.share IS NOT TRUE
                       )
              ) response ON TRUE
            """
        )

    def action_open_ticket(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "support.ticket",
            "res_id": self.ticket_id.id,
            "views": [[False, "form"]],
        }
