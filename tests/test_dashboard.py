"""The stakeholder dashboard, its folder of assessments, its downloads and its Voila launcher.

No browser and no Voila server: the dashboard is driven through its own controls (the picker's
``.value``, :meth:`Dashboard.refresh` with the page's query string, the download button's custom
message), then the tests look at the engine's state (entry, scores, figures' trace data, the HTML
the widgets hold). The launcher is tested on the command line it builds and on the settings the
real Voila application reads from it; ``subprocess.Popen`` is never called.
"""

from __future__ import annotations

import html
import io
import json
import os
import re
import shutil
import sys
import warnings
from datetime import timedelta
from pathlib import Path

import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("anywidget")

import ipywidgets as w
import pandas as pd
from markupsafe import escape

from readiness_widgets import Assessment, load_bank
from readiness_widgets.assessment import AssessmentError, UnknownQuestionWarning
from readiness_widgets.charts import plotly_text
from readiness_widgets.cli import main
from readiness_widgets.demo import dashboards_dir, demo_assessment, demo_folder, write_demo_folder
from readiness_widgets.errors import InputError, ReadinessError
from readiness_widgets.portfolio import ENV_FOLDER, AssessmentFolder, Entry, FolderError
from readiness_widgets.serve import (
    ENV_FORM_FILE,
    PAGES,
    form_path,
    serve,
    voila_command,
    voila_config_dir,
    voila_environment,
    voila_settings,
)
from readiness_widgets.widgets.dashboard import Dashboard
from readiness_widgets.widgets.dashboard import dashboard as first_paint
from readiness_widgets.widgets.download import _ESM, DownloadButton, safe_filename
from readiness_widgets.widgets.plotly_view import PlotlyView, esm, figure_json


def dashboard(*args, **kwargs):
    """The page as a browser sees it once painted (below-the-fold parts follow the first paint)."""
    page = first_paint(*args, **kwargs)
    if isinstance(page, Dashboard):
        page.location._handle_custom_msg({"type": "painted"}, [])
    return page


TESTS = Path(__file__).parent
ROOT = TESTS.parent
MINI = TESTS / "banks" / "mini.yaml"
COMMITTED_DEMO = ROOT / "dashboards" / "assessments"
TEMPLATE_DIR = ROOT / "readiness_widgets" / "voila_config" / "jupyter" / "voila" / "templates" / "readiness"

EARLY = "churn-predictor-2026-09.json"
LATE = "churn-predictor-2026-11.json"
ASSISTANT = "support-reply-assistant.json"
DEMO_FILES = [EARLY, LATE, ASSISTANT]

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
JS_LINK = "javascript:alert(1)"


# ---- helpers --------------------------------------------------------------------------------


@pytest.fixture
def demo_dir(tmp_path):
    """A private copy of the bundled demo folder (two pilots, one assessed twice)."""
    folder = tmp_path / "assessments"
    shutil.copytree(demo_folder(), folder)
    return folder



@pytest.fixture
def no_popen(monkeypatch):
    """Fail the test if anything tries to start a process (Voila)."""

    def popen(*args, **kwargs):
        raise AssertionError(f"subprocess.Popen called: {args!r}")

    monkeypatch.setattr("subprocess.Popen", popen)


def walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def html_widgets(widget) -> list[w.HTML]:
    return [x for x in walk(widget) if isinstance(x, w.HTML)]


def _walk(widget):
    """A widget and every widget inside it."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def as_figure(spec: dict):
    """The dashboard's figure JSON as a ``go.Figure``: Plotly validates every property on the way."""
    import plotly.graph_objects as go

    return go.Figure(spec)


def trace(figure, name: str):
    (found,) = [t for t in as_figure(figure).data if t.name == name]
    return found


def radar_by_title(figure, name: str) -> dict[str, float]:
    """A radar trace as {dimension title: value} (the closing point dropped)."""
    t = trace(figure, name)
    return dict(zip(list(t.theta)[:-1], list(t.r)[:-1], strict=True))


def engine_radar(scores) -> dict[str, float]:
    dims = scores.dimensions
    return {plotly_text(dims.at[d, "title"]): round(float(dims.at[d, "score"]), 3) for d in dims.index}


def assessment_doc(name: str = LATE) -> dict:
    return json.loads((demo_folder() / name).read_text(encoding="utf-8"))


def write_doc(path: Path, doc: dict) -> Path:
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return path


def buttons(d: Dashboard) -> dict[str, DownloadButton]:
    return {b.description: b for b in d.downloads.children}


# ---- AssessmentFolder: listing and reading ----------------------------------------------------


def test_lists_only_json_files_directly_in_the_folder(tmp_path, bank):
    a = demo_assessment(bank)
    a.save(tmp_path / "b.json")
    a.save(tmp_path / "a.json")
    (tmp_path / "notes.txt").write_text("not an assessment")
    (tmp_path / "a.json.bak").write_text("{}")
    (tmp_path / ".hidden.json").write_text("{}")
    (tmp_path / "sub").mkdir()
    a.save(tmp_path / "sub" / "c.json")
    folder = AssessmentFolder(tmp_path)
    assert folder.names() == ["a.json", "b.json"]
    assert [e.name for e in folder.entries()] == ["a.json", "b.json"]
    assert all(e.ok and e.error is None for e in folder.entries())
    assert AssessmentFolder(tmp_path, max_files=1).names() == ["a.json"]


