"""The middleware's gate, header fixes and fail-open behaviour, one reason per test.

Fast in-process tests: the wrapped app is a tiny ASGI callable that records what it
sent, so streaming (no buffering) can be checked message by message. The same
behaviour through a real server and the real proxy is in test_core_proxy.py.
"""

from __future__ import annotations

import asyncio
import gzip
import logging
import zlib

import brotli
import pytest

from eldermode.middleware import ElderModeMiddleware, Settings
from eldermode.middleware.rewrite import VERSION
from eldermode.transforms import pipeline

PAGE = "<!DOCTYPE html><html><head><title>年报</title></head><body><p>政府信息公开工作年度报告</p></body></html>"


def upstream(body: bytes | list[bytes], content_type: str = "text/html; charset=utf-8", status: int = 200,
             headers: list[tuple[bytes, bytes]] | None = None, log: list | None = None):
    """An ASGI app answering every request with ``body`` (a list = separate chunks)."""
    chunks = body if isinstance(body, list) else [body]

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        if log is not None:
            log.append(("request", scope["method"], scope["query_string"], dict(scope["headers"])))
        raw = [(b"content-type", content_type.encode())] + list(headers or [])
        if not isinstance(body, list):
            raw.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": raw})
        if scope["method"] == "HEAD":
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        for i, chunk in enumerate(chunks):
            if log is not None:
                log.append(("app-sent", i))
            await send({"type": "http.response.body", "body": chunk, "more_body": i < len(chunks) - 1})

    return app


async def call(app, method="GET", path="/", query=b"", headers=None, log=None, body=b""):
    messages = []

    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message):
        if log is not None and message["type"] == "http.response.body":
            log.append(("client-got", len(message.get("body", b""))))
        messages.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": query, "root_path": "",
        "headers": [(b"host", b"gov.example")] + [(k.lower(), v) for k, v in (headers or [])],
        "client": ("127.0.0.1", 5000), "server": ("gov.example", 80),
    }
    await app(scope, receive, send)
    start = messages[0]
    return start["status"], start["headers"], b"".join(m.get("body", b"") for m in messages[1:]), messages


def run(coro):
    return asyncio.run(coro)


def header(headers, name: str) -> str | None:
    values = [v.decode() for k, v in headers if k.decode().lower() == name]
    return ", ".join(values) if values else None


def wrap(app, **settings):
    return ElderModeMiddleware(app, settings=Settings(**settings))


# ---------------------------------------------------------------- what is rewritten


def test_elder_mode_rewrites_a_page_and_fixes_headers():
    app = wrap(upstream(PAGE.encode(), headers=[(b"etag", b'"v1"'), (b"cache-control", b"public, max-age=60")]))
    status, headers, body, _ = run(call(app, query=b"eldermode=elder"))
    assert status == 200
    assert b"eldermode=off" in body  # the way back to the original page, in the toolbar or mode bar
    assert header(headers, "content-length") == str(len(body))
    assert header(headers, "content-type") == "text/html; charset=utf-8"
    assert header(headers, "etag").startswith('W/"v1-')
    assert "Cookie" in header(headers, "vary")
    assert header(headers, "cache-control").startswith("private")
    assert "public" not in header(headers, "cache-control")
    assert header(headers, "set-cookie").startswith("eldermode=elder")


def test_etags_differ_by_mode():
    app = wrap(upstream(PAGE.encode(), headers=[(b"etag", b'"v1"')]))
    queries = (b"eldermode=elder", b"eldermode=access", b"eldermode=off", b"eldermode=elder&eldermode-text=large")
    tags = {header(run(call(app, query=q))[1], "etag") for q in queries}
    assert len(tags) == 4


def test_conditional_request_with_our_etag_gets_304():
    app = wrap(upstream(PAGE.encode(), headers=[(b"etag", b'"v1"')]))
    _, headers, _, _ = run(call(app, query=b"eldermode=elder"))
    tag = header(headers, "etag").encode()
    status, headers2, body, _ = run(call(app, headers=[(b"cookie", b"eldermode=elder"), (b"if-none-match", tag)]))
    assert status == 304 and body == b""
    assert header(headers2, "etag") == tag.decode()


