from odoo import api, fields, models
from odoo.tools import str2bool

# settings kept as "True" / "False" parameters: a missing one means its default
BOOLEAN_PARAMS = {
    "support_create_partner_from_email": ("create_partner_from_email", True),
    "support_notify_acknowledgement": ("notify_acknowledgement", True),
    "support_notify_reply": ("notify_reply", True),
    "support_notify_done": ("notify_done", True),
    "support_sms_on_done": ("sms_on_done", False),
}


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    support_alias_name = fields.Char(
        string="Default support address",
        help="Emails sent to this address open tickets.",
    )
    support_alias_domain = fields.Char(related="company_id.alias_domain_id.name")
    support_create_partner_from_email = fields.Boolean(
        string="Create contacts for unknown senders",
        help="When a ticket comes by email from an unknown address, create a "
        "contact for it. Otherwise the ticket only keeps the address.",
    )
    support_locked_reply_policy = fields.Selection(
        [("reopen", "Reopen the ticket"), ("new", "Open a new ticket linked to it")],
        string="Answers to closed tickets",
        config_parameter="support_ticket.locked_reply_policy",
        default="reopen",
        help="What an email answering a resolved or closed ticket does. The sender "
        "is told which.",
    )
    support_notify_acknowledgement = fields.Boolean(string="Acknowledge new tickets")
    support_notify_reply = fields.Boolean(string="Email the public replies")
    support_notify_done = fields.Boolean(string="Email the resolution and the closure")
    support_sms_on_done = fields.Boolean(
        string="Text the resolution and the closure",
        help="Also send an SMS to customers who have a phone number.",
    )

    @api.model
    def get_values(self):
        res = super().get_values()
        get_param = self.env["ir.config_parameter"].sudo().get_param
        for field_name, (key, default) in BOOLEAN_PARAMS.items():
            res[field_name] = str2bool(get_param(f"support_ticket.{key}", str(default)))
        res["support_alias_name"] = (
            self.env.company.support_alias_id.alias_name or False
        )
        return res

    def set_values(self):
        res = super().set_values()
        set_param = self.env["ir.config_parameter"].sudo().set_param
        for field_name, (key, _default) in BOOLEAN_PARAMS.items():
            set_param(f"support_ticket.{key}", str(bool(self[field_name])))
        company = self.company_id or self.env.company
        if self.support_alias_name or company.support_alias_id:
            alias = company._support_get_or_create_alias()
            if (alias.alias_name or False) != (self.support_alias_name or False):
                alias.alias_name = self.support_alias_name
        return res
