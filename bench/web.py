"""Benchmark of the postings API: 50,000 postings, filtered search latency and throughput.

Seeds a throw-away database (SQLite file and/or a private PostgreSQL database on
127.0.0.1:5432), starts ``aisafety-jobs serve`` on a free loopback port in a subprocess,
then measures ``GET /api/postings`` with two or three filters plus a text query:

1. latency with one client (p50 / p95 / max over ``--requests`` requests);
2. throughput with ``--concurrency`` clients (requests/s, p50 / p95 under load).

Bounded: a fixed number of requests, per-request timeouts; it stops by itself and
prints figures. Usage: ``python bench/web.py [--db sqlite|postgres|both] [--postings N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, insert, text

from aggregator.db.engine import make_engine
from aggregator.db.migrate import upgrade_database
from aggregator.db.models import Organization, Posting, PostingTag

PG_ADMIN = os.environ.get(
    "AISAFETY_JOBS_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
ROLES = ["research_engineer", "research_scientist", "software_engineer", "fellowship",
         "policy", "operations", "internship", "grant", "residency", "other"]  # fmt: skip
SKILLS = ["interpretability", "evals", "red_teaming", "python", "pytorch", "ai_governance",
          "security", "llms", "reinforcement_learning", "forecasting", "jax", "rust"]  # fmt: skip
COUNTRIES = ["US", "GB", "DE", "FR", "CA", "CH", "NL", "IN", "SG", "AU"]
WORDS = [
    "safety", "alignment", "research", "model", "evaluation", "team", "engineer", "policy",
    "governance", "security", "training", "data", "systems", "infrastructure",
    "interpretability", "language", "learning", "deep", "reinforcement", "scalable",
    "oversight", "compute", "benchmark", "robust", "people", "operations", "grant",
    "fellowship", "mentor", "project", "paper", "experiment", "cluster", "kernel",
]  # fmt: skip
QUERIES = [
    "role=research_engineer&skill=python&q=safety",
    "role=policy&country=GB&q=governance",
    "skill=interpretability&remote=remote&q=research",
    "role=research_scientist&role=research_engineer&skill=evals&q=evaluation",
    "org_type=lab&skill=pytorch&q=training cluster",
    "role=fellowship&country=US&remote=remote&q=mentor",
]


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


def start_server(url: str, data_dir: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = dict(os.environ, AISAFETY_JOBS_SECRET_KEY="bench", AISAFETY_JOBS_DATA_DIR=data_dir)
    exe = Path(sys.executable).with_name("aisafety-jobs")
    proc = subprocess.Popen(
        [str(exe), "--db", url, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/sources", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


def load_average() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg()) + f" on {os.cpu_count()} CPUs"


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


async def run_load(
    base: str, total: int, concurrency: int
) -> tuple[list[float], dict[str, int], float, dict[str, list[float]]]:
    latencies: list[float] = []
    per_query: dict[str, list[float]] = {q: [] for q in QUERIES}
    errors: dict[str, int] = {}
    queue: asyncio.Queue[str] = asyncio.Queue()
    for i in range(total):
        queue.put_nowait(QUERIES[i % len(QUERIES)])
    limits = httpx.Limits(max_connections=concurrency)

    async def worker(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            query = queue.get_nowait()
            started = time.perf_counter()
            try:
                response = await client.get(f"/api/postings?{query}&limit=20")
                if response.status_code != 200:
                    key = f"HTTP {response.status_code}"
                    errors[key] = errors.get(key, 0) + 1
            except httpx.HTTPError as exc:
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
            latencies.append(time.perf_counter() - started)
            per_query[query].append(time.perf_counter() - started)

    async with httpx.AsyncClient(base_url=base, timeout=10, limits=limits) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return latencies, errors, elapsed, per_query


def bench(name: str, url: str, args: argparse.Namespace) -> None:
    t0 = time.perf_counter()
    seed(url, args.postings)
    print(f"[{name}] seeded {args.postings:,} postings in {time.perf_counter() - t0:.1f}s")
    with tempfile.TemporaryDirectory() as data_dir:
        proc, base = start_server(url, data_dir)
        try:
            with httpx.Client(base_url=base, timeout=10) as client:
                for query in QUERIES:  # warm up caches and check every query works
                    response = client.get(f"/api/postings?{query}")
                    assert response.status_code == 200, response.text
                    count = len(response.json()["items"])
                    print(f"[{name}]   {query}: {count} items on the first page")
            print(f"[{name}] load average {load_average()} (other work skews the figures)")
            lat, errors, _, per_query = asyncio.run(run_load(base, args.requests, 1))
            print(
                f"[{name}] 1 client, {len(lat)} requests: p50 {pct(lat, 50):.1f} ms, "
                f"p95 {pct(lat, 95):.1f} ms, max {max(lat) * 1000:.1f} ms, errors {errors or 0}"
            )
            for query, values in per_query.items():
                print(
                    f"[{name}]   p50 {pct(values, 50):6.1f} ms  p95 {pct(values, 95):6.1f}  {query}"
                )
            lat, errors, elapsed, _ = asyncio.run(run_load(base, args.load, args.concurrency))
            print(
                f"[{name}] {args.concurrency} clients, {len(lat)} requests: "
                f"{len(lat) / elapsed:.0f} req/s, p50 {pct(lat, 50):.1f} ms, "
                f"p95 {pct(lat, 95):.1f} ms, errors {errors or 0}"
            )
            print(f"[{name}] load average {load_average()}")
        finally:
            proc.terminate()
            proc.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--postings", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=300, help="single-client requests")
    parser.add_argument("--load", type=int, default=2000, help="requests under concurrency")
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            bench("sqlite", f"sqlite:///{tmp}/bench.db", args)
    if args.db in ("postgres", "both"):
        name = f"aisj_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            bench("postgres", PG_ADMIN.rsplit("/", 1)[0] + "/" + name, args)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
