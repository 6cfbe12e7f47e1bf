from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged, users
from odoo.tools import mute_logger

from .common import SupportTicketCommon


@tagged("post_install", "-at_install")
class TestSupportCanned(SupportTicketCommon):
    """Canned answers: Odoo's canned responses, per area or personal."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Response = cls.env["mail.canned.response"]
        cls.customer.name = "Carla Customer"
        cls.user_agent2.support_display_name = "Bob, billing team"
        cls.ticket = cls._create_ticket(
            partner_id=cls.customer.id,
            team_id=cls.team_tech.id,
            user_id=cls.user_agent2.id,
        )
        cls.area = Response.create(
            {
                "source": "restart",
                "substitution": "Dear {{customer}}, {{ assignee }} asks you to "
                "restart the box ({{code}}).",
                "support_team_id": cls.team_tech.id,
            }
        )
        cls.other_area = Response.create(
            {
                "source": "billing",
                "substitution": "Your invoice is attached.",
                "support_team_id": cls.team_billing.id,
            }
        )
        cls.groups = Response.create(
            {
                "source": "st_hello",
                "substitution": "Hello!",
                "group_ids": [
                    Command.link(cls.env.ref("support_ticket.group_support_user").id)
                ],
            }
        )
        cls.own = Response.with_user(cls.user_agent).create(
            {"source": "sign", "substitution": "Regards, {{user}} ({{company}})"}
        )
        cls.others_own = Response.with_user(cls.user_agent2).create(
            {"source": "bob", "substitution": "Bob's own"}
        )

    # Odoo's own "hello", shared with all employees, is offered too
    TEST_SOURCES = {"restart", "billing", "st_hello", "sign", "bob"}

    def sources(self, ticket, user):
        return sorted(
            answer["source"]
            for answer in ticket.with_user(user).get_canned_responses()
            if answer["source"] in self.TEST_SOURCES
        )

    def test_placeholders(self):
        text = self.ticket.with_user(self.user_agent).render_canned_response(
            self.area.id
        )
        self.assertEqual(
            text,
            f"Dear Carla Customer, Bob, billing team asks you to restart the box "
            f"({self.ticket.code}).",
        )
        self.assertTrue(self.area.last_used)
        text = self.ticket.with_user(self.user_agent).render_canned_response(
            self.own.id
        )
        self.assertEqual(text, f"Regards, Alice Agent ({self.company.name})")

    def test_placeholders_are_names_only(self):
        self.own.substitution = (
            "{{ unknown }} {{ object.partner_id.name }} {{ customer.__class__ }} "
            "{% if 1 %}{{customer}}{% endif %}"
        )
        text = self.ticket.with_user(self.user_agent).render_canned_response(
            self.own.id
        )
        self.assertEqual(
            text,
            "{{ unknown }} {{ object.partner_id.name }} {{ customer.__class__ }} "
            "{% if 1 %}Carla Customer{% endif %}",
        )

    def test_unassigned_ticket_and_unknown_sender(self):
        ticket = self._create_ticket(
            team_id=self.team_tech.id, email_from="nobody@example.com"
        )
        text = ticket.with_user(self.user_agent).render_canned_response(self.area.id)
        self.assertEqual(
            text,
            f"Dear nobody@example.com, Alice Agent asks you to restart the box "
            f"({ticket.code}).",
        )

    def test_visibility(self):
        # Alice (technical area): its answers, her own, her groups'
        self.assertEqual(
            self.sources(self.ticket, self.user_agent),
            ["restart", "sign", "st_hello"],
        )
        # Bob, assigned to the ticket: the area's answers come with the ticket
        self.assertEqual(
            self.sources(self.ticket, self.user_agent2),
            ["bob", "restart", "st_hello"],
        )
        billing = self._create_ticket(
            partner_id=self.customer.id, team_id=self.team_billing.id
        )
        self.assertEqual(
            self.sources(billing, self.user_agent2), ["billing", "bob", "st_hello"]
        )
        with self.assertRaisesRegex(AccessError, "not available for this ticket"):
            self.ticket.with_user(self.user_agent).render_canned_response(
                self.other_area.id
            )
        with self.assertRaisesRegex(AccessError, "not available for this ticket"):
            self.ticket.with_user(self.user_agent).render_canned_response(
                self.others_own.id
            )
        # no ticket of theirs, no answer
        with (
            self.assertRaises(AccessError),
            mute_logger("odoo.addons.base.models.ir_rule"),
        ):
            billing.with_user(self.user_agent).get_canned_responses()

    @users("st_agent")
    def test_back_office_access(self):
        Response = self.env["mail.canned.response"]
        self.assertEqual(
            sorted(
                Response.search([("source", "in", list(self.TEST_SOURCES))]).mapped(
                    "source"
                )
            ),
            ["restart", "sign", "st_hello"],
        )
        with self.assertRaisesRegex(AccessError, "Only support managers"):
            Response.create(
                {
                    "source": "mine",
                    "substitution": "x",
                    "support_team_id": self.team_tech.id,
                }
            )
        with (
            self.assertRaises(AccessError),
            mute_logger("odoo.addons.base.models.ir_rule"),
        ):
            self.area.with_env(self.env).substitution = "changed"
        personal = Response.create({"source": "mine", "substitution": "x"})
        self.assertFalse(personal.is_shared)
        self.assertTrue(self.area.with_env(self.env).is_shared)

    @users("st_manager")
    def test_managers_manage_area_answers(self):
        area = self.area.with_env(self.env)
        area.substitution = "Please restart it, {{customer}}."
        self.env["mail.canned.response"].create(
            {
                "source": "new",
                "substitution": "x",
                "support_team_id": self.team_billing.id,
            }
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "support_ticket.support_canned_response_action"
        )
        self.assertIn(
            "support_team_id",
            self.env["mail.canned.response"].get_views([(False, "list")])["views"][
                "list"
            ]["arch"],
        )
        self.assertTrue(action["domain"])
        menu = self.env.ref("support_ticket.support_canned_response_menu")
        self.assertEqual(
            menu.parent_id, self.env.ref("support_ticket.support_ticket_menu_config")
        )


@tagged("post_install", "-at_install")
class TestSupportCannedUi(HttpCase):
    def test_insert_a_canned_answer_tour(self):
        agent = new_test_user(
            self.env,
            login="st_tour_canned",
            password="st_tour_canned",
            name="Tom Tour",
            groups="support_ticket.group_support_user",
        )
        team = self.env["support.team"].create(
            {"name": "Networks", "member_ids": [Command.link(agent.id)]}
        )
        other = self.env["support.team"].create({"name": "Billing desk"})
        Response = self.env["mail.canned.response"]
        Response.create(
            [
                {
                    "source": "restart",
                    "substitution": "Dear {{customer}}, restart the box of {{code}}. "
                    "{{assignee}}",
                    "support_team_id": team.id,
                },
                {
                    "source": "thanks",
                    "substitution": "Thanks!",
                    "support_team_id": team.id,
                },
                {
                    "source": "billing",
                    "substitution": "Your invoice.",
                    "support_team_id": other.id,
                },
            ]
        )
        customer = self.env["res.partner"].create({"name": "Mia Router"})
        ticket = self.env["support.ticket"].create(
            {"name": "Box down", "partner_id": customer.id, "team_id": team.id}
        )
        self.start_tour(
            f"/odoo/action-support_ticket.support_ticket_action/{ticket.id}",
            "support_ticket_canned_tour",
            login="st_tour_canned",
        )
        reply = ticket.reply_ids
        self.assertEqual(len(reply), 1)
        self.assertIn(
            f"Dear Mia Router, restart the box of {ticket.code}. Tom Tour", reply.body
        )
        self.assertEqual(reply.author_id, agent.partner_id)
