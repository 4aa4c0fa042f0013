"""朗读 in the page: split the article into sentences, number each one, sign the page once, add the speech hooks.

Every sentence of the main content (the article title first) is wrapped in
``<span data-em-seg="N">`` pieces — several pieces when a sentence crosses inline
markup; a block that is one sentence of plain text gets the attribute itself — so
speech.js can read them in order and highlight the one being spoken. Links,
buttons and summaries get ``data-em-name="N"`` (numbered after the sentences) for
指读. The page gets ONE token, :func:`page_token` — an HMAC of its URL, language
and every sentence under the server's secret — on speech.js's script tag, and its
sentences go to the middleware's sentence store (middleware/speech_pages.py). The
speech endpoint speaks sentence N of a token only when the text asked for is that
sentence, so visitors can make the server say exactly the sentences of pages it
rewrote, and nothing else — at the cost of one HMAC per page, not one per sentence
(a 100 × 50 table's linear reading has ≈ 9,300).

The paragraphs and list items of the tables' linear readings (``<details>`` after a
data table, for 表格朗读) are numbered without a mark each: each item is read as one
piece (it is one cell's reading), and the reading carries ``data-em-seg-from="N"``,
so its item i is sentence N + i — a 100 × 50 table has ≈ 5,000 items, and a number
on each cost more than the rest of the speech step. An item too long for one piece
is split into sentence spans like article text. Tables themselves are not read in
the continuous reading. The page gets speech.js (no inline script), speech.css,
a download link for the whole article's audio, and — when no toolbar with a
朗读 button is present — a minimal 朗读 / 停止 control of its own.
"""

from __future__ import annotations

import base64
import hmac
import itertools
import re
from urllib.parse import quote

import lxml.html
from lxml import etree

from eldermode.voices.text import MAX_SEGMENT, sentence_spans, speech_lang

from . import Context
from .assets import link_asset
from .deferred import deferred_of, materialize
from .pagemodel import direct_text_size, page_model
from .textwalk import BLOCK, CONTROLS, EMBEDDED, GRAPHICS, NOT_RENDERED, compact, text_content
from .textwalk import walk as walk_text

__all__ = ["collect_segments", "control_name", "page_token", "prepare_speech", "speakable_text"]

MARK = "speech"
_WS = re.compile(r"[\s\u00a0\u3000\ufeff\u200b]+")
# A sentence never crosses a block; controls, drawings and embedded fallbacks are not read.
_BLOCKS = BLOCK
_SKIP = NOT_RENDERED | EMBEDDED | GRAPHICS | CONTROLS
_NOT_READ = frozenset({"table", "details", "form", "nav"})  # read on request (表格朗读) or not at all

TEXT = {
    "zh": {"speak": "朗读", "pause": "暂停", "stop": "停止", "download": "下载本文音频", "controls": "朗读"},
    "en": {"speak": "Read aloud", "pause": "Pause", "stop": "Stop", "download": "Download audio of this article",
           "controls": "Read aloud"},
}


# Between the sentences of a page, in its signature and in the sentence store (middleware/speech_pages.py):
# never in a sentence, as speakable text has no control characters.
SENTENCE_SEP = "\x1f"


def speakable_text(text: str) -> str:
    """The form of a sentence that is signed and sent: whitespace collapsed, trimmed (speech.js does the same).

    ``str.split()`` splits at exactly the characters ``\\s`` matches; zero-width spaces and BOMs count too.
    (Ten times faster than a regular expression over Chinese text.)
    """
    return " ".join(text.replace("\u200b", " ").replace("\ufeff", " ").split())


def page_token(secret: bytes, lang: str, url: str, sentences: str) -> str:
    """The page's one signature: 22 URL-safe characters (132 bits of HMAC-SHA256) over URL, language, sentences.

    ``sentences``: the page's sentences joined by :data:`SENTENCE_SEP`, as the sentence store is given them
    (a rewrite joins its ≈ 9,300 sentences once, for both).

    The message is language, URL and sentences joined by :data:`SENTENCE_SEP`, fed to the HMAC in two parts
    rather than joined into one more copy of every sentence (UTF-8 is written character by character, so the
    bytes are the same).
    """
    mac = hmac.new(secret, f"{speech_lang(lang)}{SENTENCE_SEP}{url}{SENTENCE_SEP}".encode("utf-8", "surrogatepass"),
                   "sha256")
    mac.update(sentences.encode("utf-8", "surrogatepass"))
    return base64.urlsafe_b64encode(mac.digest()).decode("ascii")[:22]


