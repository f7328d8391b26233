"""The stakeholder dashboard widget (no browser, no Voila server).

Driven through its own controls (the picker's ``.value``, the page's query string and "painted"
messages from the browser through the comm), then the tests look at the result it renders (entry,
scores, the chart specs, the HTML the widgets hold) and at its downloads.
"""

from __future__ import annotations

import html
import io
import json
import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("anywidget")

import ipywidgets as w
import pandas as pd
from dashboard_helpers import (
    ASSISTANT,
    DEMO_FILES,
    EARLY,
    IMG,
    JS_LINK,
    LATE,
    MINI,
    ROOT,
    SCRIPT,
    _walk,
    as_figure,
    assessment_doc,
    buttons,
    dashboard,
    engine_radar,
    html_widgets,
    radar_by_title,
    trace,
    walk,
    write_doc,
)
from frontend import browser_custom
from markupsafe import escape

from readiness_widgets import Assessment
from readiness_widgets.assessment import Assessment as AssessmentModel
from readiness_widgets.assessment import AssessmentError
from readiness_widgets.demo import dashboards_dir, demo_assessment, demo_folder
from readiness_widgets.portfolio import ENV_FOLDER, AssessmentFolder
from readiness_widgets.result import evaluate
from readiness_widgets.widgets.dashboard import Dashboard
from readiness_widgets.widgets.dashboard import dashboard as first_paint
from readiness_widgets.widgets.plotly_view import PlotlyView, figure_json


def test_dashboard_shows_the_latest_assessment_and_lists_every_readable_file(demo_dir):
    d = dashboard(demo_dir)
    assert isinstance(d, Dashboard)
    assert isinstance(d, w.VBox)
    assert d.folder.root == demo_dir.resolve()
    assert d.entry.name == LATE  # 2026-11-02: later than the assistant's 2026-10-28
    assert d.picker.value == LATE
    assert sorted(v for _, v in d.picker.options) == sorted(DEMO_FILES)
    labels = {v: label for label, v in d.picker.options}
    assert labels[LATE] == f"Customer churn predictor: 2026-11-02 ({LATE})"
    assert labels[ASSISTANT] == f"Support reply assistant: 2026-10-28 ({ASSISTANT})"
    assert d.picker.description  # labelled
    assert d.assessment.pilot == "Customer churn predictor"
    assert d.result.scores.verdict.label in d.banner.value
    assert "Customer churn predictor" in d.meta.value
    assert LATE in d.meta.value
    assert radar_by_title(d.radar_figure, "Current") == pytest.approx(engine_radar(d.result.scores))
    assert "rw-notice" not in d.notice.value
    assert "rw-unreadable" not in d.notice.value


def test_picking_another_file_changes_entry_banner_tables_and_figures(demo_dir):
    d = dashboard(demo_dir)
    before = {
        "banner": d.banner.value,
        "meta": d.meta.value,
        "scores": d.scores_table.value,
        "gaps": d.gap_table.value,
        "roadmap": d.roadmap_details.value,
        "evidence": d.evidence.value,
        "radar": radar_by_title(d.radar_figure, "Current"),
        "timeline": as_figure(d.timeline_figure).to_plotly_json(),
        "files": [b.filename for b in d.downloads.children],
    }
    d.picker.value = ASSISTANT  # the widget's own control

    assert d.entry.name == ASSISTANT
    assert d.assessment.pilot == "Support reply assistant"
    expected = evaluate(d.assessment).scores
    assert d.result.scores.dimensions["score"].tolist() == pytest.approx(expected.dimensions["score"].tolist())
    assert d.meta.value != before["meta"]
    assert "Support reply assistant" in d.meta.value
    assert d.banner.value != before["banner"]
    assert expected.verdict.label in d.banner.value
    assert d.scores_table.value != before["scores"]
    for title, score in zip(expected.dimensions["title"], expected.dimensions["score"], strict=True):
        assert re.search(rf"<td>{re.escape(str(escape(title)))}</td>\s*<td>{score:.2f}</td>", d.scores_table.value)
    assert d.gap_table.value != before["gaps"]
    assert d.roadmap_details.value != before["roadmap"]
    assert d.evidence.value != before["evidence"]
    assert "Handling time down 18%" in d.evidence.value  # the assistant's own notes
    after = radar_by_title(d.radar_figure, "Current")
    assert after != before["radar"]
    assert after == pytest.approx(engine_radar(expected))
    assert as_figure(d.timeline_figure).to_plotly_json() != before["timeline"]
    assert d.result.roadmap.to_dict() == evaluate(d.assessment).roadmap.to_dict()
    assert as_figure(d.timeline_figure).layout.title.text == f"Roadmap: {d.result.roadmap.total_weeks} weeks"
    files = [b.filename for b in d.downloads.children]
    assert files != before["files"]
    assert all(f.startswith("Support-reply-assistant-2026-10-28") for f in files)

    d.select(EARLY)  # and back through the same control
    assert d.picker.value == d.entry.name == EARLY
    assert d.previous is None  # the earliest churn assessment has nothing before it


