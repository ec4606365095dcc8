"""The one filter check (web, CLI, profiles): canonical values, clear refusals."""

from __future__ import annotations

import pytest

from aggregator.search import InvalidQuery
from aggregator.search.validate import build_filter, canonical_value, check_values


def test_values_become_canonical() -> None:
    f = build_filter(
        role=["Research Engineer", "research_engineer"],
        country=["gb", "France"],
        seniority=["Junior"],
        remote=["On-site"],
        relevance=["ALL"],
    )
    assert f.role == ["research_engineer"] and f.country == ["GB", "FR"]
    assert f.seniority == ["entry"] and f.remote == ["onsite"] and f.relevance == ["all"]
    assert (f.status, f.sort) == ("open", "newest")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("skill", "interpretabilty", "did you mean 'interpretability'"),
        ("country", "Atlantis", "unknown country 'Atlantis'"),
        ("remote", "moon", "unknown remote 'moon': use one of remote, hybrid"),
        ("seniority", "seniour", "did you mean 'senior'"),
        ("org", "a\x00b", "control characters"),
    ],
)
def test_bad_values_are_refused_with_the_reason(name: str, value: str, message: str) -> None:
    with pytest.raises(InvalidQuery, match=message):
        canonical_value(name, value) if name != "org" else check_values(name, [value])


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"colour": ["red"]}, "unknown filter 'colour'"),
        ({"status": "gone"}, "unknown status 'gone'"),
        ({"sort": "oldest"}, "unknown sort 'oldest'"),
        ({"posted_within": -1}, "posted_within: days must be between"),
        ({"min_salary": float("nan")}, "min_salary"),
        ({"role": ["x"] * 21}, "at most 20 values"),
    ],
)
def test_bad_filters_are_refused(values: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidQuery, match=message):
        build_filter(**values)
