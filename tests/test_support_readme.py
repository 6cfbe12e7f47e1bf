"""The addon's page in Apps: its description renders cleanly and is up to date."""

import hashlib
import io
import os
import re

from docutils.core import publish_string

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged

ADDON = "support_ticket"
# what Odoo passes to docutils when it renders a description (ir_module.py)
ODOO_OVERRIDES = {
    "embed_stylesheet": False,
    "doctitle_xform": False,
    "output_encoding": "unicode",
    "xml_declaration": False,
    "file_insertion_enabled": False,
}


@tagged("post_install", "-at_install")
class TestSupportReadme(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.root = get_module_path(ADDON)

    def read_text(self, *path):
        with open(os.path.join(self.root, *path), encoding="utf-8") as f:
            return f.read()

    def source_digest(self):
        """The digest bin/readme writes: the manifest and the fragments."""
        digest = hashlib.sha256()
        paths = ["__manifest__.py"] + [
            os.path.join("readme", name)
            for name in sorted(os.listdir(os.path.join(self.root, "readme")))
            if not name.startswith(".")
        ]
        for path in paths:
            digest.update(path.encode())
            with open(os.path.join(self.root, path), "rb") as f:
                digest.update(f.read())
        return f"sha256:{digest.hexdigest()}"

    def docutils_messages(self, rst):
        stream = io.StringIO()
        publish_string(
            source=rst,
            writer_name="html4css1",
            settings_overrides={**ODOO_OVERRIDES, "warning_stream": stream},
        )
        return stream.getvalue()

    def test_description_is_readme_rst_and_renders_without_errors(self):
        module = self.env["ir.module.module"].search([("name", "=", ADDON)])
        # Odoo reads README.rst before README.md: the developer README.md is
        # never parsed as reStructuredText
        self.assertEqual(
            module.description.strip(), self.read_text("README.rst").strip()
        )
        self.assertEqual(self.docutils_messages(module.description), "")
        # and the old way would have failed: README.md is not reStructuredText
        self.assertNotEqual(self.docutils_messages(self.read_text("README.md")), "")

    def test_apps_page_shows_index_html(self):
        module = self.env["ir.module.module"].search([("name", "=", ADDON)])
        html = str(module.description_html)
        self.assertIn("Support Tickets", html)
        self.assertIn("A helpdesk for Odoo 19.0", html)
        self.assertIn("Configuration", html)
        self.assertNotIn("System Message", html)

    def test_generated_files_follow_the_fragments(self):
        digest = self.source_digest()
        for path in ("README.rst", "static/description/index.html"):
            found = re.search(r"!! source digest: (sha256:\w+)", self.read_text(path))
            self.assertTrue(found, path)
            self.assertEqual(
                found.group(1),
                digest,
                f"{path} is older than readme/ or the manifest: run bin/readme",
            )
        for fragment in ("DESCRIPTION", "CONFIGURE", "USAGE"):
            first_words = " ".join(
                self.read_text("readme", f"{fragment}.md").split()[:4]
            )
            self.assertIn(first_words.lstrip("- "), self.read_text("README.rst"))
