"""AssessmentFolder: the folder of saved assessments the dashboard lists and opens.

Listing, one-line errors for unreadable files, confinement to the folder (names, symbolic
links), the previous assessment of a pilot, custom banks, and reading a file only when it changed.
"""

from __future__ import annotations

import os
import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("anywidget")

import ipywidgets as w
from dashboard_helpers import (
    ASSISTANT,
    DEMO_FILES,
    EARLY,
    LATE,
    MINI,
    assessment_doc,
    dashboard,
    write_doc,
)

from readiness_widgets import Assessment
from readiness_widgets.assessment import Assessment as AssessmentModel
from readiness_widgets.assessment import AssessmentError, UnknownQuestionWarning
from readiness_widgets.demo import demo_assessment, demo_folder
from readiness_widgets.errors import ReadinessError
from readiness_widgets.portfolio import ENV_FOLDER, AssessmentFolder, FolderError
from readiness_widgets.widgets.dashboard import dashboard as first_paint


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


def test_folder_reads_an_unchanged_file_once(demo_dir, monkeypatch):
    calls = []
    real = AssessmentModel.load.__func__

    def counting(cls, path, **kw):
        calls.append(Path(path).name)
        return real(cls, path, **kw)

    monkeypatch.setattr(AssessmentModel, "load", classmethod(counting))
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
    kept = (demo_dir / EARLY).read_bytes()
    (demo_dir / EARLY).unlink()
    assert EARLY not in {e.name for e in folder.entries()}
    calls.clear()
    (demo_dir / EARLY).write_bytes(kept)  # back again: read afresh, not from what was seen before
    assert EARLY in {e.name for e in folder.entries()}
    assert calls == [EARLY]


def test_folder_latest(demo_dir, tmp_path):
    folder = AssessmentFolder(demo_dir)
    assert folder.latest().name == LATE
    assert folder.latest([e for e in folder.entries() if e.name != LATE]).name == ASSISTANT
    empty = tmp_path / "empty"
    empty.mkdir()
    assert AssessmentFolder(empty).latest() is None


def test_a_folder_that_cannot_be_listed_is_a_message(tmp_path, monkeypatch):
    folder = tmp_path / "box"
    folder.mkdir()

    def refuse(*_args, **_kw):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("readiness_widgets.portfolio.os.scandir", refuse)
    shown = first_paint(folder)
    assert isinstance(shown, w.HTML)
    assert "cannot list the folder: Permission denied" in shown.value