def test_conditional_request_is_translated_for_the_app():
    log: list = []
    app = wrap(upstream(PAGE.encode(), headers=[(b"etag", b'"v1"')], log=log))
    inm = f'W/"v1-em{VERSION}-1.0.0.0.0.0", W/"v0-em{VERSION}-o", "css7"'.encode()
    # In a mode: only our tag for this profile reaches the app, as the app's own; If-Modified-Since
    # never does (it could validate another mode's copy).
    run(call(app, headers=[(b"cookie", b"eldermode=elder"), (b"if-none-match", inm),
                           (b"if-modified-since", b"Wed, 01 Jan 2020 00:00:00 GMT")]))
    assert log[0][3][b"if-none-match"] == b'W/"v1"'
    assert b"if-modified-since" not in log[0][3]
    # In mode off our tag for mode off is translated and the app's own tags (stylesheets, images)
    # pass too; the copy made for elder mode is dropped, and If-Modified-Since with it.
    run(call(app, headers=[(b"if-none-match", inm), (b"if-modified-since", b"Wed, 01 Jan 2020 00:00:00 GMT")]))
    assert log[2][3][b"if-none-match"] == b'W/"v0", "css7"'
    assert b"if-modified-since" not in log[2][3]


def conditional_app(**settings):
    """An app that answers 304 as real servers do: If-None-Match first, else If-Modified-Since."""
    async def app(scope, receive, send):
        headers = dict(scope["headers"])
        inm, since = headers.get(b"if-none-match"), headers.get(b"if-modified-since")
        if (inm is not None and b'"abc"' in inm) or (inm is None and since):
            await send({"type": "http.response.start", "status": 304, "headers": [(b"etag", b'"abc"')]})
            await send({"type": "http.response.body", "body": b""})
            return
        body = PAGE.encode()
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode()),
            (b"etag", b'"abc"'), (b"last-modified", b"Wed, 01 Jan 2020 00:00:00 GMT")]})
        await send({"type": "http.response.body", "body": body})

    return wrap(app, **settings)


@pytest.mark.parametrize("entry_link", [True, False])
def test_a_copy_from_one_mode_never_validates_another(entry_link):
    app = conditional_app(entry_link=entry_link)
    _, off_headers, _, _ = run(call(app))
    assert header(off_headers, "etag").endswith(f'-em{VERSION}-o"')  # even the untouched original is marked as mode off
    for validators in ([(b"if-none-match", header(off_headers, "etag").encode())],
                       [(b"if-none-match", header(off_headers, "etag").encode()),
                        (b"if-modified-since", b"Wed, 01 Jan 2020 00:00:00 GMT")],
                       [(b"if-none-match", b'"abc"')],
                       [(b"if-modified-since", b"Wed, 01 Jan 2020 00:00:00 GMT")]):
        status, _, body, _ = run(call(app, headers=[(b"cookie", b"eldermode=elder")] + validators))
        assert status == 200 and b"data-em-mode" in body, validators
    # Its own copy is still validated.
    _, elder_headers, _, _ = run(call(app, headers=[(b"cookie", b"eldermode=elder")]))
    status, headers, _, _ = run(call(app, headers=[(b"cookie", b"eldermode=elder"),
                                                   (b"if-none-match", header(elder_headers, "etag").encode())]))
    assert status == 304 and "private" in header(headers, "cache-control")


def test_rewritten_page_is_private_even_without_cache_control():
    _, headers, _, _ = run(call(wrap(upstream(PAGE.encode())), query=b"eldermode=elder"))
    assert header(headers, "cache-control") == "private"


def test_page_without_etag_gets_one_and_304s():
    app = wrap(upstream(PAGE.encode()))
    _, headers, _, _ = run(call(app, query=b"eldermode=access"))
    tag = header(headers, "etag")
    assert tag.startswith('W/"h:')
    status, _, body, _ = run(call(app, headers=[(b"cookie", b"eldermode=access"), (b"if-none-match", tag.encode())]))
    assert status == 304 and body == b""


def test_head_gets_the_headers_of_the_rewritten_get():
    app = wrap(upstream(PAGE.encode(), headers=[(b"etag", b'"v1"')]))
    _, get_headers, get_body, _ = run(call(app, query=b"eldermode=access"))
    status, head_headers, head_body, _ = run(call(app, method="HEAD", query=b"eldermode=access"))
    assert status == 200 and head_body == b""
    for name in ("content-length", "content-type", "etag", "vary"):
        assert header(head_headers, name) == header(get_headers, name)


