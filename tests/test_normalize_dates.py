"""Timestamps and deadlines: the issue's phrases, structured formats, and properties."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aggregator.normalize.dates import find_deadline, parse_datetime, parse_deadline

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def eod(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 23, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Applications close 15 January 2027.", eod(2027, 1, 15)),
        ("Deadline: Jan 15, 2027", eod(2027, 1, 15)),
        ("Please apply by 1st March", eod(2027, 3, 1)),  # no year: next March
        ("apply by 25th December", eod(2026, 12, 25)),  # no year: still this year
        ("applications due 2027-01-15", eod(2027, 1, 15)),
        ("Closing date: 31/01/2027", eod(2027, 1, 31)),  # UK day-first
        ("Closing date: 02/03/2027", eod(2027, 3, 2)),
        ("The deadline is Sunday, 15 January 2027", eod(2027, 1, 15)),
        ("Application deadline: March 1st", eod(2027, 3, 1)),
    ],
)
def test_deadline_phrases(text: str, expected: datetime) -> None:
    found = find_deadline(f"About the role.\n{text}\nMore text.", NOW)
    assert found.when == expected
    assert not found.rolling


@pytest.mark.parametrize(
    "text", ["We review applications on a rolling basis.", "Rolling applications", "No deadline"]
)
def test_rolling(text: str) -> None:
    found = find_deadline(text, NOW)
    assert found.rolling and found.when is None


def test_no_deadline_in_text() -> None:
    assert find_deadline("We were founded on 1 March 2020.", NOW).when is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2027-01-15T12:30:00Z", datetime(2027, 1, 15, 12, 30, tzinfo=UTC)),
        ("2027-01-15T12:30:00+02:00", datetime(2027, 1, 15, 10, 30, tzinfo=UTC)),
        ("Fri, 15 Jan 2027 10:00:00 GMT", datetime(2027, 1, 15, 10, 0, tzinfo=UTC)),
        ("1790000000", datetime.fromtimestamp(1790000000, UTC)),
        ("1790000000000", datetime.fromtimestamp(1790000000, UTC)),
        (1790000000, datetime.fromtimestamp(1790000000, UTC)),
        ("2027-01-15", datetime(2027, 1, 15, tzinfo=UTC)),
        ("garbage", None),
        ("2027-13-45", None),
        ("3024-01-01", None),
        (None, None),
    ],
)
def test_parse_datetime(value: object, expected: datetime | None) -> None:
    assert parse_datetime(value) == expected


def test_structured_deadline() -> None:
    assert parse_deadline("2027-01-15", "", NOW).when == eod(2027, 1, 15)
    exact = parse_deadline("2027-01-15T17:00:00Z", "", NOW)
    assert exact.when == datetime(2027, 1, 15, 17, tzinfo=UTC)
    assert parse_deadline("No Deadline", "", NOW).rolling
    assert parse_deadline("2050-01-01", "", NOW).rolling  # board sentinel
    # the structured field wins over the description
    assert parse_deadline("2027-02-01", "Deadline: 1 March 2027", NOW).when == eod(2027, 2, 1)
    assert parse_deadline(None, "Deadline: 1 March 2027", NOW).when == eod(2027, 3, 1)


@given(st.text(max_size=300))
def test_deadline_text_never_raises(text: str) -> None:
    found = find_deadline(text, NOW)
    assert found.when is None or found.when.tzinfo is not None


date_words = st.sampled_from(
    ["deadline", "apply by", "closing date:", " ", "31", "1st", "/", "-", "2027", "99",
     "January", "Feb", "rolling basis", "0", "13", ":"]
)  # fmt: skip


@given(st.lists(date_words, max_size=12).map(" ".join))
def test_deadline_like_text_never_raises(text: str) -> None:
    find_deadline(text, NOW)


@given(st.one_of(st.text(max_size=60), st.integers(), st.floats(), st.none()))
def test_parse_datetime_never_raises(value: object) -> None:
    result = parse_datetime(value)
    assert result is None or result.tzinfo is not None
