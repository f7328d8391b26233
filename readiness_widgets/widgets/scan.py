"""The "Scan repository" control: scan a folder, show suggestions beside questions, Accept them.

A thin view over :mod:`readiness_widgets.evidence`: the scan and the rules live there; this only
shows a :class:`~readiness_widgets.evidence.ScanResult` and calls
:func:`~readiness_widgets.evidence.apply_suggestions` (which never touches an answered question).

>>> panel = ScanPanel(assessment, on_change=refresh)     # doctest: +SKIP
>>> panel.widget                                          # path box, button, report, Accept all
>>> panel.slot("infrastructure.ci_cd")                    # the suggestion box for one question
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import ipywidgets as w

if TYPE_CHECKING:  # pragma: no cover
    from ..assessment import Assessment
    from ..evidence import ApplyResult, ScanResult, Suggestion

_KIND_LABEL = {"automated": "automated (a check that runs)", "manual": "manual", "none": "no evidence (absence)"}
_STATUS_LABEL = {
    "apply": "high confidence",
    "confirm": "confirm: the evidence shows it exists",
    "to check": "to check: low confidence, never applied by Accept all",
}


def _esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


class ScanPanel:
    """Path box + "Scan repository" button + report + "Accept all"; per-question slots on demand.

    Each suggestion shows its level, why (the evidence that decided it, e.g. "CI job `test` runs
    `pytest tests/` on push") and its status: high confidence, "confirm" (evidence of existence) or
    "to check" (low confidence). "Accept all" fills only unanswered questions with high-confidence
    suggestions (``min_confidence``); "Accept" on one question fills it whatever the confidence,
    since a person chose it. ``on_change(question_ids)`` is called after answers changed, so that
    the form can refresh those questions (and its scores).
    """

    def __init__(
        self,
        assessment: Assessment,
        *,
        path: str = "",
        on_change: Callable[[list[str]], Any] | None = None,
        scan_options: dict[str, Any] | None = None,
        min_confidence: str = "high",
    ):
        self.assessment = assessment
        self.min_confidence = min_confidence
        self.on_change = on_change
        self.scan_options = {"timeout": 60.0, **(scan_options or {})}
        self.result: ScanResult | None = None
        self.path = w.Text(
            value=path,
            placeholder="folder of the pilot's repository, e.g. ../churn-model",
            description="Repository",
            layout=w.Layout(width="60%"),
        )
        self.button = w.Button(description="Scan repository", icon="search", button_style="info")
        self.accept_all_button = w.Button(description="Accept all", icon="check", disabled=True)
        self.status = w.HTML(value="")
        self.report = w.VBox([])
        self._slots: dict[str, w.Box] = {}
        self.button.on_click(lambda _: self.scan())
        self.accept_all_button.on_click(lambda _: self.accept_all())
        self.widget = w.VBox(
            [w.HBox([self.path, self.button, self.accept_all_button]), self.status, self.report],
            layout=w.Layout(border="1px solid #ddd", padding="6px"),
        )
        self.widget.add_class("rw-scan-panel")

    # ---- scanning -------------------------------------------------------------------------
    def scan(self, path: str | None = None) -> ScanResult | None:
        """Scan ``path`` (default: the path box); never changes an answer."""
        from ..errors import ReadinessError
        from ..evidence import scan_assessment

        folder = (path if path is not None else self.path.value).strip()
        if not folder:
            self.status.value = "<b>Enter the folder of the pilot's repository first.</b>"
            return None
        self.button.disabled = True
        self.status.value = f"Scanning {_esc(folder)} ..."
        try:
            self.result = scan_assessment(self.assessment, folder, progress=self._progress, **self.scan_options)
        except ReadinessError as exc:
            self.result = None
            self.status.value = f"<b>Cannot scan:</b> {_esc(exc)}"
            return None
        finally:
            self.button.disabled = False
        self._render()
        return self.result

    def _progress(self, p) -> None:
        if not p.done:
            self.status.value = f"Scanning: {p.files_seen:,} files, {p.files_read:,} read, {p.elapsed:.1f} s"

    # ---- reading --------------------------------------------------------------------------
    def suggestion(self, question_id: str) -> Suggestion | None:
        """The current suggestion for a question, or None."""
        if self.result is None:
            return None
        return self.result.suggestions.get(question_id)

    def pending(self, min_confidence: str | None = None) -> list[str]:
        """Questions whose suggestion Accept all would still fill (unanswered, applicable, at least
        ``min_confidence``; default: the panel's)."""
        from ..evidence.suggest import confidence_rank

        if self.result is None:
            return []
        a = self.assessment
        floor = confidence_rank(min_confidence or self.min_confidence)
        return [
            qid
            for qid, sug in self.result.suggestions.items()
            if a.bank.has_question(qid) and a.bank.applies(qid, a.data.triage) and a.value(qid) is None
            and confidence_rank(sug.confidence_label) <= floor
        ]

    # ---- accepting ------------------------------------------------------------------------
    def accept(self, question_id: str) -> ApplyResult:
        return self._apply([question_id])

    def accept_all(self) -> ApplyResult:
        return self._apply(None)

    def _apply(self, questions: Iterable[str] | None) -> ApplyResult:
        from ..evidence import ApplyResult, apply_suggestions

        if self.result is None:
            return ApplyResult()
        applied = apply_suggestions(
            self.assessment, self.result, questions=questions, min_confidence=self.min_confidence if questions is None else "low"
        )
        ids = [s.question for s in applied.applied]
        if ids and self.on_change is not None:
            self.on_change(ids)
        skipped = len(applied.skipped_answered)
        low = len(applied.skipped_low_confidence)
        self.status.value = (
            f"Accepted {len(ids)} suggestion(s)."
            + (f" {skipped} already answered, left as they were." if skipped else "")
            + (f" {low} below {self.min_confidence} confidence left for you to confirm." if low else "")
        )
        self._render(keep_status=True)
        return applied

    # ---- views ----------------------------------------------------------------------------
    def slot(self, question_id: str) -> w.Box:
        """A box for one question's suggestion (empty until a scan suggests something)."""
        box = self._slots.get(question_id)
        if box is None:
            box = self._slots[question_id] = w.VBox([])
            box.add_class("rw-scan-slot")
            self._fill_slot(question_id)
        return box

    def _row(self, sug: Suggestion) -> w.Box:
        answered = self.assessment.value(sug.question) is not None
        evidence = "; ".join(f"<code>{_esc(e.where())}</code> ({_esc(e.signal)})" for e in sug.evidence[:4])
        more = len(sug.evidence) - 4
        text = (
            f"<b>Suggested level {sug.level}</b> &middot; {_esc(_STATUS_LABEL.get(sug.status, sug.status))}"
            f" &middot; {_esc(_KIND_LABEL.get(sug.evidence_kind, sug.evidence_kind))}"
            f" &middot; confidence {_esc(sug.confidence_label)} ({sug.confidence:.2f})<br>"
            f"<span class='rw-scan-why'>Why: {_esc(sug.why)}</span><br>"
            f"<small>{evidence}{f'; +{more} more' if more > 0 else ''}</small>"
        )
        if sug.side:
            text += f"<br><small>also in side folders, not counted: {_esc(', '.join(sug.side[:4]))}</small>"
        if sug.capped_by:
            text += f"<br><small>capped by {_esc(', '.join(sug.capped_by))}</small>"
        if answered:
            text += f"<br><small>answered ({_esc(self.assessment.value(sug.question))}); the answer is kept</small>"
        button = w.Button(description="Accept", icon="check", disabled=answered, layout=w.Layout(width="90px"))
        button.on_click(lambda _, qid=sug.question: self.accept(qid))
        row = w.HBox([w.HTML(value=text, layout=w.Layout(width="100%")), button])
        row.add_class("rw-scan-suggestion")
        row.add_class(f"rw-scan-{sug.status.replace(' ', '-')}")
        return row

    def _fill_slot(self, question_id: str) -> None:
        sug = self.suggestion(question_id)
        self._slots[question_id].children = [self._row(sug)] if sug is not None else []

    def _render(self, keep_status: bool = False) -> None:
        result = self.result
        if result is None:
            return
        f = result.findings
        pending = self.pending()
        self.accept_all_button.disabled = not pending
        label = "Accept all" if self.min_confidence == "low" else f"Accept all {self.min_confidence}-confidence"
        self.accept_all_button.description = f"{label} ({len(pending)})" if pending else label
        if not keep_status:
            problems = sum(f.problem_counts.values())
            self.status.value = (
                f"Scanned <code>{_esc(f.root)}</code>: {f.stats.files_seen:,} files in {f.stats.elapsed:.1f} s; "
                f"{len(result.suggestions)} suggestion(s), {len(pending)} with {self.min_confidence} confidence for "
                f"unanswered questions, {len(self.pending('low')) - len(pending)} more to confirm or check"
                + (f"; {problems} problem(s) reported" if problems else "")
                + ("" if f.complete else "; <b>partial scan</b> (a bound was hit or a file was read in part)")
            )
        rows = []
        for sug in result.suggestions.values():
            title = w.HTML(value=f"<b>{_esc(sug.question)}</b> &mdash; {_esc(sug.text)}")
            rows += [title, self._row(sug)]
        self.report.children = rows
        for qid in self._slots:
            self._fill_slot(qid)
