"""From the scores to a lean, dependency-ordered roadmap with go/no-go criteria.

Rules (also in the README, "How the roadmap is built"):

* **The level each question must reach.** A knock-out question below its floor must reach the
  floor. In a dimension below its target, every question is first brought to the *base* level
  (the highest level whose score does not exceed the target: 2 for a target of 2.5); then, one
  level at a time, the question at the lowest level goes up (the heaviest among equals, then
  bank order) until the dimension's projected score meets the target. Dimensions that meet their
  target get no work beyond their knock-outs.
* **Only the steps in between.** Each bank action moves its question from ``from_level`` to
  ``to_level``; the roadmap takes the actions with ``to_level`` above the current level and
  ``from_level`` below the required one (and whose ``applies_if`` holds). A question answered at
  the required level but counted lower for want of evidence gets one *evidence* item instead
  of work it has already done. An unanswered or "don't know" question gets an *assess* item
  (its owner finds out), and its work is planned from level 0, marked provisional.
* **A realistic schedule.** Deliverables wait for the actions they ``need`` (and, within a
  question, for the steps below them); a needed action that is not done yet is added to the plan,
  even in a dimension that meets its target, and are placed on ``parallel_streams`` streams by
  :mod:`readiness_widgets.schedule`: the longest chain first, with waiting time counting ten
  times, so items with long lead times start in week 0 whatever their phase. Phases are labels, and overlap. Efforts are ranges;
  the schedule is worked out for the low, expected (midpoint) and high efforts.
* **Go/no-go criteria.** Each planned question must reach its required level with evidence that
  backs it; the criterion sits in the phase of the question's last deliverable.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from .bank import Bank, Question
from .conditions import parse_condition
from .errors import UnknownIdError
from .schedule import Slot, Task, makespan, order, schedule
from .scoring import Scores, bank_arrays

WEEKS_PER_MONTH = 4.345
ASSESS_EFFORT = (0.2, 0.4)  # weeks: find out, and answer with evidence
EVIDENCE_EFFORT = (0.2, 0.5)  # weeks: link the run, the sign-off or the document


@dataclass(frozen=True)
class Criterion:
    """Go/no-go: ``question_id`` must reach ``required_level`` backed by ``required_evidence``."""

    question_id: str
    dimension: str
    text: str
    required_level: int
    required_evidence: str  # "manual", "reviewed", "automated", or "reviewed or automated"
    current_level: int | None
    current_evidence: str
    status: str
    met: bool

    def describe(self) -> str:
        if self.status == "dont_know":
            now = "don't know"
        elif self.status == "unanswered":
            now = "not answered"
        else:
            now = f"level {self.current_level}, {self.current_evidence} evidence"
        return f"{self.question_id} reaches level {self.required_level} with {self.required_evidence} evidence (now {now})"


@dataclass(frozen=True)
class PhasePlan:
    phase: int
    title: str
    description: str
    deliverables: pd.DataFrame
    criteria: list[Criterion]
    start_week: int
    end_week: int

    @property
    def weeks(self) -> int:
        return self.end_week - self.start_week

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
    parallel_streams: int = 4
    total_weeks: int = 0  # with the expected (midpoint) efforts
    total_weeks_low: int = 0
    total_weeks_high: int = 0

    @property
    def total_months(self) -> float:
        return round(self.total_weeks / WEEKS_PER_MONTH, 1)

    @property
    def months_range(self) -> tuple[float, float]:
        return round(self.total_weeks_low / WEEKS_PER_MONTH, 1), round(self.total_weeks_high / WEEKS_PER_MONTH, 1)

    def phase(self, number: int) -> PhasePlan:
        for p in self.phases:
            if p.phase == number:
                return p
        raise UnknownIdError(f"no phase {number}; phases are 1, 2 and 3")

    @property
    def frame(self) -> pd.DataFrame:
        """Every deliverable, one row each, in phase order, then by start week."""
        parts = [p.deliverables for p in self.phases if len(p.deliverables)]
        if not parts:
            return _empty_deliverables()
        return pd.concat(parts, ignore_index=True)

    def count(self, kind: str) -> int:
        """How many deliverables of a kind: ``build``, ``evidence`` or ``assess``."""
        frame = self.frame
        return int((frame["kind"] == kind).sum()) if len(frame) else 0

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
            "parallel_streams": self.parallel_streams,
            "total_weeks": self.total_weeks,
            "total_weeks_range": [self.total_weeks_low, self.total_weeks_high],
            "phases": [
                {
                    "phase": p.phase,
                    "title": p.title,
                    "description": p.description,
                    "start_week": p.start_week,
                    "end_week": p.end_week,
                    "weeks": p.weeks,
                    "deliverables": [
                        {k: _plain(v) for k, v in row.items()} for row in p.deliverables.to_dict("records")
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


def _plain(value):
    if isinstance(value, (list, tuple)):
        return list(value)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


_DELIVERABLE_COLUMNS = [
    "phase", "question", "dimension", "kind", "deliverable", "owner", "effort_weeks", "effort_low", "effort_high",
    "lead_weeks", "start_week", "end_week", "needs", "provisional", "gap", "weighted_gap", "current",
    "required_level", "target",
]


def _empty_deliverables() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in _DELIVERABLE_COLUMNS})


# ---- what each question must reach ---------------------------------------------------------


def requirement(question: Question, bank: Bank, level: int) -> tuple[int, str]:
    """(``level``, the weakest evidence the question accepts that backs that level at full credit).

    When both ``reviewed`` and ``automated`` qualify and nothing weaker does, the answer is
    ``"reviewed or automated"``.
    """
    caps = bank.scoring.evidence_cap.model_dump()
    credit = bank.scoring.evidence_credit.model_dump()
    backing = [k for k in question.evidence_kinds if caps[k] >= level] or [question.evidence_kinds[-1]]
    best = max(credit[k] for k in backing)
    kinds = [k for k in backing if credit[k] >= best - 1e-9]  # in EVIDENCE_KINDS order, weakest first
    if kinds[0] in ("reviewed", "automated") and len(kinds) > 1:
        return level, " or ".join(kinds)
    return level, kinds[0]


def required_levels(scores: Scores) -> dict[str, int]:
    """The level each applicable question (N/A excluded) must reach to meet the target: see the module rules."""
    bank = scores.bank
    arr = bank_arrays(bank)
    q = scores.questions
    credit = bank.scoring.evidence_credit.model_dump()
    best_credit = np.array([max(credit[k] for k in b.evidence_kinds) for b in bank.questions])
    values = arr.score_table * best_credit[:, None]  # (q, 5): what each level is worth at full evidence
    out: dict[str, int] = {}
    for dim in scores.dimensions.index:
        rows = q[(q["dimension"] == dim) & q["applies"] & (q["status"] != "na")]
        if not rows.empty:
            target = float(scores.dimensions.at[dim, "target"])
            out.update(_dimension_plan(rows, values[[arr.column[k] for k in rows.index]], target))
    return out


def _dimension_plan(rows: pd.DataFrame, values: np.ndarray, target: float) -> dict[str, int]:
    """Required levels for one dimension's questions (``values``: (k, 5) worth of each level)."""
    weights = rows["weight"].to_numpy(dtype=float)
    level = np.array([0 if pd.isna(c) else int(c) for c in rows["credited"]])
    points = np.array([0.0 if pd.isna(e) else float(e) for e in rows["effective"]])
    k = np.arange(len(rows))
    floors = rows["floor"].to_numpy(dtype=float)
    below = ~np.isnan(floors) & (level < np.nan_to_num(floors, nan=0))
    level = np.where(below, np.nan_to_num(floors, nan=0).astype(int), level)
    points = np.where(below, values[k, level], points)

    def meets() -> bool:
        return float(weights @ points) >= target * weights.sum() - 1e-9

    if not meets():
        base = np.array([max(lv for lv in range(5) if lv == 0 or values[i, lv] <= target + 1e-9) for i in k])
        raise_ = level < base
        level = np.where(raise_, base, level)
        points = np.where(raise_, values[k, level], points)
        while not meets() and (level < 4).any():  # then one level at a time: lowest first, heaviest among equals
            i = min((i for i in k if level[i] < 4), key=lambda i: (level[i], -weights[i], i))
            level[i] += 1
            points[i] = values[i, level[i]]
    return {qid: int(lv) for qid, lv in zip(rows.index, level, strict=True)}


