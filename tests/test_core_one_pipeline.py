"""One pipeline everywhere: every corpus page through ``eldermode render`` and through a real
``eldermode proxy`` process gives the same bytes, in elder and access mode.

Both read the same settings (a speech secret, the upstream) from the environment, so a difference
can only come from running another pipeline or other services — as when the proxy's 朗读 step ran
and raised on a page the command line rendered without it.
"""

from __future__ import annotations

import subprocess

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

from support import corpus_pages

PAGES = corpus_pages()


@pytest.mark.slow
@pytest.mark.skipif(not PAGES, reason="the shared real-page corpus is absent (set ELDERMODE_CORPUS)")
def test_every_corpus_page_is_the_same_through_the_command_line_and_the_proxy(serve_app, run_process, free_port,
                                                                              tmp_path):
    by_name = {page.name: page for page in PAGES}

    async def serve(request):
        page = by_name.get(request.path_params["name"])
        if page is None:
            return Response("not found", status_code=404)
        return Response(page.path.read_bytes(), media_type=None, headers={"content-type": page.content_type})

    upstream = serve_app(Starlette(routes=[Route("/{name}", serve)]))
    env = {"ELDERMODE_SECRET": "one-pipeline", "ELDERMODE_UPSTREAM": upstream,
           "ELDERMODE_CACHE_DIR": str(tmp_path / "cache")}
    port = free_port()
    proxy = f"http://127.0.0.1:{port}"
    run_process(["eldermode", "proxy", "--listen", f"127.0.0.1:{port}"], ready_url=proxy + "/__eldermode/health",
                env=env)
    import os

    differ = []
    for page in PAGES:
        for mode in ("elder", "access"):
            through_proxy = httpx.get(f"{proxy}/{page.name}?eldermode={mode}", timeout=60,
                                      headers={"accept-encoding": "identity"})
            assert through_proxy.status_code == 200
            assert through_proxy.headers.get("eldermode-fallback") is None, (page.name, mode)
            rendered = subprocess.run(["eldermode", "render", f"{upstream}/{page.name}", "--mode", mode],
                                      capture_output=True, timeout=120, env={**os.environ, **env})
            assert rendered.returncode == 0, rendered.stderr.decode()[-500:]
            if rendered.stdout != through_proxy.content:
                differ.append((page.name, mode))
    assert differ == []
