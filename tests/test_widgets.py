"""The notebook form, tested on widget state with no browser and no kernel.

Every change goes through the widgets' own controls (``.value`` of the radio groups, the
Textarea, the Dropdowns, ``.click()`` of the buttons, or a message from the
``frontend`` fixture, the browser's side of the comms), then the test looks at the engine's
Assessment, the result, the radar's chart spec, the roadmap, the messages sent and the file.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("anywidget")

import ipywidgets as w
from markupsafe import escape

from readiness_widgets import Assessment, load_bank
from readiness_widgets.assessment import SCHEMA_VERSION, AssessmentError
from readiness_widgets.bank import bundled_bank_path
from readiness_widgets.errors import ReadinessError
from readiness_widgets.widgets import ReadinessApp, assess, open_apps
from readiness_widgets.widgets._debounce import Debouncer
from readiness_widgets.widgets.choice import Choice
from readiness_widgets.widgets.question import DONT_KNOW_LABEL, NA_LABEL

MINI = Path(__file__).parent / "banks" / "mini.yaml"


@pytest.fixture(scope="module")
def form_bank():
    """The bundled default bank (the mini bank only while the default one is not written yet)."""
    if bundled_bank_path().exists():
        return load_bank()
    return load_bank(MINI)  # pragma: no cover


@pytest.fixture
def apps(frontend):
    """Open apps with ``apps(path, **kw)``; every app is closed after the test."""
    opened: list[ReadinessApp] = []

    def _open(path, **kw):
        app = assess(path, **kw)
        opened.append(app)
        return app

    yield _open
    for app in opened:
        app.close()


def current_r(app) -> list[float]:
    (trace,) = [t for t in app.results.radar.figure["data"] if t["name"] == "Current"]
    return list(trace["r"])


# ---- building -------------------------------------------------------------------------------


def test_app_is_a_widget_holding_the_assessment(tmp_path, apps, form_bank):
    app = apps(tmp_path / "pilot.json", bank=form_bank)
    assert isinstance(app, w.VBox)
    assert isinstance(app.assessment, Assessment)
    assert app.assessment.path == tmp_path / "pilot.json"
    assert (tmp_path / "pilot.json").exists()  # created and saved at once
    assert app.header.status_text.startswith("saved ")
    assert app.assessment.pilot == "Pilot"
    n = len(form_bank.dimension_ids)
    assert len(app.tabs.children) == n + 3
    assert app.tabs.titles[0] == "Triage"
    assert app.tabs.titles[-2:] == ("Review", "Evidence scan")
    for d in form_bank.dimensions:
        applicable = sum(1 for q in form_bank.applicable_questions(app.assessment.triage) if q.dimension == d.id)
        assert f"{d.title} (0/{applicable})" in app.tabs.titles
    _answered, applicable = app.assessment.progress()
    assert app.header.progress_text.value.count(str(applicable)) >= 1
    assert "answered <b>0</b> of" in app.header.progress_text.value
    assert app.header.progress.max == applicable


def test_tabs_are_built_when_opened_and_every_control_is_reachable(tmp_path, apps, form_bank):
    app = apps(tmp_path / "a.json", bank=form_bank)
    assert app.rows == {}  # only the triage tab is built up front
    first = form_bank.dimension_ids[0]
    app.tabs.selected_index = app.tab_index(first)
    assert set(app.rows) == {q.id for q in form_bank.questions_in(first)}
    app.build_all()
    assert set(app.rows) == {q.id for q in form_bank.questions}
    for q in form_bank.questions:
        row = app.question(q.id)
        labels = [label for label, _ in row.level.options]
        for level, text in q.levels.items():
            assert f"{level} · {text}" in labels  # every level described in full, as an option
        assert (NA_LABEL in labels) == q.allow_na
        assert DONT_KNOW_LABEL in labels
        assert [v for _, v in row.evidence.options] == list(q.evidence_kinds)  # only the kinds that fit
        assert str(escape(q.text)) in row.title.value  # the text, HTML-escaped
        for control in row.controls:  # accessibility: every control is labelled
            assert getattr(control, "label", "") or control.description


def test_every_control_has_a_label_and_no_two_share_a_name(tmp_path, apps, form_bank):
    app = apps(tmp_path / "a.json", bank=form_bank)
    app.build_all()
    app.review  # noqa: B018 - built when first opened
    app.scan  # noqa: B018
    inputs = (w.Textarea, w.Text, w.Dropdown, w.Button, w.IntProgress)
    names = []
    for widget in _walk(app):
        if isinstance(widget, Choice):
            assert widget.label.strip(), "unlabelled radio group"
            names.append(widget.label)
        elif isinstance(widget, inputs):
            assert widget.description.strip(), f"unlabelled {type(widget).__name__}"
            names.append(widget.description)
    assert not [n for n in set(names) if names.count(n) > 1]  # "Notes on: <question>", never 53 x "Notes"
    assert not any(isinstance(widget, (w.RadioButtons, w.ToggleButtons)) for widget in _walk(app))


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


# ---- answering ------------------------------------------------------------------------------


def test_answers_through_the_controls_update_assessment_scores_radar_and_roadmap(tmp_path, apps, form_bank):
    app = apps(tmp_path / "a.json", bank=form_bank, target=form_bank.targets[-1].id)
    radar = app.results.radar
    before_r = current_r(app)
    before_scores = app.scores.dimensions.copy()
    before_verdict = app.results.verdict.value
    before_roadmap = app.roadmap.frame.copy()
    before_table = app.results.table.value
    dim = form_bank.dimension_ids[0]
    questions = [q for q in form_bank.questions_in(dim) if form_bank.applies(q.id, app.assessment.triage)]
    for q in questions:
        row = app.question(q.id)
        row.level.value = 2
        row.evidence.value = "manual"
    notes_row = app.question(questions[0].id)
    notes_row.notes.value = "Checked in the March review"

    # the engine holds the answers
    for q in questions:
        assert app.assessment.value(q.id) == 2
        assert app.assessment.answers[q.id].evidence == "manual"
    assert app.assessment.answers[questions[0].id].notes == "Checked in the March review"
    # the scores moved, by the engine's own arithmetic
    expected = app.assessment.evaluate().scores.dimensions
    assert app.scores.dimensions.at[dim, "score"] == pytest.approx(expected.at[dim, "score"])
    assert before_scores.at[dim, "answered"] == 0
    assert app.scores.dimensions.at[dim, "answered"] == len(questions)
    # the radar: the same view, new trace data, equal to the engine's radar data
    assert app.results.radar is radar
    after_r = current_r(app)
    assert after_r != before_r
    i = form_bank.dimension_ids.index(dim)
    assert after_r[i] == pytest.approx(round(expected.at[dim, "score"], 3))
    # the verdict is immediate; the table and the roadmap come after the debounce (flushed here)
    assert app.results.verdict.value != before_verdict
    app.flush()
    assert app.results.table.value != before_table
    assert not app.roadmap.frame.equals(before_roadmap)
    assert app.roadmap.to_dict() == app.assessment.roadmap().to_dict()
    # progress and the dimension tab title
    n = len(questions)
    assert f"answered <b>{n}</b> of" in app.header.progress_text.value
    assert app.header.progress.value == n
    title = form_bank.dimension(dim).title
    assert any(t.startswith(f"{title} ({n}/") for t in app.tabs.titles)


def test_na_dont_know_and_clear(tmp_path, apps, form_bank, frontend):
    app = apps(tmp_path / "a.json", bank=form_bank)
    q = next(q for q in form_bank.questions if q.allow_na and form_bank.applies(q.id, app.assessment.triage))
    row = app.question(q.id)
    row.level.value = "na"
    assert app.assessment.value(q.id) == "na"
    row.level.value = "dont_know"
    assert app.assessment.value(q.id) == "dont_know"
    assert app.scores.dimensions.at[q.dimension, "dont_know"] == 1
    frontend.update(row.level, value=None)  # the group's Clear button in the browser
    assert row.level.value is None
    assert app.assessment.value(q.id) is None


def test_notes_too_long_are_refused_and_shown(tmp_path, apps, form_bank):
    app = apps(tmp_path / "a.json", bank=form_bank)
    row = app.question(form_bank.questions[0].id)
    row.notes.value = "x" * 20_001
    assert "Not saved" in row.message.value
    assert row.notes.value == ""  # the control shows what the engine holds
    assert form_bank.questions[0].id not in app.assessment.answers


def test_untrusted_text_is_escaped(tmp_path, apps, form_bank):
    app = apps(tmp_path / "a.json", bank=form_bank)
    row = app.question(form_bank.questions[0].id)
    row.level.value = 1
    row.notes.value = "<img src=x onerror=alert(1)>"
    app.header.pilot.value = "<script>alert(1)</script>"
    app.flush()
    assert app.assessment.pilot == "<script>alert(1)</script>"
    assert "<img" not in app.review.table.value
    assert "&lt;img src=x onerror=alert(1)&gt;" in app.review.table.value
    for html_widget in (app.results.verdict, app.results.table, app.results.roadmap, app.header.warnings):
        assert "<script" not in html_widget.value


def test_header_metadata_and_target(tmp_path, apps, form_bank):
    app = apps(tmp_path / "a.json", bank=form_bank)
    app.header.respondents.value = "Ana, Ben , "
    assert app.assessment.respondents == ["Ana", "Ben"]
    target = form_bank.targets[0]
    app.header.target.value = target.id
    assert app.assessment.target == target.id
    assert app.scores.target.profile == target.id
    assert target.title in app.results.radar.figure["layout"]["title"]["text"]
    app.header.pilot.value = "   "
    assert "pilot not changed" in app.header.status_text
    assert app.header.pilot.value == app.assessment.pilot == "A"


# ---- one change, one scoring, one radar updated in place -----------------------------------


def test_an_answer_from_the_browser_redraws_the_radar_in_place(tmp_path, apps, form_bank, frontend):
    app = apps(tmp_path / "a.json", bank=form_bank)
    q = next(q for q in form_bank.applicable_questions(app.assessment.triage))
    row = app.question(q.id)
    radar = app.results.radar
    mark, sent = len(frontend.log), len(frontend.updates(radar))
    before = current_r(app)
    frontend.update(row.level, value=4)  # the user picks level 4 in the browser (a click, or an arrow key)
    assert app.assessment.value(q.id) == 4
    assert app.results.radar is radar
    assert frontend.opened_since(mark) == []  # nothing rebuilt: no new widget, no new view
    updates = frontend.updates(radar)[sent:]
    assert [set(u) for u in updates] == [{"figure"}]  # one message: the chart spec, nothing else
    (current,) = [t for t in updates[0]["figure"]["data"] if t["name"] == "Current"]
    assert current["r"] == current_r(app) != before


def test_one_click_scores_once(tmp_path, apps, form_bank, monkeypatch):
    import readiness_widgets.result as result_module

    app = apps(tmp_path / "a.json", bank=form_bank)
    row = app.question(form_bank.questions[0].id)
    calls = []
    real = result_module.score
    monkeypatch.setattr(result_module, "score", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    row.level.value = 3
    app.flush()  # the debounced table, roadmap and review render the same result
    assert len(calls) == 1


def test_changes_made_outside_the_form_show_in_it(tmp_path, apps, form_bank):
    """Code in another cell changes the Assessment: the form follows the change signal."""
    app = apps(tmp_path / "a.json", bank=form_bank)
    q = form_bank.questions[0]
    row = app.question(q.id)
    before = current_r(app)
    app.assessment.answer(q.id, 4, evidence="automated", notes="set from code")
    assert (row.level.value, row.evidence.value, row.notes.value) == (4, "automated", "set from code")
    assert current_r(app) != before
    app.assessment.respondents = ["Zoe"]
    assert app.header.respondents.value == "Zoe"
    assert app.header.status_text.startswith("unsaved changes")


# ---- triage ---------------------------------------------------------------------------------


def _triage_change(bank):
    """A (triage id, value) that changes which questions apply, from the defaults."""
    defaults = bank.triage_with_defaults({})
    base = {q.id for q in bank.applicable_questions(defaults)}
    for t in bank.triage:
        for option in t.options:
            changed = {q.id for q in bank.applicable_questions({**defaults, t.id: option.value})}
            if changed != base:
                return t.id, option.value, base, changed
    raise AssertionError("no triage answer changes the applicable questions")


def test_triage_answer_changes_the_visible_questions(tmp_path, apps, form_bank):
    app = apps(tmp_path / "a.json", bank=form_bank)
    tid, value, base, changed = _triage_change(form_bank)
    assert set(app.visible_questions) == base
    titles_before = app.tabs.titles
    app.triage.controls[tid].value = value
    assert app.assessment.triage[tid] == value
    assert set(app.visible_questions) == changed
    assert app.tabs.titles != titles_before
    assert app.assessment.progress()[1] == len(changed)
    assert f"of <b>{len(changed)}</b>" in app.header.progress_text.value
    app.flush()
    data = json.loads((tmp_path / "a.json").read_text())
    assert data["triage"][tid] == value


# ---- autosave and resume --------------------------------------------------------------------


def test_autosave_content_and_exact_resume(tmp_path, apps, form_bank):
    path = tmp_path / "pilot.json"
    app = apps(path, bank=form_bank)
    tid, value, _, changed = _triage_change(form_bank)
    app.triage.controls[tid].value = value
    picks = [q for q in form_bank.questions if q.id in changed][:3]
    for level, q in zip((0, 3, "dont_know"), picks, strict=False):
        row = app.question(q.id)
        row.level.value = level
        row.evidence.value = q.evidence_kinds[-1]  # the strongest kind that fits the question
        row.notes.value = f"note on {q.id}"
    app.header.respondents.value = "Ana"
    app.flush()
    data = json.loads(path.read_text())
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["respondents"] == ["Ana"]
    assert data["triage"][tid] == value
    assert {qid: a["value"] for qid, a in data["answers"].items()} == dict(
        zip([q.id for q in picks], (0, 3, "dont_know"), strict=False)
    )
    assert all(a["evidence"] == form_bank.question(qid).evidence_kinds[-1] for qid, a in data["answers"].items())
    saved = app.assessment.to_dict()
    app.close()
    assert path.resolve() not in open_apps()

    # a new kernel would run the same cell again: the form comes back exactly
    again = apps(path, bank=form_bank)
    assert again is not app
    assert again.assessment.to_dict() == saved
    assert again.triage.controls[tid].value == value
    for level, q in zip((0, 3, "dont_know"), picks, strict=False):
        row = again.question(q.id)
        assert row.level.value == level
        assert row.evidence.value == q.evidence_kinds[-1]
        assert row.notes.value == f"note on {q.id}"
    assert again.header.respondents.value == "Ana"
    assert current_r(again) == current_r(app)
    assert again.header.status_text.startswith("resumed ")


def test_autosave_happens_by_itself(tmp_path, apps, form_bank):
    path = tmp_path / "a.json"
    app = apps(path, bank=form_bank)
    qid = form_bank.questions[0].id
    app.question(qid).level.value = 4
    assert app.header.status_text.startswith("unsaved changes")
    deadline = time.monotonic() + 10  # generous: this checks that it happens, not how fast
    while time.monotonic() < deadline:  # the file is renamed into place just before the status is set
        saved = json.loads(path.read_text())["answers"].get(qid, {}).get("value") == 4
        if saved and app.header.status_text.startswith("saved "):
            break
        time.sleep(0.05)
    assert json.loads(path.read_text())["answers"][qid]["value"] == 4
    assert app.header.status_text.startswith("saved ")


def test_failed_save_is_shown_not_swallowed(tmp_path, apps, form_bank):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    app = apps(blocker / "a.json", bank=form_bank)  # its folder is a file: every save fails
    assert app.header.status_text.startswith("save failed: cannot write")
    assert app.header.status.urgent  # announced at once (role=alert), not politely
    assert app.last_save_error
    app.question(form_bank.questions[0].id).level.value = 1
    app.flush()
    assert app.header.status_text.startswith("save failed:")
    assert app.assessment.value(form_bank.questions[0].id) == 1  # kept in memory


def test_failed_save_from_the_engine(tmp_path, apps, form_bank, monkeypatch):
    app = apps(tmp_path / "a.json", bank=form_bank)

    def disk_full(self, path=None, *, force=False):
        raise OSError("disk full")

    monkeypatch.setattr(Assessment, "save", disk_full)
    app.question(form_bank.questions[0].id).level.value = 2
    app.flush()
    assert app.header.status_text == "save failed: disk full"
    monkeypatch.undo()
    app.header.save_now.click()
    assert app.header.status_text.startswith("saved ")
    assert json.loads((tmp_path / "a.json").read_text())["answers"][form_bank.questions[0].id]["value"] == 2


def test_two_assess_calls_on_one_file_share_one_app(tmp_path, apps, form_bank):
    path = tmp_path / "a.json"
    first = apps(path, bank=form_bank)
    second = apps(tmp_path / "." / "a.json", bank=form_bank)
    assert second is first  # one live Assessment, one writer; two displays are two views of it
    assert open_apps()[path.resolve()] is first
    other = load_bank(MINI) if form_bank.id != "mini" else None
    if other is not None:
        with pytest.raises(ReadinessError, match="already open in this kernel"):
            assess(path, bank=other)


def test_someone_else_writing_the_file_is_a_visible_conflict(tmp_path, apps, form_bank):
    path = tmp_path / "a.json"
    app = apps(path, bank=form_bank)
    q0, q1 = form_bank.questions[0].id, form_bank.questions[1].id
    outsider = Assessment.load(path, bank=form_bank)  # e.g. the CLI or another kernel
    outsider.answer(q1, 4)
    time.sleep(0.01)
    outsider.save()
    app.question(q0).level.value = 1
    app.flush()
    assert app.header.status_text.startswith("save failed: ")
    assert "changed on disk" in app.header.status_text
    assert app.header.reload.layout.display is None  # the way out is offered
    assert json.loads(path.read_text())["answers"][q1]["value"] == 4  # not overwritten
    app.header.reload.click()
    assert app.assessment.value(q1) == 4
    assert app.question(q1).level.value == 4
    assert app.assessment.value(q0) is None
    assert app.header.reload.layout.display == "none"
    app.question(q0).level.value = 3
    app.flush()
    data = json.loads(path.read_text())["answers"]
    assert (data[q0]["value"], data[q1]["value"]) == (3, 4)


def test_overwrite_after_conflict(tmp_path, apps, form_bank):
    path = tmp_path / "a.json"
    app = apps(path, bank=form_bank)
    q0 = form_bank.questions[0].id
    outsider = Assessment.load(path, bank=form_bank)
    outsider.pilot = "Outsider"
    time.sleep(0.01)
    outsider.save()
    app.question(q0).level.value = 2
    app.flush()
    assert "changed on disk" in app.header.status_text
    app.header.overwrite.click()
    assert app.header.status_text.startswith("saved ")
    data = json.loads(path.read_text())
    assert data["answers"][q0]["value"] == 2
    assert data["pilot"] == "A"


# ---- review ---------------------------------------------------------------------------------


def test_review_lists_every_answer_and_jumps_back(tmp_path, apps, form_bank):
    app = apps(tmp_path / "a.json", bank=form_bank)
    last_dim = form_bank.dimension_ids[-1]
    q = next(q for q in form_bank.questions_in(last_dim) if form_bank.applies(q.id, app.assessment.triage))
    app.question(q.id).level.value = 1
    app.flush()
    applicable = form_bank.applicable_questions(app.assessment.triage)
    assert [v for _, v in app.review.picker.options] == [x.id for x in applicable]
    assert app.review.table.value.count("<tr") == len(applicable) + 1
    assert f"level 1: {q.levels[1]}"[:20] in app.review.table.value  # labelled as in the report
    app.tabs.selected_index = app.review_index
    app.review.picker.value = q.id
    app.review.go.click()
    assert app.tabs.selected_index == app.tab_index(last_dim)
    row = app.rows[q.id]
    assert "rw-current" in row.box._dom_classes
    row.level.value = 3  # changed from where the review sent us
    app.flush()
    assert app.assessment.value(q.id) == 3
    assert f"level 3: {q.levels[3]}"[:20] in app.review.table.value


def test_next_unanswered(tmp_path, apps, form_bank):
    app = apps(tmp_path / "a.json", bank=form_bank)
    first, second = [q.id for q in form_bank.applicable_questions(app.assessment.triage)][:2]
    app.question(first).level.value = 2
    app.header.next_unanswered.click()
    assert "rw-current" in app.rows[second].box._dom_classes


# ---- evidence-scan hook ---------------------------------------------------------------------


def test_each_question_has_a_suggestion_slot_from_the_scan_panel(tmp_path, apps, form_bank):
    app = apps(tmp_path / "a.json", bank=form_bank)
    qid = form_bank.questions[0].id
    row = app.question(qid)
    assert row.slot is app.scan.slot(qid)
    assert row.slot in row.box.children
    assert app.scan.widget in app.scan_box.children
    assert app.scan_box in app.tabs.children
    assert app.scan.accept_all_button.disabled  # nothing to accept before a scan


SCAN_BANK = """
id: form-scan
version: "1"
title: Form scan bank
dimensions:
  - {id: infrastructure, title: Infrastructure, description: d}
