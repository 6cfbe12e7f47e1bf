"""Support ticket: checks of what people send (text, message size, files)."""

import os
import re
import struct

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import html_sanitize
from odoo.tools.mimetypes import guess_mimetype

DEFAULT_MAX_MESSAGE_KB = 1024
MAX_SUBJECT_LENGTH = 250
MAX_FILE_NAME_LENGTH = 200
# control characters: PostgreSQL refuses NUL, none of them is ever typed
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# content never accepted from customers, whatever its name says
FORBIDDEN_MIMETYPES = {
    "application/x-msdownload",
    "application/x-dosexec",
    "application/x-executable",
    "application/x-sharedlib",
    "application/x-pie-executable",
    "application/x-mach-binary",
    "application/x-sh",
    "text/x-shellscript",
    "application/javascript",
    "text/javascript",
    "text/html",
    "image/svg+xml",
}
MARKUP_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<svg")


def _starts(*prefixes):
    return lambda raw: raw.startswith(prefixes)


_ZIP = _starts(b"PK\x03\x04", b"PK\x05\x06")
_OLE = _starts(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
_JPEG = _starts(b"\xff\xd8\xff")
_GZIP = _starts(b"\x1f\x8b")
# what the content of a file starts with, by the extension of its name
SIGNATURES = {
    "pdf": lambda raw: b"%PDF-" in raw[:1024],
    "png": _starts(b"\x89PNG\r\n\x1a\n"),
    "jpg": _JPEG,
    "jpeg": _JPEG,
    "gif": _starts(b"GIF87a", b"GIF89a"),
    "bmp": _starts(b"BM"),
    "webp": lambda raw: raw[:4] == b"RIFF" and raw[8:12] == b"WEBP",
    "tif": _starts(b"II*\x00", b"MM\x00*"),
    "tiff": _starts(b"II*\x00", b"MM\x00*"),
    "zip": _ZIP,
    "docx": _ZIP,
    "xlsx": _ZIP,
    "pptx": _ZIP,
    "odt": _ZIP,
    "ods": _ZIP,
    "odp": _ZIP,
    "doc": _OLE,
    "xls": _OLE,
    "ppt": _OLE,
    "rtf": _starts(b"{\\rtf"),
    "rar": _starts(b"Rar!\x1a\x07"),
    "7z": _starts(b"7z\xbc\xaf\x27\x1c"),
    "gz": _GZIP,
    "tgz": _GZIP,
    "tar": lambda raw: raw[257:262] == b"ustar",
}
# plain text: no NUL byte
TEXT_EXTENSIONS = {"txt", "csv", "log", "md", "json"}


def clean_text(value):
    """Text typed in a form, without the control characters that no keyboard
    types (and PostgreSQL refuses)."""
    if not isinstance(value, str):
        return ""
    return CONTROL_CHARS.sub("", value)


def safe_rich_text(value):
    """Rich text typed in a form, to put it back in the form's editor: its
    html source, sanitized so that nothing in it runs when the editor loads
    it, as a plain string (escaped where it is shown)."""
    value = clean_text(value)
    if "<" not in value:
        return value
    return str(html_sanitize(value, sanitize_attributes=True, strip_style=True))


def clean_file_name(name):
    """A file's name as sent by a browser or a client: no folder, no control
    character, not too long (its extension kept)."""
    name = clean_text(name).replace("\\", "/").rsplit("/", 1)[-1].strip()
    if len(name) > MAX_FILE_NAME_LENGTH:
        stem, extension = os.path.splitext(name)
        extension = extension[:20]
        name = stem[: MAX_FILE_NAME_LENGTH - len(extension)] + extension
    return name or "attachment"


def file_extension(name):
    return os.path.splitext(name or "")[1].lower().lstrip(".")


def is_program(raw):
    """An executable of Windows, Linux or macOS, whatever its name."""
    if raw[:2] == b"MZ" and len(raw) >= 0x40:
        (offset,) = struct.unpack_from("<I", raw, 0x3C)
        if raw[offset : offset + 4] == b"PE\x00\x00" or b"DOS mode" in raw[:512]:
            return True
    return raw.startswith(
        (
            b"\x7fELF",
            b"\xfe\xed\xfa\xce",
            b"\xfe\xed\xfa\xcf",
            b"\xce\xfa\xed\xfe",
            b"\xcf\xfa\xed\xfe",
            b"\xca\xfe\xba\xbe",
        )
    )


def is_markup(raw):
    """A web page or an SVG image (which can hold scripts)."""
    head = raw[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(MARKUP_STARTS) or (
        head.startswith(b"<?xml") and (b"<svg" in head or b"<html" in head)
    )


def content_matches_name(name, raw):
    """Whether the content of a file is what the extension of its name says
    (for the extensions whose content can be recognised)."""
    extension = file_extension(name)
    if extension in TEXT_EXTENSIONS:
        return b"\x00" not in raw[:8192] and not is_program(raw)
    check = SIGNATURES.get(extension)
    return check is None or check(raw)


class SupportTicket(models.Model):
    # one concern of the ticket per file, as Odoo core splits its large models
    _inherit = "support.ticket"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _support_max_message_kb(self):
        try:
            limit = int(
                self._support_param("max_message_size_kb", DEFAULT_MAX_MESSAGE_KB)
            )
        except (TypeError, ValueError):
            limit = DEFAULT_MAX_MESSAGE_KB
        return limit if limit > 0 else DEFAULT_MAX_MESSAGE_KB

    @api.model
    def _support_check_message_size(self, body):
        """Refuse a message (as sent, before cleaning) over the limit of the
        settings."""
        size = len((body or "").encode("utf-8", "replace"))
        limit = self._support_max_message_kb()
        if size > limit * 1024:
            raise UserError(
                self.env._(
                    "The message is too long (%(size)s KB): the limit is %(limit)s "
                    "KB. Shorten it, or attach the long text as a file.",
                    size=(size + 1023) // 1024,
                    limit=limit,
                )
            )

    @api.model
    def _support_check_subject(self, name):
        if len(name) > MAX_SUBJECT_LENGTH:
            raise UserError(
                self.env._(
                    "The subject is too long (%(count)s characters): keep it under "
                    "%(limit)s and write the details in the message.",
                    count=len(name),
                    limit=MAX_SUBJECT_LENGTH,
                )
            )

    @api.model
    def _support_check_file_content(self, name, raw):
        """Refuse a file whose content is not what its name says (a “.pdf”
        that is a web page or a program, a “.png” that is an archive...)."""
        if raw and not content_matches_name(name, raw):
            raise UserError(
                self.env._(
                    "“%(name)s” is not really a .%(extension)s file: its content "
                    "does not match its name. Save it again in that format, or "
                    "rename it after what it is.",
                    name=name,
                    extension=file_extension(name),
                )
            )

    @api.model
    def _portal_check_files(self, files):
        """Check the files a customer attaches against the settings.

        :param files: ``(name, raw bytes)`` pairs
        :raise UserError: naming the file at fault and the rule
        """
        settings = self._portal_settings()
        if len(files) > settings["max_files"]:
            raise UserError(
                self.env._(
                    "You can attach up to %(count)s files at a time.",
                    count=settings["max_files"],
                )
            )
        limit = settings["max_file_size_mb"] * 1024 * 1024
        allowed = settings["extensions"]
        for name, raw in files:
            if file_extension(name) not in allowed:
                raise UserError(
                    self.env._(
                        "“%(name)s” is not a type of file you can attach. "
                        "Allowed: %(extensions)s.",
                        name=name,
                        extensions=", ".join(allowed),
                    )
                )
            if (
                is_program(raw)
                or is_markup(raw)
                or guess_mimetype(raw, default="application/octet-stream")
                in FORBIDDEN_MIMETYPES
            ):
                raise UserError(
                    self.env._(
                        "“%(name)s” contains a program or a web page, which cannot be "
                        "attached.",
                        name=name,
                    )
                )
            if len(raw) > limit:
                raise UserError(
                    self.env._(
                        "“%(name)s” is too large (%(size).1f MB): "
                        "the limit is %(limit)s MB.",
                        name=name,
                        size=len(raw) / 1024 / 1024,
                        limit=settings["max_file_size_mb"],
                    )
                )
            if not raw:
                raise UserError(self.env._("“%(name)s” is empty.", name=name))
            self._support_check_file_content(name, raw)
