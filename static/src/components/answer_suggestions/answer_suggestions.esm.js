import {Component, markup, useEffect, useState} from "@odoo/owl";
import {useDebounced} from "@web/core/utils/timing";

// shorter texts say too little to suggest anything
const MIN_LENGTH = 4;
const DELAY = 350;

/**
 * Suggested answers for what someone is typing, each opened in place: "this
 * solved my problem" ends without a ticket (and counts), "no" hides it and the
 * person goes on. Shared by the portal's new-ticket form and the back-office
 * ticket form, which give the text (a reactive ``{text, categoryId}``) and the
 * calls to the server.
 */
export class AnswerSuggestions extends Component {
    static template = "support_ticket.AnswerSuggestions";
    static props = {
        // reactive {text: String, categoryId: Number|false}
        query: Object,
        // {suggest(text, categoryId), content(model, id), solved(model, id)}
        api: Object,
        onSolved: {type: Function, optional: true},
        doneUrl: {type: String, optional: true},
    };

    setup() {
        this.query = useState(this.props.query);
        this.state = useState({
            items: [],
            openKey: false,
            contents: {},
            declined: [],
            solved: false,
        });
        this.sequence = 0;
        this.refresh = useDebounced(this.fetch, DELAY);
        useEffect(
            () => {
                // the list stays put while a suggestion is being read
                if (!this.state.openKey) {
                    this.refresh();
                }
            },
            () => [this.query.text, this.query.categoryId]
        );
    }

    key(item) {
        return `${item.model}:${item.id}`;
    }

    body(item) {
        const content = this.state.contents[this.key(item)];
        return markup(content ? content.body || "" : "");
    }

    async fetch() {
        const text = (this.query.text || "").trim();
        const sequence = ++this.sequence;
        if (text.length < MIN_LENGTH) {
            this.state.items = [];
            return;
        }
        const items = await this.props.api.suggest(text, this.query.categoryId || false);
        if (sequence !== this.sequence || this.state.openKey) {
            // an answer to an older text, or someone reading a suggestion
            return;
        }
        this.state.items = (items || []).filter(
            (item) => !this.state.declined.includes(this.key(item))
        );
    }

    async toggle(item) {
        const key = this.key(item);
        if (this.state.openKey === key) {
            this.state.openKey = false;
            return;
        }
        this.state.openKey = key;
        if (!this.state.contents[key]) {
            const content = await this.props.api.content(item.model, item.id);
            this.state.contents[key] = {body: (content && content.body) || ""};
        }
    }

    async solved(item) {
        await this.props.api.solved(item.model, item.id);
        this.state.solved = true;
        this.state.openKey = false;
        if (this.props.onSolved) {
            this.props.onSolved(item);
        }
    }

    decline(item) {
        const key = this.key(item);
        this.state.declined.push(key);
        this.state.openKey = false;
        this.state.items = this.state.items.filter((i) => this.key(i) !== key);
        this.refresh();
    }
}
