"""Employers: which organization a listing belongs to, and boards versus employers' own ATSs.

A source run by an employer (its ATS) names its own organization; a board (a platform
declaring ``is_board`` such as ``eighty_k`` or ``feed``, or an organization of type
``board``) names the employer in each record, looked up here by a normalized name or slug.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from aggregator.db.models import Organization, Source
from aggregator.items import RawPosting
from aggregator.normalize.posting import NormalizedPosting, normalize
from spiders.platforms import board_platforms

# Key and platform of the store's source of approved submissions, and its name for readers.
COMMUNITY_SOURCE = "community"
COMMUNITY_NAME = "shared by the community"


def is_board(source: Source) -> bool:
    """A second-hand source (job board or feed) rather than the employer's own ATS."""
    org = source.organization
    return source.platform in board_platforms() or (org is not None and org.org_type == "board")


def source_name(source: Source) -> str:
    """How readers know a source: "EA Forum", "80,000 Hours job board", "FAR.AI careers";
    its key only when it has no organization; approved submissions: "shared by the community"."""
    if source.platform == COMMUNITY_SOURCE:
        return COMMUNITY_NAME
    org = source.organization
    if org is None:
        return source.key
    config = source.config or {}
    if config.get("feed_type") == "forum" or config.get("filter") == "opportunities":
        return org.name
    return f"{org.name} job board" if is_board(source) else f"{org.name} careers"


def org_key(name: str) -> str:
    words = "".join(c if c.isalnum() else " " for c in name.casefold()).split()
    while words and words[-1] in {"inc", "llc", "ltd", "pbc", "limited", "gmbh", "corp", "co"}:
        words.pop()
    return " ".join(words)


def employer(source: Source, raw: RawPosting, orgs: dict[str, Organization]) -> Organization | None:
    """The posting's organization: the source's own, or for a board the named employer,
    else the organization whose homepage's site the apply link is on (a forum post
    announcing it: the forum is a source, never the organization)."""
    if source.organization is not None and not is_board(source):
        return source.organization
    named = orgs.get(org_key(raw.org)) if isinstance(raw.org, str) else None
    if (named is not None and named.org_type != "board") or not isinstance(raw.apply_url, str):
        return named
    for site in _sites(raw.apply_url):
        found = orgs.get(HOST_KEY + site)
        if found is not None and found.org_type != "board":
            return found
    return named


HOST_KEY = "host:"  # orgs by the site of their homepage, next to names in one dict


def _sites(url: str | None) -> list[str]:
    """``jobs.example.org`` → ``jobs.example.org``, ``example.org`` (never a bare TLD)."""
    try:
        host = (urlsplit(url or "").hostname or "").lower().rstrip(".").removeprefix("www.")
    except ValueError:
        return []
    labels = host.split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)] if len(labels) > 1 else []


def normalize_for(
    source: Source,
    raw: RawPosting,
    orgs: dict[str, Organization],
    *,
    now: datetime,
    taxonomy: Any = None,
) -> tuple[NormalizedPosting, Organization | None]:
    """Normalize a record of ``source`` with the registry's org name and type."""
    org = employer(source, raw, orgs)
    if org is not None:
        raw = replace(raw, org=org.name)
    org_type = org.org_type if org is not None else None
    return normalize(raw, org_type=org_type, now=now, taxonomy=taxonomy), org


def load_orgs(session: Session) -> dict[str, Organization]:
    """Organizations by normalized name and slug, for employers named by boards."""
    orgs: dict[str, Organization] = {}
    for org in session.scalars(select(Organization)):
        orgs.setdefault(org_key(org.slug), org)
        orgs[org_key(org.name)] = org
        sites = _sites(org.homepage)
        if sites:
            orgs.setdefault(HOST_KEY + sites[0], org)
    return orgs
