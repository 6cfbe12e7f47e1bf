import {Component, markup, useRef, useState} from "@odoo/owl";
import {KeepLast} from "@web/core/utils/concurrency";
import {_t} from "@web/core/l10n/translation";
import {deserializeDateTime} from "@web/core/l10n/dates";
import {formatDateTime} from "@web/views/fields/formatters";
import {getDataURLFromFile} from "@web/core/utils/urls";
import {registry} from "@web/core/registry";
import {standardWidgetProps} from "@web/views/widgets/standard_widget_props";
import {useRecordObserver} from "@web/model/relational_model/utils";
import {useService} from "@web/core/utils/hooks";

const BADGES = {
    creator: {label: _t("Creator"), className: "o_support_color_grey"},
    assignee: {label: _t("Assigned"), className: "o_support_color_blue"},
    email: {label: _t("Email"), className: "o_support_color_yellow"},
    internal: {label: _t("Internal note"), className: "o_support_color_dark"},
};

// as the datetime fields of the form show their value
const DATE_OPTIONS = {showSeconds: false, showTime: true, showDate: true};

const TONES = {
    creator: "o_support_tone_creator",
    assignee: "o_support_tone_assignee",
    email: "o_support_tone_email",
    other: "o_support_tone_other",
};

/**
 * The conversation of a ticket: its description, then its replies, with a
 * composer while the ticket is open and a locked notice once it is resolved
 * or closed.
 */
export class SupportConversation extends Component {
    static template = "support_ticket.SupportConversation";
    static props = {...standardWidgetProps};

    setup() {
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.fileInput = useRef("fileInput");
        this.badges = BADGES;
        this.state = useState({
            loaded: false,
            messages: [],
            locked: false,
            stateName: "",
            canReply: false,
            canReplyByEmail: false,
            canReopen: false,
            canAddCc: false,
            body: "",
            isInternal: false,
            fileName: "",
            busy: false,
        });
        // Only the answer to the last request is shown: an answer fetched
        // before a save (a state change, a reply) may arrive after the one
        // fetched after it, and must not bring back the old state.
        this.keepLast = new KeepLast();
        useRecordObserver(async (record) => {
            // reload when the ticket is saved (its state, assignee or replies
            // may have changed on the server); unsaved edits wait for the save
            if (record.dirty) {
                return;
            }
            const key = this.recordKey(record);
            if (key !== this.loadedKey) {
                this.loadedKey = key;
                await this.load(record.resId);
            }
        });
    }

    recordKey(record) {
        return [
            record.resId,
            record.data.write_date && record.data.write_date.toString(),
            record.data.is_locked,
            record.data.reply_count,
            record.data.user_id && record.data.user_id.id,
        ].join("|");
    }

    /**
     * Reload the record, then the conversation for what was just saved.
     */
    async reloadAll() {
        const record = this.props.record;
        await record.load();
        this.loadedKey = this.recordKey(record);
        await this.load(record.resId);
    }

    async load(resId) {
        if (!resId) {
            // drop the answer of any request still running
            this.keepLast.add(Promise.resolve());
            Object.assign(this.state, {loaded: true, messages: [], canReply: false});
            return;
        }
        const data = await this.keepLast.add(
            this.orm.call("support.ticket", "get_conversation", [[resId]])
        );
        Object.assign(this.state, {
            loaded: true,
            messages: data.messages.map((message) => ({
                ...message,
                // in the browser's time zone, as the other dates of the form
                date: message.datetime
                    ? formatDateTime(deserializeDateTime(message.datetime), DATE_OPTIONS)
                    : message.date,
                body: markup(message.body),
            })),
            locked: data.locked,
            stateName: data.state,
            canReply: data.can_reply,
            canReplyByEmail: data.can_reply_by_email,
            canReopen: data.can_reopen,
            canAddCc: data.can_add_cc,
        });
    }

    toneClass(message) {
        return TONES[message.tone] || TONES.other;
    }

    onFileChange(ev) {
        const file = ev.target.files[0];
        this.state.fileName = file ? file.name : "";
    }

    clearFile() {
        if (this.fileInput.el) {
            this.fileInput.el.value = "";
        }
        this.state.fileName = "";
    }

    async onReply(sendEmail = false) {
        const record = this.props.record;
        const file = this.fileInput.el && this.fileInput.el.files[0];
        if (!this.state.body.trim() && !file) {
            this.notification.add(_t("Write a message or attach a file before replying."), {
                type: "warning",
            });
            return;
        }
        this.state.busy = true;
        try {
            if (record.dirty && !(await record.save())) {
                return;
            }
            let attachmentData = false;
            if (file) {
                const dataUrl = await getDataURLFromFile(file);
                attachmentData = dataUrl.split(",")[1] || "";
            }
            await this.orm.call("support.ticket", "post_reply", [[record.resId]], {
                body: this.state.body,
                attachment_name: file ? file.name : false,
                attachment_data: attachmentData,
                is_internal: this.state.isInternal,
                send_email: sendEmail,
            });
            this.state.body = "";
            this.state.isInternal = false;
            this.clearFile();
            await this.reloadAll();
        } finally {
            this.state.busy = false;
        }
    }

    addCcTitle(message) {
        return _t("They will follow the ticket and receive its updates: %s", message.cc_pending.join(", "));
    }

    /**
     * Add the CC addresses of an email (not named by the customer) to the
     * ticket's CC: from then on they follow the ticket.
     */
    async onAddCc(message) {
        const record = this.props.record;
        this.state.busy = true;
        try {
            if (record.dirty && !(await record.save())) {
                return;
            }
            await this.orm.call("support.ticket.reply", "action_add_cc_to_ticket", [[message.id]]);
            await record.load();
            this.loadedKey = undefined;
            await this.load(record.resId);
        } finally {
            this.state.busy = false;
        }
    }

    async onReopen() {
        const record = this.props.record;
        if (record.dirty && !(await record.save())) {
            return;
        }
        await this.orm.call("support.ticket", "action_reopen", [[record.resId]]);
        await this.reloadAll();
    }
}

registry.category("view_widgets").add("support_conversation", {
    component: SupportConversation,
    fieldDependencies: [
        {name: "write_date", type: "datetime"},
        {name: "is_locked", type: "boolean"},
        {name: "reply_count", type: "integer"},
        {name: "user_id", type: "many2one", relation: "res.users"},
    ],
});
