"""Employers: which organization a listing belongs to, and boards versus employers' own ATSs.

A source run by an employer (its ATS) names its own organization; a board (a platform
declaring ``is_board`` such as ``eighty_k`` or ``feed``, or an organization of type
``board``) names the employer in each record, looked up here by a normalized name or slug.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
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


@dataclass(frozen=True)
class Employer:
    """What ingest needs of an organization: plain data, so the crawl subprocess can
    resolve employers too (from :func:`employer_directory`, passed in its job)."""

    id: int
    name: str
    org_type: str


Directory = dict[str, Employer]  # by org_key of name and slug, and HOST_KEY + site


def resolve(
    own: Employer | None, board: bool, org: Any, apply_url: Any, orgs: Directory
) -> Employer | None:
    """The posting's organization: ``own`` (the source's) unless the source is a board;
    for a board the employer it names, else the organization whose homepage's site the
    apply link is on (a forum post announcing it: the forum is a source, never the
    organization)."""
    if own is not None and not board:
        return own
    named = orgs.get(org_key(org)) if isinstance(org, str) else None
    if (named is not None and named.org_type != "board") or not isinstance(apply_url, str):
        return named
    for site in _sites(apply_url):
        found = orgs.get(HOST_KEY + site)
        if found is not None and found.org_type != "board":
            return found
    return named


def employer(source: Source, raw: RawPosting, orgs: Directory) -> Employer | None:
    """The organization a record of ``source`` belongs to (see :func:`resolve`)."""
    org = source.organization
    own = Employer(org.id, org.name, org.org_type) if org is not None else None
    return resolve(own, is_board(source), raw.org, raw.apply_url, orgs)


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
    orgs: Directory,
    *,
    now: datetime,
    taxonomy: Any = None,
) -> tuple[NormalizedPosting, Employer | None]:
    """Normalize a record of ``source`` with the registry's org name and type."""
    org = employer(source, raw, orgs)
    return normalize_as(raw, org, now=now, taxonomy=taxonomy), org


def normalize_as(
    raw: RawPosting, org: Employer | None, *, now: datetime, taxonomy: Any = None
) -> NormalizedPosting:
    """Normalize a record of the employer ``org`` (resolved already): its name and type."""
    if org is not None:
        raw = replace(raw, org=org.name)
    org_type = org.org_type if org is not None else None
    return normalize(raw, org_type=org_type, now=now, taxonomy=taxonomy)


def load_orgs(session: Session) -> Directory:
    """Organizations by normalized name and slug (employers named by boards) and by the
    site of their homepage; one plain query, no ORM objects."""
    rows = session.execute(
        select(
            Organization.id,
            Organization.slug,
            Organization.name,
            Organization.org_type,
            Organization.homepage,
        ).order_by(Organization.id)
    )
    orgs: Directory = {}
    for row in rows:
        found, slug_key, name_key, site_key = _entry(*row)
        orgs.setdefault(slug_key, found)
        orgs[name_key] = found
        if site_key is not None:
            orgs.setdefault(site_key, found)
    return orgs


@lru_cache(maxsize=4096)
def _entry(
    ident: int, slug: str, name: str, org_type: str, homepage: str | None
) -> tuple[Employer, str, str, str | None]:
    """An organization's directory entry and its keys (slug, name, homepage's site): each
    ingest loads the directory, and an unchanged row gives the same entry."""
    sites = _sites(homepage)
    return (
        Employer(ident, name, org_type),
        org_key(slug),
        org_key(name),
        (HOST_KEY + sites[0] if sites else None),
    )


def employer_directory(orgs: Directory) -> dict[str, list[Any]]:
    """``orgs`` as JSON for a crawl job: key -> [id, name, org_type]."""
    return {key: [e.id, e.name, e.org_type] for key, e in orgs.items()}


def directory_from_job(data: Any) -> Directory:
    """The inverse of :func:`employer_directory` (empty when ``data`` is not a dict)."""
    if not isinstance(data, dict):
        return {}
    return {key: Employer(int(v[0]), str(v[1]), str(v[2])) for key, v in data.items()}
