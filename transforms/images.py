"""Text alternatives for images: decorative ones silenced, informative ones named, the rest reported.

An image gets ``alt=""`` when it is a spacer, a tracking pixel or repeats text
its link already has. Otherwise a name comes, in this order, from its
``title``, the link's ``title``, the text of another link on the page to the
same target, a known badge site (conac.cn …), or a file name that means
something (logo → the site's name, share → 分享, piaochuang → 飘窗).
An image none of these name is listed in the report instead of getting a
guessed name; an author's alt, aria-label or role is never touched.
"""

from __future__ import annotations

import re

import lxml.html

from . import Context
from .markup import parse_int
from .pagemodel import page_model
from .textwalk import compact, squash
from .uitext import is_english, ui
from .urls import join_url, split_url

__all__ = ["FILE_WORDS", "KNOWN_HOSTS", "caption_after", "image_name", "link_target_texts", "name_images"]

_DECORATIVE_FILE = re.compile(
    r"(?:^|[^a-z])(?:spacer|space|blank|pixel|dot|line|clear|transparent|trans|kong|1x1|shim|bg|arrow|jiantou|"
    r"icon_?dot|bullet|li_?bg|point)(?:[^a-z]|$)|^s\.gif$",
    re.I,
)
# File-name words on Chinese government sites (English and pinyin) and what the image says.
FILE_WORDS: dict[str, tuple[str, str]] = {
    "share": ("分享", "Share"), "fenxiang": ("分享", "Share"),
    "search": ("搜索", "Search"), "sousuo": ("搜索", "Search"), "so": ("搜索", "Search"),
    "print": ("打印", "Print"), "dayin": ("打印", "Print"),
    "close": ("关闭", "Close"), "guanbi": ("关闭", "Close"),
    "piaochuang": ("飘窗", "Floating banner"), "piao": ("飘窗", "Floating banner"),
    "dzjg": ("党政机关网站标识", "Government website mark"), "conac": ("党政机关网站标识", "Government website mark"),
    "jiucuo": ("网站纠错", "Report an error"), "zhaocuo": ("政府网站找错", "Report an error"),
    "zfwzzc": ("政府网站找错", "Report an error"),
    "wza": ("无障碍浏览", "Accessible browsing"), "wuzhangai": ("无障碍浏览", "Accessible browsing"),
    "weixin": ("微信", "WeChat"), "wechat": ("微信", "WeChat"), "wx": ("微信", "WeChat"),
    "weibo": ("微博", "Weibo"), "wb": ("微博", "Weibo"),
    "ewm": ("二维码", "QR code"), "erweima": ("二维码", "QR code"), "qrcode": ("二维码", "QR code"),
    "rss": ("RSS 订阅", "RSS feed"), "email": ("电子邮箱", "Email"), "mail": ("电子邮箱", "Email"),
    "gotop": ("返回顶部", "Back to top"), "backtop": ("返回顶部", "Back to top"), "fanhui": ("返回", "Back"),
    "more": ("更多", "More"), "gengduo": ("更多", "More"),
    "beian": ("备案信息", "Registration"), "gongan": ("公安备案", "Public security registration"),
    "ga": ("公安备案", "Public security registration"),
    "totop": ("返回顶部", "Back to top"), "zwfww": ("政务服务网", "Government services online"),
    "webchat": ("微信", "WeChat"), "mobile": ("手机版", "Mobile site"),
    "app": ("客户端", "App"), "phone": ("手机版", "Mobile site"), "wap": ("手机版", "Mobile site"),
}
KNOWN_HOSTS: dict[str, tuple[str, str]] = {
    "bszs.conac.cn": ("党政机关网站标识", "Government website mark"),
    "zfwzzc.www.gov.cn": ("政府网站找错", "Report an error"),
    "zfwzgl.www.gov.cn": ("政府网站找错", "Report an error"),
    "beian.miit.gov.cn": ("ICP备案", "ICP registration"),
    "www.beian.gov.cn": ("公安备案", "Public security registration"),
    "beian.gov.cn": ("公安备案", "Public security registration"),
    "www.gov.cn": ("中国政府网", "www.gov.cn"),
}
_FILE_TOKENS = re.compile(r"[a-z]+")
# The picture across the top of a government site shows the site's name (top_banner.jpg, head.jpg).
_MASTHEAD = re.compile(r"^(?:top|head|header|site)[-_]?(?:banner|bg|pic|img)?\d*$|^banner(?:_?top)?\d*$|^title[.\w-]*$")
_HOME_HREFS = frozenset({"/", "./", "index.html", "index.htm", "/index.html", "/index.htm", "/index.shtml"})