def test_previous_assessment_on_the_radar_and_in_the_table(demo_dir):
    d = dashboard(demo_dir, selected=LATE)
    assert d.previous is not None
    assert d.previous.name == EARLY
    assert d.result.previous.scores.target.profile == d.result.target.profile  # compared against one target
    prev = trace(d.radar_figure, "Previous")
    assert prev.visible is not False
    assert len(prev.r) == len(d.result.dimensions) + 1
    assert radar_by_title(d.radar_figure, "Previous") == pytest.approx(engine_radar(d.result.previous.scores))
    assert radar_by_title(d.radar_figure, "Previous") != radar_by_title(d.radar_figure, "Current")
    assert "<th>Previous</th>" in d.scores_table.value
    assert EARLY in d.meta.value
    assert "Compared with the previous assessment of 2026-09-21" in d.meta.value

    d.picker.value = ASSISTANT
    assert d.previous is None
    assert d.result.previous is None
    prev = trace(d.radar_figure, "Previous")
    assert prev.visible is False
    assert not prev.r
    assert "<th>Previous</th>" not in d.scores_table.value
    assert "Compared with" not in d.meta.value


def test_figures_are_drawn_by_plotly_views_and_replaced_on_pick(demo_dir):
    d = first_paint(demo_dir)
    assert isinstance(d.radar, PlotlyView)
    assert d.radar.figure == figure_json(d.radar_figure)
    assert d.timeline is None  # the Gantt waits until a browser has painted the page
    assert d.timeline_box.children == ()
    assert d.evidence.value == ""
    assert d.roadmap_details.value == ""
    assert d.downloads.children == ()
    assert "Not ready" in d.banner.value  # the verdict and the scores are there from the start
    assert "<table" in d.scores_table.value
    browser_custom(d.location, {"type": "location", "search": ""})
    assert d.timeline is None
    browser_custom(d.location, {"type": "painted"})
    assert d.timeline_box.children == (d.timeline,)
    assert d.timeline.figure == figure_json(d.timeline_figure)
    assert d.timeline.figure["layout"]["title"]["text"].startswith("Roadmap: ")
    before = (d.radar.figure, d.timeline.figure)
    d.picker.value = ASSISTANT
    assert d.radar.figure == figure_json(d.radar_figure) != before[0]
    assert d.timeline.figure == figure_json(d.timeline_figure) != before[1]
    assert "Support reply assistant" in d.radar.figure["layout"]["title"]["text"]
    assert not any(isinstance(x, w.Output) for x in _walk(d))  # figures are views, not display() output


def test_selected_outside_the_folder_is_refused_and_nothing_outside_is_opened(demo_dir, monkeypatch):
    opened: list[Path] = []
    real_load = AssessmentModel.load.__func__

    def recording_load(cls, path, **kwargs):
        opened.append(Path(path).resolve())
        return real_load(cls, path, **kwargs)

    monkeypatch.setattr(AssessmentModel, "load", classmethod(recording_load))
    d = dashboard(demo_dir, selected="../../etc/passwd.json")
    assert isinstance(d, Dashboard)
    assert d.entry.name == LATE  # the default is shown instead
    assert "rw-notice" in d.notice.value
    assert "../../etc/passwd.json: refused" in d.notice.value
    assert str(demo_dir) not in d.notice.value  # no server path in the page
    assert opened
    assert all(p.parent == demo_dir.resolve() for p in opened)

    d = dashboard(demo_dir, selected=ASSISTANT)
    assert d.entry.name == d.picker.value == ASSISTANT
    assert "rw-notice" not in d.notice.value


