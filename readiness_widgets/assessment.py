"""The assessment: answers plus metadata, stored as versioned JSON and written atomically.

This is the data model only: no scoring, no charts, no widgets. Every change goes through a
method (:meth:`Assessment.answer`, :meth:`~Assessment.set_triage`, the metadata setters,
:meth:`~Assessment.reload`) and is announced on :attr:`Assessment.changed`, the one signal the
views subscribe to. Scores, the roadmap and the charts live above it
(:func:`readiness_widgets.result.evaluate`; ``readiness_widgets.Assessment`` adds the friendly
``a.scores()``, ``a.roadmap()``, ``a.radar()`` on top of this class).

>>> a = Assessment.new("Churn model", respondents=["Ana"])
>>> a.changed.connect(print)                                      # doctest: +SKIP
>>> a.answer("data.pipeline_reliability", 2, evidence="manual")  # doctest: +SKIP
Change(kind='answer', question_ids=('data.pipeline_reliability',))
>>> a.save("readiness.json")  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import json
import numbers
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any, Literal, Protocol
from urllib.parse import urlsplit

from psygnal import Signal
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .bank import Bank, load_bank
from .bank_migration import carry_over, carry_over_agreements
from .errors import AssessmentError, Problem, ReadinessError, problems_from_validation
from .jsonio import JSONProblem, parse_json
from .storage import (
    ANY,
    FileReadError,
    LockTimeout,
    NotTextError,
    WriteConflict,
    decode_utf8,
    read_regular_file,
    save_if_unchanged,
    signature_of,
)

SCHEMA_VERSION = 5
MAX_ASSESSMENT_BYTES = 20_000_000
NA = "na"
DONT_KNOW = "dont_know"

AnswerValue = Annotated[int, Field(ge=0, le=4)] | Literal["na", "dont_know"]
EvidenceKind = Literal["none", "manual", "reviewed", "automated"]


class UnknownQuestionWarning(UserWarning):
    """An assessment holds answers for ids that its bank does not know; they are kept."""


class AssessmentConflictError(AssessmentError):
    """The file changed on disk since this assessment was loaded or saved.

    ``expected`` is the signature of the version this object was read from (None: it was not
    read from the file), ``found`` the signature of the file on disk when the save was refused.
    """

    expected: str | None = None
    found: str | None = None


ChangeKind = Literal["answer", "triage", "meta", "agreement", "reload"]


class Home(Protocol):
    """Where an assessment saves when it is not a file: a pilot in a store (``store.StoreRecord``).

    ``save`` writes the next revision (``force``: on top of whatever is latest, instead of refusing
    with a conflict error), ``fetch`` returns the latest document and its revision, ``reloaded``
    records that this copy now starts from that revision.
    """

    keeps_history: bool

    def describe(self) -> str: ...

    def save(self, assessment: Assessment, *, force: bool = False) -> Any: ...

    def fetch(self) -> tuple[dict[str, Any], Any]: ...

    def reloaded(self, token: Any) -> None: ...


@dataclass(frozen=True)
class Change:
    """What changed in an assessment: what :attr:`Assessment.changed` carries.

    ``kind`` is ``answer`` (``question_ids`` names them), ``triage``, ``meta`` (pilot,
    respondents, target, business unit, owner), ``agreement`` (a team's agreed answer;
    ``question_ids`` names it) or ``reload`` (everything may have changed). Changes made inside
    :meth:`Assessment.batch` arrive as one.
    """

    kinds: frozenset[ChangeKind]
    question_ids: tuple[str, ...] = ()

    @property
    def everything(self) -> bool:
        return "reload" in self.kinds

    def __add__(self, other: Change) -> Change:
        ids = tuple(dict.fromkeys((*self.question_ids, *other.question_ids)))
        return Change(self.kinds | other.kinds, ids)


def _merge(first: tuple, second: tuple) -> tuple:
    return (first[0] + second[0],)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def _check_link(link: str) -> str:
    parts = urlsplit(link)
    if parts.scheme not in ("", "http", "https") or (not parts.scheme and parts.netloc):
        raise ValueError(f"links must be http(s) URLs or relative paths, got {link!r}")
    return link


Link = Annotated[str, Field(min_length=1, max_length=2000)]


def _level_or_code(v):
    """A level 0-4 (an integral float is taken), ``"na"``, ``"dont_know"`` or None; else ValueError."""
    if type(v) is int and 0 <= v <= 4:  # nearly every answer: no ABC isinstance checks (a portfolio parses thousands)
        return v
    if v is None or (isinstance(v, str) and v in (NA, DONT_KNOW)):
        return v
    if (isinstance(v, float) and v.is_integer()) or (isinstance(v, numbers.Integral) and not isinstance(v, bool)):
        v = int(v)
    if isinstance(v, bool) or not isinstance(v, numbers.Integral) or not 0 <= v <= 4:
        raise ValueError(f"expected a level 0-4, 'na' or 'dont_know', got {v!r}")
    return v


class Answer(BaseModel):
    """One question's answer: a level 0-4, ``"na"`` or ``"dont_know"``, with its evidence."""

    model_config = ConfigDict(extra="forbid")

    value: AnswerValue | None = None
    evidence: EvidenceKind = "none"
    notes: Annotated[str, Field(max_length=20_000)] = ""
    links: list[Link] = Field(default_factory=list)

    @field_validator("value", mode="before")
    @classmethod
    def _level_or_code(cls, v):
        return _level_or_code(v)

    @field_validator("links")
    @classmethod
    def _safe_links(cls, links: list[str]) -> list[str]:
        return [_check_link(link) for link in links]


