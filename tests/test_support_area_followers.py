from odoo.tests import tagged

from .mail_common import SupportMailCommon


@tagged("post_install", "-at_install")
class TestSupportAreaFollowers(SupportMailCommon):
    """Following an area: its followers follow its new tickets and hear of
    them ("Ticket opened"), notified by Odoo's scheduled-message job."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.subtype_new = cls.env.ref("support_ticket.mt_ticket_new")
        cls.subtype_stage = cls.env.ref("support_ticket.mt_ticket_stage")
        cls.user_manager.notification_type = "email"
        cls.user_admin.notification_type = "inbox"
        cls.team_tech.message_subscribe(cls.user_manager.partner_id.ids)
        # the default area, for the tickets created without one
        cls.team_helpdesk.message_subscribe(cls.user_admin.partner_id.ids)

    def _create(self, user, *vals_list):
        tickets = (
            self.env["support.ticket"]
            .with_user(user)
            .create(
                [
                    {"name": f"Ticket {i}", "partner_id": self.customer.id, **vals}
                    for i, vals in enumerate(vals_list)
                ]
            )
        )
        self.env.flush_all()
        return tickets

    def _opened(self, ticket):
        return ticket.message_ids.filtered(lambda m: m.subtype_id == self.subtype_new)

    def _notified(self, ticket):
        """The partners notified of the ticket's "Ticket opened" message."""
        return (
            self.env["mail.notification"]
            .search([("mail_message_id", "in", self._opened(ticket).ids)])
            .res_partner_id
        )

    def _send_scheduled(self):
        self.env["mail.message.schedule"].sudo()._send_notifications_cron()
        self.env.flush_all()

    def test_followers_of_an_area_hear_of_its_new_tickets(self):
        self.assertIn(
            self.env.ref("support_ticket.mt_team_ticket_new"),
            self.team_tech.message_follower_ids.subtype_ids,
            "following an area includes its new tickets by default",
        )
        tech, default, billing = self._create(
            self.user_agent,
            {"team_id": self.team_tech.id},
            {},
            {"team_id": self.team_billing.id},
        )
        self.assertEqual(default.team_id, self.team_helpdesk)
        manager, admin = self.user_manager.partner_id, self.user_admin.partner_id
        follower = tech.message_follower_ids.filtered(lambda f: f.partner_id == manager)
        # new tickets (and discussions, as Odoo propagates them); state
        # changes only for who asks for them on the area
        self.assertIn(self.subtype_new, follower.subtype_ids)
        self.assertNotIn(self.subtype_stage, follower.subtype_ids)
        # the area chosen by default brings its followers too
        self.assertIn(admin, default.message_partner_ids)
        self.assertFalse((manager | admin) & billing.message_partner_ids)

        # each ticket has its message at once; the notices wait for the job
        for ticket in tech | default | billing:
            self.assertEqual(len(self._opened(ticket)), 1)
        schedules = self.env["mail.message.schedule"].search(
            [("mail_message_id", "in", (tech | default | billing).message_ids.ids)]
        )
        self.assertEqual(
            schedules.mail_message_id, self._opened(tech) | self._opened(default)
        )
        self.assertFalse(self._notified(tech) | self._notified(default))
        mail_id = self.last_mail_id()

        self._send_scheduled()
        self.assertFalse(schedules.exists())
        self.assertEqual(self._notified(tech), manager)
        self.assertEqual(self._notified(default), admin)
        self.assertFalse(self._notified(billing))
        # by email for the manager, with the ticket's reply address (its
        # area's alias), as message_post sends it; in Odoo for the admin
        notice = self.mails_of(tech, mail_id)
        self.assertEqual(notice.recipient_ids, manager)
        self.assertEqual(notice.reply_to, tech._notify_get_reply_to()[tech.id])
        self.assertIn("tech@support.example.com", notice.reply_to)
        self.assertIn(tech._creation_message(), notice.body_html)
        self.assertIn(tech.code, notice.body_html)
        self.assertFalse(self.mails_of(default, mail_id).recipient_ids & admin)
        inbox = self.env["mail.notification"].search(
            [
                ("mail_message_id", "=", self._opened(default).id),
                ("res_partner_id", "=", admin.id),
            ]
        )
        self.assertEqual(inbox.notification_type, "inbox")
        # sent once: the job finds nothing left
        self._send_scheduled()
        self.assertEqual(len(self.mails_of(tech, mail_id)), 1)

    def test_the_author_is_not_told_of_their_own_ticket(self):
        ticket = self._create(self.user_manager, {"team_id": self.team_tech.id})
        self.assertIn(self.user_manager.partner_id, ticket.message_partner_ids)
        self.assertFalse(
            self.env["mail.message.schedule"].search(
                [("mail_message_id", "in", ticket.message_ids.ids)]
            )
        )
        self._send_scheduled()
        self.assertFalse(self._notified(ticket))

    def test_an_unfollowed_ticket_stays_unfollowed(self):
        """Leaving a ticket of a followed area holds when the ticket changes
        afterwards; moving it to another area brings that area's followers."""
        manager, admin = self.user_manager.partner_id, self.user_admin.partner_id
        ticket = self._create(self.user_agent, {"team_id": self.team_tech.id})
        ticket.message_unsubscribe(manager.ids)
        ticket.with_user(self.user_agent).write(
            {"priority_id": self.priority_urgent.id, "stage_id": self.stage_progress.id}
        )
        self.assertNotIn(manager, ticket.message_partner_ids)
        ticket.write({"team_id": self.team_helpdesk.id})
        self.assertIn(admin, ticket.message_partner_ids)
        self.assertNotIn(manager, ticket.message_partner_ids)

    def test_a_user_follows_an_area_from_its_form(self):
        """A support user follows an area themselves (the area's *Follow*
        button), and hears of the tickets others open in it."""
        team = self.team_tech.with_user(self.user_agent)
        team.message_subscribe(self.user_agent.partner_id.ids)
        self.assertTrue(team.message_is_follower)
        ticket = self._create(self.user_agent2, {"team_id": self.team_tech.id})
        self._send_scheduled()
        self.assertEqual(
            self._notified(ticket),
            self.user_manager.partner_id | self.user_agent.partner_id,
        )

    def test_whoever_creates_an_area_follows_it(self):
        team = (
            self.env["support.team"]
            .with_user(self.user_manager)
            .create({"name": "Field service"})
        )
        follower = team.message_follower_ids
        self.assertEqual(follower.partner_id, self.user_manager.partner_id)
        self.assertIn(
            self.env.ref("support_ticket.mt_team_ticket_new"), follower.subtype_ids
        )
