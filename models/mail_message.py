"""Messages: what marks the automatic ones and links a message to its reply."""

from odoo import fields, models


class MailMessage(models.Model):
    _inherit = "mail.message"

    support_auto_submitted = fields.Boolean(
        string="Automatic message",
        readonly=True,
        help="The incoming email was sent by an automatic system (auto-reply, "
        "out of office, mailing list): it opens no ticket conversation and "
        "triggers no acknowledgement, which avoids mail loops.",
    )
    support_reply_id = fields.Many2one(
        "support.ticket.reply",
        string="Ticket reply",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        help="The reply of a ticket this message carries to its recipients: its "
        "delivery shows on the reply.",
    )
