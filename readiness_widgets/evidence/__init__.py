"""Evidence scan: suggest answers from the pilot's own repository and notebooks.

Reads files as text only (never imports or runs project code), honours ``.gitignore``, skips
virtualenvs, ``.git``, ``node_modules``, caches and data files, and stays within time and size
bounds. Detectors emit *signals* (``ci.runs_tests``, ``tracking.mlflow``, ``notebooks.errors``...)
with evidence (a path relative to the scanned folder, plus a line or a notebook cell); the
bank's ``suggest:`` rules turn signals into suggested levels.

>>> from readiness_widgets import Assessment
>>> a = Assessment.load("readiness.json")                 # doctest: +SKIP
>>> result = a.scan("../churn-model")                     # doctest: +SKIP
>>> result.to_frame()                                     # doctest: +SKIP
>>> a.apply_suggestions(result); a.save()                 # only unanswered questions  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .model import Evidence, Findings, ScanLimits, ScanProblem, ScanProgress, ScanStats
from .scanner import ScanError, make_limits, scan_folder
from .signals import SIGNALS
from .suggest import ApplyResult, ScanResult, Suggestion, apply_suggestions, make_result, suggest

if TYPE_CHECKING:  # pragma: no cover
    from ..assessment import Assessment
    from ..bank import Bank

__all__ = [
    "SIGNALS",
    "ApplyResult",
    "Evidence",
    "Findings",
    "ScanError",
    "ScanLimits",
    "ScanProblem",
    "ScanProgress",
    "ScanResult",
    "ScanStats",
    "Suggestion",
    "apply_suggestions",
    "make_limits",
    "scan",
    "scan_assessment",
    "scan_folder",
    "suggest",
]


def scan(path: str | Path, bank: Bank | str | Path | None = None, **kw: Any) -> ScanResult:
    """Scan ``path`` and suggest answers for the questions of ``bank`` (default: the bundled one).

    Keyword arguments go to :func:`scan_folder` (``limits``, ``max_files``, ``timeout``,
    ``gitignore``, ``exclude``, ``progress``, ``cancel``...).
    """
    from ..bank import Bank, load_bank

    bank = bank if isinstance(bank, Bank) else load_bank(bank)
    return make_result(scan_folder(path, **kw), bank)


def scan_assessment(assessment: Assessment, path: str | Path, **kw: Any) -> ScanResult:
    """Scan ``path`` for ``assessment``: its bank's rules, its current answers marked (never changed)."""
    findings = scan_folder(path, **kw)
    answers = {qid: a.value for qid, a in assessment.answers.items() if a.value is not None}
    return make_result(findings, assessment.bank, answers, assessment.data.triage)
