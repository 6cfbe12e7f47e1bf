"""Support ticket: its CC, and who may name the people who follow it."""

from odoo import api, fields, models
from odoo.tools import email_normalize
from odoo.tools.mail import email_split_and_format


def normalized_emails(*texts):
    """The normalized addresses found in comma-separated ``texts``."""
    return {
        email_normalize(address)
        for address in email_split_and_format(", ".join(filter(None, texts)))
        if email_normalize(address)
    }


class SupportTicket(models.Model):
    # one concern of the ticket per file, as Odoo core splits its large models
    _inherit = "support.ticket"  # pylint: disable=consider-merging-classes-inherited

    email_cc = fields.Char(
        string="CC",
        tracking=True,
        help="Other addresses that follow the ticket and receive its public "
        "updates, separated by commas. Only the team, the customer (or a contact "
        "of the customer's company) and the portal form add addresses here: the "
        "CC of other people's emails is kept on their reply.",
    )
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

    # ------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------

    @api.depends("email_cc")
    def _compute_cc_partner_ids(self):
        emails_by_ticket = {
            ticket: normalized_emails(ticket.email_cc) for ticket in self
        }
        all_emails = (
            set().union(*emails_by_ticket.values()) if emails_by_ticket else set()
        )
        partners = self.env["res.partner"]
        if all_emails:
            partners = partners.sudo().search(
                [("email_normalized", "in", list(all_emails))]
            )
        # tickets without CC (most) are set together, in one assignment
        self.filtered(lambda t: not emails_by_ticket[t]).cc_partner_ids = False
        for ticket, emails in emails_by_ticket.items():
            if emails:
                ticket.cc_partner_ids = partners.filtered(
                    lambda p, e=emails: p.email_normalized in e
                )

    # ------------------------------------------------------------
    # The people of the ticket
    # ------------------------------------------------------------

    def _support_recipient_emails(self):
        """Normalized addresses that receive the public updates: the
        customer, the sender of the opening email and the CC."""
        self.ensure_one()
        return normalized_emails(self.partner_id.email, self.email_from, self.email_cc)

    def _support_customer_emails(self):
        """Normalized addresses of the customer's side: every contact of the
        customer's company, or the sender of the opening email when the
        ticket has no customer."""
        self.ensure_one()
        commercial = self.partner_id.commercial_partner_id
        if not commercial:
            return normalized_emails(self.email_from)
        family = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search([("id", "child_of", commercial.id)])
        )
        return set(filter(None, family.mapped("email_normalized")))

    def _get_known_emails(self):
        """Normalized addresses of the people of the ticket: its recipients,
        its followers and the contacts of the customer's company."""
        self.ensure_one()
        emails = self._support_recipient_emails() | self._support_customer_emails()
        emails |= set(filter(None, self.message_partner_ids.mapped("email_normalized")))
        return emails

    @api.model
    def _support_is_staff_email(self, email):
        normalized = email_normalize(email or "")
        return bool(normalized) and bool(
            self.env["res.users"]
            .sudo()
            .search_count(
                [("share", "=", False), ("email_normalized", "=", normalized)],
                limit=1,
            )
        )

    def _support_may_name_people(self, msg_dict):
        """Whether the author of an incoming email may add people to the
        ticket (its CC): someone of the team, the customer or a contact of
        the customer's company. Anyone else's CC is only kept on their reply:
        an old CC or a forwarded copy of an email must not open the ticket
        to new addresses."""
        self.ensure_one()
        sender = email_normalize(msg_dict.get("email_from") or "")
        author = self.env["res.partner"].sudo().browse(msg_dict.get("author_id"))
        if author.exists() and any(not user.share for user in author.user_ids):
            return True
        if not sender:
            return False
        if sender in self._support_customer_emails():
            return True
        return self._support_is_staff_email(sender)

    # ------------------------------------------------------------
    # CC
    # ------------------------------------------------------------

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

    def _support_add_cc(self, addresses):
        """Add ``addresses`` (formatted or bare) to the CC of the ticket,
        keeping those already there and their spelling."""
        self.ensure_one()
        cc = self._mail_cc_sanitized_raw_dict(self.email_cc)
        added = self._mail_cc_sanitized_raw_dict(", ".join(addresses or []))
        new = {email: raw for email, raw in added.items() if email not in cc}
        if new:
            cc.update(new)
            self.email_cc = ", ".join(cc.values())
        return list(new.values())

    # ------------------------------------------------------------
    # Suggested recipients (the chatter's composer)
    # ------------------------------------------------------------

    def _message_get_suggested_recipients_batch(
        self,
        reply_discussion=False,
        reply_message=None,
        no_create=True,
        primary_email=False,
        additional_partners=None,
    ):
        """Propose only the people of the ticket and the team: never the
        other addresses an incoming email was sent or copied to, which
        Odoo proposes from the last email. Staff add those to the CC
        first (one click on the reply), or type them in the composer."""
        suggested = super()._message_get_suggested_recipients_batch(
            reply_discussion=reply_discussion,
            reply_message=reply_message,
            no_create=no_create,
            primary_email=primary_email,
            additional_partners=additional_partners,
        )
        extra = normalized_emails(primary_email or "") | set(
            filter(
                None,
                (additional_partners or self.env["res.partner"]).mapped(
                    "email_normalized"
                ),
            )
        )
        for ticket in self:
            allowed = ticket._get_known_emails() | extra
            if ticket.user_id.email_normalized:
                allowed.add(ticket.user_id.email_normalized)
            suggested[ticket.id] = [
                recipient
                for recipient in suggested.get(ticket.id, [])
                if email_normalize(recipient.get("email") or "") in allowed
                or self._support_is_staff_email(recipient.get("email"))
            ]
        return suggested
