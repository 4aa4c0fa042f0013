"""The HTTP side's structure: no module of eldermode imports itself in a circle, and the modes are listed once.

Read from the source (the imports each module writes, at the top or inside functions), so a
circle hidden in a function-level import is caught too.
"""

from __future__ import annotations

import ast
import re

import support

PACKAGES = {"middleware": "eldermode.middleware", "transforms": "eldermode.transforms", "voices": "eldermode.voices"}


def _module_imports() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for folder, package in PACKAGES.items():
        for path in sorted((support.REPO_ROOT / folder).glob("*.py")):
            name = package if path.stem == "__init__" else f"{package}.{path.stem}"
            tree = ast.parse(path.read_text(encoding="utf-8"))
            targets: set[str] = set()
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom):
                    if node.level:  # relative: from .x import y / from . import x
                        base = package + (f".{node.module}" if node.module else "")
                        if node.module is None:
                            targets.update(f"{package}.{alias.name}" for alias in node.names)
                        else:
                            targets.add(base)
                    elif node.module and node.module.startswith("eldermode."):
                        targets.add(node.module)
                        targets.update(f"{node.module}.{alias.name}" for alias in node.names)
                elif isinstance(node, ast.Import):
                    targets.update(a.name for a in node.names if a.name.startswith("eldermode."))
            graph[name] = targets
    known = set(graph)
    # a package's __init__ is imported along with any of its modules, but that edge is not a circle of ours
    return {name: {t for t in targets if t in known and t != name} for name, targets in graph.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found, state, stack = [], {}, []

    def visit(node: str) -> None:
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_circle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_in_a_circle():
    graph = _module_imports()
    assert "eldermode.middleware.features" in graph["eldermode.middleware.endpoints"]  # the graph is read
    # The package __init__ files re-export their modules; only module-to-module edges can form a circle.
    inner = {name: {t for t in targets if t not in PACKAGES.values()} for name, targets in graph.items()
             if name not in PACKAGES.values()}
    assert _cycles(inner) == []


def test_feature_modules_import_neither_the_router_nor_the_command_line():
    graph = _module_imports()
    from eldermode.middleware.features import FEATURES

    assert {f.name for f in FEATURES} == {"operations", "elder", "access", "tables", "speech"}
    for feature in FEATURES:
        for fn in (feature.routes, feature.command):
            if fn is None:
                continue
            imports = graph[fn.__module__]
            assert "eldermode.middleware.endpoints" not in imports, fn.__module__
            assert "eldermode.middleware.cli" not in imports, fn.__module__
            assert "eldermode.middleware.features" not in imports, fn.__module__


def test_the_modes_are_written_out_in_one_place():
    spelled = re.compile(r"""\(\s*["'](?:off|elder|access)["']\s*,\s*["'](?:off|elder|access)["']""")
    places = []
    for folder in PACKAGES:
        for path in (support.REPO_ROOT / folder).glob("*.py"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if spelled.search(line):
                    places.append(f"{folder}/{path.name}")
    assert places == ["transforms/profile.py"], places