def _secret(ctx: Context) -> bytes | None:
    return getattr(ctx.services, "speech_secret", None) if ctx.services is not None else None


# --------------------------------------------------------------------------- finding what to read


def _hidden(el) -> bool:
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = el.get("style")
    return style is not None and "display:none" in style.replace(" ", "").lower()


class _Run:
    """Text that sits directly in an element that also holds blocks, between two of them: the element's own
    text (``with_text``) and ``items``, each ``(node, whole)``: an inline node read whole, or only its tail.

    Read like a block though no element holds it: a report whose text sits in ``<body>`` between its
    tables, or ``<div>text<br>more<p>…</p>the rest</div>``.
    """

    __slots__ = ("parent", "items", "with_text")

    def __init__(self, parent, with_text: bool):
        self.parent, self.items, self.with_text = parent, [], with_text

    def pieces(self) -> list[tuple[object, str, str]]:
        out: list[tuple[object, str, str]] = []
        if self.with_text and self.parent.text:
            out.append((self.parent, "text", self.parent.text))
        for node, whole in self.items:
            if whole and node.tag == "br":
                out.append((node, "br", "\n"))
            elif whole:
                out.extend(walk_text(node, skip=_SKIP, keep=_shown))
            if node.tail:
                out.append((node, "tail", node.tail))
        return out


def _reading_blocks(content) -> list:
    """What is read of ``content``, in document order: blocks with no block inside them, and the runs of
    text (:class:`_Run`) that sit directly in an element between its blocks.

    Tables, hidden elements, eldermode's own UI and the tables' linear readings
    are left out of the continuous reading (and not even walked into).
    """
    blocks: list = []
    if not _walk_blocks(content, blocks):
        blocks.append(content)
    return blocks


def _walk_blocks(el, blocks: list) -> bool:
    """Collect what is read under ``el`` into ``blocks``; whether there was any block under it.

    (A function of the module, not a recursive closure: that would be a reference cycle keeping the
    page's tree alive until the garbage collector finds it, middleware/memory.py.)"""
    found = False
    runs: list[tuple[int, _Run]] = []  # el's own text between its blocks, and where it goes in ``blocks``
    run = _Run(el, with_text=True)
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            run.items.append((child, False))
            continue
        if tag in _NOT_READ or child.get("data-eldermode") is not None or _hidden(child):
            if tag in _BLOCKS:
                found = True
                runs.append((len(blocks), run))
                run = _Run(el, with_text=False)
            run.items.append((child, False))
            continue
        at = len(blocks)
        if tag in _BLOCKS:
            found = True
            if len(child) == 0 or not _walk_blocks(child, blocks):  # (an element with no children holds no block)
                blocks.append(child)
        elif len(child) == 0 or not _walk_blocks(child, blocks):
            run.items.append((child, True))  # inline: its text joins el's own
            continue
        else:  # an inline element holding blocks (<font><p>…)
            found = True
        runs.append((at, run))
        run = _Run(el, with_text=False)
        run.items.append((child, False))
    if not found:
        return False
    runs.append((len(blocks), run))
    for at, text in reversed(runs):  # last first: the positions before stay right
        if any(compact(piece[2]) for piece in text.pieces()):
            blocks.insert(at, text)
    return True


READING = "table-reading"  # the tables step's mark on a table's linear reading (transforms/tables/)


def _linear_readings(root) -> list:
    return [d for d in root.iter("details") if d.get("data-eldermode") == READING]


def _mark_readings(root, lang: str, texts: list[str], models: list, ctx: Context) -> int:
    """Number the items of the tables' linear readings (``data-em-seg-from`` on each reading); items marked.

    An item's text is appended to ``texts`` as it stands; one longer than a piece may be gets ""
    in its slot (never asked for) and is wrapped in sentence spans numbered after every reading's items.
    A reading the tables step wrote on this rewrite (``models``: its TableReadings) has its list items'
    texts taken from its model, as it wrote them; others (a page rewritten twice) are read from the tree.
    (The tables step writes a reading's items as bytes, a stand-in in the tree: transforms/deferred.py.)
    """
    written = {model.details: model for model in models if model.details is not None}
    long_items = []
    count = 0
    for reading in _linear_readings(root):
        model = written.get(reading)
        read = _written_items(reading, model, ctx) if model is not None else None
        if read is None:
            materialize(reading, ctx)  # (a reading of another shape: its items read from the tree, as elements)
            items = list(reading.iter("p", "li"))  # (the <summary> is a control, not read)
            raw = [(item.text or "") if len(item) == 0 else item.text_content() for item in items]
        else:
            items, raw = read
        reading.set("data-em-seg-from", str(len(texts)))
        first = len(texts)
        texts.extend(_all_speakable(raw))
        count += len(raw)
        if len(max(raw, key=len, default="")) > MAX_SEGMENT:  # (a key, not a map: 1.52 -> 1.32 M on 4,658 items)
            items = list(items)  # (from a model: an iterator until now)
            long_items.extend((first + k, item) for k, item in enumerate(items) if len(texts[first + k]) > MAX_SEGMENT)
    for slot, item in long_items:
        texts[slot] = ""
        _wrap(item, lang, texts)
    return count


