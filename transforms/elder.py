"""Elder-mode (长者模式) page changes: calm page, inline-style rewrite, table scroll containers, viewport.

What the global elder.css cannot do from outside the page is done here, on the tree:

* ``calm_page``: floating ads (飘窗), couplet ads and pop-ups removed, ``<marquee>`` stopped,
  auto-playing media stopped (MIIT 2.4.1, WCAG 2.2.2 / 1.4.2).
* ``rewrite_inline_styles``: only inline declarations a stylesheet cannot beat or must not flatten:
  ``!important`` ones and font sizes LARGER than body text (kept as a ratio in rem so the text level
  can change without a reload). Memoised by the exact attribute string: CMS pages repeat a few
  dozen distinct strings hundreds of times. No cssutils on this path (1.2 ms per style, and it
  drops modern values when it writes); untouched declarations are kept byte for byte.
* ``wrap_tables``: data tables get their own horizontal scroll container (WCAG 1.4.10 exempts
  tables); layout tables are marked so elder.css linearises them.
* ``ensure_viewport``: phones get ``width=device-width`` and pinch zoom is never disabled.
* ``link_site_overrides``: the link to eldermode's generated override sheet for this page's
  stylesheets (analysed off the request path by the middleware's stylesheet service).
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from functools import lru_cache
from itertools import chain, compress, repeat

import lxml.html
from lxml import etree

from . import Context
from .urls import join_url, split_url
from .css import scaled_font_size, split_declarations
from .markup import record_generated, without_generated
from .bulkmarkup import escaper, utf8
from .deferred import defer

__all__ = [
    "allow_zoom",
    "calm_page",
    "ensure_viewport",
    "is_layout_table",
    "link_site_overrides",
    "mark_text_blocks",
    "rewrite_inline_style",
    "rewrite_inline_styles",
    "table_cards",
    "tie_choice_labels",
    "wrap_tables",
]

# ---------------------------------------------------------------- calm page

# id/class tokens that name floating ads, couplet ads and pop-up windows on Chinese government
# sites (floatAd, piaochuang, duilian, tanchuang …). Whole tokens only: "float" alone is layout.
_AD_TOKEN = re.compile(
    r"^(?:float[-_]?(?:ad|adv|win|window|box|div|layer|img|pic|banner)\w*|\w*piao(?:chuang|fu)?\w*"
    r"|couplet\w*|duilian\w*|popup\w*|pop[-_]?(?:win|layer|ad)\w*|tanchuang\w*|advert\w*|guanggao\w*"
    r"|ad|ads|ad[-_]\w+|\w+[-_]ads?|gg[-_]?\w*ad\w*)$",
    re.IGNORECASE,
)
_FLOATING_STYLE = re.compile(r"position\s*:\s*(?:fixed|absolute)", re.IGNORECASE)
_CLOSE_WORDS = ("关闭", "close", "×", "x")
_AUTOPLAY_PARAM = re.compile(r"([?&](?:autoplay|auto_play|autostart)=)(?:1|true)", re.IGNORECASE)


@lru_cache(maxsize=2048)
def _named_like_ad(id_value: str, class_value: str) -> bool:
    # Memoised: CMS pages repeat the same class strings (MsoNormal …) hundreds of times.
    return any(token and _AD_TOKEN.match(token) for token in [id_value.strip(), *class_value.split()])


def _looks_like_floating_ad(el: lxml.html.HtmlElement) -> bool:
    if el.tag in ("html", "body", "head", "main", "article"):
        return False
    if el.get("data-eldermode") is not None:
        return False
    named = _named_like_ad(el.get("id", ""), el.get("class", ""))
    floating = bool(_FLOATING_STYLE.search(el.get("style", "")))
    if not (named or floating):
        return False
    media = el.find(".//img") is not None or el.find(".//iframe") is not None or el.find(".//object") is not None
    if named:
        # A named ad block is short: an image or two and a close control, not a page section.
        text = el.text_content().strip()
        return media and len(text) <= 40
    text = el.text_content().strip().lower()
    return media and len(text) <= 20 and any(word in text for word in _CLOSE_WORDS)


_MEDIA_TAGS = ("marquee", "video", "audio", "bgsound", "embed", "iframe")
# Only elements that could be an ad are looked at: named ones, or ones placed by an inline style.
# Which names are ad-like is decided once per distinct value (read in C), and only the elements
# with such a value are fetched: no Python test of each element (hundreds of MsoNormal paragraphs).
_IDS = etree.XPath("descendant::*/@id")  # (each value knows its element: ids are few on any page)
# (each distinct value once, picked in C: a report repeats a dozen class strings on hundreds of elements, and a
# Python string made for each cost more than the test of the few left)
_CLASSES = etree.XPath("set:distinct(descendant::*/@class)", namespaces={"set": "http://exslt.org/sets"},
                       smart_strings=False)
# All the style values as one string, joined in C (EXSLT): the one question asked of them is whether any places
# an element. (A word across two values only costs the exact test below.)
_STYLE_TEXT = etree.XPath("str:concat(descendant::*/@style)", namespaces={"str": "http://exslt.org/strings"},
                          smart_strings=False)


def calm_page(root: lxml.html.HtmlElement, ctx: Context) -> None:
    """Remove floating ads and pop-ups, stop marquees and auto-playing media.

    In elder mode ads are removed; in other modes they are only marked (``data-em-calm``) so
    that a visitor whose system asks for reduced motion still gets them hidden by elder.css.
    """
    body = root.find("body")
    if body is None:
        return
    for el in list(body.iter(*_MEDIA_TAGS)):
        _stop_motion(el, ctx)
    remove = ctx.profile.mode == "elder"
    dropped: list[lxml.html.HtmlElement] = []
    for el in _ad_candidates(body):
        style = el.get("style")
        if not (_named_like_ad(el.get("id") or "", el.get("class") or "") or (style and "position" in style)):
            continue  # the common case, decided without a function call per element
        if el.get("data-em-calm") is not None or not _looks_like_floating_ad(el):
            continue
        if dropped and any(ancestor in dropped for ancestor in el.iterancestors()):
            continue  # inside an ad already removed
        label = el.get("id") or el.get("class", "")
        if remove:
            dropped.append(el)
            el.drop_tree()
            ctx.report.note("calm", "removed floating ad", label)
        else:
            el.set("data-em-calm", "float")
            ctx.report.note("calm", "marked floating ad", label)


def _ad_candidates(body) -> list:
    """The elements under ``body`` named like an ad or placed by an inline style, in document order."""
    # (values as plain strings: the memo must not keep a page's tree alive)
    ids = [value for value in _IDS(body) if _named_like_ad(str(value), "")]
    classes = [value for value in _CLASSES(body) if _named_like_ad("", value)]
    placed = "position" in _STYLE_TEXT(body)
    if not classes and not placed:
        return [value.getparent() for value in ids]  # the common case: no XPath test of every element
    values = {f"i{n}": str(v) for n, v in enumerate(set(ids))}
    values.update({f"c{n}": v for n, v in enumerate(classes)})
    tests = [f"@{'id' if name[0] == 'i' else 'class'}=${name}" for name in values]
    if placed:
        tests.append("contains(@style, 'position')")
    return etree.XPath(f"descendant::*[{' or '.join(tests)}]")(body, **values)


def _stop_motion(el: lxml.html.HtmlElement, ctx: Context) -> None:
    tag = el.tag
    if tag == "marquee":
        el.tag = "div"
        for attr in ("behavior", "direction", "scrollamount", "scrolldelay", "loop", "onmouseover", "onmouseout"):
            el.attrib.pop(attr, None)
        el.set("class", (el.get("class", "") + " em-marquee").strip())
        ctx.report.note("calm", "stopped marquee")
    elif tag in ("video", "audio"):
        if el.get("autoplay") is not None:
            del el.attrib["autoplay"]
            el.set("controls", "")
            ctx.report.note("calm", "stopped autoplay", tag)
    elif tag == "bgsound":
        el.drop_tree()
        ctx.report.note("calm", "removed background sound")
    elif tag == "embed" and el.get("autostart", "").lower() in ("true", "1"):
        el.set("autostart", "false")
        ctx.report.note("calm", "stopped autoplay", "embed")
    elif tag == "iframe" and _AUTOPLAY_PARAM.search(el.get("src", "")):
        el.set("src", _AUTOPLAY_PARAM.sub(r"\g<1>0", el.get("src", "")))
        ctx.report.note("calm", "stopped autoplay", "iframe")


# ---------------------------------------------------------------- inline styles

# Properties elder.css overrides with !important: an author !important inline declaration of
# these beats every stylesheet, so the rewrite drops its !important.
_CONTROLLED = frozenset({
    "font-size", "line-height", "color", "background", "background-color", "background-image",
    "width", "min-width", "max-width", "height", "text-align", "letter-spacing", "word-spacing",
    "float", "font", "opacity", "text-shadow", "border-color",
})


@lru_cache(maxsize=4096)
def rewrite_inline_style(style: str) -> str | None:
    """The elder-mode version of one ``style`` attribute value, or None when it needs no change."""
    lowered = style.lower()
    if "font-size" not in lowered and "!important" not in lowered and "font:" not in lowered:
        return None
    changed = False
    out: list[str] = []
    for decl in split_declarations(style):
        if decl.prop == "font-size":
            scaled = scaled_font_size(decl.value)
            if scaled is not None:
                out.append(f"font-size:{scaled} !important")
                changed = True
                continue
            if decl.important:
                changed = True  # a small !important size would beat elder.css: drop it
                continue
        elif decl.prop in _CONTROLLED and decl.important:
            out.append(f"{decl.prop}:{decl.value}")
            changed = True
            continue
        out.append(decl.raw.strip())
    return ";".join(out) if changed else None


_STYLES = etree.XPath("descendant::*/@style")  # (each value knows its element)


def rewrite_inline_styles(root: lxml.html.HtmlElement, ctx: Context) -> None:
    """Rewrite the inline ``style`` attributes elder.css cannot override (see module docstring)."""
    body = root.find("body")
    if body is None:
        return
    # Decided once per distinct value (read in C: a pasted report repeats a dozen on 1,000 elements); each value
    # knows its element, so those with a value that changes are picked from them, not by an XPath test of every
    # element. (The memo is keyed by plain strings: it must not keep a page's tree alive.)
    values = _STYLES(body)
    changed = {style: new for style in {str(value) for value in set(values)}
               if (new := rewrite_inline_style(style)) is not None}
    if not changed:
        return
    rewritten = 0
    for value in values:
        new = changed.get(value)
        if new is None:
            continue
        el = value.getparent()
        if el.get("data-em-style") is None:
            el.set("style", new)
            el.set("data-em-style", "")  # marks the rewrite so a second pass leaves it alone
            rewritten += 1
    if rewritten:
        ctx.report.note("elder-style", "rewrote inline styles", str(rewritten))


# ---------------------------------------------------------------- tables


def _table_rows(table: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    rows = []
    for child in table:
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows.extend(r for r in child if r.tag == "tr")
    return rows


def is_layout_table(table: lxml.html.HtmlElement) -> bool:
    """True for a table used to lay out the page rather than to hold data (a heuristic)."""
    role = (table.get("role") or "").strip().lower()
    if role in ("presentation", "none"):
        return True
    if role in ("table", "grid", "treegrid"):
        return False
    if table.find(".//th") is not None or table.find("caption") is not None or table.find("thead") is not None:
        return False
    if "msotable" in table.get("class", "").lower() or "msonormaltable" in table.get("class", "").lower():
        return False
    border = (table.get("border") or "0").strip()
    if table.find(".//table") is not None or table.find(".//form") is not None:
        return True
    rows = _table_rows(table)
    if len(rows) < 2 or max((len([c for c in r if c.tag in ("td", "th")]) for r in rows), default=0) < 2:
        return True
    return border in ("", "0")


def wrap_tables(root: lxml.html.HtmlElement, ctx: Context) -> None:
    """Data tables into a focusable, named horizontal scroll container; layout tables marked for linearising."""
    body = root.find("body")
    if body is None:
        return
    english = ctx.lang.lower().startswith("en")
    number = 0
    for table in list(body.iter("table")):
        if is_layout_table(table):
            if "em-layout-table" not in table.get("class", "").split():
                table.set("class", (table.get("class", "") + " em-layout-table").strip())
                ctx.report.note("tables", "linearised layout table")
            continue
        if _in_scroll_container(table):
            number += 1
            continue
        if any(a.tag == "table" and not is_layout_table(a) for a in table.iterancestors()):
            continue  # a table inside a data table scrolls with it
        previous = table.getprevious()
        if table.get("data-eldermode") == "table-part" and previous is not None and \
                previous.get("data-eldermode") == "table-scroll":
            # One part of a table the tables step split by section: it scrolls with the parts before it.
            tail = table.tail  # lxml moves an element with its tail: the tail stays outside the container
            previous.append(table)
            table.tail = None
            previous.tail = ((previous.tail or "") + (tail or "")) or None
            continue
        number += 1
        name = _table_name(table, number, english)
        wrapper = table.makeelement(
            "div",
            {
                "class": "em-table-scroll",
                "data-eldermode": "table-scroll",
                "role": "region",
                "tabindex": "0",
                "aria-label": name,
            },
        )
        parent = table.getparent()
        parent.replace(table, wrapper)
        wrapper.tail, table.tail = table.tail, None
        wrapper.append(table)
        ctx.report.note("tables", "added scroll container", name)


def _in_scroll_container(table: lxml.html.HtmlElement) -> bool:
    """Already wrapped: the container is the parent, or above a wrapper a later step put between
    them (the landmarks step wraps a table that is the page's main content in a plain div)."""
    outer = table.getparent()
    while outer is not None and outer.get("data-eldermode") not in (None, "table-scroll"):
        outer = outer.getparent()
    return outer is not None and outer.get("data-eldermode") == "table-scroll"


def _table_name(table: lxml.html.HtmlElement, number: int, english: bool) -> str:
    caption = table.find("caption")
    text = caption.text_content() if caption is not None else ""
    if not text.strip():
        rows = _table_rows(table)
        text = rows[0].text_content() if rows else ""
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > 30:
        text = text[:30] + "…"
    prefix = f"Table {number}" if english else f"表格{number}"
    return f"{prefix}: {text}" if text and english else (f"{prefix}：{text}" if text else prefix)


# ---------------------------------------------------------------- tables as reading cards

_CARD_TEXT = {
    "zh": {"grid": "查看原表格（需左右滑动）", "hint": "表格较宽，可左右滑动查看 →", "row": "第{n}行",
           "cards": "{name}（按行列出）", "sep": "：", "path": " › "},
    "en": {"grid": "Show the original table (scrolls sideways)", "hint": "The table is wide: scroll sideways →",
           "row": "Row {n}", "cards": "{name} (row by row)", "sep": ": ", "path": " › "},
}


def table_cards(root: lxml.html.HtmlElement, ctx: Context) -> None:
    """Each data table also as reading cards: a card per row, headed by its row path, each cell as
    "column path：value" — built from the repaired table model the ``tables`` step left in
    ``ctx.data["tables"]``. The grid itself goes behind a labelled ``<details>`` switch. elder.css
    shows the cards on phones and the grid (switch hidden) on wider screens; no JavaScript.
    Runs after ``tables`` and ``table-scroll``."""
    readings = ctx.data.get("tables") or []
    body = root.find("body")
    if body is None or not readings:
        return
    words = _CARD_TEXT["en" if ctx.lang.lower().startswith("en") else "zh"]
    tables = None
    made = 0
    for reading in readings:
        if not reading.texts:
            continue
        # The reading names its <table> (the first part when the tables step split it into one
        # table per section; the parts share one scroll container). Older models only had the index.
        table = getattr(reading, "element", None)
        if table is None:
            tables = tables if tables is not None else list(body.iter("table"))
            if reading.index >= len(tables):
                continue
            table = tables[reading.index]
        wrapper = table.getparent()
        while wrapper is not None and wrapper.get("data-eldermode") not in (None, "table-scroll"):
            wrapper = wrapper.getparent()
        if wrapper is None or wrapper.get("data-eldermode") != "table-scroll":
            continue  # not a data table elder mode scrolls (a layout table, or one inside a data table)
        parent = wrapper.getparent()
        if parent is None or parent.get("data-eldermode") == "table-grid":
            continue  # done already
        cards = _cards(root, ctx, wrapper, reading, words)
        if cards is None:
            continue
        grid = wrapper.makeelement("details", {"class": "em-table-grid", "data-eldermode": "table-grid"})
        summary = etree.SubElement(grid, "summary")
        summary.text = words["grid"]
        hint = etree.SubElement(grid, "p", {"class": "em-table-hint", "aria-hidden": "true"})
        hint.text = words["hint"]
        reading_after = wrapper.getnext()
        if reading_after is not None and reading_after.get("data-eldermode") != "table-reading":
            reading_after = None
        parent.replace(wrapper, grid)
        grid.append(wrapper)
        if reading_after is not None:
            # The table's linear reading stays right after its container (the tables step looks
            # for it there), so both go behind the switch: on a phone the cards are the reading.
            grid.tail, reading_after.tail = reading_after.tail, None
            wrapper.tail = None
            grid.append(reading_after)
        else:
            grid.tail, wrapper.tail = wrapper.tail, None
        grid.addprevious(cards)
        record_generated(ctx, cards)
        made += 1
    if made:
        ctx.report.note("tables", "added reading cards", str(made))


def _cards(root, ctx: Context, wrapper: lxml.html.HtmlElement, reading, words: dict[str, str]):
    # The cards are written as markup and kept as bytes until the page is written (transforms/deferred.py: the
    # box holds a stand-in for them): thousands of elements, made one by one they were the step's cost, and
    # parsed, every later step's set-aside and the serialiser walked them. Every text of a card (header texts,
    # values) is in one of the reading's sentences (read() writes each cell's row path, column path and value
    # into its sentence), so the sentences tell whether any needs escaping.
    # The cells as five parallel lists, and the markup written a grid row at a time by calls into C
    # (slices, join): a Python loop over thousands of cells cost a third of the step.
    rows, cols, values, ys, xs = fields = reading.cell_fields()  # (no CellReading made a cell)
    if not values:
        return None
    # An empty (merged) cell says nothing on a card. (Searches in C: the values are normalised cell texts,
    # tables/text.py, so a blank one is empty; a value of spaces alone is looked for all the same.)
    if "" in values or any(map(str.isspace, values)):
        keep = list(map(str.strip, values))
        rows, cols, values, ys, xs = (list(compress(field, keep)) for field in fields)
        if not values:
            return None
    esc = escaper(reading.texts)
    if esc is not str:
        values = list(map(esc, values))
    # The markup is UTF-8 from the start: as one str (ASCII tags around CJK texts) it was two bytes a character,
    # and encoding it cost more than joining it.
    values = utf8(values)
    glue, sep = words["path"], words["sep"]
    # The markup a cell starts with, "<dt>column path：</dt><dd>", written once for each column path (read()
    # shares one list a column: told apart by id), and each cell after a card's first closes the one before.
    opening: dict[int, bytes] = {}

    def leads(run_cols) -> list[bytes]:
        out = []
        for col in run_cols:
            text = opening.get(id(col))
            if text is None:
                text = opening[id(col)] = f"<dt>{esc(glue.join(col) + sep) if col else ''}</dt><dd>".encode()
            out.append(b"</dd>" + text if out else text)
        return out

    # The runs of a grid row's cells under the same columns (every full row of a table) share their leads:
    # (first column's id, length) -> [(columns, leads)], the columns compared list to list (by identity, in C).
    known: dict[tuple[int, int], list] = {}
    cards = _card_cells(rows, ys, xs, words)
    name = reading.caption or wrapper.get("aria-label") or ""
    box = wrapper.makeelement("div", {"class": "em-table-cards", "data-eldermode": "table-cards",
                                      "role": "region", "aria-label": words["cards"].format(name=name)})
    if reading.caption:
        caption = etree.SubElement(box, "p", {"class": "em-cards-caption"})
        caption.text = reading.caption
    markup = []
    write = markup.append
    for key, parts in cards.items():
        head = glue.join(key)
        write(f'<div class="em-card"><p class="em-card-head">{esc(head)}</p><dl>'.encode())
        for part in parts:
            # (a part is a slice of the cells or, on the rare card whose cells had to be sorted, their indices)
            if isinstance(part, slice):
                run_cols, run_values = cols[part], values[part]
                same = known.setdefault((id(run_cols[0]), len(run_cols)), [])
                run_leads = next((lead for seen, lead in same if seen == run_cols), None)
                if run_leads is None:
                    run_leads = leads(run_cols)
                    same.append((run_cols, run_leads))
            else:
                run_leads = leads([cols[i] for i in part])
                run_values = [values[i] for i in part]
            cells = [None] * (2 * len(run_leads))
            cells[::2], cells[1::2] = run_leads, run_values
            markup += cells
            write(b"</dd>")
        write(b"</dl></div>")
    # (An empty head or column path is written <p …></p>, <dt></dt>: the end tags libxml2 writes for the empty
    # text the elements once had.)
    defer(root, ctx, box, b"".join(markup))
    return box


def _card_cells(rows, ys, xs, words: dict[str, str]) -> dict[tuple[str, ...], list]:
    """Each card's head (its row path, or 第n行) -> its cells, as slices of the cell lists or lists of indices
    into them, in card order: a card per row path, its cells by (y, x) (a row path at several y, as when a row
    header spans rows, makes one card)."""
    # The common case: the cells come row by row (y never falls), one row path a grid row, left to right. Each
    # grid row is then a run of the lists, and a card the runs of its path in turn. A run is found by bisection
    # as if y never fell, then checked in C: all its cells at its y, and its y past the run's before.
    cards: dict[tuple[str, ...], list] = {}
    start, count, last_y = 0, len(ys), -1
    while start < count:
        y, row = ys[start], rows[start]
        end = bisect_right(ys, y, start)
        run = xs[start:end]
        if (y <= last_y or ys[start:end].count(y) != end - start or rows[start:end].count(row) != end - start
                or run != sorted(run)):
            break  # not the common case: the cards begun are dropped, every cell goes the general way
        path = tuple(row) or (words["row"].format(n=y + 1),)
        cards.setdefault(path, []).append(slice(start, end))
        start, last_y = end, y
    else:
        return cards
    # Any order: the cells of each (y, row path) in reading order, noted when they do not come left to right,
    # those groups by y, then merged by head; a card whose cells came out of order is sorted by (y, x).
    groups: dict[tuple[int, tuple[str, ...]], list[int]] = {}
    out_of_order = set()
    paths: dict[int, tuple[str, ...]] = {}  # id of a row path list -> the path (read() shares one list a row)
    last_y = last_row = last_x = cells = None
    for i, (row, y, x) in enumerate(zip(rows, ys, xs)):
        if row is not last_row or y != last_y:
            path = paths.get(id(row))
            if path is None:
                path = paths[id(row)] = tuple(row)
            cells = groups.setdefault((y, path), [])
            if cells and x < xs[cells[-1]]:
                out_of_order.add((y, path))
            last_y, last_row = y, row
        elif x < last_x:
            out_of_order.add((y, path))
        last_x = x
        cells.append(i)
    merged: dict[tuple[str, ...], list[int]] = {}
    unsorted = set()  # the cards to sort
    for (y, path), cells in sorted(groups.items(), key=lambda item: item[0][0]):
        key = path or (words["row"].format(n=y + 1),)
        if (y, path) in out_of_order:
            unsorted.add(key)
        if key in merged:
            if ys[merged[key][-1]] == y:
                unsorted.add(key)  # two rows at the same y on one card (a row header reading 第3行 by a row without)
            merged[key].extend(cells)
        else:
            merged[key] = cells
    for key in unsorted:
        merged[key].sort(key=lambda i: (ys[i], xs[i]))
    return {key: [cells] for key, cells in merged.items()}


# ---------------------------------------------------------------- clickable choices

_CHOICES = etree.XPath("//body//input[@type='radio' or @type='checkbox']")


def tie_choice_labels(root: lxml.html.HtmlElement, ctx: Context) -> None:
    """A radio button's or checkbox's loose text (``<input type=radio> 男``) becomes its ``<label>``,
    so the words are part of the target, not only the 13 px circle."""
    body = root.find("body")
    # by tag in C when there is a body (the parser always makes one), not an XPath test of every element
    choices = _CHOICES(root) if body is None else [
        el for el in body.iter("input") if el.get("type") in ("radio", "checkbox")]
    if not choices:
        return
    labelled = {label.get("for") for label in root.iter("label") if label.get("for")}
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    tied = 0
    for number, box in enumerate(choices):
        if any(a.tag == "label" for a in box.iterancestors()) or (box.get("id") and box.get("id") in labelled):
            continue
        text = (box.tail or "").strip()
        follower = box.getnext()
        if not text and follower is not None and follower.tag in ("span", "font", "b") and len(follower) == 0:
            text = (follower.text or "").strip()
        else:
            follower = None
        if not text or len(text) > 40:
            continue
        if not box.get("id"):
            new_id = f"em-choice-{number}"
            while new_id in ids:
                new_id += "x"
            box.set("id", new_id)
            ids.add(new_id)
        label = box.makeelement("label", {"for": box.get("id"), "data-em-label": ""})
        if follower is not None:
            follower.addprevious(label)
            label.append(follower)
            label.tail, follower.tail = follower.tail, None
        else:
            raw = box.tail or ""
            lead = raw[: len(raw) - len(raw.lstrip())]
            rest = raw.lstrip()
            words = rest.rstrip()
            label.text = words
            label.tail = rest[len(words):]
            box.tail = lead
            box.addnext(label)
        tied += 1
    if tied:
        ctx.report.note("elder-forms", "tied choice labels", str(tied))


# ---------------------------------------------------------------- the text column

# A date standing alone: 2021-01-26, [2021.01.26], （2021年1月26日）, 01-26 is not enough.
_DATE = re.compile(
    r"^\s*[\[(（【]?\s*\d{4}\s*[-./年]\s*\d{1,2}\s*[-./月]\s*\d{1,2}\s*日?\s*[\])）】]?\s*$"
)
# Characters of the shortest text _DATE matches (2021-1-2): a shorter one (most of a pasted report's runs of text
# are a character or two) is ruled out by its length, far cheaper than a call of the regular expression.
_SHORTEST_DATE = 8
_BLOCK_HOSTS = ("div", "section", "article", "center")  # and a layout table's td and th
_DATE_HOSTS = frozenset({"span", "em", "i", "font", "b", "small", "div", "p", "time", "strong", "label"})
_LONG_TEXT = 40  # characters of a block's own text that make it running text


def _add_class(el: lxml.html.HtmlElement, name: str) -> bool:
    classes = (el.get("class") or "").split()
    if name in classes:
        return False
    el.set("class", " ".join([*classes, name]))
    return True


def _has_own_link(parent) -> bool:
    return any(child.tag == "a" or child.find(".//a") is not None
               for child in parent if isinstance(child.tag, str) and child.get("data-eldermode") is None)


def mark_text_blocks(root: lxml.html.HtmlElement, ctx: Context) -> None:
    """Mark what elder.css lays out by meaning: running text that is not in ``<p>`` (``em-text``,
    kept to 40 characters a line on desktop) and the dates of list entries (``em-date``, on a
    line of their own instead of glued to the title). Runs after ``wrap_tables``."""
    body = root.find("body")
    if body is None:
        return
    layout_cells: dict = {}  # (a dict: in document order, once each when layout tables nest)
    for table in body.iter("table"):
        if "em-layout-table" in (table.get("class") or "").split():
            layout_cells.update(dict.fromkeys(table.iter("td", "th")))
    texts = dates = 0
    # Three walks filtered by tag in C, not one over every element, with eldermode's readings and cards set
    # aside (no running text, dates or links of the site's in them); each element is then judged with the tree
    # whole (a reading's tail is its parent's own text). Text hosts first: a date moved out of a link's tail
    # below is no longer its parent's own text.
    # A cell is a text host only in a layout table: the data tables' thousands of cells are not walked. (The
    # order of the hosts does not matter: each is judged by its own text alone.)
    with without_generated(body, ctx):
        hosts = [*body.iter(*_BLOCK_HOSTS), *layout_cells]
        date_hosts = list(body.iter(*_DATE_HOSTS))
        links = list(body.iter("a"))
    for el in hosts:
        if el.get("data-eldermode") is not None:
            continue
        own = (el.text or "") + "".join(child.tail or "" for child in el)
        if len(own.strip()) >= _LONG_TEXT and _add_class(el, "em-text"):
            texts += 1
    for el in date_hosts:  # (each reading of .text or .tail makes a new string: each is read once)
        if (len(el) == 0 and len(text := el.text or "") >= _SHORTEST_DATE and _DATE.match(text)
                and el.get("data-eldermode") is None):
            parent = el.getparent()
            # a link of the page's own beside it: eldermode's toolbar (added later, there on a second pass) does not count
            if parent is not None and _has_own_link(parent) and _add_class(el, "em-date"):
                dates += 1
    for el in links:
        if len(tail := el.tail or "") >= _SHORTEST_DATE and el.get("data-eldermode") is None and _DATE.match(tail):
            # <li><a>标题</a>2021-01-26</li>: the date is loose text after the link.
            span = el.makeelement("span", {"class": "em-date"})
            span.text, el.tail = tail, None
            el.addnext(span)
            dates += 1
    if texts:
        ctx.report.note("elder-layout", "marked text blocks", str(texts))
    if dates:
        ctx.report.note("elder-layout", "put dates on their own line", str(dates))


# ---------------------------------------------------------------- viewport


_ZOOM_BLOCKERS = re.compile(r"\s*(?:user-scalable\s*=\s*(?:no|0)|maximum-scale\s*=\s*[0-9.]+)\s*,?", re.IGNORECASE)


def allow_zoom(root: lxml.html.HtmlElement, ctx: Context) -> None:
    """The page's viewport without ``user-scalable=no`` / ``maximum-scale``: a reader with low vision
    must be able to zoom (access mode; elder mode's :func:`ensure_viewport` does this and more). The
    width stays as the site set it, so the layout does not change."""
    head = root.find("head")
    if head is None:
        return
    for meta in head.iter("meta"):
        if (meta.get("name") or "").lower() == "viewport":
            content = meta.get("content", "")
            cleaned = _ZOOM_BLOCKERS.sub("", content).strip(" ,")
            if cleaned != content:
                meta.set("content", cleaned)
                ctx.report.note("viewport", "allowed zoom", content)


def ensure_viewport(root: lxml.html.HtmlElement, ctx: Context) -> None:
    """A ``width=device-width`` viewport (fixed-width desktop pages reflow on phones); zoom never disabled."""
    head = root.find("head")
    if head is None:
        return
    for meta in head.iter("meta"):
        if (meta.get("name") or "").lower() == "viewport":
            allow_zoom(root, ctx)
            cleaned = meta.get("content", "")
            if "width" not in cleaned:
                meta.set("content", ("width=device-width, " + cleaned).strip(" ,"))
            return
    meta = head.makeelement("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"})
    meta.tail = "\n"
    head.insert(0, meta)
    ctx.report.note("viewport", "added viewport")


