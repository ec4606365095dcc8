"""Text cleaning: sanitized description HTML, readable plain text, clean one-line fields.

Descriptions are sanitized at ingest with nh3 and an explicit allow-list (no images, no
styles, no scripts, no event handlers; links only to http, https and mailto, with
``rel="noopener noreferrer nofollow"``). Entity-escaped HTML (Greenhouse ``content``,
JSON-LD and Teamtailor descriptions) is unescaped exactly once first.
"""

from __future__ import annotations

import html
import re
import unicodedata

import nh3

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "a", "h2", "h3", "h4",
        "blockquote", "code", "pre", "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"
MAX_HTML_CHARS = 300_000

_ESCAPED_TAG = re.compile(r"&lt;\s*/?\s*[a-zA-Z][a-zA-Z0-9]*[^&]{0,200}?&gt;")
_REAL_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u2028\u2029\ufeff]")
_ENTITY = re.compile(r"&(#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
_BLOCK_TAGS = frozenset(
    {"p", "div", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table",
     "tr", "section", "article", "header", "footer"}
)  # fmt: skip


def strip_control(text: str) -> str:
    """Remove control and invisible separator characters (keeps newlines and tabs)."""
    return _CONTROL.sub("", text)


def clean_line(text: str | None, max_length: int = 500) -> str:
    """A one-line field (title, org, location): no tags, control chars or runs of spaces."""
    if not text:
        return ""
    value = strip_control(str(text))
    if "<" in value and _REAL_TAG.search(value):
        value = html.unescape(nh3.clean(value, tags=set(), clean_content_tags={"script", "style"}))
    elif _ENTITY.search(value):
        value = html.unescape(value)
    value = unicodedata.normalize("NFC", strip_control(value))
    value = " ".join(value.split())
    return value[:max_length].strip()


def is_escaped_html(text: str) -> bool:
    """True when the markup is entity-escaped (``&lt;p&gt;``) and there are no real tags."""
    return bool(_ESCAPED_TAG.search(text)) and not _REAL_TAG.search(text)


def sanitize_html(raw: str | None) -> str:
    """Safe description HTML from anything a source sends."""
    if not raw:
        return ""
    text = strip_control(str(raw)[:MAX_HTML_CHARS])
    if is_escaped_html(text):
        text = html.unescape(text)
    cleaned = nh3.clean(
        text,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        clean_content_tags={"script", "style"},
        strip_comments=True,
    )
    return cleaned.strip()


def text_to_html(text: str) -> str:
    """Plain text as paragraphs (blank lines) and line breaks, escaped."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if b.strip()]
    return "".join(
        "<p>" + "<br>".join(html.escape(line.strip()) for line in b.split("\n")) + "</p>"
        for b in blocks
    )


def looks_like_html(text: str) -> bool:
    return bool(_REAL_TAG.search(text)) or is_escaped_html(text)


_BLOCK_RE = "|".join(sorted(_BLOCK_TAGS | ALLOWED_TAGS & {"p", "ul", "ol", "table", "tr"}))
_TO_TEXT = [
    (re.compile(r"<br\s*/?>", re.I), "\n"),
    (re.compile(r"<li(?:\s[^>]*)?>", re.I), "\n- "),
    (re.compile(r"<t[dh](?:\s[^>]*)?>", re.I), " "),
    (re.compile(rf"<(?:{_BLOCK_RE})(?:\s[^>]*)?>", re.I), "\n\n"),
    (re.compile(rf"</(?:{_BLOCK_RE})\s*>", re.I), "\n"),
    (re.compile(r"<[^>]*>"), ""),
]


def html_to_text(raw: str | None, *, sanitized: bool = False) -> str:
    """Readable plain text: paragraphs and list items on their own lines.

    ``sanitized=True`` when ``raw`` is already :func:`sanitize_html` output.
    """
    if not raw:
        return ""
    text = raw if sanitized else sanitize_html(raw)
    for regex, replacement in _TO_TEXT:  # nh3 output is well-formed: regexes suffice
        text = regex.sub(replacement, text)
    lines = [" ".join(line.split()) for line in html.unescape(text).split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()
