from contextlib import contextmanager
from datetime import datetime, timedelta
from unittest.mock import patch

from psycopg2.errors import CheckViolation, UniqueViolation

from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import freeze_time, new_test_user, tagged, users, warmup
from odoo.tools import mute_logger

from .common import SupportTicketCommon

# Monday 3 February 2025; Madrid is UTC+1 and New York UTC-5 that week
MONDAY = datetime(2025, 2, 3)


def utc(day, hour, minute=0):
    """A moment of the week of MONDAY, in UTC: ``day`` 0 is Monday."""
    return MONDAY + timedelta(days=day, hours=hour, minutes=minute)


class SupportSlaCommon(SupportTicketCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar_madrid = cls._create_calendar("Madrid office", "Europe/Madrid")
        cls.calendar_new_york = cls._create_calendar(
            "New York office", "America/New_York"
        )
        cls.team_sla = cls.env["support.team"].create(
            {
                "name": "Madrid desk",
                "resource_calendar_id": cls.calendar_madrid.id,
                "member_ids": [Command.set((cls.user_agent | cls.user_agent2).ids)],
                "leader_id": cls.user_manager.id,
            }
        )
        cls.team_ny = cls.env["support.team"].create(
            {"name": "New York desk", "resource_calendar_id": cls.calendar_new_york.id}
        )
        cls.sla_standard = cls.env["support.sla"].create(
            {
                "name": "Standard",
                "response_hours": 4,
                "resolution_hours": 16,
            }
        )

    @classmethod
    def _create_calendar(cls, name, tz):
        """Monday to Friday, 9:00 to 17:00 in ``tz``."""
        return cls.env["resource.calendar"].create(
            {
                "name": name,
                "tz": tz,
                "attendance_ids": [
                    Command.clear(),
                    *(
                        Command.create(
                            {
                                "name": f"Day {day}",
                                "dayofweek": str(day),
                                "hour_from": 9,
                                "hour_to": 17,
                                "day_period": "full_day",
                            }
                        )
                        for day in range(5)
                    ),
                ],
            }
        )

    @contextmanager
    def _at(self, moment):
        """Python's clock and the transaction's (creation dates) at ``moment``."""
        with freeze_time(moment), patch.object(self.env.cr, "now", lambda: moment):
            yield

    def _ticket_at(self, moment, **values):
        with self._at(moment):
            ticket = self._create_ticket(
                team_id=values.pop("team_id", self.team_sla.id),
                user_id=values.pop("user_id", self.user_agent2.id),
                **values,
            )
            self.env.flush_all()
        return ticket

    def _move(self, ticket, moment, stage):
        with self._at(moment):
            ticket.stage_id = stage
            self.env.flush_all()

    def _refresh(self, ticket, moment):
        """Plan the ticket again at ``moment``, as the scheduled job does."""
        with self._at(moment):
            ticket._sla_recompute()
            self.env.flush_all()
        return ticket


@tagged("post_install", "-at_install")
class TestSupportSlaDeadlines(SupportSlaCommon):
    def test_working_hours_and_end_of_day(self):
        # Monday 15:00 in Madrid: 2 hours left that day
        ticket = self._ticket_at(utc(0, 14))
        self.assertEqual(ticket.sla_id, self.sla_standard)
        # 4 hours: Monday 15-17, Tuesday 9-11 (Madrid)
        self.assertEqual(ticket.sla_response_deadline, utc(1, 10))
        # 16 hours: Monday 2, Tuesday 8, Wednesday 6 until 15:00
        self.assertEqual(ticket.sla_resolution_deadline, utc(2, 14))
        self.assertEqual(ticket.sla_deadline, ticket.sla_response_deadline)
        self.assertEqual(ticket.sla_status, "on_time")
        # warned at 80 %: 3h12 of working time, Tuesday 10:12
        self.assertEqual(ticket.sla_response_risk_date, utc(1, 9, 12))
        # opened after the end of the working day: the clock starts the next morning
        late = self._ticket_at(utc(0, 17, 30))
        self.assertEqual(late.sla_response_deadline, utc(1, 12))

    def test_weekend(self):
        # Friday 16:00 in Madrid: one hour on Friday, three on Monday
        ticket = self._ticket_at(utc(4, 15))
        self.assertEqual(ticket.sla_response_deadline, utc(7, 11))

    def test_public_holiday(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Local holiday",
                "calendar_id": self.calendar_madrid.id,
                "date_from": utc(0, 23),  # Tuesday 00:00 in Madrid
                "date_to": utc(1, 23),
            }
        )
        ticket = self._ticket_at(utc(0, 14))
        # Monday 15-17, no Tuesday, Wednesday 9-11
        self.assertEqual(ticket.sla_response_deadline, utc(2, 10))
        # the holiday of another calendar changes nothing
        other = self._ticket_at(utc(0, 14), team_id=self.team_ny.id)
        self.assertEqual(other.sla_response_deadline, utc(0, 18))

    def test_calendar_in_another_time_zone(self):
        # 13:00 UTC is 8:00 in New York, 14:00 in Madrid
        new_york = self._ticket_at(utc(0, 13), team_id=self.team_ny.id)
        madrid = self._ticket_at(utc(0, 13))
        # New York starts at 9:00 (14:00 UTC): 4 hours later, 18:00 UTC
        self.assertEqual(new_york.sla_response_deadline, utc(0, 18))
        # Madrid has 3 hours left on Monday, then Tuesday 9-10
        self.assertEqual(madrid.sla_response_deadline, utc(1, 9))
        # without working hours anywhere, every hour counts
        team = self.env["support.team"].create({"name": "Always open"})
        team.resource_calendar_id = False
        self.company.resource_calendar_id = False
        always = self._ticket_at(utc(0, 13), team_id=team.id)
        self.assertEqual(always.sla_response_deadline, utc(0, 17))

    def test_pauses_extend_the_deadlines(self):
        self.assertEqual(self.sla_standard.pause_stage_ids, self.stage_pending)
        self.sla_standard.resolution_hours = 8
        ticket = self._ticket_at(utc(0, 8))  # Monday 9:00 in Madrid
        self.assertEqual(ticket.sla_resolution_deadline, utc(0, 16))
        # waiting for the customer from 11:00 to 15:00
        self._move(ticket, utc(0, 10), self.stage_pending)
        self.assertTrue(ticket.sla_paused)
        self.assertEqual(ticket.stage_log_ids.mapped("date_to"), [utc(0, 10), False])
        # while paused, planned as if the clock started again now: 6 hours left
        self._refresh(ticket, utc(0, 12))
        self.assertEqual(ticket.sla_resolution_deadline, utc(1, 10))
        self.assertEqual(ticket.sla_status, "on_time")
        self._move(ticket, utc(0, 14), self.stage_open)
        self.assertFalse(ticket.sla_paused)
        # 2 hours before the pause, 2 after it on Monday, 4 on Tuesday
        self.assertEqual(ticket.sla_resolution_deadline, utc(1, 12))
        # the response (4 hours) moved by the same 4 hours
        self.assertEqual(ticket.sla_response_deadline, utc(0, 16))
        # a state that does not pause changes nothing
        self._move(ticket, utc(0, 15), self.stage_progress)
        self.assertEqual(ticket.sla_resolution_deadline, utc(1, 12))
        # a pause over the night only counts its working hours
        self._move(ticket, utc(0, 15, 30), self.stage_pending)
        self._move(ticket, utc(1, 8, 30), self.stage_open)  # Tuesday 9:30
        # Monday 15:30-16:00 and Tuesday 8:00-8:30 (UTC): one working hour more
        self.assertEqual(ticket.sla_resolution_deadline, utc(1, 13))

    def test_priority_change_moves_the_deadline(self):
        sla_urgent = self.env["support.sla"].create(
            {
                "name": "Urgent",
                "priority_ids": [Command.link(self.priority_urgent.id)],
                "response_hours": 1,
                "resolution_hours": 4,
            }
        )
        ticket = self._ticket_at(utc(0, 8))
        self.assertEqual(ticket.sla_response_deadline, utc(0, 12))
        with self._at(utc(0, 9)):
            ticket.priority_id = self.priority_urgent
            self.env.flush_all()
            self.env.cr.precommit.run()
        self.assertEqual(ticket.sla_id, sla_urgent)
        # counted from the creation of the ticket
        self.assertEqual(ticket.sla_response_deadline, utc(0, 9))
        self.assertEqual(ticket.sla_resolution_deadline, utc(0, 12))
        with self._at(utc(0, 9, 30)):
            ticket.priority_id = self.priority_low
            self.env.flush_all()
            self.env.cr.precommit.run()
        self.assertEqual(ticket.sla_id, self.sla_standard)
        self.assertEqual(ticket.sla_response_deadline, utc(0, 12))
        tracked = ticket.message_ids.tracking_value_ids.filtered(
            lambda v: v.field_id.name == "sla_id"
        )
        self.assertEqual(
            (tracked[:1].old_value_char, tracked[:1].new_value_char),
            ("Urgent", "Standard"),
        )

    def test_met_and_breached(self):
        ticket = self._ticket_at(utc(0, 8))
        # neither an internal note, nor the customer, nor a portal user answers
        with self._at(utc(0, 9)):
            ticket._add_reply("Checking the logs", is_internal=True)
            ticket._add_reply("Any news?", origin="portal")
            ticket._add_reply("Customer writing as manual", author_id=self.customer.id)
            self.env.flush_all()
        self.assertFalse(ticket.first_response_date)
        with self._at(utc(0, 10)):
            ticket.with_user(self.user_agent)._add_reply("We are on it")
            self.env.flush_all()
        self.assertEqual(ticket.first_response_date, utc(0, 10))
        self.assertEqual(ticket.sla_deadline, ticket.sla_resolution_deadline)
        self.assertEqual(ticket.sla_status, "on_time")
        # the response stays met; the resolution comes too late
        self._move(ticket, utc(2, 15), self.stage_resolved)
        self.assertEqual(ticket.sla_resolution_deadline, utc(1, 16))
        self.assertEqual(ticket.sla_status, "breached")
        # reopened: the time it spent resolved does not count, still breached
        self._move(ticket, utc(3, 8), self.stage_open)
        self.assertEqual(ticket.sla_status, "breached")

        on_time = self._ticket_at(utc(0, 8))
        self._move(on_time, utc(0, 11), self.stage_resolved)
        # resolved without a reply: both targets met by the resolution
        self.assertEqual(on_time.sla_status, "met")
        self.assertFalse(on_time.sla_check_date)
        # a closed ticket does not move when time passes
        self._refresh(on_time, utc(9, 8))
        self.assertEqual(on_time.sla_status, "met")

    def test_status_over_time(self):
        ticket = self._ticket_at(utc(0, 8))
        self.assertEqual(ticket.sla_check_date, utc(0, 11, 12))  # 80 % of 4 hours
        self.assertEqual(self._refresh(ticket, utc(0, 11)).sla_status, "on_time")
        self.assertEqual(self._refresh(ticket, utc(0, 11, 30)).sla_status, "at_risk")
        self.assertEqual(self._refresh(ticket, utc(0, 12, 1)).sla_status, "breached")
        # paused while breached: the breach stays
        self._move(ticket, utc(0, 13), self.stage_pending)
        self.assertEqual(ticket.sla_status, "breached")

    def test_no_sla(self):
        self.sla_standard.team_ids = self.team_billing
        ticket = self._ticket_at(utc(0, 8))
        self.assertFalse(ticket.sla_id)
        self.assertFalse(ticket.sla_status)
        self.assertFalse(ticket.sla_deadline)
        self.assertFalse(ticket.sla_check_date)
        # a new SLA applies to the open tickets at once
        with self._at(utc(0, 9)):
            sla = self.env["support.sla"].create(
                {
                    "name": "Madrid",
                    "team_ids": [Command.link(self.team_sla.id)],
                    "response_hours": 2,
                }
            )
            self.env.flush_all()
        self.assertEqual(ticket.sla_id, sla)
        self.assertEqual(ticket.sla_response_deadline, utc(0, 10))
        self.assertFalse(ticket.sla_resolution_deadline)
        with self._at(utc(0, 9)):
            sla.active = False
            self.env.flush_all()
        self.assertFalse(ticket.sla_id)


