from unittest.mock import patch

from odoo.tests import new_test_user, tagged, users, warmup

from .common import SupportHttpCase, SupportTicketCommon
from .mail_common import SupportMailCommon

# Creating tickets costs nearly the same queries for 10 as for 100 of them:
# codes, defaults, computed fields, followers and the "Ticket opened" messages
# are written for the whole batch, and the acknowledgements are sent afterwards by
# their job (tests/test_support_acknowledgement.py).

LIST_SPEC = {
    "code": {},
    "name": {},
    "partner_id": {"fields": {"display_name": {}}},
    "stage_id": {"fields": {"display_name": {}}},
    "stage_color": {},
    "priority_id": {"fields": {"display_name": {}}},
    "priority_color": {},
    "priority_icon": {},
    "create_uid": {"fields": {"display_name": {}}},
    "user_id": {"fields": {"display_name": {}}},
    "create_date": {},
    "activity_ids": {},
}


def count_queries(case, func):
    """The number of queries ``func`` runs, with what it leaves to flush."""
    case.env.flush_all()
    case.env.cr.flush()
    before = case.cr.sql_log_count
    func()
    case.env.flush_all()
    case.env.cr.flush()
    return case.cr.sql_log_count - before


@tagged("post_install", "-at_install")
class TestSupportPerformance(SupportTicketCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tickets = cls.env["support.ticket"].create(
            [
                {
                    "name": f"Listed ticket {i}",
                    "partner_id": (cls.customer | cls.customer_company)[i % 2].id,
                    "team_id": cls.team_tech.id,
                    "user_id": (cls.user_agent | cls.user_agent2)[i % 2].id,
                    "priority_id": (cls.priority_low | cls.priority_urgent)[i % 2].id,
                }
                for i in range(120)
            ]
        )

    def _vals(self, count):
        return [
            {
                "name": f"Ticket {i}",
                "partner_id": self.customer.id,
                "team_id": self.team_tech.id,
            }
            for i in range(count)
        ]

    def _count_queries(self, func):
        return count_queries(self, func)

    @users("st_agent")
    @warmup
    def test_create_one_ticket(self):
        # the contract proposal, the search of its SLA, the insert of its
        # first state interval and its "Ticket opened" message; its
        # acknowledgement is queued (a wake-up of its job, when the
        # transaction commits). The company check reads no company (the
        # linked values have none or the ticket's) and a new ticket's last
        # rating is known without a query. The computed fields of a new
        # ticket are inserted with it, not written again after
        with self.assertQueryCount(st_agent=25):
            self.env["support.ticket"].create(self._vals(1))

    @users("st_agent")
    @warmup
    def test_create_tickets_in_batch(self):
        Ticket = self.env["support.ticket"]
        ten = self._count_queries(lambda: Ticket.create(self._vals(10)))
        hundred = self._count_queries(lambda: Ticket.create(self._vals(100)))
        if self.warm:
            # no query per extra ticket: its followers are written in batch,
            # and an area nobody follows is not searched for followers
            self.assertLessEqual(hundred, ten)
        with self.assertQueryCount(st_agent=hundred):
            tickets = Ticket.create(self._vals(100))
        self.assertEqual(len(set(tickets.mapped("code"))), 100)

    @users("st_agent")
    @warmup
    def test_create_tickets_in_batch_in_the_default_area(self):
        """Tickets whose area is chosen by default: the area's followers
        (none here) are read once for the batch, not searched per ticket."""
        Ticket = self.env["support.ticket"]

        def vals(count):
            return [
                {"name": f"Ticket {i}", "partner_id": self.customer.id}
                for i in range(count)
            ]

        Ticket.create(vals(10))
        # the codes, the defaults, the tickets, their "Ticket opened"
        # messages and state intervals, each in one query for all
        with self.assertQueryCount(st_agent=12):
            tickets = Ticket.create(vals(100))
        self.assertEqual(tickets.team_id, self.team_helpdesk)

    @users("st_agent")
    @warmup
    def test_add_reply(self):
        ticket = self.tickets[0].with_env(self.env)
        # the lock of the ticket, the reply and its notification to the
        # customer (message, email)
        with self.assertQueryCount(st_agent=40):
            ticket._add_reply("We are on it")

    @users("st_agent")
    def test_answer_tickets_in_batch(self):
        """The first responses of tickets answered together are written
        together, not one write per ticket."""
        Reply = self.env["support.ticket.reply"]
        tickets = self.tickets.with_env(self.env).filtered(
            lambda t: t.user_id == self.env.user and not t.first_response_date
        )[:40]
        self.assertEqual(len(tickets), 40)
        writes = []
        write = type(tickets).write

        def counting(records, vals):
            if "first_response_date" in vals:
                writes.append(len(records))
            return write(records, vals)

        with patch.object(type(tickets), "write", counting):
            replies = Reply.create(
                [{"ticket_id": ticket.id, "body": "On it"} for ticket in tickets]
            )
            self.env.flush_all()
        self.assertEqual(
            set(tickets.mapped("first_response_date")), set(replies.mapped("date"))
        )
        # one write per distinct date of the replies (made within a second or
        # two), for all their tickets
        self.assertLessEqual(len(writes), len(set(replies.mapped("date"))))
        self.assertEqual(sum(writes), 40)

    @users("st_agent")
    @warmup
    def test_read_list_page(self):
        """The list view's page of 80 tickets costs the same as a page of 10."""
        Ticket = self.env["support.ticket"]
        self.env.invalidate_all()
        ten = self._count_queries(
            lambda: Ticket.web_search_read([], LIST_SPEC, limit=10)
        )
        self.env.invalidate_all()
        with self.assertQueryCount(st_agent=ten):
            result = Ticket.web_search_read([], LIST_SPEC, limit=80)
        self.assertEqual(len(result["records"]), 80)
        self.assertEqual(result["length"], 120)


@tagged("post_install", "-at_install")
class TestSupportMailPerformance(SupportMailCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_agent.notification_type = "email"

    @warmup
    def test_process_one_new_ticket(self):
        """An email opening a ticket, from a known sender: the routing (loop
        detection, aliases, the sender's contact), the ticket (as above) and
        the email posted on it."""
        self.env["mail.thread"].message_process(
            False, self.build_email(subject="Scanner 0 offline")
        )
        email = self.build_email(subject="Scanner 1 offline")
        with self.assertQueryCount(__system__=33):
            self.env["mail.thread"].message_process(False, email)
        self.assertEqual(
            self.env["support.ticket"].search_count([("name", "like", "Scanner %")]), 2
        )

    @warmup
    def test_acknowledgements_of_a_burst(self):
        """The acknowledgement job computes the reply-to, and for tickets
        opened by email the email they answer, once for its batch (and renders
        the template in one pass): what grows with the tickets is each one's
        message, email and notification, 11 queries."""

        def created(count):
            self.env["support.ticket"].create(
                [
                    {"name": f"Burst {i}", "partner_id": self.customer.id}
                    for i in range(count)
                ]
            )

        def emailed(count):
            for i in range(count):
                self.process(
                    self.build_email(subject=f"Burst by email {i}"), acknowledge=False
                )

        # the email tickets: the emails they answer, in two queries; and the
        # wake-up of Odoo's mail queue, two
        for burst, most in ((created, 118), (emailed, 120)):
            burst(3)
            self.send_acknowledgements()
            burst(5)
            five = count_queries(self, self.send_acknowledgements)
            burst(10)
            ten = count_queries(self, self.send_acknowledgements)
            if self.warm:
                self.assertLessEqual(ten, most, burst.__name__)
                self.assertLessEqual(ten - five, 5 * 11, burst.__name__)

    @warmup
    def test_process_one_answer(self):
        """Processing an answer costs the same whatever the ticket's history."""
        for history in (0, 30):
            ticket = self.process(self.build_email(subject=f"Slow network {history}"))
            ticket.user_id = self.user_agent
            for i in range(history):
                ticket._add_reply(f"Earlier reply {i}")
            answer = self.build_email(
                subject=f"Re: [{ticket.code}] Slow network",
                text="Still slow today.",
                in_reply_to=self.last_message_id(ticket),
            )
            # routing (and whether the ticket was merged), the lock of the
            # ticket, the reply, the chatter message, the assignee's email, the
            # savepoint that turns a failure into a bounce, and the customer's
            # answer noted on the ticket (whether the sender is staff, the date)
            with self.assertQueryCount(__system__=44):
                self.env["mail.thread"].message_process(False, answer)
            self.assertEqual(len(ticket.reply_ids), history + 1)


@tagged("post_install", "-at_install")
class TestSupportPortalPerformance(SupportHttpCase):
    """Portal pages cost the same whatever the customer's history."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = {}
        for count in (10, 1000):
            user = new_test_user(
                cls.env,
                login=f"perf{count}",
                password=f"perf{count}",
                email=f"perf{count}@customer.example.com",
                groups="base.group_portal",
            )
            cls.env["support.ticket"].with_context(tracking_disable=True).create(
                [
                    {
                        "name": f"Ticket {i}",
                        "partner_id": user.partner_id.id,
                        "notify_customer": False,
                        "priority_id": cls.env.ref(
                            "support_ticket.support_priority_low"
                            if i % 2
                            else "support_ticket.support_priority_urgent"
                        ).id,
                    }
                    for i in range(count)
                ]
            )
            cls.customers[count] = user

    def _queries(self, url):
        self.url_open(url)  # warm the caches
        before = self.cr.sql_log_count
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return self.cr.sql_log_count - before

    def test_my_tickets_same_queries_for_10_or_1000_tickets(self):
        counts = {}
        for count, user in self.customers.items():
            self.authenticate(user.login, user.login)
            counts[count] = self._queries("/my/tickets")
        # the requests' queries are counted (a test that could not fail otherwise)
        self.assertGreater(counts[10], 5)
        self.assertEqual(counts[10], counts[1000])
        self.authenticate("perf1000", "perf1000")
        with self.assertQueryCount(counts[10]):
            self.url_open("/my/tickets?sortby=priority")
        with self.assertQueryCount(counts[10]):
            self.url_open("/my/tickets/page/7")

    def test_ticket_page_does_not_grow_with_replies(self):
        user = self.customers[10]
        ticket = self.env["support.ticket"].search(
            [("partner_id", "=", user.partner_id.id)], limit=1
        )
        self.authenticate(user.login, user.login)
        ticket._add_reply("First answer", attachments=[("a.txt", b"a")])
        few = self._queries(ticket.access_url)
        for i in range(30):
            ticket._add_reply(f"Answer {i}", attachments=[(f"f{i}.txt", b"x")])
        self.assertGreater(few, 5)
        self.assertEqual(self._queries(ticket.access_url), few)