_STYLE_SIZE = re.compile(r"(?:^|[;\s])(width|height)\s*:\s*(\d+(?:\.\d+)?)px", re.I)
_ICON_FILE = re.compile(r"(?:^|[^a-z])(?:icon|ico|tb|tubiao)(?:[^a-z]|\d|$)", re.I)
# A figure's caption printed beside it: 图1 …, 图一 …, Figure 2 …
_FIGURE_CAPTION = re.compile(r"^(?:附?图|圖|Figure|Fig\.?)\s*[\d一二三四五六七八九十]", re.I)


def _sizes(img) -> list[float]:
    """The image's width and height in CSS pixels, as its attributes and inline style give them."""
    sizes: list[float] = []
    for attr in ("width", "height"):
        size = parse_int((img.get(attr) or "").strip().lower().removesuffix("px"), None)  # authors write "1px"
        if size is not None:
            sizes.append(size)
    sizes.extend(float(m.group(2)) for m in _STYLE_SIZE.finditer(img.get("style") or ""))
    return sizes


def _is_decorative(img, sole_content_of_link: bool) -> bool:
    if any(0 <= size <= 2 for size in _sizes(img)):
        return True  # spacers and tracking pixels, however their size is written
    if sole_content_of_link:
        return False  # an arrow that is a link's only content names the link
    name = _file_name(img.get("src") or "")
    if _DECORATIVE_FILE.search(name) or name == "s":
        return True
    # An icon beside words (the 当前位置 pin, a bullet before a heading) adds nothing to them.
    return bool(_ICON_FILE.search(name) or any(0 < size <= 24 for size in _sizes(img))) and _beside_text(img)


def _beside_text(img) -> bool:
    parent = img.getparent()
    if parent is None:
        return False
    return len(compact(parent.text_content())) > 1


def link_target_texts(model) -> dict[str, str]:
    """href → the text of a link on this page that goes there (how the page itself names a target)."""
    texts: dict[str, str] = {}
    for a in model.tags("a"):
        href = (a.get("href") or "").strip()
        if not href or href.lower().startswith("javascript:") or href in texts:
            continue
        text = squash(a.text_content())
        if 1 < len(compact(text)) <= 30:
            texts[href] = text
    return texts


def _section_for(href: str, targets: dict[str, str], page_url: str) -> str:
    """The text of the link to the nearest enclosing section of ``href`` (``/ztzl/2021/`` → 专题专栏).

    A relative href (``list.html``) is resolved against the page first, so its folder is known.
    """
    if href in targets:
        return targets[href]
    path = split_url(join_url(page_url, href)).path
    # Each step drops the last segment, so the path gets shorter until no "/" is left.
    while "/" in path.rstrip("/"):
        path = path.rstrip("/").rsplit("/", 1)[0] + "/"
        if path != "/" and path in targets:
            return targets[path]
    return ""


def _file_name(src: str) -> str:
    """The image's file name without extension, lower-cased; "" for a data: URI (it has no name)."""
    if src.strip()[:5].lower() == "data:":
        return ""
    return split_url(src).path.rsplit("/", 1)[-1].rsplit(".", 1)[0].lower()


def _file_word(src: str, ctx: Context, site_name: str) -> str:
    name = _file_name(src)
    tokens = _FILE_TOKENS.findall(name)
    if "logo" in name or "sitename" in name or "slogan" in tokens:
        return site_name
    for token in tokens:
        if token in FILE_WORDS:
            return FILE_WORDS[token][1 if is_english(ctx) else 0]
    return ""


def image_name(img, link, ctx: Context, model, targets: dict[str, str]) -> str:
    """The best name for an image that has none, or "" when nothing says what it shows."""
    title = squash(img.get("title")) or (squash(link.get("title")) if link is not None else "")
    if title:
        return title
    src = img.get("src") or ""
    word = _file_word(src, ctx, model.site_name)
    if link is None and not word and _MASTHEAD.match(_file_name(src)):
        return model.site_name  # an unlinked masthead picture shows the site's name
    if link is None or (word and word == model.site_name):
        return word  # a logo says the site's name, wherever it links
    href = (link.get("href") or "").strip()
    host = split_url(href).netloc.lower()
    if host in KNOWN_HOSTS:
        return KNOWN_HOSTS[host][1 if is_english(ctx) else 0]
    if href.lower().startswith("javascript:") or not href:
        return word
    caption = caption_after(link)
    if caption:
        return caption
    section = _section_for(href, targets, ctx.url)
    if word and section and section not in word:
        return f"{word}：{section}" if not is_english(ctx) else f"{word}: {section}"
    if word or section:
        return word or section
    if href in _HOME_HREFS and model.site_name:
        return model.site_name
    return ""


