"""Quality of the suggestions on a labelled English and Spanish set."""

import logging

from odoo.tests import TransactionCase, new_test_user

from .answer_common import create_answer_corpus
from .answer_quality_data import ANSWERS, EXAMPLES, QUESTIONS, UNRELATED

_logger = logging.getLogger(__name__)


class TestSupportAnswerQuality(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.keys = create_answer_corpus(cls.env)
        cls.portal = new_test_user(
            cls.env, login="st_quality_portal", groups="base.group_portal"
        )

    def _precision(self, env):
        at_1 = at_3 = 0
        misses = []
        for key, question in QUESTIONS:
            found = [
                (s["model"], s["id"]) for s in env["support.answer"].suggest(question)
            ]
            expected = self.keys[key]
            at_1 += found[:1] == [expected]
            at_3 += expected in found
            if found[:1] != [expected]:
                names = {v: k for k, v in self.keys.items()}
                misses.append((question, key, [names.get(f) for f in found]))
        return at_1 / len(QUESTIONS), at_3 / len(QUESTIONS), misses

    def test_precision_at_1_and_3(self):
        self.assertGreaterEqual(len(ANSWERS), 40)
        self.assertGreaterEqual(len(QUESTIONS), 80)
        self.assertEqual(
            {key for key, _question in QUESTIONS},
            {a[0] for a in ANSWERS} | {e[0] for e in EXAMPLES},
            "every answer and example is asked for",
        )
        at_1, at_3, misses = self._precision(self.env)
        _logger.info(
            "suggested answers: precision@1 %.3f, precision@3 %.3f over %s questions "
            "(%s answers, %s examples); not first: %s",
            at_1,
            at_3,
            len(QUESTIONS),
            len(ANSWERS),
            len(EXAMPLES),
            misses,
        )
        self.assertGreaterEqual(at_1, 0.9, misses)
        self.assertGreaterEqual(at_3, 0.95, misses)

    def test_same_ranking_for_a_portal_user(self):
        env = self.env(user=self.portal)
        for _key, question in QUESTIONS[::7]:
            self.assertEqual(
                env["support.answer"].suggest(question),
                self.env["support.answer"].suggest(question),
                question,
            )

    def test_unrelated_text_suggests_nothing(self):
        for text in UNRELATED:
            self.assertEqual(self.env["support.answer"].suggest(text), [], text)
