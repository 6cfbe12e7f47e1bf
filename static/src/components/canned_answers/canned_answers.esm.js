import {Component, useRef, useState} from "@odoo/owl";
import {Dropdown} from "@web/core/dropdown/dropdown";
import {DropdownItem} from "@web/core/dropdown/dropdown_item";
import {SupportConversation} from "@support_ticket/components/conversation/conversation.esm";
import {patch} from "@web/core/utils/patch";
import {useService} from "@web/core/utils/hooks";

/**
 * The canned answers of a ticket's composer: those of its area, the user's own
 * and those shared with their groups. The server fills in the placeholders
 * ({{customer}}, {{code}}, {{assignee}}...) for the ticket.
 */
export class SupportCannedAnswers extends Component {
    static template = "support_ticket.SupportCannedAnswers";
    static components = {Dropdown, DropdownItem};
    static props = {
        ticketId: Number,
        onInsert: Function,
        disabled: {type: Boolean, optional: true},
    };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({answers: [], loaded: false, search: ""});
    }

    get answers() {
        const search = this.state.search.trim().toLowerCase();
        if (!search) {
            return this.state.answers;
        }
        return this.state.answers.filter(
            (answer) =>
                answer.source.toLowerCase().includes(search) ||
                answer.preview.toLowerCase().includes(search)
        );
    }

    async load() {
        // the list may change between two replies: loaded on each opening
        this.state.answers = await this.orm.call(
            "support.ticket",
            "get_canned_responses",
            [[this.props.ticketId]]
        );
        this.state.search = "";
        this.state.loaded = true;
    }

    async select(answer) {
        const text = await this.orm.call(
            "support.ticket",
            "render_canned_response",
            [[this.props.ticketId], answer.id]
        );
        this.props.onInsert(text);
    }

    manage() {
        this.action.doAction("support_ticket.support_canned_response_action");
    }
}

SupportConversation.components = {
    ...(SupportConversation.components || {}),
    SupportCannedAnswers,
};

patch(SupportConversation.prototype, {
    setup() {
        super.setup(...arguments);
        this.composerBody = useRef("composerBody");
    },

    /**
     * Where the cursor was in the reply when it lost the focus (to the menu
     * of canned answers).
     */
    onComposerBlur(ev) {
        this.composerSelection = [ev.target.selectionStart, ev.target.selectionEnd];
    },

    /**
     * Insert a canned answer where the cursor was in the reply, else at its end.
     */
    insertCannedAnswer(text) {
        const body = this.state.body || "";
        let [start, end] = this.composerSelection || [body.length, body.length];
        start = Math.min(start, body.length);
        end = Math.min(Math.max(end, start), body.length);
        const before = body.slice(0, start);
        const separator = before && !/\s$/.test(before) ? "\n" : "";
        this.state.body = before + separator + text + body.slice(end);
        const cursor = (before + separator + text).length;
        this.composerSelection = [cursor, cursor];
        const el = this.composerBody.el;
        if (el) {
            // once Owl has written the new value in the reply box
            setTimeout(() => {
                el.focus();
                el.setSelectionRange(cursor, cursor);
            });
        }
    },
});
