"""support_ticket at scale: a million tickets, the back office and the portal.

Run through ``bench/scale``, which prepares the database and serves it.

``prepare`` fills the database: customers (one of them large), a support
manager, portal customers, and tickets. A few tickets are created through the
ORM, one per combination of area, state, category and priority, so that every
stored field holds what the addon computes; the million are copies of them made
in SQL, spread over customers and three years.

``measure`` calls the server over JSON-RPC as Odoo 19's web client does (the
list, the kanban grouped by state, searches, filters, the pivot, the customer's
smart button and Tickets tab), each ``--calls`` times as the support manager,
and prints the median and the 95th percentile of each, then the ``EXPLAIN``
of the slowest call's slowest query.

``mail`` hands ``--emails`` emails to the server's mail gateway over XML-RPC
(see ``scale_mail.py``), each opening a ticket.

``portal`` runs ``--portal-customers`` concurrent portal customers, each
looping over their ticket list, a ticket page and a reply, and prints the
latency of each kind of request, the errors, and whether every reply that got
a success response is in the database afterwards. Like people, each customer
reads a page before the next request: a pause of ``--portal-think`` seconds on
average (half to one and a half times it, at random; the customers also start
at random moments within one pause). ``--portal-think 0`` sends each request
as soon as the previous one returned: the server's throughput when saturated,
where latency is the number of customers divided by that throughput.
"""

import argparse
import json
import re
import statistics
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

from odoo import SUPERUSER_ID, api
from odoo.fields import Command
from odoo.modules.registry import Registry
from odoo.tools import SQL, config

MANAGER = ("scale_manager", "scale_manager")
PORTAL_PASSWORD = "scale_portal"


def percentile(values, pct):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


# ------------------------------------------------------------------
# prepare
# ------------------------------------------------------------------


def prepare(args):
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        if env["support.ticket"].search_count([], limit=args.tickets) >= args.tickets:
            print(f"{args.database} already holds {args.tickets:,} tickets")
            return
        Partner = env["res.partner"]
        customers = Partner.create(
            [
                {
                    "name": f"Scale Customer {i:05d}",
                    "email": f"customer{i:05d}@scale.example.com",
                    "is_company": True,
                }
                for i in range(args.customers)
            ]
        )
        env["res.users"].create(
            {
                "name": "Scale Manager",
                "login": MANAGER[0],
                "password": MANAGER[1],
                "email": "manager@scale.example.com",
                "group_ids": [
                    Command.link(env.ref("support_ticket.group_support_manager").id)
                ],
            }
        )
        portal_group = env.ref("base.group_portal")
        portal_users = env["res.users"].with_context(no_reset_password=True)
        for i in range(args.portal_customers):
            portal_users |= portal_users.create(
                {
                    "name": f"Scale Portal {i:03d}",
                    "login": f"scale_portal_{i:03d}",
                    "password": PORTAL_PASSWORD,
                    "email": f"portal{i:03d}@scale-portal.example.com",
                    "group_ids": [Command.set(portal_group.ids)],
                }
            )
        templates = _template_tickets(env, customers[0])
        # their computed columns in the table before they are copied
        env.flush_all()
        print(f"{len(customers):,} customers, {len(templates)} template tickets")

        # the million: copies of the templates, spread over the customers
        # (customer 0 is the large one, with a tenth of them) and three years
        columns = _copied_columns(env)
        count = args.tickets - len(templates)
        start = time.perf_counter()
        step = 200_000
        for first in range(0, count, step):
            size = min(step, count - first)
            env.execute_query(
                SQL(
                    """
                    INSERT INTO support_ticket (%(cols)s, code, name, partner_id,
                                                create_date, write_date)
                    SELECT %(tcols)s,
                           'SCL-' || lpad((%(first)s + g)::text, 8, '0'),
                           'Scale ticket ' || (%(first)s + g),
                           CASE WHEN g %% 10 = 0 THEN %(big)s
                                ELSE (%(customers)s)[1 + (g %% %(n_customers)s)]
                           END,
                           now() - (g %% 1095) * interval '1 day',
                           now() - (g %% 1095) * interval '1 day'
                      FROM generate_series(1, %(size)s) AS g
                      JOIN support_ticket t
                        ON t.id = (%(templates)s)[1 + (g %% %(n_templates)s)]
                    """,
                    cols=SQL(", ").join(SQL.identifier(c) for c in columns),
                    tcols=SQL(", ").join(SQL.identifier("t", c) for c in columns),
                    first=first,
                    big=customers[0].id,
                    customers=customers.ids,
                    n_customers=len(customers),
                    size=size,
                    templates=templates.ids,
                    n_templates=len(templates),
                )
            )
            cr.commit()
            print(f"  {first + size:,} tickets ({time.perf_counter() - start:.0f} s)")
        # each portal customer gets 20 tickets of their own, taken from
        # customers that have some (every tenth ticket is the large one's)
        sources = [c for i, c in enumerate(customers) if i and i % 10]
        for index, user in enumerate(portal_users):
            env.execute_query(
                SQL(
                    "UPDATE support_ticket SET partner_id = %s WHERE id IN "
                    "(SELECT id FROM support_ticket WHERE partner_id = %s "
                    "ORDER BY id LIMIT 20)",
                    user.partner_id.id,
                    sources[index % len(sources)].id,
                )
            )
        # the creator follows each ticket, as mail.thread does
        manager_partner = env.ref("base.partner_admin").id
        env.execute_query(
            SQL(
                """
                INSERT INTO mail_followers (res_model, res_id, partner_id)
                SELECT 'support.ticket', t.id, %s FROM support_ticket t
                ON CONFLICT DO NOTHING
                """,
                manager_partner,
            )
        )
        cr.commit()
        env.cr.execute("ANALYZE")
        total = env["support.ticket"].search_count([])
        print(f"{total:,} tickets in {time.perf_counter() - start:.0f} s")


