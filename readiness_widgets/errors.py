"""Errors that name the file, the line (where known), the field and what was expected."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One problem in an input file."""

    file: str
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" {self.path}:" if self.path else ""
        return f"{where}:{field} {self.message}"


MAX_SHOWN = 50  # problems printed in one error message; the rest are counted (all are in .problems)


class ReadinessError(Exception):
    """Base class of every error this package raises on bad input."""


class InputError(ReadinessError, ValueError):
    """A file or value that does not validate; lists every problem found."""

    def __init__(self, what: str, problems: Iterable[Problem]):
        self.what = what
        self.problems = list(problems)
        super().__init__(self._render())

    def _render(self) -> str:
        n = len(self.problems)
        if n == 1:  # one line: "invalid assessment: a.json: pilot: required field is missing"
            return f"invalid {self.what}: {self.problems[0]}"
        head = f"invalid {self.what}: {n:,} problems"
        shown = [f"  - {p}" for p in self.problems[:MAX_SHOWN]]
        if n > MAX_SHOWN:
            shown.append(f"  ... and {n - MAX_SHOWN:,} more")
        return "\n".join([head, *shown])


class BankError(InputError):
    """An invalid question bank."""

    def __init__(self, problems: Iterable[Problem]):
        super().__init__("question bank", problems)


class UnknownIdError(ReadinessError, KeyError):
    """An id (question, triage question, dimension, target profile, phase) that is not known.

    Also a ``KeyError``, so ``except KeyError`` keeps working; ``str()`` is the plain message.
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class AssessmentError(InputError):
    """An invalid assessment file or answer."""

    def __init__(self, problems: Iterable[Problem]):
        super().__init__("assessment", problems)


def loc_to_path(loc: Iterable[Any]) -> str:
    """Render a pydantic error location as ``questions[3].levels.2``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def problems_from_validation(
    exc, file: str | Path, lines: Mapping[tuple, int] | None = None
) -> list[Problem]:
    """Turn a pydantic ``ValidationError`` into problems with file, line and field."""
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not _is_union_tag(p))
        msg = err["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        if err["type"] == "missing":
            msg = "required field is missing"
        elif err["type"] == "extra_forbidden":
            msg = "unknown field (check the spelling)"
        problems.append(Problem(str(file), loc_to_path(loc), msg, line_of(loc, lines)))
    return problems


def _is_union_tag(part: Any) -> bool:
    return isinstance(part, str) and (part.startswith("function-") or "[" in part)


def line_of(loc: Iterable[Any], lines: Mapping[tuple, int] | None) -> int | None:
    """The line of the deepest known prefix of ``loc`` (1-based), or None."""
    if not lines:
        return None
    key = tuple(str(p) for p in loc)
    while key:
        if key in lines:
            return lines[key]
        key = key[:-1]
    return None
