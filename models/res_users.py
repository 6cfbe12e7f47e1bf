from odoo import api, fields, models
from odoo.tools import formataddr


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
