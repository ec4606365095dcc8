"""Base classes shared by every platform spider.

A *platform* is a class with a ``name`` (the ``platform = "..."`` value in
``config/sources.toml``) and a few class attributes the registry reads:

* ``is_board`` – a second-hand listing of many employers (a job board, a feed)
  rather than one employer's own ATS: its items name their employer, and an
  employer's own source wins over it when both list a posting;
* ``requires_token`` – the source must give a ``token`` (board slug);
* ``requires_url`` – the source must give a ``url`` (no default endpoint);
* ``Options`` – a :class:`PlatformOptions` model declaring the typed options a
  source may set; the registry validates them when it loads;
* ``url_replaces`` – what a source's ``url`` replaces (the docs' platform table
  is generated from it);
* ``needs_settings`` – settings that must be non-empty for the platform to run
  (an API key); without them its sources are skipped;
* ``min_interval_hours`` – the scheduler never crawls such a source more often.

Every platform is a Scrapy spider, so every source goes through one HTTP stack with
one retry, ``Retry-After``, timeout, size-cap and deadline policy
(:mod:`aggregator.crawl.scrapy_setup`).

Spiders never classify: they turn each record into an
:class:`aggregator.items.RawPosting` exactly as the source gave it. A record that
cannot be read is skipped and counted (``record_errors``); a failure of the
listing itself (HTTP error, not JSON, unknown board…) fails the whole run, which
then closes nothing.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any, ClassVar, Literal
from urllib.parse import urlencode

import scrapy
from pydantic import BaseModel, ConfigDict
from scrapy import signals
from scrapy.http import Response
from twisted.python.failure import Failure

from aggregator.items import RawPosting

MAX_ERROR_MESSAGES = 20
logger = logging.getLogger(__name__)


class PlatformOptions(BaseModel):
    """The options a source may set for a platform: subclasses declare typed fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class AllowEmptyOptions(PlatformOptions):
    #: an empty listing is healthy (else it fails the run: unknown board or redesign)
    allow_empty: bool = False


class HostOptions(PlatformOptions):
    #: the tenant's region (EU tenants of Greenhouse and Lever are absent from the US host)
    host: Literal["us", "eu"] = "us"


class PlatformMixin:
    """Registry-facing metadata of a platform."""

    name: ClassVar[str] = ""
    is_board: ClassVar[bool] = False
    requires_token: ClassVar[bool] = False
    requires_url: ClassVar[bool] = False
    Options: ClassVar[type[PlatformOptions]] = PlatformOptions
    min_interval_hours: ClassVar[float | None] = None
    url_replaces: ClassVar[str] = ""
    needs_settings: ClassVar[tuple[str, ...]] = ()
    #: False for platforms that read something other than postings (program pages)
    registry_source: ClassVar[bool] = True


class RunOutcome:
    """What one run of a source produced.

    Call :meth:`fail` for a failure that voids the run, :meth:`incomplete` when
    some secondary page is missing (the items found are kept, nothing is closed)
    and :meth:`record_error` for a single unreadable record (skipped, counted).
    ``state`` is the source's stored state (e.g. conditional-GET validators): set
    ``new_state`` to replace it after a successful run and ``not_modified`` when the
    source answered that nothing changed.
    """

    #: a run that ends without fail()/incomplete() lists the whole source
    complete_crawl: ClassVar[bool] = True

    def init_outcome(self, source: dict[str, Any], state: dict[str, Any] | None = None) -> None:
        self.state: dict[str, Any] = dict(state or {})
        self.new_state: dict[str, Any] | None = None
        self.not_modified = False
        self.source = source
        self.source_key: str = str(source.get("key", ""))
        self.org: str = str(source.get("org", ""))
        self.token: str = str(source.get("token") or "")
        self.url_override: str = str(source.get("url") or "")
        self.opts: dict[str, Any] = dict(source.get("options") or {})
        #: values of the platform's ``needs_settings`` (given by the crawl runner)
        self.settings_values: dict[str, Any] = dict(source.get("settings") or {})
        self.failure: str | None = None
        self.partial_reasons: list[str] = []
        self.record_errors = 0
        #: records a parser failed on with something other than ValueError (bugs)
        self.parser_bugs = 0
        self.error_messages: list[str] = []

    def fail(self, message: str) -> None:
        if self.failure is None:
            self.failure = message
        self._message(message)

    def incomplete(self, message: str) -> None:
        self.partial_reasons.append(message)
        self._message(message)

    def record_error(self, message: str) -> None:
        self.record_errors += 1
        self._message(message)

    def _message(self, message: str) -> None:
        if len(self.error_messages) < MAX_ERROR_MESSAGES:
            self.error_messages.append(message[:500])

    def is_complete(self) -> bool:
        """Did this run list the whole source, so that missing postings may be closed?"""
        return (
            self.complete_crawl
            and self.failure is None
            and not self.partial_reasons
            and not self.record_errors
        )

    def emit(
        self, records: Iterable[Any], parse: Callable[[Any], RawPosting | None]
    ) -> Iterator[RawPosting]:
        """Parse each record; garbage is skipped and counted, never raised.

        A parser refuses garbage with ValueError. Any other exception is a parser bug: the
        record is still skipped (one record never stops a crawl), but it is counted in
        ``parser_bugs`` and logged with its traceback, so tests and logs see it.
        """
        for record in records:
            try:
                item = parse(record)
            except ValueError as exc:
                self.record_error(f"unreadable record skipped: {exc}")
                continue
            except Exception as exc:
                self.parser_bugs += 1
                logger.exception("parser bug in %s, record skipped", self.source_key)
                self.record_error(f"record skipped (parser bug): {type(exc).__name__}: {exc}")
                continue
            if item is not None:
                yield item


