"""A corpus of emails as real mailboxes carry them, generated as RFC 822
bytes: empty or attachment-only bodies, huge or odd attachments, attached
emails, deep nesting, broken charsets and boundaries, absurd headers, NUL
bytes. Each item says what it must become."""

import base64
import hashlib
from dataclasses import dataclass, field

CRLF = b"\r\n"
FLOODER = "robot@flood.example.com"
BIG_SIZE = 20 * 1024 * 1024
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"
# the start of a real TNEF stream (winmail.dat), signature 0x223E9F78
TNEF = bytes.fromhex("789f3e220100") + b"\x01\x06\x90\x08\x00\x04\x00\x00\x00" * 20


@dataclass
class Case:
    """An email of the corpus and what it must become.

    :param kind: ``ticket`` (opens one), ``reply`` (answers the ticket it
        is threaded on) or ``refused`` (bounced, and logged)
    :param texts: what the ticket's description or the reply's body shows
    :param absent: what they must not show
    :param files: ``{name: bytes or None}`` attachments expected (None: any
        content)
    :param original: the original email is attached (parts were guessed)
    """

    name: str
    raw: bytes
    kind: str = "ticket"
    texts: tuple = ()
    absent: tuple = ()
    files: dict = field(default_factory=dict)
    original: bool = False
    subject: str | None = None
    email_from: str | None = None


def b64(data, width=76):
    encoded = base64.b64encode(data)
    return CRLF.join(encoded[i : i + width] for i in range(0, len(encoded), width))


def headers(name, subject=None, email_from=None, extra=(), reply_to=None, ctype=None):
    """The headers of a corpus email; ``email_from`` and ``subject`` are raw
    bytes (None: a sensible default, False: no header)."""
    lines = []
    if email_from is not False:
        # one address per email: Odoo refuses a sender opening too many
        default = f'"Dana Corpus" <dana.{name}@corpus.example.com>'.encode()
        lines.append(b"From: " + (email_from or default))
    lines.append(b"To: tech@support.example.com")
    if subject is not False:
        lines.append(b"Subject: " + (subject or f"Corpus {name}".encode()))
    lines.append(b"Date: Mon, 02 Feb 2026 10:00:00 +0100")
    lines.append(f"Message-ID: <corpus-{name}@corpus.example.com>".encode())
    lines.append(b"MIME-Version: 1.0")
    if reply_to:
        lines.append(b"In-Reply-To: " + reply_to.encode())
        lines.append(b"References: " + reply_to.encode())
    if ctype:
        lines.append(b"Content-Type: " + ctype)
    lines.extend(extra)
    return CRLF.join(lines) + CRLF


def part(ctype, body, extra=()):
    return CRLF.join([b"Content-Type: " + ctype, *extra]) + CRLF + CRLF + body


def multipart(parts, boundary=b"b0", subtype=b"mixed"):
    ctype = b"multipart/" + subtype + b'; boundary="' + boundary + b'"'
    body = b"".join(b"--" + boundary + CRLF + p + CRLF for p in parts)
    return ctype, body + b"--" + boundary + b"--" + CRLF


def attachment(ctype, name, data):
    return part(
        ctype + b'; name="' + name + b'"',
        b64(data),
        [
            b'Content-Disposition: attachment; filename="' + name + b'"',
            b"Content-Transfer-Encoding: base64",
        ],
    )


def simple(
    name,
    body=b"Hello from the corpus.",
    ctype=b"text/plain; charset=utf-8",
    extra_body=(),
    **kwargs,
):
    return headers(name, ctype=ctype, extra=extra_body, **kwargs) + CRLF + body + CRLF


def with_parts(name, parts, subtype=b"mixed", **kwargs):
    ctype, body = multipart(parts, subtype=subtype)
    return headers(name, ctype=ctype, **kwargs) + CRLF + body


def nested(depth, leaf):
    """``leaf`` inside ``depth`` levels of multipart/mixed, with a file at
    the middle level."""
    content = leaf
    for level in range(depth, 0, -1):
        inner = [content]
        if level == depth // 2:
            inner.append(attachment(b"text/plain", b"level.txt", b"half way down"))
        ctype, body = multipart(inner, boundary=f"level{level}".encode())
        content = b"Content-Type: " + ctype + CRLF + CRLF + body
    return content


