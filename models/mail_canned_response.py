"""Canned answers: Odoo's canned responses shared with a support area, inserted in
ticket replies with their placeholders filled in."""

import re

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.fields import Domain
from odoo.tools import SQL

# {{customer}}, {{ code }}...: a name, nothing else (no expression is evaluated)
PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
PLACEHOLDERS = ("customer", "code", "subject", "assignee", "user", "company")


class MailCannedResponse(models.Model):
    _inherit = "mail.canned.response"

    support_team_id = fields.Many2one(
        "support.team",
        string="Support area",
        index="btree_not_null",
        ondelete="cascade",
        help="Shared with the members of this area, in the replies of its tickets. "
        "Leave empty for a personal answer (or one shared with the groups).",
    )

    @api.depends("group_ids", "support_team_id")
    def _compute_is_shared(self):
        res = super()._compute_is_shared()
        for response in self.filtered("support_team_id"):
            response.is_shared = True
        return res

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("support_team_id") for vals in vals_list):
            self._support_check_share()
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("support_team_id") or self.filtered("support_team_id"):
            self._support_check_share()
        return super().write(vals)

    def _support_check_share(self):
        if not self.env.su and not self.env.user.has_group(
            "support_ticket.group_support_manager"
        ):
            raise AccessError(
                self.env._(
                    "Only support managers can share canned answers with an area: "
                    "keep this one personal (no area)."
                )
            )

    # ------------------------------------------------------------
    # In ticket replies
    # ------------------------------------------------------------

    @api.model
    def _support_domain(self, ticket):
        """The answers a user may insert in a reply of ``ticket``: those of its
        area, their own and those shared with their groups; never those of
        another area."""
        user = self.env.user
        area = Domain("support_team_id", "=", ticket.team_id.id)
        general = Domain("support_team_id", "=", False) & (
            Domain("create_uid", "=", user.id)
            | Domain("group_ids", "in", user.all_group_ids.ids)
        )
        return area | general if ticket.team_id else general

    @api.model
    def _support_values(self, ticket):
        """What the placeholders stand for in ``ticket``. The assignee is the
        user writing when the ticket is unassigned."""
        Users = self.env["res.users"]
        user = self.env.user
        assignee = ticket.user_id or user
        customer = ticket.partner_id
        names = Users._support_author_names(
            customer | assignee.partner_id | user.partner_id
        )
        if customer and names.get(customer) == customer.display_name:
            # the person, not "Company, Person"
            names[customer] = customer.name
        return {
            "customer": names.get(customer) or ticket.email_from or "",
            "code": ticket.code or "",
            "subject": ticket.name or "",
            "assignee": names.get(assignee.partner_id) or assignee.name or "",
            "user": names.get(user.partner_id) or user.name or "",
            "company": ticket.company_id.name or "",
        }

    def _support_render(self, ticket):
        """The text of the answer for ``ticket``: each known placeholder
        replaced by its value, anything else left as it is."""
        self.ensure_one()
        values = self._support_values(ticket)
        return PLACEHOLDER.sub(
            lambda match: values.get(match.group(1), match.group(0)),
            self.substitution or "",
        )


class SupportTicket(models.Model):
    # one concern of the ticket per file, as Odoo core splits its large models
    _inherit = "support.ticket"  # pylint: disable=consider-merging-classes-inherited

    def get_canned_responses(self):
        """The canned answers the composer of this ticket offers (called by
        the conversation widget)."""
        self.ensure_one()
        self.check_access("write")
        Response = self.env["mail.canned.response"]
        responses = Response.sudo().search(
            Response._support_domain(self), order="support_team_id, source"
        )
        return [
            {
                "id": response.id,
                "source": response.source,
                "preview": (response.substitution or "")[:80],
                "area": response.support_team_id.name or False,
            }
            for response in responses
        ]

    def render_canned_response(self, response_id):
        """The text of a canned answer for this ticket, placeholders filled in."""
        self.ensure_one()
        self.check_access("write")
        Response = self.env["mail.canned.response"]
        response = Response.sudo().search(
            Domain("id", "=", int(response_id)) & Response._support_domain(self),
            limit=1,
        )
        if not response:
            raise AccessError(
                self.env._("This canned answer is not available for this ticket.")
            )
        # as Odoo's composer does: never blocks the reply for that
        self.env.cr.execute(
            SQL(
                """UPDATE mail_canned_response SET last_used = %s
                    WHERE id IN (SELECT id FROM mail_canned_response WHERE id = %s
                                 FOR NO KEY UPDATE SKIP LOCKED)""",
                fields.Datetime.now(),
                response.id,
            )
        )
        response.invalidate_recordset(["last_used"])
        return response._support_render(self)
