"""What people see: dates in the viewer's time zone, creators, names shown."""

import json
from datetime import datetime

from odoo import SUPERUSER_ID
from odoo.exceptions import ValidationError
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import format_datetime, mute_logger
from odoo.tools.safe_eval import safe_eval

from .mail_common import SupportMailCommon

# one instant, read in four zones
INSTANT = datetime(2024, 7, 1, 10, 0, 0)
OPENED = datetime(2024, 7, 1, 9, 0, 0)
UPDATED = datetime(2024, 7, 1, 11, 0, 0)
ZONES = ("UTC", "Europe/Madrid", "America/Bogota", "Asia/Tokyo")


def short(env, value, tz):
    return format_datetime(env, value, tz=tz, dt_format="short")


class SupportDisplayCommon(SupportMailCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the superuser the portal reads tickets as is in none of the zones
        cls.env.ref("base.user_root").tz = "UTC"
        cls.user_tokyo = new_test_user(
            cls.env,
            login="st_tokyo",
            name="Taro Tokyo",
            email="taro@example.com",
            tz="Asia/Tokyo",
            groups="support_ticket.group_support_user",
        )
        cls.team_tech.member_ids = [Command.link(cls.user_tokyo.id)]

    def _ticket_with_dated_replies(self):
        ticket = self._create_ticket(
            team_id=self.team_tech.id, description="<p>It smokes</p>"
        )
        # written in the reverse order of their dates
        late = ticket._add_reply("Second answer")
        early = ticket._add_reply("First answer")
        late.date = datetime(2024, 7, 1, 12, 0, 0)
        early.date = INSTANT
        ticket.env.flush_all()
        ticket.env.cr.execute(
            "UPDATE support_ticket SET create_date = %s WHERE id = %s",
            (datetime(2024, 7, 1, 9, 0, 0), ticket.id),
        )
        ticket.invalidate_recordset(["create_date"])
        return ticket, early


@tagged("post_install", "-at_install")
class TestSupportDisplayDates(SupportDisplayCommon):
    def test_zones_differ(self):
        # the assertions below would prove nothing otherwise
        rendered = {short(self.env, INSTANT, tz) for tz in ZONES}
        self.assertEqual(len(rendered), len(ZONES))

    def test_portal_reads_in_the_viewer_zone_not_the_superuser_one(self):
        ticket, _early = self._ticket_with_dated_replies()
        for tz in ("Europe/Madrid", "America/Bogota"):
            # as the portal reads it: as the superuser, with the viewer's zone
            # in the context
            as_portal = ticket.with_user(SUPERUSER_ID).with_context(tz=tz)
            messages = as_portal._conversation_messages()
            self.assertEqual(messages[1]["date"], short(self.env, INSTANT, tz))
            self.assertEqual(messages[1]["datetime"], "2024-07-01 10:00:00")

    def test_back_office_user_zone_and_order(self):
        ticket, early = self._ticket_with_dated_replies()
        data = ticket.with_user(self.user_tokyo).get_conversation()
        messages = data["messages"]
        self.assertEqual(
            [m["kind"] for m in messages], ["description", "reply", "reply"]
        )
        self.assertIn("First answer", messages[1]["body"])
        self.assertIn("Second answer", messages[2]["body"])
        self.assertEqual(messages[1]["id"], early.id)
        self.assertEqual(messages[1]["date"], short(self.env, INSTANT, "Asia/Tokyo"))
        self.assertEqual(
            messages[0]["date"],
            short(self.env, datetime(2024, 7, 1, 9, 0, 0), "Asia/Tokyo"),
        )
        # the web client formats the UTC value in the browser's zone, as
        # every other date of the form
        self.assertEqual(
            [m["datetime"] for m in messages],
            ["2024-07-01 09:00:00", "2024-07-01 10:00:00", "2024-07-01 12:00:00"],
        )


@tagged("post_install", "-at_install")
class TestSupportDisplayCreators(SupportDisplayCommon):
    def test_creator_stored_and_indexed(self):
        field = self.env["support.ticket"]._fields["creator_partner_id"]
        self.assertTrue(field.store)
        self.assertTrue(self.env["support.ticket"]._fields["creator_name"].store)
        self.assertTrue(field.index)

    def test_back_office_ticket_created_by_its_user(self):
        ticket = self._create_ticket(user=self.user_agent, team_id=self.team_tech.id)
        self.assertEqual(ticket.creator_partner_id, self.user_agent.partner_id)
        self.assertEqual(ticket.creator_name, "Alice Agent")

    @mute_logger("odoo.addons.mail.models.mail_thread")
    def test_email_ticket_shows_its_sender_not_the_gateway_user(self):
        # the mail gateway runs as an administrator (the fetchmail cron, the
        # mail gateway script)
        admin = self.env.ref("base.user_admin")
        gateway_env = self.env(user=admin)
        thread_id = gateway_env["mail.thread"].message_process(
            False, self.build_email()
        )
        ticket = self.env["support.ticket"].browse(thread_id)
        self.assertEqual(ticket.create_uid, admin)
        self.assertEqual(ticket.creator_partner_id, ticket.partner_id)
        self.assertEqual(ticket.creator_name, "Carla Customer")
        self.assertEqual(
            ticket.get_conversation()["messages"][0]["author"],
            "Customer Corp, Carla Customer",
        )
        # the dependencies are right: a corrected customer or a renamed
        # contact is what the list shows
        ticket.partner_id.name = "Carla C. Customer"
        self.assertEqual(ticket.creator_name, "Carla C. Customer")
        ticket.partner_id = self.customer_company
        self.assertEqual(ticket.creator_partner_id, self.customer_company)
        self.assertEqual(ticket.creator_name, "Customer Corp")

    @mute_logger("odoo.addons.mail.models.mail_thread")
    def test_email_ticket_of_unknown_sender_shows_the_address(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "support_ticket.create_partner_from_email", "False"
        )
        ticket = self.process(self.build_email(email_from="nobody@stranger.example"))
        self.assertFalse(ticket.partner_id)
        self.assertFalse(ticket.creator_partner_id)
        self.assertEqual(ticket.creator_name, "nobody@stranger.example")

    def test_visitor_ticket_shows_the_visitor_not_the_public_user(self):
        public = self.env.ref("base.public_user")
        visitor = self.env["res.partner"].create(
            {"name": "Vera Visitor", "email": "vera@visitor.example.com"}
        )
        ticket = (
            self.env(user=public)["support.ticket"]
            .sudo()
            ._portal_create(
                {
                    "name": "Opening hours",
                    "description": "<p>When do you open?</p>",
                    "category_id": self.category_support.id,
                },
                visitor,
            )
        )
        self.assertEqual(ticket.create_uid, public)
        self.assertEqual(ticket.creator_partner_id, visitor)
        self.assertEqual(ticket.creator_name, "Vera Visitor")

    def test_my_tickets_still_means_created_by_me(self):
        mine = self._create_ticket(user=self.user_agent, team_id=self.team_tech.id)
        theirs = self._create_ticket(
            team_id=self.team_tech.id,
            origin="email",
            partner_id=self.customer.id,
            email_from=self.customer.email,
        )
        action = self.env.ref("support_ticket.support_ticket_action_my")
        domain = safe_eval(action.domain, {"uid": self.user_agent.id})
        found = self.env["support.ticket"].with_user(self.user_agent).search(domain)
        self.assertIn(mine, found)
        self.assertNotIn(theirs, found)

    def test_list_reads_creators_without_a_query_per_row(self):
        tickets = self.env["support.ticket"].create(
            [
                {
                    "name": f"Ticket {i}",
                    "team_id": self.team_tech.id,
                    "origin": "email",
                    "partner_id": self.customer.id,
                }
                for i in range(20)
            ]
        )
        spec = {"creator_name": {}, "creator_partner_id": {"fields": {}}}

        def queries(records):
            records = records.with_user(self.user_agent)
            records.web_read(spec)  # warm up the rules and the metadata
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            rows = records.web_read(spec)
            return self.env.cr.sql_log_count - before, rows

        count_one, _rows = queries(tickets[:1])
        count_all, rows = queries(tickets)
        self.assertEqual(count_all, count_one)
        self.assertLessEqual(count_all, 2)
        self.assertEqual({row["creator_name"] for row in rows}, {"Carla Customer"})
        groups = self.env["support.ticket"]._read_group(
            [("id", "in", tickets.ids)], ["creator_partner_id"], ["__count"]
        )
        self.assertEqual(groups, [(self.customer, 20)])


@tagged("post_install", "-at_install")
class TestSupportDisplayName(SupportDisplayCommon):
    def test_name_validated(self):
        for bad in ("<b>Carla</b>", "Carla\nCustomer", 'Carla "C"'):
            with self.assertRaises(ValidationError):
                self.user_agent.support_display_name = bad
        self.user_agent.support_display_name = "Acme Support Desk"
        self.assertEqual(
            self.env["res.users"]._support_author_names(self.user_agent.partner_id),
            {self.user_agent.partner_id: "Acme Support Desk"},
        )
        self.assertTrue(
            self.env["res.users"]._support_display_name_error("x" * 65),
        )


@tagged("post_install", "-at_install")
class TestSupportDisplayHttp(HttpCase):
    """The pages, over HTTP, as each viewer reads them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, no_reset_password=True))
        cls.env.ref("base.user_root").tz = "UTC"
        cls.env.ref("base.public_user").tz = False
        cls.corp = cls.env["res.partner"].create(
            {"name": "Madrid Corp", "is_company": True, "email": "info@corp.example"}
        )
        cls.user_carla = new_test_user(
            cls.env,
            login="st_carla",
            password="st_carla_pw",
            name="Carla Madrid",
            email="carla@corp.example",
            tz="Europe/Madrid",
            groups="base.group_portal",
        )
        cls.carla = cls.user_carla.partner_id
        cls.carla.parent_id = cls.corp
        cls.ticket = cls.env["support.ticket"].create(
            {
                "name": "Printer jammed",
                "partner_id": cls.carla.id,
                "origin": "portal",
                "description": "<p>It jams</p>",
            }
        )
        cls.reply = cls.ticket._add_reply("We are on it")
        cls.reply.date = INSTANT
        cls.env.flush_all()
        cls.env.cr.execute(
            "UPDATE support_ticket SET create_date = %s, write_date = %s WHERE id = %s",
            (OPENED, UPDATED, cls.ticket.id),
        )
        cls.ticket.invalidate_recordset(["create_date", "write_date"])

    def qweb_datetime(self, value, tz):
        return (
            self.env["ir.qweb.field.datetime"]
            .with_context(tz=tz)
            .value_to_html(value, {})
        )

    def assert_page_in_zone(self, html, tz):
        self.assertIn(
            f'o_support_message_date">{short(self.env, INSTANT, tz)}</span>', html
        )
        opened = html.split("o_support_portal_opened")[1].split("</dd>")[0]
        self.assertIn(self.qweb_datetime(datetime(2024, 7, 1, 9, 0, 0), tz), opened)
        for other in ZONES:
            if other != tz:
                self.assertNotIn(
                    f'o_support_message_date">{short(self.env, INSTANT, other)}<',
                    html,
                )

    def test_portal_customer_in_madrid(self):
        self.authenticate("st_carla", "st_carla_pw")
        # her browser is elsewhere: her preference wins
        self.opener.cookies.set("tz", "Asia/Tokyo")
        html = self.url_open(f"/my/tickets/{self.ticket.id}").text
        self.assert_page_in_zone(html, "Europe/Madrid")
        listing = self.url_open("/my/tickets").text
        self.assertIn(
            self.qweb_datetime(datetime(2024, 7, 1, 11, 0, 0), "Europe/Madrid"),
            listing,
        )

    def test_visitor_with_the_browser_zone_cookie(self):
        token = self.ticket._portal_ensure_token()
        self.opener.cookies.set("tz", "America/Bogota")
        response = self.url_open(f"/my/tickets/{self.ticket.id}?access_token={token}")
        self.assertEqual(response.status_code, 200)
        self.assert_page_in_zone(response.text, "America/Bogota")

    def test_visitor_with_a_bad_cookie_reads_utc(self):
        token = self.ticket._portal_ensure_token()
        self.opener.cookies.set("tz", "Mars/Olympus")
        html = self.url_open(f"/my/tickets/{self.ticket.id}?access_token={token}").text
        self.assert_page_in_zone(html, "UTC")

    # ------------------------------------------------------------
    # The name shown in tickets, on /my/account
    # ------------------------------------------------------------

    def submit_details(self, **values):
        country = self.env.ref("base.es")
        data = {
            "partner_id": str(self.carla.id),
            "name": "Carla Madrid",
            "email": "carla@corp.example",
            "phone": "+34 600 000 000",
            "street": "Gran Vía 1",
            "city": "Madrid",
            "zip": "28013",
            "country_id": str(country.id),
            "state_id": str(self.env.ref("base.state_es_m").id),
            "address_type": "billing",
            "use_delivery_as_billing": "true",
            "callback": "/my",
            "csrf_token": self.csrf_token(),
            **values,
        }
        response = self.url_open("/my/address/submit", data=data)
        self.assertEqual(response.status_code, 200)
        return json.loads(response.text)

    def csrf_token(self):
        page = self.url_open("/my/account").text
        return page.split('name="csrf_token" value="')[1].split('"')[0]

    def test_customer_sets_the_name_shown_in_tickets(self):
        self.authenticate("st_carla", "st_carla_pw")
        page = self.url_open("/my/account").text
        self.assertIn('name="support_display_name"', page)

        feedback = self.submit_details(
            support_display_name="Madrid Corp (Carla)", city="Madrid Centro"
        )
        self.assertEqual(feedback, {"redirectUrl": "/my"})
        self.assertEqual(self.user_carla.support_display_name, "Madrid Corp (Carla)")
        self.assertEqual(self.carla.city, "Madrid Centro")
        self.assertIn('value="Madrid Corp (Carla)"', self.url_open("/my/account").text)

        # what the conversation and the emails show for her
        self.ticket.invalidate_recordset()
        reply = self.ticket._portal_reply(self.carla, "<p>Thanks</p>")
        html = self.url_open(f"/my/tickets/{self.ticket.id}").text
        self.assertIn("<strong>Madrid Corp (Carla)</strong>", html)
        self.assertNotIn("<strong>Carla Madrid</strong>", html)
        message = self.ticket.message_ids.filtered(
            lambda m: m.author_id == self.carla and "Thanks" in (m.body or "")
        )
        self.assertEqual(
            message.email_from, '"Madrid Corp (Carla)" <carla@corp.example>'
        )
        self.assertEqual(reply._get_author_name(), "Madrid Corp (Carla)")

        # empty: back to her own name
        feedback = self.submit_details(support_display_name="")
        self.assertEqual(feedback, {"redirectUrl": "/my"})
        self.assertFalse(self.user_carla.support_display_name)

    def test_bad_name_refused_and_nothing_saved(self):
        self.user_carla.support_display_name = "Carla at Madrid Corp"
        self.authenticate("st_carla", "st_carla_pw")
        for bad in ("<script>alert(1)</script>", "x" * 65):
            feedback = self.submit_details(support_display_name=bad, city="Elsewhere")
            self.assertIn("support_display_name", feedback["invalid_fields"])
            self.assertTrue(
                any("name shown in tickets" in m for m in feedback["messages"])
            )
            self.assertEqual(
                self.user_carla.support_display_name, "Carla at Madrid Corp"
            )
            self.assertNotEqual(self.carla.city, "Elsewhere")

    def test_other_addresses_leave_the_name_alone(self):
        self.user_carla.support_display_name = "Carla at Madrid Corp"
        self.authenticate("st_carla", "st_carla_pw")
        # a new delivery address, without the field
        feedback = self.submit_details(
            partner_id="", address_type="delivery", name="Warehouse"
        )
        self.assertNotIn("messages", feedback)
        self.assertEqual(self.user_carla.support_display_name, "Carla at Madrid Corp")
