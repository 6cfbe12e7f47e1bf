"""Companies: the support alias of each company."""

from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    support_alias_id = fields.Many2one(
        "mail.alias",
        string="Support alias",
        ondelete="set null",
        copy=False,
        help="Default address of the company's support: emails to it open tickets "
        "without an area, and it receives the answers to tickets of areas that "
        "have no address of their own.",
    )

    def _support_get_or_create_alias(self):
        """The company's default support alias, created when missing."""
        self.ensure_one()
        if not self.support_alias_id:
            self.sudo().support_alias_id = (
                self.env["mail.alias"]
                .sudo()
                .create(
                    {
                        "alias_model_id": self.env["ir.model"]._get_id(
                            "support.ticket"
                        ),
                        "alias_defaults": repr({"company_id": self.id}),
                        "alias_domain_id": self.alias_domain_id.id,
                        "alias_contact": "everyone",
                    }
                )
            )
        return self.support_alias_id
