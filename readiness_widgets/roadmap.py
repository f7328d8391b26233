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
from .scoring import DONT_KNOW_CODE, NA_CODE, QuestionGaps, Scores, bank_arrays

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


# ---- many roadmaps at once ------------------------------------------------------------------

ITEM_COLUMNS = ["row", "question", "kind", "action", "dimension", "phase", "deliverable", "effort_weeks", "provisional"]
ASSESS_TEXT = "Assess and answer with evidence: {text}"
EVIDENCE_TEXT = "Evidence that backs the level answered: {what}"


@dataclass(frozen=True)
class _BankActions:
    """Every action of a bank as arrays (global index ``a``), built once per bank."""

    actions: tuple  # (question id, position among the question's actions, Action)
    question: np.ndarray  # (A,) question column of each action
    from_level: np.ndarray
    to_level: np.ndarray
    phase: np.ndarray
    needs: np.ndarray  # (A, A) bool: needs[a, b] when action a names action b in its needs
    by_question: tuple  # per question column: the global indexes of its actions
    values: np.ndarray  # (q, 5): what each level is worth at the best evidence the question accepts
    weight_rank: np.ndarray  # (q,) rank of the weight within its dimension, heaviest 0


def _bank_actions(bank: Bank) -> _BankActions:
    return bank.cached("roadmap.actions", _build_bank_actions)


def _build_bank_actions(bank: Bank) -> _BankActions:
    arr = bank_arrays(bank)
    actions, by_question = [], []
    for j, q in enumerate(bank.questions):
        by_question.append(tuple(range(len(actions), len(actions) + len(q.actions))))
        actions += [(q.id, k, a, j) for k, a in enumerate(q.actions)]
    ids = {a.id: i for i, (_, _, a, _) in enumerate(actions) if a.id is not None}
    needs = np.zeros((len(actions), len(actions)), dtype=bool)
    for i, (_, _, a, _) in enumerate(actions):
        for name in a.needs:
            if name in ids:
                needs[i, ids[name]] = True
    credit = bank.scoring.evidence_credit.model_dump()
    best = np.array([max(credit[k] for k in q.evidence_kinds) for q in bank.questions])
    weights = np.array([q.weight for q in bank.questions], dtype=float)
    rank = np.zeros(len(weights), dtype=np.int64)
    for d in range(len(arr.dimension_ids)):
        mine = np.nonzero(arr.qdim == d)[0]
        distinct = sorted(set(weights[mine].tolist()), reverse=True)
        rank[mine] = [distinct.index(w) for w in weights[mine]]
    return _BankActions(
        actions=tuple((qid, k, a) for qid, k, a, _ in actions),
        question=np.array([j for *_, j in actions], dtype=np.int64),
        from_level=np.array([a.from_level for _, _, a, _ in actions], dtype=np.int64),
        to_level=np.array([a.to_level for _, _, a, _ in actions], dtype=np.int64),
        phase=np.array([a.phase for _, _, a, _ in actions], dtype=np.int64),
        needs=needs,
        by_question=tuple(by_question),
        values=arr.score_table * best[:, None],
        weight_rank=rank,
    )


