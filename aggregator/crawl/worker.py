"""The crawl subprocess: ``python -m aggregator.crawl.worker JOB.json OUT_DIR``.

It runs a batch of sources — fetch platforms (feeds over httpx) in a small
thread pool, then every Scrapy source as its own crawler in one
``AsyncCrawlerProcess`` — and writes one ``OUT_DIR/<key>.json`` per source as
soon as that source ends, so a batch killed at the hard timeout still reports
the sources that finished. It never touches the database: the parent ingests.

Job file: ``{"scrapy_settings": {...}, "http": {...}, "sources": [{"source":
{...}, "platform": "module:Class", "kind": "scrapy"|"fetch", "state": {...}}]}``.
Result file: ``{"key", "status": "success"|"partial"|"failed", "message",
"complete", "items": [RawPosting dicts], "record_errors", "error_messages",
"state", "not_modified", "seconds", "normalized"}``. ``normalized`` holds, per item,
``{"org", "org_type", "data"}`` (the item normalized and classified here, in parallel
with the other batches, for that org name and type) or null; the parent uses it when
its own employer lookup gives the same org name and type, and normalizes otherwise.
"""

from __future__ import annotations

import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

from spiders.platforms import load_platform


def write_result(out_dir: Path, key: str, result: dict[str, Any]) -> None:
    result = {"key": key, **result}
    tmp = out_dir / f".{key}.json.tmp"
    tmp.write_text(json.dumps(result, default=str), encoding="utf-8")
    os.replace(tmp, out_dir / f"{key}.json")


def shallow(item: Any) -> Any:
    """A dataclass item as a dict without deep copies (json.dumps walks the rest)."""
    if is_dataclass(item) and not isinstance(item, type):
        return {f.name: getattr(item, f.name) for f in fields(item)}
    return item


def prenormalize(source: dict[str, Any], items: list[dict[str, Any]]) -> list[Any]:
    """Each item normalized as the parent would for this source (None when it fails:
    the parent then normalizes it and reports the problem)."""
    from dataclasses import replace

    from aggregator.items import RawPosting
    from aggregator.normalize.posting import normalize
    from spiders.platforms import board_platforms

    board = source.get("platform") in board_platforms() or source.get("org_type") == "board"
    out: list[Any] = []
    for item in items:
        try:
            raw = RawPosting.from_dict(item)
            if board:
                org, org_type = raw.org, None
            else:
                org, org_type = source["org"], source["org_type"]
                raw = replace(raw, org=org)
            data = normalize(raw, org_type=org_type).to_dict()
            out.append({"org": org, "org_type": org_type, "data": data})
        except Exception:  # the parent normalizes it again and reports why
            out.append(None)
    return out


def outcome(
    obj: Any,
    items: list[Any],
    seconds: float,
    reason: str = "finished",
    source: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The result of one source from its platform object's recorded outcome."""
    payload = [shallow(i) for i in items]
    messages = list(getattr(obj, "error_messages", []))
    failure = getattr(obj, "failure", None)
    partial = list(getattr(obj, "partial_reasons", []))
    errors = int(getattr(obj, "record_errors", 0))
    if failure:
        status, message = "failed", failure
    elif reason != "finished":
        status = "partial" if items else "failed"
        message = f"crawl ended early ({reason})"
    elif partial or errors:
        status = "partial"
        message = "; ".join(partial) or f"{errors} unreadable record(s) skipped"
    else:
        status, message = "success", None
    complete = status == "success" and bool(obj.is_complete())
    return {
        "status": status,
        "message": message,
        "complete": complete,
        "items": payload if status != "failed" else [],
        "record_errors": errors,
        "error_messages": messages,
        "state": getattr(obj, "new_state", None) if status != "failed" else None,
        "not_modified": bool(getattr(obj, "not_modified", False)),
        "seconds": round(seconds, 3),
        "normalized": prenormalize(source, payload) if source and status != "failed" else None,
    }


def failed(message: str, seconds: float = 0.0) -> dict[str, Any]:
    return {
        "status": "failed",
        "message": message,
        "complete": False,
        "items": [],
        "record_errors": 0,
        "error_messages": [message],
        "state": None,
        "not_modified": False,
        "seconds": round(seconds, 3),
    }


def run_fetch(entry: dict[str, Any], http: dict[str, Any], out_dir: Path) -> None:
    key = entry["source"]["key"]
    started = time.monotonic()
    try:
        cls = load_platform(entry["platform"])
        obj = cls(entry["source"], http=http, state=entry.get("state") or {})
        items = obj.run()
        result = outcome(obj, items, time.monotonic() - started, source=entry["source"])
    except Exception as exc:  # isolate one source's bug from the batch
        result = failed(f"{type(exc).__name__}: {exc}", time.monotonic() - started)
    write_result(out_dir, key, result)


class Collector:
    """Receives Scrapy signals for one crawler (held strongly: signals are weak refs)."""

    def __init__(self, key: str, out_dir: Path, source: dict[str, Any] | None = None) -> None:
        self.key = key
        self.source = source
        self.out_dir = out_dir
        self.items: list[Any] = []
        self.started = time.monotonic()
        self.crashes: list[str] = []

    def item_scraped(self, item: Any, response: Any = None, spider: Any = None) -> None:
        self.items.append(item)

    def spider_error(self, failure: Any, response: Any = None, spider: Any = None) -> None:
        self.crashes.append(f"spider error: {failure.getErrorMessage()}"[:500])

    def spider_closed(self, spider: Any, reason: str = "finished") -> None:
        if self.crashes and getattr(spider, "failure", None) is None:
            spider.fail(self.crashes[0])
        write_result(
            self.out_dir,
            self.key,
            outcome(spider, self.items, time.monotonic() - self.started, reason, self.source),
        )


def run_scrapy(entries: list[dict[str, Any]], settings: dict[str, Any], out_dir: Path) -> None:
    from scrapy import signals
    from scrapy.crawler import AsyncCrawlerProcess

    process = AsyncCrawlerProcess(settings)
    collectors: list[Collector] = []
    for entry in entries:
        key = entry["source"]["key"]
        try:
            crawler = process.create_crawler(load_platform(entry["platform"]))
            collector = Collector(key, out_dir, entry["source"])
            crawler.signals.connect(collector.item_scraped, signal=signals.item_scraped)
            crawler.signals.connect(collector.spider_error, signal=signals.spider_error)
            crawler.signals.connect(collector.spider_closed, signal=signals.spider_closed)
            collectors.append(collector)
            process.crawl(crawler, source=entry["source"])
        except Exception as exc:
            write_result(
                out_dir, key, failed(f"cannot start the crawl: {type(exc).__name__}: {exc}")
            )
    if collectors:
        process.start()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m aggregator.crawl.worker JOB.json OUT_DIR", file=sys.stderr)
        return 2
    job = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    out_dir = Path(args[1])
    entries = job["sources"]
    fetches = [e for e in entries if e.get("kind") == "fetch"]
    crawls = [e for e in entries if e.get("kind") != "fetch"]
    if fetches:
        with ThreadPoolExecutor(max_workers=min(4, len(fetches))) as pool:
            list(pool.map(lambda e: run_fetch(e, job.get("http", {}), out_dir), fetches))
    if crawls:
        run_scrapy(crawls, job.get("scrapy_settings", {}), out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
