import logging
import xmlrpc.client
from collections import Counter
from unittest.mock import patch

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .mail_common import SupportMailCommon
from .mail_corpus import FLOODER, Case, opening_cases, reply_cases, simple

_logger = logging.getLogger(__name__)

ORIGINAL_NAME = "original_email.eml"
GATEWAY_LOGGER = "odoo.addons.support_ticket.models.mail_thread"


class SupportMailCorpusCommon(SupportMailCommon):
    def setUp(self):
        super().setUp()
        self.ticket = self.process(
            self.build_email(subject="Printer on fire", text="It smokes.")
        )
        self.ack_message_id = self.last_message_id(self.ticket)
        self.assertTrue(self.ack_message_id)

    def open_many_tickets(self, count=25):
        """More tickets than Odoo's loop guard allows in two hours, from
        addresses other than the one under test."""
        self.env["support.ticket"].create(
            [
                {
                    "name": f"Recent {i}",
                    "origin": "email",
                    "email_from": f"someone{i}@recent.example.com",
                    "notify_customer": False,
                }
                for i in range(count)
            ]
        )
        self.env.flush_all()

    def open_flood(self):
        """An autoresponder that opened more tickets than Odoo allows."""
        self.env["support.ticket"].create(
            [
                {
                    "name": f"Flood {i}",
                    "origin": "email",
                    "email_from": FLOODER,
                    "notify_customer": False,
                }
                for i in range(20)
            ]
        )
        self.env.flush_all()

    def check_case(self, case: Case):
        """Run ``case`` through the gateway and check what it became."""
        Ticket = self.env["support.ticket"]
        count = Ticket.search_count([])
        replies = self.ticket.reply_ids
        mail_id = self.last_mail_id()
        try:
            with self.env.cr.savepoint():
                result = self.env["mail.thread"].message_process(False, case.raw)
                self.env.flush_all()
        except Exception as error:  # noqa: BLE001 - reported as a failure
            self.fail(f"{case.name}: message_process raised {error!r}")
        if case.kind == "refused":
            self.assertIs(result, False, f"{case.name}: refused, never None")
            self.assertEqual(Ticket.search_count([]), count)
            bounce = self.env["mail.mail"].search(
                [("id", ">", mail_id), ("email_to", "ilike", FLOODER)]
            )
            self.assertTrue(bounce, f"{case.name}: the sender is told")
            return
        self.assertTrue(result, f"{case.name}: returned {result!r}, nothing kept")
        record = Ticket.browse(result)
        if case.kind == "ticket":
            self.assertEqual(Ticket.search_count([]), count + 1, case.name)
            content, files = record.description or "", record.attachment_ids
            if case.subject:
                self.assertEqual(record.name, case.subject, case.name)
            if case.email_from:
                self.assertEqual(record.email_from, case.email_from, case.name)
        else:
            self.assertEqual(record, self.ticket, case.name)
            reply = self.ticket.reply_ids - replies
            self.assertEqual(len(reply), 1, f"{case.name}: one reply")
            content, files = reply.body or "", reply.attachment_ids
        message = record.message_ids.filtered(lambda m: m.message_type == "email")[:1]
        self.assertTrue(message, f"{case.name}: the email is in the chatter")
        for text in case.texts:
            self.assertIn(text, content, case.name)
        for text in case.absent:
            self.assertNotIn(text, content, case.name)
        by_name = {attachment.name: attachment for attachment in files}
        for name, data in case.files.items():
            self.assertIn(name, by_name, f"{case.name}: {sorted(by_name)}")
            if data is not None:
                self.assertEqual(by_name[name].raw, data, f"{case.name}: {name}")
        self.assertEqual(
            ORIGINAL_NAME in by_name, case.original, f"{case.name}: original kept"
        )
        if case.original:
            self.assertIn(case.name.encode(), by_name[ORIGINAL_NAME].raw)
            self.assertIn("could not be read", content)


