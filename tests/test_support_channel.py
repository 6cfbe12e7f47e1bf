"""Support channels: open now or when next, across time zones, weekends,
public holidays and the end of the day; their panel on the portal."""

from datetime import datetime, timedelta

import pytz
from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import SupportHttpCase


def office_hours(env, name, tz):
    """Monday to Friday, 9:00 to 13:00 and 14:00 to 18:00."""
    return env["resource.calendar"].create(
        {
            "name": name,
            "tz": tz,
            "attendance_ids": [
                Command.create(
                    {
                        "name": f"{day} {period}",
                        "dayofweek": str(day),
                        "hour_from": start,
                        "hour_to": stop,
                        "day_period": period,
                    }
                )
                for day in range(5)
                for start, stop, period in ((9, 13, "morning"), (14, 18, "afternoon"))
            ],
        }
    )


def always(env, name="Always"):
    return env["resource.calendar"].create(
        {
            "name": name,
            "tz": "UTC",
            "attendance_ids": [
                Command.create(
                    {
                        "name": str(day),
                        "dayofweek": str(day),
                        "hour_from": 0,
                        "hour_to": 24,
                        "day_period": "full_day",
                    }
                )
                for day in range(7)
            ],
        }
    )


def utc(tz, *args):
    """A naive UTC datetime from a local time in ``tz``."""
    local = pytz.timezone(tz).localize(datetime(*args))
    return local.astimezone(pytz.utc).replace(tzinfo=None)


MADRID = "Europe/Madrid"
MEXICO = "America/Mexico_City"
# Wednesday 11 June 2025; Madrid is UTC+2 in June, Mexico City UTC-6
WED = (2025, 6, 11)


