"""Support ticket: the "Ticket opened" message of new tickets, logged in batch."""

from markupsafe import Markup

from odoo import api, models
from odoo.tools import SQL

CREATION_BODY = Markup('<div summary="o_mail_notification"><p>%s</p></div>')


class SupportTicket(models.Model):
    # one concern of the ticket per file, as Odoo core splits its large models
    _inherit = "support.ticket"  # pylint: disable=consider-merging-classes-inherited

    @api.model_create_multi
    def create(self, vals_list):
        """mail.thread posts the creation message of each new record one by
        one, computing its recipients, its reply address and its
        notifications each time. For tickets, only the followers of their
        area who asked for new tickets are notified of it: the other tickets'
        messages are written in one batch instead, with the same values."""
        context = self.env.context
        if context.get("mail_create_nolog") or context.get("tracking_disable"):
            return super().create(vals_list)
        tickets = super(
            SupportTicket, self.with_context(mail_create_nolog=True)
        ).create(vals_list)
        tickets = tickets.with_env(self.env)
        tickets._support_log_creation()
        return tickets

    def _support_log_creation(self):
        subtype = self._creation_subtype()
        author = self.env.user.partner_id
        notified = self._support_creation_followers(subtype, author)
        for ticket in notified:
            ticket.sudo().message_post(
                subtype_id=subtype.id,
                author_id=author.id,
                body=CREATION_BODY % ticket._creation_message(),
            )
        quiet = (self - notified).sudo()
        if not quiet:
            return
        author_id, email_from = quiet._message_compute_author(author.id, None)
        alias_domains = quiet._mail_get_alias_domains(default_company=self.env.company)
        companies = quiet._mail_get_companies(default=self.env.company)
        # a log notifies nobody: the generic reply address, as Odoo's own
        # batch logs use
        reply_to = self.env["mail.thread"]._notify_get_reply_to(
            default=email_from, author_id=author_id
        )[False]
        quiet._message_create(
            [
                {
                    "author_id": author_id,
                    "email_from": email_from,
                    "email_add_signature": True,
                    "model": self._name,
                    "res_id": ticket.id,
                    "body": CREATION_BODY % ticket._creation_message(),
                    "message_type": "notification",
                    "subtype_id": subtype.id,
                    "record_alias_domain_id": alias_domains[ticket.id].id,
                    "record_company_id": companies[ticket.id].id,
                    "reply_to": reply_to,
                }
                for ticket in quiet
            ]
        )

    def _support_creation_followers(self, subtype, author):
        """The tickets with a follower, other than the author, subscribed to
        the creation subtype (followers of the area)."""
        if not self:
            return self
        self.env["mail.followers"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT follower.res_id
                  FROM mail_followers follower
                  JOIN mail_followers_mail_message_subtype_rel rel
                    ON rel.mail_followers_id = follower.id
                 WHERE follower.res_model = %s
                   AND follower.res_id IN %s
                   AND rel.mail_message_subtype_id = %s
                   AND follower.partner_id != %s
                """,
                self._name,
                tuple(self.ids),
                subtype.id,
                author.id,
            )
        )
        return self.browse([res_id for (res_id,) in rows])
