"""Reports rendered with Jinja2 from one model: a standalone HTML page and Markdown.

Both renderers read the same :func:`report_model` (the :class:`~readiness_widgets.scoring.Scores`
and :class:`~readiness_widgets.roadmap.Roadmap` of an assessment, plus the answers' notes and
links); nothing here recomputes a score.

>>> from readiness_widgets.report import write_report
>>> write_report(assessment, "report.html")  # doctest: +SKIP
"""

from __future__ import annotations

import json
import math
import re
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from .errors import ReadinessError
from .storage import atomic_write_text

if TYPE_CHECKING:  # pragma: no cover
    from .assessment import Assessment
    from .roadmap import Roadmap

FORMATS = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#])")
# a link is clickable only when it is plainly http(s) or mailto, with no space or control character
_SAFE_URL = re.compile(r"(?:https?://|mailto:)[^\s\x00-\x1f\x7f<>\"']+", re.IGNORECASE)
_URL_IN_TEXT = re.compile(r"\b(?:https?://|mailto:)[^\s\x00-\x1f\x7f<>\"']+", re.IGNORECASE)
_STATUS_LABELS = {"answered": "answered", "na": "N/A", "dont_know": "don't know", "unanswered": "unanswered"}


class ReportError(ReadinessError, ValueError):
    """A report that cannot be written as asked (unknown format, a folder as the output, ...)."""


# ---- filters --------------------------------------------------------------------------------


def escape_markdown(value: object) -> str:
    """Escape text for a Markdown table or paragraph: no HTML, no markup, one line."""
    text = " ".join(str(value).split())
    return _MD_SPECIAL.sub(r"\\\1", text)


def safe_url(value: object) -> str | None:
    """``value`` when it is an http(s) or mailto URL, else ``None`` (never a ``javascript:`` link)."""
    text = str(value)
    return text if _SAFE_URL.fullmatch(text) else None


def html_link(value: object, new_tab: bool = False) -> Markup:
    """A link as ``<a href>`` when :func:`safe_url` allows it, else as escaped plain text.

    ``new_tab`` opens it beside the page (the dashboard), not in place of it.
    """
    url = safe_url(value)
    if url is None:
        return Markup('<span class="plain-link">{}</span>').format(value)
    target = Markup(' target="_blank"') if new_tab else Markup("")
    return Markup('<a href="{0}"{1} rel="noopener noreferrer">{0}</a>').format(url, target)


def html_linkify(value: object) -> Markup:
    """Escape free text and turn the http(s)/mailto URLs in it into links."""
    text, out, last = str(value), [], 0
    for match in _URL_IN_TEXT.finditer(text):
        url = match.group(0).rstrip(".,;:!?)")
        out += [escape(text[last : match.start()]), html_link(url)]
        last = match.start() + len(url)
    out.append(escape(text[last:]))
    return Markup("").join(out)


def md_link(value: object) -> str:
    """A link for Markdown: ``[url](url)`` when safe, else escaped plain text."""
    url = safe_url(value)
    if url is None:
        return escape_markdown(value)
    return f"[{escape_markdown(url)}]({quote(url, safe=':/?#[]@!$&*+,;=%~-._')})"


def answer_label(status: str, level: Any = None) -> str:
    """How an answer reads in every view: ``level 2``, ``N/A``, ``don't know`` or ``unanswered``."""
    if status == "answered" and level is not None and not pd.isna(level):
        return f"level {int(level)}"
    return _STATUS_LABELS.get(status, str(status))


def number(value: Any, digits: int = 2, sign: str = "") -> str:
    """A score as text; a missing one (None, NaN, NA) as an en dash."""
    return "–" if value is None or pd.isna(value) else f"{float(value):{sign}.{digits}f}"


def signed(value: Any) -> str:
    return number(value, sign="+")


def percent(value: Any) -> str:
    return "–" if value is None or pd.isna(value) else f"{float(value):.0%}"


