"""Scrapy settings for the crawl subprocess: the one HTTP and politeness policy.

Every source (JSON APIs, HTML pages, RSS/Atom feeds) is fetched through these
settings. Politeness: an identifying user agent, robots.txt obeyed by the HTML
platforms (their ``custom_settings``), AutoThrottle whenever a download delay is
set, two retries with exponential backoff and ``Retry-After`` honoured (seconds or
an HTTP date, up to 60 s), a per-request timeout (the whole download, not each
read), a 10 MiB response cap, no telnet console or remote control, no
``file:``/``data:``/``ftp:`` handlers, cookies off, and an optional on-disk HTTP
cache for development.

Each source also has a total deadline (``source_timeout_seconds``): Scrapy's
``CLOSESPIDER_TIMEOUT`` closes its spider then, and :class:`DeadlineMiddleware` cuts
every download and retry wait at that moment, so a source dripping one byte a
second cannot outlive it (nor hold up the other sources of its batch).
"""

from __future__ import annotations

import asyncio
import math
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.response import response_status_message

from aggregator.settings import Settings

MAX_RESPONSE_BYTES = 10 * 1024 * 1024
RETRY_AFTER_MAX_SECONDS = 60.0


def scrapy_settings(settings: Settings) -> dict[str, Any]:
    delay = settings.download_delay
    return {
        "BOT_NAME": "aisafety-jobs",
        "USER_AGENT": settings.user_agent,
        "ROBOTSTXT_OBEY": False,  # the HTML platforms turn it on for themselves
        "DOWNLOAD_DELAY": delay,
        "RANDOMIZE_DOWNLOAD_DELAY": delay > 0,
        "AUTOTHROTTLE_ENABLED": delay > 0,
        "AUTOTHROTTLE_START_DELAY": max(delay, 1.0),
        "AUTOTHROTTLE_MAX_DELAY": 60.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1 if delay > 0 else 8,
        "DOWNLOAD_TIMEOUT": settings.download_timeout_seconds,
        "DNS_TIMEOUT": 15,
        "DOWNLOAD_MAXSIZE": MAX_RESPONSE_BYTES,
        "DOWNLOAD_WARNSIZE": 2 * 1024 * 1024,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": 2,
        "RETRY_BACKOFF_BASE": max(delay, 1.0) if delay > 0 else 0.1,
        "RETRY_AFTER_MAX": RETRY_AFTER_MAX_SECONDS,
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "aggregator.crawl.scrapy_setup.BackoffRetryMiddleware": 550,
            # after DownloadTimeoutMiddleware (350), which sets the per-request timeout
            "aggregator.crawl.scrapy_setup.DeadlineMiddleware": 360,
        },
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "DOWNLOAD_HANDLERS": {"file": None, "data": None, "ftp": None, "s3": None},
        "COOKIES_ENABLED": False,
        "HTTPCACHE_ENABLED": settings.http_cache,
        "HTTPCACHE_DIR": str((settings.data_path / "httpcache").resolve()),
        "CLOSESPIDER_TIMEOUT": settings.source_timeout_seconds,
        "DEPTH_LIMIT": 3,
        "LOG_LEVEL": "ERROR",
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
    }


def remaining(spider: Spider | None) -> float:
    """Seconds left before the spider's deadline (infinite when it has none)."""
    deadline_at = getattr(spider, "deadline_at", None)
    return math.inf if deadline_at is None else deadline_at - time.monotonic()


class DeadlineMiddleware:
    """Cut every download of a source at its deadline (``CLOSESPIDER_TIMEOUT``).

    Scrapy's ``download_timeout`` bounds one whole download, but retries and
    pagination could still add up past the deadline, and closing a spider waits
    for the downloads in flight. Each request's timeout is therefore clipped to
    the time left, and no request starts once it is gone.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.seconds = crawler.settings.getfloat("CLOSESPIDER_TIMEOUT")
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DeadlineMiddleware:
        return cls(crawler)

    def spider_opened(self, spider: Spider) -> None:
        if self.seconds > 0:
            spider.deadline_seconds = self.seconds  # type: ignore[attr-defined]
            spider.deadline_at = time.monotonic() + self.seconds  # type: ignore[attr-defined]

    def process_request(self, request: Request, spider: Any = None) -> None:
        left = remaining(self.crawler.spider)
        if left <= 0:
            raise IgnoreRequest(f"not fetched: the source's {self.seconds:g} s deadline passed")
        if math.isfinite(left):
            current = request.meta.get("download_timeout") or left
            request.meta["download_timeout"] = max(min(current, left), 0.001)


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds asked by a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if value is None:
        return None
    raw = value.decode("latin-1") if isinstance(value, bytes) else value
    raw = raw.strip()
    if raw.isdigit():
        return float(raw)
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - (now or datetime.now(UTC))).total_seconds(), 0.0)


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry middleware plus exponential backoff and ``Retry-After``.

    A retryable status (429, 5xx…) waits ``Retry-After`` when given, else
    ``base * 2**(attempt-1)`` seconds, before the retry. A ``Retry-After`` longer
    than ``RETRY_AFTER_MAX``, or than the time left before the source's deadline, is
    not waited for: the response is passed on as the error it is, so the run fails
    clearly instead of hanging.
    """

    def __init__(self, settings: BaseSettings):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.retry_after_max = settings.getfloat("RETRY_AFTER_MAX", RETRY_AFTER_MAX_SECONDS)

    def _backoff(self, request: Request) -> float:
        attempt = int(request.meta.get("retry_times", 1))
        return float(min(self.backoff_base * 2 ** max(attempt - 1, 0), 30.0))

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        asked = retry_after_seconds(response.headers.get(b"Retry-After"))
        if asked is not None and asked > self.retry_after_max:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        wait = asked if asked is not None else self._backoff(retry)
        if wait >= remaining(self.crawler.spider):
            return response
        await asyncio.sleep(wait)
        return retry

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception, spider: Any = None
    ) -> Request | Response | None:
        result = RetryMiddleware.process_exception(self, request, exception)
        if isinstance(result, Request):
            wait = self._backoff(result)
            if wait >= remaining(self.crawler.spider):
                return None
            await asyncio.sleep(wait)
        return result
