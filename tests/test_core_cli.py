"""The installed `eldermode` command: render, help, and one-line errors with meaningful exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

EXE = str(Path(sys.executable).with_name("eldermode"))


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([EXE, *args], capture_output=True, text=True, timeout=60)


def test_render_writes_utf8_from_a_gbk_file(tmp_path, seed_gbk_bytes):
    source = tmp_path / "report.html"
    source.write_bytes(seed_gbk_bytes)
    out = tmp_path / "out.html"
    result = run("render", str(source), "--mode", "access", "-o", str(out))
    assert result.returncode == 0, result.stderr
    text = out.read_bytes().decode("utf-8")
    assert "鄂城区2020年政府信息公开工作年报" in text and 'data-em-mode="access"' in text


def test_render_to_stdout_and_off_mode_is_the_input(tmp_path, seed_html_bytes):
    source = tmp_path / "report.html"
    source.write_bytes(seed_html_bytes)
    result = subprocess.run([EXE, "render", str(source), "--mode", "off"], capture_output=True, timeout=60)
    assert result.returncode == 0 and result.stdout == seed_html_bytes


def test_help_lists_the_commands_and_settings():
    result = run("--help")
    assert result.returncode == 0
    for word in ("proxy", "demo", "render", "ELDERMODE_UPSTREAM"):
        assert word in result.stdout


def test_missing_file_is_one_line_and_exit_1(tmp_path):
    result = run("render", str(tmp_path / "nope.html"))
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "nope.html" in result.stderr


def test_not_a_page_is_exit_1(tmp_path):
    binary = tmp_path / "x.html"
    binary.write_bytes(bytes(2000))
    result = run("render", str(binary), "--mode", "elder")
    assert result.returncode == 1 and "not an HTML page" in result.stderr


def test_bad_usage_is_exit_2():
    assert run("render").returncode == 2
    assert run("render", "x.html", "--mode", "dark").returncode == 2
    result = subprocess.run([EXE, "proxy"], capture_output=True, text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 2 and "--upstream is required" in result.stderr


def test_commands_that_only_read_pages_create_no_speech_secret(tmp_path, seed_html_bytes):
    # text, tables and speak --list print nothing signed: they must not leave the instance's secret
    # file behind; render keeps it (its page's 朗读 keys then work beside a proxy on the same cache).
    source = tmp_path / "report.html"
    source.write_bytes(seed_html_bytes)
    cache = tmp_path / "cache"
    env = {**os.environ, "ELDERMODE_CACHE_DIR": str(cache)}
    env.pop("ELDERMODE_SECRET", None)
    for command in (["text", str(source)], ["tables", str(source)], ["speak", "--list", str(source)]):
        result = subprocess.run([EXE, *command], capture_output=True, timeout=60, env=env)
        assert result.returncode == 0, (command, result.stderr)
        assert not (cache / "speech-secret").exists(), command
    result = subprocess.run([EXE, "render", str(source), "--mode", "elder"], capture_output=True, timeout=60, env=env)
    assert result.returncode == 0 and (cache / "speech-secret").exists()