# ---- the roadmap ------------------------------------------------------------------------------


def build_roadmap(scores: Scores) -> Roadmap:
    """Build the roadmap for one scored assessment."""
    bank = scores.bank
    required = required_levels(scores)
    items: list[dict[str, Any]] = []
    planned: dict[str, int] = {}  # the questions that get a go/no-go criterion, with their level
    for qid, row in scores.questions.iterrows():
        if qid not in required:
            continue
        question = bank.question(qid)
        need = required[qid]
        unknown = row["status"] in ("unanswered", "dont_know")
        level = 0 if unknown else int(row["level"])
        credited = -1 if unknown else int(row["credited"])
        if not unknown and credited >= need:
            continue
        actions = [a for a in question.actions if _applies(a, scores)]
        mine: list[dict[str, Any]] = []
        if unknown:
            phase = min((a.phase for a in actions), default=1)
            mine.append(_item(row, question, "assess", f"Assess and answer with evidence: {question.text}", phase, ASSESS_EFFORT, 0, need))
        if not unknown and level >= need:  # done, but not shown: the evidence is the work left
            kind = requirement(question, bank, need)[1]
            phase = max((a.phase for a in actions), default=3)
            what = question.evidence or question.text
            mine.append(_item(row, question, "evidence", f"Show {kind} evidence of level {level}: {what}", phase, EVIDENCE_EFFORT, 0, need))
        else:
            for a in actions:
                if a.to_level > level and a.from_level < need:
                    item = _item(row, question, "build", a.deliverable, a.phase, a.effort_weeks, a.lead_weeks, need, owner=a.owner)
                    item["_action"] = a
                    item["provisional"] = unknown
                    mine.append(item)
        items += mine
        if need > max(credited, 0) and any(it["kind"] != "assess" for it in mine):
            planned[qid] = need
    _prerequisites(scores, items, planned)
    _link(items)
    return _scheduled(scores, items, planned)


