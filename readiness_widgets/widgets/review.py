"""The review view: every applicable answer in one table, and a way to jump back to a question."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ._html import render
from .question import answer_label

if TYPE_CHECKING:  # pragma: no cover
    from ..assessment import Assessment

NOTES_SHOWN = 160


class Review:
    """A table of every answer, a question picker and a "Go to question" button."""

    def __init__(self, assessment: Assessment, on_jump: Callable[[str], Any]):
        self.assessment = assessment
        self.on_jump = on_jump
        self.picker = w.Dropdown(
            options=[],
            description="Question",
            tooltip="Pick a question to go back to",
            layout=w.Layout(width="70%"),
            style={"description_width": "70px"},
        )
        self.go = w.Button(description="Go to question", icon="pencil", tooltip="Open the picked question to change it")
        self.go.on_click(lambda _: self.jump())
        self.table = w.HTML(value="")
        self.box = w.VBox(
            [
                w.HTML(value="<b>Review</b>: every question that applies, with its answer. "
                       "Pick one and press <i>Go to question</i> to change it."),
                w.HBox([self.picker, self.go]),
                self.table,
            ]
        )
        self.box.add_class("rw-review")

    def jump(self) -> None:
        if self.picker.value:
            self.on_jump(self.picker.value)

    def refresh(self) -> None:
        a = self.assessment
        bank = a.bank
        rows, options = [], []
        for q in bank.applicable_questions(a.triage):
            ans = a.answers.get(q.id)
            label = answer_label(q, ans.value if ans is not None else None)
            notes = ans.notes if ans is not None else ""
            rows.append(
                {
                    "id": q.id,
                    "dimension": bank.dimension(q.dimension).title,
                    "text": q.text,
                    "answer": label,
                    "evidence": ans.evidence if ans is not None and ans.value is not None else "",
                    "notes": notes if len(notes) <= NOTES_SHOWN else notes[:NOTES_SHOWN] + "...",
                }
            )
            short = label if len(label) <= 40 else label[:40] + "..."
            options.append((f"{q.id}: {short}", q.id))
        self.table.value = render("review", rows=rows)
        current = self.picker.value
        self.picker.options = options
        if current in {v for _, v in options}:
            self.picker.value = current
