"""Plain data objects of the evidence scan: what was found, what went wrong, what is suggested.

Everything here is a dataclass with a ``to_dict()`` that is JSON-ready; nothing imports pandas
or a widget library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ProblemKind = Literal[
    "huge_file",  # larger than the per-file read budget: read partly or skipped
    "binary_file",  # a file that should be text (by its name) holds NUL bytes
    "bad_notebook",  # an .ipynb file that neither JSON nor nbformat can read
    "unreadable",  # permission denied or another OS error on a file or folder
    "symlink_loop",  # a symbolic link that points at itself or at one of its ancestors
    "symlink_outside",  # a symbolic link that leaves the scanned folder (never followed)
    "too_deep",  # a folder deeper than ``max_depth`` (not entered)
    "max_files",  # the scan stopped after ``max_files`` files
    "max_total_bytes",  # the scan stopped reading after ``max_total_bytes``
    "timeout",  # the scan stopped after ``timeout`` seconds
    "cancelled",  # the caller cancelled the scan
]
_CONTROL = {i: f"\\x{i:02x}" for i in [*range(32), *range(127, 160)]}


def printable(text: str) -> str:
    """``text`` with control characters escaped, safe to print on a terminal (paths are untrusted)."""
    return text.translate(_CONTROL)


PROBLEM_KINDS: tuple[str, ...] = ProblemKind.__args__  # type: ignore[attr-defined]
STOP_KINDS = frozenset({"max_files", "max_total_bytes", "timeout", "cancelled"})
PARTIAL_KINDS = STOP_KINDS | {"huge_file"}
"""A scan that hit one of these is partial (``complete: false``): a file read only in part could
hold what an absence signal would deny."""


@dataclass(frozen=True)
class ScanLimits:
    """Bounds on the work one scan may do. Every bound is reported when it is hit."""

    max_files: int = 200_000
    """Files looked at (by name) before the scan stops."""
    max_depth: int = 40
    """Folders nested deeper than this are not entered."""
    max_bytes_per_file: int = 1_048_576
    """Text files are read up to this many bytes; the rest is ignored (reported as huge_file)."""
    max_notebook_bytes: int = 20 * 1_048_576
    """Notebooks are parsed whole; larger ones are skipped (reported as huge_file)."""
    max_total_bytes: int = 512 * 1_048_576
    """Bytes read over the whole scan before reading stops."""
    timeout: float | None = 120.0
    """Seconds before the scan stops (None: no limit)."""

    def __post_init__(self):
        for name in ("max_files", "max_depth", "max_bytes_per_file", "max_notebook_bytes", "max_total_bytes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name}: expected a positive integer, got {value!r}")
        if self.timeout is not None and (
            isinstance(self.timeout, bool) or not isinstance(self.timeout, (int, float)) or not self.timeout > 0
        ):
            raise ValueError(f"timeout: expected a positive number of seconds or None, got {self.timeout!r}")


@dataclass(frozen=True)
class Evidence:
    """One place that shows a signal: a path relative to the scanned folder, plus where in it."""

    signal: str
    path: str
    line: int | None = None
    cell: int | None = None
    detail: str = ""
    zone: str = "main"
    """``main`` (the project's own files) or ``side`` (examples, vendored code, fixtures, a library's
    own internals, a secondary requirements file): side evidence never raises nor caps a level."""

    def where(self) -> str:
        """``path:line``, ``path[cell 3]:2`` or ``path`` (control characters escaped)."""
        out = printable(self.path)
        if self.cell is not None:
            out += f"[cell {self.cell}]"
        if self.line is not None:
            out += f":{self.line}"
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "signal": self.signal,
            "path": self.path,
            "line": self.line,
            "cell": self.cell,
            "detail": self.detail,
            "zone": self.zone,
        }


@dataclass(frozen=True)
class ScanProblem:
    """Something the scan could not (or would not) read, reported instead of raised."""

    kind: str
    path: str
    detail: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "path": self.path, "detail": self.detail}

    def __str__(self) -> str:
        return f"{self.kind}: {printable(self.path)}" + (f" ({printable(self.detail)})" if self.detail else "")


@dataclass
class ScanStats:
    """Counts of the work done."""

    files_seen: int = 0
    files_read: int = 0
    bytes_read: int = 0
    dirs_seen: int = 0
    notebooks_parsed: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0

    def skip(self, reason: str, n: int = 1) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + n

    def to_dict(self) -> dict[str, Any]:
        return {
            "files_seen": self.files_seen,
            "files_read": self.files_read,
            "bytes_read": self.bytes_read,
            "dirs_seen": self.dirs_seen,
            "notebooks_parsed": self.notebooks_parsed,
            "skipped": dict(sorted(self.skipped.items())),
            "elapsed_seconds": round(self.elapsed, 3),
        }


@dataclass(frozen=True)
class ScanProgress:
    """Passed to the ``progress`` callback every few hundred files and once at the end."""

    files_seen: int
    files_read: int
    bytes_read: int
    dirs_seen: int
    elapsed: float
    current: str
    done: bool = False


@dataclass
class Findings:
    """Signals found in one folder: the bank-independent half of a scan."""

    root: str
    signals: dict[str, list[Evidence]]
    counts: dict[str, int]
    problems: list[ScanProblem]
    problem_counts: dict[str, int]
    stats: ScanStats
    limits: ScanLimits

    @property
    def complete(self) -> bool:
        """False when a bound (files, bytes, time) or a cancel stopped the walk early, or when a
        file was read only in part (or skipped for its size)."""
        return not any(kind in PARTIAL_KINDS for kind in self.problem_counts)

    @property
    def stopped(self) -> bool:
        """True when a bound (files, bytes, time) or a cancel stopped the walk early."""
        return any(kind in STOP_KINDS for kind in self.problem_counts)

    def has(self, signal: str) -> bool:
        """True when ``signal`` or any signal below it (``tracking`` covers ``tracking.mlflow``) was found
        in the project's own files (side evidence does not count)."""
        prefix = signal + "."
        return any((s == signal or s.startswith(prefix)) and any(e.zone == "main" for e in items) for s, items in self.signals.items())

    def evidence(self, signal: str) -> list[Evidence]:
        prefix = signal + "."
        return [e for s, items in self.signals.items() if s == signal or s.startswith(prefix) for e in items]

    def to_dict(self) -> dict[str, Any]:
        return {
            "root": self.root,
            "complete": self.complete,
            "signals": {
                s: {"count": self.counts.get(s, len(items)), "evidence": [e.to_dict() for e in items]}
                for s, items in sorted(self.signals.items())
            },
            "problems": [p.to_dict() for p in self.problems],
            "problem_counts": dict(sorted(self.problem_counts.items())),
            "stats": self.stats.to_dict(),
            "limits": {
                "max_files": self.limits.max_files,
                "max_depth": self.limits.max_depth,
                "max_bytes_per_file": self.limits.max_bytes_per_file,
                "max_notebook_bytes": self.limits.max_notebook_bytes,
                "max_total_bytes": self.limits.max_total_bytes,
                "timeout": self.limits.timeout,
            },
        }
