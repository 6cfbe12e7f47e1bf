"""Support channels on the portal: the panel of the ticket pages and the
public /support page."""

import pytz

from odoo import http
from odoo.http import request
from odoo.tools import lazy

from .support_form import SupportTicketForm


class SupportChannelPortal(SupportTicketForm):
    def _support_visitor_tz(self):
        """The visitor's time zone: the user's, else the browser's (the ``tz``
        cookie the frontend sets); None when unknown."""
        user = request.env.user
        tz = (not user._is_public() and user.tz) or request.cookies.get("tz")
        return tz if tz in pytz.all_timezones_set else None

    def _support_channels(self):
        """The channel panel, computed only by the pages that show it."""
        return lazy(
            lambda: request.env["support.channel"]._portal_panel(
                tz=self._support_visitor_tz()
            )
        )

    def _prepare_portal_layout_values(self):
        values = super()._prepare_portal_layout_values()
        values["support_channels"] = self._support_channels()
        return values

    def _get_page_view_values(
        self, document, access_token, values, session_history, no_breadcrumbs, **kwargs
    ):
        if document._name == "support.ticket":
            values["support_channels"] = self._support_channels()
        return super()._get_page_view_values(
            document, access_token, values, session_history, no_breadcrumbs, **kwargs
        )

    @http.route("/support", type="http", auth="public", website=True, readonly=True)
    def support_page(self, **kw):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "support",
                "is_visitor": request.env.user._is_public(),
                "visitors_allowed": request.env["support.ticket"]
                .sudo()
                ._portal_settings()["visitors"],
            }
        )
        return request.render("support_ticket.portal_support", values)
