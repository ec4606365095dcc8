"""Crawl faults (issue 14, points 7 and 11, and the HTTP side of the fault suite).

Sources misbehave on 127.0.0.1 (:mod:`tests.faults.http_source`); crawls run through
the real batch subprocess, and ``aisafety-jobs crawl`` processes are killed with
SIGKILL at named points. Every test counts the postings stored.
"""

from __future__ import annotations

import copy
import json
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aggregator.crawl.runner import SourceResult, crawl_sources
from aggregator.db.models import CrawlRun, Posting
from aggregator.settings import Settings
from tests.crawl_server import registry
from tests.faults.conftest import CLI, cli_env
from tests.faults.http_source import Fault, misbehaving_source, redirect
from tests.spider_helpers import DATA

pytestmark = pytest.mark.faults

BOARD = (DATA / "ashby/board.json").read_bytes()
FEED = (DATA / "feed/teamtailor.xml").read_bytes()


@pytest.fixture
def fast(settings: Settings) -> Settings:
    return replace(settings, download_delay=0.0, crawl_concurrency=2, crawl_batch_size=10)


def by_key(results: list[SourceResult]) -> dict[str, SourceResult]:
    return {r.key: r for r in results}


def wait_for(check: Callable[[], Any], seconds: float, what: str) -> Any:
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"waited {seconds} s for {what}")


def board(jobs: int) -> bytes:
    """An Ashby board of ``jobs`` listed jobs (copies of the fixture's first)."""
    data = json.loads(BOARD)
    first = data["jobs"][0]
    data["jobs"] = []
    for n in range(jobs):
        job = copy.deepcopy(first)
        job["id"] = f"job-{n:05d}"
        job["title"] = f"Research Engineer {n}"
        job["jobUrl"] = f"https://jobs.ashbyhq.com/exampleorg/job-{n:05d}"
        job["applyUrl"] = job["jobUrl"] + "/application"
        data["jobs"].append(job)
    return json.dumps(data).encode()


def open_postings(session: Session) -> int:
    session.expire_all()
    query = select(func.count()).select_from(Posting).where(Posting.status == "open")
    return int(session.scalar(query) or 0)


# -- hostile replies: each fails its source with one plain line, and loses nothing ------

