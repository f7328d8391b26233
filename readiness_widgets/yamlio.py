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


def yaml_lines(node, prefix: tuple = (), duplicates: list | None = None) -> dict[tuple, int]:
    """Map every path in a composed YAML node tree to its 1-based line.

    A node reached again through an alias is not walked twice (so an "alias bomb" stays
    linear). When ``duplicates`` is a list, ``(path, line)`` of every repeated mapping key is
    appended to it (``yaml.safe_load`` would silently keep the last one). One pass, one dict:
    linear in the size of the document.
    """
    out: dict[tuple, int] = {}
    if node is None:
        return out
    seen: set[int] = set()
    out[prefix] = node.start_mark.line + 1
    stack = [(node, prefix)]
    while stack:
        current, path = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        children = []
        if isinstance(current, yaml.MappingNode):
            keys: set[str] = set()
            for key, value in current.value:
                sub = (*path, str(key.value))
                if duplicates is not None and sub[-1] in keys:
                    duplicates.append((sub, key.start_mark.line + 1))
                keys.add(sub[-1])
                out[sub] = key.start_mark.line + 1  # a key's line, not its value's
                children.append((value, sub))
        elif isinstance(current, yaml.SequenceNode):
            for i, value in enumerate(current.value):
                sub = (*path, str(i))
                out[sub] = value.start_mark.line + 1
                children.append((value, sub))
        stack.extend(reversed(children))  # walked in document order
    return out
