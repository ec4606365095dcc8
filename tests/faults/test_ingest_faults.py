"""Storing crawls under faults (issue 14, points 1 and 8): a crawl killed (SIGKILL) while
it ingests leaves nothing half-written, and two crawls at once on SQLite both finish.

Every crawl is a real ``aisafety-jobs crawl`` subprocess over Greenhouse-format boards
served from 127.0.0.1; the checks count every posting of every board.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aggregator.db.models import CrawlRun, Posting, PostingSource, Source
from aggregator.settings import Settings
from aggregator.store.ingest import BATCH
from tests.crawl_server import Reply, serve
from tests.faults.conftest import CLI, cli_env, run_cli

# The CLI, made to SIGKILL itself as it stores the Nth item of one crawl (no hook in the
# product: the test patches the storing function of the real code path).
KILLED_CLI = """
import os, signal, sys
from aggregator.store import ingest

count, store = [0], ingest._store
def stored(*args, **kwargs):
    count[0] += 1
    if count[0] == int(os.environ["KILL_AT_ITEM"]):
        os.kill(os.getpid(), signal.SIGKILL)
    return store(*args, **kwargs)
ingest._store = stored
from aggregator.cli.main import main
sys.argv[0] = "aisafety-jobs"
sys.exit(main())
"""
# One crawl subprocess per crawl, no politeness delay: the machine may be shared.
ONE_WORKER = {"AISAFETY_JOBS_DOWNLOAD_DELAY": "0", "AISAFETY_JOBS_CRAWL_CONCURRENCY": "1"}


def board(index: int, jobs: int) -> bytes:
    listing = [
        {
            "id": index * 100_000 + j,
            "title": f"Research Engineer {j} (Team {index})",
            "absolute_url": f"https://boards.example.org/org{index}/jobs/{j}",
            "location": {"name": "London, UK"},
            "updated_at": "2026-10-01T10:00:00-04:00",
            "content": "&lt;p&gt;Interpretability and evals research with PyTorch.&lt;/p&gt;",
        }
        for j in range(jobs)
    ]
    return json.dumps({"jobs": listing, "meta": {"total": jobs}}).encode()


def registry(tmp_path: Path, base: str, boards: int) -> str:
    path = tmp_path / "sources.toml"
    path.write_text(
        "".join(
            f'[[sources]]\nkey = "org{i}"\norg = "Org {i}"\norg_type = "lab"\n'
            f'platform = "greenhouse"\ntoken = "org{i}"\nurl = "{base}/b/{i}.json"\n\n'
            for i in range(boards)
        )
    )
    return str(path)


def postings_per_source(session: Session) -> dict[str, int]:
    session.rollback()  # end any read transaction: see what the subprocesses committed
    rows = session.execute(
        select(Source.key, func.count(PostingSource.id))
        .join(PostingSource, PostingSource.source_id == Source.id)
        .group_by(Source.key)
    )
    return dict(rows.tuples().all())


def run_statuses(session: Session) -> Counter[str]:
    return Counter(session.scalars(select(CrawlRun.status)))


def test_crawl_killed_while_ingesting_leaves_nothing_half_written(
    settings: Settings, tmp_path: Path, session: Session
) -> None:
    """Point 1: boards of 150 postings; the crawl is killed as it stores the 420th item:
    in the third board it records, after that board's first batch (``ingest.BATCH``
    items, each batch in its own SAVEPOINT) was stored; before the fix that batch stayed
    committed. Boards recorded before are complete, the board being stored has no
    posting and no run, no run is left ``running``, and the next crawl stores everything
    exactly once."""
    jobs, boards, kill_at = 150, 4, 420
    assert 2 * jobs + BATCH < kill_at <= 3 * jobs  # a whole batch of the third board stored
    routes = {f"/b/{i}.json": Reply(board(i, jobs)) for i in range(boards)}
    with serve(routes) as server:  # type: ignore[arg-type]
        sources = registry(tmp_path, server.base, boards)
        env = cli_env(settings, KILL_AT_ITEM=str(kill_at), **ONE_WORKER)
        killed = subprocess.run(
            [sys.executable, "-c", KILLED_CLI, "crawl", "--sources-file", sources],
            env=env, capture_output=True, text=True, timeout=240,
        )  # fmt: skip
        assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
        stored = postings_per_source(session)
        assert sorted(stored.values()) == [jobs, jobs]  # two boards whole, nothing else
        assert session.scalar(select(func.count(Posting.id))) == 2 * jobs
        assert run_statuses(session) == Counter({"success": 2})  # none left running

        again = run_cli(
            settings, "crawl", "--sources-file", sources, timeout=240, **ONE_WORKER
        )  # fmt: skip
    assert again.returncode == 0, again.stdout[-2000:] + again.stderr[-2000:]
    assert postings_per_source(session) == {f"org{i}": jobs for i in range(boards)}
    assert session.scalar(select(func.count(Posting.id))) == boards * jobs
    assert run_statuses(session) == Counter({"success": 2 + boards})


def test_two_crawls_at_once_both_finish(
    settings: Settings, tmp_path: Path, session: Session
) -> None:
    """Point 8: two ``crawl`` processes over the same six boards at the same time, twice
    (the second round re-crawls what the first stored). Neither dies with "database is
    locked", every source has one successful run per crawl, no posting is doubled."""
    jobs, boards = 150, 6
    routes = {f"/b/{i}.json": Reply(board(i, jobs)) for i in range(boards)}
    with serve(routes) as server:  # type: ignore[arg-type]
        sources = registry(tmp_path, server.base, boards)
        env = cli_env(settings, **ONE_WORKER)
        for _ in range(2):
            command = [CLI, "crawl", "--sources-file", sources]
            pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
            procs = [subprocess.Popen(command, env=env, text=True, **pipes) for _ in range(2)]
            deadline = time.monotonic() + 240
            outputs = [p.communicate(timeout=max(1.0, deadline - time.monotonic())) for p in procs]
            for proc, (out, err) in zip(procs, outputs, strict=True):
                assert proc.returncode == 0, out[-2000:] + err[-2000:]
                assert "locked" not in out + err
    assert postings_per_source(session) == {f"org{i}": jobs for i in range(boards)}
    assert session.scalar(select(func.count(Posting.id))) == boards * jobs
    runs = session.execute(select(Source.key, CrawlRun.status).join(CrawlRun.source)).all()
    assert Counter(runs) == Counter({(f"org{i}", "success"): 4 for i in range(boards)})
