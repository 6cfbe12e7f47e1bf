import base64
from ast import literal_eval
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.sms.tools.sms_api import SmsApi

from .mail_common import SupportMailCommon, SupportSmtpCommon


@tagged("post_install", "-at_install")
class TestSupportNotifications(SupportMailCommon):
    """Who hears of what: the exact recipients of every notification."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.email = "carla@customer.example.com"

    def _new_ticket(self, **values):
        ticket = (
            self.env["support.ticket"]
            .with_user(self.user_agent)
            .create(
                {
                    "name": "Router down",
                    "partner_id": self.customer.id,
                    "email_cc": "boss@customer.example.com, tech@support.example.com",
                    "team_id": self.team_tech.id,
                    **values,
                }
            )
        )
        self.send_acknowledgements()
        return ticket

    def test_acknowledgement_recipients(self):
        mail_id = self.last_mail_id()
        ticket = self._new_ticket(user_id=self.user_agent2.id)
        ack = self.mails_of(ticket, mail_id).filtered(
            lambda m: "We received" in m.subject
        )
        # the customer and the CC; not the creator, not our own alias
        self.assertEqual(
            self.recipients(ack),
            {"carla@customer.example.com", "boss@customer.example.com"},
        )
        assigned = self.mails_of(ticket, mail_id).filtered(
            lambda m: "assigned to you" in m.subject
        )
        self.assertEqual(self.recipients(assigned), {"bob.agent@example.com"})
        self.assertEqual(len(self.mails_of(ticket, mail_id)), len(ack | assigned))

    def test_reply_recipients(self):
        ticket = self._new_ticket()
        mail_id = self.last_mail_id()
        ticket.with_user(self.user_agent).post_reply(
            "Reboot it",
            attachment_name="howto.txt",
            attachment_data=base64.b64encode(b"steps"),
        )
        mails = self.mails_of(ticket, mail_id)
        self.assertEqual(
            self.recipients(mails),
            {"carla@customer.example.com", "boss@customer.example.com"},
        )
        self.assertIn("Reboot it", mails[0].body_html)
        self.assertEqual(mails.attachment_ids.mapped("name"), ["howto.txt"])
        # internal notes never leave the company
        mail_id = self.last_mail_id()
        ticket.with_user(self.user_agent).post_reply(
            "Customer is grumpy", is_internal=True
        )
        self.assertFalse(self.mails_of(ticket, mail_id))
        self.assertFalse(
            self.env["mail.message"].search(
                [
                    ("model", "=", "support.ticket"),
                    ("res_id", "=", ticket.id),
                    ("body", "ilike", "grumpy"),
                ]
            )
        )

    def test_done_recipients_and_opt_out(self):
        ticket = self._new_ticket()
        mail_id = self.last_mail_id()
        ticket.stage_id = self.stage_resolved
        # the customer is also asked to rate the ticket, in an email of its own
        done = self.mails_of(ticket, mail_id).filtered(
            lambda m: "How did we do?" not in m.subject
        )
        self.assertEqual(len(done.mail_message_id), 1)
        self.assertIn("Resolved", done[0].subject)
        self.assertEqual(
            self.recipients(done),
            {"carla@customer.example.com", "boss@customer.example.com"},
        )
        # closing after resolving tells them again; the customer opted out
        ticket.notify_customer = False
        mail_id = self.last_mail_id()
        ticket.stage_id = self.stage_closed
        self.assertEqual(
            self.recipients(self.mails_of(ticket, mail_id)),
            {"boss@customer.example.com"},
        )
        # moving between open states tells nobody
        ticket.action_reopen()
        mail_id = self.last_mail_id()
        ticket.stage_id = self.stage_progress
        self.assertFalse(self.mails_of(ticket, mail_id))

    def test_settings_switch_notifications_off(self):
        settings = self.env["res.config.settings"].create({})
        self.assertTrue(settings.support_notify_acknowledgement)
        settings.write(
            {
                "support_notify_acknowledgement": False,
                "support_notify_reply": False,
                "support_alias_name": "helpme",
            }
        )
        settings.execute()
        self.assertEqual(self.company.support_alias_id.alias_name, "helpme")
        mail_id = self.last_mail_id()
        ticket = self._new_ticket()
        ticket.with_user(self.user_agent).post_reply("Silent")
        self.assertFalse(self.mails_of(ticket, mail_id))
        self.assertFalse(
            self.env["res.config.settings"].create({}).support_notify_reply
        )

    def test_message_log_rows(self):
        ticket = self._new_ticket()
        ticket.with_user(self.user_agent).post_reply("Reboot it")
        Log = self.env["support.message.log"].with_user(self.user_agent)
        logs = Log.search([("ticket_id", "=", ticket.id)])
        emails = logs.filtered(lambda log: log.channel == "email")
        self.assertEqual(
            sorted(emails.mapped("recipient_address")),
            sorted(["carla@customer.example.com", "boss@customer.example.com"] * 2),
        )
        self.assertEqual(set(emails.mapped("kind")), {"automatic"})
        self.assertEqual(set(emails.mapped("customer_id")), {self.customer})
        self.assertEqual(
            set(emails.mapped("state")), {"not_sent"}, "queued, not sent yet"
        )
        self.assertIn(
            "Reboot it",
            emails.filtered(lambda log: "New reply" in log.subject)[0].body_html,
        )
        # reachable from the ticket and the customer
        self.assertEqual(ticket.message_log_count, len(logs))
        action = ticket.action_view_message_log()
        self.assertEqual(Log.search(action["domain"]), logs)
        self.assertEqual(
            self.customer.with_user(self.user_agent).support_message_log_count,
            len(logs),
        )
        # filters and a saved favourite (ir.filters) work on it
        favourite = self.env["ir.filters"].create(
            {
                "name": "Automatic emails",
                "model_id": "support.message.log",
                "domain": "[('kind', '=', 'automatic'), ('channel', '=', 'email')]",
                "user_ids": [self.user_agent.id],
            }
        )
        self.assertEqual(Log.search(literal_eval(favourite.domain)) & logs, emails)
        self.assertEqual(
            Log.search_count([("state", "=", "sent"), ("ticket_id", "=", ticket.id)]), 0
        )
        # not visible to a user of another area
        self.assertFalse(
            self.env["support.message.log"]
            .with_user(self.user_agent2)
            .search([("ticket_id", "=", ticket.id)])
        )


@tagged("post_install", "-at_install")
class TestSupportSmtp(SupportSmtpCommon):
    """Outgoing emails through a real SMTP server on 127.0.0.1."""

    def _email_ticket(self):
        raw = self.build_email(
            subject="Scanner broken",
            text="It does not scan.",
            cc="boss@customer.example.com",
            message_id="<first-message@customer.example.com>",
        )
        ticket = self.process(raw)
        ticket.user_id = self.user_agent
        self.send_queued(ticket)
        self.smtp_handler.envelopes.clear()
        return ticket

    def test_reply_and_email_threaded_with_attachment(self):
        ticket = self._email_ticket()
        self.assertTrue(ticket.can_reply_by_email)
        self.user_agent.support_display_name = "Acme Support"
        mail_id = self.last_mail_id()
        ticket.with_user(self.user_agent).post_reply(
            "Please restart the scanner.",
            attachment_name="manual.pdf",
            attachment_data=base64.b64encode(b"%PDF-1.4 manual"),
            send_email=True,
        )
        mails = self.mails_of(ticket, mail_id)
        self.assertEqual(
            len(mails.mail_message_id), 1, "one email, no extra notification"
        )
        self.send_queued(ticket)
        received = self.received()
        recipients = {rcpt for rcpt_tos, _message in received for rcpt in rcpt_tos}
        self.assertEqual(
            recipients, {"carla@customer.example.com", "boss@customer.example.com"}
        )
        for _rcpt_tos, message in received:
            self.assertIn(f"[{ticket.code}] Re: Scanner broken", message["Subject"])
            self.assertIn("<first-message@customer.example.com>", message["References"])
            self.assertTrue(message["In-Reply-To"])
            self.assertIn("Acme Support", message["From"])
            self.assertIn("tech@support.example.com", message["Reply-To"])
            body = message.get_body(("html", "plain")).get_content()
            self.assertIn("Please restart the scanner.", body)
            files = [part.get_filename() for part in message.iter_attachments()]
            self.assertIn("manual.pdf", files)
        self.assertEqual(
            set(
                self.env["support.message.log"]
                .search([("message_id", "in", mails.mail_message_id.ids)])
                .mapped("state")
            ),
            {"sent"},
        )
        logs = self.env["support.message.log"].search(
            [("message_id", "in", mails.mail_message_id.ids)]
        )
        self.assertEqual(set(logs.mapped("kind")), {"manual"})

    @mute_logger(
        "odoo.addons.mail.models.mail_mail", "odoo.addons.base.models.ir_mail_server"
    )
    def test_reply_and_email_while_the_server_is_down(self):
        ticket = self._email_ticket()
        self.stop_smtp()
        mail_id = self.last_mail_id()
        agent_ticket = ticket.with_user(self.user_agent)
        reply = agent_ticket.env["support.ticket.reply"].browse(
            agent_ticket.post_reply("Try the other cable.", send_email=True)
        )
        self.send_queued(ticket)
        mails = self.mails_of(ticket, mail_id)
        self.assertEqual(set(mails.mapped("state")), {"exception"})
        logs = self.env["support.message.log"].search(
            [("message_id", "in", mails.mail_message_id.ids)]
        )
        self.assertEqual(set(logs.mapped("kind")), {"manual"})
        self.env.invalidate_all()
        self._assert_not_delivered(agent_ticket, reply, logs)
        # once the server is back, Resend delivers it, still threaded
        self.restart_smtp()
        logs.with_user(self.user_agent).action_resend()
        self.env.invalidate_all()
        self.assertEqual(reply.delivery_state, "sent")
        received = self.received()
        self.assertEqual(
            {rcpt for rcpt_tos, _message in received for rcpt in rcpt_tos},
            {"carla@customer.example.com", "boss@customer.example.com"},
        )
        for _rcpt_tos, message in received:
            self.assertIn("<first-message@customer.example.com>", message["References"])
            self.assertIn("Try the other cable.", message.get_body().get_content())

    def test_reply_and_email_only_for_email_tickets(self):
        manual = self._create_ticket(
            partner_id=self.customer.id, team_id=self.team_tech.id
        )
        self.assertFalse(manual.can_reply_by_email)
        with self.assertRaisesRegex(UserError, "opened by email"):
            manual.with_user(self.user_agent).post_reply("Hi", send_email=True)
        ticket = self._email_ticket()
        with self.assertRaisesRegex(UserError, "internal note"):
            ticket.with_user(self.user_agent).post_reply(
                "Hi", send_email=True, is_internal=True
            )
        self.mail_server.active = False
        ticket.invalidate_recordset(["can_reply_by_email"])
        self.assertFalse(ticket.can_reply_by_email)
        self.assertFalse(ticket.get_conversation()["can_reply_by_email"])

    @mute_logger(
        "odoo.addons.mail.models.mail_mail", "odoo.addons.base.models.ir_mail_server"
    )
    def _assert_not_delivered(self, ticket, reply, logs):
        """What the agent sees of a reply that could not be delivered."""
        self.assertEqual(reply.delivery_state, "error")
        for address in ("carla@customer.example.com", "boss@customer.example.com"):
            self.assertIn(address, reply.delivery_failure)
        self.assertEqual(ticket.delivery_error_count, len(logs))
        message = next(
            m for m in ticket.get_conversation()["messages"] if m["id"] == reply.id
        )
        self.assertEqual(message["delivery"]["state"], "error")
        self.assertIn("boss@customer.example.com", message["delivery"]["failure"])
        action = ticket.action_view_delivery_errors()
        Log = self.env["support.message.log"].with_user(self.user_agent)
        shown = Log.search(action["domain"] + [("state", "=", "error")])
        self.assertEqual(shown, logs)
        self.assertEqual(action["context"]["search_default_filter_error"], 1)
        form = ticket.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="delivery_error_count"', form)
        self.assertIn('name="action_view_delivery_errors"', form)

    def test_stopped_server_then_resend(self):
        ticket = self._email_ticket()
        self.stop_smtp()
        mail_id = self.last_mail_id()
        agent_ticket = ticket.with_user(self.user_agent)
        reply = agent_ticket.env["support.ticket.reply"].browse(
            agent_ticket.post_reply("Are you there?")
        )
        self.send_queued(ticket)
        mails = self.mails_of(ticket, mail_id)
        self.assertEqual(set(mails.mapped("state")), {"exception"})
        logs = self.env["support.message.log"].search(
            [("message_id", "in", mails.mail_message_id.ids)]
        )
        self.assertEqual(len(logs), 2)
        self.assertEqual(set(logs.mapped("state")), {"error"})
        self.assertTrue(all(logs.mapped("failure_reason")))
        self.assertFalse(self.smtp_handler.envelopes)
        # the reply is kept, and the failure shows on it and on the ticket
        self.env.invalidate_all()
        self.assertEqual(reply.body, "<p>Are you there?</p>")
        self._assert_not_delivered(agent_ticket, reply, logs)

        self.restart_smtp()
        result = logs.with_user(self.user_agent).action_resend()
        self.assertEqual(result["params"]["type"], "success")
        self.env.invalidate_all()
        self.assertEqual(set(logs.mapped("state")), {"sent"})
        self.assertEqual(reply.delivery_state, "sent")
        self.assertEqual(agent_ticket.delivery_error_count, 0)
        recipients = {
            rcpt for rcpt_tos, _message in self.received() for rcpt in rcpt_tos
        }
        self.assertEqual(
            recipients, {"carla@customer.example.com", "boss@customer.example.com"}
        )
        # resending one delivers it to that recipient only
        self.smtp_handler.envelopes.clear()
        logs[0].with_user(self.user_agent).action_resend()
        self.assertEqual(len(self.received()), 1)
        self.assertEqual(self.received()[0][0], [logs[0].recipient_address])


@tagged("post_install", "-at_install")
class TestSupportSmsAndPush(SupportMailCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.write(
            {"email": "carla@customer.example.com", "phone": "+32 456 00 11 22"}
        )
        cls.env["ir.config_parameter"].sudo().set_param(
            "support_ticket.sms_on_done", "True"
        )

    def _sms_api(self, state):
        """Replace the call to Odoo's paid SMS service, and only it."""

        def _send_sms_batch(api, messages, delivery_reports_url=False):
            return [
                {"uuid": number["uuid"], "state": state, "credit": 1}
                for message in messages
                for number in message["numbers"]
            ]

        return patch.object(SmsApi, "_send_sms_batch", _send_sms_batch)

    def test_sms_on_resolution_logged_and_resent(self):
        ticket = self._create_ticket(
            partner_id=self.customer.id, team_id=self.team_tech.id
        )
        ticket.stage_id = self.stage_resolved  # queued, not sent during the change
        sms_log = self.env["support.message.log"].search(
            [("ticket_id", "=", ticket.id), ("channel", "=", "sms")]
        )
        self.assertEqual(len(sms_log), 1)
        self.assertEqual(sms_log.kind, "automatic")
        self.assertEqual(sms_log.state, "not_sent")
        self.assertIn(ticket.code, sms_log.body_html)
        self.assertIn("456", sms_log.recipient_address)
        sms = self.env["sms.sms"].search(
            [("mail_message_id", "=", sms_log.message_id.id)]
        )
        with (
            self._sms_api("server_error"),
            mute_logger("odoo.addons.sms.models.sms_sms"),
        ):
            sms.send()
        self.env.invalidate_all()
        self.assertEqual(sms_log.state, "error")
        with self._sms_api("success"):
            sms_log.with_user(self.user_agent).action_resend()
        self.env.invalidate_all()
        self.assertEqual(sms_log.state, "sent")
        # a sent SMS (deleted once sent) can be sent again too: a new one
        with self._sms_api("success"):
            sms_log.with_user(self.user_agent).action_resend()
        self.env.invalidate_all()
        self.assertEqual(sms_log.state, "sent")
        self.assertEqual(
            self.env["sms.sms"].search_count(
                [("mail_message_id", "=", sms_log.message_id.id)]
            ),
            2,
        )

    def test_no_sms_without_phone_or_setting(self):
        self.customer.phone = False
        ticket = self._create_ticket(partner_id=self.customer.id)
        ticket.stage_id = self.stage_closed
        self.assertFalse(
            self.env["support.message.log"].search(
                [("ticket_id", "=", ticket.id), ("channel", "=", "sms")]
            )
        )

    def test_push_notification_logged_and_resent(self):
        self.user_agent.notification_type = "inbox"
        ticket = self._create_ticket(team_id=self.team_tech.id)
        ticket.with_user(self.user_manager).user_id = self.user_agent
        push = self.env["support.message.log"].search(
            [("ticket_id", "=", ticket.id), ("channel", "=", "push")]
        )
        self.assertEqual(len(push), 1)
        self.assertEqual(push.recipient_id, self.user_agent.partner_id)
        self.assertEqual(push.state, "sent")
        push.notification_id.is_read = True
        # with a registered device, resending pushes to it again
        self.env["ir.config_parameter"].sudo().set_param(
            "mail.web_push_vapid_private_key", "private"
        )
        self.env["ir.config_parameter"].sudo().set_param(
            "mail.web_push_vapid_public_key", "public"
        )
        self.env["mail.push.device"].sudo().create(
            {
                "partner_id": self.user_agent.partner_id.id,
                "endpoint": "https://push.example.com/device-1",
                "keys": '{"p256dh": "x", "auth": "y"}',
            }
        )
        pushed = []
        with patch(
            "odoo.addons.mail.models.mail_thread.push_to_end_point",
            lambda **kwargs: pushed.append(kwargs["device"]["endpoint"]),
        ):
            push.with_user(self.user_agent).action_resend()
        self.assertEqual(pushed, ["https://push.example.com/device-1"])
        self.assertFalse(push.notification_id.is_read, "shown again in the inbox")

    def test_manual_sms_from_the_ticket(self):
        ticket = self._create_ticket(
            partner_id=self.customer.id, team_id=self.team_tech.id
        )
        action = ticket.with_user(self.user_agent).action_send_sms()
        composer = (
            self.env[action["res_model"]]
            .with_user(self.user_agent)
            .with_context(**action["context"])
            .create({"body": "The technician arrives at 3 pm."})
        )
        self.assertEqual(composer.recipient_single_number_itf, self.customer.phone)
        with self._sms_api("success"):
            composer._action_send_sms()
        log = self.env["support.message.log"].search(
            [("ticket_id", "=", ticket.id), ("channel", "=", "sms")]
        )
        self.assertEqual(len(log), 1)
        self.assertEqual(log.kind, "manual")
        self.assertEqual(log.author_id, self.user_agent.partner_id)
        self.assertEqual(log.state, "sent")
        self.assertIn("3 pm", log.body_html)
