"""Search index of the suggested answers: the PostgreSQL extensions, the
documents with their full-text vectors (Spanish and English, accents folded)
and the vocabulary that weighs the words and corrects typing mistakes."""

import logging

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

MAX_CONTENT = 20000
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


def _create_gin_index(cr, name, table, expression):
    """A GIN index without its pending list: the entries of an edited answer
    go in the index at once, so that no query has to read a growing list of
    pending entries (nor the planner avoid the index because of them)."""
    cr.execute(
        SQL(
            "CREATE INDEX IF NOT EXISTS %s ON %s USING gin (%s) "
            "WITH (fastupdate = off)",
            SQL.identifier(name),
            SQL.identifier(table),
            expression,
        )
    )
    cr.execute(SQL("ALTER INDEX %s SET (fastupdate = off)", SQL.identifier(name)))


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
        _create_gin_index(
            cr, f"{self._table}_search_vector_idx", self._table, SQL("search_vector")
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
            _create_gin_index(
                self.env.cr,
                f"{self._table}_lexeme_trgm_idx",
                self._table,
                SQL("lexeme gin_trgm_ops"),
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
