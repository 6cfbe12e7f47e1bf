"""Translations: the template is current and the Spanish file complete and loaded."""

import io
import re

import polib

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import code_translations, trans_export

# What a translation must keep exactly as in its source: named and positional
# placeholders, inline-template expressions and QWeb attributes.
PLACEHOLDER = re.compile(
    r"%\([a-z_]+\)[-+ #0-9.]*[sdfr]|%[sdf]|\{\{.*?\}\}|\bt-[a-z-]+=\"[^\"]*\"",
    re.DOTALL,
)
TAG_NAME = re.compile(r"</?([a-zA-Z][\w.-]*)")


@tagged("post_install", "-at_install")
class TestSupportI18n(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("es_ES")
        cls.env["ir.module.module"]._load_module_terms(
            ["support_ticket"], ["es_ES"], overwrite=True
        )
        cls.po = polib.pofile(file_path("support_ticket/i18n/es.po"))
        cls.pot = polib.pofile(file_path("support_ticket/i18n/support_ticket.pot"))
        cls.committed = {e.msgid for e in cls.pot}
        # The template exported now from the installed module, as
        # ``odoo i18n export -l pot`` writes it (the same function).
        buffer = io.BytesIO()
        trans_export(None, ["support_ticket"], buffer, "po", cls.env)
        cls.exported = {e.msgid for e in polib.pofile(buffer.getvalue().decode())}

    def test_spanish_file_complete(self):
        self.assertEqual(self.po.untranslated_entries(), [])
        self.assertEqual(self.po.fuzzy_entries(), [])
        self.assertEqual(self.po.obsolete_entries(), [])
        self.assertEqual(self.committed, {e.msgid for e in self.po})

    def test_template_has_every_string(self):
        """Every string of the module as it is now is in the committed
        template: a string added or changed since the last export fails."""
        # Python (env._), JS (_t), OWL templates and data are all exported.
        exported = self.exported
        self.assertIn("Choose at least two tickets to merge.", exported)
        self.assertIn(
            "They will follow the ticket and receive its updates: %s", exported
        )
        self.assertIn("Canned answers", exported)
        if self.env.ref("base.module_support_ticket").demo:
            # Demo records have strings of their own, which the template,
            # exported without demo data, does not have.
            self.skipTest("demo data installed: its strings are not in the template")
        self.assertFalse(
            sorted(exported - self.committed),
            "the template misses strings of the module: run bin/i18n",
        )

    def test_template_has_no_stale_string(self):
        """The committed template has no string that the module no longer has."""
        self.assertFalse(
            sorted(self.committed - self.exported),
            "the template has strings the module no longer has: run bin/i18n",
        )

    def test_spanish_keeps_placeholders_and_markup(self):
        for entry in self.po.translated_entries():
            with self.subTest(msgid=entry.msgid[:60]):
                self.assertEqual(
                    sorted(PLACEHOLDER.findall(entry.msgid)),
                    sorted(PLACEHOLDER.findall(entry.msgstr)),
                )
                self.assertEqual(
                    sorted(TAG_NAME.findall(entry.msgid)),
                    sorted(TAG_NAME.findall(entry.msgstr)),
                )

    def test_spanish_data_and_messages(self):
        env_es = self.env(context=dict(self.env.context, lang="es_ES"))
        stage = env_es.ref("support_ticket.support_stage_in_progress")
        self.assertEqual(stage.name, "En progreso")
        self.assertEqual(
            env_es.ref("support_ticket.support_priority_urgent").name, "Urgente"
        )
        self.assertEqual(
            env_es.ref("support_ticket.support_category_support").name,
            "Soporte técnico",
        )
        ticket = env_es["support.ticket"].create({"name": "Impresora"})
        ticket.stage_id = env_es.ref("support_ticket.support_stage_closed")
        with self.assertRaisesRegex(UserError, "bloquead"):
            ticket._add_reply("Tarde")
        with self.assertRaisesRegex(
            UserError, "^Elige al menos dos tickets para fusionar"
        ):
            ticket._check_merge(ticket)
        states = dict(
            env_es["support.contract"]._fields["state"]._description_selection(env_es)
        )
        self.assertEqual(states["running"], "En vigor")
        self.assertEqual(
            env_es.ref("support_ticket.support_overview_menu").name, "Resumen"
        )

    def test_spanish_web_client_strings(self):
        """The strings of the JS code and OWL templates reach the web client."""
        web = code_translations.get_web_translations("support_ticket", "es_ES")
        strings = {m["id"]: m["string"] for m in web["messages"]}
        self.assertEqual(strings.get("Canned answers"), "Respuestas predefinidas")
        self.assertEqual(
            strings.get("They will follow the ticket and receive its updates: %s"),
            "Seguirán el ticket y recibirán sus actualizaciones: %s",
        )
        js_entries = {
            e.msgid for e in self.pot if "odoo-javascript" in (e.comment or "")
        }
        self.assertTrue(js_entries)
        self.assertEqual(js_entries - set(strings), set())
