"""Reading YAML as data: libyaml's safe loader, and the line of every path for error messages."""

from __future__ import annotations

from typing import Any

import yaml

MAX_DEPTH = 64  # levels of nesting that yaml_lines accepts


class YAMLDataError(ValueError):
    """A YAML text that is not usable data: ``message``, ``line`` (1-based, or None), ``path``."""

    def __init__(self, message: str, line: int | None = None, path: str = ""):
        self.message, self.line, self.path = message, line, path
        super().__init__(message)


def parse_yaml(text: str, *, aliases: bool = False) -> tuple[Any, Any]:
    """Parse once into a node tree (for line numbers) and the data, with YAML's *safe* loader.

    ``CSafeLoader`` is libyaml's build of ``SafeLoader`` (same tags, no Python objects), about ten
    times faster; the pure-Python ``SafeLoader`` is used where libyaml is missing. Raises
    :class:`YAMLDataError` (with the line where known) for text that is not YAML, and for values
    YAML reads but Python cannot hold (an integer of 5,000 digits, the year 0).

    Aliases (``*name``, and ``<<: *name`` merges) are refused unless ``aliases`` is true, before
    anything is built from the nodes: a file of a million aliases to one node would otherwise be
    a million copies to validate (an "alias bomb"). Our files are data; nobody needs them.
    """
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.reader.ReaderError as exc:  # a control character: it has a position, not a mark
            raise YAMLDataError(f"not valid YAML: {exc.reason}", text.count("\n", 0, exc.position) + 1) from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            raise YAMLDataError(f"not valid YAML: {getattr(exc, 'problem', None) or exc}", line) from None
        except RecursionError:
            raise YAMLDataError("not a usable YAML document: nested too deeply") from None
        if node is None:
            return None, None
        if not aliases and _shares_a_node(node):
            raise _first_alias(text)
        try:
            data = loader.construct_document(node)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            raise YAMLDataError(f"not valid YAML: {getattr(exc, 'problem', None) or exc}", line) from None
        except RecursionError:
            raise YAMLDataError("not a usable YAML document: nested too deeply") from None
        except (ValueError, OverflowError) as exc:
            raise _unconstructible(node, exc) from None
    finally:
        loader.dispose()
    return node, data


def _shares_a_node(root) -> bool:
    """Is some node reached twice (which only an alias does)? Stops at the first one."""
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return True
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack += (key, value)
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value
    return False


def _first_alias(text: str) -> YAMLDataError:
    """The error for the first alias of ``text``, with its line (from the parser's events)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.AliasEvent):
                return YAMLDataError(
                    f"YAML aliases are not allowed here (*{event.anchor}): write the value out",
                    event.start_mark.line + 1,
                )
    finally:
        loader.dispose()
    return YAMLDataError("YAML aliases are not allowed here: write the value out")  # pragma: no cover


_INT, _TIMESTAMP = "tag:yaml.org,2002:int", "tag:yaml.org,2002:timestamp"


def _unconstructible(root, exc: Exception) -> YAMLDataError:
    """The first scalar that Python cannot hold, with its line (an int too long, a bad date)."""
    constructor = yaml.constructor.SafeConstructor()
    stack = [root]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            stack.extend(v for pair in reversed(node.value) for v in reversed(pair))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
        elif node.tag in (_INT, _TIMESTAMP):
            line = node.start_mark.line + 1
            if node.tag == _INT and len(node.value) > 100:
                return YAMLDataError(f"a number of {len(node.value):,} digits; expected a small number", line)
            try:
                (constructor.construct_yaml_int if node.tag == _INT else constructor.construct_yaml_timestamp)(node)
            except (ValueError, OverflowError) as bad:
                return YAMLDataError(f"{node.value[:40]!r} cannot be read: {bad}", line)
    return YAMLDataError(f"not a usable YAML document: {exc}")


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
        if len(path) > MAX_DEPTH:  # a bank is a few levels deep; this is hostile or broken input
            raise YAMLDataError(
                f"not a usable YAML document: nested too deeply (more than {MAX_DEPTH} levels)",
                current.start_mark.line + 1,
            )
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
