"""Shared test utilities: the seed pages, real servers and processes on loopback, Chromium, axe-core.

Owned by the test-infrastructure work. Everything here runs real parts: a real
uvicorn server in a thread, real subprocesses, Debian's Chromium through
Playwright, and axe-core installed by npm into ``tests/node_modules`` (by
``tests/run.sh``). The pytest fixtures that wrap these live in ``conftest.py``.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parent
EXAMPLES_DIR = REPO_ROOT / "examples"
SITE_DIR = EXAMPLES_DIR / "site"
ARTIFACTS_DIR = TESTS_DIR / "artifacts"
AXE_PATH = TESTS_DIR / "node_modules" / "axe-core" / "axe.min.js"

CHROMIUM_PATH = "/usr/bin/chromium"
# Flags measured to work headless here (see shared/notes/tooling.md); the last
# four keep Chromium from reaching for the network on its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {
    "desktop": {"width": 1280, "height": 800},
    "mobile": {"width": 375, "height": 812},
}
AXE_IMPACTS = ("critical", "serious", "moderate", "minor")


PAGES_DIR = TESTS_DIR / "fixtures" / "pages"  # the project's own copy of the seed report (UTF-8 and GBK)
SEED_HTML_NAME = "report-2020.html"
SEED_GBK_NAME = "report-2020.gbk.html"


def seed_page_path(name: str = SEED_HTML_NAME) -> Path:
    """The seed report page as the CMS serves it, from the repository (a plain clone has it)."""
    return PAGES_DIR / name


# ---------------------------------------------------------------- the shared real-page corpus


@dataclass(frozen=True)
class CorpusPage:
    """One real page of ``shared/corpus``: its file, the Content-Type to serve it with, its kind."""

    name: str
    path: Path
    content_type: str
    kind: str
    site: str

    def read(self) -> bytes:
        return self.path.read_bytes()


def corpus_dir() -> Path | None:
    """``$ELDERMODE_CORPUS`` or ``../shared/corpus`` beside the repository; None when absent.

    The corpus holds real pages from public repositories: they are read from
    there and never copied into the project.
    """
    override = os.environ.get("ELDERMODE_CORPUS")
    path = Path(override) if override else REPO_ROOT.parent / "shared" / "corpus"
    return path if (path / "manifest.json").is_file() else None


CORPUS_MISSING = (
    "the shared real-page corpus is absent (set ELDERMODE_CORPUS, or put shared/corpus beside the "
    "repository): tests over real government pages are skipped"
)


def corpus_pages() -> list[CorpusPage]:
    """Every page of the corpus in name order, or [] when the corpus is absent."""
    import json

    root = corpus_dir()
    if root is None:
        return []
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    return [
        CorpusPage(name, root / "pages" / name, entry.get("content_type", "text/html"),
                   entry.get("kind", ""), entry.get("site", ""))
        for name, entry in sorted(manifest.items())
        if (root / "pages" / name).is_file()
    ]


def corpus_params() -> list[Any]:
    """``pytest.param`` per corpus page (id = file name), or one skipped param saying why."""
    import pytest

    pages = corpus_pages()
    if not pages:
        return [pytest.param(None, id="no-corpus", marks=pytest.mark.skip(reason=CORPUS_MISSING))]
    return [pytest.param(page, id=page.name) for page in pages]


def peer_suites_dir() -> Path | None:
    """``$ELDERMODE_PEER_SUITES`` or ``../shared/peer-suites``; None when absent."""
    override = os.environ.get("ELDERMODE_PEER_SUITES")
    path = Path(override) if override else REPO_ROOT.parent / "shared" / "peer-suites"
    return path if path.is_dir() else None


def load_example(name: str) -> Any:
    """Import ``examples/<name>.py`` as a module (examples/ is not a package)."""
    path = EXAMPLES_DIR / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"eldermode_examples_{name}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def is_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


# ---------------------------------------------------------------- servers


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (prefer passing a bound socket where you can)."""
    return free_ports(1)[0]


def free_ports(count: int) -> list[int]:
    """``count`` distinct TCP ports on 127.0.0.1, all free a moment ago (held together, so no two are the same)."""
    socks = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(count)]
    try:
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in socks]
    finally:
        for sock in socks:
            sock.close()