def test_unreadable_files_are_listed_with_one_line_errors_and_the_others_load(tmp_path, bank):
    demo_assessment(bank).save(tmp_path / "good.json")
    (tmp_path / "corrupt.json").write_text('{"schema_version": 2, "pilot": ', encoding="utf-8")
    invalid = assessment_doc()
    del invalid["pilot"]
    invalid["answers"]["data.pipeline_reliability"]["value"] = 9
    write_doc(tmp_path / "invalid.json", invalid)
    unknown = assessment_doc()
    unknown["bank"] = {"id": "nope", "version": "1"}
    write_doc(tmp_path / "unknown-bank.json", unknown)

    folder = AssessmentFolder(tmp_path)
    entries = folder.entries()
    assert [e.name for e in entries] == ["good.json", "corrupt.json", "invalid.json", "unknown-bank.json"]
    good, *bad = entries  # the readable ones first
    assert good.ok
    assert good.pilot == "Customer churn predictor"
    assert good.error is None
    by_name = {e.name: e for e in bad}
    for e in bad:
        assert not e.ok
        assert e.assessment is None
        assert e.pilot is None
        assert e.updated is None
        assert e.error
        assert "\n" not in e.error, e.error
        assert e.label == f"{e.name} (cannot be read)"
        assert str(tmp_path) not in e.error  # the file is named, the server's folder is not
        assert e.error.startswith(e.name)
    assert "not valid JSON" in by_name["corrupt.json"].error
    assert "more problems" in by_name["invalid.json"].error  # the first of several, counted
    assert re.search(r"pilot|answers\.data\.pipeline_reliability", by_name["invalid.json"].error)
    assert "'nope'" in by_name["unknown-bank.json"].error
    with pytest.raises(AssessmentError, match="not valid JSON"):
        folder.load("corrupt.json")
    assert folder.load("good.json").pilot == "Customer churn predictor"


def test_warnings_are_kept_and_shown_without_the_server_path(tmp_path):
    doc = assessment_doc(ASSISTANT)
    doc["bank"]["version"] = "0.9.0"  # made with an older version of the bank
    doc["answers"]["data.retired_question"] = {"value": 2, "evidence": "none", "notes": "", "links": []}
    write_doc(tmp_path / "old.json", doc)
    with pytest.warns(UnknownQuestionWarning, match="retired_question"):
        (entry,) = AssessmentFolder(tmp_path).entries()
    assert entry.ok
    assert len(entry.warnings) == 2
    assert all(m.startswith("old.json: ") for m in entry.warnings)
    with pytest.warns(UnknownQuestionWarning, match="retired_question"):
        d = dashboard(tmp_path)
    assert "bank.version: made with default 0.9.0" in d.meta.value
    assert "data.retired_question" in d.meta.value
    assert str(tmp_path) not in d.meta.value


def test_folder_entries_sort_by_pilot_then_date_with_timestamps_without_a_zone(tmp_path):
    for name in DEMO_FILES:
        shutil.copy(demo_folder() / name, tmp_path / name)
    naive = assessment_doc(EARLY)
    naive["updated"] = "2026-10-01T08:00:00"  # written by hand or another tool: no time zone
    write_doc(tmp_path / "naive.json", naive)
    folder = AssessmentFolder(tmp_path)
    entries = folder.entries()  # must not fail comparing aware and naive datetimes
    assert [e.name for e in entries] == [EARLY, "naive.json", LATE, ASSISTANT]
    by_name = {e.name: e for e in entries}
    assert folder.previous(by_name[LATE]).name == "naive.json"
    assert folder.previous(by_name["naive.json"]).name == EARLY
    assert by_name["naive.json"].label == "Customer churn predictor: 2026-10-01 (naive.json)"


# ---- AssessmentFolder: confinement ----------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["../x.json", "sub/../../x.json", "ABSOLUTE", "notes.txt", "x.json.txt", "", "a\x00.json", ".json"],
)
def test_resolve_refuses_names_that_are_not_json_files_inside_the_folder(tmp_path, name):
    (tmp_path / "box").mkdir()
    folder = AssessmentFolder(tmp_path / "box")
    if name == "ABSOLUTE":
        name = str(tmp_path / "box" / "x.json")  # absolute, even when it points inside
    with pytest.raises(FolderError, match="refused") as info:
        folder.resolve(name)
    assert isinstance(info.value, ReadinessError)
    assert len(info.value.problems) == 1


def test_resolve_accepts_plain_names_inside_the_folder(tmp_path):
    folder = AssessmentFolder(tmp_path)
    assert folder.resolve("a.json") == tmp_path.resolve() / "a.json"
    assert folder.resolve(Path("A.JSON")) == tmp_path.resolve() / "A.JSON"
    assert folder.resolve("./sub/b.json") == tmp_path.resolve() / "sub" / "b.json"


def test_symlink_leaving_the_folder_is_refused_and_one_inside_is_allowed(tmp_path, bank):
    outside, box = tmp_path / "outside", tmp_path / "box"
    outside.mkdir()
    box.mkdir()
    demo_assessment(bank, pilot="Secret outside pilot").save(outside / "secret.json")
    demo_assessment(bank, pilot="Inside pilot").save(box / "real.json")
    os.symlink(outside / "secret.json", box / "escape.json")
    os.symlink(box / "real.json", box / "alias.json")
    folder = AssessmentFolder(box)

    with pytest.raises(FolderError, match="refused: the file resolves outside the folder"):
        folder.resolve("escape.json")
    with pytest.raises(FolderError, match="refused"):
        folder.load("escape.json")
    assert folder.resolve("alias.json") == (box / "real.json").resolve()
    assert folder.load("alias.json").pilot == "Inside pilot"

    by_name = {e.name: e for e in folder.entries()}
    assert set(by_name) == {"alias.json", "escape.json", "real.json"}
    assert not by_name["escape.json"].ok
    assert "refused" in by_name["escape.json"].error
    assert str(tmp_path) not in by_name["escape.json"].error
    assert by_name["alias.json"].pilot == "Inside pilot"
    assert all(e.pilot != "Secret outside pilot" for e in by_name.values())


def test_missing_folder_or_a_file_is_refused(tmp_path):
    with pytest.raises(FolderError, match="not a folder of assessments"):
        AssessmentFolder(tmp_path / "missing")
    (tmp_path / "file.json").write_text("{}")
    with pytest.raises(FolderError, match="not a folder of assessments"):
        AssessmentFolder(tmp_path / "file.json")


def test_from_env_honours_readiness_assessments(tmp_path, monkeypatch):
    (tmp_path / "env").mkdir()
    (tmp_path / "default").mkdir()
    monkeypatch.setenv(ENV_FOLDER, str(tmp_path / "env"))
    assert AssessmentFolder.from_env(tmp_path / "default").root == (tmp_path / "env").resolve()
    monkeypatch.setenv(ENV_FOLDER, "")
    assert AssessmentFolder.from_env(tmp_path / "default").root == (tmp_path / "default").resolve()
    monkeypatch.delenv(ENV_FOLDER)
    assert AssessmentFolder.from_env(tmp_path / "default").root == (tmp_path / "default").resolve()
    monkeypatch.setenv(ENV_FOLDER, str(tmp_path / "missing"))
    with pytest.raises(FolderError):
        AssessmentFolder.from_env(tmp_path / "default")


