"""The acknowledgement of new tickets: queued at creation, sent by a job."""

import ast
import threading
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.tests import tagged, users
from odoo.tools import mute_logger

from odoo.addons.support_ticket.models.support_ticket_ack import ACK_CRON
from odoo.addons.support_ticket.models.support_ticket_ack import (
    SupportTicket as AckTicket,
)

from .common import CommittedDataCase
from .mail_common import SupportMailCommon


class Interrupted(Exception):
    """The job stopped in the middle of its work (a worker killed, a crash)."""


def interrupt_after(batches):
    """A ``_send_acknowledgement`` that fails once ``batches`` batches were
    sent, as an interrupted job would."""
    original = AckTicket._send_acknowledgement
    calls = {"count": 0}

    def send(self):
        calls["count"] += 1
        if calls["count"] > batches:
            raise Interrupted()
        return original(self)

    return patch.object(AckTicket, "_send_acknowledgement", send)


@tagged("post_install", "-at_install")
class TestSupportAcknowledgement(SupportMailCommon):
    def _acks(self, tickets):
        return (
            self.env["mail.mail"]
            .sudo()
            .search(
                [
                    ("model", "=", "support.ticket"),
                    ("res_id", "in", tickets.ids),
                    ("subject", "ilike", "We received"),
                ]
            )
        )

    @users("st_agent")
    def test_created_ticket_is_queued_then_acknowledged_once(self):
        ticket = self.env["support.ticket"].create(
            {"name": "Scanner offline", "partner_id": self.customer.id}
        )
        self.assertTrue(ticket.ack_pending)
        self.assertFalse(self._acks(ticket), "nothing rendered while creating")
        # the creation woke the job up
        self.env.cr.flush()
        cron = self.env.ref(ACK_CRON).sudo()
        self.assertTrue(
            self.env["ir.cron.trigger"].sudo().search([("cron_id", "=", cron.id)])
        )
        Trigger = self.env["ir.cron.trigger"].sudo()
        queue = self.env.ref("mail.ir_cron_mail_scheduler_action").sudo()
        Trigger.search([("cron_id", "=", queue.id)]).unlink()
        self.assertEqual(self.send_acknowledgements(), 1)
        self.assertFalse(ticket.ack_pending)
        ack = self._acks(ticket)
        self.assertEqual(len(ack), 1)
        self.assertEqual(ack.recipient_ids, self.customer)
        # queued, and Odoo's mail queue woken up to send it now
        self.assertEqual(ack.state, "outgoing")
        self.env.cr.flush()
        self.assertTrue(Trigger.search([("cron_id", "=", queue.id)]))
        # run again: nothing twice
        self.assertEqual(self.send_acknowledgements(), 0)
        self.assertEqual(self._acks(ticket), ack)

    def test_a_batch_renders_each_ticket_as_it_would_alone(self):
        """The acknowledgements of a batch are rendered in one pass per
        language: each is what Odoo renders for its ticket alone, in its
        customer's language, its data escaped, its reply-to the address of
        the ticket's area."""
        self.env["res.lang"]._activate_lang("es_ES")
        template = self.env.ref("support_ticket.mail_template_ticket_ack")
        template.with_context(lang="es_ES").body_html = (
            "<p>Hola <t t-out='object.partner_id.name'/>: "
            "<a t-att-href='object.get_base_url() + object.get_portal_url()'>"
            "<t t-out='object.name'/></a></p>"
        )
        spanish = self.env["res.partner"].create(
            {"name": "Carmen", "email": "carmen@example.org", "lang": "es_ES"}
        )
        tickets = self.env["support.ticket"].create(
            [
                {
                    "name": "Printer <support-render-0/> & <b>fire</b>",
                    "partner_id": self.customer.id,
                    "team_id": self.team_tech.id,
                },
                {"name": "Impresora", "partner_id": spanish.id},
                {"name": "Scanner", "partner_id": self.customer.id},
            ]
        )
        fields = ["subject", "body_html"]
        alone = {
            ticket.id: template.sudo()._generate_template(ticket.ids, fields)[ticket.id]
            for ticket in tickets
        }
        QWeb = type(self.env["ir.qweb"])
        with patch.object(
            QWeb, "_render", autospec=True, side_effect=QWeb._render
        ) as render:
            batch = (
                template.sudo()
                .with_context(support_render_batch=True)
                ._generate_template(tickets.ids, fields)
            )
        self.assertEqual(render.call_count, 2, "one pass per language")
        self.assertEqual(batch, alone)
        self.assertIn("Hola Carmen", batch[tickets[1].id]["body_html"])
        self.assertIn(
            "Printer &lt;support-render-0/&gt; &amp; &lt;b&gt;fire&lt;/b&gt;",
            batch[tickets[0].id]["body_html"],
        )

        self.assertEqual(self.send_acknowledgements(), 3)
        acks = self.env["mail.message"].search(
            [
                ("model", "=", "support.ticket"),
                ("res_id", "in", tickets.ids),
                ("message_type", "=", "auto_comment"),
            ]
        )
        self.assertEqual(len(acks), 3)
        for ticket in tickets:
            ack = acks.filtered(
                lambda message, ticket=ticket: message.res_id == ticket.id
            )
            self.assertEqual(ack.subject, alone[ticket.id]["subject"])
            self.assertEqual(
                ack.reply_to,
                ticket.sudo()._notify_get_reply_to(
                    default=ack.email_from, author_id=ack.author_id.id
                )[ticket.id],
            )
        self.assertIn(
            "tech@support.example.com",
            acks.filtered(lambda message: message.res_id == tickets[0].id).reply_to,
        )
        # a body that sets variables is rendered record by record: a record
        # never sees what was set for another
        template.body_html = (
            """<p><t t-if="object.partner_id.lang == 'es_ES'" t-set="spoken" """
            """t-value="'es'"/><t t-out="spoken or 'other'"/></p>"""
        )
        with patch.object(
            QWeb, "_render", autospec=True, side_effect=QWeb._render
        ) as render:
            spoken = (
                template.sudo()
                .with_context(lang="en_US", support_render_batch=True)
                ._render_field("body_html", tickets.ids)
            )
        self.assertEqual(render.call_count, 3)
        self.assertEqual(
            [str(spoken[ticket.id]) for ticket in tickets],
            ["<p>other</p>", "<p>es</p>", "<p>other</p>"],
        )

    def test_acknowledgements_of_emails_answer_each_its_own_email(self):
        """Acknowledged in one batch, each email ticket's acknowledgement
        answers that ticket's email (``In-Reply-To``); a ticket opened in the
        back office answers none."""
        emails = [
            self.process(
                self.build_email(
                    subject=f"Printer {i} jammed",
                    message_id=f"<jam-{i}@customer.example.com>",
                ),
                acknowledge=False,
            )
            for i in range(3)
        ]
        typed = self._create_ticket(partner_id=self.customer.id)
        self.assertEqual(self.send_acknowledgements(), 4)

        def in_reply_to(ticket):
            ack = self._acks(ticket)
            self.assertEqual(len(ack), 1)
            return ast.literal_eval(ack.headers or "{}").get("In-Reply-To")

        for i, ticket in enumerate(emails):
            self.assertEqual(in_reply_to(ticket), f"<jam-{i}@customer.example.com>")
        self.assertFalse(in_reply_to(typed))

    def test_one_trigger_per_transaction(self):
        Trigger = self.env["ir.cron.trigger"].sudo()
        cron = self.env.ref(ACK_CRON)
        # no wake-up due yet (one would serve these tickets too)
        Trigger.search([("cron_id", "=", cron.id)]).unlink()
        for i in range(5):
            self._create_ticket(name=f"Trigger {i}", partner_id=self.customer.id)
        self.env["support.ticket"].create(
            [{"name": f"Batch {i}", "partner_id": self.customer.id} for i in range(5)]
        )
        self.env.cr.flush()
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), 1)

    def test_automatic_email_is_not_acknowledged(self):
        ticket = self.process(
            self.build_email(
                subject="Out of office", headers={"Auto-Submitted": "auto-replied"}
            ),
            acknowledge=False,
        )
        self.assertFalse(ticket.ack_pending)
        self.assertEqual(self.send_acknowledgements(), 0)
        self.assertFalse(self._acks(ticket))

    def test_setting_off_sends_nothing_and_empties_the_queue(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "support_ticket.notify_acknowledgement", "False"
        )
        ticket = self._create_ticket(partner_id=self.customer.id)
        self.assertEqual(self.send_acknowledgements(), 1)
        self.assertFalse(ticket.ack_pending)
        self.assertFalse(self._acks(ticket))

    @mute_logger("odoo.addons.support_ticket.models.support_ticket_ack")
    def test_burst_of_inbound_mail_interrupted_job_loses_nothing(self):
        """200 emails arrive at once: 200 tickets, then 200 acknowledgements,
        even when the job is interrupted on the way."""
        tickets = self.env["support.ticket"]
        for i in range(200):
            tickets |= self.process(
                self.build_email(
                    subject=f"Burst {i}",
                    email_from=f"Sender {i} <sender{i}@burst.example.com>",
                ),
                acknowledge=False,
            )
        self.assertEqual(len(tickets), 200)
        self.assertTrue(all(tickets.mapped("ack_pending")))
        # the job dies in its third batch: what it did is rolled back with it
        with (
            self.assertRaises(Interrupted),
            self.env.cr.savepoint(),
            interrupt_after(2),
        ):
            self.env["support.ticket"]._cron_send_acknowledgements(batch_size=50)
        self.env.invalidate_all()
        self.assertEqual(len(tickets.filtered("ack_pending")), 200)
        # the next run sends them all, once each
        self.assertEqual(
            self.env["support.ticket"]._cron_send_acknowledgements(batch_size=50), 200
        )
        acks = self._acks(tickets)
        self.assertEqual(len(acks), 200)
        self.assertEqual(set(acks.mapped("res_id")), set(tickets.ids))
        first = acks.filtered(lambda mail: mail.res_id == tickets[0].id)
        self.assertEqual(self.recipients(first), {"sender0@burst.example.com"})