def test_refresh_follows_the_query_string_and_refuses_paths_outside(demo_dir):
    d = dashboard(demo_dir)
    d.refresh(f"file={ASSISTANT}")
    assert d.entry.name == d.picker.value == ASSISTANT
    assert "rw-notice" not in d.notice.value

    d.refresh("file=../x.json")
    assert d.entry.name == ASSISTANT  # unchanged
    assert "../x.json: refused" in d.notice.value
    d.refresh("file=..%2F..%2Fetc%2Fpasswd.json")  # URL-encoded, as a browser sends it
    assert "../../etc/passwd.json: refused" in d.notice.value
    d.refresh(f"file={demo_dir / LATE}")
    assert "refused" in d.notice.value
    assert d.entry.name == ASSISTANT
    d.refresh("file=missing.json")
    assert "missing.json: no readable assessment of that name" in d.notice.value
    d.refresh(f"other=1&file={EARLY}")
    assert d.entry.name == d.picker.value == EARLY
    assert "rw-notice" not in d.notice.value
    d.refresh("")  # nothing asked: nothing changes
    assert d.entry.name == EARLY


def test_refresh_picks_up_new_and_newly_broken_files(demo_dir, bank):
    d = dashboard(demo_dir)
    d.picker.value = ASSISTANT
    demo_assessment(bank, pilot="Fraud scorer").save(demo_dir / "fraud.json")
    d.refresh()
    assert "fraud.json" in [v for _, v in d.picker.options]
    assert d.entry.name == ASSISTANT  # still showing what was picked
    assert d.picker.value == ASSISTANT  # and the picker says so
    d.picker.value = "fraud.json"
    assert d.assessment.pilot == "Fraud scorer"

    d.picker.value = LATE
    assert d.previous.name == EARLY
    (demo_dir / EARLY).write_text('{"schema_version": 2,', encoding="utf-8")
    d.refresh()
    assert EARLY not in [v for _, v in d.picker.options]
    assert "rw-unreadable" in d.notice.value
    assert EARLY in d.notice.value
    assert "not valid JSON" in d.notice.value
    assert d.entry.name == d.picker.value == LATE
    assert d.previous is None  # its earlier assessment can no longer be read
    assert trace(d.radar_figure, "Previous").visible is False

    (demo_dir / LATE).unlink()  # the file shown is gone: the latest readable one is shown
    d.refresh()
    assert d.entry.name == d.picker.value == "fraud.json"
    assert LATE not in [v for _, v in d.picker.options]


def test_empty_folder_shows_the_empty_message_and_fills_in_on_refresh(tmp_path):
    d = dashboard(tmp_path)
    assert isinstance(d, Dashboard)
    assert d.entry is None
    assert d.assessment is None
    assert d.picker.options == ()
    text = " ".join(x.value for x in html_widgets(d))
    assert "No assessment in" in text
    d.refresh()  # still empty: no error
    assert d.entry is None

    shutil.copy(demo_folder() / ASSISTANT, tmp_path / ASSISTANT)
    d.refresh()  # a preheated page was built before the first file was saved
    assert d.entry.name == d.picker.value == ASSISTANT
    assert "Support reply assistant" in d.meta.value
    assert d.banner in list(walk(d))
    assert "No assessment in" not in " ".join(x.value for x in html_widgets(d))


def test_folder_with_only_unreadable_files(tmp_path):
    (tmp_path / "broken.json").write_text("{")
    d = dashboard(tmp_path)
    assert d.entry is None
    assert "broken.json" in d.notice.value
    assert "could not be read" in d.notice.value
    assert "No assessment in" in " ".join(x.value for x in html_widgets(d))


def test_corrupt_file_is_reported_while_the_others_show(demo_dir):
    (demo_dir / "broken.json").write_text('{"schema_version": 2, "pilot": ', encoding="utf-8")
    d = dashboard(demo_dir)
    assert d.entry.name == LATE
    assert sorted(v for _, v in d.picker.options) == sorted(DEMO_FILES)
    assert "1 file(s) could not be read" in d.notice.value
    assert "<code>broken.json</code>: broken.json:1: not valid JSON" in d.notice.value
    assert str(demo_dir) not in d.notice.value



