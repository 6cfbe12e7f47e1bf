"""Support ticket: customer portal (status, checks of what customers send, actions)."""

from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import (
    email_normalize,
    formataddr,
    html_sanitize,
    is_html_empty,
    plaintext2html,
    str2bool,
)
from odoo.tools.mail import single_email_re

from .support_stage import PORTAL_STATUSES

# what customers may attach by default: images, PDF, Word / OpenDocument
# documents and compressed archives
DEFAULT_EXTENSIONS = (
    "png,jpg,jpeg,gif,webp,bmp,pdf,doc,docx,odt,rtf,txt,zip,rar,7z,gz,tgz,tar"
)
CC_SEPARATORS = str.maketrans({";": ",", "\n": ",", "\r": ","})


class PortalFloodError(UserError):
    """Too many submissions from one address or one IP."""


class SupportTicket(models.Model):
    # one concern of the ticket per file, as Odoo core splits its large models
    _inherit = "support.ticket"  # pylint: disable=consider-merging-classes-inherited

    portal_status = fields.Selection(
        PORTAL_STATUSES,
        string="Status for the customer",
        compute="_compute_portal_status",
        store=True,
        precompute=True,
        index=True,
    )
    progress = fields.Integer(related="stage_id.progress", string="Progress (%)")

    @api.depends("stage_id.portal_status", "has_staff_reply")
    def _compute_portal_status(self):
        for ticket in self:
            status = ticket.stage_id.portal_status or "in_progress"
            if status == "waiting" and ticket.has_staff_reply:
                status = "in_progress"
            ticket.portal_status = status

    def _portal_status_label(self):
        """The status shown to the customer, in their language: what
        ``t-field`` shows, without describing the whole field on every row of
        a portal page."""
        self.ensure_one()
        labels = dict(self._fields["portal_status"]._description_selection(self.env))
        return labels.get(self.portal_status, "")

    # ------------------------------------------------------------
    # Portal settings
    # ------------------------------------------------------------

    @api.model
    def _portal_settings(self):
        param = self._support_param
        size = float(param("portal_max_file_size_mb", "10") or 10)
        return {
            "max_files": int(param("portal_max_files", "3") or 3),
            "max_file_size_mb": int(size) if size.is_integer() else size,
            "extensions": [
                ext.strip().lower().lstrip(".")
                for ext in (param("portal_extensions", DEFAULT_EXTENSIONS) or "").split(
                    ","
                )
                if ext.strip()
            ],
            "cc_policy": param("portal_cc_policy", "domain") or "domain",
            "priority": str2bool(param("portal_priority", "False")),
            "visitors": str2bool(param("portal_visitors", "True")),
            "rate_per_email": int(param("portal_rate_per_email", "5") or 5),
            "rate_per_ip": int(param("portal_rate_per_ip", "20") or 20),
        }

    # ------------------------------------------------------------
    # Validation of what customers send (see also support_ticket_input.py)
    # ------------------------------------------------------------

    @api.model
    def _portal_check_cc(self, cc, partner):
        """Validate the CC addresses a customer gives, one by one.

        :return: the addresses, normalized, joined by commas
        :raise UserError: naming the first address that is refused
        """
        addresses = [a.strip() for a in (cc or "").translate(CC_SEPARATORS).split(",")]
        addresses = [a for a in addresses if a]
        if not addresses:
            return False
        policy = self._portal_settings()["cc_policy"]
        commercial = partner.commercial_partner_id
        domains = {
            email_normalize(email).split("@")[1]
            for email in (partner.email, commercial.email)
            if email and email_normalize(email)
        }
        known = set()
        if policy == "contacts":
            known = set(
                self.env["res.partner"]
                .sudo()
                .search([("id", "child_of", commercial.id)])
                .mapped("email_normalized")
            )
        result = []
        for address in addresses:
            normalized = email_normalize(address, strict=True)
            if not normalized or not single_email_re.match(address):
                raise UserError(
                    self.env._(
                        "“%(address)s” is not a valid email address.", address=address
                    )
                )
            if policy == "domain" and normalized.split("@")[1] not in domains:
                raise UserError(
                    self.env._(
                        "“%(address)s” is not an address of your organisation: you can "
                        "only copy addresses of %(domains)s.",
                        address=address,
                        domains=", ".join(sorted(domains))
                        or self.env._("your own domain"),
                    )
                )
            if policy == "contacts" and normalized not in known:
                raise UserError(
                    self.env._(
                        "“%(address)s” is not one of your organisation's contacts: "
                        "ask us to add it first.",
                        address=address,
                    )
                )
            if normalized not in result:
                result.append(normalized)
        return ", ".join(result)

    @api.model
    def _portal_sanitize(self, html):
        """Rich text from the portal editor: sanitized, never trusted. Plain
        text (a browser without the editor) keeps its line breaks."""
        html = html or ""
        if "<" not in html:
            html = plaintext2html(html)
        body = html_sanitize(html, sanitize_attributes=True, strip_style=True)
        return Markup(body) if not is_html_empty(body) else Markup("")

    # ------------------------------------------------------------
    # Actions of customers (called in sudo, once access is checked)
    # ------------------------------------------------------------

    @api.model
    def _portal_create(self, values, partner, files=(), cc=None):
        """Open a ticket for a customer from the portal.

        :param values: name, description (html), category_id, priority_id
        """
        name = (values.get("name") or "").strip()
        if not name:
            raise UserError(self.env._("Write a subject for your request."))
        self._support_check_subject(name)
        self._support_check_message_size(values.get("description"))
        description = self._portal_sanitize(values.get("description"))
        if not description:
            raise UserError(self.env._("Describe your request in the message."))
        category = self._portal_offered(
            "support.category",
            values.get("category_id"),
            [("portal_available", "=", True)],
        )
        if not category:
            raise UserError(self.env._("Choose the kind of request."))
        email_cc = self._portal_check_cc(cc, partner)
        self._portal_check_files(files)
        vals = {
            "name": name,
            "description": description,
            "category_id": category.id,
            "partner_id": partner.id,
            "origin": "portal",
            "email_from": partner.email_formatted or partner.email,
            "email_cc": email_cc,
            "notify_customer": values.get(
                "notify_customer", partner.support_notify_default
            ),
            "company_id": (
                category.company_id or partner.company_id or self.env.company
            ).id,
        }
        if self._portal_settings()["priority"]:
            priority = self._portal_offered(
                "support.priority", values.get("priority_id")
            )
            if priority:
                vals["priority_id"] = priority.id
        ticket = self.sudo().with_context(mail_create_nosubscribe=True).create(vals)
        ticket._portal_attach(files, ticket)
        return ticket

    @api.model
    def _portal_offered(self, model_name, record_id, domain=()):
        """The catalog value of id ``record_id`` if the portal offers it (active,
        of the current company or shared), else an empty recordset: whatever
        id a crafted form sends, of any other model or company."""
        if not isinstance(record_id, int) or not 0 < record_id < 2**31:
            return self.env[model_name]
        return (
            self.env[model_name]
            .sudo()
            .search(
                [
                    ("id", "=", record_id),
                    ("company_id", "in", [self.env.company.id, False]),
                    *domain,
                ],
                limit=1,
            )
        )

    def _portal_attach(self, files, record):
        """Attach checked ``(name, raw)`` files to ``record`` (a ticket or a reply)."""
        if not files:
            return self.env["ir.attachment"]
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                [
                    {
                        "name": name,
                        "raw": raw,
                        "res_model": record._name,
                        "res_id": record.id,
                    }
                    for name, raw in files
                ]
            )
        )
        record.sudo().attachment_ids = [fields.Command.link(a.id) for a in attachments]
        return attachments

    def _portal_reply(self, partner, body, files=()):
        """A reply of the customer from the portal: kept in the conversation,
        and told to the team (followers) and the CC."""
        self.ensure_one()
        self._check_can_reply()
        self._support_check_message_size(body)
        body = self._portal_sanitize(body)
        if not body and not files:
            raise UserError(
                self.env._("Write a message or attach a file before replying.")
            )
        self._portal_check_files(files)
        reply = self.sudo()._add_reply(
            body or Markup("<p></p>"),
            allow_empty=True,
            author_id=partner.id,
            origin="portal",
            email_from=partner.email,
        )
        self._portal_attach(files, reply)
        partners, emails = self._support_customer_recipients()
        # under the name the customer chose for tickets
        name = self.env["res.users"]._support_author_names(partner)[partner]
        email_from = formataddr((name, partner.email)) if partner.email else None
        self.sudo().with_context(mail_post_autofollow_author_skip=True).message_post(
            body=body or Markup("<p>%s</p>") % self.env._("(files attached)"),
            author_id=partner.id,
            email_from=email_from,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            outgoing_email_to=", ".join(emails) or False,
            attachment_ids=reply.attachment_ids.ids,
            mail_auto_delete=False,
            support_reply_id=reply.id,
        )
        return reply

    def _portal_rights(self, user, partner):
        """What ``partner``, on the portal as ``user``, may do with the ticket
        besides reading and replying: close it (the customer's organisation)
        and choose whether the customer is emailed (the customer alone).
        Staff who may edit the ticket may do both."""
        self.ensure_one()
        if not user.share and self.with_user(user).has_access("write"):
            return {"close": True, "notify": True}
        customer = self.partner_id
        return {
            "close": bool(customer)
            and partner.commercial_partner_id == customer.commercial_partner_id,
            "notify": bool(customer) and partner == customer,
        }

    def _portal_close(self, partner):
        """The customer marks the ticket completed."""
        self.ensure_one()
        if self.is_locked:
            raise UserError(
                self.env._(
                    "This ticket is already %(state)s.", state=self.stage_id.name
                )
            )
        stage = self.env["support.stage"].sudo()._get_closed_stage(self.company_id)
        if not stage:
            raise UserError(self.env._("This ticket cannot be closed from the portal."))
        self.sudo().message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "%(name)s closed the ticket.",
                name=self.env["res.users"]._support_author_names(partner)[partner],
            ),
            author_id=partner.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        self.sudo().stage_id = stage

    @api.model
    def _portal_throttle(self, keys, limit, hours=1):
        """Refuse a submission when one of ``keys`` (an address, an IP)
        already made ``limit`` submissions in the last ``hours``."""
        Throttle = self.env["support.portal.throttle"].sudo()
        since = fields.Datetime.now() - timedelta(hours=hours)
        keys = [key for key in keys if key]
        counts = dict(
            Throttle._read_group(
                [("key", "in", keys), ("create_date", ">=", since)],
                ["key"],
                ["__count"],
            )
        )
        if any(counts.get(key, 0) >= limit.get(key.split(":")[0], 0) for key in keys):
            raise PortalFloodError(
                self.env._(
                    "Too many requests were sent from here in the last hour. Wait a "
                    "little, or write to us by email."
                )
            )
        Throttle.create([{"key": key} for key in keys])


class SupportPortalThrottle(models.Model):
    """Recent portal submissions by address and by IP, to refuse floods."""

    _name = "support.portal.throttle"
    _description = "Support portal submission"
    _log_access = False

    key = fields.Char(required=True, index=True)
    create_date = fields.Datetime(
        default=fields.Datetime.now, index=True, readonly=True
    )

    @api.autovacuum
    def _gc_old(self):
        self.search(
            [("create_date", "<", fields.Datetime.now() - timedelta(days=1))]
        ).unlink()
