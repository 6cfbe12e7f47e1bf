"""Support ticket: the "Ticket opened" messages of new tickets, written in batch."""

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
        notifications each time. For tickets, the messages are written in one
        batch; those with area followers who asked for new tickets are
        queued for Odoo's scheduled-message job (mail.message.schedule, woken
        up when the transaction commits), which notifies them as
        message_post would have."""
        context = self.env.context
        creating = self.with_context(support_ticket_creating=True)
        if context.get("mail_create_nolog") or context.get("tracking_disable"):
            return super(SupportTicket, creating).create(vals_list).with_env(self.env)
        tickets = super(
            SupportTicket, creating.with_context(mail_create_nolog=True)
        ).create(vals_list)
        tickets = tickets.with_env(self.env)
        tickets._support_log_creation()
        return tickets

    def _message_auto_subscribe(self, updated_values, followers_existing_policy="skip"):
        """The followers of a new ticket's area follow it, whether its area
        was given or chosen by default (Odoo only follows the relations given
        in the values). An area's followers are read once for all the tickets
        created together: an area without any costs no search per ticket."""
        if self.env.context.get("support_ticket_creating") and len(self) == 1:
            team = self.env["support.team"].browse(
                updated_values.get("team_id") or self.team_id.id
            )
            if team.sudo().message_follower_ids:
                updated_values = dict(updated_values, team_id=team.id)
            elif "team_id" in updated_values:
                updated_values = dict(updated_values)
                del updated_values["team_id"]
        return super()._message_auto_subscribe(
            updated_values, followers_existing_policy=followers_existing_policy
        )

    def _support_log_creation(self):
        subtype = self._creation_subtype()
        author = self.env.user.partner_id
        notified = self._support_creation_followers(subtype, author)
        tickets = self.sudo()
        author_id, email_from = tickets._message_compute_author(author.id, None)
        alias_domains = tickets._mail_get_alias_domains(
            default_company=self.env.company
        )
        companies = tickets._mail_get_companies(default=self.env.company)
        # a log notifies nobody: the generic reply address, as Odoo's own
        # batch logs use; a notified one the ticket's, as message_post does
        reply_to = self.env["mail.thread"]._notify_get_reply_to(
            default=email_from, author_id=author_id
        )
        if notified:
            reply_to.update(
                notified.sudo()._notify_get_reply_to(
                    default=email_from, author_id=author_id
                )
            )
        messages = tickets._message_create(
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
                    "reply_to": reply_to.get(ticket.id) or reply_to[False],
                }
                for ticket in tickets
            ]
        )
        if notified:
            notified_ids = set(notified.ids)
            now = self.env.cr.now()
            self.env["mail.message.schedule"].sudo().create(
                [
                    {
                        "mail_message_id": message.id,
                        "scheduled_datetime": now,
                        "notification_parameters": "{}",
                    }
                    for message, ticket in zip(messages, tickets, strict=True)
                    if ticket.id in notified_ids
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
