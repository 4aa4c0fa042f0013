"""The 纯文本 reading view: the page's main content alone, in document order, as a plain page.

Headings, paragraphs, lists and links are kept; images become their text
alternative; every data table stays a table (with the header markup the tables
transform gave it) followed by its cell-by-cell reading, so no table is ever
flattened into loose cells. Buttons, forms, scripts, frames and styling are
left out. The view is built from the page as the access pipeline rewrote it (its headings,
names, landmarks and tables; :func:`.outputs.page_text_view`), so it reads as access mode does.
"""

from __future__ import annotations

import copy
from dataclasses import fields
from urllib.parse import urljoin, urlsplit

import lxml.html

from . import Context, PageOptions, Profile
from .markup import int_attribute
from .pagemodel import page_model
from .textwalk import BLOCK, CONTROLS, EMBEDDED, GRAPHICS, HEADING_LEVEL, NOT_RENDERED, squash, text_of
from .uitext import ui
from .urls import split_url
from .assets import asset_url
from .modebar import mode_href

__all__ = ["build_text_view", "text_view_path"]

# Controls, forms, drawings and embedded content do nothing in a reading view.
_SKIP = NOT_RENDERED | EMBEDDED | GRAPHICS | CONTROLS | {"form"}
# Old editors wrap each paragraph in its own <font>: in the reading view it is a paragraph.
_BLOCK = BLOCK | {"font"}
_HEADINGS = HEADING_LEVEL
_SAFE_SCHEMES = frozenset({"", "http", "https", "mailto", "tel", "ftp"})
_TABLE_ATTRS = frozenset({"id", "headers", "scope", "colspan", "rowspan", "abbr", "aria-describedby", "aria-label"})


def text_view_path(options: PageOptions, url: str) -> str:
    """The stable URL of a page's text view: ``{prefix}text?url=/path``."""
    from urllib.parse import quote

    return f"{options.prefix}text?url={quote(url, safe='/')}"


