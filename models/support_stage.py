"""States of tickets: closed, resolved, waiting, what the customer sees."""

from odoo import api, fields, models

PORTAL_STATUSES = [
    ("waiting", "Waiting"),
    ("in_progress", "Ongoing"),
    ("completed", "Completed"),
]


class SupportStage(models.Model):
    _name = "support.stage"
    _description = "Support ticket state"
    _inherit = ["support.catalog.mixin"]
    _ticket_field = "stage_id"

    description = fields.Text(translate=True)
    fold = fields.Boolean(
        string="Folded in kanban",
        help="Fold this state's column in the kanban view of tickets.",
    )
    is_closed = fields.Boolean(
        string="Closed",
        help="Tickets in this state are finished: the closed date is recorded and "
        "the conversation is locked.",
    )
    is_resolved = fields.Boolean(
        string="Resolved",
        help="Tickets in this state are solved: the conversation is locked until "
        "the ticket is reopened.",
    )
    is_waiting = fields.Boolean(
        string="Waiting",
        help="Tickets in this state wait for information from the customer or a "
        "third party.",
    )
    is_locking = fields.Boolean(compute="_compute_is_locking", string="Locks replies")
    requires_approval = fields.Boolean(
        string="Requires approval",
        help="Tickets enter this state only when they are free (covered by a "
        "contract, or of a category without price) or their quote is approved.",
    )
    portal_status = fields.Selection(
        PORTAL_STATUSES,
        string="Status for customers",
        required=True,
        default="in_progress",
        help="What customers see on the portal for tickets in this state. A "
        "waiting ticket shows as in progress once the team has answered.",
    )
    progress = fields.Integer(
        string="Progress (%)",
        default=50,
        help="Progress shown to customers on the portal for tickets in this state.",
    )

    _progress_range = models.Constraint(
        "CHECK (progress >= 0 AND progress <= 100)",
        "The progress of a state is a percentage, between 0 and 100.",
    )

    @api.depends("is_closed", "is_resolved")
    def _compute_is_locking(self):
        for stage in self:
            stage.is_locking = stage.is_closed or stage.is_resolved

    @api.model
    def _get_reopen_stage(self, company=None):
        """The state a reopened ticket goes back to: the default state when it
        does not lock replies, else the first state that does not."""
        default = self._get_default(company)
        if default and not default.is_locking:
            return default
        company = company or self.env.company
        return self.search(
            [
                ("company_id", "in", [company.id, False]),
                ("is_closed", "=", False),
                ("is_resolved", "=", False),
            ],
            limit=1,
        )

    @api.model
    def _get_closed_stage(self, company=None):
        """The state a ticket goes to when its customer closes it."""
        company = company or self.env.company
        return self.search(
            [("company_id", "in", [company.id, False]), ("is_closed", "=", True)],
            limit=1,
        )