_CAPTION_KEY = re.compile(r"cap|tit|txt|title|name|desc|word", re.I)


def caption_after(link) -> str:
    """The caption printed right after a picture link (``<a><img></a><div class=cap>…</div>``)."""
    following = link.getnext()
    parent = link.getparent()
    if following is None and not compact(link.tail) and parent is not None and len(parent) == 1 and not compact(
            parent.text):
        # <div class="icon"><a><img></a></div><div class="title">…</div>: the caption follows the link's box.
        link, following = parent, parent.getnext()
    if following is None or compact(link.tail) or following.tag in ("a", "img", "script", "style"):
        return ""
    if following.tag != "figcaption" and not _CAPTION_KEY.search(following.get("class") or ""):
        return ""
    text = squash(following.text_content())
    return text if 2 <= len(compact(text)) <= 60 else ""


def _enclosing_link(img):
    node = img.getparent()
    for _ in range(3):
        if node is None:
            return None
        if node.tag in ("a", "button"):
            return node
        node = node.getparent()
    return None


def name_images(root: lxml.html.HtmlElement, ctx: Context) -> None:
    model = page_model(root, ctx)
    targets = None
    unnamed = []
    for img in model.tags("img"):
        if img.get("alt") is not None or img.get("data-eldermode"):
            continue
        if img.get("aria-label") or img.get("aria-labelledby") or (img.get("role") in ("presentation", "none")):
            continue
        link = _enclosing_link(img)
        src = img.get("src") or ""
        link_has_text = link is not None and len(compact(link.text_content())) > 1
        if link_has_text or _is_decorative(img, sole_content_of_link=link is not None):
            img.set("alt", "")
            if img.get("tabindex") is not None and (link is None or any(0 <= n <= 2 for n in _sizes(img))):
                del img.attrib["tabindex"]  # a focusable picture cannot be presentational: it is only a pixel
            ctx.report.note("images", "marked decorative", src)
            continue
        if targets is None:
            targets = link_target_texts(model)
        name = _captcha_name(img, ctx) or image_name(img, link, ctx, model, targets) or _figure_caption(img)
        if name:
            img.set("alt", name)
            ctx.report.note("images", "named image", f"{src} → {name}")
        else:
            # Nothing on the page says what it shows: it is announced as an undescribed picture (not by its
            # file name), and the audit lists it for a person to describe.
            img.set("alt", ui(ctx, "图片（未说明）", "Image (not described)"))
            unnamed.append(src)
            ctx.report.note("images", "left unnamed", src)
    ctx.data["access.unnamed_images"] = unnamed


_CAPTCHA = re.compile(r"captcha|yzm|checkcode|check_code|validatecode|validate_code|verifycode|verify_code|"
                      r"authcode|randcode|imagecode|vcode", re.I)


def _captcha_name(img, ctx: Context) -> str:
    """A verification-code picture says what it is, and that clicking it gives a new one when it does."""
    hint = " ".join(filter(None, (img.get("src"), img.get("id"), img.get("class"), img.get("name"))))
    if not _CAPTCHA.search(hint):
        return ""
    refresh = img.get("onclick") is not None or (img.getparent() is not None and img.getparent().tag == "a")
    if refresh:
        return ui(ctx, "验证码图片，点击可更换", "Verification code image; click for a new one")
    return ui(ctx, "验证码图片", "Verification code image")


def _figure_caption(img) -> str:
    """The 图1 … caption printed right after (or before) the picture, or its own block's neighbour."""
    node = img
    # A picture alone in its paragraph is captioned by the paragraph beside it.
    parent = img.getparent()
    if parent is not None and parent.tag in ("p", "div", "center", "span", "font", "strong") and not compact(
            parent.text_content()) and len(parent) == 1:
        node = parent
    for sibling in (node.getnext(), node.getprevious()):
        if sibling is None or not isinstance(sibling.tag, str):
            continue
        text = squash(sibling.text_content())
        if _FIGURE_CAPTION.match(text) and len(text) <= 80:
            return text
    tail = squash(img.tail)
    if _FIGURE_CAPTION.match(tail) and len(tail) <= 80:
        return tail
    return ""