# ---------------------------------------------------------------- the site's stylesheets


def _same_site_path(href: str, page_url: str, origins: tuple[str, ...]) -> str | None:
    """The path (+query) of a stylesheet on this site, or None for another host (never fetched)."""
    href = href.strip()
    for origin in origins:
        if href.startswith(origin.rstrip("/") + "/"):
            href = href[len(origin.rstrip("/")) :]
    if href.startswith("//"):
        return None
    parts = split_url(join_url(page_url or "/", href))  # never raise on hrefs like http://[x
    if parts.scheme or parts.netloc or not parts.path:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def stylesheet_sources(root: lxml.html.HtmlElement, page_url: str, origins: tuple[str, ...]) -> list[tuple[str, str]]:
    """The page's same-site stylesheets in cascade order: ("link", path) or ("style", text)."""
    sources: list[tuple[str, str]] = []
    for el in root.iter("link", "style"):
        if el.get("data-eldermode") is not None:
            continue
        media = (el.get("media") or "").lower()
        if "print" in media and "screen" not in media:
            continue
        if el.tag == "link":
            if "stylesheet" in (el.get("rel") or "").lower().split() and el.get("href"):
                path = _same_site_path(el.get("href"), page_url, origins)
                if path is not None:
                    sources.append(("link", path))
        elif el.text and el.text.strip():
            sources.append(("style", el.text))
    return sources


