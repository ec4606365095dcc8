"""Text search at real size: one page of results (``search_rows``, what /api/postings and
the list run) for prefix, synonym and common-word searches, sorted newest and by relevance
(the default of a search), over the postings ``bench/web.py`` seeds (50,000; each
description draws 120 words from 34, so a common word is in almost every posting: the
worst case for ranking).

Usage: ``python bench/search.py [--db sqlite|postgres|both] [--keep DIR] [--rounds N]``.
With ``--keep`` the databases of ``bench/web.py --keep DIR`` are reused (or made). Prints
p50 / p95 in ms per search and order, and the number of matches.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web import seed, seeded_url

from aggregator.db.engine import make_engine
from aggregator.db.migrate import upgrade_database
from aggregator.search import search_rows
from aggregator.search.counts import count_matching
from aggregator.search.validate import build_filter

SEARCHES = ["interp", "interpretability", "mech interp", "AISI", "gov", "safety",
            "governance policy", "clus"]  # fmt: skip
ORDERS = ["newest", "relevance"]


def run(name: str, url: str, postings: int, rounds: int) -> None:
    engine = make_engine(url)
    upgrade_database(engine)
    with engine.connect() as conn:
        present = int(conn.execute(text("SELECT count(*) FROM postings")).scalar() or 0)
    if not present:
        seed(url, postings)
    print(f"[{name}] {max(present, postings):,} postings; p50 / p95 ms of one page of 20")
    print(f"[{name}]   {'search':<20} {'matches':>8} " + " ".join(f"{o:>18}" for o in ORDERS))
    for q in SEARCHES:
        cells = []
        for order in ORDERS:
            f = build_filter(q=q, sort=order)
            times = []
            for _ in range(rounds + 1):  # the first fills the minute caches: not counted
                with Session(engine) as session:
                    start = time.perf_counter()
                    search_rows(session, f, limit=20)
                    times.append((time.perf_counter() - start) * 1000)
            kept = sorted(times[1:])
            p95 = kept[min(len(kept) - 1, int(len(kept) * 0.95))]
            cells.append(f"{statistics.median(kept):8.1f} / {p95:7.1f}")
        with Session(engine) as session:
            matches = count_matching(session, build_filter(q=q))
        print(f"[{name}]   {q:<20} {matches:>8,} " + " ".join(f"{c:>18}" for c in cells))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--postings", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--keep", metavar="DIR", help="reuse (or make) bench/web.py's databases")
    args = parser.parse_args()
    for db in ("sqlite", "postgres"):
        if args.db in (db, "both"):
            with seeded_url(db, args.postings, args.keep) as url:
                run(db, url, args.postings, args.rounds)


if __name__ == "__main__":
    main()
