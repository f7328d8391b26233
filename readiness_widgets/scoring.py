"""Scoring with pandas and numpy: dimension scores, coverage, knock-outs, weakest link, verdict and gaps.

The rules (also in the README, "How scoring works"):

* **Evidence caps the level counted.** Each kind of evidence can back a claim up to a level
  (bank ``scoring.evidence_cap``; default: none 1, manual 2, reviewed 4, automated 4). An answer
  counts as ``min(level, cap of its evidence)``; its score is the bank's score of that level
  (0-4 by default), times the bank's ``scoring.evidence_credit`` for the kind (1.0 in the
  default bank).
* A dimension's score is the weighted mean over the questions that apply and are not N/A.
  **Unanswered questions count as 0, like "don't know"**: skipping never scores better than
  admitting you do not know. Coverage is the share of applicable questions answered (N/A and
  "don't know" count as answered). A dimension where nothing is answered has no score to show
  (NaN) and counts as 0; one where every applicable question is N/A (or none applies) has
  nothing to score and is left out of the overall figures and of the verdict.
* Overall: the weighted mean of the dimension scores and the weakest link (the minimum).
* **Knock-outs**: a question with a floor for the target profile (``floor:`` in the bank, or a
  triage rule's ``floor``) whose counted level is below it, or which is unanswered or "don't
  know", makes the verdict ``not_ready`` whatever the averages say.
* Verdict against the target: a dimension blocks when it is more than ``conditions_margin``
  below target or its coverage is below ``min_coverage``; it is a condition when it is below
  target by less than that, or its coverage is below ``ready_coverage``. Any blocker, knock-out
  or triage rule with ``verdict: not_ready``: ``not_ready``; else any condition or triage rule
  with ``verdict: ready_with_conditions``: ``ready_with_conditions``; else ``ready``.

Single assessments and :func:`score_many` share one vectorized core (:func:`_core`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from .bank import EVIDENCE_KINDS, Bank, ResolvedTarget, load_bank
from .conditions import condition_names

if TYPE_CHECKING:  # pragma: no cover
    from .assessment import Assessment

NA = "na"
DONT_KNOW = "dont_know"
NA_CODE = -1.0
DONT_KNOW_CODE = -2.0
STATUSES = ("ready", "ready_with_conditions", "not_ready")
_KINDS = pd.Index(EVIDENCE_KINDS)


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
    credit_table: np.ndarray  # (4,) credit of none, manual, reviewed, automated
    cap_table: np.ndarray  # (4,) the highest level each kind of evidence backs
    column: dict[str, int]
    no_na: np.ndarray  # (q,) bool: N/A is not allowed
    applies_default: np.ndarray  # (q,) bool: applies under the default triage

    @property
    def full_credit(self) -> bool:
        return bool((self.credit_table == 1.0).all())


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
    caps = bank.scoring.evidence_cap.model_dump()
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
        credit_table=np.array([credit[k] for k in EVIDENCE_KINDS]),
        cap_table=np.array([caps[k] for k in EVIDENCE_KINDS], dtype=float),
        column={q: i for i, q in enumerate(qids)},
        no_na=np.array([not q.allow_na for q in bank.questions]),
        applies_default=np.array([bank.applies(q.id) for q in bank.questions]),
    )


def floor_vector(bank: Bank, target: ResolvedTarget) -> np.ndarray:
    """(q,) the knock-out floor of each question under ``target``, NaN where there is none (memoised)."""
    key = ("scoring.floors", tuple(sorted(target.floors.items())))
    return bank.cached(key, lambda b: np.array([float(target.floors.get(q.id, np.nan)) for q in b.questions]))


# ---- the vectorized core ------------------------------------------------------------------


@dataclass
class CoreResult:
    score: np.ndarray  # (n, d) dimension scores, NaN where nothing was answered
    coverage: np.ndarray  # (n, d) share of applicable questions answered
    answered: np.ndarray  # (n, d) count of applicable questions answered (level, na, dont_know)
    applicable: np.ndarray  # (n, d) count of applicable questions
    mean: np.ndarray  # (n,)
    weakest: np.ndarray  # (n,)
    weakest_index: np.ndarray  # (n,)
    void: np.ndarray  # (n, d) bool: nothing to score (all N/A, or no question applies)
    knocked: np.ndarray  # (n,) bool: some applicable question is below its floor


_CHUNK_ROWS = 1024  # rows scored per pass: the temporaries stay in the CPU cache


def _core(
    arr: BankArrays,
    levels: np.ndarray,
    applies: np.ndarray,
    evidence: np.ndarray | None = None,
    *,
    check: bool = False,
    applicable: np.ndarray | None = None,
    floors: np.ndarray | None = None,
) -> CoreResult:
    """Score ``n`` assessments at once: a few elementwise passes and three matrix products.

    ``levels`` (n, q): 0-4, NaN unanswered, -1 N/A, -2 don't know. ``applies`` (q,) or (n, q)
    bool (with (n, q), ``applicable`` (n, d) may give the counts already). ``evidence`` (n, q)
    small ints indexing ``EVIDENCE_KINDS``, or None for ``none`` everywhere. ``floors`` (q,) or
    (n, q): each question's knock-out floor, NaN for none. With ``check``, raise ``ValueError``
    on any other level, or on N/A where a question does not allow it. Rows are taken in blocks
    of ``_CHUNK_ROWS`` (a loop over blocks, not over assessments): no (n, q) temporary is
    allocated and each block's temporaries stay in the CPU cache.
    """
    n, q = levels.shape
    d = len(arr.dimension_ids)
    sums = np.empty((n, 4 * d))  # weighted score sum | weighted count not N/A | count answered | count with a level or don't know
    knocked = np.zeros(n, dtype=bool)
    per_row = applies.ndim == 2
    if per_row:
        weighted, counting = arr.weighted_onehot, arr.onehot
        if applicable is None:
            applicable = applies.astype(float) @ arr.onehot
    else:  # one triage for all: fold applicability into the weights
        keep = applies.astype(float)[:, None]
        weighted, counting = arr.weighted_onehot * keep, arr.onehot * keep
        applicable = np.broadcast_to(applies.astype(float) @ arr.onehot, (n, d))
    rows = min(n, _CHUNK_ROWS)
    order = "F" if levels.flags.f_contiguous and not levels.flags.c_contiguous else "C"  # as the input

    def buffer(dtype=float):
        return np.empty((rows, q), dtype=dtype, order=order)

    points, counted, answered = buffer(), buffer(), buffer()
    is_answered, is_na, has_level, low = buffer(bool), buffer(bool), buffer(bool), buffer(bool)
    scratch, flags = (buffer(), buffer(bool)) if check else (None, None)
    floors_rows = floors is not None and floors.ndim == 2
    if floors is not None and not floors_rows:  # one triage: a question that does not apply has no floor
        floors = np.where(applies, floors, np.nan)
        if not (floors < np.inf).any():
            floors = None  # no question has a floor
    for i in range(0, n, _CHUNK_ROWS):
        j = min(n, i + _CHUNK_ROWS)
        c = j - i
        block = levels[i:j]
        p, s, a, fin, na, has = points[:c], counted[:c], answered[:c], is_answered[:c], is_na[:c], has_level[:c]
        np.isfinite(block, out=fin)
        np.equal(block, NA_CODE, out=na)
        if check:
            _check_block(block, fin, na, scratch[:c], flags[:c], arr, i)
        if per_row:  # an answer to a question that does not apply is ignored
            fin &= applies[i:j]
            na &= applies[i:j]
        np.greater_equal(block, 0, out=has)
        np.copyto(p, block)
        p[~has] = 0.0
        caps = arr.cap_table[evidence[i:j]] if evidence is not None else arr.cap_table[0]
        np.minimum(p, caps, out=p)  # the level counted: no higher than the evidence backs
        if floors is not None:  # knock-outs: below the floor (>= 1), unanswered or don't know (both 0 here)
            lo = low[:c]
            np.less(p, floors[i:j] if floors_rows else floors, out=lo)
            np.greater(lo, na, out=lo)  # and not N/A
            if per_row:
                lo &= applies[i:j]
            knocked[i:j] = lo.any(axis=1)
        if not arr.identity_scores:
            p[...] = np.where(has, arr.score_table[np.arange(q), p.astype(np.intp)], 0.0)
        if evidence is not None and not arr.full_credit:
            p *= arr.credit_table[evidence[i:j]]
        elif evidence is None and arr.credit_table[0] != 1.0:
            p *= arr.credit_table[0]
        np.copyto(a, fin)
        np.logical_not(na, out=has)  # every question that is not N/A counts in the denominator
        if per_row:
            has &= applies[i:j]
            p *= has  # 0 where the question does not apply
        np.copyto(s, has)
        sums[i:j, :d] = p @ weighted
        sums[i:j, d : 2 * d] = s @ weighted
        sums[i:j, 2 * d : 3 * d] = a @ counting
        a *= s  # answered with a level or "don't know"
        sums[i:j, 3 * d :] = a @ counting
    num, den, answered_count, assessed = sums[:, :d], sums[:, d : 2 * d], sums[:, 2 * d : 3 * d], sums[:, 3 * d :]
    with np.errstate(invalid="ignore", divide="ignore"):
        # nothing answered yet (or only N/A with the rest open): no score to show, it counts as 0
        score = np.where((den > 1e-12) & (assessed > 0.5), num / np.where(den > 1e-12, den, 1.0), np.nan)
        coverage = np.where(applicable > 0, answered_count / np.maximum(applicable, 1), 1.0)
    void = den <= 1e-12  # nothing to score (all N/A, or nothing applies): left out below
    filled = np.where(np.isnan(score), 0.0, score)
    counted_w = np.where(void, 0.0, arr.dim_weights)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (filled * counted_w).sum(axis=1) / counted_w.sum(axis=1)  # NaN only when every dimension is void
    ranked = np.where(void, np.inf, filled)
    weakest_index = ranked.argmin(axis=1) if d else np.zeros(n, dtype=np.intp)
    weakest = np.where(void.all(axis=1), np.nan, filled[np.arange(n), weakest_index])
    return CoreResult(score, coverage, np.rint(answered_count), applicable, mean, weakest, weakest_index, void, knocked)


def _check_block(
    block: np.ndarray, answered: np.ndarray, na: np.ndarray, scratch: np.ndarray, flags: np.ndarray, arr: BankArrays, offset: int
) -> None:
    """Raise ``ValueError`` unless every value is NaN or an integer in -2..4 allowed for its question."""
    n_answered = np.count_nonzero(answered)
    if n_answered:
        np.rint(block, out=scratch)
        mismatched = np.count_nonzero(np.not_equal(scratch, block, out=flags))  # NaN never equals itself
        lo, hi = np.fmin.reduce(block, axis=None), np.fmax.reduce(block, axis=None)
        if mismatched != block.size - n_answered or lo < DONT_KNOW_CODE or hi > 4:
            bad = (block != np.rint(block)) | (block < DONT_KNOW_CODE) | (block > 4)
            bad &= ~np.isnan(block)
            row, col = (int(x[0]) for x in np.nonzero(bad))
            raise ValueError(
                f"score_many: levels must be 0-4, NaN, -1 or 'na' (N/A), -2 or 'dont_know'; "
                f"row {offset + row}, column {arr.question_ids[col]!r} holds {block[row, col]!r}"
            )
    if arr.no_na.any() and np.count_nonzero(np.logical_and(na, arr.no_na, out=flags)):
        row, col = (int(x[0]) for x in np.nonzero(flags))
        raise ValueError(f"score_many: N/A given for question {arr.question_ids[col]!r} (row {offset + row}), which does not allow it")


def _verdict_arrays(
    bank: Bank,
    core: CoreResult,
    targets: np.ndarray,
    blocked: np.ndarray | bool = False,
    conditioned: np.ndarray | bool = False,
):
    """(status codes (n,), blocking (n, d), condition (n, d), gap (n, d)); status 0 ready, 1 conditions, 2 not.

    ``blocked`` / ``conditioned``: per row, a triage rule limits the verdict. The gap of a void
    dimension (nothing to score) is NaN, and it neither blocks nor conditions.
    """
    s = bank.scoring
    score, coverage = core.score, core.coverage
    gap = np.where(core.void, np.nan, targets - np.where(np.isnan(score), 0.0, score))
    has_questions = ~core.void
    blocking = has_questions & ((gap > s.conditions_margin + 1e-9) | (coverage < s.min_coverage - 1e-9))
    condition = has_questions & ~blocking & ((gap > 1e-9) | (coverage < s.ready_coverage - 1e-9))
    not_ready = blocking.any(axis=1) | core.knocked | blocked
    status = np.where(not_ready, 2, np.where(condition.any(axis=1) | conditioned, 1, 0))
    return status, blocking, condition, gap


# ---- single assessment ----------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """ready / ready_with_conditions / not_ready, with the blocking dimensions and questions named."""

    status: str
    blockers: tuple[str, ...]  # the blocking dimensions
    blocking_questions: tuple[str, ...]  # knock-outs first, then the questions of blocking dimensions
    conditions: tuple[str, ...]
    reasons: tuple[str, ...] = ()  # why it is not ready: triage rules, knock-outs, dimensions
    knockouts: tuple[str, ...] = ()  # the questions below their floor, worst first

    @property
    def label(self) -> str:
        return {"ready": "Ready", "ready_with_conditions": "Ready with conditions", "not_ready": "Not ready"}[self.status]

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "blockers": list(self.blockers),
            "knockouts": list(self.knockouts),
            "blocking_questions": list(self.blocking_questions),
            "conditions": list(self.conditions),
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class Scores:
    """What the engine computes for one assessment: the question and dimension frames, overall
    figures and the verdict. Views render :class:`readiness_widgets.result.Result`, which holds this."""

    bank: Bank
    pilot: str
    target: ResolvedTarget
    questions: pd.DataFrame
    dimensions: pd.DataFrame
    mean: float
    weakest: float
    weakest_dimension: str
    verdict: Verdict
    triage: Mapping[str, str] = field(default_factory=dict)  # the triage answers scored with, defaults filled in

    def dimension_gaps(self) -> pd.DataFrame:
        """Per dimension: target minus current, worst first."""
        cols = ["title", "score", "target", "gap", "coverage", "status"]
        return self.dimensions[cols].sort_values(["gap", "coverage"], ascending=[False, True], kind="stable")

    def question_gaps(self) -> pd.DataFrame:
        """Per applicable question below its dimension's target, worst (weighted) first."""
        q = self.questions
        out = q[q["applies"] & (q["gap"] > 1e-9)]
        cols = ["dimension", "text", "status", "level", "evidence", "credited", "effective", "target", "gap", "weight", "weighted_gap"]
        return out.sort_values(["weighted_gap", "gap"], ascending=False, kind="stable")[cols]

    def to_csv(self, table: Literal["dimensions", "questions"] = "dimensions") -> str:
        """The dimension (or question) table as CSV, numbers to 3 decimals: what
        ``readiness score --format csv`` prints and the dashboard's downloads hold."""
        if table not in ("dimensions", "questions"):
            raise ValueError(f"table: expected 'dimensions' or 'questions', got {table!r}")
        return getattr(self, table).to_csv(float_format="%.3f")

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
    codes = np.array([[EVIDENCE_KINDS.index(e) for e in evidence]], dtype=np.int8)
    triage = assessment.triage
    applies = np.array(bank.applies_mask(triage))
    if assessment.role is not None:  # a team member's file: the questions the bank asks of the role
        applies &= np.array(bank.asked_mask(assessment.role))
    resolved = bank.resolve_target(target or assessment.target, triage)
    floors = floor_vector(bank, resolved)
    core = _core(arr, levels, applies, codes, floors=floors)
    tvec = np.array([[resolved.levels[d] for d in arr.dimension_ids]])
    status, blocking, condition, gap = _verdict_arrays(
        bank, core, tvec, blocked=bool(resolved.blocks), conditioned=bool(resolved.conditions)
    )

    qtarget = tvec[0][arr.qdim]
    row = levels[0]
    has_level = row >= 0
    credited = np.where(has_level, np.minimum(np.where(has_level, row, 0), arr.cap_table[codes[0]]), np.nan)
    index = np.where(has_level, credited, 0).astype(np.intp)
    points = np.where(has_level, arr.score_table[np.arange(len(row)), index] * arr.credit_table[codes[0]], 0.0)
    qstatus = []
    for qid, a in zip(arr.question_ids, applies, strict=True):
        v = answers[qid].value if qid in answers else None
        qstatus.append(
            "not_applicable" if not a else "unanswered" if v is None else "na" if v == "na" else "dont_know" if v == "dont_know" else "answered"
        )
    qstatus = np.array(qstatus)
    scored = np.isin(qstatus, ["answered", "dont_know", "unanswered"])
    effective = np.where(scored, points, np.nan)  # don't know and unanswered count as 0
    qgap = np.clip(np.where(scored, qtarget - points, 0.0), 0, None)
    knocked = scored & (np.where(has_level, credited, -1.0) < floors)
    questions = pd.DataFrame(
        {
            "dimension": [bank.dimension_ids[i] for i in arr.qdim],
            "text": [q.text for q in bank.questions],
            "applies": applies,
            "status": qstatus,
            "level": pd.array([v if isinstance(v, (int, np.integer)) and v >= 0 else pd.NA for v in (_level(answers, q) for q in arr.question_ids)], dtype="Int64"),
            "evidence": evidence,
            "credited": pd.array([int(c) if c == c else pd.NA for c in credited], dtype="Int64"),
            "effective": effective,
            "weight": arr.weights,
            "target": qtarget,
            "gap": qgap,
            "weighted_gap": qgap * arr.weights,
            "floor": np.where(applies, floors, np.nan),
            "knocked_out": knocked,
            "flagged": qstatus == "dont_know",
        },
        index=pd.Index(arr.question_ids, name="question"),
    )
    dim_status = np.where(blocking[0], "blocker", np.where(condition[0], "condition", "ok"))
    answered_counts = core.answered[0]
    dk_counts = ((row == DONT_KNOW_CODE) & applies).astype(float) @ arr.onehot
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
    verdict = _verdict(bank, questions, dimensions, STATUSES[int(status[0])], resolved)
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
        triage=dict(triage),
    )


