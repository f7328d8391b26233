"""Scoring with pandas and numpy: dimension scores, coverage, weakest link, verdict and gaps.

The rules (also in the README):

* A level's score is the bank's score for that level (0-4 by default), multiplied by the
  evidence credit: ``automated`` keeps it whole, ``manual`` and ``none`` keep less (bank
  ``scoring.evidence_credit``).
* A dimension's score is the weighted mean over the questions that apply and were answered.
  N/A and unanswered questions are left out of the denominator; "don't know" scores 0 and is
  flagged. Coverage is the share of applicable questions answered (N/A and "don't know" count
  as answered).
* Overall: the weighted mean of the dimension scores and the weakest link (the minimum). A
  dimension with nothing answered has no score (NaN) and counts as 0 in both.
* Verdict against the target: a dimension blocks when it is more than ``conditions_margin``
  below target or its coverage is below ``min_coverage``; it is a condition when it is below
  target by less than that, or not fully answered. Any blocker: ``not_ready``; else any
  condition: ``ready_with_conditions``; else ``ready``.

Single assessments and :func:`score_many` share one vectorized core (:func:`_core`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .bank import EVIDENCE_KINDS, Bank, ResolvedTarget, load_bank

if TYPE_CHECKING:  # pragma: no cover
    from .assessment import Assessment

NA_CODE = -1.0
DONT_KNOW_CODE = -2.0
STATUSES = ("ready", "ready_with_conditions", "not_ready")


# ---- bank arrays (cached per bank) ---------------------------------------------------------


@dataclass(frozen=True)
class BankArrays:
    question_ids: list[str]
    dimension_ids: list[str]
    qdim: np.ndarray  # (q,) dimension index of each question
    weights: np.ndarray  # (q,)
    onehot: np.ndarray  # (q, d) 1.0 where question belongs to dimension
    weighted_onehot: np.ndarray  # (q, d) weight where question belongs to dimension
    dim_weights: np.ndarray  # (d,)
    score_table: np.ndarray  # (q, 5) score of each level
    identity_scores: bool
    credit: dict[str, float]
    column: dict[str, int]


def bank_arrays(bank: Bank) -> BankArrays:
    """Numpy arrays of a bank, built once per bank."""
    return bank.cached("scoring.arrays", _build_arrays)


def _build_arrays(bank: Bank) -> BankArrays:
    qids = [q.id for q in bank.questions]
    dims = bank.dimension_ids
    qdim = np.array([dims.index(q.dimension) for q in bank.questions])
    weights = np.array([q.weight for q in bank.questions], dtype=float)
    onehot = np.zeros((len(qids), len(dims)))
    onehot[np.arange(len(qids)), qdim] = 1.0
    table = np.array([q.level_scores for q in bank.questions], dtype=float)
    credit = bank.scoring.evidence_credit.model_dump()
    return BankArrays(
        question_ids=qids,
        dimension_ids=dims,
        qdim=qdim,
        weights=weights,
        onehot=onehot,
        weighted_onehot=onehot * weights[:, None],
        dim_weights=np.array([d.weight for d in bank.dimensions], dtype=float),
        score_table=table,
        identity_scores=bool((table == np.arange(5.0)).all()),
        credit=credit,
        column={q: i for i, q in enumerate(qids)},
    )


# ---- the vectorized core ------------------------------------------------------------------


@dataclass
class CoreResult:
    effective: np.ndarray  # (n, q) evidence-weighted score of each answer (0 where none)
    scored: np.ndarray  # (n, q) bool: applies and counts in the denominator
    answered: np.ndarray  # (n, q) bool: applies and has any answer (level, na, dont_know)
    score: np.ndarray  # (n, d) dimension scores, NaN where nothing was scored
    coverage: np.ndarray  # (n, d)
    applicable: np.ndarray  # (n, d) count of applicable questions
    mean: np.ndarray  # (n,)
    weakest: np.ndarray  # (n,)
    weakest_index: np.ndarray  # (n,)


def _core(arr: BankArrays, levels: np.ndarray, credit: np.ndarray | float, applies: np.ndarray) -> CoreResult:
    """Score ``n`` assessments at once.

    ``levels`` (n, q): 0-4, NaN unanswered, -1 N/A, -2 don't know. ``credit`` (n, q) or a
    scalar: evidence credit per answer. ``applies`` (n, q) or (q,) bool.
    """
    has_level = levels >= 0  # NaN compares false
    dont_know = levels == DONT_KNOW_CODE
    if arr.identity_scores:
        raw = np.where(has_level, levels, 0.0)
    else:
        idx = np.where(has_level, levels, 0).astype(np.intp)
        raw = np.where(has_level, arr.score_table[np.arange(levels.shape[1]), idx], 0.0)
    effective = raw * credit
    scored = (has_level | dont_know) & applies
    answered = (has_level | dont_know | (levels == NA_CODE)) & applies
    num = np.where(scored, effective, 0.0) @ arr.weighted_onehot
    den = scored @ arr.weighted_onehot
    with np.errstate(invalid="ignore", divide="ignore"):
        score = num / den
        applicable = (np.broadcast_to(applies, levels.shape)) @ arr.onehot
        coverage = np.where(applicable > 0, (answered @ arr.onehot) / np.maximum(applicable, 1), 1.0)
    filled = np.nan_to_num(score, nan=0.0)
    mean = filled @ arr.dim_weights / arr.dim_weights.sum()
    weakest_index = filled.argmin(axis=1)
    weakest = filled[np.arange(len(filled)), weakest_index]
    return CoreResult(effective, scored, answered, score, coverage, applicable, mean, weakest, weakest_index)


def _verdict_arrays(bank: Bank, score: np.ndarray, coverage: np.ndarray, applicable: np.ndarray, targets: np.ndarray):
    """(status codes (n,), blocking (n, d), condition (n, d)); status 0 ready, 1 conditions, 2 not."""
    s = bank.scoring
    gap = targets - np.nan_to_num(score, nan=0.0)
    has_questions = applicable > 0
    blocking = has_questions & ((gap > s.conditions_margin + 1e-9) | (coverage < s.min_coverage - 1e-9))
    condition = has_questions & ~blocking & ((gap > 1e-9) | (coverage < 1 - 1e-9))
    status = np.where(blocking.any(axis=1), 2, np.where(condition.any(axis=1), 1, 0))
    return status, blocking, condition, gap


# ---- single assessment ----------------------------------------------------------------------


@dataclass
class Verdict:
    status: str
    blockers: list[str]
    blocking_questions: list[str]
    conditions: list[str]
    reasons: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return {"ready": "Ready", "ready_with_conditions": "Ready with conditions", "not_ready": "Not ready"}[self.status]

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "blockers": list(self.blockers),
            "blocking_questions": list(self.blocking_questions),
            "conditions": list(self.conditions),
            "reasons": list(self.reasons),
        }


@dataclass
class Scores:
    """Everything scoring knows about one assessment; every view renders this one object."""

    bank: Bank
    pilot: str
    target: ResolvedTarget
    questions: pd.DataFrame
    dimensions: pd.DataFrame
    mean: float
    weakest: float
    weakest_dimension: str
    verdict: Verdict

    def dimension_gaps(self) -> pd.DataFrame:
        """Per dimension: target minus current, worst first."""
        cols = ["title", "score", "target", "gap", "coverage", "status"]
        return self.dimensions[cols].sort_values(["gap", "coverage"], ascending=[False, True], kind="stable")

    def question_gaps(self) -> pd.DataFrame:
        """Per applicable question below its dimension's target, worst (weighted) first."""
        q = self.questions
        out = q[q["applies"] & (q["gap"] > 1e-9)]
        cols = ["dimension", "text", "status", "level", "evidence", "effective", "target", "gap", "weight", "weighted_gap"]
        return out.sort_values(["weighted_gap", "gap"], ascending=False, kind="stable")[cols]

    def to_dict(self) -> dict[str, Any]:
        dims = []
        for did, row in self.dimensions.iterrows():
            dims.append(
                {
                    "id": did,
                    "title": row["title"],
                    "score": _num(row["score"]),
                    "target": _num(row["target"]),
                    "gap": _num(row["gap"]),
                    "coverage": _num(row["coverage"]),
                    "status": row["status"],
                }
            )
        return {
            "pilot": self.pilot,
            "bank": {"id": self.bank.id, "version": self.bank.version},
            "target": {"profile": self.target.profile, "levels": self.target.levels, "reasons": self.target.reasons},
            "dimensions": dims,
            "overall": {"mean": _num(self.mean), "weakest": _num(self.weakest), "weakest_dimension": self.weakest_dimension},
            "verdict": self.verdict.to_dict(),
        }


