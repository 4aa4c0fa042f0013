"""Property tests: random malformed tables never make the tables transform raise or write a bad reference."""

from __future__ import annotations

import lxml.html
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eldermode.transforms import Context, Profile
from eldermode.transforms.tables.model import form_table
from eldermode.transforms.tables import annotate_tables

SPANS = st.sampled_from(["", "0", "1", "2", "3", "-1", "abc", "2px", " 2 ", "40", "+1"])
TEXT = st.sampled_from(["", "0", "15", "1,234", "3.5%", "—", "项目", "合计", "第二十条第（一）项", "&nbsp;", "申请人情况",
                        "<p>三、本</p><p>年度</p>", "<input name=x>", "<a href=/x>链接</a>", "<table><tr><td>1</td></tr></table>"])


@st.composite
def cell(draw):
    tag = draw(st.sampled_from(["td", "td", "td", "th"]))
    attrs = ""
    colspan = draw(SPANS)
    rowspan = draw(SPANS)
    if colspan:
        attrs += f' colspan="{colspan}"'
    if rowspan:
        attrs += f' rowspan="{rowspan}"'
    if draw(st.integers(0, 9)) == 0:
        attrs += f' scope="{draw(st.sampled_from(["row", "col", "rowgroup", "colgroup", "bogus"]))}"'
    if draw(st.integers(0, 9)) == 0:
        attrs += f' id="{draw(st.sampled_from(["a", "b", "em-t0-h1"]))}"'
    if draw(st.integers(0, 14)) == 0:
        attrs += f' headers="{draw(st.sampled_from(["a", "b a", "", "missing"]))}"'
    close = draw(st.booleans())
    return f"<{tag}{attrs}>{draw(TEXT)}" + (f"</{tag}>" if close else "")


@st.composite
def table_html(draw):
    parts = []
    if draw(st.booleans()):
        parts.append(draw(st.sampled_from(["<col>", "<col span=2>", "<colgroup span=3></colgroup>", "<caption>表</caption>"])))
    for _ in range(draw(st.integers(0, 3))):
        group = draw(st.sampled_from(["", "thead", "tbody", "tfoot"]))
        rows = []
        for _ in range(draw(st.integers(0, 5))):
            cells = "".join(draw(st.lists(cell(), max_size=6)))
            rows.append(draw(st.sampled_from([f"<tr>{cells}</tr>", f"<tr>{cells}", cells])))
        body = "".join(rows)
        parts.append(f"<{group}>{body}</{group}>" if group else body)
    border = draw(st.sampled_from(["", " border=1", " border=0", " role=presentation"]))
    return f"<p>一、情况</p><table{border}>{''.join(parts)}</table>"


def check_references(root) -> None:
    for table in root.iter("table"):
        if table.get("data-eldermode") != "table":
            continue
        t = form_table(table)
        own = {c.element for c in t.cells}
        ids = {}
        for el in root.iter():
            if isinstance(el.tag, str) and el.get("id") is not None:
                ids.setdefault(el.get("id"), el)
        for c in t.cells:
            for token in (c.element.get("headers") or "").split():
                target = ids.get(token)
                assert target is not None, token
                assert target.tag == "th" and target in own and target is not c.element


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(table_html(), min_size=1, max_size=3))
def test_random_tables_never_raise_and_references_are_sound(tables):
    html = "<html><head></head><body>" + "".join(tables) + "</body></html>"
    root = lxml.html.document_fromstring(html)
    ctx = Context(profile=Profile(mode="access"))
    annotate_tables(root, ctx)
    check_references(root)
    once = lxml.html.tostring(root)
    annotate_tables(root, Context(profile=Profile(mode="access")))
    assert lxml.html.tostring(root) == once


def test_big_table_is_handled():
    rows = "".join("<tr>" + "".join(f"<td>{(r * 100 + c) % 7}</td>" for c in range(100)) + "</tr>" for r in range(100))
    head = "<tr>" + "".join(f"<td>列{c}</td>" for c in range(100)) + "</tr>"
    root = lxml.html.document_fromstring(f"<html><body><table border=1>{head}{rows}</table></body></html>")
    ctx = Context(profile=Profile(mode="access"))
    annotate_tables(root, ctx)
    assert len(ctx.data["tables"][0].cells) == 100 * 100
    check_references(root)


def test_absurd_spans_are_skipped_not_raised():
    root = lxml.html.document_fromstring(
        "<html><body><table border=1><tr><td colspan=1000 rowspan=65534>x</td><td>1</td></tr>"
        "<tr><td>a</td><td>2</td></tr></table></body></html>"
    )
    ctx = Context(profile=Profile(mode="access"))
    annotate_tables(root, ctx)
    assert ctx.report.count("tables", "skipped table") == 1
