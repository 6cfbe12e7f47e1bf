"""Customer portal: /my/tickets, the ticket page and its actions, shared checks."""

import pytz
from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.fields import Domain
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..models.support_ticket_input import clean_file_name, clean_text, safe_rich_text


class SupportTicketPortal(CustomerPortal):
    # ------------------------------------------------------------
    # Time zone of the viewer
    # ------------------------------------------------------------

    def _support_use_viewer_tz(self):
        """Dates of the pages in the viewer's time zone: the one of their
        preferences, else the one of their browser (the ``tz`` cookie set by
        Odoo's frontend), as Odoo does when it logs a user in. Visitors have
        no preferences: their browser's zone is used."""
        user = request.env.user
        tz = request.env.context.get("tz") if not user._is_public() else None
        if tz not in pytz.all_timezones_set:
            tz = request.cookies.get("tz")
        if tz in pytz.all_timezones_set:
            request.update_context(tz=tz)

    # ------------------------------------------------------------
    # /my
    # ------------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "support_ticket_count" in counters:
            Ticket = request.env["support.ticket"]
            values["support_ticket_count"] = (
                Ticket.search_count([]) if Ticket.has_access("read") else 0
            )
        return values

    def _support_searchbar_filters(self):
        env = request.env
        return {
            "all": {"label": env._("All"), "domain": []},
            "open": {
                "label": env._("Open"),
                "domain": [("portal_status", "!=", "completed")],
            },
            "waiting": {
                "label": env._("Waiting"),
                "domain": [("portal_status", "=", "waiting")],
            },
            "in_progress": {
                "label": env._("Ongoing"),
                "domain": [("portal_status", "=", "in_progress")],
            },
            "completed": {
                "label": env._("Completed"),
                "domain": [("portal_status", "=", "completed")],
            },
        }

    def _support_searchbar_sortings(self):
        env = request.env
        return {
            "update": {
                "label": env._("Last update"),
                "order": "write_date desc, id desc",
            },
            "date": {"label": env._("Newest"), "order": "id desc"},
            "code": {"label": env._("Code"), "order": "code asc"},
            "name": {"label": env._("Subject"), "order": "name asc, id desc"},
            "status": {"label": env._("Status"), "order": "portal_status asc, id desc"},
            "priority": {
                "label": env._("Priority"),
                "order": "priority_sequence desc, id desc",
            },
        }

    @http.route(
        ["/my/tickets", "/my/tickets/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_tickets(
        self, page=1, sortby="update", filterby="all", search=None, **kw
    ):
        self._support_use_viewer_tz()
        Ticket = request.env["support.ticket"]
        filters = self._support_searchbar_filters()
        sortings = self._support_searchbar_sortings()
        filterby = filterby if filterby in filters else "all"
        sortby = sortby if sortby in sortings else "update"
        search = clean_text(search).strip()
        domain = Domain(filters[filterby]["domain"])
        if search:
            domain &= Domain("code", "ilike", search) | Domain("name", "ilike", search)
        total = Ticket.search_count(domain) if Ticket.has_access("read") else 0
        pager = portal_pager(
            url="/my/tickets",
            url_args={"sortby": sortby, "filterby": filterby, "search": search or ""},
            total=total,
            page=page,
            step=self._items_per_page,
        )
        tickets = Ticket.browse()
        if total:
            tickets = Ticket.search(
                domain,
                order=sortings[sortby]["order"],
                limit=self._items_per_page,
                offset=pager["offset"],
            )
            # read what the page shows, in a few queries whatever its size
            tickets.fetch(
                ["code", "name", "portal_status", "write_date", "priority_id"]
            )
            tickets.priority_id.fetch(["name", "color", "icon"])
        request.session["my_tickets_history"] = tickets.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "tickets": tickets,
                "page_name": "support_ticket",
                "pager": pager,
                "default_url": "/my/tickets",
                "searchbar_filters": filters,
                "filterby": filterby,
                "searchbar_sortings": sortings,
                "sortby": sortby,
                "search": search,
                "notify_default": request.env.user.partner_id.support_notify_default,
            }
        )
        return request.render("support_ticket.portal_my_tickets", values)

    @http.route(
        "/my/tickets/notifications",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_tickets_notifications(self, notify=None, **kw):
        request.env.user.partner_id.sudo().support_notify_default = bool(notify)
        return request.redirect("/my/tickets")

    # ------------------------------------------------------------
    # A ticket
    # ------------------------------------------------------------

    def _support_ticket_access(self, ticket_id, access_token=None):
        """The ticket, sudo, if the user may see it (record rules) or holds
        its access token; else NotFound, which tells nothing of its
        existence."""
        try:
            return self._document_check_access(
                "support.ticket", ticket_id, access_token
            )
        except (AccessError, MissingError) as error:
            raise NotFound() from error

    def _support_ticket_url(self, ticket_sudo, access_token=None, **params):
        query = "&".join(f"{k}={v}" for k, v in params.items() if v)
        url = ticket_sudo.access_url
        if access_token:
            query = f"access_token={access_token}" + (f"&{query}" if query else "")
        return f"{url}?{query}" if query else url

    def _support_author(self, ticket_sudo, access_token=None):
        """Who acts on the portal: the user, or for a visitor holding the
        token, the customer of the ticket."""
        user = request.env.user
        if user._is_public():
            return ticket_sudo.partner_id
        return user.partner_id

    @http.route(
        ["/my/tickets/<int:ticket_id>"], type="http", auth="public", website=True
    )
    def portal_my_ticket(self, ticket_id, access_token=None, success=None, **kw):
        ticket_sudo = self._support_ticket_access(ticket_id, access_token)
        return self._support_render_ticket(ticket_sudo, access_token, success=success)

    def _support_rights(self, ticket_sudo, access_token=None):
        return ticket_sudo._portal_rights(
            request.env.user, self._support_author(ticket_sudo, access_token)
        )

    def _support_render_ticket(
        self,
        ticket_sudo,
        access_token=None,
        success=None,
        error=None,
        reply_body=None,
        status=200,
    ):
        """The ticket page; ``error`` and ``reply_body`` come from the action
        that failed, never from the address (which anyone can forge)."""
        self._support_use_viewer_tz()
        ticket_sudo = ticket_sudo.with_context(**request.env.context)
        messages = ticket_sudo._conversation_messages(include_internal=False)
        values = self._get_page_view_values(
            ticket_sudo,
            access_token,
            {
                "ticket": ticket_sudo,
                "messages": messages,
                "page_name": "support_ticket",
                "settings": ticket_sudo._portal_settings(),
                "rights": self._support_rights(ticket_sudo, access_token),
                "error": error,
                "files_again": bool(error and request.httprequest.files),
                "success": success,
                "reply_body": safe_rich_text(reply_body),
                "reply_html": ticket_sudo._portal_sanitize(reply_body),
            },
            "my_tickets_history",
            False,
        )
        response = request.render("support_ticket.portal_my_ticket", values)
        response.status_code = status
        return response

    def _support_files(self, field="attachments"):
        """The uploaded ``(name, raw)`` files, read from their start: a request
        retried after a concurrency error reads them again."""
        files = []
        for file in request.httprequest.files.getlist(field):
            if not (file and file.filename):
                continue
            if file.stream.seekable():
                file.stream.seek(0)
            files.append((clean_file_name(file.filename), file.read()))
        return files

    @http.route(
        ["/my/tickets/<int:ticket_id>/reply"],
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_ticket_reply(self, ticket_id, access_token=None, body=None, **kw):
        ticket_sudo = self._support_ticket_access(ticket_id, access_token)
        body = clean_text(body)
        try:
            # all or nothing: no reply without its files
            with request.env.cr.savepoint():
                ticket_sudo._portal_reply(
                    self._support_author(ticket_sudo, access_token),
                    body,
                    self._support_files(),
                )
        except UserError as error:
            # shown again, with what was written
            return self._support_render_ticket(
                ticket_sudo, access_token, error=str(error), reply_body=body, status=400
            )
        return request.redirect(
            self._support_ticket_url(ticket_sudo, access_token, success="reply")
            + "#conversation"
        )

    @http.route(
        ["/my/tickets/<int:ticket_id>/close"],
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_ticket_close(self, ticket_id, access_token=None, **kw):
        ticket_sudo = self._support_ticket_access(ticket_id, access_token)
        try:
            if not self._support_rights(ticket_sudo, access_token)["close"]:
                raise AccessError(
                    request.env._(
                        "Only the customer's organisation can close this ticket."
                    )
                )
            with request.env.cr.savepoint():
                ticket_sudo._portal_close(
                    self._support_author(ticket_sudo, access_token)
                )
        except (AccessError, UserError) as error:
            return self._support_render_ticket(
                ticket_sudo,
                access_token,
                error=str(error),
                status=403 if isinstance(error, AccessError) else 400,
            )
        return request.redirect(
            self._support_ticket_url(ticket_sudo, access_token, success="closed")
        )

    @http.route(
        ["/my/tickets/<int:ticket_id>/notifications"],
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_ticket_notifications(
        self, ticket_id, access_token=None, notify=None, **kw
    ):
        ticket_sudo = self._support_ticket_access(ticket_id, access_token)
        if not self._support_rights(ticket_sudo, access_token)["notify"]:
            # the choice of the customer: not theirs to make
            return self._support_render_ticket(
                ticket_sudo,
                access_token,
                error=request.env._(
                    "Only the customer of the ticket chooses whether they receive "
                    "its emails."
                ),
                status=403,
            )
        ticket_sudo.notify_customer = bool(notify)
        return request.redirect(
            self._support_ticket_url(ticket_sudo, access_token, success="saved")
        )

    @http.route(
        ["/my/tickets/<int:ticket_id>/attachment/<int:attachment_id>"],
        type="http",
        auth="public",
        website=True,
        readonly=True,
    )
    def portal_ticket_attachment(
        self, ticket_id, attachment_id, access_token=None, **kw
    ):
        """A file of the ticket or of one of its public replies, to those who
        may see the ticket."""
        ticket_sudo = self._support_ticket_access(ticket_id, access_token)
        allowed = (
            ticket_sudo.attachment_ids
            | ticket_sudo.reply_ids.filtered(lambda r: not r.is_internal).attachment_ids
        )
        attachment = allowed.filtered(lambda a: a.id == attachment_id)
        if not attachment:
            raise NotFound()
        return (
            request.env["ir.binary"]
            ._get_stream_from(attachment.sudo())
            .get_response(as_attachment=True)
        )
