"""Benchmark of digest building, rendering and SMTP sending. Prints figures.

    .venv/bin/python bench/digest.py [--subscribers 100000] [--postings 2000] [--workers 2]

1. Build (match + sections) and render (HTML with inlined CSS + text, full MIME
   message) every subscriber's digest to a null transport: digests/s, peak memory.
2. Send rendered digests over SMTP to a local aiosmtpd with one reused connection:
   messages/s.
No database: postings and subscribers are in-memory ORM objects.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import socket
import sys
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aggregator.db.models import Subscriber, SubscriberProfile
from aggregator.digest.build import History, digest_message, make_view, plan
from aggregator.digest.render import Renderer
from aggregator.mail import NullTransport, transport_from_url
from aggregator.matching import PostingIndex
from aggregator.settings import load_settings
from aggregator.subscriptions import FALLBACK_ROLES, ProfileInput
from tests.factories import make_posting

NOW = datetime.fromisoformat("2026-11-23T09:30:00+00:00")
SKILLS = ["interpretability", "evals", "pytorch", "jax", "rl", "governance", "security"]
SKILLS += ["alignment_theory"]
SKILLS += ["red_teaming", "distributed_systems", "forecasting", "policy"]
COUNTRIES = ["US", "GB", "DE", "FR", "CA", "CH", "NL"]
SETTINGS = load_settings(overrides={"secret_key": "bench", "base_url": "https://jobs.example.org"}, environ={})  # fmt: skip  # noqa: E501


def make_postings(n: int, seed: int = 1) -> list[Any]:
    rng = random.Random(seed)
    out = []
    for i in range(1, n + 1):
        out.append(make_posting(
            id=i, title=f"{rng.choice(['Senior ', '', 'Lead '])}Role {i} in AI safety",
            org=f"Org {rng.randrange(150)}", role=rng.choice(FALLBACK_ROLES),
            skills=rng.sample(SKILLS, rng.randrange(0, 4)),
            countries=rng.sample(COUNTRIES, 1), remote=rng.choice(["remote", "hybrid", "onsite"]),
            first_seen_at=NOW - timedelta(hours=rng.randrange(1, 160)),
            deadline=NOW + timedelta(days=rng.randrange(1, 90)) if rng.random() < 0.4 else None,
            salary_min=rng.choice([None, 60000, 90000]), salary_currency="USD",
            description_text="We are hiring " * 20,
        ))  # fmt: skip
    return out


def make_subscriber(i: int, rng: random.Random) -> Subscriber:
    sub = Subscriber(id=i, email=f"user{i}@example.org", token_version=1, frequency="weekly")
    sub.profile = SubscriberProfile(
        roles=rng.sample(FALLBACK_ROLES, rng.randrange(1, 3)),
        skills=rng.sample(SKILLS, rng.randrange(0, 3)), locations=[],
        remote_only=rng.random() < 0.2, include_orgs=[], exclude_orgs=[],
        keywords=["senior"] if rng.random() < 0.05 else [], exclude_keywords=[],
        seniority=[], min_salary=None,
    )  # fmt: skip
    return sub


def build_render(args: tuple[int, int, int]) -> tuple[int, int, int]:
    start, stop, n_postings = args
    index = PostingIndex(make_postings(n_postings), now=NOW)
    renderer = Renderer(SETTINGS)
    transport = NullTransport()
    rng = random.Random(start)
    since = NOW - timedelta(days=7)
    history = History()
    sent = skipped = 0
    for i in range(start, stop):
        sub = make_subscriber(i, rng)
        p = plan(index, ProfileInput.of(sub.profile), since, history, {}, 30)
        if p.empty:
            skipped += 1
            continue
        view = make_view(SETTINGS, sub, "2026-W48", p, index.postings)
        transport.send(digest_message(SETTINGS, sub, "2026-W48", view, renderer, index.postings))
        sent += 1
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return sent, skipped, peak_kb


def bench_build(subscribers: int, postings: int, workers: int) -> None:
    chunks = [(subscribers * w // workers + 1, subscribers * (w + 1) // workers + 1, postings)
              for w in range(workers)]  # fmt: skip
    t0 = time.perf_counter()
    if workers == 1:
        results = [build_render(chunks[0])]
    else:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.map(build_render, chunks)
    elapsed = time.perf_counter() - t0
    sent = sum(r[0] for r in results)
    skipped = sum(r[1] for r in results)
    peak = max(r[2] for r in results) / 1024
    print(f"build+render: {subscribers} subscribers x {postings} postings, {workers} worker(s)")
    print(f"  digests rendered: {sent}, skipped (no match): {skipped}, in {elapsed:.1f} s")
    print(
        f"  throughput: {subscribers / elapsed:,.0f} subscribers/s, {sent / elapsed:,.0f} digests/s"
    )
    print(f"  peak memory per worker: {peak:,.0f} MiB")


def bench_smtp(messages: int) -> None:
    from aiosmtpd.controller import Controller

    class Counter:
        count = 0

        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            Counter.count += 1
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Counter(), hostname="127.0.0.1", port=port)
    controller.start()
    settings = replace(SETTINGS, mail_url=f"smtp://127.0.0.1:{port}")
    index = PostingIndex(make_postings(500), now=NOW)
    renderer = Renderer(settings)
    rng = random.Random(7)
    msgs = []
    while len(msgs) < messages:
        sub = make_subscriber(len(msgs) + 1, rng)
        p = plan(index, ProfileInput.of(sub.profile), NOW - timedelta(days=7), History(), {}, 30)
        if not p.empty:
            view = make_view(settings, sub, "2026-W48", p, index.postings)
            msgs.append(digest_message(settings, sub, "2026-W48", view, renderer, index.postings))
    transport = transport_from_url(settings.mail_url)
    t0 = time.perf_counter()
    for msg in msgs:
        transport.send(msg)
    transport.close()
    elapsed = time.perf_counter() - t0
    controller.stop()
    size = sum(len(m.as_bytes()) for m in msgs[:50]) / 50 / 1024
    print(f"smtp: {messages} messages (~{size:.0f} KiB each) over one reused connection")
    print(f"  received {Counter.count} in {elapsed:.1f} s: {messages / elapsed:,.0f} messages/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--postings", type=int, default=2_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--smtp-messages", type=int, default=2_000)
    args = parser.parse_args()
    bench_build(args.subscribers, args.postings, args.workers)
    bench_smtp(args.smtp_messages)


if __name__ == "__main__":
    main()
