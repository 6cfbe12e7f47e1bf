import os
import re
import threading

import psycopg2.errors

from odoo import sql_db
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import Form, tagged, users
from odoo.tools import mute_logger

from .common import SupportTicketCommon


@tagged("post_install", "-at_install")
class TestSupportTicket(SupportTicketCommon):
    # ------------------------------------------------------------------
    # creation
    # ------------------------------------------------------------------

    @users("st_agent")
    def test_create_defaults(self):
        with Form(self.env["support.ticket"]) as form:
            form.name = "Cannot print invoices"
            form.partner_id = self.customer
        ticket = form.record
        self.assertRegex(ticket.code, r"^TKT-\d{5}$")
        self.assertEqual(ticket.stage_id, self.stage_open)
        self.assertEqual(ticket.priority_id, self.priority_normal)
        self.assertEqual(ticket.category_id, self.category_support)
        # the default category brings its area
        self.assertEqual(ticket.team_id, self.team_helpdesk)
        self.assertEqual(ticket.create_uid, self.user_agent)
        self.assertEqual(ticket.origin, "manual")
        self.assertTrue(ticket.create_date)
        self.assertFalse(ticket.closed_date)
        self.assertFalse(ticket.is_locked)
        self.assertEqual(ticket.display_name, f"{ticket.code} Cannot print invoices")

    def test_subject_required(self):
        form = Form(self.env["support.ticket"])
        with self.assertRaisesRegex(AssertionError, "name"):
            form.save()
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.IntegrityError),
            self.cr.savepoint(),
        ):
            self.env["support.ticket"].create({"name": False})

    def test_code_sequence_and_uniqueness_in_batch(self):
        first = self._create_ticket()
        batch = self.env["support.ticket"].create(
            [{"name": f"Batch {i}"} for i in range(50)]
        )
        codes = batch.mapped("code")
        self.assertEqual(len(set(codes)), 50)
        self.assertTrue(all(re.fullmatch(r"TKT-\d{5}", code) for code in codes))
        numbers = [int(code[4:]) for code in codes]
        first_number = int(first.code[4:])
        self.assertEqual(numbers, list(range(first_number + 1, first_number + 51)))
        with self.assertRaisesRegex(UserError, "code"):
            batch[0].with_user(self.user_manager).code = "TKT-99999"

    def test_cc_contacts_of_tickets_created_together(self):
        """Created in one call, each ticket links the contacts of its own CC
        (an unknown address links none), and loses them with its CC."""
        known = self.env["res.partner"].create(
            [
                {"name": "Dora", "email": "dora@cc.example.com"},
                {"name": "Emil", "email": "emil@cc.example.com"},
            ]
        )
        tickets = self.env["support.ticket"].create(
            [
                {"name": "Known", "email_cc": "Dora <dora@cc.example.com>"},
                {"name": "None"},
                {"name": "Unknown", "email_cc": "nobody@cc.example.com"},
                {
                    "name": "Both",
                    "email_cc": "emil@cc.example.com, dora@cc.example.com",
                },
                {"name": "None either"},
            ]
        )
        nobody = self.env["res.partner"]
        self.assertEqual(
            [ticket.cc_partner_ids for ticket in tickets],
            [known[0], nobody, nobody, known, nobody],
        )
        (tickets[0] | tickets[3]).email_cc = False
        self.assertEqual([ticket.cc_partner_ids for ticket in tickets], [nobody] * 5)

    def test_code_unique_constraint(self):
        ticket = self._create_ticket()
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.IntegrityError),
            self.cr.savepoint(),
        ):
            self.env["support.ticket"].create(
                {"name": "Same code", "code": ticket.code}
            )

    def test_codes_unique_under_concurrent_creation(self):
        """Two transactions drawing codes at the same time never get the same
        number: codes come from a PostgreSQL sequence, which is not
        transactional. Each thread has its own connection and transaction,
        both kept open until both have drawn."""
        sequence = self.env.ref("support_ticket.seq_support_ticket")
        self.assertEqual(sequence.implementation, "standard")
        Ticket = self.env.registry["support.ticket"]
        results = {}
        errors = []
        barrier = threading.Barrier(2)

        def draw(key):
            try:
                with sql_db.db_connect(self.env.cr.dbname).cursor() as cr:
                    barrier.wait(timeout=10)
                    results[key] = Ticket._draw_sequence_numbers(cr, sequence.id, 50)
                    barrier.wait(timeout=10)  # both transactions still open
                    cr.rollback()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)

        threads = [threading.Thread(target=draw, args=(key,)) for key in "ab"]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        self.assertFalse(errors)
        self.assertEqual(len(results["a"]), 50)
        self.assertEqual(len(set(results["a"]) | set(results["b"])), 100)
        # and the test transaction draws after both
        code = self._create_ticket().code
        self.assertGreater(int(code[4:]), max(results["a"] + results["b"]))

    def test_display_name_search_by_code(self):
        ticket = self._create_ticket(name="Router blinking")
        found = self.env["support.ticket"].name_search(ticket.code)
        self.assertEqual([r[0] for r in found], [ticket.id])
        found = self.env["support.ticket"].name_search("Router blink")
        self.assertIn(ticket.id, [r[0] for r in found])

    # ------------------------------------------------------------------
    # category proposals
    # ------------------------------------------------------------------

    @users("st_manager")
    def test_category_proposes_area_and_technician(self):
        category = self.env["support.category"].create(
            {
                "name": "Network",
                "team_id": self.team_tech.id,
                "user_id": self.user_agent.id,
            }
        )
        with Form(self.env["support.ticket"]) as form:
            form.name = "No connection"
            self.assertEqual(form.team_id, self.team_helpdesk)
            self.assertFalse(form.user_id)
            form.category_id = category
            self.assertEqual(form.team_id, self.team_tech)
            self.assertEqual(form.user_id, self.user_agent)
        # an assignee chosen by hand is kept
        with Form(self.env["support.ticket"]) as form:
            form.name = "No connection either"
            form.user_id = self.user_agent2
            form.category_id = category
            self.assertEqual(form.team_id, self.team_tech)
            self.assertEqual(form.user_id, self.user_agent2)
        # same through create
        ticket = self.env["support.ticket"].create(
            {"name": "By code", "category_id": category.id}
        )
        self.assertEqual(ticket.team_id, self.team_tech)
        self.assertEqual(ticket.user_id, self.user_agent)
        self.assertTrue(ticket.assigned_date)

    # ------------------------------------------------------------------
    # life cycle
    # ------------------------------------------------------------------

    def test_close_records_date_and_reopen_clears_it(self):
        ticket = self._create_ticket()
        ticket.stage_id = self.stage_progress
        self.assertFalse(ticket.closed_date)
        self.assertFalse(ticket.is_locked)
        ticket.stage_id = self.stage_resolved
        self.assertTrue(ticket.is_locked)
        self.assertFalse(ticket.closed_date, "resolving does not close")
        ticket.stage_id = self.stage_closed
        self.assertTrue(ticket.is_locked)
        self.assertTrue(ticket.closed_date)
        ticket.action_reopen()
        self.assertEqual(ticket.stage_id, self.stage_open)
        self.assertFalse(ticket.closed_date)
        self.assertFalse(ticket.is_locked)

    def test_reopen_without_open_default(self):
        """When the default state locks, reopening picks the first open one."""
        self.stage_closed.is_default = True
        ticket = self._create_ticket()
        self.assertEqual(ticket.stage_id, self.stage_closed)
        ticket.action_reopen()
        self.assertEqual(ticket.stage_id, self.stage_open)

    def test_stage_change_wizard_records_note(self):
        ticket = self._create_ticket(partner_id=self.customer.id)
        wizard = (
            self.env["support.ticket.stage.change"]
            .with_user(self.user_manager)
            .create(
                {
                    "ticket_id": ticket.id,
                    "stage_id": self.stage_pending.id,
                    "note": "<p>Waiting for the logs</p>",
                }
            )
        )
        wizard.action_apply()
        self.assertEqual(ticket.stage_id, self.stage_pending)
        self.assertEqual(len(ticket.reply_ids), 1)
        self.assertIn("Waiting for the logs", ticket.reply_ids.body)
        self.assertTrue(ticket.reply_ids.is_internal)
        self.assertEqual(ticket.reply_ids.author_id, self.user_manager.partner_id)
        # a note given when resolving is recorded before the conversation locks
        with Form(
            self.env["support.ticket.stage.change"].with_context(
                default_ticket_id=ticket.id
            )
        ) as form:
            form.stage_id = self.stage_resolved
            self.assertFalse(form.is_internal, "a resolution note is public by default")
            form.note = "<p>Replaced the toner</p>"
        form.record.action_apply()
        self.assertEqual(ticket.stage_id, self.stage_resolved)
        self.assertEqual(len(ticket.reply_ids), 2)
        last = ticket.reply_ids.sorted("id")[-1]
        self.assertIn("Replaced the toner", last.body)
        self.assertFalse(last.is_internal)
        # without a note, nothing is added
        self.env["support.ticket.stage.change"].create(
            {"ticket_id": ticket.id, "stage_id": self.stage_progress.id}
        ).action_apply()
        self.assertEqual(ticket.stage_id, self.stage_progress)
        self.assertEqual(len(ticket.reply_ids), 2)

    def test_state_change_tracked(self):
        ticket = self._create_ticket()
        # changes made in the transaction that creates a record are not tracked
        self.env.cr.precommit.run()
        ticket.stage_id = self.stage_progress
        self.env.cr.precommit.run()  # tracking is written before the commit
        tracked = ticket.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "stage_id"
        )
        self.assertEqual(tracked.old_value_char, "Open")
        self.assertEqual(tracked.new_value_char, "In progress")
        self.assertEqual(
            ticket.message_ids.filtered("tracking_value_ids").subtype_id,
            self.env.ref("support_ticket.mt_ticket_stage"),
        )

    def test_assignee_notified(self):
        ticket = self._create_ticket(user=self.user_manager, team_id=self.team_tech.id)
        ticket.with_user(self.user_manager).user_id = self.user_agent
        self.assertTrue(ticket.assigned_date)

        def assigned_notices():
            return self.env["mail.message"].search(
                [
                    ("model", "=", "support.ticket"),
                    ("res_id", "=", ticket.id),
                    ("subject", "ilike", "assigned to you"),
                ]
            )

        notification = assigned_notices()
        self.assertEqual(len(notification), 1)
        self.assertEqual(notification.message_type, "user_notification")
        self.assertEqual(notification.partner_ids, self.user_agent.partner_id)
        self.assertEqual(
            notification.notification_ids.res_partner_id, self.user_agent.partner_id
        )
        self.assertIn(ticket.code, notification.subject)
        self.assertIn(self.user_agent.partner_id, ticket.message_partner_ids)
        # assigning oneself notifies nobody; unassigning clears the date
        ticket.user_id = False
        self.assertFalse(ticket.assigned_date)
        ticket.with_user(self.user_agent).user_id = self.user_agent
        self.assertEqual(len(assigned_notices()), 1)

    # ------------------------------------------------------------------
    # delete
    # ------------------------------------------------------------------

    def test_delete_removes_replies_and_files(self):
        ticket = self._create_ticket(team_id=self.team_tech.id)
        main = self.env["ir.attachment"].create(
            {
                "name": "main.txt",
                "raw": b"main " + os.urandom(16),
                "res_model": "support.ticket",
                "res_id": ticket.id,
            }
        )
        ticket.attachment_ids = [Command.link(main.id)]
        reply = ticket._add_reply(
            "with a file", attachments=[("reply.txt", b"reply " + os.urandom(16))]
        )
        attachments = main | reply.attachment_ids
        self.assertEqual(len(attachments), 2)
        Attachment = self.env["ir.attachment"]
        paths = [Attachment._full_path(a.store_fname) for a in attachments]
        self.assertTrue(all(os.path.exists(p) for p in paths))

        action = ticket.with_user(self.user_admin).action_delete()
        self.assertEqual(action["res_model"], "support.ticket")
        self.assertFalse(ticket.exists())
        self.assertFalse(reply.exists())
        self.assertFalse(attachments.exists())
        self.env.flush_all()
        # the files go with the next garbage collection of the file store
        Attachment._gc_file_store_unsafe()
        self.assertFalse(any(os.path.exists(p) for p in paths))

    def test_delete_reserved_to_administrators(self):
        ticket = self._create_ticket(team_id=self.team_tech.id)
        with self.assertRaisesRegex(UserError, "administrators"):
            ticket.with_user(self.user_manager).action_delete()
        self.assertTrue(ticket.exists())

    # ------------------------------------------------------------------
    # customers
    # ------------------------------------------------------------------

    def test_partner_ticket_count_and_action(self):
        self._create_ticket(partner_id=self.customer.id)
        self._create_ticket(partner_id=self.customer_company.id)
        self._create_ticket()
        partners = (self.customer | self.customer_company).with_user(self.user_manager)
        self.assertEqual(partners[0].support_ticket_count, 1)
        self.assertEqual(partners[1].support_ticket_count, 2)
        action = self.customer_company.with_user(
            self.user_manager
        ).action_view_support_tickets()
        self.assertEqual(self.env["support.ticket"].search_count(action["domain"]), 2)
