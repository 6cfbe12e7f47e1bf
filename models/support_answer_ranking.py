"""Ranking of the suggested answers: from what someone types to the best
documents of the index, served by its indexes whatever its size."""

import math
import re

from odoo import api, models
from odoo.tools import SQL

from .support_answer_search import TOTAL_KEY, UNACCENT_FUNCTION

# how much a word counts where it is found: title, keywords, content
FIELD_WEIGHTS = {"A": 1.0, "B": 0.85, "C": 0.35, "D": 0.35}
WORD_RE = re.compile(r"\w+")
MAX_TEXT = 1000
MAX_WORDS = 24
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


def _tsquery_term(lexeme):
    return "'{}'".format(lexeme.replace("\\", "\\\\").replace("'", "''"))


class SupportAnswerDocument(models.Model):
    # the ranking, apart from the storage of the index
    _inherit = "support.answer.document"  # pylint: disable=consider-merging-classes-inherited

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
