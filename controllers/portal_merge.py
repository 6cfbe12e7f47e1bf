"""Customer portal: a merged ticket's page leads to the ticket it was merged into."""

from odoo import http
from odoo.http import request

from .portal import SupportTicketPortal


class SupportMergePortal(SupportTicketPortal):
    @http.route()
    def portal_my_ticket(self, ticket_id, access_token=None, **kw):
        ticket_sudo = self._support_ticket_access(ticket_id, access_token)
        survivor_sudo = ticket_sudo._support_merge_survivor()
        if survivor_sudo != ticket_sudo:
            url = self._support_merge_redirect(ticket_sudo, survivor_sudo, access_token)
            if url:
                return request.redirect(url)
        return super().portal_my_ticket(ticket_id, access_token=access_token, **kw)

    def _support_merge_redirect(self, ticket_sudo, survivor_sudo, access_token=None):
        """Where a merged ticket's page leads, when the viewer may see the
        ticket it was merged into: a user through the access rules, a visitor
        holding the merged ticket's link when both are of the same customer.
        ``None`` otherwise: the merged ticket's page tells what happened."""
        user = request.env.user
        if not user._is_public():
            survivor = survivor_sudo.with_user(user)
            if survivor.has_access("read"):
                return survivor_sudo.access_url
            if not access_token:
                return None
        if (
            access_token
            and ticket_sudo.partner_id
            and ticket_sudo.partner_id == survivor_sudo.partner_id
        ):
            return survivor_sudo.get_portal_url()
        return None
