from odoo import api, fields, models


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
