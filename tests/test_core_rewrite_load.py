"""First rewrites under load and on the wire: a bounded queue that sheds at once and says so, compressed pages.

Fast in-process tests with the real middleware around a tiny ASGI app (helpers from
test_core_middleware.py). A transform that waits on an Event stands for a slow rewrite, so
the queue can be filled deterministically; nothing here measures time.
"""

from __future__ import annotations

import asyncio
import gzip
import threading

import brotli

from eldermode.middleware import ElderModeMiddleware, Settings, metrics
from eldermode.middleware.codings import accepted_coding
from eldermode.transforms import pipeline

from test_core_middleware import PAGE, call, header, run, upstream


def wrap(app, **settings):
    return ElderModeMiddleware(app, Settings(**{"speech": False, "rewrite_cache_bytes": 0, **settings}))


def test_a_full_queue_sends_the_original_at_once_and_says_why(monkeypatch):
    release = threading.Event()
    entered = threading.Event()

    def slow(root, ctx):
        entered.set()
        release.wait(30)

    monkeypatch.setitem(pipeline.PIPELINES, "elder", pipeline.PIPELINES["elder"] + (("slow", slow),))
    app = wrap(upstream(PAGE.encode()), rewrite_threads=1, rewrite_queue=1)
    metrics.reset()

    async def scenario():
        # one rewrite running, one waiting: the queue (1 running + 1 waiting) is full
        first = asyncio.create_task(call(app, path="/a.html", query=b"eldermode=elder"))
        await asyncio.to_thread(entered.wait, 10)
        second = asyncio.create_task(call(app, path="/b.html", query=b"eldermode=elder"))
        await asyncio.sleep(0.05)
        third = await asyncio.wait_for(call(app, path="/c.html", query=b"eldermode=elder"), 5)
        release.set()
        return await first, await second, third

    try:
        first, second, third = run(scenario())
    finally:
        release.set()
    status, headers, body, _ = third
    assert status == 200 and body == PAGE.encode()  # the original, not a wait
    assert header(headers, "eldermode-fallback") == "busy"
    assert metrics.value("page_fallbacks", reason="busy") == 1
    for status, headers, body, _ in (first, second):  # the two that got a place were rewritten
        assert status == 200 and b"data-eldermode" in body and header(headers, "eldermode-fallback") is None


def test_a_rewrite_past_its_deadline_is_counted_and_named(monkeypatch):
    release = threading.Event()

    def stuck(root, ctx):
        release.wait(30)

    monkeypatch.setitem(pipeline.PIPELINES, "elder", pipeline.PIPELINES["elder"] + (("stuck", stuck),))
    app = wrap(upstream(PAGE.encode()), rewrite_timeout=0.3)
    metrics.reset()
    try:
        status, headers, body, _ = run(call(app, path="/slow.html", query=b"eldermode=elder"))
        assert status == 200 and body == PAGE.encode()
        assert header(headers, "eldermode-fallback") == "timeout"
        assert metrics.value("page_fallbacks", reason="timeout") == 1
        # the stuck thread does not hold up the next page: a new rewrite thread takes it
        release.set()
        monkeypatch.setitem(pipeline.PIPELINES, "elder", pipeline.PIPELINES["elder"][:-1])
        status, headers, body, _ = run(call(app, path="/next.html", query=b"eldermode=elder"))
        assert b"data-eldermode" in body and header(headers, "eldermode-fallback") is None
    finally:
        release.set()


def test_rewritten_pages_are_compressed_for_visitors_who_accept_it():
    app = wrap(upstream(PAGE.encode()), rewrite_cache_bytes=1 << 20)
    plain = run(call(app, path="/p.html", query=b"eldermode=elder"))
    for accept, coding, decode in (("gzip, deflate, br", "br", brotli.decompress),
                                   ("gzip;q=1.0, br;q=0", "gzip", gzip.decompress)):
        for _ in range(2):  # the first rewrite and the cached copy
            status, headers, body, _ = run(call(app, path="/p.html", query=b"eldermode=elder",
                                                headers=[(b"accept-encoding", accept.encode())]))
            assert status == 200 and header(headers, "content-encoding") == coding
            assert decode(body) == plain[2]
            assert header(headers, "content-length") == str(len(body))
            assert "accept-encoding" in header(headers, "vary").lower()
    # identity for a visitor who sends no Accept-Encoding, and the page still varies on it
    assert header(plain[1], "content-encoding") is None
    assert "accept-encoding" in header(plain[1], "vary").lower()


def test_images_and_other_resources_still_pass_untouched():
    data = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10
    app = wrap(upstream(data, content_type="image/png"))
    status, headers, body, _ = run(call(app, path="/i.png", query=b"eldermode=elder",
                                        headers=[(b"accept-encoding", b"br, gzip")]))
    assert body == data and header(headers, "content-encoding") is None


def test_accept_encoding_choices():
    assert accepted_coding("") == ""
    assert accepted_coding("identity") == ""
    assert accepted_coding("gzip") == "gzip"
    assert accepted_coding("gzip, br") == "br"
    assert accepted_coding("br;q=0, gzip") == "gzip"
    assert accepted_coding("gzip;q=0") == ""
    assert accepted_coding("*") == "br"
    assert accepted_coding("*, br;q=0") == "gzip"
    assert accepted_coding("deflate") == ""
