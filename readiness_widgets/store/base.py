"""The store interface, its records and its errors; what every backend shares.

A store holds the assessments of many pilots, each as a chain of revisions 1, 2, 3, ... Every
revision keeps the whole assessment document (the data model's JSON, :mod:`readiness_widgets.
assessment`), who saved it, when, from where, the revision it was based on and which answers and
fields changed. The backends (:mod:`.folder`, :mod:`.sql`) implement the abstract methods of
:class:`Store`; everything else here is shared.

Nothing here scores: verdicts and score deltas are computed above the store
(:mod:`readiness_widgets.history`).
"""

from __future__ import annotations

import getpass
import json
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from ..assessment import (
    DONT_KNOW,
    MAX_ASSESSMENT_BYTES,
    NA,
    Assessment,
    AssessmentConflictError,
    AssessmentFile,
    file_document,
    migrate,
)
from ..bank import EVIDENCE_KINDS, Bank
from ..errors import AssessmentError, InputError, Problem, ReadinessError, problems_from_validation
from ..jsonio import JSONProblem, parse_json
from ..storage import signature_of

ENV_STORE = "READINESS_STORE"
SOURCES = ("form", "cli", "scan", "import", "api", "file")  # file: written outside the store (folder backend)
KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
NA_CODE, DONT_KNOW_CODE = -1, -2  # how the answer tables code N/A and don't know (as score_many reads them)
MAX_NAME = 200


# ---- errors ---------------------------------------------------------------------------------


class StoreError(ReadinessError):
    """A store that cannot be opened, read or written; the message never holds a password."""


class UnknownPilotError(InputError):
    """A pilot key (or a revision, or a milestone) that the store does not hold."""

    def __init__(self, where: str, pilot: str, message: str):
        super().__init__("store reference", [Problem(where, pilot, message)])


class StoreConflictError(AssessmentConflictError):
    """A save based on a revision that is no longer the latest: nothing was written.

    ``base`` is the revision the refused save started from (None: it meant to create the pilot),
    ``head`` the latest revision in the store now, ``theirs`` that revision's record (without
    its document) and ``document`` the refused document, so that neither side is lost:
    theirs is in the store, yours is here (and still in the form). ``expected`` / ``found`` name
    them as :class:`~readiness_widgets.assessment.AssessmentConflictError` does for a file.
    """

    def __init__(self, where: str, pilot: str, base: int | None, theirs: Revision | None, document: Mapping | None):
        self.pilot, self.base, self.theirs = pilot, base, theirs
        self.head = theirs.number if theirs is not None else None
        self.document = dict(document) if document is not None else None
        mine = f"revision {base}" if base is not None else "a new pilot"
        if theirs is None:
            found = "no revision (the pilot is not in the store)"
        else:
            found = f"revision {theirs.number} ({theirs.describe()})"
        if base is None and theirs is not None:
            message = (
                f"the store already holds this pilot, up to {found}; nothing was written. Load it "
                f"and save on top of it, or use another key"
            )
        else:
            message = (
                f"saved by someone else since this copy was loaded: the store now holds {found}; this copy "
                f"started from {mine}. Nothing was written. Reload theirs, or keep yours as a new revision"
            )
        super().__init__([Problem(where, pilot, message)])
        self.expected = mine
        self.found = f"revision {self.head}" if self.head is not None else None

    def _render(self) -> str:
        return f"save refused: {self.problems[0]}"


# ---- records --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Changes:
    """What a revision changed, compared with the revision it was based on."""

    answers: tuple[str, ...] = ()  # question ids whose level, evidence, notes or links changed
    fields: tuple[str, ...] = ()  # pilot, respondents, target, bank, triage.<id>

    def __bool__(self) -> bool:
        return bool(self.answers or self.fields)

    def to_dict(self) -> dict[str, list[str]]:
        return {"answers": list(self.answers), "fields": list(self.fields)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any] | None) -> Changes:
        d = d or {}
        return cls(tuple(d.get("answers") or ()), tuple(d.get("fields") or ()))

    def summary(self, limit: int = 4) -> str:
        parts = list(self.fields) + list(self.answers)
        if not parts:
            return "no change"
        more = f" and {len(parts) - limit} more" if len(parts) > limit else ""
        return ", ".join(parts[:limit]) + more


