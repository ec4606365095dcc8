"""SendPool: one transport per running send; inline without clonable transports."""

from __future__ import annotations

import threading
from email.message import EmailMessage

import pytest

from aggregator.mail import NullTransport, Transport
from aggregator.mail.pool import SendPool, finished


class Clonable(NullTransport):
    def __init__(self, made: list[Clonable]) -> None:
        super().__init__()
        self.made, self.closed, self.busy = made, False, threading.Lock()
        made.append(self)

    def clone(self) -> Clonable:
        return Clonable(self.made)

    def send(self, msg: EmailMessage) -> None:
        assert self.busy.acquire(blocking=False), "transport used by two sends at once"
        try:
            threading.Event().wait(0.002)
            super().send(msg)
        finally:
            self.busy.release()

    def close(self) -> None:
        self.closed = True


def test_each_send_gets_its_own_connection_and_clones_are_closed() -> None:
    made: list[Clonable] = []
    first = Clonable(made)
    pool = SendPool(first, 3)

    def send(t: Transport) -> int:
        t.send(EmailMessage())
        return 1

    futures = [pool.submit(send) for _ in range(60)]
    assert sum(f.result() for f in futures) == 60
    pool.close()
    assert pool.size == 3 and len(made) == 3
    assert sum(t.count for t in made) == 60
    assert not first.closed and all(t.closed for t in made[1:])  # the caller's stays open


def test_plain_transports_run_inline_and_errors_come_through_the_future() -> None:
    pool = SendPool(NullTransport(), 4)
    assert pool.size == 1
    caller = threading.get_ident()
    assert pool.submit(lambda t: threading.get_ident()).result() == caller

    def boom(t: Transport) -> None:
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        pool.submit(boom).result()
    pool.close()
    assert finished(5).result() == 5
