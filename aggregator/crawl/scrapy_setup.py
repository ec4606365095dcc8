"""Scrapy settings for the crawl subprocess and the Retry-After/backoff middleware.

Politeness: an identifying user agent, robots.txt obeyed by the HTML platforms
(their ``custom_settings``), AutoThrottle whenever a download delay is set,
retries with exponential backoff and ``Retry-After`` honoured, timeouts, a 10 MiB
response cap, no telnet console or remote control, no ``file:``/``data:``/``ftp:``
handlers, cookies off, and an optional on-disk HTTP cache for development.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
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
        },
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "DOWNLOAD_HANDLERS": {"file": None, "data": None, "ftp": None, "s3": None},
        "COOKIES_ENABLED": False,
        "HTTPCACHE_ENABLED": settings.http_cache,
        "HTTPCACHE_DIR": str((settings.data_path / "httpcache").resolve()),
        "CLOSESPIDER_TIMEOUT": max(int(settings.crawl_timeout_seconds * 0.8), 1),
        "DEPTH_LIMIT": 3,
        "LOG_LEVEL": "ERROR",
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
    }


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
    than ``RETRY_AFTER_MAX`` is not waited for: the response is passed on as the
    error it is, so the run fails clearly instead of hanging.
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
        await asyncio.sleep(asked if asked is not None else self._backoff(retry))
        return retry

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception, spider: Any = None
    ) -> Request | Response | None:
        result = RetryMiddleware.process_exception(self, request, exception)
        if isinstance(result, Request):
            await asyncio.sleep(self._backoff(result))
        return result
