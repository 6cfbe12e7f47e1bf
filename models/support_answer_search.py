"""Search index of the suggested answers: PostgreSQL full-text search in
Spanish and English, accent folding, typo tolerance and the ranking."""

import logging
import math
import re

import psycopg2

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# accent folding used by the index and the queries (an immutable SQL function)
UNACCENT_FUNCTION = "support_ticket_unaccent"
# where the addon installs the unaccent extension when the database has none:
# outside the current schema, so that Odoo's own searches are not changed by it
# (Odoo switches to accent-insensitive ilike when it finds unaccent there)
EXTENSION_SCHEMA = "support_ticket_ext"
FALLBACK_FROM = "ÁÀÂÄÃÅáàâäãåÉÈÊËéèêëÍÌÎÏíìîïÓÒÔÖÕóòôöõÚÙÛÜúùûüÑñÇçÝýÿ"
FALLBACK_TO = "AAAAAAaaaaaaEEEEeeeeIIIIiiiiOOOOOoooooUUUUuuuuNnCcYyy"
LANGUAGES = ("english", "spanish")

# how much a word counts where it is found: title, keywords, content
FIELD_WEIGHTS = {"A": 1.0, "B": 0.85, "C": 0.35, "D": 0.35}
WORD_RE = re.compile(r"\w+")
MAX_TEXT = 1000
MAX_WORDS = 24
MAX_CONTENT = 20000
# typing mistakes: a word that the index does not know is replaced by the
# closest words it knows (pg_trgm similarity of their lexemes)
MIN_SIMILARITY = 0.35
MAX_CORRECTIONS = 3
# at most this many words of a text are corrected
MAX_TYPOS = 8
# candidates taken from the index (by ts_rank) and ranked precisely
POOL = 100
# how many documents the words that select the candidates may hold together
CANDIDATE_BUDGET = 600
# a hard limit on the documents read by a query of very common words only
MAX_READ = 1000
# pairs of words are formed among the rarest words only
PAIR_GROUPS = 8
CATEGORY_BOOST = 0.15
# a suggestion must match at least this share of what the text weighs
MIN_SCORE = 0.12
# the row of the vocabulary that holds the number of documents
TOTAL_KEY = ""


def _setup_extensions(cr):
    """Create pg_trgm, unaccent and the accent folding function when they are
    missing, and say clearly what cannot be done. Returns which of them work."""
    status = {"trigram": True, "unaccent": True}
    cr.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
    if not cr.fetchone():
        try:
            with cr.savepoint():
                cr.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except psycopg2.Error as error:
            status["trigram"] = False
            _logger.warning(
                "Suggested answers: the PostgreSQL extension pg_trgm could not be "
                "created (%s). Answers are still suggested, but words typed with a "
                "mistake are not recognised. A database administrator can enable "
                "it with: CREATE EXTENSION pg_trgm;",
                str(error).strip(),
            )
    cr.execute(
        """SELECT n.nspname FROM pg_extension e
             JOIN pg_namespace n ON n.oid = e.extnamespace
            WHERE e.extname = 'unaccent'"""
    )
    row = cr.fetchone()
    schema = row[0] if row else None
    if not schema:
        try:
            with cr.savepoint():
                cr.execute(
                    SQL(
                        "CREATE SCHEMA IF NOT EXISTS %s",
                        SQL.identifier(EXTENSION_SCHEMA),
                    )
                )
                cr.execute(
                    SQL(
                        "CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA %s",
                        SQL.identifier(EXTENSION_SCHEMA),
                    )
                )
            schema = EXTENSION_SCHEMA
        except psycopg2.Error as error:
            status["unaccent"] = False
            _logger.warning(
                "Suggested answers: the PostgreSQL extension unaccent could not be "
                "created (%s). Accents are folded for Spanish and the common Latin "
                "letters only. A database administrator can enable it with: "
                "CREATE SCHEMA %s; CREATE EXTENSION unaccent SCHEMA %s; then "
                "update the Support Tickets module.",
                str(error).strip(),
                EXTENSION_SCHEMA,
                EXTENSION_SCHEMA,
            )
    if schema:
        # declared immutable so that it can be indexed, as Odoo does with
        # --unaccent: the rules of the dictionary do not change in a database
        body = SQL(
            "SELECT lower(%s.unaccent(%s::regdictionary, $1))",
            SQL.identifier(schema),
            f"{schema}.unaccent",
        )
    else:
        body = SQL("SELECT lower(translate($1, %s, %s))", FALLBACK_FROM, FALLBACK_TO)
    cr.execute(
        SQL(
            "CREATE OR REPLACE FUNCTION %s(text) RETURNS text LANGUAGE sql "
            "IMMUTABLE STRICT PARALLEL SAFE AS %s",
            SQL.identifier(UNACCENT_FUNCTION),
            # the body of the function, as a quoted string
            _sql_literal(cr, body),
        )
    )
    return status