def _num(x) -> float | None:
    return None if x is None or (isinstance(x, float) and np.isnan(x)) else round(float(x), 3)


def _encode(value) -> float:
    if value is None:
        return np.nan
    if value == "na":
        return NA_CODE
    if value == "dont_know":
        return DONT_KNOW_CODE
    return float(value)


def score(assessment: Assessment, target: str | None = None) -> Scores:
    """Score one assessment against ``target`` (else its own target, else the triage's)."""
    bank = assessment.bank
    arr = bank_arrays(bank)
    answers = assessment.answers
    levels = np.array([[_encode(answers[q].value) if q in answers else np.nan for q in arr.question_ids]])
    evidence = [answers[q].evidence if q in answers else "none" for q in arr.question_ids]
    credit = np.array([[arr.credit[e] for e in evidence]])
    triage = assessment.triage
    applies = np.array([bank.applies(q, triage) for q in arr.question_ids])
    core = _core(arr, levels, credit, applies)
    resolved = bank.resolve_target(target or assessment.target, triage)
    tvec = np.array([[resolved.levels[d] for d in arr.dimension_ids]])
    status, blocking, condition, gap = _verdict_arrays(bank, core.score, core.coverage, core.applicable, tvec)

    qtarget = tvec[0][arr.qdim]
    effective = np.where(core.scored[0], core.effective[0], np.nan)
    qstatus = []
    for qid, a in zip(arr.question_ids, applies, strict=True):
        v = answers[qid].value if qid in answers else None
        qstatus.append(
            "not_applicable" if not a else "unanswered" if v is None else "na" if v == "na" else "dont_know" if v == "dont_know" else "answered"
        )
    qgap = np.where(np.isin(qstatus, ["answered", "dont_know", "unanswered"]), qtarget - np.nan_to_num(effective, nan=0.0), 0.0)
    qgap = np.clip(qgap, 0, None)
    questions = pd.DataFrame(
        {
            "dimension": [bank.dimension_ids[i] for i in arr.qdim],
            "text": [q.text for q in bank.questions],
            "applies": applies,
            "status": qstatus,
            "level": pd.array([v if isinstance(v, (int, np.integer)) and v >= 0 else pd.NA for v in (_level(answers, q) for q in arr.question_ids)], dtype="Int64"),
            "evidence": evidence,
            "effective": effective,
            "weight": arr.weights,
            "target": qtarget,
            "gap": qgap,
            "weighted_gap": qgap * arr.weights,
            "flagged": [s == "dont_know" for s in qstatus],
        },
        index=pd.Index(arr.question_ids, name="question"),
    )
    dim_status = np.where(blocking[0], "blocker", np.where(condition[0], "condition", "ok"))
    answered_counts = core.answered[0] @ arr.onehot
    dk_counts = (levels[0] == DONT_KNOW_CODE) @ arr.onehot
    dimensions = pd.DataFrame(
        {
            "title": [d.title for d in bank.dimensions],
            "weight": arr.dim_weights,
            "score": core.score[0],
            "target": tvec[0],
            "gap": gap[0],
            "coverage": core.coverage[0],
            "answered": answered_counts.astype(int),
            "applicable": core.applicable[0].astype(int),
            "dont_know": dk_counts.astype(int),
            "status": dim_status,
        },
        index=pd.Index(arr.dimension_ids, name="dimension"),
    )
    verdict = _verdict(bank, questions, dimensions, STATUSES[[0, 1, 2].index(int(status[0]))], resolved)
    return Scores(
        bank=bank,
        pilot=assessment.pilot,
        target=resolved,
        questions=questions,
        dimensions=dimensions,
        mean=float(core.mean[0]),
        weakest=float(core.weakest[0]),
        weakest_dimension=arr.dimension_ids[int(core.weakest_index[0])],
        verdict=verdict,
    )


