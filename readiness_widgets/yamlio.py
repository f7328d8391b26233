"""Reading YAML as data: libyaml's safe loader, and the line of every path for error messages."""

from __future__ import annotations

from typing import Any

import yaml


def parse_yaml(text: str) -> tuple[Any, Any]:
    """Parse once into a node tree (for line numbers) and the data, with YAML's *safe* loader.

    ``CSafeLoader`` is libyaml's build of ``SafeLoader`` (same tags, no Python objects), about ten
    times faster; the pure-Python ``SafeLoader`` is used where libyaml is missing.
    """
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return node, data


def yaml_lines(node, prefix: tuple = (), duplicates: list | None = None, _seen: set | None = None) -> dict[tuple, int]:
    """Map every path in a composed YAML node tree to its 1-based line.

    A node reached again through an alias is not walked twice (so an "alias bomb" stays
    linear). When ``duplicates`` is a list, ``(path, line)`` of every repeated mapping key is
    appended to it (``yaml.safe_load`` would silently keep the last one).
    """
    out: dict[tuple, int] = {}
    if node is None:
        return out
    seen = _seen if _seen is not None else set()
    out[prefix] = node.start_mark.line + 1
    if id(node) in seen:
        return out
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        keys: set[str] = set()
        for key, value in node.value:
            path = (*prefix, str(key.value))
            if duplicates is not None and path[-1] in keys:
                duplicates.append((path, key.start_mark.line + 1))
            keys.add(path[-1])
            out[path] = key.start_mark.line + 1
            sub = yaml_lines(value, path, duplicates, seen)
            sub.pop(path, None)
            out.update(sub)
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            out.update(yaml_lines(value, (*prefix, str(i)), duplicates, seen))
    return out