def _written_items(reading, model, ctx: Context):
    """(items, their texts) of a linear reading as the tables step wrote it — ``<summary>``, the ``<p>`` notes,
    then an ``<ol>`` of one ``<li>`` per sentence of ``model.texts`` — without reading the ~5,000 list items
    back. No later step edits a reading's items (those that edit text set eldermode's generated blocks aside);
    one that did would leave those items' marks unverifiable, never the server speaking what it did not sign.
    The items come as an iterator, walked only when one is too long for one piece; None when the reading has
    another shape. The tables step leaves the ``<ol>`` as bytes, a stand-in in the tree (transforms/deferred.py):
    its items are then parsed into the tree only when the iterator is walked.
    """
    if len(reading) == 0:
        return None
    *head, listed = reading
    if any(el.tag not in ("summary", "p") or len(el) for el in head):
        return None
    if listed.tag is etree.Comment:
        if (store := deferred_of(ctx, reading)) is None or store.index_of(listed) is None:
            return None
        listed = _parsed_list(listed, ctx)
    elif listed.tag != "ol" or len(listed) != len(model.texts):
        return None
    notes = [el for el in head if el.tag == "p"]
    return itertools.chain(notes, listed), [el.text or "" for el in notes] + model.texts


def _parsed_list(stand_in, ctx: Context):
    """The items of the ``<ol>`` ``stand_in`` stands for, parsed into the tree in its place when first asked for."""
    yield from materialize(stand_in, ctx)[0]


def _all_speakable(raw: list[str]) -> list[str]:
    """:func:`speakable_text` of each of ``raw``, checked for all at once: the tables step writes them so already.

    Joined by single spaces, an item's leading or trailing space (or an empty item) makes a double space, so
    one scan for "  " checks every item's ends and insides; whitespace other than single spaces, zero-width
    spaces and BOMs are not printable.
    """
    spaced = " ".join(raw)
    if spaced.isprintable() and "  " not in spaced and not spaced.startswith(" ") and not spaced.endswith(" "):
        return raw
    return [speakable_text(text) for text in raw]


def _shown(el) -> bool:
    return not _hidden(el)


def _pieces(block) -> list[tuple[object, str, str]]:
    """(element, "text"|"tail", string) for the text of ``block`` in order; ``<br>`` as a "\\n" piece."""
    return list(walk_text(block, skip=_SKIP, keep=_shown))


def _sentences(block, lang: str):
    if isinstance(block, _Run):
        pieces = block.pieces()
        full = "".join(p[2] for p in pieces)
        return pieces, full, sentence_spans(full, MAX_SEGMENT, lang)
    if len(block) == 0:  # plain text (every table-reading item): no walk needed
        text = block.text if block.tag not in _SKIP else None
        pieces = [(block, "text", text)] if text else []
        return pieces, text or "", sentence_spans(text, MAX_SEGMENT, lang) if text else []
    pieces = _pieces(block)
    full = "".join(p[2] for p in pieces)
    return pieces, full, sentence_spans(full, MAX_SEGMENT, lang)


def collect_segments(root: lxml.html.HtmlElement, ctx: Context) -> list[str]:
    """The sentences speech reads on this page, in order (title first), without changing the tree.

    Used by the whole-article download and ``eldermode speak`` on original pages.
    """
    lang = speech_lang(ctx.lang or root.get("lang") or "")
    out = []
    for block in _blocks_to_read(root, ctx):
        _, full, spans = _sentences(block, lang)
        out.extend(t for t in (speakable_text(full[s:e]) for s, e in spans) if t)
    return out


