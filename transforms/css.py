"""CSS knowledge for elder mode: the only cssutils user, plus the fast value helpers the page rewrite needs.

Two halves with different cost rules:

* Request path (pure Python, microseconds): :func:`split_declarations` for inline ``style``
  attributes, :func:`font_size_px`, colour parsing and WCAG contrast. These never import cssutils.
* Off the request path: :func:`analyse_stylesheet` READS a site stylesheet with cssutils,
  one top-level rule at a time under a time budget, and returns what elder mode must override
  (small fixed font sizes, fixed heights and widths, low-contrast colours);
  :func:`override_rules` turns analyses into eldermode's OWN stylesheet. The site's stylesheet
  is never re-serialised or served back: cssutils drops and garbles modern CSS when it writes.

cssutils keeps process-global state (its logger, its serializer preferences, profiles).
This module configures it once, under a lock, and every cssutils call goes through the lock.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass, field

__all__ = [
    "REFERENCE_PX",
    "Analysis",
    "analyse_stylesheet",
    "contrast_ratio",
    "font_size_px",
    "adjust_for_contrast",
    "adjust_pair",
    "override_rules",
    "parse_color",
    "split_declarations",
    "split_top_level_rules",
]

# The author size treated as "body text" when scaling: 14px (Word's 五号, 10.5pt) is what
# Chinese government articles use. Author sizes up to this become 1rem (the level); larger ones
# keep their ratio to it (a 24px title becomes 1.71rem), capped at MAX_REM.
REFERENCE_PX = 14.0
MAX_REM = 2.4
# One rule's declarations longer than this are not given to cssutils (one call cannot be interrupted).
MAX_RULE_CHARS = 16 * 1024

_ABSOLUTE_UNITS = {"px": 1.0, "pt": 96 / 72, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4, "q": 96 / 101.6}
_KEYWORD_PX = {
    "xx-small": 9.0, "x-small": 10.0, "small": 13.0, "medium": 16.0,
    "large": 18.0, "x-large": 24.0, "xx-large": 32.0, "xxx-large": 48.0,
}
_STRUCTURE = re.compile(r"[{}\"';\\\n]")
_COMMENT = re.compile(r"/\*.*?(?:\*/|$)", re.DOTALL)
_NUMBER_UNIT = re.compile(r"^\s*([+-]?(?:\d+\.?\d*|\.\d+))\s*([a-zA-Z%]*)\s*$")


# ---------------------------------------------------------------- declarations (request path)


@dataclass(frozen=True, slots=True)
class Declaration:
    prop: str  # lower-cased property name
    value: str  # the value without !important, stripped
    important: bool
    raw: str  # the declaration exactly as written, for byte-for-byte reuse


def split_declarations(style: str) -> list[Declaration]:
    """The declarations of an inline ``style`` attribute, tolerant of junk.

    Semicolons inside quotes, parentheses (``url(a;b)``) and comments do not split.
    Text that is not ``prop: value`` is kept as a Declaration with an empty prop,
    so a rewrite can put it back unchanged.
    """
    parts: list[str] = []
    depth = 0
    quote = ""
    start = 0
    i = 0
    n = len(style)
    while i < n:
        ch = style[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == "/" and style.startswith("/*", i):
            end = style.find("*/", i + 2)
            i = n if end < 0 else end + 1
        elif ch == ";" and depth == 0:
            parts.append(style[start:i])
            start = i + 1
        i += 1
    parts.append(style[start:])
    out: list[Declaration] = []
    for raw in parts:
        if not raw.strip():
            continue
        prop, colon, value = _COMMENT.sub("", raw).partition(":")
        prop = prop.strip().lower()
        if not colon or not prop or not re.fullmatch(r"-?[a-z][a-z0-9-]*", prop):
            out.append(Declaration("", "", False, raw))
            continue
        value = value.strip()
        important = False
        bang = value.lower().rfind("!important")
        if bang >= 0 and not value[bang + len("!important"):].strip():
            important = True
            value = value[:bang].strip()
        out.append(Declaration(prop, value, important, raw))
    return out


def font_size_px(value: str, parent_px: float | None = None) -> float | None:
    """An absolute font size in CSS px, or None when it is relative without a parent size or unknown."""
    value = value.strip().lower()
    if value in _KEYWORD_PX:
        return _KEYWORD_PX[value]
    match = _NUMBER_UNIT.match(value)
    if not match:
        return None
    number, unit = float(match.group(1)), match.group(2)
    if unit in _ABSOLUTE_UNITS:
        return number * _ABSOLUTE_UNITS[unit]
    if parent_px is not None and unit in ("em", "%"):
        return number * parent_px / (100.0 if unit == "%" else 1.0)
    if unit == "" and number == 0:
        return 0.0
    return None


def font_size_ratio(value: str) -> float | None:
    """A relative font size (``1.5em``, ``150%``, ``larger``) as a factor of the inherited size."""
    value = value.strip().lower()
    if value == "larger":
        return 1.2
    if value == "smaller":
        return 1 / 1.2
    match = _NUMBER_UNIT.match(value)
    if not match:
        return None
    number, unit = float(match.group(1)), match.group(2)
    if unit == "em":
        return number
    if unit == "%":
        return number / 100.0
    return None


def scaled_font_size(value: str) -> str | None:
    """An elder-mode replacement for an author font size that is LARGER than body text, else None.

    Absolute sizes keep their ratio to :data:`REFERENCE_PX` in rem (the level); relative sizes
    keep their ratio to what they inherit but never drop below the level.
    """
    px = font_size_px(value)
    if px is not None:
        if px <= REFERENCE_PX:
            return None
        return f"{min(px / REFERENCE_PX, MAX_REM):.3g}rem"
    ratio = font_size_ratio(value)
    if ratio is not None and ratio > 1.0:
        return f"max(1rem, {min(ratio, MAX_REM):.3g}em)"
    return None


# ---------------------------------------------------------------- colours and contrast


_HEX = re.compile(r"^#([0-9a-f]{3,8})$")
_FUNC = re.compile(r"^(rgba?|hsla?)\((.*)\)$")
_NAMED = {
    "black": (0, 0, 0), "white": (255, 255, 255), "red": (255, 0, 0), "green": (0, 128, 0),
    "blue": (0, 0, 255), "yellow": (255, 255, 0), "gray": (128, 128, 128), "grey": (128, 128, 128),
    "silver": (192, 192, 192), "maroon": (128, 0, 0), "navy": (0, 0, 128), "purple": (128, 0, 128),
    "teal": (0, 128, 128), "olive": (128, 128, 0), "orange": (255, 165, 0), "lime": (0, 255, 0),
    "aqua": (0, 255, 255), "cyan": (0, 255, 255), "fuchsia": (255, 0, 255), "magenta": (255, 0, 255),
    "darkgray": (169, 169, 169), "darkgrey": (169, 169, 169), "lightgray": (211, 211, 211),
    "lightgrey": (211, 211, 211), "darkred": (139, 0, 0), "darkblue": (0, 0, 139), "brown": (165, 42, 42),
    "dimgray": (105, 105, 105), "dimgrey": (105, 105, 105), "gainsboro": (220, 220, 220),
    "whitesmoke": (245, 245, 245), "crimson": (220, 20, 60), "firebrick": (178, 34, 34),
    "orangered": (255, 69, 0), "gold": (255, 215, 0), "darkgreen": (0, 100, 0), "steelblue": (70, 130, 180),
}

RGB = tuple[int, int, int]


def parse_color(value: str) -> RGB | None:
    """An opaque sRGB colour, or None (transparent, translucent, var(), keywords like inherit)."""
    value = value.strip().lower()
    if value in _NAMED:
        return _NAMED[value]
    match = _HEX.match(value)
    if match:
        digits = match.group(1)
        if len(digits) in (3, 4):
            if len(digits) == 4 and digits[3] != "f":
                return None
            return tuple(int(c * 2, 16) for c in digits[:3])  # type: ignore[return-value]
        if len(digits) in (6, 8):
            if len(digits) == 8 and digits[6:] != "ff":
                return None
            return tuple(int(digits[i : i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]
        return None
    match = _FUNC.match(value)
    if not match:
        return None
    args = [a for a in re.split(r"[\s,/]+", match.group(2).strip()) if a]
    if len(args) == 4:
        alpha = args[3]
        alpha_value = float(alpha[:-1]) / 100 if alpha.endswith("%") else _float(alpha)
        if alpha_value is None or alpha_value < 1:
            return None
    if len(args) < 3:
        return None
    if match.group(1).startswith("rgb"):
        channels = []
        for arg in args[:3]:
            number = _float(arg[:-1]) if arg.endswith("%") else _float(arg)
            if number is None:
                return None
            channels.append(round(number * 2.55) if arg.endswith("%") else round(number))
        return tuple(max(0, min(255, c)) for c in channels)  # type: ignore[return-value]
    hue = _float(args[0].removesuffix("deg"))
    sat = _float(args[1].rstrip("%"))
    light = _float(args[2].rstrip("%"))
    if hue is None or sat is None or light is None:
        return None
    return _hsl_to_rgb(hue, sat / 100, light / 100)


def _float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _hsl_to_rgb(h: float, s: float, l: float) -> RGB:
    def channel(n: float) -> int:
        k = (n + h / 30) % 12
        a = s * min(l, 1 - l)
        return round(255 * (l - a * max(-1, min(k - 3, 9 - k, 1))))

    return channel(0), channel(8), channel(4)


def relative_luminance(rgb: RGB) -> float:
    def linear(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: RGB, b: RGB) -> float:
    la, lb = relative_luminance(a), relative_luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def _mix(colour: RGB, toward: RGB, amount: float) -> RGB:
    return tuple(round(c + (t - c) * amount) for c, t in zip(colour, toward))  # type: ignore[return-value]


def _least_mix(colour: RGB, toward: RGB, reaches) -> RGB:
    """``colour`` mixed toward ``toward`` just enough for ``reaches(mixed)`` (binary search; monotone)."""
    lo, hi = 0.0, 1.0
    for _ in range(20):
        mid = (lo + hi) / 2
        if reaches(_mix(colour, toward, mid)):
            hi = mid
        else:
            lo = mid
    return _mix(colour, toward, hi)


def adjust_for_contrast(fg: RGB, bg: RGB, target: float) -> RGB:
    """``fg`` darkened (on a light ``bg``) or lightened (on a dark one) until it reaches ``target``.

    Keeps the hue by mixing toward black or white; falls back to black/white when mixing cannot reach it.
    """
    if contrast_ratio(fg, bg) >= target:
        return fg
    toward = (0, 0, 0) if relative_luminance(bg) > 0.18 else (255, 255, 255)
    result = _least_mix(fg, toward, lambda mixed: contrast_ratio(mixed, bg) >= target)
    return result if contrast_ratio(result, bg) >= target else toward


def adjust_pair(fg: RGB, bg: RGB, target: float) -> tuple[RGB, RGB]:
    """Text and background colours with at least ``target`` contrast, changing the text first.

    When no text colour can reach it on this background (white on a mid red reaches 6.8:1, not
    7:1), the background is deepened away from the text until it does.
    """
    fg = adjust_for_contrast(fg, bg, target)
    if contrast_ratio(fg, bg) >= target:
        return fg, bg
    away = (0, 0, 0) if relative_luminance(fg) > relative_luminance(bg) else (255, 255, 255)
    return fg, _least_mix(bg, away, lambda mixed: contrast_ratio(fg, mixed) >= target)


def hex_color(rgb: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


# ---------------------------------------------------------------- stylesheet analysis (off the request path)


@dataclass
class Analysis:
    """What one stylesheet fixes that elder mode must override. Plain data: cacheable, picklable."""

    font_sizes: list[tuple[str, str]] = field(default_factory=list)  # (selector, replacement size)
    hidden_text: list[str] = field(default_factory=list)  # selectors with font-size:0 (image replacement)
    fixed_heights: list[str] = field(default_factory=list)  # selectors with a fixed px/pt height
    positioned: list[str] = field(default_factory=list)  # absolute/fixed/sticky boxes (overlap large text)
    colours: list[tuple[str, RGB | None, RGB | None]] = field(default_factory=list)  # (selector, color, background)
    rules_read: int = 0
    rules_skipped: int = 0
    complete: bool = True  # False when the time budget ran out or the sheet was too large
    reason: str = ""  # why it is incomplete
    seconds: float = 0.0


_cssutils_lock = threading.Lock()
_cssutils_ready = False


def _cssutils():
    """cssutils, configured once: silent logger, no validation (its profiles only know CSS 2.1)."""
    global _cssutils_ready
    import cssutils  # imported here so the request path never pays for it

    if not _cssutils_ready:
        quiet = logging.getLogger("eldermode.cssutils")
        quiet.addHandler(logging.NullHandler())
        quiet.propagate = False
        quiet.setLevel(logging.CRITICAL)
        cssutils.log.setLog(quiet)
        cssutils.log.setLevel(logging.CRITICAL)
        cssutils.log.raiseExceptions = False
        _cssutils_ready = True
    return cssutils


# Nested blocks we can look inside (their rules apply on screens); anything else is skipped.
_DESCEND = re.compile(r"^@(media|supports|layer|container|document|-moz-document)\b", re.IGNORECASE)
_MEDIA_NOT_SCREEN = re.compile(r"^@media\s+(only\s+)?(print|speech)\b", re.IGNORECASE)
_MODERN_SELECTOR = re.compile(r":(is|where|has|not\([^)]*[ ,>~+])|&", re.IGNORECASE)


def split_top_level_rules(text: str) -> list[tuple[str, str]]:
    """``(prelude, block)`` for each top-level rule, by brace matching; comments removed.

    Lets each rule be parsed (and timed) on its own: one malformed rule cannot poison the
    rest, and the time budget is checked between rules. ``@import``/``@charset`` statements
    come back with an empty block.
    """
    text = _COMMENT.sub("", text)
    rules: list[tuple[str, str]] = []
    start = 0
    depth = 0
    quote = ""
    block_start = -1
    skip_until = -1
    # Only the characters that matter are visited (a regex finds them): ~10x faster than a char loop.
    for match in _STRUCTURE.finditer(text):
        i = match.start()
        if i < skip_until:
            continue
        ch = match.group()
        if quote:
            if ch == "\\":
                skip_until = i + 2  # the escaped character
            elif ch == quote or ch == "\n":
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "{":
            if depth == 0:
                block_start = i
            depth += 1
        elif ch == "}":
            if depth > 0:
                depth -= 1
                if depth == 0:
                    rules.append((text[start:block_start].strip(), text[block_start + 1 : i]))
                    start = i + 1
            else:
                start = i + 1  # a stray brace: skip it
        elif ch == ";" and depth == 0:
            statement = text[start:i].strip()
            if statement:
                rules.append((statement, ""))
            start = i + 1
    return rules


def analyse_stylesheet(text: str, *, budget_s: float = 2.0, max_rules: int = 20000) -> Analysis:
    """Read ``text`` (a stylesheet) and list what elder mode must override, within ``budget_s``.

    Only ever reads: the sheet is not re-serialised. Rules cssutils cannot parse (modern
    selectors, nesting) are skipped and left to the global fallback rules in elder.css.
    """
    started = time.perf_counter()
    deadline = started + budget_s
    analysis = Analysis()
    pending = list(reversed(split_top_level_rules(text)))
    cssutils = _cssutils()
    while pending:
        if time.perf_counter() > deadline or analysis.rules_read + analysis.rules_skipped >= max_rules:
            analysis.complete = False
            analysis.reason = "time budget" if time.perf_counter() > deadline else "too many rules"
            break
        prelude, block = pending.pop()
        if prelude.startswith("@"):
            if _DESCEND.match(prelude) and not _MEDIA_NOT_SCREEN.match(prelude):
                inner = split_top_level_rules(block)
                pending.extend(reversed([(p, b) for p, b in inner]))
            else:
                analysis.rules_skipped += 1
            continue
        if not block or "{" in block or _MODERN_SELECTOR.search(prelude) or len(block) > MAX_RULE_CHARS:
            # Nested CSS, selectors cssutils drops, or a giant rule (inlined images) that could
            # hold cssutils past the budget in one call: the global fallback rules cover them.
            analysis.rules_skipped += 1
            continue
        with _cssutils_lock:
            try:
                rule = cssutils.parseString(f"{prelude}{{{block}}}", validate=False).cssRules
            except Exception:  # noqa: BLE001 - cssutils raises anything on junk; junk is skipped
                rule = None
        if not rule or rule[0].type != rule[0].STYLE_RULE:
            analysis.rules_skipped += 1
            continue
        analysis.rules_read += 1
        _learn(rule[0], analysis)
    analysis.seconds = time.perf_counter() - started
    return analysis


def _learn(rule, analysis: Analysis) -> None:
    selectors = [s.selectorText for s in rule.selectorList]
    selector_text = ", ".join(selectors)
    style = rule.style
    size = style.getPropertyValue("font-size")
    if size:
        px = font_size_px(size)
        if px == 0:
            analysis.hidden_text.append(selector_text)
        else:
            scaled = scaled_font_size(size)
            if scaled:
                analysis.font_sizes.append((selector_text, scaled))
    height = style.getPropertyValue("height")
    if height and font_size_px(height) not in (None, 0.0):
        analysis.fixed_heights.append(selector_text)
    if style.getPropertyValue("position").strip().lower() in ("absolute", "fixed", "sticky") and not _offscreen(style):
        analysis.positioned.append(selector_text)
    colour = parse_color(style.getPropertyValue("color") or "")
    background = _background_colour(style)
    if colour is not None or background is not None:
        analysis.colours.append((selector_text, colour, background))


def _offscreen(style) -> bool:
    """An author's visually hidden box (``left:-999px``, ``clip:rect(0 0 0 0)``): it stays where it hides."""
    for prop in ("left", "top", "right", "margin-left", "text-indent"):
        px = font_size_px(style.getPropertyValue(prop) or "")
        if px is not None and px <= -500:
            return True
    clip = (style.getPropertyValue("clip") + style.getPropertyValue("clip-path")).replace(" ", "").lower()
    return clip.startswith("rect(0") or "inset(50%" in clip


