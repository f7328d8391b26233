"""The bundled demo folder: what ``write_demo_folder`` makes, committed and readable."""

from __future__ import annotations

import json
import shutil
import warnings

import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("anywidget")


from dashboard_helpers import (
    COMMITTED_DEMO,
    DEMO_FILES,
    EARLY,
    LATE,
    MINI,
    REGENERATE,
    ROOT,
)

from readiness_widgets import Assessment, load_bank
from readiness_widgets.demo import dashboards_dir, demo_folder, write_demo_folder
from readiness_widgets.portfolio import AssessmentFolder, Entry
from readiness_widgets.serve import (
    PAGES,
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


def test_dashboards_dir_and_demo_folder():
    folder = dashboards_dir()
    assert folder == ROOT / "dashboards"
    assert all((folder / page).is_file() for page in PAGES.values())
    assert demo_folder() == folder / "assessments"