def _level(answers, qid):
    a = answers.get(qid)
    return a.value if a is not None and isinstance(a.value, int) else None


def knockout_state(row: pd.Series) -> str:
    """How a knock-out question stands: unanswered, don't know, or its level and what it counts as."""
    if row["status"] == "unanswered":
        return "not answered"
    if row["status"] == "dont_know":
        return "answered \"don't know\""
    level, credited = int(row["level"]), int(row["credited"])
    if credited < level:
        return f"level {level} with {row['evidence']} evidence, which counts as level {credited}"
    return f"level {level}"


def _verdict(bank: Bank, questions: pd.DataFrame, dims: pd.DataFrame, status: str, target: ResolvedTarget) -> Verdict:
    s = bank.scoring
    blockers = [d for d in dims.index if dims.at[d, "status"] == "blocker"]
    conditions_dims = [d for d in dims.index if dims.at[d, "status"] == "condition"]
    q = questions
    out = q[q["knocked_out"]]
    short = (out["floor"] - out["credited"].astype("Float64").fillna(-1)).astype(float)
    knockouts = tuple(out.assign(_short=short).sort_values(["_short", "weighted_gap"], ascending=False, kind="stable").index)
    reasons = list(target.blocks)
    for qid in knockouts:
        row = q.loc[qid]
        reasons.append(
            f"Knock-out: {qid} is {knockout_state(row)}; the {target.title} target needs at least level {int(row['floor'])}"
        )
    conditions = list(target.conditions)
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
            missing = row["applicable"] - row["answered"]
            conditions.append(
                f"{row['title']}: {missing} question(s) not answered (coverage {row['coverage']:.0%}; ready needs {s.ready_coverage:.0%})"
            )
    in_blocking = q[q["dimension"].isin(blockers) & q["applies"] & (q["gap"] > 1e-9)]
    ranked = in_blocking.sort_values(["weighted_gap", "gap"], ascending=False, kind="stable").index
    blocking_questions = tuple(dict.fromkeys([*knockouts, *ranked]))
    return Verdict(status, tuple(blockers), blocking_questions, tuple(conditions), tuple(reasons), knockouts)


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
    unanswered. ``evidence`` has the same shape with ``none`` / ``manual`` / ``reviewed`` /
    ``automated`` (default ``none``; a categorical frame is the fastest). ``triage`` has one column per triage
    id (default: the bank's defaults). ``evidence`` and ``triage`` are aligned on the index of
    ``answers``.

    Returns one row per assessment: ``score_<dim>``, ``coverage_<dim>``, ``gap_<dim>``,
    ``mean``, ``weakest``, ``weakest_dimension``, ``status``. Bad input raises ``ValueError``.

    >>> frame = pd.DataFrame({"data.pipeline_reliability": [1, 3]})  # doctest: +SKIP
    >>> score_many(frame)[["mean", "status"]]  # doctest: +SKIP
    """
    bank = bank if bank is not None else load_bank()
    arr = bank_arrays(bank)
    _check_many(bank, arr, answers, evidence, triage, target)
    return _many_frame(_score_arrays(bank, arr, answers, evidence, triage, target), arr, answers.index)


def _many_frame(many: _ManyArrays, arr: BankArrays, index: pd.Index) -> pd.DataFrame:
    core, dims, n = many.core, arr.dimension_ids, len(many.levels)
    d = len(dims)
    block = np.empty((n, 3 * d + 2))
    block[:, :d] = core.score
    block[:, d : 2 * d] = core.coverage
    block[:, 2 * d : 3 * d] = many.gap
    block[:, 3 * d] = core.mean
    block[:, 3 * d + 1] = core.weakest
    columns = [f"{kind}_{dim}" for kind in ("score", "coverage", "gap") for dim in dims] + ["mean", "weakest"]
    out = pd.DataFrame(block, index=index, columns=columns, copy=False)
    out["weakest_dimension"] = pd.Categorical.from_codes(core.weakest_index, categories=dims)
    out["status"] = pd.Categorical.from_codes(many.status, categories=list(STATUSES))
    return out


def _check_many(bank: Bank, arr: BankArrays, answers, evidence, triage, target) -> None:
    if not isinstance(answers, pd.DataFrame):
        raise ValueError("score_many: answers must be a DataFrame, one row per assessment")
    if target is not None and target not in {t.id for t in bank.targets}:
        raise ValueError(f"score_many: unknown target profile {target!r} (known: {', '.join(t.id for t in bank.targets)})")
    unknown = [c for c in answers.columns if c not in arr.column]
    if unknown:
        raise ValueError(f"score_many: answers has columns that are not questions of bank {bank.id!r}: {', '.join(map(str, unknown[:10]))}")
    for name, frame in (("answers", answers), ("evidence", evidence), ("triage", triage)):
        if frame is not None and isinstance(frame, pd.DataFrame) and frame.columns.has_duplicates:
            repeated = frame.columns[frame.columns.duplicated()].unique()
            raise ValueError(f"score_many: {name} has repeated columns: {', '.join(map(str, repeated[:10]))}")


@dataclass
class _ManyArrays:
    """What :func:`score_many` works out for ``n`` assessments, before it becomes a frame."""

    levels: np.ndarray  # (n, q)
    codes: np.ndarray | None  # (n, q) evidence codes, None: none everywhere
    applies: np.ndarray  # (q,) or (n, q)
    targets: np.ndarray  # (1, d) or (n, d)
    floors: np.ndarray  # (q,) or (n, q): knock-out floors, NaN for none
    core: CoreResult
    status: np.ndarray  # (n,) 0 ready, 1 conditions, 2 not ready
    blocking: np.ndarray  # (n, d)
    gap: np.ndarray  # (n, d)


def _score_arrays(bank: Bank, arr: BankArrays, answers, evidence, triage, target) -> _ManyArrays:
    levels = _levels_matrix(answers, arr)
    n = len(levels)
    codes = None if evidence is None else _evidence_codes(_aligned(evidence, answers.index, "evidence"), arr, n)
    dims = arr.dimension_ids
    if triage is None:
        applies, applicable = arr.applies_default, None
        resolved = bank.resolve_target(target)
        targets = np.array([resolved.levels[d] for d in dims])[None, :]
        floors, blocked, conditioned = floor_vector(bank, resolved), bool(resolved.blocks), bool(resolved.conditions)
    else:
        applies, applicable, targets, floors, blocked, conditioned = _triage_matrices(
            bank, arr, _aligned(triage, answers.index, "triage"), target, n
        )
    core = _core(arr, levels, applies, codes, check=True, applicable=applicable, floors=floors)
    status, blocking, _, gap = _verdict_arrays(bank, core, targets, blocked, conditioned)
    return _ManyArrays(levels, codes, applies, targets, floors, core, status, blocking, gap)


@dataclass(frozen=True)
class QuestionGaps:
    """Per question, for many assessments at once: what :func:`score` gives one assessment in its
    ``questions`` frame and its verdict, as arrays (one row per assessment, one column per question).

    ``gap`` is the question's gap to its dimension's target (0 where it does not apply or is N/A),
    ``credited`` the level counted (no higher than the evidence backs; NaN without a level),
    ``effective`` its score (0 for "don't know" and unanswered, NaN where it does not count),
    ``knocked`` the knock-outs, ``blocking`` the verdict's blocking questions (knock-outs, and the
    applicable questions below target in a blocking dimension). ``scores`` is :func:`score_many`'s
    frame of the same rows; ``levels`` the answers as :func:`score_many` reads them.
    """

    scores: pd.DataFrame
    question_ids: tuple[str, ...]
    levels: np.ndarray
    applies: np.ndarray
    credited: np.ndarray
    effective: np.ndarray
    target: np.ndarray
    floors: np.ndarray
    gap: np.ndarray
    weighted_gap: np.ndarray
    knocked: np.ndarray
    blocking: np.ndarray
    dimension_targets: np.ndarray


def question_gaps_many(
    answers: pd.DataFrame,
    bank: Bank | None = None,
    *,
    evidence: pd.DataFrame | None = None,
    triage: pd.DataFrame | None = None,
    target: str | None = None,
) -> QuestionGaps:
    """:func:`score_many`, with every question's gap, knock-outs and the verdict's blocking questions.

    The same rules as :func:`score` (its ``questions`` frame and ``verdict.blocking_questions``),
    vectorized: a portfolio finds the gaps its pilots share without scoring them one by one.
    Takes the same arguments as :func:`score_many`.
    """
    bank = bank if bank is not None else load_bank()
    arr = bank_arrays(bank)
    _check_many(bank, arr, answers, evidence, triage, target)
    many = _score_arrays(bank, arr, answers, evidence, triage, target)
    levels, (n, q) = many.levels, many.levels.shape
    applies = np.broadcast_to(many.applies, levels.shape)
    has_level = levels >= 0
    codes = many.codes if many.codes is not None else np.zeros(levels.shape, dtype=np.int8)
    credited = np.where(has_level, np.minimum(np.where(has_level, levels, 0), arr.cap_table[codes]), np.nan)
    index = np.where(has_level, credited, 0).astype(np.intp)
    points = np.where(has_level, arr.score_table[np.arange(q), index] * arr.credit_table[codes], 0.0)
    targets = np.broadcast_to(many.targets, (n, len(arr.dimension_ids)))
    qtarget = targets[:, arr.qdim]
    counted = applies & (levels != NA_CODE)  # answered, don't know or unanswered (NaN)
    gap = np.where(counted, np.clip(qtarget - points, 0, None), 0.0)
    floors = np.where(applies, np.broadcast_to(many.floors, levels.shape), np.nan)
    with np.errstate(invalid="ignore"):
        knocked = counted & (np.where(has_level, credited, -1.0) < floors)
    return QuestionGaps(
        scores=_many_frame(many, arr, answers.index),
        question_ids=tuple(arr.question_ids),
        levels=levels,
        applies=applies,
        credited=credited,
        effective=np.where(counted, points, np.nan),
        target=qtarget,
        floors=floors,
        gap=gap,
        weighted_gap=gap * arr.weights,
        knocked=knocked,
        blocking=knocked | (applies & (gap > 1e-9) & many.blocking[:, arr.qdim]),
        dimension_targets=targets,
    )


def _aligned(frame: pd.DataFrame, index: pd.Index, name: str) -> pd.DataFrame:
    """``frame`` with the rows of ``index``, in its order (same labels required)."""
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"score_many: {name} must be a DataFrame")
    if len(frame) != len(index):
        raise ValueError(f"score_many: {name} must have one row per assessment ({len(index)}), got {len(frame)}")
    if frame.index.equals(index):
        return frame
    if index.is_unique and frame.index.is_unique and set(frame.index) == set(index):
        return frame.reindex(index)
    raise ValueError(f"score_many: the index of {name} does not match the index of answers")


def _levels_matrix(answers: pd.DataFrame, arr: BankArrays) -> np.ndarray:
    n, q = len(answers), len(arr.question_ids)
    if list(answers.columns) == arr.question_ids and all(
        pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t) for t in answers.dtypes.unique()
    ):
        return answers.to_numpy(dtype=float, na_value=np.nan)
    levels = np.full((n, q), np.nan)
    for col in answers.columns:
        s = answers[col]
        if pd.api.types.is_bool_dtype(s.dtype):
            raise ValueError(f"score_many: column {col!r} holds true/false, not levels 0-4")
        if s.dtype == object or isinstance(s.dtype, pd.StringDtype):
            s = s.replace({NA: NA_CODE, DONT_KNOW: DONT_KNOW_CODE})
        try:
            levels[:, arr.column[col]] = pd.to_numeric(s, errors="raise").to_numpy(dtype=float, na_value=np.nan)
        except (ValueError, TypeError):
            raise ValueError(f"score_many: column {col!r} holds values that are not levels 0-4, 'na' or 'dont_know'") from None
    return levels


def _evidence_codes(evidence: pd.DataFrame, arr: BankArrays, n: int) -> np.ndarray:
    """Index into ``EVIDENCE_KINDS`` of every answer, (n, q); unlisted columns and missing values: none."""
    unknown = [c for c in evidence.columns if c not in arr.column]
    if unknown:
        raise ValueError(f"score_many: evidence columns that are not questions: {', '.join(map(str, unknown[:10]))}")
    codes = np.zeros((n, len(arr.question_ids)), dtype=np.int8, order="F")  # columns are written one by one
    plain = []
    remaps: dict[tuple, np.ndarray | None] = {}
    for col, values in evidence.items():
        dtype = values.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            cats = tuple(dtype.categories)
            if cats not in remaps:
                known = all(c in EVIDENCE_KINDS for c in cats)
                remaps[cats] = np.array([EVIDENCE_KINDS.index(c) for c in cats] + [0], dtype=np.int8) if known else None
            remap = remaps[cats]
            if remap is not None:
                if cats == EVIDENCE_KINDS:
                    np.maximum(values.array.codes, 0, out=codes[:, arr.column[col]])  # code -1 (missing): none
                else:
                    codes[:, arr.column[col]] = remap[values.array.codes]
                continue
        plain.append(col)
    if plain:
        raw = evidence[plain].to_numpy(dtype=object)
        value = _KINDS.get_indexer(raw.ravel(order="F")).reshape(raw.shape, order="F")  # -1: not a kind
        if (value < 0).any():  # not a kind: missing values are "none", anything else is an error
            bad = (value < 0) & ~pd.isna(raw)
            if bad.any():
                col = plain[int(np.argmax(bad.any(axis=0)))]
                raise ValueError(f"score_many: evidence column {col!r} must hold {', '.join(EVIDENCE_KINDS)}")
        codes[:, [arr.column[c] for c in plain]] = np.maximum(value, 0)
    return codes


def _triage_matrices(bank: Bank, arr: BankArrays, triage: pd.DataFrame, target: str | None, n: int):
    """(applies, applicable counts, targets, floors, blocked, conditioned) per row.

    Each question's condition is evaluated once per distinct combination of the few triage ids it
    reads, and the target once per distinct combination of the ids the target rules read: a
    portfolio with many distinct triages costs a few dictionary look-ups per row, not a bank walk.
    """
    ids = [t.id for t in bank.triage]
    unknown = [c for c in triage.columns if c not in ids]
    if unknown:
        raise ValueError(f"score_many: triage columns not in bank: {', '.join(map(str, unknown))}")
    codes_per_id, uniques_per_id = [], []
    for t in bank.triage:
        if t.id in triage.columns:
            codes, uniques = pd.factorize(triage[t.id].to_numpy(dtype=object), use_na_sentinel=True)
            uniques = [str(u) for u in uniques]
        else:
            codes, uniques = np.full(n, -1, dtype=np.intp), []
        if (codes < 0).any():  # unanswered: the bank's default
            if t.default not in uniques:
                uniques.append(t.default)
            codes = np.where(codes < 0, uniques.index(t.default), codes)
        options = [o.value for o in t.options]
        bad = [u for u in uniques if u not in options]
        if bad:
            raise ValueError(f"score_many: triage {t.id!r} has value {bad[0]!r}, expected one of {options}")
        codes_per_id.append(np.asarray(codes, dtype=np.int64))
        uniques_per_id.append(uniques)
    position = {tid: i for i, tid in enumerate(ids)}

    seen: dict[tuple, tuple] = {}

    def grouped(names):
        """(inverse (n,), the distinct answer dicts) over the triage ids ``names`` (memoised)."""
        if tuple(names) not in seen:
            seen[tuple(names)] = _grouped(names)
        return seen[tuple(names)]

    def _grouped(names):
        key = np.zeros(n, dtype=np.int64)
        for tid in names:
            i = position[tid]
            key = key * len(uniques_per_id[i]) + codes_per_id[i]
        distinct, inverse = np.unique(key, return_inverse=True)
        combos = []
        for code in distinct.tolist():
            answers = {}
            for tid in reversed(names):
                i = position[tid]
                code, k = divmod(code, len(uniques_per_id[i]))
                answers[tid] = uniques_per_id[i][k]
            combos.append(answers)
        return inverse.reshape(n), combos

    applies = np.ones((n, len(arr.question_ids)), dtype=bool)
    by_condition: dict[str, np.ndarray] = {}
    for j, q in enumerate(bank.questions):
        if q.applies_if is None:
            continue
        if q.applies_if not in by_condition:
            inverse, combos = grouped(sorted(condition_names(q.applies_if)))
            by_condition[q.applies_if] = np.array([bank.applies(q.id, c) for c in combos], dtype=bool)[inverse]
        applies[:, j] = by_condition[q.applies_if]
    rule_names = sorted(set().union(*(condition_names(r.when) for r in bank.target_rules)))
    inverse, combos = grouped(rule_names)
    resolved = [bank.resolve_target(target, c) for c in combos]
    targets = np.array([[r.levels[d] for d in arr.dimension_ids] for r in resolved], dtype=float)[inverse]
    floors = np.array([floor_vector(bank, r) for r in resolved], dtype=float).reshape(len(resolved), -1)[inverse]
    blocked = np.array([bool(r.blocks) for r in resolved])[inverse]
    conditioned = np.array([bool(r.conditions) for r in resolved])[inverse]
    if n and (applies == applies[0]).all() and (floors == floors[0])[~np.isnan(floors)].all() and len(resolved) == 1:
        return applies[0], None, targets[:1], floors[0], bool(blocked[0]), bool(conditioned[0])
    return applies, applies.astype(float) @ arr.onehot, targets, floors, blocked, conditioned


def answers_frame(assessments) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(answers, evidence, triage) frames for :func:`score_many` from Assessment objects."""
    assessments = list(assessments)
    if not assessments:
        raise ValueError("answers_frame: no assessments given")
    bank = assessments[0].bank
    others = sorted({f"{a.bank.id} {a.bank.version}" for a in assessments if a.bank is not bank})
    if others:
        raise ValueError(f"answers_frame: all assessments must use one bank; {bank.id} {bank.version} and {', '.join(others)}")
    arr = bank_arrays(bank)
    index = pd.Index([a.pilot for a in assessments], name="pilot")
    levels = [[_encode(a.answers[q].value) if q in a.answers else np.nan for q in arr.question_ids] for a in assessments]
    evidence = [[a.answers[q].evidence if q in a.answers else "none" for q in arr.question_ids] for a in assessments]
    triage = [a.triage for a in assessments]
    return (
        pd.DataFrame(levels, columns=arr.question_ids, index=index),
        pd.DataFrame(evidence, columns=arr.question_ids, index=index).astype(pd.CategoricalDtype(list(EVIDENCE_KINDS))),
        pd.DataFrame(triage, index=index),
    )