def test_gzip_deflate_and_brotli_pages_are_decoded_before_rewriting():
    for coding, encode in (("gzip", gzip.compress), ("deflate", zlib.compress), ("br", brotli.compress)):
        app = wrap(upstream(encode(PAGE.encode()), headers=[(b"content-encoding", coding.encode())]))
        status, headers, body, _ = run(call(app, query=b"eldermode=elder"))
        assert header(headers, "content-encoding") is None, coding
        assert "政府信息公开工作年度报告" in body.decode("utf-8"), coding


def test_gbk_page_comes_out_as_utf8(seed_gbk_bytes):
    app = wrap(upstream(seed_gbk_bytes, content_type="text/html; charset=gb2312"))
    _, headers, body, _ = run(call(app, query=b"eldermode=elder"))
    text = body.decode("utf-8")
    assert header(headers, "content-type") == "text/html; charset=utf-8"
    assert "鄂城区2020年政府信息公开工作年报" in text
    assert "地址：鄂州市鄂城区凤凰街道办明塘路70号" in text


# ---------------------------------------------------------------- mode off


def test_off_mode_splices_only_the_entry_link(seed_gbk_bytes):
    app = wrap(upstream(seed_gbk_bytes, content_type="text/html; charset=gb2312"))
    _, headers, body, _ = run(call(app))
    start = body.index(b'<div data-eldermode="entry"')
    end = body.index(b"</div>", start) + len(b"</div>")
    assert body[:start] + body[end:] == seed_gbk_bytes
    assert header(headers, "content-type") == "text/html; charset=gb2312"
    assert header(headers, "content-length") == str(len(body))
    # The link text is 长者模式 as ASCII character references, valid in the page's GBK.
    assert "长者模式" in body[start:end].decode("ascii").replace("&#38271;&#32773;&#27169;&#24335;", "长者模式")


def test_off_mode_without_entry_link_is_the_original_bytes(seed_html_bytes):
    app = wrap(upstream(seed_html_bytes), entry_link=False)
    _, headers, body, _ = run(call(app, query=b"eldermode=off"))
    assert body == seed_html_bytes
    assert "Cookie" in header(headers, "vary")


def entry_link_removed(body: bytes) -> bytes:
    start = body.index(b'<div data-eldermode="entry"')
    return body[:start] + body[body.index(b"</div>", start) + len(b"</div>"):]


def test_off_mode_streams_the_page_with_the_link_after_the_body_tag():
    head = b"<!DOCTYPE html><html><head><title>t</title></head>"
    chunks = [head, b"<body class=x><p>the first paragraph of the page</p>", b"<p>second</p>" * 50, b"</body></html>"]
    log, headers, body, messages = streamed(chunks, query=b"")
    assert entry_link_removed(body) == b"".join(chunks)
    assert body.index(b'<div data-eldermode="entry"') == len(head + b"<body class=x>")
    # Held only until the <body> tag had passed: the later chunks reached the client one by one.
    events = [e for e in log if e[0] in ("app-sent", "client-got")]
    assert events[:3] == [("app-sent", 0), ("app-sent", 1), ("client-got", events[2][1])]
    assert events[3:] == [("app-sent", 2), ("client-got", len(chunks[2])), ("app-sent", 3),
                          ("client-got", len(chunks[3]))]
    assert header(headers, "content-length") is None  # the app declared none; chunked as it was


@pytest.mark.parametrize("chunks", [
    [b"<html><head><!-- <body> is not here", b" --></head><body><p>x</p></body></html>"],
    [b"<html><head><script>var s = '<body>';", b"</script></head><body><p>x</p></body></html>"],
    [b"<html><head><title>a</title></head><bo", b"dy data-a='>'><p>x</p></body></html>"],
])
def test_off_mode_splice_is_not_fooled_by_a_page_cut_before_its_body_tag(chunks):
    _, _, body, _ = streamed(chunks, query=b"")
    assert entry_link_removed(body) == b"".join(chunks)
    assert body.index(b'<div data-eldermode="entry"') == b"".join(chunks).index(b"<p>x</p>")


