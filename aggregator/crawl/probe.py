"""Probing a candidate organisation's likely boards: which platform and slug answer.

``aisafety-jobs sources probe "Org Name"`` builds slug variants of the name (joined,
hyphenated, underscored, initials, the first word, ``.ai`` forms and any ``--slug``
given), pairs each with every platform that needs only a token (Greenhouse, Lever,
Ashby, Workable, SmartRecruiters, Recruitee, Personio, BambooHR, Rippling, Breezy,
Teamtailor…), and runs those candidate sources through the normal crawl path
(subprocesses, the platforms' own validation: Ashby and SmartRecruiters answer 200
for unknown boards, so an empty answer there is a failure). Nothing is stored.
``endpoints`` maps a platform to a URL template with ``{token}`` that replaces its
endpoint (a local mirror in tests).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aggregator.crawl.registry import SourceConfig
from aggregator.crawl.runner import fetch_sources
from aggregator.settings import Settings

LEGAL_SUFFIXES = {"inc", "llc", "ltd", "pbc", "limited", "gmbh", "corp", "co", "the"}
MAX_VARIANTS = 8


@dataclass(frozen=True)
class ProbeResult:
    platform: str
    slug: str
    status: str
    postings: int
    sample: str | None
    message: str | None

    @property
    def found(self) -> bool:
        return self.status in ("success", "partial") and self.postings > 0


def slug_variants(name: str, extra: Iterable[str] = ()) -> list[str]:
    """Likely board slugs for an organisation name, most likely first."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = [w for w in re.findall(r"[a-z0-9]+", ascii_name.lower()) if w not in LEGAL_SUFFIXES]
    variants = [s.strip().lower() for s in extra if s.strip()]
    compact = re.sub(r"\s+", "", ascii_name.lower())
    dotted = re.fullmatch(r"[a-z0-9]+(\.[a-z0-9]+)+", compact)
    if dotted and re.findall(r"[a-z0-9]+", compact) == words:
        variants.append(compact)  # "FAR.AI" -> "far.ai", as Ashby spells it
    if words:
        variants += ["".join(words), "-".join(words), "_".join(words)]
        if len(words) > 1:
            variants += ["".join(w[0] for w in words), words[0]]
        variants.append(f"{''.join(words)}ai")
    return list(dict.fromkeys(v for v in variants if v))[: MAX_VARIANTS + len(list(extra))]


def probe_platforms(platforms: dict[str, type[Any]]) -> list[str]:
    """Platforms a token alone can address (no required option, no API key)."""
    out = []
    for name, cls in sorted(platforms.items()):
        required = [f for f, info in cls.Options.model_fields.items() if info.is_required()]
        if cls.requires_token and not cls.requires_url and not required and not cls.needs_settings:
            out.append(name)
    return out


def probe(
    settings: Settings,
    name: str,
    platforms: dict[str, type[Any]],
    *,
    only: list[str] | None = None,
    slugs: Iterable[str] = (),
    endpoints: dict[str, str] | None = None,
) -> list[ProbeResult]:
    """Every (platform, slug) candidate tried once; results in platform, slug order."""
    endpoints = endpoints or {}
    candidates: list[SourceConfig] = []
    for platform in only or probe_platforms(platforms):
        for index, slug in enumerate(slug_variants(name, slugs)):
            template = endpoints.get(platform)
            candidates.append(
                SourceConfig(
                    key=f"probe_{platform}_{index}",
                    org=name,
                    org_type="nonprofit",
                    platform=platform,
                    token=slug,
                    url=template.format(token=slug) if template else None,
                )
            )
    results = fetch_sources(settings, candidates, platforms=platforms)
    out = []
    for config in candidates:
        result = results.get(config.key) or {}
        items = result.get("items") or []
        out.append(
            ProbeResult(
                platform=config.platform,
                slug=str(config.token),
                status=str(result.get("status") or "failed"),
                postings=len(items),
                sample=items[0].get("title") if items else None,
                message=result.get("message"),
            )
        )
    return out


def registry_snippet(name: str, hit: ProbeResult, org_type: str = "nonprofit") -> str:
    """A ``[[sources]]`` entry for a probe hit, evidence dated today."""
    key = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "org"
    today = datetime.now(UTC).date().isoformat()
    return (
        f'[[sources]]\nkey = "{key}"\norg = "{name}"\norg_type = "{org_type}"\n'
        f'platform = "{hit.platform}"\ntoken = "{hit.slug}"\nhomepage = "https://…"\n'
        'confidence = "medium"\n'
        f'evidence = "sources probe on {today}: {hit.postings} posting(s) on {hit.platform} '
        f"'{hit.slug}'\"\n"
    )
