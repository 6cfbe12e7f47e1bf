"""Support ticket: lists and grouped views by state, area and priority at scale."""

import re

from odoo import api, models
from odoo.tools import SQL, sql

CATALOG_MIXIN = "support.catalog.mixin"
# "stage_id", "team_id desc": a plain field, an optional direction, no NULLS
ORDER_TERM = re.compile(r"\s*(\w+)(?:\s+(asc|desc))?\s*", re.IGNORECASE)


class SupportTicket(models.Model):
    # one concern of the ticket per file, as Odoo core splits its large models
    _inherit = "support.ticket"  # pylint: disable=consider-merging-classes-inherited

    # the kanban (open tickets by state under the company rule: its counts,
    # then the latest of each column) and the open tickets grouped by area
    # are read from this index alone, whatever the number of closed tickets
    _open_company_idx = models.Index(
        "(company_id, stage_id, id) INCLUDE (team_id) WHERE is_locked IS NOT TRUE"
    )

    # the list sorted by priority (its column header), then by the default
    # order: read in this order from the index, the first page at once
    _priority_order_idx = models.Index("(priority_sequence, priority_id, id)")
    # a customer's tickets counted (smart button) under the company rule
    # from the index alone; also the portal's lookups by customer
    _partner_company_idx = models.Index(
        "(partner_id, company_id) WHERE partner_id IS NOT NULL"
    )

    def init(self):
        res = super().init()
        # the one-column indexes these two replace, on databases that had them
        for column in ("partner_id", "priority_sequence"):
            name = sql.make_index_name(self._table, column)
            sql.drop_index(self.env.cr, name, self._table)
        return res

    def _order_field_to_sql(self, alias, field_name, direction, nulls, query):
        """Sort by priority on the ticket's own copy of the priority's
        sequence (``priority_sequence``, then the priority as tie-breaker: the
        priorities' order) instead of joining the priorities on every ticket:
        the index gives the first page without sorting the whole table."""
        if field_name != "priority_id":
            return super()._order_field_to_sql(
                alias, field_name, direction, nulls, query
            )
        terms = [
            self._field_to_sql(alias, fname, query)
            for fname in ("priority_sequence", "priority_id")
        ]
        # grouped by priority, the groups are ordered by these columns too
        query._order_groupby.extend(terms)
        return SQL(", ").join(SQL("%s %s %s", term, direction, nulls) for term in terms)

    @api.model
    def _read_group(
        self,
        domain,
        groupby=(),
        aggregates=(),
        having=(),
        offset=0,
        limit=None,
        order=None,
    ):
        """Groups by a catalog (state, area, priority, category) ordered as
        the catalog is: Odoo orders them in SQL by joining the catalog's table
        on every ticket counted, which costs three to four times the count
        itself. The catalogs are small: the groups are counted by their ids
        alone, then ordered here as the catalog orders its records."""
        terms = self._catalog_group_order(groupby, order)
        if terms is None or offset or limit:
            return super()._read_group(
                domain, groupby, aggregates, having, offset, limit, order
            )
        rows = super()._read_group(domain, groupby, aggregates, having)
        # stable sorts, from the last term to the first; a group without a
        # value comes last, or first when descending, as in PostgreSQL
        for index, descending in reversed(terms):
            records = self.env[self._fields[groupby[index]].comodel_name].browse(
                {row[index].id for row in rows if row[index]}
            )
            rank = {
                record.id: position for position, record in enumerate(records.sorted())
            }
            rows.sort(
                key=lambda row, i=index: rank[row[i].id] if row[i] else len(rank),
                reverse=descending,
            )
        return rows

    @api.model
    def _catalog_group_order(self, groupby, order):
        """``[(position in groupby, descending)]`` when ``order`` sorts only on
        groupby terms that are catalogs, else ``None``."""
        if not order:
            return None
        terms = []
        for part in order.split(","):
            match = ORDER_TERM.fullmatch(part)
            if not match or match[1] not in groupby:
                return None
            field = self._fields.get(match[1])
            if not (
                field
                and field.type == "many2one"
                and isinstance(self.env[field.comodel_name], self.pool[CATALOG_MIXIN])
            ):
                return None
            descending = (match[2] or "asc").lower() == "desc"
            terms.append((list(groupby).index(match[1]), descending))
        return terms
