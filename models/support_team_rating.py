"""Customer satisfaction of areas and assignees (the last 30 days)."""

from datetime import timedelta

from odoo import api, fields, models

from odoo.addons.rating.models.rating_data import RATING_LIMIT_MIN, _rating_to_grade

RATING_DAYS = 30


class SupportTeam(models.Model):
    _name = "support.team"
    _inherit = ["support.team", "rating.parent.mixin"]  # pylint: disable=consider-merging-classes-inherited
    _rating_satisfaction_days = RATING_DAYS

    rating_enabled = fields.Boolean(
        string="Customer ratings",
        default=True,
        help="Ask the customer to rate each ticket of this area when it is "
        "resolved or closed (by email and on the portal).",
    )
    rating_user_ids = fields.Many2many(
        "res.users",
        compute="_compute_rating_user_ids",
        string="Assignees rated",
        help="The members of the area and the users rated on its tickets in the "
        "last 30 days.",
    )

    def _compute_rating_user_ids(self):
        since = fields.Datetime.now() - timedelta(days=RATING_DAYS)
        rated = dict(
            self.env["rating.rating"]
            .sudo()
            ._read_group(
                [
                    ("parent_res_model", "=", self._name),
                    ("parent_res_id", "in", self.ids),
                    ("res_model", "=", "support.ticket"),
                    ("consumed", "=", True),
                    ("rated_on", ">=", since),
                ],
                ["parent_res_id"],
                ["rated_partner_id:array_agg"],
            )
        )
        partners = self.env["res.partner"].browse(
            {pid for ids in rated.values() for pid in ids if pid}
        )
        users_by_partner = {
            user.partner_id.id: user
            for user in partners.sudo().user_ids.filtered(lambda u: not u.share)
        }
        for team in self:
            rated_users = self.env["res.users"].browse(
                {
                    users_by_partner[pid].id
                    for pid in rated.get(team.id, ())
                    if pid in users_by_partner
                }
            )
            team.rating_user_ids = team.member_ids | rated_users

    def action_view_ratings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "support_ticket.support_rating_action"
        )
        action["domain"] = [
            ("res_model", "=", "support.ticket"),
            ("parent_res_model", "=", self._name),
            ("parent_res_id", "=", self.id),
            ("consumed", "=", True),
        ]
        action["context"] = {
            "search_default_filter_last_30_days": 1,
            "search_default_groupby_assignee": 1,
        }
        return action


class ResUsers(models.Model):
    # the satisfaction of assignees, beside that of their areas
    _inherit = "res.users"  # pylint: disable=consider-merging-classes-inherited

    support_rating_satisfaction = fields.Integer(
        string="Satisfaction (%)",
        compute="_compute_support_rating",
        help="Share of happy customers among the ratings of the tickets assigned "
        "to this user in the last 30 days (of the area in context); -1 without "
        "ratings.",
    )
    support_rating_count = fields.Integer(
        string="Ratings (30 days)", compute="_compute_support_rating"
    )

    @api.depends_context("support_rating_team_id")
    def _compute_support_rating(self):
        domain = [
            ("res_model", "=", "support.ticket"),
            ("rated_partner_id", "in", self.partner_id.ids),
            ("consumed", "=", True),
            ("rating", ">=", RATING_LIMIT_MIN),
            ("rated_on", ">=", fields.Datetime.now() - timedelta(days=RATING_DAYS)),
        ]
        team_id = self.env.context.get("support_rating_team_id")
        if team_id:
            domain += [
                ("parent_res_model", "=", "support.team"),
                ("parent_res_id", "=", team_id),
            ]
        grades = {}
        for partner, rating, count in (
            self.env["rating.rating"]
            .sudo()
            ._read_group(domain, ["rated_partner_id", "rating"], ["__count"])
        ):
            partner_grades = grades.setdefault(partner, {"great": 0, "total": 0})
            partner_grades["total"] += count
            if _rating_to_grade(rating) == "great":
                partner_grades["great"] += count
        for user in self:
            figures = grades.get(user.partner_id)
            user.support_rating_count = figures["total"] if figures else 0
            user.support_rating_satisfaction = (
                round(figures["great"] * 100 / figures["total"]) if figures else -1
            )
