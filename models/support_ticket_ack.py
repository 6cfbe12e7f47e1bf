"""Support ticket: acknowledgements sent by a job, in batches, after creation."""

import logging
from datetime import timedelta
from functools import partial

from odoo import api, fields, models, modules
from odoo.service.model import retrying
from odoo.tools import SQL, str2bool

_logger = logging.getLogger(__name__)

ACK_CRON = "support_ticket.ir_cron_support_acknowledgements"


class SupportTicket(models.Model):
    # one concern of the ticket per file, as Odoo core splits its large models
    _inherit = "support.ticket"  # pylint: disable=consider-merging-classes-inherited

    ack_pending = fields.Boolean(
        string="Acknowledgement to send",
        readonly=True,
        copy=False,
        help="The customer's acknowledgement is queued: the acknowledgement job "
        "sends it within moments of the ticket's creation.",
    )

    _ack_pending_idx = models.Index("(id) WHERE ack_pending IS TRUE")

    def _queue_acknowledgement(self):
        """Acknowledge the tickets soon, outside the transaction that creates
        them: rendering and queuing an email per ticket is most of what
        creating one costs, and a job does it for many at once, so that a
        burst of tickets (a busy mailbox) is absorbed. New tickets are queued
        by ``create`` itself."""
        todo = self.filtered(lambda ticket: not ticket.ack_pending)
        if todo:
            todo.ack_pending = True
        if self:
            self._trigger_acknowledgements()

    def _trigger_acknowledgements(self):
        """Wake the acknowledgement job up once the transaction commits (once
        per transaction, however many tickets it queued)."""
        precommit = self.env.cr.precommit
        if not precommit.data.get("support_ticket.ack_trigger"):
            precommit.data["support_ticket.ack_trigger"] = True
            precommit.add(self._wake_acknowledgement_job)

    @api.model
    def _wake_acknowledgement_job(self):
        """Add a wake-up of the job (``ir.cron`` trigger) unless one is due
        already that no run of the job has taken: in a burst of tickets, one
        wake-up serves them all, and the transactions that open them neither
        add a trigger nor notify the cron workers each.

        The due wake-up is locked (``FOR KEY SHARE``) until this transaction
        commits: the run of the job that takes it (deleting it when it starts)
        waits for the commit, so it sees these tickets. A wake-up that a run
        has taken already is locked by that run and skipped: then this
        transaction adds its own."""
        cron_id = self.env["ir.model.data"]._xmlid_to_res_id(
            ACK_CRON, raise_if_not_found=False
        )
        if not cron_id:
            return
        self.env.cr.execute(
            SQL(
                "SELECT id FROM ir_cron_trigger WHERE cron_id = %s AND call_at <= %s "
                "LIMIT 1 FOR KEY SHARE SKIP LOCKED",
                cron_id,
                fields.Datetime.now(),
            )
        )
        if not self.env.cr.fetchone():
            self.env["ir.cron"].browse(cron_id)._trigger()

    def _send_acknowledgement(self):
        """Email each ticket's customer and CC that their request is
        received (unless the setting is off), rendered for all at once."""
        if not str2bool(self._support_param("notify_acknowledgement", "True")):
            return
        self._support_send_batch(
            "support_ticket.mail_template_ticket_ack",
            [
                (ticket, *ticket._support_customer_recipients(), ticket)
                for ticket in self
            ],
        )

    @api.model
    def _cron_send_acknowledgements(self, batch_size=200, auto_commit=None):
        """Send the queued acknowledgements, ``batch_size`` tickets at a time,
        committing after each batch (except in tests, unless ``auto_commit``).
        Tickets are claimed with ``SKIP LOCKED``: jobs running at once on
        several workers share the queue and never send one twice. A batch
        that fails is rolled back whole, its emails with it, and is sent by
        the next run.

        :return: the number of tickets acknowledged
        """
        if auto_commit is None:
            auto_commit = not modules.module.current_test
        batch = partial(self._send_acknowledgement_batch, batch_size)
        sent = 0
        while True:
            # two workers acknowledging tickets of one customer may both
            # update that customer: the second is retried, as Odoo retries
            # requests
            count = retrying(batch, self.env) if auto_commit else batch()
            if not count:
                break
            sent += count
            if not auto_commit:
                continue
            remaining = self.search_count([("ack_pending", "=", True)])
            Cron = self.env["ir.cron"]
            if Cron._commit_progress(count, remaining=remaining) <= 0:
                break
        if auto_commit and self.search_count([("ack_pending", "=", True)], limit=1):
            # tickets held by another transaction: in a minute
            self.env.ref(ACK_CRON)._trigger(
                fields.Datetime.now() + timedelta(minutes=1)
            )
        if sent:
            # queued, as a job's emails are (Odoo sends the mail of server
            # actions through its queue): wake the queue up now rather than
            # at its next hourly run
            self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()
            _logger.info("Support: %s acknowledgement(s) sent", sent)
        return sent

    @api.model
    def _send_acknowledgement_batch(self, batch_size):
        """Claim up to ``batch_size`` queued tickets (skipping those another
        worker holds), acknowledge them and take them off the queue."""
        self.flush_model(["ack_pending"])
        self.env.cr.execute(
            SQL(
                "SELECT id FROM support_ticket WHERE ack_pending IS TRUE "
                "ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED",
                batch_size,
            )
        )
        tickets = self.browse([row[0] for row in self.env.cr.fetchall()])
        if tickets:
            tickets._send_acknowledgement()
            tickets.ack_pending = False
            self.flush_model(["ack_pending"])
        return len(tickets)