targets:
  - {id: production, title: Production, levels: {infrastructure: 3}}
questions:
  - id: infrastructure.ci
    dimension: infrastructure
    text: Is there CI?
    levels: {0: a, 1: b, 2: c, 3: d, 4: e}
    suggest: [{signal: ci.present, level: 2, automated: true}, {signal: ci.runs_tests, level: 3, automated: true}]
  - id: infrastructure.tests
    dimension: infrastructure
    text: Are there tests?
    levels: {0: a, 1: b, 2: c, 3: d, 4: e}
    suggest: [{signal: tests.present, level: 2}]
"""


def test_accepted_suggestions_show_up_in_the_form(tmp_path, apps):
    repo = tmp_path / "repo"
    for rel, text in {
        ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    steps:\n      - run: pytest\n",
        "tests/test_model.py": "def test_x():\n    assert True\n",
    }.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    bank_file = tmp_path / "scan_bank.yaml"
    bank_file.write_text(SCAN_BANK)
    app = apps(tmp_path / "a.json", bank=bank_file)
    tests_row = app.question("infrastructure.tests")
    tests_row.level.value = 1  # answered: a suggestion never overwrites it
    app.scan.path.value = str(repo)
    app.scan.button.click()
    assert app.scan.pending() == ["infrastructure.ci"]
    ci_row = app.question("infrastructure.ci")
    assert len(ci_row.slot.children) == 1  # the suggestion line, with its Accept button
    before = current_r(app)
    app.scan.accept_all_button.click()
    assert ci_row.level.value == app.assessment.value("infrastructure.ci") == 3
    assert ci_row.evidence.value == "automated"
    assert tests_row.level.value == 1
    assert current_r(app) != before
    app.flush()
    saved = json.loads((tmp_path / "a.json").read_text())["answers"]
    assert saved["infrastructure.ci"]["value"] == 3


# ---- the magic ------------------------------------------------------------------------------


def test_magic_registers_and_opens_the_form(tmp_path, form_bank, monkeypatch):
    from IPython.core.error import UsageError
    from IPython.core.interactiveshell import InteractiveShell

    monkeypatch.chdir(tmp_path)
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "readiness_widgets")
    assert "readiness" in shell.magics_manager.magics["line"]
    bank_arg = f" --bank {MINI}" if form_bank.id == "mini" else ""
    app = shell.run_line_magic("readiness", f"pilot.json --pilot 'Churn model'{bank_arg}")
    try:
        assert isinstance(app, ReadinessApp)
        assert app.assessment.pilot == "Churn model"
        assert (tmp_path / "pilot.json").exists()
        assert shell.run_line_magic("readiness", f"pilot.json{bank_arg}") is app
        with pytest.raises(UsageError, match="unrecognized arguments"):
            shell.run_line_magic("readiness", "pilot.json --colour red")
        with pytest.raises(UsageError, match="target"):
            shell.run_line_magic("readiness", f"other.json --target nope{bank_arg}")
    finally:
        app.close()
    default = shell.run_line_magic("readiness", bank_arg.strip())
    try:
        assert default.assessment.path == Path("readiness.json")
        assert (tmp_path / "readiness.json").exists()
    finally:
        default.close()


def test_unknown_target_is_a_clear_error(tmp_path, form_bank):
    with pytest.raises(AssessmentError, match="target"):
        assess(tmp_path / "a.json", bank=form_bank, target="no-such-profile")
    assert tmp_path.joinpath("a.json").exists() is False


# ---- debouncer ------------------------------------------------------------------------------


def test_debouncer_runs_once_and_flushes():
    calls = []
    d = Debouncer(60, lambda: calls.append(1))
    d.schedule()
    d.schedule()
    assert calls == []
    assert d.pending
    d.flush()
    assert calls == [1]
    assert not d.pending
    d.flush()
    assert calls == [1]
    d.schedule()
    d.cancel()
    d.flush()
    assert calls == [1]


def test_reload_of_a_broken_file_is_shown(tmp_path, apps, form_bank):
    path = tmp_path / "a.json"
    app = apps(path, bank=form_bank)
    path.write_text("{not json", encoding="utf-8")
    app.header.reload.click()
    assert app.header.status_text.startswith("reload failed: not valid JSON")
    q0 = form_bank.questions[0].id
    app.question(q0).level.value = 1
    app.flush()
    assert "changed on disk" in app.header.status_text  # still refuses to overwrite silently
    assert path.read_text(encoding="utf-8") == "{not json"


def test_timer_thread_saves_never_race_the_controls(tmp_path, form_bank):
    """Outside a kernel the debounced work runs on a timer thread; answers keep coming meanwhile."""
    path = tmp_path / "race.json"
    a = Assessment.new("Race", bank=form_bank, path=path)
    app = ReadinessApp(a, autosave_delay=0.001, refresh_delay=0.001)
    try:
        ids = [q.id for q in form_bank.questions]
        for i in range(150):
            app.question(ids[i % len(ids)]).level.value = i % 5
        app.flush()
        assert app.last_save_error is None
        assert json.loads(path.read_text())["answers"] == a.to_dict()["answers"]
        assert app.roadmap.to_dict() == a.roadmap().to_dict()
    finally:
        app.close()


# ---- no data is not zero; radio groups; the first screen -------------------------------------


def test_unanswered_dimensions_are_no_data_on_the_radar_and_in_the_verdict(tmp_path, apps, form_bank):
    app = apps(tmp_path / "a.json", bank=form_bank)
    spec = app.results.radar.figure
    (current,) = [t for t in spec["data"] if t["name"] == "Current"]
    assert set(current["r"]) == {None}  # a gap, never 0
    (missing,) = [t for t in spec["data"] if t["name"] == "No data"]
    assert missing["visible"]
    assert len(missing["theta"]) == len(form_bank.dimension_ids)
    assert all(label.endswith("(no data)") for label in current["theta"])
    assert "no data yet" in app.results.verdict.value
    assert "mean 0.00" not in app.results.verdict.value
    assert "no data" in spec["layout"]["meta"]["description"]  # the radar's text alternative

    dim = form_bank.dimension_ids[0]
    q = next(q for q in form_bank.questions_in(dim) if form_bank.applies(q.id, app.assessment.triage))
    app.question(q.id).level.value = 0  # level 0 is a score of 0: data
    (current,) = [t for t in app.results.radar.figure["data"] if t["name"] == "Current"]
    assert current["r"][0] == 0
    assert current["r"][1] is None
    assert not current["theta"][0].endswith("(no data)")
    verdict = app.results.verdict.value
    assert "no data yet" not in verdict
    assert "<b>No data</b>" in verdict
    assert form_bank.dimension(dim).title not in verdict.split("<b>No data</b>")[1].split("</div>")[0]


def test_levels_are_one_radio_group_per_question_that_refuses_unknown_values(tmp_path, apps, form_bank, frontend):
    app = apps(tmp_path / "a.json", bank=form_bank)
    row = app.question(form_bank.questions[0].id)
    assert row.level.label == row.question.text  # the group is named by its question
    assert row.evidence.label == f"Evidence for: {row.question.text}"
    assert "Notes" in row.notes.description
    assert row.question.text in row.notes.description  # "Notes on: <question>" to a screen reader
    with pytest.raises(Exception, match="not one of the options"):
        row.level.value = 7
    assert app.assessment.value(row.id) is None
    assert {"data-lm-suppress-shortcuts", "radiogroup"} <= {
        word for word in row.level._esm.replace('"', " ").split() if word in ("data-lm-suppress-shortcuts", "radiogroup")
    }


def test_the_first_screen_builds_no_question_review_or_scan(tmp_path, apps, form_bank, frontend):
    mark = len(frontend.log)
    app = apps(tmp_path / "a.json", bank=form_bank)
    opened = len(frontend.opened_since(mark))
    assert app.rows == {}
    assert app.review_box.children == ()
    assert app.scan_box.children == ()
    mark = len(frontend.log)
    app.tabs.selected_index = 1  # the first dimension's tab, built when opened
    assert len(frontend.opened_since(mark)) > opened // 2  # the 53 questions would be far more than the first screen
    app.tabs.selected_index = app.review_index
    assert app.review.box in app.review_box.children
