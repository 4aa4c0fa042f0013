"""The reverse proxy as a real process in front of a real uvicorn upstream, over loopback.

Covers real proxy behaviour (hop-by-hop headers, X-Forwarded-*, redirects, cookies,
streaming both ways), never being an open proxy, and every bad upstream reply.
"""

from __future__ import annotations

import asyncio
import hashlib
import socket
import threading

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

DOWNLOAD_CHUNK = b"0123456789abcdef" * 4096  # 64 KiB


def upstream_app(seed_gbk: bytes, hits: list) -> Starlette:
    async def page(request: Request):
        origin = f"http://{request.headers['host']}"
        html = (f'<!DOCTYPE html><html><head><title>首页</title></head><body>'
                f'<a href="{origin}/list.html">列表</a><img src="{origin}/logo.png"></body></html>')
        return Response(html, media_type="text/html; charset=utf-8")

    async def gbk(request: Request):
        return Response(seed_gbk, media_type="text/html; charset=gb2312")

    async def echo(request: Request):
        hits.append(request.url.path)
        return JSONResponse({"path": request.url.path, "query": request.url.query,
                             "headers": {k: v for k, v in request.headers.items()}})

    async def echo_body(request: Request):
        digest = hashlib.sha256()
        size = 0
        async for chunk in request.stream():
            digest.update(chunk)
            size += len(chunk)
        return JSONResponse({"size": size, "sha256": digest.hexdigest()})

    async def redirect(request: Request):
        origin = f"http://{request.headers['host']}"
        where = {"abs": f"{origin}/target?x=1", "rel": "/target", "other": "http://other.invalid/x"}
        return Response(status_code=302, headers={"Location": where[request.path_params["kind"]]})

    async def cookie(request: Request):
        response = Response("ok")
        response.headers.append("set-cookie", "sid=abc; Domain=upstream.example; Path=/; HttpOnly")
        response.headers.append("set-cookie", "pref=1; Path=/")
        return response

    async def hop(request: Request):
        return Response("ok", headers={"Connection": "X-Private", "X-Private": "secret", "Keep-Alive": "timeout=5"})

    async def download(request: Request):
        count = int(request.query_params.get("chunks", "16"))

        async def gen():
            for _ in range(count):
                yield DOWNLOAD_CHUNK

        return StreamingResponse(gen(), media_type="application/octet-stream")

    async def slow_start(request: Request):
        await asyncio.sleep(30)
        return Response("late")

    async def stalled_page(request: Request):
        async def gen():
            yield b"<html><body><p>first half"
            await asyncio.sleep(30)
            yield b"</p></body></html>"

        return StreamingResponse(gen(), media_type="text/html")

    async def drip_page(request: Request):
        async def gen():
            yield b"<html><body><p>"
            for _ in range(120):  # a byte every half second: each read is quick, the page never ends
                await asyncio.sleep(0.5)
                yield b"x"

        return StreamingResponse(gen(), media_type="text/html")

    return Starlette(routes=[
        Route("/drip.html", drip_page),
        Route("/page.html", page), Route("/gbk.html", gbk), Route("/echo/{rest:path}", echo, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
        Route("/body", echo_body, methods=["POST", "PUT"]), Route("/redirect/{kind}", redirect),
        Route("/cookie", cookie), Route("/hop", hop), Route("/download", download),
        Route("/slow", slow_start), Route("/stalled.html", stalled_page),
    ])


@pytest.fixture
def stack(serve_app, run_process, free_port, seed_gbk_bytes):
    """(proxy base URL, upstream base URL, list of paths the upstream echoed)."""
    hits: list = []
    upstream = serve_app(upstream_app(seed_gbk_bytes, hits))
    port = free_port()
    proxy = f"http://127.0.0.1:{port}"
    run_process(["eldermode", "proxy", "--upstream", upstream, "--listen", f"127.0.0.1:{port}"],
                ready_url=proxy + "/__eldermode/health", env={"ELDERMODE_READ_TIMEOUT": "1.5"})
    return proxy, upstream, hits


def get(url: str, **kw) -> httpx.Response:
    return httpx.get(url, timeout=20, follow_redirects=False, **kw)


def test_gbk_page_through_the_proxy_is_utf8_in_elder_mode(stack):
    proxy, _, _ = stack
    r = get(proxy + "/gbk.html?eldermode=elder")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert int(r.headers["content-length"]) == r.num_bytes_downloaded  # the compressed length on the wire
    text = r.content.decode("utf-8")
    assert "鄂城区2020年政府信息公开工作年报" in text and "明塘路70号" in text
    assert 'eldermode=off' in text  # the way back to the original page


def test_mode_persists_across_pages_by_cookie(stack):
    proxy, _, _ = stack
    with httpx.Client(timeout=20) as client:
        first = client.get(proxy + "/page.html?eldermode=access")
        assert first.cookies.get("eldermode") == "access"
        second = client.get(proxy + "/gbk.html")
        assert 'data-em-mode="access"' in second.text
        off = client.get(proxy + "/gbk.html?eldermode=off")
        assert b'data-eldermode="entry"' in off.content
        assert off.headers["content-type"] == "text/html; charset=gb2312"


def test_absolute_links_to_the_upstream_become_relative(stack):
    proxy, upstream, _ = stack
    text = get(proxy + "/page.html?eldermode=elder").text
    assert upstream not in text
    assert 'href="/list.html"' in text and 'src="/logo.png"' in text


def test_forwarded_headers_and_hop_by_hop(stack):
    proxy, upstream, _ = stack
    r = get(proxy + "/echo/a?b=1", headers={"Connection": "keep-alive, X-Drop-Me", "X-Drop-Me": "1",
                                            "X-Keep": "2", "TE": "trailers"})
    seen = r.json()["headers"]
    assert seen["host"] == upstream.split("://")[1]
    assert seen["x-forwarded-for"] == "127.0.0.1"
    assert seen["x-forwarded-proto"] == "http"
    assert seen["x-forwarded-host"] == proxy.split("://")[1]
    assert "x-drop-me" not in seen and "te" not in seen
    assert seen["x-keep"] == "2"
    hop = get(proxy + "/hop")
    assert "x-private" not in hop.headers and "keep-alive" not in hop.headers


def test_redirects_are_not_followed_and_point_back_at_the_proxy(stack):
    proxy, _, _ = stack
    assert get(proxy + "/redirect/abs").headers["location"] == "/target?x=1"
    # Never an origin from the visitor's Host header: that would redirect anywhere.
    assert get(proxy + "/redirect/abs", headers={"Host": "evil.example"}).headers["location"] == "/target?x=1"
    assert get(proxy + "/redirect/rel").headers["location"] == "/target"
    # A redirect elsewhere is passed to the browser, not followed by the proxy.
    r = get(proxy + "/redirect/other")
    assert r.status_code == 302 and r.headers["location"] == "http://other.invalid/x"


def test_set_cookie_domain_is_removed(stack):
    proxy, _, _ = stack
    cookies = get(proxy + "/cookie").headers.get_list("set-cookie")
    assert any(c.startswith("sid=abc") and "domain" not in c.lower() for c in cookies)
    assert any(c.startswith("pref=1") for c in cookies)


def test_request_bodies_stream_to_the_upstream(stack):
    proxy, _, _ = stack
    payload = bytes(range(256)) * 40000  # ~10 MB

    def chunks():
        for i in range(0, len(payload), 65536):
            yield payload[i:i + 65536]

    r = httpx.post(proxy + "/body", content=chunks(), timeout=60)
    assert r.json() == {"size": len(payload), "sha256": hashlib.sha256(payload).hexdigest()}


def test_downloads_pass_byte_for_byte(stack):
    proxy, _, _ = stack
    with httpx.stream("GET", proxy + "/download?chunks=160", timeout=60) as r:  # 10 MiB
        digest = hashlib.sha256()
        for chunk in r.iter_bytes():
            digest.update(chunk)
    assert digest.hexdigest() == hashlib.sha256(DOWNLOAD_CHUNK * 160).hexdigest()


def raw_request(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while True:
            part = sock.recv(65536)
            if not part:
                return data
            data += part


@pytest.fixture
def bystander(serve_app):
    """A server on loopback that the proxy must never reach, with a list of requests it got."""
    got: list = []

    async def app(scope, receive, send):
        if scope["type"] == "http":
            got.append(scope["path"])
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"bystander"})

    return serve_app(app), got


