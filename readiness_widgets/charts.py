"""Charts as Plotly JSON specs: radar (current vs target vs previous), gap bars, roadmap timeline.

Every chart is a plain ``{"data": [...], "layout": {...}}`` made here from a
:class:`~readiness_widgets.result.Result` (or its roadmap), without plotly.py. The form, the
dashboard and the report all draw these specs the same way: with :func:`plotly_js`, our
plotly.js build holding only the trace types used here (``TRACE_TYPES``), through
:class:`~readiness_widgets.widgets.plotly_view.PlotlyView` in a notebook or inlined in a report.
:func:`radar`, :func:`gap_bars` and :func:`timeline` wrap a spec in a ``go.Figure`` for users
who want plotly.py. Nothing is fetched from a CDN.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

    from .result import Result
    from .roadmap import Roadmap

# Chart lines at least 3:1 against the white page and the radar's grey disc (WCAG 2.2 1.4.11)
CURRENT = "#2563eb"
TARGET = "#dc2626"
PREVIOUS = "#6b7280"
NO_DATA = "#374151"
STATUS_COLOURS = {"ok": "#16a34a", "condition": "#d97706", "blocker": "#dc2626"}
PHASE_COLOURS = {1: "#2563eb", 2: "#7c3aed", 3: "#0d9488"}
RADAR_TRACES = ("Target", "Current", "Previous")
NO_DATA_LABEL = "no data"
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
# plotly.js with the core (which draws scatter) and these trace types only (1.3 MB instead of 4.8 MB): js/plotly/
PLOTLY_JS = Path(__file__).resolve().parent / "static" / "plotly-readiness.min.js"
TRACE_TYPES = ("scatterpolar", "bar", "heatmap", "scatter")  # scatter: in the core (the portfolio's trends)


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


def _title(result: Result) -> str:
    return f"Readiness of {plotly_text(result.pilot)}<br>vs {plotly_text(result.target.title)}"


def _closed(values, labels):
    values, labels = list(values), list(labels)
    return values + values[:1], labels + labels[:1]


def _wrapped(text: str, width: int = 12) -> str:
    """``text`` broken into lines of about ``width`` characters (Plotly's ``<br>``), escaped."""
    import textwrap

    lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]
    return "<br>".join(plotly_text(line) for line in lines)


def radar_labels(result: Result) -> list[str]:
    """The radar's spoke labels: each dimension's title on short lines (they must fit beside a
    narrow radar), marked "(no data)" when nothing is scored."""
    return [_wrapped(d.title) + ("" if d.score is not None else f"<br>({NO_DATA_LABEL})") for d in result.dimensions]


def radar_traces(result: Result) -> dict[str, dict]:
    """The data of each radar trace, by name: ``{"Current": {"r": [...], "theta": [...]}}``.

    A dimension with no data is ``None`` (a gap in the polygon), never 0.
    """
    labels = radar_labels(result)

    def closed(values) -> dict:
        values = [None if v is None else round(v, 3) for v in values]
        return {"r": values + values[:1], "theta": labels + labels[:1]}

    return {
        "Target": closed(d.target for d in result.dimensions),
        "Current": closed(d.score for d in result.dimensions),
        "Previous": closed(d.previous for d in result.dimensions) if result.previous is not None else {"r": [], "theta": []},
    }


def radar_summary(result: Result) -> str:
    """The radar in words (its text alternative): each dimension's score against its target."""
    parts = []
    for d in result.dimensions:
        now = NO_DATA_LABEL if d.score is None else f"{d.score:.2f}"
        was = "" if result.previous is None else (
            f", previously {NO_DATA_LABEL if d.previous is None else f'{d.previous:.2f}'}"
        )
        parts.append(f"{d.title}: {now} of 4, target {d.target:.1f}{was}")
    return f"Radar chart of the readiness of {result.pilot} against the {result.target.title} target. " + "; ".join(parts) + "."