def date(value: datetime | None) -> str:
    if value is None:
        return "–"
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc)
    return value.strftime("%Y-%m-%d %H:%M UTC")


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("readiness_widgets", "templates"),
        autoescape=select_autoescape(["html", "htm", "j2.html", "html.j2"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=True,
    )
    env.filters.update(
        md=escape_markdown,
        md_link=md_link,
        link=html_link,
        linkify=html_linkify,
        num=number,
        signed=signed,
        pct=percent,
        date=date,
    )
    return env


def render_roadmap_markdown(roadmap: Roadmap) -> str:
    text = environment().get_template("roadmap.md.j2").render(roadmap=roadmap)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


# ---- the model both renderers read ---------------------------------------------------------


def report_model(
    assessment: Assessment, *, target: str | None = None, previous: Assessment | None = None
) -> dict[str, Any]:
    """Everything the report shows, from ``assessment.evaluate`` and the roadmap built on it."""
    from .roadmap import build_roadmap

    scores = assessment.evaluate(target)
    roadmap = build_roadmap(scores)
    bank = scores.bank
    prev_scores = None
    if previous is not None:
        if previous.bank.id != bank.id:
            raise ReportError(f"the previous assessment uses bank {previous.bank.id!r}, not {bank.id!r}")
        prev_scores = previous.evaluate(scores.target.profile)

    dims = scores.dimensions
    prev_dims = prev_scores.dimensions.reindex(dims.index) if prev_scores is not None else None
    dimensions = []
    for did, row in dims.iterrows():
        prev = float(prev_dims.at[did, "score"]) if prev_dims is not None else None
        dimensions.append({"id": did, **row.to_dict(), "previous": prev, "change": _change(row["score"], prev)})

    q = scores.questions
    questions, unanswered = [], []
    for qid, row in q[q["applies"]].iterrows():
        if row["status"] == "unanswered":
            unanswered.append({"id": qid, "dimension": bank.dimension(row["dimension"]).title, "text": row["text"]})
            continue
        answer = assessment.answers[qid]
        level = None if pd.isna(row["level"]) else int(row["level"])
        questions.append(
            {
                "id": qid,
                "dimension": bank.dimension(row["dimension"]).title,
                "text": row["text"],
                "status": row["status"],
                "answer": answer_label(row["status"], level),
                "anchor": bank.question(qid).levels[level] if level is not None else "",
                "evidence": row["evidence"] if row["status"] == "answered" else "",
                "effective": row["effective"],
                "target": row["target"],
                "gap": row["gap"],
                "flagged": bool(row["flagged"]),
                "notes": answer.notes,
                "links": list(answer.links),
            }
        )
    question_gaps = [
        {
            "id": qid,
            "dimension": bank.dimension(r["dimension"]).title,
            **r.drop("dimension").to_dict(),
            "answer": answer_label(r["status"], r["level"]),
        }
        for qid, r in scores.question_gaps().iterrows()
    ]
    titles = dict(zip(q.index, q["text"], strict=True))
    raw_triage = assessment.data.triage
    triage = [
        {
            "text": t.text,
            "answer": next((o.label for o in t.options if o.value == value), value),
            "default": t.id not in raw_triage,
        }
        for t in bank.triage
        for value in [assessment.triage[t.id]]
    ]
    if target is not None:
        why = "requested for this report"
    elif scores.target.chosen_by == "user":
        why = "set in the assessment"
    elif scores.target.chosen_by == "triage":
        why = "recommended by the triage answers"
    else:
        why = "the bank's default (no target set, none recommended by the triage)"
    return {
        "assessment": assessment,
        "data": assessment.data,
        "scores": scores,
        "roadmap": roadmap,
        "bank": bank,
        "target": scores.target,
        "target_why": why,
        "verdict": scores.verdict,
        "weakest_title": dims.at[scores.weakest_dimension, "title"],
        "blocking": [(qid, titles[qid]) for qid in scores.verdict.blocking_questions],
        "dimensions": dimensions,
        "dimension_gaps": [{"id": did, **r.to_dict()} for did, r in scores.dimension_gaps().iterrows()],
        "question_gaps": question_gaps,
        "questions": questions,
        "unanswered": unanswered,
        "triage": triage,
        "previous": previous,
        "previous_scores": prev_scores,
        "warnings": list(assessment.warnings),
    }


def _change(now: float, before: float | None) -> float | None:
    if before is None or math.isnan(before) or math.isnan(now):
        return None
    return now - before


# ---- renderers ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _plotly_js() -> Markup:
    from .charts import plotly_js

    # the bundle must not end its own <script> element early
    return Markup(re.sub(r"</(script)", r"<\\/\1", plotly_js(), flags=re.IGNORECASE))  # noqa: S704 (our plotly.js build)


def _figures(model: dict[str, Any]) -> dict[str, Any]:
    """The report's charts (from :mod:`readiness_widgets.charts`) as plain JSON data."""
    import plotly.io as pio

    from .charts import gap_bars, radar, timeline

    figures = {
        "radar": radar(model["scores"], model["previous_scores"]),
        "gaps": gap_bars(model["scores"]),
    }
    if model["roadmap"].total_weeks:
        figures["timeline"] = timeline(model["roadmap"])
    # plotly's encoder handles numpy and NaN; the template re-encodes with Jinja's ``tojson``,
    # which escapes < > & ' so that no user text can close the <script> element
    return {name: json.loads(pio.to_json(fig, validate=False)) for name, fig in figures.items()}


def render_html(
    assessment: Assessment,
    *,
    target: str | None = None,
    previous: Assessment | None = None,
    model: dict[str, Any] | None = None,
) -> str:
    """A standalone HTML report: plotly.js inlined once, nothing fetched from the network.

    ``model``: a :func:`report_model` already built for ``assessment`` (a view that shows it).
    """
    from . import __version__

    model = model or report_model(assessment, target=target, previous=previous)
    template = environment().get_template("report.html.j2")
    return template.render(**model, figures=_figures(model), plotly_js=_plotly_js(), version=__version__)


def render_markdown(
    assessment: Assessment,
    *,
    target: str | None = None,
    previous: Assessment | None = None,
    model: dict[str, Any] | None = None,
) -> str:
    """The report as Markdown for a pull request or a wiki page (user text escaped)."""
    model = model or report_model(assessment, target=target, previous=previous)
    roadmap_md = render_roadmap_markdown(model["roadmap"])
    roadmap_md = re.sub(r"^(#+) ", r"#\1 ", roadmap_md, flags=re.MULTILINE)  # one level down
    text = environment().get_template("report.md.j2").render(**model, roadmap_markdown=roadmap_md)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def report_format(path: str | Path, format: str | None = None) -> str:
    """``format`` ("html" or "md") if given, else the one the file suffix names."""
    if format is not None:
        if format not in ("html", "md"):
            raise ReportError(f"unknown report format {format!r}; use html or md")
        return format
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ReportError(f"cannot tell the report format from {str(path)!r}; name it .html or .md, or pass format")
    return FORMATS[suffix]


def write_report(
    assessment: Assessment,
    path: str | Path,
    *,
    format: str | None = None,
    target: str | None = None,
    previous: Assessment | None = None,
) -> Path:
    """Render and write the report atomically (a temporary file in the same folder, then a rename)."""
    out = Path(path)
    kind = report_format(out, format)
    if out.is_dir():
        raise ReportError(f"{out} is a folder; give a file name such as {out / ('report.' + kind)}")
    if not out.parent.is_dir():
        raise ReportError(f"{out}: the folder {out.parent} does not exist")
    render = render_html if kind == "html" else render_markdown
    return atomic_write_text(out, render(assessment, target=target, previous=previous))
