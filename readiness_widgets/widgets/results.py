"""Live results: one radar ``FigureWidget`` updated in place, the verdict, scores table and roadmap.

Everything shown here comes from the engine's :class:`~readiness_widgets.scoring.Scores` and
:class:`~readiness_widgets.roadmap.Roadmap`; this module only renders them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as w

from ._html import VERDICT_COLOURS, dimension_table, render

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

    from ..roadmap import Roadmap
    from ..scoring import Scores

MAX_BLOCKING_SHOWN = 8


def _fmt(x: float) -> str:
    return "n/a" if x != x else f"{x:.2f}"  # NaN-safe


class Results:
    """The results column. :meth:`update_fast` is cheap (radar, verdict); :meth:`update_slow` is not."""

    def __init__(self, scores: Scores):
        import plotly.graph_objects as go

        from ..charts import radar

        self.figure: go.FigureWidget = go.FigureWidget(radar(scores, height=400))
        self.verdict = w.HTML(value="")
        self.table = w.HTML(value="", layout=w.Layout(overflow="auto"))
        self.roadmap = w.HTML(value="", layout=w.Layout(overflow="auto"))
        self.box = w.VBox(
            [
                self.figure,
                self.verdict,
                w.HTML(value="<b>Dimension scores</b>"),
                self.table,
                self.roadmap,
            ],
            layout=w.Layout(flex="2 1 420px", min_width="320px", padding="0 0 0 12px"),
        )
        self.box.add_class("rw-results")

    def update_fast(self, scores: Scores) -> None:
        """Radar trace data in place (the figure is never rebuilt) and the verdict."""
        from ..charts import update_radar

        update_radar(self.figure, scores)
        v = scores.verdict
        blocking = [(qid, scores.questions.at[qid, "text"]) for qid in v.blocking_questions[:MAX_BLOCKING_SHOWN]]
        self.verdict.value = render(
            "verdict",
            v=v,
            colour=VERDICT_COLOURS.get(v.status, "#111827"),
            target=scores.target,
            mean=_fmt(scores.mean),
            weakest=_fmt(scores.weakest),
            weakest_title=scores.dimensions.at[scores.weakest_dimension, "title"],
            blocking=blocking,
            more=max(0, len(v.blocking_questions) - MAX_BLOCKING_SHOWN),
        )

    def update_slow(self, scores: Scores, roadmap: Roadmap) -> None:
        """The dimension table and the roadmap (debounced by the app)."""
        self.table.value = dimension_table(scores)
        self.roadmap.value = render("roadmap", r=roadmap)
