"""Jinja2 rendering of digests (HTML with inlined CSS + text).

The templates are prepared once per process (aggregator.mail.templates); each
posting's HTML and text fragments are rendered once per run and reused in every digest
that lists them, so a message costs only Jinja joins.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from markupsafe import Markup

from aggregator import clock
from aggregator.db.models import Posting
from aggregator.mail.message import clean_header
from aggregator.mail.templates import (
    Item,
    ItemLoop,
    ascii_html,
    ascii_outside_tags,
    environments,
    inline_source,
    inlined_template,
    template_source,
    text_template,
)
from aggregator.presentation.labels import label
from aggregator.presentation.salary import posting_salary
from aggregator.presentation.schema import PostingRecord
from aggregator.profiles import SEMANTICS
from aggregator.settings import Settings
from aggregator.store.employers import source_name


def _one_line(value: str | None, limit: int = 300) -> str:
    return clean_header(value or "", limit)


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


def closes(deadline: datetime, now: datetime) -> str:
    """ "closes 12 Dec (6 days)", "closes 7 Dec (tomorrow)", "closes 6 Dec (today)"."""
    days = (deadline.date() - now.date()).days
    when = "today" if days <= 0 else "tomorrow" if days == 1 else f"{days} days"
    return f"closes {deadline.day} {deadline:%b} ({when})"


def posting_fields(settings: Settings, p: Posting) -> dict[str, Any]:
    """Display values of one posting, from its public record (scraped text made
    single-line and capped; labels and the salary line as everywhere else)."""
    r = PostingRecord.of(p, settings.base_url)
    location, remote = locations_line(r.locations, r.remote)
    return {
        "title": _one_line(r.title),
        "org": _one_line(r.org_name, 200),
        "location": location,
        "remote": label(remote, "remote") if remote else "",
        "salary": posting_salary(r),
        "deadline": closes(r.deadline, clock.now())
        if r.deadline
        else ("rolling applications" if r.deadline_rolling else ""),
        "posted": (r.posted_at or r.first_seen_at).date().isoformat(),
        "tags": [label(r.role, "role"), *(label(s, "skill") for s in r.skills)],
        "url": r.web_url,
        "apply_url": r.apply_url or r.url,
        "sources": ", ".join(
            dict.fromkeys(source_name(ps.source) for ps in p.sources if ps.removed_at is None)
        ),
    }


@dataclass
class Section:
    title: str
    items: list[Item]
    body: Any = ""  # the items, joined by the Renderer (see ItemLoop)


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
    #: "Opening soon / just opened" programs: {"name", "text", "url"} (empty: no section)
    programs: list[dict[str, str]] = field(default_factory=list)
    posting_ids: list[int] = field(default_factory=list)


class Renderer:
    """Renders digests from precompiled, CSS-inlined templates; each posting's HTML and
    text fragments are rendered once and reused in every digest that lists them."""

    def __init__(self, settings: Settings):
        self.settings = settings
        html_env, text_env = environments()
        html_source = inline_source(template_source("digest.html.j2", html=True), fragment=False)
        self._html_loop = ItemLoop(html_source, escape=True, trim_blocks=html_env.trim_blocks)
        self._html = html_env.from_string(ascii_outside_tags(self._html_loop.source))
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
