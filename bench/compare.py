"""Throughput of support_ticket beside OCA's helpdesk_mgmt, in one run.

Run through ``bench/compare``, which prepares one fresh database per addon. The
same work is done on both, in alternating rounds (ours then the peer, then the
peer then ours...), so that a change of machine load touches both alike:

- tickets created one by one, each its own committed transaction, as a support
  user (tracking on, one customer);
- tickets created in one call (one transaction);
- inbound emails opening tickets through the mail gateway (``message_process``,
  one transaction each, as the fetchmail cron does).

Each addon keeps its defaults. Ours acknowledges every new ticket by email; the
peer sends nothing on creation. Ours queues the acknowledgements for a job
(triggered by the creation, run by Odoo's cron workers): the first line of each
figure is the rate of the creating transactions, as users and the mail gateway
see it; the second adds the time of that job, run after each round, to ours.
Emails are queued, never sent; at the end, every ticket of ours must have its
acknowledgement.

With ``--area-follower``, a user follows the area and the tickets name it: both
addons make them follow each new ticket and notify them of it, the peer inside
the creating transaction, ours through Odoo's scheduled-message job (counted
in the second line); at the end, each addon must have notified them of every
ticket.

A first line times the same two-field ``mail.thread`` record (a
``mail.blacklist`` entry) created one by one in both databases: what a
committed transaction creating any tracked record costs there, whatever the
addon. It depends on the modules installed (``sale`` and ``account``, which
this addon depends on, widen partners, companies and users); with
``--same-modules`` (in ``bench/compare``), the peer's database has the modules
this addon depends on too.
"""

import argparse
import logging
import time
from email.message import EmailMessage
from email.utils import make_msgid

from odoo import SUPERUSER_ID, api
from odoo.fields import Command
from odoo.modules.registry import Registry
from odoo.tools import config

CONTEXT = {"mail_notify_force_send": False}


