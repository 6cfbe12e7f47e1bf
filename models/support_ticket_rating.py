"""Support ticket: customer satisfaction (requests, ratings, unhappy customers)."""

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import consteq, plaintext2html

from odoo.addons.rating.models.rating_data import (
    RATING_HAPPY_VALUE,
    RATING_LIMIT_OK,
    RATING_NEUTRAL_VALUE,
    RATING_UNHAPPY_VALUE,
)

RATING_VALUES = (RATING_HAPPY_VALUE, RATING_NEUTRAL_VALUE, RATING_UNHAPPY_VALUE)


class SupportTicket(models.Model):
    # one concern of the ticket per file, as Odoo core splits its large models
    _name = "support.ticket"
    _inherit = ["support.ticket", "rating.mixin"]  # pylint: disable=consider-merging-classes-inherited

    # inserted with new tickets (they have no rating), not written again once
    # computed
    rating_last_value = fields.Float(default=0.0)
    rating_enabled = fields.Boolean(
        compute="_compute_rating_enabled",
        string="Customer rating",
        help="The customer is asked to rate the ticket when it is resolved or "
        "closed (a setting of its area).",
    )

    @api.depends("team_id.rating_enabled")
    def _compute_rating_enabled(self):
        for ticket in self:
            ticket.rating_enabled = not ticket.team_id or ticket.team_id.rating_enabled

    # ------------------------------------------------------------
    # Rating configuration (rating.mixin)
    # ------------------------------------------------------------

    def _compute_rating_last_value(self):
        # rating.mixin reads the last rating in SQL for every ticket; tickets
        # without ratings (all new ones: Odoo caches their ratings as none)
        # need no query
        unrated = self.filtered(lambda ticket: not ticket.rating_ids)
        unrated.rating_last_value = 0
        return super(SupportTicket, self - unrated)._compute_rating_last_value()

    def _rating_get_parent_field_name(self):
        return "team_id"

    def _rating_apply_get_default_subtype_id(self):
        return self.env["ir.model.data"]._xmlid_to_res_id(
            "support_ticket.mt_ticket_rating"
        )

    # ------------------------------------------------------------
    # Requests: once per resolution
    # ------------------------------------------------------------

    def write(self, vals):
        # the tickets that become resolved or closed now: a ticket resolved
        # then closed is asked once, a reopened one is asked again
        resolving = self.browse()
        if vals.get("stage_id") and not self.env.context.get("support_no_rating"):
            stage = self.env["support.stage"].browse(vals["stage_id"])
            if stage.is_locking:
                resolving = self.filtered(lambda t: not t.is_locked)
        res = super().write(vals)
        if resolving:
            resolving._support_rating_request()
        return res

    def _support_rating_request(self):
        """Ask the customers of these tickets, just resolved or closed, to
        rate them: a pending rating that the ticket's portal page shows, and
        an email with its links unless the customer declined the emails or is
        the one who closed it (the page asks them: ``support_rating_no_email``
        in the context)."""
        items = []
        no_email = self.env.context.get("support_rating_no_email")
        for ticket in self.filtered("rating_enabled").sudo():
            partner = ticket._rating_get_partner()
            if not partner:
                continue
            ticket._rating_get_access_token(partner)
            if (
                not no_email
                and ticket.notify_customer
                and partner.email
                and partner != self.env.user.partner_id
            ):
                items.append((ticket, partner, [], ticket))
        self._support_send_batch(
            "support_ticket.mail_template_ticket_rating", items, public=False
        )

    def _support_pending_rating(self):
        """The rating the customer was asked for and has not given yet, while
        the ticket is resolved or closed."""
        self.ensure_one()
        if not self.is_locked or not self.rating_enabled:
            return self.env["rating.rating"]
        partner = self._rating_get_partner()
        return (
            self.env["rating.rating"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("partner_id", "=", partner.id),
                    ("consumed", "=", False),
                ],
                order="id desc",
                limit=1,
            )
            if partner
            else self.env["rating.rating"]
        )

    def _support_last_rating(self):
        """The last rating the customer gave on the ticket."""
        self.ensure_one()
        return (
            self.env["rating.rating"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("consumed", "=", True),
                ],
                order="rated_on desc, id desc",
                limit=1,
            )
        )

    def _support_can_rate(self, partner):
        """Whether ``partner`` may rate the ticket: its customer, or someone of
        the customer's organisation."""
        self.ensure_one()
        customer = self._rating_get_partner()
        return bool(
            customer
            and partner
            and partner.commercial_partner_id == customer.commercial_partner_id
        )

    def _portal_rating_values(self, user):
        """What the portal page of the ticket shows ``user`` of its rating: the
        request (a pending rating) when they may answer it, and the last
        rating given."""
        self.ensure_one()
        partner = self.partner_id if user._is_public() else user.partner_id
        can_rate = self._support_can_rate(partner)
        return {
            "request": self._support_pending_rating() if can_rate else False,
            "last": self._support_last_rating() if self.rating_enabled else False,
        }

    # ------------------------------------------------------------
    # Ratings given
    # ------------------------------------------------------------

    def _portal_rate(self, partner, token, rate, feedback=None):
        """The customer rates the ticket from its portal page (called in sudo,
        once access to the ticket is checked).

        :param token: access token of the pending rating, which must be one of
            this ticket's
        :raise UserError: on a rating that is not this ticket's, or a wrong value
        """
        self.ensure_one()
        rating = self._support_pending_rating()
        if (
            not rating
            or not token
            or not consteq(rating.access_token, str(token))
            or not self._support_can_rate(partner)
        ):
            raise UserError(self.env._("This rating request is not valid any more."))
        if rate not in RATING_VALUES:
            raise UserError(self.env._("Choose how satisfied you are."))
        return self.rating_apply(rate, rating=rating, feedback=feedback or False)

    def rating_apply(
        self,
        rate,
        token=None,
        rating=None,
        feedback=None,
        subtype_xmlid=None,
        notify_delay_send=False,
    ):
        previous = rating
        if token and not previous:
            previous = (
                self.env["rating.rating"]
                .sudo()
                .search([("access_token", "=", token)], limit=1)
            )
        was_low = (
            bool(previous) and previous.consumed and previous.rating < RATING_LIMIT_OK
        )
        rating = super().rating_apply(
            rate,
            token=token,
            rating=rating,
            feedback=feedback,
            subtype_xmlid=subtype_xmlid,
            notify_delay_send=notify_delay_send,
        )
        if rating.rating < RATING_LIMIT_OK and not was_low:
            self._support_rating_low_activity(rating)
        return rating

    def _support_rating_low_activity(self, rating):
        """An unhappy customer: a to-do for the leader of the area (else the
        assignee) to call them back."""
        self.ensure_one()
        user = self.team_id.leader_id or self.user_id
        if not user:
            return
        self.with_user(SUPERUSER_ID).activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=user.id,
            summary=self.env._("Unhappy customer on %(code)s", code=self.code),
            note=plaintext2html(rating.feedback or self.env._("No comment.")),
        )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_view_ratings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "support_ticket.support_rating_action"
        )
        action["domain"] = [
            ("res_model", "=", self._name),
            ("res_id", "=", self.id),
            ("consumed", "=", True),
        ]
        action["context"] = {}
        return action
