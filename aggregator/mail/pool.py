"""Sending over several connections at once: one transport (connection) per thread.

A :class:`SendPool` runs callables that take a transport. Each call gets a transport no
other call is using; with one connection (or a transport that cannot be cloned, such
as a test double) the call runs inline in the caller's thread.
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from aggregator.mail.transports import Transport

T = TypeVar("T")


class SendPool:
    def __init__(self, transport: Transport, connections: int = 1):
        clone = getattr(transport, "clone", None)
        count = max(1, connections) if callable(clone) else 1
        self._own: list[Transport] = [clone() for _ in range(count - 1)] if clone else []
        self._free: queue.SimpleQueue[Transport] = queue.SimpleQueue()
        for t in [transport, *self._own]:
            self._free.put(t)
        self.size = count
        self._executor = ThreadPoolExecutor(count, "smtp") if count > 1 else None

    def _run(self, fn: Callable[[Transport], T]) -> T:
        transport = self._free.get()
        try:
            return fn(transport)
        finally:
            self._free.put(transport)

    def submit(self, fn: Callable[[Transport], T]) -> Future[T]:
        """Run ``fn(transport)`` on a free connection; inline when there is only one."""
        if self._executor is not None:
            return self._executor.submit(self._run, fn)
        future: Future[T] = Future()
        try:
            future.set_result(self._run(fn))
        except BaseException as exc:  # delivered through the future, like a thread's
            future.set_exception(exc)
        return future

    def close(self) -> None:
        """Wait for running sends, then close the extra connections (not the caller's)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)
        for t in self._own:
            t.close()
        self._own = []


def finished(value: T) -> Future[T]:
    """A future that already holds ``value``."""
    future: Future[T] = Future()
    future.set_result(value)
    return future
