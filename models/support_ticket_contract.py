"""Support ticket: its contract, and whether it is free or must be quoted."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools.misc import format_duration, formatLang


class SupportTicket(models.Model):
    # one concern of the ticket per file, as Odoo core splits its large models
    _inherit = "support.ticket"  # pylint: disable=consider-merging-classes-inherited

    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", string="Customer entity"
    )
    contract_id = fields.Many2one(
        "support.contract",
        string="Contract",
        compute="_compute_contract_id",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        index="btree_not_null",
        check_company=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id), "
        "('state', '=', 'running')]",
        help="Running contract of the customer that covers the ticket. Proposed "
        "when the customer has exactly one.",
    )
    is_free = fields.Boolean(
        string="Free",
        compute="_compute_is_free",
        help="Free tickets are worked without a quote: a running contract covers "
        "their category and has hours left this month, or their category has no "
        "price.",
    )
    free_reason = fields.Char(
        string="Why", compute="_compute_is_free", help="Why the ticket is free or not."
    )

    # ------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------

    @api.depends("partner_id", "company_id")
    def _compute_contract_id(self):
        todo = self.filtered(
            lambda t: not t.contract_id
            or t.contract_id.commercial_partner_id != t.partner_id.commercial_partner_id
        )
        partners = todo.partner_id.commercial_partner_id
        running = {}
        if partners:
            Contract = self.env["support.contract"].sudo()
            for contract in Contract.search(
                Contract._running_domain()
                & Domain("commercial_partner_id", "in", partners.ids)
            ):
                key = (contract.commercial_partner_id.id, contract.company_id.id)
                running.setdefault(key, []).append(contract.id)
        for ticket in todo:
            found = running.get(
                (ticket.partner_id.commercial_partner_id.id, ticket.company_id.id), []
            )
            ticket.contract_id = found[0] if len(found) == 1 else False

    @api.depends(
        "category_id.price",
        "category_id.currency_id",
        "contract_id.state",
        "contract_id.date_start",
        "contract_id.date_end",
        "contract_id.category_ids",
        "contract_id.hours_left_month",
    )
    def _compute_is_free(self):
        for ticket in self:
            ticket.is_free, ticket.free_reason = ticket._free_status()

    def _free_status(self):
        """``(is free, why)`` for the ticket."""
        self.ensure_one()
        env = self.env
        contract = self.contract_id.sudo()
        category = self.category_id.sudo()
        not_covered = ""
        if contract:
            if not contract._is_running():
                not_covered = env._(
                    "contract %(contract)s is not running", contract=contract.name
                )
            elif category and not contract._covers_category(category):
                not_covered = env._(
                    "contract %(contract)s does not cover the category %(category)s",
                    contract=contract.name,
                    category=category.name,
                )
            elif contract.hours_left_month <= 0:
                not_covered = env._(
                    "contract %(contract)s has no hours left this month",
                    contract=contract.name,
                )
            else:
                return True, env._(
                    "Covered by contract %(contract)s: %(hours)s left this month.",
                    contract=contract.name,
                    hours=format_duration(contract.hours_left_month),
                )
        if not category:
            return True, env._("No category: nothing to charge.")
        if category.currency_id.is_zero(category.price):
            return True, env._(
                "The category %(category)s has no price.", category=category.name
            )
        price = formatLang(env, category.price, currency_obj=category.currency_id)
        if not_covered:
            return False, env._(
                "The category %(category)s costs %(price)s and %(not_covered)s.",
                category=category.name,
                price=price,
                not_covered=not_covered,
            )
        return False, env._(
            "The category %(category)s costs %(price)s and no running contract "
            "covers the ticket.",
            category=category.name,
            price=price,
        )

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("contract_id", "partner_id")
    def _check_contract_customer(self):
        for ticket in self.filtered("contract_id"):
            contract = ticket.contract_id.sudo()
            customer = ticket.partner_id.commercial_partner_id
            if contract.commercial_partner_id != customer:
                raise ValidationError(
                    self.env._(
                        "Contract %(contract)s is a contract of %(owner)s: it cannot "
                        "cover a ticket of %(customer)s.",
                        contract=contract.name,
                        owner=contract.partner_id.display_name,
                        customer=ticket.partner_id.display_name
                        or self.env._("no customer"),
                    )
                )

    @api.constrains("contract_id")
    def _check_contract_running(self):
        for ticket in self.filtered("contract_id"):
            contract = ticket.contract_id.sudo()
            if not contract._is_running():
                raise ValidationError(
                    self.env._(
                        "Contract %(contract)s is not running: only running "
                        "contracts cover tickets.",
                        contract=contract.name,
                    )
                )
