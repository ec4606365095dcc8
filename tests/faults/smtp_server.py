"""A scriptable misbehaving SMTP server on 127.0.0.1 (aiosmtpd) that counts what it stored.

Faults, each switchable while the server runs:
- ``outage``: 451 to every RCPT (a long temporary outage);
- ``rcpt_replies``: a fixed reply per recipient (e.g. 550 for hard bounces);
- ``drop_after_data``: recipients whose message is stored and whose connection is then
  dropped without a reply ("delivered but not acknowledged");
- ``delay``: seconds to wait, once a message is stored, before confirming it (a slow
  server: the sender may give up on a message that was delivered);
- ``kill_at``: (n, pid): SIGKILL ``pid`` once the n-th message is stored, before the
  reply — the sender dies with that message delivered but unacknowledged.
``received`` counts stored messages per recipient, so tests can count lost and doubled.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import threading
from collections import Counter
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class FaultySmtp:
    def __init__(self) -> None:
        self.outage = False
        self.rcpt_replies: dict[str, str] = {}
        self.drop_after_data: set[str] = set()
        self.delay = 0.0
        self.kill_at: tuple[int, int] | None = None
        self.received: Counter[str] = Counter()
        self.rcpt_refused = 0
        self.dropped = 0
        self._lock = threading.Lock()
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def total(self) -> int:
        return sum(self.received.values())

    def doubled(self) -> dict[str, int]:
        """Recipients that got more than one message, with their counts."""
        return {rcpt: n for rcpt, n in self.received.items() if n > 1}

    def start(self) -> FaultySmtp:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        reply = "451 4.3.0 Try again later" if self.outage else self.rcpt_replies.get(address)
        if reply:
            self.rcpt_refused += 1
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            for rcpt in envelope.rcpt_tos:
                self.received[rcpt] += 1
            stored = self.total
        if self.kill_at is not None and stored == self.kill_at[0]:
            os.kill(self.kill_at[1], signal.SIGKILL)
            await asyncio.sleep(0.5)  # the reply must not reach a sender that is dying
        if self.delay:
            await asyncio.sleep(self.delay)
        if set(envelope.rcpt_tos) & self.drop_after_data:
            self.dropped += 1
            server.transport.abort()  # stored, then gone without a reply
        return "250 2.0.0 Stored"