@dataclass(frozen=True)
class Revision:
    """One saved version of a pilot's assessment. ``document`` is None when not loaded."""

    pilot: str
    number: int
    base: int | None
    saved_at: datetime
    saved_by: str
    source: str
    changes: Changes = field(default_factory=Changes)
    restored_from: int | None = None
    signature: str = ""  # SHA-256 of the document's compact JSON (doc_signature)
    name: str = ""  # the pilot's name in this revision
    milestones: tuple[str, ...] = ()
    document: dict[str, Any] | None = field(default=None, compare=False, repr=False)

    def describe(self) -> str:
        """``by Ana, 2026-11-25 10:02 UTC, from the form``."""
        return f"by {self.saved_by}, {self.saved_at:%Y-%m-%d %H:%M} UTC, from the {self.source}"

    def with_document(self, document: dict[str, Any]) -> Revision:
        return replace(self, document=document)

    def to_dict(self, *, document: bool = False) -> dict[str, Any]:
        d = {
            "pilot": self.pilot,
            "revision": self.number,
            "base": self.base,
            "saved_at": iso(self.saved_at),
            "saved_by": self.saved_by,
            "source": self.source,
            "changes": self.changes.to_dict(),
            "restored_from": self.restored_from,
            "signature": self.signature,
            "name": self.name,
            "milestones": list(self.milestones),
        }
        if document:
            d["document"] = self.document
        return d


@dataclass(frozen=True)
class Milestone:
    """A named revision: ``go/no-go review 2026-Q4`` -> revision 7."""

    pilot: str
    name: str
    revision: int
    marked_at: datetime
    marked_by: str

    def to_dict(self) -> dict[str, Any]:
        return {"pilot": self.pilot, "name": self.name, "revision": self.revision,
                "marked_at": iso(self.marked_at), "marked_by": self.marked_by}


@dataclass(frozen=True)
class PilotHistory:
    """A pilot's whole history, documents included: what import and export copy between stores."""

    pilot: str
    revisions: tuple[Revision, ...]
    milestones: tuple[Milestone, ...] = ()


# ---- documents --------------------------------------------------------------------------------


def now() -> datetime:
    return datetime.now(timezone.utc)


def iso(stamp: datetime) -> str:
    return utc(stamp).isoformat()


def utc(stamp: datetime) -> datetime:
    return stamp.replace(tzinfo=timezone.utc) if stamp.tzinfo is None else stamp.astimezone(timezone.utc)


def parse_stamp(text: str) -> datetime:
    return utc(datetime.fromisoformat(text))


def os_user() -> str:
    try:
        return getpass.getuser() or "unknown"
    except (KeyError, OSError):  # no name for this uid (a container)
        return "unknown"


def who(saved_by: str | None, document: Mapping[str, Any]) -> str:
    """Who saves: as given, else the document's first respondent, else the OS user."""
    name = saved_by or next(iter(document.get("respondents") or ()), None) or os_user()
    return str(name).strip()[:MAX_NAME] or "unknown"


def check_key(pilot: str, where: str) -> str:
    """A pilot key: letters, digits, ``.``, ``_`` and ``-``, at most 100, not starting with a dot."""
    if not isinstance(pilot, str) or not KEY.fullmatch(pilot) or pilot.lower().endswith(".json"):
        raise UnknownPilotError(
            where, str(pilot)[:120], "expected a pilot key: letters, digits, '.', '_' or '-' (at most 100, "
            "starting with a letter or digit, not ending in .json)"
        )
    return pilot


def key_for(text: str) -> str:
    """A pilot key for a name or a file name: ``Customer churn predictor`` -> ``customer-churn-predictor``."""
    stem = text[:-5] if text.lower().endswith(".json") else text
    if KEY.fullmatch(stem):
        return stem
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:100].strip("-")
    return slug or "pilot"


def normalize(document: Mapping[str, Any] | Assessment, where: str) -> dict[str, Any]:
    """A valid assessment document of the current schema (migrated), as JSON-ready data.

    The bank is not needed: the store keeps documents of any bank; scoring them is for the layers
    above. Raises :class:`~readiness_widgets.errors.AssessmentError` naming ``where``.
    """
    if isinstance(document, Assessment):
        return document.to_dict()
    if not isinstance(document, Mapping):
        raise AssessmentError([Problem(where, "", "expected a JSON object at the top level")])
    doc = migrate(dict(document), where)
    try:
        return file_document(AssessmentFile.model_validate(doc))
    except ValidationError as exc:
        raise AssessmentError(problems_from_validation(exc, where)) from None