def _level(answers, qid):
    a = answers.get(qid)
    return a.value if a is not None and isinstance(a.value, int) else None


def _verdict(bank: Bank, questions: pd.DataFrame, dims: pd.DataFrame, status: str, target: ResolvedTarget) -> Verdict:
    s = bank.scoring
    blockers = [d for d in dims.index if dims.at[d, "status"] == "blocker"]
    conditions_dims = [d for d in dims.index if dims.at[d, "status"] == "condition"]
    reasons, conditions = [], []
    for d in blockers:
        row = dims.loc[d]
        if row["coverage"] < s.min_coverage:
            reasons.append(f"{row['title']}: only {row['answered']} of {row['applicable']} questions answered (coverage {row['coverage']:.0%} < {s.min_coverage:.0%})")
        else:
            reasons.append(f"{row['title']}: {_fmt(row['score'])} is {row['gap']:.2f} below the target {row['target']:g}")
    for d in conditions_dims:
        row = dims.loc[d]
        if row["gap"] > 1e-9:
            conditions.append(f"{row['title']}: {_fmt(row['score'])} is {row['gap']:.2f} below the target {row['target']:g}")
        else:
            conditions.append(f"{row['title']}: {row['applicable'] - row['answered']} question(s) still unanswered")
    q = questions
    in_blocking = q[q["dimension"].isin(blockers) & q["applies"] & (q["gap"] > 1e-9)]
    blocking_questions = list(in_blocking.sort_values(["weighted_gap", "gap"], ascending=False, kind="stable").index)
    return Verdict(status, blockers, blocking_questions, conditions, reasons)


