import {Component, onWillStart, useState} from "@odoo/owl";
import {Layout} from "@web/search/layout";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {standardActionServiceProps} from "@web/webclient/actions/action_service";
import {useService} from "@web/core/utils/hooks";

/**
 * The overview of the support team: open tickets per area and state,
 * unassigned and oldest tickets, tickets created and resolved per week,
 * first response and resolution times, and the SLA once tickets have one.
 * Every figure comes from one call (support.ticket.get_overview) with the
 * action that lists its tickets.
 */
export class SupportOverview extends Component {
    static template = "support_ticket.SupportOverview";
    static components = {Layout};
    static props = {...standardActionServiceProps};

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.state = useState({data: null, loading: false});
        onWillStart(() => this.load());
    }

    async load() {
        this.state.loading = true;
        try {
            this.state.data = await this.orm.call("support.ticket", "get_overview", []);
        } finally {
            this.state.loading = false;
        }
    }

    open(figure) {
        if (figure && figure.action) {
            this.actionService.doAction(figure.action);
        }
    }

    openAnalysis() {
        this.actionService.doAction("support_ticket.support_ticket_report_action");
    }

    cell(row, stage) {
        return row.cells[stage.id] || {count: 0, action: null};
    }

    /**
     * A duration given in hours, as people read it.
     * @param {Number|null} hours
     * @returns {String}
     */
    formatHours(hours) {
        if (hours === null || hours === undefined) {
            return "–";
        }
        if (hours < 1) {
            return _t("%s min", Math.round(hours * 60));
        }
        if (hours < 48) {
            return _t("%s h", hours.toFixed(1));
        }
        return _t("%s days", (hours / 24).toFixed(1));
    }

    get weeklyMax() {
        const counts = this.state.data.created_resolved.flatMap((week) => [
            week.created.count,
            week.resolved.count,
        ]);
        return Math.max(1, ...counts);
    }

    barStyle(count) {
        return `height: ${Math.round((100 * count) / this.weeklyMax)}%;`;
    }
}

registry.category("actions").add("support_ticket.overview", SupportOverview);
