import importlib.util
import socket
import threading
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from unittest.mock import patch

from odoo import fields
from odoo.fields import Command
from odoo.tools.misc import file_path

from odoo.addons.base.models.ir_mail_server import IrMail_Server

from .common import SupportTicketCommon

try:
    from aiosmtpd.controller import Controller
except ImportError:  # pragma: no cover - bin/test installs it
    Controller = None


def odoo_sample_emails():
    """Odoo's own sample emails (addons/test_mail/data/test_mail_data.py),
    loaded from their file: the test_mail addon need not be installed."""
    spec = importlib.util.spec_from_file_location(
        "support_ticket_test_mail_data", file_path("test_mail/data/test_mail_data.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class CollectingHandler:
    """aiosmtpd handler that keeps every message received."""

    def __init__(self):
        self.envelopes = []
        self.received = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        self.envelopes.append(envelope)
        self.received.set()
        return "250 Message accepted for delivery"


class SupportMailCommon(SupportTicketCommon):
    """Alias domain and area addresses, helpers to build real RFC 822
    messages and to run them through the mail gateway."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["mail.alias.domain"].search([]).write({"sequence": 9999})
        cls.alias_domain = cls.env["mail.alias.domain"].create(
            {
                "name": "support.example.com",
                "bounce_alias": "bounce",
                "catchall_alias": "catchall",
                "default_from": "notifications",
                "sequence": 1,
            }
        )
        cls.company.alias_domain_id = cls.alias_domain
        cls.company.email = "hello@support.example.com"
        cls.team_tech.write(
            {"alias_name": "tech", "alias_domain_id": cls.alias_domain.id}
        )
        cls.default_alias = cls.company._support_get_or_create_alias()
        cls.default_alias.alias_name = "support"
        cls.env["ir.config_parameter"].sudo().set_param(
            "mail.catchall.domain.allowed", False
        )

    # ------------------------------------------------------------
    # incoming mail
    # ------------------------------------------------------------

    def build_email(
        self,
        to="tech@support.example.com",
        email_from='"Carla Customer" <carla@customer.example.com>',
        subject="My printer is on fire",
        text="Hello, my printer smokes.",
        html=None,
        cc=None,
        message_id=None,
        in_reply_to=None,
        references=None,
        attachments=(),
        headers=None,
    ):
        """A real RFC 822 message, as bytes."""
        message = EmailMessage()
        if email_from:
            message["From"] = email_from
        message["To"] = to
        if cc:
            message["Cc"] = cc
        if subject is not None:
            message["Subject"] = subject
        message["Date"] = format_datetime(fields.Datetime.now().astimezone())
        message["Message-ID"] = message_id or make_msgid(domain="customer.example.com")
        if in_reply_to:
            message["In-Reply-To"] = in_reply_to
        if references:
            message["References"] = references
        for name, value in (headers or {}).items():
            message[name] = value
        message.set_content(text)
        if html:
            message.add_alternative(html, subtype="html")
        for name, content, mimetype in attachments:
            maintype, subtype = mimetype.split("/")
            message.add_attachment(
                content, maintype=maintype, subtype=subtype, filename=name
            )
        return message.as_bytes()

    def process(self, raw, acknowledge=True):
        """Run a message through the gateway, as the fetchmail cron does, then
        (unless ``acknowledge`` is false) the acknowledgement job, which the
        new ticket triggers and Odoo's cron worker runs right after."""
        if isinstance(raw, str):
            raw = raw.encode()
        thread_id = self.env["mail.thread"].message_process(False, raw)
        self.env.flush_all()
        if acknowledge:
            self.send_acknowledgements()
        return self.env["support.ticket"].browse(thread_id) if thread_id else None

    def last_message_id(self, ticket):
        """Message-Id of the last email the ticket sent to its customer."""
        mails = self.env["mail.mail"].search(
            [
                ("model", "=", "support.ticket"),
                ("res_id", "=", ticket.id),
                ("recipient_ids", "in", ticket.partner_id.ids),
            ],
            order="id desc",
            limit=1,
        )
        return mails.message_id

    def mails_of(self, ticket, since_id=0):
        return self.env["mail.mail"].search(
            [
                ("model", "=", "support.ticket"),
                ("res_id", "=", ticket.id),
                ("id", ">", since_id),
            ],
            order="id",
        )

    def last_mail_id(self):
        return self.env["mail.mail"].search([], order="id desc", limit=1).id or 0

    def recipients(self, mails):
        """Every address the emails go to: partners and bare addresses."""
        addresses = set(mails.recipient_ids.mapped("email"))
        for mail in mails:
            for field in ("email_to", "email_cc"):
                addresses |= {
                    a.strip() for a in (mail[field] or "").split(",") if a.strip()
                }
        return {a.split("<")[-1].rstrip(">").strip().lower() for a in addresses}


class SupportSmtpCommon(SupportMailCommon):
    """A real SMTP server on 127.0.0.1 receives what Odoo sends."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if Controller is None:
            raise RuntimeError(
                "aiosmtpd is required by these tests (see requirements-test.txt)"
            )
        cls.smtp_handler = CollectingHandler()
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            cls.smtp_port = sock.getsockname()[1]
        cls.smtp = Controller(
            cls.smtp_handler, hostname="127.0.0.1", port=cls.smtp_port
        )
        cls.smtp.start()
        cls.addClassCleanup(cls._stop_smtp)
        cls.mail_server = cls.env["ir.mail_server"].create(
            {
                "name": "Loopback SMTP",
                "smtp_host": "127.0.0.1",
                "smtp_port": cls.smtp_port,
                "smtp_encryption": "none",
                "smtp_authentication": "login",
                "sequence": 1,
            }
        )
        cls.env["ir.mail_server"].search(
            [("id", "!=", cls.mail_server.id)]
        ).active = False

    @classmethod
    def _stop_smtp(cls):
        if cls.smtp is not None and cls.smtp.loop.is_running():
            cls.smtp.stop()

    def setUp(self):
        super().setUp()
        # let emails leave for the loopback server during these tests
        patcher = patch.object(IrMail_Server, "_disable_send", return_value=False)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.smtp_handler.envelopes.clear()

    def stop_smtp(self):
        type(self).smtp.stop()

    def restart_smtp(self):
        cls = type(self)
        cls.smtp = Controller(
            cls.smtp_handler, hostname="127.0.0.1", port=cls.smtp_port
        )
        cls.smtp.start()

    def send_queued(self, ticket):
        mails = self.env["mail.mail"].search(
            [
                ("model", "=", "support.ticket"),
                ("res_id", "=", ticket.id),
                ("state", "=", "outgoing"),
            ]
        )
        mails.send(raise_exception=False)
        return mails

    def received(self):
        """The messages the SMTP server received, parsed."""
        import email
        import email.policy

        return [
            (
                envelope.rcpt_tos,
                email.message_from_bytes(
                    envelope.original_content, policy=email.policy.SMTP
                ),
            )
            for envelope in self.smtp_handler.envelopes
        ]


def link_member(team, user):
    team.member_ids = [Command.link(user.id)]