@tagged("post_install", "-at_install")
class TestSupportSlaChoice(SupportSlaCommon):
    def test_most_specific_then_strictest(self):
        Sla = self.env["support.sla"]
        urgent = Sla.create(
            {
                "name": "Urgent",
                "priority_ids": [Command.link(self.priority_urgent.id)],
                "response_hours": 2,
            }
        )
        urgent_madrid = Sla.create(
            {
                "name": "Urgent in Madrid",
                "priority_ids": [Command.link(self.priority_urgent.id)],
                "team_ids": [Command.link(self.team_sla.id)],
                "response_hours": 3,
            }
        )
        urgent_fast = Sla.create(
            {
                "name": "Urgent, faster",
                "priority_ids": [Command.link(self.priority_urgent.id)],
                "response_hours": 1,
                "sequence": 99,
            }
        )
        madrid = self._create_ticket(
            team_id=self.team_sla.id, priority_id=self.priority_urgent.id
        )
        # two criteria beat one, even with a longer time
        self.assertEqual(madrid.sla_id, urgent_madrid)
        # among equals, the shortest response wins over the sequence
        other = self._create_ticket(
            team_id=self.team_tech.id, priority_id=self.priority_urgent.id
        )
        self.assertEqual(other.sla_id, urgent_fast)
        urgent_fast.response_hours = 2
        urgent_fast.resolution_hours = 10
        # same response: the one with a resolution target is stricter
        self.assertEqual(other.sla_id, urgent_fast)
        urgent.resolution_hours = 10
        # all equal: the sequence
        self.assertEqual(other.sla_id, urgent)
        # nothing else matches a normal ticket of the area than the standard
        normal = self._create_ticket(team_id=self.team_sla.id)
        self.assertEqual(normal.sla_id, self.sla_standard)
        self.assertEqual(urgent_madrid.ticket_count, 1)

    def test_contract_and_category(self):
        contract = self.env["support.contract"].create(
            {"partner_id": self.customer_company.id, "hours_per_month": 10}
        )
        contract.action_confirm()
        sla = self.env["support.sla"].create(
            {
                "name": "Contract",
                "company_id": self.company.id,
                "contract_ids": [Command.link(contract.id)],
                "category_ids": [Command.link(self.category_question.id)],
                "response_hours": 1,
            }
        )
        ticket = self._create_ticket(
            partner_id=self.customer.id, category_id=self.category_support.id
        )
        self.assertEqual(ticket.contract_id, contract)
        self.assertEqual(ticket.sla_id, self.sla_standard)
        ticket.category_id = self.category_question
        self.assertEqual(ticket.sla_id, sla)
        ticket.contract_id = False
        self.assertEqual(ticket.sla_id, self.sla_standard)

    def test_constraints(self):
        for values in (
            {"response_hours": 0, "resolution_hours": 0},
            {"response_hours": -1, "resolution_hours": 4},
            {"response_hours": 1, "warning_percent": 100},
        ):
            with (
                self.subTest(values=values),
                mute_logger("odoo.sql_db"),
                self.assertRaises(CheckViolation),
                self.cr.savepoint(),
            ):
                self.env["support.sla"].create({"name": "Bad", **values})

    def test_access_and_companies(self):
        other_company = self.env["res.company"].create({"name": "Other support"})
        foreign = self.env["support.sla"].create(
            {
                "name": "Elsewhere",
                "company_id": other_company.id,
                "response_hours": 1,
            }
        )
        ticket = self._create_ticket(team_id=self.team_sla.id)
        self.assertEqual(ticket.sla_id, self.sla_standard)
        agent = self.sla_standard.with_user(self.user_agent)
        self.assertEqual(agent.name, "Standard")
        with self.assertRaises(AccessError):
            agent.response_hours = 1
        with self.assertRaises(AccessError):
            self.env["support.sla"].with_user(self.user_agent).create(
                {"name": "Mine", "response_hours": 1}
            )
        self.sla_standard.with_user(self.user_manager).response_hours = 5
        self.assertEqual(ticket.sla_id.response_hours, 5)
        visible = self.env["support.sla"].with_user(self.user_manager).search([])
        self.assertNotIn(foreign, visible)
        # warnings and state intervals follow the tickets the user sees
        outsider = new_test_user(
            self.env,
            login="st_sla_outsider",
            groups="support_ticket.group_support_user",
        )
        Log = self.env["support.ticket.stage.log"]
        self.assertTrue(
            Log.with_user(self.user_agent).search([("ticket_id", "=", ticket.id)])
        )
        self.assertFalse(
            Log.with_user(outsider).search([("ticket_id", "=", ticket.id)])
        )

    @users("st_manager")
    def test_default_pausing_states(self):
        sla = self.env["support.sla"].create({"name": "New", "response_hours": 1})
        self.assertEqual(sla.pause_stage_ids, self.stage_pending)


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
