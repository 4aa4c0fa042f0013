"""Property tests: the text view and the audit never raise on malformed pages; tables stay tables; one main."""

from __future__ import annotations

import lxml.html
from hypothesis import HealthCheck, given, settings

from eldermode.transforms.audit import audit_page
from eldermode.transforms.document import NotHTML
from eldermode.transforms.textview import text_view_page
from test_core_properties import DOCUMENTS


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS)
def test_text_view_never_raises_and_is_a_page(document):
    try:
        out = text_view_page(document.encode("utf-8"), "text/html; charset=utf-8", "/p?x=1")
    except NotHTML:
        return
    root = lxml.html.document_fromstring(out.decode("utf-8"))
    assert root.find(".//main") is not None
    # No table of the view lost its rows: every <tr> sits in a <table>.
    assert all(any(a.tag == "table" for a in tr.iterancestors()) for tr in root.iter("tr"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS)
def test_audit_never_raises(document):
    try:
        result = audit_page(document.encode("utf-8"), "text/html; charset=utf-8", "/p")
    except NotHTML:
        return
    # Never a second main: at most one is added, and only to a page that had none.
    had, after = result.had["landmarks"].get("main", 0), result.after["landmarks"].get("main", 0)
    assert after == had or (had == 0 and after == 1)
