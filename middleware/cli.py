"""The ``eldermode`` command: proxy, demo, render and the per-feature subcommands.

Errors are one clear line on stderr. Exit codes: 0 success, 1 the work failed
(unreachable input, bad page), 2 bad usage or settings.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import logging
import sys
from pathlib import Path

from eldermode.transforms.profile import MENU_MODES

from .command import EXIT_OK, EXIT_USAGE, CommandError, load_source, settings_from, write_output
from .features import register_commands
from .settings import Settings, SettingsError, settings_table

__all__ = ["build_parser", "main"]

REPO = Path(__file__).resolve().parents[1]


# --- proxy ---------------------------------------------------------------------------------

def cmd_proxy(args: argparse.Namespace) -> int:
    settings = settings_from(
        args, upstream=args.upstream, listen=args.listen, workers=args.workers,
        entry_link=False if args.no_entry_link else None, log_level=args.log_level,
    )
    if not settings.upstream:
        raise CommandError("proxy: --upstream is required (or ELDERMODE_UPSTREAM / upstream in the config file)",
                           EXIT_USAGE)
    serve_proxy(settings)
    return EXIT_OK


def serve_proxy(settings: Settings) -> None:
    import os

    import uvicorn

    os.environ.update(settings.to_env())
    print(f"eldermode proxy: http://{settings.listen} → {settings.upstream} ({settings.workers} worker(s))",
          file=sys.stderr)
    uvicorn.run(
        "eldermode.middleware.proxy:app_from_environment",
        factory=True,
        host=settings.listen_host,
        port=settings.listen_port,
        workers=settings.workers,
        log_level=settings.log_level,
        # Behind a TLS terminator on a trusted address the visitor's scheme and address are
        # taken from X-Forwarded-Proto/-For (so cookies get Secure over https).
        proxy_headers=True,
        forwarded_allow_ips=settings.trusted_proxies,
        server_header=False,
        date_header=False,  # the upstream's Date is forwarded
        access_log=settings.log_level == "debug",
    )


# --- demo ----------------------------------------------------------------------------------

def _load_site_app(site: Path):
    module_path = site.parent / "site_app.py"
    if not module_path.is_file():
        raise CommandError(f"demo: {module_path} not found; run the demo from a clone of the repository")
    spec = importlib.util.spec_from_file_location("eldermode_demo_site", module_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_site_app(site)


def cmd_demo(args: argparse.Namespace) -> int:
    import uvicorn

    from .proxy import build_proxy_app

    site = Path(args.site) if args.site else REPO / "examples" / "site"
    if not site.is_dir():
        raise CommandError(f"demo: no demo site at {site}")
    host = "127.0.0.1"
    site_port = args.port + 1
    settings = settings_from(args, upstream=f"http://{host}:{site_port}", listen=f"{host}:{args.port}",
                              log_level=args.log_level)
    site_app = _load_site_app(site)
    proxy_app = build_proxy_app(settings)
    servers = [
        uvicorn.Server(uvicorn.Config(site_app, host=host, port=site_port, log_level="warning")),
        uvicorn.Server(uvicorn.Config(proxy_app, host=host, port=args.port, log_level="warning",
                                      server_header=False, date_header=False, proxy_headers=False)),
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
        await asyncio.gather(*(server.serve() for server in servers))

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass
    return EXIT_OK


# --- render --------------------------------------------------------------------------------

def cmd_render(args: argparse.Namespace) -> int:
    from eldermode.transforms import Context, Profile
    from eldermode.transforms.document import NotHTML
    from eldermode.transforms.pipeline import rewrite_page

    settings = settings_from(args)
    body, content_type, path = load_source(args.source)
    try:
        profile = Profile(mode=args.mode, text=args.text, contrast=args.contrast)
    except ValueError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from exc
    if profile.mode == "off":
        write_output(body, args.output)
        return EXIT_OK
    ctx = Context(profile=profile, url=path, options=settings.page_options())
    try:
        out = rewrite_page(body, content_type, ctx)
    except NotHTML as exc:
        raise CommandError(f"render: {args.source} is not an HTML page ({exc})") from exc
    write_output(out, args.output)
    return EXIT_OK


# --- the parser ----------------------------------------------------------------------------

def _settings_epilog() -> str:
    lines = ["settings (flags > environment > --config TOML file):"]
    for name, env, default, help_text in settings_table():
        lines.append(f"  {name:<22} {env:<32} default {default}")
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="eldermode",
        description="Elder mode (长者模式), accessible mode (无障碍) and speech (朗读) for existing websites.",
        epilog=_settings_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--config", metavar="FILE", help="TOML settings file (see the README)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("proxy", help="run the reverse proxy in front of a site")
    p.add_argument("--upstream", metavar="URL", help="the site's origin, e.g. https://www.example.gov.cn")
    p.add_argument("--listen", metavar="HOST:PORT", help="address to listen on (default 127.0.0.1:8000)")
    p.add_argument("--workers", type=int, metavar="N", help="worker processes (default 1)")
    p.add_argument("--no-entry-link", action="store_true",
                   help="serve original pages byte for byte (the site links to ?eldermode=elder itself)")
    p.add_argument("--log-level", choices=("debug", "info", "warning", "error"))
    p.set_defaults(func=cmd_proxy)

    p = sub.add_parser("demo", help="serve the demo government site with eldermode in front of it")
    p.add_argument("--port", type=int, default=8000, help="proxy port; the site itself uses PORT+1 (default 8000)")
    p.add_argument("--site", metavar="DIR", help="directory of the static demo site (default examples/site)")
    p.add_argument("--log-level", choices=("debug", "info", "warning", "error"))
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("render", help="transform one page offline")
    p.add_argument("source", metavar="FILE_OR_URL")
    p.add_argument("--mode", choices=MENU_MODES, default="elder")
    p.add_argument("--text", choices=("standard", "large", "xlarge"), default="standard")
    p.add_argument("--contrast", choices=("default", "high", "yellow"), default="default")
    p.add_argument("-o", "--output", metavar="OUT", help="output file (default: standard output)")
    p.set_defaults(func=cmd_render)

    register_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except CommandError as exc:
        print(f"eldermode {args.command}: {exc}" if not str(exc).startswith(args.command) else f"eldermode {exc}",
              file=sys.stderr)
        return exc.code
    except SettingsError as exc:
        print(f"eldermode: setting error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
