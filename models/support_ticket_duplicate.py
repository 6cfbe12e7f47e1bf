"""Support ticket: its likely duplicates (same customer, close subject)."""

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.tools import SQL

# duplicates shown on a ticket, the closest first
DUPLICATE_LIMIT = 5
# pg_trgm similarity of two subjects from which they are "close"
DUPLICATE_SIMILARITY = 0.5


class SupportTicket(models.Model):
    # one concern of the ticket per file, as Odoo core splits its large models
    _inherit = "support.ticket"  # pylint: disable=consider-merging-classes-inherited

    duplicate_ticket_ids = fields.Many2many(
        "support.ticket",
        compute="_compute_duplicate_ticket_ids",
        string="Possible duplicates",
        help="Open tickets of the same customer with a close subject.",
    )
    duplicate_ticket_html = fields.Html(
        compute="_compute_duplicate_ticket_ids",
        string="Possible duplicates (links)",
        sanitize=False,
    )

    # ------------------------------------------------------------
    # Duplicates
    # ------------------------------------------------------------

    @api.depends("name", "partner_id", "email_from", "is_locked", "merged_into_id")
    @api.depends_context("uid")
    def _compute_duplicate_ticket_ids(self):
        """Open tickets of the same customer (their organisation) or the same
        unknown sender, whose subject is close (pg_trgm similarity, served by
        the trigram index on the subject): one query for all of ``self``."""
        self.duplicate_ticket_ids = False
        self.duplicate_ticket_html = False
        saved = self.filtered(lambda t: isinstance(t.id, int))
        if not saved:
            return
        self.env["support.ticket"].flush_model(
            ["name", "partner_id", "email_from", "is_locked", "merged_into_id"]
        )
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        if self.env.registry.has_trigram:
            close = SQL(
                "d.name %% src.name AND similarity(d.name, src.name) >= %s",
                DUPLICATE_SIMILARITY,
            )
            order = SQL("similarity(d.name, src.name) DESC, d.id DESC")
        else:
            close = SQL("lower(d.name) = lower(src.name)")
            order = SQL("d.id DESC")
        rows = self.env.execute_query(
            SQL(
                """
                SELECT src.id, dup.id
                  FROM support_ticket src
             LEFT JOIN res_partner src_partner ON src_partner.id = src.partner_id
                 CROSS JOIN LATERAL (
                        SELECT d.id
                          FROM support_ticket d
                     LEFT JOIN res_partner d_partner ON d_partner.id = d.partner_id
                         WHERE d.id != src.id
                           AND d.company_id = src.company_id
                           AND d.is_locked IS NOT TRUE
                           AND d.merged_into_id IS NULL
                           AND %(close)s
                           AND (d_partner.commercial_partner_id
                                    = src_partner.commercial_partner_id
                                OR (src.partner_id IS NULL AND d.partner_id IS NULL
                                    AND lower(d.email_from) = lower(src.email_from)))
                      ORDER BY %(order)s
                         LIMIT %(limit)s
                 ) dup
                 WHERE src.id IN %(ids)s
                   AND src.is_locked IS NOT TRUE
                   AND src.merged_into_id IS NULL
                """,
                close=close,
                order=order,
                limit=DUPLICATE_LIMIT,
                ids=tuple(saved.ids),
            )
        )
        if not rows:
            return
        # only those the user may see
        visible = self.search([("id", "in", list({dup for _src, dup in rows}))])
        by_ticket = {}
        for src, dup in rows:
            if dup in visible._ids:
                by_ticket.setdefault(src, []).append(dup)
        for ticket in saved:
            duplicates = self.browse(by_ticket.get(ticket.id, []))
            ticket.duplicate_ticket_ids = duplicates
            if duplicates:
                ticket.duplicate_ticket_html = Markup(", ").join(
                    Markup('<a href="/odoo/support.ticket/%s">%s</a>')
                    % (dup.id, escape(dup.display_name))
                    for dup in duplicates
                )
