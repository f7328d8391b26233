"""Plotly figures: radar (current vs target vs previous), gap bars and a roadmap timeline.

Plotly only, no widgets, no CDN: the notebook wraps these figures in a ``FigureWidget`` once and
updates it in place with :func:`update_radar`. The dashboard and the report draw them with
:func:`plotly_js`, a plotly.js build holding only the trace types used here (``TRACE_TYPES``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

    from .roadmap import Roadmap
    from .scoring import Scores

CURRENT = "#2563eb"
TARGET = "#dc2626"
PREVIOUS = "#9ca3af"
STATUS_COLOURS = {"ok": "#16a34a", "condition": "#d97706", "blocker": "#dc2626"}
PHASE_COLOURS = {1: "#2563eb", 2: "#7c3aed", 3: "#0d9488"}
RADAR_TRACES = ("Target", "Current", "Previous")
# A small template of our own instead of Plotly's default one: the figures look the same
# everywhere, build faster, and their JSON (sent to the browser, inlined in reports) stays small.
TEMPLATE = {
    "layout": {
        "font": {"family": "Helvetica, Arial, sans-serif", "color": "#1f2937"},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "hovermode": "closest",
        "polar": {
            "bgcolor": "#f3f4f6",
            "radialaxis": {"gridcolor": "#d1d5db", "linecolor": "#9ca3af"},
            "angularaxis": {"gridcolor": "#d1d5db", "linecolor": "#9ca3af"},
        },
        "xaxis": {"gridcolor": "#e5e7eb", "zerolinecolor": "#9ca3af", "automargin": True},
        "yaxis": {"gridcolor": "#e5e7eb", "zerolinecolor": "#9ca3af", "automargin": True},
    }
}
LABEL_CHARS = 64  # deliverable names on the timeline's axis; the hover shows them in full
# plotly.js with the core and these trace types only (1.3 MB instead of 4.8 MB): built by js/plotly/
PLOTLY_JS = Path(__file__).resolve().parent / "static" / "plotly-readiness.min.js"
TRACE_TYPES = ("scatterpolar", "bar")


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """The source of our plotly.js build (it defines the global ``Plotly``)."""
    return PLOTLY_JS.read_text(encoding="utf-8")


def plotly_text(text: object) -> str:
    """Untrusted text for a Plotly label: its tags (``<b>``, ``<a href>``, ...) show as text.

    Plotly reads a small HTML subset in titles, labels and hover text and decodes entities, so
    escaping ``&``, ``<`` and ``>`` shows the text exactly as typed.
    """
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _title(scores: Scores) -> str:
    return f"Readiness of {plotly_text(scores.pilot)} vs {plotly_text(scores.target.title)}"


def _closed(values, labels):
    values, labels = list(values), list(labels)
    return values + values[:1], labels + labels[:1]


def radar_traces(scores: Scores, previous: Scores | None = None) -> dict[str, dict]:
    """The data of each radar trace, by name: ``{"Current": {"r": [...], "theta": [...]}}``."""
    dims = scores.dimensions
    labels = [plotly_text(t) for t in dims["title"]]
    current = np.nan_to_num(dims["score"].to_numpy(dtype=float), nan=0.0).round(3)
    out = {
        "Target": dict(zip(("r", "theta"), _closed(dims["target"].round(3), labels), strict=True)),
        "Current": dict(zip(("r", "theta"), _closed(current, labels), strict=True)),
    }
    if previous is not None:
        prev = previous.dimensions.reindex(dims.index)
        values = np.nan_to_num(prev["score"].to_numpy(dtype=float), nan=0.0).round(3)
        out["Previous"] = dict(zip(("r", "theta"), _closed(values, labels), strict=True))
    else:
        out["Previous"] = {"r": [], "theta": []}
    return out


def radar_spec(scores: Scores, previous: Scores | None = None, *, height: int = 420) -> dict:
    """The radar as Plotly's JSON (``{"data": [...], "layout": {...}}``), built without plotly.py.

    The dashboard sends it to the browser as is (building a ``go.Figure`` validates every
    property, a quarter of a second in a fresh kernel); :func:`radar` wraps it, and the tests
    check that Plotly accepts it.
    """
    data = radar_traces(scores, previous)
    return {
        "data": [
            {"type": "scatterpolar", "name": "Target", "mode": "lines",
             "line": {"color": TARGET, "dash": "dash", "width": 2}, **data["Target"]},
            {"type": "scatterpolar", "name": "Previous", "mode": "lines", "line": {"color": PREVIOUS, "width": 2},
             "visible": previous is not None, **data["Previous"]},
            {"type": "scatterpolar", "name": "Current", "mode": "lines+markers", "fill": "toself",
             "line": {"color": CURRENT, "width": 3}, "fillcolor": "rgba(37, 99, 235, 0.25)", **data["Current"]},
        ],
        "layout": {
            "template": TEMPLATE,
            "polar": {"radialaxis": {"range": [0, 4], "tickvals": [0, 1, 2, 3, 4]}},
            "showlegend": True,
            "legend": {"orientation": "h", "y": -0.1},
            "margin": {"l": 60, "r": 60, "t": 40, "b": 40},
            "height": height,
            "title": {"text": _title(scores), "x": 0.5},
        },
    }


def radar(scores: Scores, previous: Scores | None = None, *, height: int = 420) -> go.Figure:
    """Radar of the dimension scores against the target (and a previous assessment)."""
    import plotly.graph_objects as go

    return go.Figure(radar_spec(scores, previous, height=height))


def update_radar(fig: go.Figure, scores: Scores, previous: Scores | None = None) -> None:
    """Update a radar made by :func:`radar` in place (works on a ``FigureWidget``)."""
    data = radar_traces(scores, previous)
    with fig.batch_update():
        for trace in fig.data:
            if trace.name in data:
                trace.r = data[trace.name]["r"]
                trace.theta = data[trace.name]["theta"]
                if trace.name == "Previous":
                    trace.visible = previous is not None
        fig.layout.title.text = _title(scores)


def gap_bars(scores: Scores, *, height: int = 320) -> go.Figure:
    """Horizontal bars of target minus score per dimension, worst at the top."""
    import plotly.graph_objects as go

    gaps = scores.dimension_gaps().iloc[::-1]
    fig = go.Figure(
        layout={"template": TEMPLATE},
        data=go.Bar(
            x=gaps["gap"].round(2),
            y=[plotly_text(t) for t in gaps["title"]],
            orientation="h",
            marker_color=[STATUS_COLOURS.get(s, CURRENT) for s in gaps["status"]],
            hovertemplate="%{y}: gap %{x:.2f}<extra></extra>",
        )
    )
    fig.update_layout(
        xaxis_title="gap to target (levels)",
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 40},
        title={"text": "Gap to target by dimension", "x": 0.5},
    )
    fig.add_vline(x=0, line_color="#374151")
    return fig


def timeline_spec(roadmap: Roadmap, *, height: int | None = None) -> dict:
    """The roadmap's Gantt chart as Plotly's JSON, built without plotly.py (see :func:`radar_spec`)."""
    import textwrap

    traces: list[dict] = []
    labels: list[str] = []
    for phase in roadmap.phases:
        if not phase.has_gaps:
            continue
        lanes = [float(phase.start_week)] * roadmap.parallel_streams
        starts, widths, rows, hover = [], [], [], []
        for row in phase.deliverables.itertuples():
            lane = int(np.argmin(lanes))  # the stream that frees up first takes the next item
            starts.append(lanes[lane])
            widths.append(float(row.effort_weeks))
            lanes[lane] += float(row.effort_weeks)
            rows.append(len(labels))  # one row per deliverable, numbered: names may repeat
            labels.append(plotly_text(textwrap.shorten(str(row.deliverable), LABEL_CHARS, placeholder="...")))
            hover.append([starts[-1], starts[-1] + widths[-1], plotly_text(row.deliverable), plotly_text(row.question)])
        traces.append(
            {
                "type": "bar",
                "name": plotly_text(f"Phase {phase.phase}: {phase.title}"),
                "x": widths,
                "base": starts,
                "y": rows,
                "orientation": "h",
                "marker": {"color": PHASE_COLOURS.get(phase.phase, CURRENT)},
                "customdata": hover,
                "hovertemplate": "%{customdata[2]}<br>%{customdata[3]}<br>"
                "weeks %{customdata[0]:.1f} to %{customdata[1]:.1f}<extra></extra>",
            }
        )
    shapes, notes = [], []
    for phase in roadmap.phases:
        if phase.weeks:  # a shaded band per phase, labelled at its top left
            colour = PHASE_COLOURS.get(phase.phase, CURRENT)
            shapes.append({"type": "rect", "xref": "x", "yref": "y domain", "x0": phase.start_week,
                           "x1": phase.end_week, "y0": 0, "y1": 1, "fillcolor": colour, "opacity": 0.06,
                           "line": {"width": 0}})
            notes.append({"text": f"Phase {phase.phase}", "showarrow": False, "xref": "x", "yref": "y domain",
                          "x": phase.start_week, "y": 1, "xanchor": "left", "yanchor": "top"})
    return {
        "data": traces,
        "layout": {
            "template": TEMPLATE,
            "shapes": shapes,
            "annotations": notes,
            "barmode": "overlay",
            "xaxis": {"title": {"text": "weeks from start"}},
            "yaxis": {
                "autorange": "reversed",
                "automargin": True,
                "tickmode": "array",
                "tickvals": list(range(len(labels))),
                "ticktext": labels,
                "tickfont": {"size": 11},
            },
            "height": height or max(260, 20 * len(labels) + 140),
            "margin": {"l": 10, "r": 10, "t": 40, "b": 40},
            "legend": {"orientation": "h", "y": -0.15 if len(labels) < 20 else -0.03},
            "title": {"text": f"Roadmap: {roadmap.total_weeks} weeks", "x": 0.5},
        },
    }


def timeline(roadmap: Roadmap, *, height: int | None = None) -> go.Figure:
    """A Gantt chart of the roadmap: one bar per deliverable, in weeks from the start."""
    import plotly.graph_objects as go

    return go.Figure(timeline_spec(roadmap, height=height))
