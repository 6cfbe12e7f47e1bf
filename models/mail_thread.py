"""Mail gateway: automatic emails, and emails as real mailboxes carry them
(broken charsets, lost boundaries, attached emails, NUL bytes)."""

import codecs
import email
import email.errors
import email.policy
import logging
import re
from email.message import EmailMessage
from functools import partial

from markupsafe import Markup

from odoo import api, models
from odoo.exceptions import ConcurrencyError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY, retrying
from odoo.tools import email_normalize
from odoo.tools.mail import generate_tracking_message_id

_logger = logging.getLogger(__name__)

# RFC 3834 and the headers that common mail systems set on automatic emails
AUTO_HEADERS_PRESENT = ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress")
BULK_PRECEDENCE = re.compile(r"^\s*(bulk|junk|list|auto_reply)\s*$", re.IGNORECASE)

# the copy of an email kept when parts of it could not be read as they came
ORIGINAL_NAME = "original_email.eml"
# charsets tried, in order, on text whose declared charset is missing,
# unknown or wrong; latin-1 decodes anything
FALLBACK_CHARSETS = ("utf-8", "cp1252", "latin-1")
# a MIME boundary line, to find the parts of a multipart that lost its boundary
BOUNDARY_LINE = re.compile(r"^--([^\s\"]{1,70})\s*$", re.MULTILINE)
HEADER_LINE = re.compile(r"^[!-9;-~]+:", re.MULTILINE)
# values of the parsed email that reach the database (PostgreSQL refuses NUL)
PARSED_TEXT_KEYS = (
    "message_id",
    "subject",
    "email_from",
    "from",
    "cc",
    "to",
    "recipients",
    "references",
    "in_reply_to",
    "cc_filtered",
    "to_filtered",
)


def message_bytes(message):
    """The bytes of an email.message, however broken it is."""
    for render in (
        lambda: message.as_bytes(policy=email.policy.SMTP),
        lambda: message.as_string().encode("utf-8", "surrogateescape"),
    ):
        try:
            return render()
        except Exception:  # noqa: BLE001 - any way of rendering will do
            continue
    return b""


def readable_charset(data, declared=None):
    """The first of the declared charset and the fallbacks that decodes
    ``data`` without error."""
    for charset in filter(None, (declared, *FALLBACK_CHARSETS)):
        try:
            codecs.lookup(charset)
            data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
        return charset
    return "latin-1"


BASE64_DEFECTS = (
    email.errors.InvalidBase64CharactersDefect,
    email.errors.InvalidBase64PaddingDefect,
    email.errors.InvalidBase64LengthDefect,
)


