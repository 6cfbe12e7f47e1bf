"""Replies of a support ticket: the messages of its conversation."""

from lxml import html as lxml_html
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import email_normalize
from odoo.tools.mail import email_split_and_format

from .support_ticket import ORIGINS
from .support_ticket_conversation import bind_uploaded_attachments


def can_change_conversation(env):
    """Whether ``env`` may change or delete replies and their files once
    written: the system, and support administrators (who may delete whole
    tickets)."""
    return env.su or env.user.has_group("support_ticket.group_support_admin")


class SupportTicketReply(models.Model):
    _name = "support.ticket.reply"
    _description = "Support ticket reply"
    _order = "date, id"
    _check_company_auto = True

    ticket_id = fields.Many2one(
        "support.ticket",
        string="Ticket",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(related="ticket_id.company_id", store=True, index=True)
    author_id = fields.Many2one(
        "res.partner",
        string="Author",
        index=True,
        default=lambda self: self.env.user.partner_id,
        help="Empty for an email from an address without a contact: its sender "
        "email is shown instead.",
    )
    body = fields.Html(string="Message")
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "support_ticket_reply_ir_attachment_rel",
        "reply_id",
        "attachment_id",
        string="Attachments",
    )
    origin = fields.Selection(ORIGINS, required=True, default="manual")
    email_from = fields.Char(string="Sender email")
    is_internal = fields.Boolean(
        string="Internal note",
        help="Only the support team sees internal notes: customers never do.",
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    email_message_id = fields.Char(
        string="Email Message-Id",
        index="btree_not_null",
        copy=False,
        help="Message-Id of the email this reply came from.",
    )
    email_cc = fields.Char(
        string="Email CC",
        readonly=True,
        copy=False,
        help="Addresses the email of this reply was copied to. Unless the customer "
        "or the team named them, they see nothing of the ticket and receive nothing "
        "until someone of the team adds them to its CC.",
    )
    mail_message_id = fields.Many2one(
        "mail.message",
        string="Email",
        index="btree_not_null",
        ondelete="set null",
        copy=False,
        readonly=True,
    )
    delivery_state = fields.Selection(
        [("sent", "Delivered"), ("pending", "Being sent"), ("error", "Not delivered")],
        compute="_compute_delivery_state",
        help="How the emails and SMS that carry the reply fared: a reply that could "
        "not be delivered can be sent again from the communication log.",
    )
    delivery_failure = fields.Text(
        compute="_compute_delivery_state", string="Why it was not delivered"
    )
    author_role = fields.Selection(
        [("creator", "Creator"), ("assignee", "Assigned"), ("other", "Other")],
        compute="_compute_author_role",
        string="Author role",
    )
    tone = fields.Selection(
        [
            ("creator", "Creator"),
            ("assignee", "Assignee"),
            ("email", "Email"),
            ("other", "Other"),
        ],
        compute="_compute_author_role",
        help="Colour of the reply in the conversation.",
    )

    @api.depends(
        "author_id", "origin", "ticket_id.user_id", "ticket_id.creator_partner_id"
    )
    def _compute_author_role(self):
        for reply in self:
            ticket = reply.ticket_id
            if reply.author_id:
                is_creator = reply.author_id == ticket.creator_partner_id
            else:
                # both known by their address only
                sender = email_normalize(reply.email_from or "")
                is_creator = (
                    bool(sender)
                    and not ticket.creator_partner_id
                    and (sender == email_normalize(ticket.email_from or ""))
                )
            if is_creator:
                role = "creator"
            elif ticket.user_id and reply.author_id == ticket.user_id.partner_id:
                role = "assignee"
            else:
                role = "other"
            reply.author_role = role
            if reply.origin == "email":
                reply.tone = "email"
            elif role == "assignee":
                reply.tone = "assignee"
            else:
                reply.tone = role

    def _compute_delivery_state(self):
        notifications = (
            self.env["mail.notification"]
            .sudo()
            .search(
                [
                    ("mail_message_id.support_reply_id", "in", self.ids),
                    ("notification_type", "in", ("email", "sms")),
                ]
            )
        )
        by_reply = notifications.grouped(
            lambda n: n.mail_message_id.support_reply_id.id
        )
        for reply in self:
            sent = by_reply.get(reply.id, notifications.browse())
            failed = sent.filtered(
                lambda n: n.notification_status in ("exception", "bounce")
            )
            reply.delivery_failure = "\n".join(
                dict.fromkeys(
                    f"{n.mail_email_address or n.res_partner_id.email or n.sms_number}"
                    ": "
                    + (
                        n.failure_reason
                        or n.mail_mail_id.failure_reason
                        or n.format_failure_reason()
                    )
                    for n in failed
                )
            )
            if failed:
                reply.delivery_state = "error"
            elif sent.filtered(lambda n: n.notification_status in ("ready", "process")):
                reply.delivery_state = "pending"
            else:
                reply.delivery_state = "sent" if sent else False

    @api.depends("ticket_id", "author_id")
    def _compute_display_name(self):
        for reply in self:
            reply.display_name = self.env._(
                "Reply of %(author)s on %(ticket)s",
                author=reply.author_id.display_name,
                ticket=reply.ticket_id.code,
            )

    @api.model_create_multi
    def create(self, vals_list):
        tickets = self.env["support.ticket"].browse(
            {vals["ticket_id"] for vals in vals_list if vals.get("ticket_id")}
        )
        tickets._lock_conversation()
        tickets._check_can_reply()
        replies = super().create(vals_list)
        replies._bind_attachments()
        if not self.env.context.get("support_reply_by_email"):
            to_customer = replies.filtered(
                lambda r: r.origin == "manual" and not r.is_internal
            )
            if to_customer:
                self.env["support.ticket"]._send_reply_notification(to_customer)
        return replies

    def write(self, vals):
        if not can_change_conversation(self.env):
            raise self._conversation_locked_error()
        if set(vals) - {"attachment_ids"}:
            self.ticket_id._check_can_reply()
        if "ticket_id" in vals and not self.env.context.get("support_ticket_merge"):
            raise UserError(self.env._("A reply cannot be moved to another ticket."))
        res = super().write(vals)
        if "attachment_ids" in vals:
            self._bind_attachments()
        return res

    def _bind_attachments(self):
        bind_uploaded_attachments(self)

    @api.model
    def _conversation_locked_error(self):
        return AccessError(
            self.env._(
                "The conversation of a ticket is kept as it was written: only "
                "support administrators can change or delete a reply or its files."
            )
        )

    def _get_author_name(self):
        """Name of the author as shown in tickets (see the users' setting)."""
        self.ensure_one()
        names = self.env["res.users"]._support_author_names(self.author_id)
        return names.get(self.author_id) or self.email_from or ""

    def _get_email_from(self):
        """Sender of the emails that carry the reply: its author under the
        name they chose for tickets."""
        self.ensure_one()
        user = self.author_id.user_ids[:1]
        if user and not user.share:
            return user._support_email_from()
        return self.ticket_id._support_company_email_from()

    @api.model
    def _strip_quoted_history(self, body):
        """The body of an email without the history it quotes (Gmail,
        Outlook...), as Odoo's mail parser marks it. The reply keeps it all."""
        if not body or "data-o-mail-quote" not in body:
            return body
        root = lxml_html.fragment_fromstring(str(body), create_parent="div")
        for node in root.xpath("//*[@data-o-mail-quote='1']"):
            if node.getparent() is not None:
                node.drop_tree()
        inner = (root.text or "") + "".join(
            lxml_html.tostring(child, encoding="unicode") for child in root
        )
        return Markup(inner)

    def _get_cc_addresses(self):
        """The CC addresses of the reply's email, formatted, one by one."""
        self.ensure_one()
        return email_split_and_format(self.email_cc or "")

    def action_add_cc_to_ticket(self):
        """Add the CC addresses of this email to the ticket's CC (one click in
        the conversation): they then follow the ticket and receive its public
        updates."""
        self.ensure_one()
        ticket = self.ticket_id
        if self.env.user.share:
            raise AccessError(
                self.env._("Only the support team can add people to a ticket.")
            )
        ticket.check_access("write")
        known = ticket._support_recipient_emails()
        ticket._support_add_cc(
            [
                address
                for address in self._get_cc_addresses()
                if email_normalize(address) not in known
            ]
        )
        return True

    def _conversation_values(
        self, author_names=None, known_emails=None, with_delivery=False
    ):
        self.ensure_one()
        author_names = author_names or {}
        # the back office only (``known_emails`` given): the portal never
        # shows who an email was copied to
        cc = self._get_cc_addresses() if known_emails is not None else []
        cc_pending = [
            address
            for address in cc
            if email_normalize(address) and email_normalize(address) not in known_emails
        ]
        badges = []
        if self.author_role == "creator":
            badges.append("creator")
        elif self.author_role == "assignee":
            badges.append("assignee")
        if self.origin == "email":
            badges.append("email")
        if self.is_internal:
            badges.append("internal")
        return {
            "id": self.id,
            "kind": "reply",
            "author": author_names.get(self.author_id)
            or self.author_id.display_name
            or self.email_from
            or "",
            "date": self.ticket_id._support_format_datetime(self.date),
            "datetime": fields.Datetime.to_string(self.date),
            "body": (
                self._strip_quoted_history(self.body)
                if self.origin == "email"
                else self.body
            )
            or "",
            "badges": badges,
            "email_from": self.email_from if self.origin == "email" else "",
            "cc": cc,
            "cc_pending": cc_pending,
            "tone": self.tone,
            "is_internal": self.is_internal,
            "delivery": {
                "state": self.delivery_state or "",
                "failure": self.delivery_failure or "",
            }
            if with_delivery
            else {},
            "attachments": [
                {
                    "id": a.id,
                    "name": a.name,
                    "mimetype": a.mimetype,
                    "url": f"/web/content/{a.id}?download=true",
                }
                for a in self.attachment_ids
            ],
        }
