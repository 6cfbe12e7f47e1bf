"""Bad input on the portal and in the back office: clear errors, nothing lost."""

import base64
import re
import struct

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .portal_common import PDF, PNG, SupportPortalCommon

# a minimal Windows executable: DOS header pointing to a PE header
EXE = (
    b"MZ\x90\x00" + b"\x00" * 56 + struct.pack("<I", 64) + b"PE\x00\x00" + b"\x00" * 64
)
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
ZIP = (
    b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 40 + b"PK\x05\x06" + b"\x00" * 18
)
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SCRIPT = "<script>alert('xss')</script>"


@tagged("post_install", "-at_install")
class TestSupportBadInput(SupportPortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        param = cls.env["ir.config_parameter"].sudo()
        param.set_param("support_ticket.portal_rate_per_ip", "1000")
        param.set_param("support_ticket.portal_rate_per_email", "1000")
        cls.other_company = cls.env["res.company"].create({"name": "Elsewhere Co"})
        cls.category_other = cls.env["support.category"].create(
            {"name": "Elsewhere", "company_id": cls.other_company.id}
        )

    def setUp(self):
        super().setUp()
        self.authenticate("carla", "carla")

    def _data(self, **values):
        return {
            "category_id": str(self.category.id),
            "name": "Scanner jammed",
            "description": "<p>The <b>scanner</b> is jammed</p>",
            **values,
        }

    def _counts(self):
        self.env.invalidate_all()
        return (
            self.env["support.ticket"].search_count([]),
            self.env["support.ticket.reply"].search_count([]),
            self.env["ir.attachment"].search_count([]),
            self.env["res.partner"].with_context(active_test=False).search_count([]),
        )

    def assertRefused(self, response, message, kept=(), status=400):
        self.assertEqual(response.status_code, status)
        self.assertIn(message, response.text)
        text = response.text.replace("&lt;", "<").replace("&gt;", ">")
        for value in kept:
            self.assertIn(value, text, "what was typed is shown again")

    # ------------------------------------------------------------
    # malformed ids
    # ------------------------------------------------------------

    @mute_logger("odoo.http")
    def test_malformed_ids(self):
        reply_id = self.env["support.ticket.reply"].search([], order="id desc")[0].id
        missing_id = max(self.env["support.ticket"].search([]).ids) + 100000
        partner_file = self.env["ir.attachment"].create(
            {
                "name": "partner.pdf",
                "raw": PDF,
                "res_model": "res.partner",
                "res_id": self.carla.id,
            }
        )
        ticket = self.ticket
        for url in (
            "/my/tickets/abc",
            "/my/tickets/-1",
            "/my/tickets/0",
            "/my/tickets/1.5",
            "/my/tickets/99999999999999999999",
            "/my/tickets/2147483648",
            f"/my/tickets/{missing_id}",
            f"/my/tickets/{missing_id}?access_token={ticket._portal_ensure_token()}",
            f"/my/tickets/{ticket.id}/attachment/abc",
            f"/my/tickets/{ticket.id}/attachment/99999999999",
            f"/my/tickets/{ticket.id}/attachment/{partner_file.id}",
            f"/my/tickets/{ticket.id}/attachment/{reply_id}",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.url_open(url).status_code, 404)
        for url in (
            "/my/tickets/page/99999999999",
            "/my/tickets/page/0",
            f"/my/tickets?sortby={SCRIPT}&filterby=%00&search=%00{SCRIPT}",
            f"/my/tickets?search={'x' * 5000}",
        ):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 200)
                self.assertNotIn(SCRIPT, response.text)
        # the actions too
        before = self._counts()
        for url in (
            "/my/tickets/99999999999/reply",
            f"/my/tickets/{missing_id}/reply",
            f"/my/tickets/{missing_id}/close",
            f"/my/tickets/{missing_id}/notifications",
        ):
            with self.subTest(url=url):
                response = self.post_form(url, {"body": "lost?"})
                self.assertEqual(response.status_code, 404)
        self.assertEqual(self._counts(), before)

    def test_malformed_ids_in_the_new_ticket_form(self):
        before = self._counts()
        priority = self.env.ref("support_ticket.support_priority_urgent")
        for category_id in (
            "abc",
            "-1",
            "1e3",
            " ",
            "\u00b2",
            "99999999999999",
            str(priority.id + 100000),
            str(self.category_hidden.id),
            str(self.category_other.id),
        ):
            with self.subTest(category_id=category_id):
                response = self.post_form(
                    "/my/tickets/submit", self._data(category_id=category_id)
                )
                self.assertRefused(
                    response, "kind of request", ["The <b>scanner</b> is jammed"]
                )
        self.assertEqual(self._counts(), before)
        # a priority that is not offered (another company's, another model's
        # id) is ignored: the ticket gets the default one
        self.env["ir.config_parameter"].sudo().set_param(
            "support_ticket.portal_priority", "True"
        )
        other_priority = self.env["support.priority"].create(
            {"name": "Elsewhere urgent", "company_id": self.other_company.id}
        )
        for priority_id in ("abc", "99999999999999", str(other_priority.id)):
            name = f"Priority {priority_id}"
            response = self.post_form(
                "/my/tickets/submit", self._data(name=name, priority_id=priority_id)
            )
            self.assertEqual(response.status_code, 303)
            ticket = self.env["support.ticket"].search([("name", "=", name)])
            self.assertEqual(
                ticket.priority_id,
                self.env.ref("support_ticket.support_priority_normal"),
            )

    # ------------------------------------------------------------
    # huge bodies
    # ------------------------------------------------------------

    def test_message_size_setting(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.support_max_message_size_kb, 1024)
        settings.support_max_message_size_kb = 2
        settings.execute()
        self.assertEqual(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("support_ticket.max_message_size_kb"),
            "2",
        )
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"support_max_message_size_kb": 0})

    def test_huge_bodies_refused_everywhere(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "support_ticket.max_message_size_kb", "2"
        )
        huge = "<p>" + "Lorem ipsum dolor sit amet. " * 110 + "THE END</p>"
        self.assertGreater(len(huge), 3000)
        before = self._counts()
        # a new ticket on the portal
        response = self.post_form("/my/tickets/submit", self._data(description=huge))
        self.assertRefused(response, "too long (4 KB): the limit is 2 KB", ["THE END"])
        # a reply on the portal
        response = self.post_form(
            f"/my/tickets/{self.ticket.id}/reply",
            {"body": huge},
            files=[("attachments", ("shot.png", PNG, "image/png"))],
        )
        self.assertRefused(response, "the limit is 2 KB", ["THE END", "attach them"])
        self.assertEqual(self._counts(), before)
        # a reply in the back office
        with self.assertRaisesRegex(UserError, "the limit is 2 KB"):
            self.ticket.with_user(self.agent).post_reply(
                huge, "log.txt", base64.b64encode(b"log")
            )
        self.assertEqual(self._counts(), before)
        # just under the limit: accepted
        fits = "x" * 2000
        self.ticket.with_user(self.agent).post_reply(fits)
        response = self.post_form(f"/my/tickets/{self.ticket.id}/reply", {"body": fits})
        self.assertEqual(response.status_code, 303)
        self.assertEqual(len(self.ticket.reply_ids), 4)

    def test_long_subject_and_name(self):
        before = self._counts()
        response = self.post_form("/my/tickets/submit", self._data(name="S" * 300))
        self.assertRefused(
            response, "subject is too long (300 characters)", ["S" * 300]
        )
        self.logout()
        response = self.post_form(
            "/support/submit",
            self._data(email="long@visitor.example.com", contact="N" * 200),
        )
        self.assertRefused(response, "name is too long", ["N" * 200])
        self.assertEqual(self._counts(), before)

    # ------------------------------------------------------------
    # invalid UTF-8, control characters
    # ------------------------------------------------------------

    def test_invalid_utf8_and_nul_in_forms(self):
        csrf = self.csrf_token()
        body = (
            f"csrf_token={csrf}&category_id={self.category.id}".encode()
            + b"&name=Bad\xff\xfe UTF&description=caf\xc3 au lait"
        )
        response = self.url_open(
            "/my/tickets/submit",
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        ticket = self.env["support.ticket"].search([("name", "like", "Bad")])
        self.assertEqual(ticket.name, "Bad\ufffd\ufffd UTF", "replaced, not lost")
        self.assertIn("caf\ufffd au lait", ticket.description)
        # NUL and other control characters, refused by PostgreSQL: removed
        response = self.post_form(
            "/my/tickets/submit",
            self._data(
                name="Nul\x00 byte\x1b",
                description="<p>Body\x00 with NUL</p>",
                email_cc="cesar@corp.example.com\x00",
            ),
        )
        self.assertEqual(response.status_code, 303)
        ticket = self.env["support.ticket"].search([("name", "=", "Nul byte")])
        self.assertIn("Body with NUL", ticket.description)
        self.assertEqual(ticket.email_cc, "cesar@corp.example.com")
        response = self.post_form(
            f"/my/tickets/{self.ticket.id}/reply", {"body": "Reply\x00 with\x08 NUL"}
        )
        self.assertEqual(response.status_code, 303)
        self.assertIn("Reply with NUL", self.ticket.reply_ids.sorted("id")[-1].body)
        self.logout()
        response = self.post_form(
            "/support/submit",
            self._data(
                name="Visitor NUL",
                email="nul@visitor.example.com\x00",
                contact="Vi\x00 Sitor",
            ),
        )
        self.assertEqual(response.status_code, 303)
        ticket = self.env["support.ticket"].search([("name", "=", "Visitor NUL")])
        self.assertEqual(ticket.partner_id.name, "Vi Sitor")

    @mute_logger("odoo.http")
    def test_invalid_utf8_in_file_names(self):
        before = self._counts()
        boundary = "SupportBoundary"

        def multipart(disposition):
            return (
                (
                    f"--{boundary}\r\n"
                    'Content-Disposition: form-data; name="csrf_token"\r\n\r\n'
                    f"{self.csrf_token()}\r\n"
                    f"--{boundary}\r\n"
                    'Content-Disposition: form-data; name="body"\r\n\r\n'
                    "See the file\r\n"
                    f"--{boundary}\r\n"
                    'Content-Disposition: form-data; name="attachments"; '
                ).encode()
                + disposition
                + (
                    b"\r\nContent-Type: image/png\r\n\r\n"
                    + PNG
                    + f"\r\n--{boundary}--\r\n".encode()
                )
            )

        url = f"/my/tickets/{self.ticket.id}/reply"
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        # the form cannot be read at all (Odoo's form parser refuses it):
        # refused as a whole, nothing is created
        for disposition in (
            b'filename="bad\xff\xfe.png"',
            b"filename*=UTF-8''bad%ff%fe.png",
        ):
            with self.subTest(disposition=disposition):
                response = self.url_open(
                    url,
                    data=multipart(disposition),
                    headers=headers,
                    allow_redirects=False,
                )
                self.assertEqual(response.status_code, 400)
        self.assertEqual(self._counts(), before)
        # a well-formed name with a NUL byte and folders: cleaned
        response = self.url_open(
            url,
            data=multipart(b"filename*=UTF-8''..%2F..%2Fetc%2Fsh%00ot.png"),
            headers=headers,
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        reply = self.ticket.reply_ids.sorted("id")[-1]
        self.assertEqual(reply.attachment_ids.mapped("name"), ["shot.png"])
        self.assertEqual(reply.attachment_ids.raw, PNG)

    # ------------------------------------------------------------
    # script in every text field
    # ------------------------------------------------------------

    def test_script_in_every_field_never_runs(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "support_ticket.portal_cc_policy", "any"
        )
        self.logout()
        name = f"Help {SCRIPT}"
        response = self.post_form(
            "/support/submit",
            self._data(
                name=name,
                description=f'<p>Hi</p>{SCRIPT}<img src="x" onerror="alert(2)">',
                email="xss@visitor.example.com",
                contact=f"Mallory {SCRIPT}",
                email_cc="friend@visitor.example.com",
            ),
            files=[
                (
                    "attachments",
                    ('<img src=x onerror="alert(3)">.png', PNG, "image/png"),
                )
            ],
        )
        self.assertEqual(response.status_code, 303)
        ticket = self.env["support.ticket"].search([("name", "=", name)])
        self.assertEqual(ticket.partner_id.name, f"Mallory {SCRIPT}", "kept as text")
        self.assertNotIn("<script", ticket.description)
        self.assertNotIn("onerror", ticket.description)
        # a CC typed by staff, shown to the customer
        ticket.email_cc = f'"{SCRIPT}" <friend@visitor.example.com>'
        # shown back on the portal: as text, never as markup
        page = self.url_open(response.headers["Location"]).text
        self.assertIn("&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;", page)
        self.assertIn("Help &lt;script&gt;", page)
        self.assertNotIn(SCRIPT, page)
        self.assertNotIn('onerror="alert', page)
        # in the back office: the conversation widget shows the bodies as
        # html, so they must be clean; names are text
        conversation = ticket.get_conversation()
        for message in conversation["messages"]:
            self.assertNotIn("<script", message["body"])
            self.assertNotIn("onerror", message["body"])
        self.assertIn(SCRIPT, conversation["messages"][0]["author"], "plain text")
        # in the acknowledgement email
        self.send_acknowledgements()
        ack = self.env["mail.mail"].search(
            [("model", "=", "support.ticket"), ("res_id", "=", ticket.id)]
        )
        self.assertTrue(ack)
        for mail in ack:
            self.assertNotIn(SCRIPT, mail.body_html)
        # shown again in the form after an error: sanitized for the editor
        response = self.post_form(
            "/support/submit",
            self._data(
                category_id="0",
                name=name,
                description=f'<p>Hi</p><img src="x" onerror="alert(4)">{SCRIPT}',
                email="xss@visitor.example.com",
                contact=f"Mallory {SCRIPT}",
            ),
        )
        self.assertEqual(response.status_code, 400)
        textarea = re.search(
            r'<textarea id="o_support_description"[^>]*>(.*?)</textarea>',
            response.text,
            re.DOTALL,
        )[1]
        shown = textarea.replace("&lt;", "<").replace("&gt;", ">")
        self.assertIn("<p>Hi</p>", shown)
        self.assertNotIn("onerror", shown)
        self.assertNotIn("<script", shown)
        self.assertNotIn(SCRIPT, response.text)

    def test_error_text_cannot_be_injected_in_the_page(self):
        url = f"{self.ticket.access_url}?error=Call+us+now&reply_body=Injected+text"
        page = self.url_open(url).text
        self.assertNotIn("Call us now", page)
        self.assertNotIn("Injected text", page)

    # ------------------------------------------------------------
    # files whose name or type lies
    # ------------------------------------------------------------

    def test_lying_files_refused_on_the_portal(self):
        cases = [
            ("invoice.pdf", HTML, "contains a program or a web page"),
            ("invoice.pdf", EXE, "contains a program or a web page"),
            ("photo.png", ZIP, "is not really a .png file"),
            ("photo.jpg", PDF, "is not really a .jpg file"),
            ("notes.txt", ELF, "contains a program or a web page"),
            ("notes.txt", b"\x00\x01binary", "is not really a .txt file"),
            ("letter.docx", b"just text", "is not really a .docx file"),
            ("setup.exe", EXE, "not a type of file you can attach"),
        ]
        for visitor in (False, True):
            if visitor:
                self.logout()
            for name, raw, message in cases:
                before = self._counts()
                with self.subTest(visitor=visitor, name=name):
                    files = [
                        ("attachments", ("good.pdf", PDF, "application/pdf")),
                        ("attachments", (name, raw, "application/octet-stream")),
                    ]
                    data = self._data()
                    if visitor:
                        data.update(email="liar@visitor.example.com", contact="Liar")
                    response = self.post_form("/support/submit", data, files=files)
                    self.assertRefused(
                        response, message, ["The <b>scanner</b> is jammed"]
                    )
                    self.assertIn(name, response.text)
                    self.assertIn("attach them again", response.text)
                    if not visitor:
                        response = self.post_form(
                            f"/my/tickets/{self.ticket.id}/reply",
                            {"body": "<p>See attached</p>"},
                            files=files,
                        )
                        self.assertRefused(response, message, ["See attached"])
                    # no ticket without its files, no file, no contact
                    self.assertEqual(self._counts(), before)

    def test_honest_files_accepted(self):
        files = [
            ("attachments", ("photo.png", PNG, "image/png")),
            ("attachments", ("archive.zip", ZIP, "application/zip")),
            ("attachments", ("notes.txt", b"plain notes\n", "text/plain")),
        ]
        response = self.post_form("/my/tickets/submit", self._data(), files=files)
        self.assertEqual(response.status_code, 303)
        ticket = self.env["support.ticket"].search([("name", "=", "Scanner jammed")])
        self.assertEqual(len(ticket.attachment_ids), 3)

    def test_lying_files_refused_in_the_back_office(self):
        agent_ticket = self.ticket.with_user(self.agent)
        before = self._counts()
        for name, raw in (("report.pdf", EXE), ("screen.png", ZIP), ("log.txt", ELF)):
            with self.subTest(name=name), self.assertRaisesRegex(UserError, name):
                agent_ticket.post_reply("Here it is", name, base64.b64encode(raw))
        with self.assertRaisesRegex(UserError, "could not be read"):
            agent_ticket.post_reply("Here it is", "x.pdf", "not base64 at all!")
        self.assertEqual(self._counts(), before)
        # staff may send an honest tool, named after what it is; names are
        # cleaned of folders
        reply_id = agent_ticket.post_reply(
            "Run this", "C:\\fakepath\\fix.exe", base64.b64encode(EXE)
        )
        reply = self.env["support.ticket.reply"].browse(reply_id)
        self.assertEqual(reply.attachment_ids.mapped("name"), ["fix.exe"])
