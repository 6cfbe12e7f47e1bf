"""Suggested answers: the index, the ranking, access, examples, counting."""

from unittest.mock import patch

import psycopg2

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from odoo.addons.support_ticket.models import support_answer_search
from odoo.addons.support_ticket.models.support_answer import SOLVED_PER_HOUR

from .answer_common import make_answer
from .common import SupportTicketCommon

SEARCH_LOGGER = "odoo.addons.support_ticket.models.support_answer_search"


class SupportAnswerCommon(SupportTicketCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Answer = cls.env["support.answer"]
        cls.portal_user = new_test_user(
            cls.env, login="st_answer_portal", groups="base.group_portal"
        )
        cls.password = make_answer(
            cls.env,
            "Reset your password",
            "Click Forgot password on the login page and follow the emailed link.",
            keywords="forgot, sign in, credentials",
            category_id=cls.category_question.id,
        )
        cls.printer = make_answer(
            cls.env,
            "La impresora no imprime",
            "Apague y encienda la impresora y vacíe la cola de impresión.",
            keywords="imprimir, cola de impresión",
            category_id=cls.category_support.id,
        )
        cls.vpn = make_answer(
            cls.env,
            "Connect to the VPN from home",
            "Install the VPN client and sign in with your account.",
            keywords="remote access, work from home",
        )

    def suggest(self, text, env=None, **kwargs):
        return (env or self.env)["support.answer"].suggest(text, **kwargs)

    def found(self, text, env=None, **kwargs):
        return [(s["model"], s["id"]) for s in self.suggest(text, env, **kwargs)]

    def key(self, record):
        return (record._name, record.id)

    def lexeme_counts(self):
        self.env.flush_all()
        self.env.cr.execute("SELECT lexeme, ndoc FROM support_answer_lexeme")
        return dict(self.env.cr.fetchall())


class TestSupportAnswerSearch(SupportAnswerCommon):
    def test_suggestion_values(self):
        suggestions = self.suggest("I forgot my password")
        self.assertEqual(suggestions[0]["model"], "support.answer")
        self.assertEqual(suggestions[0]["id"], self.password.id)
        self.assertEqual(suggestions[0]["name"], "Reset your password")
        self.assertEqual(suggestions[0]["url"], f"/support/answers/{self.password.id}")
        self.assertGreater(suggestions[0]["score"], 0)
        self.assertLessEqual(suggestions[0]["score"], 1.2)

    def test_accents_and_case_do_not_matter(self):
        for text in ("impresora COLA impresion", "Cola de impresión", "IMPRESIÓN"):
            self.assertEqual(self.found(text)[:1], [self.key(self.printer)], text)

    def test_one_unknown_word_does_not_empty_the_result(self):
        self.assertEqual(
            self.found("zorglub password quux")[:1], [self.key(self.password)]
        )

    def test_typing_mistakes_are_tolerated(self):
        self.assertEqual(self.found("pasword forgoten")[:1], [self.key(self.password)])
        self.assertEqual(self.found("la impresra")[:1], [self.key(self.printer)])

    def test_typing_mistakes_need_the_trigram_extension(self):
        with patch.object(self.env.registry, "has_trigram", False):
            self.assertEqual(self.found("pasword"), [])
            self.assertEqual(self.found("password")[:1], [self.key(self.password)])

    def test_title_weighs_more_than_body(self):
        title = make_answer(self.env, "Router firmware", "Unrelated text.")
        body = make_answer(self.env, "Unrelated title", "Update the router firmware.")
        self.assertEqual(
            self.found("router firmware"), [self.key(title), self.key(body)]
        )

    def test_category_boosts(self):
        first = make_answer(
            self.env, "Export a report", category_id=self.category_support.id
        )
        second = make_answer(
            self.env, "Export a report", category_id=self.category_question.id
        )
        self.assertEqual(self.found("export report")[:1], [self.key(first)])
        self.assertEqual(
            self.found("export report", category_id=self.category_question.id)[:1],
            [self.key(second)],
        )

    def test_limit(self):
        for i in range(5):
            make_answer(self.env, f"Printer error {i}")
        self.assertEqual(len(self.suggest("printer error")), 3)
        self.assertEqual(len(self.suggest("printer error", limit=5)), 5)
        self.assertEqual(len(self.suggest("printer error", limit=500)), 5)
        self.assertEqual(self.suggest(""), [])
        self.assertEqual(self.suggest("  ,; "), [])

    def test_only_published_and_active(self):
        self.password.is_published = False
        self.assertNotIn(self.key(self.password), self.found("forgot password"))
        self.password.is_published = True
        self.assertIn(self.key(self.password), self.found("forgot password"))
        self.password.action_archive()
        self.assertNotIn(self.key(self.password), self.found("forgot password"))

    def test_edits_reach_the_index(self):
        self.vpn.name = "Proxy settings"
        self.assertEqual(self.found("proxy")[:1], [self.key(self.vpn)])
        self.vpn.keywords = "bastion"
        self.assertEqual(self.found("bastion")[:1], [self.key(self.vpn)])
        self.assertNotIn(self.key(self.vpn), self.found("remote access"))
        self.vpn.unlink()
        self.assertEqual(self.found("proxy"), [])

    def test_translations_are_searched(self):
        self.env["res.lang"]._activate_lang("es_ES")
        self.password.update_field_translations(
            "name", {"es_ES": "Restablecer la contraseña"}
        )
        self.assertEqual(self.found("contrasena")[:1], [self.key(self.password)])
        spanish = self.password.with_context(lang="es_ES")
        self.assertEqual(
            self.suggest("contrasena", env=spanish.env)[0]["name"],
            "Restablecer la contraseña",
        )

    def test_vocabulary_follows_the_changes(self):
        self.vpn.name = "Connect to the VPN from the office"
        self.printer.is_published = False
        self.password.copy({"is_published": True})
        self.vpn.unlink()
        counts = self.lexeme_counts()
        self.env["support.answer.lexeme"]._rebuild()
        self.assertEqual(self.lexeme_counts(), counts)
        self.assertEqual(counts[""], 2)  # the two answers about passwords
        self.assertNotIn("impresora", counts)

    def test_companies(self):
        other = self.env["res.company"].create({"name": "Other company"})
        theirs = make_answer(self.env, "Password of the other company")
        theirs.company_id = other
        shared = make_answer(self.env, "Password for everyone", company_id=False)
        found = self.found("password", env=self.env(user=self.portal_user))
        self.assertIn(self.key(shared), found)
        self.assertNotIn(self.key(theirs), found)
        user = new_test_user(
            self.env,
            login="st_other_portal",
            groups="base.group_portal",
            company_id=other.id,
            company_ids=[other.id],
        )
        found = self.found("password", env=self.env(user=user))
        self.assertIn(self.key(theirs), found)
        self.assertIn(self.key(shared), found)
        self.assertNotIn(self.key(self.password), found)

    def test_rerank_hook(self):
        for i in range(3):
            make_answer(self.env, f"Password trouble {i}")
        received = []

        def rerank(model, text, suggestions):
            received.append((text, list(suggestions)))
            return list(reversed(suggestions))

        plain = self.suggest("password trouble", limit=2)
        with patch.object(type(self.Answer), "_suggest_rerank", rerank):
            reranked = self.suggest("password trouble", limit=2)
        self.assertEqual(received[0][0], "password trouble")
        self.assertGreater(len(received[0][1]), 2)
        self.assertEqual(reranked, list(reversed(received[0][1]))[:2])
        self.assertNotEqual(reranked, plain)

    def test_candidates_of_a_large_index(self):
        """The rarest words select the candidates within a budget, then pairs
        of words, then the rarest common words together."""
        queries = self.env["support.answer.document"]._suggest_queries
        self.assertEqual(
            queries({1: {"a": 1.0}, 2: {"b": 1.0}}, {"a": 50, "b": 80}, 200),
            ["'a' | 'b'"],
            "a small index: every word",
        )
        self.assertEqual(
            queries({1: {"a": 1.0}, 2: {"b": 1.0}}, {"a": 500, "b": 800}, 100000),
            ["'a'"],
            "the rarest word within the budget",
        )
        groups = {1: {"a": 1.0}, 2: {"b": 1.0, "b2": -0.8}, 3: {"c": 1.0}}
        docs = {"a": 5000, "b": 5000, "b2": 1000, "c": 7000}
        self.assertEqual(
            queries(groups, docs, 100000),
            ["('a') & ('b' | 'b2')"],
            "the least frequent pair",
        )
        docs = {"a": 50000, "b": 60000, "b2": 1000, "c": 70000}
        self.assertEqual(
            queries(groups, docs, 100000),
            ["('a') & ('b' | 'b2')", "('a':AB)"],
            "common words only: both rarest, else the rarest in titles",
        )

    def test_query_count(self):
        env = self.env(user=self.portal_user)
        self.suggest("forgot pasword", env=env)
        with self.assertQueryCount(5):
            self.suggest("forgot pasword", env=env)
        make_answer(self.env, "Forgot the password again")
        with self.assertQueryCount(5):
            self.suggest("forgot pasword", env=env)


class TestSupportAnswerAccess(SupportAnswerCommon):
    def test_support_users_read_managers_write(self):
        agent_env = self.env(user=self.user_agent)
        self.assertEqual(
            agent_env["support.answer"].search([("id", "=", self.password.id)]),
            self.password,
        )
        with self.assertRaises(AccessError):
            agent_env["support.answer"].create({"name": "Mine"})
        with self.assertRaises(AccessError):
            self.password.with_user(self.user_agent).name = "Changed"
        answer = self.env(user=self.user_manager)["support.answer"].create(
            {"name": "Managers write answers", "is_published": True}
        )
        self.assertEqual(self.found("managers write")[:1], [self.key(answer)])

    def test_portal_users_and_employees_only_through_suggest(self):
        for user in (self.portal_user, self.user_employee):
            env = self.env(user=user)
            with self.assertRaises(AccessError):
                env["support.answer"].search([])
            self.assertEqual(
                self.found("forgot password", env=env)[:1], [self.key(self.password)]
            )
            content = env["support.answer"].suggestion_content(
                "support.answer", self.password.id
            )
            self.assertIn("emailed link", content["body"])

    def test_content_of_unpublished_or_unknown(self):
        Answer = self.env(user=self.portal_user)["support.answer"]
        self.password.is_published = False
        self.assertFalse(Answer.suggestion_content("support.answer", self.password.id))
        self.assertFalse(Answer.suggestion_content("res.users", 1))
        self.assertFalse(Answer.suggestion_content("support.answer", "x"))
        self.assertFalse(Answer.mark_solved("support.answer", self.password.id))


class TestSupportAnswerExamples(SupportAnswerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls._create_ticket(
            name="Scanner does not send emails",
            partner_id=cls.customer.id,
            description="<p>My secret customer number is 998877</p>",
            team_id=cls.team_tech.id,
        )
        cls.ticket._add_reply(
            "Update the SMTP password of the scanner.",
            author_id=cls.user_agent.partner_id.id,
        )
        cls.ticket._add_reply(
            "Customer private answer 445566", author_id=cls.customer.id
        )
        cls.ticket._add_reply(
            "Internal note 112233",
            author_id=cls.user_agent.partner_id.id,
            is_internal=True,
        )

    def resolve(self):
        self.ticket.stage_id = self.stage_resolved

    def test_only_resolved_tickets_by_managers(self):
        with self.assertRaises(ValidationError):
            self.ticket.with_user(self.user_manager).is_answer_example = True
        self.resolve()
        with self.assertRaises(AccessError):
            self.ticket.with_user(self.user_agent).action_answer_example_mark()
        self.ticket.with_user(self.user_manager).action_answer_example_mark()
        self.assertTrue(self.ticket.is_answer_example)
        self.assertEqual(self.found("scanner emails")[:1], [self.key(self.ticket)])

    def test_what_an_example_exposes(self):
        self.resolve()
        self.ticket.is_answer_example = True
        env = self.env(user=self.portal_user)
        suggestion = self.suggest("scanner smtp", env=env)[0]
        self.assertEqual(
            suggestion,
            {
                "model": "support.ticket",
                "id": self.ticket.id,
                "name": "Scanner does not send emails",
                "url": f"/support/answers/example/{self.ticket.id}",
                "score": suggestion["score"],
            },
        )
        content = env["support.answer"].suggestion_content(
            "support.ticket", self.ticket.id
        )
        self.assertIn("SMTP password", content["body"])
        self.env.cr.execute(
            "SELECT title, keywords, content FROM support_answer_document "
            "WHERE ticket_id = %s",
            [self.ticket.id],
        )
        indexed = " ".join(v or "" for v in self.env.cr.fetchone())
        for private in ("998877", "445566", "112233", self.customer.name):
            self.assertNotIn(private, str(content), private)
            self.assertNotIn(private, indexed, private)
            self.assertEqual(self.found(private), [], private)

    def test_reopened_examples_wait(self):
        self.resolve()
        self.ticket.is_answer_example = True
        self.ticket.action_reopen()
        self.assertEqual(self.found("scanner smtp"), [])
        self.ticket._add_reply(
            "Also check the port 587.", author_id=self.user_agent.partner_id.id
        )
        self.resolve()
        self.assertEqual(self.found("scanner port 587")[:1], [self.key(self.ticket)])
        self.ticket.action_answer_example_unmark()
        self.assertEqual(self.found("scanner smtp"), [])

    def test_deleted_examples_leave_the_index(self):
        self.resolve()
        self.ticket.is_answer_example = True
        before = self.lexeme_counts()[""]
        self.ticket.sudo().unlink()
        self.assertEqual(self.lexeme_counts()[""], before - 1)
        self.assertEqual(self.found("scanner smtp"), [])


class TestSupportAnswerSolved(SupportAnswerCommon):
    def test_counted_once_a_day_per_person(self):
        Answer = self.env(user=self.portal_user)["support.answer"]
        self.assertTrue(Answer.mark_solved("support.answer", self.password.id))
        self.assertFalse(Answer.mark_solved("support.answer", self.password.id))
        self.assertTrue(
            self.env(user=self.user_agent)["support.answer"].mark_solved(
                "support.answer", self.password.id
            )
        )
        self.assertEqual(self.password.solved_count, 2)

    def test_at_most_some_an_hour(self):
        answers = [
            make_answer(self.env, f"Answer {i}") for i in range(SOLVED_PER_HOUR + 1)
        ]
        Answer = self.env(user=self.portal_user)["support.answer"]
        counted = [Answer.mark_solved("support.answer", a.id) for a in answers]
        self.assertEqual(counted, [True] * SOLVED_PER_HOUR + [False])
        self.assertEqual(answers[-1].solved_count, 0)

    def test_examples_count_too(self):
        ticket = self._create_ticket(name="Keyboard types odd letters")
        ticket._add_reply("Change the keyboard layout.")
        ticket.stage_id = self.stage_resolved
        ticket.is_answer_example = True
        self.assertTrue(
            self.env(user=self.portal_user)["support.answer"].mark_solved(
                "support.ticket", ticket.id
            )
        )
        self.assertEqual(ticket.answer_solved_count, 1)


@tagged("post_install", "-at_install")
class TestSupportAnswerIndexes(SupportAnswerCommon):
    def test_served_from_indexes(self):
        cr = self.env.cr
        cr.execute(
            """INSERT INTO support_answer_document (title, keywords, content)
               SELECT 'Answer ' || g || ' about ' || md5(g::text),
                      'topic' || mod(g, 500), 'Body ' || md5((g * 7)::text)
                 FROM generate_series(1, 20000) AS g"""
        )
        self.env["support.answer.lexeme"]._rebuild()
        cr.execute("ANALYZE support_answer_document")
        cr.execute("ANALYZE support_answer_lexeme")
        Document = self.env["support.answer.document"]
        captured = []
        execute = cr.execute

        def capture(query, params=None, log_exceptions=True):
            captured.append(query)
            return execute(query, params, log_exceptions)

        with patch.object(cr, "execute", capture):
            Document._suggest("topic17 pasword", companies=self.env.companies)
        terms, corrections, candidates = (
            next(q for q in captured if marker in q.code)
            for marker in ("WITH ORDINALITY", "similarity(", "WITH hit")
        )

        def plan(query):
            cr.execute(SQL("EXPLAIN %s", query))
            return "\n".join(row[0] for row in cr.fetchall())

        plans = [plan(q) for q in (terms, corrections, candidates)]
        for text in plans:
            self.assertNotIn("Seq Scan on support_answer", text)
        self.assertIn("support_answer_lexeme_lexeme_uniq", plans[0])
        self.assertIn("support_answer_lexeme_lexeme_trgm_idx", plans[1])
        self.assertIn("support_answer_document_search_vector_idx", plans[2])
        # without the indexes, the planner would read the whole tables
        cr.execute("DROP INDEX support_answer_document_search_vector_idx")
        cr.execute("DROP INDEX support_answer_lexeme_lexeme_trgm_idx")
        self.assertIn("Seq Scan on support_answer_document", plan(candidates))
        self.assertIn("Seq Scan on support_answer_lexeme", plan(corrections))


class TestSupportAnswerDegraded(SupportAnswerCommon):
    def test_install_without_the_extensions(self):
        cr = self.env.cr

        class Refusing:
            """A cursor on a database that has neither extension and may
            create none."""

            def __init__(self, cr):
                self.cr = cr
                self.last = None

            def execute(self, query, params=None):
                text = query.code if isinstance(query, SQL) else query
                self.last = text
                if "CREATE EXTENSION" in text or "CREATE SCHEMA" in text:
                    raise psycopg2.errors.InsufficientPrivilege("permission denied")
                if "pg_extension" in text:
                    return None
                return self.cr.execute(query, params)

            def fetchone(self):
                return None if "pg_extension" in self.last else self.cr.fetchone()

            def savepoint(self):
                return self.cr.savepoint()

            def mogrify(self, query, params=None):
                return self.cr.mogrify(query, params)

        with self.assertLogs(SEARCH_LOGGER, "WARNING") as logs:
            status = support_answer_search._setup_extensions(Refusing(cr))
        self.assertEqual(status, {"trigram": False, "unaccent": False})
        self.assertIn("pg_trgm could not be created", logs.output[0])
        self.assertIn("CREATE EXTENSION pg_trgm", logs.output[0])
        self.assertIn("unaccent could not be created", logs.output[1])
        cr.execute(
            "SELECT prosrc FROM pg_proc WHERE proname = %s",
            [support_answer_search.UNACCENT_FUNCTION],
        )
        self.assertIn("translate", cr.fetchone()[0])
        # accents are still folded for Spanish
        cr.execute("SELECT support_ticket_unaccent('Impresión EÑE')")
        self.assertEqual(cr.fetchone()[0], "impresion ene")
        self.assertEqual(self.found("impresión")[:1], [self.key(self.printer)])

    def test_index_follows_when_unaccent_arrives(self):
        cr = self.env.cr

        def without_unaccent(cr):
            cr.execute(
                SQL(
                    "CREATE OR REPLACE FUNCTION support_ticket_unaccent(text) "
                    "RETURNS text LANGUAGE sql IMMUTABLE STRICT AS %s",
                    "SELECT lower($1)",
                )
            )

        without_unaccent(cr)
        answer = make_answer(self.env, "Cœur du réseau")
        self.assertIn("cœur", self.lexeme_counts())
        # an update of the addon where unaccent can be used
        self.env["support.answer.document"].init()
        self.assertEqual(self.found("coeur reseau")[:1], [self.key(answer)])
        counts = self.lexeme_counts()
        self.assertIn("coeur", counts)
        self.assertNotIn("cœur", counts)

    def test_unaccent_found_in_the_database_is_used(self):
        support_answer_search._setup_extensions(self.env.cr)
        self.env.cr.execute(
            "SELECT prosrc FROM pg_proc WHERE proname = %s",
            [support_answer_search.UNACCENT_FUNCTION],
        )
        self.assertIn("unaccent(", self.env.cr.fetchone()[0])
