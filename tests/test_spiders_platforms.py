"""Each platform parser on fixtures written in the real shapes (tests/data/<platform>)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from spiders.ashby import AshbySpider
from spiders.eighty_k import EightyKSpider, nuxt_credentials
from spiders.greenhouse import GreenhouseSpider
from spiders.jsonld import JsonLdSpider
from spiders.lever import LeverSpider
from tests.spider_helpers import DATA, check, expected, items_of, response


def source(**extra: Any) -> dict[str, Any]:
    return {"key": "example", "org": "Example AI Org", "org_type": "lab", **extra}


def run_board(spider: Any, method: str, path: str, url: str) -> list[Any]:
    list(spider.first_requests())
    return items_of(getattr(spider, method)(response(DATA / path, url)))


def test_greenhouse_board() -> None:
    spider = GreenhouseSpider(source=source(token="exampleai"))
    items = run_board(spider, "parse_board", "greenhouse/board.json", "https://x/jobs")
    want = expected("greenhouse/board.expected.json")
    assert len(items) == len(want["items"])
    for item, w in zip(items, want["items"], strict=True):
        check(item, w)
    assert spider.record_errors == want["record_errors"]
    assert not spider.is_complete()  # skipped records: do not close anything


def test_greenhouse_requests_pay_transparency_and_eu_host() -> None:
    spider = GreenhouseSpider(source=source(token="aisi", options={"host": "eu"}))
    (req,) = spider.first_requests()
    assert req.url == (
        "https://boards-api.eu.greenhouse.io/v1/boards/aisi/jobs?content=true&pay_transparency=true"
    )
    spider = GreenhouseSpider(source=source(token="t", url="http://127.0.0.1:1/gh/t.json"))
    (req,) = spider.first_requests()
    assert req.url == "http://127.0.0.1:1/gh/t.json?content=true&pay_transparency=true"


def test_lever_postings_and_paging() -> None:
    spider = LeverSpider(source=source(token="exampleorg"))
    list(spider.first_requests())
    page = response(DATA / "lever/postings.json", "https://x")
    results = list(spider.parse_page(page, skip=0))
    items = items_of(results)
    want = expected("lever/postings.expected.json")
    for item, w in zip(items, want["items"], strict=True):
        check(item, w)
    assert "<h3>What you'll do</h3><ul><li>Design tasks</li>" in items[0].description_html
    assert spider.record_errors == want["record_errors"]
    assert not [r for r in results if not hasattr(r, "external_id")]  # short page: no next page


def test_lever_empty_board_is_healthy_and_pages_stop_on_repeats() -> None:
    spider = LeverSpider(source=source(token="t", options={"host": "eu"}))
    (req,) = spider.first_requests()
    assert req.url.startswith("https://api.eu.lever.co/v0/postings/t?mode=json&skip=0&limit=100")
    assert list(spider.parse_page(response(b"[]", req.url), skip=0)) == []
    assert spider.failure is None and spider.is_complete()
    page = [{"id": f"id{i}", "text": "T", "hostedUrl": f"https://h/{i}"} for i in range(100)]
    body = json.dumps(page).encode()
    first = list(spider.parse_page(response(body, req.url), skip=0))
    assert any(not hasattr(r, "external_id") for r in first)  # asks for the next page
    again = list(spider.parse_page(response(body, req.url), skip=100))
    assert again == []  # a mirror repeating the same page ends paging


def test_ashby_board() -> None:
    spider = AshbySpider(source=source(token="exampleorg"))
    (req,) = spider.first_requests()
    assert req.url.endswith("/job-board/exampleorg?includeCompensation=true")
    items = items_of(spider.parse_board(response(DATA / "ashby/board.json", req.url)))
    want = expected("ashby/board.expected.json")
    for item, w in zip(items, want["items"], strict=True):
        check(item, w)
    assert spider.is_complete()


def test_ashby_empty_200_is_a_failure_unless_allowed() -> None:
    spider = AshbySpider(source=source(token="nope"))
    assert list(spider.parse_board(response(b'{"apiVersion":"1","jobs":[]}', "https://x"))) == []
    assert spider.failure and "unknown or empty board" in spider.failure
    spider = AshbySpider(source=source(token="nope", options={"allow_empty": True}))
    list(spider.parse_board(response(b'{"apiVersion":"1","jobs":[]}', "https://x")))
    assert spider.failure is None


@pytest.mark.parametrize(
    "body",
    [b"<!DOCTYPE html><html><body>Oops</body></html>", b"{not json", b"", b'{"data": 1}'],
)
def test_json_platforms_fail_clearly_on_non_board_bodies(body: bytes) -> None:
    for cls, method in ((GreenhouseSpider, "parse_board"), (AshbySpider, "parse_board")):
        spider = cls(source=source(token="t"))
        assert list(getattr(spider, method)(response(body, "https://x/b"))) == []
        assert spider.failure and "https://x/b" in spider.failure


def test_jsonld_listing_and_details() -> None:
    url = "https://careers.example.org/"
    spider = JsonLdSpider(source=source(url=url))
    list(spider.first_requests())
    follow = list(spider.parse_listing(response(DATA / "jsonld/listing.html", url, html=True)))
    assert [r.url for r in follow] == [
        "https://careers.example.org/jobs/101-research-engineer",
        "https://careers.example.org/jobs/102-policy-fellow",
    ]
    items = []
    for req, name in zip(follow, ("job-101.html", "job-102.html"), strict=True):
        items += items_of(spider.parse_detail(response(DATA / "jsonld" / name, req.url, html=True)))
    want = expected("jsonld/expected.json")
    for item, w in zip(items, want["items"], strict=True):
        check(item, w)
    assert items[1].url == "https://careers.example.org/jobs/102-policy-fellow"


def test_eighty_k_credentials_and_hits() -> None:
    page = (DATA / "eighty_k/board.html").read_text()
    assert nuxt_credentials(page) == ("TESTAPP123", "0123456789abcdef0123456789abcdef")
    spider = EightyKSpider(source=source(org="80k board", org_type="board"))
    (first,) = spider.first_requests()
    assert first.url == "https://jobs.80000hours.org/"
    (query,) = spider.parse_board_page(response(DATA / "eighty_k/board.html", first.url, html=True))
    assert query.url == "https://testapp123-dsn.algolia.net/1/indexes/jobs_prod/query"
    assert query.headers[b"X-Algolia-API-Key"] == b"0123456789abcdef0123456789abcdef"
    assert b"tags_area:AI safety & policy" in query.body
    items = items_of(
        spider.parse_hits(response(DATA / "eighty_k/hits-page0.json", query.url), **query.cb_kwargs)
    )
    want = expected("eighty_k/expected.json")
    for item, w in zip(items, want["items"], strict=True):
        check(item, w)
    assert spider.record_errors == want["record_errors"]
    assert EightyKSpider.min_interval_hours == 24


def test_eighty_k_url_override_replaces_both_endpoints() -> None:
    spider = EightyKSpider(source=source(url="http://127.0.0.1:9/80k/"))
    (first,) = spider.first_requests()
    assert first.url == "http://127.0.0.1:9/80k/"
    (query,) = spider.parse_board_page(response(DATA / "eighty_k/board.html", first.url, html=True))
    assert query.url == "http://127.0.0.1:9/80k/1/indexes/jobs_prod/query"


def test_eighty_k_page_without_key_fails() -> None:
    spider = EightyKSpider(source=source())
    list(spider.first_requests())
    assert list(spider.parse_board_page(response(b"<html></html>", "https://j/", html=True))) == []
    assert spider.failure and "Algolia" in spider.failure
