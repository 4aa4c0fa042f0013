"""The 辅助工具条 (assistive toolbar), injected server-side first in ``<body>``, and its help page.

Without JavaScript every control still works: the toolbar is a GET ``<form>`` whose ``<button>``s
submit ``eldermode-<choice>=<value>`` (the middleware turns that into the visitor's cookie), with
the page's own query kept in hidden fields; mode switches, reset, text view and help are links.
toolbar.js (served from /__eldermode/assets/) upgrades it in place: clicks change the ``data-em-*``
marks on ``<html>`` and the cookie without a reload, keep ``aria-pressed`` right, announce every
change in the polite live region, add arrow-key movement and the Alt+Shift shortcuts; on a
phone-width screen it folds the ``em-tb-optional`` groups behind a 更多设置 button (aria-expanded).
It sits in normal flow: nothing is ever fixed over the content.
"""

from __future__ import annotations

import copy
import html
import re
import threading
from dataclasses import fields
from urllib.parse import parse_qsl, quote, urlsplit

import lxml.html

from . import Context, Profile
from .modebar import PARAM, mode_href
from .profile import MENU_MODES

__all__ = ["SHORTCUTS", "back_href", "help_page", "inject_toolbar", "profile_marks", "toolbar_strings"]

STRINGS = {
    "zh": {
        "region": "辅助工具", "toolbar": "辅助工具条", "modes": "浏览模式", "elder": "长者模式", "access": "无障碍", "off": "原版",
        "text": "字号", "standard": "标准", "large": "大", "xlarge": "特大",
        "contrast": "配色", "default": "默认", "high": "高对比", "yellow": "黄黑",
        "spacing": "加大行距", "cursor": "大鼠标", "guide": "阅读辅助线",
        "speech": "朗读", "speak": "朗读", "speak-rate": "语速", "speak-point": "指读", "speak-table": "表格朗读",
        "textview": "纯文本", "reset": "重置", "help": "帮助", "exit": "退出",
        "on": "已开启", "offstate": "已关闭", "help_title": "辅助工具条使用帮助",
        "settings": "设置", "page": "其他", "elder_short": "长者模式", "access_short": "无障碍",
        "bigger": "A+", "smaller": "A−", "bigger_name": "A+ 放大字号", "smaller_name": "A− 缩小字号",
        "spacing_group": "行距", "cursor_group": "鼠标", "guide_group": "辅助线",
    },
    "en": {
        "region": "Accessibility tools", "toolbar": "Accessibility toolbar", "modes": "Viewing mode", "elder": "Elder mode", "access": "Accessible",
        "off": "Original", "text": "Text size", "standard": "Standard", "large": "Large", "xlarge": "Extra large",
        "contrast": "Colours", "default": "Default",
        "high": "High contrast", "yellow": "Yellow on black", "spacing": "Wider lines", "cursor": "Large pointer",
        "guide": "Reading guide", "speech": "Read aloud", "speak": "Listen", "speak-rate": "Speed",
        "speak-point": "Point to read", "speak-table": "Read table", "textview": "Text only", "reset": "Reset",
        "help": "Help", "exit": "Exit", "on": "on", "offstate": "off", "help_title": "Toolbar help",
        "settings": "Settings", "page": "More", "elder_short": "Elder", "access_short": "Access",
        "bigger": "A+", "smaller": "A−", "bigger_name": "A+ larger text", "smaller_name": "A− smaller text",
        "spacing_group": "Line spacing", "cursor_group": "Pointer", "guide_group": "Guide",
    },
}

# Alt+Shift+<key> only (WCAG 2.1.4: no single-key shortcuts). NVDA and JAWS use Insert/CapsLock
# combinations, browsers use Alt+<letter> for menus and Ctrl for zoom, so Alt+Shift is free on both.
SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("Alt+Shift+T", "toolbar"),  # move focus to the toolbar
    ("Alt+Shift+=", "bigger"),
    ("Alt+Shift+-", "smaller"),
    ("Alt+Shift+C", "contrast"),  # next colour scheme
    ("Alt+Shift+L", "spacing"),
    ("Alt+Shift+M", "cursor"),
    ("Alt+Shift+G", "guide"),
    ("Alt+Shift+R", "speak"),
    ("Alt+Shift+0", "reset"),
    ("Alt+Shift+H", "help"),
)

LEVELS = ("standard", "large", "xlarge")


def _has_toolbar(body) -> bool:
    """A page rewritten before. (The toolbar is always a <div>: a walk of the divs, filtered in C,
    costs a tenth of an XPath test of every element.)"""
    return any(div.get("data-eldermode") == "toolbar" for div in body.iter("div"))


