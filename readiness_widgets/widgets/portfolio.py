"""The portfolio dashboard: every pilot at a glance, why they stall, and what to fix once.

A thin view over one :class:`~readiness_widgets.portfolio_result.PortfolioResult` (the engine
scored every revision of every pilot once): filters (business unit, owner, risk tier, target
profile) and a date make a selection, and the page renders it: the verdict funnel and how it moved
since the date, the pilots x dimensions heatmap (a page of rows at a time, sortable; a click
opens the pilot's own dashboard), the shared blockers and the trends. The browser receives what
the page shows, never the whole portfolio.

The page's query string opens one pilot: the single-pilot :class:`~.dashboard.Dashboard`,
listing only that pilot's assessments (``?file=NAME.json`` in a folder) or that pilot of the
store at its latest revision (``?pilot=KEY``).

>>> from readiness_widgets.widgets.portfolio import portfolio_dashboard
>>> portfolio_dashboard("portfolio/")      # default: $READINESS_STORE, $READINESS_ASSESSMENTS, else the demo  # doctest: +SKIP
>>> portfolio_dashboard(store="sqlite:///readiness.db")                                       # doctest: +SKIP
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import parse_qs

import ipywidgets as w

from ..charts import GAP_SCALE, NO_GAP, gap_colour, trend_colour, trends_spec
from ..errors import ReadinessError
from ..pilots import FolderPilots, PilotSource, StorePilots
from ..portfolio import ENV_FOLDER, FolderError
from ..portfolio_result import STATUS_LABELS, PortfolioResult, evaluate_portfolio
from ..report import VERDICT_COLOURS, portfolio_parts, render_portfolio_html
from ..store import Store, open_store, store_url
from ._html import STYLE, render, scroll
from .download import DownloadButton
from .heatmap import HeatmapView
from .location import PageLocation
from .plotly_view import PlotlyView

ALL = "\x00all"  # the "any value" choice of a filter
TRIAGE_FILTERS = ("risk_tier",)
PAGE_SIZE = 15
# the verdict's colour as text in a table (striped rows): darker than the banner's, >= 4.5:1 on #eee
VERDICT_TEXT = {"ready": "#166534", "ready_with_conditions": "#92400e", "not_ready": "#991b1b"}
BLOCKERS_SHOWN = 10

PORTFOLIO_STYLE = """<style>
.rw-portfolio h1 {font-size: 1.6em; margin: 4px 0}
.rw-portfolio h2 {font-size: 1.2em; margin: 14px 0 4px 0}
.rw-portfolio h3 {font-size: 1.05em; margin: 12px 0 4px 0}
.rw-funnel {display: flex; flex-wrap: wrap; gap: 10px}
.rw-funnel-stage {flex: 1 1 200px; background: #f9fafb; padding: 6px 12px; border-radius: 4px}
.rw-funnel-label {font-weight: 600}
.rw-funnel-count {font-size: 2em; font-weight: 700; line-height: 1.1}
.rw-funnel-bar {background: #e5e7eb; height: 8px; border-radius: 4px; overflow: hidden; margin: 4px 0}
.rw-funnel-bar span {display: block; height: 100%}
.rw-funnel-change, .rw-funnel-moves {color: #4b5563; font-size: 0.9em}
.rw-legend {font-size: 0.85em; margin: 4px 0}
.rw-swatch {display: inline-block; padding: 0 6px; border-radius: 3px; margin: 2px}
.rw-blockers td, .rw-shared-questions td, .rw-blockers th, .rw-shared-questions th {white-space: normal; line-height: 1.35}
.rw-blockers small {line-height: 1.25; display: inline-block}
.rw-heatmap-table thead th {white-space: normal; vertical-align: bottom}
.rw-blocked {font-weight: 600}
.rw-summary {font-weight: 600; margin: 6px 0}
</style>"""


def _source_of(folder: str | Path | None, store: str | Store | None = None) -> PilotSource:
    """``store`` (default ``$READINESS_STORE`` when no ``folder`` is given), else ``folder``
    (default ``$READINESS_ASSESSMENTS``, else the bundled demo portfolio)."""
    url = store if store is not None else (store_url() if folder is None else None)
    if url:
        return StorePilots(url if isinstance(url, Store) else open_store(url, create=False))
    if folder is not None:
        return FolderPilots(folder)
    import os

    from ..demo import (
        demo_portfolio_folder,  # only when no folder is given (the demo's code is not the page's)
    )

    return FolderPilots(os.environ.get(ENV_FOLDER) or demo_portfolio_folder())


class PortfolioDashboard(w.VBox):
    """Filters, funnel, heatmap, shared blockers, trends and downloads over one source of pilots."""

    def __init__(self, source: PilotSource, *, page_size: int = PAGE_SIZE, triage_filters=TRIAGE_FILTERS,
                 since: date | None = None):
        super().__init__()
        self.add_class("rw-portfolio")
        self.source = source
        self.page_size = page_size
        self.full: PortfolioResult = evaluate_portfolio(source)
        self.view: PortfolioResult = self.full
        self.pilot_view = None  # the single-pilot Dashboard, when the page shows one pilot
        self._painted_once = False
        self._quiet = False
        self.location = PageLocation(on_query=self.refresh, on_painted=self._painted,
                                     painted_selector=".rw-heatmap-row, .rw-heatmap .rw-pager-text")
        self.header = w.HTML()
        self.notice = w.HTML()
        keys = [*(k for k in ("business_unit", "owner") if k in self.full.filters()),
                *(f"triage.{t}" for t in triage_filters if f"triage.{t}" in self.full.filters()), "target"]
        names = self.full.filters()
        self.filters: dict[str, w.Dropdown] = {
            key: w.Dropdown(description=names[key], style={"description_width": "initial"},
                            layout=w.Layout(width="auto", min_width="220px", max_width="360px"))
            for key in keys
        }
        self._fill_options()
        self.since = w.DatePicker(description="Compare with", value=since or self.full.default_since(),
                                  style={"description_width": "initial"})
        self.clear = w.Button(description="Clear filters", tooltip="Show every pilot again", icon="")
        self.summary = w.HTML()
        self.funnel = w.HTML()
        self.legend = w.HTML(value=portfolio_parts().gap_legend(GAP_SCALE, NO_GAP))
        self.heatmap = HeatmapView(limit=page_size, caption="Pilots by dimension: gap to each pilot's target")
        self.blockers = w.HTML()
        self.trends: PlotlyView | None = None  # made after the first paint, like the dashboard's Gantt chart
        self.trends_box = w.Box(layout=w.Layout(width="100%"))
        self.downloads = self._downloads()
        for dropdown in self.filters.values():
            dropdown.observe(self._on_filter, "value")
        self.since.observe(self._on_since, "value")
        self.clear.on_click(self._on_clear)
        self.heatmap.observe(self._on_page, ["sort", "descending", "offset"])
        self._render()
        self._stamp = source.stamp(fresh=False)  # what self.full was read from (not listed again)
        self.portfolio_children = [
            w.HTML(value=STYLE + PORTFOLIO_STYLE),
            self.location,
            self.header,
            self.notice,
            w.HBox([*self.filters.values(), self.since, self.clear], layout=w.Layout(flex_flow="row wrap")),
            self.summary,
            w.HTML(value="<h2>Verdicts</h2>"),
            self.funnel,
            w.HTML(value="<h2>Pilots by dimension</h2>"),
            self.legend,
            self.heatmap,
            w.HTML(value="<h2>Shared blockers: what to fix once</h2>"),
            self.blockers,
            w.HTML(value="<h2>Trends</h2>"),
            self.trends_box,
            w.HTML(value="<h2>Take it away</h2>"),
            w.HBox(self.downloads, layout=w.Layout(flex_flow="row wrap")),
        ]
        self.children = self.portfolio_children

    # ---- selection -----------------------------------------------------------------------
    def _fill_options(self) -> None:
        for key, dropdown in self.filters.items():
            keep = dropdown.value if dropdown.options else ALL
            options = [("All", ALL), *self.full.options(key)]
            self._quiet = True
            try:
                dropdown.options = options
                dropdown.value = keep if keep in {v for _, v in options} else ALL
            finally:
                self._quiet = False

    @property
    def criteria(self) -> dict[str, str | None]:
        return {key: (None if d.value == ALL else d.value) for key, d in self.filters.items()}

    def select(self, **criteria: str | None) -> None:
        """Set filters, as a user would: ``select(business_unit="Insurance", **{"triage.risk_tier": None})``."""
        for key, value in criteria.items():
            self.filters[key].value = ALL if value is None else value

    def _on_filter(self, _change=None) -> None:
        if self._quiet:
            return
        self.view = self.full.select(**self.criteria)
        self._quiet = True
        try:
            self.heatmap.offset = 0
        finally:
            self._quiet = False
        self._render()

    def _on_clear(self, _button=None) -> None:
        self._quiet = True
        try:
            for dropdown in self.filters.values():
                dropdown.value = ALL
        finally:
            self._quiet = False
        self._on_filter()

    def _on_since(self, _change=None) -> None:
        self._render_funnel()
        self._render_summary()

    def _on_page(self, _change=None) -> None:
        if self._quiet:
            return
        self._render_heatmap()
        self._render_trends()
        self._render_summary()

    # ---- rendering ---------------------------------------------------------------------------
    def _render(self) -> None:
        """Every view of the selection; the summary line last (a browser that sees it changed has the rest)."""
        self._render_header()
        self._render_funnel()
        self._render_heatmap()
        self._render_blockers()
        self._render_trends()
        self._render_summary()

    def _render_header(self) -> None:
        p = self.full
        latest = p.latest_update
        self.header.value = render(
            "portfolio_header", count=p.everyone, bank=p.bank,
            label=p.label if isinstance(self.source, StorePilots) else Path(p.label).name or p.label,  # a store: its URL
            latest=latest.strftime("%Y-%m-%d") if latest else "–",
        )
        self.notice.value = render("notices", notices=[f"{name}: {why}" for name, why in p.skipped],
                                   unreadable=list(p.unreadable))

    def _render_summary(self) -> None:
        v = self.view
        self.summary.value = render("portfolio_summary", total=v.total, everyone=v.everyone, criteria=bool(v.criteria),
                                    offset=self.heatmap.offset, limit=self.heatmap.limit)

    def _render_funnel(self) -> None:
        since = self.since.value
        f = self.view.funnel(since)
        self.funnel.value = str(portfolio_parts().funnel(f, VERDICT_COLOURS, STATUS_LABELS))

    def _render_heatmap(self) -> None:
        h = self.heatmap
        page = self.view.heatmap(sort=h.sort, descending=h.descending, offset=h.offset, limit=h.limit)
        columns = [
            {"title": "Pilot", "sort": "name"},
            {"title": "Verdict", "sort": "status"},
            {"title": "Target", "sort": ""},
            {"title": "Overall", "sort": "mean", "numeric": True},
            {"title": "Weakest", "sort": "weakest", "numeric": True},
            {"title": "Worst gap", "sort": "worst_gap", "numeric": True},
            {"title": "Knock-outs", "sort": "knockouts", "numeric": True},
            *({"title": title, "sort": f"gap_{d}", "numeric": True} for d, title in page.dimensions),
            {"title": "Updated", "sort": "updated"},
        ]
        rows = []
        for i, r in enumerate(page.rows):
            gaps = [g for g in r.gaps if g is not None]
            cells = [
                {"text": r.name, "swatch": trend_colour(i)},  # its lines' colour on the trends below
                {"text": STATUS_LABELS[r.status], "fg": VERDICT_TEXT[r.status], "bg": "transparent", "cls": "rw-verdict-cell"},
                {"text": r.target},
                {"text": _num(r.mean), "cls": "n"},
                {"text": _num(r.weakest), "cls": "n"},
                {"text": _num(max(gaps) if gaps else None), "cls": "n"},
                {"text": str(r.knockouts) if r.knockouts else "–", "cls": "n",
                 "title": f"{r.knockouts} question(s) below the level the target requires, whatever the averages"},
            ]
            for (_, title), gap, score, target in zip(page.dimensions, r.gaps, r.scores, r.targets, strict=True):
                bg, fg = gap_colour(gap)
                cells.append({"text": _num(gap), "bg": bg, "fg": fg, "cls": "n",
                              "title": f"{title}: score {_num(score)}, target {target:g}"})
            cells.append({"text": r.updated.strftime("%Y-%m-%d")})
            rows.append({"pilot": r.pilot, "name": r.name, "link": r.link, "cells": cells})
        self._quiet = True
        try:
            with h.hold_sync():
                h.columns = columns
                h.rows = rows
                h.total = page.total
                h.offset = page.offset
        finally:
            self._quiet = False
        self.page = page

    def _render_blockers(self) -> None:
        v = self.view
        self.blockers.value = scroll(str(portfolio_parts().blockers(
            v.shared_blockers(limit=BLOCKERS_SHOWN), v.shared_questions(limit=BLOCKERS_SHOWN), True)), "Shared blockers")

    def _render_trends(self) -> None:
        if self.trends is None:
            return
        keys = [r.pilot for r in self.page.rows]
        self.trends.show(trends_spec(self.view.trends(keys), legend=False,
                                     title="Overall score (solid) and weakest link (dotted) of the pilots listed above"))

    def _painted(self) -> None:
        """The browser has drawn the page: now send the trends chart (plotly.js travels with it)."""
        self._painted_once = True
        if self.trends is None and self.pilot_view is None:
            self.trends = PlotlyView(layout=w.Layout(width="100%"))
            self.trends_box.children = [self.trends]
            self._render_trends()

    # ---- the page's address ----------------------------------------------------------------
    def refresh(self, query: str | None = None) -> None:
        """Re-read the source if it changed (then re-score and re-render), and follow the page's
        query string: ``file=NAME.json`` (or ``pilot=KEY``) shows that pilot's own dashboard."""
        params = parse_qs(query or "")
        wanted = (params.get("file") or params.get("pilot") or [None])[0]
        if wanted is not None:
            self.open_pilot(wanted)
            return
        try:
            stamp = self.source.stamp()
            if stamp == self._stamp:
                return
            full = evaluate_portfolio(self.source)
        except (FolderError, ReadinessError, OSError) as exc:  # the folder went away: say so, keep the page
            self.notice.value = render("notices", notices=[str(exc)], unreadable=[])
            return
        self.full, self._stamp = full, stamp
        self._fill_options()
        self.view = self.full.select(**self.criteria)
        self._render()

    def open_pilot(self, name: str) -> None:
        """Show the single-pilot dashboard of the pilot saved as ``name`` (a file of the folder, or
        a pilot's key in the store)."""
        from .dashboard import Dashboard, StoreSource  # the single-pilot page: loaded when a pilot is opened

        source = self.source
        board = None
        if isinstance(source, StorePilots) and source.has(name):
            board = Dashboard(StoreSource(source.store, only=name), selected=name)
        elif isinstance(source, FolderPilots) and (pilot := source.pilot_of_file(name)) is not None:
            board = Dashboard(source.pilot_folder(pilot), selected=name)
        if board is None:
            notice = f"{name}: no pilot of the portfolio is saved under that name"
            board = w.HTML(value=render("notices", notices=[notice], unreadable=[]))
        self.pilot_view = board if isinstance(board, Dashboard) else None
        back = w.HTML(value='<p><a href="?" class="rw-back">&larr; Every pilot of the portfolio</a></p>')
        self.children = [w.HTML(value=STYLE + PORTFOLIO_STYLE), self.location, back, board]

    def _downloads(self) -> list[DownloadButton]:
        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d")
        return [
            DownloadButton("Report (HTML)", f"portfolio-{stamp}.html",
                           lambda: render_portfolio_html(self.view, since=self.since.value), mime="text/html",
                           tooltip="Download the portfolio report of the pilots shown (standalone HTML, works offline)"),
            DownloadButton("Pilots (CSV)", f"portfolio-pilots-{stamp}.csv", lambda: self.view.to_csv("pilots"),
                           mime="text/csv", tooltip="Download one row per pilot shown: verdict, scores and gaps, as CSV"),
            DownloadButton("Blockers (CSV)", f"portfolio-blockers-{stamp}.csv", lambda: self.view.to_csv("blockers"),
                           mime="text/csv", tooltip="Download every shared deliverable with the pilots it affects, as CSV"),
        ]


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def portfolio_dashboard(folder: str | Path | None = None, *, store: str | Store | None = None,
                        **kw) -> PortfolioDashboard | w.HTML:
    """The portfolio of ``folder`` (default ``$READINESS_ASSESSMENTS``, else the bundled demo portfolio),
    or of ``store`` (a URL or an open store; default ``$READINESS_STORE`` when no folder is given).

    A folder or store that cannot be read is a one-line message, never a traceback.
    """
    try:
        return PortfolioDashboard(_source_of(folder, store), **kw)
    except (FolderError, ReadinessError) as exc:
        return w.HTML(value=render("notices", notices=[str(exc)], unreadable=[]))


__all__ = ["PortfolioDashboard", "portfolio_dashboard"]
