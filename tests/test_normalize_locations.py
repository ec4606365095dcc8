"""Locations: cities, ISO countries and remote mode; source hints win; properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aggregator.normalize.locations import REMOTE_MODES, country_code, parse_locations


@pytest.mark.parametrize(
    ("locations", "cities", "countries", "remote"),
    [
        (["Remote (US)"], [], ["US"], "remote"),
        (["London, UK; San Francisco, CA"], ["London", "San Francisco"], ["GB", "US"],
         "unspecified"),
        (["Hybrid - Berlin"], ["Berlin"], ["DE"], "hybrid"),
        (["San Francisco, CA | New York City, NY"], ["San Francisco", "New York"], ["US"],
         "unspecified"),
        (["Remote - EMEA"], [], [], "remote"),
        (["London or Remote"], ["London"], ["GB"], "remote"),
        (["Anywhere"], [], [], "remote"),
        (["United States"], [], ["US"], "unspecified"),
        (["Deutschland"], [], ["DE"], "unspecified"),
        (["Berkeley, California"], ["Berkeley"], ["US"], "unspecified"),
        (["Oxford, England, United Kingdom"], ["Oxford"], ["GB"], "unspecified"),
        (["Cambridge, MA"], ["Cambridge"], ["US"], "unspecified"),
        (["Cambridge"], ["Cambridge"], ["GB"], "unspecified"),
        (["Cambridge, England"], ["Cambridge"], ["GB"], "unspecified"),
        (["Washington, D.C."], ["Washington DC"], ["US"], "unspecified"),
        (["Montréal, QC, Canada"], ["Montreal"], ["CA"], "unspecified"),
        (["Leidschendam, Netherlands"], ["Leidschendam"], ["NL"], "unspecified"),
        (["New York, NY (Hybrid)"], ["New York"], ["US"], "hybrid"),
        (["On-site - Zürich"], ["Zurich"], ["CH"], "onsite"),
    ],
)  # fmt: skip
def test_examples(
    locations: list[str], cities: list[str], countries: list[str], remote: str
) -> None:
    info = parse_locations(locations)
    assert (info.cities, info.countries, info.remote) == (cities, countries, remote)


def test_regions_kept_separately() -> None:
    assert parse_locations(["Remote - EMEA"]).regions == ["EMEA"]


@pytest.mark.parametrize(
    ("hint", "expected"),
    [
        ("Remote", "remote"), ("Hybrid", "hybrid"), ("OnSite", "onsite"),  # Ashby
        ("remote", "remote"), ("on-site", "onsite"), ("onsite", "onsite"),  # Lever
        ("fully", "remote"), ("hybrid", "hybrid"), ("temporary", "hybrid"),  # Teamtailor
        ("TELECOMMUTE", "remote"),  # JSON-LD
        ("Remote, USA", "remote"),  # 80k location tags
    ],
)  # fmt: skip
def test_source_hints_win(hint: str, expected: str) -> None:
    assert parse_locations(["London, UK"], remote_hint=hint).remote == expected


@pytest.mark.parametrize("hint", ["none", "unspecified", None])
def test_unstated_hints_fall_through(hint: str | None) -> None:
    assert parse_locations(["Remote"], remote_hint=hint).remote == "remote"
    assert parse_locations(["London"], remote_hint=hint).remote == "unspecified"


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("This role is remote within Europe.", "remote"),
        ("We are a fully remote team.", "remote"),
        ("You will be in-office 3 days a week.", "hybrid"),
        ("We work two days per week in the office.", "hybrid"),
        ("This role is not remote.", "onsite"),
        ("This position is based on-site in our lab.", "onsite"),
        ("We study hybrid models and remote sensing.", "unspecified"),
        ("", "unspecified"),
    ],
)
def test_description_phrases(description: str, expected: str) -> None:
    assert parse_locations([], description_text=description).remote == expected


def test_never_onsite_from_silence() -> None:
    assert parse_locations(["London, UK"]).remote == "unspecified"


def test_country_hints_kept() -> None:
    info = parse_locations(["Remote"], country_hints=["gb", "US", "xx", "toolong", 5])  # type: ignore[list-item]
    assert info.countries == ["GB", "US"]


def test_country_code() -> None:
    assert country_code("Germany") == "DE"
    assert country_code("UK") == "GB"
    assert country_code("FR") == "FR"
    assert country_code("in") is None  # lowercase words are not codes
    assert country_code("Nowhereland") is None


@given(st.lists(st.text(max_size=80), max_size=5), st.one_of(st.none(), st.text(max_size=20)))
def test_never_raises(locations: list[str], hint: str | None) -> None:
    info = parse_locations(locations, remote_hint=hint, description_text=" ".join(locations))
    assert info.remote in REMOTE_MODES
    assert all(len(c) == 2 and c.isupper() for c in info.countries)


location_words = st.sampled_from(
    ["Remote", "(", ")", ",", ";", "|", "/", "-", "or", "London", "CA", "Cambridge", "MA",
     "UK", "Hybrid", "On-site", "EMEA", "Deutschland", " ", "Washington", "DC", "Georgia"]
)  # fmt: skip


@given(st.lists(location_words, max_size=12).map(" ".join))
def test_location_like_never_raises(text: str) -> None:
    assert parse_locations([text]).remote in REMOTE_MODES
