"""Record parsers refuse garbage with ValueError only (emit() skips and counts it); any other
exception is a bug these properties catch."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spiders.ashby import AshbySpider
from spiders.eighty_k import EightyKSpider, nuxt_credentials
from spiders.feed import FeedSpider
from spiders.greenhouse import GreenhouseSpider
from spiders.jsonld import job_postings, loads_sloppy, parse_job_posting
from spiders.lever import LeverSpider

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "title",
                    "text",
                    "absolute_url",
                    "hostedUrl",
                    "jobUrl",
                    "location",
                    "offices",
                    "departments",
                    "metadata",
                    "pay_input_ranges",
                    "content",
                    "categories",
                    "lists",
                    "salaryRange",
                    "createdAt",
                    "compensation",
                    "secondaryLocations",
                    "address",
                    "isRemote",
                    "workplaceType",
                    "post_pk",
                    "company_name",
                    "card_locations",
                    "posted_at",
                    "jobLocation",
                    "baseSalary",
                    "identifier",
                    "min_cents",
                    "value",
                    "summaryComponents",
                    "name",
                    "@type",
                    "@graph",
                ]
            )
            | st.text(max_size=8),
            children,
            max_size=8,
        )
    ),
    max_leaves=25,
)
SRC = {"key": "k", "org": "Org", "token": "t", "url": "https://x/y"}


def parses_or_refuses(parse: Callable[[Any], Any], record: Any) -> None:
    """A parser's whole contract on garbage: an item, None, or ValueError. Anything else
    (KeyError, TypeError...) is a bug and fails the test; ``emit()`` is not used here
    because it must not stop a crawl for one record."""
    with contextlib.suppress(ValueError):
        parse(record)


def test_the_property_catches_a_broken_parser() -> None:
    def broken(record: Any) -> None:
        raise KeyError("title")

    with pytest.raises(KeyError):
        parses_or_refuses(broken, {})


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=st.lists(json_values, max_size=5))
def test_platform_parsers_raise_only_value_error(records: list[Any]) -> None:
    for cls, parse in (
        (GreenhouseSpider, "parse_job"),
        (LeverSpider, "parse_posting"),
        (AshbySpider, "parse_job"),
        (EightyKSpider, "parse_hit"),
    ):
        spider = cls(source=SRC)
        for record in records:
            parses_or_refuses(getattr(spider, parse), record)
        items = list(spider.emit(records, getattr(spider, parse)))
        assert len(items) + spider.record_errors == len(records)
        assert spider.parser_bugs == 0
    for record in records:
        parses_or_refuses(lambda r: parse_job_posting(r, "k", "Org", "https://x/y"), record)


@settings(max_examples=80, deadline=None)
@given(text=st.text(max_size=300))
def test_text_readers_never_raise(text: str) -> None:
    nuxt_credentials(text)
    job_postings(f'<script type="application/ld+json">{text}</script>')
    with contextlib.suppress(ValueError):
        loads_sloppy(text)
    platform = FeedSpider(source={**SRC, "options": {}})
    platform.parse_body(text.encode("utf-8", "surrogatepass"))


@settings(max_examples=100, deadline=None)
@given(title=st.text(max_size=50), link=st.text(max_size=50), extra=json_values)
def test_feed_entries_with_garbage_are_counted(title: str, link: str, extra: Any) -> None:
    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        f"<item><title>{title}</title><link>{link}</link><remoteStatus>{extra}</remoteStatus>"
        "</item></channel></rss>"
    )
    platform = FeedSpider(source={**SRC, "options": {}})
    items = platform.parse_body(body.encode("utf-8", "surrogatepass"))
    # One entry: an item, a counted unreadable record, or (when the garbage broke the XML)
    # a failed run; never silence.
    outcomes = len(items) + platform.record_errors + (platform.failure is not None)
    assert outcomes >= 1 and len(items) + platform.record_errors <= 1
    assert platform.parser_bugs == 0
