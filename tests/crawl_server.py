"""A threaded HTTP server on 127.0.0.1 (free port) serving canned routes for crawl tests.

``routes`` maps a path (query string ignored) to a :class:`Reply` or to a callable
taking the request headers and returning one; it can be changed while the server runs.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


@dataclass
class Reply:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


Route = Reply | Callable[[Any], Reply]


class _Handler(BaseHTTPRequestHandler):
    server: Any

    def _reply(self) -> None:
        path = urlsplit(self.path).path
        self.server.hits.append((self.command, self.path))
        route = self.server.routes.get(path)
        if route is None:
            reply = Reply(b"not found", 404, "text/plain")
        else:
            reply = route(self.headers) if callable(route) else route
        if reply.delay:
            time.sleep(reply.delay)
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_GET(self) -> None:
        self._reply()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.server.bodies.append(self.rfile.read(length))
        self._reply()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(routes: dict[str, Route]) -> Iterator[Any]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.routes = routes
    server.hits = []
    server.bodies = []
    server.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def registry(tmp_path: Path, base: str, entries: list[dict[str, Any]]) -> str:
    """A sources file for ``entries`` (``path`` is a route on ``base``); its path."""
    lines = []
    for e in entries:
        e = {"org_type": "nonprofit", **e}
        if "path" in e:
            e["url"] = base + e.pop("path")
        e.setdefault("org", e["key"].title())
        lines.append("[[sources]]")
        lines += [f"{k} = {json.dumps(v)}" for k, v in e.items()]
    path = tmp_path / "sources.toml"
    path.write_text("\n".join(lines) + "\n")
    return str(path)
