"""Fair assignment: areas give their new tickets to their members in turn or by load."""

from collections import defaultdict
from datetime import datetime, time, timedelta

from pytz import timezone, utc

from odoo import api, fields, models
from odoo.tools import SQL

ASSIGNMENT_METHODS = [
    ("manual", "Manual"),
    ("round_robin", "In turn"),
    ("balanced", "Fewest open tickets"),
]


class SupportTeam(models.Model):
    _inherit = "support.team"  # pylint: disable=consider-merging-classes-inherited

    assignment_method = fields.Selection(
        ASSIGNMENT_METHODS,
        string="Assignment",
        required=True,
        default="manual",
        help="Who gets the new tickets of the area that nobody assigned: "
        "nobody (manual), the members in turn, or the member with the fewest "
        "open tickets in the area. Members on leave today are skipped, and the "
        "default technician of the ticket's category goes first.",
    )
    last_assigned_user_id = fields.Many2one(
        "res.users",
        string="Last assigned",
        readonly=True,
        copy=False,
        help="Member who got the last ticket given out automatically: the turn "
        "goes on after them.",
    )

    def _support_lock_for_assignment(self):
        """Lock the rows of the areas until the end of the transaction and
        return their last assigned member (``{area id: user id}``), as they
        are once the lock is held. Concurrent transactions assigning in the
        same area wait here; under PostgreSQL's repeatable read, the one that
        waited fails with a serialization error and is retried, as Odoo
        retries requests and jobs, so that it sees the other's tickets."""
        if not self:
            return {}
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                "SELECT id, last_assigned_user_id FROM support_team WHERE id IN %s "
                "ORDER BY id FOR NO KEY UPDATE",
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["last_assigned_user_id"])
        return dict(rows)

    def _support_members_on_leave(self, members, now):
        """The ``members`` on leave today, in their own time zone: a time off
        of their resource, or a public holiday of their working hours."""
        self.ensure_one()
        if not members:
            return members
        company = self.company_id or self.env.company
        resources = (
            self.env["resource.resource"]
            .sudo()
            .search([("user_id", "in", members.ids)], order="id")
        )
        resource_of = {}
        for resource in resources:
            if resource.company_id in (company, self.env["res.company"]):
                resource_of.setdefault(resource.user_id, resource)
        area_calendar = self.resource_calendar_id or company.resource_calendar_id
        days = {}
        for user in members:
            resource = resource_of.get(user)
            calendar = resource.calendar_id if resource else area_calendar
            calendar = calendar or area_calendar
            tz = timezone(
                (resource.tz if resource else user.tz) or calendar.tz or "UTC"
            )
            local_day = utc.localize(now).astimezone(tz).date()
            start = tz.localize(datetime.combine(local_day, time.min))
            start = start.astimezone(utc).replace(tzinfo=None)
            days[user] = (resource, calendar, start, start + timedelta(days=1))
        leaves = (
            self.env["resource.calendar.leaves"]
            .sudo()
            .search(
                [
                    ("time_type", "=", "leave"),
                    ("date_from", "<", max(day[3] for day in days.values())),
                    ("date_to", ">", min(day[2] for day in days.values())),
                    "|",
                    ("resource_id", "in", resources.ids),
                    ("resource_id", "=", False),
                ]
            )
        )
        on_leave = members.browse()
        for user, (resource, calendar, start, stop) in days.items():
            for leave in leaves:
                if leave.date_from >= stop or leave.date_to <= start:
                    continue
                if leave.resource_id:
                    concerned = leave.resource_id == resource
                else:
                    concerned = leave.company_id == company and (
                        not leave.calendar_id or leave.calendar_id == calendar
                    )
                if concerned:
                    on_leave |= user
                    break
        return on_leave

    def _support_pick_members(self, count, last_user_id, now):
        """The members who get the next ``count`` tickets of the area, in
        order: the available members (internal, not on leave today) in turn
        after ``last_user_id``, or the one with the fewest open tickets in the
        area (ties in turn)."""
        self.ensure_one()
        members = self.member_ids.filtered(lambda u: u.active and not u.share)
        members = (members - self._support_members_on_leave(members, now)).sorted("id")
        if not members:
            return []
        balanced = self.assignment_method == "balanced"
        counts = defaultdict(int)
        if balanced:
            counts.update(
                self.env["support.ticket"]
                .sudo()
                ._read_group(
                    [
                        ("team_id", "=", self.id),
                        ("user_id", "in", members.ids),
                        ("is_locked", "=", False),
                    ],
                    ["user_id"],
                    ["__count"],
                )
            )
        picks = []
        last = last_user_id or 0
        for _i in range(count):
            in_turn = [m for m in members if m.id > last] + [
                m for m in members if m.id <= last
            ]
            # min() keeps the first of equals: ties go in turn
            user = min(in_turn, key=lambda m: counts[m])
            if balanced:
                counts[user] += 1
            picks.append(user)
            last = user.id
        return picks


class SupportTicket(models.Model):
    # one concern of the ticket per file, as Odoo core splits its large models
    _inherit = "support.ticket"  # pylint: disable=consider-merging-classes-inherited

    is_auto_assigned = fields.Boolean(
        string="Assigned automatically",
        readonly=True,
        copy=False,
        help="The area gave the ticket to its assignee; an assignment made by a "
        "person is never changed automatically.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        by_person = bool(self.env.context.get("default_user_id"))
        chosen = [by_person or bool(vals.get("user_id")) for vals in vals_list]
        tickets = super().create(vals_list)
        tickets.browse(
            ticket.id
            for ticket, assigned in zip(tickets, chosen, strict=True)
            if not assigned and not ticket.user_id
        )._support_auto_assign()
        return tickets

    def write(self, vals):
        if "user_id" in vals and not self.env.context.get("support_auto_assign"):
            vals = {**vals, "is_auto_assigned": False}
        res = super().write(vals)
        if "team_id" in vals and "user_id" not in vals:
            # moved to another area: it may give the ticket out, unless a
            # person chose the assignee
            self.filtered(
                lambda t: not t.is_locked
                and (
                    not t.user_id
                    or (
                        t.is_auto_assigned
                        and t.user_id not in t.team_id.sudo().member_ids
                    )
                )
            )._support_auto_assign()
        return res

    def _support_auto_assign(self):
        """Give the tickets out in the areas that assign automatically."""
        tickets = self.filtered(
            lambda t: t.team_id.sudo().assignment_method in ("round_robin", "balanced")
        )
        if not tickets:
            return
        teams = tickets.team_id.sudo()
        last_users = teams._support_lock_for_assignment()
        now = fields.Datetime.now()
        for team, team_tickets in tickets.grouped("team_id").items():
            team = team.sudo()
            users = team._support_pick_members(
                len(team_tickets), last_users.get(team.id), now
            )
            if not users:
                continue
            team.last_assigned_user_id = users[-1]
            by_user = {}
            for ticket, user in zip(team_tickets, users, strict=True):
                by_user.setdefault(user, []).append(ticket.id)
            for user, ticket_ids in by_user.items():
                self.browse(ticket_ids).sudo().with_context(
                    support_auto_assign=True
                ).write({"user_id": user.id, "is_auto_assigned": True})
