"""The reverse proxy (a real process) in front of upstreams that misbehave the way real sites did.

Each test is one failure seen through ``eldermode proxy`` on real sites: a made-up status code,
``Domain`` written with spaces, a HEAD costing two upstream requests, stray bytes after a
response spoiling a pooled connection, and a whole page of upstream bytes in a log line.
The upstreams are raw sockets on loopback, so they can break HTTP on purpose.
"""

from __future__ import annotations

import socket
import threading
import time

import httpx
import pytest

from eldermode.middleware.proxy import _strip_cookie_domain

PAGE = ("<!DOCTYPE html><html><head><title>年报</title></head><body><p>政府信息公开工作年度报告。</p>"
        "</body></html>").encode("utf-8")


class RawUpstream:
    """An HTTP/1.1 server on a raw socket: ``answer(request_bytes) -> list of (bytes, pause)`` per request.

    Keeps connections alive (so the proxy pools them) and records every request line and how
    many connections were opened.
    """

    def __init__(self, answer):
        self.answer = answer
        self.requests: list[str] = []
        self.connections = 0
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.open: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            self.open.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        buffer = b""
        try:
            while True:
                while b"\r\n\r\n" not in buffer:
                    data = conn.recv(65536)
                    if not data:
                        return
                    buffer += data
                request, _, buffer = buffer.partition(b"\r\n\r\n")
                line = request.split(b"\r\n", 1)[0].decode("latin-1")
                self.requests.append(line)
                for data, pause in self.answer(line):
                    if pause:
                        time.sleep(pause)
                    conn.sendall(data)
        except OSError:
            return

    def close(self) -> None:
        self.sock.close()
        for conn in self.open:
            conn.close()


def response(status: str, body: bytes, content_type: bytes = b"text/html; charset=utf-8",
             extra: bytes = b"", length: int | None = None) -> bytes:
    size = len(body) if length is None else length
    return (f"HTTP/1.1 {status}\r\n".encode() + b"Content-Type: " + content_type
            + f"\r\nContent-Length: {size}\r\n".encode() + extra + b"\r\n" + body)


@pytest.fixture
def proxy_to(run_process, free_port):
    """``proxy_to(upstream_url) -> (proxy base URL, running process)``: a real ``eldermode proxy``."""
    def start(upstream: str, **env):
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        process = run_process(["eldermode", "proxy", "--upstream", upstream, "--listen", f"127.0.0.1:{port}"],
                              ready_url=base + "/__eldermode/health",
                              env={"ELDERMODE_READ_TIMEOUT": "1.5", **env})
        return base, process
    return start


@pytest.fixture
def raw_upstream():
    made: list[RawUpstream] = []

    def make(answer) -> RawUpstream:
        server = RawUpstream(answer)
        made.append(server)
        return server

    yield make
    for server in made:
        server.close()


@pytest.mark.parametrize("status", ["999 Whatever", "600 Beyond", "099 Low"])
def test_an_unknown_upstream_status_is_a_readable_502(raw_upstream, proxy_to, status):
    upstream = raw_upstream(lambda line: [(response(status, PAGE), 0)])
    proxy, process = proxy_to(upstream.url)
    for query in ("", "?eldermode=elder"):
        r = httpx.get(proxy + "/page.html" + query, timeout=20)
        assert r.status_code == 502 and "502" in r.text and "<h1" in r.text
    assert "Traceback" not in process.output()
    # and the proxy goes on answering
    assert httpx.get(proxy + "/__eldermode/health", timeout=20).status_code == 200


def test_cookie_domain_is_removed_however_it_is_written():
    assert _strip_cookie_domain("a=1; Path=/; Domain = other.example") == "a=1; Path=/"
    assert _strip_cookie_domain("b=2; DOMAIN=.gov.cn; HttpOnly") == "b=2; HttpOnly"
    assert _strip_cookie_domain("c=3;domain=x;Secure") == "c=3;Secure"
    assert _strip_cookie_domain("d=4; Domain") == "d=4"
    # the cookie's own name=value is never an attribute, even when the cookie is called "domain"
    assert _strip_cookie_domain("domain=keep; Path=/") == "domain=keep; Path=/"
    # an attribute that merely starts with the letters "domain" is not Domain
    assert _strip_cookie_domain("e=5; DomainHint=1") == "e=5; DomainHint=1"


