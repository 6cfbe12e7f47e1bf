# Part of support_ticket. See LICENSE file for full copyright and licensing details.
{
    "name": "Support Tickets",
    "summary": "Helpdesk: tickets, areas, states, priorities, categories, conversation",
    "version": "19.0.1.0.0",
    "category": "Services/Helpdesk",
    "website": "https://github.com/support-ticket/support_ticket",
    "author": "support_ticket contributors",
    "maintainers": [],
    "license": "LGPL-3",
    "application": True,
    "installable": True,
    "depends": ["mail", "web_tour"],
    "data": [
        "security/support_ticket_groups.xml",
        "security/support_ticket_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "data/mail_message_subtype_data.xml",
        "data/support_catalog_data.xml",
        "views/support_ticket_views.xml",
        "views/support_catalog_views.xml",
        "views/res_partner_views.xml",
        "wizard/support_ticket_stage_change_views.xml",
        "views/support_ticket_menus.xml",
    ],
    "demo": ["demo/support_ticket_demo.xml"],
    "assets": {
        "web.assets_backend": [
            "support_ticket/static/src/scss/*.scss",
            "support_ticket/static/src/components/**/*",
        ],
        "web.assets_tests": [
            "support_ticket/static/tests/tours/**/*",
        ],
    },
}