def required_levels_many(gaps: QuestionGaps, bank: Bank) -> np.ndarray:
    """:func:`required_levels` for many assessments at once: (n, q) levels, -1 where a question
    has none (it does not apply, or it is N/A). The same rules, one greedy step per pass over the
    rows that still miss their target."""
    arr, acts = bank_arrays(bank), _bank_actions(bank)
    q = gaps.levels.shape[1]
    planned = gaps.applies & (gaps.levels != NA_CODE)
    level = np.where(np.isnan(gaps.credited), 0, gaps.credited).astype(np.int64)
    points = np.where(np.isnan(gaps.effective), 0.0, gaps.effective)
    floors = gaps.floors
    with np.errstate(invalid="ignore"):
        below = ~np.isnan(floors) & (level < np.nan_to_num(floors, nan=0))
    cols = np.arange(q)
    level = np.where(below, np.nan_to_num(floors, nan=0).astype(np.int64), level)
    points = np.where(below, acts.values[cols, level], points)
    weights = arr.weights
    for d in range(len(arr.dimension_ids)):
        mine = np.nonzero(arr.qdim == d)[0]
        if not len(mine):
            continue
        rows = planned[:, mine]
        w = weights[mine] * rows
        target = gaps.dimension_targets[:, d]
        total = w.sum(axis=1)

        def meets(lv_points, r=slice(None), w=w, target=target, total=total):
            return (w[r] * lv_points).sum(axis=1) >= target[r] * total[r] - 1e-9

        lv, pts = level[:, mine], points[:, mine]
        todo = ~meets(pts)
        if not todo.any():
            continue
        values = acts.values[mine]  # (k, 5)
        # first, every question to the base level: the highest whose worth does not exceed the target
        ok = (values[None, :, :] <= target[:, None, None] + 1e-9) | (np.arange(5) == 0)[None, None, :]
        base = np.where(ok, np.arange(5)[None, None, :], 0).max(axis=2)
        raise_ = todo[:, None] & rows & (lv < base)
        lv = np.where(raise_, base, lv)
        pts = np.where(raise_, values[np.arange(len(mine))[None, :], lv], pts)
        k = len(mine)
        key_static = acts.weight_rank[mine] * k + np.arange(k)
        todo &= ~meets(pts)
        while True:  # then one level at a time: the lowest level first, the heaviest among equals
            todo &= (rows & (lv < 4)).any(axis=1)
            if not todo.any():
                break
            r = np.nonzero(todo)[0]
            key = np.where(rows[r] & (lv[r] < 4), lv[r] * (k * k * 8) + key_static, np.iinfo(np.int64).max)
            i = key.argmin(axis=1)
            lv[r, i] += 1
            pts[r, i] = values[i, lv[r, i]]
            todo[r] = ~meets(pts[r], r)
        level[:, mine] = lv
    return np.where(planned, level, -1)


