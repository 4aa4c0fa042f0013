"""The proxy's malloc settings (middleware/memory.py): page-sized buffers get mappings of their own.

Each case runs in a fresh interpreter (the settings are process-wide) and reads glibc's own
count of mapped blocks (``mallinfo2``). How much resident memory this saves over a long run is
measured by benchmarks/bench_core.py, not here.
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys

import pytest

PROBE = r"""
import ctypes, sys

class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]

libc = ctypes.CDLL(None)
libc.mallinfo2.restype = MallInfo2
if sys.argv[1] == "tuned":
    from eldermode.middleware.memory import tune_malloc
    assert tune_malloc({})
big = bytearray(8 << 20)
del big  # a freed mapped block: untuned, glibc now serves blocks up to 8 MiB from its heaps
before = libc.mallinfo2().hblks
pages = [bytearray(1 << 20) for _ in range(8)]  # eight large pages (1 MiB: more than a heap keeps spare)
print(libc.mallinfo2().hblks - before)
"""

def _has_mallinfo2() -> bool:
    try:
        return hasattr(ctypes.CDLL(None), "mallinfo2")  # glibc 2.33 and later
    except OSError:
        return False


glibc = pytest.mark.skipif(
    not sys.platform.startswith("linux") or "glibc" not in (os.confstr("CS_GNU_LIBC_VERSION") or "")
    or not _has_mallinfo2(),
    reason="glibc 2.33 or later's allocator only (the probe counts mapped blocks with mallinfo2)")


def mapped_blocks(mode: str, **env: str) -> int:
    out = subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True, text=True, check=True,
                         env={k: v for k, v in {**os.environ, **env}.items() if not k.startswith("MALLOC_")})
    return int(out.stdout)


@glibc
def test_large_page_buffers_get_mappings_of_their_own_once_tuned():
    assert mapped_blocks("untuned") == 0  # glibc's rising threshold: from the heap, where they fragment it
    assert mapped_blocks("tuned") == 8  # each returned to the system when freed


def test_a_setting_the_operator_made_is_left_alone(monkeypatch):
    from eldermode.middleware import memory

    calls = []

    class FakeLibc:
        def mallopt(self, param, value):
            calls.append(param)
            return 1

    monkeypatch.setattr(memory.ctypes, "CDLL", lambda name: FakeLibc())
    monkeypatch.setattr(memory.os, "confstr", lambda name: "glibc 2.36")
    assert memory.tune_malloc({"MALLOC_ARENA_MAX": "4"})
    assert calls == [memory._M_MMAP_THRESHOLD]
    calls.clear()
    assert memory.tune_malloc({"GLIBC_TUNABLES": "glibc.malloc.mmap_threshold=65536"})
    assert calls == [memory._M_ARENA_MAX]
    monkeypatch.setattr(memory.os, "confstr", lambda name: None)  # not glibc: nothing is touched
    calls.clear()
    assert not memory.tune_malloc({})
    assert calls == []


def test_a_worker_collects_young_objects_less_often_after_start():
    probe = ("import gc; from eldermode.middleware import memory; before = gc.get_threshold(); "
             "memory.freeze_startup_objects(); print(before[0], *gc.get_threshold(), gc.get_freeze_count() > 0)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert out[0] == "700"  # CPython's default, which a rewrite's proxies pass dozens of times
    from eldermode.middleware.memory import YOUNG_THRESHOLD

    assert out[1:] == [str(YOUNG_THRESHOLD), "10", "10", "True"]
