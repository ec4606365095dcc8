"""Ingest throughput: 200 sources x 50 postings on a fresh SQLite database.

Prints figures (first crawl: all new; second crawl: all unchanged; normalize() alone;
then a first crawl of fresh sources with the items already normalized, as the crawl
subprocesses hand them to the parent; last, a raw SQLite insert of the same rows: the
postings, listings and tags the first crawl stored, copied by ``executemany`` in one
transaction into an empty copy of the schema, and the ratio of the pre-normalized crawl
to it). Each source is recorded as the crawl runner records one (``cyclic_gc_between_sources``:
the cyclic collector off while a source is stored, its young generations collected after).
Rates are per CPU second of this process (the machine may be shared); wall
times are printed too. It asserts nothing. Issue 15's target: >= 2,500 postings/s
pre-normalized, and >= 1/20 of the raw insert.
Run: .venv/bin/python bench/ingest.py [sources] [per_source]
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from aggregator.crawl.runner import cyclic_gc_between_sources
from aggregator.crawl.worker import prenormalize
from aggregator.db.engine import make_engine
from aggregator.db.migrate import upgrade_database
from aggregator.db.models import Organization, Source
from aggregator.items import RawPosting
from aggregator.normalize.posting import normalize
from aggregator.store.ingest import ingest_items

TITLES = ["Research Engineer", "Research Scientist, Interpretability", "Policy Analyst",
          "Operations Manager", "Software Engineer, Evals", "Program Manager"]  # fmt: skip
PLACES = ["London, UK", "San Francisco, CA", "Remote (US)", "Berlin", "Hybrid - Oxford"]
DESCRIPTION = (
    "<h2>About the role</h2><p>You will work on interpretability and evaluations of large "
    "models with our alignment team.</p><ul><li>Python</li><li>PyTorch</li></ul>"
    "<p>Salary: $150,000 - $200,000 per year. Applications close 15 January 2027.</p>"
) * 3


def items(source: int, count: int) -> list[RawPosting]:
    return [
        RawPosting(
            source_key=f"bench:{source}",
            external_id=f"{source}-{i}",
            org=f"Org {source}",
            title=f"{TITLES[i % len(TITLES)]} {i}",
            url=f"https://jobs.example.org/org{source}/{i}?utm_source=x",
            description_html=DESCRIPTION,
            locations=[PLACES[i % len(PLACES)]],
            employment_type="Full-time",
        )
        for i in range(count)
    ]


def raw_insert(database: Path, folder: str) -> tuple[int, float]:
    """Postings per CPU second of a plain ``executemany`` of the stored rows (postings, their
    listings and tags) into an empty copy of the schema: the floor an ingest can reach."""
    source = sqlite3.connect(database)
    tables = ("postings", "posting_sources", "posting_tags")
    target = sqlite3.connect(Path(folder) / "raw.db")
    target.execute("PRAGMA journal_mode=WAL")
    target.execute("PRAGMA synchronous=NORMAL")
    for name in ("organizations", "sources", *tables):
        (ddl,) = source.execute("SELECT sql FROM sqlite_master WHERE name = ?", (name,)).fetchone()
        target.execute(ddl)
    for name in ("organizations", "sources"):
        rows = source.execute(f"SELECT * FROM {name}").fetchall()
        target.executemany(f"INSERT INTO {name} VALUES ({','.join('?' * len(rows[0]))})", rows)
    target.commit()
    copies = {name: source.execute(f"SELECT * FROM {name}").fetchall() for name in tables}
    start = time.process_time()
    with target:
        for name, rows in copies.items():
            marks = ",".join("?" * len(rows[0]))
            target.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)
    elapsed = time.process_time() - start
    count = len(copies["postings"])
    source.close()
    target.close()
    return count, count / elapsed


def main() -> None:
    n_sources = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    per_source = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade_database(engine)
        batches = [items(s, per_source) for s in range(n_sources)]
        start = time.perf_counter()
        for batch in batches[:20]:
            for raw in batch:
                normalize(raw)
        normalized = 20 * per_source
        per_item = (time.perf_counter() - start) / normalized * 1000
        print(f"normalize(): {per_item:.2f} ms per item ({normalized} items)")
        with Session(engine) as session:
            sources, fresh = [], []
            for s in range(n_sources):
                org = Organization(slug=f"org-{s}", name=f"Org {s}", org_type="lab")
                sources.append(Source(key=f"bench:{s}", platform="greenhouse", organization=org))
                fresh.append(Source(key=f"pre:{s}", platform="greenhouse", organization=org))
            session.add_all(sources + fresh)
            session.commit()
            now = datetime.now(UTC)
            job = {"org_type": "lab", "platform": "greenhouse"}
            other = [  # other postings (URLs) of the same organizations
                [
                    replace(r, source_key=f"pre:{s}", url=r.url.replace("org", "other"), title=t)
                    for r in b
                    if (t := f"{r.title} (second team)")
                ]
                for s, b in enumerate(batches)
            ]
            pre = [
                prenormalize({**job, "org": f"Org {s}"}, [r.to_dict() for r in batch])
                for s, batch in enumerate(other)
            ]
            rates: dict[str, float] = {}
            for label, when, targets, crawled, normalized in (
                ("first crawl (new)", now, sources, batches, None),
                ("second crawl (same)", now + timedelta(hours=12), sources, batches, None),
                ("first crawl, normalized in the crawl subprocesses", now, fresh, other, pre),
            ):
                start, cpu = time.perf_counter(), time.process_time()
                totals: dict[str, int] = {}
                for index, (source, batch) in enumerate(zip(targets, crawled, strict=True)):
                    with cyclic_gc_between_sources():
                        result = ingest_items(
                            session,
                            source,
                            batch,
                            complete=True,
                            now=when,
                            normalized=normalized[index] if normalized else None,
                        )
                        session.commit()
                    for key in ("new", "updated", "unchanged", "errors"):
                        totals[key] = totals.get(key, 0) + getattr(result, key)
                elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
                total = n_sources * per_source
                rates[label] = total / cpu
                print(
                    f"{label}: {n_sources} sources x {per_source} = {total} items in "
                    f"{elapsed:.1f} s wall ({total / elapsed:.0f} items/s), {cpu:.1f} s CPU "
                    f"({total / cpu:.0f} items per CPU s) {totals}"
                )
        engine.dispose()
        count, raw_rate = raw_insert(Path(folder) / "bench.db", folder)
        ingest_rate = rates["first crawl, normalized in the crawl subprocesses"]
        print(
            f"raw SQLite insert of the same rows: {count} postings (with listings and tags) "
            f"at {raw_rate:.0f} postings per CPU s; pre-normalized ingest / raw = "
            f"1/{raw_rate / ingest_rate:.0f} (target >= 2,500/s and >= 1/20)"
        )


if __name__ == "__main__":
    main()
