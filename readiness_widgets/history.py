"""Scores over a store: every pilot's verdict at once, and what changed between two revisions.

The store (:mod:`readiness_widgets.store`) keeps documents and never scores; this module, above
the engine, scores what it holds:

- :func:`portfolio_scores` scores the latest revision of every pilot with one
  :func:`~readiness_widgets.scoring.score_many` call per bank and target (no Python loop per
  pilot, no document parsed: the store's answer tables are pivoted into the engine's frames);
- :func:`diff_revisions` lists the answers and fields that changed between two revisions of a
  pilot and the score deltas (each revision scored once by :func:`~readiness_widgets.result.evaluate`).

>>> scores = portfolio_scores(store.answer_table(), load_bank())       # doctest: +SKIP
>>> scores[["revision", "updated", "status", "mean"]]                   # doctest: +SKIP
>>> d = diff_revisions(store, "churn", 3, 5, bank=load_bank())          # doctest: +SKIP
>>> d.mean_change, [a.question for a in d.answers]                      # doctest: +SKIP
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .assessment import Assessment
from .bank import EVIDENCE_KINDS, Bank
from .result import answer_label, evaluate
from .scoring import STATUSES, bank_arrays, score_many
from .store import AnswerTable, Store

_EVIDENCE = pd.CategoricalDtype(list(EVIDENCE_KINDS))


def _pivot(answers: pd.DataFrame, pilots: pd.Index, columns: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Long answer rows -> (levels, evidence) frames: one row per pilot, one column per question."""
    rows = pilots.get_indexer(answers["pilot"].to_numpy(dtype=object))
    cols = pd.Index(columns).get_indexer(answers["question"].to_numpy(dtype=object))
    keep = (rows >= 0) & (cols >= 0)  # answers to questions the bank no longer has are not scored
    rows, cols = rows[keep], cols[keep]
    levels = np.full((len(pilots), len(columns)), np.nan)
    levels[rows, cols] = answers["value"].to_numpy(dtype=float)[keep]
    codes = np.zeros((len(pilots), len(columns)), dtype=np.int8)
    codes[rows, cols] = answers["evidence"].to_numpy(dtype=np.int8)[keep]
    evidence = pd.DataFrame(
        {c: pd.Categorical.from_codes(codes[:, j], dtype=_EVIDENCE) for j, c in enumerate(columns)}, index=pilots
    )
    return pd.DataFrame(levels, index=pilots, columns=columns), evidence


def portfolio_scores(table: AnswerTable, banks: Bank | Callable[[str, str], Bank | None]) -> pd.DataFrame:
    """Score the latest revision of every pilot (an :meth:`~readiness_widgets.store.Store.answer_table`).

    ``banks`` is the bank to score with, or a function ``(bank id, bank version) -> Bank`` (None:
    that bank is not available, and the pilot is listed without scores, ``status`` "unscored").
    Returns one row per pilot (index ``pilot``): ``name``, ``revision``, ``updated``, ``bank``,
    ``target``, ``status`` (the verdict), ``mean``, ``weakest``, ``weakest_dimension`` and
    ``score_<dimension>`` for every dimension, in the store's order.
    """
    pick = banks if callable(banks) else (lambda bank_id, _version, b=banks: b if b.id == bank_id else None)
    meta = table.pilots.set_index("pilot")
    out = pd.DataFrame(
        {
            "name": meta["name"],
            "revision": meta["revision"],
            "updated": meta["updated"],
            "bank": meta["bank_id"].astype(str) + " " + meta["bank_version"].astype(str),
            "target": meta["target"],
            "status": "unscored",
        },
        index=meta.index,
    )
    parts = []
    for (bank_id, version), group in meta.groupby(["bank_id", "bank_version"], sort=False, dropna=False):
        bank = pick(bank_id, version)
        if bank is None:
            continue
        columns = list(bank_arrays(bank).question_ids)
        index = pd.Index(group.index, name="pilot")
        answers = table.answers[table.answers["pilot"].isin(index)]
        levels, evidence = _pivot(answers, index, columns)
        tri = table.triage[table.triage["pilot"].isin(index)]
        known = {t.id for t in bank.triage}
        tri = tri[tri["question"].isin(known)]
        triage = tri.pivot(index="pilot", columns="question", values="value").reindex(index) if len(tri) else None
        targets = group["target"].map(lambda t: t if isinstance(t, str) else "")  # "": chosen by the triage
        for target, members in targets.groupby(targets, sort=False):
            rows = pd.Index(members.index, name="pilot")
            t = triage.loc[rows] if triage is not None else None
            parts.append(score_many(levels.loc[rows], bank, evidence=evidence.loc[rows], triage=t, target=target or None))
    if parts:
        scored = pd.concat(parts)
        out.loc[scored.index, "status"] = scored["status"].astype(str)
        for col in scored.columns:
            if col != "status":
                out.loc[scored.index, col] = scored[col].astype(object) if col == "weakest_dimension" else scored[col]
    out["status"] = pd.Categorical(out["status"], categories=[*STATUSES, "unscored"])
    return out


