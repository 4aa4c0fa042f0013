"""The wheel as a user gets it: built from the repository, installed into a fresh virtualenv, run outside the clone.

The fresh environment gets eldermode from the wheel only; its dependencies are borrowed from the
test virtualenv through a .pth line (no network, and the repository's own files are not on the
path: that directory's editable-install hooks are not run when it is added that way).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import httpx
import pytest

import support

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """bin/ of a fresh virtualenv with the wheel built from this repository installed in it."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=support.REPO_ROOT, capture_output=True, check=True).stdout
    for name in tracked.decode().split("\0"):
        if name and not name.startswith("tests/") and (support.REPO_ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(support.REPO_ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "-w", str(work / "dist"), str(source)], check=True, capture_output=True, timeout=300)
    wheel = next((work / "dist").glob("eldermode-*.whl"))
    env_dir = work / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True, timeout=120)
    python = env_dir / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
                    "--no-index", str(wheel)], check=True, capture_output=True, timeout=300)
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "borrowed-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return env_dir / "bin"


def test_the_wheel_is_what_runs(installed, tmp_path):
    where = subprocess.run([str(installed / "python"), "-c", "import eldermode.middleware as m; print(m.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, check=True).stdout
    assert where.startswith(str(installed.parent)) and str(support.REPO_ROOT) not in where
    result = subprocess.run([str(installed / "eldermode"), "--version"], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("eldermode ")


def test_demo_runs_from_the_wheel(installed, tmp_path, run_process):
    port, site_port = support.free_ports(2)
    base = f"http://127.0.0.1:{port}"
    proc = run_process([str(installed / "eldermode"), "demo", "--port", str(port), "--site-port", str(site_port)],
                       base + "/__eldermode/health", cwd=tmp_path,
                       env={"ELDERMODE_CACHE_DIR": str(tmp_path / "cache")}, timeout=30)
    deadline = time.monotonic() + 10
    while "Ctrl+C" not in proc.output() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert f"{base}/report-2020.html?eldermode=elder" in proc.output()
    r = httpx.get(base + "/report-2020.html?eldermode=elder", timeout=30)
    assert r.status_code == 200 and 'data-em-mode="elder"' in r.text and "鄂城区2020年政府信息公开工作年报" in r.text
    r = httpx.get(base + "/report-2020-gbk.html?eldermode=access", timeout=30)
    assert r.status_code == 200 and 'data-em-mode="access"' in r.text and "\ufffd" not in r.text
    assert httpx.get(base + "/__eldermode/assets/elder.css", timeout=30).status_code == 200
    assert httpx.get(base + "/images/logo.png", timeout=30).content == (
        support.SITE_DIR / "images" / "logo.png").read_bytes()
    assert httpx.get(base + "/no-such-page.html", timeout=30).status_code == 404