Name = Annotated[str, Field(min_length=1, max_length=200)]


class Respondent(BaseModel):
    """Who answered a team member's file: a name and a role of the bank (``bank.roles``)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: Name
    role: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]

    @property
    def label(self) -> str:
        return f"{self.name} ({self.role.replace('_', ' ')})"


class Agreement(BaseModel):
    """The answer a team agreed on for one question, recorded by its facilitator with a reason."""

    model_config = ConfigDict(extra="forbid")

    value: AnswerValue
    evidence: EvidenceKind = "none"
    reason: Annotated[str, Field(min_length=1, max_length=4000)]
    agreed_by: Name
    agreed_at: datetime = Field(default_factory=_now)

    @field_validator("value", mode="before")
    @classmethod
    def _level_or_code(cls, v):
        return _level_or_code(v)

    @field_validator("reason", "agreed_by")
    @classmethod
    def _not_blank(cls, text: str) -> str:
        if not text.strip():
            raise ValueError("must not be blank")
        return text.strip()


class BankRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Annotated[str, Field(min_length=1, max_length=64)]
    version: Annotated[str, Field(min_length=1, max_length=40)]


Label = Annotated[str, Field(min_length=1, max_length=200)]


class AssessmentFile(BaseModel):
    """The JSON document on disk (``schema_version`` 4).

    Version 3 added ``respondent`` (a team member's file: who answers, in which role) and
    ``agreements`` (a team's consensus file: the answers its facilitator recorded as agreed).
    Version 4 added the evidence kind ``reviewed`` (signed off by an accountable person).
    Version 5 added ``business_unit`` and ``owner``: who the pilot belongs to, what a portfolio
    of pilots is filtered and grouped by (both optional).
    """

    model_config = ConfigDict(extra="forbid")

    schema_version: Literal[5] = SCHEMA_VERSION
    pilot: Annotated[str, Field(min_length=1, max_length=200)]
    respondents: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        default_factory=list
    )
    created: datetime = Field(default_factory=_now)
    updated: datetime = Field(default_factory=_now)
    bank: BankRef
    target: Annotated[str, Field(max_length=64)] | None = None
    triage: dict[str, str] = Field(default_factory=dict)
    answers: dict[str, Answer] = Field(default_factory=dict)
    respondent: Respondent | None = None
    agreements: dict[str, Agreement] = Field(default_factory=dict)
    business_unit: Label | None = None
    owner: Label | None = None

    @field_validator("created", "updated")
    @classmethod
    def _in_utc_range(cls, stamp: datetime) -> datetime:
        """Every view shows dates in UTC: a date that has no UTC equivalent is refused here."""
        if stamp.tzinfo is not None:
            try:
                stamp.astimezone(timezone.utc)
            except (OverflowError, ValueError):
                raise ValueError(
                    f"{stamp.isoformat()} is outside the dates that can be shown in UTC (years 1-9999)"
                ) from None
        return stamp


def file_document(data: AssessmentFile) -> dict[str, Any]:
    """The JSON document of ``data`` as files (and stores) hold it."""
    doc = data.model_dump(mode="json")
    # a single assessment's file reads as before: the team fields only where they are used
    if doc.get("respondent") is None:
        doc.pop("respondent", None)
    if not doc.get("agreements"):
        doc.pop("agreements", None)
    return doc


# ---- migrations ---------------------------------------------------------------------------


def _migrate_1_to_2(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 1 kept one respondent and flat maps of levels, evidence and notes."""
    answers: dict[str, dict[str, Any]] = {}
    levels = doc.pop("answers", {}) or {}
    evidence = doc.pop("evidence", {}) or {}
    notes = doc.pop("notes", {}) or {}
    if not all(isinstance(m, dict) for m in (levels, evidence, notes)):
        raise ValueError("version 1 'answers', 'evidence' and 'notes' must be mappings")
    for qid in dict.fromkeys([*levels, *evidence, *notes]):
        entry: dict[str, Any] = {"value": levels.get(qid)}
        if qid in evidence:
            entry["evidence"] = "automated" if evidence[qid] == "ci" else evidence[qid]
        if qid in notes:
            entry["notes"] = notes[qid]
        answers[qid] = entry
    respondent = doc.pop("respondent", None)
    doc["respondents"] = [respondent] if respondent else []
    doc["bank"] = {"id": doc.pop("bank_id", "default"), "version": str(doc.pop("bank_version", "0"))}
    doc["answers"] = answers
    doc["schema_version"] = 2
    return doc


def _migrate_2_to_3(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 3 adds the optional ``respondent`` and ``agreements`` (team assessments): nothing moves."""
    doc["schema_version"] = 3
    return doc


def _migrate_3_to_4(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 4 adds the evidence kind ``reviewed`` (signed off, with a reference): nothing moves.

    Answers given with an older version of the bank are carried over by the bank's own
    ``migrations`` when the file is loaded (:mod:`readiness_widgets.bank_migration`).
    """
    doc["schema_version"] = 4
    return doc


def _migrate_4_to_5(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 5 adds the optional ``business_unit`` and ``owner`` (the portfolio): nothing moves."""
    doc["schema_version"] = 5
    return doc


MIGRATIONS = {1: _migrate_1_to_2, 2: _migrate_2_to_3, 3: _migrate_3_to_4, 4: _migrate_4_to_5}


def migrate(doc: dict[str, Any], file: str = "<assessment>") -> dict[str, Any]:
    """Bring an assessment document of any known version up to :data:`SCHEMA_VERSION`."""
    version = doc.get("schema_version")
    if version is None:
        raise AssessmentError([Problem(file, "schema_version", "required field is missing")])
    if isinstance(version, bool) or not isinstance(version, int):
        raise AssessmentError(
            [Problem(file, "schema_version", f"expected an integer, got {version!r}")]
        )
    if version > SCHEMA_VERSION:
        raise AssessmentError(
            [
                Problem(
                    file,
                    "schema_version",
                    f"version {version} was written by a newer readiness-widgets; "
                    f"this one reads up to {SCHEMA_VERSION}",
                )
            ]
        )
    while version < SCHEMA_VERSION:
        if version not in MIGRATIONS:
            raise AssessmentError(
                [Problem(file, "schema_version", f"unknown version {version} (expected 1-{SCHEMA_VERSION})")]
            )
        try:
            doc = MIGRATIONS[version](dict(doc))
        except (ValueError, TypeError, AttributeError) as exc:
            raise AssessmentError([Problem(file, "", f"cannot migrate version {version}: {exc}")]) from None
        version = doc["schema_version"]
    return doc


# ---- the Assessment -----------------------------------------------------------------------


class Assessment:
    """Answers to a bank, with metadata; the one object every view reads and writes.

    ``changed`` (a psygnal signal) is emitted with a :class:`Change` after every change.
    """

    changed = Signal(Change)

    def __init__(self, data: AssessmentFile, bank: Bank | None = None, path: str | Path | None = None):
        self.bank = bank if bank is not None else load_bank()
        self.data = data
        self.path = Path(path) if path is not None else None
        self.warnings: list[str] = []
        # a store this assessment saves to instead of a file (see Home); None: a file, or nowhere yet
        self.home: Home | None = None
        # the version of the file this object was read from or last saved (storage.signature)
        self._disk_signature: str | None = None
        self._check_against_bank(str(self.path or "<assessment>"))

    # ---- construction ---------------------------------------------------------------------
    @classmethod
    def new(
        cls,
        pilot: str,
        *,
        bank: Bank | str | Path | None = None,
        respondents: Iterable[str] = (),
        target: str | None = None,
        triage: Mapping[str, str] | None = None,
        path: str | Path | None = None,
        respondent: Respondent | Mapping[str, str] | None = None,
        business_unit: str | None = None,
        owner: str | None = None,
    ) -> Assessment:
        """A new, empty assessment for ``pilot`` (``respondent``: a team member's file)."""
        bank = _as_bank(bank)
        try:
            data = AssessmentFile(
                pilot=pilot,
                respondents=list(respondents),
                bank=BankRef(id=bank.id, version=bank.version),
                target=target,
                triage=dict(triage or {}),
                respondent=respondent,
                business_unit=business_unit or None,
                owner=owner or None,
            )
        except ValidationError as exc:
            raise AssessmentError(problems_from_validation(exc, str(path or "<new assessment>"))) from None
        return cls(data, bank, path)

    @classmethod
    def from_dict(
        cls, doc: Mapping[str, Any], *, bank: Bank | str | Path | None = None, file: str = "<assessment>"
    ) -> Assessment:
        """Validate (and migrate) a parsed assessment document."""
        if not isinstance(doc, Mapping):
            raise AssessmentError([Problem(file, "", "expected a JSON object at the top level")])
        doc = migrate(dict(doc), file)
        try:
            data = AssessmentFile.model_validate(doc)
        except ValidationError as exc:
            raise AssessmentError(problems_from_validation(exc, file)) from None
        if bank is None and data.bank.id != "default":
            raise AssessmentError(
                [
                    Problem(
                        file,
                        "bank.id",
                        f"made with bank {data.bank.id!r}; pass that bank file (--bank BANK.yaml)",
                    )
                ]
            )
        bank = _as_bank(bank)
        if data.bank.id != bank.id:
            raise AssessmentError(
                [Problem(file, "bank.id", f"made with bank {data.bank.id!r}, not {bank.id!r}")]
            )
        carried = _carry_over(data, bank, file)
        obj = cls(data if carried is None else carried[0], bank, file if file != "<assessment>" else None)
        if carried is not None:
            obj.warnings[:0] = [f"{file}: {m}" for m in carried[1]]
        return obj

    @classmethod
    def load(
        cls,
        path: str | Path,
        *,
        bank: Bank | str | Path | None = None,
        bank_for: Callable[[Mapping[str, Any]], Bank | None] | None = None,
    ) -> Assessment:
        """Read, migrate and validate an assessment file.

        ``bank_for(document)`` picks the bank from the parsed file when ``bank`` is not given
        (a folder of assessments made with several banks); ``None`` from it means the default.
        """
        file = Path(path)
        try:
            raw = read_regular_file(file, MAX_ASSESSMENT_BYTES)
        except FileReadError as exc:
            raise AssessmentError([Problem(str(file), "", exc.reason)]) from None
        sig = signature_of(raw)
        try:
            doc = parse_json(decode_utf8(raw))
        except NotTextError as exc:
            raise AssessmentError([Problem(str(file), "", exc.reason, exc.line)]) from None
        except JSONProblem as exc:
            raise AssessmentError([Problem(str(file), exc.path, exc.message, exc.line)]) from None
        try:
            if bank is None and bank_for is not None and isinstance(doc, Mapping):
                bank = bank_for(doc)
            obj = cls.from_dict(doc, bank=bank, file=str(file))
        except ReadinessError:
            raise
        except (ValueError, TypeError, OverflowError, RecursionError) as exc:  # never a bare traceback
            raise AssessmentError([Problem(str(file), "", f"cannot be read: {type(exc).__name__}: {str(exc)[:200]}")]) from None
        obj.path = file
        obj._disk_signature = sig
        return obj

    def _check_against_bank(self, file: str) -> None:
        answers = ((qid, a.value, a.evidence) for qid, a in self.data.answers.items())
        problems, unknown_triage = bank_problems(self.bank, self.data.triage, self.data.target, answers, file)
        if len(unknown_triage) == 1:
            self.warnings.append(f"{file}: triage.{unknown_triage[0]}: not in bank {self.bank.id!r}; kept, not used")
        elif unknown_triage:
            self.warnings.append(
                f"{file}: triage: {len(unknown_triage)} ids not in bank {self.bank.id!r}: "
                f"{_some(unknown_triage)}; kept, not used"
            )
        unknown = [qid for qid in self.data.answers if not self.bank.has_question(qid)]
        if self.data.respondent is not None and self.data.respondent.role not in self.bank.role_ids:
            problems.append(
                Problem(file, "respondent.role", f"expected one of the bank's roles {self.bank.role_ids}, got {self.data.respondent.role!r}")
            )
        for qid, agreed in self.data.agreements.items():
            if not self.bank.has_question(qid):
                unknown.append(qid)
            elif agreed.value == NA and not self.bank.question(qid).allow_na:
                problems.append(Problem(file, f"agreements.{qid}.value", "N/A is not allowed for this question"))
            elif agreed.evidence not in self.bank.question(qid).evidence_kinds:
                problems.append(Problem(file, f"agreements.{qid}.evidence", _unfit(self.bank, qid, agreed.evidence)))
        if problems:
            raise AssessmentError(problems)
        if unknown:
            msg = (
                f"{file}: answers: {len(unknown)} id(s) not in bank {self.bank.id!r} "
                f"{self.bank.version}: {_some(unknown)}; kept in the file, not scored"
            )
            self.warnings.append(msg)
            warnings.warn(msg, UnknownQuestionWarning, stacklevel=3)
        if self.data.bank.version != self.bank.version:
            self.warnings.append(
                f"{file}: bank.version: made with {self.data.bank.id} {self.data.bank.version}, "
                f"scored with {self.bank.version}"
            )

    # ---- metadata -------------------------------------------------------------------------
    @property
    def pilot(self) -> str:
        return self.data.pilot

    @pilot.setter
    def pilot(self, name: str) -> None:
        self.data = _replace(self.data, pilot=name)
        self._emit("meta")

    @property
    def respondents(self) -> list[str]:
        return list(self.data.respondents)

    @respondents.setter
    def respondents(self, names: Iterable[str]) -> None:
        self.data = _replace(self.data, respondents=[n for n in names if n])
        self._emit("meta")

    @property
    def business_unit(self) -> str | None:
        """The business unit the pilot belongs to (the portfolio filters on it)."""
        return self.data.business_unit

    @business_unit.setter
    def business_unit(self, name: str | None) -> None:
        self.data = _replace(self.data, business_unit=name or None)
        self._emit("meta")

    @property
    def owner(self) -> str | None:
        """Who is accountable for taking the pilot to production (the portfolio filters on it)."""
        return self.data.owner

    @owner.setter
    def owner(self, name: str | None) -> None:
        self.data = _replace(self.data, owner=name or None)
        self._emit("meta")

    @property
    def respondent(self) -> Respondent | None:
        """Who answers this file, in a team assessment (None: a single assessment)."""
        return self.data.respondent

    @property
    def role(self) -> str | None:
        return self.data.respondent.role if self.data.respondent is not None else None

    @property
    def agreements(self) -> dict[str, Agreement]:
        """A team's agreed answers (only a team's consensus file holds any)."""
        return self.data.agreements

    @property
    def target(self) -> str | None:
        return self.data.target

    @target.setter
    def target(self, profile: str | None) -> None:
        if profile is not None:
            self.bank.target(profile)
        self.data.target = profile
        self._touch()
        self._emit("meta")

    @property
    def triage(self) -> dict[str, str]:
        """Triage answers with the bank's defaults filled in."""
        return self.bank.triage_with_defaults(self.data.triage)

    @property
    def answers(self) -> dict[str, Answer]:
        return self.data.answers

    @property
    def unknown_ids(self) -> list[str]:
        return [qid for qid in self.data.answers if not self.bank.has_question(qid)]

    def set_triage(self, triage_id: str, value: str) -> None:
        options = [o.value for o in self.bank.triage_question(triage_id).options]
        if value not in options:
            raise AssessmentError(
                [Problem("<answer>", f"triage.{triage_id}", f"expected one of {options}, got {value!r}")]
            )
        self.data.triage[triage_id] = value
        self._touch()
        self._emit("triage")

    # ---- answers --------------------------------------------------------------------------
    def answer(
        self,
        question_id: str,
        value: int | str | None = ...,  # type: ignore[assignment]
        *,
        evidence: str | None = None,
        notes: str | None = None,
        links: Iterable[str] | None = None,
    ) -> Answer:
        """Set a question's level (0-4), ``"na"``, ``"dont_know"`` or ``None`` (unanswered).

        Only the arguments given change; the rest of the answer is kept.
        """
        question = self.bank.question(question_id)
        current = self.data.answers.get(question_id, Answer())
        update: dict[str, Any] = current.model_dump()
        if value is not ...:
            update["value"] = value
        if evidence is not None:
            update["evidence"] = evidence
        if notes is not None:
            update["notes"] = notes
        if links is not None:
            update["links"] = list(links)
        new = _checked(Answer, update, "answers", question_id, question.allow_na)
        if new.evidence not in question.evidence_kinds:
            raise AssessmentError([Problem("<answer>", f"answers.{question_id}.evidence", _unfit(self.bank, question_id, new.evidence))])
        if new == Answer():
            self.data.answers.pop(question_id, None)
        else:
            self.data.answers[question_id] = new
        self._touch()
        self._emit("answer", question_id)
        return new

    def agree(self, question_id: str, value: int | str, *, reason: str, by: str, evidence: str = "none") -> Agreement:
        """Record the answer the team agreed on for ``question_id``, who recorded it and why.

        It replaces an earlier agreement on the same question; the time is now.
        """
        question = self.bank.question(question_id)
        agreed = _checked(
            Agreement, {"value": value, "evidence": evidence, "reason": reason, "agreed_by": by},
            "agreements", question_id, question.allow_na,
        )
        self.data.agreements[question_id] = agreed
        self._touch()
        self._emit("agreement", question_id)
        return agreed

    def withdraw_agreement(self, question_id: str) -> None:
        """Forget the agreement on ``question_id``: the aggregate of the answers applies again."""
        if self.data.agreements.pop(question_id, None) is not None:
            self._touch()
            self._emit("agreement", question_id)

    def value(self, question_id: str) -> int | str | None:
        ans = self.data.answers.get(question_id)
        return ans.value if ans is not None else None

    def progress(self) -> tuple[int, int]:
        """(answered, applicable) over the questions that apply under the current triage
        (and, in a team member's file, that the bank asks of the member's role)."""
        role = self.role
        applicable = [q for q in self.bank.applicable_questions(self.data.triage) if self.bank.asks(q.id, role)]
        answered = sum(1 for q in applicable if self.value(q.id) is not None)
        return answered, len(applicable)

    def _touch(self) -> None:
        self.data.updated = _now()

    # ---- change signal ----------------------------------------------------------------------
    def _emit(self, kind: ChangeKind, *question_ids: str) -> None:
        self.changed.emit(Change(frozenset([kind]), question_ids))

    @contextlib.contextmanager
    def batch(self) -> Iterator[Assessment]:
        """Make several changes, announced as one :class:`Change` at the end.

        >>> with a.batch():                                   # doctest: +SKIP
        ...     a.answer("data.quality_checks", 3)
        ...     a.answer("data.lineage", 2)
        """
        with self.changed.paused(_merge):
            yield self

    # ---- persistence ----------------------------------------------------------------------
    def reload(self) -> None:
        """Replace this object's state with its file as it is on disk now (after a conflict).

        Views that show this assessment follow through :attr:`changed` (kind ``reload``). An
        assessment bound to a store (:attr:`home`) reloads the store's latest revision.
        """
        if self.home is not None:
            document, token = self.home.fetch()
            fresh = type(self).from_dict(document, bank=self.bank, file=self.home.describe())
            self.data, self.warnings = fresh.data, fresh.warnings
            self.home.reloaded(token)
            self._emit("reload")
            return
        if self.path is None:
            raise AssessmentError([Problem("<assessment>", "", "has no file to reload from")])
        fresh = type(self).load(self.path, bank=self.bank)
        self.data = fresh.data
        self.warnings = fresh.warnings
        self._disk_signature = fresh._disk_signature
        self._emit("reload")

    def to_dict(self) -> dict[str, Any]:
        return file_document(self.data)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def save(self, path: str | Path | None = None, *, force: bool = False) -> Any:
        """Write the file atomically (temp file, fsync, rename), under the file's lock; returns its path.

        An assessment bound to a store (:attr:`home`, from ``store.load()`` or ``store.bind()``)
        saves the next revision instead when no ``path`` is given, and returns that revision; a
        save based on a revision that is no longer the latest raises a subclass of
        :class:`AssessmentConflictError` (``force``: keep it as a new revision on top).

        Saving to the file this object was loaded from (or last saved to) is a compare-and-swap
        (:func:`~readiness_widgets.storage.save_if_unchanged`): if the file is no longer the
        version this object read, :class:`AssessmentConflictError` names both versions and
        nothing is written, unless ``force`` is true. Another path is written as given.
        """
        if path is None and self.home is not None:
            return self.home.save(self, force=force)
        target = Path(path) if path is not None else self.path
        if target is None:
            raise AssessmentError([Problem("<assessment>", "", "no path to save to; pass one")])
        expected = ANY if force or not self._is_own_path(target) else self._disk_signature
        text = self.to_json()
        try:
            try:
                sig = save_if_unchanged(target, text, expected, limit=MAX_ASSESSMENT_BYTES)
            except WriteConflict as exc:
                if exc.found is not None or exc.expected is None:
                    raise _conflict(target, exc) from None
                # the file was deleted since it was read: write it again, unless someone else did
                sig = save_if_unchanged(target, text, None, limit=MAX_ASSESSMENT_BYTES)
        except WriteConflict as exc:
            raise _conflict(target, exc) from None
        except (LockTimeout, FileReadError) as exc:
            raise AssessmentError([Problem(str(target), "", f"cannot write: {exc.reason}")]) from None
        except OSError as exc:
            raise AssessmentError([Problem(str(target), "", f"cannot write: {exc.strerror or exc}")]) from None
        self.path = target
        self._disk_signature = sig
        return target

    def _is_own_path(self, target: Path) -> bool:
        """``target`` is the file this object was loaded from or saved to (however it is spelled)."""
        if self.path is None:
            return False
        try:
            return target.resolve() == self.path.resolve()
        except OSError:
            return target == self.path

    def __repr__(self) -> str:
        answered, applicable = self.progress()
        return f"<Assessment {self.pilot!r}: {answered} of {applicable} answered, bank {self.bank.id} {self.bank.version}>"


def _conflict(target: Path, exc: WriteConflict) -> AssessmentConflictError:
    """The refused save, naming the version this copy was read from and the one on disk."""
    on_disk = f"version {exc.found[:12]}" if exc.found else "no file"
    updated = _updated_on_disk(target) if exc.found else None
    if updated:
        on_disk += f", updated {updated}"
    if exc.expected is None:
        message = f"the file on disk ({on_disk}) was not read by this copy, which would overwrite it"
    else:
        message = f"changed on disk since it was read: the file is now {on_disk}; this copy was read from version {exc.expected[:12]}"
    error = AssessmentConflictError(
        [Problem(str(target), "", f"{message}. Reload it, or save with force=True to overwrite it")]
    )
    error.expected, error.found = exc.expected, exc.found
    return error


def _updated_on_disk(target: Path) -> str | None:
    """The ``updated`` stamp of the file on disk, for the conflict message (None if unreadable)."""
    try:
        doc = json.loads(read_regular_file(target, MAX_ASSESSMENT_BYTES))
    except (FileReadError, ValueError, RecursionError):
        return None
    stamp = doc.get("updated") if isinstance(doc, dict) else None
    return stamp if isinstance(stamp, str) and len(stamp) <= 40 else None


MAX_LISTED = 20  # ids named in one warning; the rest are counted


def _some(ids: list[str], most: int = MAX_LISTED) -> str:
    """``a, b, c`` or, for a long list, the first ``most`` then ``and N more``."""
    shown = ", ".join(ids[:most])
    return shown if len(ids) <= most else f"{shown} and {len(ids) - most:,} more"


def _replace(data: AssessmentFile, **changes) -> AssessmentFile:
    doc = data.model_dump()
    doc.update(changes)
    doc["updated"] = _now()
    try:
        return AssessmentFile.model_validate(doc)
    except ValidationError as exc:
        raise AssessmentError(problems_from_validation(exc, "<assessment>")) from None


def _checked(model: type[BaseModel], data: dict[str, Any], field: str, question_id: str, allow_na: bool):
    """``data`` validated as ``model`` (an answer or an agreement on ``question_id``), with the
    problems named ``<field>.<question_id>.<path>``; N/A only where the question allows it."""
    where = f"<{field[:-1]}>"
    try:
        checked = model.model_validate(data)
    except ValidationError as exc:
        raise AssessmentError(
            Problem(where, f"{field}.{question_id}.{p.path}", p.message) for p in problems_from_validation(exc, where)
        ) from None
    if checked.value == NA and not allow_na:
        raise AssessmentError([Problem(where, f"{field}.{question_id}.value", "N/A is not allowed for this question")])
    return checked


def bank_problems(bank: Bank, triage: Mapping[str, str], target: str | None,
              answers: Iterable[tuple[str, Any, str]], file: str) -> tuple[list[Problem], list[str]]:
    """What makes an assessment's triage answers, target profile and answers (question, value,
    evidence kind) invalid for ``bank``, and the triage ids it does not know (kept, not used).

    The one rule for a parsed assessment and for a revision read from a store's answer tables
    (:class:`~readiness_widgets.pilots.StorePilots` parses the document when there are problems).
    """
    problems = []
    unknown_triage = []
    for tid, value in triage.items():
        try:
            options = [o.value for o in bank.triage_question(tid).options]
        except KeyError:
            unknown_triage.append(tid)
            continue
        if value not in options:
            problems.append(Problem(file, f"triage.{tid}", f"expected one of {options}, got {value!r}"))
    if target is not None:
        try:
            bank.target(target)
        except KeyError as exc:
            problems.append(Problem(file, "target", str(exc.args[0])))
    for qid, value, evidence in answers:
        if not bank.has_question(qid):
            continue
        if value == NA and not bank.question(qid).allow_na:
            problems.append(Problem(file, f"answers.{qid}.value", "N/A is not allowed for this question"))
        elif evidence not in bank.question(qid).evidence_kinds:
            problems.append(Problem(file, f"answers.{qid}.evidence", _unfit(bank, qid, evidence)))
    return problems, unknown_triage


def _unfit(bank: Bank, question_id: str, kind: str) -> str:
    kinds = bank.question(question_id).evidence_kinds
    return f"{kind!r} evidence does not fit this question; it accepts {', '.join(kinds)}"


def _carry_over(data: AssessmentFile, bank: Bank, file: str) -> tuple[AssessmentFile, list[str]] | None:
    """``data`` with its answers carried over to ``bank``'s version (the bank's ``migrations``), or None."""
    if data.bank.version == bank.version or not bank.migrations:
        return None
    answers = {qid: a.model_dump() for qid, a in data.answers.items()}
    carried = carry_over(answers, data.bank.version, bank)
    if carried is None:
        return None
    doc = data.model_dump()
    doc["answers"], doc["bank"] = carried[0], {"id": bank.id, "version": bank.version}
    agreements = carry_over_agreements({q: a.model_dump() for q, a in data.agreements.items()}, data.bank.version, bank)
    doc["agreements"] = agreements or {}
    try:
        return AssessmentFile.model_validate(doc), carried[1]
    except ValidationError as exc:
        raise AssessmentError(problems_from_validation(exc, file)) from None


def _as_bank(bank: Bank | str | Path | None) -> Bank:
    if isinstance(bank, Bank):
        return bank
    return load_bank(bank)

