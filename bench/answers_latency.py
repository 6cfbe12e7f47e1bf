"""Latency of the suggested answers with 100,000 answers and examples.

Run through ``bench/answers``, which prepares a fresh database. Generates the
answers and the example tickets by batched SQL (their text drawn from a
vocabulary with a Zipf distribution, in English and Spanish words), indexes
them with the addon's own code, adds the labelled set of the tests, then times
``support.answer.suggest`` as a portal user over many texts and prints the
median, the 95th percentile and the query plans.
"""

import argparse
import json
import logging
import os
import random
import statistics
import string
import time

from odoo import SUPERUSER_ID, api
from odoo.fields import Command
from odoo.modules.registry import Registry
from odoo.tools import SQL, config

# the labelled set of the tests, imported once the registry has loaded the addon
ANSWERS = QUESTIONS = create_answer_corpus = None

BATCH = 5000


def vocabulary(rng, size):
    """Made-up words, and among them the real words of the labelled set at
    ranks 100 to 8,000 (the head of the distribution is generic words), so
    that the generated texts share words with the questions as other answers
    of a real helpdesk would."""
    real = []
    for _key, _category, name, keywords, body in ANSWERS:
        for word in f"{name} {keywords} {body}".lower().split():
            word = word.strip(".,;:()«»?¿!%>")
            if len(word) > 2 and word.isalpha() and word not in real:
                real.append(word)
    rng.shuffle(real)
    syllables = [a + b for a in "bcdfglmnprstvz" for b in "aeiou"]
    made = set()
    while len(made) < size - len(real):
        made.add("".join(rng.choice(syllables) for _i in range(rng.randint(2, 4))))
    made = sorted(made)
    rng.shuffle(made)
    for word in real:
        made.insert(rng.randint(100, 8000), word)
    return made


def zipf_words(rng, words, weights, count):
    return rng.choices(words, cum_weights=weights, k=count)


def zipf_vocabulary(seed):
    words = vocabulary(random.Random(seed), 30000)
    cumulative, total = [], 0.0
    for rank in range(1, len(words) + 1):
        total += 1 / rank**1.07
        cumulative.append(total)
    return words, cumulative


def generate(registry, count, examples, seed):
    rng = random.Random(seed + 2)
    words, cumulative = zipf_vocabulary(seed)

    def text(low, high):
        return " ".join(zipf_words(rng, words, cumulative, rng.randint(low, high)))

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = env.company
        categories = env["support.category"].search([]).ids
        start = time.perf_counter()
        for offset in range(0, count, BATCH):
            size = min(BATCH, count - offset)
            cr.execute(
                SQL(
                    """INSERT INTO support_answer
                           (name, keywords, body, category_id, company_id,
                            is_published, active, sequence, solved_count,
                            create_uid, write_uid, create_date, write_date)
                       SELECT jsonb_build_object('en_US', n),
                              jsonb_build_object('en_US', k),
                              jsonb_build_object('en_US', b), c, %s, true, true, 10, 0,
                              1, 1, now(), now()
                         FROM unnest(%s::text[], %s::text[], %s::text[], %s::int[])
                              AS t(n, k, b, c)
                       RETURNING id""",
                    company.id,
                    [text(3, 8).capitalize() for _i in range(size)],
                    [", ".join(text(1, 2) for _j in range(3)) for _i in range(size)],
                    [
                        f"<p>{text(25, 70)}.</p><p>{text(10, 30)}.</p>"
                        for _i in range(size)
                    ],
                    [rng.choice(categories) for _i in range(size)],
                )
            )
            ids = [row[0] for row in cr.fetchall()]
            env["support.answer.document"]._sync(
                answers=env["support.answer"].browse(ids)
            )
            env.invalidate_all()
        print(
            f"{count:,} answers generated and indexed in "
            f"{time.perf_counter() - start:.1f} s"
        )

        start = time.perf_counter()
        tech = env["res.users"].create(
            {
                "name": "Bench Tech",
                "login": "bench_answers_tech",
                "group_ids": [
                    Command.link(env.ref("support_ticket.group_support_user").id)
                ],
            }
        )
        resolved = env.ref("support_ticket.support_stage_resolved")
        for offset in range(0, examples, BATCH):
            size = min(BATCH, examples - offset)
            cr.execute(
                SQL(
                    """INSERT INTO support_ticket
                           (code, name, company_id, origin, stage_id, is_locked,
                            is_answer_example, category_id, description, create_date,
                            write_date, create_uid, write_uid)
                       SELECT c, n, %s, 'portal', %s, true, true, cat, d,
                              now(), now(), 1, 1
                         FROM unnest(%s::text[], %s::text[], %s::int[], %s::text[])
                              AS t(c, n, cat, d)
                       RETURNING id""",
                    company.id,
                    resolved.id,
                    [f"BENCH-{offset + i:06d}" for i in range(size)],
                    [text(3, 8).capitalize() for _i in range(size)],
                    [rng.choice(categories) for _i in range(size)],
                    [f"<p>Private: {text(10, 20)}</p>" for _i in range(size)],
                )
            )
            ids = [row[0] for row in cr.fetchall()]
            cr.execute(
                SQL(
                    """INSERT INTO support_ticket_reply
                           (ticket_id, origin, date, body, author_id, is_internal,
                            company_id)
                       SELECT t, 'manual', now(), b, %s, false, %s
                         FROM unnest(%s::int[], %s::text[]) AS r(t, b)""",
                    tech.partner_id.id,
                    company.id,
                    ids,
                    [f"<p>{text(20, 60)}.</p>" for _i in range(size)],
                )
            )
            env["support.answer.document"]._sync(
                tickets=env["support.ticket"].browse(ids)
            )
            env.invalidate_all()
        print(
            f"{examples:,} example tickets generated and indexed in "
            f"{time.perf_counter() - start:.1f} s"
        )
        keys = create_answer_corpus(env)
        cr.execute("SELECT count(*) FROM support_answer_document")
        print(f"index: {cr.fetchone()[0]:,} documents")
        cr.execute("SELECT count(*) FROM support_answer_lexeme")
        print(f"vocabulary: {cr.fetchone()[0]:,} lexemes")
        portal = env["res.users"].create(
            {
                "name": "Bench Portal",
                "login": "bench_answers_portal",
                "group_ids": [Command.link(env.ref("base.group_portal").id)],
            }
        )
        # kept for --measure-only
        env["ir.config_parameter"].set_param(
            "support_ticket.bench_answers", json.dumps([portal.id, list(keys.items())])
        )
        return portal.id, keys


