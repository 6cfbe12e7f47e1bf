"""Support ticket: notifications to customers and staff (email templates, SMS)."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import email_normalize, formataddr, str2bool
from odoo.tools.mail import email_split_and_format

AUTO_MAIL_HEADERS = {
    "Auto-Submitted": "auto-generated",
    "X-Auto-Response-Suppress": "All",
}


class SupportTicket(models.Model):
    # one concern of the ticket per file, as Odoo core splits its large models
    _inherit = "support.ticket"  # pylint: disable=consider-merging-classes-inherited

    notify_customer = fields.Boolean(
        string="Email the customer",
        default=True,
        help="Send the customer (and the CC addresses) the acknowledgement, the "
        "public replies and the resolution of this ticket.",
    )
    can_reply_by_email = fields.Boolean(
        compute="_compute_can_reply_by_email",
        help="The ticket came by email and an outgoing mail server is active.",
    )

    # ------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------

    @api.depends("origin", "email_from")
    def _compute_can_reply_by_email(self):
        has_server = bool(self.env["ir.mail_server"].sudo().search_count([], limit=1))
        for ticket in self:
            ticket.can_reply_by_email = (
                has_server and ticket.origin == "email" and bool(ticket.email_from)
            )

    # ------------------------------------------------------------
    # Mail thread
    # ------------------------------------------------------------

    def _notify_get_recipients(self, message, msg_vals=False, **kwargs):
        """Automatic emails (auto-replies, out of office) notify nobody."""
        auto = (msg_vals or {}).get("support_auto_submitted")
        if auto is None and message:
            auto = message.sudo().support_auto_submitted
        if auto:
            return []
        return super()._notify_get_recipients(message, msg_vals=msg_vals, **kwargs)

    def _notify_get_reply_to_batch(self, defaults=None, author_ids=None):
        """Answers go to the alias of the ticket's area, else to the default
        support alias of its company, so that they come back to the ticket."""
        res = super()._notify_get_reply_to_batch(
            defaults=defaults, author_ids=author_ids
        )
        author_ids = author_ids or {}
        for ticket in self.sudo():
            alias = ticket.team_id.alias_id
            if not (alias.alias_name and alias.alias_domain_id):
                alias = ticket.company_id.support_alias_id
            if alias.alias_name and alias.alias_domain_id:
                res[ticket.id] = self._notify_get_reply_to_formatted_email(
                    alias.alias_full_name, author_id=author_ids.get(ticket.id)
                )
        return res

    def _message_auto_subscribe_notify(self, partner_ids, template):
        """Assignees hear of their tickets through the support template."""
        if not self or self.env.context.get("mail_auto_subscribe_no_notify"):
            return
        if not self.env.registry.ready or self.env.context.get("install_demo"):
            return
        partners = self.env["res.partner"].browse(partner_ids)
        for ticket in self:
            ticket._support_send(
                "support_ticket.mail_template_ticket_assigned",
                partners=partners,
                public=False,
                message_type="user_notification",
            )

    def _phone_get_number_fields(self):
        return ["partner_phone"]

    def _mail_get_partner_fields(self, introspect_fields=False):
        return ["partner_id"]

    # ------------------------------------------------------------
    # Notifications
    # ------------------------------------------------------------

    def _support_customer_recipients(self, force=False):
        """The partners and bare email addresses that receive the public
        updates of the ticket: the customer (unless they opted out), else the
        sender of the opening email, and the CC addresses."""
        self.ensure_one()
        partners = self.env["res.partner"]
        emails = []
        if self.notify_customer or force:
            if self.partner_id.email:
                partners = self.partner_id
            elif email_normalize(self.email_from or ""):
                emails.append(self.email_from)
        known = {email_normalize(e) for e in partners.mapped("email") + emails}
        cc = email_split_and_format(self.email_cc or "")
        aliases = (
            self.env["mail.alias.domain"]
            .sudo()
            ._find_aliases([email_normalize(e) for e in cc if email_normalize(e)])
        )
        for address in cc:
            normalized = email_normalize(address)
            if normalized and normalized not in known and normalized not in aliases:
                emails.append(address)
                known.add(normalized)
        return partners, emails

    def _support_send(
        self,
        template_xmlid,
        partners=None,
        emails=(),
        record=None,
        public=True,
        message_type="auto_comment",
        **post_values,
    ):
        """Send a mail template to exactly ``partners`` and ``emails``, as a
        message of the ticket (so that it is logged with its delivery state).
        Followers are not added: everyone who should hear of it is named.

        :param record: record the template renders (the ticket by default)
        """
        self.ensure_one()
        return self._support_send_batch(
            template_xmlid,
            [(self, partners, emails, record or self)],
            public=public,
            message_type=message_type,
            **post_values,
        )

    @api.model
    def _support_send_batch(
        self,
        template_xmlid,
        items,
        public=True,
        message_type="auto_comment",
        **post_values,
    ):
        """:meth:`_support_send` for many tickets, rendering the template once.

        :param items: ``(ticket, partners, emails, record)`` tuples; ``record``
            is what the template renders (all of the same model)
        :param message_type: ``user_notification`` for a personal notice to
            users (sent with ``message_notify``: inbox, email or push,
            following each user's preference), else a message type of
            ``message_post``
        """
        items = [item for item in items if item[1] or item[2]]
        messages = self.env["mail.message"]
        if not items or not self.env.registry.ready:
            # nothing to say, or data being loaded (install, update, demo)
            return messages
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        if not template:
            # nothing to say, or data being loaded (install, update, demo)
            return messages
        sources = items[0][3].browse([item[3].id for item in items])
        rendered = (
            template.sudo()
            .with_context(support_render_batch=True)
            ._generate_template(sources.ids, ["subject", "body_html", "email_from"])
        )
        automatic = message_type in ("auto_comment", "user_notification")
        if automatic:
            author = self.env.ref("base.partner_root")
            email_from = {
                source.id: rendered[source.id].get("email_from")
                or ticket._support_company_email_from()
                for ticket, _partners, _emails, source in items
            }
        # the reply-to of each message, computed for all at once (unless the
        # caller gives a sender of its own: then message_post computes it)
        reply_to = {}
        if message_type == "auto_comment" and not {"email_from", "reply_to"} & set(
            post_values
        ):
            reply_to = self._support_reply_to_batch(
                [(ticket, email_from[source.id]) for ticket, *_rest, source in items],
                author,
            )
        # answers thread with the customer's last email
        thread_headers = {}
        if public:
            by_email = self.browse(
                sorted(
                    {ticket.id for ticket, *_rest in items if ticket.origin == "email"}
                )
            )
            thread_headers = by_email._support_thread_headers_batch()
        for ticket, partners, emails, source in items:
            values = {
                "body": Markup(rendered[source.id].get("body_html") or ""),
                "subject": rendered[source.id].get("subject") or ticket.name,
                "partner_ids": (partners or self.env["res.partner"]).ids,
                "outgoing_email_to": ", ".join(emails) or False,
                "notify_skip_followers": True,
                "mail_auto_delete": False,
                "message_type": message_type,
                "subtype_xmlid": "mail.mt_comment" if public else "mail.mt_note",
                "email_layout_xmlid": "mail.mail_notification_light",
                # the recipients are named: the one who triggers it too (a
                # customer opening a ticket from the portal gets its receipt)
                "notify_author": True,
            }
            if ticket.id in thread_headers:
                values["mail_headers"] = thread_headers[ticket.id]
            if automatic:
                values["mail_headers"] = {
                    **values.get("mail_headers", {}),
                    **AUTO_MAIL_HEADERS,
                }
                values["author_id"] = author.id
                values["email_from"] = email_from[source.id]
                if reply_to:
                    values["reply_to"] = reply_to[ticket.id, email_from[source.id]]
            values.update(post_values)
            ticket = ticket.sudo().with_context(mail_post_autofollow=False)
            if message_type == "user_notification":
                for key in (
                    "message_type",
                    "notify_skip_followers",
                    "outgoing_email_to",
                ):
                    values.pop(key)
                messages |= ticket.message_notify(**values)
            else:
                messages |= ticket.message_post(**values)
        return messages

    @api.model
    def _support_reply_to_batch(self, items, author):
        """The reply-to of each ticket's automatic message, computed for all
        the tickets sharing a sender at once, as ``message_post`` would
        compute it for each one.

        :param items: ``(ticket, email_from)`` pairs
        :return: {(ticket id, email_from): reply-to address}
        """
        by_sender = {}
        for ticket, email_from in items:
            by_sender.setdefault(email_from, set()).add(ticket.id)
        reply_to = {}
        for email_from, ticket_ids in by_sender.items():
            addresses = (
                self.browse(list(ticket_ids))
                .sudo()
                ._notify_get_reply_to(default=email_from, author_id=author.id)
            )
            for ticket_id, address in addresses.items():
                reply_to[ticket_id, email_from] = address
        return reply_to

    def _support_company_email_from(self):
        self.ensure_one()
        company = self.company_id
        return formataddr((company.name, company.email or company.catchall_email or ""))

    def _send_done_notification(self):
        if not self or not str2bool(self._support_param("notify_done", "True")):
            return
        sms_template = False
        if str2bool(self._support_param("sms_on_done", "False")):
            sms_template = self.env.ref(
                "support_ticket.sms_template_ticket_done", False
            )
        self._support_send_batch(
            "support_ticket.mail_template_ticket_done",
            [
                (ticket, *ticket._support_customer_recipients(), ticket)
                for ticket in self
            ],
        )
        for ticket in self:
            if sms_template and ticket.notify_customer and ticket.partner_id.phone:
                ticket.sudo()._message_sms_with_template(
                    template=sms_template,
                    partner_ids=ticket.partner_id.ids,
                    author_id=self.env.ref("base.partner_root").id,
                    # sent by the SMS queue, not during the change of state
                    put_in_queue=True,
                )

    def _send_reply_notification(self, replies):
        """Public replies of the team reach the customer and the CC."""
        if not str2bool(self._support_param("notify_reply", "True")):
            return
        for reply in replies:
            partners, emails = reply.ticket_id._support_customer_recipients()
            reply.ticket_id._support_send(
                "support_ticket.mail_template_ticket_reply",
                partners,
                emails,
                record=reply,
                attachment_ids=reply.attachment_ids.ids,
                email_from=reply._get_email_from(),
                support_reply_id=reply.id,
            )

    def _send_to_sender(self, template_xmlid, msg_dict, record=None):
        """Tell the author of an incoming email what became of it."""
        self.ensure_one()
        partner = self.env["res.partner"].browse(msg_dict.get("author_id")).exists()
        emails = [] if partner else [msg_dict.get("email_from")]
        if not partner and not email_normalize(emails[0] or ""):
            return
        (record or self)._support_send(template_xmlid, partner, emails)

    def _support_thread_headers(self):
        """``In-Reply-To`` the last email of the customer, so that mail
        clients thread our answers with it (Odoo sets ``References``)."""
        self.ensure_one()
        return self._support_thread_headers_batch()[self.id]

    def _support_thread_headers_batch(self):
        """:meth:`_support_thread_headers` of every ticket, in two queries."""
        Message = self.env["mail.message"].sudo()
        last_emails = Message.browse(
            [
                last_id
                for _ticket_id, last_id in Message._read_group(
                    [
                        ("model", "=", self._name),
                        ("res_id", "in", self.ids),
                        ("message_type", "=", "email"),
                        ("message_id", "!=", False),
                    ],
                    ["res_id"],
                    ["id:max"],
                )
            ]
        )
        message_ids = {email.res_id: email.message_id for email in last_emails}
        return {
            ticket.id: {"In-Reply-To": message_ids[ticket.id]}
            if ticket.id in message_ids
            else {}
            for ticket in self
        }

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_send_sms(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send SMS"),
            "res_model": "sms.composer",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_res_model": self._name,
                "default_res_id": self.id,
                "default_composition_mode": "comment",
                "default_number_field_name": "partner_phone",
            },
        }
