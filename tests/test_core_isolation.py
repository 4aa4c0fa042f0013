"""Step isolation and input hygiene: a step that raises costs only itself, and no step ever meets
a character lxml cannot hold.

Fast, in-process: the pipeline on the seed report and on small pages written here.
"""

from __future__ import annotations

import logging

import lxml.html
import pytest

from eldermode.middleware import metrics
from eldermode.transforms import Context, Profile, pipeline
from eldermode.transforms.document import NotHTML, parse_document, serialize_document
from eldermode.transforms.pipeline import rewrite_page, transform_document

PAGE = ("<!DOCTYPE html><html><head><title>年报</title></head><body><h1>年报</h1>"
        "<table border=1><tr><td>项目</td><td>数量</td></tr><tr><td>收到申请</td><td>15</td></tr>"
        "<tr><td>办结</td><td>14</td></tr></table><p>正文。</p></body></html>")


def ctx_for(mode: str = "elder", url: str = "/r.html") -> Context:
    return Context(profile=Profile(mode=mode), url=url)


def with_steps(monkeypatch, mode: str, at: int, *extra) -> None:
    steps = pipeline.PIPELINES[mode]
    monkeypatch.setitem(pipeline.PIPELINES, mode, steps[:at] + tuple(extra) + steps[at:])


# ---------------------------------------------------------------- isolation


def test_a_step_that_raises_half_way_leaves_no_trace_and_the_others_still_run(monkeypatch, seed_html_bytes):
    def half_then_raise(root, ctx):
        for td in root.iter("td"):
            td.text = "半改"  # edits every cell…
        ctx.data["half"] = True
        ctx.report.note("half", "edited cells")
        raise KeyError("…then fails")

    with_steps(monkeypatch, "access", 2, ("half", half_then_raise))
    clean = rewrite_page(seed_html_bytes, "text/html; charset=utf-8", ctx_for("access"))
    ctx = ctx_for("access")
    out = rewrite_page(seed_html_bytes, "text/html; charset=utf-8", ctx)
    assert "半改" not in out.decode("utf-8") and "half" not in ctx.data
    assert ctx.skipped == ["half"]
    assert ("pipeline", "step failed and was skipped", "half") in ctx.report.entries
    assert not any(t == "half" for t, _, _ in ctx.report.entries)
    # every other step ran: the page is exactly the one the pipeline makes without the failed step
    assert out == clean


def test_each_failing_step_is_skipped_logged_once_and_counted(monkeypatch, caplog):
    def first(root, ctx):
        raise ValueError("first")

    def second(root, ctx):
        raise TypeError("second " + "x" * 50_000)

    with_steps(monkeypatch, "elder", 0, ("first-bad", first))
    with_steps(monkeypatch, "elder", 5, ("second-bad", second))
    before = metrics.value("step_failures", step="first-bad"), metrics.value("step_failures", step="second-bad")
    ctx = ctx_for("elder", url="/zwgk/2020.html")
    with caplog.at_level(logging.WARNING, logger="eldermode"):
        out = rewrite_page(PAGE.encode(), "text/html; charset=utf-8", ctx)
    assert ctx.skipped == ["first-bad", "second-bad"]
    assert 'role="toolbar"' in out.decode("utf-8")
    assert metrics.value("step_failures", step="first-bad") == before[0] + 1
    assert metrics.value("step_failures", step="second-bad") == before[1] + 1
    for name in ("first-bad", "second-bad"):
        lines = [r.getMessage() for r in caplog.records if repr(name) in r.getMessage()]
        assert len(lines) == 1 and "/zwgk/2020.html" in lines[0]
        assert len(lines[0]) < 1000  # a 50 000-character error text is cut in the log


def test_a_clean_page_runs_every_step_once(monkeypatch):
    calls = []
    with_steps(monkeypatch, "access", 0, ("count", lambda root, ctx: calls.append(1)))
    ctx = ctx_for("access")
    transform_document(PAGE.encode(), "text/html", ctx)
    assert calls == [1] and ctx.skipped == []


