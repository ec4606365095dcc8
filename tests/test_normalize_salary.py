"""Salary parsing: the issue's examples, structured spider dicts, and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aggregator.normalize.salary import (
    Salary,
    parse_salary,
    parse_salary_struct,
    parse_salary_text,
)

TEXT_CASES = [
    ("$200K - $300K USD", 200_000, 300_000, "USD", "YEAR"),
    ("£65,000-£75,000", 65_000, 75_000, "GBP", "YEAR"),
    ("€4,000/month", 4_000, 4_000, "EUR", "MONTH"),
    ("$150,000–$200,000 per year", 150_000, 200_000, "USD", "YEAR"),
    ("USD 120k", 120_000, 120_000, "USD", "YEAR"),
    ("£45k–£55k + benefits", 45_000, 55_000, "GBP", "YEAR"),
    ("$50/hour", 50, 50, "USD", "HOUR"),
    ("Stipend: $12,000", 12_000, 12_000, "USD", None),
    ("£40,000 - £50,000 pro rata", 40_000, 50_000, "GBP", "YEAR"),
    ("$120-150k", 120_000, 150_000, "USD", "YEAR"),
    ("CHF 120 000 - 140 000", 120_000, 140_000, "CHF", "YEAR"),
    ("€4.000 - €5.000 brutto pro Monat", 4_000, 5_000, "EUR", "MONTH"),
    ("C$90,000 to C$110,000 annually", 90_000, 110_000, "CAD", "YEAR"),
    ("£50k + 25 days holiday", 50_000, 50_000, "GBP", "YEAR"),
]


@pytest.mark.parametrize(("text", "low", "high", "currency", "period"), TEXT_CASES)
def test_text_examples(
    text: str, low: float, high: float, currency: str, period: str | None
) -> None:
    salary = parse_salary_text(text)
    assert salary is not None
    assert (salary.min, salary.max, salary.currency, salary.period) == (
        low,
        high,
        currency,
        period,
    )
    assert salary.text == text


def test_up_to_and_from() -> None:
    up_to = parse_salary_text("Up to $150k")
    assert up_to is not None and (up_to.min, up_to.max) == (None, 150_000)
    start = parse_salary_text("From €50.000 per year")
    assert start is not None and (start.min, start.max, start.currency) == (50_000, None, "EUR")


def test_no_amount_texts() -> None:
    competitive = parse_salary_text("competitive")
    assert competitive == Salary(text="competitive")
    unpaid = parse_salary_text("Unpaid")
    assert unpaid is not None and (unpaid.min, unpaid.max) == (0, 0)
    assert parse_salary_text("A team of 50 people") is None
    assert parse_salary_text("") is None


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # Lever salaryRange after the spider (interval "per-year-salary")
        (
            {"min": 120000, "max": 160000, "currency": "USD", "period": "per-year-salary"},
            (120_000, 160_000, "USD", "YEAR"),
        ),
        # Ashby summary component "1 YEAR"
        (
            {"min": "90,000", "max": "110,000", "currency": "gbp", "period": "1 YEAR"},
            (90_000, 110_000, "GBP", "YEAR"),
        ),
        # JSON-LD unitText, min > max swapped
        (
            {"min": 6000, "max": 5000, "currency": "EUR", "unitText": "MONTH"},
            (5_000, 6_000, "EUR", "MONTH"),
        ),
        # Greenhouse pay range without a unit: small values are hourly
        ({"min": 30, "max": 45, "currency": "USD"}, (30, 45, "USD", "HOUR")),
        ({"min": 120000, "currency": "XYZ"}, (120_000, None, None, None)),
    ],
)
def test_structured(data: dict[str, object], expected: tuple[object, ...]) -> None:
    salary = parse_salary_struct(data)
    assert salary is not None
    assert (salary.min, salary.max, salary.currency, salary.period) == expected


def test_structured_garbage() -> None:
    assert parse_salary_struct({"min": float("nan"), "max": -5}) is None
    assert parse_salary_struct({"min": True}) is None
    assert parse_salary_struct("not a dict") is None


def test_parse_salary_prefers_structured_and_fills_from_text() -> None:
    salary = parse_salary({"min": 100000, "max": 120000}, "$100k-$120k per year")
    assert salary is not None
    assert (salary.currency, salary.period) == ("USD", "YEAR")


def test_description_fallback_needs_pay_context() -> None:
    text = "We raised $10M in 2024.\nThe salary range is £60,000 - £70,000 per annum."
    salary = parse_salary(None, None, text)
    assert salary is not None and (salary.min, salary.max, salary.currency) == (
        60_000,
        70_000,
        "GBP",
    )
    assert parse_salary(None, None, "We raised $10M in 2024.") is None


def _check(salary: Salary | None) -> None:
    if salary is None:
        return
    if salary.min is not None and salary.max is not None:
        assert salary.min <= salary.max
    for value in (salary.min, salary.max):
        assert value is None or value >= 0
    assert salary.period in (None, "YEAR", "MONTH", "WEEK", "DAY", "HOUR")


@given(st.text(max_size=200))
def test_text_never_raises(text: str) -> None:
    _check(parse_salary_text(text))


salary_alphabet = st.sampled_from([*"0123456789$£€,.-– kKmM/ ", "USD", "per year", "to"])


@given(st.lists(salary_alphabet, max_size=30).map("".join))
def test_salary_like_text_never_raises(text: str) -> None:
    _check(parse_salary_text(text))


values = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20)
)  # fmt: skip


@given(st.dictionaries(st.sampled_from(["min", "max", "currency", "period", "value"]), values))
def test_struct_never_raises(data: dict[str, object]) -> None:
    _check(parse_salary_struct(data))


# Durations, counts and company money are never salaries (seen in forum posts).
NOT_SALARY = [
    "3-month program",
    "a 3 month program",
    "2 weeks",
    "top 10 lab",
    "5+ years of experience",
    "401(k) matching",
    "Series B $100M raise",
    "We raised $40M from investors",
    "20% time for research",
    "12 weeks, full time",
]


@pytest.mark.parametrize("text", NOT_SALARY)
def test_durations_counts_and_funding_are_not_salaries(text: str) -> None:
    salary = parse_salary_text(text)
    assert salary is None or not salary.has_amount, salary


# (text, min, max, currency, period): the amount is found, a program length is no period.
PROGRAM_CASES = [
    ("£11,000 stipend for 13 weeks", 11_000, 11_000, "GBP", None),
    ("This 3-month program comes with a $2,000 stipend", 2_000, 2_000, "USD", None),
    ("£30,000 for a 6-month fellowship", 30_000, 30_000, "GBP", None),
    ("$4,000 per month for 3 months", 4_000, 4_000, "USD", "MONTH"),
    ("Series A, $40M raised. Salary: $120,000-$150,000", 120_000, 150_000, "USD", "YEAR"),
    ("£50k + 25 days holiday", 50_000, 50_000, "GBP", "YEAR"),
]


@pytest.mark.parametrize(("text", "low", "high", "currency", "period"), PROGRAM_CASES)
def test_program_lengths_are_not_pay_periods(
    text: str, low: float, high: float, currency: str, period: str | None
) -> None:
    salary = parse_salary_text(text)
    assert salary is not None
    assert (salary.min, salary.max, salary.currency, salary.period) == (
        low,
        high,
        currency,
        period,
    )


def test_forum_post_durations_in_the_description_are_not_a_salary() -> None:
    text = "Join our 3-month program in London.\nThe stipend covers 3 months of living costs."
    assert parse_salary(None, None, text) is None
    text = "A 13-week program.\nStipend: £11,000 for the 13 weeks."
    salary = parse_salary(None, None, text)
    assert salary is not None
    assert (salary.min, salary.currency, salary.period) == (11_000, "GBP", None)


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("Build interpretability tools. $300K - $400K USD. Apply now.", (300000, 400000, "USD")),
        ("The role pays £65,000–£75,000 plus benefits.", (65000, 75000, "GBP")),
        ("We raised $10M-$20M in our Series A.", None),
        ("A team of 5-10 people; a 3-month program.", None),
    ],
)
def test_currency_range_in_a_description(description: str, expected: tuple | None) -> None:
    salary = parse_salary(None, None, description)
    if expected is None:
        assert salary is None
    else:
        assert salary is not None
        assert (salary.min, salary.max, salary.currency) == expected