def test_never_an_open_proxy(stack, bystander):
    proxy, upstream, hits = stack
    target, got = bystander
    target_host = target.split("://")[1]
    port = int(proxy.rsplit(":", 1)[1])
    # The Host header does not choose the upstream.
    r = get(proxy + "/echo/host", headers={"Host": target_host})
    assert r.json()["path"] == "/echo/host"
    # Absolute-form request targets are refused.
    reply = raw_request(port, f"GET {target}/x HTTP/1.1\r\nHost: {target_host}\r\nConnection: close\r\n\r\n".encode())
    assert b"bystander" not in reply and reply.split(b" ")[1] in (b"400", b"404")
    # A path that looks like a network-path reference stays a path on the upstream.
    reply = raw_request(port, f"GET //{target_host}/echo/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    assert b"bystander" not in reply
    # Internal page fetches take paths only.
    r = get(proxy + f"/__eldermode/health?url={target}")
    assert r.status_code == 200
    assert got == []


class RawServer:
    """A TCP server on loopback that misbehaves: closes at once, or accepts and never answers."""

    def __init__(self, behaviour: str):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.behaviour = behaviour
        self.conns: list = []
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            if self.behaviour == "close":
                conn.close()
            else:
                self.conns.append(conn)

    def close(self):
        self.sock.close()
        for conn in self.conns:
            conn.close()


@pytest.mark.parametrize("behaviour, status", [("close", 502), ("hang", 504)])
def test_bad_upstreams_get_a_readable_error_page(run_process, free_port, behaviour, status):
    server = RawServer(behaviour)
    port = free_port()
    proxy = f"http://127.0.0.1:{port}"
    try:
        run_process(["eldermode", "proxy", "--upstream", f"http://127.0.0.1:{server.port}",
                     "--listen", f"127.0.0.1:{port}"], ready_url=proxy + "/__eldermode/health",
                    env={"ELDERMODE_READ_TIMEOUT": "1"})
        r = get(proxy + "/any.html?eldermode=elder")
        assert r.status_code == status
        assert r.headers["content-type"] == "text/html; charset=utf-8"
        assert str(status) in r.text and "<h1" in r.text
    finally:
        server.close()


def test_connection_refused_is_502(run_process, free_port):
    dead, port = free_port(), free_port()
    proxy = f"http://127.0.0.1:{port}"
    run_process(["eldermode", "proxy", "--upstream", f"http://127.0.0.1:{dead}", "--listen", f"127.0.0.1:{port}"],
                ready_url=proxy + "/__eldermode/health")
    assert get(proxy + "/").status_code == 502


def test_slow_upstream_is_504_and_stalled_page_is_not_half_sent(stack):
    proxy, _, _ = stack
    assert get(proxy + "/slow").status_code == 504
    r = get(proxy + "/stalled.html?eldermode=elder")
    assert r.status_code == 504
    assert "first half" not in r.text


def test_proxy_keeps_answering_after_errors(stack):
    proxy, _, _ = stack
    get(proxy + "/slow")
    assert get(proxy + "/page.html").status_code == 200


def test_cli_errors_are_one_line_with_exit_codes(run_process):
    proc = run_process(["eldermode", "proxy", "--upstream", "ftp://nope"])
    code = proc.proc.wait(20)
    out = proc.output().strip()
    assert code == 2
    assert out.count("\n") == 0 and "upstream" in out


def test_an_upstream_dripping_a_page_gets_504_within_the_read_timeout(stack):
    proxy, _, _ = stack
    r = get(proxy + "/drip.html")  # read_timeout is 1.5 s in this stack; the drip would last 60 s
    assert r.status_code == 504


def test_dot_segments_are_refused(stack):
    proxy, _, hits = stack
    port = int(proxy.rsplit(":", 1)[1])
    for target in (b"/echo/../echo/x", b"/echo/%2e%2e/x", b"/echo/.%2E/x"):
        reply = raw_request(port, b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert reply.split(b" ")[1] == b"400", target
    assert hits == []
