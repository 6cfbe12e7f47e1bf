from datetime import date, datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged, users

from .quote_common import SupportQuoteCommon


@tagged("post_install", "-at_install")
class TestSupportQuote(SupportQuoteCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls._create_paid_ticket(name="Install a second server")

    def _mails_to(self, partner, model="sale.order"):
        return (
            self.env["mail.mail"]
            .sudo()
            .search(
                [("recipient_ids", "in", partner.ids), ("model", "=", model)],
                order="id",
            )
        )

    # ------------------------------------------------------------------
    # the quote
    # ------------------------------------------------------------------

    @users("st_agent")
    def test_quote_sends_a_real_sale_order(self):
        ticket = self.ticket.with_env(self.env)
        self.assertEqual(ticket.quote_state, "pending")
        self.assertFalse(ticket.is_free)
        action = ticket.action_quote()
        with Form(
            self.env["support.ticket.quote"].with_context(**action["context"])
        ) as form:
            # proposed from the category
            self.assertEqual(form.price, 120.0)
            self.assertEqual(form.currency_id, self.currency)
            self.assertEqual(form.product_id, self.product)
            self.assertEqual(form.lead_days, 5)
            form.hours = 2.5
            self.assertEqual(form.hourly_rate, 48.0)
            self.assertEqual(form.amount_untaxed, 120.0)
            form.lead_days = 3
        mails_before = self._mails_to(self.dora)
        ticket_mails_before = self._mails_to(self.dora, "support.ticket")
        form.record.action_send()

        # the team quotes without sales rights: read the order as superuser
        order = ticket.sale_order_id.sudo()
        self.assertTrue(order)
        self.assertEqual(ticket.sudo().sale_order_ids, order)
        self.assertEqual(order.support_ticket_id, ticket)
        self.assertEqual(order.partner_id, self.dora)
        self.assertEqual(order.user_id, self.user_agent)
        self.assertEqual(order.origin, ticket.code)
        self.assertEqual(order.support_lead_days, 3)
        # marked sent by Odoo's own quotation email
        self.assertEqual(order.state, "sent")
        line = order.order_line
        self.assertEqual(line.product_id, self.product)
        self.assertEqual(line.product_uom_qty, 2.5)
        self.assertEqual(line.product_uom_id, self.env.ref("uom.product_uom_hour"))
        self.assertEqual(line.price_unit, 48.0)
        self.assertIn(ticket.code, line.name)
        self.assertEqual(order.amount_untaxed, 120.0)
        # the ticket follows, from the order
        self.assertEqual(ticket.quote_state, "quoted")
        self.assertEqual(ticket.payment_state, "not_paid")
        self.assertEqual(ticket.quote_amount_untaxed, 120.0)
        self.assertEqual(ticket.quote_currency_id, order.currency_id)
        self.assertEqual(ticket.quote_lead_days, 3)
        self.assertEqual(ticket.sale_order_state, "sent")
        self.assertTrue(ticket.delivery_date)

        message = order.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(len(message), 1)
        self.assertIn(order.name, message.subject)
        self.assertIn("here is our quote", message.body)
        self.assertIn("is ready for review", message.body)  # the template's body
        self.assertEqual(message.author_id, self.user_agent.partner_id)
        self.assertIn(order.name, message.attachment_ids.name)
        new_mails = self._mails_to(self.dora) - mails_before
        self.assertEqual(len(new_mails), 1, "one email: the quotation")
        self.assertEqual(new_mails.mail_message_id, message)
        self.assertEqual(
            self._mails_to(self.dora, "support.ticket"),
            ticket_mails_before,
            "the message of the quote is not emailed a second time",
        )

        # the message is in the conversation, public
        reply = ticket.reply_ids
        self.assertEqual(len(reply), 1)
        self.assertFalse(reply.is_internal)
        self.assertIn("here is our quote", reply.body)

    def test_quote_in_another_currency(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        wizard = self._quote_wizard(self.ticket, currency_id=eur.id)
        with self.assertRefused(UserError, "no pricelist in EUR"):
            wizard.action_send()
        self.assertFalse(self.ticket.sale_order_ids)
        self.env["product.pricelist"].create({"name": "Euros", "currency_id": eur.id})
        wizard = self._quote_wizard(self.ticket, currency_id=eur.id, price=100.0)
        wizard.action_send()
        self.assertEqual(self.ticket.sale_order_id.currency_id, eur)
        self.assertEqual(self.ticket.quote_currency_id, eur)
        self.assertEqual(self.ticket.quote_amount_untaxed, 100.0)

    def test_quote_refusals(self):
        ticket = self.ticket
        cases = [
            ({"price": 0.0}, "price above zero"),
            ({"price": -10.0}, "price above zero"),
            ({"hours": 0.0}, "estimated hours"),
            ({"lead_days": -1}, "cannot be negative"),
        ]
        for values, message in cases:
            with (
                self.subTest(values=values),
                self.assertRefused(UserError, message),
            ):
                self._quote_wizard(ticket, **values).action_send()
        no_customer = self._create_paid_ticket(partner_id=False)
        with self.assertRefused(UserError, "has no customer"):
            self._quote_wizard(no_customer).action_send()
        locked = self._create_paid_ticket(stage_id=self.stage_resolved.id)
        with self.assertRefused(UserError, "reopen it to quote"):
            self._quote_wizard(locked).action_send()
        service = self.product.copy({"type": "consu"})
        with self.assertRefused(UserError, "must be a service"):
            self._quote_wizard(ticket, product_id=service.id).action_send()
        self.assertFalse(ticket.sale_order_ids, "nothing half-created")
        self.assertFalse(ticket.reply_ids)
        # once approved, no new quote
        self._send_quote(ticket).action_confirm()
        with self.assertRefused(UserError, "already approved"):
            self._quote_wizard(ticket).action_send()
        self.assertEqual(len(ticket.sale_order_ids), 1)

    def test_quote_needs_write_access(self):
        # not in the area of the ticket
        with self.assertRaises(AccessError):
            self._quote_wizard(self.ticket, user=self.user_agent2).action_send()
        self.assertFalse(self.ticket.sale_order_ids)

    def test_new_quote_replaces_the_waiting_one(self):
        first = self._send_quote(self.ticket)
        wizard = self._quote_wizard(self.ticket, price=90.0)
        self.assertEqual(wizard.open_order_names, first.name)
        wizard.action_send()
        second = self.ticket.sale_order_id
        self.assertNotEqual(first, second)
        self.assertEqual(first.state, "cancel")
        self.assertEqual(self.ticket.quote_amount_untaxed, 90.0)
        self.assertEqual(self.ticket.sale_order_ids, first | second)

    def test_cancelled_order_returns_to_pending(self):
        order = self._send_quote(self.ticket)
        self.assertEqual(self.ticket.quote_state, "quoted")
        order._action_cancel()
        self.assertEqual(self.ticket.quote_state, "pending")
        self.assertFalse(self.ticket.sale_order_id)
        self.assertFalse(self.ticket.quote_amount_untaxed)
        self.assertFalse(self.ticket.delivery_date)
        # an approved order cancelled too
        order.action_draft()
        order.action_confirm()
        self.assertEqual(self.ticket.quote_state, "approved")
        order._action_cancel()
        self.assertEqual(self.ticket.quote_state, "pending")

    def test_quote_states_are_stored_for_lists(self):
        order = self._send_quote(self.ticket)
        Ticket = self.env["support.ticket"]
        self.assertIn(self.ticket, Ticket.search([("quote_state", "=", "quoted")]))
        order.action_confirm()
        self.assertIn(self.ticket, Ticket.search([("quote_state", "=", "approved")]))
        groups = dict(
            Ticket._read_group(
                [("id", "=", self.ticket.id)], ["payment_state"], ["__count"]
            )
        )
        self.assertEqual(groups, {"not_paid": 1})

    # ------------------------------------------------------------------
    # approval before work
    # ------------------------------------------------------------------

    def test_in_progress_refused_until_approved(self):
        ticket = self.ticket
        with self.assertRefused(
            UserError,
            r"cannot enter the state “In progress”: the ticket must be approved or "
            r"free\. The category On-site intervention costs .*120\.00 and no "
            r"running contract covers the ticket\. No quote was sent yet",
        ):
            ticket.stage_id = self.stage_progress
        self.assertEqual(ticket.stage_id, self.stage_open)
        order = self._send_quote(ticket)
        with self.assertRefused(
            UserError, f"Its quote {order.name} waits for the customer's approval"
        ):
            ticket.stage_id = self.stage_progress
        # through the state wizard too
        wizard = self.env["support.ticket.stage.change"].create(
            {"ticket_id": ticket.id, "stage_id": self.stage_progress.id}
        )
        with self.assertRefused(UserError, "must be approved or free"):
            wizard.action_apply()
        # other states are free to enter
        ticket.stage_id = self.stage_pending
        # confirmed by the team
        order.action_confirm()
        self.assertEqual(ticket.quote_state, "approved")
        ticket.stage_id = self.stage_progress
        self.assertEqual(ticket.stage_id, self.stage_progress)

    def test_created_in_a_state_requiring_approval(self):
        with self.assertRefused(UserError, "must be approved or free"):
            self._create_paid_ticket(stage_id=self.stage_progress.id)
        free = self._create_paid_ticket(
            stage_id=self.stage_progress.id, category_id=self.category_free.id
        )
        self.assertEqual(free.stage_id, self.stage_progress)

    def test_approval_flag_on_the_state(self):
        # on by default for In progress only
        stages = self.env["support.stage"].search([("requires_approval", "=", True)])
        self.assertEqual(stages, self.stage_progress)
        self.stage_progress.requires_approval = False
        self.ticket.stage_id = self.stage_progress
        self.assertEqual(self.ticket.stage_id, self.stage_progress)
        self.stage_pending.requires_approval = True
        with self.assertRefused(UserError, "cannot enter the state “Pending”"):
            self.ticket.stage_id = self.stage_pending

    def test_category_change_and_state_in_one_write(self):
        # the values written with the state count
        self.ticket.write(
            {"stage_id": self.stage_progress.id, "category_id": self.category_free.id}
        )
        self.assertEqual(self.ticket.stage_id, self.stage_progress)

    # ------------------------------------------------------------------
    # a server without wkhtmltopdf
    # ------------------------------------------------------------------

    def test_sent_without_pdf_when_wkhtmltopdf_is_missing(self):
        Report = self.env.registry["ir.actions.report"]
        with patch.object(Report, "get_wkhtmltopdf_state", return_value="install"):
            # render the PDF as a real server does, not the HTML of test mode
            self._quote_wizard(self.ticket).with_context(
                force_report_rendering=True
            ).action_send()
        order = self.ticket.sale_order_id
        self.assertEqual(order.state, "sent")
        message = order.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(len(message), 1)
        self.assertFalse(message.attachment_ids)
        self.assertEqual(len(self._mails_to(self.dora)), 1)
        note = self.ticket.reply_ids.filtered("is_internal")
        self.assertEqual(len(note), 1)
        self.assertIn(f"Quotation {order.name} was emailed without its PDF", note.body)
        self.assertIn("Unable to find Wkhtmltopdf", note.body)
        # the customer sees the message, not the note
        self.assertEqual(
            len(self.ticket.reply_ids.filtered(lambda r: not r.is_internal)), 1
        )

    def test_no_note_when_the_pdf_is_attached(self):
        order = self._send_quote(self.ticket)
        message = order.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertTrue(message.attachment_ids)
        self.assertFalse(self.ticket.reply_ids.filtered("is_internal"))

    # ------------------------------------------------------------------
    # delivery estimate
    # ------------------------------------------------------------------

    def test_delivery_across_a_weekend_and_a_public_holiday(self):
        calendar = self._working_week()
        self.team_tech.resource_calendar_id = calendar
        # Thursday 12 June 2025, unpaid: counted from today
        with freeze_time("2025-06-12 10:00:00"):
            order = self._send_quote(self.ticket, lead_days=3)
            self.assertEqual(self.ticket.quote_lead_days, 3)
            # Friday 13, Monday 16, Tuesday 17
            self.assertEqual(self.ticket.delivery_date, date(2025, 6, 17))
            self.env["resource.calendar.leaves"].create(
                {
                    "name": "Public holiday",
                    "calendar_id": False,
                    "date_from": datetime(2025, 6, 15, 22, 0),  # Monday, Madrid
                    "date_to": datetime(2025, 6, 16, 21, 59, 59),
                }
            )
            self.ticket.invalidate_recordset(["delivery_date"])
            # Friday 13, Tuesday 17, Wednesday 18
            self.assertEqual(self.ticket.delivery_date, date(2025, 6, 18))
            order.support_lead_days = 0
            self.assertEqual(self.ticket.delivery_date, date(2025, 6, 12))
        # from the payment date once paid
        self.assertEqual(
            self.ticket._add_working_days(date(2025, 6, 13), 1), date(2025, 6, 17)
        )
        self.assertEqual(
            self.ticket._add_working_days(date(2025, 6, 9), 2), date(2025, 6, 11)
        )

    def test_delivery_with_the_company_calendar(self):
        self.team_tech.resource_calendar_id = False
        calendar = self.env.company.resource_calendar_id
        self.assertTrue(calendar)
        # Friday: the company's calendar works Monday to Friday
        with freeze_time("2025-06-13 10:00:00"):
            self._send_quote(self.ticket, lead_days=1)
            self.assertEqual(self.ticket.delivery_date, date(2025, 6, 16))
