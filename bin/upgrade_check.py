"""Steps of bin/upgrade-check, run inside `odoo shell` (which provides ``env``).

SUPPORT_TICKET_UPGRADE_STEP=fill      put a helpdesk in use in the database
SUPPORT_TICKET_UPGRADE_STEP=snapshot  write what it holds to SUPPORT_TICKET_UPGRADE_OUT
SUPPORT_TICKET_UPGRADE_STEP=compare   compare two snapshots (no database needed):
                                      python3 bin/upgrade_check.py BEFORE AFTER
"""

import hashlib
import json
import os
import sys

# models whose records are compared field by field (every stored field but
# the technical write stamps)
MODELS = [
    "support.ticket",
    "support.ticket.reply",
    "support.stage",
    "support.priority",
    "support.category",
    "support.category.reason",
    "support.team",
]
SKIPPED_FIELDS = {"write_date", "write_uid"}


def fill(env):  # noqa: PLR0915 - one story, told in order
    from odoo.fields import Command

    env = env(context=dict(env.context, no_reset_password=True))
    # settings changed from their defaults
    env["res.config.settings"].create(
        {
            "support_max_message_size_kb": 300,
            "support_portal_max_files": 5,
            "support_portal_max_file_size_mb": 4,
            "support_portal_extensions": "pdf,png,txt",
            "support_portal_cc_policy": "any",
            "support_portal_rate_per_email": 7,
            "support_portal_rate_per_ip": 70,
            "support_locked_reply_policy": "new",
            "support_notify_reply": False,
            "support_sms_on_done": True,
            "support_portal_priority": True,
            "support_portal_visitors": False,
            "support_create_partner_from_email": False,
        }
    ).execute()
    # the data of the addon, edited, and custom catalog values
    env.ref("support_ticket.support_stage_open").write(
        {"name": "New", "color": "red", "description": "Edited by the customer"}
    )
    env.ref("support_ticket.support_stage_pending").active = False
    waiting = env["support.stage"].create(
        {
            "name": "Waiting for parts",
            "sequence": 25,
            "color": "purple",
            "portal_status": "waiting",
            "progress": 60,
            "is_waiting": True,
        }
    )
    env.ref("support_ticket.support_priority_urgent").write(
        {"name": "Critical", "icon": "fa-fire"}
    )
    category = env.ref("support_ticket.support_category_support")
    category.write(
        {
            "customer_label": "Something broke",
            "price": 42,
            "reason_ids": [Command.create({"name": "Screen cracked"})],
        }
    )
    env.ref(
        "support_ticket.mail_template_ticket_ack"
    ).subject = "Got it: {{ object.name }}"
    group_user = env.ref("support_ticket.group_support_user")
    agent = env["res.users"].create(
        {
            "name": "Upgrade Agent",
            "login": "upgrade_agent",
            "email": "upgrade.agent@example.com",
            "group_ids": [Command.link(group_user.id)],
            "support_display_name": "The Support Team",
        }
    )
    team = env["support.team"].create(
        {"name": "Upgrade area", "member_ids": [Command.link(agent.id)]}
    )
    customer = env["res.partner"].create(
        {
            "name": "Ursula Customer",
            "email": "ursula@customer.example.com",
            "support_notify_default": False,
        }
    )
    Ticket = env["support.ticket"]
    manual = Ticket.create(
        {
            "name": "Printer on fire",
            "description": "<p>Smoke <b>everywhere</b></p>",
            "partner_id": customer.id,
            "team_id": team.id,
            "user_id": agent.id,
            "stage_id": waiting.id,
            "priority_id": env.ref("support_ticket.support_priority_urgent").id,
            "email_cc": "boss@customer.example.com",
        }
    )
    manual.with_user(agent)._add_reply(
        "Parts ordered", [("order.pdf", b"%PDF-1.4 order of parts\n%%EOF")]
    )
    manual.with_user(agent)._add_reply(
        "Supplier is slow", [("quote.txt", b"internal quote")], is_internal=True
    )
    ticket_file = env["ir.attachment"].create(
        {
            "name": "photo.png",
            "raw": b"\x89PNG\r\n\x1a\n" + b"\x00" * 32,
            "res_model": "support.ticket",
            "res_id": manual.id,
        }
    )
    manual.attachment_ids = [Command.link(ticket_file.id)]
    portal = Ticket.sudo()._portal_create(
        {
            "name": "Cannot log in",
            "description": "<p>Password refused</p>",
            "category_id": category.id,
        },
        customer,
        files=[("screen.png", b"\x89PNG\r\n\x1a\n" + b"\x01" * 32)],
    )
    portal._portal_reply(customer, "<p>Still refused</p>")
    raw = (
        "From: Ursula Customer <ursula@customer.example.com>\r\n"
        "To: support@support.example.com\r\n"
        "Subject: Router down\r\n"
        "Message-ID: <upgrade-check-1@customer.example.com>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        '--b\r\nContent-Type: text/plain; charset="utf-8"\r\n\r\n'
        "It blinks red.\r\n"
        '--b\r\nContent-Type: text/plain; name="log.txt"\r\n'
        'Content-Disposition: attachment; filename="log.txt"\r\n\r\n'
        "link down\r\n--b--\r\n"
    )
    email_id = env["mail.thread"].message_process("support.ticket", raw.encode())
    Ticket.browse(email_id)._add_reply("Reboot it, please")
    done = Ticket.create({"name": "Old question", "partner_id": customer.id})
    done.stage_id = env.ref("support_ticket.support_stage_closed")
    env.cr.commit()


