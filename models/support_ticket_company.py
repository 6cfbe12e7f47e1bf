"""Support ticket: the company check of linked records, once per distinct value."""

from odoo import api, models

# Odoo's company rules that always allow a linked record without a company or
# of the record's own company
DEFAULT_COMPANY_RULES = (
    models.BaseModel._check_company_domain,
    models.check_company_domain_parent_of,
)


class SupportTicket(models.Model):
    # one concern of the ticket per file, as Odoo core splits its large models
    _inherit = "support.ticket"  # pylint: disable=consider-merging-classes-inherited

    def _check_company(self, fnames=None):
        """Odoo checks each record's linked records one record at a time,
        each through a domain evaluated in Python. A ticket's linked records
        mostly have no company or the ticket's own, which Odoo's rule always
        allows: those tickets pass at once. The others are checked by Odoo
        once per distinct company and linked records, as the result is the
        same for each.
        (Measured: 16% of creating 600 tickets in one call, 12 ms of every
        email opening a ticket.)"""
        if fnames is None or {"company_id", "company_ids"} & set(fnames):
            fnames = self._fields
        names = [
            name
            for name in fnames
            if self._fields[name].relational and self._fields[name].check_company
        ]
        if not names or any(self._fields[name].company_dependent for name in names):
            return super()._check_company(fnames)
        representatives = {}
        for ticket in self.sudo():
            linked = [ticket[name] for name in names]
            if all(
                self._support_allowed_in_company(ticket.company_id, records)
                for records in linked
            ):
                continue
            key = (ticket.company_id.id, *(records._ids for records in linked))
            representatives.setdefault(key, ticket.id)
        if not representatives:
            return None
        return super(
            SupportTicket, self.browse(list(representatives.values()))
        )._check_company(fnames)

    @api.model
    def _support_allowed_in_company(self, company, records):
        """Whether Odoo's company rule surely allows linking ``records`` to a
        record of ``company``, known from their company alone: they have no
        company (shared) or this one. False means "check it the long way"."""
        Model = type(records)
        if "company_id" not in records._fields:
            return not records
        if records._name == "res.users":
            # users are allowed by their companies, the main one among them
            return all(user.company_id == company for user in records)
        if Model._check_company_domain not in DEFAULT_COMPANY_RULES:
            return not records
        return all(
            record.company_id in (company, company.browse()) for record in records
        )
