"""Communication log: every email, SMS and push sent for tickets, delivered or not."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import SQL, email_normalize, html2plaintext

CHANNELS = [("email", "Email"), ("sms", "SMS"), ("push", "Push")]
STATES = [("sent", "Sent"), ("not_sent", "Not sent"), ("error", "Error")]


class SupportMessageLog(models.Model):
    """Every email, SMS and push notification sent for tickets.

    A read-only view over Odoo's own delivery records: one row per
    ``mail.notification`` of a message of a ticket (a recipient of an email,
    of an SMS, or of an inbox notification pushed to the devices of a user).
    The content stays in ``mail.message`` / ``mail.mail`` / ``sms.sms``."""

    _name = "support.message.log"
    _description = "Support communication log"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "subject"
    # flushed before the view is read
    _depends = {
        "mail.notification": [
            "mail_message_id",
            "mail_mail_id",
            "res_partner_id",
            "mail_email_address",
            "notification_type",
            "notification_status",
            "failure_type",
            "failure_reason",
            "sms_number",
        ],
        "mail.message": [
            "model",
            "res_id",
            "date",
            "subject",
            "author_id",
            "message_type",
        ],
        "support.ticket": ["partner_id", "company_id", "code", "name"],
        "mail.mail": ["failure_reason"],
    }

    notification_id = fields.Many2one("mail.notification", readonly=True)
    message_id = fields.Many2one("mail.message", string="Message", readonly=True)
    mail_id = fields.Many2one("mail.mail", string="Email", readonly=True)
    ticket_id = fields.Many2one("support.ticket", string="Ticket", readonly=True)
    customer_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date = fields.Datetime(readonly=True)
    subject = fields.Char(readonly=True)
    author_id = fields.Many2one("res.partner", string="Sent by", readonly=True)
    recipient_id = fields.Many2one("res.partner", string="Recipient", readonly=True)
    recipient_address = fields.Char(string="Address", readonly=True)
    channel = fields.Selection(CHANNELS, readonly=True)
    kind = fields.Selection(
        [("automatic", "Automatic"), ("manual", "Manual")],
        string="Type",
        readonly=True,
        help="Automatic: sent by the system (acknowledgement, notifications). "
        "Manual: written and sent by a person.",
    )
    state = fields.Selection(STATES, readonly=True)
    notification_status = fields.Selection(
        [
            ("ready", "Ready to send"),
            ("process", "Processing"),
            ("pending", "Sent"),
            ("sent", "Delivered"),
            ("bounce", "Bounced"),
            ("exception", "Exception"),
            ("canceled", "Cancelled"),
        ],
        string="Delivery status",
        readonly=True,
    )
    failure_type = fields.Char(readonly=True)
    failure_reason = fields.Text(string="Reason", readonly=True)
    body_html = fields.Html(
        string="Content", compute="_compute_body_html", sanitize=False
    )

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT n.id AS id,
                   n.id AS notification_id,
                   m.id AS message_id,
                   n.mail_mail_id AS mail_id,
                   t.id AS ticket_id,
                   t.partner_id AS customer_id,
                   t.company_id AS company_id,
                   m.date AS date,
                   COALESCE(NULLIF(m.subject, ''), t.code || ' ' || t.name) AS subject,
                   m.author_id AS author_id,
                   n.res_partner_id AS recipient_id,
                   CASE n.notification_type
                        WHEN 'email'
                        THEN COALESCE(NULLIF(n.mail_email_address, ''), p.email)
                        WHEN 'sms' THEN n.sms_number
                        ELSE p.name
                   END AS recipient_address,
                   CASE n.notification_type WHEN 'inbox' THEN 'push'
                        ELSE n.notification_type END AS channel,
                   CASE WHEN m.message_type IN ('auto_comment', 'notification',
                                                'user_notification')
                             OR m.author_id = (SELECT res_id FROM ir_model_data
                                                WHERE module = 'base'
                                                  AND name = 'partner_root')
                        THEN 'automatic' ELSE 'manual' END AS kind,
                   CASE WHEN n.notification_status IN ('sent', 'pending') THEN 'sent'
                        WHEN n.notification_status IN ('bounce', 'exception')
                        THEN 'error'
                        WHEN n.notification_type = 'inbox' THEN 'sent'
                        ELSE 'not_sent' END AS state,
                   n.notification_status AS notification_status,
                   n.failure_type AS failure_type,
                   COALESCE(NULLIF(n.failure_reason, ''), mm.failure_reason)
                       AS failure_reason
              FROM mail_notification n
              JOIN mail_message m ON m.id = n.mail_message_id
              JOIN support_ticket t ON m.model = 'support.ticket' AND t.id = m.res_id
         LEFT JOIN res_partner p ON p.id = n.res_partner_id
         LEFT JOIN mail_mail mm ON mm.id = n.mail_mail_id
             WHERE n.notification_type IN ('email', 'sms', 'inbox')
            """
        )

    @api.depends("mail_id", "message_id", "channel")
    def _compute_body_html(self):
        for log in self:
            mail = log.sudo().mail_id
            if log.channel == "email" and mail.body_html:
                log.body_html = mail.body_html
            elif log.channel == "sms":
                text = html2plaintext(log.sudo().message_id.body or "")
                log.body_html = Markup("<pre>%s</pre>") % text
            else:
                log.body_html = log.sudo().message_id.body

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_preview(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Preview"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [
                (
                    self.env.ref("support_ticket.support_message_log_view_form").id,
                    "form",
                )
            ],
            "target": "new",
        }

    def action_open_customer(self):
        self.ensure_one()
        return self.customer_id._get_records_action(name=self.customer_id.display_name)

    def action_open_ticket(self):
        self.ensure_one()
        return self.ticket_id._get_records_action(name=self.ticket_id.display_name)

    def action_resend(self):
        """Send the selected messages again, each to its own recipient."""
        if not self:
            raise UserError(self.env._("Select the messages to send again."))
        self.ticket_id.check_access("write")
        resent = {"email": 0, "sms": 0, "push": 0}
        for log in self.sudo():
            getattr(log, f"_resend_{log.channel}")()
            resent[log.channel] += 1
        self.env.invalidate_all()
        failed = self.filtered(lambda log: log.state == "error")
        message = self.env._(
            "%(email)s email(s), %(sms)s SMS and %(push)s push notification(s) "
            "sent again.",
            **resent,
        )
        if failed:
            message += " " + self.env._(
                "%(count)s could not be delivered: see their reason in the log.",
                count=len(failed),
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Messages sent again"),
                "message": message,
                "type": "warning" if failed else "success",
                "sticky": bool(failed),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _resend_email(self):
        """A new email for this recipient only, from the stored one when it
        exists, else rendered again from the message."""
        self.ensure_one()
        notification = self.notification_id
        mail = notification.mail_mail_id
        if not mail:
            # the email was deleted once sent (Odoo's own notifications):
            # render it again for this recipient
            recipient = notification.res_partner_id
            address = notification.mail_email_address
            message = notification.mail_message_id
            notification.unlink()
            self.ticket_id._notify_thread_by_email(
                message,
                [
                    {
                        "active": True,
                        "email_normalized": recipient.email_normalized
                        or email_normalize(address),
                        "id": recipient.id,
                        "is_follower": False,
                        "name": recipient.name or address,
                        "lang": recipient.lang,
                        "groups": [],
                        "notif": "email",
                        "share": recipient.partner_share if recipient else True,
                        "type": "customer",
                        "uid": False,
                        "ushare": False,
                    }
                ],
                mail_auto_delete=False,
                force_send=True,
                send_after_commit=False,
            )
            return
        values = {
            "mail_message_id": mail.mail_message_id.id,
            "body_html": mail.body_html,
            "state": "outgoing",
            "auto_delete": False,
            "failure_type": False,
            "failure_reason": False,
            "email_cc": False,
        }
        if notification.res_partner_id:
            values.update(
                recipient_ids=[Command.set(notification.res_partner_id.ids)],
                email_to=False,
            )
        else:
            values.update(
                recipient_ids=[Command.clear()],
                email_to=notification.mail_email_address,
            )
        new_mail = mail.copy(values)
        notification.write(
            {
                "mail_mail_id": new_mail.id,
                "notification_status": "ready",
                "failure_type": False,
                "failure_reason": False,
            }
        )
        new_mail.send(raise_exception=False)

    def _resend_sms(self):
        self.ensure_one()
        notification = self.notification_id
        sms = self.env["sms.sms"].browse(notification.sms_id_int).exists()
        if not sms or sms.to_delete:
            sms = self.env["sms.sms"].create(
                {
                    "body": html2plaintext(notification.mail_message_id.body or ""),
                    "number": notification.sms_number,
                    "partner_id": notification.res_partner_id.id,
                    "mail_message_id": notification.mail_message_id.id,
                    "state": "outgoing",
                }
            )
            self.env["sms.tracker"].create(
                {"sms_uuid": sms.uuid, "mail_notification_id": notification.id}
            )
            notification.write({"sms_id_int": sms.id})
        sms._update_sms_state_and_trackers("outgoing", failure_type=False)
        notification.write(
            {
                "notification_status": "ready",
                "failure_type": False,
                "failure_reason": False,
            }
        )
        sms.send()

    def _resend_push(self):
        """Push the notification again to the recipient's devices and show it
        again in their inbox."""
        self.ensure_one()
        notification = self.notification_id
        partner = notification.res_partner_id
        notification.write({"is_read": False, "read_date": False})
        self.ticket_id._notify_thread_by_web_push(
            notification.mail_message_id,
            [
                {
                    "id": partner.id,
                    "notif": "inbox",
                    "active": True,
                    "share": partner.partner_share,
                    "uid": partner.user_ids[:1].id,
                    "ushare": False,
                    "groups": [],
                    "type": "user",
                    "is_follower": False,
                    "lang": partner.lang,
                    "name": partner.name,
                    "email_normalized": partner.email_normalized,
                }
            ],
        )
