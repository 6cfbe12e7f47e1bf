"""Support ticket: the scheduled SLA check, warnings of targets at risk or late."""

from odoo import api, fields, models
from odoo.fields import Command
from odoo.tools import SQL

SLA_NOTICE_TEMPLATES = {
    "risk": "support_ticket.mail_template_ticket_sla_risk",
    "breach": "support_ticket.mail_template_ticket_sla_breach",
}


class SupportTicket(models.Model):
    # one concern of the ticket per file, as Odoo core splits its large models
    _inherit = "support.ticket"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _cron_sla_check(self):
        """Refresh the statuses that time changed and send the warnings due,
        by batches committed one after the other."""
        while True:
            processed, remaining = self._sla_check_due()
            if not processed:
                break
            time_left = self.env["ir.cron"]._commit_progress(
                processed, remaining=remaining
            )
            if not remaining or time_left <= 0:
                break

    @api.model
    def _sla_check_due(self, limit=200):
        """Process the tickets whose check date has come: plan them again,
        then warn the assignee and the area's leader of each target that
        reached its warning or its deadline, once per target and kind.

        The batch is the first due tickets that no other worker holds
        (``SKIP LOCKED``), so that several workers running the job share them
        out, and what was sent is stored: running it again sends nothing more.

        :return: ``(tickets processed, tickets still due)``
        """
        now = fields.Datetime.now()
        Ticket = self.sudo().with_context(active_test=False)
        self.env.flush_all()
        query = Ticket._search(
            [("sla_check_date", "<=", now)], order="sla_check_date, id", limit=limit
        )
        rows = self.env.execute_query(
            SQL("%s FOR NO KEY UPDATE SKIP LOCKED", query.select())
        )
        if not rows:
            return 0, 0
        tickets = Ticket.browse(sorted(row[0] for row in rows))
        tickets._sla_recompute()
        due = []
        for ticket in tickets:
            sent = {(n.target, n.kind) for n in ticket.sla_notice_ids}
            for target, risk, deadline in ticket._sla_pending_targets():
                kinds = []
                if deadline and deadline <= now:
                    # a warning that came too late is not sent any more
                    kinds = ["risk", "breach"]
                elif risk and risk <= now:
                    kinds = ["risk"]
                for kind in kinds:
                    if (target, kind) not in sent:
                        due.append((ticket, target, kind, deadline, kind == kinds[-1]))
        notices = self.env["support.ticket.sla.notice"].sudo()
        if due:
            notices = notices.create(
                [
                    {
                        "ticket_id": ticket.id,
                        "target": target,
                        "kind": kind,
                        "deadline": deadline,
                        "partner_ids": [
                            Command.set(
                                ticket._sla_notice_partners().ids if send else []
                            )
                        ],
                    }
                    for ticket, target, kind, deadline, send in due
                ]
            )
        for kind, template in SLA_NOTICE_TEMPLATES.items():
            items = [
                (notice.ticket_id, notice.partner_ids, (), notice)
                for notice in notices
                if notice.kind == kind and notice.partner_ids
            ]
            self._support_send_batch(
                template, items, public=False, message_type="user_notification"
            )
        remaining = Ticket.search_count(
            [("sla_check_date", "<=", now), ("id", "not in", tickets.ids)]
        )
        return len(tickets), remaining

    def _sla_notice_partners(self):
        """Who hears of the SLA of the ticket: its assignee and its area's leader."""
        self.ensure_one()
        return (self.user_id | self.team_id.leader_id).filtered("active").partner_id
