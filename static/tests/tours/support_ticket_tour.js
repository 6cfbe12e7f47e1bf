import {registry} from "@web/core/registry";

/**
 * A staff user opens a ticket, replies with an attachment, resolves the
 * ticket and finds its conversation locked.
 */
registry.category("web_tour.tours").add("support_ticket_backend_tour", {
    url: "/odoo/action-support_ticket.support_ticket_action",
    steps: () => [
        {
            content: "Create a ticket",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Write the subject",
            trigger: ".o_field_widget[name=name] input",
            run: "edit Tour: the printer is broken",
        },
        {
            content: "Save the ticket",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The ticket has its code",
            trigger: ".o_field_widget[name=code] span:contains('TKT-')",
        },
        {
            content: "Write a reply",
            trigger: "textarea.o_support_composer_body",
            run: "edit The technician is on the way",
        },
        {
            content: "Attach a file to the reply",
            trigger: "input.o_support_composer_file",
            run() {
                const input = document.querySelector("input.o_support_composer_file");
                const transfer = new DataTransfer();
                transfer.items.add(
                    new File(["Intervention report"], "report.txt", {type: "text/plain"})
                );
                input.files = transfer.files;
                input.dispatchEvent(new Event("change", {bubbles: true}));
            },
        },
        {
            content: "Send the reply",
            trigger: "button.o_support_reply",
            run: "click",
        },
        {
            content: "The reply is in the conversation with its attachment",
            trigger:
                ".o_support_message[data-kind=reply]:contains('The technician is on the way') a.o_support_attachment:contains('report.txt')",
        },
        {
            content: "Resolve the ticket",
            trigger: ".o_statusbar_status button:contains('Resolved')",
            run: "click",
        },
        {
            content: "The conversation is locked",
            trigger: ".o_support_locked:contains('Resolved')",
        },
        {
            content: "No composer any more",
            trigger: ".o_support_conversation:not(:has(.o_support_composer))",
        },
        {
            content: "The header shows the lock",
            trigger: ".o_support_header_badges:contains('Locked')",
        },
    ],
});

/**
 * On a ticket opened by email, "Reply + Email" saves the reply and emails it.
 */
registry.category("web_tour.tours").add("support_ticket_reply_email_tour", {
    steps: () => [
        {
            content: "The ticket came by email",
            trigger: ".o_support_email_badge",
        },
        {
            content: "Write a reply",
            trigger: "textarea.o_support_composer_body",
            run: "edit Please restart the router.",
        },
        {
            content: "Reply and email it",
            trigger: "button.o_support_reply_email",
            run: "click",
        },
        {
            content: "The reply is in the conversation",
            trigger: ".o_support_message[data-kind=reply]:contains('restart the router')",
        },
    ],
});

/**
 * A stranger's email copied someone: the team adds them to the ticket's CC
 * in one click on the reply.
 */
registry.category("web_tour.tours").add("support_ticket_reply_cc_tour", {
    steps: () => [
        {
            content: "The reply shows who its email was copied to",
            trigger:
                ".o_support_message[data-kind=reply]:contains('Forwarded to my colleague') .o_support_message_cc:contains('pete@elsewhere.example.com')",
        },
        {
            content: "Add them to the ticket's CC",
            trigger: ".o_support_message[data-kind=reply] button.o_support_add_cc",
            run: "click",
        },
        {
            content: "The ticket's CC has them",
            trigger: ".o_field_widget[name=email_cc] input:value(pete@elsewhere.example.com)",
        },
        {
            content: "Nothing left to add",
            trigger:
                ".o_support_message[data-kind=reply] .o_support_message_cc:not(:has(button.o_support_add_cc))",
        },
    ],
});
