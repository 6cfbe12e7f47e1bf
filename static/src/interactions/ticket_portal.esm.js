import {Interaction} from "@web/public/interaction";
import {_t} from "@web/core/l10n/translation";
import {loadBundle} from "@web/core/assets";
import {registry} from "@web/core/registry";

/**
 * The portal form of a new ticket: the hints and sub-reasons of the chosen
 * category, a quick pick of a sub-reason as subject, and a check of the files
 * before sending them (the server checks them again).
 */
export class SupportTicketForm extends Interaction {
    static selector = ".o_support_ticket_form";
    dynamicContent = {
        ".o_support_category_input": {"t-on-change": this.onCategoryChange},
        ".o_support_reason": {"t-on-click.withTarget": this.onReasonClick},
    };

    onCategoryChange(ev) {
        const categoryId = ev.currentTarget.value;
        for (const hint of this.el.querySelectorAll(".o_support_category_hint")) {
            hint.classList.toggle("d-none", hint.dataset.categoryId !== categoryId);
        }
    }

    onReasonClick(ev, target) {
        const subject = this.el.querySelector("input[name=name]");
        subject.value = target.dataset.reason;
        subject.focus();
    }
}

/**
 * Checks the number and the size of the chosen files in the browser, as a
 * convenience: the server enforces the same rules.
 */
export class SupportFilesInput extends Interaction {
    static selector = ".o_support_portal_files_input";
    dynamicContent = {
        _root: {"t-on-change": this.onChange},
    };

    onChange() {
        const maxFiles = parseInt(this.el.dataset.maxFiles || "0");
        const maxSize = parseFloat(this.el.dataset.maxSize || "0") * 1024 * 1024;
        const files = [...this.el.files];
        let message = "";
        if (maxFiles && files.length > maxFiles) {
            message = _t("You can attach up to %s files at a time.", maxFiles);
        } else {
            const big = files.find((file) => maxSize && file.size > maxSize);
            if (big) {
                message = _t("“%s” is too large.", big.name);
            }
        }
        this.el.setCustomValidity(message);
        this.el.reportValidity();
    }
}

/**
 * Odoo's HTML editor on the message fields of the portal, loaded when the
 * page needs it. Without it the textarea still works: the server turns plain
 * text into HTML and sanitizes whatever it receives.
 */
export class SupportRichText extends Interaction {
    static selector = "textarea.o_support_rich_text";

    async willStart() {
        try {
            await loadBundle("support_ticket.assets_portal_editor");
            const {Wysiwyg} = odoo.loader.modules.get("@html_editor/wysiwyg");
            const {MAIN_PLUGINS} = odoo.loader.modules.get("@html_editor/plugin_sets");
            // text formatting only: no media, files nor colours for customers
            const removed = new Set([
                "colorUi",
                "file",
                "iconColor",
                "link",
                "linkPaste",
                "mediaUrlPaste",
                "imageCrop",
                "media",
            ]);
            this.Wysiwyg = Wysiwyg;
            this.plugins = MAIN_PLUGINS.filter((plugin) => !removed.has(plugin.id));
        } catch {
            this.Wysiwyg = null;
        }
    }

    start() {
        if (!this.Wysiwyg) {
            return;
        }
        const textarea = this.el;
        const wrapper = document.createElement("div");
        wrapper.className = "o_support_editor border rounded";
        textarea.after(wrapper);
        textarea.classList.add("d-none");
        const initial = textarea.value;
        this.mountComponent(wrapper, this.Wysiwyg, {
            config: {
                Plugins: this.plugins,
                content: initial.includes("<") ? initial : "",
                placeholder: textarea.getAttribute("placeholder") || "",
            },
            class: "o_support_editor_content",
            contentClass: "p-2 o_support_editor_editable",
            style: "min-height: 8rem;",
            onLoad: (editor) => {
                this.editor = editor;
            },
        });
        this.addListener(textarea.form, "submit", () => {
            if (this.editor) {
                textarea.value = this.editor.getContent();
            }
        });
    }
}

const interactions = registry.category("public.interactions");
interactions.add("support_ticket.ticket_form", SupportTicketForm);
interactions.add("support_ticket.files_input", SupportFilesInput);
interactions.add("support_ticket.rich_text", SupportRichText);