def test_what_cannot_be_had_still_raises_for_a_whole_page_fallback():
    with pytest.raises(NotHTML):
        rewrite_page(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "text/html", ctx_for())


# ---------------------------------------------------------------- input hygiene


@pytest.mark.parametrize("junk", ["\x01", "\x00", "\x1f", "\x08", "&#1;", "&#x1F;", "&#0;", "\ufffe", "&#xFFFF;"])
def test_a_stray_control_character_in_a_table_cell_costs_nothing(junk, seed_html_bytes):
    # The report's first data cell (收到申请数 … 15) gets the stray character; the tables step once
    # raised "All strings must be XML compatible" on it and the page fell back whole.
    text = seed_html_bytes.decode("utf-8")
    cell = text.index("<td", text.index("<table"))
    cell = text.index(">", cell) + 1
    body = (text[:cell] + junk + text[cell:]).encode("utf-8")
    for mode in ("elder", "access"):
        ctx = ctx_for(mode)
        out = rewrite_page(body, "text/html; charset=utf-8", ctx).decode("utf-8")
        assert ctx.skipped == []
        assert 'scope="col"' in out and "em-table-reading" in out or "<details" in out
        for bad in ("\x00", "\x01", "\x1f", "\x08", "\ufffe", "\uffff", "&#1;", "&#0;"):
            assert bad not in out


def test_hygiene_replaces_or_removes_each_kind_of_illegal_character():
    page = ("<html><head><title>一份足够长的页面，控制字符只占很小的比例</title></head><body>"
            "<p title='a\x0bb'>a\x01b\x0cc\x00d&#11;e&#xFFFE;f</p><!-- x\x02y --><p>正文。</p></body></html>")
    doc = parse_document(page.encode("utf-8"), "text/html; charset=utf-8")
    p = doc.root.find(".//p")
    # form feed and vertical tab (Word's line break) become spaces; other controls go; U+FFFE is "?"
    assert p.text == "ab cd e\ufffdf"
    assert p.get("title") == "a b"
    assert b"\x02" not in serialize_document(doc)


def test_a_lone_surrogate_and_a_nul_in_the_first_kilobyte_are_not_binary():
    body = b"<html><head><title>\x00\xed\xa0\x80</title></head><body><p>\xe6\xad\xa3\xe6\x96\x87</p></body></html>"
    ctx = ctx_for("access")
    out = rewrite_page(body, "text/html; charset=utf-8", ctx).decode("utf-8")
    assert "正文" in out and "\x00" not in out and ctx.skipped == []
    lxml.html.document_fromstring(out)


def test_a_compressed_frameset_in_mode_off_is_sent_as_it_is_and_counted_as_no_fallback():
    # A frameset has no <body> for the entry link; sending it as it is must not count as a
    # whole-page fallback (it read as page_fallbacks{reason="error"} on the operator's dashboard).
    import gzip

    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    from eldermode.middleware import ElderModeMiddleware, Settings
    from support import asgi_get

    frames = gzip.compress(b"<html><head><title>x</title></head><frameset cols='20%,*'><frame src='/a.html'>"
                           b"<frame src='/b.html'></frameset></html>")

    async def page(request):
        return Response(frames, media_type="text/html", headers={"content-encoding": "gzip"})

    before = metrics.snapshot()[0]
    response = asgi_get(ElderModeMiddleware(Starlette(routes=[Route("/", page)]), Settings()), "/",
                        headers={"accept-encoding": "gzip"})
    assert response.status_code == 200 and b"<frameset" in response.content
    assert response.headers.get("eldermode-fallback") is None
    counted = {k: v - before.get(k, 0) for k, v in metrics.snapshot()[0].items() if k[0] == "page_fallbacks"}
    assert not any(counted.values()), counted
