"""Customer portal: the name shown in tickets, on the customer's own details page."""

from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

FIELD = "support_display_name"


class SupportAccountPortal(CustomerPortal):
    def _support_is_own_details(self, partner_sudo):
        """The address form edits the main address of the user (``/my/account``),
        the only one that carries their name shown in tickets."""
        user = request.env.user
        return not user._is_public() and partner_sudo == user.partner_id

    def _validate_address_values(
        self,
        address_values,
        partner_sudo,
        address_type,
        use_delivery_as_billing,
        required_fields,
        **kwargs,
    ):
        invalid_fields, missing_fields, error_messages = (
            super()._validate_address_values(
                address_values,
                partner_sudo,
                address_type,
                use_delivery_as_billing,
                required_fields,
                **kwargs,
            )
        )
        if FIELD in kwargs and self._support_is_own_details(partner_sudo):
            error = request.env["res.users"]._support_display_name_error(kwargs[FIELD])
            if error:
                invalid_fields.add(FIELD)
                error_messages.append(error)
        return invalid_fields, missing_fields, error_messages

    def _create_or_update_address(self, partner_sudo, **form_data):
        # an empty value (to go back to one's own name) is not passed on as
        # extra form data: read it here
        own = FIELD in form_data and self._support_is_own_details(partner_sudo)
        value = (form_data.get(FIELD) or "").strip()
        partner_sudo, feedback = super()._create_or_update_address(
            partner_sudo, **form_data
        )
        if own and not feedback.get("messages"):
            # saved with the rest of the details, never alone
            request.env.user.sudo().write({FIELD: value or False})
        return partner_sudo, feedback
