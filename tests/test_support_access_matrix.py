"""Who reaches a ticket, and how: every role against every way in, as one table."""

import base64
import logging
import re
import xmlrpc.client

from odoo.fields import Command
from odoo.tests import new_test_user, tagged
from odoo.tests.common import get_db_name
from odoo.tools import mute_logger

from .portal_common import PDF, PNG, SupportPortalCommon

_logger = logging.getLogger(__name__)

# The roles, one column each in MATRIX below, in this order:
#   v  visitor holding the ticket's access token (the emailed link)
#   w  visitor holding the token of another customer's ticket
#   c  portal user, the customer of the ticket
#   k  portal user of the customer's company (a colleague)
#   s  portal user of another company (a stranger)
#   x  portal user of another company whose address staff put in the CC
#   o  support user outside the ticket's area
#   a  support user of the ticket's area
#   m  support manager
#   b  support manager of another company
#   d  support administrator
ROLES = "vwcksxoambd"

# What each role may do on the ticket: Y allowed, . refused, - does not apply
# (visitors have no password to call XML-RPC with).
MATRIX = {
    # the portal pages, and every POST route
    "portal_list": ". . Y Y . Y . Y Y . Y",
    "portal_page": "Y . Y Y . Y . Y Y . Y",
    "portal_reply": "Y . Y Y . Y . Y Y . Y",
    "portal_close": "Y . Y Y . . . Y Y . Y",
    "portal_notify": "Y . Y . . . . Y Y . Y",
    "portal_notify_default": ". . Y Y Y Y Y Y Y Y Y",
    "portal_submit": "Y Y Y Y Y Y Y Y Y Y Y",
    # files through the portal route of the ticket
    "route_ticket_file": "Y . Y Y . Y . Y Y . Y",
    "route_reply_file": "Y . Y Y . Y . Y Y . Y",
    "route_note_file": ". . . . . . . . . . .",
    # files through /web/content, without and with the visitor's token: for
    # staff (customers use the route above, Odoo gives them no attachment)
    "content_ticket_file": ". . . . . . . Y Y . Y",
    "content_reply_file": ". . . . . . . Y Y . Y",
    "content_note_file": ". . . . . . . Y Y . Y",
    "content_token_ticket_file": ". . - - - - - - - - -",
    "content_token_note_file": ". . - - - - - - - - -",
    # XML-RPC, as an integrator calls it: tickets
    "rpc_ticket_read": "- - Y Y . Y . Y Y . Y",
    "rpc_ticket_search": "- - Y Y . Y . Y Y . Y",
    "rpc_ticket_write": "- - . . . . . Y Y . Y",
    "rpc_ticket_create": "- - . . . . Y Y Y . Y",
    "rpc_ticket_unlink": "- - . . . . . . . . Y",
    "rpc_post_reply": "- - . . . . . Y Y . Y",
    # the back-office conversation (customers read it on the portal)
    "rpc_get_conversation": "- - . . . . . Y Y . Y",
    # replies: a public one and an internal note
    "rpc_reply_read": "- - Y Y . Y . Y Y . Y",
    "rpc_reply_search": "- - Y Y . Y . Y Y . Y",
    "rpc_note_read": "- - . . . . . Y Y . Y",
    "rpc_note_search": "- - . . . . . Y Y . Y",
    "rpc_reply_create": "- - . . . . . Y Y . Y",
    "rpc_reply_write": "- - . . . . . . . . Y",
    "rpc_reply_unlink": "- - . . . . . . . . Y",
    # attachments: of the ticket, of the public reply, of the internal note
    "rpc_ticket_file_read": "- - . . . . . Y Y . Y",
    "rpc_ticket_file_search": "- - . . . . . Y Y . Y",
    "rpc_reply_file_read": "- - . . . . . Y Y . Y",
    "rpc_note_file_read": "- - . . . . . Y Y . Y",
    "rpc_note_file_search": "- - . . . . . Y Y . Y",
    "rpc_ticket_file_create": "- - . . . . . Y Y . Y",
    "rpc_ticket_file_write": "- - . . . . . Y Y . Y",
    "rpc_ticket_file_unlink": "- - . . . . . Y Y . Y",
    "rpc_reply_file_write": "- - . . . . . . . . Y",
    "rpc_reply_file_unlink": "- - . . . . . . . . Y",
    # a file one cannot read, linked to a ticket one can write, to be
    # downloaded through the portal route of that ticket
    "rpc_link_foreign_file": "- - . . . . . Y Y . Y",
}