def _speech_main(model):
    """The element that holds what 朗读 reads: the article, else <body> when its text sits there directly."""
    if model.content is not None:
        return model.content
    body = model.body
    if body is not None and direct_text_size(body) > 40:
        return body
    return None


def _blocks_to_read(root, ctx: Context) -> list:
    model = page_model(root, ctx)
    content = _speech_main(model)
    if content is None:
        return []
    blocks = []
    title = model.title
    if title is not None and not any(a is content for a in title.iterancestors()) and title is not content:
        blocks.append(title)
    blocks.extend(_reading_blocks(content))
    return blocks


# --------------------------------------------------------------------------- marking the tree


def _wrap(block, lang: str, texts: list[str]) -> int:
    """Wrap each sentence of ``block`` in numbered spans, its text appended to ``texts``; the number of sentences."""
    pieces, full, spans = _sentences(block, lang)
    if not spans:
        return 0
    first = len(texts)
    texts.extend(speakable_text(full[s:e]) for s, e in spans)
    numbers = [str(n) for n in range(first, len(texts))]
    if len(spans) == 1 and not isinstance(block, _Run) and len(block) == 0:
        # one sentence of plain text (a heading, a table reading's item): mark the block itself
        block.set("data-em-seg", numbers[0])
        return 1
    offset = 0
    first = 0  # the first sentence that does not end before this piece
    for el, where, string in pieces:
        start, end = offset, offset + len(string)
        offset = end
        while first < len(spans) and spans[first][1] <= start:
            first += 1
        if where == "br" or first == len(spans) or spans[first][0] >= end:
            continue  # (no sentence in this piece)
        parts = _split_piece(string, start, spans, first)
        if where == "text" and len(el) == 0:
            _fill_text(el, parts, numbers)
            continue
        made = []
        for part, index in parts:
            if index is None:
                made.append(part)
            else:
                span = el.makeelement("span", {"data-em-seg": numbers[index]})
                span.text = part
                made.append(span)
        _replace_text(el, where, made)
    return len(spans)


def _split_piece(string: str, start: int, spans, first: int) -> list[tuple[str, int | None]]:
    """``string`` (at ``start`` in the block's text) cut into (text, sentence index or None) runs;
    ``spans[first]`` is the first sentence that ends inside it or after it, and starts before its end."""
    parts: list[tuple[str, int | None]] = []
    end = start + len(string)
    pos = 0
    for index in range(first, len(spans)):
        s, e = spans[index]
        if s >= end:
            break
        a = s - start if s > start else 0
        b = e - start if e < end else len(string)
        if a > pos:
            parts.append((string[pos:a], None))
        parts.append((string[a:b], index))
        pos = b
    if pos < len(string):
        parts.append((string[pos:], None))
    return parts


def _fill_text(el, parts: list[tuple[str, int | None]], numbers: list[str]) -> None:
    """``el.text`` (``el`` has no children) made ``parts``: what :func:`_replace_text` makes of them, each span
    made in its place by one ``SubElement`` (a span made apart and then inserted cost half as much again)."""
    el.text = parts[0][0] if parts[0][1] is None else None
    last = None
    for part, index in parts:
        if index is not None:
            last = etree.SubElement(el, "span", {"data-em-seg": numbers[index]})
            last.text = part
        elif last is not None:
            last.tail = part  # (parts alternate: a span's tail is one part)


def _replace_text(el, where: str, made: list) -> None:
    """Put ``made`` (strings and span elements) where ``el.text`` / ``el.tail`` was."""
    lead = made[0] if isinstance(made[0], str) else ""
    rest = made[1:] if isinstance(made[0], str) else made
    elements = []
    for item in rest:
        if isinstance(item, str):
            elements[-1].tail = (elements[-1].tail or "") + item
        else:
            elements.append(item)
    if where == "text":
        el.text = lead or None
        for i, span in enumerate(elements):
            el.insert(i, span)
    else:
        el.tail = lead or None
        anchor = el
        for span in elements:
            tail = span.tail
            anchor.addnext(span)
            span.tail = tail  # addnext keeps the added element's own tail; restated for clarity
            anchor = span


