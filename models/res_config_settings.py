"""Settings: the support options of Settings > Support."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import str2bool

# settings kept as "True" / "False" parameters: a missing one means its default
BOOLEAN_PARAMS = {
    "support_create_partner_from_email": ("create_partner_from_email", True),
    "support_notify_acknowledgement": ("notify_acknowledgement", True),
    "support_notify_reply": ("notify_reply", True),
    "support_notify_done": ("notify_done", True),
    "support_sms_on_done": ("sms_on_done", False),
    "support_portal_priority": ("portal_priority", False),
    "support_portal_visitors": ("portal_visitors", True),
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

    support_max_message_size_kb = fields.Integer(
        string="Maximum message size (KB)",
        config_parameter="support_ticket.max_message_size_kb",
        default=1024,
        help="Longer messages are refused with an error, on the portal (new tickets "
        "and replies) and in the back office (replies).",
    )

    support_portal_priority = fields.Boolean(
        string="Customers choose the priority",
        help="Offer the priority on the portal form of new tickets.",
    )
    support_portal_visitors = fields.Boolean(
        string="Visitors without an account",
        help="Anyone can open a ticket from the public page /support/new by giving a "
        "valid email address; they follow it through the link emailed to them.",
    )
    support_portal_max_files = fields.Integer(
        string="Files per message",
        config_parameter="support_ticket.portal_max_files",
        default=3,
    )
    support_portal_max_file_size_mb = fields.Integer(
        string="Size of a file (MB)",
        config_parameter="support_ticket.portal_max_file_size_mb",
        default=10,
    )
    support_portal_extensions = fields.Char(
        string="Types of files",
        config_parameter="support_ticket.portal_extensions",
        default="png,jpg,jpeg,gif,webp,bmp,pdf,doc,docx,odt,rtf,txt,zip,rar,7z,gz,tgz,tar",
        help="Extensions customers may attach, separated by commas.",
    )
    support_portal_cc_policy = fields.Selection(
        [
            ("any", "Any address"),
            ("domain", "Addresses of the customer's own domain"),
            ("contacts", "Known contacts of the customer"),
        ],
        string="CC on the portal",
        config_parameter="support_ticket.portal_cc_policy",
        default="domain",
        help="Which addresses customers may copy on their tickets: limiting them "
        "prevents the portal from being used to send emails to strangers.",
    )
    support_portal_rate_per_email = fields.Integer(
        string="Tickets per address and hour",
        config_parameter="support_ticket.portal_rate_per_email",
        default=5,
    )
    support_portal_rate_per_ip = fields.Integer(
        string="Tickets per IP address and hour",
        config_parameter="support_ticket.portal_rate_per_ip",
        default=20,
    )

    support_product_id = fields.Many2one(
        "product.product",
        string="Service of quotes",
        domain=[("type", "=", "service"), ("sale_ok", "=", True)],
        help="Product of the order line of ticket quotes.",
    )
    support_billing_mode = fields.Selection(
        [("quoted", "The quoted amount"), ("hours", "The hours logged")],
        string="Quoted tickets bill",
        default="quoted",
        help="The hours logged are delivered on the service line of the order, so "
        "that its invoice charges the time worked. Sets the invoicing policy of the "
        "service.",
    )

    @api.constrains(
        "support_portal_max_files",
        "support_portal_max_file_size_mb",
        "support_max_message_size_kb",
    )
    def _check_support_portal_limits(self):
        for settings in self:
            if settings.support_max_message_size_kb < 1:
                raise ValidationError(
                    self.env._("The maximum message size must be at least 1 KB.")
                )
            if (
                settings.support_portal_max_files < 0
                or settings.support_portal_max_file_size_mb < 1
            ):
                raise ValidationError(
                    self.env._(
                        "The limits of portal attachments must be positive numbers."
                    )
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
        product = self.env["support.ticket"]._support_quote_product()
        res["support_product_id"] = product.id
        res["support_billing_mode"] = (
            "hours" if product.invoice_policy == "delivery" else "quoted"
        )
        return res

    def set_values(self):
        res = super().set_values()
        set_param = self.env["ir.config_parameter"].sudo().set_param
        for field_name, (key, _default) in BOOLEAN_PARAMS.items():
            set_param(f"support_ticket.{key}", str(bool(self[field_name])))
        set_param("support_ticket.product_id", str(self.support_product_id.id or ""))
        if self.support_product_id:
            policy = "delivery" if self.support_billing_mode == "hours" else "order"
            if self.support_product_id.invoice_policy != policy:
                self.support_product_id.sudo().invoice_policy = policy
        company = self.company_id or self.env.company
        if self.support_alias_name or company.support_alias_id:
            alias = company._support_get_or_create_alias()
            if (alias.alias_name or False) != (self.support_alias_name or False):
                alias.alias_name = self.support_alias_name
        return res
