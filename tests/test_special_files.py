"""Only regular files are read: FIFOs, devices and links to them are refused with a clear error
(checked on the open handle), never read until memory runs out and never waited on.

Every read here runs in a thread with a deadline, so that a loader that blocks on a FIFO or
reads /dev/zero fails the test instead of hanging or exhausting the machine.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from readiness_widgets import Assessment, load_bank
from readiness_widgets.cli import main
from readiness_widgets.demo import demo_folder
from readiness_widgets.errors import AssessmentError, BankError
from readiness_widgets.evidence import scan_folder
from readiness_widgets.portfolio import AssessmentFolder

DEADLINE = 30.0
SPECIAL = ["fifo", "dev-zero", "dev-null"]


def special(path: Path, kind: str) -> Path:
    """Make ``path`` a FIFO, or a symbolic link to /dev/zero or /dev/null."""
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to(f"/dev/{kind.split('-')[1]}")
    return path


def within_deadline(fn, *args, **kwargs):
    """``fn(*args, **kwargs)``, or fail if it has not returned (or raised) within the deadline."""
    box: dict = {}

    def run():
        try:
            box["value"] = fn(*args, **kwargs)
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(DEADLINE)
    assert not thread.is_alive(), f"{getattr(fn, '__name__', fn)} did not return within {DEADLINE} s"
    if "error" in box:
        raise box["error"]
    return box.get("value")


MESSAGES = {"fifo": "refused: a FIFO (named pipe), not a regular file", "dev-zero": "refused: a character device, not a regular file"}
MESSAGES["dev-null"] = MESSAGES["dev-zero"]


@pytest.mark.parametrize("kind", SPECIAL)
def test_bank_loader_refuses_special_files(tmp_path, kind):
    path = special(tmp_path / "bank.yaml", kind)
    with pytest.raises(BankError) as info:
        within_deadline(load_bank, path)
    [problem] = info.value.problems
    assert problem.file == str(path)
    assert problem.message == MESSAGES[kind]


@pytest.mark.parametrize("kind", SPECIAL)
def test_assessment_loader_refuses_special_files(tmp_path, kind):
    path = special(tmp_path / "a.json", kind)
    with pytest.raises(AssessmentError) as info:
        within_deadline(Assessment.load, path)
    assert str(info.value) == f"invalid assessment: {path}: {MESSAGES[kind]}"


def test_an_extends_base_that_is_a_fifo_is_refused(tmp_path):
    special(tmp_path / "base.yaml", "fifo")
    ext = tmp_path / "ext.yaml"
    ext.write_text("extends: base.yaml\nid: ext\nversion: '1'\n", encoding="utf-8")
    with pytest.raises(BankError, match="a FIFO"):
        within_deadline(load_bank, ext)


@pytest.mark.parametrize("kind", SPECIAL)
def test_cli_exits_2_on_a_special_file(tmp_path, capsys, kind):
    path = special(tmp_path / "a.json", kind)
    assert within_deadline(main, ["score", str(path)]) == 2
    assert capsys.readouterr().err.strip() == f"readiness: invalid assessment: {path}: {MESSAGES[kind]}"


def test_dashboard_folder_lists_special_files_as_broken_and_shows_the_others(tmp_path):
    folder = tmp_path / "assessments"
    shutil.copytree(demo_folder(), folder)
    for kind in SPECIAL:
        special(folder / f"{kind}.json", kind)
    (folder / "link-to-fifo.json").symlink_to("fifo.json")
    entries = {e.name: e for e in within_deadline(AssessmentFolder(folder).entries)}
    assert sorted(n for n, e in entries.items() if e.ok) == sorted(p.name for p in demo_folder().glob("*.json"))
    assert entries["fifo.json"].error == f"fifo.json: {MESSAGES['fifo']}"
    assert entries["link-to-fifo.json"].error == f"link-to-fifo.json: {MESSAGES['fifo']}"
    for kind in ("dev-zero", "dev-null"):  # links out of the folder are refused before any open
        assert entries[f"{kind}.json"].error == "refused: the file resolves outside the folder"


def test_the_scan_does_not_wait_on_a_fifo_named_like_an_ignore_file(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "train.py").write_text("import mlflow\n", encoding="utf-8")
    special(tmp_path / "src" / ".gitignore", "fifo")
    (tmp_path / ".git" / "info").mkdir(parents=True)
    special(tmp_path / ".git" / "info" / "exclude", "fifo")
    findings = within_deadline(scan_folder, tmp_path)
    problems = {(p.kind, p.path, p.detail) for p in findings.problems}
    assert ("unreadable", "src/.gitignore", MESSAGES["fifo"]) in problems
    assert ("unreadable", ".git/info/exclude", MESSAGES["fifo"]) in problems
    assert "tracking.mlflow" in findings.signals


def test_scan_into_a_fifo_exits_2(tmp_path, capsys):
    into = special(tmp_path / "a.json", "fifo")
    repo = tmp_path / "repo"
    repo.mkdir()
    assert within_deadline(main, ["scan", str(repo), "--into", str(into)]) == 2
    assert MESSAGES["fifo"] in capsys.readouterr().err
