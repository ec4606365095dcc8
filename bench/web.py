"""Benchmark of every page type at real size: 50,000 postings on SQLite and PostgreSQL.

Seeds a database (a SQLite file and/or a PostgreSQL database on 127.0.0.1:5432; with
``--keep`` both are kept and reused by the next run), starts ``aisafety-jobs serve`` on a
free loopback port in a subprocess (``web_workers`` processes), then measures each page
type (home, role filter, text search, /api/postings, /api/facets, alert preview, /stats,
a posting, feeds, the JSONL export):

1. one client, each page type ROUNDS times: p50 / p95 of pages as visitors get them
   ("kept": the response cache answers repeats) and of pages built afresh (the same
   requests with ``Cache-Control: no-cache``), with the server's CPU ms per request
   (CPU time does not grow with the machine's load the way latency does) and the load
   average at that moment; the export: time to the first line and in full;
2. ``--concurrency`` clients over a mix of all page types while one more client streams
   the full JSONL export again and again: requests/s, p50 / p99, 5xx and timeouts, then
   p50 / p99 per page type. The clients run in ``--client-processes`` processes (aiohttp,
   one event loop each) and the export client in one more: the CPU they used is printed,
   since they share the machine with the server. (aiohttp, not httpx: httpx spent 3.3 ms
   of CPU per request here, more than the server did, and aiohttp 0.27 ms; on two cores
   the load generator's CPU is taken from the server being measured.)

Targets (issue 13): one client p95 <= 50 ms for every page type on both databases;
32 clients >= 150 requests/s, p99 <= 500 ms, no 5xx, no timeouts, export running.

The full table, as the issue asks (about 2 minutes per database on 2 idle cores with the
databases kept, plus about a minute of seeding per database the first time)::

    python bench/web.py --db both --postings 50000 --concurrency 32 --keep /tmp/aisj-bench

Every request goes to 127.0.0.1 with a timeout; the runs are bounded by request counts.
The machine's other work skews latencies: compare the CPU column and the load averages.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import multiprocessing
import os
import queue
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from databases import postgres_url, sqlite_url
from sqlalchemy import insert, text

from aggregator.db.engine import make_engine
from aggregator.db.migrate import upgrade_database
from aggregator.db.models import Organization, Posting, PostingTag

ROLES = ["research_engineer", "research_scientist", "software_engineer", "fellowship",
         "policy", "operations", "internship", "grant", "residency", "other"]  # fmt: skip
SKILLS = ["interpretability", "evals", "red_teaming", "python", "pytorch", "ai_governance",
          "security", "llms", "reinforcement_learning", "forecasting", "jax", "rust"]  # fmt: skip
SENIORITY = ["unspecified", "unspecified", "junior", "mid", "senior", "lead"]
COUNTRIES = ["US", "GB", "DE", "FR", "CA", "CH", "NL", "IN", "SG", "AU"]
WORDS = [
    "safety", "alignment", "research", "model", "evaluation", "team", "engineer", "policy",
    "governance", "security", "training", "data", "systems", "infrastructure",
    "interpretability", "language", "learning", "deep", "reinforcement", "scalable",
    "oversight", "compute", "benchmark", "robust", "people", "operations", "grant",
    "fellowship", "mentor", "project", "paper", "experiment", "cluster", "kernel",
]  # fmt: skip
# Page types: (name, path). Paths cycle through a few variants so caches see several keys.
PAGES: dict[str, list[str]] = {
    "home": ["/"],
    "role filter": ["/?role=research_engineer", "/?role=policy&country=GB",
                    "/?role=fellowship&role=grant&remote=remote"],
    "text search": ["/?q=interpretability", "/?q=governance+policy", "/?q=interp"],
    "api postings": ["/api/postings?role=research_engineer&skill=python&q=safety",
                     "/api/postings?skill=interpretability&remote=remote",
                     "/api/postings?role=policy&country=GB&q=governance"],
    "api facets": ["/api/facets", "/api/facets?role=research_engineer",
                   "/api/facets?skill=evals&country=US"],
    "alert preview": ["/subscribe?role=research_engineer", "/subscribe?skill=interpretability",
                      "/subscribe?role=policy&country=GB"],
    "stats": ["/stats"],
    "posting": [],  # bench() fills it from POSTING_IDS for the postings stored
    "atom feed": ["/feeds/postings.atom?role=research_engineer", "/feeds/postings.atom"],
    "ics feed": ["/feeds/deadlines.ics?role=fellowship"],
}  # fmt: skip
POSTING_IDS = (17, 4242, 31337, 49999)  # the posting pages asked, at 50,000 postings
EXPORT = "/api/postings.jsonl"
KEPT_PG = "aisj_bench_kept_"  # with --keep: the PostgreSQL database's name, then the size


def seed(url: str, n: int) -> None:
    engine = make_engine(url)
    upgrade_database(engine)
    rng = random.Random(42)
    now = datetime.now(UTC).replace(tzinfo=None)
    orgs = [
        {"id": i + 1, "slug": f"org-{i}", "name": f"Org {i}", "org_type": rng.choice(
            ["lab", "nonprofit", "government", "academic"])}
        for i in range(300)
    ]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(Organization), orgs)
        for start in range(0, n, 5000):
            postings: list[dict[str, Any]] = []
            tags: list[dict[str, Any]] = []
            for i in range(start, min(start + 5000, n)):
                pid = i + 1
                org = orgs[rng.randrange(len(orgs))]
                role = rng.choice(ROLES)
                country = rng.choice(COUNTRIES)
                title = " ".join(rng.choice(WORDS) for _ in range(4)).title()
                body = " ".join(rng.choice(WORDS) for _ in range(120))
                seen = now - timedelta(minutes=rng.randrange(60 * 24 * 180))
                postings.append(
                    {
                        "id": pid,
                        "organization_id": org["id"],
                        "org_name": org["name"],
                        "org_type": org["org_type"],
                        "title": title,
                        "normalized_title": title.lower(),
                        "dedup_key": f"{org['slug']}|{pid}",
                        "url": f"https://jobs.example.com/{pid}",
                        "canonical_url": f"https://jobs.example.com/{pid}",
                        "description_html": f"<p>{body}</p>",
                        "description_text": body,
                        "locations": [country],
                        "countries": [country],
                        "remote": rng.choice(["remote", "hybrid", "onsite", "unspecified"]),
                        "role": role,
                        "seniority": rng.choice(SENIORITY),
                        "phd_required": rng.choice(["unspecified", "yes", "preferred", "no"]),
                        "ml_experience_required": rng.choice(["unspecified", "yes", "no"]),
                        "status": "open" if rng.random() < 0.8 else "closed",
                        "deadline": now + timedelta(days=rng.randrange(90))
                        if rng.random() < 0.3
                        else None,
                        "first_seen_at": seen,
                        "last_seen_at": seen,
                    }
                )
                tags.append({"posting_id": pid, "kind": "role", "value": role})
                tags.append({"posting_id": pid, "kind": "country", "value": country})
                for skill in rng.sample(SKILLS, rng.randint(1, 3)):
                    tags.append({"posting_id": pid, "kind": "skill", "value": skill})
            conn.execute(insert(Posting), postings)
            conn.execute(insert(PostingTag), tags)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))  # the steady state autovacuum keeps
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    url: str, data_dir: str, workers: int | None
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = dict(os.environ, AISAFETY_JOBS_SECRET_KEY="bench", AISAFETY_JOBS_DATA_DIR=data_dir)
    if workers is not None:
        env["AISAFETY_JOBS_WEB_WORKERS"] = str(workers)
    exe = Path(sys.executable).with_name("aisafety-jobs")
    proc = subprocess.Popen(
        [str(exe), "--db", url, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/api/sources", timeout=2) as response:
                if response.status == 200:
                    return proc, base
        except OSError:  # refused until it listens; urllib's errors are OSErrors
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


def server_stack() -> str:
    """What uvicorn runs on here ("auto": the C parts when installed)."""
    found = [m for m in ("httptools", "uvloop") if importlib.util.find_spec(m) is not None]
    return " + ".join(found) if found else "h11 + asyncio"


def load_average() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg()) + f" on {os.cpu_count()} CPUs"


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


@dataclass
class Tally:
    """Latencies and failures of a set of requests."""

    latencies: list[float] = field(default_factory=list)
    server_errors: int = 0
    timeouts: int = 0
    other_errors: dict[str, int] = field(default_factory=dict)

    def add_error(self, name: str) -> None:
        self.other_errors[name] = self.other_errors.get(name, 0) + 1

    def merge(self, other: Tally) -> None:
        self.latencies += other.latencies
        self.server_errors += other.server_errors
        self.timeouts += other.timeouts
        for name, n in other.other_errors.items():
            self.other_errors[name] = self.other_errors.get(name, 0) + n


async def timed_get(
    client: aiohttp.ClientSession, path: str, tally: Tally, headers: dict[str, str] | None = None
) -> None:
    started = time.perf_counter()
    try:
        async with client.get(path, headers=headers) as response:
            await response.read()
            if response.status >= 500:
                tally.server_errors += 1
            elif response.status != 200:
                tally.add_error(f"HTTP {response.status}")
    except TimeoutError:
        tally.timeouts += 1
    except aiohttp.ClientError as exc:
        tally.add_error(type(exc).__name__)
    tally.latencies.append(time.perf_counter() - started)


def session(base: str, timeout: float, connections: int = 100) -> aiohttp.ClientSession:
    """A client for ``base`` with up to ``connections`` kept-alive connections."""
    return aiohttp.ClientSession(
        base,
        connector=aiohttp.TCPConnector(limit=connections),
        timeout=aiohttp.ClientTimeout(total=timeout),
    )


async def export_once(client: aiohttp.ClientSession) -> tuple[float, float, int]:
    """Seconds to the first line, seconds in full and bytes of one full JSONL export."""
    started = time.perf_counter()
    first = 0.0
    size = 0
    async with client.get(EXPORT) as response:
        response.raise_for_status()
        async for chunk in response.content.iter_any():
            if not size:
                first = time.perf_counter() - started
            size += len(chunk)
    return first, time.perf_counter() - started, size


def server_cpu(pid: int) -> float:
    """CPU seconds used so far by process ``pid`` and its descendants (the workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    used: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        used[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    family = {pid}
    grew = True
    while grew:
        grew = False
        for child, parent in parents.items():
            if parent in family and child not in family:
                family.add(child)
                grew = True
    return sum(used.get(p, 0.0) for p in family)


@dataclass
class PageFigures:
    """One page type's single-client figures, kept (repeat) and built afresh."""

    kept: Tally
    built: Tally
    kept_cpu: float  # server CPU ms per request
    built_cpu: float
    load: float  # 1-minute load average when measured


REBUILD = {"Cache-Control": "no-cache"}  # the response cache builds the page again


async def warm_up(base: str, rounds: int = 6) -> None:
    """Every path of the mix asked ``rounds`` times at once, each on a new connection, so
    that every worker process has built and kept it: each keeps its own responses, and a
    kept-alive connection stays with one worker (a page first asked of the other worker
    under load is built there, and that first build is what the single-client "built"
    column measures)."""
    paths = [path for paths in PAGES.values() for path in paths]
    connector = aiohttp.TCPConnector(force_close=True)
    async with aiohttp.ClientSession(base, connector=connector) as client:

        async def ask(path: str) -> None:
            async with client.get(path) as response:
                await response.read()
                assert response.status == 200, (path, response.status)

        for _ in range(rounds):
            await asyncio.gather(*(ask(path) for path in paths))


async def single_client(
    base: str, rounds: int, pid: int
) -> tuple[dict[str, PageFigures], tuple[Any, ...]]:
    """Each page type ``rounds`` times in a row as visitors get it and ``rounds`` times
    built afresh: latencies and server CPU ms per request."""
    figures: dict[str, PageFigures] = {}
    await warm_up(base)
    async with session(base, 30) as client:
        for name, paths in PAGES.items():
            cpu = []
            tallies = []
            for headers in (None, REBUILD):
                tally = Tally()
                before = server_cpu(pid)
                for i in range(rounds):
                    await timed_get(client, paths[i % len(paths)], tally, headers)
                cpu.append((server_cpu(pid) - before) / rounds * 1000)
                tallies.append(tally)
            figures[name] = PageFigures(tallies[0], tallies[1], cpu[0], cpu[1], os.getloadavg()[0])
        export = await export_once(client)
    return figures, export


def load_mix() -> list[tuple[str, str]]:
    """The mix of the concurrent part: every path of every page type once, shuffled."""
    mix = [(name, path) for name, paths in PAGES.items() for path in paths]
    random.Random(7).shuffle(mix)
    return mix


@dataclass
class ClientShare:
    """What one load-generator process measured: per page type, and its own CPU."""

    pages: dict[str, Tally]
    finished: float  # time.perf_counter() (CLOCK_MONOTONIC: comparable across processes)
    cpu: float  # seconds of CPU this process used while sending


async def _send_share(
    base: str, indices: range, concurrency: int, built_share: int, timeout: float
) -> ClientShare:
    """Requests ``indices`` of the mix (cycled), ``concurrency`` at a time; ``built_share``
    of each hundred are asked with ``Cache-Control: no-cache`` (built afresh)."""
    mix = load_mix()
    pages = {name: Tally() for name in PAGES}
    todo = iter(indices)
    cpu = time.process_time()
    async with session(base, timeout, concurrency) as client:

        async def worker() -> None:
            for i in todo:
                name, path = mix[i % len(mix)]
                built = (i * 37) % 100 < built_share  # spread evenly over the run
                await timed_get(client, path, pages[name], REBUILD if built else None)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return ClientShare(pages, time.perf_counter(), time.process_time() - cpu)


def _client_process(
    base: str, indices: range, concurrency: int, built_share: int, go: Any, out: Any
) -> None:
    go.wait()
    out.put(asyncio.run(_send_share(base, indices, concurrency, built_share, 10.0)))


async def _export_until(base: str, stop: Any) -> list[tuple[float, float, int]]:
    exports: list[tuple[float, float, int]] = []
    async with session(base, 60) as client:
        while not stop.is_set():
            exports.append(await export_once(client))
    return exports


def _export_process(base: str, stop: Any, out: Any) -> None:
    cpu = time.process_time()
    try:
        exports: Any = asyncio.run(_export_until(base, stop))
    except (aiohttp.ClientError, OSError) as exc:
        exports = f"export {type(exc).__name__}"
    out.put((exports, time.process_time() - cpu))


@dataclass
class LoadFigures:
    pages: dict[str, Tally]
    elapsed: float
    exports: list[tuple[float, float, int]]
    client_cpu: float  # seconds, all load-generator processes (the exporter's included)
    processes: int

    @property
    def all(self) -> Tally:
        total = Tally()
        for tally in self.pages.values():
            total.merge(tally)
        return total


def under_load(
    base: str, total: int, concurrency: int, processes: int, built_share: int = 0
) -> LoadFigures:
    """``total`` requests over the page mix from ``concurrency`` clients, spread over
    ``processes`` load-generator processes (each its own event loop), while one more
    process streams the full export again and again. A single Python process, on the
    same two cores as the server, spent most of a core on its own (HTTP parsing, the
    event loop): its waits showed as server latency."""
    ctx = multiprocessing.get_context("fork")
    go, stop, out, exported = ctx.Event(), ctx.Event(), ctx.Queue(), ctx.Queue()
    exporter = ctx.Process(target=_export_process, args=(base, stop, exported))
    clients = []
    for k in range(processes):
        # Process k sends requests k, k + processes, ...: together the whole mix once.
        assigned = (range(k, total, processes), len(range(k, concurrency, processes)))
        args = (base, *assigned, built_share, go, out)
        clients.append(ctx.Process(target=_client_process, args=args))
    exporter.start()
    for proc in clients:
        proc.start()
    time.sleep(0.5)  # the export is under way before the clients start
    started = time.perf_counter()
    go.set()
    # Bounded: each client gives up on a request after 10 s.
    shares: list[ClientShare] = [out.get(timeout=max(600, total)) for _ in clients]
    stop.set()
    for proc in clients:
        proc.join()
    exports: Any = []
    exporter_cpu = 0.0
    try:
        exports, exporter_cpu = exported.get(timeout=90)
    except queue.Empty:
        exports = "export did not finish"
    exporter.join(5)
    if exporter.is_alive():
        exporter.kill()
    pages = {name: Tally() for name in PAGES}
    for share in shares:
        for name, tally in share.pages.items():
            pages[name].merge(tally)
    if isinstance(exports, str):  # the export client failed: count it, keep the rest
        pages[next(iter(PAGES))].add_error(exports)
        exports = []
    elapsed = max(share.finished for share in shares) - started
    cpu = sum(share.cpu for share in shares) + exporter_cpu
    return LoadFigures(pages, elapsed, exports, cpu, processes)


def bench(name: str, url: str, args: argparse.Namespace) -> None:
    engine = make_engine(url)
    upgrade_database(engine)
    with engine.connect() as conn:
        present = int(conn.execute(text("SELECT count(*) FROM postings")).scalar() or 0)
    engine.dispose()
    # POSTING_IDS spread over the postings stored; the load processes, forked later, see it.
    stored = present or args.postings
    PAGES["posting"] = [f"/postings/{max(1, i * stored // 50_000)}" for i in POSTING_IDS]
    if present:
        print(f"[{name}] reusing {present:,} postings")
    else:
        t0 = time.perf_counter()
        seed(url, args.postings)
        print(f"[{name}] seeded {args.postings:,} postings in {time.perf_counter() - t0:.1f}s")
    with tempfile.TemporaryDirectory() as data_dir:
        proc, base = start_server(url, data_dir, args.workers)
        try:
            print(f"[{name}] load average {load_average()} (other work skews the figures)")
            figures, export = asyncio.run(single_client(base, args.rounds, proc.pid))
            print(f"[{name}] one client, {args.rounds} requests per page type and column")
            print(
                f"[{name}]   {'page type':<14} {'kept p50':>9} {'p95':>7} {'CPU':>6}"
                f" {'built p50':>10} {'p95':>7} {'max':>7} {'CPU':>6}  {'load':>5}   (ms)"
            )
            for page, fig in figures.items():
                errors = {**fig.kept.other_errors, **fig.built.other_errors}
                print(
                    f"[{name}]   {page:<14} {pct(fig.kept.latencies, 50):9.1f}"
                    f" {pct(fig.kept.latencies, 95):7.1f} {fig.kept_cpu:6.1f}"
                    f" {pct(fig.built.latencies, 50):10.1f} {pct(fig.built.latencies, 95):7.1f}"
                    f" {max(fig.built.latencies) * 1000:7.1f} {fig.built_cpu:6.1f}  {fig.load:5.2f}"
                    + (f"  errors {errors}" if errors else "")
                )
            first, full, size = export
            print(
                f"[{name}]   {'jsonl export':<14} first line {first * 1000:.1f} ms, "
                f"all {full:.2f} s, {size / 1e6:.1f} MB"
            )
            before = server_cpu(proc.pid)
            load = under_load(
                base, args.load, args.concurrency, args.client_processes, args.built_share
            )
            tally = load.all
            n = len(tally.latencies)
            cpu = (server_cpu(proc.pid) - before) / max(n, 1) * 1000
            print(
                f"[{name}] {args.concurrency} clients over the mix, {n} requests"
                + (f" ({args.built_share} % built afresh)" if args.built_share else "")
                + f", {len(load.exports)} full exports alongside: {n / load.elapsed:.0f} req/s, "
                f"p50 {pct(tally.latencies, 50):.1f} ms, p99 {pct(tally.latencies, 99):.1f} ms, "
                f"5xx {tally.server_errors}, timeouts {tally.timeouts}, "
                f"server CPU {cpu:.1f} ms per request (exports included), "
                f"load {os.getloadavg()[0]:.2f}"
                + (f", other {tally.other_errors}" if tally.other_errors else "")
            )
            print(
                f"[{name}]   load generator: {load.processes} client processes (aiohttp, one "
                f"event loop each) + 1 export process, {load.client_cpu:.1f} s CPU = "
                f"{load.client_cpu / load.elapsed:.2f} cores over {load.elapsed:.1f} s; "
                f"server: uvicorn with {server_stack()}"
            )
            header = f"{'page type':<14} {'requests':>8} {'p50':>7} {'p99':>8} {'max':>8}"
            print(f"[{name}]   {header}  (ms)")
            for page, t in load.pages.items():
                print(
                    f"[{name}]   {page:<14} {len(t.latencies):8d} {pct(t.latencies, 50):7.1f}"
                    f" {pct(t.latencies, 99):8.1f} {max(t.latencies, default=0) * 1000:8.1f}"
                    + (f"  5xx {t.server_errors}" if t.server_errors else "")
                    + (f"  timeouts {t.timeouts}" if t.timeouts else "")
                )
            if load.exports:
                longest = max(e[1] for e in load.exports)
                print(f"[{name}]   export under load: {longest:.2f} s longest")
            print(f"[{name}] load average {load_average()}")
        finally:
            proc.terminate()
            proc.wait(20)


@contextmanager
def seeded_url(db: str, postings: int, keep: str | None) -> Iterator[str]:
    """The database the benches seed with ``postings`` postings: with ``keep``, the SQLite
    file ``bench-<postings>.db`` in that folder or the PostgreSQL database
    ``KEPT_PG<postings>``, kept for the next run; else a scratch one."""
    if db == "sqlite":
        with sqlite_url(f"bench-{postings}.db", keep) as url:
            yield url
    else:
        with postgres_url(f"{KEPT_PG}{postings}" if keep else None) as url:
            yield url


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--postings", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=40, help="one-client requests per page")
    parser.add_argument("--load", type=int, default=40_000, help="requests under concurrency")
    parser.add_argument(
        "--built-share",
        type=int,
        default=0,
        metavar="PERCENT",
        help="under concurrency, this percentage of requests asks for the page built afresh "
        "(as if nobody had asked for it since the last change): the cost of a cache miss",
    )
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument(
        "--client-processes",
        type=int,
        default=2,
        help="load-generator processes sharing the concurrent clients (plus one for the export)",
    )
    parser.add_argument("--workers", type=int, help="server worker processes (setting web_workers)")
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="keep (and reuse) the seeded databases: the SQLite file in DIR, the PostgreSQL "
        f"database {KEPT_PG}<postings>",
    )
    args = parser.parse_args()
    for db in ("sqlite", "postgres"):
        if args.db in (db, "both"):
            with seeded_url(db, args.postings, args.keep) as url:
                bench(db, url, args)


if __name__ == "__main__":
    main()