# ---- AssessmentFolder: previous and custom banks --------------------------------------------


def test_previous_is_the_latest_earlier_assessment_of_the_same_pilot(demo_dir, bank):
    # a third churn assessment, older than both, and another pilot in between
    demo_assessment(bank, progress=0.4, when=demo_assessment(bank).data.updated - timedelta(weeks=20)).save(
        demo_dir / "churn-oldest.json"
    )
    demo_assessment(bank, pilot="Other pilot", when=demo_assessment(bank).data.updated - timedelta(weeks=1)).save(
        demo_dir / "other.json"
    )
    (demo_dir / "broken.json").write_text("{")
    folder = AssessmentFolder(demo_dir)
    entries = folder.entries()
    by_name = {e.name: e for e in entries}
    assert folder.previous(by_name[LATE], entries).name == EARLY  # the latest earlier one, not the oldest
    assert folder.previous(by_name[LATE]).name == EARLY  # entries read again when not given
    assert folder.previous(by_name[EARLY], entries).name == "churn-oldest.json"
    assert folder.previous(by_name["churn-oldest.json"], entries) is None  # the earliest
    assert folder.previous(by_name[ASSISTANT], entries) is None  # a pilot assessed once
    assert folder.previous(by_name["other.json"], entries) is None  # a different pilot
    assert folder.previous(by_name["broken.json"], entries) is None


def test_custom_bank_next_to_the_assessments_is_used(tmp_path, mini_bank):
    a = Assessment.new("Mini pilot", bank=mini_bank)
    a.answer("data.a", 3, evidence="manual")
    a.save(tmp_path / "mini-pilot.json")
    folder = AssessmentFolder(tmp_path)
    (entry,) = folder.entries()
    assert not entry.ok
    assert "'mini'" in entry.error  # the bank is named, so the fix is obvious

    shutil.copy(MINI, tmp_path / "mini.yaml")
    folder = AssessmentFolder(tmp_path)
    (entry,) = folder.entries()
    assert entry.ok, entry.error
    assert entry.assessment.bank.id == "mini"
    assert entry.assessment.value("data.a") == 3
    assert folder.names() == ["mini-pilot.json"]  # the bank is not listed as an assessment


def test_custom_bank_in_a_banks_subfolder_and_not_through_a_link_outside(tmp_path, mini_bank):
    box, outside = tmp_path / "box", tmp_path / "outside"
    box.mkdir()
    outside.mkdir()
    Assessment.new("Mini pilot", bank=mini_bank).save(box / "m.json")
    shutil.copy(MINI, outside / "mini.yaml")
    os.symlink(outside / "mini.yaml", box / "mini.yaml")  # a bank from outside the folder is not read
    (entry,) = AssessmentFolder(box).entries()
    assert not entry.ok
    (box / "mini.yaml").unlink()
    (box / "banks").mkdir()
    shutil.copy(MINI, box / "banks" / "mini.yaml")
    (entry,) = AssessmentFolder(box).entries()
    assert entry.ok
    assert entry.assessment.bank.id == "mini"


# ---- the dashboard: building and picking ----------------------------------------------------


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
    assert d.scores.verdict.label in d.banner.value
    assert "Customer churn predictor" in d.meta.value
    assert LATE in d.meta.value
    assert radar_by_title(d.radar_figure, "Current") == pytest.approx(engine_radar(d.scores))
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
    expected = d.assessment.evaluate()
    assert d.scores.dimensions["score"].tolist() == pytest.approx(expected.dimensions["score"].tolist())
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
    assert d.roadmap.to_dict() == d.assessment.roadmap().to_dict()
    assert as_figure(d.timeline_figure).layout.title.text == f"Roadmap: {d.roadmap.total_weeks} weeks"
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
    assert d.previous_scores.target.profile == d.scores.target.profile  # compared against one target
    prev = trace(d.radar_figure, "Previous")
    assert prev.visible is not False
    assert len(prev.r) == len(d.scores.dimensions) + 1
    assert radar_by_title(d.radar_figure, "Previous") == pytest.approx(engine_radar(d.previous_scores))
    assert radar_by_title(d.radar_figure, "Previous") != radar_by_title(d.radar_figure, "Current")
    assert "<th>Previous</th>" in d.scores_table.value
    assert EARLY in d.meta.value
    assert "Compared with the previous assessment of 2026-09-21" in d.meta.value

    d.picker.value = ASSISTANT
    assert d.previous is None
    assert d.previous_scores is None
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
    d.location._handle_custom_msg({"type": "location", "search": ""}, [])
    assert d.timeline is None
    d.location._handle_custom_msg({"type": "painted"}, [])
    assert d.timeline_box.children == (d.timeline,)
    assert d.timeline.figure == figure_json(d.timeline_figure)
    assert d.timeline.figure["layout"]["title"]["text"].startswith("Roadmap: ")
    before = (d.radar.figure, d.timeline.figure)
    d.picker.value = ASSISTANT
    assert d.radar.figure == figure_json(d.radar_figure) != before[0]
    assert d.timeline.figure == figure_json(d.timeline_figure) != before[1]
    assert "Support reply assistant" in d.radar.figure["layout"]["title"]["text"]
    assert not any(isinstance(x, w.Output) for x in _walk(d))  # figures are views, not display() output


def test_plotly_view_module_holds_our_small_plotly_build():
    module = esm()
    assert module.startswith("\nfunction loadPlotly() {\n/**\n* plotly.js v")
    assert "export default { render }" in module
    assert len(module) < 2_000_000  # the full plotly.js is 4.8 MB
    assert "scatterpolar" in module
    view = PlotlyView()
    assert view.figure == {}
    assert view._esm == module
    view.show({"data": [{"type": "bar", "x": [1], "y": [2]}], "layout": {}})
    assert view.figure["data"][0]["type"] == "bar"
    view.show(None)
    assert view.figure == {}


