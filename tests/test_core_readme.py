"""The README is the front door: it must document every setting and the two commands CI relies on."""

from __future__ import annotations

from pathlib import Path

from eldermode.middleware.settings import settings_table

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme_table():
    for name, env, _, _ in settings_table():
        assert f"| `{name}` | `{env}` |" in README, name


def test_the_two_commands_are_there_and_ci_runs_the_test_command():
    assert "eldermode demo" in README
    assert "bash tests/run.sh" in README
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert "tests/run.sh" in ci
