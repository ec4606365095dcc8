"""Building RFC 5322 messages safely from scraped text."""

from __future__ import annotations

import base64
import email
import re
import uuid
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import compat32, default
from email.utils import formataddr, formatdate, parseaddr
from typing import Any
from urllib.parse import urlsplit

from aggregator.settings import Settings

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
SUBJECT_MAX = 150
# Headers are pre-cleaned single lines; long List-Unsubscribe URLs stay on one line.
FAST = compat32.clone(max_line_length=998, linesep="\r\n")


def clean_header(value: str, max_length: int = SUBJECT_MAX) -> str:
    """One line of header text: control characters (CR, LF, ...) become spaces, capped."""
    text = " ".join(_CONTROL.sub(" ", value).split())
    if len(text) > max_length:
        text = text[: max_length - 1].rstrip() + "…"
    return text


def domain_of(settings: Settings) -> str:
    return urlsplit(settings.base_url).hostname or "localhost"


def list_id(settings: Settings) -> str:
    return f"aisafety-jobs digest <digest.{domain_of(settings)}>"


def _header(value: str) -> str:
    """ASCII values as they are; others RFC 2047-encoded (one clean line either way)."""
    if value.isascii():
        return value
    return Header(value, "utf-8", maxlinelen=998).encode()


def _address_header(value: str) -> str:
    if value.isascii():
        return value
    name, addr = parseaddr(value)
    if not name or name.isascii():
        return value if value.isascii() else addr
    return formataddr((name, addr), charset="utf-8")


def _short_lines(data: bytes, limit: int = 998) -> bool:
    """Whether every line has at most ``limit`` bytes (RFC 5322), without splitting the
    data into lines: it is read in blocks of (limit + 2) / 2 bytes from a line start;
    a longer line fills a whole block, so only a block without a newline needs its
    line measured."""
    block, i, size = (limit + 2) // 2, 0, len(data)
    while i + block <= size:
        if data.find(b"\n", i, i + block) >= 0:
            i += block
            continue
        start, end = data.rfind(b"\n", 0, i) + 1, data.find(b"\n", i + block)
        end = size if end < 0 else end
        if end - start > limit:
            return False
        i = end + 1
    return True


def _encoded(body: str, subtype: str) -> bytes:
    """One MIME part (headers + CRLF body) of text. ASCII with short lines goes as it is
    (7bit: nothing to encode or decode; HTML gets there by turning non-ASCII characters
    into character references); anything else is base64 (C-fast)."""
    text = body.replace("\r\n", "\n").replace("\r", "\n") if "\r" in body else body
    html = subtype == "html"
    data = text.encode("ascii", "xmlcharrefreplace") if html else text.encode("utf-8")
    if data.isascii() and _short_lines(data):
        payload, encoding = data.replace(b"\n", b"\r\n"), b"7bit"
    else:
        b64 = base64.b64encode(data)
        payload = b"\r\n".join([b64[i : i + 76] for i in range(0, len(b64), 76)])
        encoding = b"base64"
    head = f'Content-Type: text/{subtype}; charset="utf-8"\r\nContent-Transfer-Encoding: '
    return b"".join((head.encode("ascii"), encoding, b"\r\n\r\n", payload, b"\r\n"))


class PreparedMessage(EmailMessage):
    """A message whose RFC 5322 bytes (CRLF line ends) were built once.

    Its headers can be read as usual (``msg["To"]``); ``as_bytes()`` returns the
    prepared bytes, which transports send as they are (no re-serialization)."""

    def __init__(self, raw: bytes, headers: list[tuple[str, str]]):
        super().__init__(policy=FAST)
        self._headers = list(headers)  # what compat32's __setitem__ would store, at once
        self.raw, self.fields = raw, headers

    def as_bytes(self, unixfrom: bool = False, policy: Any = None) -> bytes:
        return self.raw

    def as_string(
        self, unixfrom: bool = False, maxheaderlen: int | None = None, policy: Any = None
    ) -> str:
        return self.raw.decode("utf-8", "replace")

    def __bytes__(self) -> bytes:
        return self.raw


def message_headers(
    settings: Settings,
    *,
    to: str,
    subject: str,
    message_id: str,
    headers: dict[str, str] | None = None,
) -> list[tuple[str, str]]:
    """The standard headers, every value cleaned to one line (RFC 2047 when not ASCII)."""
    out = [
        ("From", _address_header(clean_header(settings.mail_from, 300))),
        ("To", _address_header(clean_header(to, 320))),
    ]
    if settings.mail_reply_to:
        out.append(("Reply-To", _address_header(clean_header(settings.mail_reply_to, 300))))
    out += [
        ("Subject", _header(clean_header(subject))),
        ("Date", formatdate(usegmt=True)),
        ("Message-ID", clean_header(message_id, 300)),
        ("Auto-Submitted", "auto-generated"),
    ]
    out += [(name, _header(clean_header(value, 2000))) for name, value in (headers or {}).items()]
    out.append(("MIME-Version", "1.0"))
    return out


def build_message(
    settings: Settings,
    *,
    to: str,
    subject: str,
    text: str,
    html: str | None,
    message_id: str,
    headers: dict[str, str] | None = None,
) -> PreparedMessage:
    """A ``multipart/alternative`` message (text, then HTML; UTF-8) with the standard
    headers, serialized once (the email package's generator and content manager cost
    milliseconds per digest). The boundary contains "==", which neither base64 nor
    quoted-printable output can contain, so it never collides with a body."""
    fields = message_headers(settings, to=to, subject=subject, message_id=message_id,
                             headers=headers)  # fmt: skip
    head = "".join(f"{name}: {value}\r\n" for name, value in fields).encode("utf-8")
    if html is None:
        raw = head + _encoded(text, "plain")
        fields.append(("Content-Type", 'text/plain; charset="utf-8"'))
    else:
        boundary = f"===============_{uuid.uuid4().hex}=="
        content_type = f'multipart/alternative; boundary="{boundary}"'
        fields.append(("Content-Type", content_type))
        mark = f"--{boundary}\r\n".encode("ascii")
        raw = b"".join((head, f"Content-Type: {content_type}\r\n\r\n".encode("ascii"), mark,
                        _encoded(text, "plain"), mark, _encoded(html, "html"),
                        f"--{boundary}--\r\n".encode("ascii")))  # fmt: skip
    return PreparedMessage(raw, fields)


def parsed(msg: EmailMessage) -> EmailMessage:
    """The message re-read with the modern policy (``get_body``/``get_content`` work)."""
    out = email.message_from_bytes(msg.as_bytes(), policy=default)
    assert isinstance(out, EmailMessage)
    return out


def recipient(msg: EmailMessage) -> str:
    return parseaddr(str(msg["To"]))[1]


def valid_address(email: str) -> str | None:
    """The normalized address (domain lowercased) or None when it is not a usable address."""
    email = email.strip()
    if not email or len(email) > 320 or _CONTROL.search(email) or email.count("@") != 1:
        return None
    local, _, domain = email.rpartition("@")
    if not local or not re.fullmatch(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+", local):
        return None
    if local.startswith(".") or local.endswith(".") or ".." in local or len(local) > 64:
        return None
    try:
        domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    labels = domain.split(".")
    label = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")
    if len(labels) < 2 or not all(label.fullmatch(p) for p in labels) or labels[-1].isdigit():
        return None
    try:
        Address(addr_spec=f"{local}@{domain}")
    except (ValueError, IndexError):
        return None
    return f"{local}@{domain}"
