"""An empty answer (HTTP 200, no postings) from a board that listed postings closes
nothing at once: the run is suspect, reported by 'crawl' and 'sources list', and postings
close only after two empty runs in a row at least a day apart."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from aggregator import clock
from aggregator.cli.main import app
from aggregator.crawl.runner import crawl_sources
from aggregator.db.models import Posting
from aggregator.settings import Settings
from tests.crawl_server import Reply, serve
from tests.spider_helpers import DATA
from tests.test_crawl_runs import registry

T0 = datetime(2026, 12, 6, 9, tzinfo=UTC)


def test_empty_board_closes_only_after_two_empty_runs_a_day_apart(
    settings: Settings, tmp_path: Path, session: Session
) -> None:
    fast = replace(settings, download_delay=0.0)
    board = json.loads((DATA / "ashby/board.json").read_text())
    listed = sum(job["isListed"] for job in board["jobs"])
    empty = Reply(json.dumps({**board, "jobs": []}).encode())
    routes = {"/ashby": Reply(json.dumps(board).encode())}

    def crawl(when: datetime) -> tuple[str, int, str]:
        with clock.fixed(when):
            (result,) = crawl_sources(fast, sources_file=path)
        session.expire_all()
        still_open = sum(p.status == "open" for p in session.scalars(select(Posting)))
        return result.status, still_open, result.message or ""

    with serve(routes) as server:
        entry = {"key": "ab", "platform": "ashby", "token": "t", "path": "/ashby",
                 "allow_empty": True}  # fmt: skip
        path = registry(tmp_path, server.base, [entry])
        assert crawl(T0)[:2] == ("success", listed)
        routes["/ashby"] = empty
        status, still_open, message = crawl(T0 + timedelta(hours=1))
        assert (status, still_open) == ("suspect", listed)
        assert f"listed {listed} posting(s)" in message
        assert crawl(T0 + timedelta(hours=2))[:2] == ("suspect", listed)  # not a day apart
        env = {"AISAFETY_JOBS_DATA_DIR": settings.data_dir, "COLUMNS": "200"}
        out = CliRunner().invoke(
            app, ["--db", settings.database_url, "sources", "list", "--json", "--sources-file",
                  path], env=env,
        )  # fmt: skip
        assert out.exit_code == 0, out.output
        (record,) = json.loads(out.output)
        assert record["last_run_status"] == "suspect" and record["last_item_count"] == listed
        assert crawl(T0 + timedelta(hours=26))[:2] == ("success", 0)


def test_setting_one_empty_run_closes_at_once(
    settings: Settings, tmp_path: Path, session: Session
) -> None:
    fast = replace(settings, download_delay=0.0, empty_runs_to_close=1)
    board = json.loads((DATA / "ashby/board.json").read_text())
    routes = {"/ashby": Reply(json.dumps(board).encode())}
    with serve(routes) as server:
        entry = {"key": "ab", "platform": "ashby", "token": "t", "path": "/ashby",
                 "allow_empty": True}  # fmt: skip
        path = registry(tmp_path, server.base, [entry])
        crawl_sources(fast, sources_file=path)
        routes["/ashby"] = Reply(json.dumps({**board, "jobs": []}).encode())
        (result,) = crawl_sources(fast, sources_file=path)
    assert result.status == "success" and result.closed == 2