def _prerequisites(scores: Scores, items: list[dict[str, Any]], planned: dict[str, int]) -> None:
    """Add the actions that planned deliverables ``need`` and that are not done yet, even in a
    dimension that meets its target (a risk acceptance needs a sponsor, whatever the team's average).

    An action is done when its question is answered at or above the action's ``to_level``.
    """
    bank = scores.bank
    q = scores.questions
    present = {it["_action"].id for it in items if "_action" in it and it["_action"].id}
    queue = [n for it in items if "_action" in it for n in it["_action"].needs]
    while queue:
        wanted = queue.pop(0)
        if wanted in present or wanted not in bank.actions_by_id:
            continue
        question, action = bank.actions_by_id[wanted]
        row = q.loc[question.id]
        if not row["applies"] or row["status"] == "na" or not _applies(action, scores):
            continue
        unknown = row["status"] in ("unanswered", "dont_know")
        level = 0 if unknown else int(row["level"])
        if level >= action.to_level:
            continue
        need = max(planned.get(question.id, 0), action.to_level)
        for a in question.actions:
            if a.to_level > level and a.from_level < action.to_level and _applies(a, scores) and a.id not in present:
                item = _item(row, question, "build", a.deliverable, a.phase, a.effort_weeks, a.lead_weeks, need, owner=a.owner)
                item["_action"], item["provisional"] = a, unknown
                items.append(item)
                if a.id:
                    present.add(a.id)
                queue += a.needs
        planned[question.id] = need


def _applies(action, scores: Scores) -> bool:
    return action.applies_if is None or _condition(action.applies_if)(scores.triage)


@lru_cache(maxsize=512)
def _condition(text: str):
    return parse_condition(text)


def _item(row: pd.Series, question: Question, kind: str, text: str, phase: int, effort, lead: float, need: int, owner: str = "") -> dict[str, Any]:
    low, high = (effort, effort) if isinstance(effort, (int, float)) else effort
    return {
        "key": f"{question.id}#{kind}#{len(text)}#{text}",
        "phase": int(phase),
        "question": question.id,
        "dimension": question.dimension,
        "kind": kind,
        "deliverable": text,
        "owner": owner or question.owner,
        "effort_weeks": round((low + high) / 2, 3),
        "effort_low": float(low),
        "effort_high": float(high),
        "lead_weeks": float(lead),
        "needs": [],
        "provisional": False,
        "gap": round(float(row["gap"]), 3),
        "weighted_gap": round(float(row["weighted_gap"]), 3),
        "current": None if pd.isna(row["level"]) else int(row["level"]),
        "required_level": int(need),
        "target": float(row["target"]),
    }