def hostile_files(folder: Path) -> dict[str, str]:
    """Write one file of each kind that once broke a loader; {name: what its error must say}."""
    text = json.dumps(assessment_doc(), indent=2)
    answer = re.search(r'"value": \d', text).group(0)
    stamp = assessment_doc()["updated"]
    files = {
        "huge-int.json": (text.replace(answer, '"value": ' + "9" * 5000, 1).encode(), "a number of 5,000 digits"),
        "nan.json": (text.replace(answer, '"value": NaN', 1).encode(), "NaN is not a JSON number"),
        "twice.json": (text.replace('"pilot": ', '"pilot": "x", "pilot": ', 1).encode(), "key given twice"),
        "deep.json": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        "nul.json": (text.replace('"pilot": "', '"pilot": "\x00', 1).encode(), "NUL byte"),
        "utf16.json": (text.encode("utf-16-le"), "UTF-16 without a byte-order mark"),
        "latin1.json": (text.replace('"pilot": "', '"pilot": "\xe8', 1).encode("latin-1"), "byte 0xe8"),
        "year-0.json": (text.replace(stamp, "0001-01-01T00:00:00+14:00").encode(), "outside the dates"),
    }
    for name, (content, _) in files.items():
        (folder / name).write_bytes(content)
    return {name: message for name, (_, message) in files.items()}


def test_one_hostile_file_of_each_kind_is_listed_broken_and_the_others_show(demo_dir):
    expected = hostile_files(demo_dir)
    folder = AssessmentFolder(demo_dir)
    entries = {e.name: e for e in folder.entries()}
    assert sorted(n for n, e in entries.items() if e.ok) == sorted(DEMO_FILES)
    for name, message in expected.items():
        error = entries[name].error
        assert error.startswith(name), error
        assert message in error, error
        assert "\n" not in error
    d = dashboard(demo_dir)
    assert d.entry.name == LATE
    assert f"{len(expected)} file(s) could not be read" in d.notice.value
    for name in expected:
        assert f"<code>{name}</code>: {name}" in d.notice.value


@pytest.mark.notebook
@pytest.mark.slow
def test_the_dashboard_notebook_runs_on_a_folder_with_hostile_files(demo_dir, monkeypatch):
    """The page Voila shows: every cell runs (no "There was an error when executing cell")."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    expected = hostile_files(demo_dir)
    monkeypatch.setenv(ENV_FOLDER, str(demo_dir))
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    nb = nbformat.read(dashboards_dir() / "readiness_dashboard.ipynb", as_version=4)
    client = nbclient.NotebookClient(nb, timeout=120, startup_timeout=60, kernel_name="python3",
                                     resources={"metadata": {"path": str(demo_dir)}})
    client.execute()  # raises CellExecutionError on any error
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert [o for o in outputs if o.output_type == "error"] == []
    state = json.dumps(nb.metadata.get("widgets", {}))
    for name in expected:
        assert f"<code>{name}</code>" in state


def test_missing_folder_gives_a_notice_not_an_exception(tmp_path):
    page = dashboard(tmp_path / "missing")
    assert isinstance(page, w.HTML)
    assert "not a folder of assessments" in page.value


def test_dashboard_without_a_folder_reads_readiness_assessments(demo_dir, monkeypatch):
    for name in (EARLY, LATE):
        (demo_dir / name).unlink()
    monkeypatch.setenv(ENV_FOLDER, str(demo_dir))
    d = dashboard()
    assert d.folder.root == demo_dir.resolve()
    assert [v for _, v in d.picker.options] == [ASSISTANT]


def test_the_page_query_string_sent_by_the_browser_selects_the_file(demo_dir):
    """The PageLocation widget's message (what its JavaScript sends when shown) drives refresh()."""
    d = dashboard(demo_dir)
    assert d.location in d.children
    browser_custom(d.location, {"type": "location", "search": f"?file={ASSISTANT}"})
    assert d.entry.name == d.picker.value == ASSISTANT
    browser_custom(d.location, {"type": "location", "search": "?file=..%2F..%2Fetc%2Fpasswd.json"})
    assert "refused" in d.notice.value
    assert d.entry.name == ASSISTANT
    browser_custom(d.location, {"type": "something else"})  # ignored
    assert d.location.query == "file=..%2F..%2Fetc%2Fpasswd.json"


def test_javascript_links_are_refused_by_the_engine(bank):
    a = demo_assessment(bank)
    qid = bank.questions[0].id
    for link in (JS_LINK, "JavaScript:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
                 "data:text/html,<script>alert(1)</script>", "//evil.example/x"):
        with pytest.raises(AssessmentError, match="links must be http"):
            a.answer(qid, 2, links=[link])
    assert a.answer(qid, 2, links=["https://example.org/runbook", "docs/runbook.md"]).links == [
        "https://example.org/runbook",
        "docs/runbook.md",
    ]


