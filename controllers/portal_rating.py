"""Customer portal: customers rate their resolved tickets (the ticket page and the
emailed links)."""

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from odoo.addons.rating.controllers.main import Rating

from .portal import SupportTicketPortal


class SupportRatingPortal(SupportTicketPortal):
    @http.route(
        ["/my/tickets/<int:ticket_id>/rate"],
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_ticket_rate(
        self, ticket_id, access_token=None, rating_token=None, rate=None, **kw
    ):
        ticket_sudo = self._support_ticket_access(ticket_id, access_token)
        feedback = (kw.get("feedback") or "").strip()
        try:
            try:
                rate = int(rate or 0)
            except ValueError:
                rate = 0
            ticket_sudo._portal_rate(
                self._support_author(ticket_sudo, access_token),
                rating_token,
                rate,
                feedback,
            )
        except UserError as error:
            # shown again, with the comment that was written (the page
            # reads it from the request)
            return self._support_render_ticket(
                ticket_sudo, access_token, error=str(error), status=400
            )
        return request.redirect(
            self._support_ticket_url(ticket_sudo, access_token, success="rated")
            + "#rating"
        )

    @http.route()
    def portal_ticket_close(self, ticket_id, access_token=None, **kw):
        # the customer who closes the ticket is asked to rate it by the page
        # shown next, not by email
        request.update_context(support_rating_no_email=True)
        return super().portal_ticket_close(ticket_id, access_token=access_token, **kw)


class SupportRating(Rating):
    @http.route()
    def action_submit_rating(self, token, rate=0, **kwargs):
        """Odoo's feedback form: a logged-in user rates a ticket only when it
        is theirs (their organisation's), as Odoo checks for the page that
        shows the form."""
        rating_sudo = (
            request.env["rating.rating"]
            .sudo()
            .search([("access_token", "=", token)], limit=1)
        )
        user = request.env.user
        if (
            request.httprequest.method == "POST"
            and rating_sudo.res_model == "support.ticket"
            and not user._is_public()
            and user.partner_id.commercial_partner_id
            != rating_sudo.partner_id.commercial_partner_id
        ):
            raise NotFound()
        return super().action_submit_rating(token, rate=rate, **kwargs)