def radar_spec(result: Result, *, height: int = 420) -> dict:
    """The radar as Plotly's JSON: current against the target, and the previous assessment when compared.

    Dimensions with no data are a gap in the current polygon, a cross on the outer ring ("No
    data" in the legend) and "(no data)" in their label: unanswered never reads as 0.
    """
    data = radar_traces(result)
    missing = [i for i, d in enumerate(result.dimensions) if d.score is None]
    labels = data["Target"]["theta"]
    return {
        "data": [
            {"type": "scatterpolar", "name": "Target", "mode": "lines",
             "line": {"color": TARGET, "dash": "dash", "width": 2}, **data["Target"]},
            {"type": "scatterpolar", "name": "Previous", "mode": "lines",
             "line": {"color": PREVIOUS, "width": 2, "dash": "dot"},
             "visible": result.previous is not None, **data["Previous"]},
            {"type": "scatterpolar", "name": "No data", "mode": "markers",
             "marker": {"symbol": "x-thin-open", "size": 14, "line": {"width": 3, "color": NO_DATA}, "color": NO_DATA},
             "r": [4] * len(missing), "theta": [labels[i] for i in missing],
             "hovertemplate": "%{theta}: nothing answered yet<extra></extra>", "visible": bool(missing)},
            {"type": "scatterpolar", "name": "Current", "mode": "lines+markers", "fill": "toself",
             "connectgaps": False, "line": {"color": CURRENT, "width": 3}, "fillcolor": "rgba(37, 99, 235, 0.25)",
             **data["Current"]},
        ],
        "layout": {
            "template": TEMPLATE,
            "polar": {"radialaxis": {"range": [0, 4], "tickvals": [0, 1, 2, 3, 4]}},
            "showlegend": True,
            "legend": {"orientation": "h", "y": -0.18},
            "margin": {"l": 70, "r": 70, "t": 95, "b": 60},
            "height": height,
            "title": {"text": _title(result), "x": 0.5},
            "meta": {"description": radar_summary(result)},
        },
    }


def gap_bars_spec(result: Result, *, height: int = 320) -> dict:
    """Horizontal bars of target minus score per dimension, worst at the top, as Plotly's JSON."""
    gaps = result.dimension_gaps[::-1]
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "x": [None if d.gap is None else round(d.gap, 2) for d in gaps],
                "y": [plotly_text(d.title) for d in gaps],
                "marker": {"color": [STATUS_COLOURS.get(d.status, CURRENT) for d in gaps]},
                "hovertemplate": "%{y}: gap %{x:.2f}<extra></extra>",
            }
        ],
        "layout": {
            "template": TEMPLATE,
            "xaxis": {"title": {"text": "gap to target (levels)"}},
            "height": height,
            "margin": {"l": 10, "r": 10, "t": 30, "b": 40},
            "title": {"text": "Gap to target by dimension", "x": 0.5},
            "meta": {"description": gap_bars_summary(result)},
            "shapes": [{"type": "line", "xref": "x", "yref": "y domain", "x0": 0, "x1": 0, "y0": 0, "y1": 1,
                        "line": {"color": "#374151"}}],
        },
    }


def gap_bars_summary(result: Result) -> str:
    """The gap bars in words (their text alternative), worst first."""
    parts = [
        f"{d.title}: {NO_DATA_LABEL if d.gap is None else f'{d.gap:.2f}'}" for d in result.dimension_gaps
    ]
    return "Bar chart of the gap to the target by dimension, largest first: " + "; ".join(parts) + "."


def timeline_summary(roadmap: Roadmap) -> str:
    """The roadmap's Gantt chart in words (its text alternative)."""
    phases = [
        f"phase {p.phase}, {p.title}: weeks {p.start_week} to {p.end_week}, {len(p.deliverables)} deliverable(s)"
        for p in roadmap.phases
        if p.has_gaps
    ]
    return f"Gantt chart of the roadmap, {roadmap.total_weeks} weeks: " + ("; ".join(phases) or "no gaps") + "."


# ---- a team's charts --------------------------------------------------------------------------

MEMBER_COLOURS = ("#0d9488", "#d97706", "#7c3aed", "#db2777", "#65a30d", "#0891b2", "#9333ea", "#ea580c", "#4b5563", "#be123c")
TEAM_GROUPS = ("respondents", "roles")
# answers without a level, as the heatmap writes them in their cell
CELL_TEXT = {"na": "N/A", "dont_know": "?", "unanswered": "", "not_asked": "·"}
MAX_HEATMAP_ROWS = 60


