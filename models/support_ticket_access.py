"""Support ticket: which tickets a portal user reads, as one indexable query."""

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL


class SupportTicket(models.Model):
    # one concern of the ticket per file, as Odoo core splits its large models
    _inherit = "support.ticket"  # pylint: disable=consider-merging-classes-inherited

    portal_access = fields.Boolean(
        string="Shared with me",
        compute="_compute_portal_access",
        search="_search_portal_access",
        help="The ticket is one of the current user's organisation (its customer is "
        "a contact of it), or the user follows it or is copied on it.",
    )

    @api.depends_context("uid")
    def _compute_portal_access(self):
        shared = self.search(
            Domain("id", "in", self.ids) & Domain("portal_access", "=", True)
        )
        for ticket in self:
            ticket.portal_access = ticket in shared

    def _search_portal_access(self, operator, value):
        """The tickets shared with the current user, for the portal record
        rules: three indexed lookups (the tickets of the organisation's
        contacts, those the user follows, those they are copied on) joined
        in one ``UNION``. As three ORed conditions of a domain, PostgreSQL
        checks the follower and CC subqueries on every row of the table
        instead."""
        if operator in ("=", "!="):
            operator, value = ("in" if operator == "=" else "not in"), [value]
        if operator not in ("in", "not in"):
            return NotImplemented
        partner = self.env.user.partner_id
        # the contacts of the organisation, as values: PostgreSQL then
        # estimates from the statistics of each customer
        organisation = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search([("id", "child_of", partner.commercial_partner_id.id)])
        )
        self.flush_model(["partner_id", "cc_partner_ids"])
        self.env["mail.followers"].flush_model(["res_model", "res_id", "partner_id"])
        shared = SQL(
            """
            SELECT ticket.id FROM support_ticket ticket
             WHERE ticket.partner_id = ANY(%(organisation)s)
            UNION
            SELECT follower.res_id FROM mail_followers follower
             WHERE follower.res_model = %(model)s AND follower.partner_id = %(partner)s
            UNION
            SELECT cc.ticket_id FROM support_ticket_cc_partner_rel cc
             WHERE cc.partner_id = %(partner)s
            """,
            organisation=organisation.ids,
            model=self._name,
            partner=partner.id,
        )
        positive = (operator == "in") == (True in value)
        return Domain("id", "in" if positive else "not in", shared)
