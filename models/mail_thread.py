import re

from odoo import api, models

# RFC 3834 and the headers that common mail systems set on automatic emails
AUTO_HEADERS_PRESENT = ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress")
BULK_PRECEDENCE = re.compile(r"^\s*(bulk|junk|list|auto_reply)\s*$", re.IGNORECASE)


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def _message_is_auto_submitted(self, message):
        """Whether an incoming email was sent by a machine rather than a
        person: RFC 3834 ``Auto-Submitted``, Microsoft's
        ``X-Auto-Response-Suppress``, ``X-Autoreply`` / ``X-Autorespond``, or a
        bulk ``Precedence``."""
        auto_submitted = (message.get("Auto-Submitted") or "").strip().lower()
        if auto_submitted and auto_submitted != "no":
            return True
        if any(message.get(header) for header in AUTO_HEADERS_PRESENT):
            return True
        for header in ("Precedence", "X-Precedence"):
            if BULK_PRECEDENCE.match(message.get(header) or ""):
                return True
        return False

    def _get_message_create_valid_field_names(self):
        return super()._get_message_create_valid_field_names() | {
            "support_auto_submitted",
            "support_reply_id",
        }

    @api.model
    def message_parse(self, message, save_original=False):
        msg_dict = super().message_parse(message, save_original=save_original)
        if self._message_is_auto_submitted(message):
            # a mail.message field: it reaches message_new / message_update and
            # is stored on the posted message
            msg_dict["support_auto_submitted"] = True
        return msg_dict
