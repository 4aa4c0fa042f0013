"""Mode off's remembered splice points (middleware/splice_points.py) give exactly what a fresh scan gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from eldermode.middleware.splice_points import SplicePoints
from eldermode.transforms.entry import ENTRY_MARK, MORE, body_insertion_point, entry_link_for
from eldermode.transforms.entry import _entry_link as entry_link_cache  # its cache, emptied to measure ours

PAGE = b'<!DOCTYPE html><html><head><title>t</title><style>p{}</style></head><body class="a">' + b"<p>text</p>" * 50


def fresh(data: bytes, complete: bool, url: str) -> tuple[int | None, bytes | None]:
    at = body_insertion_point(data, complete)
    return at, (None if at is None or at == MORE else entry_link_for(data[:at], url))


def test_a_page_read_again_is_answered_from_its_first_bytes_and_its_rest_may_change():
    points = SplicePoints()
    at = PAGE.index(b"<p>")
    assert points.find("/a.html", PAGE, True, "/a.html") == (at, entry_link_for(PAGE[:at], "/a.html"))
    assert "/a.html" in points._heads  # kept: the head decides
    changed = PAGE[:at] + b"<p>other text, another length</p>"
    assert points.find("/a.html", changed, True, "/a.html")[0] == at
    assert points.find("/a.html", changed[: at + len(ENTRY_MARK)], False, "/a.html")[0] == at  # a first part


def test_the_link_is_made_for_each_page_url():
    points = SplicePoints()
    points.find("/a.html", PAGE, True, "/a.html")
    at, link = points.find("/a.html", PAGE, True, "/a.html?page=2")
    assert b"page=2" in link and link == entry_link_for(PAGE[:at], "/a.html?page=2")


def test_a_base_at_another_host_keeps_the_page_unspliced_each_time():
    page = PAGE.replace(b"<head>", b'<head><base href="https://elsewhere.example/">')
    points = SplicePoints()
    assert points.find("/b.html", page, True, "/b.html") == (page.index(b"<p>"), None)
    assert points.find("/b.html", page, True, "/b.html") == (page.index(b"<p>"), None)


def test_a_changed_head_is_scanned_again():
    points = SplicePoints()
    points.find("/a.html", PAGE, True, "/a.html")
    moved = PAGE.replace(b"<title>t</title>", b"<title>a longer title</title>")
    assert points.find("/a.html", moved, True, "/a.html")[0] == moved.index(b"<p>")


def test_a_body_tag_inside_an_unclosed_comment_is_not_remembered():
    # Whole, this page's only "<body>" counts (its comment never closes); a page beginning with the same
    # bytes whose comment does close has its real <body> further on.
    first = b"<html><!-- old <body> " + b"x" * 40
    points = SplicePoints()
    assert points.find("/c.html", first, True, "/c.html")[0] == body_insertion_point(first, True) == first.index(b" x")
    second = first + b"--><body><p>real</p>"
    assert points.find("/c.html", second, True, "/c.html")[0] == body_insertion_point(second, True) \
        == second.index(b"<p>")


def test_a_page_spliced_already_and_a_page_without_body_stay_unspliced():
    points = SplicePoints()
    spliced = PAGE.replace(b'<body class="a">', b'<body class="a">' + ENTRY_MARK + b"></div>")
    assert points.find("/s.html", spliced, True, "/s.html") == (None, None)
    assert points.find("/f.html", b"<html><frameset></frameset></html>", True, "/f.html") == (None, None)
    assert points.find("/f.html", b"<html><head>", False, "/f.html") == (MORE, None)


def test_what_is_kept_is_bounded_in_real_memory():
    # Visitors make up paths and queries (every 404 page is a page with a <body> too): the bound must hold
    # for the paths, URLs and links kept, not only for the heads.
    import tracemalloc

    points = SplicePoints(max_bytes=256 * 1024)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(3000):
            path = f"/missing/{i}/" + "p" * 500 + ".html"
            points.find(path, PAGE, True, path + "?q=" + "x" * 1000)
        entry_link_cache.cache_clear()  # (its own bound: 1024 links of short URLs; what stays is the points')
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert 0 < len(points._heads) < 3000
    assert grown < 3 * 256 * 1024, grown  # the bound counts bytes of text; the objects around them add some
    assert next(reversed(points._heads)).startswith("/missing/2999/")  # the newest kept, the oldest gone first


def test_a_made_up_long_url_is_answered_but_not_remembered():
    points = SplicePoints()
    long_path = "/" + "a" * 5000 + ".html"
    at, insert = points.find(long_path, PAGE, True, long_path)
    assert at == body_insertion_point(PAGE) and insert is not None
    assert points._heads == {}


FRAGMENTS = st.sampled_from([
    b"<html>", b"<head>", b"<body>", b"<BODY class='x>y'>", b"<!--", b"-->", b"<script>", b"</script>",
    b"<style>", b"</style >", b"<title>", b"</title>", b"<p>", b"text", b"<", b">", b'"', ENTRY_MARK, b"</div>",
    b'<base href="https://elsewhere.example/">', b'<base href="/sub/">',
])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(FRAGMENTS, max_size=12).map(b"".join), min_size=1, max_size=6),
       st.lists(st.booleans(), min_size=6, max_size=6),
       st.lists(st.sampled_from(["/p", "/p?a=1"]), min_size=6, max_size=6))
def test_remembered_answers_equal_fresh_scans(pages, complete, urls):
    # Pages of one path, one after another, sharing beginnings (each the next's prefix or a variant of it).
    points = SplicePoints()
    seen = b""
    for page, whole, url in zip(pages, complete, urls):
        data = seen + page if len(seen) < 200 else page
        seen = data
        assert points.find("/p", data, whole, url) == fresh(data, whole, url)


def test_an_opener_in_any_gap_before_the_body_tag_keeps_the_first_part_undecided():
    # A <title> still open (its end not in these bytes) before a comment the scan passed over: the <body>
    # after them is the title's text so far, not the body; the whole page tells where the body starts.
    first = b"<html><head><title>\xe5\xb9\xb4\xe6\x8a\xa5<!-- x --><body><p>" + b"x" * 40  # bytes enough after it
    assert body_insertion_point(first, complete=False) == MORE
    whole = first + b"</title></head><body class='a'><p>x</p></body></html>"
    assert whole[: body_insertion_point(whole)].endswith(b"</head><body class='a'>")
