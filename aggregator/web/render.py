"""Template rendering: filters for dates, money and labels (from aggregator.presentation);
shareable filter URLs.

Templates are ``.html`` so Jinja2 autoescapes everything. Scraped URLs only reach an
``href`` through :func:`safe_url` (http and https only).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment
from markupsafe import Markup

from aggregator import clock
from aggregator.normalize.locations import country_name
from aggregator.normalize.text import sanitize_html
from aggregator.presentation.labels import label
from aggregator.presentation.salary import posting_salary
from aggregator.search import PostingFilter
from aggregator.store.employers import source_name

__all__ = ["label"]  # the one label function, re-exported for the templates' modules


def day(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%-d %b %Y") if value else ""


def ago(value: datetime | None, now: datetime | None = None) -> str:
    if value is None:
        return ""
    delta = (now or clock.now()) - value
    days = delta.days
    if days < 1:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 60:
        return f"{days} days ago"
    return day(value)


def days_left(value: datetime | None, now: datetime | None = None) -> int | None:
    if value is None:
        return None
    return (value - (now or clock.now())).days


def safe_url(value: Any) -> str:
    """The URL if it is http(s), else an empty string (never javascript: or data:)."""
    text = str(value or "").strip()
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError:
        return ""
    return text if scheme in ("http", "https") else ""


def sanitized(html: str | None) -> Markup:
    """Stored description HTML, sanitized again with the ingest allow-list (defence in
    depth: it was cleaned at ingest, but a bug there must not become XSS here)."""
    return Markup(sanitize_html(html or ""))


def filter_url(f: PostingFilter, path: str = "/", **changes: Any) -> str:
    """URL of ``f`` with some fields changed, at ``path`` (shareable, no cursor)."""
    g = replace(f, **changes) if changes else f
    params = g.to_params()
    return path + ("?" + urlencode(params) if params else "")


def toggle_url(f: PostingFilter, name: str, value: str) -> str:
    """URL of ``f`` with ``value`` added to or removed from the list facet ``name``."""
    current = list(getattr(f, name))
    lowered = [c.lower() for c in current]
    if value.lower() in lowered:
        current.pop(lowered.index(value.lower()))
    else:
        current.append(value)
    change: dict[str, Any] = {name: current}
    return filter_url(f, **change)


def configure(env: Environment) -> None:
    env.filters.update(
        label=label,
        day=day,
        ago=ago,
        salary=posting_salary,
        safe_url=safe_url,
        days_left=days_left,
        sanitized=sanitized,
        country_name=country_name,
        source_name=source_name,
    )
    env.globals.update(filter_url=filter_url, toggle_url=toggle_url)


def page(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    templates = request.app.state.templates
    response: HTMLResponse = templates.TemplateResponse(
        request, template, context, status_code=status_code
    )
    response.headers["Vary"] = "HX-Request"
    return response
