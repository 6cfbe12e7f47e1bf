import polib

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path


@tagged("post_install", "-at_install")
class TestSupportI18n(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("es_ES")
        cls.env["ir.module.module"]._load_module_terms(
            ["support_ticket"], ["es_ES"], overwrite=True
        )

    def test_spanish_file_complete(self):
        po = polib.pofile(file_path("support_ticket/i18n/es.po"))
        pot = polib.pofile(file_path("support_ticket/i18n/support_ticket.pot"))
        self.assertEqual(po.untranslated_entries(), [])
        self.assertEqual(po.fuzzy_entries(), [])
        self.assertEqual({e.msgid for e in pot}, {e.msgid for e in po})

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