class Driver:
    """What one addon needs to create tickets; subclasses name the models."""

    label = ""
    model = ""
    user_group = ""

    def __init__(self, database, area_follower=False):
        self.registry = Registry(database)
        self.area_follower = area_follower
        self.uid = None
        self.customer_id = None
        self.team_id = None
        self.counter = 0

    def env(self, cr, uid=None):
        return api.Environment(cr, uid or self.uid, CONTEXT)

    def setup(self):
        with self.registry.cursor() as cr:
            env = self.env(cr, SUPERUSER_ID)
            domain = env["mail.alias.domain"].create(
                {
                    "name": "bench.example.com",
                    "bounce_alias": "bounce",
                    "catchall_alias": "catchall",
                }
            )
            env.company.alias_domain_id = domain
            user = env["res.users"].create(
                {
                    "name": "Bench Agent",
                    "login": "bench_agent",
                    "email": "bench.agent@example.com",
                    "group_ids": [Command.link(env.ref(self.user_group).id)],
                }
            )
            customer = env["res.partner"].create(
                {"name": "Bench Customer", "email": "customer@example.org"}
            )
            team = self.setup_team(env, user, domain)
            if self.area_follower:
                follower = env["res.users"].create(
                    {
                        "name": "Bench Follower",
                        "login": "bench_follower",
                        "email": "bench.follower@example.com",
                        "notification_type": "email",
                        "group_ids": [Command.link(env.ref(self.user_group).id)],
                    }
                )
                team.message_subscribe(follower.partner_id.ids)
                # Odoo subscribes the followers of the relations given in the
                # values: name the area, for both
                self.team_id = team.id
            self.uid, self.customer_id = user.id, customer.id

    def setup_team(self, env, user, domain):
        """The area the bench works in, with ``user`` in it and an alias."""
        raise NotImplementedError

    def values(self):
        self.counter += 1
        values = {
            "name": f"Ticket {self.counter}",
            "partner_id": self.customer_id,
            "description": "<p>The printer is on fire.</p>",
        }
        if self.team_id:
            values["team_id"] = self.team_id
        return values

    def create_one_by_one(self, count):
        start = time.perf_counter()
        for _i in range(count):
            with self.registry.cursor() as cr:
                self.env(cr)[self.model].create(self.values())
        return time.perf_counter() - start, self.drain()

    def create_baseline(self, count):
        start = time.perf_counter()
        for _i in range(count):
            self.counter += 1
            with self.registry.cursor() as cr:
                self.env(cr, SUPERUSER_ID)["mail.blacklist"].create(
                    {"email": f"baseline{self.counter}@bench.example.org"}
                )
        return time.perf_counter() - start, 0.0

    def modules(self):
        with self.registry.cursor() as cr:
            env = self.env(cr, SUPERUSER_ID)
            return env["ir.module.module"].search_count([("state", "=", "installed")])

    def create_batch(self, count):
        start = time.perf_counter()
        with self.registry.cursor() as cr:
            self.env(cr)[self.model].create([self.values() for _i in range(count)])
        return time.perf_counter() - start, self.drain()

    def inbound(self, count):
        start = time.perf_counter()
        for _i in range(count):
            self.counter += 1
            with self.registry.cursor() as cr:
                thread_id = self.env(cr, SUPERUSER_ID)["mail.thread"].message_process(
                    False, build_email(self.counter)
                )
                assert thread_id, "an email opened no ticket"
        return time.perf_counter() - start, self.drain()

    def drain(self):
        """Seconds spent by the jobs that finish what creation queued."""
        return 0.0

    def totals(self):
        with self.registry.cursor() as cr:
            env = self.env(cr, SUPERUSER_ID)
            tickets = env[self.model].search_count([])
            mails = env["mail.mail"].search_count([("model", "=", self.model)])
        return tickets, mails

    def follower_notices(self):
        """The tickets whose creation was notified to the area's follower."""
        with self.registry.cursor() as cr:
            env = self.env(cr, SUPERUSER_ID)
            follower = env["res.users"].search([("login", "=", "bench_follower")])
            notices = env["mail.notification"].search(
                [
                    ("res_partner_id", "=", follower.partner_id.id),
                    ("mail_message_id.model", "=", self.model),
                    ("mail_message_id.subtype_id", "=", self.creation_subtype(env).id),
                ]
            )
            return len(set(notices.mail_message_id.mapped("res_id")))

    def creation_subtype(self, env):
        raise NotImplementedError


class Ours(Driver):
    label = "support_ticket"
    model = "support.ticket"
    user_group = "support_ticket.group_support_user"

    def setup_team(self, env, user, domain):
        team = env.ref("support_ticket.support_team_helpdesk")
        team.write(
            {
                "member_ids": [Command.link(user.id)],
                "alias_name": "benchdesk",
                "alias_domain_id": domain.id,
            }
        )
        return team

    def creation_subtype(self, env):
        return env.ref("support_ticket.mt_ticket_new")

    def drain(self):
        with self.registry.cursor() as cr:
            Ticket = self.env(cr, SUPERUSER_ID)["support.ticket"]
            job = getattr(Ticket, "_cron_send_acknowledgements", None)
            if job is None:
                return 0.0
        start = time.perf_counter()
        with self.registry.cursor() as cr:
            env = self.env(cr, SUPERUSER_ID)
            env["support.ticket"]._cron_send_acknowledgements()
            # the notifications of "Ticket opened" to the area's followers
            env["mail.message.schedule"]._send_notifications_cron()
        return time.perf_counter() - start


class Peer(Driver):
    label = "helpdesk_mgmt"
    model = "helpdesk.ticket"
    user_group = "helpdesk_mgmt.group_helpdesk_user"

    def setup_team(self, env, user, domain):
        Team = env["helpdesk.ticket.team"]
        team = Team.search([], limit=1) or Team.create({"name": "Bench team"})
        team.write(
            {
                "user_ids": [Command.link(user.id)],
                "alias_name": "benchdesk",
                "alias_domain_id": domain.id,
            }
        )
        return team

    def creation_subtype(self, env):
        return env.ref("helpdesk_mgmt.hlp_tck_created")