def roadmap_items_many(gaps: QuestionGaps, bank: Bank, triage: pd.DataFrame | None = None) -> pd.DataFrame:
    """The items each assessment's roadmap holds, for many assessments at once (no schedule).

    The same selection as :func:`build_roadmap` (a test compares them): per question, the level
    it must reach (:func:`required_levels_many`); an *assess* item for an unanswered or "don't
    know" question; an *evidence* item for one answered high enough but counted lower for want of
    evidence; otherwise the *build* steps between its level and the one required (whose
    ``applies_if`` holds), and the actions those ``need`` that are not done yet.

    ``triage``: the assessments' triage answers (the bank's defaults where missing), which the
    actions' ``applies_if`` read. One row per (assessment, item): ``row`` (the assessment's
    position), ``question``, ``kind``, ``action`` (its position among the question's actions; -1
    for assess and evidence items), ``dimension``, ``phase``, ``deliverable`` (for an evidence
    item, what the bank says proves the answer), ``effort_weeks`` (the midpoint),
    ``provisional`` (planned from level 0 until the question is answered).
    """
    acts = _bank_actions(bank)
    n, q = gaps.levels.shape
    need = required_levels_many(gaps, bank)
    planned = need >= 0
    levels = gaps.levels
    unknown = np.isnan(levels) | (levels == DONT_KNOW_CODE)
    level = np.where(unknown | (levels < 0), 0, np.nan_to_num(levels, nan=0)).astype(np.int64)
    credited = np.where(unknown, -1, np.nan_to_num(gaps.credited, nan=-1)).astype(np.int64)
    done = planned & ~unknown & (credited >= need)
    shown_short = planned & ~unknown & ~done & (level >= need)  # answered high enough, not backed
    cond = _action_conditions(bank, acts, triage, n)
    active = gaps.applies & (levels != NA_CODE)
    build = np.zeros((n, len(acts.actions)), dtype=bool)
    if len(acts.actions):
        qa = acts.question
        build = (planned & ~done & ~shown_short)[:, qa] & cond & (acts.to_level[None, :] > level[:, qa]) & (
            acts.from_level[None, :] < need[:, qa]
        )
        # the actions that planned deliverables need and that are not done yet, and the steps below them
        present, new = build.copy(), build.copy()
        while True:
            wanted = (new.astype(np.int32) @ acts.needs.astype(np.int32)) > 0
            wanted &= ~present & cond & active[:, qa] & (level[:, qa] < acts.to_level[None, :])
            if not wanted.any():
                break
            added = np.zeros_like(present)
            for b in np.nonzero(wanted.any(axis=0))[0]:
                rows = wanted[:, b]
                j = qa[b]
                for a in acts.by_question[j]:
                    added[:, a] |= rows & (acts.to_level[a] > level[:, j]) & (acts.from_level[a] < acts.to_level[b]) & cond[:, a]
            added &= ~present
            present |= added
            new = added
        build = present
    # phases of assess and evidence items: the first (last) phase among the question's applicable actions
    first = np.ones((n, q), dtype=np.int64)
    last = np.full((n, q), 3, dtype=np.int64)
    for j, mine in enumerate(acts.by_question):
        if mine:
            ph = np.where(cond[:, list(mine)], acts.phase[list(mine)][None, :], 0)
            has = cond[:, list(mine)].any(axis=1)
            first[:, j] = np.where(has, np.where(cond[:, list(mine)], ph, 9).min(axis=1), 1)
            last[:, j] = np.where(has, ph.max(axis=1), 3)
    parts = []
    ids = np.asarray(gaps.question_ids, dtype=object)
    assess_r, assess_c = np.nonzero(planned & unknown)
    evidence_r, evidence_c = np.nonzero(shown_short)
    for kind, r, c, phase, low_high in (
        ("assess", assess_r, assess_c, first[assess_r, assess_c], ASSESS_EFFORT),
        ("evidence", evidence_r, evidence_c, last[evidence_r, evidence_c], EVIDENCE_EFFORT),
    ):
        if len(r):
            questions = [bank.question(qid) for qid in ids[c]]
            parts.append(pd.DataFrame({
                "row": r, "question": ids[c], "kind": kind, "action": -1,
                "dimension": [x.dimension for x in questions], "phase": phase,
                "deliverable": [ASSESS_TEXT.format(text=x.text) if kind == "assess"
                                else EVIDENCE_TEXT.format(what=x.evidence or x.text) for x in questions],
                "effort_weeks": round(sum(low_high) / 2, 3), "provisional": False,
            }))
    r, a = np.nonzero(build)
    if len(r):
        picked = [acts.actions[i] for i in a]
        parts.append(pd.DataFrame({
            "row": r, "question": [p[0] for p in picked], "kind": "build", "action": [p[1] for p in picked],
            "dimension": [bank.question(p[0]).dimension for p in picked], "phase": acts.phase[a],
            "deliverable": [p[2].deliverable for p in picked],
            "effort_weeks": [round(sum(p[2].effort_weeks) / 2, 3) for p in picked],
            "provisional": unknown[r, acts.question[a]],
        }))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ITEM_COLUMNS})
    out = pd.concat(parts, ignore_index=True)
    column = bank_arrays(bank).column
    out["_q"] = out["question"].map(column)
    return out.sort_values(["row", "_q", "action"], kind="stable").drop(columns="_q").reset_index(drop=True)[ITEM_COLUMNS]


def _action_conditions(bank: Bank, acts: _BankActions, triage: pd.DataFrame | None, n: int) -> np.ndarray:
    """(n, A) bool: each action's ``applies_if`` under each assessment's triage (defaults filled in)."""
    out = np.ones((n, len(acts.actions)), dtype=bool)
    conditional = [i for i, (_, _, a) in enumerate(acts.actions) if a.applies_if is not None]
    if not conditional or not n:
        return out
    ids = [t.id for t in bank.triage]
    frame = triage.reindex(columns=ids) if triage is not None else pd.DataFrame(index=range(n), columns=ids)
    # object first: a column nobody answered is all-NaN float64, which a text default cannot fill
    frame = frame.astype(object).fillna({t.id: t.default for t in bank.triage}).astype(str)
    codes, combos = pd.MultiIndex.from_frame(frame).factorize()
    for k, combo in enumerate(combos):
        answers = dict(zip(ids, combo, strict=True))
        rows = codes == k
        for i in conditional:
            out[rows, i] = _condition(acts.actions[i][2].applies_if)(answers)
    return out
