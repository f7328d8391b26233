"""The stakeholder dashboard: pick a saved assessment and see its readiness at a glance.

A thin view: :class:`~readiness_widgets.portfolio.AssessmentFolder` reads the files (confined
to one folder) and :func:`~readiness_widgets.result.evaluate` gives the one
:class:`~readiness_widgets.result.Result` that the HTML report, the Markdown, the form and this
page all render (scores, previous scores, roadmap, answered questions with their evidence). The
figures are the chart specs of :mod:`readiness_widgets.charts`, drawn by
:class:`~.plotly_view.PlotlyView` (a small plotly.js build) and replaced when another assessment
is picked.

>>> from readiness_widgets.widgets.dashboard import dashboard
>>> dashboard()        # $READINESS_ASSESSMENTS, else the bundled demo folder     # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

import ipywidgets as w
import pandas as pd

from ..api import Assessment as _Assessment
from ..charts import radar_spec, timeline_spec
from ..demo import demo_folder
from ..errors import ReadinessError
from ..portfolio import AssessmentFolder, Entry, FolderError
from ..report import html_link, render_html, render_markdown
from ..result import Result, evaluate
from ..store import Revision, Store, StoreError, open_store, store_url
from ._html import STYLE, VERDICT_COLOURS, dimension_table, html_table, render, scroll
from .download import DownloadButton, safe_filename
from .location import PageLocation
from .plotly_view import PlotlyView

if TYPE_CHECKING:  # pragma: no cover
    from ..assessment import Assessment

SCORE_COLUMNS = ("title", "score", "target", "gap", "coverage", "status")
QUESTION_GAP_COLUMNS = {"dimension": "Dimension", "text": "Question", "answer": "Answer", "target": "Target", "gap": "Gap"}
MAX_QUESTION_GAPS = 15


class Dashboard(w.VBox):
    """Picker, verdict banner, radar (vs target and previous), scores, gaps, roadmap, evidence, downloads."""

    def __init__(self, folder: AssessmentFolder, *, selected: str | None = None, notice: str | None = None):
        super().__init__()
        self.add_class("rw-dashboard")
        self.folder = folder
        self.entries: list[Entry] = folder.entries()
        self.readable = [e for e in self.entries if e.ok]
        if selected is not None and notice is None:
            notice = self._refusal(selected)
        if notice is not None:
            selected = None
        self.entry: Entry | None = None
        self.previous: Entry | None = None
        self.result: Result | None = None

        self.notice = w.HTML(value=render("notices", notices=[notice] if notice else [], unreadable=self._unreadable()))
        # the browser tells the kernel the page's query string: re-read the folder, follow ?file=
        self.location = PageLocation(on_query=self.refresh, on_painted=self._painted)
        self._seen = False  # has a browser painted the page yet? (the location widget reports it)
        self._details_shown = False
        self.picker = w.Dropdown(
            options=[(e.label, e.name) for e in self.readable],
            description="Assessment",
            tooltip="Pick the assessment to show",
            layout=w.Layout(width="min(100%, 640px)"),
            style={"description_width": "90px"},
        )
        if not self.readable:
            self.children = [w.HTML(value=STYLE), self.location, self._title(), self.notice,
                             w.HTML(value=render("empty", folder=str(folder.root)))]
            return
        self._build(selected)

    def _build(self, selected: str | None) -> None:
        """Lay out the page, once the folder holds an assessment that can be read."""
        self.banner = w.HTML()
        self.meta = w.HTML()
        self.scores_table = w.HTML()
        self.gap_table = w.HTML()
        self.roadmap_details = w.HTML()
        self.evidence = w.HTML()
        self.download_buttons = self._downloads()
        self.downloads = w.HBox([], layout=w.Layout(flex_flow="row wrap"))

        self.radar = PlotlyView(layout=w.Layout(min_height="440px"))
        # made once the page has painted: its model (with plotly.js) is not part of the first load
        self.timeline: PlotlyView | None = None
        self.timeline_box = w.Box(layout=w.Layout(width="100%"))
        self.radar_figure: dict | None = None
        self.timeline_figure: dict | None = None
        self._show(selected if selected in {e.name for e in self.readable} else self._latest())
        self.picker.value = self.entry.name
        self.picker.observe(self._on_pick, "value")
        self.children = [
            w.HTML(value=STYLE),
            self.location,
            self._title(),
            self.notice,
            w.HBox([self.picker], layout=w.Layout(flex_flow="row wrap")),
            self.meta,
            self.banner,
            w.HBox(
                [
                    w.VBox([self.radar], layout=w.Layout(flex="1 1 420px", min_width="320px")),
                    w.VBox(
                        [w.HTML(value="<h2>Dimension scores</h2>"), self.scores_table,
                         w.HTML(value="<h2>Largest gaps</h2>"), self.gap_table],
                        layout=w.Layout(flex="1 1 420px", min_width="320px"),
                    ),
                ],
                layout=w.Layout(flex_flow="row wrap", width="100%"),
            ),
            w.HTML(value="<h2>Roadmap</h2>"),
            self.timeline_box,
            self.roadmap_details,
            w.HTML(value="<h2>Evidence and notes</h2>"),
            self.evidence,
            w.HTML(value="<h2>Take it away</h2>"),
            self.downloads,
        ]

    # ---- state ---------------------------------------------------------------------------
    @property
    def assessment(self) -> Assessment | None:
        return self.entry.assessment if self.entry else None

    def _latest(self) -> str:
        return self.folder.latest(self.readable).name

    def _refusal(self, name: str) -> str | None:
        """Why ``name`` cannot be shown (outside the folder, or not a readable file), else None."""
        try:
            self.folder.resolve(name)
        except FolderError as exc:  # the problem, without the server's folder path
            return f"{name}: {exc.problems[0].message}"
        if name not in {e.name for e in self.readable}:
            return f"{name}: no readable assessment of that name"
        return None

    def _show(self, name: str) -> None:
        entry = next(e for e in self.readable if e.name == name)
        self.entry = entry
        self.previous = self.folder.previous(entry, self.entries)
        # scored once; the previous assessment against this one's target
        self.result = evaluate(entry.assessment, previous=self.previous.assessment if self.previous else None)
        self.radar_figure = radar_spec(self.result, height=440)
        self.timeline_figure = timeline_spec(self.result.roadmap)
        self.radar.show(self.radar_figure)
        self._render_html()

    def _painted(self) -> None:
        """The browser has drawn the page: now send what lies below the fold (the Gantt chart, the
        roadmap and evidence tables, the download buttons), left out of the first paint so that
        the verdict, the radar and the scores show sooner."""
        self._seen = True
        self._show_details()

    def select(self, name: str) -> None:
        """Show the assessment saved as ``name`` (a file of the folder)."""
        self.picker.value = name  # the observer does the rest

    def _on_pick(self, change) -> None:
        if change["new"] is not None and (self.entry is None or change["new"] != self.entry.name):
            self._show(change["new"])

    def refresh(self, query: str | None = None) -> None:
        """Re-read the folder (files may have changed since the page was built) and follow
        ``file=NAME.json`` in ``query`` (the page's query string); a name outside the folder is refused."""
        params = parse_qs(query or "")
        wanted = (params.get("file") or params.get("pilot") or [None])[0]
        try:
            fresh = self.folder.entries()
        except FolderError as exc:  # the folder went away or cannot be listed: say so, keep the page
            self.notice.value = render("notices", notices=[str(exc)], unreadable=self._unreadable())
            return
        if [(e.name, e.updated, e.error) for e in fresh] != [(e.name, e.updated, e.error) for e in self.entries]:
            self.entries = fresh
            readable = [e for e in fresh if e.ok]
            if self.entry is None:  # built on a folder with nothing to show: lay out the page now
                if readable:
                    self.readable = readable
                    self.picker.options = [(e.label, e.name) for e in readable]
                    self._build(None)
            else:
                self.readable = readable or self.readable
                names = {e.name for e in self.readable}
                shown = self.entry.name if self.entry.name in names else self._latest()
                # new options reset the picker to the first one: keep it on the assessment shown
                self.picker.unobserve(self._on_pick, "value")
                try:
                    self.picker.options = [(e.label, e.name) for e in self.readable]
                    self.picker.value = shown
                finally:
                    self.picker.observe(self._on_pick, "value")
                self._show(shown)
        refusal = self._refusal(wanted) if wanted is not None else None
        self.notice.value = render("notices", notices=[refusal] if refusal else [], unreadable=self._unreadable())
        if wanted is not None and refusal is None:
            self.select(wanted)

    # ---- rendering ---------------------------------------------------------------------------
    def _render_html(self) -> None:
        r = self.result
        v = r.verdict
        self.meta.value = render(
            "dashboard_meta", info=r.info, bank=r.bank, previous=self.previous, file=self.entry.name,
            warnings=self.entry.warnings,
        )
        self.banner.value = render(
            "banner",
            v=v,
            colour=VERDICT_COLOURS.get(v.status, "#111827"),
            target=r.target,
            mean=r.mean,
            weakest=r.weakest,
            weakest_title=r.weakest_title,
        )
        self.scores_table.value = scroll(dimension_table(r, SCORE_COLUMNS), "Dimension scores")
        gaps = pd.DataFrame(
            [[q.dimension_title, q.text, q.answer, q.target, q.gap] for q in r.question_gaps[:MAX_QUESTION_GAPS]],
            columns=list(QUESTION_GAP_COLUMNS.values()),
        )
        self.gap_table.value = scroll(html_table(gaps), "Largest gaps") if len(gaps) else "<p>No question is below its target.</p>"
        a = self.assessment
        stem = safe_filename(f"{a.pilot}-{a.data.updated:%Y-%m-%d}", "")
        for button, suffix in zip(self.download_buttons, (".html", ".md", "-scores.csv", "-answers.csv"), strict=True):
            button.filename = stem + suffix
        self._details_shown = False
        if self._seen:
            self._show_details()

    def _show_details(self) -> None:
        """What lies below the fold: the Gantt chart, the roadmap, the evidence, the downloads."""
        if self.entry is None or self._details_shown:
            return
        if self.timeline is None:
            self.timeline = PlotlyView(layout=w.Layout(width="100%"))
            self.timeline_box.children = [self.timeline]
        self.timeline.show(self.timeline_figure)
        self.roadmap_details.value = scroll(render("roadmap", r=self.result.roadmap), "Roadmap")
        self.evidence.value = scroll(render("evidence", rows=self.result.answered, html_link=html_link), "Evidence and notes")
        self.downloads.children = self.download_buttons
        self._details_shown = True

    def _unreadable(self) -> list[tuple[str, str]]:
        return [(e.name, e.error or "") for e in self.entries if not e.ok]

    def _title(self) -> w.HTML:
        return w.HTML(value="<h1>AI pilot production readiness</h1>")

    def _downloads(self) -> list[DownloadButton]:
        # from the result the page shows: nothing is scored again
        return [
                DownloadButton("HTML report", "report.html", lambda: render_html(self.result), mime="text/html",
                               tooltip="Download a standalone HTML report (works offline, prints to PDF)"),
                DownloadButton("Markdown", "report.md", lambda: render_markdown(self.result), mime="text/markdown",
                               tooltip="Download the report as Markdown, for a pull request or a wiki"),
                DownloadButton("Scores (CSV)", "scores.csv", lambda: self.result.scores.to_csv("dimensions"), mime="text/csv",
                               tooltip="Download the dimension scores as CSV"),
                DownloadButton("Answers (CSV)", "answers.csv", lambda: self.result.scores.to_csv("questions"), mime="text/csv",
                               tooltip="Download every question's answer and gap as CSV"),
        ]


class StoreSource:
    """A store as the dashboard reads it: one entry per pilot, its latest revision.

    The same calls as :class:`~readiness_widgets.portfolio.AssessmentFolder` (``entries``,
    ``latest``, ``previous``, ``resolve``); an entry's name is the pilot's key, and the previous
    assessment is the latest milestone before the latest revision. ``only``: list that pilot alone.
    """

    def __init__(self, store: Store, *, only: str | None = None):
        self.store = store
        self.only = only  # one pilot's key: the page lists that pilot alone (the portfolio opens it so)
        self.root = store.url  # what the page names (never with a password)
        self._heads: dict[str, Revision] = {}
        self._read: dict[tuple[str, int], Entry] = {}  # (key, revision) -> Entry: a revision never changes

    def _entry(self, rev: Revision) -> Entry:
        seen = self._read.get((rev.pilot, rev.number))
        if seen is not None:
            return seen
        where = f"{rev.pilot}@{rev.number}"
        try:
            a = _Assessment.from_dict(rev.document, file=where)
        except ReadinessError as exc:
            problems = getattr(exc, "problems", None)
            entry = Entry(rev.pilot, Path(rev.pilot), error=str(problems[0]) if problems else str(exc))
        else:
            a.path = None
            entry = Entry(rev.pilot, Path(rev.pilot), a, warnings=tuple(a.warnings))
        self._read[(rev.pilot, rev.number)] = entry
        return entry

    def entries(self) -> list[Entry]:
        try:
            latest = [self.store.get(self.only)] if self.only is not None else self.store.latest()
        except (StoreError, ReadinessError) as exc:
            raise FolderError(self.root, "", f"cannot read the store: {exc}") from None
        self._heads = {r.pilot: r for r in latest}
        loaded = [self._entry(r) for r in latest]
        return sorted(loaded, key=lambda e: (not e.ok, (e.pilot or "").casefold(), e.name))

    def latest(self, entries: list[Entry] | None = None) -> Entry | None:
        readable = [e for e in (entries if entries is not None else self.entries()) if e.ok]
        return max(readable, key=lambda e: e.updated) if readable else None

    def previous(self, entry: Entry, entries: list[Entry] | None = None) -> Entry | None:
        head = self._heads.get(entry.name)
        if head is None or entry.assessment is None:
            return None
        earlier = [m for m in self.store.milestones(entry.name) if m.revision < head.number]
        if not earlier:
            return None
        before = self._entry(self.store.get(entry.name, earlier[-1].revision))
        return before if before.ok and before.assessment.bank.id == entry.assessment.bank.id else None

    def resolve(self, name: str) -> str:
        if self.only is not None and name != self.only:
            raise FolderError(self.root, name, f"this page shows pilot {self.only} only")
        if name not in self._heads and self.store.head(name) is None:
            raise FolderError(self.root, name, "no pilot of that key in the store")
        return name


def dashboard(
    folder: str | Path | None = None, *, selected: str | None = None, store: str | Store | None = None
) -> Dashboard | w.HTML:
    """The dashboard for ``folder`` (default ``$READINESS_ASSESSMENTS``, else the bundled demo).

    ``selected`` picks the assessment shown first (default: the latest); a name outside the folder
    is refused with a message, never opened. In a browser, ``?file=NAME.json`` in the page's URL
    does the same once the page is shown (see :class:`~.location.PageLocation`).

    ``store`` (a URL or an open store; default ``$READINESS_STORE`` when no ``folder`` is given):
    show the pilots of a store instead, each at its latest revision (``?pilot=KEY``).
    """
    url = store if store is not None else (store_url() if folder is None else None)
    try:
        if url:
            source = StoreSource(url if isinstance(url, Store) else open_store(url, create=False))
            return Dashboard(source, selected=selected)
        box = AssessmentFolder(folder) if folder is not None else AssessmentFolder.from_env(demo_folder())
        return Dashboard(box, selected=selected)
    except (FolderError, StoreError) as exc:  # a missing or unlistable folder or store: one line, never a traceback
        return w.HTML(value=render("notices", notices=[str(exc)], unreadable=[]))



__all__ = ["Dashboard", "StoreSource", "dashboard"]
