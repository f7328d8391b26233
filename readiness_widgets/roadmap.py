"""From gaps to a deterministic three-phase roadmap with deliverables and go/no-go criteria.

Rules:

* Every applicable question that was answered (a level or "don't know") and sits below its
  dimension's target contributes its bank actions as deliverables, in each action's phase.
* Deliverables are ordered by weighted gap (biggest first), then gap, then bank order.
* A question's go/no-go criterion sits in the last phase holding one of its actions: the
  question must reach the lowest level whose score meets the dimension target.
* A phase lasts ``ceil(sum(effort) / parallel_streams)`` weeks, and never less than its
  longest deliverable. Phases run one after another. A phase with no gaps says so and lasts 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .bank import EVIDENCE_KINDS, LEVELS
from .errors import UnknownIdError
from .scoring import Scores

ANSWERED = ("answered", "dont_know")


@dataclass(frozen=True)
class Criterion:
    """Go/no-go: ``question_id`` must reach ``required_level`` backed by ``required_evidence``."""

    question_id: str
    dimension: str
    text: str
    required_level: int
    required_evidence: str
    current_level: int | None
    current_evidence: str
    status: str
    met: bool

    def describe(self) -> str:
        now = "don't know" if self.status == "dont_know" else f"level {self.current_level}, {self.current_evidence} evidence"
        return (
            f"{self.question_id} reaches level {self.required_level} with "
            f"{self.required_evidence} evidence (now {now})"
        )


@dataclass(frozen=True)
class PhasePlan:
    phase: int
    title: str
    description: str
    deliverables: pd.DataFrame
    criteria: list[Criterion]
    weeks: int
    start_week: int

    @property
    def end_week(self) -> int:
        return self.start_week + self.weeks

    @property
    def has_gaps(self) -> bool:
        return len(self.deliverables) > 0

    @property
    def passed(self) -> bool:
        return all(c.met for c in self.criteria)


@dataclass(frozen=True)
class Roadmap:
    pilot: str
    target: str
    phases: list[PhasePlan]
    parallel_streams: int = 2

    @property
    def total_weeks(self) -> int:
        return sum(p.weeks for p in self.phases)

    @property
    def total_months(self) -> float:
        return round(self.total_weeks / 4.345, 1)

    def phase(self, number: int) -> PhasePlan:
        for p in self.phases:
            if p.phase == number:
                return p
        raise UnknownIdError(f"no phase {number}; phases are 1, 2 and 3")

    @property
    def frame(self) -> pd.DataFrame:
        """Every deliverable, one row each, in phase order."""
        parts = [p.deliverables for p in self.phases if len(p.deliverables)]
        if not parts:
            return _empty_deliverables()
        return pd.concat(parts, ignore_index=True)

    def criteria_frame(self) -> pd.DataFrame:
        rows = [
            {
                "phase": p.phase,
                "question": c.question_id,
                "dimension": c.dimension,
                "text": c.text,
                "required_level": c.required_level,
                "required_evidence": c.required_evidence,
                "current_level": c.current_level,
                "current_evidence": c.current_evidence,
                "met": c.met,
            }
            for p in self.phases
            for c in p.criteria
        ]
        cols = ["phase", "question", "dimension", "text", "required_level", "required_evidence", "current_level", "current_evidence", "met"]
        return pd.DataFrame(rows, columns=cols)

    def summary_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "phase": p.phase,
                    "title": p.title,
                    "deliverables": len(p.deliverables),
                    "criteria": len(p.criteria),
                    "start_week": p.start_week,
                    "weeks": p.weeks,
                    "end_week": p.end_week,
                }
                for p in self.phases
            ]
        ).set_index("phase")

    def to_dict(self) -> dict[str, Any]:
        return {
            "pilot": self.pilot,
            "target": self.target,
            "total_weeks": self.total_weeks,
            "phases": [
                {
                    "phase": p.phase,
                    "title": p.title,
                    "description": p.description,
                    "start_week": p.start_week,
                    "weeks": p.weeks,
                    "deliverables": [
                        {k: (None if pd.isna(v) else v) for k, v in row.items()}
                        for row in p.deliverables.to_dict("records")
                    ],
                    "go_no_go": [
                        {
                            "question": c.question_id,
                            "required_level": c.required_level,
                            "required_evidence": c.required_evidence,
                            "current_level": c.current_level,
                            "current_evidence": c.current_evidence,
                            "met": c.met,
                        }
                        for c in p.criteria
                    ],
                }
                for p in self.phases
            ],
        }


_DELIVERABLE_COLUMNS = ["phase", "question", "dimension", "deliverable", "effort_weeks", "gap", "weighted_gap", "current", "target"]


def _empty_deliverables() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in _DELIVERABLE_COLUMNS})


def requirement(level_scores: list[float], credit: dict[str, float], target: float) -> tuple[int, str]:
    """The lowest level, and the weakest evidence at that level, whose score meets ``target``."""
    for level in LEVELS:
        for kind in EVIDENCE_KINDS:
            if level_scores[level] * credit[kind] >= target - 1e-9:
                return level, kind
    return LEVELS[-1], EVIDENCE_KINDS[-1]


def build_roadmap(scores: Scores) -> Roadmap:
    """Build the roadmap for one scored assessment."""
    bank = scores.bank
    q = scores.questions
    gaps = q[q["applies"] & q["status"].isin(ANSWERED) & (q["gap"] > 1e-9)]
    order = {qid: i for i, qid in enumerate(q.index)}
    gaps = gaps.assign(_order=[order[i] for i in gaps.index]).sort_values(
        ["weighted_gap", "gap", "_order"], ascending=[False, False, True], kind="stable"
    )
    rows: list[dict[str, Any]] = []
    last_phase: dict[str, int] = {}
    for qid, row in gaps.iterrows():
        question = bank.question(qid)
        actions = question.actions or []
        if not actions:
            continue
        for action in actions:
            rows.append(
                {
                    "phase": action.phase,
                    "question": qid,
                    "dimension": row["dimension"],
                    "deliverable": action.deliverable,
                    "effort_weeks": float(action.effort_weeks),
                    "gap": round(float(row["gap"]), 3),
                    "weighted_gap": round(float(row["weighted_gap"]), 3),
                    "current": None if pd.isna(row["level"]) else int(row["level"]),
                    "target": float(row["target"]),
                }
            )
        last_phase[qid] = max(a.phase for a in actions)
    frame = pd.DataFrame(rows, columns=_DELIVERABLE_COLUMNS) if rows else _empty_deliverables()
    streams = bank.roadmap.parallel_streams
    phases, start = [], 0
    for meta in bank.roadmap.phases:
        part = frame[frame["phase"] == meta.phase].reset_index(drop=True)
        effort = float(part["effort_weeks"].sum()) if len(part) else 0.0
        longest = float(part["effort_weeks"].max()) if len(part) else 0.0
        weeks = math.ceil(max(effort / streams, longest) - 1e-9) if len(part) else 0
        criteria = [_criterion(scores, qid, gaps.loc[qid]) for qid in gaps.index if last_phase.get(qid) == meta.phase]
        phases.append(PhasePlan(meta.phase, meta.title, meta.description, part, criteria, weeks, start))
        start += weeks
    return Roadmap(scores.pilot, scores.target.profile, phases, streams)


def _criterion(scores: Scores, qid: str, row: pd.Series) -> Criterion:
    question = scores.bank.question(qid)
    credit = scores.bank.scoring.evidence_credit.model_dump()
    level, evidence = requirement(question.level_scores, credit, float(row["target"]))
    effective = 0.0 if pd.isna(row["effective"]) else float(row["effective"])
    return Criterion(
        question_id=qid,
        dimension=row["dimension"],
        text=question.text,
        required_level=level,
        required_evidence=evidence,
        current_level=None if pd.isna(row["level"]) else int(row["level"]),
        current_evidence=row["evidence"],
        status=row["status"],
        met=effective >= float(row["target"]) - 1e-9,
    )
