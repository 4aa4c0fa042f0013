"""Deferred markup (transforms/deferred.py): generated blocks' contents kept as bytes, written in place of their stand-ins.

Fast, in-process: small table pages written here, run through the pipeline.
"""

from __future__ import annotations

import copy

import lxml.html
from lxml import etree

from eldermode.transforms import Context, Profile, pipeline
from eldermode.transforms.deferred import deferred_of, materialize
from eldermode.transforms.document import serialize_document
from eldermode.transforms.pipeline import rewrite_page, transform_document

ROWS = "".join(f"<tr><td>项目{i}</td><td>{i}</td><td>a&amp;b&lt;c&gt;\r{i}</td></tr>" for i in range(4))
PAGE = ("<!DOCTYPE html><html><head><title>年报</title></head><body><h1>年报</h1><!--em-deferred-0 0 -->"
        f"<table border=1><tr><th>项目</th><th>数量</th><th>说明</th></tr>{ROWS}</table><p>正文。</p></body></html>")


def ctx_for(mode: str = "access") -> Context:
    return Context(profile=Profile(mode=mode), url="/r.html")


def readings(html: bytes) -> list:
    return reading_blocks(lxml.html.document_fromstring(html.decode("utf-8")))


def reading_blocks(root) -> list:
    return root.xpath("//details[@data-eldermode='table-reading']")


def test_the_tree_holds_a_stand_in_and_the_page_its_items():
    ctx = ctx_for()
    doc = transform_document(PAGE.encode(), "text/html", ctx)
    store = deferred_of(ctx, doc.root)
    assert doc.deferred is store and store is not None
    (details,) = reading_blocks(doc.root)
    assert details.find("ol") is None and details[-1].tag is etree.Comment  # no <li> in the tree
    out = serialize_document(doc)
    assert store.token.encode() not in out
    assert b"<!--em-deferred-0 0 -->" in out  # the page's own comment, however like a stand-in, is the page's
    (reading,) = readings(out)
    items = [li.text for li in reading.findall("ol/li")]
    assert len(items) == 8 and items[0].startswith("项目0") and "a&b<c> 0" in items[1]  # escaped as libxml2 does


def test_materialized_items_write_the_same_page():
    ctx = ctx_for()
    doc = transform_document(PAGE.encode(), "text/html", ctx)
    before = serialize_document(doc)
    (ol,) = materialize(doc.root, ctx)
    assert ol.tag == "ol" and len(ol) == 8 and ol.getparent() is reading_blocks(doc.root)[0]
    assert serialize_document(doc) == before


def test_a_block_dropped_takes_its_bytes_and_one_copied_writes_them_twice():
    ctx = ctx_for()
    doc = transform_document(PAGE.encode(), "text/html", ctx)
    (details,) = reading_blocks(doc.root)
    doc.root.find("body").append(copy.deepcopy(details))
    assert len(readings(serialize_document(doc))) == 2
    assert [len(r.findall("ol/li")) for r in readings(serialize_document(doc))] == [8, 8]
    for block in reading_blocks(doc.root):
        block.getparent().remove(block)
    out = serialize_document(doc)
    assert readings(out) == [] and "项目0".encode() not in out.split(b"</table>")[1]


def test_a_rewrite_started_over_after_a_failed_step_writes_its_own_stand_ins(monkeypatch):
    def fail(root, ctx):
        raise RuntimeError("boom")

    steps = pipeline.PIPELINES["access"]
    monkeypatch.setitem(pipeline.PIPELINES, "access", steps + (("fails", fail),))
    ctx = ctx_for()
    out = rewrite_page(PAGE.encode(), "text/html", ctx)
    assert ctx.skipped == ["fails"]
    assert b"em-deferred-0 0" in out and out.count(b"em-deferred-") == 1
    assert [len(r.findall("ol/li")) for r in readings(out)] == [8]


def test_elder_and_access_pages_rewritten_twice_are_the_same():
    for mode in ("access", "elder"):
        once = rewrite_page(PAGE.encode(), "text/html", ctx_for(mode))
        assert rewrite_page(once, "text/html; charset=utf-8", ctx_for(mode)) == once


def test_elder_cards_are_written_from_their_bytes():
    ctx = ctx_for("elder")
    doc = transform_document(PAGE.encode(), "text/html", ctx)
    (box,) = doc.root.xpath("//div[@data-eldermode='table-cards']")
    assert box.get("role") == "region" and box[-1].tag is etree.Comment  # the box itself is in the tree, its cards not
    out = lxml.html.document_fromstring(serialize_document(doc).decode("utf-8"))
    (box,) = out.xpath("//div[@data-eldermode='table-cards']")
    assert [p.text for p in box.iter("p") if p.get("class") == "em-card-head"] == [f"项目{i}" for i in range(4)]
    assert [dd.text for dd in box.iter("dd")][:2] == ["0", "a&b<c> 0"]
