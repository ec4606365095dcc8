"""Jinja2 rendering of digests and confirmation emails (HTML with inlined CSS + text).

Autoescape is explicitly ON for the HTML templates (``*.html.j2`` is not escaped by
``select_autoescape``) and OFF for the text ones. CSS is inlined into the HTML
templates' sources once per process (:func:`inline_source`), each posting's HTML and
text fragments are rendered once per run and reused in every digest that lists them,
so a message costs only Jinja joins.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from functools import lru_cache
from typing import Any

import css_inline
from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from markupsafe import Markup, escape

from aggregator.candidates import label
from aggregator.db.models import Posting, Subscriber
from aggregator.mail.message import build_message, clean_header
from aggregator.paths import data_folder
from aggregator.settings import Settings
from aggregator.subscriptions import SEMANTICS, ProfileInput, describe_profile
from aggregator.tokens import link


@lru_cache(maxsize=1)
def _environments() -> tuple[Environment, Environment]:
    loader = FileSystemLoader(str(data_folder("digest_templates")))
    common: dict[str, Any] = {"undefined": StrictUndefined, "keep_trailing_newline": True}
    html = Environment(loader=loader, autoescape=True, **common)
    text = Environment(loader=loader, autoescape=False, trim_blocks=True, **common)
    return html, text


def html_template(name: str) -> Template:
    return _environments()[0].get_template(name)


def text_template(name: str) -> Template:
    return _environments()[1].get_template(name)


@lru_cache(maxsize=1)
def stylesheets() -> tuple[str, str]:
    folder = data_folder("digest_templates")
    return (folder / "digest.css").read_text(), (folder / "dark.css").read_text()


_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_CSS_SLOT = re.compile(r"\{\{\s*css\s*\}\}")
_HOLE = re.compile(r"jinjahole(\d+)x")


def inline_source(source: str, *, fragment: bool) -> str:
    """A template's source with digest.css inlined into its ``style`` attributes.

    Jinja tags become plain placeholders (``jinjahole7x``: safe in text, attributes
    and titles), css-inline styles the elements, then the tags are put back. Runs once
    per template and process, so rendering a message is only Jinja joins. A template
    the HTML parser would reorder (a tag in ``<head>`` text, say) is refused."""
    css, dark = stylesheets()
    held: list[str] = []

    def hold(m: re.Match[str]) -> str:
        held.append(m.group(0))
        return f"jinjahole{len(held) - 1}x"

    plain = _JINJA.sub(hold, _CSS_SLOT.sub(lambda _: css, source))
    if fragment:
        inlined = css_inline.inline_fragment(plain, css)
    else:
        inlined = css_inline.inline(plain)
        raw_dark = "{% raw %}<style>" + dark + "</style>{% endraw %}"
        inlined = inlined.replace("</head>", raw_dark + "</head>", 1)
    order = [int(n) for n in _HOLE.findall(inlined)]
    if order != list(range(len(held))):
        raise ValueError("template tags moved while inlining CSS: keep them out of <head>")
    return _HOLE.sub(lambda m: held[int(m.group(1))], inlined)


def template_source(name: str, *, html: bool) -> str:
    env = _environments()[0 if html else 1]
    assert env.loader is not None
    return env.loader.get_source(env, name)[0]


@lru_cache(maxsize=8)
def inlined_template(name: str, fragment: bool = False) -> Template:
    """The autoescaped HTML template ``name`` with the stylesheet already inlined."""
    source = template_source(name, html=True)
    return _environments()[0].from_string(inline_source(source, fragment=fragment))


def _one_line(value: str | None, limit: int = 300) -> str:
    return clean_header(value or "", limit)


def _salary(p: Posting) -> str:
    if p.salary_text:
        return _one_line(p.salary_text, 120)
    if p.salary_min is None and p.salary_max is None:
        return ""
    low, high = p.salary_min, p.salary_max
    amount = f"{low:,.0f}–{high:,.0f}" if low and high and low != high else f"{(high or low):,.0f}"
    return " ".join(
        x
        for x in (
            amount,
            p.salary_currency or "",
            f"per {p.salary_period}" if p.salary_period else "",
        )
        if x
    )


_REMOTE_ONLY = {"remote", "fully remote", "remote only", "100% remote", "anywhere"}


def _place_key(value: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", value.casefold()).split())


def locations_line(locations: list[Any] | None, remote: str) -> tuple[str, str]:
    """(locations, remote mode) for display: each place once (case, spacing and
    punctuation ignored), at most three, and the remote mode only when no place
    already says it."""
    places: dict[str, str] = {}
    for raw in locations or []:
        text = _one_line(str(raw), 100)
        key = _place_key(text)
        if not key or key in places or (remote == "remote" and key in _REMOTE_ONLY):
            continue
        places[key] = text
    shown = list(places.values())[:3]
    mode = "" if remote in ("unspecified", "") else remote
    if mode and any(mode in _place_key(p).split() for p in shown):
        mode = ""
    return _one_line(", ".join(shown), 200), mode


def posting_fields(settings: Settings, p: Posting) -> dict[str, Any]:
    """Display values of one posting (scraped text made single-line and capped)."""
    skills = sorted(t.value for t in p.tags if t.kind == "skill")
    sources = sorted({ps.source.key for ps in p.sources if ps.source is not None})
    location, remote = locations_line(p.locations, p.remote)
    return {
        "title": _one_line(p.title),
        "org": _one_line(p.org_name, 200),
        "location": location,
        "remote": remote,
        "salary": _salary(p),
        "deadline": p.deadline.date().isoformat()
        if p.deadline
        else ("rolling" if p.deadline_rolling else ""),
        "posted": (p.posted_at or p.first_seen_at).date().isoformat(),
        "tags": [label(p.role), *(label(s) for s in skills)],
        "url": f"{settings.base_url.rstrip('/')}/postings/{p.id}",
        "apply_url": p.apply_url or p.url,
        "sources": ", ".join(sources),
    }


@dataclass
class Item:
    posting_id: int
    why: str
    slot: Any = ""


@dataclass
class Section:
    title: str
    items: list[Item]
    body: Any = ""  # the items, joined by the Renderer (see ItemLoop)


_ITEM_LOOP = re.compile(
    r"\{%-?\s*for item in section\.items\s*-?%\}(.*?)\{%-?\s*endfor\s*-?%\}", re.S
)
_ITEM_SLOTS = re.compile(r"\{\{\s*item\.slot\s*\}\}|\{\{\s*item\.why\s*\}\}")


def ascii_html(html: str) -> str:
    """HTML with non-ASCII characters as character references, as the message will
    carry it (see mail.message): done once per fragment here, so the whole body is
    usually ASCII and its encoding a plain copy."""
    return html if html.isascii() else html.encode("ascii", "xmlcharrefreplace").decode("ascii")


def _ascii_outside_tags(source: str) -> str:
    """A template source whose literal HTML (not its Jinja tags) is ASCII."""
    parts, last = [], 0
    for m in _JINJA.finditer(source):
        parts += [ascii_html(source[last : m.start()]), m.group(0)]
        last = m.end()
    return "".join([*parts, ascii_html(source[last:])])


class ItemLoop:
    """A template's ``{% for item in section.items %}`` loop done as a string join.

    The loop body (already CSS-inlined) is split around ``{{ item.slot }}`` and
    ``{{ item.why }}``; the loop in the source becomes ``{{ section.body }}``. The
    output is the same as Jinja's, at a fraction of the cost per item."""

    def __init__(self, source: str, *, escape: bool, trim_blocks: bool):
        m = _ITEM_LOOP.search(source)
        if m is None:
            raise ValueError("template has no {% for item in section.items %} loop")
        body = m.group(1)
        if trim_blocks and body.startswith("\n"):
            body = body[1:]
        names = [x.group(0).strip("{} ").removeprefix("item.") for x in _ITEM_SLOTS.finditer(body)]
        if names != ["slot", "why"] or "{" in _ITEM_SLOTS.sub("", body):
            raise ValueError("item loop must hold only {{ item.slot }} then {{ item.why }}")
        self.a, self.b, self.c = (ascii_html(x) if escape else x for x in _ITEM_SLOTS.split(body))
        self.escape = escape
        self._escaped: dict[str, str] = {}
        self.source = source[: m.start()] + "{{ section.body }}" + source[m.end() :]

    def join(self, slots: Mapping[int, str], items: list[Item]) -> str:
        a, b, c = self.a, self.b, self.c
        if self.escape:
            whys = self._escaped
            if len(whys) > 10_000:  # the same few reasons recur across subscribers
                whys.clear()
            for i in items:
                if i.why not in whys:
                    whys[i.why] = ascii_html(str(escape(i.why)))
            return Markup("".join([a + slots[i.posting_id] + b + whys[i.why] + c for i in items]))
        return "".join([a + slots[i.posting_id] + b + i.why + c for i in items])