def team_radar_spec(result: Result, *, by: str = "respondents", height: int = 460) -> dict:
    """The team's radar: the target, the team's agreed polygon (the combined assessment, agreed
    answers included), and one polygon per respondent or per role.

    Two buttons switch between the respondents' and the roles' polygons (``by`` picks the one
    shown first); a click on a legend entry hides or shows one polygon.
    """
    if result.team is None:
        raise ValueError("team_radar_spec: not a team assessment (evaluate it with result.evaluate_team)")
    if by not in TEAM_GROUPS:
        raise ValueError(f"team_radar_spec: by must be one of {', '.join(TEAM_GROUPS)}, got {by!r}")
    team = result.team
    labels = [plotly_text(d.title) for d in result.dimensions]

    def closed(values) -> dict:
        values = [round(0.0 if v is None else v, 3) for v in values]
        return {"r": values + values[:1], "theta": labels + labels[:1]}

    groups = {"respondents": team.member_scores, "roles": team.role_scores}
    data = [
        {"type": "scatterpolar", "name": "Target", "mode": "lines",
         "line": {"color": TARGET, "dash": "dash", "width": 2}, **closed(d.target for d in result.dimensions)},
        {"type": "scatterpolar", "name": "Team (agreed)", "mode": "lines+markers", "fill": "toself",
         "line": {"color": CURRENT, "width": 3}, "fillcolor": "rgba(37, 99, 235, 0.2)",
         **closed(d.score for d in result.dimensions)},
    ]
    shown: dict[str, list[bool]] = {g: [True, True] for g in TEAM_GROUPS}
    for group, scores in groups.items():
        for k, (name, values) in enumerate(scores.items()):
            data.append({
                "type": "scatterpolar", "name": plotly_text(name), "mode": "lines", "legendgroup": group,
                "line": {"color": MEMBER_COLOURS[k % len(MEMBER_COLOURS)], "width": 1.5,
                         "dash": "solid" if group == "respondents" else "dot"},
                "visible": group == by, **closed(values),
            })
            for g in TEAM_GROUPS:
                shown[g].append(g == group)
    buttons = [
        {"label": "Each respondent" if g == "respondents" else "Each role", "method": "restyle",
         "args": [{"visible": shown[g]}]}
        for g in TEAM_GROUPS
    ]
    return {
        "data": data,
        "layout": {
            "template": TEMPLATE,
            "polar": {"radialaxis": {"range": [0, 4], "tickvals": [0, 1, 2, 3, 4]}},
            "showlegend": True,
            "legend": {"orientation": "h", "y": -0.12},
            "margin": {"l": 60, "r": 60, "t": 100, "b": 40},
            "height": height,
            "title": {"text": f"Team readiness of {plotly_text(result.pilot)} vs {plotly_text(result.target.title)}", "x": 0.5},
            "updatemenus": [{"type": "buttons", "direction": "right", "x": 0, "xanchor": "left", "y": 1.2,
                             "yanchor": "top", "showactive": True, "active": TEAM_GROUPS.index(by), "buttons": buttons}],
        },
    }


def disagreement_heatmap_spec(result: Result, *, everything: bool = False, height: int | None = None) -> dict:
    """Questions (rows) x respondents (columns): each level's distance from the team's combined
    level, blue below and red above; the cell shows the answer (``?`` don't know, ``·`` not asked).

    The flagged questions only, not yet agreed first (``everything``: every applicable question
    with an answer), at most ``MAX_HEATMAP_ROWS``.
    """
    if result.team is None:
        raise ValueError("disagreement_heatmap_spec: not a team assessment (evaluate it with result.evaluate_team)")
    team = result.team
    rows = team.disagreements if not everything else tuple(
        q for q in team.questions if q.answered or q.na or q.dont_know
    )
    rows = rows[:MAX_HEATMAP_ROWS]
    names = [plotly_text(m.name) for m in team.members]
    z, text, hover = [], [], []
    for q in rows:
        centre = q.value
        z.append([None if a.level is None or centre is None else round(a.level - centre, 2) for a in q.answers])
        text.append([str(a.level) if a.level is not None else CELL_TEXT.get(a.status, "") for a in q.answers])
        hover.append([
            f"{plotly_text(a.name)} ({plotly_text(a.role)}): {a.answer}{', ' + a.evidence if a.evidence else ''}"
            f"<br>team: {q.combined}; {plotly_text(q.text)}"
            for a in q.answers
        ])
    ids = [plotly_text(q.id) for q in rows]
    title = "What we disagree on: each answer against the team's" if rows else "No disagreement flagged"
    return {
        "data": [{
            "type": "heatmap", "x": names, "y": ids, "z": z, "text": text, "texttemplate": "%{text}",
            "customdata": hover, "hovertemplate": "%{customdata}<extra></extra>",
            "zmin": -4, "zmax": 4, "zmid": 0, "xgap": 2, "ygap": 2,
            "colorscale": [[0, "#1d4ed8"], [0.5, "#f3f4f6"], [1, "#b91c1c"]],
            "colorbar": {"title": {"text": "levels from<br>the team's"}, "tickvals": [-4, -2, 0, 2, 4]},
        }] if rows else [],
        "layout": {
            "template": TEMPLATE,
            "height": height or max(220, 26 * len(rows) + 150),
            "margin": {"l": 10, "r": 10, "t": 50, "b": 40},
            "xaxis": {"side": "top", "type": "category"},
            "yaxis": {"autorange": "reversed", "type": "category", "automargin": True},
            "title": {"text": title, "x": 0.5, "y": 0.99, "yanchor": "top"},
        },
    }