@tagged("post_install", "-at_install")
class TestSupportAcknowledgementJobs(CommittedDataCase):
    """The job on committed data, in transactions of its own, as cron workers
    run it: committed batches are not redone after an interruption, and two
    jobs at once share the queue."""

    @classmethod
    def _create_fixture(cls, env):
        return {"tickets": []}

    @classmethod
    def _drop_fixture(cls, env):
        tickets = env["support.ticket"].browse(cls.ids["tickets"]).exists()
        partners = tickets.partner_id
        env["mail.mail"].search(
            [("model", "=", "support.ticket"), ("res_id", "in", tickets.ids)]
        ).unlink()
        tickets.unlink()
        partners.unlink()

    def _queue(self, count, tag):
        def create(env):
            partner = env["res.partner"].create(
                {"name": f"Jobs {tag}", "email": f"jobs-{tag}@customer.example.com"}
            )
            tickets = env["support.ticket"].create(
                [{"name": f"{tag} {i}", "partner_id": partner.id} for i in range(count)]
            )
            # only these tickets are queued while the test runs
            env["support.ticket"].search(
                [("ack_pending", "=", True), ("id", "not in", tickets.ids)]
            ).ack_pending = False
            return tickets.ids

        ids = self._committed(create)
        self.ids["tickets"].extend(ids)
        return ids

    def _acks_by_ticket(self, ids):
        def read(env):
            mails = env["mail.mail"].search(
                [("model", "=", "support.ticket"), ("res_id", "in", ids)]
            )
            counts = dict.fromkeys(ids, 0)
            for mail in mails:
                counts[mail.res_id] += 1
            pending = env["support.ticket"].search_count(
                [("id", "in", ids), ("ack_pending", "=", True)]
            )
            return counts, pending

        return self._committed(read)

    def _run_job(self, batch_size, errors):
        try:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["support.ticket"]._cron_send_acknowledgements(
                    batch_size=batch_size, auto_commit=True
                )
        except Exception as error:  # noqa: BLE001 - asserted by the test
            errors.append(error)

    def _wake_ups(self):
        def read(env):
            cron = env.ref(ACK_CRON)
            return env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])

        return self._committed(read)

    def test_a_burst_shares_one_wake_up(self):
        def clear(env):
            env["ir.cron.trigger"].search(
                [("cron_id", "=", env.ref(ACK_CRON).id)]
            ).unlink()

        self._committed(clear)
        self.addCleanup(self._committed, clear)
        self._queue(1, "wake-1")
        self.assertEqual(self._wake_ups(), 1)
        # the wake-up is due and no run took it: the next tickets share it
        self._queue(1, "wake-2")
        self._queue(3, "wake-3")
        self.assertEqual(self._wake_ups(), 1)
        # a run of the job takes it (deletes it as it starts, not committed
        # yet): the tickets committed meanwhile add their own wake-up
        with self.registry.cursor() as job_cr:
            cron_id = api.Environment(job_cr, SUPERUSER_ID, {}).ref(ACK_CRON).id
            job_cr.execute("DELETE FROM ir_cron_trigger WHERE cron_id = %s", [cron_id])
            self._queue(1, "wake-4")
        self.assertEqual(self._wake_ups(), 1, "the run's wake-up gone, the new kept")

    @mute_logger("odoo.addons.support_ticket.models.support_ticket_ack")
    def test_interrupted_job_redoes_only_what_was_not_committed(self):
        ids = self._queue(30, "interrupted")
        errors = []
        with interrupt_after(2):
            self._run_job(10, errors)
        self.assertEqual([type(e) for e in errors], [Interrupted])
        counts, pending = self._acks_by_ticket(ids)
        self.assertEqual(sorted(counts.values()), [0] * 10 + [1] * 20)
        self.assertEqual(pending, 10)
        self._run_job(10, errors)
        counts, pending = self._acks_by_ticket(ids)
        self.assertEqual(set(counts.values()), {1}, "each one acknowledged once")
        self.assertEqual(pending, 0)

    # the worker that loses a race is retried; Odoo logs the failed query
    @mute_logger("odoo.addons.support_ticket.models.support_ticket_ack", "odoo.sql_db")
    def test_two_jobs_at_once_send_each_acknowledgement_once(self):
        ids = self._queue(60, "parallel")
        errors = []
        threads = [
            threading.Thread(target=self._run_job, args=(5, errors)) for _i in (1, 2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        self.assertFalse([thread for thread in threads if thread.is_alive()])
        self.assertFalse(errors)
        counts, pending = self._acks_by_ticket(ids)
        self.assertEqual(set(counts.values()), {1})
        self.assertEqual(pending, 0)