def test_selected_outside_the_folder_is_refused_and_nothing_outside_is_opened(demo_dir, monkeypatch):
    opened: list[Path] = []
    real_load = Assessment.load.__func__

    def recording_load(cls, path, **kwargs):
        opened.append(Path(path).resolve())
        return real_load(cls, path, **kwargs)

    monkeypatch.setattr(Assessment, "load", classmethod(recording_load))
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
    d.location._handle_custom_msg({"type": "location", "search": f"?file={ASSISTANT}"}, [])
    assert d.entry.name == d.picker.value == ASSISTANT
    d.location._handle_custom_msg({"type": "location", "search": "?file=..%2F..%2Fetc%2Fpasswd.json"}, [])
    assert "refused" in d.notice.value
    assert d.entry.name == ASSISTANT
    d.location._handle_custom_msg({"type": "something else"}, [])  # ignored
    assert d.location.query == "file=..%2F..%2Fetc%2Fpasswd.json"


def test_the_location_script_fetches_nothing_and_only_reports_the_query():
    from readiness_widgets.widgets.location import _ESM

    assert "http" not in _ESM
    assert "import" not in _ESM
    assert "location.search" in _ESM


# ---- untrusted text ---------------------------------------------------------------------------


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


# ---- the download button --------------------------------------------------------------------


def test_payload_is_the_file_name_and_mime():
    calls = []

    def content():
        calls.append(1)
        return "# Report\n"

    b = DownloadButton("Markdown", "report.md", content, mime="text/markdown", tooltip="Download it")
    assert calls == []  # made only when asked
    assert b.payload() == {"type": "file", "content": "# Report\n", "filename": "report.md", "mime": "text/markdown"}
    assert calls == [1]
    assert b.last_error is None
    state = b.get_state()
    assert (state["description"], state["filename"], state["mime"], state["tooltip"]) == (
        "Markdown",
        "report.md",
        "text/markdown",
        "Download it",
    )
    assert "content" not in state  # the file is not held in the widget state


def _front_end_says(button: DownloadButton, content) -> None:
    """What ipywidgets does with a custom message from the browser (``model.send(...)``)."""
    button._handle_msg({"content": {"data": {"method": "custom", "content": content}}, "buffers": []})


def test_content_that_raises_gives_an_error_message_not_an_exception(monkeypatch):
    def broken():
        raise RuntimeError("disk on fire")

    sent = []
    b = DownloadButton("CSV", "scores.csv", broken, mime="text/csv")
    monkeypatch.setattr(b, "send", lambda content, buffers=None: sent.append(content))
    _front_end_says(b, {"type": "request"})  # no exception escapes into the kernel
    assert sent == [{"type": "error", "message": "could not prepare scores.csv: RuntimeError: disk on fire"}]
    assert "Traceback" not in sent[0]["message"]
    assert b.last_error == sent[0]["message"]
    b.content = lambda: "a,b\n"
    assert b.payload()["type"] == "file"
    assert b.last_error is None


def test_front_end_request_is_answered_with_the_file(monkeypatch):
    sent = []
    b = DownloadButton("Markdown", "report.md", lambda: "# Hi", mime="text/markdown")
    monkeypatch.setattr(b, "send", lambda content, buffers=None: sent.append(content))
    _front_end_says(b, {"type": "request"})
    assert sent == [{"type": "file", "content": "# Hi", "filename": "report.md", "mime": "text/markdown"}]
    b._handle_custom_msg({"type": "request"}, [])  # the hook ipywidgets calls
    assert len(sent) == 2
    for other in ({"type": "other"}, {}, "request", ["request"], None):
        _front_end_says(b, other)
    assert len(sent) == 2  # anything else is ignored


def test_download_script_fetches_nothing():
    assert "http" not in _ESM
    assert "import" not in _ESM
    assert 'model.send({ type: "request" })' in _ESM


@pytest.mark.parametrize(
    ("stem", "suffix", "expected"),
    [
        ("../../etc/passwd", ".html", "etc-passwd.html"),
        ("a<b>c", ".md", "a-b-c.md"),
        ("", ".csv", "readiness.csv"),
        ("...", ".csv", "readiness.csv"),
        ("/", "", "readiness"),
        ("C:\\Windows\\system32", ".md", "C-Windows-system32.md"),
        ("Churn model v2.1", "-scores.csv", "Churn-model-v2.1-scores.csv"),
        ('x"; rm -rf / #', ".md", "x-rm--rf.md"),
        ("Prévision\x00\n", ".md", "Pr-vision.md"),
    ],
)
def test_safe_filename(stem, suffix, expected):
    assert safe_filename(stem, suffix) == expected


def test_safe_filename_is_bounded():
    name = safe_filename("x" * 500, ".html")
    assert name == "x" * 80 + ".html"
    assert re.fullmatch(r"[A-Za-z0-9._-]+", safe_filename(SCRIPT + IMG, ".md"))


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
    assert scores["score"].tolist() == pytest.approx(d.scores.dimensions["score"].tolist(), abs=5e-4)  # 3 decimals
    answers = pd.read_csv(io.StringIO(payloads["Answers (CSV)"]["content"]), index_col=0)
    assert answers.index.tolist() == [q.id for q in bank.questions]
    assert {"dimension", "level", "gap"} <= set(answers.columns)

    d.picker.value = ASSISTANT  # the buttons follow the assessment shown
    assert files["Markdown"].payload()["content"].startswith("# Readiness report: Support reply assistant")
    assert files["HTML report"].filename == "Support-reply-assistant-2026-10-28.html"


def test_download_request_through_the_dashboard_button(demo_dir, monkeypatch):
    d = dashboard(demo_dir)
    button = buttons(d)["Scores (CSV)"]
    sent = []
    monkeypatch.setattr(button, "send", lambda content, buffers=None: sent.append(content))
    _front_end_says(button, {"type": "request"})
    (msg,) = sent
    assert msg["type"] == "file"
    assert msg["filename"].endswith("-scores.csv")
    assert pd.read_csv(io.StringIO(msg["content"]), index_col=0).shape[0] == len(d.scores.dimensions)


# ---- the launcher -----------------------------------------------------------------------------


