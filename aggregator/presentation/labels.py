"""The one display label of a slug: ``phd_or_postdoc`` → "PhD or postdoc" everywhere.

Roles and skills are labelled by ``config/taxonomy.toml`` (their ``label``); the other
vocabularies a posting carries (seniority, remote mode, organization type, employment
type, safety relevance, status) by its ``[labels.<kind>]`` tables. A slug the taxonomy
does not know reads as words ("ai_governance" → "AI governance").
"""

from __future__ import annotations

from typing import Any

from aggregator.normalize.taxonomy import load_taxonomy
from aggregator.normalize.taxonomy_model import Taxonomy

ACRONYMS = {"ai", "ml", "nlp", "rl", "rlhf", "llms", "gpu", "cuda", "cbrn", "jax", "phd"}


def words(slug: str) -> str:
    """A slug read as words, acronyms upper-case: ``ml_infra`` → "ML infra"."""
    parts = [w.upper() if w in ACRONYMS else w for w in slug.replace("-", "_").split("_")]
    parts = [w.replace("LLMS", "LLMs") for w in parts if w]
    if parts and not parts[0].isupper():
        parts[0] = parts[0][0].upper() + parts[0][1:]
    return " ".join(parts)


def label(value: Any, kind: str | None = None, *, taxonomy: Taxonomy | None = None) -> str:
    """The display label of ``value`` as a ``kind`` (role, skill, seniority, remote,
    org_type, employment_type, relevance, status), or of any kind when None."""
    slug = str(value or "")
    found = (taxonomy or load_taxonomy()).display_label(slug, kind)
    return found if found is not None else words(slug)
