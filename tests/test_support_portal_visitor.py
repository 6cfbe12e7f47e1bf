"""The portal for visitors: opening a ticket without an account, and
following it by its link."""

import re

from odoo.tests import tagged

from .portal_common import SupportPortalCommon


@tagged("post_install", "-at_install")
class TestSupportPortalVisitor(SupportPortalCommon):
    def _visitor_data(self, **values):
        return {
            "category_id": str(self.category.id),
            "name": "Cannot log in",
            "description": "I forgot\nmy password",
            "email": "visitor@newcustomer.example.com",
            "contact": "Vera Visitor",
            **values,
        }

    def test_visitor_opens_and_follows_a_ticket(self):
        self.assertEqual(self.url_open("/support/new").status_code, 200)
        response = self.post_form("/support/submit", self._visitor_data())
        self.assertEqual(response.status_code, 303)
        ticket = self.env["support.ticket"].search([("name", "=", "Cannot log in")])
        self.assertEqual(ticket.partner_id.email, "visitor@newcustomer.example.com")
        self.assertEqual(ticket.partner_id.name, "Vera Visitor")
        self.assertIn("I forgot<br>my password", ticket.description)
        self.assertIn(
            f"access_token={ticket.access_token}", response.headers["Location"]
        )
        # the emailed link opens the ticket, without an account
        self.send_acknowledgements()
        ack = self.env["mail.mail"].search(
            [("model", "=", "support.ticket"), ("res_id", "=", ticket.id)]
        )
        self.assertEqual(ack.recipient_ids, ticket.partner_id)
        link = re.search(
            r'href="[^"]*(/my/tickets/\d+\?access_token=[^"&]+)', ack.body_html
        ).group(1)
        page = self.url_open(link)
        self.assertEqual(page.status_code, 200)
        self.assertIn(ticket.code, page.text)
        # and lets them answer
        token = ticket.access_token
        response = self.post_form(
            f"/my/tickets/{ticket.id}/reply",
            {"body": "It works now", "access_token": token},
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(ticket.reply_ids.author_id, ticket.partner_id)
        # a known address links to its contact
        known = self.env["res.partner"].create(
            {"name": "Known Contact", "email": "known@contact.example.com"}
        )
        self.post_form(
            "/support/submit",
            self._visitor_data(name="Second one", email="known@contact.example.com"),
        )
        second = self.env["support.ticket"].search([("name", "=", "Second one")])
        self.assertEqual(second.partner_id, known)
        # but nobody opens a ticket in the name of someone who has an account
        response = self.post_form(
            "/support/submit",
            self._visitor_data(name="Impostor", email="oscar@other.example.com"),
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("log in", response.text)
        self.assertFalse(self.env["support.ticket"].search([("name", "=", "Impostor")]))
        # without the token, nothing
        self.assertEqual(self.url_open(ticket.access_url).status_code, 404)

    def test_visitor_errors(self):
        count = self.env["support.ticket"].search_count([])
        response = self.post_form(
            "/support/submit", self._visitor_data(email="not an address")
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("valid email address", response.text)
        # a refused submission creates no contact
        response = self.post_form(
            "/support/submit",
            self._visitor_data(
                category_id="0", email="refused@newcustomer.example.com"
            ),
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("kind of request", response.text)
        self.assertIn("refused@newcustomer.example.com", response.text, "input kept")
        self.assertFalse(
            self.env["res.partner"].search(
                [("email", "=", "refused@newcustomer.example.com")]
            )
        )
        # the honeypot
        response = self.post_form(
            "/support/submit", self._visitor_data(website="http://spam")
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.env["support.ticket"].search_count([]), count)
        # visitors can be turned off
        self.env["ir.config_parameter"].sudo().set_param(
            "support_ticket.portal_visitors", "False"
        )
        response = self.url_open("/support/new", allow_redirects=False)
        self.assertIn("/web/login", response.headers["Location"])

    def test_flood_refused(self):
        param = self.env["ir.config_parameter"].sudo()
        param.set_param("support_ticket.portal_rate_per_email", "3")
        param.set_param("support_ticket.portal_rate_per_ip", "5")
        statuses = [
            self.post_form(
                "/support/submit", self._visitor_data(name=f"Flood {i}")
            ).status_code
            for i in range(4)
        ]
        self.assertEqual(statuses, [303, 303, 303, 429])
        # another address from the same IP: refused once the IP is over its limit
        statuses = [
            self.post_form(
                "/support/submit",
                self._visitor_data(
                    name=f"Other {i}", email=f"v{i}@newcustomer.example.com"
                ),
            ).status_code
            for i in range(3)
        ]
        self.assertEqual(statuses, [303, 303, 429])
        self.assertEqual(
            self.env["support.ticket"].search_count([("name", "like", "Flood")]),
            3,
            "refused, not queued",
        )
