"""The folder backend: ``./assessments`` or ``file:./assessments``.

Every pilot is today's assessment file, ``FOLDER/KEY.json`` (the latest revision, which the
form, the CLI and the folder dashboard read as before), and its history beside it::

    FOLDER/churn.json                       the latest revision's document
    FOLDER/.history/churn/000001.json       revision 1: who, when, from where, what changed, the document
    FOLDER/.history/churn/000002.json       ...
    FOLDER/.history/churn/milestones.json   named revisions

A save is the locked compare-and-swap of :mod:`readiness_widgets.storage`: under the exclusive
lock of ``FOLDER/KEY.json`` (the one every save of that file takes), the latest revision is read
again and compared with the save's base; then the revision's record is written (temporary file,
fsync, rename: the commit point), then the file. A save killed between the two leaves the file
one revision behind its history: readers take the latest record, and the next save rewrites the
file before it writes its own record, so the file is never two revisions behind.

A file with no record, or changed outside the store (a form on the file, ``readiness scan
--into``, an editor), is a revision too: the next one after the records, saved ``from the
file`` by ``unknown``. It is written down as such before the next save or milestone.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from ..assessment import MAX_ASSESSMENT_BYTES
from ..errors import AssessmentError, Problem, ReadinessError
from ..storage import (
    FileReadError,
    LockTimeout,
    atomic_write_text,
    locked,
    read_regular_file,
    remove_stale_temp_files,
)
from .base import (
    KEY,
    MAX_NAME,
    Changes,
    Milestone,
    PilotHistory,
    Revision,
    Store,
    StoreConflictError,
    StoreError,
    UnknownPilotError,
    changes_between,
    check_key,
    doc_signature,
    normalize,
    now,
    os_user,
    parse_document,
    parse_stamp,
    to_text,
    utc,
)

HISTORY = ".history"
RECORD = re.compile(r"(\d{6})\.json")
MILESTONES = "milestones.json"


@dataclass(frozen=True)
class _State:
    """What the folder holds for one pilot: its records and the revision its file is."""

    records: list[int]  # revision numbers with a record, in order
    head: Revision | None  # the latest revision, document included
    implicit: bool  # the head is the file itself, not recorded yet
    file_behind: bool = False  # the file is not the head's document yet (a save killed after its record)


class FolderStore(Store):
    """Assessments as JSON files in one folder, with their history in ``.history/``."""

    def __init__(self, folder: str | Path, *, url: str | None = None, create: bool = True):
        self.folder = Path(folder).expanduser()
        self.url = url or str(folder)
        if not self.folder.is_dir():
            if not create:
                raise StoreError(f"{self.url}: no such folder of assessments")
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"{self.url}: cannot create the folder: {exc.strerror or exc}") from None
        self.root = self.folder.resolve()
        self.problems: list[str] = []  # files that were skipped when listing, with the reason

    # ---- paths (every one made from a checked key) ----------------------------------------------
    def _file(self, pilot: str) -> Path:
        return self.root / f"{check_key(pilot, self.url)}.json"

    def _dir(self, pilot: str) -> Path:
        return self.root / HISTORY / check_key(pilot, self.url)

    def _record_path(self, pilot: str, number: int) -> Path:
        return self._dir(pilot) / f"{number:06d}.json"

    def keys(self) -> list[str]:
        """Every pilot: ``KEY.json`` files and histories whose file is gone."""
        found = set()
        try:
            for e in os.scandir(self.root):
                if e.name.endswith(".json") and not e.name.startswith(".") and KEY.fullmatch(e.name[:-5]) and not e.is_dir():
                    found.add(e.name[:-5])
            history = self.root / HISTORY
            if history.is_dir():
                found.update(e.name for e in os.scandir(history) if e.is_dir() and KEY.fullmatch(e.name))
        except OSError as exc:
            raise StoreError(f"{self.url}: cannot list the folder: {exc.strerror or exc}") from None
        return sorted(k for k in found if not k.lower().endswith(".json"))

    # ---- reading ----------------------------------------------------------------------------------
    def _read_json(self, path: Path) -> dict[str, Any]:
        try:
            raw = read_regular_file(path, MAX_ASSESSMENT_BYTES + 100_000)
        except FileReadError as exc:
            raise AssessmentError([Problem(str(path), "", exc.reason)]) from None
        return parse_document(raw, str(path))

    def _record(self, pilot: str, number: int) -> Revision:
        path = self._record_path(pilot, number)
        d = self._read_json(path)
        try:
            return Revision(
                pilot=pilot,
                number=int(d["revision"]),
                base=d["base"],
                saved_at=parse_stamp(d["saved_at"]),
                saved_by=str(d["saved_by"]),
                source=str(d["source"]),
                changes=Changes.from_dict(d.get("changes")),
                restored_from=d.get("restored_from"),
                signature=str(d["signature"]),
                name=str(d["document"].get("pilot", "")),
                document=d["document"],
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise AssessmentError([Problem(str(path), "", f"not a revision record: {type(exc).__name__} {exc}")]) from None

    def _numbers(self, pilot: str) -> list[int]:
        try:
            names = os.listdir(self._dir(pilot))
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise StoreError(f"{self.url}: {pilot}: cannot list its history: {exc.strerror or exc}") from None
        return sorted(int(m.group(1)) for n in names if (m := RECORD.fullmatch(n)))

    def _state(self, pilot: str) -> _State:
        numbers = self._numbers(pilot)
        file = self._file(pilot)
        try:
            raw = read_regular_file(file, MAX_ASSESSMENT_BYTES)
        except FileReadError:
            if os.path.lexists(file):
                raise AssessmentError([Problem(str(file), "", "cannot be read as a file")]) from None
            raw = None
        last = self._record(pilot, numbers[-1]) if numbers else None
        if raw is None:
            if last is None:
                raise UnknownPilotError(self.url, pilot, "no pilot of that key in the store")
            return _State(numbers, last, False, True)  # the file is gone (or never written): the records hold it
        try:
            sig = doc_signature(json.loads(raw))
        except (ValueError, RecursionError):
            sig = None  # not JSON: read below, which names the problem
        if last is not None and sig == last.signature:
            return _State(numbers, last, False)
        if last is not None and len(numbers) > 1 and sig == self._record(pilot, numbers[-2]).signature:
            return _State(numbers, last, False, True)  # a save was killed after its record: the record is the latest
        # the file itself is the latest revision: written outside the store
        doc = normalize(parse_document(raw, str(file)), str(file))
        try:
            when = parse_stamp(str(doc["updated"]))
        except ValueError:
            when = utc(datetime.fromtimestamp(file.stat().st_mtime))
        number = numbers[-1] + 1 if numbers else 1
        head = Revision(
            pilot=pilot, number=number, base=number - 1 if numbers else None, saved_at=when, saved_by="unknown",
            source="file", changes=changes_between(last.document if last else None, doc),
            signature=doc_signature(doc), name=doc.get("pilot", ""), document=doc,
        )
        return _State(numbers, head, True)

    def _with_milestones(self, rev: Revision, marks: Sequence[Milestone]) -> Revision:
        return replace(rev, milestones=tuple(m.name for m in marks if m.revision == rev.number))

    def get(self, pilot: str, revision: int | None = None) -> Revision:
        state = self._state(pilot)
        marks = self.milestones(pilot)
        if revision is None or revision == state.head.number:
            return self._with_milestones(state.head, marks)
        if revision not in state.records:
            raise UnknownPilotError(self.url, pilot, f"no revision {revision} (revisions 1-{state.head.number})")
        return self._with_milestones(self._record(pilot, revision), marks)

    def get_meta(self, pilot: str) -> Revision:
        return replace(self.get(pilot), document=None)

    def history(self, pilot: str) -> list[Revision]:
        state = self._state(pilot)
        marks = self.milestones(pilot)
        revs = [self._record(pilot, n) for n in state.records if n < state.head.number] + [state.head]
        return [replace(self._with_milestones(r, marks), document=None) for r in revs]

    def _heads(self) -> list[Revision]:
        heads = []
        self.problems = []
        for key in self.keys():
            try:
                heads.append(self._with_milestones(self._state(key).head, self.milestones(key)))
            except ReadinessError as exc:
                self.problems.append(f"{key}: {str(exc).splitlines()[0]}")
        return heads

    def pilots(self) -> list[Revision]:
        return [replace(r, document=None) for r in self._heads()]

    def all_revisions(self, *, documents: bool = True) -> list[Revision]:
        """Every pilot's records and file, in one pass over the folder. A record or a file that
        cannot be read is skipped and named in :attr:`problems` (``KEY@N: reason``)."""
        out: list[Revision] = []
        self.problems = []
        for key in self.keys():
            try:
                state = self._state(key)
                marks = self.milestones(key)
            except ReadinessError as exc:
                self.problems.append(f"{key}: {str(exc).splitlines()[0]}")
                continue
            revs = []
            for n in state.records:
                if n >= state.head.number:
                    continue
                try:
                    revs.append(self._record(key, n))
                except ReadinessError as exc:
                    self.problems.append(f"{key}@{n}: {str(exc).splitlines()[0]}")
            revs.append(state.head)
            out += [self._with_milestones(r if documents else replace(r, document=None), marks) for r in revs]
        return out

    def stamp(self) -> tuple:
        """The size and modification time of every pilot's file and history folder (a save adds a
        record to the folder and rewrites the file; an edit outside the store rewrites the file):
        one ``stat`` per pilot, no file read."""
        seen = []
        try:
            for base in (self.root, self.root / HISTORY):
                if base.is_dir():  # a record (or milestones.json) written into a pilot's folder moves its mtime
                    for e in os.scandir(base):
                        if not e.name.startswith("."):  # locks and temporary files are not data
                            st = e.stat(follow_symlinks=False)
                            seen.append((base == self.root, e.name, st.st_mtime_ns, st.st_size))
        except OSError as exc:
            raise StoreError(f"{self.url}: cannot list the folder: {exc.strerror or exc}") from None
        return tuple(sorted(seen))

    def latest(self, *, as_of: datetime | None = None) -> list[Revision]:
        if as_of is None:
            return self._heads()
        as_of = utc(as_of)
        out = []
        for head in self._heads():
            if head.saved_at <= as_of:
                out.append(head)
                continue
            earlier = [r for r in self.history(head.pilot) if r.saved_at <= as_of]
            if earlier:
                out.append(self.get(head.pilot, earlier[-1].number))
        return out

    def milestones(self, pilot: str) -> list[Milestone]:
        path = self._dir(pilot) / MILESTONES
        if not path.exists():
            return []
        try:
            rows = json.loads(read_regular_file(path, 10_000_000))
            marks = [Milestone(pilot, r["name"], int(r["revision"]), parse_stamp(r["marked_at"]), r["marked_by"]) for r in rows]
        except (FileReadError, ValueError, KeyError, TypeError) as exc:
            raise StoreError(f"{path}: not a list of milestones: {exc}") from None
        return sorted(marks, key=lambda m: (m.revision, m.marked_at))

    # ---- writing -------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self, pilot: str):
        try:
            with locked(self._file(pilot)):
                yield
        except LockTimeout as exc:
            raise StoreError(f"{self.url}: {pilot}: {exc.reason}") from None

    def _write_record(self, rev: Revision) -> None:
        folder = self._dir(rev.pilot)
        folder.mkdir(parents=True, exist_ok=True)
        path = self._record_path(rev.pilot, rev.number)
        if path.exists():  # never under our lock; a second guard against rewriting history
            raise StoreError(f"{path}: revision {rev.number} exists already")
        record = {
            "revision": rev.number,
            "base": rev.base,
            "saved_at": rev.saved_at.isoformat(),
            "saved_by": rev.saved_by,
            "source": rev.source,
            "changes": rev.changes.to_dict(),
            "restored_from": rev.restored_from,
            "signature": rev.signature,
            "document": rev.document,
        }
        remove_stale_temp_files(path)
        atomic_write_text(path, json.dumps(record, indent=1, ensure_ascii=False) + "\n")

    def _write_file(self, rev: Revision) -> None:
        file = self._file(rev.pilot)
        remove_stale_temp_files(file)
        atomic_write_text(file, to_text(rev.document))

    def _save(self, pilot, document, base, base_signature, meta) -> Revision:
        with self._locked(pilot):
            try:
                state = self._state(pilot)
            except UnknownPilotError:
                state = None
            head = state.head if state is not None else None
            if (head.number if head else None) != base or (base_signature and head and head.signature != base_signature):
                raise StoreConflictError(self.url, pilot, base, replace(head, document=None) if head else None, document)
            if state is not None and state.implicit:
                self._write_record(head)  # the file's own revision, written down before ours
            elif state is not None and state.file_behind:
                self._write_file(head)  # finish the killed save first: the file is never two revisions behind
            rev = Revision(
                pilot=pilot, number=(base or 0) + 1, base=base, saved_at=meta["saved_at"], saved_by=meta["saved_by"],
                source=meta["source"], changes=changes_between(head.document if head else None, document),
                restored_from=meta["restored_from"], signature=doc_signature(document), name=document.get("pilot", ""),
                document=document,
            )
            self._write_record(rev)  # the commit point
            self._write_file(rev)
        return rev

    def mark(self, pilot: str, name: str, revision: int | None = None, *, by: str | None = None) -> Milestone:
        name = (name or "").strip()
        if not name or len(name) > MAX_NAME:
            raise UnknownPilotError(self.url, pilot, f"a milestone needs a name of 1-{MAX_NAME} characters")
        with self._locked(pilot):
            state = self._state(pilot)
            if state.implicit:
                self._write_record(state.head)
            number = state.head.number if revision is None else revision
            if not 1 <= number <= state.head.number:
                raise UnknownPilotError(self.url, pilot, f"no revision {revision} (revisions 1-{state.head.number})")
            marks = self.milestones(pilot)
            if any(m.name == name for m in marks):
                raise UnknownPilotError(self.url, pilot, f"a milestone is already named {name!r}")
            mark = Milestone(pilot, name, number, now(), (by or os_user())[:MAX_NAME])
            self._write_milestones(pilot, [*marks, mark])
        return mark

    def _write_milestones(self, pilot: str, marks: Sequence[Milestone]) -> None:
        path = self._dir(pilot) / MILESTONES
        path.parent.mkdir(parents=True, exist_ok=True)
        rows = [m.to_dict() for m in marks]
        for r in rows:
            del r["pilot"]
        atomic_write_text(path, json.dumps(rows, indent=1, ensure_ascii=False) + "\n")

    def _import(self, histories: Sequence[PilotHistory]) -> None:
        for h in histories:  # every pilot under its own lock; pilots are new here
            with self._locked(h.pilot):
                for rev in h.revisions:
                    self._write_record(rev)
                if h.milestones:
                    self._write_milestones(h.pilot, h.milestones)
                if h.revisions:
                    self._write_file(h.revisions[-1])