class PlatformSpider(PlatformMixin, RunOutcome, scrapy.Spider):
    """A spider reading one source; configured by its registry entry.

    Subclasses implement :meth:`first_requests` and the callbacks.
    """

    custom_settings: ClassVar[dict[str, Any]] = {"ROBOTSTXT_OBEY": False}

    def __init__(
        self,
        source: dict[str, Any] | None = None,
        state: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=self.name or "platform", **kwargs)
        self.init_outcome(dict(source or {}), state)

    def _set_crawler(self, crawler: Any) -> None:
        super()._set_crawler(crawler)
        crawler.signals.connect(self.on_dropped, signal=signals.request_dropped)

    def on_dropped(self, request: scrapy.Request, spider: Any = None) -> None:
        """A request the scheduler refused (already fetched in this run: a redirect back
        to an address seen) gets no callback and no errback; without this the run
        would end "successfully" with nothing listed and close every posting."""
        message = f"{request.url} redirects back to an address already fetched (a redirect loop)"
        if request.errback == self.on_error:
            self.fail(message)
        elif request.errback == self.on_secondary_error:
            self.incomplete(message)

    def on_error(self, failure: Failure) -> None:
        """Errback of the listing requests: the whole run fails."""
        self.fail(describe_failure(failure, self._max_bytes()))

    def on_secondary_error(self, failure: Failure) -> None:
        """Errback of detail pages: the run is kept but is not complete."""
        self.incomplete(describe_failure(failure, self._max_bytes()))

    def _max_bytes(self) -> int | None:
        crawler = getattr(self, "crawler", None)
        return crawler.settings.getint("DOWNLOAD_MAXSIZE") if crawler is not None else None

    # -- requests ------------------------------------------------------------------
    def endpoint(self, default: str, params: dict[str, Any] | None = None) -> str:
        """``default`` or the source's ``url`` override, with ``params`` appended."""
        return with_params(self.url_override or default, params or {})

    def request(self, url: str, callback: Callable[..., Any], **kwargs: Any) -> scrapy.Request:
        return scrapy.Request(url, callback=callback, errback=self.on_error, **kwargs)

    def first_requests(self) -> Iterable[scrapy.Request]:
        raise NotImplementedError

    async def start(self) -> Any:  # Scrapy >= 2.13 entry point
        try:
            requests = list(self.first_requests())
        except Exception as exc:  # bad configuration must not crash the batch
            self.fail(f"cannot build the first request: {type(exc).__name__}: {exc}")
            return
        for req in requests:
            yield req

    # -- helpers for callbacks -----------------------------------------------------
    def load_json(self, response: Response, what: str) -> Any:
        """The response body as JSON, or ``None`` after failing the run clearly."""
        try:
            return json.loads(response.body)
        except (ValueError, UnicodeDecodeError):
            ctype = response.headers.get(b"Content-Type", b"").decode("latin-1") or "?"
            head = response.body[:60].decode("utf-8", "replace").strip().replace("\n", " ")
            self.fail(
                f"{what} at {response.url} is not JSON (Content-Type {ctype}, starts with {head!r})"
            )
            return None

    def json_list(self, response: Response, what: str, key: str | None = None) -> list[Any] | None:
        """The JSON body's list (``body[key]``, or the body itself), else fail clearly."""
        data = self.load_json(response, what)
        if data is None:
            return None
        records = data.get(key) if key is not None and isinstance(data, dict) else data
        if not isinstance(records, list):
            shape = f"has no {key!r} list" if key is not None else "is not a JSON array"
            self.fail(f"{what} at {response.url} {shape}")
            return None
        return records

    def fail_if_empty(self, records: list[Any], what: str) -> bool:
        """For platforms answering 200 for unknown tenants: an empty listing fails the
        run unless the source sets ``allow_empty = true``. True when it failed."""
        if records or self.opts.get("allow_empty"):
            return False
        self.fail(
            f"{what} answered with no postings for {self.token or self.url_override!r}: "
            "unknown or empty board (set allow_empty = true if it is really empty); nothing closed"
        )
        return True


# -- request helpers (pure functions; value helpers are in spiders.fields) ------------


def with_params(url: str, params: dict[str, Any]) -> str:
    if not params:
        return url
    return url + ("&" if "?" in url else "?") + urlencode(params)


def describe_failure(failure: Failure, max_bytes: int | None = None) -> str:
    """One plain line for a failed request: what happened, and to which URL."""
    exc = failure.value
    response = getattr(exc, "response", None)
    if response is not None and hasattr(response, "status"):
        return f"HTTP {response.status} from {response.url}"
    request = getattr(failure, "request", None)
    url = request.url if request is not None else "the source"
    kind = type(exc).__name__
    text = str(exc)
    if kind == "DownloadCancelledError":
        # Scrapy cancels a body that grows past DOWNLOAD_MAXSIZE (a chunked one says nothing)
        limit = f"the {max_bytes:,}-byte" if max_bytes else "the"
        return f"the response from {url} is larger than {limit} size limit; not read"[:500]
    if kind == "ResponseDataLossError":
        return f"the response from {url} was cut off before its declared length"[:500]
    if kind == "IgnoreRequest" and "redirections" in text:
        return f"too many redirects from {url} (a redirect loop)"[:500]
    if kind == "IgnoreRequest" and text:
        return text[:500]
    if kind == "DownloadTimeoutError":
        return f"timed out: {text or url}"[:500]
    return f"{kind}: {text or kind} ({url})"[:500]