def test_off_mode_splice_streamed_is_the_splice_of_the_whole_page_wherever_the_page_is_cut(seed_html_bytes):
    from eldermode.transforms.entry import entry_link_bytes, splice_after_body

    expected = splice_after_body(seed_html_bytes, entry_link_bytes("/"))
    opening = seed_html_bytes.index(b"<body") + 80  # every cut up to just past the <body> tag (comments, scripts)
    for cut in range(0, opening, 11):
        _, _, body, _ = streamed([seed_html_bytes[:cut], seed_html_bytes[cut:]], query=b"")
        assert body == expected, cut


def test_off_mode_without_a_body_tag_streams_the_original():
    chunks = [b"<html><head><title>t</title></head>", b"<p>no body tag at all</p>", b"</html>"]
    _, headers, body, _ = streamed(chunks, query=b"")
    assert body == b"".join(chunks)


def test_off_mode_splice_keeps_the_declared_length_right_and_the_validator():
    page = PAGE.encode()
    app = wrap(upstream([page[:30], page[30:]], headers=[(b"content-length", str(len(page)).encode()),
                                                         (b"etag", b'"v7"'), (b"accept-ranges", b"bytes")]))
    _, headers, body, _ = run(call(app))
    assert header(headers, "content-length") == str(len(body)) and entry_link_removed(body) == page
    assert header(headers, "etag") == f'W/"v7-em{VERSION}-o"' and header(headers, "accept-ranges") is None
    status, headers, body, _ = run(call(app, headers=[(b"if-none-match", f'W/"v7-em{VERSION}-o"'.encode())]))
    assert status == 304 and body == b""  # this app ignores validators; the middleware answers for it


def test_entry_link_keeps_the_query_and_escapes_it():
    app = wrap(upstream(PAGE.encode()))
    _, _, body, _ = run(call(app, query=b'id=%22%3E%3Cscript%3E&x=1'))
    link = body[body.index(b"<div data-eldermode"):body.index(b"</div>")]
    assert b"<script" not in link.lower()
    assert b'href="?id=%22%3E%3Cscript%3E&amp;x=1&amp;eldermode=elder"' in link


# ---------------------------------------------------------------- what passes through untouched


def streamed(app_body: list[bytes], content_type="text/html", status=200, method="GET", query=b"eldermode=elder",
             **settings):
    log: list = []
    app = wrap(upstream(app_body, content_type=content_type, status=status, log=log), **settings)
    status, headers, body, messages = run(call(app, method=method, query=query, log=log))
    return log, headers, body, messages


def assert_streamed(log):
    """Each chunk reached the client before the app produced the next one."""
    events = [e for e in log if e[0] in ("app-sent", "client-got")]
    assert events[:4] == [("app-sent", 0), ("client-got", events[1][1]), ("app-sent", 1), ("client-got", events[3][1])]


@pytest.mark.parametrize("content_type", ["text/css", "application/json", "image/png", "application/pdf"])
def test_non_html_streams_byte_for_byte(content_type):
    chunks = [b"\x00\x01body{color:red}", b"\xff" * 100, b"end"]
    log, headers, body, _ = streamed(chunks, content_type=content_type)
    assert body == b"".join(chunks)
    assert_streamed(log)
    assert header(headers, "vary") is None


def test_post_response_passes_through():
    chunks = [PAGE.encode()[:40], PAGE.encode()[40:]]
    log, _, body, _ = streamed(chunks, method="POST")
    assert body == PAGE.encode()
    assert_streamed(log)


@pytest.mark.parametrize("status", [204, 206, 304, 301])
def test_statuses_that_are_not_rewritten(status):
    _, _, body, _ = streamed([b"<html><body>x</body></html>"], status=status)
    assert body == b"<html><body>x</body></html>"


def test_no_transform_is_respected():
    log: list = []
    app = wrap(upstream(PAGE.encode(), headers=[(b"cache-control", b"no-transform")]))
    _, _, body, _ = run(call(app, query=b"eldermode=elder", log=log))
    assert body == PAGE.encode()


def test_page_over_the_size_limit_streams_through():
    chunks = [b"<html><body>" + b"a" * 1000, b"b" * 1000, b"c" * 1000 + b"</body></html>"]
    log, headers, body, messages = streamed(chunks, max_body=1500)
    assert body == b"".join(chunks)
    assert len([m for m in messages if m["type"] == "http.response.body"]) >= 2


