"""The table model against peers' own suites: 79 cases from axe-core and web-platform-tests.

The cases, their peers' stated expectations and the standard's (worked out by hand
where the two differ) live outside the project, in the shared peer-suites folder
($ELDERMODE_PEER_SUITES or ../shared/peer-suites/tables; see its README). They are
read from there and never copied here; this test skips, saying why, when absent.
Its runner was written against ``eldermode.transforms.table_model``; the model now
lives at ``eldermode.transforms.tables.model``, so that name is given to the
runner as an alias.
"""

from __future__ import annotations

import importlib
import sys

import pytest
import support

from eldermode.transforms.tables import model


def _suite():
    root = support.peer_suites_dir()
    folder = root / "tables" if root is not None else None
    if folder is None or not (folder / "cases.py").is_file() or not (folder / "run_cases.py").is_file():
        return None, "the peer table suite is absent (set ELDERMODE_PEER_SUITES or provide ../shared/peer-suites/tables)"
    sys.modules.setdefault("eldermode.transforms.table_model", model)
    sys.path.insert(0, str(folder))
    writes, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # nothing written into the shared folder
    try:
        runner = importlib.import_module("run_cases")
        cases = importlib.import_module("cases")
    finally:
        sys.path.remove(str(folder))
        sys.dont_write_bytecode = writes
    return (runner, cases.CASES), ""


SUITE, WHY = _suite()


def _params():
    if SUITE is None:
        return [pytest.param(None, marks=pytest.mark.skip(reason=WHY), id="absent")]
    return [pytest.param(case, id=case["id"]) for case in SUITE[1]]


def test_the_suite_has_its_79_cases():
    if SUITE is None:
        pytest.skip(WHY)
    assert len(SUITE[1]) == 79


@pytest.mark.parametrize("case", _params())
def test_model_agrees_with_the_standard(case):
    runner, _ = SUITE
    html = runner.page(case["html"], case["doctype"]).encode("utf-8")
    got = runner.observe(html, case["table"], dict(case["spec"]))
    assert runner.compare(case["spec"], got) == []
