"""``postings``: filters, table and JSON Lines output, clear errors for unknown values."""

from __future__ import annotations

import json
from pathlib import Path

import classifier_stub
import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from aggregator.cli.main import app
from aggregator.db.models import Organization, Source
from aggregator.items import RawPosting
from aggregator.presentation.schema import PostingRecord
from aggregator.store.ingest import ingest_items

runner = CliRunner()


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AISAFETY_JOBS_DATA_DIR", str(tmp_path / "var"))
    classifier_stub.install(monkeypatch)


@pytest.fixture
def stored(session: Session) -> None:
    org = Organization(slug="acme", name="Acme", org_type="lab")
    source = Source(key="greenhouse:acme", platform="greenhouse", organization=org)
    session.add(source)

    def raw(ext: str, title: str, location: str, **extra: object) -> RawPosting:
        return RawPosting(
            source_key=source.key, external_id=ext, org="Acme", title=title,
            url=f"https://acme.example/jobs/{ext}", locations=[location], **extra,  # type: ignore[arg-type]
        )  # fmt: skip

    items = [
        raw("1", "Research Engineer", "Remote (US)", description_html="<p>Interpretability</p>",
            salary_text="$150k-$200k", deadline="2027-01-15"),
        raw("2", "Policy Analyst", "London, UK"),
        raw("3", "Old Research Engineer role", "Berlin"),
    ]  # fmt: skip
    ingest_items(session, source, items, complete=True)
    ingest_items(session, source, items[:2], complete=True)  # closes "3"
    session.commit()


def _json(db_url: str, *args: str) -> list[dict[str, object]]:
    result = runner.invoke(app, ["--db", db_url, "postings", "--json", *args])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_json_is_the_public_record(db_url: str, stored: None) -> None:
    rows = _json(db_url)
    assert sorted(r["title"] for r in rows) == ["Policy Analyst", "Research Engineer"]
    engineer = next(r for r in rows if r["title"] == "Research Engineer")
    assert list(engineer) == list(PostingRecord.model_fields)
    assert engineer["first_seen_at"].endswith("Z") and engineer["deadline"].endswith("Z")
    assert engineer["sources"] == ["greenhouse:acme"]
    assert engineer["skills"] == ["interpretability"]
    assert (engineer["salary_min"], engineer["salary_currency"]) == (150000, "USD")
    assert engineer["remote"] == "remote" and engineer["status"] == "open"


def test_filters(db_url: str, stored: None) -> None:
    assert [r["title"] for r in _json(db_url, "--role", "research_engineer")] == [
        "Research Engineer"
    ]
    assert [r["title"] for r in _json(db_url, "--remote")] == ["Research Engineer"]
    assert [r["title"] for r in _json(db_url, "--country", "gb")] == ["Policy Analyst"]
    assert [r["title"] for r in _json(db_url, "--country", "United Kingdom")] == ["Policy Analyst"]
    assert [r["title"] for r in _json(db_url, "--q", "policy")] == ["Policy Analyst"]
    assert len(_json(db_url, "--all")) == 3
    assert len(_json(db_url, "--all", "--limit", "1")) == 1
    assert _json(db_url, "--source", "nope") == []
    closed = [r for r in _json(db_url, "--all") if r["status"] == "closed"]
    assert [r["title"] for r in closed] == ["Old Research Engineer role"]
    assert [r["title"] for r in _json(db_url, "--status", "closed")] == [
        "Old Research Engineer role"
    ]


def test_filters_of_the_api(db_url: str, stored: None) -> None:
    """The CLI takes the API's filters, checked by the same function."""
    titles = lambda *args: sorted(r["title"] for r in _json(db_url, *args))  # noqa: E731
    assert titles("--remote-mode", "remote", "--remote-mode", "hybrid") == ["Research Engineer"]
    assert titles("--remote-mode", "unspecified") == ["Policy Analyst"]
    assert titles("--org-type", "lab") == ["Policy Analyst", "Research Engineer"]
    assert titles("--org-type", "nonprofit") == []
    assert titles("--deadline-within", "3650") == ["Research Engineer"]
    assert titles("--has-salary") == ["Research Engineer"]
    assert titles("--seniority", "unspecified", "--sort", "deadline") == [
        "Policy Analyst",
        "Research Engineer",
    ]
    bad = runner.invoke(app, ["--db", db_url, "postings", "--remote-mode", "moon"])
    assert bad.exit_code == 1 and "unknown remote 'moon'" in str(bad.exception)
    bad = runner.invoke(app, ["--db", db_url, "postings", "--sort", "oldest"])
    assert "unknown sort 'oldest'" in str(bad.exception)


def test_table(db_url: str, stored: None) -> None:
    result = runner.invoke(app, ["--db", db_url, "postings"])
    assert result.exit_code == 0
    assert "Research Engineer" in result.stdout and "Policy Analyst" in result.stdout


def test_unknown_role_suggests(db_url: str, stored: None) -> None:
    result = runner.invoke(app, ["--db", db_url, "postings", "--role", "research_enginer"])
    assert result.exit_code == 1
    assert "did you mean 'research_engineer'" in str(result.exception)
    bad_country = runner.invoke(app, ["--db", db_url, "postings", "--country", "Atlantis"])
    assert "unknown country 'Atlantis'" in str(bad_country.exception)