def test_cookie_domain_with_spaces_is_removed_through_the_proxy(raw_upstream, proxy_to):
    extra = b"Set-Cookie: a=1; Path=/; Domain = other.example\r\nSet-Cookie: b=2; DOMAIN=Other.Example\r\n"
    upstream = raw_upstream(lambda line: [(response("200 OK", b"ok", b"text/plain", extra), 0)])
    proxy, _ = proxy_to(upstream.url)
    cookies = httpx.get(proxy + "/c", timeout=20).headers.get_list("set-cookie")
    assert sorted(c.split(";")[0] for c in cookies) == ["a=1", "b=2"]
    assert not any("domain" in c.lower() for c in cookies)


def test_a_head_costs_one_upstream_request(raw_upstream, proxy_to):
    upstream = raw_upstream(lambda line: [(response("200 OK", PAGE), 0)])
    proxy, _ = proxy_to(upstream.url)
    for query in ("?eldermode=elder", ""):  # a rewritten page, and the original with its entry link
        upstream.requests.clear()
        head = httpx.head(proxy + "/page.html" + query, timeout=20)
        get = httpx.get(proxy + "/page.html" + query, timeout=20)
        assert head.status_code == 200 and head.content == b""
        # (the length on the wire: rewritten pages may go out compressed)
        assert head.headers["content-length"] == get.headers["content-length"] == str(get.num_bytes_downloaded)
        assert head.headers["etag"] == get.headers["etag"]
        assert len(upstream.requests) == 2, upstream.requests  # one for the HEAD, one for the GET


def test_a_head_of_a_download_is_one_request_and_never_reads_the_download(raw_upstream, proxy_to):
    chunk = b"x" * 65536
    big = response("200 OK", b"", b"application/zip", length=len(chunk) * 400)

    def answer(line):
        return [(big, 0)] + [(chunk, 0)] * 400

    upstream = raw_upstream(answer)
    proxy, _ = proxy_to(upstream.url)
    head = httpx.head(proxy + "/file.zip?eldermode=elder", timeout=20)
    assert head.status_code == 200 and head.headers["content-length"] == str(len(chunk) * 400)
    assert len(upstream.requests) == 1
    assert httpx.get(proxy + "/__eldermode/health", timeout=20).status_code == 200


def test_a_head_whose_upstream_stalls_is_answered_504_after_one_request(raw_upstream, proxy_to):
    upstream = raw_upstream(lambda line: [(response("200 OK", PAGE), 30)])
    proxy, _ = proxy_to(upstream.url)
    head = httpx.head(proxy + "/page.html?eldermode=elder", timeout=20)
    assert head.status_code == 504
    assert len(upstream.requests) == 1


@pytest.mark.parametrize("kind", ["more bytes than its length", "a body to HEAD"])
def test_stray_bytes_after_a_response_never_reach_the_next_visitor(raw_upstream, proxy_to, kind):
    # The stray bytes arrive a moment after the response, when the pooled connection is already
    # taken by the next request: they must never be read as the next response (the old proxy
    # answered that next visitor 502, having parsed the stray bytes as its status line).
    stray = b"<p>\xe5\x89\x8d\xe4\xb8\x80\xe4\xbd\x8d\xe8\xae\xbf\xe5\xae\xa2\xe7\x9a\x84\xe9\xa1\xb5\xe9\x9d\xa2</p>"

    def answer(line):
        if kind == "more bytes than its length" or len(upstream.requests) % 2 == 1:  # the visitor's HEADs
            return [(response("200 OK", b"ok", b"text/plain"), 0), (stray, 0.3)]
        return [(response("200 OK", b"ok", b"text/plain"), 0)]

    upstream = raw_upstream(answer)
    proxy, process = proxy_to(upstream.url, ELDERMODE_ENTRY_LINK="false")  # HEAD not rewritten: the proxy's own
    with httpx.Client(timeout=20) as client:
        for i in range(12):
            if kind == "a body to HEAD" and i % 2 == 0:
                assert client.head(proxy + f"/t{i}").status_code == 200
                continue
            r = client.get(proxy + f"/t{i}")
            assert (r.status_code, r.content) == (200, b"ok"), (i, r.status_code, process.output()[-2000:])
    assert "前一位访客的页面".encode() not in process.output().encode()


def test_a_page_of_upstream_bytes_is_cut_in_the_log(raw_upstream, proxy_to):
    garbage = ("X" * 90_000).encode() + b"\r\n\r\n"
    upstream = raw_upstream(lambda line: [(garbage, 0)])
    proxy, process = proxy_to(upstream.url)
    r = httpx.get(proxy + "/page.html", timeout=20)
    assert r.status_code == 502
    time.sleep(0.2)  # let the process flush its log (not a timing assertion)
    lines = process.output().splitlines()
    assert any("/page.html" in line for line in lines)
    assert max(len(line) for line in lines) < 2000
