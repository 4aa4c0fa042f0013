"""Where elements sit relative to each other in the tree: common ancestors and document order."""

from __future__ import annotations

__all__ = ["levels_apart", "lowest_common_ancestor", "precedes"]


def lowest_common_ancestor(a, b):
    seen = set()
    node = a
    while node is not None:
        seen.add(node)
        node = node.getparent()
    node = b
    while node is not None and node not in seen:
        node = node.getparent()
    return node


def levels_apart(el, other) -> int | None:
    """Levels from ``el`` up to its common ancestor with ``other`` plus down to ``other``.

    None when there is no ``other``, when ``el`` holds ``other``, or when they meet only at
    ``<body>``/``<html>`` (they share nothing but the page).
    """
    if other is None:
        return None
    ancestors = {}
    depth = 0
    node = other
    while node is not None:
        ancestors[node] = depth
        node = node.getparent()
        depth += 1
    node = el
    up = 0
    while node is not None and node not in ancestors:
        node = node.getparent()
        up += 1
    if node is None or node is el or node.tag in ("body", "html"):
        return None
    return up + ancestors[node]


def precedes(a, b) -> bool:
    """``a`` starts before ``b`` in document order (an ancestor starts before its descendants)."""
    path_a = _path(a)
    path_b = _path(b)
    for depth in range(min(len(path_a), len(path_b))):
        if path_a[depth] is not path_b[depth]:
            parent = path_a[depth].getparent()
            return parent.index(path_a[depth]) < parent.index(path_b[depth])
    return len(path_a) < len(path_b)


def _path(el) -> list:
    path = []
    while el is not None:
        path.append(el)
        el = el.getparent()
    path.reverse()
    return path
