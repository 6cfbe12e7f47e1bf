"""Suggested answers on the portal: suggestions while a ticket is written,
their content, "this solved my problem", and their public pages."""

import hashlib

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request

from .support_form import SupportTicketForm

# the portal asks for a few suggestions only
MAX_PORTAL_LIMIT = 5


class SupportAnswerPortal(SupportTicketForm):
    def _support_answer_who(self):
        """Who says a suggestion solved their problem: the user, or for
        visitors their address (hashed, never stored as such)."""
        user = request.env.user
        if user._is_public():
            ip = self._support_client_ip()
            return "ip:" + hashlib.sha256(ip.encode()).hexdigest()[:32]
        return f"user:{user.id}"

    @http.route(
        "/support/answers/suggest", type="jsonrpc", auth="public", readonly=True
    )
    def support_answer_suggest(self, text="", category_id=None, limit=3, **kw):
        try:
            limit = min(int(limit or 3), MAX_PORTAL_LIMIT)
        except (TypeError, ValueError):
            limit = 3
        return request.env["support.answer"].suggest(
            str(text or ""), limit=limit, category_id=category_id
        )

    @http.route(
        "/support/answers/content", type="jsonrpc", auth="public", readonly=True
    )
    def support_answer_content(self, model=None, res_id=None, **kw):
        return request.env["support.answer"].suggestion_content(model, res_id)

    @http.route("/support/answers/solved", type="jsonrpc", auth="public")
    def support_answer_solved(self, model=None, res_id=None, **kw):
        return request.env["support.answer"]._suggestion_solved(
            model, res_id, self._support_answer_who()
        )

    def _support_answer_page(self, model, res_id):
        content = request.env["support.answer"].suggestion_content(model, res_id)
        if not content:
            raise NotFound()
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "answer": content,
                "page_name": "support_answer",
                "is_visitor": request.env.user._is_public(),
            }
        )
        return request.render("support_ticket.portal_support_answer", values)

    @http.route(
        "/support/answers/<int:answer_id>",
        type="http",
        auth="public",
        website=True,
        readonly=True,
    )
    def support_answer_page(self, answer_id, **kw):
        return self._support_answer_page("support.answer", answer_id)

    @http.route(
        "/support/answers/example/<int:ticket_id>",
        type="http",
        auth="public",
        website=True,
        readonly=True,
    )
    def support_answer_example_page(self, ticket_id, **kw):
        return self._support_answer_page("support.ticket", ticket_id)