def _background_colour(style) -> RGB | None:
    value = style.getPropertyValue("background-color")
    if value:
        return parse_color(value)
    shorthand = style.getPropertyValue("background")
    for token in re.split(r"\s+(?![^(]*\))", shorthand.strip()) if shorthand else ():
        colour = parse_color(token)
        if colour is not None:
            return colour
    return None


# ---------------------------------------------------------------- eldermode's own override sheet


_ELDER = 'html[data-em-mode="elder"]'
# :root adds a class's worth of specificity so recoloured bands outrank elder.css's link colours.
_DEFAULT_CONTRAST = 'html:root[data-em-mode="elder"][data-em-contrast="default"]'
# Backgrounds darker than this are kept as coloured bands (nav bars, footers) in default contrast.
_BAND_LUMINANCE = 0.35
_TEXT_CONTRAST = 4.5  # WCAG 1.4.3 for the default scheme


def _scoped(prefix: str, selector_text: str) -> str:
    """Each selector of a list prefixed by ``prefix`` (so it outranks elder.css's global rules)."""
    scoped = []
    for selector in selector_text.split(","):
        selector = selector.strip()
        if not selector:
            continue
        head, _, rest = selector.partition(" ")
        if head.lower() in ("html", ":root"):
            scoped.append(f"{prefix} {rest}".strip() if rest else prefix)
        else:
            scoped.append(f"{prefix} {selector}")
    return ", ".join(scoped)


