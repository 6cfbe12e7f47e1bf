"""Portal latency for a customer with many tickets (run by ``bench/portal``).

``prepare`` creates the customer, their tickets and a conversation on one of
them; ``measure`` logs in over HTTP and times the pages."""

import argparse
import statistics
import time

import requests

from odoo import SUPERUSER_ID, api
from odoo.fields import Command
from odoo.modules.registry import Registry
from odoo.tools import config

LOGIN = "bench_customer"


def prepare(args):
    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        env["ir.config_parameter"].set_param("auth_password_policy.minlength", 4)
        user = (
            env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Bench Customer",
                    "login": LOGIN,
                    "password": LOGIN,
                    "email": "bench.customer@example.com",
                    "group_ids": [Command.set([env.ref("base.group_portal").id])],
                }
            )
        )
        priorities = env["support.priority"].search([])
        stages = env["support.stage"].search([])
        start = time.perf_counter()
        for offset in range(0, args.tickets, 1000):
            env["support.ticket"].create(
                [
                    {
                        "name": f"Request {i}",
                        "partner_id": user.partner_id.id,
                        "notify_customer": False,
                        "priority_id": priorities[i % len(priorities)].id,
                        "stage_id": stages[i % len(stages)].id,
                        "description": f"<p>Problem number {i}</p>",
                    }
                    for i in range(offset, min(offset + 1000, args.tickets))
                ]
            )
        ticket = env["support.ticket"].search(
            [("partner_id", "=", user.partner_id.id), ("is_locked", "=", False)],
            limit=1,
        )
        for i in range(args.replies):
            ticket._add_reply(f"Answer {i}", attachments=[(f"file{i}.txt", b"content")])
        env["ir.config_parameter"].set_param(
            "support_ticket.bench_ticket_url", ticket.access_url
        )
        elapsed = time.perf_counter() - start
    print(
        f"{args.tickets} tickets and {args.replies} replies created in {elapsed:.1f} s "
        f"for {LOGIN}"
    )


def percentile(values, rank):
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(rank / 100 * len(ordered)) - 1))
    return ordered[index]


def measure(args):
    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        ticket_url = env["ir.config_parameter"].get_param(
            "support_ticket.bench_ticket_url"
        )
    session = requests.Session()
    page = session.get(f"{args.url}/web/login", timeout=30).text
    csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
    session.post(
        f"{args.url}/web/login",
        data={
            "login": LOGIN,
            "password": LOGIN,
            "csrf_token": csrf,
            "db": args.database,
        },
        timeout=30,
    )
    for name, path in (
        ("/my/tickets", "/my/tickets"),
        (
            "/my/tickets?sortby=priority&filterby=open",
            "/my/tickets?sortby=priority&filterby=open",
        ),
        ("/my/tickets/page/50", "/my/tickets/page/50"),
        (f"ticket page ({args.replies} replies)", ticket_url),
    ):
        for _i in range(5):  # warm up
            session.get(args.url + path, timeout=60).raise_for_status()
        timings = []
        for _i in range(args.requests):
            start = time.perf_counter()
            response = session.get(args.url + path, timeout=60)
            timings.append((time.perf_counter() - start) * 1000)
            response.raise_for_status()
            if "o_support_portal" not in response.text:
                raise SystemExit(f"{path}: not the expected page")
        print(
            f"{name:45} median {statistics.median(timings):7.1f} ms   "
            f"p95 {percentile(timings, 95):7.1f} ms   ({args.requests} requests)"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("step", choices=["prepare", "measure"])
    parser.add_argument("--tickets", type=int, default=10000)
    parser.add_argument("--replies", type=int, default=50)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--url")
    args = parser.parse_args()
    if args.step == "prepare":
        prepare(args)
    else:
        measure(args)


if __name__ == "__main__":
    main()
