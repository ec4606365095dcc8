"""A scriptable misbehaving HTTP source on 127.0.0.1 that counts what it was asked.

``routes`` maps a path (query ignored) to a :class:`Fault` or to a list of them,
served in turn (the last one repeats); routes can change while the server runs.
A fault can answer any status with any headers, cut its body short of the
declared length, send an oversize body with or without a Content-Length (chunked),
drip its body a byte at a time, or redirect (to itself: a loop). Every loop is
bounded, and a dripping reply stops when the server stops. ``hits`` counts
requests per path; ``requests`` keeps (path, headers) in order.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

CHUNK = 64 * 1024


@dataclass
class Fault:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    #: declare the full length but send only this many bytes, then close
    truncate_at: int | None = None
    #: send this many filler bytes after ``body`` (an oversize reply)
    oversize: int = 0
    #: no Content-Length: the body goes out in chunks (Transfer-Encoding: chunked)
    chunked: bool = False
    #: seconds between single bytes of the body (a slow drip); 0: all at once
    drip: float = 0.0
    #: seconds to wait before answering at all
    delay: float = 0.0


def redirect(to: str, status: int = 302) -> Fault:
    return Fault(status=status, content_type="text/plain", headers={"Location": to})


def _chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


class _Handler(BaseHTTPRequestHandler):
    server: Any
    protocol_version = "HTTP/1.1"  # chunked bodies need it

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        with self.server.lock:
            self.server.hits[path] += 1
            self.server.requests.append((path, dict(self.headers)))
            route = self.server.routes.get(path)
            if isinstance(route, list):
                turn = self.server.turns[path]
                self.server.turns[path] = turn + 1
                route = route[min(turn, len(route) - 1)]
        fault = route if isinstance(route, Fault) else Fault(404, b"not found", "text/plain")
        # the client giving up is what a fault is for
        with suppress(BrokenPipeError, ConnectionResetError, TimeoutError):
            self._answer(fault)

    def _answer(self, fault: Fault) -> None:
        if fault.delay:
            self.server.stopping.wait(fault.delay)
        self.send_response(fault.status)
        self.send_header("Content-Type", fault.content_type)
        total = len(fault.body) + fault.oversize
        if fault.chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(total))
        self.send_header("Connection", "close")
        for name, value in fault.headers.items():
            self.send_header(name, value)
        self.end_headers()
        body = fault.body
        if fault.truncate_at is not None:
            self.wfile.write(body[: fault.truncate_at])
            self.wfile.flush()
            self.close_connection = True
            return
        if fault.drip:
            for index in range(len(body)):
                if self.server.stopping.wait(fault.drip):
                    return
                piece = body[index : index + 1]
                self.wfile.write(_chunk(piece) if fault.chunked else piece)
                self.wfile.flush()
        else:
            self.wfile.write(_chunk(body) if fault.chunked and body else body)
        sent = 0
        while sent < fault.oversize and not self.server.stopping.is_set():
            piece = b" " * min(CHUNK, fault.oversize - sent)
            self.wfile.write(_chunk(piece) if fault.chunked else piece)
            sent += len(piece)
        if fault.chunked:
            self.wfile.write(b"0\r\n\r\n")

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def misbehaving_source(routes: dict[str, Fault | list[Fault]]) -> Iterator[Any]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.routes = routes
    server.hits = Counter()
    server.turns = Counter()
    server.requests = []
    server.lock = threading.Lock()
    server.stopping = threading.Event()
    server.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        time.sleep(0.05)  # let dripping handlers see the stop
