"""Resolved tickets closed after a silence, reminders to waiting customers: the
scheduled jobs, run as the scheduler runs them, twice, and two at once."""

import logging
import threading
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import SUPERUSER_ID, api, fields
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .common import CommittedDataCase
from .mail_common import SupportMailCommon

_logger = logging.getLogger(__name__)

# what the two notices say (data/support_autoclose_data.xml)
AUTOCLOSE_TEXT = "have not heard from you"
REMINDER_TEXT = "waiting for information from you"
TIMEOUT = 20


def notices(ticket, text):
    """The messages of ``ticket`` whose body says ``text``."""
    return ticket.message_ids.filtered(lambda m: text in str(m.body))


@tagged("post_install", "-at_install")
class TestSupportAutoclose(SupportMailCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team_tech.write({"autoclose_days": 7, "reminder_days": 3})
        cls.team_billing.write({"autoclose_days": 0, "reminder_days": 0})
        cls.autoclose_cron = cls.env.ref("support_ticket.ir_cron_support_autoclose")
        cls.reminder_cron = cls.env.ref("support_ticket.ir_cron_support_reminder")

    def setUp(self):
        super().setUp()
        self.start = fields.Datetime.now()

    def _ticket(self, stage, team=None, **values):
        with freeze_time(self.start):
            ticket = self._create_ticket(
                partner_id=self.customer.id,
                team_id=(team or self.team_tech).id,
                **values,
            )
            ticket.stage_id = stage
        return ticket

    def run_job(self, cron, days):
        """Run ``cron`` as the scheduler does (its own transaction, its
        progress), ``days`` after the start of the test."""
        with (
            freeze_time(self.start + timedelta(days=days)),
            self.enter_registry_test_mode(),
        ):
            result = cron.method_direct_trigger()
        self.assertIs(result, True, "the job failed")
        self.env.invalidate_all()

    # ------------------------------------------------------------------
    # closing resolved tickets
    # ------------------------------------------------------------------

    def test_area_defaults(self):
        team = self.env["support.team"].create({"name": "Defaults"})
        self.assertEqual((team.autoclose_days, team.reminder_days), (7, 3))

    def test_resolved_ticket_closed_once_after_the_days_of_its_area(self):
        ticket = self._ticket(self.stage_resolved)
        still_open = self._ticket(self.stage_open)
        self.assertEqual(ticket.stage_date, self.start)
        self.run_job(self.autoclose_cron, 6)
        self.assertEqual(ticket.stage_id, self.stage_resolved)

        self.run_job(self.autoclose_cron, 8)
        self.assertEqual(ticket.stage_id, self.stage_closed)
        self.assertTrue(ticket.closed_date)
        notice = notices(ticket, AUTOCLOSE_TEXT)
        self.assertEqual(len(notice), 1)
        self.assertEqual(notice.partner_ids, self.customer)
        self.assertIn(f"[{ticket.code}]", notice.subject)
        self.assertEqual(
            len(
                self.mails_of(ticket).filtered(lambda m: AUTOCLOSE_TEXT in m.body_html)
            ),
            1,
        )
        # the notice replaces the usual "closed" notification
        self.assertFalse(notices(ticket, "is now closed"))
        self.assertEqual(still_open.stage_id, self.stage_open)

        # run again: nothing twice
        self.run_job(self.autoclose_cron, 9)
        self.run_job(self.autoclose_cron, 30)
        self.assertEqual(len(notices(ticket, AUTOCLOSE_TEXT)), 1)
        self.assertEqual(ticket.stage_id, self.stage_closed)

    def test_autoclose_off_when_zero(self):
        ticket = self._ticket(self.stage_resolved, team=self.team_billing)
        self.run_job(self.autoclose_cron, 100)
        self.assertEqual(ticket.stage_id, self.stage_resolved)
        self.assertFalse(notices(ticket, AUTOCLOSE_TEXT))
        # and on again: counted from when it was resolved
        self.team_billing.autoclose_days = 30
        self.run_job(self.autoclose_cron, 100)
        self.assertEqual(ticket.stage_id, self.stage_closed)

    def test_reopened_ticket_counts_again_from_its_new_resolution(self):
        ticket = self._ticket(self.stage_resolved)
        with freeze_time(self.start + timedelta(days=5)):
            ticket.action_reopen()
            ticket.stage_id = self.stage_resolved
        self.assertEqual(ticket.stage_date, self.start + timedelta(days=5))
        self.run_job(self.autoclose_cron, 8)
        self.assertEqual(ticket.stage_id, self.stage_resolved)
        self.run_job(self.autoclose_cron, 13)
        self.assertEqual(ticket.stage_id, self.stage_closed)

    def test_same_state_written_again_keeps_its_date(self):
        ticket = self._ticket(self.stage_resolved)
        with freeze_time(self.start + timedelta(days=5)):
            (ticket | self._ticket(self.stage_open)).stage_id = self.stage_resolved
        self.assertEqual(ticket.stage_date, self.start)

    def test_no_closed_state_in_the_company(self):
        """A company without a closed state keeps its resolved tickets."""
        self.stage_closed.is_closed = False
        ticket = self._ticket(self.stage_resolved)
        self.run_job(self.autoclose_cron, 8)
        self.assertEqual(ticket.stage_id, self.stage_resolved)

    # ------------------------------------------------------------------
    # reminders
    # ------------------------------------------------------------------

    def test_waiting_customer_reminded_once(self):
        ticket = self._ticket(self.stage_pending)
        self.run_job(self.reminder_cron, 2)
        self.assertFalse(ticket.reminder_sent_date)

        self.run_job(self.reminder_cron, 4)
        self.assertEqual(ticket.reminder_sent_date, self.start + timedelta(days=4))
        reminder = notices(ticket, REMINDER_TEXT)
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.partner_ids, self.customer)
        self.assertEqual(ticket.stage_id, self.stage_pending)

        self.run_job(self.reminder_cron, 5)
        self.run_job(self.reminder_cron, 20)
        self.assertEqual(len(notices(ticket, REMINDER_TEXT)), 1)

    def test_customer_answer_on_the_portal_resets_the_reminder(self):
        ticket = self._ticket(self.stage_pending)
        self.run_job(self.reminder_cron, 4)
        self.assertTrue(ticket.reminder_sent_date)
        answered = self.start + timedelta(days=5)
        with freeze_time(answered):
            ticket._portal_reply(self.customer, "Here is the serial number.")
        self.assertEqual(ticket.last_customer_reply_date, answered)
        self.assertFalse(ticket.reminder_sent_date)
        # still waiting: counted from the answer
        self.run_job(self.reminder_cron, 7)
        self.assertEqual(len(notices(ticket, REMINDER_TEXT)), 1)
        self.run_job(self.reminder_cron, 9)
        self.assertEqual(len(notices(ticket, REMINDER_TEXT)), 2)
        self.run_job(self.reminder_cron, 10)
        self.assertEqual(len(notices(ticket, REMINDER_TEXT)), 2)

    def test_customer_answer_by_email_resets_the_reminder(self):
        ticket = self.process(self.build_email(subject="Scanner jammed"))
        ticket.stage_id = self.stage_pending
        self.run_job(self.reminder_cron, 4)
        self.assertTrue(ticket.reminder_sent_date)
        with freeze_time(self.start + timedelta(days=5)):
            self.process(
                self.build_email(
                    subject=f"Re: [{ticket.code}] Scanner jammed",
                    text="It is model X200.",
                    in_reply_to=self.last_message_id(ticket),
                )
            )
        self.assertEqual(len(ticket.reply_ids), 1)
        self.assertEqual(
            ticket.last_customer_reply_date, self.start + timedelta(days=5)
        )
        self.assertFalse(ticket.reminder_sent_date)

    def test_team_answers_are_not_the_customer(self):
        ticket = self._ticket(self.stage_pending)
        self.run_job(self.reminder_cron, 4)
        with freeze_time(self.start + timedelta(days=5)):
            ticket.with_user(self.user_agent)._add_reply("Any news?")
            # an agent answering the thread from their mailbox
            ticket._add_reply(
                "Still waiting.",
                origin="email",
                author_id=self.user_agent.partner_id.id,
            )
            ticket._add_reply("Internal", is_internal=True)
        self.assertFalse(ticket.last_customer_reply_date)
        self.assertTrue(ticket.reminder_sent_date)
        self.run_job(self.reminder_cron, 20)
        self.assertEqual(len(notices(ticket, REMINDER_TEXT)), 1)

    def test_state_change_resets_the_reminder(self):
        ticket = self._ticket(self.stage_pending)
        self.run_job(self.reminder_cron, 4)
        with freeze_time(self.start + timedelta(days=5)):
            ticket.stage_id = self.stage_open
        self.assertFalse(ticket.reminder_sent_date)
        with freeze_time(self.start + timedelta(days=6)):
            ticket.stage_id = self.stage_pending
        self.run_job(self.reminder_cron, 8)
        self.assertEqual(len(notices(ticket, REMINDER_TEXT)), 1)
        self.run_job(self.reminder_cron, 9)
        self.assertEqual(len(notices(ticket, REMINDER_TEXT)), 2)

    def test_reminder_off_when_zero_and_without_customer(self):
        off = self._ticket(self.stage_pending, team=self.team_billing)
        silent = self._ticket(self.stage_pending, notify_customer=False)
        self.run_job(self.reminder_cron, 30)
        self.assertFalse(off.reminder_sent_date)
        self.assertFalse(notices(off, REMINDER_TEXT))
        # the customer who asked for no email gets none, and the ticket is
        # not looked at again
        self.assertTrue(silent.reminder_sent_date)
        self.assertFalse(notices(silent, REMINDER_TEXT))

    def test_jobs_in_batches(self):
        """A run handles every ticket in batches, each committed with its
        progress; the next run finds nothing."""
        tickets = self.env["support.ticket"]
        for _i in range(5):
            tickets |= self._ticket(self.stage_resolved)
        with (
            freeze_time(self.start + timedelta(days=8)),
            self.enter_registry_test_mode(),
            self.registry.cursor() as cr,
            patch.object(
                type(self.env["ir.cron"]),
                "_commit_progress",
                autospec=True,
                side_effect=type(self.env["ir.cron"])._commit_progress,
            ) as progress,
        ):
            self.env(cr=cr)["support.ticket"]._cron_autoclose(batch_size=2)
        self.env.invalidate_all()
        self.assertEqual(set(tickets.stage_id), {self.stage_closed})
        self.assertEqual(
            [call.args[1:] for call in progress.call_args_list],
            [(2,), (2,), (1,)],
        )
        self.assertEqual(
            [call.kwargs["remaining"] for call in progress.call_args_list], [3, 1, 0]
        )

    def test_spanish_notice(self):
        self.env["res.lang"]._activate_lang("es_ES")
        self.customer.lang = "es_ES"
        ticket = self._ticket(self.stage_pending)
        template = self.env.ref("support_ticket.mail_template_ticket_reminder")
        template.with_context(lang="es_ES").subject = "[{{ object.code }}] Esperamos"
        self.run_job(self.reminder_cron, 4)
        reminder = ticket.message_ids.filtered(
            lambda m: "Esperamos" in (m.subject or "")
        )
        self.assertEqual(len(reminder), 1)


