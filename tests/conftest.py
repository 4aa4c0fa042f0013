"""Shared pytest fixtures: seed pages, real servers and processes, Chromium pages, screenshots.

Owned by the test-infrastructure work; the utilities behind these fixtures are
in ``support.py`` (import them with ``from support import run_axe, ...`` —
pytest puts tests/ on sys.path). Add a new shared fixture here with a small
edit and a docstring.
"""

from __future__ import annotations

import asyncio
from typing import Any, Callable, Iterator

import pytest

import support

BROWSER_FIXTURES = {"browser", "page", "new_page"}


def _missing(what: str) -> None:
    """Skip on a developer machine without ``what``; fail loudly in CI, where tests/run.sh installs it."""
    if support.is_ci():
        pytest.fail(f"{what} (CI=true: tests/run.sh should have installed it)", pytrace=False)
    pytest.skip(what)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A test that uses a browser fixture is a browser test, so `-m "not browser"` leaves it out.
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


# ---------------------------------------------------------------- seed pages


def _read_seed(name: str) -> bytes:
    path = support.seed_page_path(name)
    return path.read_bytes()


@pytest.fixture(scope="session")
def seed_html_bytes() -> bytes:
    """The seed report page (UTF-8) as the CMS serves it (tests/fixtures/pages/report-2020.html)."""
    return _read_seed(support.SEED_HTML_NAME)


@pytest.fixture(scope="session")
def seed_gbk_bytes() -> bytes:
    """The same page in GBK bytes, its meta declaring gb2312 (tests/fixtures/pages/report-2020.gbk.html)."""
    return _read_seed(support.SEED_GBK_NAME)


# ---------------------------------------------------------------- servers and processes


def _server_factory() -> Iterator[Callable[..., str]]:
    served: list[support.ServedApp] = []

    def start(app: Any, port: int | None = None, **config: Any) -> str:
        handle = support.start_app_server(app, port, **config)
        served.append(handle)
        return handle.base_url

    yield start
    for handle in reversed(served):
        handle.stop()


@pytest.fixture
def serve_app() -> Iterator[Callable[..., str]]:
    """Factory: ``serve_app(app, port=None, **uvicorn_config) -> base_url`` ("http://127.0.0.1:PORT").

    Runs a real uvicorn server in a background thread; every server started
    through it is stopped when the test ends.
    """
    yield from _server_factory()


@pytest.fixture(scope="session")
def serve_app_session() -> Iterator[Callable[..., str]]:
    """Like ``serve_app`` but the servers live until the end of the test session (for slow-to-build apps)."""
    yield from _server_factory()


@pytest.fixture(scope="session")
def demo_site_url(serve_app_session: Callable[..., str]) -> str:
    """Base URL of the plain demo government site (examples/site, no middleware), for the whole session."""
    return serve_app_session(support.load_example("site_app").build_site_app())


@pytest.fixture
def run_process() -> Iterator[Callable[..., support.RunningProcess]]:
    """Factory: ``run_process(args, ready_url, timeout=20, env=None, ready_statuses=None) -> RunningProcess``.

    Starts a real subprocess (e.g. ``["eldermode", "proxy", "--upstream", url,
    "--listen", f"127.0.0.1:{port}"]``), waits until ``ready_url`` answers and
    kills its whole process group when the test ends. ``.output()`` gives its
    captured stdout+stderr; ``.stop()`` ends it early and returns the exit code.
    """
    started: list[support.RunningProcess] = []

    def start(args: list[str], ready_url: str | None = None, **kwargs: Any) -> support.RunningProcess:
        running = support.start_process(args, ready_url, **kwargs)
        started.append(running)
        return running

    yield start
    for running in reversed(started):
        running.stop()


@pytest.fixture
def free_port() -> Callable[[], int]:
    """``free_port()`` -> a TCP port on 127.0.0.1 free at the time of the call (for subprocesses to bind)."""
    return support.free_port


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """``redis://127.0.0.1:PORT/0`` of a private redis-server (no persistence) started for this session."""
    import shutil

    server = shutil.which("redis-server")
    if server is None:
        _missing("redis-server not found (apt-get install redis-server)")
    port = support.free_port()
    running = support.start_process(
        [server, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
    )
    try:
        if not support.wait_for_port(port):
            raise RuntimeError(f"redis-server did not listen on {port}:\n{running.output()}")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        running.stop()


# ---------------------------------------------------------------- browser


@pytest.fixture(autouse=True)
def _hide_playwright_event_loop(request: pytest.FixtureRequest) -> Iterator[None]:
    """Let tests that do not use the browser run asyncio (asyncio.run, pytest-asyncio, anyio) after one that did.

    Playwright's sync API keeps its event loop marked as running in the main
    thread for as long as the session-scoped browser lives, and asyncio.run()
    then refuses to start ("cannot be called from a running event loop"). For
    the length of a test that does not use the browser, that mark is lifted.
    Browser tests themselves must be plain (sync) functions.
    """
    loop = asyncio.events._get_running_loop()
    if loop is None or BROWSER_FIXTURES & set(request.fixturenames):
        yield
        return
    asyncio.events._set_running_loop(None)
    try:
        yield
    finally:
        asyncio.events._set_running_loop(loop)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Debian Chromium (/usr/bin/chromium) per test session, through Playwright's sync API."""
    import os

    if not os.path.exists(support.CHROMIUM_PATH):
        _missing(f"{support.CHROMIUM_PATH} not found (apt-get install chromium fonts-noto-cjk)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed (pip install -e '.[dev]')")
    playwright = sync_playwright().start()
    try:
        chromium = support.launch_chromium(playwright)
    except Exception:
        playwright.stop()
        raise
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def new_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """Factory: ``new_page(viewport="desktop"|"mobile"|{"width":..,"height":..}, **context_options) -> Page``.

    Each call opens a fresh browser context (own cookies), closed when the
    test ends. Desktop is 1280x800, mobile 375x812 (support.VIEWPORTS).
    """
    contexts: list[Any] = []

    def open_page(viewport: str | dict = "desktop", **context_options: Any) -> Any:
        size = support.VIEWPORTS[viewport] if isinstance(viewport, str) else viewport
        context = browser.new_context(viewport=size, locale="zh-CN", **context_options)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(request: pytest.FixtureRequest, new_page: Callable[..., Any]) -> Any:
    """A Playwright page in a fresh context, 1280 px wide by default.

    For both widths: ``@pytest.mark.parametrize("page", ["desktop", "mobile"], indirect=True)``.
    """
    return new_page(getattr(request, "param", "desktop"))


@pytest.fixture(scope="session")
def screenshots_dir() -> Any:
    """tests/artifacts/screenshots (gitignored), created on demand, for tests that save screenshots."""
    path = support.ARTIFACTS_DIR / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def axe_available() -> None:
    """Skip (or fail in CI) when axe-core is not installed in tests/node_modules."""
    if not support.AXE_PATH.exists():
        _missing(f"{support.AXE_PATH} not found (cd tests && npm ci)")
