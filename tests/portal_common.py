"""What the portal tests share: a customer company with two portal users,
another customer, an agent, tickets with public and internal replies and
files, and helpers to post forms."""

from odoo.fields import Command
from odoo.tests import new_test_user

from .common import SupportHttpCase

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00"
    b"\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe"
    b"\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


class SupportPortalCommon(SupportHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_closed = cls.env.ref("support_ticket.support_stage_closed")
        cls.stage_resolved = cls.env.ref("support_ticket.support_stage_resolved")
        cls.category = cls.env.ref("support_ticket.support_category_support")
        cls.category.reason_ids = [Command.create({"name": "Printer broken"})]
        cls.category_hidden = cls.env["support.category"].create(
            {"name": "Internal only", "portal_available": False}
        )
        cls.corp = cls.env["res.partner"].create(
            {
                "name": "Customer Corp",
                "is_company": True,
                "email": "info@corp.example.com",
            }
        )
        cls.user_carla = new_test_user(
            cls.env,
            login="carla",
            password="carla",
            name="Carla Customer",
            email="carla@corp.example.com",
            groups="base.group_portal",
        )
        cls.carla = cls.user_carla.partner_id
        cls.carla.parent_id = cls.corp
        cls.user_cesar = new_test_user(
            cls.env,
            login="cesar",
            password="cesar",
            name="Cesar Colleague",
            email="cesar@corp.example.com",
            groups="base.group_portal",
        )
        cls.user_cesar.partner_id.parent_id = cls.corp
        cls.user_oscar = new_test_user(
            cls.env,
            login="oscar",
            password="oscar",
            name="Oscar Other",
            email="oscar@other.example.com",
            groups="base.group_portal",
        )
        cls.oscar = cls.user_oscar.partner_id
        cls.agent = new_test_user(
            cls.env,
            login="portal_agent",
            name="Pat Agent",
            email="pat@support.example.com",
            groups="support_ticket.group_support_user",
        )
        Ticket = cls.env["support.ticket"]
        cls.ticket = Ticket.create(
            {
                "name": "Carla's printer",
                "partner_id": cls.carla.id,
                "description": "<p>It jams</p>",
                "user_id": cls.agent.id,
            }
        )
        cls.ticket._add_reply("We are looking at it")
        cls.ticket._add_reply("Internal: order a part", is_internal=True)
        cls.internal_file = cls.ticket.reply_ids.filtered("is_internal")
        cls.ticket.reply_ids.filtered("is_internal").attachment_ids = [
            Command.create(
                {
                    "name": "secret.txt",
                    "raw": b"internal",
                    "res_model": "support.ticket.reply",
                    "res_id": cls.ticket.reply_ids.filtered("is_internal").id,
                }
            )
        ]
        cls.ticket_oscar = Ticket.create(
            {
                "name": "Oscar's network",
                "partner_id": cls.oscar.id,
                "description": "<p>down</p>",
            }
        )
        cls.oscar_file = cls.env["ir.attachment"].create(
            {
                "name": "oscar.pdf",
                "raw": PDF,
                "res_model": "support.ticket",
                "res_id": cls.ticket_oscar.id,
            }
        )
        cls.ticket_oscar.attachment_ids = [Command.link(cls.oscar_file.id)]

    def post_form(self, url, data, files=None):
        data = dict(data)
        data.setdefault("csrf_token", self.csrf_token())
        return self.url_open(url, data=data, files=files, allow_redirects=False)

    def csrf_token(self):
        return (
            self.url_open("/web/login")
            .text.split('name="csrf_token" value="')[1]
            .split('"')[0]
        )
