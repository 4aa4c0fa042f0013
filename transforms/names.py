"""Names and roles for controls: pseudo-buttons, icon links, generic 更多 links, form fields, iframes.

What a screen reader announces for a control is its role and accessible name.
CMS pages hand it ``<a href="javascript:…">`` "links" that act as buttons,
``<span onclick>`` that no keyboard reaches, image links with no text, ten
links all called 更多, and inputs with no label. Each gets the missing piece,
taken from the page itself; the author's own aria-label, title, alt, role and
labels always win. Enter/Space for pseudo-buttons comes from
``/__eldermode/assets/access.js`` (no inline script): elements it must handle
carry ``data-em-button``.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from . import Context
from .markup import describe
from .pagemodel import page_model
from .textwalk import compact, squash
from .uitext import is_english, ui
from .urls import split_url
from .images import FILE_WORDS, KNOWN_HOSTS, caption_after, link_target_texts
from .landmarks import inside_landmark

__all__ = ["GENERIC_LINK_TEXTS", "has_name", "name_controls", "name_form_fields", "name_iframes"]

GENERIC_LINK_TEXTS = frozenset({
    "更多", "更多>>", "更多>", "更多»", "更多+", "+更多", "更多...", "更多…", "查看更多", "more", "more>>", "more>",
    "more+", ">>", "»", "》", "》》", "+", "详细", "详情", "点击查看", "查看", "进入", "点击进入", "更多内容", "...",
})
# Clickable elements that may become buttons; table parts and list items keep their roles.
_PSEUDO_BUTTON_TAGS = frozenset({"span", "div", "img", "i", "em", "font", "b", "strong", "p", "label"})
_ONCLICK = etree.XPath("descendant::*/@onclick")  # attribute nodes: far cheaper than a predicate on every element
_TITLE_KEY = re.compile(r"(?:^|[^a-z])(?:title|tit|hd|head|bt|name|lm|lanmu|column)", re.I)
_FIELD_TYPES_WITHOUT_LABEL = frozenset({"hidden", "submit", "reset", "button", "image"})
_FIELD_NAME_WORDS: dict[str, tuple[str, str]] = {
    "q": ("搜索关键字", "Search terms"), "kw": ("搜索关键字", "Search terms"), "key": ("搜索关键字", "Search terms"),
    "keyword": ("搜索关键字", "Search terms"), "keywords": ("搜索关键字", "Search terms"),
    "searchword": ("搜索关键字", "Search terms"), "wd": ("搜索关键字", "Search terms"),
    "query": ("搜索关键字", "Search terms"), "search": ("搜索关键字", "Search terms"),
    "username": ("用户名", "User name"), "user": ("用户名", "User name"), "loginname": ("用户名", "User name"),
    "password": ("密码", "Password"), "pwd": ("密码", "Password"), "passwd": ("密码", "Password"),
    "email": ("电子邮箱", "Email"), "mail": ("电子邮箱", "Email"),
    "phone": ("电话", "Phone"), "tel": ("电话", "Phone"), "mobile": ("手机号码", "Mobile number"),
    "name": ("姓名", "Name"), "xm": ("姓名", "Name"), "title": ("标题", "Title"), "content": ("内容", "Content"),
    "code": ("验证码", "Verification code"), "yzm": ("验证码", "Verification code"),
    "qt": ("搜索关键字", "Search terms"), "comment": ("评论内容", "Comment"),
    "checkcode": ("验证码", "Verification code"), "captcha": ("验证码", "Verification code"),
}
_SEARCH_FIELD_NAMES = frozenset({"q", "kw", "keyword", "keywords", "searchword", "wd", "query", "search", "qt"})
_LABEL_PUNCTUATION = re.compile(r"^[\s*＊:：]+|[\s*＊:：]+$")


# A lone "X" drawn as a close box inside a bigger control does not say what the control is.
_CLOSE_GLYPHS = frozenset({"X", "x", "×", "✕", "✖"})


def has_name(el) -> bool:
    """The element has an accessible name from the author (attribute, alt or text)."""
    if el.get("aria-label", "").strip() or el.get("aria-labelledby") or el.get("title", "").strip():
        return True
    text = compact(el.text_content())
    if text and text not in _CLOSE_GLYPHS:
        return True
    for img in el.iter("img", "input"):
        if (img.get("alt") or "").strip() or (img.get("aria-label") or "").strip():
            return True
    for svg in el.iter("svg"):
        if svg.get("aria-label") or svg.find("title") is not None:
            return True
    return False


# javascript:openWin('/zwgk/a.html') still goes to a page: it stays a link (Enter works natively).
# Every repetition is bounded so the search stays linear on a hostile href ("gogogo…" was quadratic),
# and only the start of the href is examined: the navigating call comes first in real pages.
_NAVIGATING_SCRIPT = re.compile(
    r"""(?:location(?:\.href)?|open\w{0,40}|go\w{0,40})\s{0,20}[=(]\s{0,20}['"](?:/|https?:|[\w./-]{1,200}\.s?html?)""",
    re.I,
)
_SCRIPT_SCAN = 1000


def _is_script_href(href: str) -> bool:
    href = href.strip().lower()
    return href.startswith("javascript:") or href == "#"


def _acts_as_button(href: str) -> bool:
    return _is_script_href(href) and not _NAVIGATING_SCRIPT.search(href[:_SCRIPT_SCAN])


def name_controls(root: lxml.html.HtmlElement, ctx: Context) -> None:
    """Pseudo-buttons get role and keyboard access; nameless and generic links get names."""
    model = page_model(root, ctx)
    if model.body is None:
        return
    targets = None
    for a in model.tags("a"):
        if a.get("data-eldermode"):
            continue
        href = a.get("href")
        onclick = a.get("onclick")
        # Outside every landmark a button (like any hidden element) splits the block around it into
        # pieces each outside on its own: there the link stays as the author wrote it.
        if a.get("role") is None and (
            (href is not None and _acts_as_button(href)) or (href is None and onclick)
        ) and inside_landmark(a):
            a.set("role", "button")
            a.set("data-em-button", "")
            if href is None and a.get("tabindex") is None:
                a.set("tabindex", "0")
            ctx.report.note("names", "link acting as button given role=button", _label(a))
        if a.get("href") is None and a.get("role") is None:
            continue  # no href, no handler: not a control a reader reaches; a name on it would be ignored
        if _does_nothing(a):
            # <a href="javascript:void(0)" onclick="return false"></a>: nothing to see, nothing it does. Without
            # its href it is no link a reader stops at (and the site's CSS for it still matches).
            for attr in ("href", "role", "data-em-button", "tabindex"):
                a.attrib.pop(attr, None)
            ctx.report.note("names", "empty link that does nothing taken out of the tab order", describe(a))
            continue
        if not has_name(a):
            if targets is None:
                targets = link_target_texts(model)
            _give_name(a, _link_name(a, ctx, targets), ctx, "link", href or describe(a))
            continue
        text = compact(a.text_content())
        if text.lower() in GENERIC_LINK_TEXTS and not a.get("aria-label") and not a.get("aria-labelledby"):
            section = _section_title(a)
            if section:
                label = f"{squash(a.text_content())} {section}" if text not in (">>", "»", "》", "》》", "+", "...") else (
                    ui(ctx, "更多", "More") + " " + section
                )
                a.set("aria-label", label)
                ctx.report.note("names", "named generic link", f"{text} → {label}")
    for handler in _ONCLICK(model.body):
        el = handler.getparent()
        if el.tag not in _PSEUDO_BUTTON_TAGS or el.get("role") is not None or el.get("data-eldermode"):
            continue
        if _inside_control(el) or not inside_landmark(el):
            continue
        word = "" if has_name(el) else _word_for(el, ctx)
        if not word and not has_name(el):
            # A button nobody can name would be announced as just "button": it is left as it is, for a person.
            ctx.report.note("names", "left unnamed", f"clickable {describe(el)}")
            continue
        el.set("role", "button")
        el.set("data-em-button", "")
        if el.get("tabindex") is None:
            el.set("tabindex", "0")
        if word:
            el.set("aria-label", word)
        ctx.report.note("names", "clickable element made a keyboard button", _label(el))
    for button in model.tags("button"):
        if not has_name(button):
            word = _word_for(button, ctx) or _button_word(button, ctx)
            if word:
                button.set("aria-label", word)
                ctx.report.note("names", "named button", f"{describe(button)} → {word}")
            else:
                ctx.report.note("names", "left unnamed", f"button {describe(button)}")


_NOTHING_SCRIPT = re.compile(r"^\s*(?:javascript:\s*(?:void\s*\(\s*0?\s*\)|;|)\s*;?)?\s*$|^#$", re.I)


def _does_nothing(a) -> bool:
    onclick = (a.get("onclick") or "").strip().lower().rstrip(";")
    return (len(a) == 0 and not compact(a.text) and _NOTHING_SCRIPT.match(a.get("href") or "") is not None
            and onclick in ("", "return false") and not a.get("class") and a.get("aria-label") is None)


def _give_name(el, name: str, ctx: Context, what: str, where: str) -> None:
    """``aria-label`` = ``name``, reported; or, with no name, reported as left for a person."""
    if name:
        el.set("aria-label", name)
        ctx.report.note("names", f"named {what}", f"{describe(el)} → {name}")
    else:
        ctx.report.note("names", "left unnamed", f"{what} {where}")


def _label(el) -> str:
    alts = " ".join(i.get("alt", "") for i in el.iter("img")).strip()
    return squash(el.text_content())[:40] or squash(el.get("aria-label")) or alts or describe(el)


def _inside_control(el) -> bool:
    node = el.getparent()
    for _ in range(4):
        if node is None:
            return False
        if node.tag in ("a", "button") or node.get("role") == "button" or node.get("onclick") is not None:
            return True
        node = node.getparent()
    return False


# What a script href or handler does, when it does one well-known thing.
_SCRIPT_WORDS = (
    (re.compile(r"location\.reload"), ("刷新", "Reload")),
    (re.compile(r"history\.(?:back|go\(\s*-)"), ("返回上一页", "Back")),
    (re.compile(r"window\.print|\bprint\("), ("打印", "Print")),
    (re.compile(r"window\.close"), ("关闭", "Close")),
)
# Words long enough to be found inside run-together class names (``ashsearch``, ``btnSousuo``).
_INNER_WORDS = tuple(w for w in FILE_WORDS if len(w) >= 5)


def _word_for(el, ctx: Context) -> str:
    """A name from an icon's class, image file or handler (``btn-search`` → 搜索, ``history.go(-1)`` → 返回上一页)."""
    hints = [el.get("class"), el.get("id")] + [i.get("src") for i in el.iter("img")]
    hints += [d.get("class") for d in el.iterdescendants("i", "span", "em", "b") if d.get("class")]
    box = el
    for _ in range(2):
        # A bare <a><i></i></a> is named by the box it alone sits in (<dl id="quickFun-totop"><dt><a>).
        box = box.getparent()
        if any(hints) or box is None or len(box) != 1:
            break
        hints += [box.get("id"), box.get("class")]
    hint = " ".join(filter(None, hints)).lower()
    english = is_english(ctx)
    if "font" in hint or "zoom" in hint:
        if any(w in hint for w in ("add", "big", "plus", "large")):
            return ui(ctx, "放大字号", "Larger text")
        if any(w in hint for w in ("sub", "small", "minus", "reduce")):
            return ui(ctx, "缩小字号", "Smaller text")
    for token in re.findall(r"[a-z]+", hint):
        if token in FILE_WORDS:
            return FILE_WORDS[token][1 if english else 0]
    script = ((el.get("href") or "") + " " + (el.get("onclick") or "")).lower()
    for pattern, words in _SCRIPT_WORDS:
        if pattern.search(script):
            return words[1 if english else 0]
    for word in _INNER_WORDS:
        if word in hint or word in script:
            return FILE_WORDS[word][1 if english else 0]
    return ""


def _in_search_form(field) -> bool:
    form = field.getparent()
    while form is not None and form.tag != "form":
        form = form.getparent()
    if form is None:
        return False
    if form.get("role") == "search":
        return True
    hint = " ".join(filter(None, [form.get("action"), form.get("id"), form.get("class"), form.get("name")])).lower()
    return "search" in hint or "sousuo" in hint or any(
        (f.get("name") or "").lower() in _SEARCH_FIELD_NAMES for f in form.iter("input"))


def _button_word(button, ctx: Context) -> str:
    """A submit button does what its form does: 搜索 in a search form, else 提交; a collapse toggle opens the menu."""
    if button.get("data-toggle") == "collapse" or "toggle" in (button.get("class") or "").lower():
        return ui(ctx, "菜单", "Menu")
    kind = (button.get("type") or "submit").lower()
    tokens = re.findall(r"[a-z]+", f"{button.get('class') or ''} {button.get('id') or ''}".lower())
    if _in_search_form(button) or any(t in ("ss", "sbtn", "ssbtn", "sousuo") for t in tokens):
        return ui(ctx, "搜索", "Search")
    if kind == "submit":
        return ui(ctx, "提交", "Submit")
    return ""


def _link_name(a, ctx: Context, targets: dict[str, str]) -> str:
    word = _word_for(a, ctx)
    if word:
        return word
    caption = caption_after(a)
    if caption:
        return caption  # <a><img alt=""></a><span class="title">长者助手</span>
    href = (a.get("href") or "").strip()
    if not href or _is_script_href(href):
        return ""
    if href in targets:
        return targets[href]
    parts = split_url(href)
    host, path = parts.netloc.lower(), parts.path
    english = is_english(ctx)
    if host in KNOWN_HOSTS:
        return KNOWN_HOSTS[host][1 if english else 0]
    if host.startswith(("mail.", "email.")):
        return ui(ctx, "电子邮箱", "Email")
    if path in ("", "/") and not host:
        return ui(ctx, "首页", "Home")
    return ""


def _section_title(a) -> str:
    """The title of the block a 更多 link belongs to: the nearest short text before it in its box."""
    branch = a
    node = a.getparent()
    for _ in range(4):
        if node is None or node.tag in ("body", "html"):
            return ""
        for child in node:
            if child is branch:
                break
            if not isinstance(child.tag, str) or child.tag in ("script", "style", "img", "br"):
                continue
            text = squash(child.text_content())
            if 2 <= len(compact(text)) <= 20 and compact(text).lower() not in GENERIC_LINK_TEXTS:
                if child.tag in ("h1", "h2", "h3", "h4", "h5", "h6", "span", "b", "strong", "a", "div", "p", "em",
                                 "font", "dt", "label") or _TITLE_KEY.search(child.get("class") or ""):
                    return text
            break  # only the first box before the link can be its title
        head = squash(node.text)
        if 2 <= len(compact(head)) <= 20:
            return head
        branch, node = node, node.getparent()
    return ""


def name_form_fields(root: lxml.html.HtmlElement, ctx: Context) -> None:
    """Every form field gets a name: from its label, title, placeholder, the text or cell before it."""
    model = page_model(root, ctx)
    fields = model.tags("input", "select", "textarea")
    if not fields:
        return
    labelled = {lab.get("for") for lab in model.tags("label") if lab.get("for")}
    for field in fields:
        kind = (field.get("type") or "text").lower() if field.tag == "input" else field.tag
        if kind == "image":
            if field.get("alt") is None and not field.get("aria-label") and not field.get("title"):
                name = _image_button_name(field, ctx)
                field.set("alt", name)
                ctx.report.note("names", "named image button", name)
            continue
        if kind in ("submit", "button", "reset"):
            if not (field.get("value") or "").strip() and not field.get("aria-label") and not field.get(
                    "aria-labelledby") and not field.get("title"):
                # An empty value shows no words (the site draws an icon): name it by what it does.
                word = (_word_for(field, ctx) or _button_word(field, ctx)) if kind != "reset" else ui(ctx, "重置", "Reset")
                _give_name(field, word, ctx, "button", describe(field))
            continue
        if kind in _FIELD_TYPES_WITHOUT_LABEL:
            continue
        if field.get("aria-label") or field.get("aria-labelledby"):
            continue
        if (field.get("id") and field.get("id") in labelled) or _inside_label(field):
            continue
        if field.get("title", "").strip():
            # A title is only a tooltip to many readers: it becomes the field's name too.
            field.set("aria-label", squash(field.get("title")))
            ctx.report.note("names", "labelled form field", f"{describe(field)} → {squash(field.get('title'))}")
            continue
        name = (_loose_label(field) or squash(field.get("placeholder")) or _prompt_value(field) or _text_before(field)
                or (_text_after(field) if kind in ("checkbox", "radio") else "") or _name_word(field, ctx))
        if name:
            field.set("aria-label", name)
            ctx.report.note("names", "labelled form field", f"{describe(field)} → {name}")
        else:
            ctx.report.note("names", "left unnamed", f"form field {describe(field)}")


def _image_button_name(field, ctx: Context) -> str:
    form = field.getparent()
    while form is not None and form.tag != "form":
        form = form.getparent()
    if form is not None and form.get("role") == "search":
        return ui(ctx, "搜索", "Search")
    word = _word_for(field, ctx) or _file_word_of(field, ctx)
    return word or ui(ctx, "提交", "Submit")


def _file_word_of(field, ctx: Context) -> str:
    tokens = re.findall(r"[a-z]+", (field.get("src") or "").lower().rsplit("/", 1)[-1])
    for token in tokens:
        if token in FILE_WORDS:
            return FILE_WORDS[token][1 if is_english(ctx) else 0]
    return ""


def _inside_label(field) -> bool:
    node = field.getparent()
    for _ in range(5):
        if node is None:
            return False
        if node.tag == "label":
            return True
        node = node.getparent()
    return False


_CONTROL_TAGS = ("input", "select", "textarea", "button")


def _loose_label(field) -> str:
    """The text of a ``<label>`` without ``for`` placed just before the field or the box that holds it.

    Bootstrap forms write ``<label>匿名评论：</label><div class="checkbox-inline"><input …></div>``:
    the label is visible and meant for the field, but tied to nothing."""
    node = field
    for _ in range(3):
        previous = node.getprevious()
        while previous is not None and not isinstance(previous.tag, str):
            previous = previous.getprevious()
        if previous is not None:
            if previous.tag == "label" and not previous.get("for") and next(previous.iter(*_CONTROL_TAGS), None) is None:
                text = _LABEL_PUNCTUATION.sub("", squash(previous.text_content()))
                return text if 1 <= len(text) <= 20 else ""
            return ""
        parent = node.getparent()
        if parent is None or parent.tag not in ("div", "span", "p", "td") or sum(
                1 for _ in parent.iter(*_CONTROL_TAGS)) != 1:
            return ""
        node = parent
    return ""


def _text_before(field) -> str:
    """The visible text right before the field: ``姓名：<input>`` or the previous table cell."""
    previous = field.getprevious()
    text = squash(previous.tail) if previous is not None else squash(field.getparent().text)
    if not text and previous is not None and previous.tag in ("span", "b", "strong", "font", "em"):
        text = squash(previous.text_content())
    if not text:
        cell = field.getparent()
        while cell is not None and cell.tag not in ("td", "th"):
            cell = cell.getparent() if cell.tag in ("span", "div", "p", "font", "label") else None
        if cell is not None:
            before = cell.getprevious()
            if before is not None and before.tag in ("td", "th"):
                text = squash(before.text_content())
    text = _LABEL_PUNCTUATION.sub("", text)
    return text if 1 <= len(text) <= 20 else ""


_PROMPT = re.compile(r"^(?:请输入|请填写|输入|搜索|请选择)")


def _prompt_value(field) -> str:
    """A text field whose value is its prompt (``value="请输入检索关键词"``, cleared on focus by a script)."""
    value = squash(field.get("value"))
    return value if field.tag == "input" and _PROMPT.match(value) and len(value) <= 20 else ""


def _text_after(field) -> str:
    """The words right after a check box or radio button: ``<input type=checkbox> 匿名``."""
    text = squash(field.tail)
    following = field.getnext()
    if not text and following is not None and following.tag in ("span", "label", "font", "b", "em"):
        text = squash(following.text_content())
    text = _LABEL_PUNCTUATION.sub("", text)
    return text if 1 <= len(text) <= 20 else ""


def _name_word(field, ctx: Context) -> str:
    english = is_english(ctx)
    for attr in ("name", "id"):
        value = (field.get(attr) or "").lower()
        if value in _FIELD_NAME_WORDS:
            return _FIELD_NAME_WORDS[value][1 if english else 0]
    for attr in ("name", "id"):
        # camelCase and run-together names: searchSelect, docComment
        for token in re.findall(r"[a-z]+", re.sub(r"([a-z])([A-Z])", r"\1 \2", field.get(attr) or "").lower()):
            if token in _FIELD_NAME_WORDS and len(token) >= 4:
                word = _FIELD_NAME_WORDS[token][1 if english else 0]
                if field.tag == "select" and token == "search":
                    return ui(ctx, "搜索范围", "Search scope")
                return word
    return ""


def name_iframes(root: lxml.html.HtmlElement, ctx: Context) -> None:
    """Frames get a ``title`` (screen readers announce it when entering the frame)."""
    model = page_model(root, ctx)
    for frame in model.tags("iframe", "frame"):
        if frame.get("title", "").strip() or frame.get("aria-label") or frame.get("aria-labelledby"):
            continue
        if frame.get("aria-hidden") == "true":
            continue
        src = frame.get("src") or ""
        hint = (frame.get("name") or frame.get("id") or "").strip()
        parts = split_url(src)
        where = parts.netloc or parts.path.rsplit("/", 1)[-1]
        title = ui(ctx, "内嵌页面", "Embedded page") + (f"：{hint or where}" if (hint or where) else "")
        if is_english(ctx) and (hint or where):
            title = f"Embedded page: {hint or where}"
        frame.set("title", title)
        ctx.report.note("names", "titled frame", f"{src} → {title}")
