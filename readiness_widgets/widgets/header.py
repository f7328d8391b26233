"""The header: pilot, respondents, target profile, progress and the save status."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import ipywidgets as w
from markupsafe import escape

from ._html import render
from .a11y import JumpLink, LiveStatus

if TYPE_CHECKING:  # pragma: no cover
    from ..assessment import Assessment

RECOMMENDED = "__recommended__"


class Header:
    """Metadata controls, progress bar and save status; callbacks go to the app."""

    def __init__(self, assessment: Assessment, on_meta: Callable[[str, Any], Any]):
        self.assessment = assessment
        self.on_meta = on_meta
        self._syncing = False
        bank = assessment.bank
        label = {"description_width": "90px"}
        self.pilot = w.Text(description="Pilot", continuous_update=False, style=label)
        self.respondents = w.Text(
            description="Respondents",
            placeholder="names, separated by commas",
            continuous_update=False,
            style=label,
        )
        self.target = w.Dropdown(
            options=[("Recommended by the triage", RECOMMENDED)] + [(t.title, t.id) for t in bank.targets],
            description="Target",
            tooltip="The target profile the verdict and the roadmap are measured against",
            style=label,
        )
        self.progress_text = LiveStatus()
        self.progress = w.IntProgress(value=0, min=0, max=1, description="Progress", style=label)
        self.status = LiveStatus()
        self.to_results = JumpLink(text="Go to the results \u2193", target=".rw-results")
        self.save_now = w.Button(description="Save now", icon="save", tooltip="Save the assessment file now")
        self.reload = w.Button(
            description="Reload from disk",
            icon="refresh",
            tooltip="Discard this form's unsaved changes and load the file as it is on disk",
            layout=w.Layout(display="none"),
        )
        self.overwrite = w.Button(
            description="Overwrite file",
            icon="exclamation-triangle",
            button_style="warning",
            tooltip="Write this form's answers over the file on disk",
            layout=w.Layout(display="none"),
        )
        self.next_unanswered = w.Button(
            description="Next unanswered", icon="arrow-right", tooltip="Go to the next unanswered question"
        )
        self.warnings = w.HTML(value="")
        self.refresh()
        self.pilot.observe(lambda c: self._send("pilot", c["new"]), "value")
        self.respondents.observe(lambda c: self._send("respondents", c["new"]), "value")
        self.target.observe(lambda c: self._send("target", None if c["new"] == RECOMMENDED else c["new"]), "value")
        self.box = w.VBox(
            [
                w.HBox([self.pilot, self.respondents, self.target]),
                w.HBox(
                    [self.progress, self.progress_text, self.next_unanswered, self.save_now, self.status,
                     self.reload, self.overwrite, self.to_results],
                ),
                self.warnings,
            ],
        )
        self.box.add_class("rw-header")

    def refresh(self) -> None:
        a = self.assessment
        self._syncing = True
        try:
            self.pilot.value = a.pilot
            self.respondents.value = ", ".join(a.respondents)
            self.target.value = a.target or RECOMMENDED
        finally:
            self._syncing = False
        self.warnings.value = "".join(
            f'<div style="color:#b45309"><small>{escape(msg)}</small></div>' for msg in a.warnings
        )

    def show_progress(self, answered: int, applicable: int) -> None:
        self.progress.max = max(applicable, 1)
        self.progress.value = answered
        self.progress_text.show(render("progress", answered=answered, applicable=applicable))

    def show_saved(self, when: datetime | None = None, *, revision: int | None = None) -> None:
        stamp = (when or datetime.now()).strftime("%H:%M:%S")
        self.show_status(f"saved revision {revision}, {stamp}" if revision is not None else f"saved {stamp}", "#166534")
        self.show_conflict(False)

    def name_conflict_choices(self, reload: str, reload_tip: str, keep: str, keep_tip: str) -> None:
        """What the two ways out of a conflict say (a store keeps both sides: "Keep mine as a new revision")."""
        self.reload.description, self.reload.tooltip = reload, reload_tip
        self.overwrite.description, self.overwrite.tooltip = keep, keep_tip

    def show_pending(self) -> None:
        self.show_status("unsaved changes (saving...)", "#4b5563")

    def show_failed(self, reason: str, *, conflict: bool = False) -> None:
        self.show_status(f"save failed: {reason}", "#991b1b", urgent=True)
        self.show_conflict(conflict)

    def show_conflict(self, visible: bool) -> None:
        self.reload.layout.display = None if visible else "none"
        self.overwrite.layout.display = None if visible else "none"

    @property
    def status_text(self) -> str:
        """The save status as plain text (for tests and logs)."""
        import re
        from html import unescape

        return unescape(re.sub(r"<[^>]+>", "", self.status.value))

    def show_status(self, text: str, colour: str = "#374151", *, urgent: bool = False) -> None:
        """``text`` in the status line, announced politely, or at once (``urgent``) as an alert."""
        self.status.show(render("status", text=text, colour=colour), urgent=urgent)

    def _send(self, field: str, value: Any) -> None:
        if not self._syncing:
            self.on_meta(field, value)
