"""SLA deadlines in working hours, with pauses, and which SLA a ticket gets."""

from unittest.mock import patch

from psycopg2.errors import CheckViolation

from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged, users
from odoo.tools import mute_logger

from .sla_common import SupportSlaCommon, utc


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

    def test_first_response_kept_by_the_replies(self):
        ticket = self._ticket_at(utc(0, 8))
        planned = []
        plan = type(ticket)._sla_plan

        def counting(record, *args, **kwargs):
            planned.append(record.id)
            return plan(record, *args, **kwargs)

        with patch.object(type(ticket), "_sla_plan", counting):
            # the customer's replies change neither the first response nor
            # the deadlines: the SLA is not planned again for them
            with self._at(utc(0, 9)):
                ticket._add_reply("Any news?", origin="portal")
                ticket._add_reply("Still broken", origin="email")
                self.env.flush_all()
            self.assertFalse(ticket.first_response_date)
            self.assertEqual(planned, [])
            # the team's answer is the response: planned once
            with self._at(utc(0, 10)):
                answer = ticket.with_user(self.user_agent)._add_reply("We are on it")
                self.env.flush_all()
            self.assertEqual(ticket.first_response_date, utc(0, 10))
            self.assertEqual(planned, ticket.ids)
        self.assertEqual(ticket.sla_deadline, ticket.sla_resolution_deadline)
        # a later answer keeps the first one
        with self._at(utc(0, 11)):
            later = ticket.with_user(self.user_agent)._add_reply("Fixed, I think")
            self.env.flush_all()
        self.assertEqual(ticket.first_response_date, utc(0, 10))
        # the first answer made internal, then deleted: the next one counts,
        # then none
        answer.sudo().is_internal = True
        self.assertEqual(ticket.first_response_date, utc(0, 11))
        later.sudo().unlink()
        self.assertFalse(ticket.first_response_date)
        self.assertEqual(ticket.sla_deadline, ticket.sla_response_deadline)

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
