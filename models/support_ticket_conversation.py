"""Support ticket: the conversation (replies, composer, what the widget shows)."""

import base64
import binascii

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import SQL, format_datetime, html2plaintext, plaintext2html

from .support_ticket_input import clean_file_name, clean_text


def bind_uploaded_attachments(records):
    """Attach to each record (ticket or reply) the files of its
    ``attachment_ids`` that the current user uploaded for it: they may have
    been uploaded before the record was saved, without a record id."""
    uid = records.env.uid
    for record in records:
        loose = record.attachment_ids.sudo().filtered(
            lambda a, r=record: (a.res_model, a.res_id) != (r._name, r.id)
            and (not a.res_id or a.res_model == r._name)
            and a.create_uid.id == uid
        )
        if loose:
            loose.write({"res_model": record._name, "res_id": record.id})


class SupportTicket(models.Model):
    # one concern of the ticket per file, as Odoo core splits its large models
    _inherit = "support.ticket"  # pylint: disable=consider-merging-classes-inherited

    attachment_ids = fields.Many2many(
        "ir.attachment",
        "support_ticket_ir_attachment_rel",
        "ticket_id",
        "attachment_id",
        string="Attachments",
        copy=False,
        help="Files attached to the ticket itself; replies carry their own.",
    )
    attachment_count = fields.Integer(
        compute="_compute_attachment_count", string="Ticket attachments"
    )
    reply_ids = fields.One2many(
        "support.ticket.reply", "ticket_id", string="Replies", copy=False
    )
    reply_count = fields.Integer(compute="_compute_reply_count", string="Replies count")
    has_staff_reply = fields.Boolean(
        compute="_compute_has_staff_reply",
        store=True,
        precompute=True,
        help="The team has answered the customer (a public reply).",
    )

    # ------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------

    def _compute_reply_count(self):
        counts = dict(
            self.env["support.ticket.reply"]._read_group(
                [("ticket_id", "in", self.ids)], ["ticket_id"], ["__count"]
            )
        )
        for ticket in self:
            ticket.reply_count = counts.get(ticket, 0)

    @api.depends("attachment_ids")
    def _compute_attachment_count(self):
        for ticket in self:
            ticket.attachment_count = len(ticket.attachment_ids)

    @api.depends("reply_ids.origin", "reply_ids.is_internal")
    def _compute_has_staff_reply(self):
        for ticket in self:
            ticket.has_staff_reply = any(
                reply.origin == "manual" and not reply.is_internal
                for reply in ticket.reply_ids
            )

    # ------------------------------------------------------------
    # Replies
    # ------------------------------------------------------------

    def _lock_conversation(self):
        """Hold the rows of the tickets until the end of the transaction, so
        that replies to a ticket and changes of its state happen one after
        the other: a concurrent transaction waits, and one that started
        before the other committed its change fails to serialize and is
        retried on what was committed (as Odoo's HTTP and RPC layers retry),
        so no reply is added to a ticket that was just resolved unseen."""
        if self.ids:
            self.env.execute_query(
                SQL(
                    "SELECT id FROM support_ticket WHERE id IN %s FOR NO KEY UPDATE",
                    tuple(self.ids),
                )
            )

    def _check_can_reply(self):
        locked = self.filtered("is_locked")
        if locked:
            raise UserError(
                self.env._(
                    "Ticket %(code)s is %(state)s: its conversation is locked. "
                    "Reopen it to reply.",
                    code=locked[0].code,
                    state=locked[0].stage_id.name,
                )
            )

    def _add_reply(self, body, attachments=(), allow_empty=False, **values):
        """Add a reply to the ticket.

        :param body: html (a ``Markup``) or plain text
        :param attachments: ``(name, raw bytes)`` pairs
        :param allow_empty: accept a reply without text nor file (an email
            whose content is only attachments posted afterwards)
        :param values: other fields of the reply (origin, is_internal, author_id...)
        """
        self.ensure_one()
        self._check_can_reply()
        if isinstance(body, str) and not hasattr(body, "__html__"):
            body = plaintext2html(body)
        if (
            not allow_empty
            and not html2plaintext(body or "").strip()
            and not attachments
        ):
            raise UserError(
                self.env._("Write a message or attach a file before replying.")
            )
        files = self.env["ir.attachment"]
        if attachments:
            # uploaded first so that the reply's notification carries them;
            # the reply binds them to itself
            files = self.env["ir.attachment"].create(
                [
                    {
                        "name": name,
                        "raw": raw,
                        "res_model": "support.ticket.reply",
                        "res_id": 0,
                    }
                    for name, raw in attachments
                ]
            )
            files._post_add_create()
            values["attachment_ids"] = [Command.set(files.ids)]
        return self.env["support.ticket.reply"].create(
            {"ticket_id": self.id, "body": body, **values}
        )

    def post_reply(
        self,
        body,
        attachment_name=None,
        attachment_data=None,
        is_internal=False,
        send_email=False,
    ):
        """Reply from the back-office conversation (called by its composer).

        ``attachment_data`` is the file's content in base64. With
        ``send_email`` ("Reply + Email"), the reply is also emailed to the
        sender of the ticket and its CC addresses."""
        self.ensure_one()
        self.check_access("write")
        if send_email:
            if is_internal:
                raise UserError(self.env._("An internal note cannot be sent by email."))
            if not self.can_reply_by_email:
                raise UserError(
                    self.env._(
                        "Reply + Email needs a ticket opened by email and an active "
                        "outgoing mail server."
                    )
                )
        self._support_check_message_size(body)
        attachments = []
        if attachment_data:
            try:
                raw = base64.b64decode(attachment_data, validate=True)
            except (binascii.Error, TypeError, ValueError) as error:
                raise UserError(
                    self.env._("The attached file could not be read: send it again.")
                ) from error
            name = clean_file_name(attachment_name)
            self._support_check_file_content(name, raw)
            attachments.append((name, raw))
        body = clean_text(body)
        ticket = self.with_context(support_reply_by_email=bool(send_email))
        reply = ticket._add_reply(
            body or "", attachments, is_internal=bool(is_internal)
        )
        if send_email:
            self._send_reply_by_email(reply)
        return reply.id

    def _send_reply_by_email(self, reply):
        """ "Reply + Email": the reply itself, with its attachments, to the
        sender of the ticket and its CC, threaded with the conversation."""
        self.ensure_one()
        partners, emails = self._support_customer_recipients(force=True)
        user = self.env.user
        return self.sudo().message_post(
            body=reply.body,
            subject=self.env._(
                "[%(code)s] Re: %(subject)s", code=self.code, subject=self.name
            ),
            author_id=user.partner_id.id,
            email_from=user._support_email_from(),
            partner_ids=partners.ids,
            outgoing_email_to=", ".join(emails) or False,
            attachment_ids=reply.attachment_ids.ids,
            notify_skip_followers=True,
            mail_auto_delete=False,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            email_layout_xmlid="mail.mail_notification_light",
            mail_headers=self._support_thread_headers(),
            support_reply_id=reply.id,
        )

    def get_conversation(self):
        """The conversation as the back-office widget shows it: the
        description first, then the replies in chronological order."""
        self.ensure_one()
        self.check_access("read")
        return {
            "messages": self._conversation_messages(include_internal=True),
            "locked": self.is_locked,
            "state": self.stage_id.name,
            "can_reply": not self.is_locked and self.has_access("write"),
            "can_reply_by_email": not self.is_locked and self.can_reply_by_email,
            "can_reopen": self.is_locked and self.has_access("write"),
            "can_add_cc": not self.env.user.share and self.has_access("write"),
        }

    @api.model
    def _support_format_datetime(self, value):
        """``value`` (UTC) as the viewer reads it: in the time zone of the
        context (the user's preference, or the visitor's browser on the
        portal), else of the user; never that of the superuser the portal
        reads the ticket as."""
        return format_datetime(self.env, value, tz=self.env.tz.zone, dt_format="short")

    def _conversation_messages(self, include_internal=False):
        """The messages of the conversation, in chronological order: the
        description first, then the replies by date. Each carries its date
        formatted for the viewer (``date``) and in UTC (``datetime``, for the
        web client to format in the browser's zone like every other date)."""
        self.ensure_one()
        creator = self.creator_partner_id
        replies = self.reply_ids
        if not include_internal:
            replies = replies.filtered(lambda r: not r.is_internal)
        replies = replies.sorted(lambda r: (r.date, r.id))
        names = self.env["res.users"]._support_author_names(creator | replies.author_id)
        # back office: which CC addresses of the emails do not receive the
        # ticket's updates yet
        known_emails = self._support_recipient_emails() if include_internal else None
        first = {
            "id": f"ticket-{self.id}",
            "kind": "description",
            "author": names.get(creator) or self.email_from or "",
            "date": self._support_format_datetime(self.create_date),
            "datetime": fields.Datetime.to_string(self.create_date),
            "body": self.description or "",
            "badges": ["creator"] + (["email"] if self.origin == "email" else []),
            "email_from": self.email_from if self.origin == "email" else "",
            "cc": [],
            "cc_pending": [],
            "tone": "email" if self.origin == "email" else "creator",
            "is_internal": False,
            "delivery": {},
            "attachments": [],
        }
        return [first] + [
            reply._conversation_values(
                names, known_emails, with_delivery=include_internal
            )
            for reply in replies
        ]

    # ------------------------------------------------------------
    # Files
    # ------------------------------------------------------------

    def _bind_attachments(self):
        bind_uploaded_attachments(self)

    def action_view_attachments(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Attachments"),
            "res_model": "ir.attachment",
            "view_mode": "kanban,list,form",
            "domain": [("id", "in", self.attachment_ids.ids)],
            "context": {
                "default_res_model": self._name,
                "default_res_id": self.id,
                "create": False,
            },
        }
