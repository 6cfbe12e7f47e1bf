"""Users: the name shown in tickets, chosen by each user (staff and customers)."""

import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import formataddr

SUPPORT_DISPLAY_NAME_SIZE = 64
# markup, and what would break an email header
SUPPORT_DISPLAY_NAME_FORBIDDEN = re.compile(r"[<>\x00-\x1f\x7f\"]")


class ResUsers(models.Model):
    _inherit = "res.users"

    support_display_name = fields.Char(
        string="Name shown in tickets",
        help="Shown as the author of your ticket replies and as the sender name of "
        "your ticket emails, for example the company name. Leave empty to use your "
        "own name.",
    )

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + ["support_display_name"]

    @property
    def SELF_WRITEABLE_FIELDS(self):
        return super().SELF_WRITEABLE_FIELDS + ["support_display_name"]

    @api.model
    def _support_display_name_error(self, value):
        """Why ``value`` cannot be a name shown in tickets, or ``None``."""
        value = value or ""
        if len(value) > SUPPORT_DISPLAY_NAME_SIZE:
            return self.env._(
                "The name shown in tickets can have at most %(size)s characters.",
                size=SUPPORT_DISPLAY_NAME_SIZE,
            )
        if SUPPORT_DISPLAY_NAME_FORBIDDEN.search(value):
            return self.env._(
                'The name shown in tickets cannot contain < > " nor line breaks.'
            )
        return None

    @api.constrains("support_display_name")
    def _check_support_display_name(self):
        for user in self:
            error = self._support_display_name_error(user.support_display_name)
            if error:
                raise ValidationError(error)

    def _support_author_name(self):
        self.ensure_one()
        return self.support_display_name or self.name

    def _support_email_from(self):
        """Sender of the ticket emails written by the user."""
        self.ensure_one()
        return formataddr(
            (self._support_author_name(), self.email or self.env.company.email or "")
        )

    @api.model
    def _support_author_names(self, partners):
        """Display name of ``partners`` in tickets: the name chosen by their
        user, if any, else the partner's name."""
        users = self.sudo().search_fetch(
            [("partner_id", "in", partners.ids), ("support_display_name", "!=", False)],
            ["partner_id", "support_display_name"],
        )
        names = {user.partner_id: user.support_display_name for user in users}
        return {
            partner: names.get(partner) or partner.display_name for partner in partners
        }
