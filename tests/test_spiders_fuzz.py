"""Record parsers never raise on garbage: they skip the record and count an error."""

from __future__ import annotations

import contextlib
from typing import Any

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


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=st.lists(json_values, max_size=5))
def test_platform_parsers_never_raise(records: list[Any]) -> None:
    for cls, parse in (
        (GreenhouseSpider, "parse_job"),
        (LeverSpider, "parse_posting"),
        (AshbySpider, "parse_job"),
        (EightyKSpider, "parse_hit"),
    ):
        spider = cls(source=SRC)
        items = list(spider.emit(records, getattr(spider, parse)))
        assert len(items) + spider.record_errors == len(records)
    for record in records:
        with contextlib.suppress(ValueError):
            parse_job_posting(record, "k", "Org", "https://x/y")


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
    platform.parse_body(body.encode("utf-8", "surrogatepass"))
