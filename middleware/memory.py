"""The proxy process's allocator and garbage-collector settings, made once when a proxy worker starts.

A proxy holds pages as byte buffers of 50–500 KB (originals, rewrites, the cached copies) and
its rewrite thread makes lxml trees of many small blocks. glibc gives such a buffer a mapping of
its own only while it is over the mmap threshold, and that threshold rises to the size of any
such buffer freed (up to 32 MiB): from then on page buffers are carved from the heaps, where a
cached page living among freed tree blocks keeps the heap from shrinking, and each thread that
allocates gets an arena of its own. Resident memory then grows with traffic although every
cache is bounded. A fixed threshold (setting it stops the rise) and two arenas keep it near what
is in use: see the README's "Measured numbers" (``python benchmarks/bench_core.py --only memory``).

Only the proxy's own processes are tuned (never a process that merely imports the middleware),
and a value the operator set in the environment (``MALLOC_ARENA_MAX``, ``MALLOC_MMAP_THRESHOLD_``)
is left as set. Elsewhere than glibc this does nothing.

The objects a worker made before its first request (modules, settings, the pipeline: ≈ 34,000)
live as long as it does; :func:`freeze_startup_objects` takes them out of the garbage collector's
view, so the collections every rewrite triggers do not walk them again (≈ 0.7 of the collector's
≈ 1.9 ms per seed-page rewrite, measured in-process). A rewrite makes tens of thousands of short-lived
objects (element proxies, cell records) that die with it: with the collector's default first
threshold (700) the 100 × 50 table's rewrite ran ≈ 39 collections. :data:`YOUNG_THRESHOLD` lets
the young generation grow to a few rewrites' worth before it is walked — 2.8 % of the table page's
instructions and 1.6 % of the seed page's (callgrind, after the freeze), for at most that many
extra young objects (≈ 1 MiB) alive between collections. That bound holds only while a rewrite's
tree dies by reference counting: a reference cycle holding it (a recursive closure over the page's
elements) is promoted while the rewrite runs and waits for an older generation with its whole libxml2
document — two such closures kept ≈ 90 pages alive, 109 MiB resident instead of 46 after 600 corpus
rewrites. tests/test_core_memory.py checks that a rewrite leaves no element to the collector.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import os

__all__ = ["ARENA_MAX", "MMAP_THRESHOLD", "YOUNG_THRESHOLD", "freeze_startup_objects", "tune_malloc"]

log = logging.getLogger("eldermode")

# mallopt(3) parameters
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8

# glibc's own starting value, kept fixed: a rewritten page (150 KB and up) gets a mapping of its own;
# 64 KiB did as well for memory but cost the pass-through of every 90 KB page ≈ 30 % more CPU (page faults).
MMAP_THRESHOLD = 128 * 1024
ARENA_MAX = 2  # the event loop's and the rewrite thread's
YOUNG_THRESHOLD = 10_000  # allocations less deallocations before a young collection; CPython's default is 700


def tune_malloc(environ=os.environ) -> bool:
    """Set the threshold and the arena limit (those the environment does not set); False when not glibc."""
    try:
        if "glibc" not in (os.confstr("CS_GNU_LIBC_VERSION") or ""):
            return False  # musl and others have allocators of their own; their mallopt means other things
        mallopt = ctypes.CDLL(None).mallopt
    except (AttributeError, OSError, ValueError):  # no confstr (Windows), no such name, no C library
        return False
    done = True
    tunables = environ.get("GLIBC_TUNABLES", "")  # an operator's glibc.malloc.* settings win too
    if "MALLOC_MMAP_THRESHOLD_" not in environ and "glibc.malloc.mmap_threshold" not in tunables:
        done &= bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))
    if "MALLOC_ARENA_MAX" not in environ and "glibc.malloc.arena_max" not in tunables:
        done &= bool(mallopt(_M_ARENA_MAX, ARENA_MAX))
    if not done:
        log.warning("eldermode: mallopt refused a setting; memory may grow past the cache bounds")
    return done


def freeze_startup_objects() -> None:
    """Collect once, keep everything alive now out of later collections (``gc.freeze``), and let the
    young generation hold :data:`YOUNG_THRESHOLD` objects (the older generations keep their ratios)."""
    gc.collect()
    gc.freeze()
    young, middle, old = gc.get_threshold()
    gc.set_threshold(max(young, YOUNG_THRESHOLD), middle, old)
