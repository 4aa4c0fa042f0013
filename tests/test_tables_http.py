"""``eldermode tables`` and ``/__eldermode/tables?url=…``: the seed page's tables, cell by cell."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import support

from eldermode.middleware import ElderModeMiddleware, Settings

GOLDEN = json.loads((Path(__file__).parent / "golden" / "tables" / "report-2020.json").read_text("utf-8"))
ISSUE_SENTENCE = "三、本年度办理结果 › （三）不予公开 › 1.属于国家秘密 | 申请人情况 › 法人或其他组织 › 商业企业: 0"


def eldermode(*args: str) -> subprocess.CompletedProcess:
    """The installed ``eldermode`` command (``python -m …cli`` would load cli.py twice)."""
    command = Path(sys.executable).with_name("eldermode")
    return subprocess.run([str(command), *args], capture_output=True, timeout=120, check=False)


def test_cli_prints_the_right_sentence_for_every_cell():
    result = eldermode("tables", str(support.seed_page_path()))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode("utf-8").splitlines()
    assert ISSUE_SENTENCE in lines
    expected_cells = sum(len(t["cells"]) for t in GOLDEN)
    sentences = [line for line in lines if " | " in line or line.count(": ") == 1 and "表格" not in line]
    assert len(sentences) == expected_cells
    assert lines[0].startswith("二、主动公开政府信息情况：")


def test_cli_json_and_csv_records():
    result = eldermode("tables", str(support.seed_page_path()), "--format", "json")
    tables = json.loads(result.stdout)
    got = [[{k: c[k] for k in ("row", "col", "value", "y", "x")} for c in t["cells"]] for t in tables]
    assert got == [t["cells"] for t in GOLDEN]
    result = eldermode("tables", str(support.seed_page_path(support.SEED_GBK_NAME)), "--format", "csv")
    rows = list(csv.reader(io.StringIO(result.stdout.decode("utf-8"))))
    assert len(rows) == 1 + sum(len(t["cells"]) for t in GOLDEN)
    assert rows[-1][-3:] == ["", "行政诉讼 › 复议后起诉 › 总计", "3"]


def test_cli_errors_are_one_line():
    result = eldermode("tables", "/no/such/page.html")
    assert result.returncode == 1
    assert result.stderr.decode().strip().splitlines() == [
        "eldermode tables: cannot read /no/such/page.html: No such file or directory"]
    assert eldermode("tables", "x.html", "--format", "xml").returncode == 2


# --------------------------------------------------------------------------- the endpoint


def site(pages: dict[str, tuple[bytes, str]]):
    """A tiny ASGI site serving fixed pages (404 otherwise)."""

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        body, content_type = pages.get(scope["path"], (b"not found", "text/plain"))
        status = 200 if scope["path"] in pages else 404
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", content_type.encode())]})
        await send({"type": "http.response.body", "body": body})

    return app


@pytest.fixture(scope="module")
def app(seed_html_bytes, seed_gbk_bytes):
    return ElderModeMiddleware(site({
        "/report.html": (seed_html_bytes, "text/html; charset=utf-8"),
        "/report-gbk.html": (seed_gbk_bytes, "text/html; charset=gbk"),
        "/logo.png": (b"\x89PNG....", "image/png"),
    }), settings=Settings())


def get(app, url: str) -> httpx.Response:
    async def go():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gov.example") as client:
            return await client.get(url)

    return asyncio.run(go())


def test_endpoint_json_for_a_page(app):
    response = get(app, "/__eldermode/tables?url=/report-gbk.html")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    data = response.json()
    assert data["url"] == "/report-gbk.html"
    assert [t["caption"] for t in data["tables"]] == [t["caption"] for t in GOLDEN]
    assert [[{k: c[k] for k in ("row", "col", "value", "y", "x")} for c in t["cells"]] for t in data["tables"]] == [
        t["cells"] for t in GOLDEN]
    assert ISSUE_SENTENCE in [c["text"] for t in data["tables"] for c in t["cells"]]


def test_endpoint_text_format(app):
    response = get(app, "/__eldermode/tables?url=/report.html&format=text")
    assert response.status_code == 200 and ISSUE_SENTENCE in response.text.splitlines()


@pytest.mark.parametrize(
    "url, status",
    [
        ("/__eldermode/tables?url=https://evil.example/", 400),
        ("/__eldermode/tables?url=//evil.example/x", 400),
        ("/__eldermode/tables", 400),
        ("/__eldermode/tables?url=/__eldermode/health", 400),
        ("/__eldermode/tables?url=/missing.html", 404),
        ("/__eldermode/tables?url=/logo.png", 415),
        ("/__eldermode/tables?url=/report.html&format=xml", 400),
    ],
)
def test_endpoint_refuses_bad_requests_without_echoing_them(app, url, status):
    response = get(app, url)
    assert response.status_code == status
    assert "evil" not in response.text


def test_endpoint_through_a_real_server(serve_app, seed_html_bytes):
    base = serve_app(ElderModeMiddleware(site({"/r.html": (seed_html_bytes, "text/html")}), settings=Settings()))
    response = httpx.get(base + "/__eldermode/tables?url=/r.html", timeout=30)
    assert response.status_code == 200
    assert [len(t["cells"]) for t in response.json()["tables"]] == [25, 161, 15]