# XML-RPC faults that mean "refused"; any other fault is a defect
REFUSED_FAULTS = {2, 4}  # UserError / ValidationError, AccessError


class MatrixDefect(AssertionError):
    """A way in answered with a server error, or did something half-way."""


@tagged("post_install", "-at_install")
class TestSupportAccessMatrix(SupportPortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        param = cls.env["ir.config_parameter"].sudo()
        param.set_param("support_ticket.portal_rate_per_ip", "1000")
        param.set_param("support_ticket.portal_rate_per_email", "1000")
        cls.company_b = cls.env["res.company"].create({"name": "Other Support Co"})

        def user(login, groups, **values):
            return new_test_user(
                cls.env,
                login=login,
                password=login,
                name=login.replace("_", " ").title(),
                email=f"{login}@{values.pop('domain', 'support.example.com')}",
                groups=groups,
                **values,
            )

        cls.user_cecile = user("mx_cecile", "base.group_portal", domain="cc.example")
        cls.agent_out = user("mx_agent_out", "support_ticket.group_support_user")
        cls.agent_in = user("mx_agent_in", "support_ticket.group_support_user")
        cls.manager = user("mx_manager", "support_ticket.group_support_manager")
        cls.manager_b = user(
            "mx_manager_b",
            "support_ticket.group_support_manager",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.admin = user("mx_admin", "support_ticket.group_support_admin")
        cls.team = cls.env["support.team"].create(
            {"name": "Network", "member_ids": [Command.link(cls.agent_in.id)]}
        )
        cls.env["support.team"].create(
            {"name": "Billing", "member_ids": [Command.link(cls.agent_out.id)]}
        )
        cls.target = cls._matrix_ticket("Matrix printer")
        cls.target.email_cc = "mx_cecile@cc.example"
        cls.token = cls.target._portal_ensure_token()
        cls.other_token = cls.ticket_oscar._portal_ensure_token()
        ticket = cls.target.with_user(cls.agent_in)
        cls.reply = ticket._add_reply("Public answer", [("answer.pdf", PDF)])
        cls.note = ticket._add_reply(
            "Internal secret", [("secret.txt", b"internal secret")], is_internal=True
        )
        cls.ticket_file = cls._attach(cls.target, "photo.png", PNG)
        cls.target.attachment_ids = [Command.link(cls.ticket_file.id)]
        cls.reply_file = cls.reply.attachment_ids
        cls.note_file = cls.note.attachment_ids
        cls.roles = {
            "v": {"visitor": cls.token},
            "w": {"visitor": cls.other_token},
            "c": {"user": cls.user_carla},
            "k": {"user": cls.user_cesar},
            "s": {"user": cls.user_oscar},
            "x": {"user": cls.user_cecile},
            "o": {"user": cls.agent_out},
            "a": {"user": cls.agent_in},
            "m": {"user": cls.manager},
            "b": {"user": cls.manager_b},
            "d": {"user": cls.admin},
        }

    @classmethod
    def _matrix_ticket(cls, name):
        return cls.env["support.ticket"].create(
            {
                "name": name,
                "partner_id": cls.carla.id,
                "team_id": cls.team.id,
                "description": "<p>The matrix description</p>",
            }
        )

    @classmethod
    def _attach(cls, record, name, raw):
        return cls.env["ir.attachment"].create(
            {"name": name, "raw": raw, "res_model": record._name, "res_id": record.id}
        )

    # ------------------------------------------------------------
    # the table
    # ------------------------------------------------------------

    def test_access_matrix(self):
        """Every cell of MATRIX, asserted: the allowed ways do what they
        say, the refused ones change nothing and tell nothing."""
        self.assertEqual(len(ROLES), 11)
        for way, row in MATRIX.items():
            self.assertEqual(len(row.split()), len(ROLES), way)
            self.assertTrue(hasattr(self, f"_way_{way}"), way)
        mismatches = []
        cells = allowed = 0
        for index, role in enumerate(ROLES):
            self._act_as(role)
            for way, row in MATRIX.items():
                expected = row.split()[index]
                if expected == "-":
                    continue
                with self.subTest(role=role, way=way):
                    got = getattr(self, f"_way_{way}")(role)
                    self.env.invalidate_all()
                    self.assertIsInstance(got, bool, f"{way} for {role}")
                    cells += 1
                    allowed += got
                    if got != (expected == "Y"):
                        mismatches.append(
                            f"{way} for {role}: expected "
                            f"{'allowed' if expected == 'Y' else 'refused'}"
                        )
        _logger.info(
            "access matrix: %s roles x %s ways, %s cells asserted "
            "(%s allowed, %s refused)",
            len(ROLES),
            len(MATRIX),
            cells,
            allowed,
            cells - allowed,
        )
        self.maxDiff = None
        self.assertEqual(mismatches, [])
        self.assertGreater(cells, 350)

    # ------------------------------------------------------------
    # acting as a role
    # ------------------------------------------------------------

    def _act_as(self, role):
        info = self.roles[role]
        self.role_user = info.get("user")
        self.role_token = info.get("visitor")
        if self.role_user:
            self.authenticate(self.role_user.login, self.role_user.login)
        else:
            self.authenticate(None, None)
        page = self.url_open("/support/new" if self.role_token else "/my/tickets/new")
        self.role_csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]

    def _url(self, url, token=None):
        token = token or self.role_token
        if token:
            url += ("&" if "?" in url else "?") + f"access_token={token}"
        return url

    def _get(self, url, token=None):
        response = self.url_open(self._url(url, token), allow_redirects=False)
        self._check_response(response, url)
        return response

    def _post(self, url, data, token=None):
        data = {"csrf_token": self.role_csrf, **data}
        if self.role_token or token:
            data["access_token"] = token or self.role_token
        response = self.url_open(url, data=data, allow_redirects=False)
        self._check_response(response, url)
        return response

    def _check_response(self, response, url):
        if response.status_code >= 500:
            raise MatrixDefect(f"{url}: server error {response.status_code}")

    def _rpc(self, model, method, *args, **kwargs):
        """(allowed, result) of an XML-RPC call with the role's password."""
        user = self.role_user
        try:
            with mute_logger(
                "odoo.http",
                "odoo.addons.rpc.controllers.xmlrpc",
                "odoo.addons.base.models.ir_model",
                "odoo.addons.base.models.ir_rule",
            ):
                result = self.xmlrpc_object.execute_kw(
                    get_db_name(), user.id, user.login, model, method, args, kwargs
                )
        except xmlrpc.client.Fault as fault:
            if fault.faultCode not in REFUSED_FAULTS:
                raise MatrixDefect(f"{model}.{method}: {fault.faultString}") from fault
            return False, None
        return True, result

    def _file_served(self, response, raw):
        return response.status_code == 200 and response.content == raw

    # ------------------------------------------------------------
    # the portal
    # ------------------------------------------------------------

    def _way_portal_list(self, role):
        response = self._get("/my/tickets")
        return response.status_code == 200 and f">{self.target.code}<" in response.text

    def _way_portal_page(self, role):
        response = self._get(self.target.access_url)
        shown = "The matrix description" in response.text
        if response.status_code != 200 and shown:
            raise MatrixDefect("refused page shows the ticket")
        return response.status_code == 200 and shown

    def _way_portal_reply(self, role):
        marker = f"Reply of role {role} by the portal"
        self._post(f"/my/tickets/{self.target.id}/reply", {"body": marker})
        return bool(self.target.reply_ids.filtered(lambda r: marker in (r.body or "")))

    def _way_portal_close(self, role):
        self._post(f"/my/tickets/{self.target.id}/close", {})
        closed = self.target.stage_id.is_closed
        self.target.stage_id = self.env.ref("support_ticket.support_stage_open")
        return closed

    def _way_portal_notify(self, role):
        self.target.notify_customer = True
        self._post(f"/my/tickets/{self.target.id}/notifications", {})
        self.env.invalidate_all()
        changed = not self.target.notify_customer
        self.target.notify_customer = True
        return changed

    def _way_portal_notify_default(self, role):
        partner = self.role_user.partner_id if self.role_user else None
        if partner:
            partner.support_notify_default = True
        self._post("/my/tickets/notifications", {})
        self.env.invalidate_all()
        return bool(partner) and not partner.support_notify_default

    def _way_portal_submit(self, role):
        name = f"Submitted by role {role}"
        data = {
            "category_id": str(self.category.id),
            "name": name,
            "description": "<p>Opened in the matrix</p>",
        }
        if self.role_token:
            data.update(email=f"visitor-{role}@visitors.example", contact="Vi Sitor")
        self._post("/support/submit", data)
        ticket = self.env["support.ticket"].search([("name", "=", name)])
        if not ticket:
            return False
        own = (
            self.role_user.partner_id
            if self.role_user
            else self.env["res.partner"].search(
                [("email", "=", f"visitor-{role}@visitors.example")]
            )
        )
        if ticket.partner_id != own:
            raise MatrixDefect(f"ticket opened in the name of {ticket.partner_id.name}")
        return True

    def _route_file(self, attachment, raw):
        response = self._get(f"/my/tickets/{self.target.id}/attachment/{attachment.id}")
        return self._file_served(response, raw)

    def _way_route_ticket_file(self, role):
        return self._route_file(self.ticket_file, PNG)

    def _way_route_reply_file(self, role):
        return self._route_file(self.reply_file, PDF)

    def _way_route_note_file(self, role):
        return self._route_file(self.note_file, b"internal secret")

    def _content(self, attachment, raw, token=None):
        with mute_logger("odoo.http"):
            response = self.url_open(
                f"/web/content/{attachment.id}"
                + (f"?access_token={token}" if token else ""),
                allow_redirects=False,
            )
        self._check_response(response, "/web/content")
        return self._file_served(response, raw)

    def _way_content_ticket_file(self, role):
        return self._content(self.ticket_file, PNG)

    def _way_content_reply_file(self, role):
        return self._content(self.reply_file, PDF)

    def _way_content_note_file(self, role):
        return self._content(self.note_file, b"internal secret")

    def _way_content_token_ticket_file(self, role):
        return self._content(self.ticket_file, PNG, self.role_token)

    def _way_content_token_note_file(self, role):
        return self._content(self.note_file, b"internal secret", self.role_token)

    # ------------------------------------------------------------
    # XML-RPC: tickets
    # ------------------------------------------------------------

    def _way_rpc_ticket_read(self, role):
        ok, result = self._rpc(
            "support.ticket", "read", [self.target.id], ["name", "description"]
        )
        return ok and result[0]["name"] == "Matrix printer"

    def _way_rpc_ticket_search(self, role):
        ok, result = self._rpc(
            "support.ticket", "search", [("name", "=", "Matrix printer")]
        )
        return ok and result == [self.target.id]

    def _way_rpc_ticket_write(self, role):
        ok, _result = self._rpc(
            "support.ticket", "write", [self.target.id], {"name": "Renamed"}
        )
        changed = self.target.name == "Renamed"
        self.target.name = "Matrix printer"
        return ok and changed

    def _way_rpc_ticket_create(self, role):
        values = {
            "name": f"Created by role {role}",
            "partner_id": self.carla.id,
            "team_id": self.team.id,
            "company_id": self.target.company_id.id,
        }
        ok, ticket_id = self._rpc("support.ticket", "create", values)
        created = self.env["support.ticket"].search([("name", "=", values["name"])])
        return ok and created.id == ticket_id

    def _way_rpc_ticket_unlink(self, role):
        victim = self._matrix_ticket("Matrix victim")
        ok, _result = self._rpc("support.ticket", "unlink", [victim.id])
        return ok and not victim.exists()

    def _way_rpc_post_reply(self, role):
        marker = f"Reply of role {role} by XML-RPC"
        ok, _result = self._rpc(
            "support.ticket", "post_reply", [self.target.id], marker
        )
        return ok and bool(
            self.target.reply_ids.filtered(lambda r: marker in (r.body or ""))
        )

    def _way_rpc_get_conversation(self, role):
        ok, result = self._rpc("support.ticket", "get_conversation", [self.target.id])
        if not ok:
            return False
        bodies = " ".join(message["body"] for message in result["messages"])
        if "Internal secret" in bodies and self.role_user.share:
            raise MatrixDefect("an internal note reached a portal user")
        return "Public answer" in bodies

    # ------------------------------------------------------------
    # XML-RPC: replies
    # ------------------------------------------------------------

    def _read(self, record, field, expected):
        ok, result = self._rpc(record._name, "read", [record.id], [field])
        return ok and expected in str(result[0][field])

    def _search(self, record):
        ok, result = self._rpc(record._name, "search", [("id", "=", record.id)])
        return ok and result == [record.id]

    def _way_rpc_reply_read(self, role):
        return self._read(self.reply, "body", "Public answer")

    def _way_rpc_reply_search(self, role):
        return self._search(self.reply)

    def _way_rpc_note_read(self, role):
        return self._read(self.note, "body", "Internal secret")

    def _way_rpc_note_search(self, role):
        return self._search(self.note)

    def _way_rpc_reply_create(self, role):
        marker = f"Reply of role {role} created by XML-RPC"
        ok, _result = self._rpc(
            "support.ticket.reply",
            "create",
            {"ticket_id": self.target.id, "body": f"<p>{marker}</p>"},
        )
        return ok and bool(
            self.target.reply_ids.filtered(lambda r: marker in (r.body or ""))
        )

    def _way_rpc_reply_write(self, role):
        ok, _result = self._rpc(
            "support.ticket.reply", "write", [self.reply.id], {"body": "<p>Forged</p>"}
        )
        changed = "Forged" in self.reply.body
        self.reply.sudo().body = "<p>Public answer</p>"
        return ok and changed

    def _way_rpc_reply_unlink(self, role):
        victim = self.target._add_reply("Victim reply")
        ok, _result = self._rpc("support.ticket.reply", "unlink", [victim.id])
        return ok and not victim.exists()

    # ------------------------------------------------------------
    # XML-RPC: attachments
    # ------------------------------------------------------------

    def _read_file(self, attachment, raw):
        ok, result = self._rpc("ir.attachment", "read", [attachment.id], ["datas"])
        return ok and base64.b64decode(result[0]["datas"] or b"") == raw

    def _way_rpc_ticket_file_read(self, role):
        return self._read_file(self.ticket_file, PNG)

    def _way_rpc_ticket_file_search(self, role):
        return self._search(self.ticket_file)

    def _way_rpc_reply_file_read(self, role):
        return self._read_file(self.reply_file, PDF)

    def _way_rpc_note_file_read(self, role):
        return self._read_file(self.note_file, b"internal secret")

    def _way_rpc_note_file_search(self, role):
        return self._search(self.note_file)

    def _way_rpc_ticket_file_create(self, role):
        ok, attachment_id = self._rpc(
            "ir.attachment",
            "create",
            {
                "name": f"from-{role}.txt",
                "datas": base64.b64encode(b"added").decode(),
                "res_model": "support.ticket",
                "res_id": self.target.id,
            },
        )
        return ok and bool(self.env["ir.attachment"].browse(attachment_id).exists())

    def _write_file(self, attachment):
        ok, _result = self._rpc(
            "ir.attachment", "write", [attachment.id], {"name": "renamed.bin"}
        )
        changed = attachment.name == "renamed.bin"
        attachment.sudo().name = "original"
        return ok and changed

    def _way_rpc_ticket_file_write(self, role):
        return self._write_file(self.ticket_file)

    def _way_rpc_reply_file_write(self, role):
        return self._write_file(self.reply_file)

    def _unlink_file(self, record):
        victim = self._attach(record, "victim.txt", b"victim")
        record.sudo().attachment_ids = [Command.link(victim.id)]
        ok, _result = self._rpc("ir.attachment", "unlink", [victim.id])
        return ok and not victim.exists()

    def _way_rpc_ticket_file_unlink(self, role):
        return self._unlink_file(self.target)

    def _way_rpc_reply_file_unlink(self, role):
        return self._unlink_file(self.reply)

    def _way_rpc_link_foreign_file(self, role):
        """Link the internal note's file to a new ticket of one's own, then
        download it through that ticket's portal route."""
        ok, ticket_id = self._rpc(
            "support.ticket",
            "create",
            {
                "name": f"Smuggler {role}",
                "partner_id": self.role_user.partner_id.id,
                # what an integrator sends: Command.link as a plain tuple
                "attachment_ids": [(4, self.note_file.id)],
            },
        )
        if not ok:
            return False
        response = self._get(f"/my/tickets/{ticket_id}/attachment/{self.note_file.id}")
        return self._file_served(response, b"internal secret")
