"""Support channels (phone, WhatsApp, email...) and their hours: whether one is
open now and when it opens next, from its working-time calendar."""

import re
from datetime import timedelta

import pytz

from odoo import api, fields, models
from odoo.tools import format_datetime

CHANNEL_TYPES = [
    ("phone", "Phone"),
    ("whatsapp", "WhatsApp"),
    ("email", "Email"),
    ("other", "Other"),
]
ICONS = {
    "phone": "fa-phone",
    "whatsapp": "fa-whatsapp",
    "email": "fa-envelope",
    "other": "fa-comments",
}
# how far ahead the next opening is looked for (long holidays included)
LOOKAHEAD_DAYS = 31


class SupportChannel(models.Model):
    _name = "support.channel"
    _description = "Support channel"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    channel_type = fields.Selection(
        CHANNEL_TYPES, string="Type", required=True, default="phone"
    )
    value = fields.Char(
        string="Number or address",
        required=True,
        help="The phone or WhatsApp number (with its country code), the email "
        "address, or the link customers use.",
    )
    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Hours",
        check_company=True,
        help="Working hours, public holidays (global time off) and time zone of the "
        "channel. Leave empty for a channel that is always available.",
    )
    tz = fields.Selection(related="resource_calendar_id.tz", string="Time zone")
    response_promise = fields.Char(
        translate=True,
        help="What customers can expect, for example “Answer within 24 hours”.",
    )
    is_published = fields.Boolean(
        string="Published", default=True, help="Shown to customers on the portal."
    )
    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Leave empty to show this channel for every company.",
    )
    link_url = fields.Char(string="Link", compute="_compute_link_url")
    is_open_now = fields.Boolean(
        string="Available now", compute="_compute_availability"
    )
    next_opening = fields.Datetime(
        string="Opens next",
        compute="_compute_availability",
        help="Start of the next period of the hours after now.",
    )

    @api.depends("channel_type", "value")
    def _compute_link_url(self):
        for channel in self:
            value = (channel.value or "").strip()
            digits = re.sub(r"\D", "", value)
            if channel.channel_type == "whatsapp" and digits:
                channel.link_url = f"https://wa.me/{digits}"
            elif channel.channel_type == "phone" and digits:
                channel.link_url = (
                    "tel:" + ("+" if value.startswith("+") else "") + digits
                )
            elif channel.channel_type == "email" and "@" in value:
                channel.link_url = f"mailto:{value}"
            elif re.match(r"https?://", value):
                channel.link_url = value
            else:
                channel.link_url = False

    @api.depends("resource_calendar_id")
    def _compute_availability(self):
        availability = self._availability()
        for channel in self:
            channel.is_open_now = availability[channel.id]["is_open"]
            channel.next_opening = availability[channel.id]["opens"]

    def _availability(self, now=None):
        """Whether each channel is open at ``now`` (naive UTC, default: now),
        when its current period ends and when it opens next, from its hours and
        the public holidays of its calendar, in the calendar's time zone.

        :return: {channel id: {"is_open": bool, "closes": datetime or False,
            "opens": datetime or False}}, the datetimes naive in UTC
        """
        now = now or fields.Datetime.now()
        now_utc = pytz.utc.localize(now.replace(tzinfo=None, microsecond=0))
        result = {}
        for calendar, channels in self.grouped("resource_calendar_id").items():
            if not calendar:
                for channel in channels:
                    result[channel.id] = {
                        "is_open": True,
                        "closes": False,
                        "opens": False,
                    }
                continue
            calendar = calendar.sudo()
            company = calendar.company_id or channels.company_id[:1] or self.env.company
            intervals = calendar._work_intervals_batch(
                now_utc - timedelta(days=1),
                now_utc + timedelta(days=LOOKAHEAD_DAYS),
                domain=[
                    ("time_type", "=", "leave"),
                    ("company_id", "in", [False, company.id]),
                ],
            )[False]
            # periods that follow each other (24:00 is 23:59:59.999999) are one
            periods = []
            for start, stop, _records in intervals:
                if periods and start - periods[-1][1] <= timedelta(minutes=1):
                    periods[-1][1] = stop
                else:
                    periods.append([start, stop])
            is_open, closes, opens = False, False, False
            for start, stop in periods:
                if start <= now_utc < stop:
                    is_open, closes = True, stop
                elif start > now_utc:
                    opens = start
                    break
            for channel in channels:
                result[channel.id] = {
                    "is_open": is_open,
                    "closes": closes
                    and closes.astimezone(pytz.utc).replace(tzinfo=None),
                    "opens": opens and opens.astimezone(pytz.utc).replace(tzinfo=None),
                }
        return result

    # ------------------------------------------------------------
    # Portal
    # ------------------------------------------------------------

    def _format_moment(self, moment, tz, now):
        """“today at 13:00”, “tomorrow at 09:00”, “Monday at 09:00” or a date,
        in the time zone ``tz``."""
        zone = pytz.timezone(tz)
        local = pytz.utc.localize(moment).astimezone(zone)
        today = pytz.utc.localize(now).astimezone(zone).date()
        time = format_datetime(self.env, moment, tz=tz, dt_format="HH:mm")
        days = (local.date() - today).days
        if days == 0:
            return self.env._("today at %(time)s", time=time)
        if days == 1:
            return self.env._("tomorrow at %(time)s", time=time)
        if days < 7:
            day = format_datetime(self.env, moment, tz=tz, dt_format="EEEE")
        else:
            day = format_datetime(self.env, moment, tz=tz, dt_format="EEEE d MMMM")
        return self.env._("%(day)s at %(time)s", day=day, time=time)

    @api.model
    def _portal_panel(self, tz=None, now=None):
        """The published channels of the current company with their status,
        computed now in the calendars' time zone and told in ``tz`` (the
        visitor's; else each calendar's own)."""
        now = (now or fields.Datetime.now()).replace(microsecond=0)
        channels = self.sudo().search(
            [
                ("is_published", "=", True),
                ("company_id", "in", [False, *self.env.companies.ids]),
            ]
        )
        availability = channels._availability(now)
        tz = tz if tz in pytz.all_timezones_set else None
        panel = []
        for channel in channels:
            state = availability[channel.id]
            zone = tz or channel.resource_calendar_id.tz or "UTC"
            if state["is_open"]:
                status = self.env._("Available now")
                detail = (
                    self.env._(
                        "until %(moment)s",
                        moment=channel._format_moment(state["closes"], zone, now),
                    )
                    if state["closes"] and state["closes"] - now < timedelta(days=1)
                    else ""
                )
            elif state["opens"]:
                status = self.env._(
                    "Closed, opens %(moment)s",
                    moment=channel._format_moment(state["opens"], zone, now),
                )
                detail = ""
            else:
                status, detail = self.env._("Closed"), ""
            panel.append(
                {
                    "id": channel.id,
                    "name": channel.name,
                    "type": channel.channel_type,
                    "icon": ICONS[channel.channel_type],
                    "value": channel.value,
                    "url": channel.link_url,
                    "is_open": state["is_open"],
                    "status": status,
                    "detail": detail,
                    "promise": channel.response_promise or "",
                    "tz": zone if channel.resource_calendar_id else "",
                }
            )
        return panel