@tagged("post_install", "-at_install")
class TestSupportAutocloseConcurrency(CommittedDataCase):
    """The jobs on several workers at once: each in a thread with its own
    cursor and transaction, on committed data (deleted afterwards)."""

    @classmethod
    def _create_fixture(cls, env):
        agent = new_test_user(
            env,
            login="ac_agent",
            name="Autoclose Agent",
            email="ac_agent@support.example.com",
            groups="support_ticket.group_support_user",
        )
        customer = env["res.partner"].create(
            {"name": "Autoclose Customer", "email": "ac@customer.example.com"}
        )
        team = env["support.team"].create(
            {
                "name": "Autoclose",
                "member_ids": [Command.link(agent.id)],
                "autoclose_days": 2,
                "reminder_days": 1,
            }
        )
        return {
            "agent": agent.id,
            "customer": customer.id,
            "team": team.id,
            "tickets": [],
        }

    @classmethod
    def _drop_fixture(cls, env):
        env["support.ticket"].browse(cls.ids["tickets"]).exists().unlink()
        env["support.team"].browse(cls.ids["team"]).unlink()
        user = env["res.users"].browse(cls.ids["agent"])
        partners = user.partner_id | env["res.partner"].browse(cls.ids["customer"])
        user.unlink()
        partners.unlink()

    def _new_tickets(self, stage_xmlid, count):
        def create(env):
            tickets = env["support.ticket"].create(
                [
                    {
                        "name": f"Silent printer {n}",
                        "partner_id": self.ids["customer"],
                        "team_id": self.ids["team"],
                    }
                    for n in range(count)
                ]
            )
            tickets.stage_id = env.ref(stage_xmlid)
            # in that state for a week
            tickets.stage_date = fields.Datetime.now() - timedelta(days=7)
            return tickets.ids

        ids = self._committed(create)
        self.ids["tickets"].extend(ids)
        return ids

    def _parallel(self, **workers):
        """Run each worker in a thread of that name, with its own cursor."""
        errors = []

        def run(func):
            try:
                with self.registry.cursor() as cr:
                    func(api.Environment(cr, SUPERUSER_ID, {}))
            except Exception as error:  # noqa: BLE001 - reported by the test
                _logger.info("error in a concurrent job: %r", error)
                errors.append(error)

        threads = [
            threading.Thread(target=run, args=(func,), name=name)
            for name, func in workers.items()
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(TIMEOUT * 2)
        self.assertFalse(any(thread.is_alive() for thread in threads), "deadlock")
        self.assertEqual(errors, [])

    def _notices(self, ids, text):
        def read(env):
            tickets = env["support.ticket"].browse(ids)
            return {
                "stages": set(tickets.stage_id.mapped("is_closed")),
                "per_ticket": sorted(len(notices(ticket, text)) for ticket in tickets),
                "reminded": all(tickets.mapped("reminder_sent_date")),
            }

        return self._committed(read)

    def test_two_workers_close_each_ticket_once(self):
        """The first worker holds its batch while the second runs: the second
        leaves that batch to it and closes the others; then the first commits
        and finds nothing left."""
        ids = self._new_tickets("support_ticket.support_stage_resolved", 12)
        Ticket = self.registry["support.ticket"]
        holding = threading.Event()
        second_done = threading.Event()
        original = Ticket._support_autoclose
        batches = {"first": [], "second": []}

        def process(records, now):
            worker = threading.current_thread().name
            batches[worker].append(len(records))
            original(records, now)
            if worker == "first" and len(batches["first"]) == 1:
                records.env.flush_all()
                holding.set()
                assert second_done.wait(TIMEOUT), "the second worker never ended"

        def first(env):
            env["support.ticket"]._cron_autoclose(batch_size=5)

        def second(env):
            try:
                assert holding.wait(TIMEOUT), "the first worker never claimed"
                env["support.ticket"]._cron_autoclose(batch_size=5)
            finally:
                second_done.set()

        with patch.object(Ticket, "_support_autoclose", process):
            self._parallel(first=first, second=second)
        result = self._notices(ids, AUTOCLOSE_TEXT)
        self.assertEqual(result["stages"], {True})
        self.assertEqual(result["per_ticket"], [1] * 12)
        self.assertEqual(batches, {"first": [5], "second": [5, 2]})

    def test_worker_started_before_the_other_committed(self):
        """A worker whose transaction began before another worker committed
        the same reminders gives its claim up, starts again, and finds
        nothing to do: each customer is reminded once."""
        ids = self._new_tickets("support_ticket.support_stage_pending", 6)
        Ticket = self.registry["support.ticket"]
        snapshot_taken = threading.Event()
        first_committed = threading.Event()
        claims = []
        original_claim = Ticket._support_claim

        def counting_claim(records):
            try:
                result = original_claim(records)
            except Exception as error:
                claims.append(type(error).__name__)
                raise
            claims.append(len(result))
            return result

        def first(env):
            assert snapshot_taken.wait(TIMEOUT), "the second worker never began"
            env["support.ticket"]._cron_remind_waiting()
            first_committed.set()

        def second(env):
            try:
                # the second transaction's snapshot, before the first commits
                env.cr.execute("SELECT id FROM support_ticket LIMIT 1")
                snapshot_taken.set()
                assert first_committed.wait(TIMEOUT), "the first worker never ended"
                env["support.ticket"]._cron_remind_waiting()
            finally:
                snapshot_taken.set()

        with patch.object(Ticket, "_support_claim", counting_claim):
            self._parallel(first=first, second=second)
        result = self._notices(ids, REMINDER_TEXT)
        self.assertTrue(result["reminded"])
        self.assertEqual(result["per_ticket"], [1] * 6)
        # the first claimed all six; the second collided, then found none
        self.assertEqual(claims, [6, "SerializationFailure"])
