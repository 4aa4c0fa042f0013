"""Where first rewrites run: a few dedicated threads behind a bounded queue that sheds at once when full.

A rewrite is CPU-bound Python: under the GIL, more threads in one process add no speed, only
memory (every thread in flight holds a parsed tree, and glibc gives busy threads arenas of their
own that are never returned). So each process rewrites on ``threads`` threads (default one; run
several proxy ``workers`` to use every core) and lets at most ``queue`` rewrites wait. A page
that finds the queue full is not made to wait: the caller sends the original at once and says
why (:data:`SHED`). A rewrite still running after its deadline is abandoned; since a thread
cannot be stopped, its executor is replaced so a transform caught in a loop cannot hold up the
pages behind it.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable, TypeVar

__all__ = ["Busy", "RewriteRunner", "RewriteTimeout"]

log = logging.getLogger("eldermode")

T = TypeVar("T")


class Busy(Exception):
    """The rewrite queue is full: send the original page now."""


class RewriteTimeout(Exception):
    """The rewrite took longer than its deadline: send the original page."""


class RewriteRunner:
    def __init__(self, threads: int = 1, queue: int = 24):
        self.threads = max(1, threads)
        self.limit = self.threads + max(0, queue)  # running + waiting
        self._lock = threading.Lock()
        self._inflight: set[Future] = set()  # queued or running
        self._executor = self._new_executor()

    def _new_executor(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="eldermode-rewrite")

    @property
    def pending(self) -> int:
        return len(self._inflight)

    async def run(self, fn: Callable[..., T], *args, timeout: float) -> T:
        """``fn(*args)`` on a rewrite thread; Busy at once when the queue is full, RewriteTimeout past ``timeout``."""
        with self._lock:
            if len(self._inflight) >= self.limit:
                busy = True
            else:
                busy = False
                executor = self._executor
                future = executor.submit(fn, *args)
                self._inflight.add(future)
        if busy:
            raise Busy()
        future.add_done_callback(self._done)
        try:
            # shield: a visitor who leaves must not cancel a rewrite that others may be queued behind
            return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), timeout)
        except asyncio.TimeoutError:
            if not future.cancel():  # not merely queued: it is running and cannot be stopped
                self._replace(executor)
            self._done(future)  # a stuck rewrite no longer takes a place in the queue
            raise RewriteTimeout() from None

    def _done(self, future) -> None:
        with self._lock:
            self._inflight.discard(future)

    def _replace(self, stuck: ThreadPoolExecutor) -> None:
        with self._lock:
            if self._executor is not stuck:
                return
            self._executor = self._new_executor()
        log.error("eldermode: a rewrite ran past its deadline; its thread is abandoned and a new one started")
        stuck.shutdown(wait=False, cancel_futures=False)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