def records(env, model):
    Model = env[model].sudo().with_context(active_test=False)
    names = sorted(
        name
        for name, field in Model._fields.items()
        if field.store and field.type != "binary" and name not in SKIPPED_FIELDS
    )
    rows = {}
    for values in Model.search([], order="id").read(names, load=None):
        rows[str(values.pop("id"))] = {
            name: sorted(value) if isinstance(value, list) else value
            for name, value in values.items()
        }
    return rows


def snapshot(env):
    tickets = env["support.ticket"].sudo().with_context(active_test=False).search([])
    replies = tickets.reply_ids
    attachments = (
        env["ir.attachment"]
        .sudo()
        .search(
            [
                "|",
                "&",
                ("res_model", "=", "support.ticket"),
                ("res_id", "in", tickets.ids),
                "&",
                ("res_model", "=", "support.ticket.reply"),
                ("res_id", "in", replies.ids),
            ]
        )
    )
    attachments |= tickets.attachment_ids | replies.attachment_ids
    messages = (
        env["mail.message"]
        .sudo()
        .search([("model", "=", "support.ticket"), ("res_id", "in", tickets.ids)])
    )
    data = {model: records(env, model) for model in MODELS}
    data["files"] = {
        str(a.id): {
            "name": a.name,
            "res_model": a.res_model,
            "res_id": a.res_id,
            "mimetype": a.mimetype,
            "size": a.file_size,
            "content_sha1": hashlib.sha1(a.raw or b"").hexdigest(),
        }
        for a in attachments
    }
    data["messages"] = {
        str(m.id): [m.res_id, m.message_type, m.subject or "", str(m.body or "")]
        for m in messages
    }
    data["parameters"] = {
        p.key: p.value
        for p in env["ir.config_parameter"]
        .sudo()
        .search([("key", "=like", "support_ticket.%")])
    }
    settings = env["res.config.settings"].create({})
    data["settings"] = {
        name: settings[name]
        for name in sorted(settings._fields)
        if name.startswith("support_") and settings._fields[name].type != "many2one"
    }
    data["templates"] = {
        t.get_external_id()[t.id]: [t.subject, str(t.body_html)]
        for t in env["mail.template"].sudo().search([("model", "=", "support.ticket")])
    }
    sequence = env.ref("support_ticket.seq_support_ticket")
    data["sequence"] = [sequence.prefix, sequence.padding, sequence.number_next_actual]
    data["rules"] = {
        r.get_external_id()[r.id]: [r.domain_force, r.active, sorted(r.groups.ids)]
        for r in env["ir.rule"]
        .sudo()
        .with_context(active_test=False)
        .search([("model_id.model", "like", "support.")])
    }
    data["users"] = {
        u.login: [u.support_display_name or "", u.partner_id.support_notify_default]
        for u in env["res.users"].sudo().search([("login", "=", "upgrade_agent")])
    }
    return data


def compare(before, after, limit=40):
    """The differences between two snapshots, as readable lines."""
    lines = []
    for section in sorted(set(before) | set(after)):
        old, new = before.get(section, {}), after.get(section, {})
        if isinstance(old, list) or isinstance(new, list):
            if old != new:
                lines.append(f"{section}: {old!r} -> {new!r}")
            continue
        for key in sorted(set(old) | set(new), key=str):
            if key not in new:
                lines.append(f"{section} {key}: removed")
            elif key not in old:
                lines.append(f"{section} {key}: added")
            elif old[key] != new[key]:
                if isinstance(old[key], dict):
                    for field in sorted(set(old[key]) | set(new[key])):
                        a, b = old[key].get(field), new[key].get(field)
                        if a != b:
                            lines.append(f"{section} {key} {field}: {a!r} -> {b!r}")
                else:
                    lines.append(f"{section} {key}: {old[key]!r} -> {new[key]!r}")
    if len(lines) > limit:
        lines = lines[:limit] + [f"... and {len(lines) - limit} more"]
    return lines


def summary(data):
    return ", ".join(
        f"{len(data[key])} {label}"
        for key, label in (
            ("support.ticket", "tickets"),
            ("support.ticket.reply", "replies"),
            ("files", "files"),
            ("messages", "messages"),
            ("support.stage", "states"),
            ("parameters", "settings"),
            ("templates", "templates"),
            ("rules", "record rules"),
        )
    )


def main():
    step = os.environ.get("SUPPORT_TICKET_UPGRADE_STEP")
    if step == "fill":
        fill(env)  # noqa: F821 - given by odoo shell
    elif step == "snapshot":
        data = snapshot(env)  # noqa: F821 - given by odoo shell
        with open(os.environ["SUPPORT_TICKET_UPGRADE_OUT"], "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1, sort_keys=True, default=str)
        env.cr.rollback()  # noqa: F821
    else:
        with open(sys.argv[1], encoding="utf-8") as f:
            before = json.load(f)
        with open(sys.argv[2], encoding="utf-8") as f:
            after = json.load(f)
        print(f"compared: {summary(before)}")
        differences = compare(before, after)
        for line in differences:
            print(f"  changed by the update: {line}")
        if not before["support.ticket"] or not before["files"]:
            print("  the snapshot holds no ticket or no file: nothing was compared")
            sys.exit(1)
        sys.exit(1 if differences else 0)


main()
