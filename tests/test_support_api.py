"""The integrators' examples of README.md, run as written there against the
test server (JSON-2 and XML-RPC, in Python and curl), and the rights they
run with."""

import contextlib
import io
import json
import os
import re
import subprocess
import xmlrpc.client
from datetime import datetime, timedelta

from odoo.fields import Command
from odoo.modules.module import get_module_path
from odoo.tests import HttpCase, get_db_name, new_test_user, tagged
from odoo.tools import mute_logger

EXAMPLE = re.compile(
    r"<!-- api-example: (?P<name>[\w-]+) -->\n```(?P<lang>\w+)\n(?P<code>.*?)\n```",
    re.DOTALL,
)
LOGIN = "integration@example.com"
REPLY = "A technician is on the way."
XMLRPC_LOGGER = "odoo.addons.rpc.controllers.xmlrpc"


def readme_examples():
    with open(os.path.join(get_module_path("support_ticket"), "README.md")) as f:
        readme = f.read()
    return {m["name"]: (m["lang"], m["code"]) for m in EXAMPLE.finditer(readme)}


@tagged("post_install", "-at_install")
class TestSupportApi(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.examples = readme_examples()
        cls.user = new_test_user(
            cls.env,
            login=LOGIN,
            name="Integration",
            email=LOGIN,
            groups="support_ticket.group_support_user",
        )
        cls.env.ref("support_ticket.support_team_helpdesk").member_ids = [
            Command.link(cls.user.id)
        ]
        # as a user creates it in their preferences
        cls.api_key = (
            cls.env["res.users.apikeys"]
            .with_user(cls.user)
            ._generate(None, "Ticketing bridge", datetime.now() + timedelta(days=30))
        )

    def example(self, name):
        """The example ``name`` of the README, its placeholders replaced by
        the test server, database and key."""
        lang, code = self.examples[name]
        if lang == "python":
            replacements = {
                '"https://support.example.com"': repr(self.base_url()),
                'DB = "support"': f"DB = {get_db_name()!r}",
                '"your-api-key"': repr(self.api_key),
            }
        else:
            replacements = {
                "URL=https://support.example.com": f"URL={self.base_url()}",
                "DB=support": f"DB={get_db_name()}",
                "API_KEY=your-api-key": f"API_KEY={self.api_key}",
            }
        for placeholder, value in replacements.items():
            self.assertEqual(code.count(placeholder), 1, placeholder)
            code = code.replace(placeholder, value)
        return lang, code

    def run_example(self, name):
        """Run an example as its reader would; returns what it printed."""
        lang, code = self.example(name)
        self.env.flush_all()
        with self.allow_requests(all_requests=True):
            if lang == "python":
                output = io.StringIO()
                with contextlib.redirect_stdout(output):
                    exec(compile(code, f"README.md:{name}", "exec"), {})
                printed = output.getvalue()
            else:
                process = subprocess.run(
                    ["bash", "-euo", "pipefail", "-c", code],
                    capture_output=True,
                    text=True,
                    timeout=60,
                    check=False,
                )
                self.assertEqual(process.returncode, 0, process.stderr + process.stdout)
                printed = process.stdout
        self.env.invalidate_all()
        return printed

    def created_ticket(self):
        ticket = self.env["support.ticket"].search(
            [("create_uid", "=", self.user.id)], order="id desc"
        )
        self.assertEqual(len(ticket), 1, "the example creates one ticket")
        self.assertEqual(ticket.name, "Printer on fire")
        self.assertIn("It smokes.", ticket.description)
        reply = ticket.reply_ids
        self.assertEqual(len(reply), 1)
        self.assertEqual(reply.author_id, self.user.partner_id)
        self.assertIn(REPLY, reply.body)
        self.assertFalse(reply.is_internal)
        self.assertEqual(reply.origin, "manual")
        return ticket

    def test_readme_has_every_example(self):
        self.assertEqual(
            set(self.examples),
            {"json2-python", "json2-curl", "xmlrpc-python", "xmlrpc-curl"},
        )

    def test_json2_python(self):
        printed = self.run_example("json2-python")
        ticket = self.created_ticket()
        self.assertEqual(ticket.reply_ids.attachment_ids.name, "intervention.txt")
        self.assertEqual(
            ticket.reply_ids.attachment_ids.raw, b"Visit on Monday at 9:00"
        )
        lines = printed.splitlines()
        self.assertEqual(lines[0], f"{ticket.code} [{ticket.stage_id.id}, 'Open']")
        # the description, then the reply
        self.assertIn("It smokes.", lines[1])
        self.assertIn(f"Integration <p>{REPLY}</p>", lines[2])
        self.assertEqual(len(lines), 3)

    def test_json2_curl(self):
        printed = self.run_example("json2-curl")
        ticket = self.created_ticket()
        decoder = json.JSONDecoder()
        reply_id, end = decoder.raw_decode(printed)
        conversation, end = decoder.raw_decode(printed, end)
        self.assertEqual(printed[end:].strip(), "")
        self.assertEqual(reply_id, ticket.reply_ids.id)
        self.assertEqual(
            [m["kind"] for m in conversation["messages"]], ["description", "reply"]
        )
        self.assertEqual(conversation["messages"][1]["author"], "Integration")
        self.assertIn(REPLY, conversation["messages"][1]["body"])
        self.assertTrue(conversation["can_reply"])

    @mute_logger(XMLRPC_LOGGER)
    def test_xmlrpc_python(self):
        printed = self.run_example("xmlrpc-python")
        self.created_ticket()
        lines = printed.splitlines()
        self.assertEqual(len(lines), 2)
        self.assertIn(f"Integration <p>{REPLY}</p>", lines[1])

    @mute_logger(XMLRPC_LOGGER)
    def test_xmlrpc_curl(self):
        printed = self.run_example("xmlrpc-curl")
        ticket = self.created_ticket()
        responses = [
            xmlrpc.client.loads("<?xml" + part)[0][0]
            for part in printed.split("<?xml")
            if part.strip()
        ]
        self.assertEqual(len(responses), 2)
        reply_id, conversation = responses
        self.assertEqual(reply_id, ticket.reply_ids.id)
        self.assertEqual(conversation["messages"][1]["author"], "Integration")
        self.assertIn(REPLY, conversation["messages"][1]["body"])

    # ------------------------------------------------------------------
    # rights and errors, as integrators meet them
    # ------------------------------------------------------------------

    def json2(self, method, api_key=None, **params):
        self.env.flush_all()
        response = self.url_open(
            f"/json/2/support.ticket/{method}",
            headers={
                "Authorization": f"Bearer {api_key or self.api_key}",
                "X-Odoo-Database": get_db_name(),
            },
            json=params,
        )
        self.env.invalidate_all()
        return response

    def test_json2_rights_and_errors(self):
        team = self.env["support.team"].create({"name": "Elsewhere"})
        elsewhere = self.env["support.ticket"].create(
            {"name": "Not for the bridge", "team_id": team.id}
        )
        mine = self.env["support.ticket"].create(
            {
                "name": "For the bridge",
                "team_id": self.env.ref("support_ticket.support_team_helpdesk").id,
            }
        )
        with mute_logger("odoo.http"):
            # a ticket out of the user's rights
            response = self.json2("post_reply", ids=[elsewhere.id], body="Hello")
            self.assertEqual(response.status_code, 403)
            self.assertEqual(response.json()["name"], "odoo.exceptions.AccessError")
            response = self.json2("get_conversation", ids=[elsewhere.id])
            self.assertEqual(response.status_code, 403)
            # a resolved ticket refuses replies, with the reason
            mine.stage_id = self.env.ref("support_ticket.support_stage_resolved")
            response = self.json2("post_reply", ids=[mine.id], body="Late")
            self.assertEqual(response.status_code, 422)
            self.assertIn("locked", response.json()["message"])
            # an empty reply
            mine.action_reopen()
            response = self.json2("post_reply", ids=[mine.id], body=" ")
            self.assertEqual(response.status_code, 422)
            # a wrong key
            response = self.json2("get_conversation", "not-a-key", ids=[mine.id])
            self.assertEqual(response.status_code, 401)
        self.assertFalse(elsewhere.reply_ids)
        self.assertFalse(mine.reply_ids)

    def test_json2_needs_support_rights(self):
        employee = new_test_user(
            self.env, login="st_api_employee", groups="base.group_user"
        )
        key = (
            self.env["res.users.apikeys"]
            .with_user(employee)
            ._generate(None, "No support", datetime.now() + timedelta(days=1))
        )
        with mute_logger("odoo.http"):
            response = self.json2(
                "create", api_key=key, vals_list=[{"name": "Sneaky ticket"}]
            )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(
            self.env["support.ticket"].search([("name", "=", "Sneaky ticket")])
        )
