"""The team dashboard and facilitator view: disagreements first, every answer side by side, and
the agreed level recorded with a reason.

A thin view over the engine: :class:`~readiness_widgets.team.TeamFolder` reads the folder,
:func:`~readiness_widgets.result.evaluate_team` gives the one
:class:`~readiness_widgets.result.Result` (with ``result.team``) that the report renders too, and
the charts are the specs of :mod:`readiness_widgets.charts` drawn by
:class:`~.plotly_view.PlotlyView`. An agreement is written to the team's consensus file (an
:class:`~readiness_widgets.assessment.Assessment`: a locked compare-and-swap save); the view
follows that assessment's change signal and scores the team again.

>>> from readiness_widgets.widgets.team import team_dashboard
>>> team_dashboard("churn-team", facilitator="Fay")       # doctest: +SKIP
"""

from __future__ import annotations

import os
from pathlib import Path

import ipywidgets as w
from markupsafe import escape

from ..api import Assessment
from ..assessment import AssessmentConflictError, Change
from ..bank import Bank
from ..charts import disagreement_heatmap_spec, team_radar_spec
from ..errors import ReadinessError
from ..report import html_linkify, render_html, render_markdown
from ..result import Result, TeamQuestion, evaluate_team
from ..team import Team, TeamFolder
from ._html import STYLE, VERDICT_COLOURS, render
from .download import DownloadButton, safe_filename
from .plotly_view import PlotlyView
from .question import DONT_KNOW_LABEL, EVIDENCE_TOOLTIPS, NA_LABEL, evidence_options

ENV_FACILITATOR = "READINESS_FACILITATOR"
OPEN, AGREED, CALM = "\u2691", "\u2713", "\u00b7"  # flag, check mark, middle dot

_SIDE_BY_SIDE = """\
<div class="rw-team-question"><b>{{ q.text }}</b> <small><code>{{ q.id }}</code> &middot; {{ q.dimension_title }}</small>
{% if q.reasons %}<div class="rw-team-reasons" style="color:#b45309">Flagged: {{ q.reasons | join('; ') }}</div>{% endif %}
<table class="rw-table rw-side-by-side"><thead><tr><th>Respondent</th><th>Role</th><th>Answer</th><th>Evidence</th><th>Notes</th></tr></thead><tbody>
{% for a in q.answers %}<tr><td>{{ a.name }}</td><td>{{ a.role }}</td><td>{{ a.answer }}{% if a.anchor %}: {{ a.anchor }}{% endif %}</td><td>{{ a.evidence }}</td>\
<td class="rw-notes">{{ a.notes_html }}</td></tr>
{% endfor %}</tbody></table>
<div>Team {{ method }}: <b>{{ q.combined }}</b>{% if q.spread is not none %} &middot; spread {{ '%g' % q.spread }}{% endif %}\
{% if q.iqr is not none %} &middot; IQR {{ '%g' % q.iqr }}{% endif %} &middot; {{ q.answered }} level(s), {{ q.na }} N/A, {{ q.dont_know }} don't know, {{ q.unanswered }} unanswered</div>
{% if q.agreed %}<div class="rw-team-agreed" style="color:#15803d">Agreed: <b>{{ q.final }}</b> by {{ q.agreed.agreed_by }} on \
{{ q.agreed.agreed_at.strftime('%Y-%m-%d %H:%M') }} UTC: {{ q.agreed.reason }}</div>{% endif %}
</div>"""

_SUMMARY = """\
<div class="rw-meta"><b class="rw-pilot">{{ r.pilot }}</b> &middot; team of {{ t.members | length }}:
{% for m in t.members %}{{ m.name }} ({{ m.role_title }}, {{ m.answered }}/{{ m.asked }}){{ ', ' if not loop.last }}{% endfor %}
&middot; bank {{ r.bank.id }} {{ r.bank.version }} &middot; team answer: the {{ t.method }}, or the agreed one<br>
<span class="rw-team-counts"><b>{{ t.disagreements | length }}</b> disagreement(s), <b>{{ t.open_disagreements | length }}</b> open,
<b>{{ t.agreed | length }}</b> agreed answer(s)</span></div>"""

