"""Replies and changes made at the same moment, each in its own transaction."""

import logging
import re
import threading
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import make_msgid
from functools import partial
from unittest.mock import patch

import requests

import odoo
from odoo import SUPERUSER_ID, api
from odoo.fields import Command
from odoo.service.model import retrying
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import CommittedDataCase
from .test_support_portal import PDF, PNG

_logger = logging.getLogger(__name__)
TIMEOUT = 20


class Interleave:
    """Two transactions made to overlap: the first does its work and stays
    open until the second has started (taken its snapshot); the second then
    does the same work on the same ticket, after the first. The second one
    then hits a serialization failure when it writes what the first wrote,
    and must be retried, as Odoo's HTTP and RPC layers retry it."""

    def __init__(self):
        self.first_done = threading.Event()
        self.second_started = threading.Event()
        self.attempts = {"first": 0, "second": 0}

    def first(self, env, work):
        self.attempts["first"] += 1
        result = work(env)
        env.flush_all()
        self.first_done.set()
        if not self.second_started.wait(TIMEOUT):
            raise AssertionError("the second transaction never started")
        return result

    def second_begins(self, env):
        """Call at the start of the second transaction, before its work."""
        self.attempts["second"] += 1
        if self.attempts["second"] == 1:
            env.cr.execute("SELECT 1")  # its snapshot, taken before the commit
            self.second_started.set()
            if not self.first_done.wait(TIMEOUT):
                raise AssertionError("the first transaction never did its work")

    def second(self, env, work):
        self.second_begins(env)
        return work(env)