def _template_tickets(env, customer):
    """One ticket per area, state, category and priority, through the ORM."""
    Ticket = env["support.ticket"].with_context(tracking_disable=True)
    teams = env["support.team"].search([])
    stages = env["support.stage"].search([])
    categories = env["support.category"].search([])
    priorities = env["support.priority"].search([])
    origins = ["manual", "email", "portal"]
    vals_list = []
    for team in teams:
        for stage in stages:
            for category in categories:
                for priority in priorities:
                    vals_list.append(
                        {
                            "name": "Template",
                            "partner_id": customer.id,
                            "team_id": team.id,
                            "stage_id": stage.id,
                            "category_id": category.id,
                            "priority_id": priority.id,
                            "origin": origins[len(vals_list) % 3],
                            "email_from": customer.email,
                            "description": "<p>The printer is on fire.</p>",
                        }
                    )
    return Ticket.create(vals_list)


def _copied_columns(env):
    skip = {"id", "code", "name", "partner_id", "create_date", "write_date"}
    env.cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'support_ticket'"
    )
    return sorted(name for (name,) in env.cr.fetchall() if name not in skip)


# ------------------------------------------------------------------
# JSON-RPC client
# ------------------------------------------------------------------


class Client:
    def __init__(self, url):
        self.url = url.rstrip("/")
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar)
        )

    def json(self, path, params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params})
        request = urllib.request.Request(
            self.url + path,
            data=body.encode(),
            headers={"Content-Type": "application/json"},
        )
        with self.opener.open(request, timeout=120) as response:
            result = json.loads(response.read())
        if result.get("error"):
            raise RuntimeError(result["error"]["data"]["message"])
        return result["result"]

    def login(self, db, login, password):
        return self.json(
            "/web/session/authenticate",
            {"db": db, "login": login, "password": password},
        )

    def call(self, model, method, *args, **kwargs):
        return self.json(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def get(self, path):
        with self.opener.open(self.url + path, timeout=120) as response:
            return response.status, response.read().decode()

    def post(self, path, data):
        request = urllib.request.Request(
            self.url + path, data=urllib.parse.urlencode(data).encode()
        )
        with self.opener.open(request, timeout=120) as response:
            return response.status, response.read().decode()


def _spec(fields):
    many2one = {"fields": {"display_name": {}}}
    return {name: (many2one if kind == "m2o" else {}) for name, kind in fields}


LIST_SPEC = _spec(
    [
        ("code", ""),
        ("name", ""),
        ("partner_id", "m2o"),
        ("stage_id", "m2o"),
        ("stage_color", ""),
        ("priority_id", "m2o"),
        ("priority_color", ""),
        ("priority_icon", ""),
        ("create_uid", "m2o"),
        ("user_id", "m2o"),
        ("create_date", ""),
    ]
)
KANBAN_SPEC = _spec(
    [
        ("code", ""),
        ("name", ""),
        ("stage_id", "m2o"),
        ("priority_id", "m2o"),
        ("priority_color", ""),
        ("priority_icon", ""),
        ("origin", ""),
        ("partner_id", "m2o"),
        ("category_id", "m2o"),
        ("user_id", "m2o"),
    ]
)


def _action_domain(client, xmlid):
    """The domain and default filters the web client applies for an action."""
    action = client.json("/web/action/load", {"action_id": xmlid})
    return action


def web_client_calls(client, big_customer_id, search_filters):
    """(name, callable) pairs, each one a call of the web client."""
    open_domain = search_filters.get("open", [])
    calls = [
        (
            "list: All tickets",
            lambda: client.call(
                "support.ticket",
                "web_search_read",
                domain=search_filters.get("default", []),
                specification=LIST_SPEC,
                limit=80,
                count_limit=10001,
            ),
        ),
        (
            "kanban grouped by state",
            lambda: client.call(
                "support.ticket",
                "web_read_group",
                domain=search_filters.get("default", []),
                groupby=["stage_id"],
                aggregates=["__count"],
                unfold_read_specification=KANBAN_SPEC,
                unfold_read_default_limit=40,
                auto_unfold=True,
            ),
        ),
        (
            "search by code",
            lambda: client.call(
                "support.ticket",
                "web_search_read",
                domain=[
                    "|",
                    ("code", "ilike", "SCL-0012345"),
                    ("name", "ilike", "SCL-0012345"),
                ],
                specification=LIST_SPEC,
                limit=80,
                count_limit=10001,
            ),
        ),
        (
            "search by subject words",
            lambda: client.call(
                "support.ticket",
                "web_search_read",
                domain=[
                    "|",
                    ("code", "ilike", "ticket 4242"),
                    ("name", "ilike", "ticket 4242"),
                ],
                specification=LIST_SPEC,
                limit=80,
                count_limit=10001,
            ),
        ),
        (
            "filter open, group by area",
            lambda: client.call(
                "support.ticket",
                "web_read_group",
                domain=open_domain,
                groupby=["team_id"],
                aggregates=["__count"],
            ),
        ),
        (
            "filter a customer",
            lambda: client.call(
                "support.ticket",
                "web_search_read",
                domain=[("partner_id", "child_of", big_customer_id)],
                specification=LIST_SPEC,
                limit=80,
                count_limit=10001,
            ),
        ),
        (
            "sort by priority",
            lambda: client.call(
                "support.ticket",
                "web_search_read",
                domain=search_filters.get("default", []),
                specification=LIST_SPEC,
                limit=80,
                # what the list sends when its Priority column is clicked
                order="priority_id desc",
                count_limit=10001,
            ),
        ),
        (
            "pivot area x state",
            lambda: client.call(
                "support.ticket",
                "formatted_read_group",
                domain=search_filters.get("default", []),
                groupby=["team_id", "stage_id"],
                aggregates=["__count"],
            ),
        ),
        (
            "customer: smart button",
            lambda: client.call(
                "res.partner",
                "web_read",
                [big_customer_id],
                specification={
                    "support_ticket_count": {},
                    "support_message_log_count": {},
                },
            ),
        ),
        (
            "customer: Tickets tab",
            lambda: client.call(
                "res.partner",
                "web_read",
                [big_customer_id],
                # the tab of the customer form (views/res_partner_views.xml)
                specification={
                    "support_ticket_recent_ids": {
                        "fields": LIST_SPEC,
                        "limit": 40,
                        "order": "",
                    }
                },
            ),
        ),
    ]
    return calls


def measure(args):
    client = Client(args.url)
    client.login(args.database, *MANAGER)
    big = client.call(
        "res.partner",
        "search_read",
        [("name", "=", "Scale Customer 00000")],
        fields=["id"],
        limit=1,
    )[0]["id"]
    filters = _default_filters(client)
    results = []
    for name, call in web_client_calls(client, big, filters):
        timings = []
        call()  # warm-up
        for _i in range(args.calls):
            start = time.perf_counter()
            call()
            timings.append((time.perf_counter() - start) * 1000)
        results.append((name, statistics.median(timings), percentile(timings, 95)))
    print(f"{'call':32} {'median':>9} {'p95':>9}   ({args.calls} calls each)")
    for name, median, p95 in results:
        print(f"{name:32} {median:>7.1f}ms {p95:>7.1f}ms")
    slowest = max(results, key=lambda r: r[2])
    print(f"slowest: {slowest[0]} (p95 {slowest[2]:.1f} ms)")
    explain_slowest(args, big, filters, slowest[0])


def _default_filters(client):
    """The domains of the search view's filters the actions use by default."""
    views = client.call(
        "support.ticket",
        "get_views",
        [[False, "search"]],
        options={"load_filters": False},
    )
    arch = views["views"]["search"]["arch"]
    filters = {}
    for name, domain in re.findall(
        r'<filter[^>]*name="(filter_\w+)"[^>]*domain="([^"]*)"', arch
    ):
        filters[name[len("filter_") :]] = domain
    action = client.json(
        "/web/action/load", {"action_id": "support_ticket.support_ticket_action"}
    )
    context = action.get("context") or "{}"
    default = []
    for name in re.findall(r"'search_default_filter_(\w+)':\s*1", context):
        default = _literal(filters.get(name, "[]"))
    return {"default": default, "open": _literal(filters.get("open", "[]"))}


def _literal(domain):
    import ast

    return ast.literal_eval(domain.replace("&lt;", "<").replace("&gt;", ">"))


def explain_slowest(args, big_customer_id, filters, call_name):
    """Run the slowest call in-process as the manager, record its queries and
    print the plan of the slowest one."""
    from odoo import sql_db

    registry = Registry(args.database)
    recorded = []
    original = sql_db.Cursor.execute

    def recording(self, query, params=None, log_exceptions=True):
        start = time.perf_counter()
        result = original(self, query, params, log_exceptions)
        recorded.append((time.perf_counter() - start, query, params))
        return result

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        uid = env["res.users"].search([("login", "=", MANAGER[0])]).id
        env = api.Environment(cr, uid, {})
        fake = InProcessClient(env)
        calls = dict(web_client_calls(fake, big_customer_id, filters))
        calls[call_name]()
        sql_db.Cursor.execute = recording
        try:
            calls[call_name]()
        finally:
            sql_db.Cursor.execute = original
        seconds, query, params = max(recorded, key=lambda r: r[0])
        if isinstance(query, SQL):
            query, params = query.code, query.params
        print(f"its slowest query ({seconds * 1000:.1f} ms):")
        cr.execute("EXPLAIN (ANALYZE, BUFFERS) " + query, params)
        for (line,) in cr.fetchall():
            print("  " + line)


class InProcessClient:
    def __init__(self, env):
        self.env = env

    def call(self, model, method, *args, **kwargs):
        return getattr(self.env[model], method)(*args, **kwargs)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=["prepare", "measure", "portal", "mail"])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--portal-customers", type=int, default=50)
    parser.add_argument("--portal-loops", type=int, default=5)
    parser.add_argument("--portal-think", type=float, default=2.0)
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--emails", type=int, default=50)
    args = parser.parse_args()
    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    if args.command == "portal":
        from scale_portal import portal  # noqa: PLC0415 - the portal load, its own file

        return portal(args)
    if args.command == "mail":
        from scale_mail import mail  # noqa: PLC0415 - the mail gateway, its own file

        return mail(args)
    if args.command == "prepare":
        from scale_mail import ensure_alias  # noqa: PLC0415

        prepare(args)
        ensure_alias(args.database)
        return 0
    return measure(args) or 0


if __name__ == "__main__":
    raise SystemExit(main())
