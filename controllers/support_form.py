"""Customer portal: the new-ticket form, for customers and for visitors."""

import hashlib

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools import email_normalize

from ..models.support_ticket_input import clean_text, safe_rich_text
from ..models.support_ticket_portal import PortalFloodError
from .portal import SupportTicketPortal

# the fields of the new ticket form kept when it is shown again with an error
FORM_FIELDS = (
    "name",
    "description",
    "category_id",
    "priority_id",
    "email_cc",
    "email",
    "contact",
)


class SupportTicketForm(SupportTicketPortal):
    # ------------------------------------------------------------
    # New ticket (customers and visitors)
    # ------------------------------------------------------------

    def _support_form_values(self, post=None, error=None):
        Ticket = request.env["support.ticket"].sudo()
        company = request.env.company
        categories = (
            request.env["support.category"]
            .sudo()
            .search(
                [
                    ("portal_available", "=", True),
                    ("company_id", "in", [company.id, False]),
                ]
            )
        )
        priorities = (
            request.env["support.priority"]
            .sudo()
            .search([("company_id", "in", [company.id, False])])
        )
        settings = Ticket._portal_settings()
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "support_ticket_new",
                "categories": categories,
                "priorities": priorities,
                "default_priority": priorities._get_default(company),
                "settings": settings,
                "is_visitor": request.env.user._is_public(),
                "post": post or {},
                "error": error,
                "files_again": bool(error and request.httprequest.files),
                "accept": ",".join(f".{ext}" for ext in settings["extensions"]),
            }
        )
        return values

    @http.route(
        ["/my/tickets/new", "/support/new"], type="http", auth="public", website=True
    )
    def portal_ticket_new(self, **kw):
        if request.env.user._is_public():
            if not request.env["support.ticket"].sudo()._portal_settings()["visitors"]:
                return request.redirect("/web/login?redirect=/my/tickets/new")
        return request.render(
            "support_ticket.portal_ticket_new", self._support_form_values()
        )

    @staticmethod
    def _support_int(value):
        """The id a form sends, or 0 for anything that is not one."""
        value = (value or "").strip()
        if value.isascii() and value.isdigit() and len(value) < 10:
            return int(value)
        return 0

    def _support_client_ip(self):
        return request.httprequest.remote_addr or ""

    def _support_visitor_partner(self, email, name):
        """The contact of a visitor: found by address, else created."""
        normalized = email_normalize(email or "", strict=True)
        if not normalized:
            raise UserError(
                request.env._("Enter a valid email address to follow your request.")
            )
        Partner = request.env["res.partner"].sudo()
        partner = Partner.search([("email_normalized", "=", normalized)], limit=1)
        if partner.user_ids:
            # no ticket in the name of someone who has an account without
            # their password: its link would show them the team's answers
            raise UserError(
                request.env._(
                    "An account exists for %(email)s: log in to open your ticket.",
                    email=normalized,
                )
            )
        name = (name or "").strip()
        if len(name) > 120:
            raise UserError(
                request.env._(
                    "Your name is too long (%(count)s characters): shorten it.",
                    count=len(name),
                )
            )
        if not partner:
            partner = Partner.create({"name": name or normalized, "email": normalized})
        return partner

    @http.route(
        ["/my/tickets/submit", "/support/submit"],
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_ticket_submit(self, **post):
        post = {key: clean_text(value) for key, value in post.items()}
        env = request.env
        Ticket = env["support.ticket"].sudo()
        settings = Ticket._portal_settings()
        is_visitor = env.user._is_public()
        try:
            if post.get("website"):
                # the honeypot field, invisible to people, filled by robots
                raise UserError(env._("Your request could not be sent."))
            if is_visitor and not settings["visitors"]:
                raise UserError(env._("Log in to open a ticket."))
            ip_key = hashlib.sha256(self._support_client_ip().encode()).hexdigest()[:32]
            if is_visitor:
                address = email_normalize(post.get("email") or "", strict=True)
                keys = [f"email:{address or 'invalid'}", f"ip:{ip_key}"]
            else:
                keys = [f"user:{env.user.id}", f"ip:{ip_key}"]
            # counted even when the submission is then refused: a flood of
            # bad submissions is a flood too
            Ticket._portal_throttle(
                keys,
                {
                    "email": settings["rate_per_email"],
                    "user": settings["rate_per_email"] * 4,
                    "ip": settings["rate_per_ip"],
                },
            )
            # a refused submission leaves nothing behind (no contact created)
            with env.cr.savepoint():
                if is_visitor:
                    partner = self._support_visitor_partner(
                        post.get("email"), post.get("contact")
                    )
                else:
                    partner = env.user.partner_id
                ticket_sudo = Ticket._portal_create(
                    {
                        "name": post.get("name"),
                        "description": post.get("description"),
                        "category_id": self._support_int(post.get("category_id")),
                        "priority_id": self._support_int(post.get("priority_id")),
                        "notify_customer": bool(post.get("notify")) or is_visitor,
                    },
                    partner,
                    files=self._support_files(),
                    cc=post.get("email_cc"),
                )
        except UserError as error:
            message = str(error)
            response = request.render(
                "support_ticket.portal_ticket_new",
                self._support_form_values(
                    {
                        **{k: post.get(k) for k in FORM_FIELDS},
                        "description": safe_rich_text(post.get("description")),
                    },
                    message,
                ),
            )
            response.status_code = 429 if isinstance(error, PortalFloodError) else 400
            return response
        if is_visitor:
            return request.redirect(
                self._support_ticket_url(
                    ticket_sudo, ticket_sudo._portal_ensure_token(), success="created"
                )
            )
        return request.redirect(
            self._support_ticket_url(ticket_sudo, success="created")
        )
