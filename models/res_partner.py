"""Contacts: their tickets, communication log and contracts (smart buttons)."""

from odoo import fields, models

# tickets shown on the customer form (the others through its button)
RECENT_TICKETS = 40


class ResPartner(models.Model):
    _inherit = "res.partner"

    support_ticket_ids = fields.One2many(
        "support.ticket",
        "partner_id",
        string="Support tickets",
        groups="support_ticket.group_support_user",
    )
    support_ticket_recent_ids = fields.Many2many(
        "support.ticket",
        compute="_compute_support_ticket_recent_ids",
        string="Latest tickets",
        groups="support_ticket.group_support_user",
        help="The latest tickets of the contact and of its contacts; all of them "
        "through the Tickets button.",
    )
    support_ticket_count = fields.Integer(
        compute="_compute_support_ticket_count",
        string="Tickets",
        groups="support_ticket.group_support_user",
    )

    def _compute_support_ticket_recent_ids(self):
        # a page, not every id: a large customer has many thousands
        Ticket = self.env["support.ticket"]
        for partner in self:
            partner.support_ticket_recent_ids = (
                Ticket.search(
                    [("partner_id", "child_of", partner.id)],
                    order="id desc",
                    limit=RECENT_TICKETS,
                )
                if partner.id
                else Ticket
            )

    def _compute_support_ticket_count(self):
        # tickets of the contact and of its children (employees of a company)
        all_partners = self.with_context(active_test=False).search_fetch(
            [("id", "child_of", self.ids)], ["parent_id"]
        )
        counts = dict(
            self.env["support.ticket"]._read_group(
                [("partner_id", "in", all_partners.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.support_ticket_count = 0
        for partner, count in counts.items():
            while partner:
                if partner in self:
                    partner.support_ticket_count += count
                partner = partner.parent_id

    support_notify_default = fields.Boolean(
        string="Email me about my tickets",
        default=True,
        help="Default choice for the new tickets of this contact: receive the "
        "acknowledgement, the replies and the resolution by email.",
    )
    support_message_log_count = fields.Integer(
        compute="_compute_support_message_log_count",
        string="Ticket messages",
        groups="support_ticket.group_support_user",
    )

    def _compute_support_message_log_count(self):
        counts = dict(
            self.env["support.message.log"]._read_group(
                [("customer_id", "in", self.ids)], ["customer_id"], ["__count"]
            )
        )
        for partner in self:
            partner.support_message_log_count = counts.get(partner, 0)

    def action_view_support_message_log(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "support_ticket.support_message_log_action"
        )
        action["domain"] = [("customer_id", "=", self.id)]
        return action

    support_contract_count = fields.Integer(
        compute="_compute_support_contract_count",
        string="Support contracts",
        groups="support_ticket.group_support_user",
    )

    def _compute_support_contract_count(self):
        counts = dict(
            self.env["support.contract"]._read_group(
                [("commercial_partner_id", "in", self.commercial_partner_id.ids)],
                ["commercial_partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.support_contract_count = counts.get(
                partner.commercial_partner_id, 0
            )

    def action_view_support_contracts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "support_ticket.support_contract_action"
        )
        action["domain"] = [
            ("commercial_partner_id", "=", self.commercial_partner_id.id)
        ]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def signup_prepare(self, signup_type="signup"):
        """Every email notifying a customer of a ticket prepares their signup
        link (portal): write the partner only when that changes something.
        Writing the same value would still lock the customer's row, so that
        notifications of two tickets of one customer in parallel transactions
        would conflict (serialization failures)."""
        todo = self.filtered(lambda partner: partner.signup_type != signup_type)
        if todo:
            return super(ResPartner, todo).signup_prepare(signup_type=signup_type)
        return True

    def action_view_support_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "support_ticket.support_ticket_action"
        )
        action["domain"] = [("partner_id", "child_of", self.id)]
        action["context"] = {
            "default_partner_id": self.id,
            "search_default_filter_open": 0,
        }
        return action
