"""The friendly API: ``readiness_widgets.Assessment``, the data model plus the results in one place.

:class:`readiness_widgets.assessment.Assessment` holds answers and metadata and reads and writes
the file; it knows nothing of scores or charts. This subclass adds what reads well in a notebook,
each through the one result (:func:`~readiness_widgets.result.evaluate`)::

    >>> import readiness_widgets as rw
    >>> a = rw.Assessment.load("churn.json")                     # doctest: +SKIP
    >>> a.scores()            # dimension scores (a DataFrame)     # doctest: +SKIP
    >>> a.verdict().status, a.roadmap().total_weeks               # doctest: +SKIP
    >>> a.radar()             # a Plotly figure                    # doctest: +SKIP
    >>> a.report("report.html", previous=rw.Assessment.load("churn-q3.json"))  # doctest: +SKIP

Each call scores the assessment as it is at that moment; to render several things from one
scoring, take ``r = a.evaluate()`` once and read ``r.scores``, ``r.roadmap``, ``r.verdict``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from . import assessment as _model
from .result import Result, evaluate

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import plotly.graph_objects as go

    from .evidence import ApplyResult, ScanResult
    from .roadmap import Roadmap
    from .scoring import Verdict


class Assessment(_model.Assessment):
    """An assessment (answers, metadata, file IO) with its results a method call away."""

    def evaluate(self, target: str | None = None, *, previous: _model.Assessment | None = None) -> Result:
        """Score once into the typed :class:`~readiness_widgets.result.Result` every view renders."""
        return evaluate(self, target=target, previous=previous)

    def scores(self, target: str | None = None) -> pd.DataFrame:
        """Dimension scores (0-4) with target, gap, coverage and status."""
        return self.evaluate(target).scores.dimensions

    def gaps(self, target: str | None = None, *, by: Literal["dimension", "question"] = "dimension") -> pd.DataFrame:
        """Gaps to the target, worst first: per dimension, or per question (weighted)."""
        scores = self.evaluate(target).scores
        return scores.dimension_gaps() if by == "dimension" else scores.question_gaps()

    def verdict(self, target: str | None = None) -> Verdict:
        return self.evaluate(target).verdict

    def roadmap(self, target: str | None = None) -> Roadmap:
        """The three-phase roadmap for the gaps."""
        return self.evaluate(target).roadmap

    def radar(self, target: str | None = None, previous: _model.Assessment | None = None) -> go.Figure:
        """A Plotly radar of current vs target (and ``previous`` when given)."""
        from .charts import radar

        return radar(self.evaluate(target, previous=previous))

    def report(
        self,
        path: str | Path,
        *,
        target: str | None = None,
        previous: _model.Assessment | None = None,
        format: str | None = None,
    ) -> Path:
        """Write the stakeholder report (``.html`` standalone and offline, or ``.md``) atomically."""
        from .report import write_report

        return write_report(self.evaluate(target, previous=previous), path, format=format)

    def scan(self, path: str | Path, **kw) -> ScanResult:
        """Suggest answers from a project folder; returns a ``ScanResult`` (never changes answers)."""
        from .evidence import scan_assessment

        return scan_assessment(self, path, **kw)

    def apply_suggestions(
        self, suggestions: ScanResult, questions: Iterable[str] | None = None, min_confidence: str | None = None
    ) -> ApplyResult:
        """Apply scan suggestions to unanswered questions only (in bulk, high confidence only unless
        ``min_confidence`` says otherwise); returns what was done."""
        from .evidence import apply_suggestions

        return apply_suggestions(self, suggestions, questions=questions, min_confidence=min_confidence)


__all__ = ["Assessment"]
