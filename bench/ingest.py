"""Ingest throughput: 200 sources x 50 postings on a fresh SQLite database.

Prints figures (first crawl: all new; second crawl: all unchanged; normalize() alone;
then a first crawl of fresh sources with the items already normalized, as the crawl
subprocesses hand them to the parent); it asserts nothing.
Run: .venv/bin/python bench/bench_ingest.py [sources] [per_source]
"""

from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

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
            for label, when, targets, crawled, normalized in (
                ("first crawl (new)", now, sources, batches, None),
                ("second crawl (same)", now + timedelta(hours=12), sources, batches, None),
                ("first crawl, normalized in the crawl subprocesses", now, fresh, other, pre),
            ):
                start = time.perf_counter()
                totals: dict[str, int] = {}
                for index, (source, batch) in enumerate(zip(targets, crawled, strict=True)):
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
                elapsed = time.perf_counter() - start
                total = n_sources * per_source
                print(
                    f"{label}: {n_sources} sources x {per_source} = {total} items in "
                    f"{elapsed:.1f} s ({total / elapsed:.0f} items/s) {totals}"
                )
        engine.dispose()


if __name__ == "__main__":
    main()
