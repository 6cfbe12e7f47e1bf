"""Suggested answers on the portal (over HTTP, XML-RPC) and in the browser."""

import json
from datetime import datetime, timedelta

from odoo.fields import Command
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .answer_common import make_answer
from .common import SupportHttpCase

PRIVATE = ("998877", "445566", "112233", "Paula Private")


@tagged("post_install", "-at_install")
class TestSupportAnswerPortal(SupportHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.question = cls.env.ref("support_ticket.support_category_question")
        cls.support = cls.env.ref("support_ticket.support_category_support")
        cls.password = make_answer(
            cls.env,
            "Reset your password",
            "Click <b>Forgot password</b> on the login page.",
            keywords="forgot, sign in, credentials",
            category_id=cls.question.id,
        )
        cls.printer = make_answer(
            cls.env,
            "The printer shows as offline",
            "Turn the printer off and on, then clear the print queue.",
            keywords="cannot print, print queue",
            category_id=cls.support.id,
        )
        cls.draft = make_answer(cls.env, "Draft about passwords")
        cls.draft.is_published = False
        cls.agent = new_test_user(
            cls.env,
            login="answer_agent",
            password="answer_agent",
            name="Pat Agent",
            groups="support_ticket.group_support_user",
        )
        cls.env.ref("support_ticket.support_team_helpdesk").member_ids = [
            Command.link(cls.agent.id)
        ]
        cls.portal = new_test_user(
            cls.env,
            login="answer_portal",
            password="answer_portal",
            name="Carla Customer",
            email="carla@corp.example.com",
            groups="base.group_portal",
        )
        customer = cls.env["res.partner"].create(
            {"name": "Paula Private", "email": "paula@private.example.com"}
        )
        cls.example = cls.env["support.ticket"].create(
            {
                "name": "Scanner does not send emails",
                "partner_id": customer.id,
                "description": "<p>customer number 998877</p>",
            }
        )
        cls.example._add_reply(
            "Update the SMTP password of the scanner.",
            author_id=cls.agent.partner_id.id,
        )
        cls.example._add_reply("My phone is 445566", author_id=customer.id)
        cls.example._add_reply(
            "Internal 112233", author_id=cls.agent.partner_id.id, is_internal=True
        )
        cls.example.stage_id = cls.env.ref("support_ticket.support_stage_resolved")
        cls.example.is_answer_example = True

    def rpc(self, route, **params):
        return self.make_jsonrpc_request(route, params)

    def test_visitor_suggestions(self):
        found = self.rpc("/support/answers/suggest", text="forgot my pasword")
        self.assertEqual(found[0]["id"], self.password.id)
        self.assertNotIn(self.draft.id, [f["id"] for f in found])
        found = self.rpc(
            "/support/answers/suggest", text="scanner smtp", category_id="junk"
        )
        self.assertEqual(
            [(f["model"], f["id"]) for f in found],
            [("support.ticket", self.example.id)],
        )
        self.assertNotIn("998877", str(found))
        self.assertEqual(self.rpc("/support/answers/suggest", text=""), [])

    def test_visitor_content_and_solved(self):
        content = self.rpc(
            "/support/answers/content", model="support.answer", res_id=self.password.id
        )
        self.assertIn("<b>Forgot password</b>", content["body"])
        content = self.rpc(
            "/support/answers/content", model="support.ticket", res_id=self.example.id
        )
        self.assertIn("SMTP password", content["body"])
        for private in PRIVATE:
            self.assertNotIn(private, str(content))
        self.assertFalse(
            self.rpc(
                "/support/answers/content", model="support.answer", res_id=self.draft.id
            )
        )
        solved = {"model": "support.answer", "res_id": self.password.id}
        self.assertTrue(self.rpc("/support/answers/solved", **solved))
        self.assertFalse(self.rpc("/support/answers/solved", **solved))
        self.authenticate("answer_portal", "answer_portal")
        self.assertTrue(self.rpc("/support/answers/solved", **solved))
        self.assertEqual(self.password.solved_count, 2)

    def test_public_pages(self):
        response = self.url_open(f"/support/answers/{self.password.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Reset your password", response.text)
        self.assertIn("<b>Forgot password</b>", response.text)
        response = self.url_open(f"/support/answers/example/{self.example.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("SMTP password of the scanner", response.text)
        for private in PRIVATE:
            self.assertNotIn(private, response.text)
        for url in (
            f"/support/answers/{self.draft.id}",
            "/support/answers/999999",
            f"/support/answers/example/{self.example.id + 1000}",
        ):
            self.assertEqual(self.url_open(url).status_code, 404, url)
        self.example.action_answer_example_unmark()
        self.assertEqual(
            self.url_open(f"/support/answers/example/{self.example.id}").status_code,
            404,
        )

    # Odoo 19 warns that XML-RPC is deprecated (in favour of JSON-2, below)
    @mute_logger("odoo.addons.rpc.controllers.xmlrpc")
    def test_xmlrpc(self):
        uid = self.portal.id
        found = self.xmlrpc_object.execute(
            self.env.cr.dbname,
            uid,
            "answer_portal",
            "support.answer",
            "suggest",
            "printer does not print",
            2,
            self.support.id,
        )
        self.assertEqual(found[0]["id"], self.printer.id)
        self.assertEqual(
            set(found[0]),
            {"model", "id", "name", "url", "score"},
            "the documented keys",
        )
        self.assertLessEqual(len(found), 2)

    def test_json2(self):
        key = (
            self.env(user=self.agent)["res.users.apikeys"]
            .with_user(self.agent)
            ._generate(
                scope="rpc",
                name="answers",
                expiration_date=datetime.now() + timedelta(days=1),
            )
        )
        response = self.url_open(
            "/json/2/support.answer/suggest",
            data=json.dumps({"text": "forgot my password", "limit": 1}),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {key}",
            },
        )
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(
            [(s["model"], s["id"]) for s in response.json()],
            [("support.answer", self.password.id)],
        )

    def test_form_has_the_suggestions(self):
        self.authenticate("answer_portal", "answer_portal")
        response = self.url_open("/my/tickets/new")
        self.assertIn("o_support_answer_suggestions_root", response.text)

    def test_portal_tour(self):
        self.start_tour(
            "/my/tickets/new", "support_answer_portal_tour", login="answer_portal"
        )
        ticket = self.env["support.ticket"].search(
            [("name", "=", "i forgot my pasword")]
        )
        self.assertEqual(len(ticket), 1, "declined: the ticket is opened")
        self.assertEqual(ticket.partner_id, self.portal.partner_id)
        self.assertEqual(self.password.solved_count, 0)

    def test_visitor_solved_tour(self):
        self.start_tour("/support/new", "support_answer_solved_tour")
        self.assertEqual(self.printer.solved_count, 1)
        self.assertFalse(
            self.env["support.ticket"].search([("name", "ilike", "printer offline")])
        )

    def test_backend_tour(self):
        self.start_tour(
            "/odoo/action-support_ticket.support_ticket_action",
            "support_answer_backend_tour",
            login="answer_agent",
        )
        self.assertEqual(self.password.solved_count, 1)
        self.assertFalse(
            self.env["support.ticket"].search([("name", "ilike", "forgot my password")])
        )
