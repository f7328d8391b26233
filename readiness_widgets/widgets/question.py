"""One question's controls (level, N/A, don't know, evidence, notes) and the triage form.

Views only: a row writes through ``on_change(question_id, **fields)`` and re-reads the
Assessment in :meth:`QuestionRow.refresh`; it never scores anything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ._html import render
from .choice import Choice

if TYPE_CHECKING:  # pragma: no cover
    from ..assessment import Assessment
    from ..bank import Bank, Question

NA_LABEL = "N/A: does not apply to this pilot"
DONT_KNOW_LABEL = "Don't know"
EVIDENCE_TOOLTIPS = {
    "none": "No evidence: the respondent's word (counts up to level 1)",
    "manual": "An artefact someone can open: a document, a screenshot, a run log (counts up to level 2)",
    "reviewed": "Signed off by an accountable person, with a reference: who and when (counts up to level 4)",
    "automated": "A check that runs by itself and keeps proving it, e.g. a CI job or an alert rule (counts up to level 4)",
}
# the form's evidence options say what each kind means on the option itself (no tooltip to find)
EVIDENCE_LABELS = {
    "none": "none: my word (up to level 1)",
    "manual": "manual: a document, screenshot or run log (up to level 2)",
    "reviewed": "reviewed: signed off by an accountable person",
    "automated": "automated: a check that runs by itself, e.g. in CI",
}


def evidence_options(question: Question) -> list[tuple[str, str]]:
    """The evidence kinds that fit the question (the bank's ``evidence_kinds``)."""
    return [(kind, kind) for kind in question.evidence_kinds]


def level_options(question: Question) -> list[tuple[str, Any]]:
    """The answer options: the five level descriptions in full, then N/A (if allowed), don't know."""
    options: list[tuple[str, Any]] = [(f"{level} · {text}", level) for level, text in sorted(question.levels.items())]
    if question.allow_na:
        options.append((NA_LABEL, "na"))
    options.append((DONT_KNOW_LABEL, "dont_know"))
    return options


class QuestionRow:
    """The controls of one question; ``box`` is the widget to display.

    The levels and the evidence are :class:`~.choice.Choice` radio groups named by the question
    (one Tab stop each, arrow keys inside); the notes' label reads "Notes on <question>" to a
    screen reader, so no two controls of the form share a name.
    """

    def __init__(
        self,
        question: Question,
        assessment: Assessment,
        on_change: Callable[..., Any],
        *,
        slot: w.Widget | None = None,
    ):
        self.question = question
        self.assessment = assessment
        self.on_change = on_change
        self._syncing = False
        q = question
        self.title = w.HTML(value=render("question", q=q), layout=w.Layout(width="100%"))
        self.level = Choice(
            options=level_options(q),
            label=q.text,
            clear_label=f"Clear the answer to: {q.text}",
            layout=w.Layout(width="100%"),
        )
        self.evidence = Choice(
            options=[(EVIDENCE_LABELS.get(kind, kind), kind) for _, kind in evidence_options(q)],
            value="none",
            description="Evidence",
            label=f"Evidence for: {q.text}",
            hint=f"What would prove it: {q.evidence}" if q.evidence else "",
            horizontal=True,
            layout=w.Layout(width="100%"),
        )
        self.level.add_class("rw-level")
        self.evidence.add_class("rw-evidence-choice")
        self.notes = w.Textarea(
            value="",
            description=render("notes_label", q=q),
            description_allow_html=True,
            placeholder="Context, links, who checked it...",
            continuous_update=False,
            layout=w.Layout(width="100%", height="52px"),
            style={"description_width": "70px"},
        )
        self.message = w.HTML(value="")
        self.slot = slot if slot is not None else w.VBox([])
        self.refresh()
        self.level.observe(self._on_level, "value")
        self.evidence.observe(self._on_evidence, "value")
        self.notes.observe(self._on_notes, "value")
        self.box = w.VBox(
            [self.title, self.level, self.evidence, self.notes, self.slot, self.message],
            layout=w.Layout(width="100%"),
        )
        self.box.add_class("rw-question")

    @property
    def id(self) -> str:
        return self.question.id

    @property
    def controls(self) -> list[w.Widget]:
        return [self.level, self.evidence, self.notes]

    def refresh(self) -> None:
        """Show what the Assessment holds now (after a resume, an accepted suggestion, a reload)."""
        ans = self.assessment.answers.get(self.question.id)
        self._syncing = True
        try:
            self.level.value = ans.value if ans is not None else None
            self.evidence.value = ans.evidence if ans is not None else "none"
            self.notes.value = ans.notes if ans is not None else ""
        finally:
            self._syncing = False

    def set_visible(self, visible: bool) -> None:
        self.box.layout.display = None if visible else "none"

    @property
    def visible(self) -> bool:
        return self.box.layout.display != "none"

    def show_message(self, text: str) -> None:
        """An error about this question (HTML, escaped by the caller), announced as an alert."""
        self.message.value = f'<div role="alert" class="rw-row-message">{text}</div>' if text else ""

    def _send(self, **fields: Any) -> None:
        if self._syncing:
            return
        self.on_change(self, **fields)

    def _on_level(self, change) -> None:
        self._send(value=change["new"])

    def _on_evidence(self, change) -> None:
        self._send(evidence=change["new"])

    def _on_notes(self, change) -> None:
        self._send(notes=change["new"])


class TriageForm:
    """One radio group per triage question; answers decide which questions apply."""

    def __init__(self, bank: Bank, assessment: Assessment, on_change: Callable[[str, str], Any]):
        self.assessment = assessment
        self.on_change = on_change
        self._syncing = False
        self.controls: dict[str, Choice] = {}
        rows: list[w.Widget] = [
            w.HTML(value="<p>These answers decide which questions apply and which target is recommended.</p>")
        ]
        for t in bank.triage:
            choice = Choice(
                options=[(o.label, o.value) for o in t.options],
                value=assessment.triage[t.id],
                label=t.text,
                description=t.text,
                hint=t.help or "",
                layout=w.Layout(width="100%"),
            )
            choice.add_class("rw-triage-question")
            choice.observe(lambda change, tid=t.id: self._send(tid, change["new"]), "value")
            self.controls[t.id] = choice
            rows.append(choice)
        if not bank.triage:
            rows.append(w.HTML(value="<i>This bank has no triage questions: every question applies.</i>"))
        self.box = w.VBox(rows, layout=w.Layout(width="100%"))
        self.box.add_class("rw-triage")

    def refresh(self) -> None:
        triage = self.assessment.triage
        self._syncing = True
        try:
            for tid, dd in self.controls.items():
                dd.value = triage[tid]
        finally:
            self._syncing = False

    def _send(self, triage_id: str, value: str | None) -> None:
        if self._syncing:
            return
        if value is None:  # a triage question always has an answer (its default until changed)
            self.refresh()
            return
        self.on_change(triage_id, value)