HOSTILE: dict[str, tuple[str, Fault | list[Fault], str]] = {
    "500 every time": ("ashby", Fault(500, b"oops", "text/plain"), "HTTP 500"),
    "404": ("ashby", Fault(404, b"nope", "text/plain"), "HTTP 404"),
    "429, retry in an hour": (
        "ashby",
        Fault(429, b"", "text/plain", {"Retry-After": "3600"}),
        "HTTP 429",
    ),
    "503, retry at a far HTTP date": (
        "ashby",
        Fault(503, b"", "text/plain", {"Retry-After": "Fri, 31 Dec 2100 23:59:59 GMT"}),
        "HTTP 503",
    ),
    "empty list": ("ashby", Fault(body=b'{"apiVersion": "1", "jobs": []}'), "empty board"),
    "not JSON": (
        "ashby",
        Fault(body=b"<html>maintenance</html>", content_type="text/html"),
        "not JSON",
    ),
    "body cut short": ("ashby", Fault(body=BOARD, truncate_at=100), "cut off"),
    "oversize, declared": ("ashby", Fault(body=b"[", oversize=11 * 1024 * 1024), "larger than"),
    "oversize, chunked": (
        "ashby",
        Fault(body=b"[", oversize=11 * 1024 * 1024, chunked=True),
        "larger than",
    ),
    "redirect loop": ("ashby", redirect("/src"), "redirect loop"),
    "redirect loop, two hops": ("ashby", redirect("/hop"), "redirect loop"),
    "feed cut short": ("feed", Fault(body=FEED, truncate_at=len(FEED) // 2), "cut off"),
    "feed oversize, chunked": (
        "feed",
        Fault(body=FEED[:200], oversize=11 * 1024 * 1024, chunked=True),
        "larger than",
    ),
    "feed not XML": ("feed", Fault(body=b"\x00\x01garbage", content_type="text/xml"), "not an RSS"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_reply_fails_plainly_and_keeps_stored_postings(
    name: str, fast: Settings, tmp_path: Path, session: Session
) -> None:
    platform, fault, fragment = HOSTILE[name]
    good = Fault(body=BOARD) if platform == "ashby" else Fault(body=FEED, content_type="text/xml")
    routes: dict[str, Any] = {"/src": good, "/hop": redirect("/src")}
    with misbehaving_source(routes) as server:
        entry = {"key": "src", "platform": platform, "path": "/src"}
        if platform == "ashby":
            entry["token"] = "t"
        path = registry(tmp_path, server.base, [entry])
        (first,) = crawl_sources(fast, sources_file=path)
        assert first.status == "success" and first.new == 2, first
        routes["/src"] = fault
        started = time.monotonic()
        (result,) = crawl_sources(fast, sources_file=path)
        took = time.monotonic() - started
    message = result.message or ""
    assert result.status == "failed", result
    assert fragment in message, message
    assert "\n" not in message and "Traceback" not in message and "Error: " not in message
    assert "DownloadCancelledError" not in message
    assert result.closed == 0 and open_postings(session) == 2
    assert took < 60, f"{name} took {took:.0f} s"  # a far Retry-After is not waited for


def test_feed_cut_at_a_chunk_boundary_closes_nothing(
    fast: Settings, tmp_path: Path, session: Session
) -> None:
    """A well-formed HTTP reply carrying half a feed: the entries read are kept, the
    run is partial, and the posting missing from the half is not closed."""
    routes: dict[str, Any] = {"/f": Fault(body=FEED, content_type="text/xml")}
    with misbehaving_source(routes) as server:
        path = registry(tmp_path, server.base, [{"key": "f", "platform": "feed", "path": "/f"}])
        (first,) = crawl_sources(fast, sources_file=path)
        cut = FEED[: FEED.index(b"</item>") + len(b"</item>") + 5]
        routes["/f"] = Fault(body=cut, content_type="text/xml", chunked=True)
        (second,) = crawl_sources(fast, sources_file=path)
    assert first.new == 2
    assert second.status == "partial" and not second.complete and second.closed == 0, second
    assert "not well-formed XML" in (second.message or "")
    session.expire_all()
    assert session.scalar(select(func.count()).where(Posting.status == "closed")) == 0


def test_conditional_get_goes_through_the_one_http_stack(
    fast: Settings, tmp_path: Path, session: Session
) -> None:
    """Issue 15 point 6: the feed's validators are sent as request headers; a 304
    changes and closes nothing; a 503 then 200 is retried like any source."""
    validators = {"ETag": '"v1"', "Last-Modified": "Sat, 05 Dec 2026 10:00:00 GMT"}
    routes: dict[str, Any] = {"/f": Fault(body=FEED, content_type="text/xml", headers=validators)}
    with misbehaving_source(routes) as server:
        path = registry(tmp_path, server.base, [{"key": "f", "platform": "feed", "path": "/f"}])
        (first,) = crawl_sources(fast, sources_file=path)
        routes["/f"] = [Fault(503, b"", "text/plain"), Fault(304, content_type="text/xml")]
        (second,) = crawl_sources(fast, sources_file=path)
        sent = [headers for p, headers in server.requests if p == "/f"]
    assert first.status == "success" and first.new == 2
    assert second.status == "success" and second.items == 0 and second.closed == 0
    assert len(sent) == 3  # first crawl, then the 503 and its one retry
    assert sent[0].get("If-None-Match") is None
    for headers in sent[1:]:
        assert headers.get("If-None-Match") == '"v1"'
        assert headers.get("If-Modified-Since") == validators["Last-Modified"]
        assert "aisafety-jobs" in headers.get("User-Agent", "")
    assert open_postings(session) == 2


# -- point 7: a slow source cannot stall the others ----------------------------------


def test_dripping_feed_times_out_alone(fast: Settings, tmp_path: Path, session: Session) -> None:
    """A feed sending one byte a second never trips a per-read timeout; its source's
    deadline ends it as ``timeout`` while the healthy sources of the same batch
    (one subprocess) get all their items."""
    fast = replace(fast, crawl_concurrency=1, source_timeout_seconds=4, crawl_timeout_seconds=60)
    routes: dict[str, Any] = {
        "/drip": Fault(body=FEED, content_type="text/xml", drip=1.0),
        "/feed": Fault(body=FEED, content_type="text/xml"),
        "/ok": Fault(body=BOARD),
    }
    with misbehaving_source(routes) as server:
        path = registry(
            tmp_path,
            server.base,
            [
                {"key": "drip", "platform": "feed", "path": "/drip"},
                {"key": "feed", "platform": "feed", "path": "/feed"},
                {"key": "ok", "platform": "ashby", "token": "t", "path": "/ok"},
            ],
        )
        started = time.monotonic()
        results = by_key(crawl_sources(fast, sources_file=path))
        took = time.monotonic() - started
    assert results["drip"].status == "timeout", results["drip"]
    assert "source_timeout_seconds" in (results["drip"].message or "")
    assert results["ok"].status == "success" and results["ok"].new == 2, results["ok"]
    assert results["feed"].status == "success" and results["feed"].new == 2, results["feed"]
    assert took < 40, took
    assert open_postings(session) == 4


# -- kill -9 at named points ------------------------------------------------------------


def crawl_env(settings: Settings, tmp: Path) -> dict[str, str]:
    # TMPDIR: the crawl's batch folders go where this test can see them
    return cli_env(settings, AISAFETY_JOBS_DOWNLOAD_DELAY="0", TMPDIR=str(tmp))


@pytest.fixture
def crawl_tmp(tmp_path: Path) -> Path:
    path = tmp_path / "tmp"
    path.mkdir()
    return path


@pytest.fixture
def spawned() -> Iterator[list[int]]:
    """Pids to SIGKILL after the test whatever happens (a worker that outlived its parent)."""
    pids: list[int] = []
    yield pids
    for pid in pids:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def start_crawl(settings: Settings, tmp: Path, sources: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [CLI, "crawl", "--sources-file", sources],
        env=crawl_env(settings, tmp),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def children(pid: int) -> list[int]:
    """Crawl workers whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid and b"aggregator.crawl.worker" in cmdline:
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_killed_parent_leaves_no_worker_and_its_debris_is_cleared(
    settings: Settings, tmp_path: Path, crawl_tmp: Path, session: Session, spawned: list[int]
) -> None:
    """Point 7 and 11: ``crawl`` is killed (SIGKILL) while its worker reads a dripping
    source. The worker ends within seconds (it watches its parent) instead of running
    on; the next crawl removes the dead crawl's batch folder and stores everything once."""
    routes: dict[str, Any] = {
        "/drip": Fault(body=FEED * 50, content_type="text/xml", drip=1.0),
        "/ok": Fault(body=BOARD),
    }
    with misbehaving_source(routes) as server:
        sources = registry(
            tmp_path,
            server.base,
            [
                {"key": "drip", "platform": "feed", "path": "/drip"},
                {"key": "ok", "platform": "ashby", "token": "t", "path": "/ok"},
            ],
        )
        parent = start_crawl(settings, crawl_tmp, sources)
        spawned.append(parent.pid)
        wait_for(lambda: server.hits["/drip"], 60, "the worker to fetch the dripping source")
        workers = wait_for(lambda: children(parent.pid), 10, "the crawl workers")
        spawned.extend(workers)
        debris = list(crawl_tmp.glob("aisj-crawl-*"))
        assert debris  # the batch folders the killed crawl cannot remove
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        wait_for(lambda: not any(map(alive, workers)), 20, f"workers {workers} to end")

        routes["/drip"] = Fault(body=FEED, content_type="text/xml")
        done = subprocess.run(
            [CLI, "crawl", "--sources-file", sources],
            env=crawl_env(settings, crawl_tmp),
            capture_output=True,
            timeout=120,
        )
    assert done.returncode == 0, done.stdout.decode()[-2000:]
    assert not any(path.exists() for path in debris)
    assert list(crawl_tmp.glob("aisj-crawl-*")) == []
    assert open_postings(session) == 4
    assert session.scalar(select(func.count()).where(CrawlRun.status == "running")) == 0


def test_crawl_killed_while_recording_stores_all_or_nothing(
    settings: Settings, tmp_path: Path, crawl_tmp: Path, session: Session, spawned: list[int]
) -> None:
    """``crawl`` killed (SIGKILL) while it records a large source: none of the source's
    postings or none of its run are half there, no run stays ``running``, and the next
    crawl stores the source exactly once (all postings, none doubled)."""
    jobs = 1500
    with misbehaving_source({"/big": Fault(body=board(jobs))}) as server:
        sources = registry(
            tmp_path,
            server.base,
            [{"key": "big", "platform": "ashby", "token": "t", "path": "/big"}],
        )
        parent = start_crawl(settings, crawl_tmp, sources)
        spawned.append(parent.pid)
        # the worker's results are in: the parent is about to record (or recording)
        wait_for(lambda: list(crawl_tmp.glob("aisj-crawl-*/out/big.json")), 120, "the results")
        time.sleep(0.5)
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        session.expire_all()
        stored = session.scalar(select(func.count()).select_from(Posting)) or 0
        runs = session.scalar(select(func.count()).select_from(CrawlRun)) or 0
        done = subprocess.run(
            [CLI, "crawl", "--sources-file", sources],
            env=crawl_env(settings, crawl_tmp),
            capture_output=True,
            timeout=300,
        )
    assert (stored, runs) in ((0, 0), (jobs, 1)), (stored, runs)  # nothing half-written
    assert done.returncode == 0, done.stdout.decode()[-2000:]
    session.expire_all()
    statuses = [r.status for r in session.scalars(select(CrawlRun).order_by(CrawlRun.id))]
    assert "running" not in statuses and statuses[-1] == "success", statuses
    assert session.scalar(select(func.count()).select_from(Posting)) == jobs
    assert open_postings(session) == jobs
    assert list(crawl_tmp.glob("aisj-crawl-*")) == []