def test_voila_command_serves_the_notebook_with_our_config_only():
    cmd = voila_command("dashboard", port=1234)
    assert cmd[:3] == [sys.executable, "-m", "readiness_widgets.voila_app"]  # Voila with our guards
    assert "--BoundedKernelManager.max_kernels=8" in cmd
    assert "--BoundedKernelManager.max_kernels=3" in voila_command("dashboard", max_kernels=3)
    assert Path(cmd[3]) == dashboards_dir() / PAGES["dashboard"]
    assert Path(cmd[3]).is_file()
    assert "--port=1234" in cmd
    assert "--no-browser" in cmd
    config = [a for a in cmd if "config_file_paths" in a or "config_file" in a.lower()]
    assert config == [f"--Voila.config_file_paths={voila_config_dir()}"]
    assert (voila_config_dir() / "voila.json").is_file()
    assert not any(a.startswith(("--ip", "--Voila.ip")) for a in cmd)  # 127.0.0.1 comes from voila.json
    form = voila_command("self-assessment", port=8870)
    assert Path(form[3]) == dashboards_dir() / PAGES["self-assessment"]
    assert "--port=8870" in form
    assert voila_command(notebook="x.ipynb", extra=["--debug"])[3:4] == ["x.ipynb"]
    assert voila_command(notebook="x.ipynb", extra=["--debug"])[-1] == "--debug"


def _voila_as_launched(page: str, port: int = 8866):
    """The real Voila application, configured from the command line we build (no server started)."""
    pytest.importorskip("voila")
    from voila.configuration import VoilaConfiguration

    from readiness_widgets.voila_app import ReadinessVoila

    cmd = voila_command(page, port=port)
    app = ReadinessVoila()
    app.parse_command_line(cmd[3:])
    app.load_config_file("voila", path=app.config_file_paths)  # what Voila.initialize does next
    return app, VoilaConfiguration(parent=app)


def test_voila_reads_our_settings_from_the_command_line(tmp_path, monkeypatch):
    (tmp_path / "voila.json").write_text(json.dumps({"VoilaConfiguration": {"strip_sources": False}}))
    monkeypatch.chdir(tmp_path)  # a voila.json in the current folder is not read
    app, config = _voila_as_launched("dashboard", port=1234)
    assert app.config_file_paths == [str(voila_config_dir())]
    assert app.port == 1234
    assert app.open_browser is False
    assert app.ip == "127.0.0.1"
    assert app.port_retries == 0
    assert config.strip_sources is True
    assert config.show_tracebacks is False
    assert config.template == "readiness"
    assert config.file_denylist == [".*"]


def _preheated(page: str) -> bool:
    """Whether Voila preheats kernels for ``page`` as ``readiness dashboard`` serves it.

    We serve one notebook, and for one notebook Voila fills its kernel pool without looking at
    ``preheat_denylist`` (``voila_kernel_manager.py``): only ``preheat_kernel`` counts.
    """
    _app, config = _voila_as_launched(page)
    return bool(config.preheat_kernel)


def test_the_dashboard_is_preheated_and_the_form_is_not():
    """Preheating paints the dashboard sooner (bench_dashboard); see PAGE_OPTIONS in dashboard.py."""
    assert _preheated("dashboard")
    assert not _preheated("self-assessment")  # a preheated form would create its file unasked


def test_voila_environment(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "box").mkdir()
    monkeypatch.setenv("JUPYTER_PATH", "/elsewhere")
    env = voila_environment("box", form_file="mine.json")
    assert env[ENV_FOLDER] == str((tmp_path / "box").resolve())
    assert Path(env[ENV_FOLDER]).is_absolute()
    paths = env["JUPYTER_PATH"].split(os.pathsep)
    assert paths == [str(voila_config_dir() / "jupyter"), "/elsewhere"]
    assert (Path(paths[0]) / "voila" / "templates" / "readiness" / "index.html.j2").is_file()
    assert env[ENV_FORM_FILE] == "mine.json"
    monkeypatch.delenv("JUPYTER_PATH")
    env = voila_environment(tmp_path / "box")
    assert env["JUPYTER_PATH"] == str(voila_config_dir() / "jupyter")


def test_our_template_is_found_first_and_builds_on_lab(tmp_path, monkeypatch):
    pytest.importorskip("voila")
    from voila.paths import collect_template_paths

    monkeypatch.setenv("JUPYTER_PATH", voila_environment(tmp_path)["JUPYTER_PATH"])
    paths = collect_template_paths(["voila", "nbconvert"], "readiness")
    assert Path(paths[0]) == TEMPLATE_DIR
    assert any(Path(p).parts[-2:] == ("templates", "lab") for p in paths)  # conf.json: base_template lab


def test_form_path(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_FOLDER, str(tmp_path))
    monkeypatch.setenv(ENV_FORM_FILE, "pilot.json")
    assert form_path() == tmp_path.resolve() / "pilot.json"
    monkeypatch.delenv(ENV_FORM_FILE)
    assert form_path() == tmp_path.resolve() / "self-assessment.json"
    for bad in ("../x.json", "/etc/x.json", "x.txt"):
        monkeypatch.setenv(ENV_FORM_FILE, bad)
        with pytest.raises(FolderError, match="refused"):
            form_path()
    monkeypatch.delenv(ENV_FOLDER)
    monkeypatch.delenv(ENV_FORM_FILE)
    monkeypatch.chdir(tmp_path)
    assert form_path() == tmp_path.resolve() / "self-assessment.json"


def test_dashboards_dir_and_demo_folder():
    folder = dashboards_dir()
    assert folder == ROOT / "dashboards"
    assert all((folder / page).is_file() for page in PAGES.values())
    assert demo_folder() == folder / "assessments"


@pytest.mark.parametrize(
    ("page", "folder", "kw", "error", "match"),
    [
        ("dashboard", "MISSING", {}, FolderError, "not a folder of assessments"),
        ("dashboard", "TMP", {"port": 0}, InputError, "1-65535, got 0"),
        ("dashboard", "TMP", {"port": 70000}, InputError, "1-65535, got 70000"),
        ("self-assessment", "TMP", {"form_file": "../x.json"}, FolderError, "refused"),
        ("self-assessment", "TMP", {"form_file": "/tmp/x.json"}, FolderError, "refused"),
        ("self-assessment", "MISSING", {}, FolderError, "not a folder of assessments"),
    ],
)
def test_serve_refuses_bad_input_before_starting_anything(tmp_path, no_popen, page, folder, kw, error, match):
    pytest.importorskip("voila")
    folder = tmp_path / "missing" if folder == "MISSING" else tmp_path
    with pytest.raises(error, match=match) as info:
        serve(page, folder, **kw)
    assert isinstance(info.value, ReadinessError)
    assert "\n" not in str(info.value)