TOGGLES = (("spacing", "normal", "wide"), ("cursor", "normal", "large"), ("guide", "off", "on"))


def toolbar_strings(lang: str) -> dict[str, str]:
    return STRINGS["en" if (lang or "").lower().startswith("en") else "zh"]


_CJK = re.compile("[\u4e00-\u9fff]")


def _toolbar_lang(root, lang: str) -> str:
    """The page's language for the toolbar's words: a Chinese page whose template says lang="en"
    (common in CMS templates) still gets a Chinese toolbar."""
    if (lang or "").lower().startswith("en") and _CJK.search(root.findtext(".//title") or ""):
        return "zh"
    return lang


def _el(parent, tag: str, attrib: dict[str, str] | None = None, text: str | None = None):
    child = parent.makeelement(tag, attrib or {})
    if text is not None:
        child.text = text
    parent.append(child)
    return child


def _choice_button(parent, name: str, value: str, label: str, pressed: bool | None, **extra: str):
    attrib = {"type": "submit", "name": f"{PARAM}-{name}", "value": value, "data-em-choice": name, **extra}
    if pressed is not None:
        attrib["aria-pressed"] = "true" if pressed else "false"
    return _el(parent, "button", attrib, label)


def inject_toolbar(root: lxml.html.HtmlElement, ctx: Context) -> None:
    """The toolbar, first in ``<body>`` (after nothing: it is the first thing a keyboard reaches).

    One row — the mode, A− / A+, 朗读, 设置 — and behind 设置 (a ``<details>``, so it opens with
    JavaScript off) the settings panel in groups, each with its visible label. Built once per
    profile, language and deployment (per thread: lxml trees are not shared between threads) and
    copied onto each page with the page's own links and query put in.
    """
    body = root.find("body")
    if body is None or _has_toolbar(body):
        return
    if ctx.data.get("framed"):
        # A page shown inside a frame of another page: that page has the toolbar. The mark lets
        # eldermode.css hide the other bars too (toolbar.js sets the class for frames it finds).
        root.set("data-em-framed", "")
        return
    t = toolbar_strings(_toolbar_lang(root, ctx.lang))
    options = ctx.options
    key = (t is STRINGS["en"], ctx.profile, options.prefix, options.cookie_name, options.speech)
    built = getattr(_BUILT, "toolbars", None)
    if built is None:
        built = _BUILT.toolbars = {}
    template = built.get(key)
    if template is None:
        if len(built) >= 64:  # (profiles × languages × deployments: a handful in practice)
            built.clear()
        template = built[key] = _build_toolbar(t, ctx.profile, options)
    wrapper = copy.deepcopy(template)
    _fit_to_page(wrapper, ctx.url or "/", ctx.profile, options.prefix)
    wrapper.tail = body.text
    body.text = "\n"
    body.insert(0, wrapper)
    ctx.report.note("toolbar", "added toolbar")


_BUILT = threading.local()


def _page_links(url: str, p: Profile, prefix: str) -> dict[str, str]:
    """The toolbar's links that depend on the page, by what marks them."""
    back = quote(url, safe="/")
    defaults = {f.name: f.default for f in fields(Profile) if f.name != "mode"}
    links = {f"mode:{mode}": mode_href(url, mode=mode) for mode in MENU_MODES}
    links.update({"reset": mode_href(url, mode=p.mode, **defaults), "exit": mode_href(url, mode="off"),
                  "text": f"{prefix}text?url={back}", "help": f"{prefix}help?from={back}"})
    return links


def _link_key(a) -> str | None:
    mode = a.get("data-em-mode-link")
    if mode is not None:
        return f"mode:{mode}"
    return "reset" if a.get("data-em-action") == "reset" else a.get("data-em-link")


def _fit_to_page(wrapper, url: str, p: Profile, prefix: str) -> None:
    """The page's links into a copy of the toolbar, and its query as hidden fields (a no-JS submit keeps it)."""
    links = _page_links(url, p, prefix)
    for a in wrapper.iter("a"):
        href = links.get(_link_key(a))
        if href is not None:
            a.set("href", href)
    form = wrapper.find("div/form")
    place = 0
    for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if not key.startswith(PARAM):
            form.insert(place, form.makeelement("input", {"type": "hidden", "name": key, "value": value}))
            place += 1


