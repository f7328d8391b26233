"""Where a portfolio's pilots come from: the latest revision of every pilot, and each one's history.

A :class:`PilotSource` reads; it never scores (the portfolio engine,
:mod:`readiness_widgets.portfolio_result`, does). :class:`FolderPilots` reads a folder of
assessment files (through :class:`~readiness_widgets.portfolio.AssessmentFolder`, confined to the
folder): the files of one pilot (the same ``pilot`` name and bank) are its history, oldest first
by their ``updated`` stamp. :class:`StorePilots` reads the shared store (a folder with
``.history/``, SQLite, PostgreSQL: :mod:`readiness_widgets.store`), where every save is a revision.

>>> source = FolderPilots("portfolio")                                  # doctest: +SKIP
>>> [(r.name, r.revision) for r in source.latest()]                     # doctest: +SKIP
[('Claims triage assistant', 3), ...]
>>> [r.saved_at for r in source.history("Claims triage assistant")]     # doctest: +SKIP
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

from .assessment import DONT_KNOW, NA, Assessment, bank_problems
from .bank import EVIDENCE_KINDS, Bank, load_bank
from .errors import InputError, Problem, ReadinessError
from .portfolio import AssessmentFolder, Entry
from .store import Store, open_store
from .store.base import DONT_KNOW_CODE, NA_CODE, Revision, RevisionAnswers

_CODES = {NA: NA_CODE, DONT_KNOW: DONT_KNOW_CODE}
_EVIDENCE_INDEX = {k: i for i, k in enumerate(EVIDENCE_KINDS)}
# a portfolio reads many more files than the single-pilot dashboard lists
MAX_PORTFOLIO_FILES = 100_000


@dataclass(frozen=True)
class PilotRevision:
    """One saved state of a pilot's assessment.

    ``pilot`` is the pilot's identity in its source (the folder: its name; a store: its key),
    ``revision`` counts from 1, oldest first, ``saved_at`` is when it was saved (UTC), ``link`` is
    the query string that opens it in the single-pilot dashboard (``file=NAME.json`` or
    ``pilot=KEY``).
    """

    pilot: str
    revision: int
    saved_at: datetime
    name: str
    link: str
    assessment: Assessment | None  # None: read from a store's answer tables (``answers``), not parsed
    answers: RevisionAnswers | None = None
    scored_with: Bank | None = None  # with ``answers``: the bank that scores them

    @property
    def bank(self) -> Bank:
        """The bank that scores the revision."""
        return self.assessment.bank if self.assessment is not None else self.scored_with

    @property
    def bank_id(self) -> str:
        """The id of the bank the revision was made with."""
        return self.assessment.bank.id if self.assessment is not None else self.answers.bank_id

    @property
    def business_unit(self) -> str | None:
        return self.assessment.business_unit if self.assessment is not None else self.answers.business_unit

    @property
    def owner(self) -> str | None:
        return self.assessment.owner if self.assessment is not None else self.answers.owner

    @property
    def target(self) -> str | None:
        """The target profile the revision names (None: the bank's default)."""
        return self.assessment.target if self.assessment is not None else self.answers.target

    @property
    def triage_answers(self) -> Mapping[str, str]:
        """The triage answers as saved (the bank's defaults not filled in)."""
        return self.assessment.data.triage if self.assessment is not None else self.answers.triage

    def answer_rows(self) -> Iterable[tuple[str, int, int]]:
        """(question, value code, evidence index) of every answer with a value, as the store's
        answer table holds them (:func:`~readiness_widgets.store.base.answer_rows`: a level 0-4,
        -1 N/A, -2 don't know; an index into ``EVIDENCE_KINDS``), from either kind of revision."""
        if self.answers is not None:
            return self.answers.answers
        return ((qid, _CODES.get(a.value, a.value), _EVIDENCE_INDEX[a.evidence])
                for qid, a in self.assessment.answers.items() if a.value is not None)


class PilotSource(ABC):
    """The pilots of a portfolio: :meth:`latest`, :meth:`history`, and :meth:`revisions` (all of them)."""

    label: str  # what the page says it shows: a folder, a store URL (no password)

    @abstractmethod
    def latest(self) -> list[PilotRevision]:
        """The latest revision of every pilot, by pilot."""

    @abstractmethod
    def history(self, pilot: str) -> list[PilotRevision]:
        """Every revision of ``pilot``, oldest first (:class:`InputError` for an unknown pilot)."""

    def revisions(self) -> list[PilotRevision]:
        """Every revision of every pilot, each pilot's oldest first (a source may read them at once)."""
        return [r for latest in self.latest() for r in self.history(latest.pilot)]

    def unreadable(self) -> list[tuple[str, str]]:
        """What could not be read or is not a pilot's assessment, as (name, one-line reason): shown
        beside the portfolio."""
        return []

    def stamp(self, *, fresh: bool = True) -> Hashable:
        """A cheap value that changes whenever the source's content does (re-read, then compared).

        ``fresh=False``: the stamp of what the source read last, without looking again (what a
        page built from it compares the next stamp with)."""
        return None

    def opener(self, pilot: str, revision: int | None = None) -> str:
        """The query string that opens ``pilot`` (at ``revision``, default the latest) on its own page."""
        revs = self.history(pilot)
        return (revs[-1] if revision is None else next(r for r in revs if r.revision == revision)).link


class _ReadSource(PilotSource):
    """A source that reads every pilot's history at once (:meth:`refresh`) and answers from what it
    read: ``_histories`` (pilot -> revisions, oldest first) and ``_stamp`` (what was read)."""

    _histories: dict[str, list[PilotRevision]]
    _stamp: Hashable
    _unknown_pilot: str  # why history() refuses a pilot it did not read

    @abstractmethod
    def refresh(self) -> bool:
        """Read the source again if it changed; True if anything changed."""

    def stamp(self, *, fresh: bool = True) -> Hashable:
        if fresh:
            self.refresh()
        return self._stamp

    def latest(self) -> list[PilotRevision]:
        return [revs[-1] for revs in self._histories.values()]

    def history(self, pilot: str) -> list[PilotRevision]:
        if pilot not in self._histories:
            raise InputError("pilot", [Problem(self.label, pilot, self._unknown_pilot)])
        return list(self._histories[pilot])

    def revisions(self) -> list[PilotRevision]:
        return [r for revs in self._histories.values() for r in revs]


class FolderPilots(_ReadSource):
    """A folder of assessment files; the files of one pilot (same name, same bank) are its revisions."""

    _unknown_pilot = "no readable assessment of this pilot in the folder"

    def __init__(self, folder: str | Path | AssessmentFolder, *, bank: Bank | None = None,
                 max_files: int = MAX_PORTFOLIO_FILES):
        self.folder = folder if isinstance(folder, AssessmentFolder) else AssessmentFolder(
            folder, bank=bank, max_files=max_files
        )
        self.label = str(self.folder.root)
        self._entries: list[Entry] = []
        self._stamp: tuple = ()
        self._histories: dict[str, list[PilotRevision]] = {}
        self._files: dict[str, list[str]] = {}  # pilot -> its files, oldest first
        self._team_files: list[str] = []
        self.refresh()

    def refresh(self) -> bool:
        """Read the folder again (only the files that changed are parsed); True if anything changed."""
        entries = self.folder.entries()
        stamp = tuple((e.name, e.updated, e.error, id(e.assessment)) for e in entries)
        if stamp == self._stamp:
            return False
        self._entries, self._stamp = entries, stamp
        groups: dict[str, list[Entry]] = {}
        self._team_files = []
        for e in entries:
            if e.ok and (e.assessment.respondent is not None or e.assessment.agreements):
                self._team_files.append(e.name)  # one person's answers, or a team's agreements: not the pilot's
            elif e.ok:
                groups.setdefault(e.pilot, []).append(e)
        histories, files = {}, {}
        for name, group in sorted(groups.items(), key=lambda kv: (kv[0].casefold(), kv[0])):
            group.sort(key=lambda e: (e.updated, e.name))
            bank_id = group[-1].assessment.bank.id  # earlier files made with another bank are not its history
            same = [e for e in group if e.assessment.bank.id == bank_id]
            histories[name] = [
                PilotRevision(name, i, e.updated, name, urlencode({"file": e.name}), e.assessment)
                for i, e in enumerate(same, start=1)
            ]
            files[name] = [e.name for e in same]
        self._histories, self._files = histories, files
        return True

    def unreadable(self) -> list[tuple[str, str]]:
        team = [(name, "a team assessment's file (one member's answers or the agreements), not a pilot's "
                       "assessment: merge the team first (readiness team merge)") for name in self._team_files]
        return [(e.name, e.error or "") for e in self._entries if not e.ok] + team

    def files_of(self, pilot: str) -> list[str]:
        """The file names of ``pilot``'s revisions, oldest first (none for an unknown pilot)."""
        return list(self._files.get(pilot, ()))

    def pilot_folder(self, pilot: str) -> AssessmentFolder:
        """The folder as the single-pilot dashboard should list it: only ``pilot``'s files."""
        return _Only(self.folder, self._files.get(pilot, ()))

    def pilot_of_file(self, name: str) -> str | None:
        """The pilot whose history holds the file ``name``, if any."""
        return next((pilot for pilot, names in self._files.items() if name in names), None)


class _Only(AssessmentFolder):
    """An :class:`AssessmentFolder` that lists only some of its files (one pilot's)."""

    def __init__(self, folder: AssessmentFolder, names):
        super().__init__(folder.folder, bank=folder.bank, max_files=folder.max_files)
        self._banks = folder._banks
        self._only = set(names)

    def names(self) -> list[str]:
        return [n for n in super().names() if n in self._only]


class _Fits:
    """Whether a revision read from the answer tables is valid for a bank, by the data model's
    rule (:func:`~readiness_widgets.assessment.bank_problems`: triage values, target profile, N/A
    and evidence kinds each question allows). Each distinct answer, triage and target is checked
    once: thousands of revisions repeat the same few."""

    def __init__(self):
        self._answers: dict[tuple, bool] = {}
        self._settings: dict[tuple, bool] = {}

    def __call__(self, bank: Bank, table: RevisionAnswers) -> bool:
        key = (id(bank), table.target, tuple(sorted(table.triage.items())))
        if key not in self._settings:
            self._settings[key] = not bank_problems(bank, table.triage, table.target, (), "")[0]
        if not self._settings[key]:
            return False
        for row in table.answers:
            ok = self._answers.get((id(bank), row))
            if ok is None:
                qid, code, evidence = row
                value = NA if code == NA_CODE else code
                ok = self._answers[(id(bank), row)] = not bank_problems(bank, {}, None, [(qid, value, EVIDENCE_KINDS[evidence])], "")[0]
            if not ok:
                return False
        return True


class StorePilots(_ReadSource):
    """The pilots of a shared store: every revision of every pilot, read at once.

    ``link`` is ``pilot=KEY`` (the single-pilot dashboard of a store opens a pilot so), ``label``
    the store's URL without its password. Reading is one bulk read of every revision
    (:meth:`Store.all_revisions <readiness_widgets.store.Store.all_revisions>`: one query on
    SQL); a revision's assessment is parsed once and kept (a revision never changes), and
    :meth:`stamp` (two aggregate queries, or one ``stat`` per pilot of a folder) says when to
    read again. ``bank`` is the bank of documents made with another bank than the bundled one.
    A revision that does not load is listed in :meth:`unreadable` with its reason.
    """

    _unknown_pilot = "no readable revision of this pilot in the store"

    def __init__(self, store: Store | str, *, bank: Bank | None = None):
        self.store = store if isinstance(store, Store) else open_store(store, create=False)
        self.label = self.store.url  # already without a password
        self.bank = bank
        self._stamp: Hashable = object()  # equal to nothing: the first refresh reads
        self._histories: dict[str, list[PilotRevision]] = {}
        self._unreadable: list[tuple[str, str]] = []
        self._parsed: dict[tuple[str, int, str], Assessment | str] = {}  # (key, number, signature) -> it, or why not
        self.refresh()

    def refresh(self) -> bool:
        """Read the store again if its stamp moved; True if anything changed.

        Revisions are scored from the store's answer tables (:meth:`Store.revision_answers
        <readiness_widgets.store.Store.revision_answers>`, what the store wrote from each
        document when it was saved, and the business unit and owner the document names: the
        store validated it on the way in). A
        revision's document is parsed instead, as the data model loads a file, when the tables
        cannot stand for it: made with another bank or another version of it (its answers are
        carried over), holding what that bank refuses (a triage value, a target, N/A or an
        evidence kind: the store keeps documents of any bank), or an earlier revision of a
        pilot whose latest does not load. A document that does not load is named in
        :meth:`unreadable`. A backend without answer tables (the folder store) parses every
        document.
        """
        stamp = self.store.stamp()
        if stamp == self._stamp:
            return False
        tables = self.store.revision_answers()
        revisions = self.store.all_revisions(documents=tables is None)  # with tables, a document is read only to be parsed
        unreadable = [tuple(p.split(": ", 1)) if ": " in p else (p, "cannot be read")
                      for p in getattr(self.store, "problems", ())]
        parsed: dict[tuple[str, int, str], Assessment | str] = {}
        failed: list[tuple[str, int, str]] = []

        def parse(r: Revision) -> Assessment | str:
            key = (r.pilot, r.number, r.signature)
            a = self._parsed.get(key)
            if a is None:
                a = self._assessment(r if r.document is not None else self.store.get(r.pilot, r.number))
            parsed[key] = a
            if isinstance(a, str):
                failed.append((r.pilot, r.number, a))
            return a

        fits = _Fits()
        by_pilot: dict[str, list[Revision]] = {}
        for r in revisions:
            by_pilot.setdefault(r.pilot, []).append(r)
        default: list[Bank] = []  # the bundled bank, loaded once

        def bank_of(table: RevisionAnswers) -> Bank | None:
            """The bank a parse of this revision would score it with, if its answers need no carrying over."""
            if self.bank is not None and table.bank_id == self.bank.id:
                bank = self.bank
            elif table.bank_id == "default":
                default[:] = default or [load_bank()]
                bank = default[0]
            else:
                return None  # another bank: parsed, and named if it cannot be
            return bank if table.bank_version == bank.version else None

        histories = {}
        for key, revs in by_pilot.items():
            link = urlencode({"pilot": key})
            last = revs[-1]
            table = tables.get((key, last.number)) if tables is not None else None
            bank = bank_of(table) if table is not None else None
            if bank is not None and fits(bank, table):
                head: PilotRevision | str = PilotRevision(key, last.number, last.saved_at, last.name, link, None, table, bank)
            elif not isinstance(a := parse(last), str):
                head = PilotRevision(key, last.number, last.saved_at, last.name or a.pilot, link, a)
            else:
                head = a
            kept: list[PilotRevision] = []
            for r in revs[:-1]:
                table = tables.get((key, r.number)) if tables is not None else None
                if (table is not None and not isinstance(head, str) and table.bank_id == head.bank.id
                        and table.bank_version == head.bank.version and fits(head.bank, table)):
                    kept.append(PilotRevision(key, r.number, r.saved_at, r.name, link, None, table, head.bank))
                elif not isinstance(a := parse(r), str):
                    kept.append(PilotRevision(key, r.number, r.saved_at, r.name or a.pilot, link, a))
            if not isinstance(head, str):
                kept.append(head)
            if kept:
                bank_id = kept[-1].bank_id  # earlier revisions made with another bank are not its history
                histories[key] = [r for r in kept if r.bank_id == bank_id]
        unreadable += [(f"{key}@{number}", why) for key, number, why in sorted(failed)]
        self._histories, self._unreadable, self._parsed, self._stamp = histories, unreadable, parsed, stamp
        return True

    def _assessment(self, r: Revision) -> Assessment | str:
        where = f"{self.label} {r.pilot}@{r.number}"
        bank = self.bank if self.bank is not None and (r.document or {}).get("bank", {}).get("id") == self.bank.id else None
        try:
            a = Assessment.from_dict(r.document or {}, bank=bank, file=where)
        except ReadinessError as exc:
            problems = getattr(exc, "problems", None)
            return problems[0].message if problems else str(exc).splitlines()[0]
        a.path = None
        return a

    def unreadable(self) -> list[tuple[str, str]]:
        return list(self._unreadable)

    def has(self, pilot: str) -> bool:
        """Whether ``pilot`` (a key) is one of the portfolio's pilots."""
        return pilot in self._histories


__all__ = ["MAX_PORTFOLIO_FILES", "FolderPilots", "PilotRevision", "PilotSource", "StorePilots"]
