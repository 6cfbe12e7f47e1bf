"""The SLA job on several workers at once: each warning sent once."""

import logging
import threading
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.fields import Command
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .common import CommittedDataCase

_logger = logging.getLogger(__name__)
TIMEOUT = 20


@tagged("post_install", "-at_install")
class TestSupportSlaConcurrency(CommittedDataCase):
    """Each job in a thread with its own cursor and transaction, on committed
    data (deleted afterwards), as cron workers run it."""

    @classmethod
    def _create_fixture(cls, env):
        agent = new_test_user(
            env,
            login="sla_jobs_agent",
            email="sla_jobs_agent@support.example.com",
            groups="support_ticket.group_support_user",
        )
        team = env["support.team"].create(
            {"name": "SLA jobs", "member_ids": [Command.link(agent.id)]}
        )
        sla = env["support.sla"].create(
            {
                "name": "SLA jobs",
                "team_ids": [Command.link(team.id)],
                "response_hours": 1,
                "resolution_hours": 2,
            }
        )
        return {"agent": agent.id, "team": team.id, "sla": sla.id, "tickets": []}

    @classmethod
    def _drop_fixture(cls, env):
        tickets = env["support.ticket"].browse(cls.ids["tickets"]).exists()
        env["mail.mail"].search(
            [("model", "=", "support.ticket"), ("res_id", "in", tickets.ids)]
        ).unlink()
        tickets.unlink()
        env["support.sla"].browse(cls.ids["sla"]).unlink()
        env["support.team"].browse(cls.ids["team"]).unlink()
        user = env["res.users"].browse(cls.ids["agent"])
        partner = user.partner_id
        user.unlink()
        partner.unlink()

    def _late_tickets(self, count):
        """Tickets opened ten days ago, their response and resolution missed."""

        def create(env):
            tickets = env["support.ticket"].create(
                [
                    {
                        "name": f"Slow printer {n}",
                        "team_id": self.ids["team"],
                        "user_id": self.ids["agent"],
                    }
                    for n in range(count)
                ]
            )
            env.flush_all()
            for table, column in (
                ("support_ticket", "id"),
                ("support_ticket_stage_log", "ticket_id"),
            ):
                date = "create_date" if table == "support_ticket" else "date_from"
                env.execute_query(
                    SQL(
                        "UPDATE %s SET %s = now() at time zone 'UTC' - interval "
                        "'10 days' WHERE %s IN %s",
                        SQL.identifier(table),
                        SQL.identifier(date),
                        SQL.identifier(column),
                        tuple(tickets.ids),
                    )
                )
            env.invalidate_all()
            tickets._sla_recompute(with_sla=True)
            return tickets.ids

        ids = self._committed(create)
        self.ids["tickets"].extend(ids)
        return ids

    def _warnings(self, ids):
        def read(env):
            tickets = env["support.ticket"].browse(ids)
            per_ticket = []
            for ticket in tickets:
                sent = env["mail.message"].search_count(
                    [
                        ("model", "=", "support.ticket"),
                        ("res_id", "=", ticket.id),
                        ("subject", "like", "Deadline missed"),
                    ]
                )
                per_ticket.append((sent, sorted(ticket.sla_notice_ids.mapped("kind"))))
            return sorted(per_ticket), set(tickets.mapped("sla_status"))

        return self._committed(read)

    def test_two_jobs_at_once_warn_each_ticket_once(self):
        """The first job holds its batch (uncommitted) while the second runs:
        the second leaves those tickets to it and takes the next ones; then
        the first goes on and commits. Each missed target is recorded once
        and warned once."""
        ids = self._late_tickets(12)
        Ticket = self.registry["support.ticket"]
        original = Ticket._sla_check_due
        holding = threading.Event()
        second_done = threading.Event()
        batches = {"first": [], "second": []}
        errors = []

        def check_due(records, limit=5):
            worker = threading.current_thread().name
            result = original(records, limit=limit)
            batches[worker].append(result[0])
            if worker == "first" and len(batches["first"]) == 1:
                records.env.flush_all()
                holding.set()
                assert second_done.wait(TIMEOUT), "the second job never ended"
            return result

        def run(wait_for=None, done=None):
            try:
                if wait_for:
                    assert wait_for.wait(TIMEOUT), "the first job never claimed"
                with self.registry.cursor() as cr:
                    api.Environment(cr, SUPERUSER_ID, {})[
                        "support.ticket"
                    ]._cron_sla_check()
            except Exception as error:  # noqa: BLE001 - asserted below
                _logger.info("error in a concurrent job: %r", error)
                errors.append(error)
            finally:
                if done:
                    done.set()

        threads = [
            threading.Thread(target=run, name="first"),
            threading.Thread(target=run, args=(holding, second_done), name="second"),
        ]
        with patch.object(Ticket, "_sla_check_due", check_due):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(TIMEOUT * 2)
        self.assertFalse(any(thread.is_alive() for thread in threads), "deadlock")
        self.assertEqual(errors, [])
        per_ticket, statuses = self._warnings(ids)
        # per target (response, resolution): the late warning recorded, not
        # sent, and the breach sent once
        self.assertEqual(per_ticket, [(2, ["breach", "breach", "risk", "risk"])] * 12)
        self.assertEqual(statuses, {"breached"})
        # the second left the first's batch and did all the rest: two batches,
        # then none when only held tickets were still due
        self.assertEqual(batches["first"][0], 5)
        self.assertEqual(batches["second"], [5, 2, 0])
        self.assertEqual(sum(batches["first"]) + sum(batches["second"]), 12)
