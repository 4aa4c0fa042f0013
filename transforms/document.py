"""Bytes to tree and back: encoding detection, GB18030 decoding, doctype and meta charset.

Everything that touches the page's raw bytes lives here, so every transform
works on a parsed lxml tree and never sees an encoding.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

__all__ = ["Document", "NotHTML", "clean_text", "detect_encoding", "parse_document", "serialize_document"]


class NotHTML(ValueError):
    """The bytes cannot be treated as an HTML page (binary, empty, unparseable)."""


# WHATWG label aliases that matter on Chinese government sites. GB2312 and GBK
# pages routinely contain characters outside their declared set; GB18030 is a
# superset of both, so decoding as GB18030 loses nothing (lxml's own gb2312
# decoder silently drops the rest of the page at the first such character).
_ENCODING_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312": "gb18030",
    "gb_2312-80": "gb18030",
    "csgb2312": "gb18030",
    "chinese": "gb18030",
    "iso-ir-58": "gb18030",
    "hz-gb-2312": "gb18030",
    "cp936": "gb18030",
    "ms936": "gb18030",
    "windows-936": "gb18030",
    # WHATWG: these labels all mean windows-1252.
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "big5": "big5hkscs",
}

_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def normalize_label(label: str | None) -> str | None:
    """A Python codec name for a charset label, or None when Python has no such codec."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _ENCODING_ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return _ENCODING_ALIASES.get(name, name)


def charset_from_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            return normalize_label(value)
    return None


