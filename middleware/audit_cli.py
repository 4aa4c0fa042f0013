"""``eldermode audit FILE_OR_URL [--json]``: what a page had, what access mode repaired, axe before/after.

The axe-core runs need Debian's Chromium (``/usr/bin/chromium``), Playwright
and axe-core's ``axe.min.js`` (``ELDERMODE_AXE``, or ``tests/node_modules``
of a clone). Both pages are served to the browser from memory by request
interception: the browser reaches no network, eldermode's own assets come
from the package, and everything else the page asks for answers 404.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .command import EXIT_OK, CommandError, load_source, settings_from
from .static import load_asset

__all__ = ["axe_before_after", "find_axe", "register"]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
_ORIGIN = "http://eldermode-audit.invalid"


def find_axe() -> Path | None:
    """axe.min.js from ``ELDERMODE_AXE`` or the repository's tests/node_modules."""
    configured = os.environ.get("ELDERMODE_AXE")
    candidates = [Path(configured)] if configured else []
    candidates.append(Path(__file__).resolve().parents[1] / "tests" / "node_modules" / "axe-core" / "axe.min.js")
    return next((p for p in candidates if p.is_file()), None)


def _route_handler(page_html: bytes, prefix: str):
    def handle(route):
        url = route.request.url
        path = url[len(_ORIGIN):].split("?", 1)[0] if url.startswith(_ORIGIN) else ""
        if path == "/__audit__/page":
            return route.fulfill(status=200, body=page_html, content_type="text/html; charset=utf-8")
        if path.startswith(prefix + "assets/"):
            loaded = load_asset(path[len(prefix + "assets/"):])  # the same files the middleware serves
            if loaded is not None:
                data, _, media_type, _ = loaded
                return route.fulfill(status=200, body=data, content_type=media_type)
        return route.fulfill(status=404, body=b"")
    return handle


def _axe_summary(results: dict) -> dict:
    counts: dict[str, int] = {}
    rules: dict[str, dict] = {}
    for violation in results.get("violations", []):
        impact = violation.get("impact") or "minor"
        counts[impact] = counts.get(impact, 0) + len(violation.get("nodes", []))
        rules[violation["id"]] = {"impact": impact, "nodes": len(violation.get("nodes", [])),
                                  "help": violation.get("help", "")}
    return {"counts": counts, "rules": rules}


def axe_before_after(original: bytes, rewritten: bytes, prefix: str = "/__eldermode/") -> dict:
    """axe-core results for the original page (as UTF-8 bytes) and the rewritten one, or ``{"error": …}``."""
    axe = find_axe()
    if axe is None:
        return {"error": "axe-core not found: set ELDERMODE_AXE to axe.min.js"}
    if not Path(CHROMIUM).exists():
        return {"error": f"{CHROMIUM} not found"}
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"error": "playwright is not installed"}
    source = axe.read_text(encoding="utf-8")
    out: dict = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for name, html in (("before", original), ("after", rewritten)):
                context = browser.new_context()
                page = context.new_page()
                page.route("**/*", _route_handler(html, prefix))
                page.goto(_ORIGIN + "/__audit__/page", wait_until="load")
                page.evaluate("(source) => { (0, eval)(source); }", source)
                results = page.evaluate("() => window.axe.run(document, {resultTypes: ['violations']})")
                out["version"] = results.get("testEngine", {}).get("version", "")
                out[name] = _axe_summary(results)
                context.close()
        finally:
            browser.close()
    return out


def cmd_audit(args: argparse.Namespace) -> int:
    from eldermode.transforms.audit import audit_page, format_audit
    from eldermode.transforms.document import NotHTML, parse_document, serialize_document

    from .services import Services

    settings = settings_from(args)
    body, content_type, path = load_source(args.source)
    try:
        services = Services(None, settings)  # the proxy's kind: the audit runs the pipeline visitors get
        result = audit_page(body, content_type, path, services=services)
        original_utf8 = serialize_document(parse_document(body, content_type))
    except NotHTML as exc:
        raise CommandError(f"audit: {args.source} is not an HTML page ({exc})") from exc
    if not args.no_browser:
        try:
            result.axe = axe_before_after(original_utf8, result.rewritten, settings.prefix)
        except Exception as exc:  # noqa: BLE001 - the audit stands without axe; say why
            result.axe = {"error": f"browser run failed: {exc}"}
    if args.json:
        sys.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write(format_audit(result))
    return EXIT_OK


def register(sub) -> None:
    p = sub.add_parser("audit", help="what a page had, what access mode repaired, axe-core before/after")
    p.add_argument("source", metavar="FILE_OR_URL")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--no-browser", action="store_true", help="skip the axe-core runs in Chromium")
    p.set_defaults(func=cmd_audit)