def big_file():
    block = hashlib.sha256(b"corpus").digest() * 32  # 1 KiB, not compressible away
    return block * (BIG_SIZE // len(block))


INNER_EMAIL = (
    b"From: Old Sender <old@elsewhere.example.com>\r\n"
    b"To: dana@corpus.example.com\r\n"
    b"Subject: Invoice question\r\n"
    b"Message-ID: <inner-1@elsewhere.example.com>\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="inner"\r\n\r\n'
    b"--inner\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    b"Text of the forwarded email.\r\n"
    b"--inner\r\n" + attachment(b"application/pdf", b"inner.pdf", PDF) + b"\r\n"
    b"--inner--\r\n"
)


def opening_cases():
    """Emails that open tickets (or are refused)."""
    text = part(b"text/plain; charset=utf-8", b"See the attached files.")
    return [
        Case("empty-body", simple("empty-body", body=b"")),
        Case(
            "headers-only",
            headers("headers-only", subject=False) + CRLF,
            subject="No subject",
        ),
        Case(
            "only-attachment",
            with_parts(
                "only-attachment", [attachment(b"application/pdf", b"scan.pdf", PDF)]
            ),
            files={"scan.pdf": PDF},
        ),
        Case(
            "only-attachments-unnamed",
            with_parts(
                "only-attachments-unnamed",
                [
                    part(
                        b"application/octet-stream",
                        b64(b"\x00\x01\x02 binary"),
                        [b"Content-Transfer-Encoding: base64"],
                    ),
                    part(
                        b'image/png; name="pixel.png"',
                        b64(b"\x89PNG\r\n\x1a\n fake"),
                        [
                            b"Content-Transfer-Encoding: base64",
                            b"Content-ID: <img1@corpus>",
                        ],
                    ),
                ],
            ),
            files={
                "attachment": b"\x00\x01\x02 binary",
                "pixel.png": b"\x89PNG\r\n\x1a\n fake",
            },
        ),
        Case(
            "big-attachment",
            with_parts(
                "big-attachment",
                [
                    text,
                    attachment(b"application/octet-stream", b"disk.img", big_file()),
                ],
            ),
            texts=("See the attached files",),
            files={"disk.img": big_file()},
        ),
        Case(
            "winmail-dat",
            with_parts(
                "winmail-dat",
                [text, attachment(b"application/ms-tnef", b"winmail.dat", TNEF)],
            ),
            texts=("See the attached files",),
            files={"winmail.dat": TNEF},
        ),
        Case(
            "attached-email",
            with_parts(
                "attached-email",
                [
                    part(b"text/plain; charset=utf-8", b"I forward the email below."),
                    part(
                        b"message/rfc822",
                        INNER_EMAIL,
                        [b"Content-Disposition: attachment"],
                    ),
                ],
            ),
            texts=("I forward the email below",),
            absent=("Text of the forwarded email",),
            files={"Invoice question.eml": None},
        ),
        Case(
            "inline-email",
            with_parts(
                "inline-email",
                [
                    part(b"text/plain; charset=utf-8", b"Forwarded inline."),
                    part(
                        b"message/rfc822",
                        INNER_EMAIL,
                        [b'Content-Disposition: inline; filename="fwd.eml"'],
                    ),
                ],
            ),
            texts=("Forwarded inline",),
            files={"fwd.eml": None},
        ),
        Case(
            "nested-ten-levels",
            headers("nested-ten-levels")
            + nested(10, part(b"text/plain; charset=utf-8", b"Ten levels down.")),
            texts=("Ten levels down",),
            files={"level.txt": b"half way down"},
        ),
        Case(
            "declared-utf8-is-latin1",
            simple(
                "declared-utf8-is-latin1",
                body="La impresora está rota.".encode("latin-1"),
                extra_body=(b"Content-Transfer-Encoding: 8bit",),
            ),
            texts=("impresora está rota",),
            original=True,
        ),
        Case(
            "declared-ascii-is-utf8",
            simple(
                "declared-ascii-is-utf8",
                body="Gracias, señor.".encode(),
                ctype=b"text/plain; charset=us-ascii",
                extra_body=(b"Content-Transfer-Encoding: 8bit",),
            ),
            texts=("Gracias, señor",),
            original=True,
        ),
        Case(
            "no-charset-utf8",
            simple(
                "no-charset-utf8",
                body="Ça marche à moitié.".encode(),
                ctype=b"text/plain",
                extra_body=(b"Content-Transfer-Encoding: 8bit",),
            ),
            texts=("Ça marche à moitié",),
        ),
        Case(
            "no-charset-latin1",
            simple(
                "no-charset-latin1",
                body="Ça marche à moitié.".encode("latin-1"),
                ctype=b"text/plain",
                extra_body=(b"Content-Transfer-Encoding: 8bit",),
            ),
            texts=("Ça marche à moitié",),
            original=True,
        ),
        Case(
            "unknown-charset",
            simple(
                "unknown-charset",
                body="Unknown label, UTF-8 text: ñandú.".encode(),
                ctype=b"text/plain; charset=x-unknown-label",
                extra_body=(b"Content-Transfer-Encoding: 8bit",),
            ),
            texts=("ñandú",),
            original=True,
        ),
        Case(
            "unknown-charset-html",
            with_parts(
                "unknown-charset-html",
                [
                    part(b"text/plain; charset=klingon", b"plain version"),
                    part(
                        b"text/html; charset=klingon", b"<p>The <b>html</b> version</p>"
                    ),
                ],
                subtype=b"alternative",
            ),
            texts=("<b>html</b> version",),
            original=True,
        ),
        Case(
            "unknown-charset-in-headers",
            with_parts(
                "unknown-charset-in-headers",
                [
                    part(b"text/plain; charset=utf-8", b"Body."),
                    part(
                        b"application/pdf",
                        b64(PDF),
                        [
                            b"Content-Disposition: attachment; "
                            b"filename*=x-unknown''r%E9sum%E9.pdf",
                            b"Content-Transfer-Encoding: base64",
                        ],
                    ),
                ],
                subject=b"=?x-unknown-label?q?Bonjour?=",
            ),
            texts=("Body",),
        ),
        Case(
            "subject-10000",
            simple("subject-10000", subject=b"Printer " + b"x" * 10000),
            texts=("Hello from the corpus",),
        ),
        Case(
            "no-boundary",
            simple(
                "no-boundary",
                body=b"The text of a multipart that lost its boundary.",
                ctype=b"multipart/mixed",
            ),
            texts=("lost its boundary",),
            original=True,
        ),
        Case(
            "no-boundary-with-parts",
            simple(
                "no-boundary-with-parts",
                ctype=b"multipart/mixed",
                body=b"--lost\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
                b"Found the parts again.\r\n--lost\r\n"
                + attachment(b"application/pdf", b"found.pdf", PDF)
                + b"\r\n--lost--",
            ),
            texts=("Found the parts again",),
            files={"found.pdf": PDF},
            original=True,
        ),
        Case(
            "broken-base64",
            simple(
                "broken-base64",
                body=b"!!! this is not base64 ***",
                extra_body=(b"Content-Transfer-Encoding: base64",),
            ),
            texts=("this is not base64",),
            original=True,
        ),
        Case(
            "date-invalid",
            simple("date-invalid").replace(
                b"Date: Mon, 02 Feb 2026 10:00:00 +0100", b"Date: not a date at all"
            ),
        ),
        Case(
            "date-out-of-range",
            simple("date-out-of-range").replace(
                b"Date: Mon, 02 Feb 2026 10:00:00 +0100",
                b"Date: Mon, 45 Foo 20260 25:61:99 +9999",
            ),
        ),
        Case(
            "date-missing",
            simple("date-missing").replace(
                b"Date: Mon, 02 Feb 2026 10:00:00 +0100\r\n", b""
            ),
        ),
        Case(
            "nul-subject",
            simple("nul-subject", subject=b"Printer\x00 on fire"),
            subject="Printer on fire",
        ),
        Case(
            "nul-subject-encoded",
            simple("nul-subject-encoded", subject=b"=?utf-8?q?Printer=00_smokes?="),
            subject="Printer smokes",
        ),
        Case(
            "nul-body",
            simple("nul-body", body=b"NUL\x00 in the text"),
            texts=("in the text",),
        ),
        Case(
            "nul-html",
            simple(
                "nul-html",
                body=b"<p>NUL\x00 in <b>html</b></p>",
                ctype=b"text/html; charset=utf-8",
            ),
            texts=("<b>html</b>",),
        ),
        Case(
            "nul-filename",
            with_parts(
                "nul-filename",
                [text, attachment(b"application/pdf", b"sc\x00an.pdf", PDF)],
            ),
            files={"scan.pdf": PDF},
        ),
        Case(
            "nul-from-and-cc",
            simple(
                "nul-from-and-cc",
                email_from=b'"Da\x00na" <dana@corpus.example.com>',
                extra_body=(b"Cc: boss\x00@corpus.example.com",),
            ),
        ),
        Case(
            "nul-message-id",
            simple("nul-message-id").replace(
                b"<corpus-nul-message-id@", b"<corpus-nul\x00-message-id@"
            ),
        ),
        Case(
            "control-characters",
            simple("control-characters", subject=b"Bell \x07 escape \x1b[31m"),
        ),
        Case(
            "script-in-html",
            simple(
                "script-in-html",
                body=b"<p>Hi</p><script>alert(1)</script><img src=x onerror=alert(2)>",
                ctype=b"text/html; charset=utf-8",
            ),
            texts=("Hi",),
            absent=("<script", "onerror"),
        ),
        # a "From" without any address, once more than 20 tickets were opened
        # in the last two hours (Odoo's loop guard then matched every ticket)
        Case(
            "from-name-only",
            simple("from-name-only", email_from=b"Dana Corpus"),
            email_from="Dana Corpus",
        ),
        Case("from-empty-brackets", simple("from-empty-brackets", email_from=b"<>")),
        Case(
            "from-name-empty-brackets",
            simple("from-name-empty-brackets", email_from=b'"Dana" <>'),
            email_from="Dana",
        ),
        Case(
            "from-group", simple("from-group", email_from=b"undisclosed-recipients:;")
        ),
        Case("from-missing", simple("from-missing", email_from=False)),
        # an autoresponder that opened more than 20 tickets in two hours:
        # Odoo's loop guard refuses it, with a bounce
        Case("flood", simple("flood", email_from=FLOODER.encode()), kind="refused"),
    ]


def reply_cases(reply_to):
    """Answers threaded on a ticket by ``reply_to`` (one of its Message-Ids)."""
    kw = {
        "reply_to": reply_to,
        "email_from": b"Carla Customer <carla@customer.example.com>",
    }
    return [
        Case(
            "reply-empty-body", simple("reply-empty-body", body=b"", **kw), kind="reply"
        ),
        Case(
            "reply-only-attachment",
            with_parts(
                "reply-only-attachment",
                [attachment(b"application/pdf", b"reply.pdf", PDF)],
                **kw,
            ),
            kind="reply",
            files={"reply.pdf": PDF},
        ),
        Case(
            "reply-unknown-charset",
            simple(
                "reply-unknown-charset",
                body="Réponse".encode(),
                ctype=b"text/plain; charset=x-nope",
                extra_body=(b"Content-Transfer-Encoding: 8bit",),
                **kw,
            ),
            kind="reply",
            texts=("Réponse",),
            original=True,
        ),
        Case(
            "reply-nul-subject",
            simple("reply-nul-subject", subject=b"Re: \x00oops", **kw),
            kind="reply",
        ),
        Case(
            "reply-no-boundary",
            simple(
                "reply-no-boundary",
                body=b"Answer without boundary.",
                ctype=b"multipart/related",
                **kw,
            ),
            kind="reply",
            texts=("Answer without boundary",),
            original=True,
        ),
        Case(
            "reply-attached-email",
            with_parts(
                "reply-attached-email",
                [
                    part(
                        b"message/rfc822",
                        INNER_EMAIL,
                        [b"Content-Disposition: attachment"],
                    )
                ],
                **kw,
            ),
            kind="reply",
            files={"Invoice question.eml": None},
        ),
        Case(
            "reply-from-name-only",
            simple("reply-from-name-only", **{**kw, "email_from": b"Carla"}),
            kind="reply",
        ),
        Case(
            "reply-date-invalid",
            simple("reply-date-invalid", **kw).replace(
                b"Date: Mon, 02 Feb 2026 10:00:00 +0100", b"Date: 31/31/31 99:99"
            ),
            kind="reply",
        ),
    ]