class TestSupportChannel(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.madrid = office_hours(cls.env, "Madrid office", MADRID)
        cls.mexico = office_hours(cls.env, "Mexico office", MEXICO)
        Channel = cls.env["support.channel"]
        cls.phone = Channel.create(
            {
                "name": "Phone",
                "channel_type": "phone",
                "value": "+34 910 000 000",
                "resource_calendar_id": cls.madrid.id,
            }
        )
        cls.whatsapp = Channel.create(
            {
                "name": "WhatsApp Mexico",
                "channel_type": "whatsapp",
                "value": "+52 (55) 1234-5678",
                "resource_calendar_id": cls.mexico.id,
            }
        )
        cls.email = Channel.create(
            {
                "name": "Email",
                "channel_type": "email",
                "value": "help@example.com",
                "response_promise": "Answer within 24 hours",
            }
        )

    def state(self, channel, tz, *local):
        return channel._availability(utc(tz, *local))[channel.id]

    def test_during_the_hours(self):
        state = self.state(self.phone, MADRID, *WED, 10, 0)
        self.assertTrue(state["is_open"])
        self.assertEqual(state["closes"], utc(MADRID, *WED, 13, 0))
        self.assertEqual(state["opens"], utc(MADRID, *WED, 14, 0))

    def test_lunch_break(self):
        state = self.state(self.phone, MADRID, *WED, 13, 30)
        self.assertFalse(state["is_open"])
        self.assertEqual(state["opens"], utc(MADRID, *WED, 14, 0))

    def test_end_of_the_working_day(self):
        self.assertTrue(self.state(self.phone, MADRID, *WED, 17, 59)["is_open"])
        state = self.state(self.phone, MADRID, *WED, 18, 0)
        self.assertFalse(state["is_open"])
        self.assertEqual(state["opens"], utc(MADRID, 2025, 6, 12, 9, 0))

    def test_weekend(self):
        for day, hour in ((13, 18), (14, 12), (15, 23)):  # Friday evening to Sunday
            state = self.state(self.phone, MADRID, 2025, 6, day, hour, 30)
            self.assertFalse(state["is_open"])
            self.assertEqual(state["opens"], utc(MADRID, 2025, 6, 16, 9, 0))

    def test_public_holidays(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": self.madrid.id,
                "date_from": utc(MADRID, 2025, 6, 16, 0, 0),
                "date_to": utc(MADRID, 2025, 6, 16, 23, 59),
            }
        )
        state = self.state(self.phone, MADRID, 2025, 6, 14, 12, 0)
        self.assertEqual(state["opens"], utc(MADRID, 2025, 6, 17, 9, 0))
        self.assertFalse(self.state(self.phone, MADRID, 2025, 6, 16, 10, 0)["is_open"])
        # the holidays of another company do not close it
        other = self.env["res.company"].create({"name": "Other company"})
        theirs = self.env["resource.calendar.leaves"].create(
            {
                "name": "Their holiday",
                "date_from": utc(MADRID, 2025, 6, 17, 0, 0),
                "date_to": utc(MADRID, 2025, 6, 17, 23, 59),
            }
        )
        self.assertFalse(self.state(self.phone, MADRID, 2025, 6, 17, 10, 0)["is_open"])
        theirs.company_id = other
        self.assertTrue(self.state(self.phone, MADRID, 2025, 6, 17, 10, 0)["is_open"])

    def test_time_zones(self):
        # 16:30 UTC: 18:30 in Madrid (closed), 10:30 in Mexico City (open)
        now = datetime(*WED, 16, 30)
        states = (self.phone | self.whatsapp)._availability(now)
        self.assertFalse(states[self.phone.id]["is_open"])
        self.assertTrue(states[self.whatsapp.id]["is_open"])
        self.assertEqual(states[self.whatsapp.id]["closes"], utc(MEXICO, *WED, 13, 0))

    def test_without_hours_always_available(self):
        state = self.email._availability(datetime(2025, 6, 15, 3, 0))[self.email.id]
        self.assertEqual(state, {"is_open": True, "closes": False, "opens": False})

    def test_round_the_clock_is_one_period(self):
        self.email.resource_calendar_id = always(self.env)
        state = self.email._availability(datetime(*WED, 23, 59, 59))[self.email.id]
        self.assertTrue(state["is_open"])
        self.assertGreater(state["closes"], datetime(*WED) + timedelta(days=20))

    def test_computed_fields(self):
        with freeze_time(utc(MADRID, 2025, 6, 14, 12, 0)):
            self.phone.invalidate_recordset()
            self.assertFalse(self.phone.is_open_now)
            self.assertEqual(self.phone.next_opening, utc(MADRID, 2025, 6, 16, 9, 0))
        with freeze_time(utc(MADRID, *WED, 11, 0)):
            self.phone.invalidate_recordset()
            self.assertTrue(self.phone.is_open_now)

    def test_links(self):
        self.assertEqual(self.whatsapp.link_url, "https://wa.me/525512345678")
        self.assertEqual(self.phone.link_url, "tel:+34910000000")
        self.assertEqual(self.email.link_url, "mailto:help@example.com")

    def test_panel_told_in_the_visitor_time_zone(self):
        saturday = utc(MADRID, 2025, 6, 14, 12, 0)
        panel = {
            p["id"]: p for p in self.env["support.channel"]._portal_panel(now=saturday)
        }
        self.assertEqual(
            panel[self.phone.id]["status"], "Closed, opens Monday at 09:00"
        )
        self.assertEqual(panel[self.phone.id]["tz"], MADRID)
        self.assertEqual(panel[self.email.id]["status"], "Available now")
        self.assertEqual(panel[self.email.id]["promise"], "Answer within 24 hours")
        tokyo = {
            p["id"]: p
            for p in self.env["support.channel"]._portal_panel(
                tz="Asia/Tokyo", now=saturday
            )
        }
        self.assertEqual(
            tokyo[self.phone.id]["status"], "Closed, opens Monday at 16:00"
        )
        self.assertEqual(tokyo[self.phone.id]["tz"], "Asia/Tokyo")
        # Wednesday 18:30 in Madrid is already Thursday 01:30 in Tokyo
        evening = utc(MADRID, *WED, 18, 30)
        status = {
            p["id"]: p["status"]
            for p in self.env["support.channel"]._portal_panel(tz=MADRID, now=evening)
        }
        self.assertEqual(status[self.phone.id], "Closed, opens tomorrow at 09:00")
        status = {
            p["id"]: p["status"]
            for p in self.env["support.channel"]._portal_panel(
                tz="Asia/Tokyo", now=evening
            )
        }
        self.assertEqual(status[self.phone.id], "Closed, opens today at 16:00")
        detail = {
            p["id"]: p["detail"]
            for p in self.env["support.channel"]._portal_panel(
                tz="Bad/Zone", now=utc(MADRID, *WED, 10, 0)
            )
        }
        self.assertEqual(detail[self.phone.id], "until today at 13:00")

    def test_panel_shows_what_is_published_for_the_company(self):
        self.whatsapp.is_published = False
        other = self.env["res.company"].create({"name": "Other company"})
        self.email.company_id = other
        Channel = self.env["support.channel"].with_company(self.env.company)
        ids = [p["id"] for p in Channel._portal_panel()]
        self.assertEqual(ids, [self.phone.id])