def build_text_view(root: lxml.html.HtmlElement, ctx: Context) -> lxml.html.HtmlElement:
    """A new ``<html>`` tree holding the reading view of ``root``, a page the access pipeline rewrote with
    ``ctx`` (:func:`.outputs.page_text_view`): its repairs (headings, names, landmarks, tables) are the view's."""
    model = page_model(root, ctx)
    main = ctx.data.get("access.main")
    source = main if main is not None else (model.content if model.content is not None else model.body)
    page_title = (text_of(model.title) if model.title is not None else "") or model.title_text

    visitor = ctx.data.get("visitor")
    html = lxml.html.Element("html", {"lang": ctx.lang or "zh-CN"})
    if visitor is not None and visitor.mode == "elder":
        # The visitor's 长者模式 size and colours (elder.css keys on these marks).
        for f in fields(Profile):
            html.set(f"data-em-{f.name}", getattr(visitor, f.name))
    head = html.makeelement("head", {})
    html.append(head)
    head.append(head.makeelement("meta", {"charset": "utf-8"}))
    head.append(head.makeelement("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}))
    title = head.makeelement("title", {})
    title.text = ui(ctx, "纯文本：", "Text view: ") + (page_title or ctx.url)
    head.append(title)
    for name in ("eldermode.css", "access.css") + (("elder.css",) if visitor is not None and visitor.mode == "elder" else ()):
        head.append(head.makeelement("link", {"rel": "stylesheet", "href": asset_url(ctx, name)}))
    body = html.makeelement("body", {"class": "em-textview"})
    html.append(body)

    page_path = split_url(ctx.url).path or "/"
    nav = body.makeelement("nav", {"class": "em-textview-nav", "aria-label": ui(ctx, "纯文本视图", "Text view")})
    # 返回网页: the same page in the mode the visitor came from (elder stays elder).
    back_mode = visitor.mode if visitor is not None and visitor.mode != "off" else "access"
    back = nav.makeelement("a", {"href": page_path + mode_href(ctx.url, mode=back_mode)})
    back.text = ui(ctx, "返回网页", "Back to the page")
    nav.append(back)
    body.append(nav)

    out = body.makeelement("main", {"id": "em-main"})
    body.append(out)
    writer = _Writer(out, ctx, page_path)
    if source is not None:
        writer.block(source)
    writer.flush()
    _title_first(out, page_title)
    ctx.report.note("textview", "built text view", f"{len(out)} blocks")
    return html


def _title_first(out, page_title: str) -> None:
    """The view's outline starts at one h1, the page's title: headings move up when the title was a lower
    level on the page (below the site's own h1), and a title that is not in the content is added."""
    headings = [el for el in out.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    if headings and headings[0].tag == "h1":
        return
    if headings and page_title and squash(headings[0].text) == squash(page_title):
        shift = int(headings[0].tag[1]) - 1
        for el in headings:
            el.tag = f"h{max(int(el.tag[1]) - shift, 1)}"
        return
    if page_title:
        h1 = out.makeelement("h1", {})
        h1.text = page_title
        out.insert(0, h1)


class _Writer:
    """Appends the reading view of source elements to an output container, paragraph by paragraph."""

    def __init__(self, container, ctx: Context, page_path: str):
        self.container = container
        self.ctx = ctx
        self.page_path = page_path
        self.paragraph = None

    # -- output helpers
    def flush(self) -> None:
        if self.paragraph is not None:
            if not squash(self.paragraph.text_content()) and not len(self.paragraph):
                self.container.remove(self.paragraph)
        self.paragraph = None

    def _para(self):
        if self.paragraph is None:
            self.paragraph = self.container.makeelement("p", {})
            self.container.append(self.paragraph)
        return self.paragraph

    def text(self, text: str | None) -> None:
        if not text:
            return
        cleaned = " ".join(text.split())
        if not cleaned:
            return
        p = self._para()
        if len(p):
            last = p[-1]
            last.tail = _join(last.tail, cleaned)
        else:
            p.text = _join(p.text, cleaned)

    def inline(self, el) -> None:
        self._para().append(el)

    # -- walking the source
    def block(self, el) -> None:
        """Write the content of ``el`` (its text, children and their tails)."""
        self.text(el.text)
        for child in el:
            self.node(child)
            self.text(child.tail)

    def node(self, el) -> None:
        tag = el.tag
        if not isinstance(tag, str) or tag in _SKIP:
            return
        if el.get("aria-hidden") == "true" or el.get("hidden") is not None:
            return
        if el.get("data-em-sep") is not None:
            # A separator the separators step took out of the text for screen readers ("|" between links, the
            # "·" of 卢西亚诺·皮亚): drawn on the page, so written in the view as it was before that step.
            self.text(el.get("data-em-sep"))
            return
        mark = el.get("data-eldermode")
        if mark == "table-reading":
            self.flush()
            reading = copy.deepcopy(el)
            reading.tail = None
            reading.set("open", "")
            for node in reading.iter():  # the page's 朗读 numbers: the view has no speech.js to read them
                if isinstance(node.tag, str):
                    node.attrib.pop("data-em-seg", None)
                    node.attrib.pop("data-em-name", None)
            self.container.append(reading)
            return
        if mark and mark not in ("heading", "landmark", "table-scroll", "table"):
            return
        if el.get("role") in ("button", "search", "navigation") or tag == "nav":
            return  # controls and link lists do nothing in a reading view
        level = _HEADINGS.get(tag) or (int_attribute(el, "aria-level", 2) if el.get("role") == "heading" else 0)
        if level:
            self.flush()
            heading = self.container.makeelement(f"h{min(max(level, 1), 6)}", {})
            heading.text = text_of(el)
            if heading.text:
                self.container.append(heading)
            return
        if tag == "table":
            self.flush()
            self._table(el)
            return
        if tag in ("ul", "ol", "dl"):
            self.flush()
            self._list(el)
            return
        if tag == "br":
            if self.paragraph is not None:
                self.inline(self.container.makeelement("br", {}))
            return
        if tag == "img":
            alt = el.get("alt")
            if alt is None:
                self.text(ui(self.ctx, "[图片]", "[image]"))
            elif alt.strip():
                self.text(ui(self.ctx, f"[图片：{alt.strip()}]", f"[image: {alt.strip()}]"))
            return
        if tag == "a":
            self._link(el)
            return
        if tag in _BLOCK:
            self.flush()
            self.block(el)
            self.flush()
            return
        self.block(el)  # inline formatting: its text joins the paragraph

    def _link(self, el) -> None:
        href = (el.get("href") or "").strip()
        label = squash(el.get("aria-label")) or text_of(el) or squash(
            " ".join(i.get("alt", "") for i in el.iter("img"))
        )
        if not href or href.lower().startswith(("javascript:", "#")) or not label:
            if label and el.get("role") != "button":
                self.text(label)
            return
        try:
            target = urljoin(self.page_path, href)
            scheme = urlsplit(target).scheme.lower()
        except ValueError:  # "javascript://[x…" cannot be parsed: it must not become a link either
            scheme = None
        if scheme not in _SAFE_SCHEMES:
            self.text(label)  # javascript:, data:, vbscript: … never become links on eldermode's origin
            return
        a = self.container.makeelement("a", {"href": target})
        a.text = label
        self.inline(a)

    def _list(self, el) -> None:
        out_list = self.container.makeelement(el.tag, {})
        self.container.append(out_list)
        for item in el:
            if not isinstance(item.tag, str) or item.tag not in ("li", "dt", "dd"):
                continue
            out_item = out_list.makeelement(item.tag, {})
            out_list.append(out_item)
            nested = _Writer(out_item, self.ctx, self.page_path)
            nested.block(item)
            nested.flush()
            # A one-paragraph item reads better without the paragraph.
            if len(out_item) == 1 and out_item[0].tag == "p" and not out_item.text:
                p = out_item[0]
                out_item.remove(p)
                out_item.text = p.text
                for child in p:
                    out_item.append(child)
            if not squash(out_item.text_content()):
                out_list.remove(out_item)
        if not len(out_list):
            self.container.remove(out_list)

    def _table(self, el) -> None:
        if el.get("role") in ("presentation", "none"):
            self.block(el)  # a layout table's cells are just blocks of the page
            self.flush()
            return
        table = copy.deepcopy(el)
        table.tail = None
        # Cells keep their text only: the page's <p><span style> nests carry nothing a reader needs.
        for cell in list(table.iter("td", "th", "caption")):
            text = text_of(cell)
            for child in list(cell):
                cell.remove(child)
            cell.text = text
        for node in list(table.iter()):
            if not isinstance(node.tag, str):
                continue
            for attr in [a for a in node.attrib if a not in _TABLE_ATTRS]:
                del node.attrib[attr]
        self.container.append(table)


def _join(existing: str | None, more: str) -> str:
    if not existing:
        return more
    # No space between CJK characters; one space between words otherwise.
    if existing[-1:].isascii() and more[:1].isascii() and existing[-1:].isalnum() and more[:1].isalnum():
        return existing + " " + more
    return existing + more
