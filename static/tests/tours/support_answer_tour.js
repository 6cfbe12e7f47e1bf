import {registry} from "@web/core/registry";

/**
 * A customer starts a ticket, sees suggested answers while typing, opens one,
 * says it did not help and opens the ticket.
 */
registry.category("web_tour.tours").add("support_answer_portal_tour", {
    url: "/my/tickets/new",
    steps: () => [
        {
            content: "Choose the category",
            trigger: ".o_support_category_label:contains('Question')",
            run: "click",
        },
        {
            content: "Type the subject, with a typing mistake",
            trigger: "input[name=name]",
            run: "edit i forgot my pasword",
        },
        {
            content: "An answer is suggested: open it",
            trigger: ".o_support_answer_item:contains('Reset your password') .o_support_answer_open",
            run: "click",
        },
        {
            content: "It opens in place",
            trigger: ".o_support_answer_content .o_support_answer_body:contains('Forgot password')",
        },
        {
            content: "It did not solve the problem",
            trigger: ".o_support_answer_no",
            run: "click",
        },
        {
            content: "The suggestion is gone",
            trigger:
                ".o_support_ticket_form:not(:has(.o_support_answer_item:contains('Reset your password')))",
        },
        {
            content: "Write the message",
            trigger: ".o_support_editor .odoo-editor-editable p",
            run: "editor The link of the email has expired.",
        },
        {
            content: "Open the ticket",
            trigger: "button.o_support_portal_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The ticket is open",
            trigger: ".alert-success:contains('is open')",
        },
    ],
});

/**
 * A visitor finds the answer while typing: no ticket is opened.
 */
registry.category("web_tour.tours").add("support_answer_solved_tour", {
    url: "/support/new",
    steps: () => [
        {
            content: "Choose the category",
            trigger: ".o_support_category_label:contains('Technical support')",
            run: "click",
        },
        {
            content: "Type the subject",
            trigger: "input[name=name]",
            run: "edit my printer offline cannot print",
        },
        {
            content: "Open the suggestion",
            trigger: ".o_support_answer_item:contains('printer shows as offline') .o_support_answer_open",
            run: "click",
        },
        {
            content: "It solved the problem",
            trigger: ".o_support_answer_content .o_support_answer_yes",
            run: "click",
        },
        {
            content: "Nothing else to do: the form is gone",
            trigger: ".o_support_answer_solved:contains('no ticket was opened')",
        },
        {
            content: "The send button went with the form",
            trigger: "button.o_support_portal_submit:not(:visible)",
        },
    ],
});

/**
 * A support user creating a ticket in the back office finds the answer while
 * typing its subject: the new ticket is discarded.
 */
registry.category("web_tour.tours").add("support_answer_backend_tour", {
    steps: () => [
        {
            content: "Create a ticket",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Type the subject",
            trigger: ".o_field_widget[name=name] input",
            run: "edit customer forgot my password",
        },
        {
            content: "Open the suggestion",
            trigger:
                ".o_support_answer_suggestions_widget .o_support_answer_item:contains('Reset your password') .o_support_answer_open",
            run: "click",
        },
        {
            content: "It solved the problem",
            trigger: ".o_support_answer_content .o_support_answer_yes",
            run: "click",
        },
        {
            content: "Back to the list, without a new ticket",
            trigger: ".o_list_view",
        },
        {
            content: "Said so",
            trigger: ".o_notification:contains('No ticket was created')",
        },
    ],
});
