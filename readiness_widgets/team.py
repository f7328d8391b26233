"""Team assessments: each respondent answers in a file of their own; the engine combines them.

A **team folder** holds one pilot's team assessment::

    churn-team/
      consensus.json      the team's file: pilot, bank, triage, target, and the agreed answers
      ana.json            one file per respondent: name, role, answers, evidence, notes
      ben.json

Every file is an assessment file (``schema_version`` 3): a respondent's has ``respondent``
(name and role), the consensus file has ``agreements`` (the answers its facilitator recorded as
agreed, with who, when and why). Files are read through the folder machinery
(:class:`~readiness_widgets.portfolio.AssessmentFolder`: names confined to the folder, regular
files only, bounded reads) and written with the locked compare-and-swap save of
:mod:`readiness_widgets.storage`.

Per question, :func:`aggregate` combines the levels of the respondents who were asked it (the
bank's ``ask_roles``) with the bank's ``team.aggregate`` method (median, min or mean), measures
the spread (max - min, and the IQR), counts answers, N/A and "don't know" apart, and flags
**disagreements**: levels ``team.spread_flag`` (2) or more apart, "don't know" beside a level
``team.dont_know_flag`` (3) or higher, or evidence that is both the strongest and the weakest kind
(automated and none). Per dimension it measures agreement with Krippendorff's alpha for ordinal
data. :func:`merge` turns the aggregate, overridden by the agreed answers, into an ordinary
:class:`~readiness_widgets.assessment.Assessment`, which the engine scores like any other.

>>> team = TeamFolder("churn-team").load()                         # doctest: +SKIP
>>> agg = aggregate(team)                                          # doctest: +SKIP
>>> agg.questions.loc[agg.questions["flagged"], ["spread", "reasons"]]   # doctest: +SKIP
>>> merge(team).save("team.json")                                  # doctest: +SKIP
"""

from __future__ import annotations

import os
import re
import unicodedata
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .assessment import DONT_KNOW, NA, Assessment, Respondent
from .bank import EVIDENCE_KINDS, Bank, load_bank
from .errors import InputError, Problem, ReadinessError
from .portfolio import AssessmentFolder, FolderError
from .scoring import DONT_KNOW_CODE, NA_CODE, bank_arrays, score_many

CONSENSUS = "consensus.json"
METHODS = ("median", "min", "mean")
REASONS = {
    "spread": "levels {low:g} to {high:g} differ by {spread:g}",
    "dont_know": "don't know beside level {high:g}",
    "evidence": "evidence conflicts: a sign-off or a running check beside none",
}
MAX_NOTES = 20_000


class TeamError(InputError):
    """A team folder that cannot be used as asked: empty, two files for one respondent, mixed banks."""

    def __init__(self, problems: Iterable[Problem]):
        super().__init__("team folder", problems)


# ---- the folder -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Team:
    """One pilot's team assessment as read from its folder: the consensus file and the members."""

    folder: Path
    consensus: Assessment
    members: tuple[Assessment, ...]  # sorted by name, case-insensitive

    @property
    def bank(self) -> Bank:
        return self.consensus.bank

    @property
    def pilot(self) -> str:
        return self.consensus.pilot

    @property
    def names(self) -> list[str]:
        return [m.respondent.name for m in self.members]

    def member(self, name: str) -> Assessment:
        for m in self.members:
            if _same_name(m.respondent.name, name):
                return m
        raise KeyError(f"no respondent {name!r} in {self.folder}")


