"""Property tests: the text view and the audit never raise on malformed pages; tables stay tables; one main."""

from __future__ import annotations

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eldermode.transforms import Context, Profile
from eldermode.transforms.audit import audit_page
from eldermode.transforms.document import NotHTML
from eldermode.transforms.pipeline import rewrite_page
from support import text_view_page
from test_core_properties import DOCUMENTS, TEXTS


# What the access repairs parse: hrefs (relative ones without "/" once hung the image naming; "http://[x"
# raised), aria-level / tabindex / width values that are not ASCII numbers ("²".isdigit() is True but
# int("²") raises), and long javascript: hrefs (the navigating-script regex was quadratic).
ODD_NUMBERS = ["一", "²", "３", "٣", "", " ", "-1", "0", "2", "+3", "99", "9" * 5000, "1.5", "2px", "1px"]
ODD_HREFS = ["list.html", "list", "?p=2", "..", ".", "./", "a//b", "//", "x/", "#", "#top", "/zwgk/", "/zwgk/list.html",
             "http://[x", "java\tscript://[x", "javascript:void(0)", "javascript:" + "go" * 2000,
             "javascript:openWin('list.html')", "index.html", "../index.html"]
ACCESS_ATTRS = st.one_of(
    st.tuples(st.just("href"), st.sampled_from(ODD_HREFS)),
    st.tuples(st.sampled_from(["aria-level", "tabindex", "width", "height"]), st.sampled_from(ODD_NUMBERS)),
    st.sampled_from([("role", "heading"), ("role", "button"), ("src", "pic.jpg"), ("src", "http://[y/logo.png"),
                     ("class", "article"), ("class", "title"), ("id", "zoom"), ("onclick", "go()")]),
)
ACCESS_TAGS = ["div", "p", "a", "img", "span", "h2", "input", "iframe", "ul", "li", "table", "tr", "td"]


def _access_element(children):
    return st.builds(
        lambda tag, attrs, kids: f"<{tag}" + "".join(f' {k}="{v}"' for k, v in attrs) + ">" + "".join(kids) + f"</{tag}>",
        st.sampled_from(ACCESS_TAGS), st.lists(ACCESS_ATTRS, max_size=4), st.lists(children, max_size=4),
    )


ACCESS_DOCUMENTS = st.builds(
    lambda parts: '<!DOCTYPE html><html lang="zh-CN"><head><title>t</title></head><body>' + "".join(parts)
    + "</body></html>",
    st.lists(st.recursive(st.sampled_from(TEXTS), _access_element, max_leaves=20), min_size=1, max_size=5),
)


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


@pytest.mark.timeout(300)  # a loop that never ends fails the test instead of hanging the run
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ACCESS_DOCUMENTS, st.sampled_from(["access", "elder"]), st.sampled_from(["/zwgk/index.html", "", "/"]))
def test_access_repairs_never_raise_on_odd_hrefs_and_numbers(document, mode, url):
    body = document.encode("utf-8")
    # TransformError here is what made the middleware send the original page (the visitor lost the mode).
    out = rewrite_page(body, "text/html; charset=utf-8", Context(profile=Profile(mode=mode), url=url))
    assert f'data-em-mode="{mode}"'.encode() in out
    view = lxml.html.document_fromstring(text_view_page(body, "text/html; charset=utf-8", url or "/").decode("utf-8"))
    # Every heading of the view has a real level, whatever the page's aria-level said.
    assert all(el.tag in ("h1", "h2", "h3", "h4", "h5", "h6") for el in view.iter() if el.tag[:1] == "h"
               and el.tag not in ("html", "head", "hr"))
    audit_page(body, "text/html; charset=utf-8", url or "/")