def _link(items: list[dict[str, Any]]) -> None:
    """Fill each item's ``needs``: the actions it names, the lower steps of its question, its assess item."""
    by_action = {it["_action"].id: it["key"] for it in items if "_action" in it and it["_action"].id}
    by_question: dict[str, list[dict[str, Any]]] = {}
    for it in items:
        by_question.setdefault(it["question"], []).append(it)
    for it in items:
        needs: list[str] = []
        action = it.get("_action")
        if action is not None:
            needs += [by_action[n] for n in action.needs if n in by_action]
            for other in by_question[it["question"]]:
                a = other.get("_action")
                if a is not None and other is not it and a.to_level <= action.from_level:
                    needs.append(other["key"])
                if other["kind"] == "assess":
                    needs.append(other["key"])
        it["needs"] = list(dict.fromkeys(needs))


def _scheduled(scores: Scores, items: list[dict[str, Any]], planned: dict[str, int]) -> Roadmap:
    bank = scores.bank
    streams = bank.roadmap.parallel_streams
    position = {qid: i for i, qid in enumerate(scores.questions.index)}

    def tasks(effort: str) -> list[Task]:
        return [
            Task(
                it["key"],
                it[effort],
                it["lead_weeks"],
                tuple(it["needs"]),
                (it["phase"], -it["weighted_gap"], position[it["question"]], it["key"]),
            )
            for it in items
        ]

    expected = {t.key: t for t in tasks("effort_weeks")}
    placing = order(expected)
    slots: dict[str, Slot] = schedule(expected.values(), streams, placing=placing)
    low = makespan(schedule(tasks("effort_low"), streams, placing=placing))
    high = makespan(schedule(tasks("effort_high"), streams, placing=placing))
    names = {it["key"]: it["deliverable"] for it in items}
    rows = []
    for it in items:
        slot = slots[it["key"]]
        row = {k: v for k, v in it.items() if not k.startswith("_") and k != "key"}
        row["start_week"] = round(slot.start, 2)
        row["end_week"] = round(slot.done, 2)
        row["needs"] = [names[n] for n in it["needs"]]
        rows.append(row)
    frame = pd.DataFrame(rows, columns=_DELIVERABLE_COLUMNS) if rows else _empty_deliverables()
    if len(frame):
        frame = frame.sort_values(["start_week", "weighted_gap"], ascending=[True, False], kind="stable")
    phases = []
    for meta in bank.roadmap.phases:
        part = frame[frame["phase"] == meta.phase].reset_index(drop=True)
        start = math.floor(float(part["start_week"].min()) + 1e-9) if len(part) else 0
        end = math.ceil(float(part["end_week"].max()) - 1e-9) if len(part) else 0
        last = {qid: max(part_phase) for qid, part_phase in _phases_by_question(frame).items()}
        criteria = [_criterion(scores, qid, need) for qid, need in planned.items() if last.get(qid) == meta.phase]
        phases.append(PhasePlan(meta.phase, meta.title, meta.description, part, criteria, start, end))
    total = math.ceil(makespan(slots) - 1e-9)
    return Roadmap(
        scores.pilot, scores.target.profile, phases, streams, total, math.ceil(low - 1e-9), math.ceil(high - 1e-9)
    )


def _phases_by_question(frame: pd.DataFrame) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for qid, phase in zip(frame["question"], frame["phase"], strict=True):
        out.setdefault(qid, []).append(int(phase))
    return out


def _criterion(scores: Scores, qid: str, need: int) -> Criterion:
    bank = scores.bank
    question = bank.question(qid)
    row = scores.questions.loc[qid]
    level, evidence = requirement(question, bank, need)
    arr = bank_arrays(bank)
    credit = bank.scoring.evidence_credit.model_dump()
    wanted = float(arr.score_table[arr.column[qid]][level]) * max(credit[k] for k in question.evidence_kinds)
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
        met=effective >= wanted - 1e-9,
    )
