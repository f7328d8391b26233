"""The stakeholder report: standalone HTML (offline, escaped), Markdown, atomic writes, the CLI."""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import escape

from readiness_widgets import Assessment, cli, report
from readiness_widgets.charts import plotly_js, plotly_text
from readiness_widgets.report import ReportError, environment
from readiness_widgets.result import ComparisonError, evaluate

MINI = str(Path(__file__).parent / "banks" / "mini.yaml")
PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(2)</script>",
)
HOSTILE = " ".join(PAYLOADS)


# ---- helpers ----------------------------------------------------------------------------------


def render_html(assessment, **kw) -> str:
    """The HTML report of ``assessment`` (scored once into a Result, as every view does)."""
    return report.render_html(evaluate(assessment, **kw))


def render_markdown(assessment, **kw) -> str:
    return report.render_markdown(evaluate(assessment, **kw))


def write_report(assessment, path, **kw):
    return report.write_report(evaluate(assessment), path, **kw)


class Page(HTMLParser):
    """Every start tag with its attributes, and the text of every <script> element."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data

    def named(self, tag):
        return [attrs for t, attrs in self.tags if t == tag]


def mini(mini_bank, pilot="Mini pilot", **kw):
    a = Assessment.new(pilot, bank=mini_bank, respondents=kw.pop("respondents", ["Ana"]), **kw)
    a.answer("data.a", 1, evidence="manual", notes="Checked by hand, see https://example.com/runbook.")
    a.answer("data.b", "dont_know")
    a.answer("gov.c", 2, evidence="automated", links=["https://ci.example.com/job/7", "docs/runbook.md"])
    return a


@pytest.fixture
def hostile(mini_bank):
    """User text full of markup: pilot, respondent, notes and (bypassing validation) a link."""
    a = mini(mini_bank, pilot=f"Pilot {HOSTILE}", respondents=[f"Eve {HOSTILE}"])
    a.answer("data.a", notes=f"{HOSTILE} javascript:alert(3) https://example.com/ok")
    # links are validated on input (http(s) or relative paths); the report must not rely on that
    a.data.answers["gov.c"].links.append("mailto:ops@example.com")
    a.data.answers["gov.c"].links.append("javascript:alert(4)")
    a.data.answers["gov.c"].links.append(" JaVaScRiPt:alert(5)")
    return a


def figures_json(page: Page) -> dict:
    (script,) = [s for s in page.scripts if "Plotly.newPlot" in s and len(s) < 1_000_000]
    match = re.search(r"var figures = (.*);\n", script)
    assert match, "the figures are embedded as one JSON literal"
    return json.loads(match.group(1))


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


# ---- HTML: standalone and offline -----------------------------------------------------------


def test_html_template_is_autoescaped():
    env = environment()
    assert env.autoescape("report.html.j2") is True
    assert env.autoescape("report.md.j2") is False
    assert env.autoescape("roadmap.md.j2") is False


def test_plotly_js_inlined_exactly_once(mini_bank):
    html = render_html(mini(mini_bank))
    bundle = plotly_js()
    head, tail = bundle[:400], bundle[-400:]
    assert html.count(head) == 1
    assert html.count(tail) == 1
    assert html.count("plotly.js v") == 1  # the bundle's licence header
    assert len(html) < 2_000_000  # our build: the core, polar scatter and bars (the full plotly.js is 4.8 MB)
    page = Page(html)
    assert len(page.named("script")) == 2  # plotly.js, then the figures
    assert all("src" not in attrs for attrs in page.named("script"))


def test_nothing_is_fetched_from_the_network(mini_bank):
    html = render_html(mini(mini_bank))
    rest = html.replace(plotly_js(), "")  # our plotly.js build is the only large script
    assert len(rest) < len(html) - 1_000_000
    lowered = rest.lower()
    assert "cdn" not in lowered
    assert 'src="http' not in lowered
    assert "@import" not in lowered
    assert "url(" not in lowered
    page = Page(html)
    assert not page.named("link")  # no stylesheet, no font, no preload
    for tag, attrs in page.tags:
        assert "src" not in attrs, tag
        if tag != "a":
            assert "href" not in attrs, tag
    (csp,) = [a for a in page.named("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    assert "default-src 'none'" in csp["content"]
    assert "connect-src" not in csp["content"]  # falls back to 'none'


def test_hostile_text_appears_only_escaped(hostile):
    html = render_html(hostile)
    for payload in PAYLOADS:
        assert payload not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in html
    page = Page(html)
    assert not page.named("img")
    assert len(page.named("script")) == 2
    for _tag, attrs in page.tags:
        assert not any(name.startswith("on") for name in attrs)
    # the pilot name reaches the radar's title inside the figure JSON: it cannot close the script
    figure_script = page.scripts[1]
    assert "</" not in figure_script
    assert "<!--" not in figure_script
    assert "<" not in figure_script
    title = figures_json(page)["radar"]["layout"]["title"]["text"]
    assert plotly_text(HOSTILE) in title  # the same text, restored by the JSON parser; Plotly shows it as typed


def test_only_http_and_mailto_links_are_clickable(hostile):
    page = Page(render_html(hostile))
    hrefs = [a["href"] for a in page.named("a")]
    assert "https://ci.example.com/job/7" in hrefs
    assert "mailto:ops@example.com" in hrefs
    assert "https://example.com/ok" in hrefs  # a URL in the notes
    assert "https://example.com/runbook" not in hrefs  # ...without the full stop after it
    assert all(h.startswith(("https://", "http://", "mailto:", "#")) for h in hrefs), hrefs
    html = render_html(hostile)
    assert "javascript:alert(4)" in html  # shown, as text
    assert "javascript:alert(3)" in html
    assert "docs/runbook.md" in html  # a relative link: text only
    assert "docs/runbook.md" not in hrefs


def test_verdict_dimensions_questions_roadmap_and_triage(mini_bank):
    a = mini(mini_bank)
    html = render_html(a)
    scores = a.evaluate().scores
    assert scores.verdict.label in html
    for title in scores.dimensions["title"]:
        assert str(escape(title)) in html
    for reason in scores.verdict.reasons:
        assert str(escape(reason)) in html
    page = Page(html)
    flagged = [attrs for tag, attrs in page.tags if tag == "tr" and attrs.get("class") == "flag"]
    assert len(flagged) == 2  # data.b (don't know), in the gaps and in the answers
    for deliverable in a.roadmap().frame["deliverable"]:
        assert deliverable in html
    assert "Go/no-go criteria" in html
    assert "Risk tier?" in html
    assert "(default, not answered)" in html
    assert "level 1: some" in html  # the level with its anchor text
    assert set(figures_json(page)) == {"radar", "gaps", "timeline"}


def test_target_and_why_it_was_chosen(mini_bank):
    a = mini(mini_bank)
    assert "requested for this report" in render_html(a, target="pilot")
    a.set_triage("risk", "high")
    html = render_html(a)
    assert "recommended by the triage answers" in html
    assert "High risk needs governance" in html


def test_previous_assessment_is_shown(mini_bank):
    before = Assessment.new("Mini pilot", bank=mini_bank)
    before.answer("data.a", 0)
    before.answer("gov.c", 1)
    a = mini(mini_bank)
    html = render_html(a, previous=before)
    for text in ("Compared with", ">Previous<", ">Change<"):
        assert text in html
    radar = figures_json(Page(html))["radar"]
    (prev,) = [t for t in radar["data"] if t["name"] == "Previous"]
    assert prev["visible"] is True
    assert prev["r"][0] == pytest.approx(float(before.scores().at["data", "score"]))
    without = render_html(a)
    assert "Compared with" not in without
    assert ">Previous<" not in without
    md = render_markdown(a, previous=before)
    change = a.scores().at["data", "score"] - before.scores().at["data", "score"]
    assert "| Previous | Change |" in md
    assert f"{change:+.2f}" in md


def test_previous_from_another_bank_is_an_error(mini_bank, bank):
    from readiness_widgets.demo import demo_assessment

    with pytest.raises(ComparisonError, match="bank"):
        render_html(mini(mini_bank), previous=demo_assessment(bank))


# ---- Markdown -------------------------------------------------------------------------------


def test_markdown_escapes_user_text(mini_bank):
    a = mini(mini_bank, pilot="a|b <i>x</i> *y*")
    a.answer("data.a", notes="col|umn <b>bold</b> *em* [x](javascript:alert(1))")
    md = render_markdown(a)
    for raw in ("a|b", "<i>", "*y*"):
        assert raw not in md
    assert r"a\|b \<i\>x\</i\> \*y\*" in md
    assert r"col\|umn \<b\>bold\</b\> \*em\* \[x\](javascript:alert(1))" in md
    assert not re.search(r"(?<!\\)<", md)  # no raw HTML anywhere
    # every row of a table has as many cells as its header
    for block in re.findall(r"(?:^\|.*\|$\n?)+", md, flags=re.MULTILINE):
        rows = block.strip().splitlines()
        cells = {len(re.findall(r"(?<!\\)\|", row)) for row in rows}
        assert len(cells) == 1, block


def test_markdown_content(mini_bank):
    a = mini(mini_bank)
    md = render_markdown(a)
    scores = a.evaluate().scores
    assert md.startswith("# Readiness report: Mini pilot\n")
    assert f"## Verdict: {scores.verdict.label}" in md
    for title in scores.dimensions["title"]:
        assert f"| {title} |" in md
    assert "## Roadmap: Mini pilot to production" in md  # the roadmap template, one level down
    assert "### Phase 1: " in md
    assert "[https://ci.example.com/job/7](https://ci.example.com/job/7)" in md
    assert "**don't know**" in md


def test_markdown_links_only_http_and_mailto(hostile):
    md = render_markdown(hostile)
    assert "](javascript" not in md.lower()
    assert "](mailto:ops@example.com)" in md
    assert "javascript:alert(4)" in md  # as text


# ---- write_report ----------------------------------------------------------------------------


def test_write_report_picks_the_format_from_the_suffix(mini_bank, tmp_path):
    a = mini(mini_bank)
    html = write_report(a, tmp_path / "r.HTML")
    md = write_report(a, tmp_path / "r.md")
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert md.read_text(encoding="utf-8").startswith("# Readiness report")
    forced = write_report(a, tmp_path / "r.txt", format="md")
    assert forced.read_text(encoding="utf-8").startswith("# Readiness report")
    with pytest.raises(ReportError, match="format"):
        write_report(a, tmp_path / "r.txt")
    with pytest.raises(ReportError, match="format"):
        write_report(a, tmp_path / "r.html", format="pdf")
    with pytest.raises(ReportError, match="folder"):
        write_report(a, tmp_path, format="html")
    with pytest.raises(ReportError, match="does not exist"):
        write_report(a, tmp_path / "missing" / "r.md")


def test_write_report_is_atomic(mini_bank, tmp_path, monkeypatch):
    out = tmp_path / "report.html"
    out.write_text("old report", encoding="utf-8")

    def fail(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_report(mini(mini_bank), out)
    assert out.read_text(encoding="utf-8") == "old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary file left
    monkeypatch.undo()
    write_report(mini(mini_bank), out)
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


# ---- the default bank and the demo ----------------------------------------------------------


def test_demo_report(demo, bank):
    from readiness_widgets.demo import demo_history

    earlier, _later = demo_history(bank)
    html = render_html(demo, previous=earlier)
    scores = demo.evaluate().scores
    assert scores.verdict.label in html
    for title in scores.dimensions["title"]:
        assert str(escape(title)) in html
    assert html.count(plotly_js()[:400]) == 1
    assert len(html) < 8_000_000
    md = render_markdown(demo, previous=earlier)
    for title in scores.dimensions["title"]:
        assert title in md
    assert f"Verdict: {scores.verdict.label}" in md


# ---- CLI ------------------------------------------------------------------------------------


@pytest.fixture
def mini_file(mini_bank, tmp_path):
    return mini(mini_bank).save(tmp_path / "a.json")


def test_cli_writes_html_and_markdown(capsys, mini_file, tmp_path):
    out = tmp_path / "report.html"
    code, stdout, _ = run(capsys, "report", mini_file, "--bank", MINI, "-o", out)
    assert code == 0
    assert stdout == f"wrote {out}\n"
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    out.write_text("an older report", encoding="utf-8")
    code, stdout, _ = run(capsys, "report", mini_file, "--bank", MINI, "-o", out)  # a report is replaced
    assert code == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    code, stdout, _ = run(capsys, "report", mini_file, "--bank", MINI, "--target", "pilot")
    assert code == 0
    assert stdout.startswith("# Readiness report: Mini pilot\n")
    assert "(`pilot`)" in stdout
    code, _, _ = run(capsys, "report", mini_file, "--bank", MINI, "--format", "md", "-o", tmp_path / "r.txt")
    assert code == 0
    assert (tmp_path / "r.txt").read_text(encoding="utf-8").startswith("# Readiness report")


def test_cli_previous(capsys, mini_bank, mini_file, tmp_path):
    before = Assessment.new("Mini pilot", bank=mini_bank)
    before.answer("data.a", 0)
    prev = before.save(tmp_path / "before.json")
    code, stdout, _ = run(capsys, "report", mini_file, "--bank", MINI, "--previous", prev)
    assert code == 0
    assert "| Previous | Change |" in stdout


def bad_inputs(tmp_path, mini_file):
    corrupt = tmp_path / "corrupt.json"
    corrupt.write_text('{"schema_version": 2, "pilot": ', encoding="utf-8")
    folder = tmp_path / "folder"
    folder.mkdir()
    return {
        "missing file": ([tmp_path / "nope.json", "-o", tmp_path / "r.html"], "nope.json"),
        "corrupt JSON": ([corrupt, "-o", tmp_path / "r.html"], "not valid JSON"),
        "unknown target": ([mini_file, "--target", "moonshot", "-o", tmp_path / "r.html"], "--target"),
        "unknown format": ([mini_file, "--format", "pdf", "-o", tmp_path / "r.pdf"], "invalid choice"),
        "html without -o": ([mini_file, "--format", "html"], "use -o report.html"),
        "-o a folder": ([mini_file, "-o", folder], "is a folder"),
        "unknown suffix": ([mini_file, "-o", tmp_path / "r.txt"], "cannot tell the format"),
        "-o the input": ([mini_file, "--format", "md", "-o", mini_file], "input assessment"),
        "missing previous": ([mini_file, "--previous", tmp_path / "old.json"], "old.json"),
    }


@pytest.mark.parametrize(
    "case",
    ["missing file", "corrupt JSON", "unknown target", "unknown format", "html without -o",
     "-o a folder", "unknown suffix", "-o the input", "missing previous"],
)
def test_cli_bad_input_is_one_line_and_exit_2(capsys, tmp_path, mini_file, case):
    before = mini_file.read_bytes()
    argv, expected = bad_inputs(tmp_path, mini_file)[case]
    code, stdout, err = run(capsys, "report", *argv, "--bank", MINI)
    assert code == 2
    assert stdout == ""
    assert err.count("\n") == 1, err
    assert expected in err
    assert mini_file.read_bytes() == before
    assert not (tmp_path / "r.html").exists()


def test_our_plotly_build_draws_every_trace_type_of_our_charts(demo):
    from readiness_widgets.charts import TRACE_TYPES, gap_bars, radar, timeline, trends_spec
    from readiness_widgets.demo import demo_portfolio_folder
    from readiness_widgets.pilots import FolderPilots
    from readiness_widgets.portfolio_result import evaluate_portfolio

    result = evaluate(demo)
    used = {trace.type for fig in (radar(result), gap_bars(result), timeline(result.roadmap)) for trace in fig.data}
    used |= {t["type"] for t in trends_spec(evaluate_portfolio(FolderPilots(demo_portfolio_folder())).trends())["data"]}
    assert "scatter" in used
    assert used <= set(TRACE_TYPES)
    for kind in TRACE_TYPES:
        assert f'moduleType:"trace",name:"{kind}"' in plotly_js()  # registered in the build (js/plotly/entry.js)
    assert plotly_js().startswith("/**\n* plotly.js v")


def test_answer_label():
    from readiness_widgets.result import answer_label

    assert answer_label("answered", 2.0) == "level 2"
    assert answer_label("answered", 0) == "level 0"
    assert answer_label("na") == "N/A"
    assert answer_label("dont_know", float("nan")) == "don't know"
    assert answer_label("unanswered", None) == "unanswered"


def test_html_link_in_a_new_tab_only_when_asked():
    from readiness_widgets.report import html_link

    assert 'target="_blank"' in html_link("https://example.org/x", new_tab=True)
    assert "target" not in html_link("https://example.org/x")
    assert "<a" not in html_link("javascript:alert(1)", new_tab=True)


def test_scores_csv_is_what_the_cli_prints(demo_file, capsys):
    from readiness_widgets import Assessment

    assert cli.main(["score", str(demo_file), "--format", "csv"]) == 0
    scores = Assessment.load(demo_file).evaluate().scores
    assert capsys.readouterr().out == scores.to_csv()
    assert scores.to_csv("questions").startswith("question,dimension,text,")
    with pytest.raises(ValueError, match="dimensions"):
        scores.to_csv("everything")