def test_declared_length_over_the_limit_is_not_buffered():
    big = b"<html><body>" + b"x" * 5000 + b"</body></html>"
    app = wrap(upstream(big), max_body=2048)
    _, _, body, _ = run(call(app, query=b"eldermode=elder"))
    assert body == big


# ---------------------------------------------------------------- bad input: the original, never a crash


@pytest.mark.parametrize(
    "name, body, extra",
    [
        ("empty", b"", []),
        ("binary", bytes(range(256)) * 8, []),
        ("truncated gzip", gzip.compress(PAGE.encode() * 20)[:-30], [(b"content-encoding", b"gzip")]),
        ("corrupt brotli", b"\x1b\x00garbage", [(b"content-encoding", b"br")]),
    ],
)
def test_bad_bodies_get_the_original_bytes(name, body, extra, caplog):
    app = wrap(upstream(body, headers=extra))
    with caplog.at_level(logging.WARNING, logger="eldermode"):
        status, headers, out, _ = run(call(app, query=b"eldermode=elder"))
    assert status == 200
    assert out == body, name
    assert header(headers, "content-length") == str(len(body))


def test_truncated_html_is_rewritten_not_lost():
    cut = PAGE.encode()[:60]
    app = wrap(upstream(cut))
    _, _, out, _ = run(call(app, query=b"eldermode=access"))
    assert "年报" in out.decode("utf-8")


def test_wrong_declared_charset_still_reads_the_chinese(seed_html_bytes):
    app = wrap(upstream(seed_html_bytes, content_type="text/html; charset=gb2312"))
    _, _, out, _ = run(call(app, query=b"eldermode=elder"))
    assert "鄂城区2020年政府信息公开工作年报" in out.decode("utf-8")


def test_a_failing_transform_costs_only_itself_and_is_logged_with_its_name(monkeypatch, caplog):
    from eldermode.middleware import metrics

    def broken(root, ctx):
        root.find("body").set("data-half-edited", "yes")
        raise RuntimeError("boom")

    steps = pipeline.PIPELINES["elder"][:3] + (("broken-step", broken),) + pipeline.PIPELINES["elder"][3:]
    monkeypatch.setitem(pipeline.PIPELINES, "elder", steps)
    before = metrics.value("step_failures", step="broken-step"), metrics.value("page_fallbacks", reason="error")
    app = wrap(upstream(PAGE.encode()))
    with caplog.at_level(logging.WARNING, logger="eldermode"):
        status, headers, out, _ = run(call(app, path="/report.html", query=b"eldermode=elder"))
    text = out.decode("utf-8")
    # rewritten (the toolbar and the elder stylesheet are there), without the failed step's half edit
    assert status == 200 and out != PAGE.encode() and 'role="toolbar"' in text and "elder.css" in text
    assert "data-half-edited" not in text
    lines = [r.getMessage() for r in caplog.records if "broken-step" in r.getMessage()]
    assert len(lines) == 1 and "/report.html" in lines[0] and "boom" in lines[0]
    assert metrics.value("step_failures", step="broken-step") == before[0] + 1
    assert metrics.value("page_fallbacks", reason="error") == before[1]


def test_a_page_that_cannot_be_serialised_falls_back_whole_and_is_counted(monkeypatch, caplog):
    from eldermode.middleware import metrics

    def unserialisable(doc):
        raise RuntimeError("x" * 90_000)

    monkeypatch.setattr(pipeline, "serialize_document", unserialisable)
    before = metrics.value("page_fallbacks", reason="serialise")
    app = wrap(upstream(PAGE.encode()))
    with caplog.at_level(logging.WARNING, logger="eldermode"):
        status, _, out, _ = run(call(app, path="/big.html", query=b"eldermode=elder"))
    assert status == 200 and out == PAGE.encode()
    assert metrics.value("page_fallbacks", reason="serialise") == before + 1
    line = next(r.getMessage() for r in caplog.records if "/big.html" in r.getMessage())
    assert "serialise" in line and len(line) < 1000  # the 90 KB error text is cut


# ---------------------------------------------------------------- endpoints


def test_internal_endpoints_are_never_forwarded_or_rewritten():
    log: list = []
    app = wrap(upstream(PAGE.encode(), log=log))
    status, headers, body, _ = run(call(app, path="/__eldermode/health", query=b"eldermode=elder"))
    assert status == 200 and body == b'{"status":"ok"}'
    assert log == []


