"""A tiny, safe condition language for ``applies_if`` and target rules.

Conditions are parsed with :mod:`ast` and walked by this module; nothing is ever passed to
``eval``. Allowed: triage ids, string literals, ``==``, ``!=``, ``in`` / ``not in`` with a
list or tuple of strings, ``and``, ``or``, ``not`` and parentheses.

>>> cond = parse_condition("deployment in ['online', 'generative'] and risk_tier != 'minimal'")
>>> cond({"deployment": "online", "risk_tier": "high"})
True
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping

Triage = Mapping[str, str]
Condition = Callable[[Triage], bool]

MAX_CONDITION_LENGTH = 500


class ConditionError(ValueError):
    """A condition that is not in the allowed form or names something unknown."""


def parse_condition(text: str, options: Mapping[str, set[str]] | None = None) -> Condition:
    """Compile ``text`` into a predicate over triage answers.

    ``options`` maps each triage id to its allowed values; when given, unknown ids and values
    are rejected here rather than silently evaluating to false later.
    """
    if not isinstance(text, str) or not text.strip():
        raise ConditionError("expected a non-empty condition such as \"deployment == 'online'\"")
    if len(text) > MAX_CONDITION_LENGTH:
        raise ConditionError(f"condition longer than {MAX_CONDITION_LENGTH} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ConditionError(f"not a valid condition: {exc.msg}") from None
    return _compile(tree.body, options)


def condition_names(text: str) -> frozenset[str]:
    """The triage ids a (valid) condition reads."""
    tree = ast.parse(text.strip(), mode="eval")
    return frozenset(n.id for n in ast.walk(tree) if isinstance(n, ast.Name))


def _compile(node: ast.AST, options: Mapping[str, set[str]] | None) -> Condition:
    if isinstance(node, ast.BoolOp):
        parts = [_compile(v, options) for v in node.values]
        if isinstance(node.op, ast.And):
            return lambda t: all(p(t) for p in parts)
        return lambda t: any(p(t) for p in parts)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        inner = _compile(node.operand, options)
        return lambda t: not inner(t)
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        return _compile_compare(node, options)
    raise ConditionError(
        f"unsupported expression {ast.unparse(node)!r}: use ==, !=, in, not in, and, or, not"
    )


def _compile_compare(node: ast.Compare, options: Mapping[str, set[str]] | None) -> Condition:
    if not isinstance(node.left, ast.Name):
        raise ConditionError(f"the left side of {ast.unparse(node)!r} must be a triage id")
    name = node.left.id
    if options is not None and name not in options:
        known = ", ".join(sorted(options)) or "none"
        raise ConditionError(f"unknown triage id {name!r} (known: {known})")
    op, right = node.ops[0], node.comparators[0]
    if isinstance(op, (ast.Eq, ast.NotEq)):
        value = _string(right)
        _check_values(name, [value], options)
        if isinstance(op, ast.Eq):
            return lambda t: t.get(name) == value
        return lambda t: t.get(name) != value
    if isinstance(op, (ast.In, ast.NotIn)):
        if not isinstance(right, (ast.List, ast.Tuple, ast.Set)):
            raise ConditionError(f"'in' needs a list of strings in {ast.unparse(node)!r}")
        values = frozenset(_string(e) for e in right.elts)
        _check_values(name, values, options)
        if isinstance(op, ast.In):
            return lambda t: t.get(name) in values
        return lambda t: t.get(name) not in values
    raise ConditionError(f"unsupported comparison in {ast.unparse(node)!r}")


def _string(node: ast.AST) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    raise ConditionError(f"expected a quoted string, got {ast.unparse(node)!r}")


def _check_values(name: str, values, options: Mapping[str, set[str]] | None) -> None:
    if options is None:
        return
    allowed = options[name]
    for value in values:
        if value not in allowed:
            raise ConditionError(
                f"{name!r} has no option {value!r} (options: {', '.join(sorted(allowed))})"
            )
