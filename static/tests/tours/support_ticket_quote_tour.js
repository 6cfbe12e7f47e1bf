import {registry} from "@web/core/registry";

/**
 * A customer finds the quote of their ticket, goes to its order, signs it
 * there, and comes back to the ticket: it is approved.
 */
registry.category("web_tour.tours").add("support_ticket_quote_tour", {
    steps: () => [
        {
            content: "The ticket page shows the quote, waiting for approval",
            trigger: ".o_support_portal_quote[data-quote-state=quoted] .o_support_quote_state",
        },
        {
            content: "Go to the order",
            trigger: "a.o_support_portal_order:contains('Review and sign')",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Accept and sign",
            trigger: "#sale_order_sidebar_button a:contains('Sign')",
            run: "click",
        },
        {
            content: "Sign with the full name",
            trigger: ".modal .o_web_sign_name_and_signature input",
            run: "edit Dora Other",
        },
        {
            trigger: ".modal canvas.o_web_sign_signature",
            run: "canvasNotEmpty",
        },
        {
            content: "Submit the signature",
            trigger: ".modal .o_portal_sign_submit:enabled",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The order is confirmed",
            trigger: "#quote_content:contains('Thank You')",
        },
        {
            content: "Back to the ticket",
            trigger: "a.o_support_order_ticket_link",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The quote is approved",
            trigger: ".o_support_portal_quote[data-quote-state=approved] .o_support_quote_state:contains('Approved')",
        },
        {
            content: "Nothing left to sign",
            trigger: ".o_support_portal_quote:not(:has(a:contains('Review and sign')))",
        },
    ],
});