def generated(registry):
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        uid, keys = json.loads(
            env["ir.config_parameter"].get_param("support_ticket.bench_answers")
        )
        return uid, {key: tuple(value) for key, value in keys}


def typo(rng, word):
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + rng.choice(string.ascii_lowercase) + word[i + 1 :]


def texts(seed, words, cumulative, count):
    """The labelled questions, then made-up texts of 3 to 12 words with a
    typing mistake in one of three."""
    rng = random.Random(seed + 1)
    result = [question for _key, question in QUESTIONS]
    while len(result) < count:
        chosen = zipf_words(rng, words, cumulative, rng.randint(3, 12))
        if rng.random() < 0.33:
            i = rng.randrange(len(chosen))
            chosen[i] = typo(rng, chosen[i])
        result.append(" ".join(chosen))
    return result


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(registry, uid, keys, samples, rounds):
    with registry.cursor() as cr:
        cr.execute("ANALYZE support_answer_document")
        cr.execute("ANALYZE support_answer_lexeme")
    with registry.cursor() as cr:
        env = api.Environment(cr, uid, {})
        Answer = env["support.answer"]
        for text in samples[:50]:  # warm the caches
            Answer.suggest(text)
        timings = []
        for _round in range(rounds):
            for text in samples:
                start = time.perf_counter()
                Answer.suggest(text)
                timings.append((time.perf_counter() - start) * 1000)
        at_1 = 0
        for key, question in QUESTIONS:
            found = [(s["model"], s["id"]) for s in Answer.suggest(question)]
            at_1 += found[:1] == [keys[key]]
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        print(f"load average of the machine: {load} ({os.cpu_count()} CPUs)")
        print(
            f"suggest() as a portal user, {len(timings):,} calls "
            f"({len(samples)} texts x {rounds}): "
            f"median {statistics.median(timings):.1f} ms, "
            f"p95 {percentile(timings, 0.95):.1f} ms, "
            f"p99 {percentile(timings, 0.99):.1f} ms, "
            f"max {max(timings):.1f} ms"
        )
        print(
            f"labelled questions among the 100,000: precision@1 "
            f"{at_1 / len(QUESTIONS):.3f}"
        )
        explain(env, QUESTIONS[0][1])
        explain(env, "impresra desconectda")


def explain(env, text):
    """The plans of the queries of one suggestion."""
    Document = env["support.answer.document"].sudo()
    captured = []
    cr = env.cr
    execute = cr.execute

    def capture(query, params=None, log_exceptions=True):
        captured.append(query)
        return execute(query, params, log_exceptions)

    cr.execute = capture
    try:
        Document._suggest(text, companies=env.companies)
    finally:
        cr.execute = execute
    print(f"\nEXPLAIN ANALYZE of the queries of suggest({text!r}):")
    for query in captured:
        cr.execute(
            SQL("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) %s", query)
        )
        print("\n".join(f"    {row[0]}" for row in cr.fetchall()))
        print()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--answers", type=int, default=90000)
    parser.add_argument("--examples", type=int, default=10000)
    parser.add_argument("--texts", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--measure-only",
        action="store_true",
        help="measure again on the database of a previous run",
    )
    args = parser.parse_args()
    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    logging.getLogger("odoo").setLevel(logging.WARNING)
    registry = Registry(args.database)
    global ANSWERS, QUESTIONS, create_answer_corpus  # noqa: PLW0603
    from odoo.addons.support_ticket.tests import (  # noqa: PLC0415
        answer_common,
        answer_quality_data,
    )

    ANSWERS, QUESTIONS = answer_quality_data.ANSWERS, answer_quality_data.QUESTIONS
    create_answer_corpus = answer_common.create_answer_corpus
    if args.measure_only:
        uid, keys = generated(registry)
    else:
        uid, keys = generate(registry, args.answers, args.examples, args.seed)
    samples = texts(args.seed, *zipf_vocabulary(args.seed), args.texts)
    measure(registry, uid, keys, samples, args.rounds)


if __name__ == "__main__":
    main()