def prepare_speech(root: lxml.html.HtmlElement, ctx: Context) -> None:
    """Mark and sign the sentences of the article, link speech.js/.css, add the controls it needs."""
    if not ctx.options.speech:
        return
    body = root.find("body")
    head = root.find("head")
    if body is None or head is None or head.find(f"script[@data-eldermode='{MARK}']") is not None:
        return
    secret = _secret(ctx)
    if secret is None:
        return  # offline rendering: no server to verify keys, so no speech controls that cannot work
    lang = speech_lang(ctx.lang or root.get("lang") or "")
    blocks = _blocks_to_read(root, ctx)
    texts: list[str] = []
    for block in blocks:
        _wrap(block, lang, texts)
    sentences = len(texts)
    ctx.data["speech.sentences"], ctx.data["speech.lang"] = texts[:], lang  # (what eldermode speak reads)
    tables = _mark_readings(root, lang, texts, ctx.data.get("tables") or [], ctx)
    if not any(texts):
        ctx.report.note("speech", "no article text found", "no 朗读 controls added")
        return
    content = _speech_main(page_model(root, ctx))
    (content if content is not None else body).set("data-em-speech-main", "")

    text = TEXT["en" if lang == "en" else "zh"]

    has_toolbar_button = body.find(".//button[@data-em-action='speak']") is not None
    bar = body.makeelement("div", {"class": "em-speech-bar", "data-eldermode": "speech-controls", "role": "group",
                                   "aria-label": text["controls"], "lang": "en" if lang == "en" else "zh-CN"})
    if not has_toolbar_button:
        own = bar.makeelement("button", {"type": "button", "data-em-action": "speak", "aria-pressed": "false",
                                         "hidden": ""})  # speech.js shows it: without JS it could not work
        own.text = text["speak"]
        bar.append(own)
    for action, label in (("speak-pause", text["pause"]), ("speak-stop", text["stop"])):
        button = bar.makeelement("button", {"type": "button", "data-em-action": action, "hidden": ""})
        button.text = label
        bar.append(button)
    download = bar.makeelement("a", {
        "href": f"{ctx.options.prefix}speech/page?url={quote(ctx.url, safe='/')}",
        "download": "", "data-em-link": "speech-download",
    })
    download.text = text["download"]
    bar.append(download)
    first = blocks[0] if blocks else None  # (no article blocks: only table readings are read)
    if isinstance(first, _Run):
        first = first.parent
    if first is not None and (content is None or (first is not content and not any(a is content for a in first.iterancestors()))):
        anchor = first
    elif content is not None and content is not body:
        anchor = content
    else:  # the text sits directly in <body>: the bar goes before whatever comes first in it
        anchor = None
    if anchor is not None:
        anchor.addprevious(bar)
    else:
        # after eldermode's own bars at the top of <body> (the skip link stays first), before the text
        ours = 0
        while ours < len(body) and body[ours].get("data-eldermode") is not None:
            ours += 1
        if ours:
            before = body[ours - 1]
            before.addnext(bar)
            bar.tail, before.tail = before.tail, None
        else:
            body.insert(0, bar)
            bar.tail, body.text = body.text, None
    names = _number_control_names(body, texts)
    joined = SENTENCE_SEP.join(texts)  # (texts holds a sentence: checked above)
    token = page_token(secret, lang, ctx.url, joined)
    store = getattr(ctx.services, "speech_pages", None)
    if store is not None:
        store.put(token, lang, joined)
    link_asset(root, ctx, "speech.js", MARK, **{
        "data-em-endpoint": f"{ctx.options.prefix}speech/", "data-em-lang": lang,
        "data-em-page": token, "data-em-url": ctx.url, "data-em-profile": ctx.profile.to_cookie(),
    })
    link_asset(root, ctx, "speech.css", MARK)
    ctx.report.note("speech", "marked sentences for 朗读",
                    f"{sentences} sentences, {tables} table-reading items, {names} link and button names for 指读")


MAX_NAME = 80  # longer "names" are blocks of text wrapped in a link, read as sentences or not at all


def control_name(el) -> str:
    """What 指读 says for a link or button: its aria-label, else its text (speech.js computes the same)."""
    return speakable_text(el.get("aria-label") or ((el.text or "") if len(el) == 0 else text_content(el)))


def _number_control_names(body, texts: list[str]) -> int:
    """``data-em-name="N"`` on links, buttons and summaries (their names appended to ``texts``), for 指读 (MIIT 2.3)."""
    count = 0
    for el in body.iter("a", "button", "summary"):
        if el.get("data-em-name") is not None or _hidden(el):
            continue
        name = control_name(el)
        if name and len(name) <= MAX_NAME:
            el.set("data-em-name", str(len(texts)))
            texts.append(name)
            count += 1
    return count
