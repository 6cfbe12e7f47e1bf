"""Support ticket: merging tickets into one, and the routing of their mail."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tools import email_normalize
from odoo.tools.mail import email_split_and_format

# how deep a chain of merges is followed (merges keep it flat: one level)
MERGE_DEPTH = 10


class SupportTicket(models.Model):
    # one concern of the ticket per file, as Odoo core splits its large models
    _inherit = "support.ticket"  # pylint: disable=consider-merging-classes-inherited
    # a ticket is found by the codes of the tickets merged into it
    _rec_names_search = ["code", "name", "merged_codes"]

    merged_into_id = fields.Many2one(
        "support.ticket",
        string="Merged into",
        index="btree_not_null",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="The ticket this one was merged into: its replies, files, followers "
        "and answers go there.",
    )
    merged_ticket_ids = fields.One2many(
        "support.ticket", "merged_into_id", string="Merged tickets"
    )
    merged_codes = fields.Char(
        string="Former codes",
        readonly=True,
        copy=False,
        index="trigram",
        help="Codes of the tickets merged into this one: a search by one of them "
        "finds this ticket.",
    )
    # ------------------------------------------------------------
    # Merge
    # ------------------------------------------------------------

    def _support_merge_survivor(self):
        """The ticket this one lives on in: the one it was merged into, or
        itself."""
        self.ensure_one()
        ticket = self
        for _depth in range(MERGE_DEPTH):
            if not ticket.merged_into_id:
                break
            ticket = ticket.merged_into_id
        return ticket

    def _support_customer_key(self):
        """Who the customer of the ticket is, to compare tickets: their
        organisation, else the sender's address."""
        self.ensure_one()
        if self.partner_id:
            return ("partner", self.partner_id.commercial_partner_id.id)
        return ("email", email_normalize(self.email_from or "") or self.id)

    def _check_merge(self, target, different_customers=False):
        """Refuse a merge that cannot be, with a message that says why."""
        tickets = self | target
        if not self.env.su and not self.env.user.has_group(
            "support_ticket.group_support_manager"
        ):
            raise AccessError(self.env._("Only support managers can merge tickets."))
        if len(tickets) < 2:
            raise UserError(self.env._("Choose at least two tickets to merge."))
        merged = tickets.filtered("merged_into_id")
        if merged:
            raise UserError(
                self.env._(
                    "%(code)s is already merged into %(target)s.",
                    code=merged[0].code,
                    target=merged[0].merged_into_id.code,
                )
            )
        if len(tickets.company_id) > 1:
            raise UserError(
                self.env._(
                    "Tickets of different companies cannot be merged: %(tickets)s.",
                    tickets=", ".join(
                        f"{t.code} ({t.company_id.name})" for t in tickets
                    ),
                )
            )
        customers = {ticket._support_customer_key() for ticket in tickets}
        if len(customers) > 1 and not different_customers:
            raise UserError(
                self.env._(
                    "These tickets are of different customers (%(customers)s). "
                    "Merge them only if it is the same request, and say so: tick "
                    "“Merge tickets of different customers”.",
                    customers=", ".join(
                        sorted(
                            {
                                t.partner_id.commercial_partner_id.display_name
                                or t.email_from
                                or t.code
                                for t in tickets
                            }
                        )
                    ),
                )
            )
        if not self.env["support.stage"]._get_closed_stage(target.company_id):
            raise UserError(
                self.env._(
                    "There is no closed state to close the merged tickets in: "
                    "create one first."
                )
            )

    def _merge_into(self, target, different_customers=False):
        """Merge the tickets of ``self`` into ``target``: their replies (their
        description becomes one), files, followers, CC and activities move to
        it; they are closed with a note linking to it, and keep their codes
        findable (a search by an old code, an email answer to a merged ticket,
        its portal page, all lead to ``target``).

        :param different_customers: the user confirmed merging tickets of
            different customers
        :return: ``target``
        """
        target.ensure_one()
        self._check_merge(target, different_customers=different_customers)
        sources = (self - target).sorted("id")
        merge = self.with_context(support_ticket_merge=True, support_no_rating=True)
        target = target.with_env(merge.env)
        sources = sources.with_env(merge.env)
        Reply = merge.env["support.ticket.reply"]

        # the conversation: the description of each merged ticket, then its replies
        Reply.create(
            [
                {
                    "ticket_id": target.id,
                    "body": Markup("<p><em>%s</em></p>%s")
                    % (
                        self.env._(
                            "From %(code)s: %(subject)s",
                            code=source.code,
                            subject=source.name,
                        ),
                        source.description or Markup(""),
                    ),
                    "author_id": source.creator_partner_id.id or False,
                    "origin": source.origin,
                    "email_from": source.email_from,
                    "date": source.create_date,
                }
                for source in sources
            ]
        )
        # the conversation is kept as it was written: only its ticket
        # changes, which the merge (managers) does as the system
        sources.reply_ids.sudo().write({"ticket_id": target.id})

        # the files: of the tickets and of their emails
        attachments = (
            merge.env["ir.attachment"]
            .sudo()
            .search([("res_model", "=", self._name), ("res_id", "in", sources.ids)])
        )
        attachments.write({"res_id": target.id})
        target.sudo().attachment_ids = [
            Command.link(a.id) for a in sources.sudo().attachment_ids
        ]

        # the people: followers, CC (and the other customers, copied)
        target.message_subscribe(partner_ids=sources.message_partner_ids.ids)
        target.email_cc = target._support_merge_cc(sources)
        sources.activity_ids.sudo().write({"res_id": target.id})

        # the codes
        codes = [target.merged_codes] + [
            part for source in sources for part in (source.code, source.merged_codes)
        ]
        target.merged_codes = ", ".join(
            dict.fromkeys(
                code.strip()
                for part in codes
                if part
                for code in part.split(",")
                if code.strip()
            )
        )
        sources.merged_ticket_ids.write({"merged_into_id": target.id})
        closed = merge.env["support.stage"]._get_closed_stage(target.company_id)
        # closed quietly: the note below says why
        sources.with_context(mail_notrack=True).write(
            {"merged_into_id": target.id, "stage_id": closed.id}
        )

        link = target._get_html_link(title=target.display_name)
        for source in sources:
            source.message_post(
                body=Markup("<p>%s</p>")
                % self.env._("Merged into %(ticket)s.", ticket=link),
                subtype_xmlid="mail.mt_note",
            )
        links = Markup(", ").join(
            source._get_html_link(title=source.display_name) for source in sources
        )
        target.message_post(
            body=Markup("<p>%s</p>")
            % self.env._("Merged into this ticket: %(tickets)s.", tickets=links),
            subtype_xmlid="mail.mt_note",
        )
        return target.with_env(self.env)

    def _support_merge_cc(self, sources):
        """The CC of the ticket with those of ``sources`` and their customers
        when they are not the ticket's, without duplicates."""
        self.ensure_one()
        own = email_normalize(self.partner_id.email or self.email_from or "")
        addresses = []
        for ticket in self | sources:
            addresses += email_split_and_format(ticket.email_cc or "")
            if ticket != self:
                addresses += email_split_and_format(
                    ticket.partner_id.email_formatted or ticket.email_from or ""
                )
        seen = {own} if own else set()
        result = []
        for address in addresses:
            normalized = email_normalize(address)
            if normalized and normalized not in seen:
                seen.add(normalized)
                result.append(address)
        return ", ".join(result) or False

    # ------------------------------------------------------------
    # What a merge keeps quiet
    # ------------------------------------------------------------

    def _check_can_reply(self):
        # a merge moves replies into and out of locked tickets
        if self.env.context.get("support_ticket_merge"):
            return
        super()._check_can_reply()

    def _send_done_notification(self):
        # the merged tickets are closed without telling the customer
        if self.env.context.get("support_ticket_merge"):
            return
        super()._send_done_notification()

    def _send_reply_notification(self, replies):
        # their conversation was already told
        if self.env.context.get("support_ticket_merge"):
            return
        super()._send_reply_notification(replies)

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_merge(self):
        """The merge wizard for the selected tickets."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Merge tickets"),
            "res_model": "support.ticket.merge",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_ticket_ids": self.ids,
                "default_target_ticket_id": min(self.ids) if self else False,
            },
        }

    def action_merge_duplicates(self):
        """The merge wizard for the ticket and its likely duplicates."""
        self.ensure_one()
        return (self | self.duplicate_ticket_ids).action_merge()

    def action_view_merged_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "support_ticket.support_ticket_action"
        )
        action["domain"] = [("merged_into_id", "=", self.id)]
        action["context"] = {"create": False}
        return action


class MailThread(models.AbstractModel):
    # the routing of merged tickets' answers, beside the merge
    _inherit = "mail.thread"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _routing_check_route(self, message, message_dict, route, raise_exception=True):
        """An answer to a merged ticket (by its mail headers, or by the code in
        its subject, which the ticket's own override resolves before this one)
        lands in the ticket it was merged into."""
        return super()._routing_check_route(
            message,
            message_dict,
            self._support_merge_route(route),
            raise_exception=raise_exception,
        )

    @api.model
    def _support_merge_route(self, route):
        if not route or route[0] != "support.ticket" or not route[1]:
            return route
        merged = (
            self.env["support.ticket"]
            .sudo()
            .search_fetch(
                [("id", "=", route[1]), ("merged_into_id", "!=", False)],
                ["merged_into_id"],
            )
        )
        if not merged:
            return route
        return (route[0], merged._support_merge_survivor().id, *route[2:])
