"""SLA warnings sent once by the scheduled job, and what planning costs."""

from unittest.mock import patch

from psycopg2.errors import UniqueViolation

from odoo.tests import freeze_time, tagged, users, warmup
from odoo.tools import mute_logger

from .sla_common import SupportSlaCommon, utc


@tagged("post_install", "-at_install")
class TestSupportSlaWarnings(SupportSlaCommon):
    def _warnings(self, ticket):
        return self.env["mail.message"].search(
            [
                ("model", "=", "support.ticket"),
                ("res_id", "=", ticket.id),
                ("subject", "like", "Deadline"),
            ],
            order="id",
        )

    def _check(self, moment):
        with self._at(moment):
            result = self.env["support.ticket"]._sla_check_due()
            self.env.flush_all()
        return result

    def test_warned_once_before_and_at_the_breach(self):
        ticket = self._ticket_at(utc(0, 8))
        told = self.user_agent2.partner_id | self.user_manager.partner_id
        self.assertEqual(self._check(utc(0, 11)), (0, 0))
        self.assertEqual(self._check(utc(0, 11, 30)), (1, 0))
        self.assertEqual(ticket.sla_status, "at_risk")
        notice = ticket.sla_notice_ids
        self.assertEqual((notice.target, notice.kind), ("response", "risk"))
        self.assertEqual(notice.deadline, utc(0, 12))
        self.assertEqual(notice.partner_ids, told)
        warning = self._warnings(ticket)
        self.assertEqual(len(warning), 1)
        self.assertIn("Deadline coming", warning.subject)
        self.assertEqual(warning.partner_ids, told)
        self.assertIn("response", warning.body)
        self.assertIn("Europe/Madrid", warning.body)
        self.assertEqual(ticket.sla_check_date, utc(0, 12))
        # running again sends nothing more
        self.assertEqual(self._check(utc(0, 11, 40)), (0, 0))
        self.assertEqual(len(self._warnings(ticket)), 1)
        # the breach
        self.assertEqual(self._check(utc(0, 12, 5)), (1, 0))
        self.assertEqual(ticket.sla_status, "breached")
        self.assertEqual(len(ticket.sla_notice_ids), 2)
        warnings = self._warnings(ticket)
        self.assertEqual(len(warnings), 2)
        self.assertIn("Deadline missed", warnings[1].subject)
        for moment in (utc(0, 12, 10), utc(0, 12, 20)):
            self.assertEqual(self._check(moment), (0, 0))
        self.assertEqual(len(self._warnings(ticket)), 2)
        # next: the resolution's warning, 12h48 of working time after opening
        self.assertEqual(ticket.sla_check_date, utc(1, 12, 48))

    def test_late_run_sends_only_the_breach(self):
        ticket = self._ticket_at(utc(0, 8), user_id=False)
        ticket.team_id.leader_id = self.user_agent
        self.assertEqual(self._check(utc(0, 13)), (1, 0))
        notices = ticket.sla_notice_ids.sorted("kind")
        self.assertEqual(notices.mapped("kind"), ["breach", "risk"])
        # the late warning is recorded, not sent; only the leader is told
        self.assertEqual(notices[0].partner_ids, self.user_agent.partner_id)
        self.assertFalse(notices[1].partner_ids)
        warnings = self._warnings(ticket)
        self.assertEqual(len(warnings), 1)
        self.assertIn("Deadline missed", warnings.subject)
        self.assertEqual(self._check(utc(0, 14)), (0, 0))

    def test_paused_tickets_are_planned_again(self):
        ticket = self._ticket_at(utc(0, 8))
        self._move(ticket, utc(0, 9), self.stage_pending)
        # while paused, 3 hours are left: as if started again now
        self.assertEqual(ticket.sla_response_deadline, utc(0, 12))
        self.assertEqual(ticket.sla_check_date, utc(0, 11, 12))
        # when that date comes, nothing is sent: the deadline moved
        self.assertEqual(self._check(utc(1, 9)), (1, 0))
        self.assertFalse(ticket.sla_notice_ids)
        self.assertEqual(ticket.sla_status, "on_time")
        self.assertEqual(ticket.sla_response_deadline, utc(1, 12))
        self.assertEqual(ticket.sla_check_date, utc(1, 11, 12))

    def test_done_tickets_are_not_checked(self):
        ticket = self._ticket_at(utc(0, 8))
        self._move(ticket, utc(0, 9), self.stage_resolved)
        self.assertFalse(ticket.sla_check_date)
        self.assertEqual(self._check(utc(3, 9)), (0, 0))
        self.assertFalse(ticket.sla_notice_ids)

    def test_one_notice_per_target_and_kind(self):
        ticket = self._ticket_at(utc(0, 8))
        values = {
            "ticket_id": ticket.id,
            "target": "response",
            "kind": "risk",
            "deadline": utc(0, 12),
        }
        Notice = self.env["support.ticket.sla.notice"]
        Notice.create(values)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(UniqueViolation),
            self.cr.savepoint(),
        ):
            Notice.create(values)

    def test_cron_runs(self):
        ticket = self._ticket_at(utc(0, 8))
        cron = self.env.ref("support_ticket.ir_cron_support_sla")
        self.assertEqual(cron.code, "model._cron_sla_check()")
        # the job commits its batches: here, the commit is a no-op
        with (
            self._at(utc(0, 11, 30)),
            patch.object(type(self.env["ir.cron"]), "_commit_progress") as commit,
        ):
            commit.return_value = 60.0
            self.env["support.ticket"]._cron_sla_check()
            self.env.flush_all()
        commit.assert_called_once_with(1, remaining=0)
        self.assertEqual(ticket.sla_status, "at_risk")