def override_rules(analyses: list[Analysis]) -> str:
    """eldermode's override stylesheet for pages using these analysed sheets (in cascade order).

    Font sizes larger than body text keep their ratio; font-size:0 stays 0 (hidden text stays
    hidden); fixed heights give way; absolutely placed boxes join the flow; dark coloured bands
    are restored with text recoloured to ≥ 4.5:1 against them in the default scheme
    (高对比/黄黑 stay pure black/white/yellow, from elder.css).
    """
    out: list[str] = ["/* eldermode overrides generated from the site's stylesheets (read, never rewritten) */"]
    bands: dict[str, RGB] = {}
    for analysis in analyses:
        for selector, size in analysis.font_sizes:
            out.append(f"{_scoped(_ELDER, selector)}{{font-size:{size} !important}}")
        for selector in analysis.hidden_text:
            out.append(f"{_scoped(_ELDER, selector)}{{font-size:0 !important}}")
        for selector in analysis.fixed_heights:
            out.append(f"{_scoped(_ELDER, selector)}{{height:auto !important;min-height:0 !important}}")
        for selector in analysis.positioned:
            # Boxes placed over others overlap text that is now twice as large; fixed ones cover
            # magnified content (WCAG 2.4.11). In elder mode they take their place in the flow.
            out.append(f"{_scoped(_ELDER, selector)}{{position:static !important}}")
        for selector, colour, background in analysis.colours:
            if background is not None and relative_luminance(background) < _BAND_LUMINANCE:
                # A band no text colour can reach 4.5:1 on is deepened (kept the same hue).
                bands[selector] = adjust_pair(colour or (255, 255, 255), background, _TEXT_CONTRAST)[1]
    for analysis in analyses:
        for selector, colour, background in analysis.colours:
            band = bands.get(selector) or _band_behind(selector, bands)
            if band is None:
                continue
            text = adjust_for_contrast(colour or (255, 255, 255), band, _TEXT_CONTRAST)
            body = f"color:{hex_color(text)} !important"
            if selector in bands:
                body += f";background-color:{hex_color(band)} !important"
            out.append(f"{_scoped(_DEFAULT_CONTRAST, selector)}{{{body}}}")
            if selector in bands:
                # Descendants the author left uncoloured inherit the band's text colour.
                descendants = ", ".join(f"{part.strip()} *" for part in selector.split(",") if part.strip())
                out.append(f"{_scoped(_DEFAULT_CONTRAST, descendants)}{{color:inherit !important}}")
    return "\n".join(out) + "\n"


def _band_behind(selector_text: str, bands: dict[str, RGB]) -> RGB | None:
    """The band colour of the nearest ancestor selector (by descendant-combinator prefix), if any."""
    for selector in selector_text.split(","):
        parts = selector.split()
        for cut in range(len(parts) - 1, 0, -1):
            prefix = " ".join(parts[:cut])
            if prefix in bands:
                return bands[prefix]
    return None

