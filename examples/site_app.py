"""The demo government site as a plain Starlette app, with no eldermode in it (the code is eldermode.middleware.demo).

It plays the part of an existing CMS (the GBK report labelled charset=gb2312, the site's own
404 page); ``eldermode demo`` and the tests put the middleware or the proxy in front of it.

Run it alone: ``uvicorn --factory examples.site_app:build_site_app --port 8001``
(from the repository root).
"""

from __future__ import annotations

from eldermode.middleware.demo import GBK_CONTENT_TYPE, build_site_app, site_dir

__all__ = ["GBK_CONTENT_TYPE", "SITE_DIR", "build_site_app"]

SITE_DIR = site_dir()

if __name__ == "__main__":
    import uvicorn

    uvicorn.run(build_site_app(), host="127.0.0.1", port=8001)