def slug(name: str) -> str:
    """A file name stem for a respondent's name: ``"Ana María"`` -> ``ana-maria``."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60] or "respondent"


def _ours(name: str) -> bool:
    """A lock or temporary file our saves leave beside a file (``.NAME.lock``, ``.NAME.XXXXXXXX.tmp``)."""
    return name.startswith(".") and name.endswith((".lock", ".tmp"))


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


class TeamFolder:
    """A team folder on disk: read it (:meth:`load`), open a member's file, record agreements.

    The folder is the unit the issue's "shared store" can later hold: each file is one document
    keyed by (pilot, respondent) or (pilot, consensus), saved by compare-and-swap.
    """

    def __init__(self, folder: str | Path, *, bank: Bank | None = None):
        self.folder = Path(folder).expanduser()
        if not self.folder.is_dir():
            raise TeamError([Problem(str(self.folder), "", "not a team folder (make one with: readiness team new FOLDER --pilot NAME)")])
        self.files = AssessmentFolder(self.folder, bank=bank)
        self.bank = bank

    # ---- creating ---------------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        folder: str | Path,
        pilot: str,
        *,
        bank: Bank | str | Path | None = None,
        target: str | None = None,
        triage: Mapping[str, str] | None = None,
    ) -> TeamFolder:
        """Make a team folder (new, or an existing empty folder) with its consensus file."""
        folder = Path(folder).expanduser()
        if folder.exists() and (not folder.is_dir() or any(not _ours(p.name) for p in folder.iterdir())):
            raise TeamError([Problem(str(folder), "", "exists and is not an empty folder; pick a new folder for the team")])
        bank = bank if isinstance(bank, Bank) else load_bank(bank)
        consensus = Assessment.new(pilot, bank=bank, target=target, triage=triage)
        folder.mkdir(parents=True, exist_ok=True)
        consensus.save(folder / CONSENSUS)
        return cls(folder, bank=bank)

    # ---- reading ----------------------------------------------------------------------------
    @property
    def consensus_path(self) -> Path:
        return self.files.resolve(CONSENSUS)

    def _load(self, name: str) -> Assessment:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # unknown ids: kept in the object's warnings
                return self.files.load(name)
        except ReadinessError as exc:
            problems = getattr(exc, "problems", None) or [Problem(name, "", str(exc))]
            raise TeamError(problems) from None

    def load(self, *, require_members: bool = True) -> Team:
        """Read the consensus file and every respondent's file; :class:`TeamError` on bad input.

        Bad input: an empty folder, no consensus file, a file that is not a respondent's, two
        files claiming one respondent, a file on another bank or bank version than the
        consensus file, and (with ``require_members``) no respondent file at all.
        """
        try:
            names = self.files.names()
        except FolderError as exc:
            raise TeamError(exc.problems) from None
        where = str(self.folder)
        if not names:
            raise TeamError([Problem(where, "", "empty folder: no consensus.json and no respondent file (make one with: readiness team new)")])
        if CONSENSUS not in names:
            raise TeamError([Problem(where, CONSENSUS, "missing: this is not a team folder (make one with: readiness team new)")])
        consensus = self._load(CONSENSUS)
        if consensus.respondent is not None:
            raise TeamError([Problem(str(self.folder / CONSENSUS), "respondent", "the consensus file must not name a respondent")])
        bank = consensus.bank
        members: list[Assessment] = []
        seen: dict[str, str] = {}
        for name in names:
            if name == CONSENSUS:
                continue
            a = self._load(name)
            path = str(self.folder / name)
            if a.respondent is None:
                raise TeamError([Problem(path, "respondent", "missing: every file of a team folder but consensus.json is one respondent's")])
            if a.agreements:
                raise TeamError([Problem(path, "agreements", "only consensus.json records agreements")])
            if (a.data.bank.id, a.data.bank.version) != (consensus.data.bank.id, consensus.data.bank.version):
                raise TeamError([Problem(
                    path, "bank",
                    f"answered with bank {a.data.bank.id} {a.data.bank.version}, but the team uses "
                    f"{consensus.data.bank.id} {consensus.data.bank.version} (consensus.json)",
                )])
            if a.bank is not bank:
                a.bank = bank  # one bank object for the whole team (the same id and version)
            key = " ".join(a.respondent.name.split()).casefold()
            if key in seen:
                raise TeamError([Problem(
                    where, "respondent.name",
                    f"two files claim respondent {a.respondent.name!r}: {seen[key]} and {name}; keep one file per respondent",
                )])
            seen[key] = name
            members.append(a)
        if require_members and not members:
            raise TeamError([Problem(where, "", "no respondent has answered yet (open the form with assess(FOLDER, respondent=NAME, role=ROLE))")])
        members.sort(key=lambda m: (m.respondent.name.casefold(), m.respondent.name))
        return Team(self.folder, consensus, tuple(members))

    # ---- a respondent's file ------------------------------------------------------------------
    def member_file(self, name: str, team: Team | None = None) -> Path:
        """The file of respondent ``name``: theirs if it exists, else a free ``<slug>.json``."""
        team = team or self.load(require_members=False)
        for m in team.members:
            if _same_name(m.respondent.name, name):
                return m.path
        taken = {n.casefold() for n in self.files.names()}
        stem = slug(name)
        candidate, k = f"{stem}.json", 2
        while candidate.casefold() in taken or candidate == CONSENSUS:
            candidate, k = f"{stem}-{k}.json", k + 1
        return self.files.resolve(candidate)

    def open_member(self, name: str, role: str, *, assessment_class: type[Assessment] = Assessment) -> Assessment:
        """The file of respondent ``name`` answering as ``role``: loaded, or made and saved now.

        The role is a bank role (id or title). A respondent who already answers in another role
        is refused, never moved: their file is theirs.
        """
        name = " ".join(str(name).split())
        if not name:
            raise TeamError([Problem(str(self.folder), "respondent", "expected a name")])
        team = self.load(require_members=False)
        try:
            role_id = team.bank.role(role).id
        except KeyError as exc:
            raise TeamError([Problem(str(self.folder), "role", str(exc))]) from None
        path = self.member_file(name, team)
        for m in team.members:
            if m.path == path:
                if m.respondent.role != role_id:
                    raise TeamError([Problem(str(path), "respondent.role", f"{m.respondent.name} answers as {m.respondent.role}, not {role_id}")])
                return assessment_class.load(path, bank=team.bank)
        c = team.consensus
        a = assessment_class.new(
            c.pilot,
            bank=team.bank,
            respondents=[name],
            target=c.target,
            triage=c.data.triage,
            path=path,
            respondent=Respondent(name=name, role=role_id),
        )
        a.save()  # compare-and-swap from "no file": never over someone else's
        return a

    def open_consensus(self, *, assessment_class: type[Assessment] = Assessment) -> Assessment:
        """The consensus file, to record agreements in (a compare-and-swap save, as every file)."""
        return assessment_class.load(self.consensus_path, bank=self.load(require_members=False).bank)


# ---- the vectorised core --------------------------------------------------------------------


def _take(sorted_: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``sorted_[..., index, q]`` along the respondent axis (the last but one), NaN where index < 0."""
    idx = np.clip(index, 0, sorted_.shape[-2] - 1)[..., None, :]
    out = np.take_along_axis(sorted_, idx, axis=-2)[..., 0, :]
    return np.where(index >= 0, out, np.nan)