class MessageRepair:
    """Make an email readable by Odoo's parser, in place: multiparts that
    lost their boundary, text in a missing, unknown or wrong charset or in
    broken base64, and attached emails kept whole rather than mixed into
    the email that carries them.

    ``original`` holds the email as it came, taken before the first change;
    ``guessed`` tells whether something had to be guessed (then the original
    is worth keeping)."""

    def __init__(self, message):
        self.message = message
        self.original = None
        self.guessed = False

    def run(self):
        self._repair(self.message)
        return self

    def _change(self, guess=True):
        if self.original is None:
            self.original = message_bytes(self.message)
        self.guessed |= guess

    def _repair(self, part):
        if part.get_content_maintype() == "multipart" and not part.is_multipart():
            self._change()
            self._recover_multipart(part)
        if part.is_multipart():
            parts = part.get_payload()
            for index, sub in enumerate(parts):
                if sub.get_content_type() == "message/rfc822":
                    self._change(guess=False)
                    parts[index] = self._attached_email(sub)
                else:
                    self._repair(sub)
        elif part.get_content_maintype() == "text":
            self._repair_text(part)

    def _repair_text(self, part):
        try:
            data = part.get_payload(decode=True) or b""
        except Exception:  # noqa: BLE001 - a payload that cannot be decoded
            data = None
        if data is None or any(isinstance(d, BASE64_DEFECTS) for d in part.defects):
            # not base64 after all: read it as it is
            self._change()
            del part["Content-Transfer-Encoding"]
            data = part.get_payload(decode=True) or b""
        declared = part.get_content_charset()
        if not declared and data.isascii():
            return
        charset = readable_charset(data, declared or "utf-8")
        if charset != declared:
            # a missing charset read as UTF-8 is what every mail client does
            self._change(guess=bool(declared) or charset != "utf-8")
            part.set_param("charset", charset)

    def _recover_multipart(self, part):
        """Find the boundary of a multipart in its body and parse its parts
        again, else read its body as text."""
        body = part.get_payload()
        for match in BOUNDARY_LINE.finditer(body):
            rest = body[match.end() :].lstrip("\r\n")
            if not HEADER_LINE.match(rest):
                continue
            boundary = match.group(1)
            head = (
                f"Content-Type: {part.get_content_type()}; "
                f'boundary="{boundary}"\r\n\r\n'
            )
            reparsed = email.message_from_bytes(
                (head + body).encode("utf-8", "surrogateescape"),
                policy=email.policy.SMTP,
            )
            if reparsed.is_multipart() and reparsed.get_payload():
                part.set_param("boundary", boundary)
                part.set_payload(reparsed.get_payload())
                return
        part.replace_header("Content-Type", "text/plain")

    @staticmethod
    def _attached_email(part):
        """An attachment holding the email of a ``message/rfc822`` part."""
        inner = part.get_payload(0) if part.is_multipart() else None
        data = message_bytes(inner if inner is not None else part)
        name = part.get_filename()
        if not name:
            subject = str(inner.get("Subject", "")) if inner is not None else ""
            subject = re.sub(r"[\x00-\x1f/\\:*?\"<>|]+", " ", subject).strip()
            name = f"{subject[:100] or 'message'}.eml"
        attachment = EmailMessage()
        attachment.set_content(
            data, maintype="application", subtype="octet-stream", filename=name
        )
        return attachment