@dataclass
class DigestView:
    subject: str
    preheader: str
    heading: str
    intro: str
    email: str
    frequency: str
    sections: list[Section]
    changes: list[dict[str, str]]
    total: int
    more: bool
    list_url: str
    manage_url: str
    unsubscribe_url: str
    profile: list[str]
    semantics: str = SEMANTICS
    posting_ids: list[int] = field(default_factory=list)


class Renderer:
    """Renders digests from precompiled, CSS-inlined templates; each posting's HTML and
    text fragments are rendered once and reused in every digest that lists them."""

    def __init__(self, settings: Settings):
        self.settings = settings
        html_env, text_env = _environments()
        html_source = inline_source(template_source("digest.html.j2", html=True), fragment=False)
        self._html_loop = ItemLoop(html_source, escape=True, trim_blocks=html_env.trim_blocks)
        self._html = html_env.from_string(_ascii_outside_tags(self._html_loop.source))
        text_source = template_source("digest.txt.j2", html=False)
        self._text_loop = ItemLoop(text_source, escape=False, trim_blocks=text_env.trim_blocks)
        self._text = text_env.from_string(self._text_loop.source)
        self._item_html = inlined_template("_item.html.j2", fragment=True)
        self._item_text = text_template("_item.txt.j2")
        self.cache: dict[int, tuple[Markup, str]] = {}
        self._html_slots: dict[int, str] = {}
        self._text_slots: dict[int, str] = {}

    def fragments(self, posting: Posting) -> tuple[Markup, str]:
        cached = self.cache.get(posting.id)
        if cached is None:
            values = posting_fields(self.settings, posting)
            cached = (Markup(self._item_html.render(p=values)), self._item_text.render(p=values))
            self.cache[posting.id] = cached
            self._html_slots[posting.id] = ascii_html(str(cached[0]))
            self._text_slots[posting.id] = cached[1]
        return cached

    def render(
        self, view: DigestView, postings: Mapping[int, Posting] | None = None
    ) -> tuple[str, str]:
        """(html, text) of a digest; fragments come from the cache (rendered first from
        ``postings`` when given)."""
        if postings is not None:
            known = self._html_slots
            for section in view.sections:
                for item in section.items:
                    if item.posting_id not in known:
                        self.fragments(postings[item.posting_id])
        for section in view.sections:
            section.body = self._html_loop.join(self._html_slots, section.items)
        html = self._html.render(d=view)
        for section in view.sections:
            section.body = self._text_loop.join(self._text_slots, section.items)
        return html, self._text.render(d=view)


def unsubscribe_headers(settings: Settings, unsubscribe_url: str) -> dict[str, str]:
    """RFC 2369 / RFC 8058 one-click unsubscribe headers."""
    mailto = f"mailto:{settings.unsubscribe_mailto}?subject=unsubscribe"
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>, <{mailto}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def confirmation_message(settings: Settings, subscriber: Subscriber) -> EmailMessage:
    from email.utils import make_msgid

    from aggregator.mail.message import domain_of

    values = {
        "email": subscriber.email,
        "frequency": subscriber.frequency,
        "profile": describe_profile(ProfileInput.of(subscriber.profile)),
        "semantics": SEMANTICS,
        "confirm_url": link(settings, "confirm", subscriber),
        "hours": settings.confirm_max_age_hours,
    }
    html = inlined_template("confirm.html.j2").render(**values)
    text = text_template("confirm.txt.j2").render(**values)
    message_id = make_msgid(idstring=f"confirm.{subscriber.id}", domain=domain_of(settings))
    return build_message(
        settings,
        to=subscriber.email,
        subject="Confirm your AI safety jobs digest",
        text=text,
        html=html,
        message_id=message_id,
    )
