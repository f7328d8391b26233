"""Scan a folder: the walker feeds the detectors; the result is bank-independent :class:`Findings`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from .detectors import Detectors, classify
from .model import Findings, ScanLimits, ScanProgress
from .walker import Walker

_LIMIT_NAMES = {f.name for f in fields(ScanLimits)}


class ScanError(InputError):
    """The folder to scan does not exist, is not a folder, or an option is invalid."""

    def __init__(self, problems: Iterable[Problem]):
        super().__init__("scan", problems)


def make_limits(limits: ScanLimits | None = None, **overrides: Any) -> ScanLimits:
    """``limits`` (or the defaults) with some bounds replaced, e.g. ``make_limits(timeout=10)``."""
    unknown = sorted(set(overrides) - _LIMIT_NAMES)
    if unknown:
        raise TypeError(f"unknown scan option(s) {', '.join(unknown)} (known: {', '.join(sorted(_LIMIT_NAMES))})")
    base = limits or ScanLimits()
    given = {k: v for k, v in overrides.items() if v is not None or k == "timeout"}
    try:
        return replace(base, **given) if given else base
    except ValueError as exc:
        raise ScanError([Problem("<options>", "", str(exc))]) from None


def scan_folder(
    path: str | Path,
    *,
    limits: ScanLimits | None = None,
    gitignore: bool = True,
    exclude: Iterable[str] = (),
    progress: Callable[[ScanProgress], Any] | None = None,
    cancel: Any = None,
    **overrides: Any,
) -> Findings:
    """Walk ``path`` and return the signals found, with evidence and problems.

    Reads files as text only; never imports or runs anything from the folder. Bounds come from
    ``limits`` and keyword overrides (``max_files``, ``max_depth``, ``max_bytes_per_file``,
    ``max_notebook_bytes``, ``max_total_bytes``, ``timeout``). ``progress`` is called with a
    :class:`ScanProgress` every 0.1 s and at the end; ``cancel`` is anything with ``is_set()``
    (a ``threading.Event``).
    """
    limits = make_limits(limits, **overrides)
    if not str(path).strip():
        raise ScanError([Problem("<path>", "", "an empty path; pass the project's folder (use '.' for the current one)")])
    folder = Path(path).expanduser()
    if not folder.exists():
        raise ScanError([Problem(str(folder), "", "no such folder")])
    if not folder.is_dir():
        raise ScanError([Problem(str(folder), "", "not a folder; pass the project's folder")])
    detectors_box: list[Detectors] = []
    walker = Walker(
        folder,
        classify=classify,
        limits=limits,
        gitignore=gitignore,
        exclude=list(exclude),
        on_dir=lambda rel, lower: detectors_box[0].folder(rel, lower),
        progress=progress,
        cancel=cancel,
    )
    detectors = Detectors(walker.problem)
    detectors_box.append(detectors)
    feed = detectors.file
    for rel, lower, kind, data in walker.files():
        feed(rel, lower, kind, data)
    stats = walker.stats
    stats.notebooks_parsed = detectors.notebooks_parsed
    findings = Findings(
        root=str(walker.root),
        signals=detectors.signals,
        counts=detectors.counts,
        problems=walker.problems,
        problem_counts=walker.problem_counts,
        stats=stats,
        limits=limits,
    )
    # absence is evidence only when nothing was hidden: a partial walk, a file read in part, an
    # unreadable or too deep folder could hold the CI configuration that was not found
    hidden = {"unreadable", "too_deep"} & set(findings.problem_counts)
    detectors.finish(findings.complete and not hidden, stats.files_seen)
    return findings
