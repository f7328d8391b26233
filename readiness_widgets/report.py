"""Reports rendered with Jinja2 from one :class:`~readiness_widgets.result.Result`: a standalone
HTML page and Markdown. Nothing here scores; the templates render the result's rows.

>>> from readiness_widgets.result import evaluate
>>> from readiness_widgets.report import write_report
>>> write_report(evaluate(assessment, previous=earlier), "report.html")  # doctest: +SKIP
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from ._version import __version__
from .charts import (
    GAP_SCALE,
    NO_GAP,
    disagreement_heatmap_spec,
    gap_bars_spec,
    gap_bars_summary,
    gap_colour,
    plotly_js,
    radar_spec,
    radar_summary,
    team_radar_spec,
    timeline_spec,
    timeline_summary,
    trends_spec,
)
from .errors import ReadinessError
from .storage import atomic_write_text

if TYPE_CHECKING:  # pragma: no cover
    from .portfolio_result import PortfolioResult
    from .result import Result
    from .roadmap import Roadmap

FORMATS = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#])")
# a link is clickable only when it is plainly http(s) or mailto, with no space or control character
_SAFE_URL = re.compile(r"(?:https?://|mailto:)[^\s\x00-\x1f\x7f<>\"']+", re.IGNORECASE)
_URL_IN_TEXT = re.compile(r"\b(?:https?://|mailto:)[^\s\x00-\x1f\x7f<>\"']+", re.IGNORECASE)


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


# ---- renderers ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _plotly_js() -> Markup:
    # the bundle must not end its own <script> element early
    return Markup(re.sub(r"</(script)", r"<\\/\1", plotly_js(), flags=re.IGNORECASE))  # noqa: S704 (our plotly.js build)


def figures(result: Result) -> dict[str, dict]:
    """The report's charts: the specs of :mod:`readiness_widgets.charts`, as every view draws them.

    The template encodes them with Jinja's ``tojson``, which escapes ``< > & '`` so that no user
    text can close the ``<script>`` element.
    """
    radar = team_radar_spec(result) if result.team is not None else radar_spec(result)
    out = {"radar": radar, "gaps": gap_bars_spec(result)}
    if result.team is not None and result.team.disagreements:
        out["disagreements"] = disagreement_heatmap_spec(result)
    if result.roadmap.total_weeks:
        out["timeline"] = timeline_spec(result.roadmap)
    return out


def render_html(result: Result) -> str:
    """A standalone HTML report: plotly.js inlined once, nothing fetched from the network."""
    template = environment().get_template("report.html.j2")
    alt = {"radar": radar_summary(result), "gaps": gap_bars_summary(result), "timeline": timeline_summary(result.roadmap)}
    return template.render(r=result, figures=figures(result), alt=alt, plotly_js=_plotly_js(), version=__version__)


def render_markdown(result: Result) -> str:
    """The report as Markdown for a pull request or a wiki page (user text escaped)."""
    roadmap_md = render_roadmap_markdown(result.roadmap)
    roadmap_md = re.sub(r"^(#+) ", r"#\1 ", roadmap_md, flags=re.MULTILINE)  # one level down
    text = environment().get_template("report.md.j2").render(r=result, roadmap_markdown=roadmap_md)
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


def write_report(result: Result, path: str | Path, *, format: str | None = None) -> Path:
    """Render ``result`` and write the report atomically (a temporary file in the same folder, then a rename)."""
    out = Path(path)
    kind = report_format(out, format)
    if out.is_dir():
        raise ReportError(f"{out} is a folder; give a file name such as {out / ('report.' + kind)}")
    if not out.parent.is_dir():
        raise ReportError(f"{out}: the folder {out.parent} does not exist")
    render = render_html if kind == "html" else render_markdown
    return atomic_write_text(out, render(result))


# ---- the portfolio report -------------------------------------------------------------------

VERDICT_COLOURS = {"ready": "#15803d", "ready_with_conditions": "#b45309", "not_ready": "#b91c1c"}
REPORT_MAX_PILOTS = 1000  # rows of the report's heatmap; the CSV holds every pilot
REPORT_TREND_PILOTS = 12
REPORT_BLOCKERS = 20


def portfolio_parts():
    """The portfolio's shared HTML pieces (Jinja macros: ``funnel``, ``blockers``, ``gap_legend``):
    the page renders them as the report does."""
    return environment().get_template("portfolio_parts.html.j2").module


def filter_labels(portfolio: PortfolioResult) -> list[tuple[str, str]]:
    """The portfolio's filters in force, as (filter, value) labels."""
    names = portfolio.filters()
    out = []
    for key, value in portfolio.criteria.items():
        labels = {v: label for label, v in portfolio.options(key)}
        out.append((names[key], labels.get(value, value)))
    return out


def render_portfolio_html(portfolio: PortfolioResult, *, since=None, made: datetime | None = None) -> str:
    """A standalone HTML report of a portfolio (its selection): verdicts and how they moved since
    ``since``, the shared blockers, the pilots x dimensions heatmap and the trends. plotly.js is
    inlined once; nothing is fetched from the network."""
    from .portfolio_result import STATUS_LABELS

    heatmap = portfolio.heatmap(limit=REPORT_MAX_PILOTS)
    trend_keys = [r.pilot for r in heatmap.rows[:REPORT_TREND_PILOTS]]
    selected = portfolio.selected.set_index("pilot")
    template = environment().get_template("portfolio.html.j2")
    return template.render(
        p=portfolio,
        filters=filter_labels(portfolio),
        funnel=portfolio.funnel(since),
        blockers=portfolio.shared_blockers(limit=REPORT_BLOCKERS),
        questions=portfolio.shared_questions(limit=REPORT_BLOCKERS),
        heatmap=heatmap,
        units={k: v or "–" for k, v in selected["business_unit"].items()},
        owners={k: v or "–" for k, v in selected["owner"].items()},
        figures={"trends": trends_spec(portfolio.trends(trend_keys))},
        trend_count=len(trend_keys),
        colours=VERDICT_COLOURS,
        labels=STATUS_LABELS,
        colour=gap_colour,
        scale=GAP_SCALE,
        no_gap=NO_GAP,
        made=made or datetime.now(timezone.utc),
        plotly_js=_plotly_js(),
        version=__version__,
    )


def write_portfolio_report(portfolio: PortfolioResult, path: str | Path, *, since=None) -> Path:
    """Render :func:`render_portfolio_html` and write it atomically."""
    out = Path(path)
    if out.suffix.lower() not in (".html", ".htm"):
        raise ReportError(f"a portfolio report is HTML; name it .html, not {out.name!r}")
    if out.is_dir():
        raise ReportError(f"{out} is a folder; give a file name such as {out / 'portfolio.html'}")
    if not out.parent.is_dir():
        raise ReportError(f"{out}: the folder {out.parent} does not exist")
    return atomic_write_text(out, render_portfolio_html(portfolio, since=since))