def test_untrusted_text_is_escaped_in_every_html_widget(tmp_path, bank):
    a = demo_assessment(bank, pilot=SCRIPT, respondents=[IMG, SCRIPT])
    qid = bank.questions[0].id
    hostile_https = 'https://example.org/?q="><script>alert(1)</script>'
    hostile_relative = '"><img src=x onerror=alert(1)>'
    a.answer(qid, 2, notes=f"{SCRIPT} {IMG}", links=[hostile_https, hostile_relative, "https://example.org/plain"])
    a.data.updated = demo_assessment(bank).data.updated + timedelta(days=30)  # the latest: shown first
    hostile_file = f"{IMG}.json"
    a.save(tmp_path / hostile_file)
    # a file holding a javascript: link does not load, and its error is shown escaped
    doc = a.to_dict()
    doc["answers"][qid]["links"] = [JS_LINK]
    write_doc(tmp_path / "<svg onload=alert(1)>.json", doc)
    for name in DEMO_FILES:
        shutil.copy(demo_folder() / name, tmp_path / name)

    d = dashboard(tmp_path)
    assert d.entry.name == hostile_file
    assert d.assessment.pilot == SCRIPT
    d.refresh(f"file={IMG}.json")
    d.picker.value = LATE
    d.picker.value = hostile_file  # through the control, so every pane is rendered again

    values = [x.value for x in html_widgets(d)]
    assert len(values) >= 10
    for value in values:
        low = value.lower()
        assert "<script" not in low
        assert "<img" not in low
        assert "<svg" not in low
        assert not re.search(r"href\s*=\s*[\"']?\s*javascript:", low)
    assert str(escape(SCRIPT)) in d.meta.value
    assert str(escape(IMG)) in d.meta.value  # respondent
    assert str(escape(hostile_file)) in d.meta.value
    assert f"{escape(SCRIPT)} {escape(IMG)}" in d.evidence.value  # notes
    # an https URL holding quotes and angle brackets is shown as text, not linked (report.safe_url)
    assert str(escape(hostile_https)) in d.evidence.value
    assert "href=\"https://example.org/?q=" not in d.evidence.value
    assert 'href="https://example.org/plain"' in d.evidence.value  # a plain https link stays a link
    assert str(escape(hostile_relative)) in d.evidence.value  # shown, not linked
    assert f'href="{escape(hostile_relative)}"' not in d.evidence.value
    assert str(escape("<svg onload=alert(1)>.json")) in d.notice.value
    assert "links must be http(s) URLs" in d.notice.value

    # the downloads: escaped too, under a safe file name
    files = buttons(d)
    html = files["HTML report"].payload()["content"]
    assert "<html" in html
    assert str(escape(SCRIPT)) in html
    assert SCRIPT not in html
    assert "<img src=x" not in html
    md = files["Markdown"].payload()["content"]
    assert not re.search(r"(?<!\\)<(script|img)", md)  # Markdown-escaped, as \\<script\\>
    assert "\\<script\\>" in md
    for b in files.values():
        assert re.fullmatch(r"[A-Za-z0-9._-]+", b.filename), b.filename


