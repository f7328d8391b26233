"""storage.py: compare-and-swap saves under a file lock, stale temporary files, bounded reads of
regular files only; and the assessment's save built on them (no lost update)."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path

import pytest

from readiness_widgets import Assessment
from readiness_widgets.assessment import AssessmentConflictError
from readiness_widgets.storage import (
    ANY,
    FileReadError,
    WriteConflict,
    lock_path,
    locked,
    read_regular_file,
    save_if_unchanged,
    signature,
    signature_of,
)

sys.path.insert(0, str(Path(__file__).parent))
import savers

# ---- save_if_unchanged ------------------------------------------------------------------------


def test_create_then_replace_the_version_read(tmp_path):
    path = tmp_path / "a.json"
    first = save_if_unchanged(path, "one", None)
    assert path.read_text() == "one"
    assert first == signature(path) == signature_of(b"one")
    second = save_if_unchanged(path, "two", first)
    assert path.read_text() == "two"
    assert second == signature(path)


def test_a_stale_save_is_refused_naming_both_versions(tmp_path):
    path = tmp_path / "a.json"
    v1 = save_if_unchanged(path, "one", None)
    v2 = save_if_unchanged(path, "two", v1)
    with pytest.raises(WriteConflict) as info:
        save_if_unchanged(path, "three", v1)
    assert (info.value.expected, info.value.found) == (v1, v2)
    assert f"version {v1[:12]}" in str(info.value)
    assert f"version {v2[:12]}" in str(info.value)
    assert path.read_text() == "two"


def test_create_refuses_an_existing_file_and_any_overwrites(tmp_path):
    path = tmp_path / "a.json"
    path.write_text("theirs")
    with pytest.raises(WriteConflict, match="expected no file"):
        save_if_unchanged(path, "ours", None)
    assert path.read_text() == "theirs"
    assert save_if_unchanged(path, "ours", ANY) == signature_of(b"ours")
    assert path.read_text() == "ours"


def test_same_size_same_instant_is_still_another_version(tmp_path):
    """The signature is the content, not (mtime, size): a coarse clock cannot hide a change."""
    path = tmp_path / "a.json"
    v1 = save_if_unchanged(path, "level 1", None)
    stamp = path.stat().st_mtime_ns
    save_if_unchanged(path, "level 2", v1)
    os.utime(path, ns=(stamp, stamp))
    with pytest.raises(WriteConflict):
        save_if_unchanged(path, "level 3", v1)


def test_the_check_is_made_inside_the_lock(tmp_path):
    """A save that waits for the lock sees what the holder wrote, and is refused."""
    path = tmp_path / "a.json"
    v1 = save_if_unchanged(path, "one", None)
    outcome = []

    def saver():
        try:
            save_if_unchanged(path, "mine", v1)
        except WriteConflict:
            outcome.append("refused")
        else:
            outcome.append("saved")

    with locked(path):
        thread = threading.Thread(target=saver)
        thread.start()
        time.sleep(0.2)  # the saver is now waiting for the lock
        assert outcome == []
        path.write_text("theirs")  # written by the holder of the lock
    thread.join(10)
    assert outcome == ["refused"]
    assert path.read_text() == "theirs"


def test_the_lock_file_sits_beside_the_file(tmp_path):
    path = tmp_path / "a.json"
    save_if_unchanged(path, "x", None)
    assert lock_path(path) == tmp_path / ".a.json.lock"
    assert lock_path(path).exists()


def test_a_missing_folder_is_not_created(tmp_path):
    with pytest.raises(FileNotFoundError):
        save_if_unchanged(tmp_path / "missing" / "a.json", "x", None)
    assert not (tmp_path / "missing").exists()


# ---- stale temporary files ----------------------------------------------------------------------


def _aged(path: Path, text: str = "half a save", age: float = 120) -> Path:
    path.write_text(text)
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def test_stale_temporary_files_of_a_killed_save_are_removed(tmp_path):
    path = tmp_path / "a.json"
    v1 = save_if_unchanged(path, "one", None)
    stale = _aged(tmp_path / ".a.json.k3_9xq0a.tmp")
    fresh = _aged(tmp_path / ".a.json.zz0011aa.tmp", age=5)  # may be a save still running
    other_file = _aged(tmp_path / ".b.json.k3_9xq0a.tmp")  # another file's
    not_ours = [
        _aged(tmp_path / ".a.json.tmp"),
        _aged(tmp_path / "a.json.k3_9xq0a.tmp"),
        _aged(tmp_path / ".a.json.k3_9xq0a.tmp.bak"),
        _aged(tmp_path / ".a.json.toolongname.tmp"),
    ]
    (tmp_path / ".a.json.linkxxxx.tmp").symlink_to(other_file)
    save_if_unchanged(path, "two", v1)
    assert not stale.exists()
    assert fresh.exists()
    assert other_file.exists()
    assert all(p.exists() for p in not_ours)
    assert (tmp_path / ".a.json.linkxxxx.tmp").is_symlink()


def test_an_assessment_save_removes_the_stale_temporary_files(tmp_path, mini_bank):
    path = Assessment.new("x", bank=mini_bank).save(tmp_path / "a.json")
    stale = _aged(tmp_path / ".a.json.abcd1234.tmp")
    a = Assessment.load(path, bank=mini_bank)
    a.answer("data.a", 2)
    a.save()
    assert not stale.exists()


# ---- the assessment: no lost update ---------------------------------------------------------------


def test_a_conflict_names_both_versions_and_when_the_file_changed(tmp_path, mini_bank):
    path = Assessment.new("x", bank=mini_bank).save(tmp_path / "a.json")
    mine = Assessment.load(path, bank=mini_bank)
    theirs = Assessment.load(path, bank=mini_bank)
    theirs.answer("data.a", 4)
    theirs.save()
    on_disk = json.loads(path.read_text())["updated"]
    mine.answer("data.a", 1)
    with pytest.raises(AssessmentConflictError) as info:
        mine.save()
    error = info.value
    assert error.expected
    assert error.found
    assert error.expected != error.found
    assert error.found == signature(path)
    message = str(error)
    assert str(path) in message
    assert f"version {error.found[:12]}" in message
    assert f"version {error.expected[:12]}" in message
    assert on_disk in message
    assert Assessment.load(path, bank=mini_bank).value("data.a") == 4


def test_an_assessment_save_waiting_for_the_lock_is_refused(tmp_path, mini_bank):
    path = Assessment.new("x", bank=mini_bank).save(tmp_path / "a.json")
    mine = Assessment.load(path, bank=mini_bank)
    mine.answer("data.a", 1)
    errors = []

    def save():
        try:
            mine.save()
        except AssessmentConflictError as exc:
            errors.append(exc)

    theirs = Assessment.load(path, bank=mini_bank)
    theirs.answer("data.a", 4)
    with locked(path):
        thread = threading.Thread(target=save)
        thread.start()
        time.sleep(0.2)
        path.write_text(theirs.to_json())  # another writer, holding the lock
    thread.join(10)
    assert len(errors) == 1
    assert Assessment.load(path, bank=mini_bank).value("data.a") == 4


def test_a_deleted_file_is_written_again(tmp_path, mini_bank):
    path = Assessment.new("x", bank=mini_bank).save(tmp_path / "a.json")
    a = Assessment.load(path, bank=mini_bank)
    path.unlink()
    a.answer("data.a", 3)
    a.save()
    assert Assessment.load(path, bank=mini_bank).value("data.a") == 3


@pytest.mark.parametrize(
    ("procs", "cycles"), [pytest.param(4, 20, id="4x20"), pytest.param(8, 50, id="8x50", marks=pytest.mark.slow)]
)
def test_concurrent_savers_lose_no_update(tmp_path, procs, cycles):
    """Every save is accepted (its token in the final file) or refused with the conflict error.

    The savers' fsync takes 5 ms, as on a laptop's disk; this machine's virtual disk answers in
    microseconds, which narrows the window the old check-then-rename save lost updates in.
    """
    r = savers.run(tmp_path, procs, cycles, fsync=0.005)
    assert r["errors"] == []
    assert r["accepted"] + r["refused"] == procs * cycles
    assert r["accepted"] > 0
    assert r["lost"] == []
    assert r["refused_but_written"] == []


# ---- reading regular files only --------------------------------------------------------------------


def test_read_regular_file(tmp_path):
    path = tmp_path / "a.json"
    path.write_bytes(b"12345")
    assert read_regular_file(path, 5) == b"12345"
    with pytest.raises(FileReadError, match="larger than 4 bytes"):
        read_regular_file(path, 4)
    with pytest.raises(FileReadError, match="cannot read: No such file"):
        read_regular_file(tmp_path / "missing.json", 5)
    with pytest.raises(FileReadError, match="a folder, not a regular file"):
        read_regular_file(tmp_path, 5)


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(FileReadError, match=r"a FIFO .*not a regular file"):
        read_regular_file(fifo, 100)


@pytest.mark.timeout(20)
def test_a_link_to_dev_zero_is_refused_not_read(tmp_path):
    link = tmp_path / "bank.yaml"
    link.symlink_to("/dev/zero")
    with pytest.raises(FileReadError, match="a character device, not a regular file"):
        read_regular_file(link, 1 << 40)
