"""The HTML standard's table model (forming a table, assigning header cells) on lxml trees.

Expectations are written by hand from the standard's text and the examples'
meaning (tests/golden/tables/*.json), never pasted from the code's output.
"""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest

from eldermode.transforms.tables.model import (
    COLSPAN_MAX,
    ROWSPAN_MAX,
    HeaderAssigner,
    TableTooLarge,
    assign_headers,
    document_id_lookup,
    form_table,
    is_empty_cell,
    parse_nonnegative_integer,
)

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures" / "tables"
GOLDEN = HERE / "golden" / "tables"


def first_table(html: str):
    root = lxml.html.document_fromstring(f"<html><body>{html}</body></html>")
    return root, form_table(root.find(".//table"))


def text(cell) -> str:
    return " ".join(cell.element.text_content().split())


def geometry(table):
    return {text(c): (c.x, c.y, c.width, c.height) for c in table.cells}


@pytest.mark.parametrize(
    "name", ["wai_one_header", "wai_two_headers", "wai_irregular", "wai_multilevel", "spec_rowgroup", "spec_opex"]
)
def test_examples_match_golden_header_lists(name):
    root = lxml.html.document_fromstring((FIXTURES / f"{name}.html").read_text("utf-8"))
    table = form_table(root.find(".//table"))
    headers = assign_headers(table, document_id_lookup(root))
    by_slot = {f"{c.x},{c.y}": c for c in table.cells}
    expected = json.loads((GOLDEN / f"{name}.json").read_text("utf-8"))
    expected.pop("_about")
    for slot, want in expected.items():
        cell = by_slot[slot]
        assert text(cell) == want["text"], slot
        assert [text(h) for h in headers[cell]] == want["headers"], f"{name} {slot} {want['text']}"


def test_irregular_example_bare_col_forms_its_own_column_group():
    root = lxml.html.document_fromstring((FIXTURES / "wai_irregular.html").read_text("utf-8"))
    table = form_table(root.find(".//table"))
    # One implied colgroup around the bare <col>, then the two span=2 groups.
    assert table.col_groups == [(0, 1), (1, 2), (3, 2)]
    assert (table.xwidth, table.yheight) == (5, 4)


@pytest.mark.parametrize(
    "value, expected",
    [("2", 2), ("2px", 2), (" 3 ", 3), ("+4", 4), ("\t5x", 5), ("-1", None), ("abc", None), ("", None), (None, None),
     ("0", 0), ("007", 7), ("\u00a02", None), ("-0", 0), ("-00", 0), (" -0px", 0), ("--0", None), ("-", None)],
)
def test_parse_nonnegative_integer(value, expected):
    # U+00A0 is not ASCII whitespace, so it is not skipped.
    assert parse_nonnegative_integer(value) == expected


@pytest.mark.parametrize("attr", ['colspan="0"', 'colspan="-1"', 'colspan="abc"', "", 'colspan=""'])
def test_bad_colspan_is_one(attr):
    _, t = first_table(f"<table><tr><td {attr}>a</td><td>b</td></tr></table>")
    assert geometry(t) == {"a": (0, 0, 1, 1), "b": (1, 0, 1, 1)}


def test_colspan_2px_is_two():
    _, t = first_table('<table><tr><td colspan="2px">a</td><td>b</td></tr><tr><td>c</td></tr></table>')
    assert geometry(t)["a"] == (0, 0, 2, 1)
    assert geometry(t)["b"] == (2, 0, 1, 1)


def test_colspan_clamped_to_1000():
    _, t = first_table('<table><tr><td colspan="5000">a</td><td>b</td></tr></table>')
    assert COLSPAN_MAX == 1000
    assert geometry(t)["a"] == (0, 0, 1000, 1)
    assert t.xwidth == 1001


def test_rowspan_clamped_to_65534():
    _, t = first_table('<table><tr><td rowspan="70000">a</td></tr></table>')
    assert ROWSPAN_MAX == 65534
    assert t.yheight == 65534
    assert geometry(t)["a"] == (0, 0, 1, 65534)


