"""Support ticket: the mail gateway (incoming emails, answers, follow-ups)."""

import contextlib
import logging
import re

from markupsafe import Markup

from odoo import api, fields, models
from odoo.fields import Command
from odoo.tools import email_normalize, str2bool

_logger = logging.getLogger(__name__)

# a ticket code in an email subject, e.g. "Re: [TKT-00042] Printer on fire"
CODE_IN_SUBJECT = re.compile(r"\[([A-Z][A-Z0-9]*-\d+)\]")
# the subject of a ticket opened by email; the email keeps the whole one
NAME_MAX = 250


class SupportTicket(models.Model):
    # one concern of the ticket per file, as Odoo core splits its large models
    _inherit = "support.ticket"  # pylint: disable=consider-merging-classes-inherited

    is_auto_submitted = fields.Boolean(
        string="Opened by an automatic email",
        readonly=True,
        copy=False,
        help="The email that opened the ticket was sent by an automatic system "
        "(auto-reply, mailing list): no acknowledgement was sent to it.",
    )
    parent_ticket_id = fields.Many2one(
        "support.ticket",
        string="Follow-up of",
        index="btree_not_null",
        copy=False,
        help="The closed ticket whose customer wrote again, opening this one.",
    )
    child_ticket_ids = fields.One2many(
        "support.ticket", "parent_ticket_id", string="Follow-ups"
    )
    # ------------------------------------------------------------
    # Mail gateway
    # ------------------------------------------------------------

    @api.model
    def _routing_check_route(self, message, message_dict, route, raise_exception=True):
        """A new email whose subject holds the code of one of our tickets, as
        in "Re: [TKT-00042] ...", answers that ticket even when the mail client
        dropped the threading headers. Only the people of the ticket (sender,
        customer, CC, followers) can answer it that way: anyone else opens a
        new ticket."""
        model, thread_id, custom_values, user_id, alias = route
        if model == self._name and not thread_id:
            ticket = self._find_ticket_from_subject(message_dict)
            if ticket:
                _logger.info(
                    "Routing mail with Message-Id %s to ticket %s found by its subject",
                    message_dict.get("message_id"),
                    ticket.code,
                )
                route = (model, ticket.id, custom_values, user_id, alias)
        return super()._routing_check_route(
            message, message_dict, route, raise_exception=raise_exception
        )

    @api.model
    def _find_ticket_from_subject(self, message_dict):
        codes = CODE_IN_SUBJECT.findall(message_dict.get("subject") or "")
        sender = email_normalize(message_dict.get("email_from") or "")
        if not codes or not sender:
            return self.browse()
        for ticket in self.sudo().search([("code", "in", codes)], order="id desc"):
            if sender in ticket._get_known_emails():
                return ticket
        return self.browse()

    @api.model
    def _detect_loop_sender_domain(self, email_from_normalized):
        """A sender without address cannot loop (nothing is ever sent to
        them); Odoo would search ``email_from ilike False``, which matches
        every ticket, and silently drop their email once about 20 tickets
        were opened in two hours."""
        if not email_from_normalized:
            return []
        return super()._detect_loop_sender_domain(email_from_normalized)

    @api.model
    def _support_sender_label(self, email_from):
        """The sender as tickets show it: the address, or for a From
        without any address, the name it gives."""
        if not email_from or email_normalize(email_from):
            return email_from or False
        return re.sub(r"<\s*>", "", email_from).strip().strip('"').strip() or False

    @api.model
    def _support_name_from_subject(self, subject):
        name = " ".join((subject or "").split())
        if len(name) > NAME_MAX:
            name = name[: NAME_MAX - 1].rstrip() + "…"
        return name

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        email_from = msg_dict.get("email_from") or ""
        partner = self.env["res.partner"].browse(msg_dict.get("author_id"))
        if not partner and email_normalize(email_from):
            no_create = not str2bool(
                self._support_param("create_partner_from_email", "True")
            )
            partner = self.env["mail.thread"]._partner_find_from_emails_single(
                [email_from], no_create=no_create
            )
            if partner:
                msg_dict["author_id"] = partner.id
        values = {
            "name": self._support_name_from_subject(msg_dict.get("subject"))
            or self.env._("No subject"),
            "description": msg_dict.get("body") or "",
            "origin": "email",
            "email_from": self._support_sender_label(email_from),
            "partner_id": partner.id,
            "is_auto_submitted": bool(msg_dict.get("support_auto_submitted")),
        }
        values.update(custom_values or {})
        # what mail.thread.cc and mail.thread would add, the CC and the
        # sender, without calling them: Odoo's generic message_new reads the
        # description of every field of the model (fields_get) to learn
        # whether it has a name, a tenth of the time of an email opening a
        # ticket
        values = {
            "email_cc": ", ".join(
                self._mail_cc_sanitized_raw_dict(msg_dict.get("cc")).values()
            )
            or False,
            **values,
        }
        try:
            ticket = self.create(values)
        except Exception as error:
            # Odoo bounces the email through its alias: do not bounce it twice
            with contextlib.suppress(AttributeError):
                error.support_alias_bounced = True
            raise
        if values["is_auto_submitted"]:
            _logger.info(
                "Ticket %s opened by an automatic email (Message-Id %s): "
                "no acknowledgement",
                ticket.code,
                msg_dict.get("message_id"),
            )
        # the gateway posts the email on the returned record: tell the post
        # hook that it opens the ticket
        return ticket.with_context(support_ticket_opening_email=True)

    def message_update(self, msg_dict, update_vals=None):
        """An answer becomes a reply. Its CC reaches the ticket only when the
        team, the customer or a contact of the customer's company wrote it;
        anyone else's CC stays on the reply, for the team to add."""
        # the CC is merged here, not by mail.thread.cc, which would take
        # anyone's
        without_cc = dict(msg_dict, cc=False)
        if msg_dict.get("support_auto_submitted"):
            # kept in the chatter, but no reply, no reopening, no notification
            return super().message_update(without_cc, update_vals=update_vals)
        author = self.env["res.partner"].browse(msg_dict.get("author_id"))
        cc = list(self._mail_cc_sanitized_raw_dict(msg_dict.get("cc")).values())
        for ticket in self:
            # who wrote matters only to keep their CC or to open a follow-up
            may_name = (cc or ticket.is_locked) and ticket._support_may_name_people(
                msg_dict
            )
            if not may_name and cc:
                _logger.info(
                    "Mail with Message-Id %s on ticket %s: CC %s kept on the reply, "
                    "not added to the ticket (the sender is not the customer)",
                    msg_dict.get("message_id"),
                    ticket.code,
                    ", ".join(cc),
                )
            if ticket.is_locked:
                if self._support_param("locked_reply_policy", "reopen") == "new":
                    ticket._open_follow_up_from_email(msg_dict, cc, may_name)
                    continue
                ticket.action_reopen()
                ticket._send_to_sender(
                    "support_ticket.mail_template_ticket_reopened", msg_dict
                )
            if may_name and cc:
                ticket._support_add_cc(cc)
            body = msg_dict.get("body") or ""
            ticket.with_context(support_reply_by_email=True)._add_reply(
                Markup(body) if body else Markup("<p></p>"),
                # an unknown sender stays unknown (shown by their address),
                # never shown as the customer
                author_id=author.id or False,
                origin="email",
                email_from=self._support_sender_label(msg_dict.get("email_from")),
                email_cc=", ".join(cc) or False,
                email_message_id=msg_dict.get("message_id"),
                date=ticket._support_reply_date(msg_dict),
                allow_empty=True,
            )
        return super().message_update(without_cc, update_vals=update_vals)

    def _support_reply_date(self, msg_dict):
        """When an answer was written, which orders the conversation: the
        date of its email, so that two answers processed at once (or one
        retried) keep the order they were sent in; bounded by now and by the
        ticket or the email it answers (a sender's clock may be wrong)."""
        self.ensure_one()
        now = fields.Datetime.now()
        try:
            date = fields.Datetime.to_datetime(msg_dict.get("date"))
        except ValueError:
            date = None
        if not date or date > now:
            return now
        # the parent comes from the gateway's search of the email's references
        parent = self.env["mail.message"].sudo().browse(msg_dict.get("parent_id"))
        floors = [d for d in (self.create_date, parent.date) if d]
        return max([date, *floors])

    def _open_follow_up_from_email(self, msg_dict, cc=(), may_name=True):
        """An answer to a closed ticket opens a new ticket linked to it. The
        customer's answer keeps the people of the closed ticket; anyone
        else's opens a ticket of their own, with their own CC only."""
        self.ensure_one()
        if may_name:
            partner_id = msg_dict.get("author_id") or self.partner_id.id
            email_cc = [self.email_cc or "", *cc]
        else:
            partner_id = msg_dict.get("author_id") or False
            email_cc = list(cc)
        values = {
            "name": self._support_name_from_subject(msg_dict.get("subject"))
            or self.name,
            "description": msg_dict.get("body") or "",
            "origin": "email",
            "email_from": self._support_sender_label(msg_dict.get("email_from")),
            "partner_id": partner_id,
            "parent_ticket_id": self.id,
            "team_id": self.team_id.id,
            "category_id": self.category_id.id,
            "company_id": self.company_id.id,
            "email_cc": ", ".join(
                self._mail_cc_sanitized_raw_dict(", ".join(email_cc)).values()
            )
            or False,
        }
        follow_up = self.create(values)
        follow_up._attach_files(msg_dict.get("attachments") or [])
        self.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "The customer wrote again after the ticket was closed: "
                "follow-up %(code)s.",
                code=follow_up.code,
            ),
            subtype_xmlid="mail.mt_note",
        )
        self._send_to_sender(
            "support_ticket.mail_template_ticket_follow_up", msg_dict, record=follow_up
        )
        return follow_up

    def _attach_files(self, files):
        """Attach the gateway's ``(name, content[, info])`` files to the ticket."""
        self.ensure_one()
        values = []
        for file in files:
            name, content = file[0], file[1]
            raw = content.encode() if isinstance(content, str) else content
            values.append(
                {"name": name, "raw": raw, "res_model": self._name, "res_id": self.id}
            )
        if values:
            attachments = self.env["ir.attachment"].sudo().create(values)
            self.sudo().attachment_ids = [Command.link(a.id) for a in attachments]

    def _message_post_after_hook(self, message, msg_values):
        res = super()._message_post_after_hook(message, msg_values)
        if msg_values.get("message_type") == "email":
            attachments = message.attachment_ids
            if self.env.context.get("support_ticket_opening_email"):
                # the opening email: its files become the ticket's
                if attachments:
                    self.sudo().attachment_ids = [
                        Command.link(a.id) for a in attachments
                    ]
            else:
                reply = self.env["support.ticket.reply"].search(
                    [
                        ("ticket_id", "=", self.id),
                        ("email_message_id", "=", message.message_id),
                    ],
                    limit=1,
                )
                if reply:
                    reply.sudo().write(
                        {
                            "mail_message_id": message.id,
                            "attachment_ids": [Command.link(a.id) for a in attachments],
                        }
                    )
        return res

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_view_follow_ups(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "support_ticket.support_ticket_action"
        )
        action["domain"] = [("parent_ticket_id", "=", self.id)]
        action["context"] = {"default_parent_ticket_id": self.id}
        return action