@dataclass
class ServedApp:
    """A uvicorn server running an ASGI app in a background thread."""

    base_url: str
    port: int
    server: Any
    thread: threading.Thread

    def stop(self, timeout: float = 5.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)
        if self.thread.is_alive():
            # Open keep-alive connections or a hanging handler: stop waiting for them.
            self.server.force_exit = True
            self.thread.join(timeout)


def start_app_server(app: Any, port: int | None = None, **config: Any) -> ServedApp:
    """Start a real uvicorn server for ``app`` on 127.0.0.1 and return once it accepts connections.

    With ``port=None`` the socket is bound here (port 0) and handed to uvicorn,
    so there is no race for a "free" port. Extra keyword arguments go to
    ``uvicorn.Config`` (e.g. ``timeout_keep_alive``). Call ``.stop()`` when done.
    """
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port or 0))
    sock.listen(128)
    bound_port = sock.getsockname()[1]
    settings: dict[str, Any] = {
        "log_level": "warning",
        "access_log": False,
        "lifespan": "auto",
        "timeout_graceful_shutdown": 2,
    }
    settings.update(config)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=bound_port, **settings))
    errors: list[BaseException] = []

    def serve() -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as exc:  # noqa: BLE001 - reported to the starting thread below
            errors.append(exc)
        finally:
            sock.close()

    thread = threading.Thread(target=serve, name=f"uvicorn-{bound_port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if errors or not thread.is_alive():
            raise RuntimeError(f"uvicorn failed to start on port {bound_port}: {errors[:1]!r}")
        if time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"uvicorn did not start on port {bound_port} within 15 s")
        time.sleep(0.01)
    return ServedApp(f"http://127.0.0.1:{bound_port}", bound_port, server, thread)


# ---------------------------------------------------------------- processes


def url_answers(url: str, timeout: float = 1.0) -> int | None:
    """The HTTP status ``url`` answers with, or None if nothing answers (yet)."""
    request = urllib.request.Request(url, method="GET")
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect is an answer; following it could leave loopback.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class RunningProcess:
    """A subprocess started in its own process group, with its output captured to a file."""

    args: list[str]
    proc: subprocess.Popen
    log_path: Path
    _log_file: Any = field(repr=False, default=None)

    def output(self) -> str:
        """Everything the process wrote to stdout and stderr so far."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def stop(self, timeout: float = 5.0) -> int | None:
        """SIGTERM the process group (workers included), SIGKILL it if it lingers; return the exit code."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout)
        else:
            # The leader exited; make sure no worker it forked outlives the test.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
        return self.proc.returncode


def start_process(
    args: Sequence[str],
    ready_url: str | None = None,
    *,
    timeout: float = 20.0,
    env: dict[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    ready_statuses: Iterable[int] | None = None,
) -> RunningProcess:
    """Start ``args`` as a real subprocess and wait until ``ready_url`` answers over HTTP.

    Any HTTP status counts as an answer unless ``ready_statuses`` narrows it
    (a proxy whose upstream is down still answers 502). Raises RuntimeError,
    with the process's output, if it exits or does not answer within
    ``timeout`` seconds. ``env`` is added to the current environment. The
    virtualenv's ``bin`` is put first on PATH so ``eldermode`` is found.
    """
    full_env = dict(os.environ)
    full_env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + full_env.get("PATH", "")
    full_env.setdefault("PYTHONUNBUFFERED", "1")
    if env:
        full_env.update(env)
    log_fd, log_name = tempfile.mkstemp(prefix="eldermode-proc-", suffix=".log")
    log_file = os.fdopen(log_fd, "wb")
    proc = subprocess.Popen(
        list(args),
        stdin=subprocess.DEVNULL,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        env=full_env,
        cwd=cwd,
        start_new_session=True,
    )
    running = RunningProcess(list(args), proc, Path(log_name), log_file)
    if ready_url is None:
        return running
    wanted = set(ready_statuses) if ready_statuses is not None else None
    deadline = time.monotonic() + timeout
    while True:
        status = url_answers(ready_url)
        if status is not None and (wanted is None or status in wanted):
            return running
        if proc.poll() is not None:
            running.stop()
            raise RuntimeError(
                f"{' '.join(args)} exited with {proc.returncode} before {ready_url} answered:\n{running.output()}"
            )
        if time.monotonic() > deadline:
            running.stop()
            raise RuntimeError(
                f"{ready_url} did not answer{' with ' + str(sorted(wanted)) if wanted else ''} within "
                f"{timeout} s of starting {' '.join(args)} (last status {status}):\n{running.output()}"
            )
        time.sleep(0.05)


def wait_for_port(port: int, host: str = "127.0.0.1", timeout: float = 10.0) -> bool:
    """True once something accepts TCP connections on host:port (for non-HTTP servers such as redis)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
            return True
        time.sleep(0.05)
    return False


# ---------------------------------------------------------------- browser and axe


def launch_chromium(playwright: Any) -> Any:
    """Launch Debian's Chromium with Playwright; never a browser Playwright downloaded."""
    return playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS, headless=True)


