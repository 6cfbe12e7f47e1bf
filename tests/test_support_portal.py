"""The customer portal: the list, the ticket page, replies, new tickets."""

import re

from markupsafe import Markup

from odoo.tests import tagged
from odoo.tools import mute_logger

from .portal_common import PDF, PNG, SupportPortalCommon


@tagged("post_install", "-at_install")
class TestSupportPortal(SupportPortalCommon):
    def test_home_counter_and_list(self):
        self.authenticate("carla", "carla")
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["support_ticket_count"]}
        )
        self.assertEqual(counters["support_ticket_count"], 1)
        response = self.url_open("/my")
        self.assertIn("/my/tickets", response.text)
        page = self.url_open("/my/tickets").text
        self.assertIn(self.ticket.code, page)
        self.assertIn("Ongoing", page, "the team answered: no longer waiting")
        self.assertNotIn(self.ticket_oscar.code, page)
        # a colleague of the same company sees it too; a customer CC'd on a
        # ticket of another company sees that one
        self.ticket_oscar.email_cc = "carla@corp.example.com"
        page = self.url_open("/my/tickets").text
        self.assertIn(self.ticket_oscar.code, page)
        self.authenticate("cesar", "cesar")
        self.assertIn(self.ticket.code, self.url_open("/my/tickets").text)

    def test_status_in_the_customers_language(self):
        self.env["res.lang"]._activate_lang("es_ES")
        self.env["ir.module.module"]._load_module_terms(
            ["support_ticket"], ["es_ES"], overwrite=True
        )
        self.user_carla.lang = "es_ES"
        self.authenticate("carla", "carla")
        for url in ("/my/tickets", self.ticket.access_url):
            page = self.url_open(url).text
            self.assertIn(">En curso</span>", page.replace("\n", "").replace("  ", ""))
            self.assertNotIn("Ongoing", page)

    def test_list_filters_search_sort_and_pages(self):
        Ticket = self.env["support.ticket"].with_context(tracking_disable=True)
        tickets = Ticket.create(
            [
                {
                    "name": f"Bulk {i:03d}",
                    "partner_id": self.carla.id,
                    "notify_customer": False,
                }
                for i in range(85)
            ]
        )
        tickets[:5].stage_id = self.stage_closed
        self.authenticate("carla", "carla")
        page1 = self.url_open("/my/tickets?sortby=name").text
        self.assertEqual(page1.count("o_support_portal_row"), 80)
        self.assertIn("Bulk 000", page1)
        page2 = self.url_open("/my/tickets/page/2?sortby=name").text
        self.assertEqual(page2.count("o_support_portal_row"), 6)
        completed = self.url_open("/my/tickets?filterby=completed").text
        self.assertEqual(completed.count("o_support_portal_row"), 5)
        waiting = self.url_open("/my/tickets?filterby=waiting").text
        self.assertEqual(waiting.count("o_support_portal_row"), 80)
        found = self.url_open(f"/my/tickets?search={tickets[42].code}").text
        self.assertEqual(found.count("o_support_portal_row"), 1)
        found = self.url_open("/my/tickets?search=Bulk 08").text
        self.assertEqual(found.count("o_support_portal_row"), 5)

    def test_ticket_page(self):
        self.authenticate("carla", "carla")
        page = self.url_open(self.ticket.access_url).text
        self.assertIn("We are looking at it", page)
        self.assertNotIn("order a part", page, "internal notes stay internal")
        self.assertIn("It jams", page)
        self.assertIn("Pat Agent", page)
        self.assertIn("o_support_portal_reply", page)
        self.assertIn("o_support_portal_close", page)
        self.assertIn("width: 0%", page)
        self.ticket.stage_id = self.env.ref("support_ticket.support_stage_in_progress")
        page = self.url_open(self.ticket.access_url).text
        self.assertIn("width: 40%", page)
        self.assertIn('aria-valuenow="40"', page)

    @mute_logger("odoo.http")
    def test_other_customers_ticket_refused_everywhere(self):
        self.authenticate("carla", "carla")
        other = self.ticket_oscar
        self.assertEqual(self.url_open(other.access_url).status_code, 404)
        response = self.post_form(
            f"/my/tickets/{other.id}/reply", {"body": "<p>hijack</p>"}
        )
        self.assertEqual(response.status_code, 404)
        response = self.post_form(f"/my/tickets/{other.id}/close", {})
        self.assertEqual(response.status_code, 404)
        response = self.post_form(f"/my/tickets/{other.id}/notifications", {})
        self.assertEqual(response.status_code, 404)
        url = f"/my/tickets/{other.id}/attachment/{self.oscar_file.id}"
        self.assertEqual(self.url_open(url).status_code, 404)
        # nor through my own ticket, nor with the token of my own ticket
        url = f"/my/tickets/{self.ticket.id}/attachment/{self.oscar_file.id}"
        self.assertEqual(self.url_open(url).status_code, 404)
        token = self.ticket._portal_ensure_token()
        self.assertEqual(
            self.url_open(f"{other.access_url}?access_token={token}").status_code, 404
        )
        # internal files of my own ticket
        secret = self.ticket.reply_ids.filtered("is_internal").attachment_ids
        url = f"/my/tickets/{self.ticket.id}/attachment/{secret.id}"
        self.assertEqual(self.url_open(url).status_code, 404)
        other.invalidate_recordset()
        self.assertFalse(other.reply_ids)
        self.assertFalse(other.is_locked)
        self.assertTrue(other.notify_customer)

    @mute_logger("odoo.http")
    def test_csrf_required(self):
        self.authenticate("carla", "carla")
        response = self.url_open(
            f"/my/tickets/{self.ticket.id}/reply",
            data={"body": "<p>no token</p>"},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(len(self.ticket.reply_ids), 2)
        # GET is not an action
        response = self.url_open(
            f"/my/tickets/{self.ticket.id}/close", allow_redirects=False
        )
        self.assertIn(response.status_code, (404, 405))
        self.assertFalse(self.ticket.is_locked)

    def test_reply_and_close(self):
        self.ticket.email_cc = "cesar@corp.example.com"
        self.authenticate("carla", "carla")
        last_mail = self.env["mail.mail"].search([], order="id desc", limit=1).id or 0
        response = self.post_form(
            f"/my/tickets/{self.ticket.id}/reply",
            {"body": '<p>Still <b>broken</b></p><script>alert("x")</script>'},
            files=[("attachments", ("error.png", PNG, "image/png"))],
        )
        self.assertEqual(response.status_code, 303)
        reply = self.ticket.reply_ids.sorted("id")[-1]
        self.assertEqual(reply.origin, "portal")
        self.assertEqual(reply.author_id, self.carla)
        self.assertIn("<b>broken</b>", reply.body)
        self.assertNotIn("script", reply.body)
        self.assertEqual(reply.attachment_ids.mapped("name"), ["error.png"])
        # the assignee (a follower) and the CC hear of it, not the author
        message = self.env["mail.message"].search(
            [("model", "=", "support.ticket"), ("res_id", "=", self.ticket.id)], limit=1
        )
        self.assertIn("broken", message.body)
        self.assertEqual(message.notification_ids.res_partner_id, self.agent.partner_id)
        mails = self.env["mail.mail"].search([("id", ">", last_mail)])
        addresses = set(mails.recipient_ids.mapped("email")) | set(
            filter(None, mails.mapped("email_to"))
        )
        self.assertEqual(
            addresses, {"pat@support.example.com", "cesar@corp.example.com"}
        )
        # the customer downloads it
        page = self.url_open(self.ticket.access_url).text
        link = re.search(r'href="(/my/tickets/\d+/attachment/\d+)"', page).group(1)
        self.assertEqual(self.url_open(link).content, PNG)
        # closes it
        response = self.post_form(f"/my/tickets/{self.ticket.id}/close", {})
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.ticket.stage_id, self.stage_closed)
        self.assertEqual(self.ticket.portal_status, "completed")
        page = self.url_open(self.ticket.access_url).text
        self.assertIn("o_support_locked", page)
        self.assertNotIn("o_support_portal_reply", page)
        # no more replies
        response = self.post_form(
            f"/my/tickets/{self.ticket.id}/reply", {"body": "late"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("locked", response.text)
        self.assertNotIn("late", self.ticket.reply_ids.mapped("body"))

    def test_notification_choice(self):
        self.authenticate("carla", "carla")
        self.post_form(f"/my/tickets/{self.ticket.id}/notifications", {})
        self.assertFalse(self.ticket.notify_customer)
        self.post_form(f"/my/tickets/{self.ticket.id}/notifications", {"notify": "1"})
        self.assertTrue(self.ticket.notify_customer)
        self.post_form("/my/tickets/notifications", {})
        self.assertFalse(self.carla.support_notify_default)

    def _new_ticket_data(self, **values):
        return {
            "category_id": str(self.category.id),
            "name": "Scanner jammed",
            "description": "<p>The <b>scanner</b> is jammed</p>",
            "email_cc": "cesar@corp.example.com",
            "notify": "1",
            **values,
        }

    def test_new_ticket(self):
        self.authenticate("carla", "carla")
        page = self.url_open("/my/tickets/new").text
        self.assertIn("Printer broken", page, "sub-reasons offered")
        self.assertNotIn("Internal only", page)
        response = self.post_form(
            "/my/tickets/submit",
            self._new_ticket_data(),
            files=[
                ("attachments", ("a.pdf", PDF, "application/pdf")),
                ("attachments", ("b.png", PNG, "image/png")),
            ],
        )
        self.assertEqual(response.status_code, 303)
        ticket = self.env["support.ticket"].search([("name", "=", "Scanner jammed")])
        self.assertEqual(ticket.origin, "portal")
        self.assertEqual(ticket.partner_id, self.carla)
        self.assertEqual(ticket.category_id, self.category)
        self.assertEqual(ticket.email_cc, "cesar@corp.example.com")
        self.assertEqual(ticket.cc_partner_ids, self.user_cesar.partner_id)
        self.assertEqual(
            sorted(ticket.attachment_ids.mapped("name")), ["a.pdf", "b.png"]
        )
        self.assertIn("<b>scanner</b>", ticket.description)
        self.assertIn(ticket.access_url, response.headers["Location"])
        # acknowledged by the job, once the request's transaction is done
        self.assertTrue(ticket.ack_pending)
        self.assertFalse(
            self.env["mail.mail"].search(
                [("model", "=", "support.ticket"), ("res_id", "=", ticket.id)]
            )
        )
        self.send_acknowledgements()
        self.assertFalse(ticket.ack_pending)
        ack = self.env["mail.mail"].search(
            [("model", "=", "support.ticket"), ("res_id", "=", ticket.id)]
        )
        addresses = set(ack.recipient_ids.mapped("email")) | set(
            filter(None, ack.mapped("email_to"))
        )
        self.assertEqual(
            addresses, {"carla@corp.example.com", "cesar@corp.example.com"}
        )

    def test_new_ticket_errors_keep_the_input(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "support_ticket.portal_max_file_size_mb", "1"
        )
        self.authenticate("carla", "carla")
        count = self.env["support.ticket"].search_count([])
        cases = [
            (
                {"email_cc": "cesar@corp.example.com, not-an-address"},
                None,
                "not-an-address",
            ),
            (
                {"email_cc": "stranger@evil.example.com"},
                None,
                "stranger@evil.example.com",
            ),
            (
                {"email_cc": '"><script>alert(1)</script>@corp.example.com'},
                None,
                "not a valid email address",
            ),
            ({"name": "  "}, None, "subject"),
            ({"category_id": str(self.category_hidden.id)}, None, "kind of request"),
            (
                {},
                [
                    ("attachments", (f"f{i}.pdf", PDF, "application/pdf"))
                    for i in range(4)
                ],
                "up to 3 files",
            ),
            (
                {},
                [
                    (
                        "attachments",
                        ("virus.exe", b"MZ\x90\x00", "application/octet-stream"),
                    )
                ],
                "virus.exe",
            ),
            (
                {},
                [
                    (
                        "attachments",
                        (
                            "page.pdf",
                            b"<html><script>x</script></html>",
                            "application/pdf",
                        ),
                    )
                ],
                "page.pdf",
            ),
            (
                {},
                [
                    (
                        "attachments",
                        ("big.pdf", PDF + b"0" * (1536 * 1024), "application/pdf"),
                    )
                ],
                "too large",
            ),
        ]
        for values, files, message in cases:
            with self.subTest(message=message):
                response = self.post_form(
                    "/my/tickets/submit", self._new_ticket_data(**values), files=files
                )
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, response.text)
                self.assertNotIn("<script>alert(1)</script>", response.text)
                # what was typed is still there
                self.assertIn(
                    "The <b>scanner</b> is jammed",
                    response.text.replace("&lt;", "<").replace("&gt;", ">"),
                )
        self.assertEqual(self.env["support.ticket"].search_count([]), count)

    def test_cc_policies(self):
        Ticket = self.env["support.ticket"]
        param = self.env["ir.config_parameter"].sudo()
        param.set_param("support_ticket.portal_cc_policy", "contacts")
        self.assertEqual(
            Ticket._portal_check_cc("cesar@corp.example.com", self.carla),
            "cesar@corp.example.com",
        )
        with self.assertRaisesRegex(Exception, "contacts"):
            Ticket._portal_check_cc("unknown@corp.example.com", self.carla)
        param.set_param("support_ticket.portal_cc_policy", "any")
        self.assertEqual(
            Ticket._portal_check_cc("a@x.example.com; B@Y.example.com", self.carla),
            "a@x.example.com, b@y.example.com",
        )

    def test_script_in_reply_is_sanitized(self):
        reply = self.ticket._portal_reply(
            self.carla,
            Markup('<p onclick="steal()">hi</p><iframe src="//evil"></iframe>'),
        )
        self.assertNotIn("onclick", reply.body)
        self.assertNotIn("iframe", reply.body)
