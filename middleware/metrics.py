"""Process-wide counters and timings of what eldermode did (rewrites, fallbacks, skipped steps, cache hits).

Every part counts through :func:`count` and :func:`observe`; nothing here imports
the rest of eldermode, so any module may use it without an import circle. The
numbers live in this process; an exporter (Prometheus at ``/__eldermode/metrics``)
reads them with :func:`snapshot`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

__all__ = ["Timing", "count", "observe", "reset", "snapshot", "value"]

Labels = tuple[tuple[str, str], ...]

_lock = threading.Lock()
_counters: dict[tuple[str, Labels], float] = {}
_timings: dict[tuple[str, Labels], "Timing"] = {}


@dataclass
class Timing:
    """Sum and count of observed durations (seconds), and how many fell at or under each bound."""

    bounds: tuple[float, ...] = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
    count: int = 0
    total: float = 0.0
    buckets: list[int] = field(default_factory=list)

    def add(self, seconds: float) -> None:
        if not self.buckets:
            self.buckets = [0] * len(self.bounds)
        self.count += 1
        self.total += seconds
        for i, bound in enumerate(self.bounds):
            if seconds <= bound:
                self.buckets[i] += 1


def _key(name: str, labels: dict[str, str]) -> tuple[str, Labels]:
    return name, tuple(sorted((k, str(v)) for k, v in labels.items()))


def count(name: str, amount: float = 1, **labels: str) -> None:
    """Add ``amount`` to the counter ``name`` with these labels (e.g. ``count("step_failures", step="tables")``)."""
    key = _key(name, labels)
    with _lock:
        _counters[key] = _counters.get(key, 0) + amount


def observe(name: str, seconds: float, **labels: str) -> None:
    """Record one duration of ``name`` (e.g. ``observe("rewrite_seconds", 0.012, mode="elder")``)."""
    key = _key(name, labels)
    with _lock:
        timing = _timings.get(key)
        if timing is None:
            timing = _timings[key] = Timing()
        timing.add(seconds)


def value(name: str, **labels: str) -> float:
    """The counter's current value (0 when never counted): for tests and health answers."""
    with _lock:
        return _counters.get(_key(name, labels), 0)


def snapshot() -> tuple[dict[tuple[str, Labels], float], dict[tuple[str, Labels], Timing]]:
    """Copies of every counter and timing, taken under the lock."""
    with _lock:
        timings = {k: Timing(t.bounds, t.count, t.total, list(t.buckets)) for k, t in _timings.items()}
        return dict(_counters), timings


def reset() -> None:
    """Forget every number (tests only)."""
    with _lock:
        _counters.clear()
        _timings.clear()
