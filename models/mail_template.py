"""Mail templates: the support notices of many tickets rendered in one pass."""

import re
from uuid import uuid4

from lxml import etree, html
from markupsafe import Markup

from odoo import api, models

BATCH_CONTEXT_KEY = "support_render_batch"
# directives whose variables would outlive one record's part of the pass (a
# loop does not scope them): such a body is rendered record by record
UNSCOPED_DIRECTIVES = re.compile(r"\bt-(set|foreach|as)\b")


class MailTemplate(models.Model):
    _inherit = "mail.template"

    @api.model
    def _render_template_qweb(
        self, template_src, model, res_ids, add_context=None, options=None
    ):
        """The support notices sent to many tickets at once (the
        acknowledgements of a burst of new tickets) are rendered in one QWeb
        pass: Odoo compiles a template's body once per record, which is most
        of the time its rendering takes. Everything else is Odoo's own
        rendering, which also reports the errors of a template that fails,
        and renders a body that sets variables (``t-set``, loops) record by
        record, so that no record sees another's."""
        if (
            not self.env.context.get(BATCH_CONTEXT_KEY)
            or len(res_ids) < 2
            or not template_src
            or not self.env.su
            or UNSCOPED_DIRECTIVES.search(template_src)
        ):
            return super()._render_template_qweb(
                template_src, model, res_ids, add_context=add_context, options=options
            )
        try:
            return self._support_render_qweb_batch(
                template_src, model, res_ids, add_context, options
            )
        except Exception:  # noqa: BLE001 - Odoo renders it again and says why
            return super()._render_template_qweb(
                template_src, model, res_ids, add_context=add_context, options=options
            )

    @api.model
    def _support_render_qweb_batch(
        self, template_src, model, res_ids, add_context, options
    ):
        """Render ``template_src`` for every record in one loop of QWeb, each
        record's part opened by a marker no record's data can produce (data
        is escaped, the marker is a tag with a random name)."""
        marker = Markup(f"<support-render-{uuid4().hex}/>")
        body = html.fragment_fromstring(template_src, create_parent="div")
        loop = etree.Element(
            "t", {"t-foreach": "support_render_records", "t-as": "object"}
        )
        etree.SubElement(loop, "t", {"t-out": "support_render_marker"})
        loop.append(body)
        variables = self._render_eval_context()
        if add_context:
            variables.update(**add_context)
        variables["support_render_records"] = self.env[model].browse(res_ids)
        variables["support_render_marker"] = marker
        rendered = self.env["ir.qweb"]._render(loop, variables, **(options or {}))
        parts = str(rendered).split(marker)[1:]
        if len(parts) != len(res_ids) or not all(
            part.startswith("<div>") and part.endswith("</div>") for part in parts
        ):
            raise ValueError("unexpected rendering of a support template")
        # without the <div> that wraps the template's nodes, as Odoo does
        return {
            res_id: Markup(part[5:-6])
            for res_id, part in zip(res_ids, parts, strict=True)
        }
