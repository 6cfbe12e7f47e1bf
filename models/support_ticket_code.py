"""Support ticket: its codes, drawn from the ticket sequence of its company."""

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

TICKET_SEQUENCE_CODE = "support.ticket"


class SupportTicket(models.Model):
    # one concern of the ticket per file, as Odoo core splits its large models
    _inherit = "support.ticket"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _next_codes(self, company, count):
        """``count`` new codes from the ticket sequence of ``company``, drawn
        in one query when the sequence allows it."""
        Sequence = self.env["ir.sequence"].with_company(company)
        # what get_next_char needs, read with the search
        sequence = Sequence.sudo().search_fetch(
            [
                ("code", "=", TICKET_SEQUENCE_CODE),
                ("company_id", "in", [company.id, False]),
            ],
            ["implementation", "use_date_range", "prefix", "suffix", "padding"],
            order="company_id",
            limit=1,
        )
        if not sequence:
            raise UserError(
                self.env._(
                    "The sequence of ticket codes is missing. Reinstall or update the "
                    "Support Tickets module."
                )
            )
        if sequence.implementation == "standard" and not sequence.use_date_range:
            numbers = self._draw_sequence_numbers(self.env.cr, sequence.id, count)
            return [sequence.get_next_char(number) for number in numbers]
        return [sequence._next() for _i in range(count)]

    @staticmethod
    def _draw_sequence_numbers(cr, sequence_id, count):
        """Draw ``count`` numbers of a standard ``ir.sequence`` in one query.
        PostgreSQL sequences are not transactional: concurrent transactions
        never draw the same number and never wait for each other."""
        cr.execute(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s)",
                f"ir_sequence_{sequence_id:03d}",
                count,
            )
        )
        return [number for (number,) in cr.fetchall()]