def test_dashboard_downloads_html_markdown_and_two_csvs(demo_dir, bank):
    from readiness_widgets.charts import plotly_js

    d = dashboard(demo_dir, selected=LATE)
    files = buttons(d)
    assert list(files) == ["HTML report", "Markdown", "Scores (CSV)", "Answers (CSV)"]
    stem = "Customer-churn-predictor-2026-11-02"
    assert [b.filename for b in files.values()] == [
        f"{stem}.html",
        f"{stem}.md",
        f"{stem}-scores.csv",
        f"{stem}-answers.csv",
    ]
    assert [b.mime for b in files.values()] == ["text/html", "text/markdown", "text/csv", "text/csv"]
    assert all(b.tooltip for b in files.values())

    payloads = {k: b.payload() for k, b in files.items()}
    assert all(p["type"] == "file" for p in payloads.values()), payloads
    html = payloads["HTML report"]["content"]
    assert html.lstrip().lower().startswith("<!doctype html")
    assert "<html" in html
    assert "Customer churn predictor" in html
    assert html.count(plotly_js()[:400]) == 1  # plotly.js inlined once
    assert "2026-09-21" in html  # compared with the previous assessment
    md = payloads["Markdown"]["content"]
    assert md.startswith("# Readiness report: Customer churn predictor")

    scores = pd.read_csv(io.StringIO(payloads["Scores (CSV)"]["content"]), index_col=0)
    assert scores.index.tolist() == list(bank.dimension_ids)
    assert {"title", "score", "target", "gap", "status"} <= set(scores.columns)
    assert scores["score"].tolist() == pytest.approx(d.result.scores.dimensions["score"].tolist(), abs=5e-4)  # 3 decimals
    answers = pd.read_csv(io.StringIO(payloads["Answers (CSV)"]["content"]), index_col=0)
    assert answers.index.tolist() == [q.id for q in bank.questions]
    assert {"dimension", "level", "gap"} <= set(answers.columns)

    d.picker.value = ASSISTANT  # the buttons follow the assessment shown
    assert files["Markdown"].payload()["content"].startswith("# Readiness report: Support reply assistant")
    assert files["HTML report"].filename == "Support-reply-assistant-2026-10-28.html"


def test_download_request_through_the_dashboard_button(demo_dir, frontend):
    d = dashboard(demo_dir)
    button = buttons(d)["Scores (CSV)"]
    frontend.custom(button, {"type": "request"})
    (msg,) = frontend.customs(button)
    assert msg["type"] == "file"
    assert msg["filename"].endswith("-scores.csv")
    assert pd.read_csv(io.StringIO(msg["content"]), index_col=0).shape[0] == len(d.result.dimensions)


def test_untrusted_text_in_the_figures_is_shown_as_typed(tmp_path):
    """Plotly reads tags in titles and labels: a pilot name's <a>/<b> must stay text."""
    from readiness_widgets.demo import demo_assessment

    a = demo_assessment(pilot='Pilot <a href="https://evil.example">x</a> <b>bold</b> & co')
    a.save(tmp_path / "p.json")
    d = dashboard(tmp_path)
    title = as_figure(d.radar_figure).layout.title.text
    assert "<a " not in title
    assert "<b>" not in title
    assert "&lt;a href=" in title
    assert "&amp; co" in title


def test_untrusted_deliverable_names_on_the_gantt_are_shown_as_typed(tmp_path, mini_bank):
    hostile = "<b>x</b> & <img src=z onerror=alert(1)>"
    bank_text = Path(MINI).read_text(encoding="utf-8").replace("deliverable: Do A,", f"deliverable: '{hostile}',")
    assert hostile in bank_text
    (tmp_path / "mini.yaml").write_text(bank_text, encoding="utf-8")
    a = Assessment.new("Mini pilot", bank=mini_bank)
    a.answer("data.a", 0, evidence="manual")
    a.save(tmp_path / "m.json")
    d = dashboard(tmp_path)
    timeline = as_figure(d.timeline.figure)
    escaped = "&lt;b&gt;x&lt;/b&gt; &amp; &lt;img src=z onerror=alert(1)&gt;"
    assert any(label.startswith(escaped[:40]) for label in timeline.layout.yaxis.ticktext)
    assert not any("<" in label for label in timeline.layout.yaxis.ticktext)
    assert any(escaped in str(row[2]) for trace in timeline.data for row in trace.customdata)  # the hover


def test_gap_table_labels_answers_as_the_report_does(demo_dir):
    from readiness_widgets.report import render_markdown
    from readiness_widgets.result import answer_label

    d = dashboard(demo_dir)
    rows = d.result.question_gaps[:15]
    assert {r.status for r in rows} >= {"answered", "unanswered"}
    md = render_markdown(d.result)
    for row in rows:
        assert row.answer == answer_label(row.status, row.level)
        assert f"<td>{html.escape(row.answer, quote=False)}</td>" in d.gap_table.value
        assert f"`{row.id}`" in md
        assert row.answer.replace("don't know", "**don't know**") in md


def test_refresh_after_the_folder_went_away_keeps_the_page(demo_dir):
    d = dashboard(demo_dir)
    shown = d.entry.name
    shutil.rmtree(demo_dir)
    d.refresh("")
    assert "cannot list the folder" in d.notice.value
    assert d.entry.name == shown  # the page still shows what it showed