def _combine(sorted_: np.ndarray, n: np.ndarray, total: np.ndarray, method: str) -> tuple[np.ndarray, np.ndarray]:
    """(exact value, level) of the values sorted along the respondent axis, ``n`` of them valid."""
    if method == "median":
        low = _take(sorted_, (n - 1) // 2)
        return (low + _take(sorted_, n // 2)) / 2, low  # the level: the lower middle answer
    if method == "min":
        low = _take(sorted_, np.where(n > 0, 0, -1))
        return low, low
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, total / np.maximum(n, 1), np.nan)
    return mean, np.ceil(mean - 0.5)  # the nearest level, halves down


def _quantile(sorted_: np.ndarray, n: np.ndarray, p: float) -> np.ndarray:
    """Linear-interpolated quantile (numpy's default) of the ``n`` valid sorted values."""
    pos = p * np.maximum(n - 1, 0)
    lo = np.floor(pos).astype(np.intp)
    frac = pos - lo
    lo = np.where(n > 0, lo, -1)
    a, b = _take(sorted_, lo), _take(sorted_, np.where(n > 0, np.minimum(lo + 1, n - 1), -1))
    return a + frac * (b - a)


def aggregate_arrays(
    levels: np.ndarray,
    evidence: np.ndarray | None = None,
    asked: np.ndarray | None = None,
    *,
    method: str = "median",
    spread_flag: int = 2,
    dont_know_flag: int = 3,
) -> dict[str, np.ndarray]:
    """Combine answers over the respondent axis, for any number of teams at once.

    ``levels`` is (..., respondents, questions): 0-4, NaN unanswered, -1 N/A, -2 don't know.
    ``evidence`` (same shape) holds indexes into ``EVIDENCE_KINDS``; ``asked`` (broadcastable)
    is False where the bank does not ask a respondent's role the question: that answer is
    ignored. Returns arrays of shape (..., questions): ``value`` (the exact aggregate),
    ``level`` (the level the team assessment takes), ``code`` (its answer: a level, -2 don't
    know, -1 N/A, NaN none), ``evidence`` (an index, -1 with no level), ``low``, ``high``,
    ``spread``, ``iqr``, the counts ``answered`` (a level), ``na``, ``dont_know``,
    ``unanswered`` and ``asked``, and the flags ``spread_flag``, ``dont_know_flag``,
    ``evidence_flag`` and ``flagged``. One sort along the respondent axis, no Python loop.
    """
    if method not in METHODS:
        raise ValueError(f"team aggregate: expected one of {', '.join(METHODS)}, got {method!r}")
    levels = np.asarray(levels, dtype=float)
    if asked is not None:
        asked = np.broadcast_to(np.asarray(asked, dtype=bool), levels.shape)
        levels = np.where(asked, levels, np.nan)
        n_asked = asked.sum(axis=-2)
    else:
        n_asked = np.full(levels.shape[:-2] + levels.shape[-1:], levels.shape[-2])
    has_level = levels >= 0
    lv = np.where(has_level, levels, np.nan)
    s = np.sort(lv, axis=-2)  # NaN sort last
    n = has_level.sum(axis=-2)
    total = np.where(has_level, levels, 0.0).sum(axis=-2)
    value, level = _combine(s, n, total, method)
    low = s[..., 0, :]
    high = _take(s, n - 1)
    na = (levels == NA_CODE).sum(axis=-2)
    dk = (levels == DONT_KNOW_CODE).sum(axis=-2)
    unanswered = n_asked - n - na - dk
    code = np.where(n > 0, level, np.where(dk > 0, DONT_KNOW_CODE, np.where(na > 0, NA_CODE, np.nan)))
    spread = high - low
    out = {
        "value": value,
        "level": level,
        "code": code,
        "low": low,
        "high": high,
        "spread": spread,
        "iqr": _quantile(s, n, 0.75) - _quantile(s, n, 0.25),
        "answered": n,
        "na": na,
        "dont_know": dk,
        "unanswered": unanswered,
        "asked": n_asked,
    }
    spread_hit = spread >= spread_flag  # NaN compares False
    dk_hit = (dk > 0) & (high >= dont_know_flag)
    if evidence is not None:
        ev = np.where(has_level, np.asarray(evidence, dtype=float), np.nan)
        es = np.sort(ev, axis=-2)
        e_total = np.where(has_level, ev, 0.0).sum(axis=-2)
        _, e_level = _combine(es, n, e_total, method)
        out["evidence"] = np.where(n > 0, e_level, -1).astype(np.int8)
        strong = EVIDENCE_KINDS.index("reviewed")  # reviewed or automated: backs level 3 and above
        ev_hit = (es[..., 0, :] == 0) & (_take(es, n - 1) >= strong)
    else:
        out["evidence"] = np.where(n > 0, 0, -1).astype(np.int8)
        ev_hit = np.zeros_like(spread_hit)
    out["spread_flag"] = spread_hit
    out["dont_know_flag"] = dk_hit
    out["evidence_flag"] = ev_hit
    out["flagged"] = spread_hit | dk_hit | ev_hit
    return out


# ---- agreement: Krippendorff's alpha (ordinal) -------------------------------------------------


def ordinal_alpha(levels: np.ndarray) -> float | None:
    """Krippendorff's alpha for ordinal data over (raters, units) levels 0-4 (NaN: no level).

    None when it is not defined: fewer than two levels on any one unit (nothing pairable), or
    every level the same (no variation to measure agreement against). Computed by the
    ``krippendorff`` package from the units' value counts.
    """
    import krippendorff

    lv = np.asarray(levels, dtype=float)
    valid = ~np.isnan(lv)
    counts = np.stack([((lv == k) & valid).sum(axis=0) for k in range(5)], axis=1)  # (units, 5)
    pairable = counts.sum(axis=1) >= 2
    if not pairable.any():
        return None
    counts = counts[pairable]
    if (counts.sum(axis=0) > 0).sum() < 2:
        return None
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = krippendorff.alpha(value_counts=counts, value_domain=[0, 1, 2, 3, 4], level_of_measurement="ordinal")
    return None if alpha is None or np.isnan(alpha) else float(alpha)


# ---- one team ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamAggregate:
    """What :func:`aggregate` computes for one team (pandas frames, indexed by question id).

    ``questions``: per question ``value``, ``level``, ``answer`` (the combined answer: a level,
    ``na``, ``dont_know`` or None), ``evidence``, ``low``, ``high``, ``spread``, ``iqr``, the
    counts ``answered``, ``na``, ``dont_know``, ``unanswered``, ``asked``, ``applies``, the
    flags, ``flagged``, ``reasons`` (a tuple of sentences) and ``agreed`` (the recorded
    agreement or None). ``levels``/``evidence``: respondents (rows) x questions, each answer
    as given (levels as scoring codes, NaN where not answered or not asked). ``member_scores``
    and ``role_scores``: dimension scores of each respondent's and each role's answers, under
    the team's triage. ``agreement``: per dimension, Krippendorff's ordinal ``alpha`` (NaN when
    undefined), ``raters`` (respondents with a level there) and ``units`` (questions answered
    with a level by two or more).
    """

    method: str
    questions: pd.DataFrame
    levels: pd.DataFrame
    evidence: pd.DataFrame
    member_scores: pd.DataFrame
    role_scores: pd.DataFrame
    agreement: pd.DataFrame

    @property
    def disagreements(self) -> pd.DataFrame:
        """The flagged questions that apply: open ones first, then the widest spread."""
        q = self.questions[self.questions["flagged"] & self.questions["applies"]]
        order = q.assign(_open=q["agreed"].isna(), _spread=q["spread"].fillna(0))
        order = order.sort_values(["_open", "_spread"], ascending=[False, False], kind="stable")
        return q.loc[order.index]


def _encode(value: Any) -> float:
    if value is None:
        return np.nan
    if value == NA:
        return NA_CODE
    if value == DONT_KNOW:
        return DONT_KNOW_CODE
    return float(value)


def _answer_of(code: float) -> int | str | None:
    if np.isnan(code):
        return None
    if code == NA_CODE:
        return NA
    if code == DONT_KNOW_CODE:
        return DONT_KNOW
    return int(code)


def _objects(values: Iterable[Any], index: Sequence[str]) -> pd.Series:
    """A column of Python objects as given: None stays None (pandas would infer strings with NaN)."""
    items = list(values)
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return pd.Series(out, index=pd.Index(index, name="question"), dtype=object)


def member_arrays(team: Team) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(levels, evidence codes, asked) of the team's members, each (respondents, questions)."""
    arr = bank_arrays(team.bank)
    qids = arr.question_ids
    levels = np.array(
        [[_encode(m.answers[q].value) if q in m.answers else np.nan for q in qids] for m in team.members], dtype=float
    ).reshape(len(team.members), len(qids))
    evidence = np.array(
        [[EVIDENCE_KINDS.index(m.answers[q].evidence) if q in m.answers else 0 for q in qids] for m in team.members],
        dtype=np.int8,
    ).reshape(len(team.members), len(qids))
    asked = np.array([team.bank.asked_mask(m.role) for m in team.members], dtype=bool).reshape(len(team.members), len(qids))
    return levels, evidence, asked


def _reasons(flags: Mapping[str, np.ndarray], i: int) -> tuple[str, ...]:
    out = []
    if flags["spread_flag"][i]:
        out.append(REASONS["spread"].format(low=flags["low"][i], high=flags["high"][i], spread=flags["spread"][i]))
    if flags["dont_know_flag"][i]:
        out.append(REASONS["dont_know"].format(high=flags["high"][i]))
    if flags["evidence_flag"][i]:
        out.append(REASONS["evidence"])
    return tuple(out)


def _scores_of(bank: Bank, levels: np.ndarray, evidence: np.ndarray, index: Sequence[str], triage: Mapping[str, str], target: str | None) -> pd.DataFrame:
    """Dimension scores (rows: ``index``) of answer rows, under one triage (``score_many``)."""
    arr = bank_arrays(bank)
    dims = arr.dimension_ids
    if not len(index):
        return pd.DataFrame(columns=dims, dtype=float)
    idx = pd.RangeIndex(len(index))
    answers = pd.DataFrame(levels, columns=arr.question_ids, index=idx)
    kinds = pd.DataFrame(np.asarray(EVIDENCE_KINDS, dtype=object)[np.clip(evidence, 0, None)], columns=arr.question_ids, index=idx)
    tri = pd.DataFrame([dict(triage)] * len(index), index=idx) if bank.triage else None
    scored = score_many(answers, bank, evidence=kinds, triage=tri, target=target)
    out = scored[[f"score_{d}" for d in dims]]
    out.columns = dims
    out.index = pd.Index(list(index), name="respondent")
    return out


def aggregate(team: Team) -> TeamAggregate:
    """Combine the team's answers per question (see the module's text); nothing is written."""
    bank = team.bank
    settings = bank.team
    arr = bank_arrays(bank)
    qids = arr.question_ids
    levels, evidence, asked = member_arrays(team)
    flags = aggregate_arrays(
        levels, evidence, asked, method=settings.aggregate, spread_flag=settings.spread_flag, dont_know_flag=settings.dont_know_flag
    )
    agreements = team.consensus.agreements
    applies = np.array(bank.applies_mask(team.consensus.triage))
    questions = pd.DataFrame(
        {
            "dimension": [bank.dimension_ids[i] for i in arr.qdim],
            "text": [q.text for q in bank.questions],
            "applies": applies,
            "value": flags["value"],
            "level": pd.array([None if np.isnan(x) else int(x) for x in flags["level"]], dtype="Int64"),
            "answer": _objects([_answer_of(c) for c in flags["code"]], qids),
            "evidence": _objects([EVIDENCE_KINDS[e] if e >= 0 else None for e in flags["evidence"]], qids),
            "low": flags["low"],
            "high": flags["high"],
            "spread": flags["spread"],
            "iqr": flags["iqr"],
            **{k: flags[k].astype(int) for k in ("answered", "na", "dont_know", "unanswered", "asked")},
            **{k: flags[k] for k in ("spread_flag", "dont_know_flag", "evidence_flag", "flagged")},
            "reasons": _objects([_reasons(flags, i) for i in range(len(qids))], qids),
            "agreed": _objects([agreements.get(q) for q in qids], qids),
        },
        index=pd.Index(qids, name="question"),
    )
    names = team.names
    masked = np.where(asked, levels, np.nan)
    level_frame = pd.DataFrame(masked, index=pd.Index(names, name="respondent"), columns=qids)
    evidence_frame = pd.DataFrame(
        np.where(asked & ~np.isnan(levels), np.asarray(EVIDENCE_KINDS, dtype=object)[evidence], None),
        index=pd.Index(names, name="respondent"),
        columns=qids,
        dtype=object,
    )
    triage, target = team.consensus.triage, team.consensus.target
    member_scores = _scores_of(bank, masked, evidence, names, triage, target)
    roles = [r for r in bank.role_ids if any(m.role == r for m in team.members)]
    role_rows = []
    for r in roles:
        pick = np.array([m.role == r for m in team.members])
        part = aggregate_arrays(levels[pick], evidence[pick], asked[pick], method=settings.aggregate)
        role_rows.append((part["code"], np.clip(part["evidence"], 0, None)))
    role_titles = [next(x.title for x in bank.roles if x.id == r) for r in roles]
    role_scores = _scores_of(
        bank,
        np.array([c for c, _ in role_rows]).reshape(len(roles), len(qids)),
        np.array([e for _, e in role_rows], dtype=np.int8).reshape(len(roles), len(qids)),
        role_titles,
        triage,
        target,
    )
    role_scores.index.name = "role"
    level_only = np.where(masked >= 0, masked, np.nan)[:, applies]
    dims_of = arr.qdim[applies]
    rows = []
    for k, d in enumerate(arr.dimension_ids):
        block = level_only[:, dims_of == k]
        alpha = ordinal_alpha(block) if block.size else None
        rows.append(
            {
                "dimension": d,
                "alpha": np.nan if alpha is None else alpha,
                "raters": int((~np.isnan(block)).any(axis=1).sum()) if block.size else 0,
                "units": int(((~np.isnan(block)).sum(axis=0) >= 2).sum()) if block.size else 0,
            }
        )
    agreement = pd.DataFrame(rows).set_index("dimension")
    return TeamAggregate(settings.aggregate, questions, level_frame, evidence_frame, member_scores, role_scores, agreement)


def aggregate_many(levels: np.ndarray, evidence: np.ndarray | None, bank: Bank, asked: np.ndarray | None = None) -> pd.DataFrame:
    """Aggregate many teams at once: ``levels`` (teams, respondents, questions) in bank order.

    Returns one row per (team, question): the combined ``value``, ``level``, ``spread``,
    ``iqr``, the counts and ``flagged``. What ``benchmarks/bench_team.py`` times.
    """
    arr = bank_arrays(bank)
    s = bank.team
    flags = aggregate_arrays(levels, evidence, asked, method=s.aggregate, spread_flag=s.spread_flag, dont_know_flag=s.dont_know_flag)
    teams = levels.shape[0]
    index = pd.MultiIndex.from_product([range(teams), arr.question_ids], names=["team", "question"])
    cols = ("value", "level", "spread", "iqr", "answered", "na", "dont_know", "flagged")
    return pd.DataFrame({c: flags[c].reshape(-1) for c in cols}, index=index, copy=False)


# ---- the team assessment ------------------------------------------------------------------------


def _label(value: Any) -> str:
    return {None: "unanswered", NA: "N/A", DONT_KNOW: "don't know"}.get(value, f"level {value}")


def merge(team: Team, aggregated: TeamAggregate | None = None, *, assessment_class: type[Assessment] = Assessment) -> Assessment:
    """The team assessment: the aggregate of each question, or the agreed answer where one is recorded.

    An ordinary assessment (no respondent, no agreements) on the team's bank, triage and
    target: ``score``, ``report``, ``gate`` and ``roadmap`` take it like any other. Each answer's
    notes say where it came from (the method and every respondent's answer, or who agreed,
    when and why), followed by the respondents' own notes.
    """
    agg = aggregated or aggregate(team)
    c = team.consensus
    merged = assessment_class.new(
        c.pilot,
        bank=team.bank,
        respondents=[m.respondent.label for m in team.members],
        target=c.target,
        triage=c.data.triage,
    )
    q = agg.questions
    with merged.batch():
        for qid in q.index:
            agreed = q.at[qid, "agreed"]
            given = [(m.respondent.name, m.answers[qid]) for m in team.members if qid in m.answers and team.bank.asks(qid, m.role)]
            own_notes = "; ".join(f"{name}: {a.notes}" for name, a in given if a.notes)
            links = list(dict.fromkeys(link for _, a in given for link in a.links))[:50]
            if agreed is not None:
                source = f"Agreed by {agreed.agreed_by} on {agreed.agreed_at:%Y-%m-%d}: {agreed.reason}"
                value, evidence = agreed.value, agreed.evidence
            else:
                value, evidence = q.at[qid, "answer"], q.at[qid, "evidence"]
                evidence = evidence if isinstance(evidence, str) else "none"
                if value is None:
                    continue
                answers = ", ".join(f"{name} {_label(a.value)}" for name, a in given)
                source = f"Team {agg.method} of {len(given)}: {answers}"
            notes = (source + (f". {own_notes}" if own_notes else ""))[:MAX_NOTES]
            evidence = team.bank.question(qid).fitting_evidence(evidence)  # a median of kinds may not fit
            merged.answer(qid, value, evidence=evidence, notes=notes, links=links)
    stamps = [m.data for m in (c, *team.members)]
    merged.data.created = min(d.created for d in stamps)
    merged.data.updated = max(d.updated for d in stamps)
    merged.warnings.extend(w for m in (c, *team.members) for w in m.warnings)
    return merged


def is_team_folder(path: str | Path) -> bool:
    """Whether ``path`` is a folder holding a ``consensus.json`` (a team folder)."""
    p = Path(path)
    return p.is_dir() and os.path.lexists(p / CONSENSUS)


__all__ = [
    "CONSENSUS",
    "Team",
    "TeamAggregate",
    "TeamError",
    "TeamFolder",
    "aggregate",
    "aggregate_arrays",
    "aggregate_many",
    "is_team_folder",
    "merge",
    "ordinal_alpha",
    "slug",
]
