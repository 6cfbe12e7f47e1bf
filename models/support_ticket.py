import base64
import logging
import re

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import (
    SQL,
    email_normalize,
    format_datetime,
    formataddr,
    html2plaintext,
    plaintext2html,
    str2bool,
)
from odoo.tools.mail import email_split_and_format

from .support_stage import PORTAL_STATUSES

_logger = logging.getLogger(__name__)

TICKET_SEQUENCE_CODE = "support.ticket"
ORIGINS = [("manual", "Manual"), ("email", "Email"), ("portal", "Portal")]
# a ticket code in an email subject, e.g. "Re: [TKT-00042] Printer on fire"
CODE_IN_SUBJECT = re.compile(r"\[([A-Z][A-Z0-9]*-\d+)\]")
AUTO_MAIL_HEADERS = {
    "Auto-Submitted": "auto-generated",
    "X-Auto-Response-Suppress": "All",
}


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
    _name = "support.ticket"
    _description = "Support ticket"
    _inherit = ["portal.mixin", "mail.thread.cc", "mail.activity.mixin"]
    _order = "id desc"
    _rec_names_search = ["code", "name"]
    _primary_email = "email_from"
    _mail_post_access = "read"
    _check_company_auto = True

    code = fields.Char(
        readonly=True,
        copy=False,
        index="trigram",
        default=lambda self: self.env._("New"),
        help="Unique reference of the ticket, for example TKT-00042.",
    )
    name = fields.Char(string="Subject", required=True, tracking=True, index="trigram")
    description = fields.Html(
        help="What the customer needs: the first message of the conversation."
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        tracking=True,
        index="btree_not_null",
        check_company=True,
    )
    partner_email = fields.Char(related="partner_id.email", string="Customer email")
    category_id = fields.Many2one(
        "support.category",
        string="Category",
        compute="_compute_category_id",
        store=True,
        readonly=False,
        precompute=True,
        ondelete="restrict",
        tracking=True,
        index=True,
        check_company=True,
    )
    priority_id = fields.Many2one(
        "support.priority",
        string="Priority",
        compute="_compute_priority_id",
        store=True,
        readonly=False,
        precompute=True,
        ondelete="restrict",
        tracking=True,
        index=True,
        check_company=True,
    )
    team_id = fields.Many2one(
        "support.team",
        string="Area",
        compute="_compute_team_id",
        store=True,
        readonly=False,
        precompute=True,
        ondelete="restrict",
        tracking=True,
        index=True,
        check_company=True,
    )
    stage_id = fields.Many2one(
        "support.stage",
        string="State",
        compute="_compute_stage_id",
        store=True,
        readonly=False,
        precompute=True,
        ondelete="restrict",
        tracking=True,
        index=True,
        copy=False,
        group_expand="_read_group_stage_ids",
        check_company=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Assigned to",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        index="btree_not_null",
        domain=[("share", "=", False)],
        check_company=True,
    )
    origin = fields.Selection(ORIGINS, required=True, default="manual", readonly=True)
    email_from = fields.Char(
        string="Sender email",
        help="Address the ticket came from, when it was opened by email.",
    )
    assigned_date = fields.Datetime(
        compute="_compute_assigned_date", store=True, readonly=True, copy=False
    )
    closed_date = fields.Datetime(
        compute="_compute_closed_date", store=True, readonly=True, copy=False
    )
    is_locked = fields.Boolean(
        string="Locked",
        compute="_compute_is_locked",
        store=True,
        index=True,
        help="Resolved and closed tickets accept no new replies until they are "
        "reopened.",
    )
    reply_ids = fields.One2many(
        "support.ticket.reply", "ticket_id", string="Replies", copy=False
    )
    reply_count = fields.Integer(compute="_compute_reply_count", string="Replies count")
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
    creator_partner_id = fields.Many2one(
        "res.partner",
        compute="_compute_creator_partner_id",
        string="Opened by",
        help="Who opened the ticket: the user who created it, or the customer who "
        "wrote when it came by email or from the portal.",
    )
    stage_color = fields.Selection(related="stage_id.color", string="State colour")
    priority_color = fields.Selection(
        related="priority_id.color", string="Priority colour"
    )
    priority_icon = fields.Char(related="priority_id.icon", string="Priority icon")
    priority_sequence = fields.Integer(
        related="priority_id.sequence", store=True, string="Priority order", index=True
    )
    partner_phone = fields.Char(related="partner_id.phone", string="Customer phone")
    email_cc = fields.Char(
        string="CC",
        help="Other addresses that receive the public updates of the ticket, "
        "separated by commas.",
    )
    notify_customer = fields.Boolean(
        string="Email the customer",
        default=True,
        help="Send the customer (and the CC addresses) the acknowledgement, the "
        "public replies and the resolution of this ticket.",
    )
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
    can_reply_by_email = fields.Boolean(
        compute="_compute_can_reply_by_email",
        help="The ticket came by email and an outgoing mail server is active.",
    )
    message_log_count = fields.Integer(
        compute="_compute_message_log_count", string="Messages sent"
    )
    has_staff_reply = fields.Boolean(
        compute="_compute_has_staff_reply",
        store=True,
        help="The team has answered the customer (a public reply).",
    )
    portal_status = fields.Selection(
        PORTAL_STATUSES,
        string="Status for the customer",
        compute="_compute_portal_status",
        store=True,
        index=True,
    )
    progress = fields.Integer(related="stage_id.progress", string="Progress (%)")
    cc_partner_ids = fields.Many2many(
        "res.partner",
        "support_ticket_cc_partner_rel",
        "ticket_id",
        "partner_id",
        string="CC contacts",
        compute="_compute_cc_partner_ids",
        store=True,
        help="Contacts whose address is in the CC: they may follow the ticket on the "
        "portal.",
    )

    _code_company_uniq = models.Constraint(
        "UNIQUE (code, company_id)",
        "A ticket code must be unique per company.",
    )
    _open_idx = models.Index("(team_id, stage_id) WHERE is_locked IS NOT TRUE")

    # ------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------

    def _catalog_defaults(self, model_name):
        """Default value of a catalog for each company of ``self``, one search
        per company rather than per ticket."""
        Catalog = self.env[model_name]
        return {company: Catalog._get_default(company) for company in self.company_id}

    @api.depends("company_id")
    def _compute_category_id(self):
        todo = self.filtered(lambda t: not t.category_id)
        defaults = todo._catalog_defaults("support.category")
        for ticket in todo:
            ticket.category_id = defaults.get(ticket.company_id)

    @api.depends("company_id")
    def _compute_priority_id(self):
        todo = self.filtered(lambda t: not t.priority_id)
        defaults = todo._catalog_defaults("support.priority")
        for ticket in todo:
            ticket.priority_id = defaults.get(ticket.company_id)

    @api.depends("company_id")
    def _compute_stage_id(self):
        todo = self.filtered(lambda t: not t.stage_id)
        defaults = todo._catalog_defaults("support.stage")
        for ticket in todo:
            ticket.stage_id = defaults.get(ticket.company_id)

    @api.depends("category_id")
    def _compute_team_id(self):
        with_category = self.filtered(lambda t: t.category_id.team_id)
        for ticket in with_category:
            ticket.team_id = ticket.category_id.team_id
        todo = (self - with_category).filtered(lambda t: not t.team_id)
        defaults = todo._catalog_defaults("support.team")
        for ticket in todo:
            ticket.team_id = defaults.get(ticket.company_id)

    @api.depends("category_id")
    def _compute_user_id(self):
        for ticket in self:
            if not ticket.user_id and ticket.category_id.user_id:
                ticket.user_id = ticket.category_id.user_id

    @api.depends("user_id")
    def _compute_assigned_date(self):
        now = fields.Datetime.now()
        for ticket in self:
            ticket.assigned_date = now if ticket.user_id else False

    @api.depends("stage_id")
    def _compute_closed_date(self):
        now = fields.Datetime.now()
        for ticket in self:
            if ticket.stage_id.is_closed:
                ticket.closed_date = ticket.closed_date or now
            else:
                ticket.closed_date = False

    @api.depends("stage_id.is_closed", "stage_id.is_resolved")
    def _compute_is_locked(self):
        for ticket in self:
            ticket.is_locked = ticket.stage_id.is_locking

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

    @api.depends("origin", "partner_id", "create_uid")
    def _compute_creator_partner_id(self):
        for ticket in self:
            if ticket.origin != "manual":
                # the customer who wrote; none for an unknown sender, shown
                # by their address
                ticket.creator_partner_id = ticket.partner_id
            else:
                ticket.creator_partner_id = (
                    ticket.create_uid or self.env.user
                ).partner_id

    @api.depends("origin", "email_from")
    def _compute_can_reply_by_email(self):
        has_server = bool(self.env["ir.mail_server"].sudo().search_count([], limit=1))
        for ticket in self:
            ticket.can_reply_by_email = (
                has_server and ticket.origin == "email" and bool(ticket.email_from)
            )

    def _compute_message_log_count(self):
        counts = dict(
            self.env["support.message.log"]._read_group(
                [("ticket_id", "in", self.ids)], ["ticket_id"], ["__count"]
            )
        )
        for ticket in self:
            ticket.message_log_count = counts.get(ticket, 0)

    @api.depends("reply_ids.origin", "reply_ids.is_internal")
    def _compute_has_staff_reply(self):
        for ticket in self:
            ticket.has_staff_reply = any(
                reply.origin == "manual" and not reply.is_internal
                for reply in ticket.reply_ids
            )

    @api.depends("stage_id.portal_status", "has_staff_reply")
    def _compute_portal_status(self):
        for ticket in self:
            status = ticket.stage_id.portal_status or "in_progress"
            if status == "waiting" and ticket.has_staff_reply:
                status = "in_progress"
            ticket.portal_status = status

    @api.depends("email_cc")
    def _compute_cc_partner_ids(self):
        emails_by_ticket = {
            ticket: {
                email_normalize(address)
                for address in email_split_and_format(ticket.email_cc or "")
                if email_normalize(address)
            }
            for ticket in self
        }
        all_emails = (
            set().union(*emails_by_ticket.values()) if emails_by_ticket else set()
        )
        partners = self.env["res.partner"]
        if all_emails:
            partners = partners.sudo().search(
                [("email_normalized", "in", list(all_emails))]
            )
        for ticket, emails in emails_by_ticket.items():
            ticket.cc_partner_ids = partners.filtered(
                lambda p, e=emails: p.email_normalized in e
            )

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for ticket in self:
            ticket.access_url = f"/my/tickets/{ticket.id}"
        return res

    @api.depends("code", "name")
    def _compute_display_name(self):
        for ticket in self:
            if ticket.code and ticket.id:
                ticket.display_name = f"{ticket.code} {ticket.name or ''}".strip()
            else:
                ticket.display_name = ticket.name or ""

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        company_ids = self.env.companies.ids + [False]
        return stages.search([("company_id", "in", company_ids)])

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model
    def _next_codes(self, company, count):
        """``count`` new codes from the ticket sequence of ``company``, drawn
        in one query when the sequence allows it."""
        Sequence = self.env["ir.sequence"].with_company(company)
        sequence = Sequence.sudo().search(
            [
                ("code", "=", TICKET_SEQUENCE_CODE),
                ("company_id", "in", [company.id, False]),
            ],
            order="company_id",
            limit=1,
        )
        if not sequence:
            raise UserError(
                self.env._(
                    "The sequence of ticket codes is missing. Reinstall or update the "
                    "Support Tickets module."
                )
            )
        if sequence.implementation == "standard" and not sequence.use_date_range:
            numbers = self._draw_sequence_numbers(self.env.cr, sequence.id, count)
            return [sequence.get_next_char(number) for number in numbers]
        return [sequence._next() for _i in range(count)]

    @staticmethod
    def _draw_sequence_numbers(cr, sequence_id, count):
        """Draw ``count`` numbers of a standard ``ir.sequence`` in one query.
        PostgreSQL sequences are not transactional: concurrent transactions
        never draw the same number and never wait for each other."""
        cr.execute(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s)",
                f"ir_sequence_{sequence_id:03d}",
                count,
            )
        )
        return [number for (number,) in cr.fetchall()]

    @api.model_create_multi
    def create(self, vals_list):
        new_label = self.env._("New")
        by_company = {}
        for vals in vals_list:
            if not vals.get("code") or vals["code"] == new_label:
                company_id = vals.get("company_id") or self.env.company.id
                by_company.setdefault(company_id, []).append(vals)
        for company_id, company_vals in by_company.items():
            company = self.env["res.company"].browse(company_id)
            for vals, code in zip(
                company_vals, self._next_codes(company, len(company_vals)), strict=True
            ):
                vals["code"] = code
        tickets = super().create(vals_list)
        tickets._bind_attachments()
        # tickets opened by email are acknowledged once their email is posted
        tickets.filtered(lambda t: t.origin != "email")._send_acknowledgement()
        return tickets

    def write(self, vals):
        if "code" in vals and not self.env.su:
            raise UserError(self.env._("The code of a ticket cannot be changed."))
        finishing = self.browse()
        if vals.get("stage_id"):
            stage = self.env["support.stage"].browse(vals["stage_id"])
            if stage.is_locking:
                finishing = self.filtered(lambda t: t.stage_id != stage)
        res = super().write(vals)
        if "attachment_ids" in vals:
            self._bind_attachments()
        finishing._send_done_notification()
        return res

    def unlink(self):
        # delete the replies through the ORM so that their attachments go too
        self.reply_ids.sudo().unlink()
        return super().unlink()

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        for ticket, vals in zip(self, vals_list, strict=True):
            vals.setdefault(
                "name", self.env._("%(subject)s (copy)", subject=ticket.name)
            )
        return vals_list

    def _bind_attachments(self):
        bind_uploaded_attachments(self)

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_reopen(self):
        for company, tickets in (
            self.filtered("is_locked").grouped("company_id").items()
        ):
            stage = self.env["support.stage"]._get_reopen_stage(company)
            if not stage:
                raise UserError(
                    self.env._(
                        "There is no open state to reopen the ticket in: "
                        "create one first."
                    )
                )
            tickets.write({"stage_id": stage.id})
        return True

    def action_change_stage(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Change state"),
            "res_model": "support.ticket.stage.change",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }

    def action_delete(self):
        """Delete the tickets with their replies and files (administrators)."""
        if not self.env.user.has_group("support_ticket.group_support_admin"):
            raise UserError(
                self.env._("Only support administrators can delete tickets.")
            )
        self.unlink()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "support_ticket.support_ticket_action"
        )
        action["target"] = "main"
        return action

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

    # ------------------------------------------------------------
    # Conversation
    # ------------------------------------------------------------

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
        attachments = []
        if attachment_data:
            attachments.append(
                (attachment_name or "attachment", base64.b64decode(attachment_data))
            )
        ticket = self.with_context(support_reply_by_email=bool(send_email))
        reply = ticket._add_reply(
            body or "", attachments, is_internal=bool(is_internal)
        )
        if send_email:
            self._send_reply_by_email(reply)
        return reply.id

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
        }

    def _conversation_messages(self, include_internal=False):
        self.ensure_one()
        tz_env = self.env
        creator = self.creator_partner_id
        replies = self.reply_ids
        if not include_internal:
            replies = replies.filtered(lambda r: not r.is_internal)
        replies = replies.sorted(lambda r: (r.date, r.id))
        names = self.env["res.users"]._support_author_names(creator | replies.author_id)
        first = {
            "id": f"ticket-{self.id}",
            "kind": "description",
            "author": names.get(creator) or self.email_from or "",
            "date": format_datetime(tz_env, self.create_date, dt_format="short"),
            "body": self.description or "",
            "badges": ["creator"] + (["email"] if self.origin == "email" else []),
            "email_from": self.email_from if self.origin == "email" else "",
            "tone": "email" if self.origin == "email" else "creator",
            "is_internal": False,
            "attachments": [],
        }
        return [first] + [reply._conversation_values(names) for reply in replies]

    # ------------------------------------------------------------
    # Mail
    # ------------------------------------------------------------

    def _track_subtype(self, init_values):
        self.ensure_one()
        if "stage_id" in init_values and self.stage_id:
            return self.env.ref("support_ticket.mt_ticket_stage")
        return super()._track_subtype(init_values)

    def _creation_subtype(self):
        return self.env.ref("support_ticket.mt_ticket_new")

    @api.model
    def _support_param(self, key, default=False):
        return (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(f"support_ticket.{key}", default)
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

    def _get_known_emails(self):
        """Normalized addresses of the people of the ticket."""
        self.ensure_one()
        emails = {
            email_normalize(addr)
            for addr in email_split_and_format(
                ", ".join(
                    filter(
                        None, [self.email_from, self.email_cc, self.partner_id.email]
                    )
                )
            )
        }
        emails |= {
            email_normalize(email) for email in self.message_partner_ids.mapped("email")
        }
        commercial = self.partner_id.commercial_partner_id
        emails |= {
            email_normalize(email)
            for email in (commercial | commercial.child_ids).mapped("email")
            if email
        }
        emails.discard(False)
        return emails

    @api.model
    def _mail_cc_sanitized_raw_dict(self, cc_string):
        """Keep the CC of incoming emails without our own aliases, which would
        make every public update come back to us."""
        cc = super()._mail_cc_sanitized_raw_dict(cc_string)
        if cc:
            aliases = self.env["mail.alias.domain"].sudo()._find_aliases(list(cc))
            cc = {
                email: raw
                for email, raw in cc.items()
                if email and email not in aliases
            }
        return cc

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
            "name": (msg_dict.get("subject") or "").strip() or self.env._("No subject"),
            "description": msg_dict.get("body") or "",
            "origin": "email",
            "email_from": email_from or False,
            "partner_id": partner.id,
            "is_auto_submitted": bool(msg_dict.get("support_auto_submitted")),
        }
        values.update(custom_values or {})
        ticket = super().message_new(msg_dict, custom_values=values)
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
        if msg_dict.get("support_auto_submitted"):
            # kept in the chatter, but no reply, no reopening, no notification
            return super().message_update(msg_dict, update_vals=update_vals)
        author = self.env["res.partner"].browse(msg_dict.get("author_id"))
        for ticket in self:
            if ticket.is_locked:
                if self._support_param("locked_reply_policy", "reopen") == "new":
                    ticket._open_follow_up_from_email(msg_dict)
                    continue
                ticket.action_reopen()
                ticket._send_to_sender(
                    "support_ticket.mail_template_ticket_reopened", msg_dict
                )
            body = msg_dict.get("body") or ""
            ticket.with_context(support_reply_by_email=True)._add_reply(
                Markup(body) if body else Markup("<p></p>"),
                # an unknown sender stays unknown (shown by their address),
                # never shown as the customer
                author_id=author.id or False,
                origin="email",
                email_from=msg_dict.get("email_from"),
                email_message_id=msg_dict.get("message_id"),
                allow_empty=True,
            )
        return super().message_update(msg_dict, update_vals=update_vals)

    def _open_follow_up_from_email(self, msg_dict):
        """An answer to a closed ticket opens a new ticket linked to it."""
        self.ensure_one()
        values = {
            "name": (msg_dict.get("subject") or "").strip() or self.name,
            "description": msg_dict.get("body") or "",
            "origin": "email",
            "email_from": msg_dict.get("email_from"),
            "partner_id": msg_dict.get("author_id") or self.partner_id.id,
            "parent_ticket_id": self.id,
            "team_id": self.team_id.id,
            "category_id": self.category_id.id,
            "company_id": self.company_id.id,
            "email_cc": self.email_cc,
        }
        follow_up = self.create(values)
        follow_up._attach_files(msg_dict.get("attachments") or [])
        follow_up._send_acknowledgement()
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
                if not self.is_auto_submitted:
                    self._send_acknowledgement()
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
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        items = [item for item in items if item[1] or item[2]]
        messages = self.env["mail.message"]
        if not template or not items or not self.env.registry.ready:
            # nothing to say, or data being loaded (install, update, demo)
            return messages
        sources = items[0][3].browse([item[3].id for item in items])
        rendered = template.sudo()._generate_template(
            sources.ids, ["subject", "body_html", "email_from"]
        )
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
            if public and ticket.origin == "email":
                values["mail_headers"] = ticket._support_thread_headers()
            if message_type in ("auto_comment", "user_notification"):
                values["mail_headers"] = {
                    **values.get("mail_headers", {}),
                    **AUTO_MAIL_HEADERS,
                }
                values["author_id"] = self.env.ref("base.partner_root").id
                values["email_from"] = (
                    rendered[source.id].get("email_from")
                    or ticket._support_company_email_from()
                )
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

    def _support_company_email_from(self):
        self.ensure_one()
        company = self.company_id
        return formataddr((company.name, company.email or company.catchall_email or ""))

    def _send_acknowledgement(self):
        if not str2bool(self._support_param("notify_acknowledgement", "True")):
            return
        self._support_send_batch(
            "support_ticket.mail_template_ticket_ack",
            [
                (ticket, *ticket._support_customer_recipients(), ticket)
                for ticket in self
            ],
        )

    def _send_done_notification(self):
        if not str2bool(self._support_param("notify_done", "True")):
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
            )

    def _send_to_sender(self, template_xmlid, msg_dict, record=None):
        """Tell the author of an incoming email what became of it."""
        self.ensure_one()
        partner = self.env["res.partner"].browse(msg_dict.get("author_id")).exists()
        emails = [] if partner else [msg_dict.get("email_from")]
        if not partner and not email_normalize(emails[0] or ""):
            return
        (record or self)._support_send(template_xmlid, partner, emails)

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
        )

    def _support_thread_headers(self):
        """``In-Reply-To`` the last email of the customer, so that mail
        clients thread our answers with it (Odoo sets ``References``)."""
        self.ensure_one()
        last_email = (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("message_type", "=", "email"),
                    ("message_id", "!=", False),
                ],
                order="id desc",
                limit=1,
            )
        )
        return {"In-Reply-To": last_email.message_id} if last_email else {}

    def action_view_follow_ups(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "support_ticket.support_ticket_action"
        )
        action["domain"] = [("parent_ticket_id", "=", self.id)]
        action["context"] = {"default_parent_ticket_id": self.id}
        return action

    def action_view_message_log(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "support_ticket.support_message_log_action"
        )
        action["domain"] = [("ticket_id", "=", self.id)]
        action["context"] = {"search_default_ticket_id": self.id}
        return action

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

    def _phone_get_number_fields(self):
        return ["partner_phone"]

    def _mail_get_partner_fields(self, introspect_fields=False):
        return ["partner_id"]
