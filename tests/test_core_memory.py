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
             "memory.freeze_startup_objects(); print(*before, *gc.get_threshold(), gc.get_freeze_count() > 0)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    before, after, frozen = [int(n) for n in out[:3]], [int(n) for n in out[3:6]], out[6]
    from eldermode.middleware.memory import YOUNG_THRESHOLD

    # (against this interpreter's own defaults: 3.14's incremental collector reports its third threshold as 0)
    assert after[0] == max(before[0], YOUNG_THRESHOLD)
    assert after[1:] == before[1:]  # the older generations keep their ratios
    assert frozen == "True"


# A page with what the steps walk: a banner, a menu, an article of paragraphs with a report table, a footer.
ARTICLE_PAGE = ("<!DOCTYPE html><html lang=zh-CN><head><meta charset=utf-8><title>通知 - 某某市政府</title></head><body>"
                "<div class=header><img src=/logo.png alt=某某市政府></div>"
                "<div class=nav><a href=/>首页</a> <a href=/a.html>政务公开</a> <a href=/b.html>办事服务</a></div>"
                "<div class=content><h1>关于做好年度报告工作的通知</h1><p>各单位：请于三月底前报送本单位年度报告。</p>"
                "<p>联系电话：12345。</p><table border=1><tr><td>项目</td><td>2021年</td><td>2022年</td></tr>"
                "<tr><td>收到申请</td><td>12</td><td>15</td></tr><tr><td>办结</td><td>11</td><td>15</td></tr></table>"
                "<button type=button>打印</button><div hidden>隐藏</div></div>"
                "<div class=footer>版权所有 某某市政府</div></body></html>").encode("utf-8")


@pytest.mark.parametrize("mode", ["elder", "access"])
def test_a_rewritten_page_is_freed_when_its_rewrite_ends_not_by_the_collector(tmp_path, mode):
    # Workers let the young generation grow to YOUNG_THRESHOLD objects: a tree held by a reference
    # cycle waits for the collector (older generations: many rewrites) with its whole libxml2 document.
    import gc

    from lxml import etree

    from eldermode.middleware.services import Services
    from eldermode.middleware.settings import Settings
    from eldermode.transforms import Context, Profile
    from eldermode.transforms.pipeline import rewrite_page

    services = Services(None, Settings(cache_dir=str(tmp_path)))
    gc.collect()
    gc.disable()
    try:
        rewrite_page(ARTICLE_PAGE, "text/html", Context(profile=Profile(mode=mode), url="/p.html", services=services))
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        held = sorted({el.tag for el in gc.garbage if isinstance(el, etree._Element)})
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert held == []
