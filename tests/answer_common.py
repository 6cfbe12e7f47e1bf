"""Helpers of the suggested-answer tests: the labelled corpus in a database."""

from markupsafe import Markup

from odoo.tests import new_test_user

from .answer_quality_data import ANSWERS, EXAMPLES


def create_answer_corpus(env, company=None):
    """Create the labelled answers (published) and example tickets (resolved,
    with a private description, a customer reply and an internal note).

    :return: {key: (model, id)}
    """
    company = company or env.company
    answers = env["support.answer"].create(
        [
            {
                "name": name,
                "keywords": keywords,
                "body": Markup("<p>%s</p>") % body,
                "category_id": env.ref(f"support_ticket.{category}").id,
                "company_id": company.id,
                "is_published": True,
            }
            for _key, category, name, keywords, body in ANSWERS
        ]
    )
    keys = {
        key: ("support.answer", answer.id)
        for (key, *_rest), answer in zip(ANSWERS, answers, strict=True)
    }
    tech = env["res.users"].search([("login", "=", "st_corpus_tech")]) or (
        new_test_user(
            env,
            login="st_corpus_tech",
            name="Tina Tech",
            email="tina.tech@example.com",
            groups="support_ticket.group_support_user",
        )
    )
    customer = env["res.partner"].create(
        {"name": "Corpus Customer", "email": "corpus.customer@example.com"}
    )
    resolved = env.ref("support_ticket.support_stage_resolved")
    for key, subject, description, reply, note in EXAMPLES:
        ticket = env["support.ticket"].create(
            {
                "name": subject,
                "description": Markup("<p>%s</p>") % description,
                "partner_id": customer.id,
                "company_id": company.id,
            }
        )
        ticket._add_reply(reply, author_id=tech.partner_id.id)
        ticket._add_reply(
            "Thanks, I will try that tomorrow.", author_id=customer.id, origin="portal"
        )
        ticket._add_reply(note, author_id=tech.partner_id.id, is_internal=True)
        ticket.stage_id = resolved
        ticket.sudo().is_answer_example = True
        keys[key] = ("support.ticket", ticket.id)
    return keys


def make_answer(env, name, body="", **values):
    """A published answer; ``body`` is trusted HTML."""
    return env["support.answer"].create(
        {
            "name": name,
            "body": Markup(f"<p>{body}</p>"),
            "is_published": True,
            **values,
        }
    )
