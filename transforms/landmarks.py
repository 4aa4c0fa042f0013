"""Landmarks inferred from the structure CMS pages emit, and the 跳到主要内容 skip link.

Government CMS templates name their blocks the same way everywhere (top, header,
nav/menu, position/dqwz, content/zoom, footer/bottom). Those ids and classes,
the block's place in the page, its link density and where the article text
sits decide the roles: ``banner``, ``navigation`` (主导航, 当前位置 …),
``search``, exactly one ``main``, ``contentinfo``. Roles go on the existing
elements as attributes, so the page's CSS keeps matching. Landmarks the author
wrote are never duplicated or changed; per-site corrections come from the
override file (see :mod:`.overrides`), applied before this inference.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from . import Context
from .markup import describe, key_of, without_generated
from .pagemodel import PageModel, page_model
from .textwalk import compact, has_text, text_content
from .tree import lowest_common_ancestor, precedes
from .uitext import ui

__all__ = ["LANDMARK_ROLES", "add_skip_link", "existing_landmarks", "infer_landmarks"]

LANDMARK_ROLES = frozenset({"banner", "navigation", "main", "contentinfo", "search", "complementary", "region", "form"})

_W = r"(?:^|[^a-z])"
_KEYS = (
    # Order matters: a block named "top_nav" is navigation, not a top bar.
    ("breadcrumb", re.compile(_W + r"(?:position|location|crumbs?|breadcrumbs?|dqwz|weizhi|curr?ent_?pos|posi|mianbao|path_?nav|place)")),
    ("float", re.compile(_W + r"(?:float|piao|couplet|duilian|fixed_?ad)")),
    ("navigation", re.compile(_W + r"(?:nav|menu|daohang|lanmu|lmdh|side|left_?(?:box|list|col)|sub_?(?:nav|menu|list))")),
    ("contentinfo", re.compile(_W + r"(?:footer|foot|bottom|copyright|banquan|bq)")),
    ("topbar", re.compile(_W + r"(?:top(?!ic)|toolbar|tool_?bar|site_?tools?)")),
    ("banner", re.compile(_W + r"(?:header|head(?:_?box|_?wrap|_?con)?(?:[^a-z]|$)|banner|masthead|logo)")),
)
_BREADCRUMB_TEXT = ("当前位置", "您现在的位置", "您的位置", "所在位置", "您当前的位置", "当前所在位置", "现在位置")
_SEARCH_WORDS = re.compile(r"search|sousuo|query|(?:^|[^a-z])so(?:[^a-z]|$)|jiansuo|find", re.I)
_SEARCH_FIELD_NAMES = frozenset({"q", "kw", "key", "keys", "keyword", "keywords", "searchword", "wd", "word",
                                 "query", "search", "searchkey", "sw", "text", "title"})
# Hosts that accept a landmark role without changing table or list semantics.
_ROLE_HOSTS = frozenset({"div", "section", "p", "span", "center", "article"})
# Elements that are landmarks by their tag; any other element is one only through its role
# attribute, found as attribute nodes (far cheaper than testing every element of a big page).
_NATIVE_LANDMARK_TAGS = ("header", "nav", "main", "footer", "aside", "form", "section")
_ROLE_ATTRIBUTES = etree.XPath("descendant::*/@role")
_SECTIONING = frozenset({"article", "aside", "main", "nav", "section"})
_SKIP_WORDS = ("跳到", "跳过", "跳转到主要", "skip", "直达")

_NAMES = {
    "main_nav": ("主导航", "Main navigation"),
    "other_nav": ("栏目导航", "Section navigation"),
    "breadcrumb": ("当前位置", "Breadcrumb"),
    "topbar": ("顶部工具栏", "Top bar"),
    "float": ("浮动窗口", "Floating window"),
    "search": ("站内搜索", "Site search"),
    "skip": ("跳到主要内容", "Skip to main content"),
}


def existing_landmarks(body, roles: list | None = None, native: list | None = None) -> dict[str, list]:
    """The landmarks the author wrote, by role (eldermode's own bar left out).

    ``roles`` are the body's ``role`` attribute values (``_ROLE_ATTRIBUTES``) and ``native`` its elements with a
    landmark tag and no role, when the caller has them (:class:`_SiteScan`)."""
    found: dict[str, list] = {}
    candidates = [attr.getparent() for attr in (_ROLE_ATTRIBUTES(body) if roles is None else roles)]
    if native is None:
        native = [el for el in body.iter(*_NATIVE_LANDMARK_TAGS) if el.get("role") is None]
    candidates.extend(native)
    for el in candidates:
        role = el.get("role")
        if el.get("data-eldermode") not in (None, "landmark"):
            continue  # eldermode's own bars are not the page's landmarks; its landmark wrappers are
        role = (role or "").split(" ")[0].strip() or _implicit_role(el)
        if role in LANDMARK_ROLES:
            found.setdefault(role, []).append(el)
    return found


def inside_landmark(el) -> bool:
    """``el`` or an ancestor is a landmark (the author's or one eldermode added)."""
    node = el
    while node is not None and isinstance(node.tag, str):
        role = (node.get("role") or "").split(" ")[0] or _implicit_role(node)
        if role in LANDMARK_ROLES:
            return True
        node = node.getparent()
    return False


def _implicit_role(el) -> str:
    tag = el.tag
    if tag in ("header", "footer"):
        parent = el.getparent()
        while parent is not None:
            if parent.tag in _SECTIONING:
                return ""
            parent = parent.getparent()
        return "banner" if tag == "header" else "contentinfo"
    if tag in ("form", "section") and not (el.get("aria-label") or el.get("aria-labelledby") or el.get("title")):
        return ""  # unnamed forms and sections are not landmarks
    return {"nav": "navigation", "main": "main", "aside": "complementary", "form": "form", "section": "region"}.get(tag, "")


def infer_landmarks(root: lxml.html.HtmlElement, ctx: Context) -> None:
    model = page_model(root, ctx)
    body = model.body
    if body is None:
        return
    # (one scan serves the author's landmarks and the region stops: the tree does not change before the plan
    # is carried out)
    scan = _SiteScan(body, ctx)
    roles = scan.roles
    existing = existing_landmarks(body, roles, scan.native)
    taken = [el for els in existing.values() for el in els]
    plan: list[tuple[lxml.html.HtmlElement, str, str]] = []  # (element, role, name key or literal)

    main = existing["main"][0] if existing.get("main") else None
    candidates = _keyed_candidates(model, taken)
    breadcrumbs = candidates.get("breadcrumb", []) + _text_breadcrumbs(model, taken)
    content_guess = model.content

    if main is None:
        main = _main_host(model, candidates) if content_guess is not None else _title_block(model, candidates)
        if main is None:
            main = _main_block(model, candidates)
        if main is not None:
            main = _top_level(main, taken, candidates)
        if main is not None:
            plan.append((main, "main", ""))
    ctx.data["access.main"] = main

    def free(el) -> bool:
        """Not the main block, not inside it (unless a breadcrumb/search), not around or inside what is planned."""
        if main is not None and (el is main or _contains(el, main)):
            return False
        return not any(el is other or _contains(other, el) or _contains(el, other) for other, _, _ in plan
                       if other is not main) and not any(_contains(t, el) or _contains(el, t) for t in taken)

    bands = _bands_before(model.body, main)
    if not existing.get("banner"):
        banner = _choose_banner(candidates.get("banner", []), main)
        if banner is None:
            banner = _banner_band(bands, model)
        if banner is not None and free(banner):
            plan.append((banner, "banner", ""))
    for el in _outermost(breadcrumbs):
        if free(el) or (main is not None and _contains(main, el) and _free_of_plan(el, plan, main)):
            plan.append((el, "navigation", "breadcrumb"))
    navs = [el for el in candidates.get("navigation", []) if _link_dense(el)]
    if not navs and not existing.get("navigation"):
        navs = [band for band in bands[:4] if _menu_band(band)][:1]
    # Any navigation the author wrote is taken as the main one: ours become 栏目导航.
    has_main_nav = bool(existing.get("navigation"))
    for el in navs:
        if free(el):
            plan.append((el, "navigation", "other_nav" if has_main_nav else "main_nav"))
            has_main_nav = True
    for el in candidates.get("topbar", []):
        if free(el) and (main is None or precedes(el, main)):
            plan.append((el, "navigation" if _real_links(el) >= 3 and _link_dense(el) else "region", "topbar"))
    if not existing.get("contentinfo"):
        footers = [el for el in candidates.get("contentinfo", []) if main is None or precedes(main, el)]
        if footers and free(footers[-1]):
            plan.append((footers[-1], "contentinfo", ""))
    # Floating windows are never promoted to landmarks: in access mode the ads among them are removed
    # (quiet.drop_floating_ads), and what stays is no region a listener navigates to.
    searches = [form for form in _search_forms(model) if form.get("role") is None and not any(
        _contains(t, form) and t.get("role") == "search" for t in taken)]
    searches_there = len(existing.get("search", []))
    for form in searches:
        # Two search landmarks must be told apart by name (站内搜索, 站内搜索 2).
        plan.append((form, "search", "search" if len(searches) + searches_there > 1 else ""))

    plan = _never_more_regions(body, taken, plan, main, scan)
    used_names: dict[str, set[str]] = {}
    for els in existing.values():
        for el in els:
            used_names.setdefault(_role_of(el), set()).add(el.get("aria-label") or "")
    for el, role, name_key in plan:
        name = ui(ctx, *_NAMES[name_key]) if name_key in _NAMES else ""
        if name:
            taken_names = used_names.setdefault(role, set())
            base, n = name, 2
            while name in taken_names:
                name, n = f"{base} {n}", n + 1
            taken_names.add(name)
        host = _host(el)
        if host.get("role"):
            continue
        host.set("role", role)
        if name and not host.get("aria-label") and not host.get("aria-labelledby"):
            host.set("aria-label", name)
        if role == "main":
            ctx.data["access.main"] = host
        ctx.report.note("landmarks", f"added {role}", f"{describe(el)}{' ' + name if name else ''}")


_NO_CONTENT = frozenset({"script", "style", "noscript", "template", "link", "meta", "br"})
_CONTENT_TAGS = ("img", "input", "select", "textarea", "button", "iframe", "svg", "video", "object", "embed", "canvas")


# What axe's ``region`` rule stops at besides landmarks: buttons, frames and content hidden from
# readers. Each splits the blocks around it as a landmark does (their other children are counted
# one by one).
# One attribute name per XPath: a name test on the attribute axis is a lookup, while a predicate over
# every attribute costs ~8× as much on a Word-pasted page (each element carries style, class and lang).
_HIDDEN_ATTRIBUTES = (etree.XPath("descendant::*/@hidden"), etree.XPath("descendant::*/@aria-hidden"))
_STOP_TAGS = ("button", "iframe", "frame", "input")
_BUTTON_INPUTS = frozenset({"button", "submit", "reset", "image"})
_ASCII_LOWER = str.maketrans("BUTONSMITREAG", "butonsmitreag")  # as the XPath translate() this replaced: no more


_OWN_ROLE = etree.XPath("@role")


class _SiteScan:
    """What landmarks reads off the whole body, found in one window with eldermode's readings and cards set aside
    (``without_generated``: a walk of the site's markup only, instead of five of the thousands of elements a big
    table's reading and cards add). Built from the table's text, they hold no role, hidden content, button, frame
    or landmark tag; the blocks' own roles (the cards are a named region) are put in their place.

    Attribute nodes and tag names are found in C; testing one XPath predicate on every element cost
    twice as much on the seed page and ten times as much on a 100 × 50 table page."""

    __slots__ = ("roles", "hidden", "aria_hidden", "stop_tags", "native")

    def __init__(self, body, ctx):
        with without_generated(body, ctx) as blocks:
            self.roles = _ROLE_ATTRIBUTES(body)  # the role attribute values, in document order
            self.hidden, self.aria_hidden = (find(body) for find in _HIDDEN_ATTRIBUTES)
            self.stop_tags = list(body.iter(*_STOP_TAGS))
            self.native = [el for el in body.iter(*_NATIVE_LANDMARK_TAGS) if el.get("role") is None]
        roles = self.roles
        for block in blocks:
            if block.get("role") is None:
                continue
            low, high = 0, len(roles)  # where the block comes in document order: the first role after it
            while low < high:
                middle = (low + high) // 2
                if precedes(block, roles[middle].getparent()):
                    high = middle
                else:
                    low = middle + 1
            roles.insert(low, _OWN_ROLE(block)[0])


def _region_stops(scan: _SiteScan) -> set:
    """The hidden elements, buttons and frames of the body outside eldermode's own blocks (its landmarks count)."""
    stops = set()
    stops.update(value.getparent() for value in scan.hidden)
    stops.update(value.getparent() for value in scan.aria_hidden if value == "true")
    stops.update(value.getparent() for value in scan.roles if value == "button")
    for el in scan.stop_tags:
        if el.tag != "input" or (el.get("type") or "").translate(_ASCII_LOWER) in _BUTTON_INPUTS:
            stops.add(el)
    return {el for el in stops if not _in_own_block(el)}


def _in_own_block(el) -> bool:
    """``el`` or an ancestor is one of eldermode's blocks other than its landmark wrappers."""
    node = el
    while node is not None:
        mark = node.get("data-eldermode")
        if mark is not None and mark != "landmark":
            return True
        node = node.getparent()
    return False


def _outside_landmarks(body, landmarks: list, stops: set | list = ()) -> int:
    """How many blocks with content sit outside every landmark, counted as axe's ``region`` rule does:
    the outermost blocks that hold no landmark (nor button, frame or hidden content), below the
    blocks that do."""
    marks = set(landmarks).union(stops)
    holders = set()
    for el in marks:
        node = el.getparent()
        while node is not None and node not in holders:
            holders.add(node)
            node = node.getparent()
    return _count_outside(body, marks, holders)


def _count_outside(el, marks: set, holders: set) -> int:
    # (a function of the module, not a recursive closure: that would be a reference cycle keeping the
    # page's tree alive until the garbage collector finds it, middleware/memory.py)
    total = 0
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _NO_CONTENT or child in marks or child.get("data-eldermode") not in (
                None, "landmark", "heading", "separator"):
            continue
        if child.get("hidden") is not None or child.get("aria-hidden") == "true":
            continue
        if child in holders:
            total += _count_outside(child, marks, holders)
        elif has_text(text_content(child)) or next(child.iter(*_CONTENT_TAGS), None) is not None:
            total += 1
    return total


def _never_more_regions(body, taken: list, plan: list, main, scan: _SiteScan) -> list:
    """The plan without the landmarks that would leave more blocks outside any landmark than the page had.

    A landmark added deep inside a block that was outside every landmark splits that block: its
    siblings are now each outside on their own. Such landmarks are dropped (the one main stays)."""
    stops = _region_stops(scan)
    before = _outside_landmarks(body, taken, stops)

    def after(entries) -> int:
        return _outside_landmarks(body, taken + [el for el, _, _ in entries], stops)

    current = after(plan)
    while current > before:
        best, best_count = None, current
        for i, (el, role, _) in enumerate(plan):
            if el is main:
                continue
            trial = after(plan[:i] + plan[i + 1:])
            if trial < best_count:
                best, best_count = i, trial
        if best is None:
            break
        plan = plan[:best] + plan[best + 1:]
        current = best_count
    return plan


def _free_of_plan(el, plan, main) -> bool:
    return not any(other is not main and (other is el or _contains(other, el)) for other, _, _ in plan)


def _role_of(el) -> str:
    return (el.get("role") or _implicit_role(el) or "").split(" ")[0]


def _keyed_candidates(model: PageModel, taken) -> dict[str, list]:
    found: dict[str, list] = {}
    for el, key in model.keyed:
        if el.tag in ("h1", "h2", "h3", "h4", "h5", "h6") or el.get("data-eldermode") or el.get("data-em-landmark"):
            continue
        if el in taken:
            continue
        for kind, pattern in _KEYS:
            if pattern.search(key):
                found.setdefault(kind, []).append(el)
                break
    return {kind: _outermost(els) for kind, els in found.items()}


def _text_breadcrumbs(model: PageModel, taken) -> list:
    """Blocks whose text starts with 当前位置 / 您现在的位置 … and that hold links."""
    found = []
    for el in model.tags("div"):
        head = el.text or ""
        if len(compact(head)) < 4:
            for child in el[:2]:
                if child.tag not in ("span", "font", "b", "strong", "em", "label", "img", "i"):
                    break  # a block child's text belongs to that block
                head += (child.text or "") + (child.tail or "")
        if not any(word in head for word in _BREADCRUMB_TEXT):
            continue
        if el in taken or not any(True for _ in el.iter("a")) or len(compact(text_content(el))) > 200:
            continue
        found.append(el)
    return found


def _outermost(els: list) -> list:
    chosen: list = []
    for el in els:
        if any(_contains(other, el) for other in chosen):
            continue
        chosen = [other for other in chosen if not _contains(el, other)]
        chosen.append(el)
    return chosen


def _contains(outer, inner) -> bool:
    """``inner`` is a proper descendant of ``outer``."""
    node = inner.getparent()
    while node is not None:
        if node is outer:
            return True
        node = node.getparent()
    return False


def _main_host(model: PageModel, candidates) -> lxml.html.HtmlElement | None:
    """The article block: title and text together, but never a block that also holds the site's banner,
    main navigation or footer."""
    content = model.content
    host = content
    if model.title is not None:
        common = lowest_common_ancestor(content, model.title)
        if common is not None and common.tag not in ("body", "html"):
            host = common
    others = candidates.get("banner", []) + candidates.get("contentinfo", []) + [
        el for el in candidates.get("navigation", []) if _link_dense(el)
    ]
    if any(_contains(host, other) for other in others) and host is not content:
        host = content
    if any(_contains(host, other) for other in others) or host.get("data-em-landmark"):
        return None
    return host


def _title_block(model: PageModel, candidates) -> lxml.html.HtmlElement | None:
    """An article with no running text (a picture, an embedded file): the block around its title line,
    when that block is none of the site's banner, menu or footer and holds none of them."""
    title = model.title
    if title is None:
        return None
    block = title.getparent()
    while block is not None and block.tag not in _ROLE_HOSTS:
        block = block.getparent()
    if block is None or block.tag in ("body", "html"):
        return None
    if compact(text_content(block)) == compact(text_content(title)) and not any(
            el is not title and not _contains(title, el) for el in block.iter(*_CONTENT_TAGS)):
        return None  # the title alone: no article around it
    chrome = [el for kind in ("banner", "contentinfo", "topbar") for el in candidates.get(kind, [])] + [
        el for el in candidates.get("navigation", []) if _link_dense(el) and _is_top_chrome(el)]
    if any(block is el or _contains(block, el) or _contains(el, block) for el in chrome):
        return None
    return block


def _top_level(main, taken: list, candidates) -> lxml.html.HtmlElement | None:
    """``main`` itself, or, when it lies inside a landmark the author wrote (a ``region`` 文章详情 around the
    article), the nearest block around that landmark: ``main`` must be a top-level landmark. None when
    that block would hold another of the author's landmarks or the site's banner, menu or footer."""
    outer = None
    node = main
    while node is not None:
        if node in taken:
            outer = node
        node = node.getparent()
    if outer is None:
        return main
    host = outer.getparent()
    while host is not None and host.tag not in _ROLE_HOSTS:
        host = host.getparent()
    if host is None or host.tag in ("body", "html") or host.get("role") or inside_landmark(host):
        return None
    chrome = [el for kind in ("banner", "contentinfo") for el in candidates.get(kind, [])] + [
        el for el in candidates.get("navigation", []) if _link_dense(el) and _is_top_chrome(el)]
    # (a "portlet-header" inside the author's landmark is that box's own header, not the site's)
    if any(t is not outer and _contains(host, t) and _role_of(t) != "navigation" for t in taken) or any(
            _contains(host, el) and not _contains(outer, el) for el in chrome):
        return None
    return host


_CONTENT_BLOCK_KEY = re.compile(_W + r"(?:main|content|con_?main|article|list_?con|right|mainbody|zhengwen)")


def _main_block(model: PageModel, candidates) -> lxml.html.HtmlElement | None:
    """For pages without an article (home, list, login and error pages): the block with the most text
    outside links, as content extractors find it, that is none of the banner, navigation or footer
    blocks. From ``<body>`` down: a winner that holds the site's header or footer (a wrapper around the
    whole page) is searched in turn. Then its own "main"/"content" child when that child holds most of
    the block's text."""
    chrome = [el for kind in ("banner", "navigation", "contentinfo", "topbar", "float", "breadcrumb")
              for el in candidates.get(kind, [])]
    top_chrome = [c for c in chrome if c.tag != "form" and _is_top_chrome(c)]
    node, best, best_size = model.body, None, 0
    for _ in range(12):
        best, best_size = None, 0
        for child in node:
            if not isinstance(child.tag, str) or child.tag not in _ROLE_HOSTS or child.get("data-eldermode"):
                continue
            if child.get("data-em-seg") is not None:  # a 朗读 sentence of text sitting in <body>, not a block
                continue
            if child.get("role") or child.get("data-em-landmark") or any(child is c for c in chrome):
                continue
            size = _prose_size(child)
            if size > best_size or best is None:
                best, best_size = child, size
        if best is None or not any(_contains(best, c) for c in top_chrome):
            break
        node = best  # a wrapper around the whole page: its parts are the blocks
    else:
        return None
    if best is None or len(compact(text_content(best))) < 20 or any(_contains(best, c) for c in top_chrome):
        return None
    for el, key in model.keyed:
        if _CONTENT_BLOCK_KEY.search(key) and _contains(best, el) and el.tag in _ROLE_HOSTS:
            if _prose_size(el) * 2 >= best_size:
                return el
    return best


def _prose_size(el) -> float:
    """Text weighed by its link density, as content extractors do: words outside links count in full,
    link words a third (a menu is all links; a list of news titles still counts for something)."""
    total = len(compact(text_content(el)))
    links = sum(len(compact(text_content(a))) for a in el.iter("a"))
    return total - links + links / 3


def _is_top_chrome(el) -> bool:
    """Banner, main navigation and footer blocks never sit inside main; breadcrumbs and side menus may."""
    key = key_of(el)
    return any(pattern.search(key) for kind, pattern in _KEYS if kind in ("banner", "contentinfo", "topbar")) or (
        _KEYS[2][1].search(key) is not None and not re.search(_W + r"(?:side|left|sub)", key)
    )


def _bands_before(body, main) -> list:
    """The page's top-level blocks before ``main``, in order, looking inside a wrapper that holds main."""
    bands: list = []
    if body is None or main is None:
        return bands
    node = body
    for _ in range(8):
        inner = None
        for child in node:
            # main first: on a page rewritten before, main is eldermode's own wrapper, and what follows it
            # is no band before it (a picture after the article became the banner, role and all on <body>)
            if child is main:
                return bands
            if isinstance(child.tag, str) and _contains(child, main):
                inner = child
                break
            if not isinstance(child.tag, str) or child.tag in _NO_CONTENT or child.get("data-eldermode"):
                continue
            if has_text(text_content(child)) or next(child.iter("img"), None) is not None:
                bands.append(child)
        if inner is None:
            return bands
        node = inner
    return bands


def _banner_band(bands: list, model: PageModel):
    """The site's masthead recognised by what it holds, whatever its class: the first band of the page
    when it is a picture or the site's name with little else (no menu of links)."""
    for band in bands[:1]:
        text = compact(text_content(band))
        links = sum(1 for _ in band.iter("a"))
        has_picture = next(band.iter("img", "svg"), None) is not None
        names_site = bool(model.site_name) and compact(model.site_name) in text
        if len(text) <= 60 and links <= 3 and (has_picture or names_site) and next(
                band.iter("input", "select", "textarea"), None) is None:
            return band
    return None


def _menu_band(band) -> bool:
    """A band of several short links near the top of the page: the site's menu, whatever its class."""
    texts = [compact(text_content(a)) for a in band.iter("a") if (a.get("href") or "").strip()]
    texts = [t for t in texts if t]
    return len(texts) >= 4 and _link_dense(band) and sum(map(len, texts)) / len(texts) <= 8


def _choose_banner(candidates: list, main):
    before = [el for el in candidates if main is None or precedes(el, main)]
    for el in before:
        if any(True for _ in el.iter("img", "h1")) or any(a.get("href") in ("/", "./", "index.html") for a in el.iter("a")):
            return el
    return before[0] if before else None


def _link_dense(el) -> bool:
    links = 0
    link_text = 0
    for a in el.iter("a"):
        links += 1
        link_text += len(compact(text_content(a))) or 2  # an icon link still counts
    if links < 2:
        return False
    total = len(compact(text_content(el)))
    return total == 0 or link_text / max(total, 1) >= 0.5


def _real_links(el) -> int:
    return sum(1 for a in el.iter("a") if (a.get("href") or "").strip() and not _is_script_href(a.get("href")))


def _is_script_href(href: str | None) -> bool:
    href = (href or "").strip().lower()
    return href.startswith("javascript:") or href in ("#", "")


def _search_forms(model: PageModel) -> list:
    forms = []
    for form in model.tags("form"):
        fields = [i for i in form.iter("input") if (i.get("type") or "text").lower() in ("text", "search", "")]
        if not fields:
            continue
        hint = " ".join(filter(None, (form.get("action"), form.get("id"), form.get("class"), form.get("name"))))
        names = {(i.get("name") or "").lower() for i in fields}
        if _SEARCH_WORDS.search(hint) or names & _SEARCH_FIELD_NAMES and len(fields) <= 2:
            forms.append(form)
    return forms


def _host(el):
    """The element that carries the role: ``el`` itself, or a div wrapped around a list or table."""
    if el.tag in _ROLE_HOSTS or el.tag in ("form", "td"):
        return el
    if el.tag in ("ul", "ol", "table", "dl") or (el.tag in _NO_ROLE_TAGS and _parent_is_body(el)):
        parent = el.getparent()
        if parent is not None and parent.get("data-eldermode") == "landmark":
            return parent
        wrapper = el.makeelement("div", {"data-eldermode": "landmark"})
        el.addprevious(wrapper)
        wrapper.tail, el.tail = el.tail, None
        wrapper.append(el)
        return wrapper
    if el.tag in _NO_ROLE_TAGS and el.getparent() is not None:
        # The parser let a void element (<wbr>, <br>) swallow the text after it: its container carries the role
        # (never <body> itself: a picture or a field straight in <body> gets a wrapper of its own, above).
        return _host(el.getparent())
    return el


def _parent_is_body(el) -> bool:
    parent = el.getparent()
    return parent is not None and parent.tag == "body"


# Elements that may carry no landmark role (void and form elements), however the parser nested them.
_NO_ROLE_TAGS = frozenset({"wbr", "br", "hr", "img", "input", "meta", "link", "source", "param", "embed", "col",
                           "area", "base", "track", "label", "option", "select", "textarea", "button", "li", "dd",
                           "dt", "tr", "tbody", "thead", "tfoot", "th", "caption"})


def add_skip_link(root: lxml.html.HtmlElement, ctx: Context) -> None:
    """A 跳到主要内容 link first in ``<body>`` (before the mode bar), pointing at ``main``."""
    body = root.find("body")
    if body is None or body.find(".//a[@data-eldermode='skiplink']") is not None:
        return
    main = ctx.data.get("access.main")
    if main is None and "access.main" not in ctx.data:
        # (when the landmarks step ran and found no main, none has appeared since: only it and the
        # overrides before it give roles; a walk for the author's landmarks costs ~0.5 ms on a big table)
        found = existing_landmarks(body).get("main")
        main = found[0] if found else None
    if main is None:
        return
    if _has_own_skip_link(body):
        return
    target = main.get("id")
    if not target:
        target = "em-main"
        main.set("id", target)
    if main.get("tabindex") is None:
        # Focus must land inside main when the link is followed, not just scroll there.
        main.set("tabindex", "-1")
        main.set("data-em-skip-target", "")
    link = body.makeelement("a", {"href": f"#{target}", "class": "em-skip", "data-eldermode": "skiplink"})
    link.text = ui(ctx, *_NAMES["skip"])
    link.tail = body.text
    body.text = None
    body.insert(0, link)
    ctx.report.note("landmarks", "added skip link", f"#{target}")


_FIRST_PAGE_LINK = etree.XPath("descendant::a[not(ancestor-or-self::*[@data-eldermode])][1]")


def _has_own_skip_link(body) -> bool:
    """The page's own first link (eldermode's bars aside) is an in-page link saying skip/跳到."""
    found = _FIRST_PAGE_LINK(body)
    if not found:
        return False
    href = found[0].get("href") or ""
    return href.startswith("#") and len(href) > 1 and any(w in text_content(found[0]).lower() for w in _SKIP_WORDS)