def build_email(i):
    message = EmailMessage()
    message["From"] = f"Customer {i % 50} <customer{i % 50}@bench.example.org>"
    message["To"] = "benchdesk@bench.example.com"
    message["Subject"] = f"Problem {i}"
    message["Message-ID"] = make_msgid(domain="bench.example.org")
    message.set_content(f"Message number {i}.\nIt has two lines.")
    message.add_alternative(
        f"<p>Message number <b>{i}</b>.</p><p>It has two lines.</p>", "html"
    )
    return message.as_bytes()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("--ours", required=True, help="database with support_ticket")
    parser.add_argument("--peer", required=True, help="database with helpdesk_mgmt")
    parser.add_argument("--tickets", type=int, default=500, help="one by one, each")
    parser.add_argument("--batch", type=int, default=1000, help="in one call, each")
    parser.add_argument("--emails", type=int, default=300, help="inbound, each")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--area-follower",
        action="store_true",
        help="a user follows the area and is notified of each new ticket",
    )
    args = parser.parse_args()

    config.parse_config(["-c", args.config, "--log-level=warn"])
    logging.getLogger("odoo").setLevel(logging.ERROR)
    drivers = [
        Ours(args.ours, args.area_follower),
        Peer(args.peer, args.area_follower),
    ]
    for driver in drivers:
        driver.setup()

    work = [
        ("baseline, one by one", "records", "create_baseline", args.tickets),
        ("tickets one by one", "tickets", "create_one_by_one", args.tickets),
        ("tickets in one call", "tickets", "create_batch", args.batch),
        ("emails opening tickets", "messages", "inbound", args.emails),
    ]
    rounds = max(1, args.rounds)
    print(
        f"{rounds} alternating rounds; figures per second, higher is better; "
        f"ratio = {drivers[0].label} / {drivers[1].label}"
    )
    print(
        "modules installed: "
        + ", ".join(f"{driver.label} {driver.modules()}" for driver in drivers)
    )
    print(f"{'':24} {drivers[0].label:>16} {drivers[1].label:>16} {'ratio':>7}")
    for title, unit, method, total in work:
        per_round = max(1, total // rounds)
        elapsed = {driver.label: 0.0 for driver in drivers}
        jobs = {driver.label: 0.0 for driver in drivers}
        for number in range(rounds):
            order = drivers if number % 2 == 0 else drivers[::-1]
            for driver in order:
                creating, job = getattr(driver, method)(per_round)
                elapsed[driver.label] += creating
                jobs[driver.label] += job
        done = per_round * rounds
        rates = [done / elapsed[driver.label] for driver in drivers]
        print(
            f"{title:24} {rates[0]:>14.1f}/s {rates[1]:>14.1f}/s "
            f"{rates[0] / rates[1]:>6.2f}x   ({done} {unit} each)"
        )
        if jobs[drivers[0].label]:
            with_job = [
                done / (elapsed[driver.label] + jobs[driver.label])
                for driver in drivers
            ]
            print(
                f"{'  with the ack job':24} {with_job[0]:>14.1f}/s "
                f"{with_job[1]:>14.1f}/s {with_job[0] / with_job[1]:>6.2f}x   "
                f"(the job: {done / jobs[drivers[0].label]:.1f} acknowledgements/s)"
            )
    for driver in drivers:
        tickets, mails = driver.totals()
        print(f"{driver.label}: {tickets} tickets, {mails} emails queued")
    tickets, mails = drivers[0].totals()
    if mails < tickets:
        print(f"ERROR: {tickets - mails} ticket(s) of ours without acknowledgement")
        return 1
    if args.area_follower:
        for driver in drivers:
            tickets, _mails = driver.totals()
            notified = driver.follower_notices()
            print(f"{driver.label}: the area's follower told of {notified} tickets")
            if notified < tickets:
                print(f"ERROR: {driver.label} did not tell the follower of all")
                return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
