"""Suggested answers: written once by the team, found by customers before
they open a ticket, and the one suggestion API for the portal, the back office
and XML-RPC."""

from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.mail import html_to_inner_content

from .support_answer_search import MAX_CONTENT

# what the index holds of an answer
INDEXED_FIELDS = {
    "name",
    "body",
    "keywords",
    "category_id",
    "company_id",
    "is_published",
    "active",
}
MAX_LIMIT = 10
# "this solved my problem": once a day per person and suggestion, and at most
# this many suggestions an hour per person (or per address for visitors)
SOLVED_PER_HOUR = 10
SOURCES = {"support.answer": "answer_id", "support.ticket": "ticket_id"}


class SupportAnswer(models.Model):
    _name = "support.answer"
    _description = "Suggested answer"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(string="Title", required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    body = fields.Html(string="Answer", translate=True, sanitize_attributes=True)
    keywords = fields.Char(
        translate=True,
        help="Other words customers use for this problem (synonyms, product "
        "names, error messages): they weigh almost as much as the title.",
    )
    category_id = fields.Many2one(
        "support.category",
        string="Category",
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
        help="Suggested first to customers who chose this category.",
    )
    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Leave empty to share this answer between all companies.",
    )
    is_published = fields.Boolean(
        string="Published",
        copy=False,
        help="Published answers are suggested to customers, visitors and the team "
        "and have a public page.",
    )
    solved_count = fields.Integer(
        string="Problems solved",
        readonly=True,
        copy=False,
        help="How many times someone said this answer solved their problem "
        "instead of opening a ticket.",
    )
    url = fields.Char(string="Public page", compute="_compute_url")

    def _compute_url(self):
        for answer in self:
            answer.url = f"/support/answers/{answer.id}" if answer.id else False

    def action_view_public_page(self):
        self.ensure_one()
        return {"type": "ir.actions.act_url", "url": self.url, "target": "new"}

    # ------------------------------------------------------------
    # CRUD: the search index follows
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        answers = super().create(vals_list)
        self.env["support.answer.document"].sudo()._sync(answers=answers)
        return answers

    def write(self, vals):
        res = super().write(vals)
        if INDEXED_FIELDS & set(vals):
            self.env["support.answer.document"].sudo()._sync(answers=self)
        return res

    def _update_field_translations(self, field_name, translations, *args, **kwargs):
        res = super()._update_field_translations(
            field_name, translations, *args, **kwargs
        )
        if field_name in INDEXED_FIELDS:
            self.env["support.answer.document"].sudo()._sync(answers=self)
        return res

    def unlink(self):
        self.env["support.answer.document"].sudo()._remove(answer_ids=self.ids)
        return super().unlink()

    def _answer_document_rows(self):
        """Rows of the search index for the published answers of ``self``:
        their text in every installed language."""
        published = self.sudo().filtered(lambda a: a.is_published and a.active)
        if not published:
            return []
        texts = {answer.id: ([], [], []) for answer in published}
        for lang, _name in self.env["res.lang"].get_installed():
            for answer in published.with_context(lang=lang):
                title, keywords, content = texts[answer.id]
                for values, text in (
                    (title, answer.name),
                    (keywords, answer.keywords),
                    (content, html_to_inner_content(answer.body or "")),
                ):
                    if text and text not in values:
                        values.append(text)
        return [
            (
                answer.id,
                None,
                answer.company_id.id or None,
                answer.category_id.id or None,
                "\n".join(texts[answer.id][0]),
                "\n".join(texts[answer.id][1]),
                "\n".join(texts[answer.id][2])[:MAX_CONTENT],
            )
            for answer in published
        ]

    # ------------------------------------------------------------
    # Suggestions (portal, back office, XML-RPC)
    # ------------------------------------------------------------

    @api.model
    def suggest(self, text, limit=3, category_id=False):
        """The published answers and answer examples that best match ``text``
        (what someone is typing), best first. The same ranking serves every
        caller; only what the caller's companies share is suggested.

        :param str text: the subject and message being written
        :param int limit: how many suggestions (at most 10)
        :param int category_id: the chosen category, whose answers rank higher
        :return: list of dicts: ``model`` (``support.answer`` or
            ``support.ticket``), ``id``, ``name``, ``url`` (public page),
            ``score`` (higher is better: about 0 to 1, the share of what the
            text weighs that the suggestion matches, raised by the category)
        """
        try:
            limit = max(1, min(int(limit or 3), MAX_LIMIT))
            category_id = int(category_id or 0) or False
        except (TypeError, ValueError):
            limit, category_id = 3, False
        found = (
            self.env["support.answer.document"]
            .sudo()
            ._suggest(
                str(text or ""),
                limit=limit * 3,
                category_id=category_id,
                companies=self.env.companies,
            )
        )
        suggestions = self._suggestion_values(found)
        return self._suggest_rerank(text, suggestions)[:limit]

    @api.model
    def _suggestion_values(self, found):
        answers = self.sudo().browse([f["answer_id"] for f in found if f["answer_id"]])
        answers.fetch(["name"])
        tickets = (
            self.env["support.ticket"]
            .sudo()
            .browse([f["ticket_id"] for f in found if f["ticket_id"]])
        )
        tickets.fetch(["name"])
        suggestions = []
        for item in found:
            if item["answer_id"]:
                record = answers.browse(item["answer_id"])
                url = f"/support/answers/{record.id}"
            else:
                record = tickets.browse(item["ticket_id"])
                url = f"/support/answers/example/{record.id}"
            suggestions.append(
                {
                    "model": record._name,
                    "id": record.id,
                    "name": record.name,
                    "url": url,
                    "score": item["score"],
                }
            )
        return suggestions

    @api.model
    def _suggest_rerank(self, text, suggestions):
        """Hook for an external re-ranker: return ``suggestions`` (see
        :meth:`suggest`, up to three times the requested number) in a better
        order, possibly with new scores or fewer of them.

        The default keeps the order of the index and sends nothing anywhere.
        An addon can override it to ask a re-ranking service (a search engine,
        a language model) of the company's choice; it should fall back to the
        given order when that service fails, and send only what the
        suggestions show (``suggestion_content``)."""
        return suggestions

    @api.model
    def _suggestion_source(self, model, res_id):
        """The answer or example ticket behind a suggestion (in sudo), if it is
        published and shared with the caller's companies; else None."""
        field = SOURCES.get(model)
        try:
            res_id = int(res_id or 0)
        except (TypeError, ValueError):
            return None
        if not field or not res_id:
            return None
        document = (
            self.env["support.answer.document"]
            .sudo()
            .search(
                [
                    (field, "=", res_id),
                    "|",
                    ("company_id", "=", False),
                    ("company_id", "in", self.env.companies.ids),
                ],
                limit=1,
            )
        )
        return document[field] if document else None

    @api.model
    def suggestion_content(self, model, res_id):
        """What a suggestion shows once opened: ``name``, ``body`` (HTML) and
        ``url``; for an example ticket only its subject and the team's public
        replies. False when the suggestion is not available to the caller."""
        source = self._suggestion_source(model, res_id)
        if not source:
            return False
        if source._name == "support.answer":
            body, url = source.body or Markup(""), source.url
        else:
            body = source._answer_example_body()
            url = f"/support/answers/example/{source.id}"
        return {
            "model": source._name,
            "id": source.id,
            "name": source.name,
            "body": body,
            "url": url,
        }

    @api.model
    def mark_solved(self, model, res_id):
        """The suggestion solved the caller's problem, so no ticket is opened:
        count it (see :meth:`_suggestion_solved`). Returns whether it counted."""
        return self._suggestion_solved(model, res_id, f"user:{self.env.uid}")

    @api.model
    def _suggestion_solved(self, model, res_id, who):
        """Count a solved problem for a suggestion, once a day per ``who`` (a
        user, or the hashed address of a visitor) and suggestion, and at most
        SOLVED_PER_HOUR an hour per ``who``."""
        source = self._suggestion_source(model, res_id)
        if not source:
            return False
        Throttle = self.env["support.portal.throttle"].sudo()
        now = fields.Datetime.now()
        once_key = f"solved:{who}:{source._name}:{source.id}"
        hour_key = f"solved:{who}"
        recent = Throttle.search_fetch(
            [
                ("key", "in", [once_key, hour_key]),
                ("create_date", ">=", now - timedelta(days=1)),
            ],
            ["key", "create_date"],
        )
        hour_ago = now - timedelta(hours=1)
        if any(r.key == once_key for r in recent) or (
            len(
                recent.filtered(
                    lambda r: r.key == hour_key and r.create_date >= hour_ago
                )
            )
            >= SOLVED_PER_HOUR
        ):
            return False
        Throttle.create([{"key": once_key}, {"key": hour_key}])
        column = (
            "solved_count"
            if source._name == "support.answer"
            else ("answer_solved_count")
        )
        # counted in the database, so that simultaneous clicks all count
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET %s = coalesce(%s, 0) + 1 WHERE id = %s",
                SQL.identifier(source._table),
                SQL.identifier(column),
                SQL.identifier(column),
                source.id,
            )
        )
        source.invalidate_recordset([column])
        return True
