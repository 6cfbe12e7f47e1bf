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
