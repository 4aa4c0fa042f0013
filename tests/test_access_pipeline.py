"""The access repairs inside the real pipelines: access and elder mode both get them, in a sensible order."""

from __future__ import annotations

import lxml.html
import pytest

from eldermode.transforms import Context, Profile
from eldermode.transforms.pipeline import rewrite_page


@pytest.mark.parametrize("mode", ["access", "elder"])
def test_seed_page_gets_structure_in_both_modes(seed_html_bytes, mode):
    ctx = Context(profile=Profile(mode=mode), url="/report.html")
    root = lxml.html.document_fromstring(rewrite_page(seed_html_bytes, "text/html; charset=utf-8", ctx).decode())
    body = root.find("body")
    skip = body[0]
    assert skip.tag == "a" and skip.get("data-eldermode") == "skiplink"
    mains = root.xpath("//main | //*[@role='main']")
    assert len(mains) == 1 and skip.get("href") == "#" + mains[0].get("id")
    assert [el.text_content().strip() for el in root.xpath("//*[@role='heading'][@aria-level='1']")] == [
        "鄂城区2020年政府信息公开工作年报"]
    assert len(root.xpath("//*[@role='heading'][@aria-level='2']")) == 6
    assert not root.xpath("//img[not(@alt)]")
    head = root.find("head")
    assert head.find("link[@data-eldermode='access-css']") is not None
    assert head.find("script[@data-eldermode='access-js']") is not None
    assert ctx.report.count("landmarks", "added main") == 1


def test_rewriting_a_rewritten_page_changes_nothing(seed_gbk_bytes):
    once = rewrite_page(seed_gbk_bytes, "text/html; charset=gb2312",
                        Context(profile=Profile(mode="access"), url="/report.html"))
    ctx = Context(profile=Profile(mode="access"), url="/report.html")
    twice = rewrite_page(once, "text/html; charset=utf-8", ctx)
    assert twice == once
    assert [e for e in ctx.report.entries if e[0] in ("landmarks", "headings", "images", "names", "focus")] == []
