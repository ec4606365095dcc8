"""Benchmark of `digest send`: planning, composing and rendering, and SMTP sending.

    .venv/bin/python bench/digest.py [--subscribers 100000] [--postings 2000]
        [--processes 0] [--smtp-messages 3000] [--smtp-connections 2]
        [--database-url sqlite:///...]

Seeds a fresh database (SQLite in a temporary folder unless --database-url names an
empty PostgreSQL database) with postings and subscribers of varied profiles, then:
1. runs ``send_digests`` — the code `digest send` runs: plan every due digest, claim,
   compose (in worker processes), render, serialize — to a null transport: digests/s;
2. resets some rows to pending and sends them with ``send_claimed`` over SMTP to an
   aiosmtpd sink in a SEPARATE process, over one reused connection and then over
   --smtp-connections at once (setting ``smtp_connections``): messages/s.
Peak memory is ``ru_maxrss`` of this process and of its (worker) children.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import socket
import sys
import tempfile
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select, update

from aggregator.db.engine import open_database, session_factory
from aggregator.db.models import Digest, Subscriber, SubscriberProfile
from aggregator.digest.compose import process_count
from aggregator.digest.send import send_claimed, send_digests
from aggregator.mail import NullTransport, transport_from_url
from aggregator.profiles import FALLBACK_ROLES
from aggregator.settings import Settings, load_settings
from tests.factories import make_posting

NOW = datetime.fromisoformat("2026-11-23T09:30:00+00:00")
SKILLS = ["interpretability", "evals", "pytorch", "jax", "rl", "governance", "security"]
SKILLS += ["alignment_theory", "red_teaming", "distributed_systems", "forecasting", "policy"]
COUNTRIES = ["US", "GB", "DE", "FR", "CA", "CH", "NL"]
PLACES = {"US": "San Francisco, CA", "GB": "London, UK", "DE": "Berlin", "FR": "Paris"}


def seed_postings(settings: Settings, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    engine = open_database(settings)
    with session_factory(engine)() as session:
        for i in range(1, n + 1):
            country = rng.choice(COUNTRIES)
            session.add(make_posting(
                id=i, title=f"{rng.choice(['Senior ', '', 'Lead '])}Role {i} in AI safety",
                org=f"Org {rng.randrange(150)}", role=rng.choice(FALLBACK_ROLES),
                extra_roles=rng.sample(FALLBACK_ROLES, rng.randrange(0, 2)),
                skills=rng.sample(SKILLS, rng.randrange(0, 4)), countries=[country],
                locations=[PLACES.get(country, country)] * 2 + ["Remote"],
                remote=rng.choice(["remote", "hybrid", "onsite"]),
                first_seen_at=NOW - timedelta(hours=rng.randrange(1, 160)),
                deadline=NOW + timedelta(days=rng.randrange(1, 90)) if rng.random() < 0.4 else None,
                salary_min=rng.choice([None, 60000, 90000]), salary_currency="USD",
                description_text="We are hiring " * 20,
                seniority=rng.choice(["entry", "mid", "senior", "unspecified"]),
            ))  # fmt: skip
        session.commit()
    engine.dispose()


def seed_subscribers(settings: Settings, n: int, seed: int = 2) -> None:
    rng = random.Random(seed)
    engine = open_database(settings)
    created = NOW - timedelta(days=30)
    with engine.begin() as conn:
        for start in range(0, n, 5000):
            count = min(5000, n - start)
            subs = [{"id": start + i + 1, "email": f"user{start + i + 1}@example.org",
                     "status": "active", "timezone": "UTC", "frequency": "weekly",
                     "created_at": created, "confirmed_at": created, "bounce_count": 0,
                     "token_version": 1} for i in range(count)]  # fmt: skip
            conn.execute(insert(Subscriber), subs)
            profiles = [{
                "subscriber_id": s["id"],
                "roles": rng.sample(FALLBACK_ROLES, rng.randrange(1, 3)),
                "skills": rng.sample(SKILLS, rng.randrange(0, 3)) if rng.random() < 0.5 else [],
                "locations": rng.sample(COUNTRIES, 2) if rng.random() < 0.2 else [],
                "remote_only": rng.random() < 0.2, "include_orgs": [], "exclude_orgs": [],
                "keywords": ["senior"] if rng.random() < 0.05 else [],
                "exclude_keywords": ["lead"] if rng.random() < 0.05 else [],
                "seniority": [], "min_salary": 80000 if rng.random() < 0.05 else None,
                "updated_at": created,
            } for s in subs]  # fmt: skip
            conn.execute(insert(SubscriberProfile), profiles)
    engine.dispose()


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (workers, the SMTP sink)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def peak_mib() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def bench_send(settings: Settings) -> None:
    engine = open_database(settings)
    marks: list[float] = []
    cpu0 = cpu_seconds()
    t0 = time.perf_counter()
    summary = send_digests(settings, engine, now=NOW, transport=NullTransport(),
                           on_planned=lambda _: marks.append(time.perf_counter()))  # fmt: skip
    elapsed = time.perf_counter() - t0
    planning = marks[0] - t0 if marks else 0.0
    cpu = cpu_seconds() - cpu0
    own, children = peak_mib()
    print(f"digest send (null transport), {process_count(settings)} render processes:")
    print(f"  planned {summary.planned}, skipped {summary.skipped}, sent {summary.sent}, "
          f"failed {summary.failed} in {elapsed:.1f} s")  # fmt: skip
    sending = summary.sent / (elapsed - planning)
    print(f"  throughput: {summary.sent / elapsed:,.0f} digests/s (plan + compose + render); "
          f"planning {planning:.1f} s, then {sending:,.0f} digests/s")  # fmt: skip
    print(f"  CPU: {cpu:.1f} s in all processes = {summary.sent / cpu * 2:,.0f} digests/s "
          f"on 2 otherwise idle cores (load average now {os.getloadavg()[0]:.1f})")  # fmt: skip
    print(f"  peak memory: parent {own:,.0f} MiB, largest child {children:,.0f} MiB")
    engine.dispose()


def _sink(port: int, ready: Any, stop: Any, count: Any) -> None:
    from aiosmtpd.controller import Controller

    class Counter:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            with count.get_lock():
                count.value += 1
            return "250 OK"

    controller = Controller(Counter(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


def bench_smtp(settings: Settings, messages: int, connections: int) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ctx = multiprocessing.get_context("spawn")
    ready, stop, count = ctx.Event(), ctx.Event(), ctx.Value("i", 0)
    sink = ctx.Process(target=_sink, args=(port, ready, stop, count), daemon=True)
    sink.start()
    ready.wait(30)
    engine = open_database(settings)
    with session_factory(engine)() as session:
        ids = select(Digest.id).where(Digest.status == "sent").order_by(Digest.id)
        ids = ids.limit(messages)
        session.execute(update(Digest).where(Digest.id.in_(ids.scalar_subquery()))
                        .values(status="pending", message_id=None, sent_at=None))  # fmt: skip
        session.commit()
    cfg = replace(settings, mail_url=f"smtp://127.0.0.1:{port}", smtp_connections=connections)
    transport = transport_from_url(cfg.mail_url)
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    summary = send_claimed(engine, cfg, transport, now=NOW)
    transport.close()
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - cpu0  # the sender (parent) only
    stop.set()
    sink.join(30)
    with session_factory(engine)() as session:
        size = session.scalar(select(func.count()).where(Digest.status == "sent"))
    print(f"smtp: {summary.sent} messages via send_claimed, {connections} reused connection(s), "
          "aiosmtpd in a separate process")  # fmt: skip
    print(f"  received {count.value} in {elapsed:.1f} s: {summary.sent / elapsed:,.0f} messages/s"
          f" ({size} rows sent in total)")  # fmt: skip
    print(f"  sender CPU {cpu:.1f} s = {summary.sent / cpu:,.0f} messages/s per sender core "
          f"(load average now {os.getloadavg()[0]:.1f})")  # fmt: skip
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--postings", type=int, default=2_000)
    parser.add_argument("--processes", type=int, default=0, help="0: one per CPU core")
    parser.add_argument("--smtp-messages", type=int, default=3_000)
    parser.add_argument("--smtp-connections", type=int, default=2)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        settings = load_settings(overrides={
            "secret_key": "bench", "base_url": "https://jobs.example.org", "database_url": url,
            "data_dir": tmp, "digest_processes": args.processes,
        }, environ={})  # fmt: skip
        t0 = time.perf_counter()
        seed_postings(settings, args.postings)
        seed_subscribers(settings, args.subscribers)
        print(f"seeded {args.postings} postings, {args.subscribers} subscribers "
              f"in {time.perf_counter() - t0:.1f} s ({url.split(':')[0]})")  # fmt: skip
        bench_send(settings)
        for connections in sorted({1, args.smtp_connections}):
            bench_smtp(settings, args.smtp_messages, connections)


if __name__ == "__main__":
    main()
