"""Live results: the radar (a chart spec drawn by :class:`~.plotly_view.PlotlyView`, updated in
place), the verdict, the scores table and the roadmap.

Everything shown here comes from one :class:`~readiness_widgets.result.Result`; this module only
renders it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as w

from ..charts import radar_spec
from ._html import VERDICT_COLOURS, dimension_table, render, scroll
from .plotly_view import PlotlyView

if TYPE_CHECKING:  # pragma: no cover
    from ..result import Result

MAX_BLOCKING_SHOWN = 8
RADAR_HEIGHT = 440


def _fmt(x: float) -> str:
    return "n/a" if x != x else f"{x:.2f}"  # NaN-safe


class Results:
    """The results column. :meth:`update_fast` is cheap (radar, verdict); :meth:`update_slow` is not."""

    def __init__(self, result: Result):
        self.radar = PlotlyView(layout=w.Layout(min_height=f"{RADAR_HEIGHT}px"))
        self.verdict = w.HTML(value="")
        self.table = w.HTML(value="")
        self.roadmap = w.HTML(value="")
        self.box = w.VBox(
            [
                w.HTML(value='<h2 class="rw-results-title">Results</h2>'),
                self.radar,
                self.verdict,
                w.HTML(value="<h3>Dimension scores</h3>"),
                self.table,
                self.roadmap,
            ],
        )
        self.box.add_class("rw-results")
        self.update_fast(result)

    def update_fast(self, result: Result) -> None:
        """The radar's spec (the same view, redrawn in place by ``Plotly.react``) and the verdict."""
        self.radar.show(radar_spec(result, height=RADAR_HEIGHT))
        v = result.verdict
        self.verdict.value = render(
            "verdict",
            v=v,
            colour=VERDICT_COLOURS.get(v.status, "#111827"),
            target=result.target,
            mean=_fmt(result.mean),
            weakest=_fmt(result.weakest),
            weakest_title=result.weakest_title,
            weakest_missing=not result.weakest_has_data,
            scored=result.scored,
            no_data=[d.title for d in result.no_data],
            blocking=result.blocking[:MAX_BLOCKING_SHOWN],
            more=max(0, len(v.blocking_questions) - MAX_BLOCKING_SHOWN),
        )

    def update_slow(self, result: Result) -> None:
        """The dimension table and the roadmap (debounced by the app)."""
        self.table.value = scroll(dimension_table(result), "Dimension scores")
        self.roadmap.value = scroll(render("roadmap", r=result.roadmap), "Roadmap")
