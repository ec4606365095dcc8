"""The ATS platforms added for coverage (Workable … USAJOBS), each on fixtures written
in the payload's real shape (tests/data/<platform>/), plus bad input: a body of the
wrong kind fails the run, unreadable records are skipped and counted."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scrapy import Request
from scrapy.http import Response
from twisted.python.failure import Failure

from aggregator.items import RawPosting
from spiders.bamboohr import BambooHrSpider, parse_bamboohr_opening
from spiders.breezy import BreezySpider, parse_breezy_position
from spiders.google_careers import GoogleCareersSpider, parse_google_job, results_data
from spiders.personio import PersonioSpider
from spiders.recruitee import RecruiteeSpider, parse_recruitee_offer
from spiders.rippling import RipplingSpider, parse_rippling_job
from spiders.smartrecruiters import SmartRecruitersSpider, parse_smartrecruiters_posting
from spiders.teamtailor import TeamtailorSpider, parse_teamtailor_item
from spiders.usajobs import UsajobsSpider, parse_usajobs_item
from spiders.workable import WorkableSpider, parse_workable_job
from spiders.workday import WorkdaySpider, parse_workday_posting, posted_date
from tests.spider_helpers import DATA, items_of, response
from tests.test_spiders_fuzz import json_values

KEYS = {"usajobs_api_key": "k", "usajobs_email": "me@example.org"}


def source(**extra: Any) -> dict[str, Any]:
    return {"key": "example", "org": "Example Org", "org_type": "nonprofit", **extra}


def drive(spider: Any, files: dict[str, str], *, html: bool = False) -> list[RawPosting]:
    """Run a spider's requests against fixture files by URL path suffix; a request with
    no file gets an HTTP 404 through its errback (as Scrapy would)."""
    from scrapy.spidermiddlewares.httperror import HttpError

    pending: list[Any] = list(spider.first_requests())
    items: list[RawPosting] = []
    while pending:
        out = pending.pop(0)
        if isinstance(out, RawPosting):
            items.append(out)
            continue
        assert isinstance(out, Request)
        path = out.url.split("?")[0]
        name = next((f for suffix, f in files.items() if path.endswith(suffix)), None)
        if name is None:
            failure = Failure(HttpError(response(b"", out.url, status=404), "404"))
            pending.extend(out.errback(failure) or [])
            continue
        reply = response(DATA / name, out.url, html=html)
        pending.extend(out.callback(reply, **out.cb_kwargs) or [])
    return items


def test_workable_account() -> None:
    spider = WorkableSpider(source=source(token="example-evals"))
    (req,) = spider.first_requests()
    assert req.url == (
        "https://apply.workable.com/api/v1/widget/accounts/example-evals?details=true"
    )
    items = items_of(spider.parse_account(response(DATA / "workable/account.json", req.url)))
    assert [i.external_id for i in items] == ["A1B2C3D4E5", "F6G7H8J9K0"]
    first, second = items
    assert first.locations == ["London, England, United Kingdom"]
    assert first.remote_hint == "hybrid" and first.country_hints == ["GB"]
    assert first.posted_at == "2026-11-20" and first.department == "Research"
    assert first.apply_url.endswith("/apply") and "frontier models" in first.description_html
    assert second.remote_hint == "Remote" and second.locations == []
    assert spider.record_errors == 2 and not spider.is_complete()


def test_smartrecruiters_list_details_and_a_failed_detail() -> None:
    spider = SmartRecruitersSpider(source=source(token="ExampleInstitute"))
    files = {
        "/postings": "smartrecruiters/postings.json",
        "/postings/744000012345678": "smartrecruiters/744000012345678.json",
    }
    items = drive(spider, files)
    by_id = {i.external_id: i for i in items}
    full = by_id["744000012345678"]
    assert full.url.endswith("744000012345678-ai-policy-researcher")
    assert full.remote_hint == "Hybrid" and full.locations == ["Brussels, Brussels, Belgium"]
    assert "<h3>Job Description</h3><p>Write policy briefs" in full.description_html
    assert full.department == "Policy" and full.employment_type == "Full-time"
    listed = by_id["744000012345679"]  # detail answered 404: kept from the list record
    assert listed.url == "https://jobs.smartrecruiters.com/ExampleInstitute/744000012345679"
    assert listed.remote_hint == "Remote"
    assert spider.failure is None and spider.partial_reasons and not spider.is_complete()


def test_smartrecruiters_unknown_company_answers_200_and_fails() -> None:
    spider = SmartRecruitersSpider(source=source(token="nope"))
    (req,) = spider.first_requests()
    assert "limit=100&offset=0" in req.url
    body = json.dumps({"offset": 0, "limit": 100, "totalFound": 0, "content": []}).encode()
    assert list(spider.parse_page(response(body, req.url), offset=0)) == []
    assert spider.failure and "unknown or empty board" in spider.failure
    spider = SmartRecruitersSpider(source=source(token="t", options={"allow_empty": True}))
    (req,) = spider.first_requests()
    assert list(spider.parse_page(response(body, req.url), offset=0)) == []
    assert spider.failure is None and spider.is_complete()


def test_recruitee_offers() -> None:
    spider = RecruiteeSpider(source=source(token="exampleorg"))
    (req,) = spider.first_requests()
    assert req.url == "https://exampleorg.recruitee.com/api/offers/"
    items = items_of(spider.parse_offers(response(DATA / "recruitee/offers.json", req.url)))
    first, second = items
    assert first.external_id == "1650123" and first.remote_hint == "Hybrid"
    assert first.locations == ["Amsterdam, Netherlands", "Amsterdam HQ"]
    assert first.salary == {"min": 70000.0, "max": 90000.0, "currency": "EUR", "period": "YEAR"}
    assert (
        first.posted_at == "2026-11-18 14:03:11 UTC" and "<li>Python</li>" in first.description_html
    )
    assert second.remote_hint == "Remote" and second.salary is None
    assert spider.record_errors == 1


def test_personio_feed() -> None:
    spider = PersonioSpider(source=source(token="example-ai", options={"language": "de"}))
    (req,) = spider.first_requests()
    assert req.url == "https://example-ai.jobs.personio.de/xml?language=de"
    items = items_of(spider.parse_feed(response(DATA / "personio/feed.xml", req.url)))
    first, second = items
    assert first.url == "https://example-ai.jobs.personio.de/job/1834567"
    assert first.locations == ["Berlin", "Remote, Germany"]
    assert first.description_html.startswith("<h3>Your mission</h3><p>Research scalable")
    assert first.employment_type == "permanent full-time" and first.department == "Research"
    assert second.posted_at == "2026-11-22T08:00:00+0100"
    assert spider.record_errors == 1


@pytest.mark.parametrize(
    "body",
    [b"<html><body>Personio</body></html>", b"not xml at all", b'<?xml version="1.0"?><x/>'],
)
def test_personio_redirect_page_or_garbage_fails(body: bytes) -> None:
    spider = PersonioSpider(source=source(token="nope"))
    list(spider.first_requests())
    assert list(spider.parse_feed(response(body, "https://www.personio.de/"))) == []
    assert spider.failure and "not a Personio" in spider.failure


def test_personio_empty_feed_is_healthy() -> None:
    spider = PersonioSpider(source=source(token="t"))
    list(spider.first_requests())
    assert list(spider.parse_feed(response(b"<workzag-jobs></workzag-jobs>", "https://x"))) == []
    assert spider.failure is None and spider.is_complete()


def test_bamboohr_list_and_details() -> None:
    spider = BambooHrSpider(source=source(token="exampleinstitute"))
    files = {"/careers/list": "bamboohr/list.json", "/41/detail": "bamboohr/41-detail.json"}
    items = drive(spider, files)
    by_id = {i.external_id: i for i in items}
    analyst = by_id["41"]
    assert analyst.url == "https://exampleinstitute.bamboohr.com/careers/41"
    assert analyst.locations == ["Washington, District of Columbia, United States"]
    assert analyst.remote_hint == "Hybrid" and analyst.salary_text == "$120,000 - $150,000"
    assert analyst.posted_at == "2026-11-10" and "export policy" in analyst.description_html
    fellow = by_id["42"]  # detail 404: kept, run partial
    assert fellow.remote_hint == "Remote" and fellow.description_html == ""
    assert spider.record_errors == 1 and spider.partial_reasons


def test_rippling_board_and_envelope() -> None:
    spider = RipplingSpider(source=source(token="example-evals"))
    (req,) = spider.first_requests()
    assert req.url.endswith("/platform/api/ats/v1/board/example-evals/jobs")
    items = items_of(spider.parse_board(response(DATA / "rippling/jobs.json", req.url)))
    first, second = items
    assert first.title == "Member of Technical Staff, Red Teaming"
    assert first.locations == ["San Francisco, CA"] and first.department == "Engineering"
    assert second.remote_hint == "Remote (US)"
    assert spider.record_errors == 1
    spider = RipplingSpider(source=source(token="t"))
    body = json.dumps({"items": json.loads((DATA / "rippling/jobs.json").read_text())[:1]})
    assert len(items_of(spider.parse_board(response(body.encode(), req.url)))) == 1


def test_breezy_positions() -> None:
    spider = BreezySpider(source=source(token="exampleorg"))
    (req,) = spider.first_requests()
    assert req.url == "https://exampleorg.breezy.hr/json"
    items = items_of(spider.parse_list(response(DATA / "breezy/positions.json", req.url)))
    first, second = items
    assert first.locations == ["San Francisco, CA"] and first.country_hints == ["US"]
    assert first.employment_type == "Full-Time" and first.salary_text.startswith("$140,000")
    assert second.remote_hint == "Remote" and second.department is None
    assert spider.record_errors == 1


def test_teamtailor_feed() -> None:
    spider = TeamtailorSpider(source=source(token="examplefoundation"))
    (req,) = spider.first_requests()
    assert req.url == "https://examplefoundation.teamtailor.com/jobs.rss"
    items = items_of(spider.parse_feed(response(DATA / "teamtailor/jobs.rss", req.url)))
    first, second = items
    assert first.external_id == "6123456" and first.locations == ["London office"]
    assert first.remote_hint == "hybrid" and first.department == "Grantmaking"
    assert first.description_html == "<p>Evaluate grant applications in AI safety.</p>"
    assert second.remote_hint is None  # "none" means not stated
    assert second.locations == ["Berlin, Germany"]
    assert spider.record_errors == 1


def test_teamtailor_real_feed_when_present() -> None:
    from pathlib import Path

    real = Path("/work/shared/fixtures/real/rss_teamtailor_footasylum.xml")
    if not real.exists():
        pytest.skip("real fixtures folder absent")
    spider = TeamtailorSpider(source=source(token="footasylum"))
    items = items_of(spider.parse_feed(response(real, "https://x/jobs.rss")))
    assert items and all(i.external_id.isdigit() and i.title for i in items)


def test_workday_search_paging_and_dates() -> None:
    spider = WorkdaySpider(
        source=source(token="rand", options={"data_center": "wd5", "site": "External_Career_Site"})
    )
    (req,) = spider.first_requests()
    assert req.method == "POST"
    assert req.url == "https://rand.wd5.myworkdayjobs.com/wday/cxs/rand/External_Career_Site/jobs"
    assert json.loads(req.body) == {
        "appliedFacets": {},
        "limit": 20,
        "offset": 0,
        "searchText": "",
    }
    results = list(spider.parse_page(response(DATA / "workday/jobs.json", req.url), offset=0))
    first, second = items_of(results)
    assert first.url == (
        "https://rand.wd5.myworkdayjobs.com/External_Career_Site"
        "/job/Santa-Monica-CA/AI-Policy-Researcher_R2600123"
    )
    assert first.extras["requisition_id"] == "R2600123" and first.posted_at
    assert second.posted_at is None  # "30+ Days Ago"
    assert len(results) == 2 and spider.record_errors == 1  # total reached: no next page


def test_workday_posted_on_text() -> None:
    today = datetime(2026, 12, 6, tzinfo=UTC)
    assert posted_date("Posted Today", today) == "2026-12-06"
    assert posted_date("Posted Yesterday", today) == "2026-12-05"
    assert posted_date("Posted 3 Days Ago", today) == "2026-12-03"
    assert posted_date("Posted 30+ Days Ago", today) is None
    assert posted_date(None, today) is None


def test_google_careers_results_page() -> None:
    spider = GoogleCareersSpider(source=source())
    (req,) = spider.first_requests()
    assert req.url.endswith("/jobs/results?company=DeepMind&page=1")
    page = response(DATA / "google_careers/results.html", req.url, html=True)
    results = list(spider.parse_results(page, number=1))
    items = items_of(results)
    first, second = items
    assert first.url.endswith("/jobs/results/8123456789012345")
    assert first.locations == ["London, UK", "Mountain View, CA, USA"]
    assert first.country_hints == ["GB", "US"] and first.posted_at.startswith("2025-12-01")
    assert first.description_html.startswith("<p>Join the frontier safety team.</p>")
    assert second.remote_hint == "Remote, UK"
    assert spider.record_errors == 1
    assert any(isinstance(r, Request) and r.url.endswith("page=2") for r in results)
    again = list(spider.parse_results(page, number=2))  # same ids again: paging stops
    assert items_of(again) == [] and not [r for r in again if isinstance(r, Request)]


def test_google_careers_without_the_data_block_fails() -> None:
    spider = GoogleCareersSpider(source=source())
    list(spider.first_requests())
    page = response(b"<html><body>Sign in</body></html>", "https://x", html=True)
    assert list(spider.parse_results(page, number=1)) == []
    assert spider.failure and "ds:1" in spider.failure
    assert results_data("AF_initDataCallback({key: 'ds:1', data:[not json], sideChannel:") is None


def test_usajobs_search_needs_its_key_and_reads_results() -> None:
    spider = UsajobsSpider(source=source(options={"organization": "CM57"}))
    with pytest.raises(ValueError, match="usajobs_api_key"):
        list(spider.first_requests())
    spider = UsajobsSpider(source=source(options={"organization": "CM57"}, settings=KEYS))
    (req,) = spider.first_requests()
    assert req.url.startswith("https://data.usajobs.gov/api/search?Organization=CM57")
    assert req.headers[b"Authorization-Key"] == b"k"
    assert req.headers[b"User-Agent"] == b"me@example.org"
    items = items_of(spider.parse_page(response(DATA / "usajobs/search.json", req.url), number=1))
    first, second = items
    assert first.salary == {"min": 139395.0, "max": 181216.0, "currency": "USD", "period": "YEAR"}
    assert first.deadline == "2026-12-08T23:59:59.9970" and first.locations == [
        "Gaithersburg, Maryland"
    ]
    assert "<li>Design evaluations</li>" in first.description_html
    assert second.remote_hint == "Remote"
    assert spider.record_errors == 1


JSON_PLATFORMS: list[tuple[Any, str, dict[str, Any]]] = [
    (WorkableSpider, "parse_account", {"token": "t"}),
    (RecruiteeSpider, "parse_offers", {"token": "t"}),
    (RipplingSpider, "parse_board", {"token": "t"}),
    (BreezySpider, "parse_list", {"token": "t"}),
    (BambooHrSpider, "parse_list", {"token": "t"}),
]


@pytest.mark.parametrize(("cls", "method", "extra"), JSON_PLATFORMS)
@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<html>Rate limited</html>", "is not JSON"),
        (b'{"unexpected": true}', ""),
        (b'"a string"', ""),
    ],
)
def test_json_platforms_fail_on_a_body_of_the_wrong_kind(
    cls: Any, method: str, extra: dict[str, Any], body: bytes, reason: str
) -> None:
    spider = cls(source=source(**extra))
    list(spider.first_requests())
    reply: Response = response(body, "https://x/list")
    assert items_of(getattr(spider, method)(reply) or []) == []
    assert spider.failure and reason in spider.failure
    assert not spider.is_complete()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=st.lists(json_values, max_size=4))
def test_record_parsers_raise_only_value_error(records: list[Any]) -> None:
    """Garbage records give ValueError (skipped and counted by emit), never another error."""
    now = datetime(2026, 12, 6, tzinfo=UTC)
    parsers = [
        lambda r: parse_workable_job(r, "k", "O"),
        lambda r: parse_smartrecruiters_posting(r, "k", "O", "c"),
        lambda r: parse_recruitee_offer(r, "k", "O"),
        lambda r: parse_bamboohr_opening(r, "k", "O", "https://x"),
        lambda r: parse_rippling_job(r, "k", "O"),
        lambda r: parse_breezy_position(r, "k", "O"),
        lambda r: parse_workday_posting(r, "k", "O", "https://x/s", now),
        lambda r: parse_google_job(r, "k", "O"),
        lambda r: parse_usajobs_item(r, "k", "O"),
    ]
    for record in records:
        for parse in parsers:
            with contextlib.suppress(ValueError):
                parse(record)
        with contextlib.suppress(ValueError):
            parse_teamtailor_item(record, "k", "O", {})


@settings(max_examples=60, deadline=None)
@given(body=st.text(max_size=300))
def test_text_payloads_never_raise(body: str) -> None:
    raw = body.encode("utf-8", "surrogatepass")
    spider = PersonioSpider(source=source(token="t"))
    list(spider.parse_feed(response(raw, "https://x/xml")))
    spider = TeamtailorSpider(source=source(token="t"))
    list(spider.parse_feed(response(raw, "https://x/jobs.rss")))
    results_data(body)