@tagged("post_install", "-at_install")
class TestSupportConcurrency(CommittedDataCase):
    """Each scenario runs on committed data, in transactions of their own
    (threads with their own cursors, and real HTTP requests to the server the
    test run starts), then its data is deleted."""

    @classmethod
    def _create_fixture(cls, env):
        env["ir.config_parameter"].set_param("auth_password_policy.minlength", 4)
        agents = [
            new_test_user(
                env,
                login=f"cc_agent_{n}",
                name=f"Concurrent Agent {n}",
                email=f"cc_agent_{n}@support.example.com",
                groups="support_ticket.group_support_user",
            )
            for n in (1, 2)
        ]
        customer = new_test_user(
            env,
            login="cc_customer",
            password="cc_customer",
            name="Concurrent Customer",
            email="cc_customer@customer.example.com",
            groups="base.group_portal",
        )
        team = env["support.team"].create(
            {"name": "Concurrency", "member_ids": [Command.set([a.id for a in agents])]}
        )
        return {
            "agents": [a.id for a in agents],
            "customer": customer.id,
            "partner": customer.partner_id.id,
            "team": team.id,
            "tickets": [],
        }

    @classmethod
    def _drop_fixture(cls, env):
        tickets = env["support.ticket"].browse(cls.ids["tickets"]).exists()
        partners = tickets.partner_id
        tickets.unlink()
        env["support.team"].browse(cls.ids["team"]).unlink()
        users = env["res.users"].browse([*cls.ids["agents"], cls.ids["customer"]])
        partners |= users.partner_id
        users.unlink()
        partners.exists().unlink()

    def _new_ticket(self, **values):
        def create(env):
            ticket = env["support.ticket"].create(
                {
                    "name": "Concurrent printer",
                    "partner_id": self.ids["partner"],
                    "team_id": self.ids["team"],
                    **values,
                }
            )
            return ticket.id

        ticket_id = self._committed(create)
        self.ids["tickets"].append(ticket_id)
        return ticket_id

    def _read(self, func):
        """What is committed, read in a transaction of its own."""
        return self._committed(func)

    def _parallel(self, *workers):
        """Run each ``(uid, func)`` in a thread with its own cursor, retried
        on serialization failures as Odoo's RPC layer does; returns the
        errors that reached the caller."""
        errors = []

        def run(uid, func):
            try:
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, uid, {})
                    retrying(partial(func, env), env)
            except Exception as error:  # noqa: BLE001 - reported by the test
                _logger.info("error in a concurrent transaction: %r", error)
                errors.append(error)

        threads = [threading.Thread(target=run, args=worker) for worker in workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(TIMEOUT * 2)
        if any(thread.is_alive() for thread in threads):
            odoo.tools.misc.dumpstacks()
        self.assertFalse(any(thread.is_alive() for thread in threads), "deadlock")
        return errors

    def _conversation(self, ticket_id):
        def read(env):
            ticket = env["support.ticket"].browse(ticket_id)
            replies = ticket.reply_ids.sorted(lambda r: (r.date, r.id))
            return {
                "stage": ticket.stage_id.id,
                "bodies": [re.sub(r"<[^>]+>", "", r.body).strip() for r in replies],
                "files": [
                    sorted((a.name, a.raw) for a in r.attachment_ids) for r in replies
                ],
            }

        return self._read(read)

    @contextmanager
    def capture_retries(self):
        """The retries of Odoo's ``retrying`` (from any thread), and the
        errors PostgreSQL reports for them, kept out of the log."""
        records = []
        handler = logging.Handler(logging.INFO)
        handler.emit = records.append
        logger = logging.getLogger("odoo.service.model")
        logger.addHandler(handler)
        try:
            with mute_logger("odoo.sql_db"):
                yield records
        finally:
            logger.removeHandler(handler)

    def assertRetried(self, records):
        messages = [record.getMessage() for record in records]
        self.assertTrue(
            any("SERIALIZATION_FAILURE" in message for message in messages),
            f"the second transaction was retried: {messages}",
        )

    # ------------------------------------------------------------
    # two staff replying at the same moment
    # ------------------------------------------------------------

    def test_two_staff_reply_at_once(self):
        ticket_id = self._new_ticket()
        agent_1, agent_2 = self.ids["agents"]
        overlap = Interleave()

        def reply(text, env):
            env["support.ticket"].browse(ticket_id).post_reply(text)

        with self.capture_retries() as logs:
            errors = self._parallel(
                (agent_1, partial(overlap.first, work=partial(reply, "First answer"))),
                (
                    agent_2,
                    partial(overlap.second, work=partial(reply, "Second answer")),
                ),
            )
        self.assertEqual(errors, [], "no error reaches the staff")
        self.assertRetried(logs)
        self.assertEqual(overlap.attempts, {"first": 1, "second": 2})
        conversation = self._conversation(ticket_id)
        self.assertEqual(conversation["bodies"], ["First answer", "Second answer"])

        # and the customer heard of both
        def notified(env):
            return env["mail.message"].search_count(
                [
                    ("model", "=", "support.ticket"),
                    ("res_id", "=", ticket_id),
                    ("subject", "ilike", "New reply"),
                ]
            )

        self.assertEqual(self._read(notified), 2)

    # ------------------------------------------------------------
    # a customer replying on the portal while staff change the state
    # ------------------------------------------------------------

    def _portal_session(self, login):
        base = f"http://127.0.0.1:{odoo.service.server.server.httpd.server_port}"
        session = requests.Session()
        page = session.get(f"{base}/web/login?db={self.env.cr.dbname}", timeout=TIMEOUT)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
        response = session.post(
            f"{base}/web/login",
            data={"login": login, "password": login, "csrf_token": csrf},
            timeout=TIMEOUT,
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303, "logged in")
        return base, session

    def _files_count(self):
        def count(env):
            return env["ir.attachment"].search_count(
                [("name", "in", ["screen.png", "invoice.pdf"])]
            )

        return self._read(count)

    def _portal_reply_during(self, stage_xmlid, body):
        """The customer posts a reply with two files through the portal (a
        real HTTP request, retried by Odoo's HTTP layer) while an agent moves
        the ticket to ``stage_xmlid`` in another transaction."""
        ticket_id = self._new_ticket()
        stage_id = self.env.ref(stage_xmlid).id
        base, session = self._portal_session("cc_customer")
        page = session.get(f"{base}/my/tickets/{ticket_id}", timeout=TIMEOUT)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
        overlap = Interleave()
        Ticket = type(self.env["support.ticket"])
        original = Ticket._portal_reply

        def portal_reply(ticket, *args, **kwargs):
            overlap.second_begins(ticket.env)
            return original(ticket, *args, **kwargs)

        def change_state(env):
            env["support.ticket"].browse(ticket_id).stage_id = stage_id

        response = {}

        def customer():
            response["reply"] = session.post(
                f"{base}/my/tickets/{ticket_id}/reply",
                data={"csrf_token": csrf, "body": body},
                files=[
                    ("attachments", ("screen.png", PNG, "image/png")),
                    ("attachments", ("invoice.pdf", PDF, "application/pdf")),
                ],
                timeout=TIMEOUT * 2,
                allow_redirects=False,
            )

        with (
            patch.object(Ticket, "_portal_reply", portal_reply),
            self.capture_retries() as logs,
        ):
            thread = threading.Thread(target=customer)
            thread.start()
            errors = self._parallel(
                (
                    self.ids["agents"][0],
                    partial(overlap.first, work=change_state),
                ),
            )
            thread.join(TIMEOUT * 2)
        self.assertEqual(errors, [], "no error reaches the agent")
        self.assertRetried(logs)
        self.assertEqual(overlap.attempts["second"], 2, "the reply was retried")
        self.assertEqual(self._conversation(ticket_id)["stage"], stage_id)
        return ticket_id, response["reply"]

    def test_customer_replies_while_staff_change_the_state(self):
        ticket_id, response = self._portal_reply_during(
            "support_ticket.support_stage_in_progress", "Still broken"
        )
        self.assertEqual(response.status_code, 303, "no error reaches the customer")
        conversation = self._conversation(ticket_id)
        self.assertEqual(conversation["bodies"], ["Still broken"])
        # both files, whole: the retried request read them again
        self.assertEqual(
            conversation["files"], [[("invoice.pdf", PDF), ("screen.png", PNG)]]
        )

    def test_customer_replies_while_staff_resolve(self):
        files_before = self._files_count()
        ticket_id, response = self._portal_reply_during(
            "support_ticket.support_stage_resolved", "One more thing"
        )
        # the reply came after the resolution: refused as every reply to a
        # resolved ticket, and what was written is shown again to be kept
        self.assertEqual(response.status_code, 400)
        self.assertIn("Reopen it to reply", response.text)
        self.assertIn("Your message, not sent", response.text)
        self.assertIn("One more thing", response.text)
        self.assertEqual(self._conversation(ticket_id)["bodies"], [])
        self.assertEqual(self._files_count(), files_before, "no file without its reply")

    # ------------------------------------------------------------
    # two emails answering one ticket, processed at once
    # ------------------------------------------------------------

    def _email(self, subject, text, in_reply_to=None):
        message = EmailMessage()
        message["From"] = "Concurrent Customer <cc_customer@customer.example.com>"
        message["To"] = "support@support.example.com"
        message["Subject"] = subject
        message["Message-ID"] = make_msgid(domain="customer.example.com")
        if in_reply_to:
            message["In-Reply-To"] = in_reply_to
            message["References"] = in_reply_to
        message.set_content(text)
        return message

    def test_two_emails_answering_one_ticket_at_once(self):
        first = self._email("Router down", "It blinks red.")

        def process(raw, env):
            return env["mail.thread"].message_process("support.ticket", raw)

        ticket_id = self._committed(partial(process, first.as_bytes()))
        self.ids["tickets"].append(ticket_id)
        answers = [
            self._email("Re: Router down", text, first["Message-ID"]).as_bytes()
            for text in ("Now it blinks green.", "And now it works.")
        ]
        overlap = Interleave()
        with self.capture_retries():
            errors = self._parallel(
                (
                    SUPERUSER_ID,
                    partial(overlap.first, work=partial(process, answers[0])),
                ),
                (
                    SUPERUSER_ID,
                    partial(overlap.second, work=partial(process, answers[1])),
                ),
            )
        self.assertEqual(errors, [])
        self.assertEqual(
            self._conversation(ticket_id)["bodies"],
            ["Now it blinks green.", "And now it works."],
        )
