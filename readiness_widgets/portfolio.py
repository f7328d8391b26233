"""A folder of saved assessments, read safely: what the dashboard lists and opens.

Every file is confined to the folder: names are relative, ``..`` and absolute paths are refused,
and a symbolic link that resolves outside the folder is refused too. A file that does not load is
listed with its error instead of hiding the others.

>>> folder = AssessmentFolder("assessments")                       # doctest: +SKIP
>>> [e.label for e in folder.entries()]                            # doctest: +SKIP
['Customer churn predictor: 2026-11-02 (churn.json)', ...]
>>> folder.previous(folder.entry("churn.json"))                    # doctest: +SKIP
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .assessment import Assessment
from .bank import Bank, load_bank
from .errors import InputError, Problem, ReadinessError

ENV_FOLDER = "READINESS_ASSESSMENTS"
MAX_FILES = 500
_BANK_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


class FolderError(InputError):
    """A path that is not a readable assessment inside the folder."""

    def __init__(self, folder: Path | str, name: str, message: str):
        super().__init__("assessment path", [Problem(str(folder), str(name), message)])


@dataclass(frozen=True)
class Entry:
    """One ``.json`` file of the folder: its assessment, or the reason it could not be read."""

    name: str
    path: Path
    assessment: Assessment | None = None
    error: str | None = None
    warnings: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.assessment is not None

    @property
    def pilot(self) -> str | None:
        return self.assessment.pilot if self.assessment is not None else None

    @property
    def updated(self) -> datetime | None:
        """When the assessment was last updated, in UTC (a timestamp without a zone is taken as UTC)."""
        if self.assessment is None:
            return None
        stamp = self.assessment.data.updated
        return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=timezone.utc)

    @property
    def label(self) -> str:
        """What a picker shows: pilot, date of the last update, file name."""
        if self.assessment is None:
            return f"{self.name} (cannot be read)"
        return f"{self.pilot}: {self.updated:%Y-%m-%d} ({self.name})"


class AssessmentFolder:
    """The assessments saved in one folder (not its sub-folders), read-only."""

    def __init__(self, folder: str | Path, *, bank: Bank | None = None, max_files: int = MAX_FILES):
        self.folder = Path(folder).expanduser()
        self.bank = bank
        self.max_files = max_files
        if not self.folder.is_dir():
            raise FolderError(self.folder, "", "not a folder of assessments")
        self.root = self.folder.resolve()
        self._banks: dict[str, Bank] = {}
        # what each file held when last read, by name: (mtime, size, inode) -> Entry
        self._read: dict[str, tuple[tuple[int, int, int], Entry]] = {}

    @classmethod
    def from_env(cls, default: str | Path, **kw) -> AssessmentFolder:
        """The folder named by ``$READINESS_ASSESSMENTS``, else ``default``."""
        return cls(os.environ.get(ENV_FOLDER) or default, **kw)

    # ---- confinement -----------------------------------------------------------------------
    def resolve(self, name: str | os.PathLike[str]) -> Path:
        """The path of ``name`` inside the folder; :class:`FolderError` if it would leave it."""
        text = os.fspath(name)
        rel = Path(text)
        if not text or "\x00" in text:
            raise FolderError(self.folder, text, "refused: expected the name of a .json file in the folder")
        if rel.is_absolute() or rel.drive or ".." in rel.parts:
            raise FolderError(self.folder, text, "refused: only files inside the folder can be opened")
        if rel.suffix.lower() != ".json":
            raise FolderError(self.folder, text, "refused: expected a .json assessment file")
        path = (self.root / rel).resolve()
        if self.root not in path.parents:
            raise FolderError(self.folder, text, "refused: the file resolves outside the folder")
        return path

    # ---- reading ---------------------------------------------------------------------------
    def names(self) -> list[str]:
        """The ``.json`` files directly in the folder, by name (bounded by ``max_files``)."""
        try:
            found = sorted(
                e.name
                for e in os.scandir(self.root)
                if e.name.lower().endswith(".json") and not e.name.startswith(".") and not e.is_dir()
            )
        except OSError as exc:
            raise FolderError(self.folder, "", f"cannot list the folder: {exc.strerror or exc}") from None
        return found[: self.max_files]

    def load(self, name: str) -> Assessment:
        """Load one assessment of the folder (confined); raises a :class:`ReadinessError`."""
        return Assessment.load(self.resolve(name), bank=self.bank, bank_for=self._bank_for)

    def entry(self, name: str) -> Entry:
        """Load ``name`` into an :class:`Entry`, with the error message when it fails."""
        try:
            path = self.resolve(name)
        except FolderError as exc:  # the problem, without the server's folder path
            return Entry(str(name), self.root / Path(os.fspath(name)).name, error=exc.problems[0].message)
        try:
            st = path.stat()
            stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        except OSError:
            stamp = None
        seen = self._read.get(str(name))
        if stamp is not None and seen is not None and seen[0] == stamp:
            return seen[1]  # unchanged since it was last read: not parsed again
        try:
            a = Assessment.load(path, bank=self.bank, bank_for=self._bank_for)
        except ReadinessError as exc:
            entry = Entry(str(name), path, error=_one_line(exc, str(path), str(name)))
        except Exception as exc:  # one file must never take the listing down: it is listed as broken
            entry = Entry(str(name), path, error=f"{name}: cannot be read: {type(exc).__name__}")
        else:
            entry = Entry(str(name), path, a, warnings=tuple(m.replace(str(path), str(name), 1) for m in a.warnings))
        if stamp is not None:
            self._read[str(name)] = (stamp, entry)
        return entry

    def entries(self) -> list[Entry]:
        """Every assessment of the folder, readable or not, sorted by pilot then date.

        A file unchanged since the last call (same modification time, size and inode) is not
        read again, so a page can re-list a large folder on every visit.
        """
        names = self.names()
        for gone in set(self._read) - set(names):
            del self._read[gone]
        loaded = [self.entry(n) for n in names]
        oldest = datetime.min.replace(tzinfo=timezone.utc)
        return sorted(loaded, key=lambda e: (not e.ok, (e.pilot or "").casefold(), e.updated or oldest, e.name))

    def latest(self, entries: list[Entry] | None = None) -> Entry | None:
        """The readable assessment updated last, if any."""
        readable = [e for e in (entries if entries is not None else self.entries()) if e.ok]
        return max(readable, key=lambda e: e.updated) if readable else None

    def previous(self, entry: Entry, entries: list[Entry] | None = None) -> Entry | None:
        """The latest earlier assessment of the same pilot (same bank), if there is one."""
        if entry.assessment is None:
            return None
        a = entry.assessment
        earlier = [
            e
            for e in (entries if entries is not None else self.entries())
            if e.assessment is not None
            and e.name != entry.name
            and e.pilot == a.pilot
            and e.assessment.bank.id == a.bank.id
            and e.updated < entry.updated
        ]
        return max(earlier, key=lambda e: e.updated) if earlier else None

    # ---- banks -----------------------------------------------------------------------------
    def _bank_for(self, document: Mapping[str, Any]) -> Bank | None:
        """The bank an assessment names, when it is not the default: ``<bank-id>.yaml`` here.

        ``None`` leaves the default bank to :class:`Assessment` (which reports a bank it cannot
        find). A bank file must sit in the folder or its ``banks/`` sub-folder, not link out of it.
        """
        ref = document.get("bank")
        bank_id = ref.get("id") if isinstance(ref, Mapping) else None
        if not isinstance(bank_id, str) or bank_id == "default" or not _BANK_ID.fullmatch(bank_id):
            return None
        if bank_id not in self._banks:
            for candidate in (self.root / f"{bank_id}.yaml", self.root / "banks" / f"{bank_id}.yaml"):
                if candidate.is_file() and self.root in candidate.resolve().parents:
                    self._banks[bank_id] = load_bank(candidate)
                    break
            else:
                return None
        return self._banks[bank_id]

def _one_line(exc: BaseException, path: str = "", name: str = "") -> str:
    """The first problem of ``exc`` on one line, naming the file ``name`` instead of its full ``path``."""
    problems = getattr(exc, "problems", None)
    if problems:
        first = problems[0]
        first = str(Problem(name, first.path, first.message, first.line) if path and first.file == path else first)
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        return first + more
    return " ".join(str(exc).split()) or type(exc).__name__


__all__ = ["ENV_FOLDER", "AssessmentFolder", "Entry", "FolderError"]
