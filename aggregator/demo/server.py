"""A local HTTP server replaying the demo's recorded payloads on 127.0.0.1.

``data/routes.json`` maps each URL path (query strings are ignored) to a file under
``data/`` and its content type. GET, HEAD and POST (the Algolia query of the 80,000
Hours board) answer the same file. Before sending, placeholders are filled in:

* ``{{server}}`` → this server's base URL, ``http://127.0.0.1:PORT``;
* ``{{iso:N}}``, ``{{date:N}}``, ``{{rfc822:N}}``, ``{{long:N}}`` → the start time
  shifted by N days (N may be negative), as ISO 8601, ``YYYY-MM-DD``, RFC 822 or
  "12 March 2027";
* ``"{{epoch:N}}"`` and ``"{{epoch_ms:N}}"`` (quotes included) → a JSON number of
  seconds or milliseconds since the epoch.

The start time is fixed when the server is built (rounded down to the hour), so every
request of one demo run sees the same dates and the data never goes stale.
"""

from __future__ import annotations

import json
import re
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Any

from aggregator.errors import UserError

MAX_BODY = 1_000_000
_EPOCH = re.compile(r'"\{\{(epoch|epoch_ms):([+-]?\d+)\}\}"')
_DATE = re.compile(r"\{\{(iso|date|rfc822|long):([+-]?\d+)\}\}")


def data_dir() -> Path:
    """The bundled demo data folder (works from a checkout and from the wheel)."""
    return Path(str(resources.files("aggregator.demo") / "data"))


def render(text: str, *, base_url: str, now: datetime) -> str:
    """``text`` with every placeholder filled in (see the module docstring)."""

    def epoch(match: re.Match[str]) -> str:
        moment = now + timedelta(days=int(match.group(2)))
        seconds = int(moment.timestamp())
        return str(seconds * 1000 if match.group(1) == "epoch_ms" else seconds)

    def date(match: re.Match[str]) -> str:
        moment = now + timedelta(days=int(match.group(2)))
        kind = match.group(1)
        if kind == "iso":
            return moment.isoformat()
        if kind == "date":
            return moment.date().isoformat()
        if kind == "rfc822":
            return format_datetime(moment, usegmt=True)
        return f"{moment.day} {moment:%B %Y}"

    text = _EPOCH.sub(epoch, text)
    text = _DATE.sub(date, text)
    return text.replace("{{server}}", base_url)


class DemoServer:
    """Serve the recorded payloads in a background thread; use as a context manager."""

    def __init__(
        self, folder: Path | None = None, *, now: datetime | None = None, port: int = 0
    ) -> None:
        self.folder = folder or data_dir()
        self.now = (now or datetime.now(UTC)).replace(minute=0, second=0, microsecond=0)
        self.port = port
        self.requests = 0
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        try:
            raw = json.loads((self.folder / "routes.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise UserError(f"demo data is missing or broken in {self.folder}: {exc}") from None
        self.routes: dict[str, tuple[str, str]] = {k: (v[0], v[1]) for k, v in raw.items()}
        self._cache: dict[str, bytes] = {}

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the demo server is not running")
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def body(self, path: str) -> tuple[bytes, str] | None:
        """The rendered response for ``path`` (query ignored), or None when unknown."""
        route = self.routes.get(path.split("?", 1)[0].split("#", 1)[0])
        if route is None:
            return None
        name, ctype = route
        if name not in self._cache:
            text = (self.folder / name).read_text(encoding="utf-8")
            self._cache[name] = render(text, base_url=self.base_url, now=self.now).encode()
        return self._cache[name], ctype

    def start(self) -> str:
        """Listen on 127.0.0.1 (a free port unless one was given); return the base URL."""
        handler = _handler_for(self)
        try:
            self._httpd = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        except OSError as exc:
            raise UserError(f"cannot listen on 127.0.0.1:{self.port}: {exc.strerror}") from None
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="demo-payloads", daemon=True
        )
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> DemoServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _handler_for(server: DemoServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "aisafety-jobs-demo/1"

        def _answer(self, send_body: bool) -> None:
            server.requests += 1
            found = server.body(self.path)
            if found is None:
                payload, ctype, status = b"not found\n", "text/plain", 404
            else:
                (payload, ctype), status = found, 200
            self.send_response(status)
            self.send_header("Content-Type", f"{ctype}; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if send_body:
                self.wfile.write(payload)

        def do_GET(self) -> None:
            self._answer(True)

        def do_HEAD(self) -> None:
            self._answer(False)

        def do_POST(self) -> None:
            try:
                length = min(int(self.headers.get("Content-Length") or 0), MAX_BODY)
            except ValueError:
                length = 0
            if length:
                self.rfile.read(length)
            self._answer(True)

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

    return Handler
