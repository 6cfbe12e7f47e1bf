"""The support overview: its figures against known tickets, who sees which,
the lists its figures open, and its cost whatever the number of tickets."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.fields import Command, Domain
from odoo.tests import HttpCase, new_test_user, tagged, users, warmup

from .common import SupportTicketCommon

# a Wednesday; weeks start on Sunday in English (United States)
NOW = datetime(2026, 3, 11, 12, 0)
# queries of the overview, whatever the number of tickets
# the grouped counts join no catalog: the order of areas and states is read
# from them (support_ticket_group.py), one query more than a join
QUERIES = 13


def figures(overview):
    """Every figure of the overview that lists tickets: (name, count, action)."""
    areas = overview["areas"]
    yield "total", areas["total"]["count"], areas["total"]["action"]
    for stage in areas["stages"]:
        yield f"stage {stage['name']}", stage["count"], stage["action"]
    for row in areas["rows"]:
        yield f"area {row['name']}", row["count"], row["action"]
        for stage_id, cell in row["cells"].items():
            yield f"area {row['name']} state {stage_id}", cell["count"], cell["action"]
    yield (
        "unassigned",
        overview["unassigned"]["count"],
        overview["unassigned"]["action"],
    )
    for week in overview["created_resolved"]:
        for key in ("created", "resolved"):
            yield f"{key} {week['start']}", week[key]["count"], week[key]["action"]
    for key in ("first_response", "resolution"):
        yield key, overview[key]["count"], overview[key]["action"]
    for status in overview["sla"] or []:
        yield f"sla {status['value']}", status["count"], status["action"]


@tagged("post_install", "-at_install")
class TestSupportOverview(SupportTicketCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env,
            login="st_overview_portal",
            groups="base.group_portal",
        )
        cls.env["ir.config_parameter"].sudo().set_param(
            "support_ticket.notify_reply", False
        )
        cls.tickets = {}
        # name: area, state, assignee, created, first response after (hours),
        # resolved
        for name, team, stage, user, created, response, resolved in (
            ("A", cls.team_tech, cls.stage_open, None, "2026-02-19 09:00", None, None),
            (
                "B",
                cls.team_tech,
                cls.stage_pending,
                cls.user_agent,
                "2026-03-01 08:00",
                None,
                None,
            ),
            (
                "C",
                cls.team_tech,
                cls.stage_resolved,
                cls.user_agent,
                "2026-03-02 10:00",
                2,
                "2026-03-06 10:00",
            ),
            (
                "D",
                cls.team_tech,
                cls.stage_closed,
                cls.user_agent,
                "2026-03-08 12:00",
                0.5,
                "2026-03-10 12:00",
            ),
            (
                "E",
                cls.team_billing,
                cls.stage_open,
                cls.user_agent2,
                "2026-01-30 12:00",
                None,
                None,
            ),
            (
                "F",
                cls.team_billing,
                cls.stage_resolved,
                cls.user_agent2,
                "2026-03-09 12:00",
                4,
                "2026-03-10 00:00",
            ),
            # in billing, assigned to the agent of the technical area
            (
                "G",
                cls.team_billing,
                cls.stage_open,
                cls.user_agent,
                "2026-03-10 08:00",
                None,
                None,
            ),
            # long resolved, out of the weeks of the overview
            (
                "H",
                cls.team_tech,
                cls.stage_closed,
                cls.user_agent,
                "2025-06-01 08:00",
                1,
                "2025-06-02 08:00",
            ),
        ):
            cls.tickets[name] = cls._known_ticket(
                name, team, stage, user, created, response, resolved
            )

    @classmethod
    def _known_ticket(cls, name, team, stage, user, created, response, resolved):
        created = datetime.fromisoformat(created)
        ticket = cls.env["support.ticket"].create(
            {
                "name": f"Known ticket {name}",
                "team_id": team.id,
                "user_id": user.id if user else False,
                "partner_id": cls.customer.id,
                "notify_customer": False,
            }
        )
        if response is not None:
            # what does not count: an internal note, then the staff's email
            # answer from their mailbox, both before the first response
            ticket._add_reply(
                "Internal", is_internal=True, date=created + timedelta(minutes=1)
            )
            ticket._add_reply(
                "From my mailbox",
                origin="email",
                author_id=cls.user_agent.partner_id.id,
                date=created + timedelta(minutes=2),
            )
            ticket.with_user(user)._add_reply(
                "First response", date=created + timedelta(hours=response)
            )
            ticket.with_user(user)._add_reply(
                "Second response", date=created + timedelta(hours=response + 1)
            )
        ticket.stage_id = stage
        cls.env.flush_all()
        cls.env.cr.execute(
            "UPDATE support_ticket SET create_date = %s, resolved_date = %s "
            "WHERE id = %s",
            (created, resolved and datetime.fromisoformat(resolved), ticket.id),
        )
        ticket.invalidate_recordset(["create_date", "resolved_date"])
        return ticket

    def overview(self, **kwargs):
        with freeze_time(NOW):
            return self.env["support.ticket"].get_overview(**kwargs)

    def assertActionsMatch(self, overview, user=None):
        """Each figure's action lists as many tickets as the figure says, to
        the user who reads the overview."""
        checked = 0
        env = self.env(user=user) if user else self.env
        for name, count, action in figures(overview):
            with self.subTest(figure=name):
                model = env[action["res_model"]]
                self.assertEqual(model.search_count(action["domain"]), count)
                checked += 1
        return checked

    # ------------------------------------------------------------------
    # figures
    # ------------------------------------------------------------------

    @users("st_manager")
    def test_figures_of_a_manager(self):
        overview = self.overview()
        t = self.tickets
        self.assertTrue(overview["is_manager"])
        areas = overview["areas"]
        self.assertEqual(areas["total"]["count"], 4)  # A, B, E, G
        self.assertEqual(
            {
                (row["name"], stage_id): cell["count"]
                for row in areas["rows"]
                for stage_id, cell in row["cells"].items()
            },
            {
                ("Technical", self.stage_open.id): 1,
                ("Technical", self.stage_pending.id): 1,
                ("Billing", self.stage_open.id): 2,
            },
        )
        self.assertEqual(
            [(s["name"], s["count"]) for s in areas["stages"]],
            [("Open", 3), ("Pending", 1)],
        )
        self.assertEqual(
            {r["name"]: r["count"] for r in areas["rows"]},
            {
                "Technical": 2,
                "Billing": 2,
            },
        )
        self.assertEqual(overview["unassigned"]["count"], 1)
        self.assertEqual(
            self.env["support.ticket"].search(
                overview["unassigned"]["action"]["domain"]
            ),
            t["A"],
        )
        self.assertEqual(overview["oldest"]["id"], t["E"].id)
        self.assertEqual(overview["oldest"]["days"], 40)

        weeks = overview["created_resolved"]
        self.assertEqual(len(weeks), 12)
        self.assertEqual(weeks[-1]["start"], "2026-03-08")
        self.assertEqual(weeks[0]["start"], "2025-12-21")
        by_week = {
            w["start"]: (w["created"]["count"], w["resolved"]["count"]) for w in weeks
        }
        self.assertEqual(
            {start: counts for start, counts in by_week.items() if counts != (0, 0)},
            {
                "2026-01-25": (1, 0),  # E
                "2026-02-15": (1, 0),  # A
                "2026-03-01": (2, 1),  # B, C created; C resolved
                "2026-03-08": (3, 2),  # D, F, G created; D, F resolved
            },
        )
        # first responses: C 2 h, D 30 min, F 4 h (H is too old)
        first = overview["first_response"]
        self.assertEqual(first["count"], 3)
        self.assertAlmostEqual(first["median"], 2)
        self.assertAlmostEqual(first["p90"], 3.6)
        # resolutions: C 96 h, D 48 h, F 12 h
        resolution = overview["resolution"]
        self.assertEqual(resolution["count"], 3)
        self.assertAlmostEqual(resolution["median"], 48)
        self.assertAlmostEqual(resolution["p90"], 86.4)
        self.assertFalse(overview["sla"])
        self.assertGreater(self.assertActionsMatch(overview), 30)

    @users("st_agent")
    def test_agent_sees_the_figures_of_their_areas(self):
        overview = self.overview()
        t = self.tickets
        self.assertFalse(overview["is_manager"])
        # Technical only: G, assigned to them in Billing, is not counted
        self.assertEqual(overview["areas"]["total"]["count"], 2)
        self.assertEqual([r["name"] for r in overview["areas"]["rows"]], ["Technical"])
        self.assertEqual(overview["oldest"]["id"], t["A"].id)
        self.assertEqual(overview["first_response"]["count"], 2)
        self.assertAlmostEqual(overview["first_response"]["median"], 1.25)
        self.assertEqual(overview["resolution"]["count"], 2)
        self.assertAlmostEqual(overview["resolution"]["median"], 72)
        created = sum(w["created"]["count"] for w in overview["created_resolved"])
        self.assertEqual(created, 4)  # A, B, C, D
        self.assertGreater(self.assertActionsMatch(overview), 20)

    @users("st_agent2")
    def test_member_of_another_area(self):
        overview = self.overview()
        self.assertEqual([r["name"] for r in overview["areas"]["rows"]], ["Billing"])
        self.assertEqual(overview["areas"]["total"]["count"], 2)
        self.assertEqual(overview["unassigned"]["count"], 0)
        self.assertEqual(overview["first_response"]["count"], 1)
        self.assertAlmostEqual(overview["first_response"]["median"], 4)
        self.assertActionsMatch(overview)

    def test_leader_outside_the_members_sees_what_they_can_read(self):
        """A leader who is no member of their area: the figures count what
        their access rights show them, as the lists do."""
        self.team_billing.leader_id = self.user_agent
        overview = self.env["support.ticket"].with_user(self.user_agent).get_overview()
        self.assertEqual(
            {r["name"]: r["count"] for r in overview["areas"]["rows"]},
            {"Technical": 2, "Billing": 1},  # G only, assigned to them
        )
        self.assertActionsMatch(overview, self.user_agent)

    def test_no_support_right_no_overview(self):
        for user in (self.user_employee, self.portal_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["support.ticket"].with_user(user).get_overview()

    @users("st_manager")
    def test_weeks_in_the_user_time_zone(self):
        """Weeks are cut at midnight where the user is: a ticket of Sunday
        00:30 in Brussels (Saturday 23:30 UTC) belongs to the new week."""
        self.env.user.tz = "Europe/Brussels"
        ticket = self.tickets["G"]
        self.env.cr.execute(
            "UPDATE support_ticket SET create_date = %s WHERE id = %s",
            (datetime(2026, 3, 7, 23, 30), ticket.id),
        )
        ticket.invalidate_recordset(["create_date"])
        weeks = {w["start"]: w for w in self.overview()["created_resolved"]}
        self.assertEqual(weeks["2026-03-08"]["created"]["count"], 3)  # D, F, G
        self.assertIn(
            ("create_date", ">=", "2026-03-07 23:00:00"),
            weeks["2026-03-08"]["created"]["action"]["domain"],
        )
        self.assertEqual(
            self.env["support.ticket"]
            .search(weeks["2026-03-08"]["created"]["action"]["domain"])
            .mapped("name"),
            ["Known ticket G", "Known ticket F", "Known ticket D"],
        )

    @users("st_manager")
    def test_weeks_argument(self):
        overview = self.overview(weeks=8)
        self.assertEqual(len(overview["created_resolved"]), 8)
        self.assertEqual(overview["first_response"]["count"], 3)
        self.assertEqual(len(self.overview(weeks=500)["created_resolved"]), 52)

    def test_resolved_date_follows_the_states(self):
        ticket = self._create_ticket()
        with freeze_time(NOW):
            ticket.stage_id = self.stage_resolved
            self.env.flush_all()
        self.assertEqual(ticket.resolved_date, NOW)
        with freeze_time(NOW + timedelta(days=2)):
            ticket.stage_id = self.stage_closed
            self.env.flush_all()
        # closed after its resolution: resolved when it was resolved
        self.assertEqual(ticket.resolved_date, NOW)
        ticket.action_reopen()
        self.assertFalse(ticket.resolved_date)

    def test_selection_figures_for_the_sla(self):
        """The figure the SLA gets once tickets have ``sla_status``: open
        tickets per value, each with its list (here on ``origin``)."""
        Ticket = self.env["support.ticket"]
        domain = Ticket._overview_scope() & Domain("is_locked", "=", False)
        by_value = {
            f["value"]: f for f in Ticket._overview_by_selection(domain, "origin")
        }
        self.assertEqual(set(by_value), {"manual", "email", "portal"})
        self.assertEqual(by_value["manual"]["count"], 4)
        self.assertEqual(by_value["email"]["count"], 0)
        for figure in by_value.values():
            self.assertEqual(
                Ticket.search_count(figure["action"]["domain"]), figure["count"]
            )
        # no open ticket is under an SLA: no SLA figure
        self.assertFalse(Ticket.get_overview()["sla"])

    @users("st_manager")
    def test_sla_figures_once_tickets_have_an_sla(self):
        self.env["support.sla"].sudo().create(
            {"name": "Overview SLA", "response_hours": 4, "resolution_hours": 16}
        )
        with freeze_time(NOW):
            ticket = self.env["support.ticket"].create(
                {"name": "Under an SLA", "team_id": self.team_tech.id}
            )
        self.assertTrue(ticket.sla_status)
        overview = self.overview()
        counts = {figure["value"]: figure["count"] for figure in overview["sla"]}
        self.assertEqual(set(counts), {"on_time", "at_risk", "breached", "met"})
        # the new SLA applies to the open tickets: each in one status
        self.assertGreaterEqual(counts[ticket.sla_status], 1)
        self.assertEqual(sum(counts.values()), overview["areas"]["total"]["count"])
        self.assertEqual(overview["areas"]["total"]["count"], 5)
        self.assertGreater(self.assertActionsMatch(overview), 30)

    def test_report_first_response_is_the_team_public_reply(self):
        report = self.env["support.ticket.report"].search(
            [("ticket_id", "=", self.tickets["C"].id)]
        )
        self.assertEqual(report.first_response_date, datetime(2026, 3, 2, 12, 0))
        self.assertAlmostEqual(report.first_response_hours, 2)
        self.assertAlmostEqual(report.resolution_hours, 96)
        self.assertEqual(report.action_open_ticket()["res_id"], self.tickets["C"].id)


@tagged("post_install", "-at_install")
class TestSupportOverviewPerformance(SupportTicketCommon):
    """The overview costs the same queries for 10 tickets as for 1,000."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "support_ticket.notify_reply", False
        )
        cls.leaders = {}
        Ticket = cls.env["support.ticket"].with_context(
            tracking_disable=True, mail_create_nolog=True
        )
        for count in (10, 1000):
            leader = new_test_user(
                cls.env,
                login=f"st_overview_{count}",
                groups="support_ticket.group_support_user",
            )
            team = cls.env["support.team"].create(
                {
                    "name": f"Area of {count}",
                    "leader_id": leader.id,
                    "member_ids": [Command.link(leader.id)],
                }
            )
            tickets = Ticket.create(
                [
                    {
                        "name": f"Ticket {n}",
                        "team_id": team.id,
                        "notify_customer": False,
                        "user_id": leader.id if n % 3 else False,
                    }
                    for n in range(count)
                ]
            )
            cls.env["support.ticket.reply"].create(
                [
                    {
                        "ticket_id": ticket.id,
                        "body": "On it",
                        "author_id": leader.partner_id.id,
                    }
                    for ticket in tickets[::2]
                ]
            )
            tickets[: count // 2].stage_id = cls.stage_resolved
            tickets[count // 2 : count * 3 // 4].stage_id = cls.stage_pending
            cls.leaders[count] = leader

    def _queries(self, user):
        Ticket = self.env["support.ticket"].with_user(user)
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        overview = Ticket.get_overview()
        return self.cr.sql_log_count - before, overview

    def test_same_queries_for_10_and_1000_tickets(self):
        for user in self.leaders.values():
            # the caches of the users' rights
            self._queries(user)
            self._queries(user)
        few, overview_10 = self._queries(self.leaders[10])
        many, overview_1000 = self._queries(self.leaders[1000])
        self.assertEqual(overview_10["areas"]["total"]["count"], 5)
        self.assertEqual(overview_1000["areas"]["total"]["count"], 500)
        self.assertEqual(overview_1000["resolution"]["count"], 500)
        self.assertEqual(overview_1000["first_response"]["count"], 500)
        self.assertGreater(few, 5)
        self.assertEqual(few, many)

    @users("st_overview_10", "st_overview_1000")
    @warmup
    def test_overview_query_count(self):
        # the user's areas, open tickets per area and state (with the names
        # of areas and states), unassigned, oldest, created and resolved per
        # week, first response and resolution times, open tickets per SLA
        # status, and the user's groups
        with self.assertQueryCount(st_overview_10=QUERIES, st_overview_1000=QUERIES):
            overview = self.env["support.ticket"].get_overview()
        self.assertEqual(
            overview["unassigned"]["count"],
            2 if self.env.user.login == "st_overview_10" else 167,
        )


@tagged("post_install", "-at_install")
class TestSupportOverviewUi(HttpCase):
    def test_overview_tour(self):
        manager = new_test_user(
            self.env,
            login="st_overview_tour",
            password="st_overview_tour",
            name="Olga Overview",
            groups="support_ticket.group_support_manager",
        )
        team = self.env["support.team"].create({"name": "Overview tour area"})
        oldest = self.env["support.ticket"].create(
            {"name": "Overview tour: oldest", "team_id": team.id}
        )
        waiting = self.env["support.ticket"].create(
            [
                {
                    "name": "Overview tour: waiting",
                    "team_id": team.id,
                    "user_id": manager.id,
                }
                for _i in range(2)
            ]
        )
        waiting.stage_id = self.env.ref("support_ticket.support_stage_pending")
        self.env.cr.execute(
            "UPDATE support_ticket SET create_date = create_date - INTERVAL '3 days' "
            "WHERE id = %s",
            (oldest.id,),
        )
        self.start_tour("/odoo", "support_ticket_overview_tour", login=manager.login)
