import {Component, onMounted, onWillUnmount, reactive, useRef} from "@odoo/owl";
import {AnswerSuggestions} from "../answer_suggestions/answer_suggestions.esm";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {standardWidgetProps} from "@web/views/widgets/standard_widget_props";
import {useRecordObserver} from "@web/model/relational_model/utils";
import {useService} from "@web/core/utils/hooks";

function htmlToText(html) {
    const div = document.createElement("div");
    div.innerHTML = html || "";
    return div.textContent || "";
}

/**
 * The suggested answers of a ticket being created in the back office, from
 * its subject and description while they are typed. When an answer solves
 * the problem, the new ticket is discarded.
 */
export class AnswerSuggestionsWidget extends Component {
    static template = "support_ticket.AnswerSuggestionsWidget";
    static components = {AnswerSuggestions};
    static props = {...standardWidgetProps};

    setup() {
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.root = useRef("root");
        this.query = reactive({text: "", categoryId: false});
        this.api = {
            suggest: (text, categoryId) =>
                this.orm.call("support.answer", "suggest", [text], {
                    limit: 3,
                    category_id: categoryId,
                }),
            content: (model, id) =>
                this.orm.call("support.answer", "suggestion_content", [model, id]),
            solved: (model, id) =>
                this.orm.call("support.answer", "mark_solved", [model, id]),
        };
        useRecordObserver((record) => this.read(record));
        // the fields commit their value when they lose the focus: read what
        // is being typed from the form itself
        this.onInput = () => this.read(this.props.record);
        onMounted(() => {
            this.form = this.root.el.closest(".o_form_renderer");
            if (this.form) {
                this.form.addEventListener("input", this.onInput);
            }
        });
        onWillUnmount(() => {
            if (this.form) {
                this.form.removeEventListener("input", this.onInput);
            }
        });
    }

    read(record) {
        const form = this.root.el && this.root.el.closest(".o_form_renderer");
        const input = form && form.querySelector(".o_field_widget[name=name] input");
        const editable =
            form &&
            form.querySelector(".o_field_widget[name=description] .odoo-editor-editable");
        const subject = input ? input.value : record.data.name || "";
        const description = editable
            ? editable.innerText
            : htmlToText(record.data.description);
        this.query.text = `${subject}\n${description}`.slice(0, 1000);
        this.query.categoryId = record.data.category_id
            ? record.data.category_id.id
            : false;
    }

    async onSolved() {
        this.notification.add(_t("No ticket was created: the answer solved the problem."), {
            type: "success",
        });
        await this.props.record.discard();
        this.env.config.historyBack();
    }
}

registry.category("view_widgets").add("support_answer_suggestions", {
    component: AnswerSuggestionsWidget,
    fieldDependencies: [
        {name: "name", type: "char"},
        {name: "description", type: "html"},
        {name: "category_id", type: "many2one", relation: "support.category"},
    ],
});