def _fmt(x: float) -> str:
    return "not assessed" if pd.isna(x) else f"{x:.2f}"


# ---- many assessments -----------------------------------------------------------------------


def score_many(
    answers: pd.DataFrame,
    bank: Bank | None = None,
    *,
    evidence: pd.DataFrame | None = None,
    triage: pd.DataFrame | None = None,
    target: str | None = None,
) -> pd.DataFrame:
    """Score many assessments at once, with no Python loop per assessment.

    ``answers`` has one row per assessment and one column per question id: a level 0-4, NaN
    (unanswered), ``-1`` or ``"na"`` (N/A), ``-2`` or ``"dont_know"``. Missing columns are
    unanswered. ``evidence`` has the same shape with ``none`` / ``manual`` / ``automated``
    (default ``none``). ``triage`` has one column per triage id (default: the bank's defaults).

    Returns one row per assessment: ``score_<dim>``, ``coverage_<dim>``, ``gap_<dim>``,
    ``mean``, ``weakest``, ``weakest_dimension``, ``status``.

    >>> frame = pd.DataFrame({"data.pipeline_reliability": [1, 3]})  # doctest: +SKIP
    >>> score_many(frame)[["mean", "status"]]  # doctest: +SKIP
    """
    bank = bank if bank is not None else load_bank()
    arr = bank_arrays(bank)
    unknown = [c for c in answers.columns if c not in arr.column]
    if unknown:
        raise ValueError(f"score_many: answers has columns that are not questions of bank {bank.id!r}: {', '.join(map(str, unknown[:10]))}")
    levels = _levels_matrix(answers, arr)
    n = len(levels)
    if evidence is None:
        credit: np.ndarray | float = arr.credit["none"]
    else:
        credit = _credit_matrix(evidence, arr, n)
    dims = arr.dimension_ids
    if triage is None:
        applies = np.array([bank.applies(q) for q in arr.question_ids])
        resolved = bank.resolve_target(target)
        targets = np.broadcast_to(np.array([resolved.levels[d] for d in dims]), (n, len(dims)))
    else:
        applies, targets = _triage_matrices(bank, arr, triage, target, n)
    if (levels > 4).any() or ((levels < 0) & (levels != NA_CODE) & (levels != DONT_KNOW_CODE)).any():
        raise ValueError("score_many: levels must be 0-4, NaN, -1 (na) or -2 (dont_know)")
    core = _core(arr, levels, credit, applies)
    status, _, _, gap = _verdict_arrays(bank, core.score, core.coverage, core.applicable, targets)
    out: dict[str, Any] = {}
    for j, d in enumerate(dims):
        out[f"score_{d}"] = core.score[:, j]
    for j, d in enumerate(dims):
        out[f"coverage_{d}"] = core.coverage[:, j]
    for j, d in enumerate(dims):
        out[f"gap_{d}"] = gap[:, j]
    out["mean"] = core.mean
    out["weakest"] = core.weakest
    out["weakest_dimension"] = pd.Categorical.from_codes(core.weakest_index, categories=dims)
    out["status"] = pd.Categorical.from_codes(status, categories=list(STATUSES))
    return pd.DataFrame(out, index=answers.index)