def link_site_overrides(root: lxml.html.HtmlElement, ctx: Context) -> None:
    """Link eldermode's generated override sheet for this page's stylesheets (last in ``<head>``).

    Never waits: the stylesheet service schedules any analysis it lacks and answers at once.
    """
    services = ctx.services
    sheets = getattr(services, "stylesheets", None) if services is not None else None
    head = root.find("head")
    if sheets is None or head is None or head.find("link[@data-eldermode='overrides']") is not None:
        return
    sources = stylesheet_sources(root, ctx.url, ctx.options.rewrite_origins)
    if not sources:
        return
    href = sheets.override_href(sources, ctx.url)
    if not href:
        return
    link = head.makeelement("link", {"rel": "stylesheet", "href": href, "data-eldermode": "overrides"})
    link.tail = "\n"
    head.append(link)
    ctx.report.note("elder-css", "linked override sheet", f"{len(sources)} stylesheets")


def source_key(kind: str, value: str) -> str:
    """The cache key of one stylesheet source: its path, or a hash of a ``<style>`` block's text."""
    if kind == "link":
        return "link:" + value
    return "style:" + hashlib.sha1(value.encode("utf-8", "surrogatepass")).hexdigest()


def sheet_digest(keys: list[str]) -> str:
    """A short name for one page's ordered set of stylesheets (what its override sheet is made from)."""
    return hashlib.sha1("\n".join(keys).encode("utf-8", "replace")).hexdigest()[:20]
