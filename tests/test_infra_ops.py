"""What an IT office runs: the command line's shared options, logging, extras, the cache directory,
readiness and Prometheus metrics — each through a real `eldermode proxy` process where it can be."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

import support

from eldermode.middleware import Settings, extras, metrics
from eldermode.middleware.settings import SettingsError, default_cache_dir

EXE = str(Path(sys.executable).with_name("eldermode"))


def run(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([EXE, *args], capture_output=True, text=True, timeout=60, **kwargs)


# ---------------------------------------------------------------- the command line


def test_version():
    from importlib.metadata import version

    result = run("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"eldermode {version('eldermode')}"


@pytest.mark.parametrize("before", [True, False])
def test_config_before_or_after_the_command(tmp_path, before):
    config = tmp_path / "bad.toml"
    config.write_text('default_mode = "dark"\n', encoding="utf-8")  # proves the file was read
    args = ["--config", str(config), "render", "x.html"] if before else ["render", "x.html", "--config", str(config)]
    result = run(*args)
    assert result.returncode == 2 and "default_mode" in result.stderr and "dark" in result.stderr


def test_an_option_before_the_command_is_not_undone_by_the_subcommand(tmp_path, seed_html_bytes):
    source = tmp_path / "p.html"
    source.write_bytes(seed_html_bytes)
    config = tmp_path / "c.toml"
    config.write_text('entry_link = false\n', encoding="utf-8")
    # --config before `render`: render's own parser must not reset it to "no file"
    bad = tmp_path / "bad.toml"
    bad.write_text("nonsense = 1\n", encoding="utf-8")
    assert run("--config", str(bad), "render", str(source), "--mode", "off").returncode == 2
    assert run("--config", str(config), "render", str(source), "--mode", "off").returncode == 0


def test_proxy_config_after_the_command_as_the_readme_writes_it(serve_app, run_process, free_port, tmp_path):
    site = serve_app(support.load_example("site_app").build_site_app())
    port = free_port()
    config = tmp_path / "eldermode.toml"
    config.write_text(f'[eldermode]\nupstream = "{site}"\nlisten = "127.0.0.1:{port}"\ncache_dir = "{tmp_path}"\n',
                      encoding="utf-8")
    base = f"http://127.0.0.1:{port}"
    run_process(["eldermode", "proxy", "--config", str(config)], base + "/__eldermode/health")
    r = httpx.get(base + "/report-2020.html?eldermode=elder", timeout=30)
    assert r.status_code == 200 and 'data-em-mode="elder"' in r.text


def test_log_level_debug_and_json_reach_the_worker(serve_app, run_process, free_port, tmp_path):
    site = serve_app(support.load_example("site_app").build_site_app())
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = run_process(["eldermode", "proxy", "--upstream", site, "--listen", f"127.0.0.1:{port}",
                        "--log-level", "debug", "--log-format", "json", "--access-log"],
                       base + "/__eldermode/health", env={"ELDERMODE_CACHE_DIR": str(tmp_path)})
    httpx.get(base + "/list.html", timeout=30)
    proc.stop()
    records = [json.loads(line) for line in proc.output().splitlines() if line.startswith("{")]
    loggers = {(r["logger"], r["level"]) for r in records}
    assert ("eldermode.proxy", "debug") in loggers, proc.output()  # eldermode's own logger at DEBUG in the worker
    assert any(r["logger"] == "uvicorn.access" and "/list.html" in r["message"] for r in records)
    assert all(set(r) >= {"time", "level", "logger", "message"} for r in records)


def test_default_logging_has_no_debug_and_no_access_log(serve_app, run_process, free_port, tmp_path):
    site = serve_app(support.load_example("site_app").build_site_app())
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = run_process(["eldermode", "proxy", "--upstream", site, "--listen", f"127.0.0.1:{port}"],
                       base + "/__eldermode/health", env={"ELDERMODE_CACHE_DIR": str(tmp_path)})
    httpx.get(base + "/list.html", timeout=30)
    proc.stop()
    assert "settings from the environment" not in proc.output() and "GET /list.html" not in proc.output()


# ---------------------------------------------------------------- extras and the cache directory


def test_a_setting_that_needs_a_missing_extra_is_one_message_at_start(monkeypatch):
    monkeypatch.setattr(extras, "_installed", lambda module: module != "redis")
    with pytest.raises(SettingsError, match=r"redis_url is set: needs the redis extra .*pip install 'eldermode\[redis\]'"):
        extras.require_extras(Settings(redis_url="redis://127.0.0.1:6379/0"))
    extras.require_extras(Settings())  # nothing needed, nothing missing
    monkeypatch.setattr(extras, "_installed", lambda module: False)
    with pytest.raises(SettingsError, match=r"eldermode\[proxy,metrics\]"):
        extras.require_extras(Settings(metrics_allow="127.0.0.1"), serving=True)


def test_the_command_says_which_extra_is_missing(tmp_path):
    # A real process in which importing redis is impossible (the module is blocked in sitecustomize).
    (tmp_path / "sitecustomize.py").write_text(
        "import importlib.abc, sys\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'redis':\n"
        "            raise ModuleNotFoundError(name)\n"
        "sys.meta_path.insert(0, Block())\n", encoding="utf-8")
    result = run("proxy", "--upstream", "http://127.0.0.1:9", env={
        "PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path), "ELDERMODE_REDIS_URL": "redis://127.0.0.1:6379/0"})
    assert result.returncode == 2
    assert "pip install 'eldermode[redis]'" in result.stderr and result.stderr.count("\n") == 1


def test_cache_dir_defaults(tmp_path):
    assert default_cache_dir({"CACHE_DIRECTORY": "/var/cache/eldermode"}, "linux") == Path("/var/cache/eldermode")
    assert default_cache_dir({"CACHE_DIRECTORY": "/var/cache/a:/var/cache/b"}, "linux") == Path("/var/cache/a")
    assert default_cache_dir({"XDG_CACHE_HOME": "/x/cache"}, "linux") == Path("/x/cache/eldermode")
    assert default_cache_dir({}, "linux") == Path.home() / ".cache" / "eldermode"
    assert default_cache_dir({"LOCALAPPDATA": "C:/Users/a/AppData/Local"}, "win32") == Path(
        "C:/Users/a/AppData/Local/eldermode/Cache")
    assert Settings(cache_dir=str(tmp_path)).cache_path == tmp_path
    assert not str(Settings().cache_path).startswith(".")  # never relative to the working directory


# ---------------------------------------------------------------- readiness and metrics


def test_ready_follows_the_upstream(run_process, free_port, tmp_path):
    site = support.start_app_server(support.load_example("site_app").build_site_app())
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    try:
        run_process(["eldermode", "proxy", "--upstream", site.base_url, "--listen", f"127.0.0.1:{port}"],
                    base + "/__eldermode/health", env={"ELDERMODE_CACHE_DIR": str(tmp_path)})
        r = httpx.get(base + "/__eldermode/ready", timeout=30)
        assert r.status_code == 200 and r.json()["status"] == "ready" and r.json()["upstream"]["reachable"]
        assert r.json()["speech"]["state"] in ("not started", "available", "unavailable")  # the proxy starts it at once
        assert r.headers["cache-control"] == "no-store"
    finally:
        site.stop()
    r = httpx.get(base + "/__eldermode/ready", timeout=30)
    assert r.status_code == 503 and r.json()["status"] == "unready" and not r.json()["upstream"]["reachable"]
    assert httpx.get(base + "/__eldermode/health", timeout=30).status_code == 200  # alive, just not ready


def test_ready_reports_the_speech_engine_once_started(serve_app, tmp_path):
    from eldermode.middleware import ElderModeMiddleware

    base = serve_app(ElderModeMiddleware(support.load_example("site_app").build_site_app(),
                                         settings=Settings(cache_dir=str(tmp_path), speech_backend="espeak-ng")))
    status = httpx.get(base + "/__eldermode/speech/status", timeout=30).json()  # starts the engine
    speech = httpx.get(base + "/__eldermode/ready", timeout=30).json()["speech"]
    assert speech["state"] == ("available" if status["available"] else "unavailable")


def _parse(text: str) -> dict:
    from prometheus_client.parser import text_string_to_metric_families

    return {family.name: family for family in text_string_to_metric_families(text)}


def test_metrics_only_to_allowed_addresses(run_process, serve_app, free_port, tmp_path):
    pytest.importorskip("prometheus_client")
    site = serve_app(support.load_example("site_app").build_site_app())
    allowed, refused = free_port(), free_port()
    env = {"ELDERMODE_CACHE_DIR": str(tmp_path)}
    for port, allow in ((allowed, "127.0.0.1, ::1"), (refused, "10.0.0.0/8")):
        run_process(["eldermode", "proxy", "--upstream", site, "--listen", f"127.0.0.1:{port}"],
                    f"http://127.0.0.1:{port}/__eldermode/health", env={**env, "ELDERMODE_METRICS_ALLOW": allow})
    base = f"http://127.0.0.1:{allowed}"
    for _ in range(3):
        httpx.get(base + "/report-2020.html?eldermode=elder", timeout=30)
    r = httpx.get(base + "/__eldermode/metrics", timeout=30)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain; version=0.0.4")
    families = _parse(r.text)
    assert "eldermode_speech_queue" in families
    counted = {(s.name, tuple(sorted(s.labels.items()))): s.value for f in families.values() for s in f.samples}
    # the page was rewritten once, then the rewrite cache answered the 2nd and 3rd request
    assert counted[("eldermode_rewrites_total", (("mode", "elder"),))] == 1
    assert counted[("eldermode_rewrite_cache_total", (("result", "hit"),))] == 2
    assert counted[("eldermode_rewrite_seconds_count", (("mode", "elder"),))] == 1
    refused_answer = httpx.get(f"http://127.0.0.1:{refused}/__eldermode/metrics", timeout=30)
    assert refused_answer.status_code == 404 and "eldermode_" not in refused_answer.text


def test_metrics_off_by_default_and_counters_exported(serve_app, tmp_path):
    pytest.importorskip("prometheus_client")
    from eldermode.middleware import ElderModeMiddleware

    site = support.load_example("site_app").build_site_app()
    off = serve_app(ElderModeMiddleware(site, settings=Settings(cache_dir=str(tmp_path))))
    assert httpx.get(off + "/__eldermode/metrics", timeout=30).status_code == 404
    on = serve_app(ElderModeMiddleware(site, settings=Settings(cache_dir=str(tmp_path), metrics_allow="127.0.0.0/8")))
    metrics.count("test_fallbacks", reason="size")
    metrics.count("test_fallbacks", reason="size")
    metrics.observe("test_rewrite_seconds", 0.02, mode="elder")
    families = _parse(httpx.get(on + "/__eldermode/metrics", timeout=30).text)
    fallbacks = [s for s in families["eldermode_test_fallbacks"].samples if s.name.endswith("_total")]
    assert [(s.labels, s.value) for s in fallbacks] >= [({"reason": "size"}, 2.0)]
    timing = {(s.name, s.labels.get("le")): s.value for s in families["eldermode_test_rewrite_seconds"].samples}
    assert timing[("eldermode_test_rewrite_seconds_bucket", "0.01")] == 0
    assert timing[("eldermode_test_rewrite_seconds_bucket", "0.025")] >= 1
    assert timing[("eldermode_test_rewrite_seconds_count", None)] >= 1


def test_the_middleware_needs_no_extra(tmp_path):
    """Inside an app, eldermode runs with none of the extras importable (no aiohttp, uvicorn, redis, pyttsx3...)."""
    (tmp_path / "sitecustomize.py").write_text(
        "import importlib.abc, sys\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('aiohttp', 'uvicorn', 'uvloop', 'httptools', 'multidict', 'redis',\n"
        "                                  'prometheus_client', 'pyttsx3'):\n"
        "            raise ModuleNotFoundError(name)\n"
        "sys.meta_path.insert(0, Block())\n", encoding="utf-8")
    script = (
        "import asyncio\n"
        "from eldermode.middleware import ElderModeMiddleware, Settings\n"
        "async def app(scope, receive, send):\n"
        "    await send({'type': 'http.response.start', 'status': 200, 'headers': [(b'content-type', b'text/html')]})\n"
        "    await send({'type': 'http.response.body', 'body': '<html><body><p>办事指南</p></body></html>'.encode()})\n"
        f"mw = ElderModeMiddleware(app, settings=Settings(cache_dir={str(tmp_path)!r}))\n"
        "out = []\n"
        "async def receive(): return {'type': 'http.request', 'body': b''}\n"
        "async def send(m): out.append(m)\n"
        "asyncio.run(mw({'type': 'http', 'method': 'GET', 'path': '/', 'raw_path': b'/', 'headers': [],\n"
        "                'query_string': b'eldermode=elder', 'scheme': 'http'}, receive, send))\n"
        "print(out[0]['status'], b'data-em-mode=\"elder\"' in out[1]['body'])\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path)})
    assert result.returncode == 0 and result.stdout.split() == ["200", "True"], result.stderr