def test_serve_starts_voila_with_our_command_and_environment(tmp_path, monkeypatch, capsys):
    pytest.importorskip("voila")
    started = {}

    class FakeVoila:
        def __init__(self, cmd, env):
            started.update(cmd=cmd, env=env)

        def wait(self, timeout=None):
            return 0

    monkeypatch.setattr("subprocess.Popen", FakeVoila)
    assert serve("dashboard", tmp_path, port=8899) == 0
    assert started["cmd"] == voila_command("dashboard", port=8899)
    assert started["env"][ENV_FOLDER] == str(tmp_path.resolve())
    assert "http://127.0.0.1:8899/" in capsys.readouterr().out


def _fake_voila(monkeypatch) -> dict:
    started: dict = {}

    class FakeVoila:
        def __init__(self, cmd, env):
            started.update(cmd=cmd, env=env)

        def wait(self, timeout=None):
            return 0

    monkeypatch.setattr("subprocess.Popen", FakeVoila)
    return started


def test_serve_passes_the_kernel_cap_and_a_generated_token_outside_the_command_line(tmp_path, monkeypatch, capsys):
    pytest.importorskip("voila")
    from readiness_widgets.serve import ENV_TOKEN

    started = _fake_voila(monkeypatch)
    monkeypatch.setenv(ENV_TOKEN, "inherited-not-used")
    assert serve("dashboard", tmp_path, port=8899, max_kernels=3, token=True) == 0
    token = started["env"][ENV_TOKEN]
    assert len(token) >= 32
    assert token != "inherited-not-used"
    assert not any(token in arg for arg in started["cmd"])  # not visible in ps
    assert started["cmd"] == voila_command("dashboard", port=8899, max_kernels=3)
    assert f"http://127.0.0.1:8899/?token={token}" in capsys.readouterr().out
    assert serve("dashboard", tmp_path, port=8899, token="given") == 0
    assert started["env"][ENV_TOKEN] == "given"
    assert serve("dashboard", tmp_path, port=8899) == 0
    assert ENV_TOKEN not in started["env"]  # no token unless asked for
    assert "?token=" not in capsys.readouterr().out.splitlines()[-1]


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"max_kernels": 0}, "--max-kernels: expected at least 2 .*got 0"),
        ({"max_kernels": 1}, "one of them waits, preheated"),
        ({"max_kernels": 0, "preheat": False}, "--max-kernels: expected at least 1, got 0"),
        ({"token": "two words"}, "--token: expected a token without spaces"),
    ],
)
def test_serve_refuses_a_bad_kernel_cap_or_token(tmp_path, no_popen, kw, match):
    pytest.importorskip("voila")
    with pytest.raises(InputError, match=match):
        serve("dashboard", tmp_path, **kw)


def test_a_single_kernel_is_enough_without_preheating(tmp_path, monkeypatch):
    pytest.importorskip("voila")
    started = _fake_voila(monkeypatch)
    assert serve("self-assessment", tmp_path, max_kernels=1) == 0
    assert "--BoundedKernelManager.max_kernels=1" in started["cmd"]


def test_the_voila_app_knows_our_options_and_allows_only_this_machine():
    pytest.importorskip("voila")
    from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine

    from readiness_widgets.voila_app import BoundedKernelManager, ForeignHost, ReadinessVoila, allowed_hosts

    app, _ = _voila_as_launched("dashboard", port=1234)
    assert isinstance(app, ReadinessVoila)
    assert BoundedKernelManager(parent=app).max_kernels == 8
    assert allowed_hosts(1234) == {"127.0.0.1:1234", "localhost:1234", "[::1]:1234"}
    matcher = ForeignHost(app)
    for host, foreign in [("127.0.0.1:1234", False), ("LOCALHOST:1234", False), ("[::1]:1234", False),
                          ("evil.example:1234", True), ("127.0.0.1:1235", True), ("127.0.0.1", True), ("", True)]:
        headers = HTTPHeaders({"Host": host} if host else {})
        version = "HTTP/1.1" if host else "HTTP/1.0"  # only HTTP/1.0 may leave the Host header out
        request = HTTPServerRequest(start_line=RequestStartLine("GET", "/", version), headers=headers)
        assert (matcher.match(request) is not None) is foreign, host


