"""Time the hot paths of support_ticket against a real database.

Run through ``bench/run``, which prepares a fresh database. Each "one by one"
operation is its own transaction (committed), as when a user works in the
back office; the batch is one transaction.
"""

import argparse
import threading
import time

from odoo import SUPERUSER_ID, api
from odoo.fields import Command
from odoo.modules.registry import Registry
from odoo.tools import config


def rate(count, seconds, unit):
    return f"{count} in {seconds:.2f} s = {count / seconds:,.1f} {unit}/s"


def setup(registry):
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
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
            env = api.Environment(cr, uid, {})
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
        env = api.Environment(cr, uid, {})
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
            env = api.Environment(cr, uid, {})
            ticket = env["support.ticket"].browse(ticket_ids[i % len(ticket_ids)])
            ticket._add_reply(f"Reply number {i}")
    return time.perf_counter() - start


def bench_concurrent(registry, uid, customer_id, workers, per_worker):
    codes, errors = [], []
    lock = threading.Lock()
    barrier = threading.Barrier(workers)

    def work(worker):
        try:
            barrier.wait(timeout=30)
            for i in range(per_worker):
                with registry.cursor() as cr:
                    env = api.Environment(cr, uid, {})
                    ticket = env["support.ticket"].create(
                        {
                            "name": f"Worker {worker} ticket {i}",
                            "partner_id": customer_id,
                        }
                    )
                    code = ticket.code
                with lock:
                    codes.append(code)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(workers)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, codes, errors


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument("--replies", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--per-worker", type=int, default=100)
    args = parser.parse_args()

    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = Registry(args.database)
    uid, customer_id = setup(registry)

    elapsed, ids = bench_one_by_one(registry, uid, customer_id, args.tickets)
    print(f"tickets one by one:    {rate(args.tickets, elapsed, 'tickets')}")
    elapsed = bench_batch(registry, uid, customer_id, args.tickets)
    print(f"tickets in one call:   {rate(args.tickets, elapsed, 'tickets')}")
    elapsed = bench_replies(registry, uid, ids, args.replies)
    print(f"replies one by one:    {rate(args.replies, elapsed, 'replies')}")
    total = args.workers * args.per_worker
    elapsed, codes, errors = bench_concurrent(
        registry, uid, customer_id, args.workers, args.per_worker
    )
    unique = len(set(codes)) == len(codes) == total and not errors
    figures = rate(total, elapsed, "tickets")
    print(
        f"concurrent creation:   {args.workers} workers, {figures}, "
        f"codes unique: {'yes' if unique else 'NO'}"
    )
    for error in errors:
        print(f"  error: {error!r}")
    return 0 if unique else 1


if __name__ == "__main__":
    raise SystemExit(main())
