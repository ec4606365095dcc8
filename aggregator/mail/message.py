"""Building RFC 5322 messages safely from scraped text."""

from __future__ import annotations

import re
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, parseaddr
from urllib.parse import urlsplit

from aggregator.settings import Settings

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
SUBJECT_MAX = 150
# Long List-Unsubscribe URLs stay on their header line instead of being folded.
POLICY = SMTP.clone(max_line_length=998)


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


def build_message(
    settings: Settings,
    *,
    to: str,
    subject: str,
    text: str,
    html: str | None,
    message_id: str,
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    """A ``multipart/alternative`` message (text, then HTML) with the standard headers."""
    msg = EmailMessage(policy=POLICY)
    msg["From"] = clean_header(settings.mail_from, 300)
    msg["To"] = clean_header(to, 320)
    if settings.mail_reply_to:
        msg["Reply-To"] = clean_header(settings.mail_reply_to, 300)
    msg["Subject"] = clean_header(subject)
    msg["Date"] = formatdate(usegmt=True)
    msg["Message-ID"] = clean_header(message_id, 300)
    msg["Auto-Submitted"] = "auto-generated"
    for name, value in (headers or {}).items():
        msg[name] = clean_header(value, 2000)
    msg.set_content(text, charset="utf-8")
    if html is not None:
        msg.add_alternative(html, subtype="html", charset="utf-8")
    return msg


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
