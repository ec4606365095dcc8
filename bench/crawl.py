"""Crawl benchmark: 200 Greenhouse-format boards x 50 postings served from 127.0.0.1.

Runs the real path (registry -> batch subprocesses -> ingest into a fresh SQLite
database, or --db URL) and PRINTS wall time, postings/s and peak memory (this
process and the largest crawl subprocess). Target: under 60 s and 400 MB on 2 cores.

    .venv/bin/python bench/crawl.py [--sources 200] [--postings 50] [--db URL|postgres]

``--db postgres`` creates a private database on 127.0.0.1:5432 (``$AISAFETY_JOBS_BENCH_PG``
for another admin URL: bench/databases.py) and drops it afterwards.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import threading
import time
from contextlib import nullcontext
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from databases import postgres_url

from aggregator.crawl.runner import crawl_sources
from aggregator.settings import load_settings

ROLES = [
    "Research Engineer",
    "Research Scientist",
    "Policy Analyst",
    "Operations Lead",
    "Software Engineer",
    "Program Manager",
    "Fellow",
    "Recruiter",
    "Data Scientist",
]
CITIES = ["London, UK", "San Francisco, CA", "Remote", "Berkeley, CA", "Oxford, UK"]


BODY = "Work on AI safety evaluations and interpretability. " * 20


def board(index: int, postings: int, body: str = BODY) -> bytes:
    jobs = []
    for j in range(postings):
        jid = index * 100_000 + j
        jobs.append(
            {
                "id": jid,
                "internal_job_id": jid,
                "title": f"{ROLES[j % len(ROLES)]} {j} (Team {index})",
                "absolute_url": f"https://job-boards.greenhouse.io/org{index}/jobs/{jid}",
                "location": {"name": CITIES[(index + j) % len(CITIES)]},
                "updated_at": "2026-10-01T10:00:00-04:00",
                "first_published": "2026-09-01T10:00:00-04:00",
                "content": f"&lt;p&gt;{body}&lt;/p&gt;",
                "departments": [{"id": 1, "name": "Research"}],
                "offices": [],
            }
        )
    return json.dumps({"jobs": jobs, "meta": {"total": postings}}).encode()


def serve(payloads: dict[str, bytes]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = payloads.get(self.path.split("?")[0])
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sources", type=int, default=200)
    parser.add_argument("--postings", type=int, default=50)
    parser.add_argument("--db", default="")
    parser.add_argument("--batch-size", type=int, default=25)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()
    payloads = {f"/b/{i}.json": board(i, args.postings) for i in range(args.sources)}
    server = serve(payloads)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    with (
        tempfile.TemporaryDirectory() as tmp,
        postgres_url() if args.db == "postgres" else nullcontext(args.db) as db_url,
    ):
        registry = Path(tmp) / "sources.toml"
        registry.write_text(
            "".join(
                f'[[sources]]\nkey = "org{i}"\norg = "Bench Org {i}"\norg_type = "lab"\n'
                f'platform = "greenhouse"\ntoken = "org{i}"\nurl = "{base}/b/{i}.json"\n\n'
                for i in range(args.sources)
            )
        )
        settings = replace(
            load_settings(environ={}, overrides={"data_dir": tmp, "database_url": db_url}),
            download_delay=0.0,
            crawl_batch_size=args.batch_size,
            crawl_concurrency=args.concurrency,
        )
        started = time.monotonic()
        results = crawl_sources(settings, sources_file=str(registry))
        wall = time.monotonic() - started
    server.shutdown()
    stored = sum(r.new + r.updated for r in results)
    failed = [r.key for r in results if not r.ok]
    parent_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"sources:          {args.sources} x {args.postings} postings "
        f"(batch {args.batch_size}, concurrency {args.concurrency})"
    )
    print(f"database:         {'postgresql' if args.db == 'postgres' else args.db or 'sqlite'}")
    print(f"postings stored:  {stored} (failed sources: {len(failed)})")
    print(f"wall time:        {wall:.1f} s")
    print(f"postings/s:       {stored / wall:.0f}")
    print(
        f"peak memory:      parent {parent_mb:.0f} MB, largest crawl subprocess {child_mb:.0f} MB"
    )


if __name__ == "__main__":
    main()
