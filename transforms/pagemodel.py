"""The page model the 无障碍 transforms share: where the article text, its title and the site's name are.

Landmarks, headings, names and images all ask the same questions (where is the
article, which element is its title). This module answers them once per page,
from one indexed walk, and caches the answers in ``ctx.data`` so every access
transform stays a single pass over the tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from . import Context
from .markup import key_of, without_generated
from .textwalk import compact, squash, text_content
from .tree import levels_apart, precedes

__all__ = ["PageModel", "direct_text_size", "page_model"]

# Class/id words of the element that holds an article's text on CMS pages.
_CONTENT_KEY = re.compile(
    r"(?:^|[^a-z])(?:zoom|content|article|artibody|detail|text|main|zw|zhengwen|con|conts?|txt|body|view|info_?con)"
    r"(?:[^a-z]|$)"
)
_TITLE_KEY = re.compile(r"(?:^|[^a-z])(?:title|tit|bt|biaoti|headline|art_?title|article_?title|detail_?title)(?:[^a-z]|$)")
# Box headers ("hd") title a section; they become the page title only when their text is the page's title.
_BOX_TITLE_KEY = re.compile(r"(?:^|[^a-z])(?:hd|head|name|caption|lm_?name|column_?name)(?:[^a-z]|$)")
_TITLE_SEPARATORS = re.compile(r"\s*(?:[-_|｜—–]+|--)\s*")


# The tags the access transforms look at, collected in one C-filtered walk. Paragraphs,
# spans and MS Word's classed paragraphs (hundreds on a pasted report) are left out on purpose;
# table cells stay in because old table-layout templates put the title in <td class="title">.
_INDEXED_TAGS = ("div", "section", "article", "header", "footer", "nav", "aside", "main", "ul", "ol", "dl",
                 "table", "td", "form", "center", "h1", "h2", "h3", "h4", "h5", "h6", "a", "img", "input", "select",
                 "textarea", "button", "label", "iframe", "frame", "style", "area", "svg")
_INDEXED_BUT_CELLS = tuple(tag for tag in _INDEXED_TAGS if tag != "td")
# (plain strings: a smart one makes its cell's element proxy, 6.7 M instructions on a 100 x 50 table whose
# every cell is classed, as Excel pastes them)
_CELL_CLASSES = etree.XPath("descendant::td/@class", smart_strings=False)
_CELL_IDS = etree.XPath("descendant::td/@id", smart_strings=False)
# Containers and title lines carry the telling ids/classes; inline tags never do.
_ARIA_LEVELS = etree.XPath("descendant::*/@aria-level")  # attribute nodes: far cheaper than a predicate on each element
_KEYED_TAGS = frozenset({"div", "section", "article", "header", "footer", "nav", "aside", "main", "ul", "ol",
                         "dl", "table", "td", "form", "center", "h1", "h2", "h3", "h4", "h5", "h6"})


@dataclass
class PageModel:
    """What the access transforms infer about one page."""

    body: lxml.html.HtmlElement | None
    keyed: list[tuple[lxml.html.HtmlElement, str]] = field(default_factory=list)  # containers with id/class
    content: lxml.html.HtmlElement | None = None  # the element holding the article's running text
    title: lxml.html.HtmlElement | None = None  # the article's title element
    title_text: str = ""  # the page's title as the document states it (meta/ <title>)
    site_name: str = ""
    title_parts: tuple[str, ...] = ()  # the <title>'s parts before the site's name ("我要写信", "12345热线")
    by_tag: dict[str, list] = field(default_factory=dict)
    aria_levels: list = field(default_factory=list)  # the body's aria-level attribute values (their getparent())

    def tags(self, *names: str) -> list[lxml.html.HtmlElement]:
        """The body's elements with these tags as the page was when the model was built.

        Each tag's elements are in document order; several tags come one tag after another.
        """
        if self.body is None:
            return []
        found: list = []
        for name in names:
            bucket = self.by_tag.get(name)
            if bucket is None:
                # (cells are indexed only when one is keyed: the others are found when asked for)
                bucket = [] if name in _INDEXED_BUT_CELLS else list(self.body.iter(name))
                self.by_tag[name] = bucket
            found.extend(bucket)
        return found


# eldermode's own blocks hold no article text; its landmark wrapper (added after the page model is
# built) holds the site's, so a page rewritten twice must still find its article inside it.


def _site_paragraphs(paragraphs: list) -> list:
    """The ``<p>`` elements of ``paragraphs`` (the body's, in document order) but those inside eldermode's own blocks.

    All paragraphs, table cells' too: old templates lay the whole page out in tables, and a data
    table's cell paragraphs each credit their own cell, never the article's container. A paragraph's
    ancestors are walked up only until one is known: the site's paragraphs share parents, and the
    first paragraph found in one of eldermode's blocks sets aside all of that block's at once (a walk
    up from each of a table's hundreds of cell paragraphs cost most of the page model).
    """
    theirs: set = set()  # paragraphs in one of eldermode's blocks
    outside: set = set()  # elements neither in nor of one of eldermode's blocks
    site = []
    for p in paragraphs:
        if p in theirs:
            continue
        path = []
        node = p
        block = None
        while node is not None and node not in outside:
            mark = node.get("data-eldermode")
            if mark is not None and mark != "landmark":
                block = node
                break
            path.append(node)
            node = node.getparent()
        if block is None:
            outside.update(path)
            site.append(p)
        else:
            theirs.update(block.iter("p"))
    return site


_XPATH_SPACE = " \t\r\n"  # what XPath's normalize-space() strips (no-break and ideographic spaces stay)


def _holds_text(div) -> bool:
    """``div`` holds text of its own: a text node that is not all XPath whitespace, or a 朗读 sentence span
    (text the div held before speech marked it: a rewritten page reads as the original). This is XPath's
    ``text()[normalize-space()] or span[@data-em-seg]``, asked of the model's divs instead of every element."""
    if (div.text or "").strip(_XPATH_SPACE):
        return True
    for child in div:
        if child.tag == "span" and child.get("data-em-seg") is not None:
            return True
        tail = child.tail
        if tail and tail.strip(_XPATH_SPACE):
            return True
    return False


_OURS = etree.XPath("boolean(ancestor-or-self::*[@data-eldermode][not(@data-eldermode='landmark')])")


def page_model(root: lxml.html.HtmlElement, ctx: Context) -> PageModel:
    """The page model, built on first use and cached in ``ctx.data`` for the later transforms."""
    model = ctx.data.get("access.model")
    if model is not None and model.body is root.find("body"):
        return model
    model = _build(root, ctx)
    ctx.data["access.model"] = model
    return model


def _build(root: lxml.html.HtmlElement, ctx: Context) -> PageModel:
    body = root.find("body")
    model = PageModel(body=body)
    if body is None:
        return model
    by_tag = model.by_tag
    keyed = model.keyed
    # One walk of the site's markup serves every need: eldermode's readings and cards (GENERATED: thousands of
    # list items and cards on a big table, built from text) are set aside, as nothing the model finds can be in
    # them (their paragraphs and divs are eldermode's, their classes say none of the words looked for, and they
    # hold no heading, link, control or picture). The tags the model does not index (model.tags walks the whole
    # body for those when asked) and the paragraphs' and divs' texts are read with the tree whole again.
    with without_generated(body, ctx):
        # A data table's thousands of cells are tested in Python only when one of them has a class or id
        # (then they are walked with the rest, to keep the keyed blocks in document order).
        keyed_cells = _CELL_CLASSES(body) or _CELL_IDS(body)
        # (the paragraphs, often half the elements walked, by their own walk in C: none is keyed)
        paragraphs = list(body.iter("p"))
        for el in body.iter(*(_INDEXED_TAGS if keyed_cells else _INDEXED_BUT_CELLS)):
            tag = el.tag
            bucket = by_tag.get(tag)
            if bucket is None:
                by_tag[tag] = [el]
            else:
                bucket.append(el)
            if tag in _KEYED_TAGS and (el.get("class") or el.get("id")):
                keyed.append((el, key_of(el)))
        model.aria_levels = _ARIA_LEVELS(body)
    # (paragraphs are not indexed: model.tags("p") finds those of the whole body)
    model.title_text, model.site_name, model.title_parts = _document_titles(root)
    model.content = _find_content(model, paragraphs)
    model.title = _find_title(model)
    return model


def _document_titles(root) -> tuple[str, str, tuple[str, ...]]:
    """(article title, site name, title parts) from ``<meta name=ArticleTitle/SiteName>`` and ``<title>``."""
    head = root.find("head")
    article = site = ""
    title_text = ""
    parts: list[str] = []
    if head is not None:
        for meta in head.iter("meta"):
            name = (meta.get("name") or "").lower()
            if name == "articletitle":
                article = squash(meta.get("content"))
            elif name in ("sitename", "site_name", "og:site_name"):
                site = squash(meta.get("content"))
        t = head.find("title")
        if t is not None:
            title_text = squash(text_content(t))
    if title_text:
        parts = [p for p in _TITLE_SEPARATORS.split(title_text) if p]
        if not article and parts:
            article = parts[0]
        if not site and len(parts) > 1:
            site = parts[-1]
    return article, site, tuple(compact(p) for p in (parts[:-1] if len(parts) > 2 else parts[:1]))


def _find_content(model: PageModel, paragraphs: list) -> lxml.html.HtmlElement | None:
    """The element holding the article's running text.

    Paragraph text is credited to the paragraph's parent; the parent with the
    most text wins, with a bonus when its id/class says "content". Link text
    does not count: navigation blocks are all links.
    """
    groups: dict[lxml.html.HtmlElement, list] = {}
    for p in _site_paragraphs(paragraphs):
        parent = p.getparent()
        if parent is not None:
            groups.setdefault(parent, []).append(p)
    # An article is several paragraphs in one container; a data table's cells hold one each.
    # Measuring only multi-paragraph containers skips hundreds of cells on a report page.
    several = {parent: ps for parent, ps in groups.items() if len(ps) > 1} or groups
    scores: dict[lxml.html.HtmlElement, int] = {}
    for parent, paragraphs in several.items():
        size = sum(len(text_content(p)) - _link_text_size(p) for p in paragraphs)
        if size > 0:
            scores[parent] = size
    # Pages without <p>: text directly in divs separated by <br>, or one div per paragraph.
    line_divs: dict[lxml.html.HtmlElement, list[int]] = {}
    for div in [*(div for div in model.by_tag.get("div", ()) if _holds_text(div)), model.body]:
        # (the body itself too: a report whose text sits directly in <body>; it then has no container)
        direct = direct_text_size(div)
        if direct > 40:
            scores[div] = scores.get(div, 0) + direct
        parent = div.getparent()
        if direct > 10 and parent is not None and parent.tag == "div" and not _OURS(div):
            line_divs.setdefault(parent, []).append(direct)
    # Several text divs side by side are the paragraphs of one article, as <p>s are: their parent holds it.
    for parent, sizes in line_divs.items():
        if len(sizes) > 1 and sum(sizes) > 40:
            scores[parent] = scores.get(parent, 0) + sum(sizes)
    if not scores:
        return None
    leaders = sorted(scores, key=scores.__getitem__, reverse=True)[:8]
    best = max(leaders, key=lambda el: scores[el] * (1.5 if _CONTENT_KEY.search(key_of(el)) else 1.0))
    if best is model.body:
        return None
    return best


def direct_text_size(el) -> int:
    """How much text sits directly in ``el`` (whitespace left out): its text, its children's tails, and the
    朗读 sentence spans (``data-em-seg``) that wrap such text once speech has marked it, so the answer for a
    page rewritten once is the original page's (a second rewrite must find the same article)."""
    size = len(compact(el.text))
    for child in el:
        if child.tag == "span" and child.get("data-em-seg") is not None:
            size += len(compact(text_content(child)))
        if tail := child.tail:
            size += len(compact(tail))
    return size


def _link_text_size(el) -> int:
    return sum(len(text_content(a)) for a in el.iter("a"))


def _find_title(model: PageModel) -> lxml.html.HtmlElement | None:
    """The article title element: the element before the article text whose text is the page title.

    Candidates are elements with a "title" class/id or heading tags; the text
    must equal the document's stated title or be short. Searched in the
    content's ancestors, nearest first, so a site-name banner never wins.
    """
    wanted = compact(model.title_text)
    content = model.content
    candidates: list[lxml.html.HtmlElement] = []
    for el, key in model.keyed:
        if el.tag not in ("h1", "h2", "h3") and (_TITLE_KEY.search(key) or (wanted and _BOX_TITLE_KEY.search(key))):
            candidates.append(el)
    candidates.extend(model.tags("h1", "h2", "h3"))
    best = None
    best_rank = None
    for el in candidates:
        if el.get("data-eldermode"):
            continue
        text = compact(text_content(el))
        if not text or len(text) > 120:
            continue
        if el.tag == "div" and any(child.tag in ("div", "ul", "table", "p") for child in el):
            continue  # a "title" box that holds a whole section, not a title line
        exact = bool(wanted) and (text == wanted or (len(wanted) >= 6 and wanted in text and len(text) - len(wanted) < 10)
                                  or _says_title_parts(text, model.title_parts))
        distance = levels_apart(el, content)
        if not exact and (distance is None or not _TITLE_KEY.search(key_of(el)) and el.tag not in ("h1", "h2")):
            continue
        rank = (0 if exact else 1, distance if distance is not None else 99)
        if best_rank is None or rank < best_rank:
            best, best_rank = el, rank
    if best is None and content is not None and wanted:
        best = _title_by_text(content, wanted, model.title_text)
    return best


_CONTAINS = etree.XPath("descendant-or-self::*[contains(., $piece)]")
# Where a title line never is: links (a list's entries), form controls, scripts, eldermode's own parts.
_NOT_TITLE = frozenset({"a", "script", "style", "option", "select", "textarea", "button", "label", "title", "li",
                        "ul", "ol", "table", "tbody", "tr", "form", "noscript"})
_LINE_HOSTS = frozenset({"div", "p", "td", "span", "strong", "b", "font", "center", "h1", "h2", "h3", "h4", "h5",
                         "h6", "header", "section"})


def _says_title_parts(text: str, parts: tuple[str, ...]) -> bool:
    """A title line that joins the title's parts ("12345政务服务便民热线 我要写信" for
    "我要写信 - 12345政务服务便民热线 - 示例市人民政府")."""
    return len(parts) >= 2 and all(p in text for p in parts) and len(text) <= sum(map(len, parts)) + 6


def _title_by_text(content, wanted: str, stated: str):
    """The line before the article text that says the document's title, whatever its id or class
    (``<div class="ftheme">``, ``<p class="tit">``): the outermost element whose whole text is the title.

    Searched only from the content's nearest ancestors that hold the title's words, so a list
    of links elsewhere that repeats the title never wins."""
    piece = max(squash(stated).split(" "), key=len)
    if len(piece) < 4:
        return None
    scope = content
    for _ in range(6):
        parent = scope.getparent()
        if parent is None or parent.tag == "html":
            break
        scope = parent
        if piece in text_content(scope):
            break
    else:
        return None
    if piece not in text_content(scope):
        return None
    found = None
    for el in _CONTAINS(scope, piece=piece):
        if el.tag not in _LINE_HOSTS or _OURS(el) or any(a.tag in _NOT_TITLE for a in el.iterancestors()):
            continue
        text = compact(text_content(el))
        if not (text == wanted or (wanted in text and len(text) - len(wanted) < 10)):
            continue
        if found is not None and any(a is found for a in el.iterancestors()):
            continue  # inside the line already found: the outermost element is the line
        if el is content or any(a is el for a in content.iterancestors()) or not precedes(el, content):
            continue
        found = el  # the last such line before the text is the nearest one
    return found
