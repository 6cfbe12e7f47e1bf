import threading
import time
from datetime import UTC, timedelta
from email.utils import format_datetime
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, fields
from odoo.modules.registry import DummyRLock, Registry
from odoo.service import model as service_model
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestSupportMailConcurrency(TransactionCase):
    """Two emails answering one ticket, processed at the same moment in
    transactions of their own, as two deliveries of the mail gateway script
    or an incoming mail server and the script do: every reply is kept, in
    the order they were written, and no error reaches the sender.

    Each scenario runs on data committed for it (removed afterwards), in
    real threads with their own cursors; the test's own transaction takes
    no part."""

    def setUp(self):
        super().setUp()
        self.created = {"support.ticket": [], "res.partner": []}
        self.addCleanup(self._remove_committed)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            stamp = f"{time.time_ns()}"
            self.email = f"race.{stamp}@customer.example.com"
            partner = env["res.partner"].create(
                {"name": "Rita Race", "email": self.email}
            )
            ticket = (
                env["support.ticket"]
                .with_context(mail_create_nosubscribe=True)
                .create(
                    {
                        "name": "Race condition",
                        "origin": "email",
                        "email_from": self.email,
                        "partner_id": partner.id,
                        "notify_customer": False,
                    }
                )
            )
            sent = ticket.message_post(
                body="We are on it.",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            self.created["res.partner"].append(partner.id)
            self.created["support.ticket"].append(ticket.id)
            self.ticket_id, self.answered = ticket.id, sent.message_id
            self.stage_closed_id = env.ref("support_ticket.support_stage_closed").id
            # opened an hour ago, so that the answers can be dated in between
            self.opened = fields.Datetime.now() - timedelta(hours=1)
            cr.execute(
                "UPDATE support_ticket SET create_date = %s WHERE id = %s",
                (self.opened, ticket.id),
            )
            cr.execute(
                "UPDATE mail_message SET date = %s WHERE id = %s",
                (self.opened, sent.id),
            )

    def _remove_committed(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            tickets = env["support.ticket"].browse(self.created["support.ticket"])
            tickets |= tickets.child_ticket_ids
            env["mail.mail"].search(
                [("model", "=", "support.ticket"), ("res_id", "in", tickets.ids)]
            ).unlink()
            tickets.exists().unlink()
            env["res.partner"].browse(self.created["res.partner"]).exists().unlink()

    # ------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------

    def answer(self, key, written, cc=None):
        """The customer's answer ``key``, written ``written`` seconds after
        the ticket was opened."""
        date = (self.opened + timedelta(seconds=written)).replace(tzinfo=UTC)
        lines = [
            f"From: Rita Race <{self.email}>",
            "To: support@race.example.com",
            f"Subject: Re: Race condition ({key})",
            f"Date: {format_datetime(date)}",
            f"Message-ID: <race-{key}-{self.ticket_id}@customer.example.com>",
            f"In-Reply-To: {self.answered}",
            f"References: {self.answered}",
            *([f"Cc: {cc}"] if cc else []),
            "Content-Type: text/plain; charset=utf-8",
            "",
            f"Answer {key}.",
        ]
        return "\r\n".join(lines).encode()

    def by_mailgate(self, raw):
        """What the mail gateway script does: an XML-RPC call, which Odoo
        runs in a transaction of its own, retried on serialization
        failures."""
        with self.registry.cursor() as cr:
            return service_model.execute_cr(
                cr, SUPERUSER_ID, "mail.thread", "message_process", [False, raw], {}
            )

    def by_mail_server(self, raw):
        """What an incoming mail server does: each email in a transaction of
        its own, committed after it (when the cursor closes, here)."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"fetchmail_cron_running": True})
            return env["mail.thread"].message_process(False, raw)

    def run_at_once(self, emails):
        """Process ``emails`` (``(key, raw, way)``) in parallel threads. Each
        first attempt waits for the others inside the ticket's gateway hook,
        so that all transactions are open together; the first email is
        then held back a moment, so that it commits last."""
        Ticket = self.registry["support.ticket"]
        original = Ticket.message_update
        barrier = threading.Barrier(len(emails))
        attempts = {key: 0 for key, _raw, _way in emails}
        first = emails[0][0]
        local = threading.local()

        def message_update(ticket, msg_dict, update_vals=None):
            attempts[local.key] += 1
            if attempts[local.key] == 1:
                barrier.wait(timeout=30)
                if local.key == first:
                    time.sleep(1)
            return original(ticket, msg_dict, update_vals=update_vals)

        results, errors = {}, {}

        def work(key, raw, way):
            local.key = key
            try:
                results[key] = way(raw)
            except Exception as error:  # noqa: BLE001 - asserted below
                errors[key] = error

        threads = [threading.Thread(target=work, args=email) for email in emails]
        with (
            patch.object(Ticket, "message_update", message_update),
            # the test runner holds the registries' lock while it runs the
            # tests: let the threads reach the registry, as HttpCase does
            patch.object(Registry, "_lock", DummyRLock()),
            # PostgreSQL's refusal is logged as a bad query before the retry
            mute_logger("odoo.sql_db"),
        ):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
        self.assertFalse(errors, "no error reaches the sender")
        self.assertEqual(results, dict.fromkeys(attempts, self.ticket_id))
        return attempts

    def check_ticket(self, check):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            check(env["support.ticket"].browse(self.ticket_id))

    def assert_conversation(self, ticket, keys):
        bodies = [message["body"] for message in ticket._conversation_messages()[1:]]
        self.assertEqual(len(bodies), len(keys), bodies)
        for body, key in zip(bodies, keys, strict=True):
            self.assertIn(f"Answer {key}.", body)
        self.assertFalse(
            ticket.env["mail.mail"].search(
                [
                    ("email_to", "ilike", self.email),
                    ("body_html", "ilike", "could not be processed"),
                ]
            ),
            "no bounce",
        )

    # ------------------------------------------------------------
    # scenarios
    # ------------------------------------------------------------

    def test_two_answers_at_once(self):
        """Two plain answers: both kept, in the order they were written
        although the first one commits last."""
        self.run_at_once(
            [
                ("a", self.answer("a", 1), self.by_mailgate),
                ("b", self.answer("b", 2), self.by_mailgate),
            ]
        )

        def check(ticket):
            self.assert_conversation(ticket, ["a", "b"])
            self.assertEqual(len(ticket.reply_ids), 2)

        self.check_ticket(check)

    def test_two_answers_copying_people_at_once(self):
        """Both answers change the ticket (their CC): the one that commits
        last fails to serialize and is retried; both CCs and both replies
        are kept."""
        attempts = self.run_at_once(
            [
                (
                    "a",
                    self.answer("a", 1, cc="ana@customer.example.com"),
                    self.by_mailgate,
                ),
                (
                    "b",
                    self.answer("b", 2, cc="ben@customer.example.com"),
                    self.by_mailgate,
                ),
            ]
        )
        self.assertEqual(attempts, {"a": 2, "b": 1}, "a was retried")

        def check(ticket):
            self.assert_conversation(ticket, ["a", "b"])
            self.assertIn("ana@customer.example.com", ticket.email_cc)
            self.assertIn("ben@customer.example.com", ticket.email_cc)

        self.check_ticket(check)

    def test_two_answers_reopening_a_closed_ticket_at_once(self):
        """Both answers reopen the closed ticket: it is reopened once, and
        both are kept."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["support.ticket"].browse(self.ticket_id).stage_id = self.stage_closed_id
        attempts = self.run_at_once(
            [
                ("a", self.answer("a", 1), self.by_mailgate),
                ("b", self.answer("b", 2), self.by_mailgate),
            ]
        )
        self.assertEqual(attempts, {"a": 2, "b": 1}, "a was retried")

        def check(ticket):
            self.assertFalse(ticket.is_locked)
            self.assert_conversation(ticket, ["a", "b"])
            reopened = ticket.env["mail.mail"].search(
                [
                    ("model", "=", "support.ticket"),
                    ("res_id", "=", ticket.id),
                    ("subject", "ilike", "open again"),
                ]
            )
            self.assertEqual(len(reopened), 1, "the sender is told once")

        self.check_ticket(check)

    def test_mail_server_and_mailgate_at_once(self):
        """An incoming mail server and the mail gateway script deliver two
        answers at once: the mail server's email, which fails to serialize,
        is retried too instead of being lost."""
        attempts = self.run_at_once(
            [
                (
                    "a",
                    self.answer("a", 1, cc="ana@customer.example.com"),
                    self.by_mail_server,
                ),
                (
                    "b",
                    self.answer("b", 2, cc="ben@customer.example.com"),
                    self.by_mailgate,
                ),
            ]
        )
        self.assertEqual(attempts, {"a": 2, "b": 1}, "a was retried")

        def check(ticket):
            self.assert_conversation(ticket, ["a", "b"])
            self.assertIn("ana@customer.example.com", ticket.email_cc)

        self.check_ticket(check)
