"""Support ticket: its SLA, deadlines and status."""

from odoo import api, fields, models

from .support_sla_clock import WorkClock

SLA_STATUSES = [
    ("on_time", "On time"),
    ("at_risk", "At risk"),
    ("breached", "Breached"),
    ("met", "Met"),
]
# fields computed by _compute_sla_deadlines, then the one that depends on them
SLA_PLAN_FIELDS = [
    "sla_response_deadline",
    "sla_response_risk_date",
    "sla_resolution_deadline",
    "sla_resolution_risk_date",
    "sla_deadline",
    "sla_paused",
    "sla_status",
    "sla_check_date",
]


class SupportTicketStageLog(models.Model):
    _name = "support.ticket.stage.log"
    _description = "Support ticket time in a state"
    _order = "date_from, id"

    ticket_id = fields.Many2one(
        "support.ticket", required=True, index=True, ondelete="cascade"
    )
    stage_id = fields.Many2one("support.stage", required=True, ondelete="cascade")
    date_from = fields.Datetime(string="From", required=True)
    date_to = fields.Datetime(string="To", help="Empty while the ticket is there.")

    _one_open = models.UniqueIndex("(ticket_id) WHERE date_to IS NULL")


class SupportTicket(models.Model):
    # one concern of the ticket per file, as Odoo core splits its large models
    _inherit = "support.ticket"  # pylint: disable=consider-merging-classes-inherited

    sla_id = fields.Many2one(
        "support.sla",
        string="SLA",
        compute="_compute_sla_id",
        store=True,
        index="btree_not_null",
        tracking=True,
        help="Service level agreement of the ticket: the most specific one that "
        "matches its area, priority, category and contract, then the strictest.",
    )
    stage_log_ids = fields.One2many(
        "support.ticket.stage.log", "ticket_id", string="Time in states", copy=False
    )
    sla_response_deadline = fields.Datetime(
        string="Respond by", compute="_compute_sla_deadlines", store=True, copy=False
    )
    sla_response_risk_date = fields.Datetime(
        compute="_compute_sla_deadlines", store=True, copy=False
    )
    sla_resolution_deadline = fields.Datetime(
        string="Resolve by", compute="_compute_sla_deadlines", store=True, copy=False
    )
    sla_resolution_risk_date = fields.Datetime(
        compute="_compute_sla_deadlines", store=True, copy=False
    )
    sla_deadline = fields.Datetime(
        string="SLA deadline",
        compute="_compute_sla_deadlines",
        store=True,
        copy=False,
        help="The next deadline of the ticket: its response while it is not "
        "answered, else its resolution.",
    )
    sla_paused = fields.Boolean(
        string="SLA paused",
        compute="_compute_sla_deadlines",
        store=True,
        copy=False,
        # inserted with new tickets, as their first computation gives it
        default=False,
        help="The ticket is in a state that stops the clock of its SLA.",
    )
    sla_status = fields.Selection(
        SLA_STATUSES,
        string="SLA status",
        compute="_compute_sla_deadlines",
        store=True,
        index="btree_not_null",
        copy=False,
    )
    sla_check_date = fields.Datetime(
        compute="_compute_sla_check_date",
        store=True,
        index="btree_not_null",
        copy=False,
        help="When the scheduled job looks at the ticket again: its next warning, "
        "deadline or pending notice.",
    )
    sla_notice_ids = fields.One2many(
        "support.ticket.sla.notice", "ticket_id", string="SLA warnings", copy=False
    )

    # ------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------

    @api.depends("company_id", "team_id", "priority_id", "category_id", "contract_id")
    def _compute_sla_id(self):
        found = self.env["support.sla"]._find_for_tickets(self)
        for ticket in self:
            ticket.sla_id = found.get(ticket)

    @api.depends(
        "sla_id",
        "create_date",
        "stage_id",
        "team_id",
        "first_response_date",
        "stage_log_ids.date_to",
    )
    def _compute_sla_deadlines(self):
        now = fields.Datetime.now()
        todo = self.filtered(lambda t: t.sla_id and t.create_date and t.id)
        empty = dict.fromkeys(SLA_PLAN_FIELDS[:-1], False)
        for ticket in self - todo:
            ticket.update(empty)
        intervals = todo._sla_stage_intervals()
        clocks = {}
        for ticket in todo:
            ticket.update(ticket._sla_plan(intervals.get(ticket.id, []), clocks, now))

    @api.depends(
        "sla_response_deadline",
        "sla_response_risk_date",
        "sla_resolution_deadline",
        "sla_resolution_risk_date",
        "first_response_date",
        "is_locked",
        "sla_notice_ids",
    )
    def _compute_sla_check_date(self):
        """The next moment something happens: a warning or a deadline (the
        status changes), or a pending notice. While the clock is paused, its
        deadlines move: they are planned again when they come."""
        now = fields.Datetime.now()
        for ticket in self:
            targets = ticket._sla_pending_targets()
            sent = (
                {(n.target, n.kind) for n in ticket.sla_notice_ids}
                if targets
                else set()
            )
            events = [
                date
                for target, risk, deadline in targets
                for kind, date in (("risk", risk), ("breach", deadline))
                if date and (date > now or (target, kind) not in sent)
            ]
            ticket.sla_check_date = min(events, default=False)

    # ------------------------------------------------------------
    # Planning
    # ------------------------------------------------------------

    def _sla_calendar(self):
        """Working hours of the SLA clock: the area's, else the company's;
        none (every hour counts) when neither has any."""
        self.ensure_one()
        return self.team_id.resource_calendar_id or self.company_id.resource_calendar_id

    def _sla_stage_intervals(self):
        """``{ticket id: [(stage, from, to)]}`` in chronological order."""
        if not self:
            return {}
        logs = (
            self.env["support.ticket.stage.log"]
            .sudo()
            .search_fetch(
                [("ticket_id", "in", self.ids)],
                ["ticket_id", "stage_id", "date_from", "date_to"],
                order="date_from, id",
            )
        )
        result = {}
        for log in logs:
            result.setdefault(log.ticket_id.id, []).append(
                (log.stage_id, log.date_from, log.date_to)
            )
        return result

    def _sla_plan(self, intervals, clocks, now):
        """Deadlines, warning dates and status of the ticket at ``now``.

        The clock runs in the working hours of the area from the creation of
        the ticket, and stops while the ticket is in a pausing state of its
        SLA or is resolved or closed. The response target is met by the
        first public reply of the team (or by the resolution), the
        resolution target by a resolved or closed state."""
        self.ensure_one()
        sla = self.sla_id.sudo()
        calendar = self._sla_calendar().sudo()
        clock = clocks.setdefault(calendar, WorkClock(calendar))
        pausing = sla.pause_stage_ids
        pauses = [
            (begin, end)
            for stage, begin, end in intervals
            if stage in pausing or stage.is_locking
        ]
        locked_since = False
        if self.is_locked:
            for stage, begin, _end in reversed(intervals):
                if not stage.is_locking:
                    break
                locked_since = begin
            locked_since = locked_since or self.closed_date or now
        values = {}
        states = []
        pending = []
        done_deadlines = []
        for target, hours, done in (
            ("response", sla.response_hours, self.first_response_date or locked_since),
            ("resolution", sla.resolution_hours, locked_since),
        ):
            deadline = risk = False
            if hours:
                limit = done or now
                clocked = [
                    (begin, min(end or limit, limit) if done else end)
                    for begin, end in pauses
                    if begin < limit
                ]
                deadline = clock.deadline(self.create_date, hours, clocked, limit)
                risk = clock.deadline(
                    self.create_date,
                    hours * sla.warning_percent / 100,
                    clocked,
                    limit,
                )
                states.append(self._sla_target_state(done, deadline, risk, now))
                if done:
                    done_deadlines.append(deadline)
                else:
                    pending.append(deadline)
            values[f"sla_{target}_deadline"] = deadline and _seconds(deadline)
            values[f"sla_{target}_risk_date"] = risk and _seconds(risk)
        if "breached" in states:
            status = "breached"
        elif all(state == "met" for state in states):
            status = "met"
        elif "at_risk" in states:
            status = "at_risk"
        else:
            status = "on_time"
        pending = [d for d in pending if d]
        done_deadlines = [d for d in done_deadlines if d]
        if pending:
            next_deadline = min(pending)
        else:
            next_deadline = done_deadlines[-1] if done_deadlines else False
        values.update(
            sla_deadline=next_deadline and _seconds(next_deadline),
            sla_paused=not self.is_locked and self.stage_id in pausing,
            sla_status=status if states else False,
        )
        return values

    @staticmethod
    def _sla_target_state(done, deadline, risk, now):
        if done:
            return "met" if not deadline or done <= deadline else "breached"
        if deadline and deadline <= now:
            return "breached"
        if risk and risk <= now:
            return "at_risk"
        return "on_time"

    def _sla_pending_targets(self):
        """``(target, warning date, deadline)`` of the targets still to meet."""
        self.ensure_one()
        if not self.sla_id or self.is_locked:
            return []
        targets = []
        if not self.first_response_date and self.sla_response_deadline:
            targets.append(
                ("response", self.sla_response_risk_date, self.sla_response_deadline)
            )
        if self.sla_resolution_deadline:
            targets.append(
                (
                    "resolution",
                    self.sla_resolution_risk_date,
                    self.sla_resolution_deadline,
                )
            )
        return targets

    def _sla_recompute(self, with_sla=False):
        """Plan the SLA of the tickets again (time passed, or the SLA changed)."""
        fnames = (["sla_id"] if with_sla else []) + SLA_PLAN_FIELDS
        for fname in fnames:
            self.env.add_to_compute(self._fields[fname], self)

    # ------------------------------------------------------------
    # State intervals
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        self.env["support.ticket.stage.log"].sudo().create(
            [
                {
                    "ticket_id": ticket.id,
                    "stage_id": ticket.stage_id.id,
                    "date_from": ticket.create_date,
                }
                for ticket in tickets
                if ticket.stage_id
            ]
        )
        return tickets

    def write(self, vals):
        if vals.get("stage_id"):
            moving = self.filtered(lambda t: t.stage_id.id != vals["stage_id"])
            moving._sla_log_stage(vals["stage_id"])
        return super().write(vals)

    def _sla_log_stage(self, stage_id):
        """Close the current state interval of the tickets and open one in
        ``stage_id``, before the state changes: the SLA is planned on them."""
        if not self:
            return
        now = fields.Datetime.now()
        Log = self.env["support.ticket.stage.log"].sudo()
        current = Log.search([("ticket_id", "in", self.ids), ("date_to", "=", False)])
        current.write({"date_to": now})
        # closed in the database before the new ones open: one open per ticket
        current.flush_recordset(["date_to"])
        Log.create(
            [
                {"ticket_id": ticket.id, "stage_id": stage_id, "date_from": now}
                for ticket in self
            ]
        )


def _seconds(moment):
    """``moment`` to the second, as datetimes are stored."""
    return moment.replace(microsecond=0)
