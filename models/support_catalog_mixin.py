"""Catalogs (areas, states, priorities, categories): what they share."""

from odoo import api, fields, models, tools
from odoo.exceptions import UserError
from odoo.fields import Domain

# colour names, rendered by the classes o_support_color_<name> (badges) and
# o_support_border_<name> (kanban cards) of static/src/scss/support_colors.scss
COLORS = [
    ("grey", "Grey"),
    ("light_blue", "Light blue"),
    ("blue", "Blue"),
    ("yellow", "Yellow"),
    ("green", "Green"),
    ("red", "Red"),
    ("orange", "Orange"),
    ("purple", "Purple"),
    ("dark", "Dark"),
]


class SupportCatalogMixin(models.AbstractModel):
    """Shared behaviour of the ticket catalogs (areas, states, priorities,
    categories): a company, an active flag, one default per company, and a
    refusal to delete a value that tickets still use."""

    _name = "support.catalog.mixin"
    _description = "Support catalog"
    _order = "sequence, id"
    # field of support.ticket that points to this catalog
    _ticket_field = None

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    is_default = fields.Boolean(
        string="Default",
        copy=False,
        help="Proposed when a new ticket is created. Only one value per company "
        "can be the default: setting a new one clears the previous one.",
    )
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Leave empty to share this value between all companies.",
    )
    color = fields.Selection(COLORS, string="Colour", default="grey", required=True)
    ticket_count = fields.Integer(compute="_compute_ticket_count", string="Tickets")

    def _compute_ticket_count(self):
        counts = dict(
            self.env["support.ticket"]._read_group(
                [(self._ticket_field, "in", self.ids)],
                [self._ticket_field],
                ["__count"],
            )
        )
        for record in self:
            record.ticket_count = counts.get(record, 0)

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records.filtered("is_default")._clear_other_defaults()
        self.env.registry.clear_cache()
        return records

    def write(self, vals):
        res = super().write(vals)
        if {"is_default", "active", "company_id", "sequence"} & set(vals):
            self.env.registry.clear_cache()
        if vals.get("is_default") or (
            "company_id" in vals and self.filtered("is_default")
        ):
            self.filtered("is_default")._clear_other_defaults()
        return res

    def _clear_other_defaults(self):
        """Keep one default per company (an empty company is its own group):
        the records in ``self`` win over the others, the last one of ``self``
        wins within ``self``."""
        winners = self.browse(
            [recs[-1].id for recs in self.grouped("company_id").values()]
        )
        companies = {record.company_id for record in winners}
        others = self.with_context(active_test=False).search(
            [
                ("is_default", "=", True),
                ("id", "not in", winners.ids),
                ("company_id", "in", [c.id for c in companies]),
            ]
        )
        others = others.filtered(lambda r: r.company_id in companies)
        if others:
            others.write({"is_default": False})

    @api.model
    def _get_default(self, company=None):
        """The default value for ``company``: its own default first, then a
        shared one, then the first active value."""
        company = company or self.env.company
        return self.browse(self._get_default_id(company.id))

    @api.model
    @tools.ormcache("company_id")
    def _get_default_id(self, company_id):
        """Id of the default value of ``company_id``, cached: every new ticket
        asks for the defaults of four catalogs. The cache is cleared when a
        value of a catalog is created, changed or deleted."""
        domain = Domain("company_id", "in", [company_id, False])
        Catalog = self.sudo().with_context(active_test=True)
        default = Catalog.search(
            domain & Domain("is_default", "=", True),
            order="company_id, sequence, id",
            limit=1,
        )
        return (default or Catalog.search(domain, limit=1)).id

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        if not self._ticket_field:
            return
        used = (
            self.env["support.ticket"]
            .with_context(active_test=False)
            .sudo()
            ._read_group(
                [(self._ticket_field, "in", self.ids)],
                [self._ticket_field],
                ["__count"],
            )
        )
        if used:
            record, count = used[0]
            raise UserError(
                self.env._(
                    "“%(name)s” is used by %(count)s ticket(s) and cannot be deleted. "
                    "Archive it instead: it will no longer be offered for new tickets.",
                    name=record.display_name,
                    count=count,
                )
            )
