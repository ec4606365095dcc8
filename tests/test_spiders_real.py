"""Platform parsers on the real third-party payloads in ../shared/fixtures/real (read-only;
skipped when absent). They must read every record without an error."""

from __future__ import annotations

import json
from pathlib import Path

from spiders.ashby import AshbySpider
from spiders.feed import FeedSpider
from spiders.greenhouse import GreenhouseSpider
from spiders.jsonld import job_postings, parse_job_posting
from spiders.lever import LeverSpider
from tests.spider_helpers import items_of, response

SRC = {"key": "real", "org": "Real Org", "token": "t"}


def test_greenhouse_real(real_fixtures: Path) -> None:
    for name in ("greenhouse_gitlab.json", "greenhouse_smarterdx.json"):
        spider = GreenhouseSpider(source=SRC)
        items = items_of(spider.parse_board(response(real_fixtures / name, "https://gh/")))
        jobs = json.loads((real_fixtures / name).read_text())["jobs"]
        assert len(items) == len(jobs) and spider.record_errors == 0
        for item in items:
            assert item.title == item.title.strip() and item.url.startswith("https://")
            assert "&lt;" not in item.description_html and item.locations


def test_lever_real(real_fixtures: Path) -> None:
    for name in ("lever_palantir.json", "lever_matchgroup.json"):
        spider = LeverSpider(source=SRC)
        list(spider.first_requests())
        items = items_of(spider.parse_page(response(real_fixtures / name, "https://l/"), skip=0))
        assert len(items) == 2 and spider.record_errors == 0
        assert all(i.posted_at and i.remote_hint == "hybrid" for i in items)
    matchgroup = items_of(
        LeverSpider(source=SRC).parse_posting(p)
        for p in json.loads((real_fixtures / "lever_matchgroup.json").read_text())
    )
    assert any(i.salary and i.salary["period"] == "YEAR" for i in matchgroup)


def test_ashby_real(real_fixtures: Path) -> None:
    for name in ("ashby_openevidence.json", "ashby_anyscale.json", "ashby_primeintellect.json"):
        spider = AshbySpider(source=SRC)
        items = items_of(spider.parse_board(response(real_fixtures / name, "https://a/")))
        assert items and spider.record_errors == 0 and spider.failure is None
    anyscale = items_of(
        AshbySpider(source=SRC).parse_board(
            response(real_fixtures / "ashby_anyscale.json", "https://a/")
        )
    )
    assert sum(1 for i in anyscale if i.salary) >= 10


def test_feeds_real(real_fixtures: Path) -> None:
    teamtailor = FeedSpider(source={**SRC, "url": "https://f/"})
    items = teamtailor.parse_body((real_fixtures / "rss_teamtailor_footasylum.xml").read_bytes())
    assert len(items) == 2 and all(i.external_id.isdigit() for i in items)
    assert all(i.locations for i in items) and teamtailor.is_complete()
    wwr = FeedSpider(source={**SRC, "url": "https://f/"})
    assert len(wwr.parse_body((real_fixtures / "rss_weworkremotely.xml").read_bytes())) == 4


def test_jsonld_real(real_fixtures: Path) -> None:
    for name, n_locations in (
        ("jsonld_teamtailor_fifthdimensionai.html", 3),
        ("jsonld_joincom_fugro.html", 1),
    ):
        (data,) = job_postings((real_fixtures / name).read_text())
        item = parse_job_posting(data, "real", "Real Org", "https://page/")
        assert len(item.locations) == n_locations and "&lt;" not in item.description_html
    (fugro,) = job_postings((real_fixtures / "jsonld_joincom_fugro.html").read_text())
    pay = parse_job_posting(fugro, "real", "Org", "https://p/").salary
    assert pay == {"min": 43000.0, "max": 58850.0, "currency": "EUR", "period": "YEAR"}