def _levels_matrix(answers: pd.DataFrame, arr: BankArrays) -> np.ndarray:
    n, q = len(answers), len(arr.question_ids)
    if list(answers.columns) == arr.question_ids and all(np.issubdtype(t, np.number) for t in answers.dtypes.unique()):
        return answers.to_numpy(dtype=float, na_value=np.nan)
    levels = np.full((n, q), np.nan)
    for col in answers.columns:
        s = answers[col]
        if s.dtype == object or isinstance(s.dtype, pd.StringDtype):
            s = s.replace({"na": NA_CODE, "dont_know": DONT_KNOW_CODE})
        try:
            levels[:, arr.column[col]] = pd.to_numeric(s, errors="raise").to_numpy(dtype=float, na_value=np.nan)
        except (ValueError, TypeError):
            raise ValueError(f"score_many: column {col!r} holds values that are not levels 0-4, 'na' or 'dont_know'") from None
    return levels


def _credit_matrix(evidence: pd.DataFrame, arr: BankArrays, n: int) -> np.ndarray:
    if len(evidence) != n:
        raise ValueError("score_many: evidence must have one row per assessment")
    credit = np.full((n, len(arr.question_ids)), arr.credit["none"])
    mapping = {k: arr.credit[k] for k in EVIDENCE_KINDS}
    for col in evidence.columns:
        if col not in arr.column:
            raise ValueError(f"score_many: evidence column {col!r} is not a question")
        mapped = evidence[col].map(mapping)
        bad = mapped.isna() & evidence[col].notna()
        if bad.any():
            raise ValueError(f"score_many: evidence column {col!r} must hold none, manual or automated")
        credit[:, arr.column[col]] = mapped.fillna(arr.credit["none"]).to_numpy(dtype=float)
    return credit


def _triage_matrices(bank: Bank, arr: BankArrays, triage: pd.DataFrame, target: str | None, n: int):
    """Applicability and targets per row, computed once per distinct triage combination."""
    if len(triage) != n:
        raise ValueError("score_many: triage must have one row per assessment")
    ids = [t.id for t in bank.triage]
    unknown = [c for c in triage.columns if c not in ids]
    if unknown:
        raise ValueError(f"score_many: triage columns not in bank: {', '.join(unknown)}")
    filled = pd.DataFrame({t.id: (triage[t.id] if t.id in triage else pd.Series(t.default, index=triage.index)).fillna(t.default).astype(str).to_numpy() for t in bank.triage})
    codes, uniques = pd.MultiIndex.from_frame(filled).factorize() if len(ids) else (np.zeros(n, dtype=int), [()])
    app_rows, tgt_rows = [], []
    for combo in uniques:
        answers = dict(zip(ids, combo, strict=True))
        for tid, value in answers.items():
            opts = [o.value for o in bank.triage_question(tid).options]
            if value not in opts:
                raise ValueError(f"score_many: triage {tid!r} has value {value!r}, expected one of {opts}")
        app_rows.append([bank.applies(q, answers) for q in arr.question_ids])
        resolved = bank.resolve_target(target, answers)
        tgt_rows.append([resolved.levels[d] for d in arr.dimension_ids])
    return np.array(app_rows)[codes], np.array(tgt_rows)[codes]


def answers_frame(assessments) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(answers, evidence, triage) frames for :func:`score_many` from Assessment objects."""
    assessments = list(assessments)
    if not assessments:
        raise ValueError("answers_frame: no assessments given")
    bank = assessments[0].bank
    arr = bank_arrays(bank)
    index = pd.Index([a.pilot for a in assessments], name="pilot")
    levels = [[_encode(a.answers[q].value) if q in a.answers else np.nan for q in arr.question_ids] for a in assessments]
    evidence = [[a.answers[q].evidence if q in a.answers else "none" for q in arr.question_ids] for a in assessments]
    triage = [a.triage for a in assessments]
    return (
        pd.DataFrame(levels, columns=arr.question_ids, index=index),
        pd.DataFrame(evidence, columns=arr.question_ids, index=index),
        pd.DataFrame(triage, index=index),
    )
