"""Support ticket: its first response, kept by the team's replies."""

from odoo import api, fields, models


class SupportTicket(models.Model):
    # one concern of the ticket per file, as Odoo core splits its large models
    _inherit = "support.ticket"  # pylint: disable=consider-merging-classes-inherited

    # kept by the replies (below), not computed from them:
    # a dependency on the replies would plan the SLA of a ticket again on
    # every reply, although only the team's public replies can change it
    first_response_date = fields.Datetime(
        readonly=True,
        copy=False,
        help="First public reply of the team to the customer.",
    )

    def _sla_update_first_response(self):
        """Set the first response of the tickets from their replies: the
        team's first public reply, by an internal user (not a customer
        writing from a portal account). Written only where it changes (only
        then are the SLA's deadlines planned again), in one write per value."""
        changed = {}
        for ticket in self.sudo():
            dates = [
                reply.date
                for reply in ticket.reply_ids
                if reply.origin == "manual"
                and not reply.is_internal
                and reply.date
                and any(not user.share for user in reply.author_id.user_ids)
            ]
            first = min(dates, default=False)
            if ticket.first_response_date != first:
                changed.setdefault(first, []).append(ticket.id)
        for first, ids in changed.items():
            self.browse(ids).sudo().write({"first_response_date": first})


class SupportTicketReply(models.Model):
    _inherit = "support.ticket.reply"  # pylint: disable=consider-merging-classes-inherited

    def _sla_responses(self):
        """The replies that may be a first response (see
        ``_sla_update_first_response``)."""
        return self.filtered(lambda r: r.origin == "manual" and not r.is_internal)

    @api.model_create_multi
    def create(self, vals_list):
        replies = super().create(vals_list)
        replies._sla_responses().ticket_id._sla_update_first_response()
        return replies

    def write(self, vals):
        if not {"date", "origin", "is_internal", "author_id", "ticket_id"} & set(vals):
            return super().write(vals)
        tickets = self.ticket_id
        res = super().write(vals)
        (tickets | self.ticket_id)._sla_update_first_response()
        return res

    def unlink(self):
        tickets = self._sla_responses().ticket_id
        res = super().unlink()
        tickets.exists()._sla_update_first_response()
        return res