def test_assets_are_served_and_unknown_names_are_404():
    app = wrap(upstream(PAGE.encode()))
    status, headers, body, _ = run(call(app, path="/__eldermode/assets/eldermode.css"))
    assert status == 200 and b".em-modebar" in body
    assert header(headers, "content-type").startswith("text/css")
    for bad in ("/__eldermode/assets/../settings.py", "/__eldermode/assets/%2e%2e%2fcli.py", "/__eldermode/assets/x.py"):
        assert run(call(app, path=bad))[0] == 404


def test_websocket_and_lifespan_pass_to_the_app():
    seen = []

    async def app(scope, receive, send):
        seen.append(scope["type"])

    middleware = wrap(app)
    run(middleware({"type": "lifespan"}, None, None))
    assert seen == ["lifespan"]


def test_a_page_read_again_is_served_from_the_rewrite_cache(monkeypatch):
    calls = []

    def counting(root, ctx):
        calls.append(ctx.url)

    monkeypatch.setitem(pipeline.PIPELINES, "elder", pipeline.PIPELINES["elder"] + (("counting", counting),))
    app = wrap(upstream(PAGE.encode()))
    first = run(call(app, query=b"eldermode=elder"))[2]
    second = run(call(app, headers=[(b"cookie", b"eldermode=elder")]))[2]
    assert first == second and len(calls) == 1
    # Another profile, another page URL or other bytes are rewritten afresh.
    run(call(app, query=b"eldermode=elder&eldermode-text=large"))
    run(call(app, path="/other", headers=[(b"cookie", b"eldermode=elder")]))
    assert len(calls) == 3
    changed = wrap(upstream(PAGE.replace("年报", "年度报告").encode()))
    changed.services.rewritten = app.services.rewritten
    assert "年度报告" in run(call(changed, headers=[(b"cookie", b"eldermode=elder")]))[2].decode()


def test_rewrite_cache_can_be_turned_off(monkeypatch):
    calls = []
    monkeypatch.setitem(pipeline.PIPELINES, "elder",
                        pipeline.PIPELINES["elder"] + (("counting", lambda root, ctx: calls.append(1)),))
    app = wrap(upstream(PAGE.encode()), rewrite_cache_bytes=0)
    run(call(app, query=b"eldermode=elder"))
    run(call(app, query=b"eldermode=elder"))
    assert len(calls) == 2


def test_a_brotli_bomb_is_stopped_at_the_limit_and_the_original_sent():
    bomb = brotli.compress(b"<html><body>" + b"\0" * (64 * 1024 * 1024), quality=1)
    app = wrap(upstream(bomb, headers=[(b"content-encoding", b"br")]), max_body=1024 * 1024)
    status, headers, body, _ = run(call(app, query=b"eldermode=elder"))
    assert status == 200 and body == bomb and header(headers, "content-encoding") == "br"


def test_decoding_stops_at_the_limit_instead_of_inflating_everything():
    import tracemalloc

    from eldermode.middleware.codings import DecodeError, decode_content

    for coding, bomb in (("br", brotli.compress(b"\0" * (64 * 1024 * 1024), quality=1)),
                         ("gzip", gzip.compress(b"\0" * (64 * 1024 * 1024), 1))):
        tracemalloc.start()
        with pytest.raises(DecodeError, match="too large"):
            decode_content(bomb, coding, 1024 * 1024)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak < 16 * 1024 * 1024, (coding, peak)


def test_a_rewrite_that_never_ends_still_gives_the_visitor_the_original(monkeypatch, caplog):
    import threading

    release = threading.Event()

    def stuck(root, ctx):
        release.wait(30)  # a transform caught in a loop

    monkeypatch.setitem(pipeline.PIPELINES, "elder", pipeline.PIPELINES["elder"] + (("stuck", stuck),))
    app = wrap(upstream(PAGE.encode()), rewrite_timeout=0.5)
    try:
        with caplog.at_level(logging.ERROR, logger="eldermode"):
            status, _, body, _ = run(call(app, path="/slow.html", query=b"eldermode=elder"))
        assert status == 200 and body == PAGE.encode()
        assert "/slow.html" in caplog.text
    finally:
        release.set()