def detect_encoding(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """The encoding to decode ``body`` with, and where it came from.

    Order: BOM (the WHATWG sniffing algorithm lets a BOM override the transport
    layer), the HTTP header, ``<meta>`` in the first 1024 bytes, then detection.
    A declared legacy encoding loses to valid non-ASCII UTF-8: multi-byte UTF-8
    sequences almost never occur by chance in GBK text, while UTF-8 pages
    mislabelled gb2312 are common.
    """
    encoding, source, _ = _detect(body, content_type)
    return encoding, source


def _detect(body: bytes, content_type: str | None) -> tuple[str, str, str | None]:
    """:func:`detect_encoding`'s answer and, when deciding it decoded the whole body cleanly, the text
    (so the page is not decoded twice)."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name, "bom", None
    declared = charset_from_content_type(content_type)
    source = "header"
    if declared is None:
        match = _META_CHARSET.search(body[:1024])
        if match:
            declared = normalize_label(match.group(1).decode("ascii", "replace"))
            source = "meta"
    if declared and declared.startswith("utf-16"):
        declared = "utf-8"  # without a BOM a "utf-16" label on an HTML page is always wrong
    utf8 = None
    if declared != "utf-8" and not body.isascii():
        utf8 = _is_utf8(body)
        if utf8[0]:
            return "utf-8", "detected", utf8[1]
    if declared:
        decodes, text = _decodes(body, declared)
        if decodes:
            return declared, source, text
    if utf8 is None:
        utf8 = _is_utf8(body)
    if utf8[0]:
        return "utf-8", "detected", utf8[1]
    guessed = _guess(body)
    if guessed:
        return guessed, "detected", None
    return declared or "gb18030", source if declared else "default", None


def _is_utf8(body: bytes) -> tuple[bool, str | None]:
    """Whether ``body`` is UTF-8, and its text when it decodes whole."""
    try:
        return True, body.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A page truncated mid-character is still UTF-8.
        return exc.start >= len(body) - 3 and exc.reason == "unexpected end of data", None


def _decodes(body: bytes, encoding: str) -> tuple[bool, str | None]:
    """Whether ``body`` is text in ``encoding``, and the text when it decodes whole."""
    try:
        return True, body.decode(encoding)
    except UnicodeDecodeError as exc:
        bad = body[exc.start :]
        # One stray byte (a truncated page) does not disprove a declaration;
        # garbage from the first non-ASCII byte does.
        return len(bad) <= 3, None
    except LookupError:
        return False, None


def _guess(body: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(body[:65536]).best()
    return normalize_label(best.encoding) if best else None


@dataclass
class Document:
    """A parsed page: the lxml root, its doctype and the encoding it arrived in."""

    root: lxml.html.HtmlElement
    doctype: str
    encoding: str
    encoding_source: str
    # A Python proxy for every element of the parsed page, held while the document lives: lxml
    # reuses a live proxy instead of making one each time a walk meets an element, and the
    # pipeline walks the page some twenty times (10 % of a table page's rewrite).
    proxies: list = field(default_factory=list, repr=False)
    # The markup generated steps left as bytes, put in the page as it is written (transforms/deferred.py): a
    # Deferred, set by the pipeline (transform_document) when a step wrote some, else None.
    deferred: object = field(default=None, repr=False)


def parse_document(body: bytes, content_type: str | None = None) -> Document:
    """Decode and parse a page; raise :class:`NotHTML` for what is not a page."""
    if not body.strip():
        raise NotHTML("empty body")
    # (a stray NUL is not binary: _looks_binary below judges by the share of control characters)
    encoding, source, text = _detect(body, content_type)
    # The bytes themselves are parsed when they are exactly the text: UTF-8 that decoded whole, with nothing
    # taken off or cleaned (libxml2 then reads them as they are, instead of a UTF-16 copy of the text: ~1 M
    # instructions on a 90 KB page). The parser is told UTF-8, so a meta charset that says otherwise is ignored,
    # as it is for the text.
    exact = encoding == "utf-8" and text is not None
    if text is None:
        text = body.decode(encoding, errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
        exact = False
    # lxml refuses str input that still declares an encoding.
    text, declared = _XML_DECLARATION.subn("", text, count=1)
    if declared:
        exact = False
    if _looks_binary(text):
        raise NotHTML("binary content labelled as HTML")
    if _may_need_cleaning(body, encoding, text):
        cleaned = clean_text(text)
        exact = exact and cleaned == text
        text = cleaned
    parser = _parser("utf-8" if exact else None)
    try:
        root = lxml.html.document_fromstring(body if exact else text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise NotHTML(str(exc)) from exc
    for error in parser.error_log:
        # libxml2 stops at a resource limit (nesting deeper than 2048) and returns the tree so
        # far without raising: half a page must never be sent, so the caller sends the original.
        if error.level_name == "FATAL":
            raise NotHTML(f"the page cannot be parsed whole: {error.message}")
    if "&#" in text:  # (a substring test is ~8x cheaper than the two reference searches, which few pages need)
        if _ILLEGAL_REFERENCE.search(text):  # rare: a reference such as &#1; parsed into an XML-illegal character
            _map_strings(root, _ILLEGAL.search, clean_text)
        if _CR_REFERENCE.search(text):
            _map_strings(root, _CR.search, _lf)
    for frame in root.iter("iframe", "noframes"):
        # An iframe's (and, in browsers with frames, a noframes') content is raw text that browsers
        # never render; libxml2 escapes it on output but not on input, so it would grow "&amp;" on
        # every pass. Dropped at parse time, so every transform sees the same tree on a first and a
        # second pass.
        if frame.text or len(frame):
            frame.text = None
            for child in list(frame):
                frame.remove(child)
    doctype = root.getroottree().docinfo.doctype or ""
    return Document(root=root, doctype=doctype, encoding=encoding, encoding_source=source, proxies=list(root.iter()))


# Input hygiene, once at parse time, so no transform ever meets a character lxml refuses to write
# ("All strings must be XML compatible"): C0 controls other than tab/LF/CR, lone surrogates, U+FFFE/U+FFFF.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A form feed is HTML whitespace and a vertical tab is Word's manual line break: both become a space,
# so the words on either side stay apart. Surrogates and non-characters become U+FFFD (visibly
# "a character was here"); the other controls (NUL included) are invisible in browsers and are removed.
_REPLACEMENT = {"\x0b": " ", "\x0c": " ", "\ufffe": "\ufffd", "\uffff": "\ufffd"}
# A numeric character reference to one of those (&#1;, &#x0B;, &#xFFFF;): libxml2 decodes it as such.
_ILLEGAL_REFERENCE = re.compile(
    r"&#(?:[xX]0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F]|[fF]{3}[eEfF])(?![0-9a-fA-F])"
    r"|0*(?:[0-8]|1[124-9]|2[0-9]|3[01]|6553[45])(?![0-9]))"
)


# Encodings in which a C0 control character is its own byte and no other byte sequence decodes to one, and whose
# decoders never give a surrogate: there a byte test finds controls ~4x faster than ``_ILLEGAL`` over the text.
_ASCII_SAFE = frozenset({"utf-8", "gb18030", "big5hkscs", "cp1252"})
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r")


def _may_need_cleaning(body: bytes, encoding: str, text: str) -> bool:
    """Whether ``text`` (``body`` decoded as ``encoding``) may hold a character :func:`clean_text` changes."""
    if encoding not in _ASCII_SAFE:
        return True
    # (one memchr per control byte: a quarter of what a copy of the page without them costs)
    return any(byte in body for byte in _CONTROL_BYTES) or "\ufffe" in text or "\uffff" in text


def _replace(match: re.Match) -> str:
    ch = match.group()
    return _REPLACEMENT.get(ch, "\ufffd" if "\ud800" <= ch <= "\udfff" else "")


def clean_text(text: str) -> str:
    """``text`` without the characters an XML tree cannot hold (see ``_ILLEGAL``); unchanged when it has none."""
    return _ILLEGAL.sub(_replace, text) if _ILLEGAL.search(text) else text


# A carriage return reaches the tree only from a reference (&#13;, &#xD;): libxml2 turns raw CR and CRLF into
# LF, as browsers do, but writes a referenced CR out raw, so the next parse (a page rewritten twice, or the
# browser reading the rewrite) would see a LF where the tree had CR. Taken as LF at once, so the tree every
# step reads is the page the browser gets, and a second rewrite changes nothing.
_CR_REFERENCE = re.compile(r"&#(?:[xX]0*[dD](?![0-9a-fA-F])|0*13(?![0-9]))")
_CR = re.compile("\r")


def _lf(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n")


def _map_strings(root, needs, change) -> None:
    """Every text, tail and attribute value of the tree that ``needs`` it replaced by ``change`` of it."""
    for el in root.iter():
        if el.text and needs(el.text):
            el.text = change(el.text)
        if el.tail and needs(el.tail):
            el.tail = change(el.tail)
        if isinstance(el.tag, str):
            for name, value in el.attrib.items():
                if needs(value):
                    el.set(name, change(value))


# Every element is an HtmlElement, chosen in C. lxml.html's own lookup runs a Python function for
# each element proxy made (the top entry in a rewrite's profile) only to give form controls
# their form-API classes, which no transform uses.
_CLASS_LOOKUP = etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity,
)


def _parser(encoding: str | None = None) -> lxml.html.HTMLParser:
    # A parser per call: lxml parsers are not safe to share between threads.
    # huge_tree: nesting up to 2048 deep (Word-pasted <font> soup nests deep), not libxml2's 256.
    # ``encoding``: that of the bytes it is given (None for text).
    parser = lxml.html.HTMLParser(remove_comments=False, default_doctype=False, huge_tree=True, encoding=encoding)
    parser.set_element_class_lookup(_CLASS_LOOKUP)
    return parser


# C0 controls but the whitespace ones (tab, LF, FF, CR): counted in C (a Python loop over the
# sample cost 0.06 ms a page, 4 % of the parse floor).
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f]")


def _looks_binary(text: str) -> bool:
    sample = text[:2048]
    if not sample:
        return True
    control = len(_CONTROL.findall(sample))
    return control > len(sample) * 0.05 or sample.count("\ufffd") > len(sample) * 0.3


# (found in C: a Python test of each item read the text of a table reading's thousands)
_EMPTY_ITEMS = etree.XPath("descendant-or-self::li[not(node())]")
# Whether there is an empty item at all: list items minus the first child nodes of list items. The predicate
# above costs ~2,000 instructions an item, these two counts ~1,400 together (a 100 x 50 table's reading has
# 4,656 items, none empty: 13.6 -> 6.7 M). Spelt ``//li``, which libxml2 walks as one descendant step
# (descendant-or-self::li cost 7.9 M): the items of the root's whole document, the same set as the root's
# own for a page's <html> (and never fewer, so an empty item under the root is always found).
_ANY_EMPTY_ITEM = etree.XPath("count(//li) != count(//li/node()[1])")
# What lxml.html.tostring removes from its output (libxml2 writes this form of a charset declaration);
# its regular expression scanned the whole page for it, the substring test is ~15x cheaper.
_META_CONTENT_TYPE = b'<meta http-equiv="Content-Type"'
_REMOVE_META_CONTENT_TYPE = re.compile(re.escape(_META_CONTENT_TYPE) + rb"[^>]*>")


def serialize_document(doc: Document) -> bytes:
    """UTF-8 bytes of the page, with its doctype and a meta charset that says UTF-8.

    A tree the steps ran on holds stand-ins for the markup they kept as bytes: ``doc.deferred`` must then be set
    (pipeline.transform_document sets it), or the stand-ins are written as the comments they are.
    """
    set_meta_charset_utf8(doc.root)
    if _ANY_EMPTY_ITEM(doc.root):
        for item in _EMPTY_ITEMS(doc.root):
            # libxml2 omits the end tag of an empty <li>, so text after it would move inside on
            # the next parse; an empty string text makes it write </li>.
            item.text = ""
    # The page ends with a newline: written by libxml2 as the root's tail (tostring writes an element's tail),
    # not added to the bytes after, which copied the whole page (0.7 M instructions on a 100 x 50 table's).
    # The root's own serialisation ends with its end tag, so the bytes end with a newline exactly when its tail does.
    tail = doc.root.tail
    if not tail or not tail.endswith("\n"):
        doc.root.tail = (tail or "") + "\n"
    # lxml.html.tostring is etree.tostring and then the removal of libxml2's meta Content-Type.
    body = etree.tostring(doc.root, encoding="utf-8", method="html", doctype=doc.doctype or None)
    if _META_CONTENT_TYPE in body:
        body = _REMOVE_META_CONTENT_TYPE.sub(b"", body)
    if doc.deferred is not None:
        body = doc.deferred.expand(body)
    return body


def set_meta_charset_utf8(root: lxml.html.HtmlElement) -> None:
    """Make the page declare UTF-8, as ``<meta charset="utf-8">`` in place of any older declaration.

    libxml2's serialiser drops ``<meta http-equiv="Content-Type">`` whatever it says, so that
    form is replaced rather than edited.
    """
    head = root.find("head")
    if head is None:
        head = root.makeelement("head", {})
        root.insert(0, head)
    declared = False
    for meta in list(head.iter("meta")):
        if meta.get("charset") is not None or (meta.get("http-equiv") or "").lower() == "content-type":
            if declared:
                meta.drop_tree()
                continue
            for name in list(meta.attrib):
                del meta.attrib[name]
            meta.set("charset", "utf-8")
            declared = True
    if not declared:
        meta = head.makeelement("meta", {"charset": "utf-8"})
        meta.tail = head.text
        head.text = "\n"
        head.insert(0, meta)
