"""A Plotly figure drawn in the browser by a small plotly.js build of our own, redrawn on change.

The dashboard shows two figures, the radar and the roadmap's Gantt chart, and replaces them when
another assessment is picked. Through JupyterLab's Plotly renderer the page first evaluates the
whole plotly.js (4.8 MB, every trace type; about half a second in Chromium here) and then draws
each figure twice (once more for a PNG copy); a ``FigureWidget`` ships plotly.js with every
figure. This widget carries a build with only what :mod:`readiness_widgets.charts` draws (polar
scatter and bars, with the core's shapes, annotations and legend: 1.3 MB, built by
``js/plotly/``; see :func:`~readiness_widgets.charts.plotly_js`), evaluates it once per page, and draws with ``Plotly.react``. Nothing is fetched:
the build travels in the widget's own state.

>>> view = PlotlyView(figure=radar_spec(scores))   # doctest: +SKIP
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import anywidget
import traitlets as t

# The build sits in a function so that a second view on the page only scans it (its module is a
# new blob), and the first one to run keeps plotly.js on globalThis for the others.
_ESM = """
function loadPlotly() {
%(bundle)s
return Plotly;
}
const Plotly = (globalThis.__readinessPlotly ??= loadPlotly());
const CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["sendDataToCloud"] };

function render({ model, el }) {
  const plot = document.createElement("div");
  plot.className = "rw-plotly";
  el.appendChild(plot);
  let drawn = false;
  const draw = () => {
    const figure = model.get("figure") || {};
    if (!figure.data && !figure.layout) {
      if (drawn) { Plotly.purge(plot); drawn = false; }
      return;
    }
    if (!plot.isConnected || plot.clientWidth === 0) return;  // drawn once the page has laid it out
    Plotly.react(plot, figure.data || [], figure.layout || {}, { ...CONFIG, ...(figure.config || {}) });
    drawn = true;
  };
  const sized = new ResizeObserver(() => (drawn ? Plotly.Plots.resize(plot) : draw()));
  sized.observe(plot);
  model.on("change:figure", draw);
  draw();
  return () => {
    sized.disconnect();
    model.off("change:figure", draw);
    Plotly.purge(plot);
  };
}
export default { render };
"""


@lru_cache(maxsize=1)
def esm() -> str:
    """The widget's module: our plotly.js build and the few lines that draw with it."""
    from ..charts import plotly_js

    return _ESM % {"bundle": plotly_js()}


def _plain(value: Any) -> Any:
    """NumPy numbers and arrays as Python ones (``json`` does not know them)."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"not JSON data: {type(value).__name__}")


def figure_json(figure: Any) -> dict:
    """A Plotly figure (a ``go.Figure`` or its JSON as a dict) as plain JSON data."""
    if not isinstance(figure, dict):
        figure = figure.to_plotly_json()
    return json.loads(json.dumps(figure, default=_plain, allow_nan=False))


class PlotlyView(anywidget.AnyWidget):
    """Shows ``figure`` (Plotly's JSON: ``{"data": [...], "layout": {...}}``); ``{}`` shows nothing."""

    figure = t.Dict().tag(sync=True)

    def __init__(self, figure: Any = None, **kwargs):
        super().__init__(_esm=esm(), **kwargs)
        if figure is not None:
            self.show(figure)

    def show(self, figure: Any) -> None:
        """Draw ``figure`` (a ``go.Figure`` or a dict) in place of the current one."""
        self.figure = figure_json(figure) if figure else {}


__all__ = ["PlotlyView", "esm", "figure_json"]
