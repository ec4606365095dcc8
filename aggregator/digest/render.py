"""Jinja2 rendering of digests and confirmation emails (HTML with inlined CSS + text).

Autoescape is explicitly ON for the HTML templates (``*.html.j2`` is not escaped by
``select_autoescape``) and OFF for the text ones. Each posting's HTML and text block
is rendered and CSS-inlined once per process and reused in every digest that lists it;
a digest's own shell is small, so inlining it per message stays cheap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from functools import lru_cache
from typing import Any

import css_inline
from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from markupsafe import Markup

from aggregator.db.models import Posting, Subscriber
from aggregator.mail.message import build_message, clean_header
from aggregator.matching import label
from aggregator.paths import data_folder
from aggregator.settings import Settings
from aggregator.subscriptions import SEMANTICS, ProfileInput, describe_profile
from aggregator.tokens import link

_SLOT = re.compile(r"<!--slot:(\d+)-->")


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


def _finish_html(html: str) -> str:
    """Inline the stylesheet; keep only the dark-mode media query as a <style> block."""
    inlined = css_inline.inline(html)
    return inlined.replace("</head>", f"<style>{stylesheets()[1]}</style></head>", 1)


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


def posting_fields(settings: Settings, p: Posting) -> dict[str, Any]:
    """Display values of one posting (scraped text made single-line and capped)."""
    skills = sorted(t.value for t in p.tags if t.kind == "skill")
    sources = sorted({ps.source.key for ps in p.sources if ps.source is not None})
    remote = "" if p.remote in ("unspecified", "") else p.remote
    return {
        "title": _one_line(p.title),
        "org": _one_line(p.org_name, 200),
        "location": _one_line(", ".join(str(x) for x in (p.locations or [])[:3]), 200),
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
    """Renders digests, caching each posting's fragments for the life of the renderer."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._html = html_template("digest.html.j2")
        self._text = text_template("digest.txt.j2")
        self._item_html = html_template("_item.html.j2")
        self._item_text = text_template("_item.txt.j2")
        self._css = stylesheets()[0]
        self._cache: dict[int, tuple[str, str]] = {}

    def fragments(self, posting: Posting) -> tuple[str, str]:
        cached = self._cache.get(posting.id)
        if cached is None:
            values = posting_fields(self.settings, posting)
            html = css_inline.inline_fragment(self._item_html.render(p=values), self._css)
            cached = (html, self._item_text.render(p=values))
            self._cache[posting.id] = cached
        return cached

    def render(self, view: DigestView, postings: dict[int, Posting]) -> tuple[str, str]:
        """(html, text) of a digest."""
        slots: list[str] = []
        for section in view.sections:
            for item in section.items:
                html, _text = self.fragments(postings[item.posting_id])
                item.slot = Markup(f"<!--slot:{len(slots)}-->")
                slots.append(html)
        shell = _finish_html(self._html.render(d=view, css=self._css))
        html = _SLOT.sub(lambda m: slots[int(m.group(1))], shell)
        for section in view.sections:
            for item in section.items:
                item.slot = self.fragments(postings[item.posting_id])[1]
        return html, self._text.render(d=view)


def unsubscribe_headers(settings: Settings, subscriber: Subscriber) -> dict[str, str]:
    """RFC 2369 / RFC 8058 one-click unsubscribe headers."""
    mailto = f"mailto:{settings.unsubscribe_mailto}?subject=unsubscribe"
    return {
        "List-Unsubscribe": f"<{link(settings, 'unsubscribe', subscriber)}>, <{mailto}>",
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
        "css": stylesheets()[0],
    }
    html = _finish_html(html_template("confirm.html.j2").render(**values))
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