@tagged("post_install", "-at_install")
class TestSupportSlaPerformance(SupportSlaCommon):
    """The report and the planning cost the same for 10 and 1,000 tickets
    (Odoo computes and prefetches by batches of 1,000 records)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        quiet = cls.env(
            context=dict(
                cls.env.context,
                tracking_disable=True,
                mail_create_nolog=True,
                mail_notrack=True,
            )
        )
        priorities = cls.priority_low | cls.priority_normal | cls.priority_urgent
        teams = cls.team_sla | cls.team_ny
        with (
            freeze_time(utc(0, 8)),
            patch.object(cls.env.cr, "now", lambda: utc(0, 8)),
        ):
            cls.tickets = quiet["support.ticket"].create(
                [
                    {
                        "name": f"Load {i}",
                        "team_id": teams[i % 2].id,
                        "priority_id": priorities[i % 3].id,
                    }
                    for i in range(1000)
                ]
            )
            cls.env.flush_all()
        cls.tickets[::5].write({"sla_status": "breached"})

    def _report(self, domain):
        return self.env["support.ticket"].formatted_read_grouping_sets(
            domain,
            [[], ["team_id"], ["priority_id"], ["team_id", "priority_id"]],
            ["__count"],
        )

    def _count(self, func):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        func()
        self.env.flush_all()
        return self.cr.sql_log_count - before

    @users("st_manager")
    @warmup
    def test_report_queries(self):
        ten = self.tickets[:10].ids
        small = self._count(
            lambda: self._report([("id", "in", ten), ("sla_status", "=", "breached")])
        )
        with self.assertQueryCount(st_manager=small):
            groups = self._report(
                [("id", "in", self.tickets.ids), ("sla_status", "=", "breached")]
            )
        self.assertEqual(groups[0][0]["__count"], 200)
        self.assertEqual(len(groups[3]), 6)  # 2 areas x 3 priorities

    @warmup
    def test_planning_queries(self):
        # an hour after they were opened, time changes nothing yet
        with self._at(utc(0, 9)):
            # the statuses forced for the report are planned again first
            self.tickets._sla_recompute()
            small = self._count(lambda: self.tickets[:10]._sla_recompute())
            self.env.invalidate_all()
            with self.assertQueryCount(small):
                self.tickets._sla_recompute()
                self.env.flush_all()
        self.assertEqual(set(self.tickets.mapped("sla_status")), {"on_time"})
        # a day later every response is late: only the statuses are written
        with self._at(utc(1, 9)):
            self.tickets._sla_recompute()
            self.env.flush_all()
        self.assertEqual(set(self.tickets.mapped("sla_status")), {"breached"})
