"""Support ticket: resolved tickets closed after a silence, customers reminded."""

import logging
from datetime import timedelta

import psycopg2.errors

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# tickets claimed, handled and committed together by the scheduled jobs
BATCH_SIZE = 100
# claims that may collide with another worker's commit in one run
MAX_CLAIM_RETRIES = 5


class SupportTeam(models.Model):
    _inherit = "support.team"  # pylint: disable=consider-merging-classes-inherited

    autoclose_days = fields.Integer(
        string="Close resolved tickets after",
        default=7,
        help="A resolved ticket without an answer of the customer for this many "
        "days is closed, and the customer is told so. 0: never.",
    )
    reminder_days = fields.Integer(
        string="Remind waiting customers after",
        default=3,
        help="A ticket waiting for the customer this many days without their "
        "answer sends them one reminder. 0: never.",
    )

    _autoclose_days_positive = models.Constraint(
        "CHECK (autoclose_days >= 0)",
        "The days before resolved tickets are closed cannot be negative.",
    )
    _reminder_days_positive = models.Constraint(
        "CHECK (reminder_days >= 0)",
        "The days before waiting customers are reminded cannot be negative.",
    )


class SupportTicket(models.Model):
    # one concern of the ticket per file, as Odoo core splits its large models
    _inherit = "support.ticket"  # pylint: disable=consider-merging-classes-inherited

    stage_date = fields.Datetime(
        string="In this state since",
        default=fields.Datetime.now,
        readonly=True,
        copy=False,
        help="When the ticket entered its current state.",
    )
    last_customer_reply_date = fields.Datetime(
        string="Last answer of the customer",
        readonly=True,
        copy=False,
        help="When the customer last answered, by email or on the portal.",
    )
    reminder_sent_date = fields.Datetime(
        string="Reminder sent on",
        readonly=True,
        copy=False,
        help="When the customer was reminded that the ticket waits for them; "
        "cleared when they answer or the ticket changes state.",
    )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def write(self, vals):
        if "stage_id" not in vals or "stage_date" in vals:
            return super().write(vals)
        moving = self.filtered(lambda t: t.stage_id.id != (vals["stage_id"] or False))
        if not moving:
            return super().write(vals)
        entered = {"stage_date": fields.Datetime.now(), "reminder_sent_date": False}
        if moving == self:
            return super().write({**vals, **entered})
        res = super().write(vals)
        moving.write(entered)
        return res

    def _send_done_notification(self):
        # closed for want of an answer: the customer gets that notice instead
        if self.env.context.get("support_autoclosing"):
            return None
        return super()._send_done_notification()

    # ------------------------------------------------------------
    # Scheduled jobs
    # ------------------------------------------------------------

    @api.model
    def _cron_autoclose(self, batch_size=BATCH_SIZE):
        """Close the resolved tickets whose customer did not answer for the
        days of their area, and tell the customer."""
        self._support_run_job("_autoclose_domain", "_support_autoclose", batch_size)

    @api.model
    def _cron_remind_waiting(self, batch_size=BATCH_SIZE):
        """Remind once the customers of the tickets that wait for them since
        the days of their area."""
        self._support_run_job("_reminder_domain", "_support_remind", batch_size)

    @api.model
    def _support_silent_since(self, teams_field, now):
        """Tickets of the areas where ``teams_field`` is set, that entered
        their state and last heard of the customer at least that many days
        before ``now``."""
        teams = self.env["support.team"].search([(teams_field, ">", 0)])
        parts = []
        for days, area in teams.grouped(teams_field).items():
            limit = fields.Datetime.to_string(now - timedelta(days=days))
            parts.append(
                Domain("team_id", "in", area.ids)
                & Domain("stage_date", "<=", limit)
                & (
                    Domain("last_customer_reply_date", "=", False)
                    | Domain("last_customer_reply_date", "<=", limit)
                )
            )
        return Domain.OR(parts)

    @api.model
    def _autoclose_domain(self, now):
        closed = self.env["support.stage"].search([("is_closed", "=", True)])
        if not closed:
            return Domain.FALSE
        domain = (
            self._support_silent_since("autoclose_days", now)
            & Domain("stage_id.is_resolved", "=", True)
            & Domain("stage_id.is_closed", "=", False)
        )
        if all(stage.company_id for stage in closed):
            # only the companies that have a closed state to close them in
            domain &= Domain("company_id", "in", closed.company_id.ids)
        return domain

    @api.model
    def _reminder_domain(self, now):
        return (
            self._support_silent_since("reminder_days", now)
            & Domain("stage_id.is_waiting", "=", True)
            & Domain("is_locked", "=", False)
            & Domain("reminder_sent_date", "=", False)
        )

    @api.model
    def _support_run_job(self, domain_method, process_method, batch_size):
        """Handle the tickets of the domain that ``domain_method`` returns for
        now with ``process_method`` in batches, each claimed,
        handled and committed on its own (``ir.cron._commit_progress``).

        Safe on several workers: a batch is claimed with
        ``FOR NO KEY UPDATE SKIP LOCKED``, so tickets held by another worker
        (or by someone replying) are left to it; handling a ticket takes it out
        of the domain, and the claim and the handling are committed
        together, so no ticket is handled twice. A claim that collides with a
        commit of another worker since this transaction began is given up and
        made again in a new transaction."""
        Cron = self.env["ir.cron"]
        skipped = set()
        retries = 0
        while True:
            now = fields.Datetime.now()
            domain = getattr(self, domain_method)(now)
            if domain.is_false():
                Cron._commit_progress(remaining=0)
                return
            if skipped:
                domain &= Domain("id", "not in", list(skipped))
            candidates = self.search(domain, order="id", limit=batch_size)
            if not candidates:
                Cron._commit_progress(remaining=0)
                return
            try:
                claimed = candidates._support_claim()
            except psycopg2.errors.SerializationFailure:
                self.env.cr.rollback()
                retries += 1
                if retries > MAX_CLAIM_RETRIES:
                    _logger.info(
                        "Support job %s: gave way to another worker", process_method
                    )
                    return
                continue
            skipped.update((candidates - claimed).ids)
            claimed = claimed.filtered_domain(domain)
            if claimed:
                getattr(claimed, process_method)(now)
            remaining = self.search_count(
                domain & Domain("id", "not in", list(skipped))
            )
            if not Cron._commit_progress(len(claimed), remaining=remaining):
                return
            if not remaining:
                return

    def _support_claim(self):
        """The tickets of ``self`` locked for this transaction, skipping those
        another transaction holds. Raises ``SerializationFailure`` when one of
        them was changed and committed since this transaction began."""
        self.env.flush_all()
        # not logged: the caller starts again on such a failure
        self.env.cr.execute(
            SQL(
                "SELECT id FROM support_ticket WHERE id IN %s "
                "FOR NO KEY UPDATE SKIP LOCKED",
                tuple(self.ids),
            ),
            log_exceptions=False,
        )
        locked = {row[0] for row in self.env.cr.fetchall()}
        return self.browse([ticket_id for ticket_id in self.ids if ticket_id in locked])

    def _support_autoclose(self, now):
        for company, tickets in self.grouped("company_id").items():
            stage = self.env["support.stage"]._get_closed_stage(company)
            tickets.with_context(
                support_autoclosing=True, mail_auto_subscribe_no_notify=True
            ).write({"stage_id": stage.id})
            _logger.info(
                "Support: closed %s ticket(s) without answer of the customer: %s",
                len(tickets),
                ", ".join(tickets.mapped("code")),
            )
        self._support_send_batch(
            "support_ticket.mail_template_ticket_autoclosed",
            [
                (ticket, *ticket._support_customer_recipients(), ticket)
                for ticket in self
            ],
        )

    def _support_remind(self, now):
        self.write({"reminder_sent_date": now})
        self._support_send_batch(
            "support_ticket.mail_template_ticket_reminder",
            [
                (ticket, *ticket._support_customer_recipients(), ticket)
                for ticket in self
            ],
        )


class SupportTicketReply(models.Model):
    _inherit = "support.ticket.reply"  # pylint: disable=consider-merging-classes-inherited

    @api.model_create_multi
    def create(self, vals_list):
        replies = super().create(vals_list)
        replies._support_note_customer_answers()
        return replies

    def _support_note_customer_answers(self):
        """Record on their tickets when the customer answered (by email or on
        the portal, not the team), which gives them a new reminder once they
        fall silent again."""
        answers = self.filtered(
            lambda r: r.origin in ("email", "portal") and not r.is_internal
        )
        if not answers:
            return
        staff = (
            answers.author_id.sudo()
            .with_context(active_test=False)
            .user_ids.filtered(lambda u: not u.share)
            .partner_id
        )
        for ticket, replies in (
            answers.filtered(lambda r: r.author_id not in staff)
            .grouped("ticket_id")
            .items()
        ):
            last = max(replies.mapped("date"))
            if (
                ticket.last_customer_reply_date
                and ticket.last_customer_reply_date > last
            ):
                last = ticket.last_customer_reply_date
            ticket.sudo().write(
                {"last_customer_reply_date": last, "reminder_sent_date": False}
            )
