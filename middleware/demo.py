"""``eldermode demo``: the demo government site (shipped in the package) with the proxy in front of it.

The site plays an existing CMS: static pages served as they are, the GBK copy of the report
(``*-gbk.html``) labelled ``text/html; charset=gb2312`` the way such CMSs label it, and the
site's own 404 page for dead links. Its files are the package's ``eldermode/demo_site``
(``examples/site`` in a clone), so the demo runs from an installed wheel as well.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import sys
from pathlib import Path

from .command import EXIT_OK, CommandError, settings_from

__all__ = ["build_site_app", "cmd_demo", "register", "site_dir"]

GBK_SUFFIX = "-gbk.html"
# What such CMSs send for their GBK pages (the bytes are GBK; the label says gb2312).
GBK_CONTENT_TYPE = "text/html; charset=gb2312"
_HERE = Path(__file__).resolve().parent


def site_dir() -> Path:
    """The demo site's folder: beside this package in a wheel, examples/site in a clone."""
    for candidate in (_HERE.parent / "demo_site", _HERE.parent / "examples" / "site"):
        if (candidate / "index.html").is_file():
            return candidate
    raise CommandError(f"demo: the demo site is missing (looked in {_HERE.parent / 'demo_site'})")


def build_site_app(directory: str | os.PathLike[str] | None = None):
    """A Starlette app serving ``directory`` (default: the demo site) at the root, index.html for folders."""
    from starlette.applications import Starlette
    from starlette.responses import FileResponse
    from starlette.routing import Mount
    from starlette.staticfiles import StaticFiles

    class SiteFiles(StaticFiles):
        """StaticFiles that labels the GBK pages with charset=gb2312 instead of utf-8."""

        def file_response(self, full_path, stat_result, scope, status_code=200):
            response = super().file_response(full_path, stat_result, scope, status_code)
            if str(full_path).endswith(GBK_SUFFIX) and isinstance(response, FileResponse):
                response.headers["content-type"] = GBK_CONTENT_TYPE
            return response

    folder = directory if directory is not None else site_dir()
    return Starlette(routes=[Mount("/", app=SiteFiles(directory=folder, html=True), name="site")])


def _listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` for uvicorn to serve on; a busy port is a clear error, not a traceback."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise CommandError(f"demo: cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


def cmd_demo(args: argparse.Namespace) -> int:
    import uvicorn

    from .proxy import build_proxy_app

    site = Path(args.site) if args.site else site_dir()
    if not site.is_dir():
        raise CommandError(f"demo: no demo site at {site}")
    host = "127.0.0.1"
    site_port = args.site_port if args.site_port is not None else args.port + 1
    if site_port == args.port:
        raise CommandError(f"demo: the site and the proxy cannot share port {site_port}")
    # Both ports are bound before anything starts, so a busy one stops the demo with a message.
    site_socket = _listening_socket(host, site_port)
    try:
        proxy_socket = _listening_socket(host, args.port)
    except CommandError:
        site_socket.close()
        raise
    settings = settings_from(args, upstream=f"http://{host}:{site_port}", listen=f"{host}:{args.port}")
    proxy_app = build_proxy_app(settings)
    quiet = {"log_config": None, "log_level": "warning", "access_log": settings.access_log}
    servers = [
        uvicorn.Server(uvicorn.Config(build_site_app(site), host=host, port=site_port, **quiet)),
        uvicorn.Server(uvicorn.Config(proxy_app, host=host, port=args.port, server_header=False, date_header=False,
                                      proxy_headers=False, **quiet)),
    ]
    base = f"http://{host}:{args.port}"
    print("eldermode demo is running. Open these in a browser (Ctrl+C stops it):")
    print(f"  the demo site through eldermode: {base}/")
    print(f"  the annual report, original:     {base}/report-2020.html?eldermode=off")
    print(f"  …in 长者模式 (elder mode):        {base}/report-2020.html?eldermode=elder")
    print(f"  …in 无障碍 (accessible mode):     {base}/report-2020.html?eldermode=access")
    print(f"  the same report served as GBK:   {base}/report-2020-gbk.html?eldermode=elder")
    print(f"  the demo site without eldermode: http://{host}:{site_port}/")
    sys.stdout.flush()

    async def run() -> None:
        sockets = (site_socket, proxy_socket)
        await asyncio.gather(*(server.serve(sockets=[sock]) for server, sock in zip(servers, sockets)))

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass
    return EXIT_OK


def register(sub) -> argparse.ArgumentParser:
    p = sub.add_parser("demo", help="serve the demo government site with eldermode in front of it")
    p.add_argument("--port", type=int, default=8000, help="proxy port (default 8000)")
    p.add_argument("--site-port", type=int, metavar="PORT",
                   help="port of the demo site itself, without eldermode (default: the proxy port + 1)")
    p.add_argument("--site", metavar="DIR", help="directory of a static site to use instead of the demo site")
    p.set_defaults(func=cmd_demo, serving=True)
    return p
