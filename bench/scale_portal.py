"""support_ticket at scale: concurrent portal customers on a multi-worker server.

Run by ``bench/scale`` through ``bench/scale.py portal`` (see its docstring for
the load model and the options).
"""

import random
import re
import statistics
import threading
import time

from scale import PORTAL_PASSWORD, Client, percentile

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry


def _portal_sessions(args, logins):
    """A logged-in session per customer, before the load starts: signing in
    (hashing a password) is not what is measured. Four at a time, each tried
    up to three times."""
    clients = {}
    lock = threading.Lock()
    queue = list(logins)

    def sign_in():
        while True:
            with lock:
                if not queue:
                    return
                login = queue.pop()
            client = Client(args.url)
            for attempt in range(3):
                try:
                    client.login(args.database, login, PORTAL_PASSWORD)
                    break
                except OSError:
                    if attempt == 2:
                        raise
                    time.sleep(1)
            with lock:
                clients[login] = client

    threads = [threading.Thread(target=sign_in) for _i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    missing = set(logins) - set(clients)
    if missing:
        raise SystemExit(f"could not sign in: {', '.join(sorted(missing))}")
    return clients


def portal(args):
    logins = [f"scale_portal_{i:03d}" for i in range(args.portal_customers)]
    timings = {"list": [], "ticket": [], "reply": []}
    errors = []
    replies = []
    lock = threading.Lock()
    clients = _portal_sessions(args, logins)

    def customer(login):
        client = clients[login]
        think = random.Random(login)

        def pause():
            if args.portal_think:
                time.sleep(args.portal_think * think.uniform(0.5, 1.5))

        try:
            if args.portal_think:
                time.sleep(args.portal_think * think.random())
            for loop in range(args.portal_loops):
                start = time.perf_counter()
                status, page = client.get("/my/tickets")
                elapsed = time.perf_counter() - start
                ids = re.findall(r'href="/my/tickets/(\d+)', page)
                if status != 200 or not ids:
                    raise RuntimeError(f"{login}: /my/tickets gave {status}")
                ticket_id = random.choice(ids)
                pause()
                start = time.perf_counter()
                status, page = client.get(f"/my/tickets/{ticket_id}")
                elapsed_ticket = time.perf_counter() - start
                token = re.search(r'name="csrf_token" value="([^"]+)"', page)
                text = f"Reply {loop} of {login} at {time.time():.6f}"
                pause()
                start = time.perf_counter()
                status, _page = client.post(
                    f"/my/tickets/{ticket_id}/reply",
                    {"csrf_token": token.group(1) if token else "", "body": text},
                )
                elapsed_reply = time.perf_counter() - start
                if status != 200:
                    raise RuntimeError(f"{login}: reply gave {status}")
                pause()
                with lock:
                    timings["list"].append(elapsed * 1000)
                    timings["ticket"].append(elapsed_ticket * 1000)
                    timings["reply"].append(elapsed_reply * 1000)
                    replies.append(text)
        except Exception as error:  # noqa: BLE001 - reported below
            with lock:
                errors.append(f"{login}: {error}")

    threads = [threading.Thread(target=customer, args=(login,)) for login in logins]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    requests = sum(len(v) for v in timings.values())
    print(
        f"{len(logins)} concurrent portal customers (pauses of {args.portal_think} s "
        f"on average), {requests} requests in "
        f"{elapsed:.1f} s ({requests / elapsed:.1f} requests/s), {len(errors)} errors"
    )
    for kind, values in timings.items():
        if values:
            print(
                f"  {kind:8} median {statistics.median(values):7.1f} ms, "
                f"p95 {percentile(values, 95):7.1f} ms ({len(values)} requests)"
            )
    for error in errors[:10]:
        print(f"  error: {error}")
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        found = 0
        for text in replies:
            found += bool(
                env["support.ticket.reply"].search_count(
                    [("body", "ilike", text)], limit=1
                )
            )
    print(f"replies acknowledged: {len(replies)}, present afterwards: {found}")
    return 0 if found == len(replies) and not errors else 1