def test_rowspan_zero_grows_to_end_of_its_row_group_only():
    _, t = first_table(
        "<table><tbody><tr><td rowspan=0>A</td><td>b</td></tr><tr><td>c</td></tr><tr><td>d</td></tr></tbody>"
        "<tbody><tr><td>e</td><td>f</td></tr></tbody></table>"
    )
    g = geometry(t)
    assert g["A"] == (0, 0, 1, 3)
    assert g["c"] == (1, 1, 1, 1) and g["d"] == (1, 2, 1, 1)
    assert g["e"] == (0, 3, 1, 1) and g["f"] == (1, 3, 1, 1)
    assert [(s, h) for s, h, _ in t.row_groups] == [(0, 3), (3, 1)]


def test_rowspan_zero_th_with_data_in_its_row_and_column_heads_nothing():
    root, t = first_table(
        "<table><tbody><tr><th rowspan=0>A</th><td>b</td></tr><tr><td>c</td></tr></tbody>"
        "<tbody><tr><td>d</td><td>e</td></tr></tbody></table>"
    )
    headers = assign_headers(t)
    by_text = {text(c): c for c in t.cells}
    assert not t.is_column_header(by_text["A"]) and not t.is_row_header(by_text["A"])
    assert headers[by_text["b"]] == [] and headers[by_text["c"]] == []


def test_overlapping_cells_both_cover_the_slot_and_scans_skip_it():
    # B covers rows 0-1 of column 1; D (row 1, columns 0-2) covers the same slot (1, 1).
    _, t = first_table(
        "<table><tr><th>H1</th><th rowspan=2>H2</th><th>H3</th></tr>"
        "<tr><td colspan=3>D</td></tr>"
        "<tr><td>x</td><td>y</td><td>z</td></tr></table>"
    )
    assert ("overlap", 1, 1) in t.errors
    assert sorted(text(c) for c in t.cells_at(1, 1)) == ["D", "H2"]
    assert t.cell_at(1, 1) is None
    headers = {text(c): [text(h) for h in hs] for c, hs in assign_headers(t).items()}
    # H2 has a data cell (D) in its rows and columns: it heads nothing. The overlap slot is skipped.
    assert headers["D"] == ["H1", "H3"]
    assert headers["x"] == ["H1"]
    assert headers["y"] == []
    assert headers["z"] == ["H3"]


def test_rowspan_past_the_end_of_thead_makes_implied_rows_inside_it():
    _, t = first_table(
        "<table><thead><tr><th rowspan=3>A</th><th>B</th></tr></thead>"
        "<tbody><tr><td>1</td><td>2</td></tr></tbody></table>"
    )
    g = geometry(t)
    assert g["A"] == (0, 0, 1, 3)
    assert g["1"] == (0, 3, 1, 1)
    assert [(s, h, k) for s, h, k in t.row_groups] == [(0, 3, "thead"), (3, 1, "tbody")]
    assert ("row without anchored cell", 1) in t.errors and ("row without anchored cell", 2) in t.errors
    headers = {text(c): [text(h) for h in hs] for c, hs in assign_headers(t).items()}
    assert headers["1"] == ["A"] and headers["2"] == ["B"]


def test_tfoot_is_processed_last():
    _, t = first_table("<table><tfoot><tr><td>F</td></tr></tfoot><tbody><tr><td>B</td></tr></tbody></table>")
    assert geometry(t) == {"F": (0, 1, 1, 1), "B": (0, 0, 1, 1)}
    assert [k for _, _, k in t.row_groups] == ["tbody", "tfoot"]


def test_cells_outside_rows_get_the_implied_row_and_tbody():
    # lxml keeps these <td>s as children of <table>; the HTML5 parser wraps them in <tbody><tr>.
    _, t = first_table("<table><td>x<td>y<tr><td>z</table>")
    assert geometry(t) == {"x": (0, 0, 1, 1), "y": (1, 0, 1, 1), "z": (0, 1, 1, 1)}
    assert t.row_groups == [(0, 2, "tbody")]


def test_bare_rows_share_one_implied_tbody_and_td_inside_tbody_gets_a_row():
    _, t = first_table("<table><tbody><td>a</td><tr><td>b</td></tr></tbody><tr><td>c</td></tr></table>")
    assert geometry(t) == {"a": (0, 0, 1, 1), "b": (0, 1, 1, 1), "c": (0, 2, 1, 1)}
    assert [(s, h) for s, h, _ in t.row_groups] == [(0, 2), (2, 1)]


