"""One posting read through every output: the CLI's --json, /api/postings, its detail, the
JSONL export, the Atom and iCalendar feeds, the web page and the digest all say the same
thing, with the same field names, RFC 3339 times, labels and salary line."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy.orm import Session
from starlette.testclient import TestClient
from typer.testing import CliRunner

from aggregator.cli.main import app as cli
from aggregator.db.models import Posting
from aggregator.digest.render import Renderer
from aggregator.presentation.labels import label
from aggregator.presentation.salary import posting_salary
from aggregator.presentation.schema import PostingRecord
from aggregator.settings import Settings
from tests.web_factories import (  # noqa: F401 - fixtures
    Seeded,
    app_fixture,
    client_fixture,
    seeded_fixture,
    web_settings_fixture,
)

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def _one(rows: list[dict[str, object]], posting_id: int) -> dict[str, object]:
    (row,) = [r for r in rows if r["id"] == posting_id]
    return row


def test_one_posting_reads_the_same_everywhere(
    client: TestClient,
    seeded: Seeded,
    web_settings: Settings,
    db_url: str,
    session: Session,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pid = seeded.interp.id
    api = _one(client.get("/api/postings").json()["items"], pid)
    export = client.get("/api/postings.jsonl").text.splitlines()
    jsonl = _one([json.loads(line) for line in export], pid)
    detail = client.get(f"/api/postings/{pid}").json()
    monkeypatch.setenv("AISAFETY_JOBS_DATA_DIR", str(tmp_path / "cli"))
    monkeypatch.setenv("AISAFETY_JOBS_BASE_URL", web_settings.base_url)
    result = CliRunner().invoke(cli, ["--db", db_url, "postings", "--json"])
    assert result.exit_code == 0, result.output
    from_cli = _one([json.loads(line) for line in result.stdout.splitlines()], pid)

    # One shape: every JSON output is the public record, field for field.
    assert list(api) == list(PostingRecord.model_fields)
    assert api == jsonl
    assert from_cli == api
    assert {name: detail[name] for name in api} == api
    for name in ("first_seen_at", "last_seen_at", "deadline"):
        assert RFC3339_UTC.fullmatch(str(api[name])), (name, api[name])
    record = PostingRecord.model_validate(api)
    salary = posting_salary(record)
    assert salary == "£90,000–£120,000 a year"
    tags = [label(record.role, "role"), *(label(s, "skill") for s in record.skills)]
    assert tags == ["Research engineer", "Interpretability", "Python"]

    # Atom: the same title, times, link, labels and salary line.
    feed = ET.fromstring(client.get("/feeds/postings.atom").content)
    (entry,) = [
        e for e in feed.iter(f"{ATOM}entry") if e.find(f"{ATOM}link").get("href") == record.web_url
    ]
    assert entry.findtext(f"{ATOM}title") == f"{record.title} — {record.org_name}"
    assert entry.findtext(f"{ATOM}published") == api["first_seen_at"]
    assert [c.get("label") for c in entry.iter(f"{ATOM}category")] == tags
    assert salary in entry.findtext(f"{ATOM}summary", "")

    # iCalendar: the deadline's day, the title, the salary line.
    calendar = Calendar.from_ical(client.get("/feeds/deadlines.ics").content)
    (event,) = [e for e in calendar.walk("VEVENT") if str(e["url"]) == record.web_url]
    assert event.decoded("dtstart") == record.deadline.date()  # type: ignore[union-attr]
    assert record.title in str(event["summary"]) and salary in str(event["description"])

    # The web page and the digest: the same labels and salary line.
    page = client.get(f"/postings/{pid}").text
    assert salary in page and all(tag in page for tag in tags)
    posting = session.get(Posting, pid)
    assert posting is not None
    html, text = Renderer(web_settings).fragments(posting)
    assert record.title in text and f"Salary: {salary}" in text
    assert f"Tags: {', '.join(tags)}" in text and record.web_url in html
