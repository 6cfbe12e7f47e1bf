import threading
import time
import uuid
from datetime import datetime
from functools import partial
from unittest.mock import patch

from odoo import api
from odoo.fields import Command
from odoo.service.model import retrying
from odoo.tests import TransactionCase, freeze_time, new_test_user, tagged
from odoo.tools import mute_logger

from .mail_common import SupportMailCommon

# Wednesday 5 February 2025, 10:00 UTC (11:00 in Madrid)
NOW = datetime(2025, 2, 5, 10)


@tagged("post_install", "-at_install")
class TestSupportAssignment(SupportMailCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.members = cls.env["res.users"]
        for name in ("Ana", "Ben", "Cai"):
            cls.members |= new_test_user(
                cls.env,
                login=f"st_rr_{name.lower()}",
                name=f"{name} Member",
                tz="Europe/Madrid",
                groups="support_ticket.group_support_user",
            )
        cls.ana, cls.ben, cls.cai = cls.members.sorted("id")
        cls.team = cls.env["support.team"].create(
            {
                "name": "Dispatch",
                "assignment_method": "round_robin",
                "member_ids": [Command.set(cls.members.ids)],
            }
        )

    def _new(self, count=1, **values):
        tickets = self.env["support.ticket"].create(
            [
                {"name": f"Incoming {i}", "team_id": self.team.id, **values}
                for i in range(count)
            ]
        )
        return tickets

    def test_round_robin_order(self):
        assigned = [self._new().user_id for _i in range(4)]
        self.assertEqual(assigned, [self.ana, self.ben, self.cai, self.ana])
        self.assertEqual(self.team.last_assigned_user_id, self.ana)
        # a batch goes on in turn
        batch = self._new(3)
        self.assertEqual(
            [t.user_id for t in batch.sorted("id")], [self.ben, self.cai, self.ana]
        )
        self.assertTrue(all(batch.mapped("is_auto_assigned")))
        # archived members are skipped
        self.ben.active = False
        self.assertEqual(self._new().user_id, self.cai)
        self.assertEqual(self._new().user_id, self.ana)

    def test_balanced_counts(self):
        self.team.assignment_method = "balanced"
        for user, count in ((self.ana, 2), (self.cai, 1)):
            self._new(count, user_id=user.id)
        # closed tickets and tickets of other areas do not count
        closed = self._new(3, user_id=self.ben.id)
        closed.stage_id = self.stage_closed
        self.env["support.ticket"].create(
            [
                {
                    "name": "Elsewhere",
                    "team_id": self.team_tech.id,
                    "user_id": self.ben.id,
                }
                for _i in range(4)
            ]
        )
        assigned = [self._new().user_id for _i in range(4)]
        # Ben had none, then ties go in turn after the last one assigned
        self.assertEqual(assigned, [self.ben, self.cai, self.ben, self.cai])
        batch = self._new(3)
        # Ana and Ben have 2 open tickets, Cai 3: Ana, Ben, then in turn
        self.assertEqual(
            [t.user_id for t in batch.sorted("id")], [self.ana, self.ben, self.cai]
        )

    @freeze_time(NOW)
    def test_members_on_leave_are_skipped(self):
        calendar = self.team.resource_calendar_id
        resource = self.env["resource.resource"].create(
            {
                "name": self.ana.name,
                "user_id": self.ana.id,
                "calendar_id": calendar.id,
                "tz": "Europe/Madrid",
            }
        )
        Leave = self.env["resource.calendar.leaves"]
        # Ana's day off today in Madrid (from 23:00 UTC the day before)
        leave = Leave.create(
            {
                "name": "Day off",
                "resource_id": resource.id,
                "date_from": datetime(2025, 2, 4, 23),
                "date_to": datetime(2025, 2, 5, 22, 59, 59),
            }
        )
        # Ben's is tomorrow: it does not matter today
        Leave.create(
            {
                "name": "Tomorrow",
                "resource_id": self.env["resource.resource"]
                .create(
                    {
                        "name": self.ben.name,
                        "user_id": self.ben.id,
                        "tz": "Europe/Madrid",
                    }
                )
                .id,
                "date_from": datetime(2025, 2, 5, 23),
                "date_to": datetime(2025, 2, 6, 22),
            }
        )
        assigned = [self._new().user_id for _i in range(3)]
        self.assertEqual(assigned, [self.ben, self.cai, self.ben])
        # a leave that ended before today (in Madrid) no longer counts
        leave.write(
            {
                "date_from": datetime(2025, 2, 4, 8),
                "date_to": datetime(2025, 2, 4, 22, 30),
            }
        )
        self.assertEqual(self._new().user_id, self.cai)
        self.assertEqual(self._new().user_id, self.ana)
        # a public holiday of the area's working hours: nobody to give it to
        Leave.create(
            {
                "name": "Public holiday",
                "calendar_id": calendar.id,
                "date_from": datetime(2025, 2, 4, 23),
                "date_to": datetime(2025, 2, 5, 22, 59, 59),
            }
        )
        ticket = self._new()
        self.assertFalse(ticket.user_id)
        self.assertFalse(ticket.is_auto_assigned)

    def test_category_technician_wins(self):
        category = self.env["support.category"].create(
            {"name": "Printers", "user_id": self.cai.id, "team_id": self.team.id}
        )
        self.assertEqual(self._new().user_id, self.ana)
        ticket = self.env["support.ticket"].create(
            {"name": "Paper jam", "category_id": category.id}
        )
        self.assertEqual(ticket.team_id, self.team)
        self.assertEqual(ticket.user_id, self.cai)
        self.assertFalse(ticket.is_auto_assigned)
        # the turn is not consumed
        self.assertEqual(self.team.last_assigned_user_id, self.ana)
        self.assertEqual(self._new().user_id, self.ben)

    def test_assignment_by_a_person_stays(self):
        chosen = self._new(user_id=self.cai.id)
        self.assertEqual(chosen.user_id, self.cai)
        self.assertFalse(chosen.is_auto_assigned)
        self.assertFalse(self.team.last_assigned_user_id)
        # from "Assigned to me": the default is the person's choice
        mine = (
            self.env["support.ticket"]
            .with_user(self.ben)
            .with_context(default_user_id=self.ben.id)
            .create({"name": "Mine", "team_id": self.team.id})
        )
        self.assertEqual(mine.user_id, self.ben)
        self.assertFalse(mine.is_auto_assigned)
        # a manual area gives nothing out
        manual = self.env["support.ticket"].create(
            {"name": "Manual", "team_id": self.team_billing.id}
        )
        self.assertFalse(manual.user_id)
        # reassigned by a person: no longer automatic, kept when moved
        auto = self._new()
        self.assertEqual(auto.user_id, self.ana)
        self.assertTrue(auto.is_auto_assigned)
        auto.user_id = self.user_agent
        self.assertFalse(auto.is_auto_assigned)
        other = self.env["support.team"].create(
            {
                "name": "Second line",
                "assignment_method": "round_robin",
                "member_ids": [Command.link(self.user_agent2.id)],
            }
        )
        auto.team_id = other
        self.assertEqual(auto.user_id, self.user_agent)
        # moved automatically assigned, or unassigned: the new area gives it out
        moved = self._new() | manual
        self.assertEqual(moved[0].user_id, self.ben)
        moved.team_id = other
        self.assertEqual(moved.mapped("user_id"), self.user_agent2)
        self.assertTrue(all(moved.mapped("is_auto_assigned")))
        # unassigning by hand is a person's choice too
        moved[0].user_id = False
        self.assertFalse(moved[0].user_id)

    def test_incoming_email_is_assigned(self):
        self.team.write(
            {"alias_name": "dispatch", "alias_domain_id": self.alias_domain.id}
        )
        self.assertEqual(self._new().user_id, self.ana)
        ticket = self.process(self.build_email(to="dispatch@support.example.com"))
        self.assertEqual(ticket.team_id, self.team)
        self.assertEqual(ticket.user_id, self.ben)
        self.assertTrue(ticket.is_auto_assigned)


@tagged("post_install", "-at_install")
class TestSupportAssignmentConcurrency(TransactionCase):
    """Tickets created at the same time in separate transactions go to
    different members: each transaction locks its area's row, and the one that
    waited is retried as Odoo retries a serialization failure. The data is
    committed (each thread has its own connection) and removed afterwards."""

    WORKERS = 3

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {"no_reset_password": True})
            users = env["res.users"]
            tag = uuid.uuid4().hex[:8]  # never in conflict with an earlier run
            for i in range(self.WORKERS):
                users |= new_test_user(
                    env,
                    login=f"st_race_{tag}_{i}",
                    groups="support_ticket.group_support_user",
                )
            team = env["support.team"].create(
                {
                    "name": "Race",
                    "assignment_method": "round_robin",
                    "member_ids": [Command.set(users.ids)],
                }
            )
            self.user_ids, self.team_id = users.ids, team.id
        self.addCleanup(self._remove_committed)

    def _remove_committed(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            team = env["support.team"].browse(self.team_id)
            env["support.ticket"].search([("team_id", "=", team.id)]).unlink()
            team.unlink()
            users = env["res.users"].browse(self.user_ids)
            partners = users.partner_id
            users.unlink()
            partners.unlink()

    def _race(self, method):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            env["support.team"].browse(self.team_id).assignment_method = method
        barrier = threading.Barrier(self.WORKERS)
        results, errors, attempts = {}, [], []

        def create(key, env):
            attempts.append(key)
            # each attempt is a new transaction: never wait for ever
            env.cr.execute("SET LOCAL lock_timeout = '30s'")
            ticket = env["support.ticket"].create(
                {"name": f"Race {key}", "team_id": self.team_id}
            )
            ticket.flush_recordset()
            # hold the transaction open: the others must wait for it
            time.sleep(0.5)
            return ticket.user_id.id

        def worker(key):
            try:
                barrier.wait(timeout=30)
                with self.registry.cursor() as cr:
                    env = api.Environment(
                        cr, api.SUPERUSER_ID, {"mail_auto_subscribe_no_notify": True}
                    )
                    results[key] = retrying(partial(create, key, env), env)
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)

        threads = [
            threading.Thread(target=worker, args=(key,)) for key in range(self.WORKERS)
        ]
        # Odoo's test runner holds the lock of the registries while tests run:
        # the threads get this registry without taking it. The failed queries
        # of the transactions that waited are expected.
        with (
            patch("odoo.orm.environments.Registry", lambda _db_name: self.registry),
            mute_logger("odoo.sql_db"),
        ):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
        self.assertFalse(errors)
        return results, attempts

    def test_round_robin_under_concurrency(self):
        results, attempts = self._race("round_robin")
        # each member got one ticket, none two
        self.assertEqual(sorted(results.values()), sorted(self.user_ids))
        # some transactions waited and were retried
        self.assertGreater(len(attempts), self.WORKERS)

    def test_balanced_under_concurrency(self):
        results, _attempts = self._race("balanced")
        self.assertEqual(sorted(results.values()), sorted(self.user_ids))
