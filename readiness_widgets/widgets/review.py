"""The review view: every applicable answer in one table, and a way to jump back to a question.

It renders the result's question rows, so an answer reads here exactly as in the report and the
dashboard ("level 2: <anchor>", "N/A", "don't know", "unanswered").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ._html import render, scroll

if TYPE_CHECKING:  # pragma: no cover
    from ..result import Result

NOTES_SHOWN = 160


class Review:
    """A table of every answer, a question picker and a "Go to question" button."""

    def __init__(self, on_jump: Callable[[str], Any]):
        self.on_jump = on_jump
        self.picker = w.Dropdown(
            options=[],
            description="Question",
            tooltip="Pick a question to go back to",
            layout=w.Layout(width="min(100%, 40rem)"),
            style={"description_width": "70px"},
        )
        self.go = w.Button(description="Go to question", icon="pencil", tooltip="Open the picked question to change it")
        self.go.on_click(lambda _: self.jump())
        self.table = w.HTML(value="")
        self.box = w.VBox(
            [
                w.HTML(value="<b>Review</b>: every question that applies, with its answer. "
                       "Pick one and press <i>Go to question</i> to change it."),
                w.HBox([self.picker, self.go], layout=w.Layout(flex_flow="row wrap")),
                self.table,
            ]
        )
        self.box.add_class("rw-review")

    def jump(self) -> None:
        if self.picker.value:
            self.on_jump(self.picker.value)

    def refresh(self, result: Result) -> None:
        rows, options = [], []
        for q in result.questions:
            label = f"{q.answer}: {q.anchor}" if q.anchor else q.answer
            rows.append(
                {
                    "id": q.id,
                    "dimension": q.dimension_title,
                    "text": q.text,
                    "answer": label,
                    "evidence": q.evidence,
                    "notes": q.notes if len(q.notes) <= NOTES_SHOWN else q.notes[:NOTES_SHOWN] + "...",
                }
            )
            short = label if len(label) <= 40 else label[:40] + "..."
            options.append((f"{q.id}: {short}", q.id))
        self.table.value = scroll(render("review", rows=rows), "Every answer")
        current = self.picker.value
        self.picker.options = options
        if current in {v for _, v in options}:
            self.picker.value = current