@tagged("post_install", "-at_install")
class TestSupportMailCorpus(SupportMailCorpusCommon):
    """Emails as real mailboxes carry them: each becomes a ticket or a reply
    with everything that was readable, or is refused with a bounce; none
    raises, none is lost."""

    @mute_logger("odoo.sql_db")
    def test_corpus(self):
        cases = opening_cases() + reply_cases(self.ack_message_id)
        self.assertGreaterEqual(len(cases), 40)
        outcomes = Counter()
        for case in cases:
            if case.name == "flood":
                self.open_flood()
            with self.subTest(case=case.name):
                self.check_case(case)
                outcomes[case.kind] += 1
        self.assertEqual(
            outcomes, Counter({"ticket": 37, "reply": 8, "refused": 1}), outcomes
        )
        _logger.info(
            "Mail corpus: %s emails, %s tickets, %s replies, %s refused",
            len(cases),
            outcomes["ticket"],
            outcomes["reply"],
            outcomes["refused"],
        )
        # the 10,000 characters of the subject are kept on the email
        long = self.env["support.ticket"].search([("name", "=like", "Printer xxx%")])
        self.assertEqual(len(long), 1)
        self.assertLessEqual(len(long.name), 250)
        self.assertEqual(
            len(long.message_ids.filtered(lambda m: m.message_type == "email").subject),
            len("Printer ") + 10000,
        )

    # ------------------------------------------------------------
    # the failures seen from outside, one by one
    # ------------------------------------------------------------

    @mute_logger("odoo.sql_db")
    def test_unknown_charset_label(self):
        """Used to raise LookupError out of message_process."""
        raw = simple(
            "charset-label",
            body="Texto en un juego de caracteres desconocido: ñ".encode(),
            ctype=b"text/plain; charset=x-mac-klingon",
        )
        ticket = self.process(raw)
        self.assertIn("desconocido: ñ", ticket.description)
        self.assertIn(ORIGINAL_NAME, ticket.attachment_ids.mapped("name"))

    @mute_logger("odoo.sql_db")
    def test_nul_byte_in_subject(self):
        """Used to raise: PostgreSQL refuses NUL in text."""
        ticket = self.process(simple("nul", subject=b"Print\x00er"))
        self.assertEqual(ticket.name, "Printer")
        reply_raw = simple(
            "nul-reply",
            subject=b"Re: Print\x00er",
            reply_to=self.ack_message_id,
            email_from=b"carla@customer.example.com",
        )
        self.assertEqual(self.process(reply_raw), self.ticket)

    def test_multipart_without_boundary(self):
        """Used to open a ticket whose text was lost."""
        ticket = self.process(
            simple(
                "no-boundary-text",
                body=b"Everything I wrote.",
                ctype=b"multipart/alternative",
            )
        )
        self.assertIn("Everything I wrote.", ticket.description)
        original = ticket.attachment_ids.filtered(lambda a: a.name == ORIGINAL_NAME)
        self.assertIn(b"Everything I wrote.", original.raw)

    def test_from_without_address_after_many_tickets(self):
        """Once about 20 tickets were opened in two hours, Odoo's loop guard
        (``email_from ilike False``) silently dropped every email whose From
        has a name but no address."""
        self.open_many_tickets()
        for name, email_from in (
            ("name-only", b"Dana Corpus"),
            ("brackets", b"<>"),
            ("name-brackets", b'"Dana" <>'),
        ):
            with self.subTest(email_from=email_from):
                ticket = self.process(simple(name, email_from=email_from))
                self.assertTrue(ticket, "kept, not dropped")
                self.assertIn("Hello from the corpus", ticket.description)
                self.assertFalse(ticket.partner_id)
        # an answer too
        reply_raw = simple(
            "name-only-reply", email_from=b"Carla", reply_to=self.ack_message_id
        )
        self.assertEqual(self.process(reply_raw), self.ticket)
        # the guard still refuses a real loop, with a bounce, and says so
        self.open_flood()
        mail_id = self.last_mail_id()
        result = self.env["mail.thread"].message_process(
            False, simple("loop", email_from=FLOODER.encode())
        )
        self.assertIs(result, False)
        self.assertTrue(
            self.env["mail.mail"].search(
                [("id", ">", mail_id), ("email_to", "ilike", FLOODER)]
            )
        )

    def test_unreadable_parts_keep_the_original(self):
        """Parts that even the repairs cannot make readable: the email still
        opens its ticket, with the original attached."""
        raw = simple(
            "unreadable",
            body=b"<p>Unreadable <b>html</b></p>",
            ctype=b"text/html; charset=utf-8",
        )
        with (
            patch(
                "odoo.addons.mail.models.mail_thread.html_sanitize",
                side_effect=ValueError("unreadable"),
            ),
            self.assertLogs(GATEWAY_LOGGER, logging.INFO),
        ):
            ticket = self.process(raw)
        original = ticket.attachment_ids.filtered(lambda a: a.name == ORIGINAL_NAME)
        self.assertIn(b"Unreadable <b>html</b>", original.raw)
        self.assertIn("could not be read", ticket.description)

    def test_email_that_cannot_be_kept_is_refused_with_a_bounce(self):
        """Whatever goes wrong while keeping an answer, nothing raises out of
        the gateway: the sender is told, and the log says why."""
        mail_id = self.last_mail_id()
        raw = simple(
            "cannot-keep",
            reply_to=self.ack_message_id,
            email_from=b"carla@customer.example.com",
        )
        Ticket = type(self.env["support.ticket"])
        with (
            patch.object(Ticket, "_add_reply", side_effect=ValueError("no disk")),
            self.assertLogs(GATEWAY_LOGGER, logging.INFO) as logs,
        ):
            result = self.env["mail.thread"].message_process(False, raw)
        self.assertIs(result, False)
        self.assertIn("refused with a bounce", "\n".join(logs.output))
        self.assertFalse(self.ticket.reply_ids)
        self.assertFalse(
            self.env["mail.message"].search(
                [("message_id", "=", "<corpus-cannot-keep@corpus.example.com>")]
            )
        )
        bounce = self.env["mail.mail"].search(
            [("id", ">", mail_id), ("email_to", "ilike", "carla@customer.example.com")]
        )
        self.assertEqual(len(bounce), 1)
        self.assertIn("could not be processed", bounce.body_html)
        # and the same email, sent again, is kept
        self.assertEqual(self.process(raw), self.ticket)
        self.assertEqual(len(self.ticket.reply_ids), 1)


