"""The demo government site (examples/site/) as a plain Starlette app, with no eldermode in it.

It plays the part of an existing CMS: static pages served as they are, the
GBK copy of the report (``*-gbk.html``) sent as ``text/html; charset=gb2312``
the way such CMSs label it, and the site's own 404 page for dead links.
``eldermode demo`` and the tests put the middleware or the proxy in front of it.

Run it alone: ``uvicorn --factory examples.site_app:build_site_app --port 8001``
(from the repository root).
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.responses import FileResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

SITE_DIR = Path(__file__).resolve().parent / "site"
GBK_SUFFIX = "-gbk.html"
# What such CMSs send for their GBK pages (the bytes are GBK; the label says gb2312).
GBK_CONTENT_TYPE = "text/html; charset=gb2312"


class SiteFiles(StaticFiles):
    """StaticFiles that labels the GBK pages with charset=gb2312 instead of utf-8."""

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        if str(full_path).endswith(GBK_SUFFIX) and isinstance(response, FileResponse):
            response.headers["content-type"] = GBK_CONTENT_TYPE
        return response


def build_site_app(directory: str | os.PathLike[str] = SITE_DIR) -> Starlette:
    """A Starlette app serving ``directory`` (default examples/site) at the root, index.html for folders."""
    return Starlette(routes=[Mount("/", app=SiteFiles(directory=directory, html=True), name="site")])


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(build_site_app(), host="127.0.0.1", port=8001)