def test_form_between_table_and_rows_is_transparent():
    _, t = first_table("<table><form><tr><td>a</td><td><input name=q></td></tr></form></table>")
    assert [(c.x, c.y) for c in t.cells] == [(0, 0), (1, 0)]


def test_nested_table_cells_belong_to_the_nested_table():
    root, t = first_table("<table><tr><td>a<table><tr><td>in</td></tr></table></td><td>b</td></tr></table>")
    assert len(t.cells) == 2 and (t.xwidth, t.yheight) == (2, 1)


def test_empty_cell_definition():
    root = lxml.html.fragment_fromstring(
        "<div><td> \n</td><td>&nbsp;</td><td>\u3000</td><td><p></p></td><td><br></td><td><!-- c --> </td></div>"
    )
    assert [is_empty_cell(td) for td in root] == [True, False, False, False, False, True]


def test_explicit_headers_only_same_table_cells_never_the_principal():
    root = lxml.html.document_fromstring(
        "<html><body><p id=h1>outside</p><table><tr><th id=h1>first?</th><th id=h2>H2</th>"
        "<td id=self headers='h1 h2 self missing h2'>v</td></tr></table></body></html>"
    )
    t = form_table(root.find(".//table"))
    cell = t.cells[2]
    parts = HeaderAssigner(t, document_id_lookup(root)).parts(cell)
    # "the first element in the Document" with id h1 is the <p>, not a cell of this table.
    assert [text(h) for h in parts.all()] == ["H2"]
    assert parts.explicit


def test_empty_headers_attribute_gives_no_headers_and_no_scan():
    _, t = first_table("<table><tr><th>H</th></tr><tr><td headers=''>v</td></tr></table>")
    assert assign_headers(t)[t.cells[1]] == []


def test_rowspan_minus_zero_is_zero_and_grows_to_the_end_of_its_row_group():
    # "-0" is parsed as an integer (0), which is not below zero: rowspan 0, as Chromium does.
    _, t = first_table(
        '<table><tbody><tr><td rowspan="-0">z</td><td>a</td></tr><tr><td>b</td></tr><tr><td>c</td></tr></tbody>'
        "<tbody><tr><td>d</td></tr></tbody></table>")
    g = geometry(t)
    assert g["z"] == (0, 0, 1, 3)
    assert g["b"] == (1, 1, 1, 1) and g["d"] == (0, 3, 1, 1)


@pytest.mark.parametrize("value", [" row ", "row ", "\trow", "ro w"])
def test_scope_with_spaces_is_invalid_so_auto(value):
    # scope is an enumerated attribute: the value must be a keyword exactly; nothing is trimmed.
    _, t = first_table(f'<table><tr><th scope="{value}">H</th><th>C</th></tr><tr><td>1</td><td>2</td></tr></table>')
    h = t.cells[0]
    assert h.scope == "auto"
    # Auto: row 0 holds no data cell, so H is a column header (with " row " trimmed it would be a row header).
    assert t.is_column_header(h) and not t.is_row_header(h)


def test_scope_is_case_insensitive_and_invalid_means_auto():
    _, t = first_table(
        "<table><tr><th scope=COL>A</th><th scope=bogus>B</th></tr><tr><th scope=Row>r</th><td>v</td></tr></table>"
    )
    a, b, r, v = t.cells
    assert (a.scope, b.scope, r.scope) == ("col", "auto", "row")
    assert [text(h) for h in assign_headers(t)[v]] == ["r", "B"]


def test_opaque_header_block_stops_stale_headers():
    # A header row halfway down: cells below it do not also get the top header with the same geometry.
    _, t = first_table(
        "<table><tr><th>Top</th></tr><tr><td>1</td></tr><tr><th>Mid</th></tr><tr><td>2</td></tr></table>"
    )
    headers = {text(c): [text(h) for h in hs] for c, hs in assign_headers(t).items()}
    assert headers["1"] == ["Top"] and headers["2"] == ["Mid"]


def test_slot_budget_stops_absurd_tables():
    root = lxml.html.document_fromstring(
        '<html><body><table><tr><td colspan=1000 rowspan=65534>x</td></tr></table></body></html>'
    )
    with pytest.raises(TableTooLarge):
        form_table(root.find(".//table"))
