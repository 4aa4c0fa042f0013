"""The audit of one page: what it had, what access mode repaired, what is left for a person.

Pure data for ``eldermode audit`` (the command adds the axe-core runs when a
browser is available). Counts are taken on the page as parsed, before and
after the access pipeline, with the same rules the transforms use, so the
audit says what changed and never claims conformance.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

import lxml.html

from . import Context, PageOptions, Profile
from .markup import int_attribute
from .textwalk import compact, squash
from .document import parse_document, serialize_document
from .landmarks import existing_landmarks
from .names import has_name

__all__ = ["AuditResult", "audit_page", "format_audit", "inventory"]

_FIELD_SKIP = frozenset({"hidden", "submit", "reset", "button", "image"})


def inventory(root: lxml.html.HtmlElement) -> dict:
    """What a page offers assistive technology: language, title, landmarks, headings, names."""
    body = root.find("body")
    head = root.find("head")
    title = head.find("title") if head is not None else None
    found: dict = {
        "lang": (root.get("lang") or "").strip(),
        "title": squash(title.text_content()) if title is not None else "",
        "landmarks": {},
        "headings": {},
        "images": 0,
        "images_without_alt": 0,
        "links": 0,
        "links_without_name": 0,
        "script_links": 0,
        "fields": 0,
        "fields_without_name": 0,
        "frames_without_title": 0,
        "skip_link": False,
    }
    if body is None:
        return found
    found["landmarks"] = {role: len(els) for role, els in sorted(existing_landmarks(body).items())}
    levels: Counter = Counter()
    for el in body.iter("h1", "h2", "h3", "h4", "h5", "h6"):
        levels[el.tag] += 1
    for el in body.xpath(".//*[@role='heading']"):
        levels[f"h{int_attribute(el, 'aria-level', 2)}"] += 1  # ARIA: a heading without a valid level is 2
    found["headings"] = dict(sorted(levels.items()))
    for img in body.iter("img"):
        found["images"] += 1
        if img.get("alt") is None and not img.get("aria-label") and img.get("role") not in ("presentation", "none"):
            found["images_without_alt"] += 1
    labelled = {lab.get("for") for lab in body.iter("label") if lab.get("for")}
    for a in body.iter("a"):
        if a.get("href") is None and a.get("role") is None:
            continue
        found["links"] += 1
        if (a.get("href") or "").strip().lower().startswith("javascript:"):
            found["script_links"] += 1
        if not has_name(a):
            found["links_without_name"] += 1
    for el in body.iter("input", "select", "textarea"):
        kind = (el.get("type") or "text").lower() if el.tag == "input" else el.tag
        if kind == "image":
            found["fields"] += 1
            if not (el.get("alt") or el.get("aria-label") or el.get("title")):
                found["fields_without_name"] += 1
            continue
        if kind in _FIELD_SKIP:
            continue
        found["fields"] += 1
        named = (el.get("aria-label") or el.get("aria-labelledby") or el.get("title") or el.get("placeholder")
                 or (el.get("id") in labelled) or any(p.tag == "label" for p in el.iterancestors()))
        if not named:
            found["fields_without_name"] += 1
    for frame in body.iter("iframe", "frame"):
        if not (frame.get("title") or "").strip():
            found["frames_without_title"] += 1
    first_link = next(iter(body.iter("a")), None)
    found["skip_link"] = bool(first_link is not None and (first_link.get("href") or "").startswith("#")
                              and compact(first_link.text_content()))
    return found


@dataclass
class AuditResult:
    page: str
    encoding: str
    had: dict
    after: dict
    did: list[dict] = field(default_factory=list)
    left: list[dict] = field(default_factory=list)
    axe: dict | None = None  # {"before": {...}, "after": {...}} filled in by the command
    rewritten: bytes = b""

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("rewritten")
        data["summary"] = summary(self.did)
        return data


def summary(did: list[dict]) -> dict[str, int]:
    counts: Counter = Counter(f"{d['transform']}: {d['action']}" for d in did)
    return dict(sorted(counts.items()))


def audit_page(body: bytes, content_type: str | None = None, url: str = "/",
               options: PageOptions | None = None, mode: str = "access", services=None) -> AuditResult:
    """Run the ``mode`` pipeline on a page and say what it had, did and left undone.

    ``services``: those the pages are served with (``eldermode audit`` passes the proxy's kind), so
    the audit runs every step a visitor's page gets."""
    from .pipeline import transform_document

    had = inventory(parse_document(body, content_type).root)
    if services is not None:  # the Context every page served with these services gets
        ctx = services.page_context(Profile(mode=mode), url)
    else:
        ctx = Context(profile=Profile(mode=mode), url=url, options=options or PageOptions())
    doc = transform_document(body, content_type, ctx)  # the pages' own pipeline: a failing step is skipped
    after = inventory(doc.root)
    did = [{"transform": t, "action": a, "detail": d} for t, a, d in ctx.report.entries if a != "left unnamed"]
    left = [{"transform": t, "what": d} for t, a, d in ctx.report.entries if a == "left unnamed"]
    rewritten = serialize_document(doc)
    return AuditResult(page=url, encoding=doc.encoding, had=had, after=after, did=did, left=left,
                       rewritten=rewritten)


def _landmarks_line(landmarks: dict) -> str:
    return ", ".join(f"{role} ×{n}" if n > 1 else role for role, n in landmarks.items()) or "none"


def _headings_line(headings: dict) -> str:
    return ", ".join(f"{tag} ×{n}" for tag, n in headings.items()) or "none"


def format_audit(result: AuditResult) -> str:
    """The audit as text for a person: had → after, every repair, what is left, axe before → after."""
    h, a = result.had, result.after
    lines = [f"eldermode audit of {result.page} (decoded as {result.encoding})", "", "The page had → after access mode:"]
    rows = [
        ("language", h["lang"] or "none", a["lang"] or "none"),
        ("title", h["title"] or "none", a["title"] or "none"),
        ("landmarks", _landmarks_line(h["landmarks"]), _landmarks_line(a["landmarks"])),
        ("headings", _headings_line(h["headings"]), _headings_line(a["headings"])),
        ("images without alt", f"{h['images_without_alt']} of {h['images']}", f"{a['images_without_alt']}"),
        ("links without a name", f"{h['links_without_name']} of {h['links']}", f"{a['links_without_name']}"),
        ("javascript: links", str(h["script_links"]), str(a["script_links"]) + " (now role=button)"),
        ("form fields without a name", f"{h['fields_without_name']} of {h['fields']}", f"{a['fields_without_name']}"),
        ("frames without a title", str(h["frames_without_title"]), str(a["frames_without_title"])),
        ("skip link first", "yes" if h["skip_link"] else "no", "yes" if a["skip_link"] else "no"),
    ]
    width = max(len(r[0]) for r in rows)
    lines.extend(f"  {name:<{width}}  {before}  →  {after_}" for name, before, after_ in rows)
    lines += ["", f"What the transforms did ({len(result.did)} changes):"]
    for count_key, count in summary(result.did).items():
        lines.append(f"  {count:>3} × {count_key}")
    lines += ["", "Details:"]
    lines.extend(f"  [{d['transform']}] {d['action']}{': ' + d['detail'] if d['detail'] else ''}" for d in result.did)
    lines += ["", "Left for a person (no trustworthy name in the page):"]
    lines.extend(f"  [{item['transform']}] {item['what']}" for item in result.left)
    if not result.left:
        lines.append("  nothing")
    lines.append("")
    if result.axe is None:
        lines.append("axe-core: not run (no browser or axe-core found; see `eldermode audit --help`)")
    elif "error" in result.axe:
        lines.append(f"axe-core: not run ({result.axe['error']})")
    else:
        before, after_ = result.axe["before"], result.axe["after"]
        lines.append(f"axe-core {result.axe.get('version', '')} in Chromium, violations before → after:")
        for impact in ("critical", "serious", "moderate", "minor"):
            lines.append(f"  {impact:<9} {before['counts'].get(impact, 0):>3} → {after_['counts'].get(impact, 0):>3}")
        fixed = sorted(set(before["rules"]) - set(after_["rules"]))
        new = sorted(set(after_["rules"]) - set(before["rules"]))
        kept = sorted(set(before["rules"]) & set(after_["rules"]))
        lines.append(f"  rules no longer violated: {', '.join(fixed) or 'none'}")
        lines.append(f"  rules still violated: {', '.join(kept) or 'none'}")
        lines.append(f"  rules newly violated: {', '.join(new) or 'none'}")
    lines.append("This lists repairs; it is not a statement of conformance.")
    return "\n".join(lines) + "\n"
