import {AnswerSuggestions} from "@support_ticket/components/answer_suggestions/answer_suggestions.esm";
import {Interaction} from "@web/public/interaction";
import {reactive} from "@odoo/owl";
import {registry} from "@web/core/registry";
import {rpc} from "@web/core/network/rpc";

/**
 * Suggested answers in the portal's new-ticket form, from the subject, the
 * message and the category while the customer types them. When an answer
 * solves the problem the form goes away: no ticket is opened.
 */
export class SupportAnswerSuggestions extends Interaction {
    static selector = ".o_support_ticket_form";
    dynamicContent = {
        _root: {"t-on-input": this.read, "t-on-change": this.read},
    };

    setup() {
        this.query = reactive({text: "", categoryId: false});
    }

    start() {
        const root = this.el.querySelector(".o_support_answer_suggestions_root");
        if (!root) {
            return;
        }
        this.root = root;
        this.mountComponent(root, AnswerSuggestions, {
            query: this.query,
            api: {
                suggest: (text, categoryId) =>
                    rpc("/support/answers/suggest", {text, category_id: categoryId}),
                content: (model, id) =>
                    rpc("/support/answers/content", {model, res_id: id}),
                solved: (model, id) => rpc("/support/answers/solved", {model, res_id: id}),
            },
            doneUrl: root.dataset.doneUrl || "/support",
            onSolved: () => this.onSolved(),
        });
        this.read();
    }

    read() {
        const subject = this.el.querySelector("input[name=name]");
        const editable = this.el.querySelector(".o_support_editor .odoo-editor-editable");
        const message = this.el.querySelector("textarea[name=description]");
        const category = this.el.querySelector(".o_support_category_input:checked");
        const text = [
            subject ? subject.value : "",
            editable ? editable.innerText : message ? message.value : "",
        ].join("\n");
        this.query.text = text.slice(0, 1000);
        this.query.categoryId = category ? parseInt(category.value, 10) : false;
    }

    onSolved() {
        // only the answer stays: the rest of the form goes
        for (let node = this.root; node && node !== this.el; node = node.parentElement) {
            for (const sibling of node.parentElement.children) {
                if (sibling !== node) {
                    sibling.classList.add("d-none");
                }
            }
        }
    }
}

registry
    .category("public.interactions")
    .add("support_ticket.answer_suggestions", SupportAnswerSuggestions);