def radar(result: Result, *, height: int = 420) -> go.Figure:
    """:func:`radar_spec` as a plotly.py ``go.Figure``."""
    import plotly.graph_objects as go

    return go.Figure(radar_spec(result, height=height))


def gap_bars(result: Result, *, height: int = 320) -> go.Figure:
    """:func:`gap_bars_spec` as a plotly.py ``go.Figure``."""
    import plotly.graph_objects as go

    return go.Figure(gap_bars_spec(result, height=height))


def timeline_spec(roadmap: Roadmap, *, height: int | None = None) -> dict:
    """The roadmap's Gantt chart as Plotly's JSON: one bar per deliverable, where the schedule placed
    it (weeks from the start), with its waiting time (reviews, approvals) drawn lighter after it."""
    import textwrap

    traces: list[dict] = []
    labels: list[str] = []
    waits: dict[str, list] = {"x": [], "base": [], "y": [], "customdata": []}
    for phase in roadmap.phases:
        if not phase.has_gaps:
            continue
        starts, widths, rows, hover = [], [], [], []
        for row in phase.deliverables.itertuples():
            work = max(float(row.end_week) - float(row.start_week) - float(row.lead_weeks), 0.0)
            starts.append(float(row.start_week))
            widths.append(work)
            rows.append(len(labels))  # one row per deliverable, numbered: names may repeat
            labels.append(plotly_text(textwrap.shorten(str(row.deliverable), LABEL_CHARS, placeholder="...")))
            hover.append([float(row.start_week), float(row.end_week), plotly_text(row.deliverable), plotly_text(row.question), row.kind])
            if row.lead_weeks:
                waits["x"].append(float(row.lead_weeks))
                waits["base"].append(float(row.start_week) + work)
                waits["y"].append(rows[-1])
                waits["customdata"].append([float(row.lead_weeks), plotly_text(row.deliverable)])
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
                "hovertemplate": "%{customdata[2]}<br>%{customdata[3]} (%{customdata[4]})<br>"
                "weeks %{customdata[0]:.1f} to %{customdata[1]:.1f}<extra></extra>",
            }
        )
    if waits["x"]:
        traces.append(
            {
                "type": "bar",
                "name": "Waiting (reviews, approvals, outcomes)",
                "orientation": "h",
                "marker": {"color": "#9ca3af", "opacity": 0.45},
                "hovertemplate": "%{customdata[1]}<br>waiting %{customdata[0]:.1f} weeks<extra></extra>",
                **waits,
            }
        )
    shapes, notes = [], []
    for phase in roadmap.phases:
        if phase.weeks:  # a shaded band per phase, labelled at its top left (phases overlap)
            colour = PHASE_COLOURS.get(phase.phase, CURRENT)
            shapes.append({"type": "rect", "xref": "x", "yref": "y domain", "x0": phase.start_week,
                           "x1": phase.end_week, "y0": 0, "y1": 1, "fillcolor": colour, "opacity": 0.06,
                           "line": {"width": 0}})
            notes.append({"text": f"Phase {phase.phase}", "showarrow": False, "xref": "x", "yref": "y domain",
                          "x": phase.start_week, "y": 1 - 0.04 * (phase.phase - 1), "xanchor": "left", "yanchor": "top"})
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
            "meta": {"description": timeline_summary(roadmap)},
        },
    }


def timeline(roadmap: Roadmap, *, height: int | None = None) -> go.Figure:
    """:func:`timeline_spec` as a plotly.py ``go.Figure``."""
    import plotly.graph_objects as go

    return go.Figure(timeline_spec(roadmap, height=height))


# ---- the portfolio ----------------------------------------------------------------------------

