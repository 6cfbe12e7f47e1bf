import {registry} from "@web/core/registry";

function countRows(expected) {
    const rows = document.querySelectorAll(".o_list_view .o_data_row");
    if (rows.length !== expected) {
        throw new Error(`${rows.length} rows listed, ${expected} expected`);
    }
}

/**
 * A support manager reads the overview and opens the tickets behind its
 * figures: the unassigned ones, then those of an area in a state.
 */
registry.category("web_tour.tours").add("support_ticket_overview_tour", {
    url: "/odoo/action-support_ticket.support_overview_action",
    steps: () => [
        {
            content: "The overview counts the open tickets",
            trigger: ".o_support_overview_figure[data-figure=open] .o_support_overview_value:contains(3)",
        },
        {
            content: "It shows the oldest open ticket",
            trigger: ".o_support_overview_figure[data-figure=oldest]:contains(Overview tour: oldest)",
        },
        {
            content: "Open the unassigned tickets",
            trigger: ".o_support_overview_figure[data-figure=unassigned]",
            run: "click",
        },
        {
            content: "Their list shows the unassigned ticket",
            trigger: ".o_list_view .o_data_row:contains(Overview tour: oldest)",
            run: () => countRows(1),
        },
        {
            content: "Back to the overview",
            trigger: ".breadcrumb-item:contains(Overview)",
            run: "click",
        },
        {
            content: "Open the waiting tickets of the tour's area",
            trigger: ".o_support_overview_areas tbody tr:contains(Overview tour area) td:nth-child(3) a.o_support_overview_cell",
            run: "click",
        },
        {
            content: "Their list shows the two waiting tickets",
            trigger: ".o_list_view .o_data_row:contains(Overview tour: waiting)",
            run: () => countRows(2),
        },
        {
            content: "Back to the overview",
            trigger: ".breadcrumb-item:contains(Overview)",
            run: "click",
        },
        {
            content: "Open the analysis",
            trigger: ".o_support_overview_analysis",
            run: "click",
        },
        {
            content: "The analysis opens as a pivot table",
            trigger: ".o_pivot_view .o_pivot",
        },
    ],
});
