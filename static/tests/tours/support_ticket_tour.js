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
            content: "The description is dated as the form dates the ticket",
            trigger: ".o_support_message[data-kind=description] .o_support_message_date",
            run() {
                // both in the browser's time zone, in the same format
                const shown = this.anchor.textContent.trim();
                const created = document
                    .querySelector(".o_support_info_panel [name=create_date]")
                    .textContent.trim();
                if (!shown || shown !== created) {
                    throw new Error(`Dated "${shown}", created "${created}"`);
                }
            },
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
 * Answers of the server may arrive out of order: the first answer for the
 * conversation asked after this call is delivered only once a later one has
 * been, as a slow request would be. Resolves window.supportHeldAnswer once
 * the held answer has been delivered and shown.
 */
function holdNextConversationAnswer() {
    const {rpc} = odoo.loader.modules.get("@web/core/network/rpc");
    const original = rpc._rpc;
    let openGate = null;
    const gate = new Promise((resolve) => {
        openGate = resolve;
    });
    let held = false;
    let delivered = null;
    window.supportHeldAnswer = new Promise((resolve) => {
        delivered = resolve;
    });
    rpc._rpc = function (url, params, settings) {
        const request = original.call(this, url, params, settings);
        if (!url.endsWith("/get_conversation")) {
            return request;
        }
        if (!held) {
            held = true;
            const late = request.then(async (result) => {
                await gate;
                return result;
            });
            late.abort = request.abort;
            late.finally(() => setTimeout(delivered, 500));
            return late;
        }
        rpc._rpc = original;
        request.finally(() => setTimeout(openGate, 200));
        return request;
    };
}

/**
 * A state saved after an answer was fetched wins over that answer, whatever
 * the order the answers arrive in.
 */
registry.category("web_tour.tours").add("support_ticket_conversation_order_tour", {
    steps: () => [
        {
            content: "The ticket is resolved: its conversation is locked",
            trigger: ".o_support_locked:contains('Resolved') .o_support_reopen",
            run() {
                holdNextConversationAnswer();
            },
        },
        {
            content: "Reopen it: its conversation is fetched (and held)",
            trigger: ".o_support_reopen",
            run: "click",
        },
        {
            content: "The ticket is open again",
            trigger: ".o_statusbar_status button[aria-checked=true]:contains('Open')",
        },
        {
            content: "Resolve it again before the answer arrives",
            trigger: ".o_statusbar_status button:contains('Resolved')",
            run: "click",
        },
        {
            content: "Saved: the answer fetched before the save arrives last",
            trigger: ".o_support_header_badges:contains('Locked')",
            async run() {
                await window.supportHeldAnswer;
            },
        },
        {
            content: "The conversation shows the saved state: locked",
            trigger: ".o_support_locked:contains('Resolved')",
        },
        {
            content: "No composer",
            trigger: ".o_support_conversation:not(:has(.o_support_composer))",
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