def _build_toolbar(t: dict[str, str], p: Profile, options):
    """The toolbar for a page at ``/`` (:func:`_fit_to_page` puts a page's own links in)."""
    prefix = options.prefix
    elder = p.mode == "elder"
    links = _page_links("/", p, prefix)
    root = lxml.html.document_fromstring("<html><body></body></html>")  # (so elements are HtmlElements)
    body = root.find("body")

    # A named region (so nothing on the page sits outside a landmark) holding the toolbar; the
    # toolbar role is on a div, since role=toolbar is not allowed on <form>.
    wrapper = _el(body, "div", {
        "class": "em-toolbar", "data-eldermode": "toolbar", "lang": "en" if t is STRINGS["en"] else "zh-CN",
        "role": "region", "aria-label": t["region"], "data-em-cookie": options.cookie_name,
    })
    bar = _el(wrapper, "div", {"class": "em-tb-role", "role": "toolbar", "aria-label": t["toolbar"]})
    form = _el(bar, "form", {
        # No action: the form submits to the page itself. Writing the requested path here would
        # turn a request for //other.host/ into a form that posts to another site.
        "class": "em-tb", "method": "get",
    })
    # The current mode is kept explicitly (the page's own query goes before it: _fit_to_page).
    _el(form, "input", {"type": "hidden", "name": PARAM, "value": p.mode})

    # ---- the row
    _el(form, "span", {"class": "em-tb-mode"}, t.get(p.mode + "_short", t["off"]))
    if elder:
        index = LEVELS.index(p.text)
        _choice_button(form, "text", LEVELS[max(index - 1, 0)], t["smaller"], None,
                       **{"data-em-step": "-1", "aria-label": t["smaller_name"], "class": "em-tb-step"})
        _choice_button(form, "text", LEVELS[min(index + 1, 2)], t["bigger"], None,
                       **{"data-em-step": "1", "aria-label": t["bigger_name"], "class": "em-tb-step"})
    if options.speech:
        _el(form, "button", {"type": "button", "data-em-action": "speak", "aria-pressed": "false",
                             "class": "em-tb-speech"}, t["speak"])
    settings = _el(form, "details", {"class": "em-tb-settings"})
    _el(settings, "summary", {"class": "em-tb-summary"}, t["settings"])
    panel = _el(settings, "div", {"class": "em-tb-panel"})

    # ---- the settings panel: labelled groups
    def group(key: str, extra_class: str = ""):
        box = _el(panel, "div", {"class": f"em-tb-group {extra_class}".strip(), "role": "group",
                                 "aria-labelledby": f"em-tb-label-{key}"})
        _el(box, "span", {"class": "em-tb-label", "id": f"em-tb-label-{key}"}, t[key])
        return box

    modes = group("modes")
    for mode in MENU_MODES:
        attrib = {"href": links[f"mode:{mode}"], "data-em-mode-link": mode}
        if mode == p.mode:
            attrib["aria-current"] = "true"
        _el(modes, "a", attrib, t[mode])

    if elder:
        size = group("text")
        for level in LEVELS:
            _choice_button(size, "text", level, t[level], p.text == level)
        colours = group("contrast")
        for scheme in ("default", "high", "yellow"):
            _choice_button(colours, "contrast", scheme, t[scheme], p.contrast == scheme)

    for name, off_value, on_value in TOGGLES:
        if name == "spacing" and not elder:
            continue
        current = getattr(p, name)
        box = group(f"{name}_group", f"em-tb-{name}")
        _choice_button(box, name, off_value if current == on_value else on_value, t[name], current == on_value,
                       **{"data-em-on": on_value, "data-em-off": off_value})

    if options.speech:
        speech = group("speech", "em-tb-speech")
        _el(speech, "button", {"type": "button", "data-em-action": "speak-rate"}, t["speak-rate"])
        _el(speech, "button", {"type": "button", "data-em-action": "speak-point", "aria-pressed": "false"},
            t["speak-point"])
        _el(speech, "button", {"type": "button", "data-em-action": "speak-table"}, t["speak-table"])

    tools = group("page")
    _el(tools, "a", {"href": links["text"], "data-em-link": "text"}, t["textview"])
    _el(tools, "a", {"href": links["reset"], "data-em-action": "reset"}, t["reset"])
    _el(tools, "a", {"href": links["help"], "data-em-link": "help"}, t["help"])
    _el(tools, "a", {"href": links["exit"], "data-em-link": "exit"}, t["exit"])

    _el(wrapper, "div", {"class": "em-tb-status", "role": "status", "aria-live": "polite",
                         "data-em-status": "", "data-em-on": t["on"], "data-em-off": t["offstate"]})
    body.remove(wrapper)
    return wrapper


def profile_marks(profile: Profile | None) -> str:
    """The ``data-em-*`` attributes of ``<html>`` for one of eldermode's own pages in the visitor's profile."""
    if profile is None or profile.mode != "elder":
        return ' data-em-mode="help"'
    return "".join(f' data-em-{f.name}="{html.escape(getattr(profile, f.name))}"' for f in fields(Profile))