@tagged("post_install", "-at_install")
class TestSupportMailGatewayScript(SupportMailCorpusCommon, HttpCase):
    """The mail gateway script (``odoo-mailgate.py``) hands each email to
    ``mail.thread.message_process`` through XML-RPC."""

    def mailgate(self, raw):
        admin = self.env.ref("base.user_admin")
        admin.password = "admin-mailgate"
        self.env.flush_all()
        # Odoo 19 warns that XML-RPC goes away in Odoo 22: the script of
        # Odoo 19 still uses it
        with self.assertLogs("odoo.addons.rpc.controllers.xmlrpc", "WARNING"):
            return self.xmlrpc_object.execute_kw(
                self.env.cr.dbname,
                admin.id,
                "admin-mailgate",
                "mail.thread",
                "message_process",
                [False, xmlrpc.client.Binary(raw)],
                {},
            )

    def test_refused_and_address_less_emails_reach_no_error(self):
        """Emails refused by the loop guard made message_process return
        None, which XML-RPC cannot carry: the script got a Fault, and its
        mail server bounced or retried the email forever."""
        self.open_many_tickets()
        ticket_id = self.mailgate(simple("script-name-only", email_from=b"Dana"))
        ticket = self.env["support.ticket"].browse(ticket_id)
        self.assertIn("Hello from the corpus", ticket.description)
        self.open_flood()
        self.assertIs(
            self.mailgate(simple("script-loop", email_from=FLOODER.encode())), False
        )
