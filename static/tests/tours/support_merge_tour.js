import {registry} from "@web/core/registry";

/**
 * A manager sees that a ticket is likely the same request as another one and
 * merges them from the warning of its form.
 */
registry.category("web_tour.tours").add("support_ticket_merge_tour", {
    steps: () => [
        {
            content: "The form warns of the duplicate, with a link to it",
            trigger: ".o_support_duplicates a:contains('Scanner stopped scanning')",
        },
        {
            content: "Merge them",
            trigger: ".o_support_duplicates button.o_support_merge_duplicates",
            run: "click",
        },
        {
            content: "The wizard lists both tickets",
            trigger: ".modal .o_data_row:contains('Scanner stopped scanning')",
        },
        {
            content: "Confirm",
            trigger: ".modal button[name=action_merge]",
            run: "click",
        },
        {
            content: "The kept ticket lists the merged one",
            trigger: "button[name=action_view_merged_tickets]",
        },
        {
            content: "Its conversation has the merged ticket's message",
            trigger: ".o_support_message[data-kind=reply]:contains('It no longer scans at all')",
        },
        {
            content: "No more duplicate to show",
            trigger: ".o_form_view:not(:has(.o_support_duplicates:visible))",
        },
    ],
});