def test_cli_dashboard_on_a_missing_folder_exits_2_with_one_line(no_popen, capsys):
    assert main(["dashboard", "/nonexistent-readiness-folder"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("readiness: ")
    assert "/nonexistent-readiness-folder" in err
    assert "not a folder of assessments" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--port", "70000"], "1-65535, got 70000"),
        (["--port", "eighty"], "invalid int value"),
        (["--page", "admin"], "invalid choice"),
        (["--page", "self-assessment", "--preheat"], "only the dashboard page can be preheated"),
        (["--max-kernels", "1"], "--max-kernels: expected at least 2"),
        (["--max-kernels", "many"], "invalid int value"),
    ],
)
def test_cli_dashboard_bad_options_exit_2(tmp_path, no_popen, capsys, monkeypatch, argv, expected):
    monkeypatch.setattr("readiness_widgets.serve.find_spec", lambda name: object())  # Voila "installed"
    assert main(["dashboard", str(tmp_path), *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert expected in err
    assert "Traceback" not in err


def test_cli_dashboard_help_lists_the_options(capsys):
    with pytest.raises(SystemExit) as info:
        main(["dashboard", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for option in ("FOLDER", "--port", "--page", "--file", "--no-preheat", "--max-kernels", "--token", "dashboard",
                   "self-assessment", "127.0.0.1"):
        assert option in out


# ---- the hardened Voila settings and the template -------------------------------------------


def test_voila_json_is_hardened():
    s = voila_settings()
    v, c = s["Voila"], s["VoilaConfiguration"]
    assert v["ip"] == "127.0.0.1"
    assert v["port_retries"] == 0
    assert v["open_browser"] is False
    assert c["strip_sources"] is True
    assert c["show_tracebacks"] is False
    assert c["allow_template_override"] == "NO"
    assert c["allow_theme_override"] == "NO"
    assert c["template"] == "readiness"
    assert c["file_allowlist"] == []
    assert c["file_denylist"] == [".*"]
    assert c["preheat_kernel"] is True
    assert "jupyterlab-plotly" in c["extension_denylist"]  # our figures are anywidgets (PlotlyView, FigureWidget)
    assert c["default_pool_size"] == 1
    kernels = s["MappingKernelManager"]
    # a page closed without Voila's beacon (a crash, a killed browser) frees its kernel within 60 s
    assert kernels["cull_idle_timeout"] + kernels["cull_interval"] <= 60
    assert kernels["cull_connected"] is False  # a page still open keeps its kernel
    assert v["tornado_settings"]["allow_remote_access"] is False  # Jupyter's own Host check, too
    headers = v["tornado_settings"]["headers"]
    assert "frame-ancestors 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_every_voila_setting_is_one_voila_knows():
    """A misspelt or misplaced key would be ignored silently by traitlets."""
    pytest.importorskip("voila")
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
    from voila.app import Voila
    from voila.configuration import VoilaConfiguration
    from voila.voila_kernel_manager import voila_kernel_manager_factory

    kernel_manager = voila_kernel_manager_factory(AsyncMappingKernelManager, True, 1)
    classes = {
        "Voila": Voila,
        "VoilaConfiguration": VoilaConfiguration,
        "MappingKernelManager": kernel_manager,  # the section applies to Voila's subclass
        "VoilaKernelManager": kernel_manager,
    }
    assert "MappingKernelManager" in kernel_manager.section_names()
    for section, values in voila_settings().items():
        assert section in classes, f"unknown section {section}"
        known = set(classes[section].class_trait_names(config=True))
        assert set(values) <= known, f"{section}: {sorted(set(values) - known)}"


def _removed_by_replace(template: str) -> list[str]:
    return re.findall(r"replace\(\s*'([^']*)'\s*,\s*''\s*\)", template)


def test_template_extends_voila_lab_and_loads_nothing_from_a_cdn():
    template = (TEMPLATE_DIR / "index.html.j2").read_text(encoding="utf-8")
    assert json.loads((TEMPLATE_DIR / "conf.json").read_text())["base_template"] == "lab"
    assert re.search(r"\{%-?\s*extends\s+'voila/templates/lab/index\.html\.j2'\s*-?%\}", template)
    # the only URLs in it are the CDN stylesheets it strips from Voila's page
    removed = _removed_by_replace(template)
    assert removed
    assert all("https://" in r for r in removed)
    rest = template
    for r in removed:
        rest = rest.replace(r, "")
    assert "http://" not in rest
    assert "https://" not in rest
    assert re.search(r"block html_head_js_mermaidjs\s*-?%\}\s*\{%-?\s*endblock", template)  # Mermaid CDN import gone


def test_the_busy_page_template_loads_nothing_and_runs_nothing():
    page = (TEMPLATE_DIR / "503.html").read_text(encoding="utf-8")
    assert "The dashboard is busy" in page
    assert "--max-kernels" in page
    for word in ("http://", "https://", "<script", "<link", "src="):
        assert word not in page


def test_template_strips_what_voila_lab_really_loads():
    """After a Voila upgrade, a changed <link> would no longer be removed: catch it here."""
    pytest.importorskip("voila")
    from jupyter_core.paths import jupyter_path

    lab = next((Path(p) / "voila" / "templates" / "lab" / "index.html.j2" for p in jupyter_path()
                if (Path(p) / "voila" / "templates" / "lab" / "index.html.j2").is_file()), None)
    if lab is None:
        pytest.skip("Voila's lab template is not installed")
    ours = _removed_by_replace((TEMPLATE_DIR / "index.html.j2").read_text(encoding="utf-8"))
    theirs = lab.read_text(encoding="utf-8")
    cdn_links = re.findall(r"<link [^>]*href=\"https?://[^>]*>", theirs)
    assert sorted(cdn_links) == sorted(ours)


def test_pyproject_dashboard_extra_requires_voila():
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "voila>=0.5.6" in project["optional-dependencies"]["dashboard"]


# ---- the demo folder --------------------------------------------------------------------------

REGENERATE = (
    "python -c \"from readiness_widgets.demo import write_demo_folder; "
    "write_demo_folder('dashboards/assessments', force=True)\""
)


def test_committed_demo_folder_is_what_write_demo_folder_makes(tmp_path):
    written = write_demo_folder(tmp_path)
    assert sorted(p.name for p in written) == sorted(DEMO_FILES)
    assert sorted(p.name for p in COMMITTED_DEMO.glob("*.json")) == sorted(DEMO_FILES), (
        f"the committed demo is stale: run {REGENERATE}"
    )
    for path in written:
        committed = COMMITTED_DEMO / path.name
        assert path.read_bytes() == committed.read_bytes(), (
            f"{committed} is stale (the demo or the bank changed): run {REGENERATE}"
        )


def test_committed_demos_load_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        entries = AssessmentFolder(COMMITTED_DEMO).entries()
        for path in sorted(COMMITTED_DEMO.glob("*.json")):
            assert Assessment.load(path).warnings == []
    assert [e.name for e in entries if not e.ok] == []
    assert all(isinstance(e, Entry) and e.warnings == () for e in entries)
    assert len(entries) == len(DEMO_FILES)


def test_write_demo_folder_does_not_overwrite_without_force(tmp_path):
    (tmp_path / LATE).write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError, match="force=True"):
        write_demo_folder(tmp_path)
    assert (tmp_path / LATE).read_text(encoding="utf-8") == "mine"
    assert not (tmp_path / EARLY).exists()  # nothing written at all
    written = write_demo_folder(tmp_path, force=True)
    assert len(written) == 3
    assert json.loads((tmp_path / LATE).read_text(encoding="utf-8"))["pilot"] == "Customer churn predictor"


def test_write_demo_folder_with_another_bank_gives_a_folder_the_dashboard_reads(tmp_path):
    bank = load_bank(MINI)
    write_demo_folder(tmp_path, bank)
    shutil.copy(MINI, tmp_path / "mini.yaml")
    entries = AssessmentFolder(tmp_path).entries()
    assert all(e.ok for e in entries), [e.error for e in entries]
    assert {e.assessment.bank.id for e in entries} == {"mini"}


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
    d._painted()
    timeline = as_figure(d.timeline.figure)
    escaped = "&lt;b&gt;x&lt;/b&gt; &amp; &lt;img src=z onerror=alert(1)&gt;"
    assert any(label.startswith(escaped[:40]) for label in timeline.layout.yaxis.ticktext)
    assert not any("<" in label for label in timeline.layout.yaxis.ticktext)
    assert any(escaped in str(row[2]) for trace in timeline.data for row in trace.customdata)  # the hover


def test_preheat_is_an_option_of_the_dashboard_page_only(tmp_path, no_popen, monkeypatch, capsys):
    from readiness_widgets.serve import NO_PREHEAT, serve

    with pytest.raises(ReadinessError, match="only the dashboard page can be preheated"):
        serve("self-assessment", tmp_path, preheat=True)
    seen = []

    class Proc:
        def __init__(self, cmd, env):
            seen.append(cmd)

        def wait(self):
            return 0

    monkeypatch.setattr("subprocess.Popen", Proc)
    assert serve("dashboard", tmp_path, preheat=True) == 0
    assert not any("preheat" in a for a in seen[0])  # voila.json preheats the dashboard already
    assert serve("dashboard", tmp_path, preheat=False) == 0
    assert seen[1][-len(NO_PREHEAT):] == NO_PREHEAT
    assert serve("self-assessment", tmp_path) == 0
    assert seen[2][-len(NO_PREHEAT):] == NO_PREHEAT


def test_serve_passes_sigterm_on_to_voila(tmp_path, monkeypatch):
    import signal

    from readiness_widgets.serve import serve

    sent = []

    class Proc:
        def __init__(self, cmd, env):
            pass

        def send_signal(self, signum):
            sent.append(signum)

        def wait(self, timeout=None):
            os.kill(os.getpid(), signal.SIGTERM)  # as a service manager would stop us
            return 0

    def not_forwarded(signum, _frame):
        sent.append(("not forwarded", signum))

    before = signal.signal(signal.SIGTERM, not_forwarded)  # a regression fails here, not the test run
    try:
        monkeypatch.setattr("subprocess.Popen", Proc)
        assert serve("dashboard", tmp_path) == 0
        assert sent == [signal.SIGTERM]
        assert signal.getsignal(signal.SIGTERM) is not_forwarded  # serve's handler is gone again
    finally:
        signal.signal(signal.SIGTERM, before)


@pytest.mark.slow
def test_sigterm_to_readiness_dashboard_stops_voila_too(tmp_path):
    """No Voila (nor its kernels) is left running when `readiness dashboard` is terminated."""
    import signal
    import socket
    import subprocess
    import time

    pytest.importorskip("voila")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    def listening() -> bool:
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", port)) == 0

    cmd = [sys.executable, "-m", "readiness_widgets.cli", "dashboard", str(tmp_path), "--port", str(port), "--no-preheat"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not listening():
            assert proc.poll() is None, "readiness dashboard exited early"
            assert time.monotonic() < deadline, "Voila did not start listening"
            time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 15
        while listening():
            assert time.monotonic() < deadline, "Voila is still listening after readiness dashboard stopped"
            time.sleep(0.2)
    finally:
        if proc.poll() is None:
            proc.kill()


def test_folder_reads_an_unchanged_file_once(demo_dir, monkeypatch):
    calls = []
    real = Assessment.load.__func__

    def counting(cls, path, **kw):
        calls.append(Path(path).name)
        return real(cls, path, **kw)

    monkeypatch.setattr(Assessment, "load", classmethod(counting))
    folder = AssessmentFolder(demo_dir)
    first = folder.entries()
    assert sorted(calls) == sorted(DEMO_FILES)
    calls.clear()
    assert folder.entries() == first  # the same entries, nothing parsed again
    assert calls == []
    a = Assessment.load(demo_dir / ASSISTANT)
    a.pilot = "Renamed assistant"
    a.save(demo_dir / ASSISTANT, force=True)
    calls.clear()
    again = {e.name: e for e in folder.entries()}
    assert calls == [ASSISTANT]  # only the changed file
    assert again[ASSISTANT].pilot == "Renamed assistant"
    (demo_dir / EARLY).unlink()
    assert EARLY not in {e.name for e in folder.entries()}
    assert EARLY not in folder._read


def test_folder_latest(demo_dir, tmp_path):
    folder = AssessmentFolder(demo_dir)
    assert folder.latest().name == LATE
    assert folder.latest([e for e in folder.entries() if e.name != LATE]).name == ASSISTANT
    empty = tmp_path / "empty"
    empty.mkdir()
    assert AssessmentFolder(empty).latest() is None


def test_gap_table_labels_answers_as_the_report_does(demo_dir):
    from readiness_widgets.report import answer_label, render_markdown

    d = dashboard(demo_dir)
    rows = d.model["question_gaps"][:15]
    assert {r["status"] for r in rows} >= {"answered", "unanswered"}
    md = render_markdown(d.assessment, previous=d.previous.assessment if d.previous else None)
    for row in rows:
        assert row["answer"] == answer_label(row["status"], row["level"])
        assert f"<td>{html.escape(row['answer'], quote=False)}</td>" in d.gap_table.value
        assert f"`{row['id']}`" in md
        assert row["answer"].replace("don't know", "**don't know**") in md


def test_a_folder_that_cannot_be_listed_is_a_message(tmp_path, monkeypatch):
    folder = tmp_path / "box"
    folder.mkdir()

    def refuse(*_args, **_kw):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("readiness_widgets.portfolio.os.scandir", refuse)
    shown = first_paint(folder)
    assert isinstance(shown, w.HTML)
    assert "cannot list the folder: Permission denied" in shown.value


def test_refresh_after_the_folder_went_away_keeps_the_page(demo_dir):
    d = dashboard(demo_dir)
    shown = d.entry.name
    shutil.rmtree(demo_dir)
    d.refresh("")
    assert "cannot list the folder" in d.notice.value
    assert d.entry.name == shown  # the page still shows what it showed
