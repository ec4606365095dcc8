"""normalize(): one RawPosting in the shape each spider yields -> NormalizedPosting."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from classifier_stub import install

from aggregator.errors import UserError
from aggregator.items import RawPosting
from aggregator.normalize.fields import normalize_employment_type, normalize_title
from aggregator.normalize.posting import InvalidItem, normalize

NOW = datetime(2026, 11, 20, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _classifier(monkeypatch: pytest.MonkeyPatch) -> None:
    install(monkeypatch)


def greenhouse_like(**changes: object) -> RawPosting:
    raw = RawPosting(
        source_key="greenhouse:acme",
        external_id="4012345",
        org="Acme AI",
        title="  Research Engineer, Interpretability ",
        url="https://boards.greenhouse.io/acme/jobs/4012345?gh_src=abc",
        description_html=(
            "&lt;p&gt;Work on interpretability.&lt;/p&gt;&lt;p&gt;Applications close 15 January"
            " 2027.&lt;/p&gt;&lt;p&gt;You will be in-office 3 days a week.&lt;/p&gt;"
        ),
        locations=["London, UK", "San Francisco, CA"],
        employment_type="Full-time",
        department="Alignment",
        posted_at="2026-11-01T10:00:00-05:00",
        salary={"min": 200000, "max": 300000, "currency": "USD", "period": "YEAR"},
    )
    for key, value in changes.items():
        setattr(raw, key, value)
    return raw


def test_normalize_full_record() -> None:
    n = normalize(greenhouse_like(), org_type="lab", now=NOW)
    assert n.title == "Research Engineer, Interpretability"
    assert n.normalized_title == "research engineer interpretability"
    assert n.dedup_key == "research engineer interpretability|london,san francisco"
    assert n.canonical_url == "https://boards.greenhouse.io/acme/jobs/4012345"
    assert n.description_html.startswith("<p>Work on interpretability.</p>")
    assert "Applications close 15 January 2027." in n.description_text
    assert (n.cities, n.countries, n.remote) == (
        ["London", "San Francisco"],
        ["GB", "US"],
        "hybrid",
    )
    assert n.employment_type == "FULL_TIME"
    assert (n.salary_min, n.salary_max, n.salary_currency, n.salary_period) == (
        200000, 300000, "USD", "YEAR",
    )  # fmt: skip
    assert n.deadline == datetime(2027, 1, 15, 23, 59, 59, tzinfo=UTC)
    assert n.posted_at == datetime(2026, 11, 1, 15, tzinfo=UTC)
    assert n.role == "research_engineer"
    assert "interpretability" in n.skills
    assert n.roles[0]["role"] == "research_engineer"
    assert n.org_type == "lab"
    assert len(n.content_hash) == 64


def test_content_hash_tracks_visible_fields() -> None:
    base = normalize(greenhouse_like(), now=NOW).content_hash
    assert normalize(greenhouse_like(), now=NOW).content_hash == base
    assert (
        normalize(greenhouse_like(title="Senior Research Engineer"), now=NOW).content_hash != base
    )
    assert normalize(greenhouse_like(salary=None), now=NOW).content_hash != base
    assert normalize(greenhouse_like(locations=["Berlin"]), now=NOW).content_hash != base


def test_same_title_two_cities_two_dedup_keys() -> None:
    london = normalize(greenhouse_like(locations=["London"]), now=NOW)
    berlin = normalize(greenhouse_like(locations=["Berlin"]), now=NOW)
    assert london.dedup_key != berlin.dedup_key


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"title": "   "}, "no title"),
        ({"title": None}, "no title"),
        ({"url": "javascript:alert(1)"}, r"no usable http\(s\) URL"),
        ({"url": ""}, r"no usable http\(s\) URL"),
        ({"org": ""}, "no organization"),
    ],
)
def test_invalid_items(changes: dict[str, object], reason: str) -> None:
    with pytest.raises(InvalidItem, match=reason) as info:
        normalize(greenhouse_like(**changes), now=NOW)
    assert isinstance(info.value, UserError)
    assert "4012345" in str(info.value)


def test_not_strict_allows_missing_url_and_org() -> None:
    n = normalize(greenhouse_like(url=None, org=""), now=NOW, strict=False)
    assert n.url == "" and n.canonical_url == ""


def test_hostile_fields() -> None:
    n = normalize(
        greenhouse_like(
            title="<script>alert(1)</script>Engineer\r\nBcc: x@y",
            description_html='<img src=x onerror=alert(1)><a href="javascript:x">a</a>',
            locations=["<b>London</b>", "", "x" * 5000],
            apply_url="javascript:alert(1)",
            salary={"min": "lots"},
            posted_at="not a date",
        ),
        now=NOW,
    )
    assert n.title == "Engineer Bcc: x@y"
    assert "onerror" not in n.description_html and "javascript" not in n.description_html
    assert n.locations[0] == "London" and all(len(loc) <= 200 for loc in n.locations)
    assert n.apply_url is None and n.salary_min is None and n.posted_at is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Full-time", "FULL_TIME"), ("FullTime", "FULL_TIME"), ("PART_TIME", "PART_TIME"),
        ("Contractor", "CONTRACT"), ("Internship", "INTERN"), ("Fixed term", "TEMPORARY"),
        ("Fellowship", "FELLOWSHIP"), ("Volunteer", "VOLUNTEER"), ("Something", "OTHER"),
        ("", None), (None, None),
    ],
)  # fmt: skip
def test_employment_type(value: str | None, expected: str | None) -> None:
    assert normalize_employment_type(value) == expected


def test_normalize_title_drops_gender_markers() -> None:
    assert normalize_title("Forscher (m/w/d) – KI-Sicherheit") == "forscher ki sicherheit"


def test_plain_text_description_keeps_lines() -> None:
    n = normalize(greenhouse_like(description_html="Line one\nLine two\n\nPara & more"), now=NOW)
    assert n.description_text == "Line one\nLine two\n\nPara & more"


def test_with_real_classifier(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()
    n = normalize(greenhouse_like(), org_type="lab", now=NOW)
    assert n.role and n.roles and n.taxonomy_version


def test_each_location_once_when_a_source_repeats_its_list() -> None:
    raw = RawPosting(
        source_key="anthropic",
        external_id="9",
        org="Anthropic",
        title="Research Engineer",
        url="https://example.org/jobs/9",
        locations=["London, UK; Bristol, UK", "London, UK", "bristol, uk", "Remote | London, UK"],
    )
    assert normalize(raw).locations == ["London, UK; Bristol, UK", "Remote | London, UK"]
