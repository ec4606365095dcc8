"""``classify`` (JSON Lines, no database) and ``reclassify`` commands."""

from __future__ import annotations

import json
from pathlib import Path

import classifier_stub
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from aggregator.cli.main import app
from aggregator.db.models import Organization, Posting, Source
from aggregator.items import RawPosting
from aggregator.store.ingest import ingest_items

runner = CliRunner()

LINES = [
    {
        "title": "Research Engineer, Interpretability",
        "org": "Acme AI",
        "description": "<p>Salary $200K - $300K USD. This role is remote.</p>"
        "<p>Deadline: Jan 15, 2027</p>",
        "location": "San Francisco, CA",
        "extra": "kept",
    },
    {"title": "Policy Fellow", "salary": "£45k–£55k", "location": ["London"], "org_type": "lab"},
]
REQUIRED = (
    "role", "roles", "skills", "seniority", "remote", "countries", "phd_required",
    "ml_experience_required", "salary_min", "salary_max", "salary_currency", "salary_period",
    "deadline", "safety_relevance", "evidence",
)  # fmt: skip


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AISAFETY_JOBS_DATA_DIR", str(tmp_path / "var"))


def _run(text: str, *args: str) -> tuple[int, list[dict[str, object]]]:
    result = runner.invoke(app, ["classify", *args], input=text)
    return result.exit_code, [json.loads(line) for line in result.stdout.splitlines()]


def test_classify_stdin() -> None:
    code, out = _run("\n".join(json.dumps(line) for line in LINES) + "\n")
    assert code == 0
    first, second = out
    for key in REQUIRED:
        assert key in first and key in second
    assert first["extra"] == "kept" and first["title"] == LINES[0]["title"]
    assert (first["salary_min"], first["salary_max"], first["salary_currency"]) == (
        200000, 300000, "USD",
    )  # fmt: skip
    assert first["remote"] == "remote" and first["countries"] == ["US"]
    assert first["deadline"] == "2027-01-15T23:59:59+00:00"
    assert isinstance(first["roles"], list) and "role" in first["roles"][0]
    assert (second["salary_currency"], second["countries"]) == ("GBP", ["GB"])


def test_bad_lines_are_reported_and_processing_continues(tmp_path: Path) -> None:
    text = "\n".join(
        ["not json", "[1, 2]", json.dumps({"org": "x"}), json.dumps({"title": 5}), "",
         json.dumps({"title": "Ok", "location": {"bad": 1}}), json.dumps(LINES[1])]
    )  # fmt: skip
    path = tmp_path / "in.jsonl"
    path.write_text(text, encoding="utf-8")
    code, out = _run("", str(path))
    assert code == 1
    assert [o.get("line") for o in out[:5]] == [1, 2, 3, 4, 6]
    assert "invalid JSON" in str(out[0]["error"])
    assert out[1]["error"] == "not a JSON object"
    assert "title" in str(out[2]["error"])
    assert "location" in str(out[4]["error"])
    assert out[5]["title"] == "Policy Fellow" and "error" not in out[5]


def test_missing_file_is_a_clear_error() -> None:
    result = runner.invoke(app, ["classify", "/nonexistent/file.jsonl"])
    assert result.exit_code == 1
    assert "cannot read /nonexistent/file.jsonl" in str(result.exception)


def test_reclassify_command(db_url: str, session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    classifier_stub.install(monkeypatch)
    org = Organization(slug="acme", name="Acme", org_type="lab")
    source = Source(key="greenhouse:acme", platform="greenhouse", organization=org)
    session.add(source)
    raw = RawPosting(
        source_key=source.key, external_id="1", org="Acme", title="Ops Lead",
        url="https://acme.example/jobs/1",
    )  # fmt: skip
    ingest_items(session, source, [raw], complete=True)
    session.commit()
    monkeypatch.setitem(classifier_stub.RULES, "ops", "operations")
    result = runner.invoke(app, ["--db", db_url, "reclassify"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("1 postings changed")
    session.expire_all()
    assert session.scalar(select(Posting.role)) == "operations"
