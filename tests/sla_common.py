"""What the SLA tests share: areas with office hours in two time zones, an
SLA, and tickets created, moved and planned at chosen moments."""

from contextlib import contextmanager
from datetime import datetime, timedelta
from unittest.mock import patch

from odoo.fields import Command
from odoo.tests import freeze_time

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
