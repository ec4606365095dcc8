"""The crawl subprocess: ``python -m aggregator.crawl.worker JOB.json OUT_DIR``.

It runs a batch of sources, each as its own crawler in one
``AsyncCrawlerProcess``, and writes one ``OUT_DIR/<key>.json`` per source as soon
as that source ends, so a batch killed at the hard timeout still reports the
sources that finished. Each source has its own deadline (``CLOSESPIDER_TIMEOUT``,
with every download cut at it: see :mod:`aggregator.crawl.scrapy_setup`), so a slow
source ends as ``timeout`` while the others of its batch go on. A watchdog thread
ends this process when its parent is gone or its own hard deadline passes, so a
killed parent never leaves a crawl running. It never touches the database: the
parent ingests.

Job file: ``{"scrapy_settings": {...}, "parent_pid": int, "deadline_seconds": float,
"employers": {org key: [id, name, org_type]}, "sources": [{"source": {...}, "platform":
"module:Class", "state": {...}}]}``.
Result file: ``{"key", "status": "success"|"partial"|"failed"|"timeout", "message",
"complete", "items": [RawPosting dicts], "record_errors", "error_messages",
"state", "not_modified", "seconds", "normalized"}``. ``normalized`` holds, per item,
``{"org", "org_type", "data"}`` (the item normalized and classified here, in parallel
with the other batches, for that org name and type: the source's own, or for a board the
employer ``employers`` resolves) or null; the parent uses it when its own employer lookup
gives the same org name and type and taxonomy version, and normalizes otherwise.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
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


def prenormalize(
    source: dict[str, Any], items: list[dict[str, Any]], employers: Any = None
) -> list[Any]:
    """Each item normalized as the parent would for this source (None when it fails:
    the parent then normalizes it and reports the problem). A board's items get the
    employer the parent's directory (``employers``, from the job) resolves them to."""
    from dataclasses import replace

    from aggregator.items import RawPosting
    from aggregator.normalize.posting import normalize
    from aggregator.store.employers import directory_from_job, resolve
    from spiders.platforms import board_platforms

    board = source.get("platform") in board_platforms() or source.get("org_type") == "board"
    directory = directory_from_job(employers) if board else {}
    out: list[Any] = []
    for item in items:
        try:
            raw = RawPosting.from_dict(item)
            if board:
                found = resolve(None, True, raw.org, raw.apply_url, directory)
                org, org_type = (found.name, found.org_type) if found else (raw.org, None)
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
    employers: Any = None,
) -> dict[str, Any]:
    """The result of one source from its platform object's recorded outcome."""
    payload = [shallow(i) for i in items]
    messages = list(getattr(obj, "error_messages", []))
    failure = getattr(obj, "failure", None)
    partial = list(getattr(obj, "partial_reasons", []))
    errors = int(getattr(obj, "record_errors", 0))
    if reason == "closespider_timeout":  # its deadline passed: nothing of it is kept
        limit = getattr(obj, "deadline_seconds", None) or round(seconds)
        status = "timeout"
        message = f"took longer than {limit:g} s (setting source_timeout_seconds)"
        if failure:
            message += f"; last error: {failure}"
    elif failure:
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
    kept = status in ("success", "partial")
    return {
        "status": status,
        "message": message,
        "complete": complete,
        "items": payload if kept else [],
        "record_errors": errors,
        "error_messages": messages,
        "state": getattr(obj, "new_state", None) if kept else None,
        "not_modified": bool(getattr(obj, "not_modified", False)),
        "seconds": round(seconds, 3),
        "normalized": prenormalize(source, payload, employers) if source and kept else None,
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


class Collector:
    """Receives Scrapy signals for one crawler (held strongly: signals are weak refs)."""

    def __init__(
        self,
        key: str,
        out_dir: Path,
        source: dict[str, Any] | None = None,
        employers: Any = None,
    ) -> None:
        self.key = key
        self.source = source
        self.employers = employers
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
            outcome(
                spider,
                self.items,
                time.monotonic() - self.started,
                reason,
                self.source,
                self.employers,
            ),
        )


def run_scrapy(
    entries: list[dict[str, Any]],
    settings: dict[str, Any],
    out_dir: Path,
    employers: Any = None,
) -> None:
    from scrapy import signals
    from scrapy.crawler import AsyncCrawlerProcess

    process = AsyncCrawlerProcess(settings)
    collectors: list[Collector] = []
    for entry in entries:
        key = entry["source"]["key"]
        try:
            crawler = process.create_crawler(load_platform(entry["platform"]))
            collector = Collector(key, out_dir, entry["source"], employers)
            crawler.signals.connect(collector.item_scraped, signal=signals.item_scraped)
            crawler.signals.connect(collector.spider_error, signal=signals.spider_error)
            crawler.signals.connect(collector.spider_closed, signal=signals.spider_closed)
            collectors.append(collector)
            process.crawl(crawler, source=entry["source"], state=entry.get("state") or {})
        except Exception as exc:
            write_result(
                out_dir, key, failed(f"cannot start the crawl: {type(exc).__name__}: {exc}")
            )
    if collectors:
        process.start()


def watch(parent_pid: int, deadline_seconds: float, interval: float = 0.5) -> None:
    """End this process at once when the parent is gone or the hard deadline passes.

    A parent killed with SIGKILL cannot kill its crawl: the worker is re-parented, so
    it polls its parent id (cheap, and works where PR_SET_PDEATHSIG does not: the
    parent forks from a pool thread, and that signal follows the thread).
    """
    ends = time.monotonic() + deadline_seconds

    def run() -> None:
        while True:
            if os.getppid() != parent_pid:
                os._exit(70)
            if time.monotonic() >= ends:
                print(f"crawl worker passed its {deadline_seconds:g} s limit", file=sys.stderr)
                os._exit(71)
            time.sleep(interval)

    threading.Thread(target=run, name="watchdog", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m aggregator.crawl.worker JOB.json OUT_DIR", file=sys.stderr)
        return 2
    job = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    if job.get("parent_pid"):
        watch(int(job["parent_pid"]), float(job.get("deadline_seconds") or 3600))
    if job["sources"]:
        run_scrapy(
            job["sources"], job.get("scrapy_settings", {}), Path(args[1]), job.get("employers")
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
