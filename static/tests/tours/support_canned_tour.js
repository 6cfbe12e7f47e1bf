import {registry} from "@web/core/registry";

/**
 * A staff user inserts a canned answer in a reply: the placeholders come
 * filled in for the ticket, the text can still be edited, and the reply is sent.
 */
registry.category("web_tour.tours").add("support_ticket_canned_tour", {
    steps: () => [
        {
            content: "Start the reply",
            trigger: "textarea.o_support_composer_body",
            run: "edit Hi.",
        },
        {
            content: "Open the canned answers",
            trigger: "button.o_support_canned_toggle",
            run: "click",
        },
        {
            content: "The answers of another area are not offered",
            trigger: ".o_support_canned_menu:not(:has([data-source=billing]))",
        },
        {
            content: "Look for the answer",
            trigger: "input.o_support_canned_search",
            run: "edit restart",
        },
        {
            content: "Only the matching answer is left",
            trigger: ".o_support_canned_menu:not(:has([data-source=thanks]))",
        },
        {
            content: "Insert it",
            trigger: ".o_support_canned_item:has([data-source=restart])",
            run: "click",
        },
        {
            content: "The answer is in the reply, filled in for the ticket",
            trigger: "textarea.o_support_composer_body:value(Dear Mia Router)",
            run() {
                const text = this.anchor.value;
                const expected = "Hi.\nDear Mia Router, restart the box of TKT-";
                if (!text.startsWith(expected) || !text.includes("Tom Tour")) {
                    throw new Error(`The reply reads "${text}"`);
                }
            },
        },
        {
            content: "Send the reply",
            trigger: "button.o_support_reply",
            run: "click",
        },
        {
            content: "The reply is in the conversation",
            trigger: ".o_support_message[data-kind=reply]:contains('Dear Mia Router')",
        },
    ],
});
