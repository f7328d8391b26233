"""Reading JSON as data, strictly: no key given twice, no NaN/Infinity, no integer of a thousand
digits, no nesting deeper than the parser's stack; every problem with its line or field path.

>>> parse_json('{"a": 1, "a": 2}')          # doctest: +SKIP
JSONProblem: a: key given twice in the same object (JSON would keep only the last)
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_INT_DIGITS = 100  # every integer in our files is small; Python refuses 4,300 digits anyway


class JSONProblem(ValueError):
    """A JSON text that is not usable data: ``message``, ``line`` (or None) and field ``path``."""

    def __init__(self, message: str, line: int | None = None, path: str = ""):
        self.message, self.line, self.path = message, line, path
        super().__init__(message)


class _LongInt(Exception):
    def __init__(self, digits: str):
        self.digits = digits


class _Constant(Exception):
    def __init__(self, name: str):
        self.name = name


class _Twice(dict):
    """An object in which a key was given twice (``keys`` lists them)."""

    keys_twice: list[str]


def parse_json(text: str) -> Any:
    """Parse ``text``; raise :class:`JSONProblem` for anything that is not plain JSON data."""
    twice: list[_Twice] = []

    def pairs(items: list[tuple[str, Any]]) -> dict:
        obj = dict(items)
        if len(obj) != len(items):
            seen: set[str] = set()
            obj = _Twice(obj)
            obj.keys_twice = [k for k, _ in items if k in seen or seen.add(k)]
            twice.append(obj)
        return obj

    def bounded_int(digits: str) -> int:
        if len(digits) > MAX_INT_DIGITS:
            raise _LongInt(digits)
        return int(digits)

    def constant(name: str):
        raise _Constant(name)

    try:
        data = json.loads(text, object_pairs_hook=pairs, parse_int=bounded_int, parse_constant=constant)
    except json.JSONDecodeError as exc:
        raise JSONProblem(f"not valid JSON: {exc.msg}", exc.lineno) from None
    except _LongInt as exc:
        where = text.find(exc.digits)
        raise JSONProblem(
            f"a number of {len(exc.digits.lstrip('-')):,} digits; expected a small number",
            _line(text, where) if where >= 0 else None,
        ) from None
    except _Constant as exc:
        match = re.search(rf"(?<![\w\"]){re.escape(exc.name)}(?![\w\"])", text)
        raise JSONProblem(
            f"not valid JSON: {exc.name} is not a JSON number", _line(text, match.start()) if match else None
        ) from None
    except RecursionError:
        raise JSONProblem("not a usable JSON document: nested too deeply") from None
    if twice:
        obj = twice[0]
        path = _path_to(data, obj)
        key = obj.keys_twice[0]
        raise JSONProblem(
            "key given twice in the same object (JSON would keep only the last)",
            None,
            f"{path}.{key}" if path else key,
        )
    return data


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _path_to(data: Any, target: object) -> str:
    """The field path of ``target`` inside ``data`` (``answers.q1`` or ``links[2]``), by identity."""
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        node, path = stack.pop()
        if node is target:
            return path
        if isinstance(node, dict):
            stack.extend((v, f"{path}.{k}" if path else str(k)) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, f"{path}[{i}]") for i, v in enumerate(node))
    return ""
