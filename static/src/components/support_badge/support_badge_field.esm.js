import {BadgeField, badgeField} from "@web/views/fields/badge/badge_field";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";

/**
 * A badge in one of the catalog colours (see support_colors.scss):
 * - on a many2one, coloured by a sibling selection field (``color_field``),
 *   with an optional Font Awesome icon from another one (``icon_field``):
 *   states and priorities of tickets;
 * - on a colour selection field itself, coloured by its own value.
 */
export class SupportBadgeField extends BadgeField {
    static template = "support_ticket.SupportBadgeField";
    static props = {
        ...BadgeField.props,
        iconField: {type: String, optional: true},
    };

    get badgeClass() {
        const data = this.props.record.data;
        const color = this.props.colorField
            ? data[this.props.colorField]
            : this.props.record.fields[this.props.name].type === "selection" &&
              data[this.props.name];
        return color ? `o_support_color_${color}` : "text-bg-300";
    }

    get icon() {
        return this.props.iconField && this.props.record.data[this.props.iconField];
    }
}

export const supportBadgeField = {
    ...badgeField,
    component: SupportBadgeField,
    displayName: _t("Coloured badge"),
    supportedTypes: ["many2one", "selection"],
    supportedOptions: [],
    fieldDependencies: ({options}) =>
        [
            options.color_field && {name: options.color_field, type: "selection"},
            options.icon_field && {name: options.icon_field, type: "char"},
        ].filter(Boolean),
    extractProps: ({options}) => ({
        colorField: options.color_field,
        iconField: options.icon_field,
    }),
};

registry.category("fields").add("support_badge", supportBadgeField);