# A pilot's gap to its target on one dimension, as a heatmap cell: (upper bound of the gap, fill,
# text colour, what it means). Shared by the portfolio page and the portfolio report.
GAP_SCALE = (
    (0.0, "#bbf7d0", "#14532d", "at or above target"),
    (0.5, "#fde68a", "#78350f", "up to half a level short"),
    (1.0, "#fdba74", "#7c2d12", "up to a level short"),
    (1.5, "#f87171", "#450a0a", "up to 1.5 levels short"),
    (float("inf"), "#b91c1c", "#ffffff", "more than 1.5 levels short"),
)
NO_GAP = ("#f3f4f6", "#4b5563", "nothing to score")
TREND_COLOURS = ("#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0d9488", "#db2777", "#4b5563",
                 "#0284c7", "#65a30d", "#9333ea", "#ea580c", "#0f766e", "#a16207", "#be123c")


def gap_colour(gap: float | None) -> tuple[str, str]:
    """(fill, text colour) of a heatmap cell for a gap to target (None: nothing to score)."""
    if gap is None or gap != gap:
        return NO_GAP[0], NO_GAP[1]
    for bound, fill, ink, _ in GAP_SCALE:
        if gap <= bound + 1e-9:
            return fill, ink
    return GAP_SCALE[-1][1], GAP_SCALE[-1][2]


def trend_colour(i: int) -> str:
    """The colour of the ``i``-th pilot's lines on :func:`trends_spec`."""
    return TREND_COLOURS[i % len(TREND_COLOURS)]


def trends_summary(trends) -> str:
    """The trends chart in words, for a screen reader: each pilot's overall score, first and last."""
    if not len(trends):
        return "No assessment to show."
    parts = []
    for _, rows in trends.groupby("pilot", sort=False):
        first, last = rows.iloc[0], rows.iloc[-1]
        change = "" if len(rows) == 1 else f" (from {float(first['mean']):.2f} on {first['saved_at']:%Y-%m-%d})"
        parts.append(f"{rows['name'].iloc[0]}: {float(last['mean']):.2f}{change}")
    return f"Overall score over {len(trends)} assessments of {len(parts)} pilots, latest first: " + "; ".join(parts) + "."


def trends_spec(trends, *, height: int = 380, title: str = "Overall score and weakest link over time",
                legend: bool = True) -> dict:
    """Each pilot's overall score (solid) and weakest link (dotted) over its revisions, as Plotly's JSON.

    ``trends`` is :meth:`~readiness_widgets.portfolio_result.PortfolioResult.trends`'s frame. One
    colour per pilot (:func:`trend_colour`, in the frame's order); with ``legend``, a click on a
    pilot's name in the legend hides both of its lines (without, a page shows the colours beside
    the pilots' names: a legend is the slowest part of a redraw).
    """
    traces: list[dict] = []
    for i, (_, rows) in enumerate(trends.groupby("pilot", sort=False)):
        colour = trend_colour(i)
        name = plotly_text(rows["name"].iloc[0])
        x = [t.strftime("%Y-%m-%d %H:%M") for t in rows["saved_at"]]
        custom = [[int(r), plotly_text(str(s).replace("_", " ")), plotly_text(str(w))]
                  for r, s, w in zip(rows["revision"], rows["status"], rows["weakest_dimension"], strict=True)]
        for kind, dash, shown in (("mean", "solid", True), ("weakest", "dot", False)):
            values = [None if v != v else round(float(v), 3) for v in rows[kind]]
            what = "overall" if kind == "mean" else "weakest link (%{customdata[2]})"
            traces.append({
                # markers only where there is no line to draw (one revision): they double a redraw's cost
                "type": "scatter", "mode": "lines" if len(values) > 1 else "markers", "name": name, "legendgroup": str(i),
                "showlegend": shown, "x": x, "y": values, "customdata": custom,
                "line": {"color": colour, "dash": dash, "width": 2 if kind == "mean" else 1.5},
                "marker": {"size": 6 if kind == "mean" else 4},
                "hovertemplate": f"{name}<br>revision %{{customdata[0]}}, %{{x|%Y-%m-%d}}<br>{what}: %{{y:.2f}}"
                                 "<br>%{customdata[1]}<extra></extra>",
            })
    return {
        "data": traces,
        "layout": {
            "template": TEMPLATE,
            "height": height,
            "margin": {"l": 10, "r": 10, "t": 40, "b": 40},
            "title": {"text": title, "x": 0.5},
            "yaxis": {"range": [0, 4], "tickvals": [0, 1, 2, 3, 4], "title": {"text": "score (solid: overall, dotted: weakest link)"}},
            "xaxis": {"type": "date"},
            "legend": {"orientation": "v"},
            "showlegend": legend,
            "meta": {"description": trends_summary(trends)},
        },
    }
