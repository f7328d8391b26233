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
_ESM = r"""
function loadPlotly() {
/*BUNDLE*/
return Plotly;
}
const Plotly = (globalThis.__readinessPlotly ??= loadPlotly());
const CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["sendDataToCloud"] };

function plainText(html) {
  const div = document.createElement("div");
  div.innerHTML = String(html || "").replace(/<br\s*\/?>/gi, " ");  // a detached node: nothing runs
  return div.textContent;
}

function render({ model, el }) {
  // The chart takes the width of its container (never its own): the box does not grow with
  // what is drawn in it, so a narrower column, window or sidebar makes the chart narrower.
  el.classList.add("rw-plotly-view");
  el.style.cssText += ";display:block;width:100%;min-width:0;max-width:100%;overflow:hidden";
  el.setAttribute("role", "figure");
  const plot = document.createElement("div");
  plot.className = "rw-plotly";
  plot.style.cssText = "width:100%;min-width:0";
  const alt = document.createElement("p");
  alt.className = "rw-sr-only";
  alt.id = "rw-alt-" + Math.random().toString(36).slice(2, 10);
  alt.style.cssText = "position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap";
  el.append(plot, alt);
  el.setAttribute("aria-describedby", alt.id);
  let drawn = false;
  const describe = (layout) => {
    const title = layout.title && (layout.title.text || layout.title);
    el.setAttribute("aria-label", plainText(title) || "Chart");
    alt.textContent = (layout.meta && layout.meta.description) || "";
  };
  const draw = () => {
    const figure = model.get("figure") || {};
    if (!figure.data && !figure.layout) {
      if (drawn) { Plotly.purge(plot); drawn = false; }
      return;
    }
    describe(figure.layout || {});
    if (!plot.isConnected || el.clientWidth === 0) return;  // drawn once the page has laid it out
    const layout = { ...(figure.layout || {}), width: undefined, autosize: true };
    Plotly.react(plot, figure.data || [], layout, { ...CONFIG, ...(figure.config || {}) }).then(() => {
      for (const svg of plot.querySelectorAll("svg.main-svg")) svg.setAttribute("aria-hidden", "true");
    });
    drawn = true;
  };
  let width = 0;
  const sized = new ResizeObserver(() => {
    if (el.clientWidth === width) return;
    width = el.clientWidth;
    drawn ? Plotly.Plots.resize(plot) : draw();
  });
  sized.observe(el);
  model.on("change:figure", draw);
  const focus = (msg) => {
    if (!msg || msg.do !== "focus") return;
    if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1");
    el.scrollIntoView({ block: "start" });
    el.focus({ preventScroll: true });
  };
  model.on("msg:custom", focus);
  draw();
  return () => {
    sized.disconnect();
    model.off("change:figure", draw);
    model.off("msg:custom", focus);
    Plotly.purge(plot);
  };
}
export default { render };
"""


@lru_cache(maxsize=1)
def esm() -> str:
    """The widget's module: our plotly.js build and the few lines that draw with it."""
    from ..charts import plotly_js

    return _ESM.replace("/*BUNDLE*/", plotly_js(), 1)


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
