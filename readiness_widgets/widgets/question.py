"""One question's controls (level, N/A, don't know, evidence, notes) and the triage form.

Views only: a row writes through ``on_change(question_id, **fields)`` and re-reads the
Assessment in :meth:`QuestionRow.refresh`; it never scores anything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ._html import render

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


def evidence_options(question: Question) -> list[tuple[str, str]]:
    """The evidence kinds that fit the question (the bank's ``evidence_kinds``)."""
    return [(kind, kind) for kind in question.evidence_kinds]
_WIDE = {"width": "100%"}


def level_options(question: Question) -> list[tuple[str, Any]]:
    """The answer options: the five level descriptions in full, then N/A (if allowed), don't know."""
    options: list[tuple[str, Any]] = [(f"{level} · {text}", level) for level, text in sorted(question.levels.items())]
    if question.allow_na:
        options.append((NA_LABEL, "na"))
    options.append((DONT_KNOW_LABEL, "dont_know"))
    return options


class QuestionRow:
    """The controls of one question; ``box`` is the widget to display."""

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
        self.title = w.HTML(value=render("question", q=q), layout=w.Layout(**_WIDE))
        self.level = w.RadioButtons(
            options=level_options(q),
            value=None,
            description="Answer",
            tooltip=f"Answer to: {q.text}",
            layout=w.Layout(**_WIDE),
            style={"description_width": "70px"},
        )
        self.clear = w.Button(description="Clear answer", tooltip=f"Clear the answer to {q.id}", icon="times")
        self.evidence = w.ToggleButtons(
            options=evidence_options(q),
            value="none",
            description="Evidence",
            tooltips=[EVIDENCE_TOOLTIPS[k] for k in q.evidence_kinds],
            style={"description_width": "70px", "button_width": "90px"},
        )
        self.evidence_hint = w.HTML(value=render("evidence_hint", hint=q.evidence or ""))
        self.notes = w.Textarea(
            value="",
            description="Notes",
            placeholder="Context, links, who checked it...",
            continuous_update=False,
            layout=w.Layout(width="95%", height="52px"),
            style={"description_width": "70px"},
        )
        self.message = w.HTML(value="")
        self.slot = slot if slot is not None else w.VBox([])
        self.refresh()
        self.level.observe(self._on_level, "value")
        self.evidence.observe(self._on_evidence, "value")
        self.notes.observe(self._on_notes, "value")
        self.clear.on_click(lambda _: setattr(self.level, "value", None))
        self.box = w.VBox(
            [
                self.title,
                self.level,
                w.HBox([self.evidence, self.clear], layout=w.Layout(flex_flow="row wrap")),
                self.evidence_hint,
                self.notes,
                self.slot,
                self.message,
            ],
            layout=w.Layout(border_bottom="1px solid #e5e7eb", padding="6px 0 8px 0", **_WIDE),
        )
        self.box.add_class("rw-question")

    @property
    def id(self) -> str:
        return self.question.id

    @property
    def controls(self) -> list[w.Widget]:
        return [self.level, self.clear, self.evidence, self.notes]

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
        self.message.value = text

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
    """One dropdown per triage question; answers decide which questions apply."""

    def __init__(self, bank: Bank, assessment: Assessment, on_change: Callable[[str, str], Any]):
        self.assessment = assessment
        self.on_change = on_change
        self._syncing = False
        self.controls: dict[str, w.Dropdown] = {}
        rows: list[w.Widget] = [
            w.HTML(value="<b>Triage</b>: these answers decide which questions apply and which target is recommended.")
        ]
        for t in bank.triage:
            dd = w.Dropdown(
                options=[(o.label, o.value) for o in t.options],
                value=assessment.triage[t.id],
                description=t.text,
                tooltip=t.help or t.text,
                style={"description_width": "initial"},
                layout=w.Layout(width="auto"),
            )
            dd.observe(lambda change, tid=t.id: self._send(tid, change["new"]), "value")
            self.controls[t.id] = dd
            rows.append(dd)
            if t.help:
                rows.append(w.HTML(value=_help(t.help)))
        if not bank.triage:
            rows.append(w.HTML(value="<i>This bank has no triage questions: every question applies.</i>"))
        self.box = w.VBox(rows)
        self.box.add_class("rw-triage")

    def refresh(self) -> None:
        triage = self.assessment.triage
        self._syncing = True
        try:
            for tid, dd in self.controls.items():
                dd.value = triage[tid]
        finally:
            self._syncing = False

    def _send(self, triage_id: str, value: str) -> None:
        if not self._syncing:
            self.on_change(triage_id, value)


def _help(text: str) -> str:
    from markupsafe import escape

    return f'<small style="color:#4b5563">{escape(text)}</small>'
