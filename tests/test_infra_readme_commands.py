"""Every command the README shows, run exactly as written where it can run here; the rest named with the reason.

The commands are read from the README itself (its ```bash blocks and its inline `code` that starts
like a command), so a command added to the README without a way to run it here fails
:func:`test_every_readme_command_is_run_or_excused`.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

import support

README = (support.REPO_ROOT / "README.md").read_text(encoding="utf-8")
STARTS = ("eldermode", "python", "python3", "bash", "cd", "uvicorn", "pip", "docker", "systemctl", "curl", "install")

DEMO = "python3 -m venv .venv && .venv/bin/pip install -e '.[proxy,tts]' && .venv/bin/eldermode demo"
PROXY = "eldermode proxy --upstream https://www.example.gov.cn --listen 127.0.0.1:8000 --workers 2"
READY = "curl -s http://127.0.0.1:8000/__eldermode/ready"
DJANGO = "cd examples/django_site && uvicorn govsite.asgi:application --port 8003"
QUICK = ("eldermode --help", "eldermode --version")
RUN = {DEMO, PROXY, READY, DJANGO, *QUICK}

THIS_SUITE = "the command that runs this test; CI runs it exactly as written (.ci/run)"
EXCUSED = {
    "bash tests/run.sh": THIS_SUITE,
    'bash tests/run.sh -m "not browser" -x': THIS_SUITE,
    "pip install 'eldermode[proxy,tts]'      # or: pip install -e '.[proxy,tts]' from a clone":
        "this project's eldermode is not on the package index; the clone form runs in the demo command",
    "pip install": "a mention in prose",
    "eldermode": "the command's name in prose",
    "eldermode audit": "a mention in prose (its synopsis is in the command table)",
    "eldermode proxy --config /etc/eldermode/eldermode.toml":
        "the operator's file; `eldermode proxy --config FILE` runs in tests/test_infra_ops.py",
    "docker build -t eldermode .": "no container engine runs here; tests/test_infra_deploy.py runs the steps as a script",
    "docker run -d -p 8000:8000 -e ELDERMODE_UPSTREAM=https://www.example.gov.cn -e ELDERMODE_SECRET=change-me "
    "-v eldermode-cache:/var/cache/eldermode eldermode": "no container engine runs here",
    "python3 -m venv /opt/eldermode && /opt/eldermode/bin/pip install 'eldermode[proxy,tts,metrics]'":
        "installs into this machine's /opt from the package index",
    "install -m 0644 deploy/eldermode.service /etc/systemd/system/": "would change this machine's systemd",
    "install -d /etc/eldermode && install -m 0600 examples/proxy.toml /etc/eldermode/eldermode.toml":
        "would change this machine's /etc",
    "systemctl daemon-reload && systemctl enable --now eldermode":
        "no systemd runs here; the unit is checked with systemd-analyze verify in tests/test_infra_deploy.py",
}
BENCHMARK = re.compile(r"^python benchmarks/")  # run by hand, never by the tests (no timed tests)
SYNOPSIS = re.compile(r"[A-Z_]{3,}|\[|\\\|")  # FILE_OR_URL, [--flag], a|b: a synopsis, not a command


def readme_commands() -> list[str]:
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", README, flags=re.S):
        commands += [line.strip() for line in block.splitlines() if line.strip()]
    for code in re.findall(r"`([^`\n]+)`", README):
        if code.split(" ", 1)[0] in STARTS and code not in commands:
            commands.append(code)
    return commands


def test_every_readme_command_is_run_or_excused():
    commands = readme_commands()
    assert DEMO in commands and PROXY in commands  # the reader works
    unknown = [c for c in commands
               if c not in RUN and c not in EXCUSED and not BENCHMARK.match(c) and not SYNOPSIS.search(c)]
    assert unknown == [], f"README commands neither run nor excused: {unknown}"
    stale = [c for c in (*RUN, *EXCUSED) if c not in commands]
    assert stale == [], f"no longer in the README: {stale}"


@pytest.mark.parametrize("command", QUICK)
def test_quick_commands(command):
    result = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=60,
                            env={"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"})
    assert result.returncode == 0 and "eldermode" in result.stdout


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers bind: TIME-WAIT is no obstacle
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _need_ports(*ports: int) -> None:
    busy = [p for p in ports if not _port_free(p)]
    if busy:
        pytest.skip(f"the README's command uses port(s) {busy}, which something else on this machine holds")


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """A fresh clone of the repository, as a reader would have it."""
    where = tmp_path_factory.mktemp("readme") / "eldermode"
    subprocess.run(["git", "clone", "-q", str(support.REPO_ROOT), str(where)], check=True, timeout=120)
    return where


@pytest.mark.slow
def test_demo_command_from_a_fresh_clone_and_the_ready_check(clone, run_process, tmp_path):
    _need_ports(8000, 8001)
    proc = run_process(["bash", "-c", DEMO], "http://127.0.0.1:8000/__eldermode/health", cwd=clone, timeout=600,
                       env={"ELDERMODE_CACHE_DIR": str(tmp_path)})
    deadline = time.monotonic() + 10
    while "Ctrl+C" not in proc.output() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "http://127.0.0.1:8000/report-2020.html?eldermode=elder" in proc.output()
    r = httpx.get("http://127.0.0.1:8000/report-2020.html?eldermode=elder", timeout=30)
    assert r.status_code == 200 and 'data-em-mode="elder"' in r.text
    ready = subprocess.run(["bash", "-c", READY], capture_output=True, text=True, timeout=60)
    assert ready.returncode == 0 and '"status":"ready"' in ready.stdout.replace(" ", "")


@pytest.mark.slow
def test_proxy_command_starts(run_process, tmp_path):
    """Started exactly as written; only its own health endpoint is asked (no traffic leaves this machine)."""
    _need_ports(8000)
    run_process(["bash", "-c", PROXY], "http://127.0.0.1:8000/__eldermode/health", timeout=60,
                env={"ELDERMODE_CACHE_DIR": str(tmp_path)}, ready_statuses=[200])


@pytest.mark.slow
def test_django_command(run_process, tmp_path):
    pytest.importorskip("django")
    _need_ports(8003)
    run_process(["bash", "-c", DJANGO], "http://127.0.0.1:8003/__eldermode/health", cwd=support.REPO_ROOT,
                timeout=60, env={"ELDERMODE_CACHE_DIR": str(tmp_path)})
    r = httpx.get("http://127.0.0.1:8003/report-2020.html?eldermode=access", timeout=30)
    assert r.status_code == 200 and 'data-em-mode="access"' in r.text