_AGREEMENT = """\
<table class="rw-table rw-alpha"><thead><tr><th>Dimension</th><th>Krippendorff's alpha (ordinal)</th><th>Raters</th><th>Questions compared</th></tr></thead><tbody>
{% for d in rows %}<tr><td>{{ d.title }}</td><td>{{ '%.2f' % d.alpha if d.alpha is not none else 'n/a' }}</td><td>{{ d.raters }}</td><td>{{ d.units }}</td></tr>
{% endfor %}</tbody></table>"""


def _template(source: str):
    from ._html import _env

    return _env().from_string(source)


def _reason(exc: BaseException) -> str:
    problems = getattr(exc, "problems", None)
    if problems:
        return "; ".join(p.message for p in problems)
    return str(exc) or type(exc).__name__


class TeamDashboard(w.VBox):
    """Verdict, team radar, disagreement heatmap, and the facilitator's panel for one team folder."""

    def __init__(self, folder: str | Path, *, facilitator: str | None = None, bank: Bank | None = None):
        super().__init__()
        self.add_class("rw-dashboard")
        self.add_class("rw-team")
        self.folder = TeamFolder(folder, bank=bank)
        self.team: Team = self.folder.load()
        # the consensus file, as the facilitator changes it: the view follows its change signal
        self.consensus: Assessment = Assessment.load(self.team.consensus.path, bank=self.team.bank)
        self.team = Team(self.team.folder, self.consensus, self.team.members)
        self.result: Result = evaluate_team(self.team)

        self.summary = w.HTML()
        self.banner = w.HTML()
        self.radar = PlotlyView(layout=w.Layout(min_height="470px"))
        self.heatmap = PlotlyView(layout=w.Layout(width="100%"))
        self.agreement = w.HTML(layout=w.Layout(overflow="auto"))
        self.status = w.HTML(value="")

        # the facilitator's panel
        self.picker = w.Dropdown(
            description="Question",
            tooltip="Disagreements first: pick a question to see every answer side by side",
            layout=w.Layout(width="min(100%, 760px)"),
            style={"description_width": "80px"},
        )
        self.side_by_side = w.HTML(layout=w.Layout(overflow="auto"))
        self.facilitator = w.Text(
            value=facilitator if facilitator is not None else os.environ.get(ENV_FACILITATOR, ""),
            description="Facilitator",
            placeholder="your name (kept with the agreement)",
            style={"description_width": "80px"},
            layout=w.Layout(width="340px"),
        )
        self.level = w.Dropdown(description="Agreed", style={"description_width": "80px"}, layout=w.Layout(width="min(100%, 560px)"))
        self.evidence = w.ToggleButtons(
            options=[("none", "none")], value="none", description="Evidence",
            style={"description_width": "80px", "button_width": "90px"},
        )
        self.reason = w.Textarea(
            description="Reason", placeholder="why the team settled on this level",
            layout=w.Layout(width="min(100%, 560px)", height="56px"), style={"description_width": "80px"},
        )
        self.record = w.Button(description="Record agreement", icon="check", button_style="success",
                               tooltip="Record the agreed level, with who agreed and when, in consensus.json")
        self.withdraw = w.Button(description="Withdraw agreement", icon="undo",
                                 tooltip="Forget the agreed level: the team's combined answer applies again")
        self.reload = w.Button(description="Reload answers", icon="refresh",
                               tooltip="Read the respondents' files again (they may have changed)")
        self.record.on_click(lambda _: self.agree())
        self.withdraw.on_click(lambda _: self.withdraw_agreement())
        self.reload.on_click(lambda _: self.refresh())
        self.picker.observe(lambda _: self._show_question(), "value")
        self.downloads = w.HBox([
            DownloadButton("HTML report", "team-report.html", lambda: render_html(self.result), mime="text/html",
                           tooltip="Download the team's HTML report (what we disagree on, the team radar, the roadmap)"),
            DownloadButton("Markdown", "team-report.md", lambda: render_markdown(self.result), mime="text/markdown",
                           tooltip="Download the team's report as Markdown"),
        ], layout=w.Layout(flex_flow="row wrap"))

        self.consensus.changed.connect(self._on_change)
        self.children = [
            w.HTML(value=STYLE),
            w.HTML(value="<h2 style='margin:4px 0'>Team readiness</h2>"),
            self.summary,
            self.banner,
            w.HBox([
                w.VBox([self.radar], layout=w.Layout(flex="1 1 460px", min_width="320px")),
                w.VBox([self.heatmap], layout=w.Layout(flex="1 1 460px", min_width="320px")),
            ], layout=w.Layout(flex_flow="row wrap", width="100%")),
            w.HTML(value="<h3>What we disagree on</h3><p>Disagreements first (\u2691 open, \u2713 agreed): pick one, "
                   "talk it through with every answer in view, and record the level the team agrees on.</p>"),
            self.picker,
            self.side_by_side,
            w.VBox([self.facilitator, self.level, self.evidence, self.reason,
                    w.HBox([self.record, self.withdraw, self.reload], layout=w.Layout(flex_flow="row wrap")),
                    self.status], layout=w.Layout(border_left="4px solid #2563eb", padding="4px 8px")),
            w.HTML(value="<h3>Agreement by dimension</h3><p>Krippendorff's alpha for ordinal data over the levels "
                   "given: 1 is full agreement, 0 no better than chance; below 0.67 the answers are too far apart "
                   "to rely on.</p>"),
            self.agreement,
            w.HTML(value="<h3>Take it away</h3>"),
            self.downloads,
        ]
        self._render()

    # ---- state -------------------------------------------------------------------------------
    @property
    def question(self) -> TeamQuestion | None:
        """The question shown in the facilitator's panel."""
        rows = {q.id: q for q in self.result.team.questions}
        return rows.get(self.picker.value)

    def _options(self) -> list[tuple[str, str]]:
        t = self.result.team
        flagged = t.disagreements
        rest = [q for q in t.questions if not q.flagged]
        out = []
        for q in (*flagged, *rest):
            mark = AGREED if q.agreed is not None else OPEN if q.flagged else CALM
            spread = f"spread {q.spread:g}, " if q.spread is not None else ""
            text = q.text if len(q.text) <= 70 else q.text[:70] + "..."
            out.append((f"{mark} {q.id}: {spread}{q.final} · {text}", q.id))
        return out

    # ---- rendering -----------------------------------------------------------------------------
    def _render(self) -> None:
        r, t = self.result, self.result.team
        self.summary.value = _template(_SUMMARY).render(r=r, t=t)
        v = r.verdict
        self.banner.value = render(
            "banner", v=v, colour=VERDICT_COLOURS.get(v.status, "#111827"), target=r.target, mean=r.mean,
            weakest=r.weakest, weakest_title=r.weakest_title,
        )
        self.radar.show(team_radar_spec(r, height=470))
        self.heatmap.show(disagreement_heatmap_spec(r))
        self.agreement.value = _template(_AGREEMENT).render(rows=t.agreement)
        stem = safe_filename(f"{r.pilot}-team", "team")
        for button, suffix in zip(self.downloads.children, (".html", ".md"), strict=True):
            button.filename = stem + suffix
        current = self.picker.value
        options = self._options()
        self.picker.options = options
        ids = [v for _, v in options]
        self.picker.value = current if current in ids else (ids[0] if ids else None)
        self._show_question()

    def _show_question(self) -> None:
        q = self.question
        if q is None:
            self.side_by_side.value = "<p>No question applies.</p>"
            return
        bank = self.team.bank
        question = bank.question(q.id)
        answers = [
            {"name": a.name, "role": a.role, "answer": a.answer, "evidence": a.evidence,
             "anchor": question.levels[a.level] if a.level is not None else "", "notes_html": html_linkify(a.notes)}
            for a in q.answers
        ]
        self.side_by_side.value = _template(_SIDE_BY_SIDE).render(q=_Row(q, answers), method=self.result.team.method)
        options = [(f"{lv} · {text}", lv) for lv, text in sorted(question.levels.items())]
        if question.allow_na:
            options.append((NA_LABEL, "na"))
        options.append((DONT_KNOW_LABEL, "dont_know"))
        self.level.options = options
        self.evidence.options = evidence_options(question)  # the kinds that fit this question
        self.evidence.tooltips = [EVIDENCE_TOOLTIPS[k] for k in question.evidence_kinds]
        if q.agreed is not None:
            self.level.value, self.evidence.value, self.reason.value = q.agreed.value, q.agreed.evidence, q.agreed.reason
        else:
            combined = next((a for a in self.result.questions if a.id == q.id), None)
            self.level.value = combined.level if combined is not None and combined.level is not None else None
            self.evidence.value = combined.evidence if combined is not None and combined.evidence else "none"
            self.reason.value = ""
        self.withdraw.disabled = q.agreed is None

    # ---- the facilitator's actions: written to the consensus Assessment, saved ------------------
    def agree(self) -> bool:
        """Record the panel's level, evidence and reason for the shown question; True if saved."""
        q = self.question
        if q is None:
            return False
        if self.level.value is None:
            return self._say("Not recorded: pick the agreed level first.", error=True)
        if not self.facilitator.value.strip():
            return self._say("Not recorded: give the facilitator's name (kept with the agreement).", error=True)
        if not self.reason.value.strip():
            return self._say("Not recorded: give the reason the team agreed on this level.", error=True)
        try:
            self.consensus.agree(q.id, self.level.value, evidence=self.evidence.value,
                                 reason=self.reason.value, by=self.facilitator.value)
        except ReadinessError as exc:
            return self._say(f"Not recorded: {_reason(exc)}", error=True)
        return self._save(f"Recorded: {q.id} agreed by {self.facilitator.value.strip()}.")

    def withdraw_agreement(self) -> bool:
        q = self.question
        if q is None or q.agreed is None:
            return False
        self.consensus.withdraw_agreement(q.id)
        return self._save(f"Withdrawn: {q.id} takes the team's {self.result.team.method} again.")

    def _save(self, message: str) -> bool:
        try:
            self.consensus.save()
        except AssessmentConflictError:
            self.consensus.reload()  # someone else recorded meanwhile: show theirs, keep nothing stale
            return self._say("consensus.json changed on disk meanwhile: reloaded; record it again if still needed.", error=True)
        except (ReadinessError, OSError) as exc:
            return self._say(f"Not saved: {_reason(exc)}", error=True)
        return self._say(message)

    def _say(self, text: str, *, error: bool = False) -> bool:
        colour = "#b91c1c" if error else "#15803d"
        self.status.value = f'<span class="rw-save-status" role="status" style="color:{colour}">{escape(text)}</span>'
        return not error

    def _on_change(self, change: Change) -> None:
        """Every change of the consensus file (an agreement, a reload): score the team again."""
        self.result = evaluate_team(self.team)
        self._render()

    def refresh(self) -> None:
        """Read the team folder again (respondents may have answered meanwhile)."""
        try:
            fresh = self.folder.load()
            self.consensus.reload()
        except ReadinessError as exc:
            self._say(f"Cannot read the team folder: {_reason(exc)}", error=True)
            return
        self.team = Team(fresh.folder, self.consensus, fresh.members)
        self.result = evaluate_team(self.team)
        self._render()
        self._say("Answers read again.")

    def close_all(self) -> None:
        self.consensus.changed.disconnect(self._on_change)
        for widget in _walk(self):
            widget.close()


class _Row:
    """A team question with its answers prepared for the side-by-side table."""

    def __init__(self, q: TeamQuestion, answers: list[dict]):
        self._q = q
        self.answers = answers

    def __getattr__(self, name):
        return getattr(self._q, name)


def _walk(widget: w.Widget):
    for child in getattr(widget, "children", ()):
        yield from _walk(child)
    yield widget


def team_dashboard(
    folder: str | Path | None = None, *, facilitator: str | None = None, bank: Bank | None = None
) -> TeamDashboard | w.HTML:
    """The team dashboard for ``folder`` (default ``$READINESS_ASSESSMENTS``, else the bundled demo
    team); bad input is one line on the page, never a traceback."""
    from ..demo import demo_team_folder
    from ..portfolio import ENV_FOLDER

    folder = folder if folder is not None else os.environ.get(ENV_FOLDER) or demo_team_folder()
    try:
        return TeamDashboard(folder, facilitator=facilitator, bank=bank)
    except ReadinessError as exc:
        return w.HTML(value=render("notices", notices=[str(exc)], unreadable=[]))


__all__ = ["TeamDashboard", "team_dashboard"]