def to_text(document: Mapping[str, Any]) -> str:
    """The document as the data model writes it (``Assessment.to_json``): what export writes."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def compact(document: Mapping[str, Any]) -> str:
    """The document as the SQL backend keeps it: the same JSON, without the indentation."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def parse_document(text: str | bytes, where: str) -> dict[str, Any]:
    if len(text) > MAX_ASSESSMENT_BYTES:
        raise AssessmentError([Problem(where, "", f"larger than {MAX_ASSESSMENT_BYTES:,} bytes")])
    try:  # strictly: no key twice, no NaN, no integer of a thousand digits (jsonio)
        doc = parse_json(text.decode("utf-8") if isinstance(text, bytes) else text)
    except UnicodeDecodeError:
        raise AssessmentError([Problem(where, "", "not UTF-8 text")]) from None
    except JSONProblem as exc:
        raise AssessmentError([Problem(where, exc.path, f"not valid JSON: {exc.message}", exc.line)]) from None
    if not isinstance(doc, dict):
        raise AssessmentError([Problem(where, "", "expected a JSON object at the top level")])
    return doc


def changes_between(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> Changes:
    """The answers and fields that differ between two documents (``before`` None: everything)."""
    before = before or {}
    old, new = before.get("answers") or {}, after.get("answers") or {}
    answers = tuple(sorted(q for q in set(old) | set(new) if old.get(q) != new.get(q)))
    fields = [f for f in ("pilot", "respondents", "target", "bank") if before.get(f) != after.get(f)]
    t_old, t_new = before.get("triage") or {}, after.get("triage") or {}
    fields += [f"triage.{t}" for t in sorted(set(t_old) | set(t_new)) if t_old.get(t) != t_new.get(t)]
    return Changes(answers, tuple(fields))


def answer_rows(document: Mapping[str, Any]) -> list[tuple[str, int, int]]:
    """(question, value code, evidence code) of every answer with a value: the SQL answer table's rows."""
    rows = []
    for qid, ans in (document.get("answers") or {}).items():
        value = ans.get("value")
        if value is None:
            continue
        code = NA_CODE if value == NA else DONT_KNOW_CODE if value == DONT_KNOW else int(value)
        rows.append((qid, code, EVIDENCE_KINDS.index(ans.get("evidence", "none"))))
    return rows


@dataclass(frozen=True)
class AnswerTable:
    """The latest revision of every pilot, as three long tables for the engine (``score_many``).

    ``pilots``: one row per pilot (``pilot``, ``revision``, ``name``, ``updated``, ``bank_id``,
    ``bank_version``, ``target``); ``answers``: one row per answered question (``pilot``,
    ``question``, ``value`` a level 0-4, -1 N/A or -2 don't know, ``evidence`` an index into
    ``EVIDENCE_KINDS``); ``triage``: one row per triage answer (``pilot``, ``question``, ``value``).
    """

    pilots: pd.DataFrame
    answers: pd.DataFrame
    triage: pd.DataFrame


PILOT_COLUMNS = ["pilot", "revision", "name", "updated", "bank_id", "bank_version", "target"]


@dataclass(frozen=True)
class RevisionAnswers:
    """What the engine scores of one revision, as the store's answer and triage tables hold it
    (written from the document at each save): the bank it was made with, its target profile, its
    triage answers and ``answers``, the rows of :func:`answer_rows` (question, value code,
    evidence index), and the business unit and owner the document names. A portfolio scores
    revisions from these instead of parsing their documents."""

    bank_id: str
    bank_version: str
    target: str | None
    triage: dict[str, str]
    answers: tuple[tuple[str, int, int], ...]
    business_unit: str | None = None  # the document's, as saved
    owner: str | None = None


def answer_table(latest: Iterable[Revision]) -> AnswerTable:
    """The :class:`AnswerTable` of revisions with documents (the folder backend builds it so)."""
    pilots, answers, triage = [], [], []
    for r in latest:
        d = r.document or {}
        bank = d.get("bank") or {}
        pilots.append((r.pilot, r.number, d.get("pilot", ""), r.saved_at, bank.get("id"), bank.get("version"), d.get("target")))
        answers += [(r.pilot, *row) for row in answer_rows(d)]
        triage += [(r.pilot, t, v) for t, v in (d.get("triage") or {}).items()]
    return make_answer_table(pilots, answers, triage)


def make_answer_table(pilots: Sequence[tuple], answers: Sequence[tuple], triage: Sequence[tuple]) -> AnswerTable:
    def frame(rows: Sequence[tuple], names: list[str]) -> pd.DataFrame:
        # one list per column (zip(*rows) over 500,000 database rows is 7x slower)
        return pd.DataFrame({n: np.asarray([r[j] for r in rows], dtype=object) for j, n in enumerate(names)})

    p = frame(pilots, PILOT_COLUMNS)
    p["revision"] = p["revision"].astype("int64")
    p["updated"] = pd.to_datetime(p["updated"].map(utc) if len(p) else p["updated"], utc=True)
    a = frame(answers, ["pilot", "question", "value", "evidence"])
    a["value"] = a["value"].astype("float64")
    a["evidence"] = a["evidence"].astype("int8")
    return AnswerTable(p, a, frame(triage, ["pilot", "question", "value"]))


# ---- the interface ------------------------------------------------------------------------------


class Store(ABC):
    """Assessments of many pilots with every revision kept. Open one with :func:`open_store`.

    Reads: :meth:`pilots`, :meth:`latest`, :meth:`answer_table`, :meth:`history`, :meth:`get`,
    :meth:`milestones`. Writes: :meth:`save` (names its base revision; a stale save raises
    :class:`StoreConflictError`), :meth:`restore`, :meth:`mark`, :meth:`import_history`.
    """

    url: str  # as given, with any password replaced by ***

    # ---- reading ----
    @abstractmethod
    def pilots(self) -> list[Revision]:
        """The latest revision of every pilot (without documents), by pilot key."""

    @abstractmethod
    def latest(self, *, as_of: datetime | None = None) -> list[Revision]:
        """The latest revision of every pilot, documents included (saved at or before ``as_of``)."""

    @abstractmethod
    def history(self, pilot: str) -> list[Revision]:
        """Every revision of ``pilot``, oldest first, without documents."""

    @abstractmethod
    def get(self, pilot: str, revision: int | None = None) -> Revision:
        """One revision of ``pilot`` (default the latest), document included."""

    @abstractmethod
    def milestones(self, pilot: str) -> list[Milestone]:
        """The milestones of ``pilot``, in revision order."""

    def answer_table(self, *, as_of: datetime | None = None) -> AnswerTable:
        """The answers of the latest revision of every pilot, as tables for ``score_many``."""
        return answer_table(self.latest(as_of=as_of))

    def all_revisions(self, *, documents: bool = True) -> list[Revision]:
        """Every revision of every pilot, by pilot key, each pilot's oldest first (documents included
        unless ``documents=False``): what a portfolio's trends read. The backends read them at once;
        this fallback asks pilot by pilot."""
        out = []
        for head in self.pilots():
            for r in self.history(head.pilot):
                out.append(self.get(r.pilot, r.number) if documents else r)
        return out

    def revision_answers(self) -> dict[tuple[str, int], RevisionAnswers] | None:
        """The answers of every revision of every pilot, by (key, number), read at once from the
        answer tables; None when the backend keeps no such tables (the folder backend: read the
        documents)."""
        return None

    def stamp(self) -> Any:
        """A cheap value that changes whenever a revision is saved or imported (compare two of them)."""
        return tuple((r.pilot, r.number, r.signature) for r in self.pilots())

    # ---- writing ----
    @abstractmethod
    def _save(self, pilot: str, document: dict[str, Any], base: int | None, base_signature: str | None,
              meta: dict[str, Any]) -> Revision:
        """Write revision ``base + 1`` if ``base`` (and ``base_signature``) is still the latest (None: a new pilot)."""

    @abstractmethod
    def mark(self, pilot: str, name: str, revision: int | None = None, *, by: str | None = None) -> Milestone:
        """Name a revision (default the latest): ``go/no-go review 2026-Q4``. Names are unique per pilot."""

    @abstractmethod
    def _import(self, histories: Sequence[PilotHistory]) -> None:
        """Write whole histories of pilots that are not in the store yet, all or nothing."""

    def close(self) -> None:  # noqa: B027 - nothing to release for some backends
        """Release connections and files."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.url}>"

    # ---- shared -----------------------------------------------------------------------------------
    def save(
        self,
        pilot: str,
        document: Mapping[str, Any] | Assessment,
        *,
        base: int | None,
        source: str = "api",
        saved_by: str | None = None,
        restored_from: int | None = None,
        base_signature: str | None = None,
    ) -> Revision:
        """Save ``document`` as the next revision of ``pilot``, if ``base`` is still its latest revision.

        ``base`` is the revision the document was loaded from (None for a new pilot);
        ``base_signature`` (that revision's :attr:`Revision.signature`), when given, must match too. Raises
        :class:`StoreConflictError` when another save came in between (nothing is written), and
        :class:`~readiness_widgets.errors.AssessmentError` for a document that does not validate.
        """
        check_key(pilot, self.url)
        if source not in SOURCES:
            raise ValueError(f"source must be one of {', '.join(SOURCES)}, got {source!r}")
        doc = normalize(document, f"{self.url} {pilot}")
        meta = {"source": source, "saved_by": who(saved_by, doc), "saved_at": now(), "restored_from": restored_from}
        return self._save(pilot, doc, base, base_signature, meta)

    def head(self, pilot: str) -> int | None:
        """The latest revision number of ``pilot``, None if the store does not hold it."""
        try:
            return self.get_meta(pilot).number
        except UnknownPilotError:
            return None

    def get_meta(self, pilot: str) -> Revision:
        """The latest revision of ``pilot`` without its document (override when cheaper)."""
        return replace(self.get(pilot), document=None)

    def restore(self, pilot: str, revision: int, *, base: int | None = None, source: str = "api",
                saved_by: str | None = None) -> Revision:
        """Save revision ``revision``'s document again as a new revision (history is never rewritten).

        ``base`` defaults to the latest revision now.
        """
        old = self.get(pilot, revision)
        base = self.get_meta(pilot).number if base is None else base
        return self.save(pilot, old.document, base=base, source=source, saved_by=saved_by, restored_from=revision)

    def resolve(self, pilot: str, ref: str | int | None) -> int:
        """A revision number from ``3``, ``latest`` / ``head`` / None, ``-1`` (one before the latest) or a milestone name."""
        head = self.get_meta(pilot).number
        if ref is None or (isinstance(ref, str) and ref.strip().lower() in ("latest", "head", "")):
            return head
        text = str(ref).strip()
        if re.fullmatch(r"-?\d+", text):
            number = int(text)
            number = head + number if number < 0 else number
            if not 1 <= number <= head:
                raise UnknownPilotError(self.url, pilot, f"no revision {text} (revisions 1-{head})")
            return number
        for m in self.milestones(pilot):
            if m.name == text:
                return m.revision
        names = ", ".join(repr(m.name) for m in self.milestones(pilot)) or "none"
        raise UnknownPilotError(self.url, pilot, f"{text!r} is neither a revision number nor a milestone (milestones: {names})")

    def find(self, text: str) -> str:
        """The key of the pilot named ``text``: its key, its key + ``.json``, or its exact name (if unique)."""
        keys = {r.pilot: r for r in self.pilots()}
        stem = text[:-5] if text.lower().endswith(".json") else text
        if stem in keys:
            return stem
        named = [k for k, r in keys.items() if r.name == text]
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            raise UnknownPilotError(self.url, text, f"several pilots have that name; use a key: {', '.join(sorted(named))}")
        raise UnknownPilotError(self.url, text, "no pilot of that key or name in the store")

    def load(self, pilot: str, revision: int | None = None, *, bank: Bank | None = None, cls: type[Assessment] = Assessment,
             bank_for=None) -> Assessment:
        """The assessment of a revision (default the latest), bound to this store: its ``save()``
        writes the next revision, based on this one (see :class:`StoreRecord`)."""
        rev = self.get(pilot, revision)
        where = f"{self.url} {pilot}@{rev.number}"
        if bank is None and bank_for is not None:
            bank = bank_for(rev.document)
        a = cls.from_dict(rev.document, bank=bank, file=where)
        a.path = None
        a.home = StoreRecord(self, pilot, rev.number, signature=rev.signature)
        return a

    def bind(self, assessment: Assessment, pilot: str, *, source: str = "api", saved_by: str | None = None) -> Assessment:
        """Make ``assessment.save()`` write revisions of ``pilot`` (a new pilot: created on its first save)."""
        check_key(pilot, self.url)
        assessment.path = None
        head = self.get_meta(pilot) if self.head(pilot) is not None else None
        assessment.home = StoreRecord(self, pilot, head.number if head else None, signature=head.signature if head else None,
                                      source=source, saved_by=saved_by)
        return assessment

    def export_history(self, pilot: str) -> PilotHistory:
        """Every revision of ``pilot`` with its document, and its milestones."""
        revisions = tuple(self.get(pilot, r.number) for r in self.history(pilot))
        return PilotHistory(pilot, revisions, tuple(self.milestones(pilot)))

    def import_history(self, histories: Iterable[PilotHistory], *, validate: bool = True) -> int:
        """Copy whole histories (from :meth:`export_history` of another store) into this one,
        all or nothing; refused when a pilot is already here. Returns the revisions written.

        Every document is validated and migrated on the way in; ``validate=False`` skips that for
        documents made valid by construction (benchmarks/bench_store.py: 1-2 ms a document).
        """
        histories = list(histories)
        present = {r.pilot for r in self.pilots()}
        clash = sorted(h.pilot for h in histories if h.pilot in present)
        if clash:
            raise InputError("store import", [Problem(self.url, p, "this pilot is already in the store") for p in clash])
        checked = []
        for h in histories:
            check_key(h.pilot, self.url)
            numbers = [r.number for r in h.revisions]
            if numbers != list(range(1, len(numbers) + 1)):
                raise InputError("store import", [Problem(self.url, h.pilot, f"revisions must be 1..n in order, got {numbers[:10]}")])
            revisions = []
            for r in h.revisions:  # every document is validated (and migrated) on the way in
                if r.source not in SOURCES:
                    raise InputError("store import", [Problem(self.url, f"{h.pilot}@{r.number}", f"unknown source {r.source!r}")])
                doc = normalize(r.document or {}, f"{h.pilot}@{r.number}") if validate else dict(r.document)
                revisions.append(replace(r, document=doc, signature=doc_signature(doc), name=str(doc.get("pilot", ""))))
            checked.append(replace(h, revisions=tuple(revisions)))
        self._import(checked)
        return sum(len(h.revisions) for h in histories)


class StoreRecord:
    """Where an assessment bound to a store saves: pilot ``pilot``, next revision after ``base``.

    :meth:`Assessment.save <readiness_widgets.assessment.Assessment.save>` and
    :meth:`~readiness_widgets.assessment.Assessment.reload` call :meth:`save` and :meth:`fetch`;
    ``save(force=True)`` ("keep mine as a new revision") saves on top of the latest revision.
    """

    keeps_history = True

    def __init__(self, store: Store, pilot: str, base: int | None, *, signature: str | None = None,
                 source: str = "api", saved_by: str | None = None):
        self.store, self.pilot, self.base, self.signature = store, pilot, base, signature
        self.source, self.saved_by = source, saved_by
        self.last: Revision | None = None

    def describe(self) -> str:
        at = f"revision {self.base}" if self.base is not None else "new"
        return f"{self.store.url} {self.pilot} ({at})"

    def save(self, assessment: Assessment, *, force: bool = False) -> Revision:
        if force:  # keep mine as a new revision, on top of theirs (theirs stays in the history)
            head = self.store.get_meta(self.pilot) if self.store.head(self.pilot) is not None else None
            base, signature = (head.number, head.signature) if head is not None else (None, None)
        else:
            base, signature = self.base, self.signature
        rev = self.store.save(self.pilot, assessment, base=base, base_signature=signature, source=self.source,
                              saved_by=self.saved_by)
        self.base, self.signature, self.last = rev.number, rev.signature, rev
        return rev

    def fetch(self) -> tuple[dict[str, Any], Revision]:
        rev = self.store.get(self.pilot)
        return rev.document, rev

    def reloaded(self, rev: Revision) -> None:
        self.base, self.signature = rev.number, rev.signature


def doc_signature(document: Mapping[str, Any]) -> str:
    """The :attr:`Revision.signature` of a document: the SHA-256 of its compact JSON (:func:`compact`).

    Of the content, not of a file's spacing: the same document written with another indentation
    has the same signature.
    """
    return signature_of(compact(document).encode("utf-8"))