def run_axe(
    page: Any,
    rules: Sequence[str] | None = None,
    tags: Sequence[str] | None = None,
    options: dict[str, Any] | None = None,
) -> dict:
    """Run axe-core on the page as loaded and return ``axe.run``'s results (violations, passes, ...).

    ``rules`` runs only those rule ids; ``tags`` runs only rules with those
    tags (e.g. ``["wcag2a", "wcag2aa"]``); not both. ``options`` is passed to
    ``axe.run`` as is and overrides the two. axe is injected once per page
    load from tests/node_modules; if the page's Content-Security-Policy blocks
    the injected script, the source is evaluated through the DevTools protocol,
    which CSP does not govern, so tests keep the page's real CSP.
    """
    if rules and tags:
        raise ValueError("run_axe: give rules or tags, not both")
    if not AXE_PATH.exists():
        raise FileNotFoundError(f"{AXE_PATH} is missing: run `npm ci` in tests/ (tests/run.sh does)")
    run_options: dict[str, Any] = {}
    if rules:
        run_options["runOnly"] = {"type": "rule", "values": list(rules)}
    elif tags:
        run_options["runOnly"] = {"type": "tag", "values": list(tags)}
    if options:
        run_options.update(options)
    if not page.evaluate("() => typeof window.axe === 'object'"):
        with contextlib.suppress(Exception):
            page.add_script_tag(path=str(AXE_PATH))
        if not page.evaluate("() => typeof window.axe === 'object'"):
            source = AXE_PATH.read_text(encoding="utf-8")
            page.evaluate("(source) => { (0, eval)(source); }", source)
    return page.evaluate("(options) => window.axe.run(document, options)", run_options)


def violations_by_impact(results: dict) -> dict[str, list[dict]]:
    """axe violations grouped by impact: ``{"critical": [...], "serious": [...], "moderate": [...], "minor": [...]}``.

    Every impact key is present (possibly empty); a violation axe gives no
    impact to is filed under "minor".
    """
    grouped: dict[str, list[dict]] = {impact: [] for impact in AXE_IMPACTS}
    for violation in results.get("violations", []):
        grouped.setdefault(violation.get("impact") or "minor", []).append(violation)
    return grouped


def violation_ids(results: dict, impacts: Iterable[str] = AXE_IMPACTS) -> set[str]:
    """The ids of the rules axe found violated with one of ``impacts``."""
    wanted = set(impacts)
    return {v["id"] for v in results.get("violations", []) if (v.get("impact") or "minor") in wanted}


def text_view_page(body: bytes, content_type: str, url: str) -> bytes:
    """The 纯文本 view as the endpoint builds it (the access pipeline, then the view), without services."""
    from eldermode.transforms import Context, Profile
    from eldermode.transforms.outputs import page_text_view

    return page_text_view(body, content_type, Context(profile=Profile(mode="access"), url=url))


def spoken_sentences(root) -> list[str]:
    """The sentences 朗读 reads on a rewritten page (a parsed tree), as speech.js gathers them: every
    ``data-em-seg`` outside the tables' linear readings (<details>) and the toolbar, grouped by number,
    in document order."""
    from eldermode.transforms.speech import speakable_text

    groups: dict[str, list] = {}
    for el in root.iter():
        if not isinstance(el.tag, str) or el.get("data-em-seg") is None:
            continue
        if any(a.tag == "details" or a.get("data-eldermode") == "toolbar" for a in el.iterancestors()):
            continue
        groups.setdefault(el.get("data-em-seg"), []).append(el)
    return [speakable_text("".join(s.text_content() for s in spans)) for spans in groups.values()]


def asgi_get(app: Any, url: str, **kwargs: Any) -> Any:
    """``GET url`` of an ASGI app in process (httpx's ASGI transport, no socket): the httpx Response."""
    import asyncio

    import httpx

    async def run() -> Any:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gov.example") as client:
            return await client.get(url, **kwargs)

    return asyncio.run(run())
