"""The ``eldermode`` command: proxy, demo, render, and each feature's subcommand (features.py).

Options every subcommand shares (``--config``, ``--log-level``, ``--log-format``, ``--access-log``)
are accepted before or after the subcommand's name. Logging is configured here, once, before
anything starts. Errors are one clear line on stderr. Exit codes: 0 success, 1 the work failed
(unreachable input, bad page), 2 bad usage or settings (a missing extra included).
"""

from __future__ import annotations

import argparse
import sys

from eldermode.transforms.profile import MENU_MODES

from . import demo
from .command import EXIT_OK, EXIT_USAGE, CommandError, load_source, settings_from, write_output
from .extras import require_extras
from .features import register_commands
from .logs import LOG_FORMATS, configure_logging
from .settings import LOG_LEVELS, Settings, SettingsError, settings_table

__all__ = ["build_parser", "main", "package_version"]


def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("eldermode")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0+unknown"


# --- proxy ---------------------------------------------------------------------------------

def cmd_proxy(args: argparse.Namespace) -> int:
    settings = settings_from(
        args, upstream=args.upstream, listen=args.listen, workers=args.workers,
        entry_link=False if args.no_entry_link else None,
    )
    if not settings.upstream:
        raise CommandError("proxy: --upstream is required (or ELDERMODE_UPSTREAM / upstream in the config file)",
                           EXIT_USAGE)
    serve_proxy(settings)
    return EXIT_OK


def serve_proxy(settings: Settings) -> None:
    import os

    import uvicorn

    os.environ.update(settings.to_env())  # how the worker processes get the same settings
    print(f"eldermode proxy: http://{settings.listen} → {settings.upstream} ({settings.workers} worker(s))",
          file=sys.stderr)
    uvicorn.run(
        "eldermode.middleware.proxy:app_from_environment",
        factory=True,
        host=settings.listen_host,
        port=settings.listen_port,
        workers=settings.workers,
        log_config=None,  # logging is configured once, by configure_logging (and in each worker)
        log_level=settings.log_level,
        # Behind a TLS terminator on a trusted address the visitor's scheme and address are
        # taken from X-Forwarded-Proto/-For (so cookies get Secure over https).
        proxy_headers=True,
        forwarded_allow_ips=settings.trusted_proxies,
        server_header=False,
        date_header=False,  # the upstream's Date is forwarded
        access_log=settings.access_log,
    )


# --- render --------------------------------------------------------------------------------

def cmd_render(args: argparse.Namespace) -> int:
    from eldermode.transforms import Profile
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
    from .services import Services

    # The proxy's own kind of services (speech secret, stylesheet and speech-page stores), so the
    # command line runs exactly the pipeline a visitor gets.
    ctx = Services(None, settings).page_context(profile, path)
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


def _add_shared_options(parser: argparse.ArgumentParser, top: bool) -> None:
    """The options every subcommand takes, before or after its name.

    Below the subcommand their default is SUPPRESS, so an option given before the name is not
    overwritten by the subcommand's parser.
    """
    default = None if top else argparse.SUPPRESS
    group = parser.add_argument_group("shared options (before or after the command)")
    group.add_argument("--config", metavar="FILE", default=default, help="TOML settings file (see the README)")
    group.add_argument("--log-level", choices=LOG_LEVELS, default=default)
    group.add_argument("--log-format", choices=LOG_FORMATS, default=default, help="log lines as text or JSON")
    group.add_argument("--access-log", dest="access_log", action="store_const", const=True, default=default,
                       help="log every request the server answers")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="eldermode",
        description="Elder mode (长者模式), accessible mode (无障碍) and speech (朗读) for existing websites.",
        epilog=_settings_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"eldermode {package_version()}")
    _add_shared_options(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("proxy", help="run the reverse proxy in front of a site")
    p.add_argument("--upstream", metavar="URL", help="the site's origin, e.g. https://www.example.gov.cn")
    p.add_argument("--listen", metavar="HOST:PORT", help="address to listen on (default 127.0.0.1:8000)")
    p.add_argument("--workers", type=int, metavar="N", help="worker processes (default 1; one per core rewrites on every core)")
    p.add_argument("--no-entry-link", action="store_true",
                   help="serve original pages byte for byte (the site links to ?eldermode=elder itself)")
    p.set_defaults(func=cmd_proxy, serving=True)

    demo.register(sub)

    p = sub.add_parser("render", help="transform one page offline")
    p.add_argument("source", metavar="FILE_OR_URL")
    p.add_argument("--mode", choices=MENU_MODES, default="elder")
    p.add_argument("--text", choices=("standard", "large", "xlarge"), default="standard")
    p.add_argument("--contrast", choices=("default", "high", "yellow"), default="default")
    p.add_argument("-o", "--output", metavar="OUT", help="output file (default: standard output)")
    p.set_defaults(func=cmd_render)

    register_commands(sub)
    for subparser in sub.choices.values():
        _add_shared_options(subparser, top=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = settings_from(args)
        configure_logging(settings.log_level, settings.log_format, settings.access_log)
        require_extras(settings, serving=getattr(args, "serving", False))
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
