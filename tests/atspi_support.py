"""A real screen-reader stack for table tests: Xvfb, a session D-Bus, the AT-SPI bus, a headed browser.

``AtspiSession`` starts the display and buses (ended by their PIDs on ``close``);
``read_tables(url, app=...)`` runs tests/atspi_tables.py under Debian's Python (the
only interpreter here that imports ``gi``) and returns what the accessibility tree
says about every table of the open document. Chromium is driven by Playwright
(headed, ``--force-renderer-accessibility``); Firefox ESR is started as a process
per page (Playwright cannot drive Debian's Firefox).

``what_is_missing()`` names the first missing part, so tests skip saying why.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

DEBIAN_PYTHON = "/usr/bin/python3"
READER = Path(__file__).with_name("atspi_tables.py")
BUS_LAUNCHER = "/usr/libexec/at-spi-bus-launcher"
CHROMIUM_ARGS = ["--force-renderer-accessibility", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--no-first-run", "--no-default-browser-check", "--disable-background-networking"]


def what_is_missing(firefox: bool = False) -> str:
    """"" when the stack can run here, else what is missing (Debian package names)."""
    for path, package in (("Xvfb", "xvfb"), ("dbus-launch", "dbus-x11")):
        if shutil.which(path) is None:
            return f"{path} not found (apt-get install {package})"
    if not os.path.exists(BUS_LAUNCHER):
        return f"{BUS_LAUNCHER} not found (apt-get install at-spi2-core)"
    if not os.path.exists(DEBIAN_PYTHON):
        return f"{DEBIAN_PYTHON} not found (apt-get install python3-gi)"
    probe = subprocess.run([DEBIAN_PYTHON, "-c", "import gi; gi.require_version('Atspi', '2.0')"],
                           capture_output=True, text=True)
    if probe.returncode:
        return "Debian's Python cannot import gi's Atspi (apt-get install python3-gi gir1.2-atspi-2.0)"
    if firefox and shutil.which("firefox-esr") is None:
        return "firefox-esr not found (apt-get install firefox-esr)"
    if not firefox and not os.path.exists("/usr/bin/chromium"):
        return "/usr/bin/chromium not found (apt-get install chromium)"
    return ""


def _free_display() -> int:
    for n in range(90, 200):
        if not os.path.exists(f"/tmp/.X11-unix/X{n}") and not os.path.exists(f"/tmp/.X{n}-lock"):
            return n
    raise RuntimeError("no free X display number")


class AtspiSession:
    """Xvfb + session bus + AT-SPI bus; ``env`` is what a browser and the reader need."""

    def __init__(self) -> None:
        self.pids: list[int] = []
        self.procs: list[subprocess.Popen] = []
        self.tmp = Path(tempfile.mkdtemp(prefix="eldermode-atspi-"))
        display = _free_display()
        self.procs.append(subprocess.Popen(["Xvfb", f":{display}", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for _ in range(100):
            if os.path.exists(f"/tmp/.X11-unix/X{display}"):
                break
            time.sleep(0.05)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON", "WAYLAND"))}
        env.pop("MOZ_ENABLE_WAYLAND", None)
        env.update(DISPLAY=f":{display}", ACCESSIBILITY_ENABLED="1", GNOME_ACCESSIBILITY="1", NO_AT_BRIDGE="0",
                   GDK_BACKEND="x11", XDG_RUNTIME_DIR=str(self.tmp), HOME=str(self.tmp))
        out = subprocess.run(["dbus-launch", "--sh-syntax"], env=env, capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            if "=" in line:
                key, _, value = line.partition("=")
                value = value.rstrip(";").strip("'")
                if key == "DBUS_SESSION_BUS_ADDRESS":
                    env[key] = value
                elif key == "DBUS_SESSION_BUS_PID":
                    self.pids.append(int(value))
        self.env = env
        self.procs.append(subprocess.Popen([BUS_LAUNCHER, "--launch-immediately"], env=env,
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        time.sleep(1.5)

    def read_tables(self, url: str, app: str = "hromium", min_tables: int = 0, reads: int = 1,
                    timeout: float = 30.0) -> dict:
        # Debian's Python, not the venv's: a clean environment without the venv's PYTHON* settings.
        proc = subprocess.run(
            [DEBIAN_PYTHON, str(READER), "--app", app, "--url", url, "--min-tables", str(min_tables),
             "--reads", str(reads), "--timeout", str(timeout)],
            env=self.env, capture_output=True, text=True, timeout=timeout + 60)
        if proc.returncode:
            raise RuntimeError(f"AT-SPI reader failed ({proc.returncode}): {proc.stdout[-500:]} {proc.stderr[-1500:]}")
        return json.loads(proc.stdout)

    def firefox_tables(self, url: str, min_tables: int = 0) -> dict:
        """Firefox ESR on ``url`` (a fresh profile each page), its tables read twice (its first read may be partial)."""
        profile = Path(tempfile.mkdtemp(prefix="ff-", dir=self.tmp))
        (profile / "user.js").write_text(
            'user_pref("accessibility.enable_all_cache_domains", true);\n'
            'user_pref("accessibility.force_disabled", 0);\n'
            'user_pref("browser.shell.checkDefaultBrowser", false);\n'
            'user_pref("datareporting.policy.dataSubmissionEnabled", false);\n'
            'user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);\n'
            'user_pref("browser.aboutwelcome.enabled", false);\n'
            'user_pref("app.update.enabled", false);\n'
            'user_pref("network.proxy.type", 0);\n', encoding="utf-8")
        ff = subprocess.Popen(["firefox-esr", "-profile", str(profile), "-no-remote", "-new-instance", url],
                              env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
        try:
            return self.read_tables(url, app="Firefox", min_tables=min_tables, reads=2, timeout=60)
        finally:
            _end(ff)

    def close(self) -> None:
        for proc in reversed(self.procs):
            _end(proc)
        for pid in self.pids:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        shutil.rmtree(self.tmp, ignore_errors=True)


def _end(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        if proc.args and "firefox" in str(proc.args[0]):
            os.killpg(proc.pid, signal.SIGTERM)  # its own session: the content processes go too
        else:
            proc.terminate()
        proc.wait(10)
    except (subprocess.TimeoutExpired, ProcessLookupError, PermissionError):
        proc.kill()
        proc.wait(5)
