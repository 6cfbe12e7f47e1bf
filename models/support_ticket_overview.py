"""Support ticket: the overview of the support team (figures for its leads)."""

from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.fields import Domain
from odoo.tools import SQL
from odoo.tools.misc import format_date, get_lang

DEFAULT_WEEKS = 12
MAX_WEEKS = 52


class SupportTicket(models.Model):
    # one concern of the ticket per file, as Odoo core splits its large models
    _inherit = "support.ticket"  # pylint: disable=consider-merging-classes-inherited

    resolved_date = fields.Datetime(
        string="Resolved on",
        compute="_compute_resolved_date",
        store=True,
        readonly=True,
        copy=False,
        help="When the ticket reached a resolved or closed state; cleared when it "
        "is reopened. Its resolution time runs from its creation to this date.",
    )

    @api.depends("stage_id")
    def _compute_resolved_date(self):
        now = fields.Datetime.now()
        for ticket in self:
            if ticket.stage_id.is_locking:
                # resolved, then closed: resolved when it was first resolved
                ticket.resolved_date = ticket.resolved_date or ticket.closed_date or now
            else:
                ticket.resolved_date = False

    # ------------------------------------------------------------
    # Overview
    # ------------------------------------------------------------

    @api.model
    def get_overview(self, weeks=DEFAULT_WEEKS):
        """Every figure of the overview (client action ``support_overview``),
        each with the action that lists its tickets.

        Managers see every ticket; other support users the tickets of the
        areas they lead or belong to. Each figure is one grouped query, read
        with the user's access rights, so that the lists show what the
        figures count, and the cost does not depend on the number of tickets.
        """
        if not self.env.user.has_group("support_ticket.group_support_user"):
            raise AccessError(
                self.env._("The support overview is for the support team.")
            )
        weeks = min(max(int(weeks or DEFAULT_WEEKS), 1), MAX_WEEKS)
        # the time zone in which the weeks are cut, for the grouped reads too
        self = self.with_context(tz=self.env.tz.zone)
        scope = self._overview_scope()
        open_domain = scope & Domain("is_locked", "=", False)
        periods = self._overview_weeks(weeks)
        since = fields.Datetime.to_string(periods[0][0])
        return {
            "weeks": weeks,
            "is_manager": self.env.user.has_group(
                "support_ticket.group_support_manager"
            ),
            "areas": self._overview_areas(open_domain),
            "unassigned": self._overview_count(
                self.env._("Unassigned open tickets"),
                open_domain & Domain("user_id", "=", False),
            ),
            "oldest": self._overview_oldest(open_domain),
            "created_resolved": self._overview_created_resolved(scope, periods),
            "first_response": self._overview_durations(
                self.env._("First responses"),
                scope
                & Domain("create_date", ">=", since)
                & Domain("first_response_date", "!=", False),
                "first_response_hours",
            ),
            "resolution": self._overview_durations(
                self.env._("Resolutions"),
                scope & Domain("resolved_date", ">=", since),
                "resolution_hours",
            ),
            "sla": self._overview_sla(open_domain),
        }

    @api.model
    def _overview_scope(self):
        """The tickets the overview counts for the current user."""
        user = self.env.user
        if user.has_group("support_ticket.group_support_manager"):
            return Domain.TRUE
        teams = self.env["support.team"].search(
            ["|", ("leader_id", "=", user.id), ("member_ids", "in", user.ids)]
        )
        return Domain("team_id", "in", teams.ids)

    @api.model
    def _overview_weeks(self, weeks):
        """The last ``weeks`` weeks, this one last, as ``(start, end)`` in
        UTC: from midnight of the first day of the week of the user's
        language, in the user's time zone, as grouped reads cut them."""
        tz = self.env.tz
        today = pytz.utc.localize(fields.Datetime.now()).astimezone(tz).date()
        first_day = int(get_lang(self.env).week_start) - 1  # 0 is Monday
        start = today - timedelta(days=(today.weekday() - first_day) % 7)
        starts = [start - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]

        def to_utc(day):
            local = tz.localize(datetime.combine(day, time.min))
            return local.astimezone(pytz.utc).replace(tzinfo=None)

        return [(to_utc(day), to_utc(day + timedelta(weeks=1)), day) for day in starts]

    @api.model
    def _overview_action(self, name, domain, res_model="support.ticket", views=None):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": res_model,
            "views": [[False, view] for view in (views or ["list", "kanban", "form"])],
            "domain": list(domain),
            "context": {"create": False},
        }

    @api.model
    def _overview_count(self, name, domain):
        return {
            "count": self.search_count(domain),
            "action": self._overview_action(name, domain),
        }

    @api.model
    def _overview_areas(self, open_domain):
        """Open tickets per area and state: one grouped read."""
        groups = self._read_group(
            open_domain, ["team_id", "stage_id"], ["__count"], order="team_id, stage_id"
        )
        stages = self.env["support.stage"].browse()
        for _team, stage, _count in groups:
            stages |= stage
        stages = stages.sorted(lambda s: (s.sequence, s.id))
        rows = {}
        for team, stage, count in groups:
            row = rows.get(team)
            if row is None:
                area = Domain("team_id", "=", team.id or False)
                row = rows[team] = {
                    "id": team.id or False,
                    "name": team.display_name or self.env._("No area"),
                    "count": 0,
                    "action": self._overview_action(
                        self.env._(
                            "Open tickets: %(area)s",
                            area=team.display_name or self.env._("No area"),
                        ),
                        open_domain & area,
                    ),
                    "cells": {},
                    "domain": area,
                }
            row["count"] += count
            row["cells"][stage.id] = {
                "count": count,
                "action": self._overview_action(
                    self.env._(
                        "%(state)s: %(area)s",
                        state=stage.display_name,
                        area=row["name"],
                    ),
                    open_domain & row["domain"] & Domain("stage_id", "=", stage.id),
                ),
            }
        for row in rows.values():
            del row["domain"]
        return {
            "stages": [
                {
                    "id": stage.id,
                    "name": stage.display_name,
                    "color": stage.color or "",
                    "count": sum(
                        row["cells"].get(stage.id, {}).get("count", 0)
                        for row in rows.values()
                    ),
                    "action": self._overview_action(
                        self.env._("Open tickets: %(state)s", state=stage.display_name),
                        open_domain & Domain("stage_id", "=", stage.id),
                    ),
                }
                for stage in stages
            ],
            "rows": list(rows.values()),
            "total": {
                "count": sum(row["count"] for row in rows.values()),
                "action": self._overview_action(
                    self.env._("Open tickets"), open_domain
                ),
            },
        }

    @api.model
    def _overview_oldest(self, open_domain):
        ticket = self.search_fetch(
            open_domain,
            ["code", "name", "create_date"],
            order="create_date, id",
            limit=1,
        )
        if not ticket:
            return False
        age = fields.Datetime.now() - ticket.create_date
        return {
            "id": ticket.id,
            "code": ticket.code,
            "name": ticket.name,
            "days": max(age.days, 0),
            "action": {
                "type": "ir.actions.act_window",
                "name": ticket.display_name,
                "res_model": "support.ticket",
                "res_id": ticket.id,
                "views": [[False, "form"]],
            },
        }

    @api.model
    def _overview_created_resolved(self, scope, periods):
        """Tickets created and tickets resolved per week: two grouped reads."""
        since = fields.Datetime.to_string(periods[0][0])
        counts = {}
        for fname in ("create_date", "resolved_date"):
            for week, count in self._read_group(
                scope & Domain(fname, ">=", since), [f"{fname}:week"], ["__count"]
            ):
                day = week.date() if isinstance(week, datetime) else week
                counts[fname, day] = count
        result = []
        for start, end, day in periods:
            label = format_date(self.env, day, date_format="MMM d")
            week = {"label": label, "start": fields.Date.to_string(day)}
            for key, fname, name in (
                (
                    "created",
                    "create_date",
                    self.env._("Created in the week of %(week)s", week=label),
                ),
                (
                    "resolved",
                    "resolved_date",
                    self.env._("Resolved in the week of %(week)s", week=label),
                ),
            ):
                domain = (
                    scope
                    & Domain(fname, ">=", fields.Datetime.to_string(start))
                    & Domain(fname, "<", fields.Datetime.to_string(end))
                )
                week[key] = {
                    "count": counts.get((fname, day), 0),
                    "action": self._overview_action(name, domain),
                }
            result.append(week)
        return result

    @api.model
    def _overview_durations(self, name, domain, fname):
        """Median and 90th percentile of a duration of the ticket analysis
        (hours), in one aggregate query under the user's access rights."""
        Report = self.env["support.ticket.report"]
        query = Report._search(domain)
        column = Report._field_to_sql(query.table, fname, query)
        median, p90, count = self.env.execute_query(
            query.select(
                SQL(
                    "percentile_cont(0.5) WITHIN GROUP (ORDER BY %(col)s), "
                    "percentile_cont(0.9) WITHIN GROUP (ORDER BY %(col)s), "
                    "COUNT(%(col)s)",
                    col=column,
                )
            )
        )[0]
        return {
            "median": median,
            "p90": p90,
            "count": count,
            "action": self._overview_action(
                name,
                domain,
                res_model="support.ticket.report",
                views=["list", "graph", "pivot"],
            ),
        }

    @api.model
    def _overview_sla(self, open_domain):
        """Open tickets per SLA status, once some have one; ``False`` while
        none of them is under an SLA, and the overview shows no SLA figure."""
        figures = self._overview_by_selection(open_domain, "sla_status")
        return figures if any(figure["count"] for figure in figures) else False

    @api.model
    def _overview_by_selection(self, domain, fname):
        """Tickets of ``domain`` per value of the selection ``fname``."""
        field = self._fields[fname]
        labels = dict(field._description_selection(self.env))
        counts = dict(self._read_group(domain, [fname], ["__count"]))
        result = []
        for value, label in labels.items():
            value_domain = domain & Domain(fname, "=", value)
            result.append(
                {
                    "value": value,
                    "label": label,
                    "count": counts.get(value, 0),
                    "action": self._overview_action(
                        self.env._(
                            "%(field)s: %(value)s",
                            field=field._description_string(self.env),
                            value=label,
                        ),
                        value_domain,
                    ),
                }
            )
        return result
