"""support_ticket at scale: emails opening tickets through the server's mail gateway.

Run by ``bench/scale`` through ``bench/scale.py mail``. ``--emails`` messages,
each from a sender of its own, are handed to the server over XML-RPC as Odoo's
``odoo-mailgate`` script (``mail.thread.message_process``) and the fetchmail
cron do: each must open a ticket. It prints the median and the 95th percentile,
and fails when an email opened none. With a million tickets in the table, the
gateway's own checks (its loop check counts the tickets the sender opened in
the last two hours) must not read the whole table.
"""

import statistics
import time
import uuid
import xmlrpc.client
from email.message import EmailMessage
from email.utils import make_msgid

from scale import percentile

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry

ADMIN = ("admin", "admin")
ALIAS_DOMAIN = "scale-mail.example.com"
ALIAS = "scaledesk"


def ensure_alias(database):
    """The alias of the default area that the emails are sent to (before the
    server starts: it reads aliases from the database)."""
    registry = Registry(database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        Domain = env["mail.alias.domain"]
        domain = Domain.search([("name", "=", ALIAS_DOMAIN)]) or Domain.create(
            {
                "name": ALIAS_DOMAIN,
                "bounce_alias": "bounce",
                "catchall_alias": "catchall",
            }
        )
        env.company.alias_domain_id = domain
        team = env.ref("support_ticket.support_team_helpdesk")
        if team.alias_name != ALIAS or team.alias_domain_id != domain:
            team.write({"alias_name": ALIAS, "alias_domain_id": domain.id})


def _email(number, run):
    message = EmailMessage()
    message["From"] = f"Sender {number} <sender{number}@{run}.senders.example.org>"
    message["To"] = f"{ALIAS}@{ALIAS_DOMAIN}"
    message["Subject"] = f"The printer is on fire ({number})"
    message["Message-ID"] = make_msgid(domain=f"{run}.senders.example.org")
    message.set_content(f"Message number {number}.\nIt has two lines.")
    message.add_alternative(
        f"<p>Message number <b>{number}</b>.</p><p>It has two lines.</p>", "html"
    )
    return message.as_bytes()


def mail(args):
    common = xmlrpc.client.ServerProxy(f"{args.url}/xmlrpc/2/common")
    uid = common.authenticate(args.database, *ADMIN, {})
    if not uid:
        print("ERROR: the admin user cannot sign in (password admin)")
        return 1
    models = xmlrpc.client.ServerProxy(f"{args.url}/xmlrpc/2/object", allow_none=True)
    run = uuid.uuid4().hex[:8]

    def send(number):
        return models.execute_kw(
            args.database,
            uid,
            ADMIN[1],
            "mail.thread",
            "message_process",
            [False, xmlrpc.client.Binary(_email(number, run))],
            {},
        )

    send(-1)  # warm-up
    timings, lost = [], 0
    for number in range(args.emails):
        start = time.perf_counter()
        thread_id = send(number)
        timings.append((time.perf_counter() - start) * 1000)
        lost += not thread_id
    print(
        f"{'email opening a ticket':32} {statistics.median(timings):>7.1f}ms "
        f"{percentile(timings, 95):>7.1f}ms   ({args.emails} emails, XML-RPC)"
    )
    if lost:
        print(f"ERROR: {lost} email(s) opened no ticket")
        return 1
    return 0
