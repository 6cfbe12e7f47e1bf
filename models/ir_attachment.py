"""Attachments: the files of a ticket's conversation stay as they were sent."""

from odoo import models
from odoo.tools import SQL

from .support_ticket_reply import can_change_conversation


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _check_access(self, operation):
        """Only support administrators change or delete the files of replies
        (and add files to a reply once it exists), as they alone delete
        tickets: anyone else who may edit the ticket gets an access error."""
        result = super()._check_access(operation)
        if operation == "read" or not self or can_change_conversation(self.env):
            return result
        forbidden = self._support_conversation_files()
        if result:
            forbidden -= result[0]
        if not forbidden:
            return result
        if result:
            forbidden |= result[0]

        def error_func():
            return self.env["support.ticket.reply"]._conversation_locked_error()

        return forbidden, error_func

    def _support_conversation_files(self):
        """The attachments of ``self`` that belong to a reply: bound to it, or
        linked to it (the files of an answer by email)."""
        ids = set(
            self.sudo()
            .filtered(lambda a: a.res_model == "support.ticket.reply" and a.res_id)
            .ids
        )
        self.env["support.ticket.reply"].flush_model(["attachment_ids"])
        ids.update(
            attachment_id
            for (attachment_id,) in self.env.execute_query(
                SQL(
                    "SELECT attachment_id FROM support_ticket_reply_ir_attachment_rel "
                    "WHERE attachment_id = ANY(%s)",
                    list(self.ids),
                )
            )
        )
        return self.browse(ids)