# ---- what changed between two revisions -----------------------------------------------------------


@dataclass(frozen=True)
class AnswerChange:
    question: str
    text: str
    before: str  # "level 2", "N/A", "don't know", "unanswered"
    after: str
    evidence_before: str
    evidence_after: str
    notes_changed: bool


@dataclass(frozen=True)
class DimensionChange:
    id: str
    title: str
    before: float | None
    after: float | None

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True)
class RevisionDiff:
    """Revision ``a`` -> revision ``b`` of one pilot: changed answers and fields, score deltas."""

    pilot: str
    a: int
    b: int
    answers: tuple[AnswerChange, ...]
    fields: tuple[str, ...]
    dimensions: tuple[DimensionChange, ...]
    mean_before: float
    mean_after: float
    verdict_before: str
    verdict_after: str
    target: str

    @property
    def mean_change(self) -> float:
        return self.mean_after - self.mean_before

    def to_dict(self) -> dict[str, Any]:
        return {
            "pilot": self.pilot,
            "from": self.a,
            "to": self.b,
            "target": self.target,
            "answers": [a.__dict__ for a in self.answers],
            "fields": list(self.fields),
            "scores": [{**d.__dict__, "change": d.change} for d in self.dimensions],
            "mean": {"before": self.mean_before, "after": self.mean_after, "change": self.mean_change},
            "verdict": {"before": self.verdict_before, "after": self.verdict_after},
        }


def _label(assessment: Assessment, qid: str) -> tuple[str, str, str]:
    """(answer label, evidence of a level answer, notes) of one question, as every view labels it."""
    ans = assessment.answers.get(qid)
    if ans is None or ans.value is None:
        return "unanswered", "", ans.notes if ans is not None else ""
    value = ans.value
    status = "na" if value == "na" else "dont_know" if value == "dont_know" else "answered"
    return answer_label(status, value if status == "answered" else None), ans.evidence if status == "answered" else "", ans.notes


def _number(x: float | None) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def diff_revisions(store: Store, pilot: str, a: int | str, b: int | str, *, bank: Bank | None = None,
                   target: str | None = None) -> RevisionDiff:
    """What changed from revision ``a`` to revision ``b`` of ``pilot`` (numbers, ``latest`` or milestone names).

    Both are scored against the same target: ``target``, else revision ``b``'s own (or its triage's).
    """
    na, nb = store.resolve(pilot, a), store.resolve(pilot, b)
    before, after = store.load(pilot, na, bank=bank), store.load(pilot, nb, bank=bank)
    r_after = evaluate(after, target=target)
    r_before = evaluate(before, target=r_after.target.profile)
    changed = sorted(q for q in set(before.answers) | set(after.answers) if before.answers.get(q) != after.answers.get(q))
    rows = []
    for qid in changed:
        lb, eb, nb_ = _label(before, qid)
        la, ea, na_ = _label(after, qid)
        text = after.bank.question(qid).text if after.bank.has_question(qid) else "(not in this bank)"
        rows.append(AnswerChange(qid, text, lb, la, eb, ea, nb_ != na_))
    fields = tuple(f for f in ("pilot", "respondents", "target") if before.data.model_dump().get(f) != after.data.model_dump().get(f))
    fields += tuple(f"triage.{t}" for t in sorted(set(before.data.triage) | set(after.data.triage))
                    if before.data.triage.get(t) != after.data.triage.get(t))
    dims = tuple(
        DimensionChange(d.id, d.title, _number(r_before.dimension(d.id).score), _number(d.score)) for d in r_after.dimensions
    )
    return RevisionDiff(
        pilot=pilot, a=na, b=nb, answers=tuple(rows), fields=fields, dimensions=dims,
        mean_before=float(r_before.mean), mean_after=float(r_after.mean),
        verdict_before=r_before.verdict.status, verdict_after=r_after.verdict.status, target=r_after.target.profile,
    )


__all__ = ["AnswerChange", "DimensionChange", "RevisionDiff", "diff_revisions", "portfolio_scores"]
