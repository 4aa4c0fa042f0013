"""Hides the site's own copies of eldermode's controls: its 无障碍 / 长者模式 entries and 【字号 大 中 小】.

On a rewritten page they are duplicates of the toolbar, and they do not work with it (a site's
``aria.start()`` toolbar on top of eldermode's, ``doZoom(12)`` shrinking the elder text). Runs in
elder and access mode. Nothing is removed: the elements stay in the document (scripts may look
them up by id) with ``hidden`` and ``data-em-duplicate``, which eldermode.css keeps hidden whatever
the site's CSS says. The loose text of a font-size group ("【字号：" … "】") is wrapped with its links.
They are set aside in one hidden box at the end of ``<body>``: hidden content left in place splits
the block around it into pieces that each sit outside any landmark (axe's ``region`` rule counts
them so, and a listener's landmark list is no better for it).
"""

from __future__ import annotations

import re
from functools import lru_cache

import lxml.html

from . import Context
from .markup import without_generated

__all__ = ["hide_duplicates"]

MARK = "data-em-duplicate"

# The whole (short) text of a link or button that opens a site's own assistive mode.
_ENTRY_TEXT = re.compile(
    r"^无障碍(?:浏览|阅读|模式|版|服务|通道|专区|工具条?|功能)*$"
    r"|^(?:进入|切换到?|打开)?(?:(?:长者|关怀|适老化?|老年|长辈|大字|助老|敬老)(?:浏览|阅读|模式|版|服务|通道|专区|工具条?|功能|助手)+|适老化)$"
    r"|^(?:accessibility|accessible|elder(?:ly)? mode)$",
    re.IGNORECASE,
)
# Scripts of the toolbars sold to government sites (govwza aria.js, cniil, 太阳湾 …).
_ENTRY_SCRIPT = re.compile(r"aria\.(?:start|oldFixedStart)|cniil|wza|ariaStart|toolbar\.open|assist", re.IGNORECASE)
_SIZE_WORDS = frozenset({"大", "中", "小", "特大", "较大", "标准", "默认", "大号", "中号", "小号", "A+", "A-", "A－", "A", "A＋"})
_SIZE_SCRIPT = re.compile(r"zoom|font|size|fontsize|setfont|doZoom|changeSize", re.IGNORECASE)
_LABEL_BEFORE = re.compile(r"[【\[〖(（]?\s*(?:字号|字体|文字)\s*[:：]?\s*$")
_LABEL_AFTER = re.compile(r"^\s*[】\]〗)）]")
_CANDIDATE_TAGS = ("a", "button", "span", "li")  # spans and list items only when made clickable (_clickable)
# A span a script binds by id (wza.js finds <span id="wza">) shows it is clickable only by its pointer cursor.
_POINTER = re.compile(r"cursor\s*:\s*pointer", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


def _text(el: lxml.html.HtmlElement) -> str:
    return _SPACE.sub("", el.text_content())


def _script(el: lxml.html.HtmlElement) -> str:
    return (el.get("href") or "") + " " + (el.get("onclick") or "") + " " + (el.get("id") or "")


def _clickable(el: lxml.html.HtmlElement) -> bool:
    if el.tag in ("a", "button"):
        return True
    # The attribute names in one call: most spans and list items have only a style or a class, or nothing.
    names = el.keys()
    if not names:
        return False
    if "onclick" in names or "tabindex" in names or ("role" in names and el.get("role") in ("button", "link")):
        return True
    if "style" not in names:
        return False
    return _pointer_style(el.get("style"))


@lru_cache(maxsize=1024)
def _pointer_style(style: str) -> bool:
    """The style makes its element look clickable (``cursor: pointer``); decided once per distinct value
    (a Word-pasted report styles hundreds of spans with a dozen values, none of them pointers)."""
    # A substring test rules most out ("nter": letters whose case the pattern's IGNORECASE folds only as
    # lower() does, unlike i's ı and İ).
    return "nter" in style.lower() and bool(_POINTER.search(style))


def _hide(el: lxml.html.HtmlElement, kind: str) -> None:
    el.set(MARK, kind)
    el.set("hidden", "")


_LONGEST = 12  # characters of an entry's text; the size words are shorter


def _is_entry(el: lxml.html.HtmlElement, text: str) -> bool:
    if not text or len(text) > _LONGEST:
        return False
    return bool(_ENTRY_TEXT.match(text)) or (len(text) <= 6 and "无障碍" in text and bool(_ENTRY_SCRIPT.search(_script(el))))


def _is_size_control(el: lxml.html.HtmlElement, text: str) -> bool:
    if text not in _SIZE_WORDS:
        return False
    if _SIZE_SCRIPT.search(_script(el)):
        return True
    # 【字号：<a>大</a> …】: the label in the text just before the group
    prev = el.getprevious()
    before = prev.tail if prev is not None else el.getparent().text
    return bool(before and _LABEL_BEFORE.search(before)) or (prev is not None and prev.get(MARK) == "font-size-link")


def _set_aside(el: lxml.html.HtmlElement, box: lxml.html.HtmlElement) -> None:
    """Move ``el`` into ``box``; its tail (the text after it) stays where it was."""
    tail, el.tail = el.tail, None
    previous = el.getprevious()
    parent = el.getparent()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    if el.tag == "li":  # a list item stays in a list
        holder = box.find("ul")
        if holder is None:
            holder = box.makeelement("ul", {})
            box.append(holder)
        holder.append(el)
    else:
        box.append(el)


def _wrap_size_group(parent: lxml.html.HtmlElement, first, last) -> None:
    """Move the links first..last (and what lies between them) into one hidden span with their label."""
    span = parent.makeelement("span", {MARK: "font-size", "hidden": ""})
    prev = first.getprevious()
    before = prev.tail if prev is not None else parent.text
    match = _LABEL_BEFORE.search(before or "")
    if match:
        span.text = match.group(0)
        before = before[: match.start()]
        if prev is not None:
            prev.tail = before
        else:
            parent.text = before
    start, end = parent.index(first), parent.index(last)
    tail = last.tail or ""
    for child in parent[start : end + 1]:
        span.append(child)
    after = _LABEL_AFTER.match(tail)
    if after:
        last.tail, span.tail = after.group(0), tail[after.end() :]
    else:
        last.tail, span.tail = None, tail
    parent.insert(start, span)


def hide_duplicates(root: lxml.html.HtmlElement, ctx: Context) -> None:
    body = root.find("body")
    if body is None:
        return
    size_links: list[lxml.html.HtmlElement] = []
    hidden: list[lxml.html.HtmlElement] = []  # the outermost element of each duplicate, to set aside
    # Picked by tag in C (an XPath test of every element costs more) with eldermode's readings and cards set
    # aside (their thousands of list items are never the site's controls); judged with them back in the tree.
    with without_generated(body, ctx):
        candidates = [el for el in body.iter(*_CANDIDATE_TAGS) if _clickable(el)]
    for el in candidates:
        text = _text(el)
        if not text or len(text) > _LONGEST:
            continue  # neither an entry nor a size word (most links: their place is not looked up)
        if el.get(MARK) is not None or any(a.get("data-eldermode") is not None for a in el.iterancestors()):
            continue
        if _is_entry(el, text):
            _hide(el, "entry")
            parent = el.getparent()
            # an entry that is the whole of its list item: the item goes too (no empty bullet)
            if parent is not None and parent.tag == "li" and _text(parent) == text:
                _hide(parent, "entry")
                hidden.append(parent)
            else:
                hidden.append(el)
            ctx.report.note("duplicates", "hid the site's own entry", text)
        elif _is_size_control(el, text):
            el.set(MARK, "font-size-link")
            size_links.append(el)
    # Consecutive size links of one parent form one group.
    groups: list[list[lxml.html.HtmlElement]] = []
    for el in size_links:
        if groups and groups[-1][-1].getparent() is el.getparent() and groups[-1][-1].getnext() is not None:
            between = groups[-1][-1].itersiblings()
            if any(s is el for s in list(between)[:3]):
                groups[-1].append(el)
                continue
        groups.append([el])
    for group in groups:
        parent = group[0].getparent()
        if len(group) < 2 and not _SIZE_SCRIPT.search(_script(group[0])):
            group[0].attrib.pop(MARK, None)  # a lone "大" link without a size script is just a link
            continue
        if parent is None:
            continue
        _wrap_size_group(parent, group[0], group[-1])
        hidden.append(group[0].getparent())
        ctx.report.note("duplicates", "hid the site's own font-size controls", "".join(_text(g) for g in group))
    outermost = set(hidden)
    hidden = [el for el in hidden if not any(a in outermost for a in el.iterancestors())]
    if hidden:
        box = body.makeelement("div", {"hidden": "", "data-eldermode": "duplicates"})
        body.append(box)
        for el in hidden:
            _set_aside(el, box)
