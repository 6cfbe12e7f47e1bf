"""Support ticket: resolved tickets marked as examples count as suggested
answers, through their subject and the team's public replies only."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools.mail import html_to_inner_content

from .support_answer_search import MAX_CONTENT

# what the index holds of an example, or whether it holds it
EXAMPLE_FIELDS = {"is_answer_example", "name", "category_id", "company_id", "stage_id"}
SKIP_SYNC = "support_answer_skip_sync"


class SupportTicket(models.Model):
    # one concern of the ticket per file, as Odoo core splits its large models
    _inherit = "support.ticket"  # pylint: disable=consider-merging-classes-inherited

    is_answer_example = fields.Boolean(
        string="Answer example",
        copy=False,
        tracking=True,
        help="A resolved ticket whose subject and public replies of the team are "
        "suggested to customers (and visitors) who describe the same problem. "
        "Nothing else of the ticket is shown: not the customer, their messages, "
        "the internal notes nor the files.",
    )
    answer_solved_count = fields.Integer(
        string="Problems solved as an example",
        readonly=True,
        copy=False,
    )

    @api.constrains("is_answer_example")
    def _check_answer_example(self):
        for ticket in self:
            if ticket.is_answer_example and not ticket.is_locked:
                raise ValidationError(
                    self.env._(
                        "Only a resolved or closed ticket can be an answer example: "
                        "%(code)s is %(state)s.",
                        code=ticket.code,
                        state=ticket.stage_id.name,
                    )
                )

    def write(self, vals):
        if "is_answer_example" in vals and not (
            self.env.su
            or self.env.user.has_group("support_ticket.group_support_manager")
        ):
            raise AccessError(
                self.env._(
                    "Only support managers can make a ticket an answer example: it "
                    "publishes the team's replies to everyone."
                )
            )
        watched = bool(EXAMPLE_FIELDS & set(vals))
        before = self.filtered("is_answer_example") if watched else self.browse()
        res = super().write(vals)
        if watched:
            todo = before | self.filtered("is_answer_example")
            if todo:
                self.env["support.answer.document"].sudo()._sync(tickets=todo)
        return res

    def unlink(self):
        self.env["support.answer.document"].sudo()._remove(ticket_ids=self.ids)
        # the replies go with the ticket: no need to index it again for them
        return super(SupportTicket, self.with_context(**{SKIP_SYNC: True})).unlink()

    def action_answer_example_mark(self):
        self.is_answer_example = True
        return True

    def action_answer_example_unmark(self):
        self.is_answer_example = False
        return True

    def action_answer_example_preview(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/support/answers/example/{self.id}",
            "target": "new",
        }

    # ------------------------------------------------------------
    # What an example shows
    # ------------------------------------------------------------

    def _answer_example_replies(self):
        """The public replies of the team: written by internal users, never an
        internal note, never a message of the customer."""
        self.ensure_one()
        return self.reply_ids.filtered(
            lambda r: not r.is_internal
            and r.author_id.user_ids.filtered(lambda u: not u.share)
        )

    def _answer_example_body(self):
        self.ensure_one()
        return Markup("").join(
            Markup('<div class="o_support_example_reply mb-3">%s</div>') % reply.body
            for reply in self._answer_example_replies()
            if reply.body
        )

    def _answer_document_rows(self):
        """Rows of the search index for the examples of ``self`` that are
        resolved or closed (a reopened example waits until it is again)."""
        examples = self.sudo().filtered(lambda t: t.is_answer_example and t.is_locked)
        examples.reply_ids.author_id.user_ids.fetch(["share"])
        rows = []
        for ticket in examples:
            content = "\n".join(
                html_to_inner_content(reply.body or "")
                for reply in ticket._answer_example_replies()
            )
            rows.append(
                (
                    None,
                    ticket.id,
                    ticket.company_id.id or None,
                    ticket.category_id.id or None,
                    ticket.name,
                    "",
                    content[:MAX_CONTENT],
                )
            )
        return rows


class SupportTicketReply(models.Model):
    _inherit = "support.ticket.reply"

    @api.model_create_multi
    def create(self, vals_list):
        replies = super().create(vals_list)
        replies._answer_example_resync()
        return replies

    def write(self, vals):
        res = super().write(vals)
        if {"body", "is_internal", "author_id"} & set(vals):
            self._answer_example_resync()
        return res

    def unlink(self):
        tickets = self.ticket_id.filtered("is_answer_example")
        res = super().unlink()
        if tickets and not self.env.context.get(SKIP_SYNC):
            self.env["support.answer.document"].sudo()._sync(tickets=tickets)
        return res

    def _answer_example_resync(self):
        tickets = self.ticket_id.filtered("is_answer_example")
        if tickets and not self.env.context.get(SKIP_SYNC):
            self.env["support.answer.document"].sudo()._sync(tickets=tickets)