def back_href(back: str, profile: Profile | None) -> str:
    """Where 返回 goes: the page the visitor came from (a path on this site), in the visitor's mode."""
    parts = urlsplit(back or "/")
    path = parts.path if parts.path.startswith("/") and not parts.scheme and not parts.netloc else "/"
    path = quote("/" + path.lstrip("/\\"), safe="/%:@!$&'()*+,;=~")  # never a link to another host
    return path + mode_href(back or "/", mode=profile.mode if profile is not None else "off")


def help_page(lang: str, asset_prefix: str, asset_version: str = "1", profile: Profile | None = None,
              back: str = "/") -> str:
    """The toolbar's help page: what each control does and the keyboard shortcuts (a whole HTML page),
    in the visitor's size and colours, its 返回 leading to the page the visitor came from."""
    t = toolbar_strings(lang)
    english = t is STRINGS["en"]
    rows = "".join(
        f"<tr><th scope=\"row\"><kbd>{html.escape(keys)}</kbd></th><td>{html.escape(t.get(action + '_name', t.get(action, action)))}</td></tr>"
        for keys, action in SHORTCUTS
    )
    if english:
        intro = (
            "The toolbar is the first thing on every page. Press Tab to reach it, then the arrow keys to move "
            "between its controls, and Enter or Space to press one. Your choices are kept for every page of this "
            "site. Shortcuts use Alt+Shift so they never clash with screen readers (NVDA, JAWS) or single keys."
        )
        controls = [
            (t["text"], "Standard, Large and Extra large text (20, 24 and 30 pixels); A+ and A− step through them."),
            (t["contrast"], "Default colours, High contrast (black on white) or Yellow on black. Pictures are never recoloured."),
            (t["spacing"], "Wider line and letter spacing."),
            (t["cursor"], "A large mouse pointer."),
            (t["guide"], "A line that follows the pointer to keep your place."),
            (t["speech"], "Reads the page aloud; never starts by itself."),
            (t["textview"], "The page as plain text, tables kept as tables."),
            (t["reset"], "Back to the standard settings."),
            (t["exit"], "Back to the original page."),
        ]
        shortcut_title, controls_title, back_label = "Keyboard shortcuts", "Controls", "Back"
    else:
        intro = (
            "辅助工具条位于每个页面的最上方。按 Tab 键进入工具条，用方向键在按钮之间移动，按回车或空格键使用。"
            "您的设置会在本网站的所有页面中保留。快捷键均为 Alt+Shift 组合键，不与读屏软件（NVDA、JAWS、争渡）冲突，也没有单键快捷键。"
        )
        controls = [
            (t["text"], "标准、大、特大三档字号（20、24、30 像素）；A+、A− 逐档调整。"),
            (t["contrast"], "默认配色、高对比（白底黑字）或黄黑（黑底黄字）。图片不会被反色。"),
            (t["spacing"], "加大行距和字距。"),
            (t["cursor"], "大号鼠标指针。"),
            (t["guide"], "跟随鼠标的阅读辅助线，帮助您不看串行。"),
            (t["speech"], "朗读页面内容，只在您按下时开始。"),
            (t["textview"], "纯文本浏览，表格仍保持表格。"),
            (t["reset"], "恢复标准设置。"),
            (t["exit"], "返回原版页面。"),
        ]
        shortcut_title, controls_title, back_label = "快捷键", "按钮说明", "返回"
    items = "".join(f"<dt>{html.escape(a)}</dt><dd>{html.escape(b)}</dd>" for a, b in controls)
    lang_attr = "en" if english else "zh-CN"
    version = html.escape(asset_version)
    sheets = "".join(f"<link rel=\"stylesheet\" href=\"{asset_prefix}assets/{name}?v={version}\">"
                     for name in ("elder.css", "toolbar.css"))
    return (
        f"<!DOCTYPE html>\n<html lang=\"{lang_attr}\"{profile_marks(profile)}><head><meta charset=\"utf-8\">"
        f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{html.escape(t['help_title'])}</title>{sheets}</head>"
        f"<body class=\"em-help\"><main><h1>{html.escape(t['help_title'])}</h1><p>{html.escape(intro)}</p>"
        f"<h2>{controls_title}</h2><dl>{items}</dl>"
        f"<h2>{shortcut_title}</h2><table><tbody>{rows}</tbody></table>"
        f"<p><a class=\"em-help-back\" href=\"{html.escape(back_href(back, profile), quote=True)}\">{back_label}</a></p>"
        f"</main></body></html>\n"
    )
