"""Time the hot paths of support_ticket against a real database.

Run through ``bench/run``, which prepares a fresh database. Each "one by one"
operation is its own transaction (committed), as when a user works in the
back office; the batch is one transaction.
"""

import argparse
import logging
import random
import threading
import time
from email.message import EmailMessage
from email.utils import make_msgid

from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, api
from odoo.fields import Command
from odoo.modules.registry import Registry
from odoo.tools import config

# notification emails are queued for the mail cron rather than sent right
# after each transaction: the figures measure the addon, not an SMTP server
CONTEXT = {"mail_notify_force_send": False}


def rate(count, seconds, unit):
    return f"{count} in {seconds:.2f} s = {count / seconds:,.1f} {unit}/s"


def setup(registry):
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, CONTEXT)
        agent = env["res.users"].create(
            {
                "name": "Bench Agent",
                "login": "bench_agent",
                "email": "bench.agent@example.com",
                "group_ids": [
                    Command.link(env.ref("support_ticket.group_support_user").id)
                ],
            }
        )
        env.ref("support_ticket.support_team_helpdesk").member_ids = [
            Command.link(agent.id)
        ]
        customer = env["res.partner"].create(
            {"name": "Bench Customer", "email": "c@example.com"}
        )
        return agent.id, customer.id


def bench_one_by_one(registry, uid, customer_id, count):
    ids = []
    start = time.perf_counter()
    for i in range(count):
        with registry.cursor() as cr:
            env = api.Environment(cr, uid, CONTEXT)
            ticket = env["support.ticket"].create(
                {
                    "name": f"One by one {i}",
                    "partner_id": customer_id,
                    "description": "<p>Bench</p>",
                }
            )
            ids.append(ticket.id)
    return time.perf_counter() - start, ids


def bench_batch(registry, uid, customer_id, count):
    start = time.perf_counter()
    with registry.cursor() as cr:
        env = api.Environment(cr, uid, CONTEXT)
        tickets = env["support.ticket"].create(
            [
                {
                    "name": f"Batch {i}",
                    "partner_id": customer_id,
                    "description": "<p>Bench</p>",
                }
                for i in range(count)
            ]
        )
        codes = tickets.mapped("code")
    elapsed = time.perf_counter() - start
    assert len(set(codes)) == count, "duplicate codes in a batch"
    return elapsed


def bench_replies(registry, uid, ticket_ids, count):
    start = time.perf_counter()
    for i in range(count):
        with registry.cursor() as cr:
            env = api.Environment(cr, uid, CONTEXT)
            ticket = env["support.ticket"].browse(ticket_ids[i % len(ticket_ids)])
            ticket._add_reply(f"Reply number {i}")
    return time.perf_counter() - start


def bench_concurrent(registry, uid, customer_id, workers, per_worker):
    codes, errors, retries = [], [], []
    lock = threading.Lock()
    barrier = threading.Barrier(workers)

    def create_one(worker, i):
        # as Odoo does for requests: a transaction that loses a race
        # (serialization failure) is rolled back and replayed
        for attempt in range(5):
            try:
                with registry.cursor() as cr:
                    env = api.Environment(cr, uid, CONTEXT)
                    ticket = env["support.ticket"].create(
                        {
                            "name": f"Worker {worker} ticket {i}",
                            "partner_id": customer_id,
                        }
                    )
                    code = ticket.code
                return code, attempt
            except SerializationFailure:
                time.sleep(random.uniform(0.0, 0.05 * 2**attempt))
        raise RuntimeError(
            f"worker {worker} ticket {i}: too many serialization failures"
        )

    def work(worker):
        try:
            barrier.wait(timeout=30)
            for i in range(per_worker):
                code, attempts = create_one(worker, i)
                with lock:
                    codes.append(code)
                    retries.append(attempts)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(workers)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, codes, errors, sum(retries)


def setup_mail(registry):
    """An alias domain and an address for the default area."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, CONTEXT)
        domain = env["mail.alias.domain"].create(
            {
                "name": "bench.example.com",
                "bounce_alias": "bounce",
                "catchall_alias": "catchall",
            }
        )
        env.company.alias_domain_id = domain
        env.ref("support_ticket.support_team_helpdesk").write(
            {"alias_name": "help", "alias_domain_id": domain.id}
        )


def build_email(i, subject, in_reply_to=None):
    message = EmailMessage()
    message["From"] = f"Customer {i % 50} <customer{i % 50}@bench.example.org>"
    message["To"] = "help@bench.example.com"
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="bench.example.org")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    message.set_content(f"Message number {i}.\nIt has two lines.")
    message.add_alternative(
        f"<p>Message number <b>{i}</b>.</p><p>It has two lines.</p>", "html"
    )
    return message.as_bytes()


def bench_incoming(registry, count):
    """``count`` emails opening tickets, then ``count`` answers to them, each
    processed in its own transaction as the fetchmail cron does."""
    opened = []
    start = time.perf_counter()
    for i in range(count):
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, CONTEXT)
            ticket_id = env["mail.thread"].message_process(
                False, build_email(i, f"Problem {i}")
            )
            opened.append(ticket_id)
    new_elapsed = time.perf_counter() - start
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, CONTEXT)
        acks = {
            mail.res_id: mail.message_id
            for mail in env["mail.mail"].search(
                [("model", "=", "support.ticket"), ("res_id", "in", opened)]
            )
        }
    start = time.perf_counter()
    for i, ticket_id in enumerate(opened):
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, CONTEXT)
            raw = build_email(i, f"Re: Problem {i}", in_reply_to=acks[ticket_id])
            env["mail.thread"].message_process(False, raw)
    answer_elapsed = time.perf_counter() - start
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, CONTEXT)
        replies = env["support.ticket.reply"].search_count(
            [("ticket_id", "in", opened), ("origin", "=", "email")]
        )
    assert replies == count, f"{replies} replies for {count} answers"
    return new_elapsed, answer_elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument("--replies", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--per-worker", type=int, default=100)
    parser.add_argument("--emails", type=int, default=500)
    args = parser.parse_args()

    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    # replayed transactions are expected under concurrency: do not log them
    logging.getLogger("odoo.sql_db").setLevel(logging.CRITICAL)
    registry = Registry(args.database)
    uid, customer_id = setup(registry)

    elapsed, ids = bench_one_by_one(registry, uid, customer_id, args.tickets)
    print(f"tickets one by one:    {rate(args.tickets, elapsed, 'tickets')}")
    elapsed = bench_batch(registry, uid, customer_id, args.tickets)
    print(f"tickets in one call:   {rate(args.tickets, elapsed, 'tickets')}")
    elapsed = bench_replies(registry, uid, ids, args.replies)
    print(f"replies one by one:    {rate(args.replies, elapsed, 'replies')}")
    total = args.workers * args.per_worker
    elapsed, codes, errors, retried = bench_concurrent(
        registry, uid, customer_id, args.workers, args.per_worker
    )
    unique = len(set(codes)) == len(codes) == total and not errors
    figures = rate(total, elapsed, "tickets")
    print(
        f"concurrent creation:   {args.workers} workers, {figures}, "
        f"codes unique: {'yes' if unique else 'NO'} ({retried} transactions replayed)"
    )
    for error in errors:
        print(f"  error: {error!r}")
    setup_mail(registry)
    new_elapsed, answer_elapsed = bench_incoming(registry, args.emails)
    print(f"emails opening tickets: {rate(args.emails, new_elapsed, 'messages')}")
    print(f"emails answering:      {rate(args.emails, answer_elapsed, 'messages')}")
    return 0 if unique else 1


if __name__ == "__main__":
    raise SystemExit(main())
