from markupsafe import Markup

from odoo.tests import tagged
from odoo.tools import mute_logger

from .mail_common import SupportMailCommon, odoo_sample_emails

SAMPLES = odoo_sample_emails()


@tagged("post_install", "-at_install")
class TestSupportMailGateway(SupportMailCommon):
    """Incoming mail, through message_process with real RFC 822 messages."""

    @mute_logger("odoo.addons.mail.models.mail_thread")
    def test_new_ticket_from_email(self):
        mail_id = self.last_mail_id()
        raw = self.build_email(
            subject="Printer on fire",
            text="It smokes since this morning.",
            html="<p>It <b>smokes</b> since this morning.</p>",
            cc='"Boss" <boss@customer.example.com>, tech@support.example.com',
            attachments=[("photo.png", b"\x89PNG fake image", "image/png")],
        )
        ticket = self.process(raw)
        self.assertEqual(ticket.origin, "email")
        self.assertEqual(ticket.name, "Printer on fire")
        self.assertIn("smokes", ticket.description)
        self.assertEqual(ticket.team_id, self.team_tech)
        self.assertRegex(ticket.code, r"^TKT-\d{5}$")
        self.assertIn("carla@customer.example.com", ticket.email_from)
        self.assertEqual(ticket.partner_id.email, "carla@customer.example.com")
        self.assertEqual(ticket.creator_partner_id, ticket.partner_id)
        self.assertEqual(ticket.attachment_ids.mapped("name"), ["photo.png"])
        # our own alias is not kept as a CC
        self.assertIn("boss@customer.example.com", ticket.email_cc)
        self.assertNotIn("tech@support.example.com", ticket.email_cc)
        # acknowledged to the sender and the CC, and to nobody else
        ack = self.mails_of(ticket, mail_id)
        self.assertEqual(len(ack.mail_message_id), 1)
        self.assertIn(ticket.code, ack[0].subject)
        self.assertEqual(
            self.recipients(ack),
            {"carla@customer.example.com", "boss@customer.example.com"},
        )
        self.assertIn(ticket.get_portal_url(), ack[0].body_html)
        self.assertTrue(
            all("tech@support.example.com" in (m.reply_to or "") for m in ack)
        )
        self.assertTrue(all("Auto-Submitted" in (m.headers or "") for m in ack))

    def test_default_alias_and_no_contact_creation(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "support_ticket.create_partner_from_email", "False"
        )
        ticket = self.process(
            self.build_email(
                to="support@support.example.com", email_from="new@stranger.example.com"
            )
        )
        self.assertFalse(ticket.partner_id)
        self.assertEqual(ticket.email_from, "new@stranger.example.com")
        self.assertIs(ticket.email_cc, False, "no CC: none stored, not an empty one")
        self.assertEqual(ticket.team_id, self.team_helpdesk, "the default area")
        self.assertFalse(
            self.env["res.partner"].search([("email", "=", "new@stranger.example.com")])
        )
        ack = self.mails_of(ticket)
        self.assertEqual(self.recipients(ack), {"new@stranger.example.com"})
        # shown by their address, as the creator of the ticket
        first = ticket.get_conversation()["messages"][0]
        self.assertEqual(first["author"], "new@stranger.example.com")
        self.assertEqual(first["badges"], ["creator", "email"])
        self.process(
            self.build_email(
                email_from="new@stranger.example.com",
                subject=f"Re: [{ticket.code}]",
                text="More details",
                in_reply_to=ack.message_id,
            )
        )
        reply = ticket.reply_ids
        self.assertFalse(reply.author_id)
        self.assertEqual(reply.author_role, "creator")
        self.assertEqual(
            ticket.get_conversation()["messages"][1]["author"], reply.email_from
        )

    def test_unknown_sender_is_not_shown_as_the_customer(self):
        ticket = self._open_ticket()
        ack_id = self.last_message_id(ticket)
        self.process(
            self.build_email(
                email_from="someone.else@elsewhere.example.com",
                subject="Re: printer",
                text="I have the same problem",
                in_reply_to=ack_id,
            )
        )
        reply = ticket.reply_ids
        self.assertEqual(len(reply), 1)
        self.assertFalse(reply.author_id)
        self.assertEqual(reply.author_role, "other")
        self.assertEqual(reply.email_from, "someone.else@elsewhere.example.com")
        message = ticket.get_conversation()["messages"][1]
        self.assertEqual(message["author"], "someone.else@elsewhere.example.com")
        self.assertEqual(message["badges"], ["email"])

    def _open_ticket(self, **kwargs):
        self.user_agent.notification_type = "email"
        ticket = self.process(self.build_email(**kwargs))
        ticket.user_id = self.user_agent
        return ticket

    def test_answer_by_headers_becomes_a_reply(self):
        ticket = self._open_ticket()
        ack_id = self.last_message_id(ticket)
        mail_id = self.last_mail_id()
        answer = self.build_email(
            subject=f"Re: [{ticket.code}] My printer is on fire",
            text="Here is the error code.",
            in_reply_to=ack_id,
            references=ack_id,
            attachments=[("error.txt", b"E-13", "text/plain")],
        )
        self.assertEqual(self.process(answer), ticket)
        reply = ticket.reply_ids
        self.assertEqual(len(reply), 1)
        self.assertEqual(reply.origin, "email")
        self.assertEqual(reply.author_id, ticket.partner_id)
        self.assertIn("error code", reply.body)
        self.assertEqual(reply.attachment_ids.mapped("name"), ["error.txt"])
        self.assertEqual(reply.attachment_ids.raw, b"E-13")
        self.assertEqual(reply.tone, "email")
        # the assignee hears of it; the customer and the CC are not emailed back
        self.assertEqual(
            reply.mail_message_id.notification_ids.res_partner_id,
            self.user_agent.partner_id,
        )
        notified = self.mails_of(ticket, mail_id)
        self.assertEqual(self.recipients(notified), {"alice.agent@example.com"})
        self.assertFalse(
            ticket.message_ids.filtered(
                lambda m: m.message_type == "auto_comment"
                and m.id > reply.mail_message_id.id
            )
        )

    def test_answer_found_by_code_in_subject(self):
        ticket = self._open_ticket(cc="boss@customer.example.com")
        # no threading headers (the mail client dropped them)
        answer = self.build_email(
            subject=f"RE: [{ticket.code}] printer", text="Still smoking"
        )
        self.assertEqual(self.process(answer), ticket)
        self.assertEqual(len(ticket.reply_ids), 1)
        # the CC may answer too
        answer = self.build_email(
            email_from="boss@customer.example.com",
            subject=f"[{ticket.code}] from the boss",
        )
        self.assertEqual(self.process(answer), ticket)
        self.assertEqual(len(ticket.reply_ids), 2)
        # a stranger quoting the code opens a ticket of their own
        other = self.process(
            self.build_email(
                email_from="intruder@evil.example.com", subject=f"[{ticket.code}] hi"
            )
        )
        self.assertNotEqual(other, ticket)
        self.assertEqual(len(ticket.reply_ids), 2)

    def test_answer_to_closed_ticket_reopens_it(self):
        ticket = self._open_ticket()
        ticket.stage_id = self.stage_closed
        mail_id = self.last_mail_id()
        answer = self.build_email(
            subject=f"Re: [{ticket.code}] thanks", text="It broke again"
        )
        self.assertEqual(self.process(answer), ticket)
        self.assertEqual(ticket.stage_id, self.stage_open)
        self.assertFalse(ticket.closed_date)
        self.assertIn("broke again", ticket.reply_ids.body)
        told = self.mails_of(ticket, mail_id).filtered(
            lambda m: "open again" in m.subject
        )
        self.assertEqual(self.recipients(told), {"carla@customer.example.com"})

    def test_answer_to_closed_ticket_opens_follow_up(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "support_ticket.locked_reply_policy", "new"
        )
        ticket = self._open_ticket()
        ticket.stage_id = self.stage_resolved
        answer = self.build_email(
            subject=f"Re: [{ticket.code}] thanks",
            text="Another problem",
            attachments=[("log.txt", b"log", "text/plain")],
        )
        self.process(answer)
        self.assertEqual(ticket.stage_id, self.stage_resolved, "stays resolved")
        self.assertFalse(ticket.reply_ids)
        follow_up = ticket.child_ticket_ids
        self.assertEqual(len(follow_up), 1)
        self.assertEqual(follow_up.parent_ticket_id, ticket)
        self.assertEqual(follow_up.partner_id, ticket.partner_id)
        self.assertIn("Another problem", follow_up.description)
        self.assertEqual(follow_up.attachment_ids.mapped("name"), ["log.txt"])
        told = self.mails_of(follow_up).filtered(lambda m: "new ticket" in m.subject)
        self.assertEqual(len(told), 1)
        self.assertIn(follow_up.code, told.subject)
        self.assertIn(ticket.code, told.body_html)
        self.assertEqual(self.recipients(told), {"carla@customer.example.com"})

    @mute_logger("odoo.addons.support_ticket.models.support_ticket")
    def test_auto_submitted_new_email_no_acknowledgement(self):
        for headers in (
            {"Auto-Submitted": "auto-generated"},
            {"X-Auto-Response-Suppress": "All"},
            {"Precedence": "bulk"},
        ):
            mail_id = self.last_mail_id()
            ticket = self.process(
                self.build_email(headers=headers, subject=str(headers))
            )
            self.assertTrue(
                ticket, "an automatic email is kept as a ticket, not dropped"
            )
            self.assertTrue(ticket.is_auto_submitted)
            self.assertFalse(
                self.mails_of(ticket, mail_id), "no acknowledgement, no loop"
            )

    def test_auto_reply_to_ticket_is_only_logged(self):
        ticket = self._open_ticket()
        ticket.stage_id = self.stage_closed
        ack_id = self.last_message_id(ticket)
        mail_id = self.last_mail_id()
        out_of_office = self.build_email(
            subject="Automatic reply: I am on holiday",
            text="I am out of the office until Monday.",
            in_reply_to=ack_id,
            headers={
                "Auto-Submitted": "auto-replied",
                "X-Auto-Response-Suppress": "All",
            },
        )
        self.assertEqual(self.process(out_of_office), ticket)
        self.assertEqual(ticket.stage_id, self.stage_closed, "not reopened")
        self.assertFalse(ticket.reply_ids)
        logged = ticket.message_ids.filtered("support_auto_submitted")
        self.assertEqual(len(logged), 1, "kept in the chatter")
        self.assertFalse(logged.notification_ids)
        self.assertFalse(self.env["mail.mail"].search([("id", ">", mail_id)]))

    def test_two_helpdesks_do_not_loop(self):
        """Another helpdesk acknowledges our acknowledgement: its answer
        carries our code and Auto-Submitted, so it neither opens a ticket nor
        gets an answer."""
        ticket = self._open_ticket(email_from="helpdesk@other-company.example.com")
        ack = self.mails_of(ticket).filtered(lambda m: "We received" in m.subject)
        self.assertEqual(len(ack), 1)
        self.assertIn("auto-generated", ack.headers)
        count = self.env["support.ticket"].search_count([])
        mail_id = self.last_mail_id()
        their_ack = self.build_email(
            email_from="helpdesk@other-company.example.com",
            subject=f"[OTHER-77] Re: [{ticket.code}] received",
            headers={"Auto-Submitted": "auto-replied"},
        )
        self.process(their_ack)
        self.assertEqual(self.env["support.ticket"].search_count([]), count)
        self.assertFalse(self.env["mail.mail"].search([("id", ">", mail_id)]))

    def test_robust_real_world_emails(self):
        # HTML only, non UTF-8 charset, no subject
        raw = (
            "From: =?iso-8859-1?q?Jos=E9_Mu=F1oz?= <jose@customer.example.com>\r\n"
            "To: tech@support.example.com\r\n"
            "Message-ID: <latin1-1@customer.example.com>\r\n"
            "MIME-Version: 1.0\r\n"
            'Content-Type: text/html; charset="iso-8859-1"\r\n'
            "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
            "<html><body><p>La impresora est=E1 rota, se=F1or.</p></body></html>\r\n"
        ).encode("ascii")
        ticket = self.process(raw)
        self.assertEqual(ticket.name, "No subject")
        self.assertIn("está rota, señor", ticket.description)
        self.assertEqual(ticket.partner_id.name, "José Muñoz")
        # no From header at all: kept, without customer
        raw = (
            "To: tech@support.example.com\r\nSubject: anonymous\r\n"
            "Message-ID: <nofrom-1@customer.example.com>\r\n\r\nWho am I?\r\n"
        )
        ticket = self.process(raw)
        self.assertEqual(ticket.name, "anonymous")
        self.assertFalse(ticket.partner_id)
        # Odoo's own samples: multipart with an inline image, empty body
        ticket = self.process(
            SAMPLES.MAIL_MULTIPART_IMAGE.replace(
                "micheline@example.com", "tech@support.example.com"
            )
        )
        self.assertTrue(ticket.attachment_ids)
        ticket = self.process(
            SAMPLES.MAIL_NO_BODY.format(
                email_from="fred@customer.example.com",
                email_to="tech@support.example.com",
            )
        )
        self.assertEqual(ticket.name, "transport autorisation 19T")
        ticket = self.process(
            SAMPLES.MAIL_TEMPLATE.format(
                return_path="sylvie@customer.example.com",
                to="tech@support.example.com",
                cc="",
                email_from="Sylvie <sylvie@customer.example.com>",
                subject="Call me",
                date="Fri, 10 Aug 2012 14:16:26 +0000",
                msg_id="<sample-1@customer.example.com>",
                extra="",
            )
        )
        self.assertIn("Please call me", ticket.description)

    def test_quoted_history_hidden_in_conversation(self):
        ticket = self._open_ticket()
        gmail = (
            '<div dir="ltr">The new error is E-14.</div><br>'
            '<div class="gmail_quote">'
            '<div dir="ltr" class="gmail_attr">On Mon, Support wrote:</div>'
            "<blockquote>We are on it, the whole old thread</blockquote></div>"
        )
        outlook = (
            "<div>Fixed, thank you.</div>"
            '<hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg">'
            "<b>From:</b> Support<br><b>Sent:</b> Monday</div>"
            "<div>Old outlook history</div>"
        )
        for html in (gmail, outlook):
            self.process(
                self.build_email(
                    subject=f"Re: [{ticket.code}]", text="plain", html=html
                )
            )
        first, second = ticket.reply_ids.sorted("id")
        self.assertIn("old thread", first.body, "the history is kept")
        bodies = [m["body"] for m in ticket.get_conversation()["messages"][1:]]
        self.assertIn("E-14", bodies[0])
        self.assertNotIn("old thread", bodies[0])
        self.assertIn("Fixed, thank you", bodies[1])
        self.assertNotIn("Old outlook history", bodies[1])

    @mute_logger(
        "odoo.addons.mail.models.mail_thread", "odoo.addons.mail.models.mail_mail"
    )
    def test_bounce_marks_the_message_in_error(self):
        ticket = self._open_ticket()
        ack = self.mails_of(ticket).filtered(lambda m: "We received" in m.subject)
        notification = ack.mail_message_id.notification_ids.filtered("res_partner_id")
        bounce = SAMPLES.MAIL_BOUNCE.format(
            to="bounce@support.example.com",
            subject="Undelivered Mail Returned to Sender",
            email_from=ticket.partner_id.email_formatted,
            extra=ack.message_id,
        )
        self.process(bounce)
        self.assertEqual(notification.notification_status, "bounce")
        log = self.env["support.message.log"].search(
            [("notification_id", "=", notification.id)]
        )
        self.assertEqual(log.state, "error")

    def test_display_name_in_tickets(self):
        self.user_agent.support_display_name = "Acme Support"
        ticket = self._open_ticket()
        ticket.with_user(self.user_agent).post_reply("We are on it")
        messages = ticket.get_conversation()["messages"]
        self.assertEqual(messages[-1]["author"], "Acme Support")
        mail = self.mails_of(ticket).filtered(
            lambda m: "New reply" in (m.subject or "")
        )
        self.assertIn("Acme Support", mail.email_from)
        self.assertIn("Acme Support", mail.body_html)
        # a user may set it from their own preferences
        self.user_agent2.with_user(self.user_agent2).write(
            {"support_display_name": "Bob"}
        )
        self.assertEqual(self.user_agent2.support_display_name, "Bob")

    def test_reply_body_markup_safe(self):
        ticket = self._open_ticket()
        reply = ticket._add_reply(Markup("<p>ok</p><img src=x onerror=alert(1)>"))
        self.assertNotIn("onerror", reply.body)