@tagged("post_install", "-at_install")
class TestSupportChannelPortal(SupportHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # closed from yesterday to the next round hour in three days
        now = datetime.now().replace(microsecond=0)
        cls.reopening = (now + timedelta(days=3)).replace(minute=0, second=0)
        closed = always(cls.env, "Closed for a while")
        cls.env["resource.calendar.leaves"].create(
            {
                "name": "Closed",
                "calendar_id": closed.id,
                "date_from": now - timedelta(days=1),
                "date_to": cls.reopening,
            }
        )
        Channel = cls.env["support.channel"]
        cls.whatsapp = Channel.create(
            {
                "name": "WhatsApp support",
                "channel_type": "whatsapp",
                "value": "+34 600 111 222",
                "resource_calendar_id": always(cls.env).id,
            }
        )
        cls.phone = Channel.create(
            {
                "name": "Phone support",
                "channel_type": "phone",
                "value": "+34 910 000 000",
                "resource_calendar_id": closed.id,
                "response_promise": "We call you back within 4 hours",
            }
        )
        cls.hidden = Channel.create(
            {"name": "Secret line", "value": "000", "is_published": False}
        )
        cls.user = new_test_user(
            cls.env,
            login="channel_portal",
            password="channel_portal",
            groups="base.group_portal",
            tz="Asia/Tokyo",
        )

    def assertPanel(self, html, tz):
        self.assertIn("WhatsApp support", html)
        self.assertIn('href="https://wa.me/34600111222"', html)
        self.assertIn("Available now", html)
        opens = pytz.utc.localize(self.reopening).astimezone(pytz.timezone(tz))
        self.assertIn("Closed, opens", html)
        self.assertIn(opens.strftime("%H:%M"), html)
        self.assertIn("We call you back within 4 hours", html)
        self.assertIn(f"Times in {tz}", html)
        self.assertNotIn("Secret line", html)

    def test_public_support_page_in_the_browser_time_zone(self):
        self.opener.cookies.set("tz", "America/Mexico_City")
        response = self.url_open("/support")
        self.assertEqual(response.status_code, 200)
        self.assertPanel(response.text, "America/Mexico_City")
        self.assertIn('href="/support/new"', response.text)

    def test_customer_pages_in_the_user_time_zone(self):
        ticket = self.env["support.ticket"].create(
            {"name": "Channels on my ticket", "partner_id": self.user.partner_id.id}
        )
        self.authenticate("channel_portal", "channel_portal")
        self.opener.cookies.set("tz", "America/Mexico_City")  # the user's wins
        for url in ("/my/tickets", f"/my/tickets/{ticket.id}", "/my/tickets/new"):
            response = self.url_open(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertPanel(response.text, "Asia/Tokyo")
