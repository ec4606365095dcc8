"""Hostile input gets one clear line, never a traceback or a hang (issue 14, point 10).

Every case runs the real ``aisafety-jobs`` command in a subprocess with a time limit."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from scrapy.exceptions import DownloadCancelledError
from sqlalchemy.orm import Session
from twisted.python.failure import Failure

from aggregator.db.models import Organization, Source
from aggregator.items import RawPosting
from aggregator.settings import Settings
from aggregator.store.ingest import ingest_items
from spiders.base import describe_failure
from tests.factories import make_posting
from tests.faults.conftest import run_cli

MARKUP = "x[/red]@example.org"
HOSTILE = [
    (["subscribe", MARKUP], "invalid email address: 'x[/red]@example.org'"),
    (["subscribe", "[bold]a@example.org"], "invalid email address"),
    (["subscribe", "a@example.org", "--role", "[/x]"], "[/x]"),
    (["crawl", "--sources-file", "[/x].toml"], "[/x].toml"),
    (["sources", "list", "--sources-file", "[/x].toml"], "[/x].toml"),
    (["postings", "--role", "[/]"], "[/]"),
    (["digest", "preview", "[/red]@example.org"], "[/red]@example.org"),
    (["digest", "send", "--period", "[/x]"], "[/x]"),
    (["digest", "send", "--now", "[/x]"], "[/x]"),
    (["--config", "[/x].toml", "init"], "[/x].toml"),
    (["--db", "postgresql+psycopg://nobody@127.0.0.1:1/none", "init"], "127.0.0.1"),
]


def one_line_error(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert "Traceback" not in stderr and "MarkupError" not in stderr, stderr
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: "), stderr
    return lines[0]


@pytest.mark.parametrize(("args", "shown"), HOSTILE, ids=[" ".join(a) for a, _ in HOSTILE])
def test_hostile_arguments_give_one_line(settings: Settings, args: list[str], shown: str) -> None:
    done = run_cli(settings, *args, timeout=60)
    assert done.returncode == 1
    assert shown in one_line_error(done.stderr)


def test_markup_in_stored_text_is_printed_literally(settings: Settings, session: Session) -> None:
    make_posting(session, title="[/red] Research [bold]Engineer[/]", org="[link=x]Lab")
    session.commit()
    done = run_cli(settings, "postings", "--all", timeout=60)
    assert done.returncode == 0, done.stderr
    assert "[/red] Research [bold]Engineer[/]" in done.stdout
    assert "[link=x]Lab" in done.stdout


def test_init_refuses_a_foreign_schema_and_changes_nothing(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "foreign.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE postings (id INTEGER PRIMARY KEY, body TEXT)")
    cfg = replace(settings, database_url=f"sqlite:///{path}")
    for _ in range(2):  # the same single line again: no half schema was left
        done = run_cli(cfg, "init", timeout=60)
        assert done.returncode == 1
        assert "already has tables aisafety-jobs did not create (postings)" in one_line_error(
            done.stderr
        )
    with sqlite3.connect(path) as conn:
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert names == {"postings"}


def test_unknown_stamped_revision_gives_one_line(settings: Settings, tmp_path: Path) -> None:
    cfg = replace(settings, database_url=f"sqlite:///{tmp_path / 'newer.db'}")
    assert run_cli(cfg, "init", timeout=60).returncode == 0
    with sqlite3.connect(tmp_path / "newer.db") as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    done = run_cli(cfg, "init", timeout=60)
    assert done.returncode == 1
    assert "revision '0099_from_the_future', which this version" in one_line_error(done.stderr)


def test_oversize_chunked_body_is_reported_plainly() -> None:
    """Scrapy cancels a chunked body past DOWNLOAD_MAXSIZE with a bare exception."""
    message = describe_failure(Failure(DownloadCancelledError()), max_bytes=10 * 1024 * 1024)
    assert (
        message
        == "the response from the source is larger than the 10,485,760-byte size limit; not read"
    )


def test_dropped_item_has_its_reason_logged(
    session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    org = Organization(slug="acme", name="Acme", org_type="lab")
    source = Source(key="acme", platform="greenhouse", organization=org)
    session.add(source)
    session.flush()
    item = RawPosting(source_key="acme", external_id="1", org="Acme", title="RE \ud800",
                      url="https://acme.example/jobs/1")  # fmt: skip
    with caplog.at_level(logging.WARNING, logger="aggregator"):
        result = ingest_items(session, source, [item], complete=True)
    assert result.errors == 1
    dropped = [r.getMessage() for r in caplog.records if "item_dropped" in r.getMessage()]
    assert len(dropped) == 1 and "surrogates not allowed" in dropped[0], caplog.text