def _sql_literal(cr, sql):
    """The code of ``sql`` with its parameters merged, quoted as a string
    literal (for the body of a function)."""
    code = cr.mogrify(sql.code, sql.params).decode()
    return SQL("%s", code)


def _tsvector(column, weight):
    parts = [
        SQL(
            "setweight(to_tsvector(%s::regconfig, %s(coalesce(%s, ''))), %s)",
            language,
            SQL.identifier(UNACCENT_FUNCTION),
            SQL.identifier(column),
            weight,
        )
        for language in LANGUAGES
    ]
    return SQL(" || ").join(parts)


def _tsquery_term(lexeme):
    return "'{}'".format(lexeme.replace("\\", "\\\\").replace("'", "''"))


class SupportAnswerDocument(models.Model):
    """What the suggestions search: one row per published answer and per
    resolved ticket marked as an example, holding only what may be shown to
    anyone (for an example: its subject and the team's public replies)."""

    _name = "support.answer.document"
    _description = "Searchable text of a suggested answer"
    _log_access = False

    # indexed by their unique constraints
    answer_id = fields.Many2one("support.answer", ondelete="cascade")
    ticket_id = fields.Many2one("support.ticket", ondelete="cascade")
    company_id = fields.Many2one("res.company", ondelete="cascade")
    category_id = fields.Many2one("support.category", ondelete="set null")
    title = fields.Char()
    keywords = fields.Char()
    content = fields.Text()

    _answer_uniq = models.Constraint("UNIQUE (answer_id)", "An answer is indexed once.")
    _ticket_uniq = models.Constraint("UNIQUE (ticket_id)", "A ticket is indexed once.")

    def init(self):
        cr = self.env.cr
        cr.execute("SELECT prosrc FROM pg_proc WHERE proname = %s", [UNACCENT_FUNCTION])
        row = cr.fetchone()
        before = row[0] if row else None
        _setup_extensions(cr)
        cr.execute(
            "SELECT 1 FROM information_schema.columns "
            "WHERE table_name = %s AND column_name = 'search_vector'",
            [self._table],
        )
        if not cr.fetchone():
            cr.execute(
                SQL(
                    "ALTER TABLE %s ADD COLUMN search_vector tsvector "
                    "GENERATED ALWAYS AS (%s) STORED",
                    SQL.identifier(self._table),
                    SQL(" || ").join(
                        [
                            _tsvector("title", "A"),
                            _tsvector("keywords", "B"),
                            _tsvector("content", "C"),
                        ]
                    ),
                )
            )
        elif before is not None:
            cr.execute(
                "SELECT prosrc FROM pg_proc WHERE proname = %s", [UNACCENT_FUNCTION]
            )
            if cr.fetchone()[0] != before:
                # the accent folding changed (unaccent became available):
                # recompute the stored vectors and their vocabulary
                cr.execute(
                    SQL("UPDATE %s SET title = title", SQL.identifier(self._table))
                )
                self.env["support.answer.lexeme"]._rebuild()
        cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS %s ON %s USING gin (search_vector)",
                SQL.identifier(f"{self._table}_search_vector_idx"),
                SQL.identifier(self._table),
            )
        )

    # ------------------------------------------------------------
    # Keeping the index up to date
    # ------------------------------------------------------------

    @api.model
    def _sync(self, answers=None, tickets=None):
        """Index ``answers`` and ``tickets`` again: what is published replaces
        what was indexed, the rest leaves the index."""
        answers = (answers or self.env["support.answer"]).exists()
        tickets = (tickets or self.env["support.ticket"]).exists()
        self._remove(answers.ids, tickets.ids)
        rows = answers._answer_document_rows() + tickets._answer_document_rows()
        if not rows:
            return
        columns = list(zip(*rows, strict=True))
        self.env.cr.execute(
            SQL(
                """INSERT INTO support_answer_document
                       (answer_id, ticket_id, company_id, category_id, title,
                        keywords, content)
                   SELECT * FROM unnest(%s::int[], %s::int[], %s::int[], %s::int[],
                                        %s::text[], %s::text[], %s::text[])
                   RETURNING id""",
                *[list(column) for column in columns],
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        self.env["support.answer.lexeme"]._count(ids, 1)

    @api.model
    def _remove(self, answer_ids=(), ticket_ids=()):
        if not answer_ids and not ticket_ids:
            return
        self.env.cr.execute(
            SQL(
                "SELECT id FROM support_answer_document "
                "WHERE answer_id = ANY(%s) OR ticket_id = ANY(%s)",
                list(answer_ids),
                list(ticket_ids),
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        if ids:
            self.env["support.answer.lexeme"]._count(ids, -1)
            self.env.cr.execute(
                SQL("DELETE FROM support_answer_document WHERE id = ANY(%s)", ids)
            )

    # ------------------------------------------------------------
    # Ranking
    # ------------------------------------------------------------

    @api.model
    def _suggest_words(self, text):
        text = (text or "")[:MAX_TEXT].lower()
        if "<" in text:
            text = re.sub(r"<[^>]*>", " ", text)
        words = []
        for word in WORD_RE.findall(text):
            if 1 < len(word) <= 40 and word not in words:
                words.append(word)
        return words[:MAX_WORDS]

    @api.model
    def _suggest_terms_sql(self, words):
        """The lexemes of each word in both languages, with how many documents
        hold them (a unique index lookup each), and the number of documents.
        The stopwords of either language are left out."""
        return SQL(
            """
            WITH w AS (
                SELECT word, ord FROM unnest(%s::text[]) WITH ORDINALITY AS t(word, ord)
            )
            , s AS (
                SELECT w.ord, to_tsvector('english', %s(w.word)) AS en,
                       to_tsvector('spanish', %s(w.word)) AS es
                  FROM w
            )
            SELECT s.ord, l.lexeme, coalesce(v.ndoc, 0)
              FROM s
             CROSS JOIN LATERAL unnest(tsvector_to_array(s.en || s.es)) AS l(lexeme)
              LEFT JOIN support_answer_lexeme v ON v.lexeme = l.lexeme
             -- a stopword of either language is no clue ("my" is no Spanish
             -- stopword, "me" no English one)
             WHERE length(s.en) > 0 AND length(s.es) > 0
             UNION ALL
            SELECT 0, NULL, ndoc FROM support_answer_lexeme WHERE lexeme = %s
            """,
            words,
            SQL.identifier(UNACCENT_FUNCTION),
            SQL.identifier(UNACCENT_FUNCTION),
            TOTAL_KEY,
        )

    @api.model
    def _suggest_corrections_sql(self, lexemes):
        """The known lexemes closest to each of ``lexemes`` (trigram index).
        One subquery each: with the lexeme as a constant, the planner knows
        that few rows match and uses the index."""
        return SQL(" UNION ALL ").join(
            SQL(
                """(SELECT %s, lexeme, ndoc, similarity(lexeme, %s) AS similarity
                      FROM support_answer_lexeme
                     WHERE lexeme %% %s AND lexeme != %s
                     ORDER BY similarity DESC, ndoc DESC
                     LIMIT %s)""",
                lexeme,
                lexeme,
                lexeme,
                TOTAL_KEY,
                MAX_CORRECTIONS,
            )
            for lexeme in lexemes
        )

    @api.model
    def _suggest_candidates_sql(self, query, lexemes, category_id, company_ids):
        """The documents matching ``query`` (full-text index), at most
        MAX_READ of them, the POOL best by ts_rank, with which of ``lexemes``
        they hold and where (title A, keywords B, content C)."""
        return SQL(
            """
            WITH hit AS (
                SELECT d.id,
                       ts_rank(d.search_vector, %(query)s::tsquery)
                       + CASE WHEN d.category_id = %(category)s
                              THEN 0.05 ELSE 0 END AS rank
                  FROM support_answer_document d
                 WHERE d.search_vector @@ %(query)s::tsquery
                   AND (d.company_id IS NULL OR d.company_id = ANY(%(companies)s))
                 LIMIT %(read)s
            ), candidate AS (
                SELECT id FROM hit ORDER BY rank DESC, id LIMIT %(pool)s
            )
            SELECT d.answer_id, d.ticket_id, d.category_id,
                   array_agg(u.lexeme), array_agg(array_to_string(u.weights, ''))
              FROM candidate c
              JOIN support_answer_document d ON d.id = c.id
             CROSS JOIN LATERAL unnest(d.search_vector) AS u
             WHERE u.lexeme = ANY(%(lexemes)s)
             GROUP BY d.id
            """,
            query=query,
            companies=company_ids,
            category=category_id or 0,
            pool=POOL,
            read=MAX_READ,
            lexemes=lexemes,
        )

    @api.model
    def _suggest_terms(self, words):
        """The lexemes of each word, with the number of documents that hold
        them, and the closest known lexemes of the words the index does not
        know. Returns ({position: {lexeme: weight}}, {lexeme: docs}, total)."""
        cr = self.env.cr
        cr.execute(self._suggest_terms_sql(words))
        groups, docs, total = {}, {}, 0
        lexemes_of = {}
        for position, lexeme, ndoc in cr.fetchall():
            if lexeme is None:
                total = ndoc
                continue
            groups.setdefault(position, {})
            lexemes_of.setdefault(position, []).append(lexeme)
            if ndoc:
                groups[position][lexeme] = 1.0
                docs[lexeme] = ndoc
        # words of which no lexeme is known: typing mistakes, maybe
        to_correct = {
            lexeme: position
            for position, lexemes in lexemes_of.items()
            if not groups[position]
            for lexeme in lexemes
            if len(lexeme) >= 3
        }
        if to_correct and self.env.registry.has_trigram:
            cr.execute(self._suggest_corrections_sql(list(to_correct)[:MAX_TYPOS]))
            for typed, lexeme, ndoc, similarity in cr.fetchall():
                if similarity < MIN_SIMILARITY:
                    continue
                group = groups[to_correct[typed]]
                # negative: a correction, which counts in titles and keywords only
                weight = -(0.4 + 0.5 * similarity)
                if lexeme not in group or weight < group[lexeme] < 0:
                    group[lexeme] = weight
                docs[lexeme] = ndoc
        groups = {position: group for position, group in groups.items() if group}
        return groups, docs, max(total, 1)

    @api.model
    def _suggest_queries(self, groups, docs, total):
        """The full-text queries that select the candidates, to try in turn
        until one finds some: any word of the
        text joined by OR, so that one word the index does not know never
        empties the result; on a large index, within a budget of documents
        read, the rarest words alone, then pairs of words (the documents that
        hold both are few), so that the time stays bounded whatever its size.
        The common words still rank the candidates."""

        def terms(group):
            return "(" + " | ".join(_tsquery_term(lexeme) for lexeme in group) + ")"

        size = {
            position: sum(docs[lexeme] for lexeme in group)
            for position, group in groups.items()
        }
        clauses, spent = [], 0
        covered = set()
        for lexeme in sorted(docs, key=lambda lexeme: (docs[lexeme], lexeme)):
            if spent + docs[lexeme] > CANDIDATE_BUDGET:
                break
            clauses.append(_tsquery_term(lexeme))
            spent += docs[lexeme]
            covered |= {p for p, group in groups.items() if lexeme in group}
        rest = sorted((p for p in groups if p not in covered), key=size.get)[
            :PAIR_GROUPS
        ]
        pairs = sorted(
            (size[a] * size[b] / total, a, b)
            for i, a in enumerate(rest)
            for b in rest[i + 1 :]
        )
        for cost, a, b in pairs:
            if spent + cost > CANDIDATE_BUDGET:
                break
            clauses.append(f"{terms(groups[a])} & {terms(groups[b])}")
            spent += cost
        if clauses:
            return [" | ".join(clauses)]
        # only very common words: documents that hold the two rarest, else
        # those that have the rarest in their title or keywords
        rarest = sorted(groups, key=size.get)
        queries = []
        if len(rarest) > 1:
            queries.append(f"{terms(groups[rarest[0]])} & {terms(groups[rarest[1]])}")
        queries.append(
            "("
            + " | ".join(_tsquery_term(lexeme) + ":AB" for lexeme in groups[rarest[0]])
            + ")"
        )
        return queries

    @api.model
    def _suggest(self, text, limit=3, category_id=False, companies=None):
        """The best matches of ``text`` among the indexed documents of
        ``companies`` (and the shared ones), in order.

        :return: list of dicts with ``answer_id`` or ``ticket_id`` and ``score``
        """
        words = self._suggest_words(text)
        if not words:
            return []
        groups, docs, total = self._suggest_terms(words)
        if not groups:
            return []
        idf = {lexeme: math.log(1 + total / ndoc) for lexeme, ndoc in docs.items()}
        lexemes = list(idf)
        company_ids = companies.ids if companies is not None else []
        for query in self._suggest_queries(groups, docs, total):
            self.env.cr.execute(
                self._suggest_candidates_sql(query, lexemes, category_id, company_ids)
            )
            rows = self.env.cr.fetchall()
            if len(rows) >= limit:
                break
        possible = sum(
            max(abs(weight) * idf[lexeme] for lexeme, weight in group.items())
            for group in groups.values()
        )
        results = []
        for (
            answer_id,
            ticket_id,
            doc_category_id,
            found,
            weights,
        ) in rows:
            where = {
                lexeme: min(letters or "D")
                for lexeme, letters in zip(found, weights, strict=True)
            }
            score, matched, strong = 0.0, 0, False
            for group in groups.values():
                best = 0.0
                for lexeme, weight in group.items():
                    letter = where.get(lexeme)
                    if not letter or (weight < 0 and letter not in "AB"):
                        continue
                    best = max(best, abs(weight) * idf[lexeme] * FIELD_WEIGHTS[letter])
                    strong = strong or letter in "AB"
                matched += best > 0
                score += best
            score /= possible
            if category_id and doc_category_id == category_id:
                score *= 1 + CATEGORY_BOOST
            # a word of the content alone is no reason to suggest an answer
            if score >= MIN_SCORE and (strong or matched >= 2):
                results.append(
                    {
                        "answer_id": answer_id,
                        "ticket_id": ticket_id,
                        "score": round(score, 4),
                    }
                )
        results.sort(
            key=lambda r: (-r["score"], r["answer_id"] or 0, r["ticket_id"] or 0)
        )
        return results[:limit]


class SupportAnswerLexeme(models.Model):
    """The words of the index (lexemes) and how many documents hold each: the
    rarer a word, the more it counts; the typing mistakes are corrected to the
    closest of them."""

    _name = "support.answer.lexeme"
    _description = "Word of the suggested answers"
    _log_access = False

    lexeme = fields.Char(required=True)
    ndoc = fields.Integer(string="Documents")

    _lexeme_uniq = models.Constraint("UNIQUE (lexeme)", "A word is counted once.")

    def init(self):
        self.env.cr.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if self.env.cr.fetchone():
            self.env.cr.execute(
                SQL(
                    "CREATE INDEX IF NOT EXISTS %s ON %s "
                    "USING gin (lexeme gin_trgm_ops)",
                    SQL.identifier(f"{self._table}_lexeme_trgm_idx"),
                    SQL.identifier(self._table),
                )
            )

    @api.model
    def _count(self, document_ids, sign):
        """Add (``sign`` 1) or remove (-1) the words of documents."""
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO support_answer_lexeme AS v (lexeme, ndoc)
                SELECT u.lexeme, %(sign)s * count(*)
                  FROM support_answer_document d
                 CROSS JOIN LATERAL unnest(d.search_vector) AS u
                 WHERE d.id = ANY(%(ids)s)
                 GROUP BY u.lexeme
                 UNION ALL
                SELECT %(total)s, %(sign)s * count(*)
                  FROM support_answer_document WHERE id = ANY(%(ids)s)
                ON CONFLICT (lexeme) DO UPDATE SET ndoc = v.ndoc + EXCLUDED.ndoc
                """,
                sign=sign,
                ids=list(document_ids),
                total=TOTAL_KEY,
            )
        )
        if sign < 0:
            self.env.cr.execute(
                SQL(
                    "DELETE FROM support_answer_lexeme "
                    "WHERE ndoc <= 0 AND lexeme != %s",
                    TOTAL_KEY,
                )
            )

    @api.model
    def _rebuild(self):
        """Count every word of the index again (after a bulk import)."""
        self.env.cr.execute("DELETE FROM support_answer_lexeme")
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO support_answer_lexeme (lexeme, ndoc)
                SELECT word, ndoc FROM ts_stat(%s)
                 UNION ALL
                SELECT %s, count(*) FROM support_answer_document
                """,
                "SELECT search_vector FROM support_answer_document",
                TOTAL_KEY,
            )
        )
