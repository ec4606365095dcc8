"""The one label of a slug and the one salary line, as every output shows them."""

from __future__ import annotations

import pytest

from aggregator.normalize.fields import EMPLOYMENT_TYPES
from aggregator.normalize.flags import RELEVANCE_VALUES, SENIORITY_LEVELS
from aggregator.normalize.locations import REMOTE_MODES
from aggregator.normalize.taxonomy import load_taxonomy
from aggregator.presentation.labels import label, words
from aggregator.presentation.salary import format_salary


@pytest.mark.parametrize(
    ("slug", "kind", "expected"),
    [
        ("phd_or_postdoc", "role", "PhD or postdoc"),  # once "PhD / postdoc" and "phd or postdoc"
        ("evals", "skill", "Evaluations"),  # once "Evaluations" and "evals"
        ("pytorch", None, "PyTorch"),
        ("onsite", "remote", "On-site"),
        ("unspecified", "seniority", "Not stated"),
        ("FULL_TIME", "employment_type", "Full-time"),
        ("core", "relevance", "Core AI safety"),
        ("ai_safety_via_debate", None, "AI safety via debate"),  # unknown: read as words
        ("", None, ""),
    ],
)
def test_label(slug: str, kind: str | None, expected: str) -> None:
    assert label(slug, kind) == expected


def test_every_vocabulary_value_has_a_label() -> None:
    taxonomy = load_taxonomy()
    vocabularies = {
        "seniority": SENIORITY_LEVELS,
        "remote": REMOTE_MODES,
        "employment_type": EMPLOYMENT_TYPES,
        "relevance": RELEVANCE_VALUES,
        "status": ("open", "closed", "expired"),
    }
    for kind, values in vocabularies.items():
        for value in values:
            assert taxonomy.display_label(value, kind), f"[labels.{kind}] lacks {value!r}"
    for role in taxonomy.roles:
        assert label(role, "role") == taxonomy.role_defs[role].label


def test_words() -> None:
    assert words("rlhf_and_llms") == "RLHF and LLMs"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((15000, 15000, "USD", None, "$15,000 stipend for 3 months"), "$15,000 for 3 months"),
        ((65000, 75000, "GBP", "YEAR", None), "£65,000–£75,000 a year"),
        ((90000, 120000, "CHF", "YEAR", None), "CHF 90,000–120,000 a year"),
        ((40, None, "EUR", "HOUR", None), "€40 an hour"),
        ((None, 25.5, None, "HOUR", None), "25.50 an hour"),
        ((3000, None, "usd", None, "a 12-week program"), "$3,000 for 12 weeks"),
        ((5000, None, "AUD", "MONTH", "for two months"), "A$5,000 a month"),  # period wins
        ((None, None, None, None, "Competitive\n  salary"), "Competitive salary"),
        ((None, None, None, None, None), ""),
    ],
)
def test_format_salary(args: tuple, expected: str) -> None:
    assert format_salary(*args) == expected
