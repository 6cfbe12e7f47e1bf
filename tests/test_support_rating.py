from datetime import timedelta

import lxml.html

from odoo import fields
from odoo.tests import tagged, users
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from .mail_common import SupportMailCommon
from .portal_common import SupportPortalCommon

RATING_SUBJECT = "How did we do?"


@tagged("post_install", "-at_install")
class TestSupportRating(SupportMailCommon):
    """Rating requests, ratings and what they open, through the models."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls._create_ticket(
            partner_id=cls.customer.id,
            team_id=cls.team_tech.id,
            user_id=cls.user_agent2.id,
        )

    def rating_requests(self, ticket):
        return self.mails_of(ticket).filtered(lambda m: RATING_SUBJECT in m.subject)

    def pending(self, ticket):
        ticket.invalidate_recordset(["rating_ids"])
        return ticket.sudo().rating_ids.filtered(lambda r: not r.consumed)

    def test_request_once_per_resolution(self):
        ticket = self.ticket.with_user(self.user_agent)
        ticket.stage_id = self.stage_resolved
        requests = self.rating_requests(ticket)
        self.assertEqual(len(requests), 1)
        self.assertEqual(requests.recipient_ids, self.customer)
        rating = self.pending(ticket)
        self.assertEqual(len(rating), 1)
        self.assertEqual(rating.partner_id, self.customer)
        self.assertEqual(rating.rated_partner_id, self.user_agent2.partner_id)
        self.assertEqual(rating.parent_res_model, "support.team")
        self.assertEqual(rating.parent_res_id, self.team_tech.id)
        for score in (5, 3, 1):
            self.assertIn(f"/rate/{rating.access_token}/{score}", requests.body_html)
        # the token is in an internal note: customers reading the ticket's
        # messages never see it
        self.assertTrue(requests.mail_message_id.subtype_id.internal)

        # resolved, then closed: not asked twice
        ticket.stage_id = self.stage_closed
        self.assertEqual(len(self.rating_requests(ticket)), 1)
        self.assertEqual(self.pending(ticket), rating)

        # reopened, then resolved again: asked again, for the same request
        ticket.action_reopen()
        self.assertFalse(ticket._support_pending_rating(), "nothing to rate while open")
        ticket.stage_id = self.stage_resolved
        self.assertEqual(len(self.rating_requests(ticket)), 2)
        self.assertEqual(self.pending(ticket), rating)

        # rated, reopened and resolved again: a new request
        ticket.sudo().rating_apply(5, token=rating.access_token)
        ticket.action_reopen()
        ticket.stage_id = self.stage_resolved
        self.assertEqual(len(self.rating_requests(ticket)), 3)
        new_rating = self.pending(ticket)
        self.assertEqual(len(new_rating), 1)
        self.assertNotEqual(new_rating, rating)
        self.assertEqual(len(ticket.sudo().rating_ids), 2)

    def test_no_request_without_customer_or_by_email_when_declined(self):
        anonymous = self._create_ticket(team_id=self.team_tech.id)
        anonymous.stage_id = self.stage_resolved
        self.assertFalse(anonymous.sudo().rating_ids)
        self.assertFalse(self.rating_requests(anonymous))
        # a customer who declined the emails is asked on the portal only
        quiet = self._create_ticket(
            partner_id=self.customer.id,
            notify_customer=False,
            team_id=self.team_tech.id,
        )
        quiet.stage_id = self.stage_closed
        self.assertTrue(quiet._support_pending_rating())
        self.assertFalse(self.rating_requests(quiet))

    def test_setting_off(self):
        self.team_tech.rating_enabled = False
        ticket = self.ticket
        self.assertFalse(ticket.rating_enabled)
        ticket.stage_id = self.stage_resolved
        self.assertFalse(ticket.sudo().rating_ids)
        self.assertFalse(self.rating_requests(ticket))
        self.assertFalse(ticket._portal_rating_values(self.env.user)["request"])
        # the customer is still told that it is resolved
        self.assertTrue(
            self.mails_of(ticket).filtered(lambda m: "Resolved" in m.subject)
        )

    def test_low_rating_opens_an_activity_for_the_leader(self):
        ticket = self.ticket
        ticket.stage_id = self.stage_resolved
        token = self.pending(ticket).access_token
        todo = self.env.ref("mail.mail_activity_data_todo")
        ticket.sudo().rating_apply(1, token=token, feedback="Nobody called me back")
        activity = ticket.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.activity_type_id, todo)
        self.assertEqual(activity.user_id, self.team_tech.leader_id)
        self.assertIn(ticket.code, activity.summary)
        self.assertIn("Nobody called me back", activity.note)
        # the same rating given again opens nothing more
        ticket.sudo().rating_apply(1, token=token, feedback="Still nobody")
        self.assertEqual(len(ticket.activity_ids), 1)
        # the rating is posted for the team, with its own subtype
        message = ticket.message_ids.filtered("rating_ids")[:1]
        self.assertEqual(
            message.subtype_id, self.env.ref("support_ticket.mt_ticket_rating")
        )
        self.assertEqual(message.author_id, self.customer)
        self.assertEqual(ticket.rating_last_value, 1)

    def test_happy_or_neutral_rating_opens_nothing(self):
        for score in (5, 3):
            ticket = self._create_ticket(
                partner_id=self.customer.id, team_id=self.team_tech.id
            )
            ticket.stage_id = self.stage_resolved
            ticket.sudo().rating_apply(score, token=self.pending(ticket).access_token)
            self.assertFalse(ticket.activity_ids)
            self.assertEqual(ticket.rating_last_value, score)

    def test_area_and_assignee_satisfaction_last_30_days(self):
        team = self.team_tech
        team.member_ids |= self.user_agent2
        self.assertEqual(team.rating_percentage_satisfaction, -1)
        for score, user in (
            (5, self.user_agent),
            (1, self.user_agent),
            (5, self.user_agent2),
        ):
            ticket = self._create_ticket(
                partner_id=self.customer.id, team_id=team.id, user_id=user.id
            )
            ticket.stage_id = self.stage_resolved
            ticket.sudo().rating_apply(score, token=self.pending(ticket).access_token)
        # an old rating is left out of the figures
        old = self._create_ticket(
            partner_id=self.customer.id, team_id=team.id, user_id=self.user_agent2.id
        )
        old.stage_id = self.stage_resolved
        old_rating = old.sudo().rating_apply(1, token=self.pending(old).access_token)
        long_ago = fields.Datetime.now() - timedelta(days=40)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE rating_rating SET write_date = %s, rated_on = %s WHERE id = %s",
            (long_ago, long_ago, old_rating.id),
        )
        self.env.invalidate_all()
        self.assertEqual(team.rating_count, 3)
        self.assertEqual(team.rating_percentage_satisfaction, 66)  # 2 happy of 3
        members = team.with_context(support_rating_team_id=team.id).rating_user_ids
        self.assertEqual(members, team.member_ids)
        alice = members.filtered(lambda u: u == self.user_agent)
        bob = members.filtered(lambda u: u == self.user_agent2)
        self.assertEqual(
            (alice.support_rating_count, alice.support_rating_satisfaction), (2, 50)
        )
        self.assertEqual(
            (bob.support_rating_count, bob.support_rating_satisfaction), (1, 100)
        )
        # another area does not count
        other = self.team_billing.with_context(
            support_rating_team_id=self.team_billing.id
        )
        self.assertEqual(
            other.rating_user_ids.mapped("support_rating_satisfaction"), [-1]
        )

    @users("st_manager")
    def test_report_by_area_assignee_and_period(self):
        for score, team in ((5, self.team_tech), (1, self.team_billing)):
            ticket = self._create_ticket(
                partner_id=self.customer.id, team_id=team.id, user_id=self.user_agent.id
            )
            ticket.stage_id = self.stage_resolved
            ticket.sudo().rating_apply(score, token=self.pending(ticket).access_token)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "support_ticket.support_rating_action"
        )
        Rating = self.env["rating.rating"]
        groups = Rating._read_group(
            safe_eval(action["domain"]),
            ["parent_res_name", "rated_partner_id", "rated_on:month"],
            ["rating:avg", "__count"],
        )
        self.assertEqual(
            sorted(
                (area, partner, avg, count) for area, partner, _m, avg, count in groups
            ),
            [
                ("Billing", self.user_agent.partner_id, 1.0, 1),
                ("Technical", self.user_agent.partner_id, 5.0, 1),
            ],
        )
        views = Rating.get_views(
            action["views"] + [(action["search_view_id"][0], "search")]
        )["views"]
        self.assertIn('name="parent_res_name"', views["pivot"]["arch"])
        self.assertIn("groupby_assignee", views["search"]["arch"])


@tagged("post_install", "-at_install")
class TestSupportRatingHttp(SupportPortalCommon):
    """The emailed links, the feedback form and the ticket's portal page."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team = cls.env["support.team"].create(
            {"name": "Rated area", "leader_id": cls.agent.id}
        )
        cls.ticket.team_id = cls.team
        cls.ticket_oscar.team_id = cls.team
        (cls.ticket | cls.ticket_oscar).stage_id = cls.stage_resolved
        cls.rating = cls.ticket._support_pending_rating()
        cls.rating_oscar = cls.ticket_oscar._support_pending_rating()

    def test_rating_links_and_feedback(self):
        token = self.rating.access_token
        self.authenticate(None, None)
        page = self.url_open(f"/rate/{token}/1")
        self.assertEqual(page.status_code, 200)
        form = lxml.html.fromstring(page.content).xpath(
            "//form[starts-with(@action, '/rate')]"
        )[0]
        self.assertEqual(form.get("action"), f"/rate/{token}/submit_feedback")
        self.assertFalse(self.rating.consumed, "opening the link rates nothing")
        response = self.url_open(
            f"/rate/{token}/submit_feedback",
            data={"rate": 1, "feedback": "Too slow", "csrf_token": self.csrf_token()},
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(self.rating.consumed)
        self.assertEqual((self.rating.rating, self.rating.feedback), (1, "Too slow"))
        self.assertEqual(self.ticket.rating_last_value, 1)
        activity = self.ticket.activity_ids
        self.assertEqual(activity.user_id, self.agent)
        self.assertIn("Too slow", activity.note)
        # the customer changes their mind: no second activity
        self.url_open(
            f"/rate/{token}/submit_feedback",
            data={
                "rate": 5,
                "feedback": "Called back",
                "csrf_token": self.csrf_token(),
            },
        )
        self.assertEqual(self.rating.rating, 5)
        self.assertEqual(len(self.ticket.activity_ids), 1)

    def test_portal_page_asks_and_rates(self):
        self.authenticate("carla", "carla")
        page = self.url_open(self.ticket.access_url)
        forms = lxml.html.fromstring(page.content).xpath(
            "//form[hasclass('o_support_portal_rating')]"
        )
        self.assertEqual(len(forms), 1)
        self.assertEqual(forms[0].get("action"), f"/my/tickets/{self.ticket.id}/rate")
        # no score: refused, the comment kept
        response = self.post_form(
            f"/my/tickets/{self.ticket.id}/rate",
            {"rating_token": self.rating.access_token, "feedback": "Keep me"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("Choose how satisfied you are.", response.text)
        self.assertIn("Keep me", response.text)
        self.assertFalse(self.rating.consumed)
        response = self.post_form(
            f"/my/tickets/{self.ticket.id}/rate",
            {
                "rating_token": self.rating.access_token,
                "rate": 5,
                "feedback": "Quick and clear",
            },
        )
        self.assertEqual(response.status_code, 303)
        self.assertTrue(self.rating.consumed)
        self.assertEqual(
            (self.rating.rating, self.rating.feedback), (5, "Quick and clear")
        )
        self.assertFalse(self.ticket.activity_ids)
        page = self.url_open(self.ticket.access_url + "?success=rated")
        self.assertIn("Thank you for your feedback!", page.text)
        self.assertIn("o_support_portal_rating_given", page.text)
        self.assertNotIn('o_support_portal_rating"', page.text)

    def test_customer_closing_is_asked_on_the_page(self):
        ticket = self.env["support.ticket"].create(
            {
                "name": "Carla's scanner",
                "partner_id": self.carla.id,
                "team_id": self.team.id,
            }
        )
        self.authenticate("carla", "carla")
        response = self.post_form(f"/my/tickets/{ticket.id}/close", {})
        self.assertEqual(response.status_code, 303)
        self.assertTrue(ticket.is_locked)
        rating = ticket._support_pending_rating()
        self.assertEqual(rating.partner_id, self.carla)
        # not emailed: the page that she is shown asks her
        self.assertFalse(
            self.env["mail.mail"].search(
                [
                    ("model", "=", "support.ticket"),
                    ("res_id", "=", ticket.id),
                    ("subject", "like", "How did we do?"),
                ]
            )
        )
        page = self.url_open(response.headers["Location"])
        self.assertIn(rating.access_token, page.text)
        self.assertIn("How satisfied are you with our answer?", page.text)

    @mute_logger("odoo.http")
    def test_access(self):
        # the token of another ticket is refused on this one
        self.authenticate("carla", "carla")
        response = self.post_form(
            f"/my/tickets/{self.ticket.id}/rate",
            {"rating_token": self.rating_oscar.access_token, "rate": 1},
        )
        self.assertIn("This rating request is not valid any more.", response.text)
        self.assertFalse(self.rating_oscar.consumed)
        self.assertFalse(self.rating.consumed)
        # another customer's ticket: not found
        response = self.post_form(
            f"/my/tickets/{self.ticket_oscar.id}/rate",
            {"rating_token": self.rating_oscar.access_token, "rate": 1},
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self.rating_oscar.consumed)
        # nor through Odoo's links with a token that is not theirs
        page = self.url_open(f"/rate/{self.rating_oscar.access_token}/1")
        self.assertIn("You cannot rate this", page.text)
        response = self.url_open(
            f"/rate/{self.rating_oscar.access_token}/submit_feedback",
            data={"rate": 1, "csrf_token": self.csrf_token()},
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self.rating_oscar.consumed)
        # a customer of another organisation copied on the ticket sees it, but
        # is not asked to rate it
        self.ticket.email_cc = self.oscar.email
        self.authenticate("oscar", "oscar")
        page = self.url_open(self.ticket.access_url)
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("o_support_portal_rating", page.text)
        response = self.post_form(
            f"/my/tickets/{self.ticket.id}/rate",
            {"rating_token": self.rating.access_token, "rate": 1},
        )
        self.assertIn("This rating request is not valid any more.", response.text)
        self.assertFalse(self.rating.consumed)
        # a visitor holding the ticket's link rates for its customer
        self.authenticate(None, None)
        self.assertNotEqual(
            self.url_open(f"/my/tickets/{self.ticket.id}").status_code, 200
        )
        response = self.post_form(
            f"/my/tickets/{self.ticket.id}/rate",
            {
                "access_token": self.ticket._portal_ensure_token(),
                "rating_token": self.rating.access_token,
                "rate": 3,
            },
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.rating.rating, 3)
        self.assertEqual(self.rating.partner_id, self.carla)