def strip_nul_headers(message):
    """Remove the NUL characters of the headers (raw or encoded), which
    PostgreSQL refuses."""
    names = {name for name, value in message.items() if "\x00" in str(value)}
    for name in names:
        values = [str(value).replace("\x00", "") for value in message.get_all(name)]
        del message[name]
        for value in values:
            message[name] = value


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def _message_is_auto_submitted(self, message):
        """Whether an incoming email was sent by a machine rather than a
        person: RFC 3834 ``Auto-Submitted``, Microsoft's
        ``X-Auto-Response-Suppress``, ``X-Autoreply`` / ``X-Autorespond``, or a
        bulk ``Precedence``."""
        auto_submitted = (message.get("Auto-Submitted") or "").strip().lower()
        if auto_submitted and auto_submitted != "no":
            return True
        if any(message.get(header) for header in AUTO_HEADERS_PRESENT):
            return True
        for header in ("Precedence", "X-Precedence"):
            if BULK_PRECEDENCE.match(message.get(header) or ""):
                return True
        return False

    def _get_message_create_valid_field_names(self):
        return super()._get_message_create_valid_field_names() | {
            "support_auto_submitted",
            "support_reply_id",
        }

    @api.model
    def message_process(
        self,
        model,
        message,
        custom_values=None,
        save_original=False,
        strip_attachments=False,
        thread_id=None,
    ):
        # the incoming mail servers process each email in a transaction of
        # its own, committed after it, but do not retry it when another
        # transaction changed the same ticket meanwhile (two answers at
        # once): the email would be lost. Retry it as Odoo retries the calls
        # of the mail gateway script (RPC).
        retry = self.env.context.get(
            "fetchmail_cron_running"
        ) and not self.env.context.get("support_gateway_retrying")
        records = self.with_context(support_gateway_retrying=True) if retry else self
        process = partial(
            super(MailThread, records).message_process,
            model,
            message,
            custom_values=custom_values,
            save_original=save_original,
            strip_attachments=strip_attachments,
            thread_id=thread_id,
        )
        thread_id = retrying(process, records.env) if retry else process()
        # Odoo's loop guards return None for the emails they refuse (after
        # bouncing them): the mail gateway script calls this method through
        # XML-RPC, which cannot carry None and would fail
        return False if thread_id is None else thread_id

    @api.model
    def _message_route_process(self, message, message_dict, routes):
        """An email to support tickets never raises out of the gateway: if
        it cannot be kept, it is refused with a bounce and a log line."""
        if not any(route[0] == "support.ticket" for route in routes or ()):
            return super()._message_route_process(message, message_dict, routes)
        # flushed, but without running the pending precommit hooks (tracking)
        # ahead of time, unlike cr.savepoint()
        self.env.flush_all()
        savepoint = self.env.cr.savepoint(flush=False)
        try:
            thread_id = super()._message_route_process(
                message, dict(message_dict), routes
            )
            self.env.flush_all()
        except Exception as error:
            # forget what the failed attempt left in the cache and the hooks
            self.env.cr.clear()
            savepoint.close(rollback=True)
            if isinstance(
                error, (*PG_CONCURRENCY_EXCEPTIONS_TO_RETRY, ConcurrencyError)
            ):
                raise  # retried as a whole by the caller
            _logger.info(
                "Mail from %s with Message-Id %s could not be kept: refused with "
                "a bounce",
                message_dict.get("email_from"),
                message_dict.get("message_id"),
                exc_info=True,
            )
            if not (
                getattr(error, "support_alias_bounced", False)
                and any(route[4] for route in routes)
            ):
                self._support_bounce(message, message_dict)
            return False
        savepoint.close(rollback=False)
        return thread_id

    @api.model
    def _support_bounce(self, message, message_dict):
        """Tell the sender that their email could not be kept."""
        email_from = message_dict.get("email_from")
        if not email_from or not email_normalize(email_from):
            return
        body = Markup("<p>%s</p>") % self.env._(
            "Your email “%(subject)s” could not be processed, and was not kept. "
            "Please send it again, or contact us another way.",
            subject=message_dict.get("subject") or "",
        )
        message_id = message_dict.get("message_id") or ""
        self._routing_create_bounce_email(
            email_from,
            body,
            message,
            # answers to the bounce are ignored, as for Odoo's own bounces
            references=f"{message_id} "
            f"{generate_tracking_message_id('loop-detection-bounce-email')}",
        )

    @api.model
    def message_parse(self, message, save_original=False):
        strip_nul_headers(message)
        msg_dict = super().message_parse(message, save_original=save_original)
        for key in PARSED_TEXT_KEYS:
            if isinstance(msg_dict.get(key), str) and "\x00" in msg_dict[key]:
                msg_dict[key] = msg_dict[key].replace("\x00", "")
        if self._message_is_auto_submitted(message):
            # a mail.message field: it reaches message_new / message_update and
            # is stored on the posted message
            msg_dict["support_auto_submitted"] = True
        return msg_dict

    def _message_parse_extract_payload(
        self, message, message_dict, save_original=False
    ):
        """The body and the files of an email, with everything that can be
        read: when parts had to be guessed (charset, boundary) or could not
        be read at all, the original email is attached too."""
        repair = MessageRepair(message)
        unreadable = False
        try:
            repair.run()
            payload = super()._message_parse_extract_payload(
                message, message_dict, save_original=save_original
            )
        except Exception:  # noqa: BLE001 - whatever the parts hold
            _logger.info(
                "Mail with Message-Id %s: parts could not be read, the original "
                "is attached",
                message_dict.get("message_id"),
                exc_info=True,
            )
            unreadable = repair.guessed = True
            repair.original = repair.original or message_bytes(message)
            payload = {"body": "", "attachments": []}
        original = repair.original if repair.guessed else None
        attachments = [
            self._Attachment(
                (attachment[0] or "attachment").replace("\x00", ""), *attachment[1:]
            )
            for attachment in payload["attachments"]
        ]
        body = payload["body"]
        if original is not None:
            if not unreadable:
                _logger.info(
                    "Mail with Message-Id %s: parts read by guessing (charset, "
                    "boundary, encoding), the original is attached",
                    message_dict.get("message_id"),
                )
            if not any(a[0] == ORIGINAL_NAME for a in attachments):
                attachments.append(self._Attachment(ORIGINAL_NAME, original, {}))
            body = Markup("%s<p><i>%s</i></p>") % (
                Markup(body or ""),
                self.env._(
                    "Parts of this email could not be read as they came: the "
                    "original is attached (%(name)s).",
                    name=ORIGINAL_NAME,
                ),
            )
        return {"body": body, "attachments": attachments}
