"""One typed result: everything a view shows about an assessment, computed once per change.

:func:`evaluate` runs the engine (:func:`~readiness_widgets.scoring.score`, and the roadmap when
first asked for) and returns a frozen :class:`Result`. The form, the dashboard, the HTML and
Markdown reports, the charts and the CLI all render that one object; none of them scores again.

>>> from readiness_widgets.result import evaluate
>>> r = evaluate(assessment, previous=earlier)          # doctest: +SKIP
>>> r.verdict.status, r.dimensions[0].score, r.roadmap.total_weeks  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

import pandas as pd

from .errors import ReadinessError
from .roadmap import build_roadmap
from .scoring import score
from .team import Team, TeamAggregate, aggregate, merge

if TYPE_CHECKING:  # pragma: no cover
    from .assessment import Agreement, Answer, Assessment
    from .bank import Bank, ResolvedTarget
    from .roadmap import Roadmap
    from .scoring import Scores, Verdict

STATUS_LABELS = {"answered": "answered", "na": "N/A", "dont_know": "don't know", "unanswered": "unanswered"}
TARGET_WHY = {
    "requested": "requested for this report",
    "user": "set in the assessment",
    "triage": "recommended by the triage answers",
    "default": "the bank's default (no target set, none recommended by the triage)",
}


class ComparisonError(ReadinessError, ValueError):
    """A previous assessment that cannot be compared with this one (another bank)."""


def answer_label(status: str, level: Any = None) -> str:
    """How an answer reads in every view: ``level 2``, ``N/A``, ``don't know`` or ``unanswered``."""
    if status == "answered" and level is not None and not pd.isna(level):
        return f"level {int(level)}"
    return STATUS_LABELS.get(status, str(status))


def _number(value: Any) -> float | None:
    """A float, or ``None`` for a missing value (NaN, NA, None)."""
    return None if value is None or pd.isna(value) else float(value)


@dataclass(frozen=True)
class Info:
    """Who and what was assessed: the metadata a view shows beside the scores."""

    pilot: str
    respondents: tuple[str, ...]
    created: datetime
    updated: datetime
    answered_with: str  # the bank version the answers were given with
    file: str | None


@dataclass(frozen=True)
class DimensionRow:
    """One dimension: its score against the target, coverage and status (``ok``, ``condition``, ``blocker``)."""

    id: str
    title: str
    weight: float
    score: float | None  # None: nothing scored yet
    target: float
    gap: float | None
    coverage: float
    answered: int
    applicable: int
    dont_know: int
    status: str
    previous: float | None = None  # the previous assessment's score, when compared
    change: float | None = None


@dataclass(frozen=True)
class QuestionRow:
    """One applicable question: the answer as every view labels it, its score and its gap."""

    id: str
    dimension: str
    dimension_title: str
    text: str
    status: str  # answered, na, dont_know, unanswered
    level: int | None
    answer: str  # "level 2", "N/A", "don't know", "unanswered"
    anchor: str  # the description of the level given
    evidence: str  # the evidence kind of a level answer, else ""
    credited: int | None  # the level counted: no higher than the evidence backs
    effective: float | None
    target: float
    gap: float
    weighted_gap: float
    weight: float
    notes: str
    links: tuple[str, ...]
    owner: str = ""  # the role that answers for the question
    floor: int | None = None  # the knock-out floor under this target, if any
    knocked_out: bool = False  # below its floor: the verdict is not_ready
    controls: tuple[str, ...] = ()  # the control tags that hold under the triage

    @property
    def capped(self) -> bool:
        """Answered above what its evidence backs."""
        return self.level is not None and self.credited is not None and self.credited < self.level

    @property
    def flagged(self) -> bool:
        """"Don't know": scores 0 until someone finds out."""
        return self.status == "dont_know"


@dataclass(frozen=True)
class TriageRow:
    id: str
    text: str
    value: str
    answer: str  # the option's label
    default: bool  # not answered: the bank's default


@dataclass(frozen=True)
class Comparison:
    """The previous assessment of the same pilot, scored against this one's target."""

    info: Info
    scores: Scores

    @property
    def mean(self) -> float:
        return self.scores.mean


@dataclass(frozen=True)
class Result:
    """Everything a view shows about one assessment. Frozen; the engine ran once to make it.

    The dimension rows are built at once (the radar and the verdict need them); the question
    rows, the triage rows and the roadmap are built when a view first asks for them, and then
    kept: never twice for one result.
    """

    info: Info
    bank: Bank
    scores: Scores
    target_why: str
    dimensions: tuple[DimensionRow, ...]
    previous: Comparison | None
    warnings: tuple[str, ...]
    # the answers and triage as they were when scored (the assessment may change afterwards)
    _answers: Mapping[str, Answer]
    _triage: Mapping[str, str]
    _triage_given: frozenset[str]
    team: TeamView | None = None  # a team assessment: the respondents, the spread, the agreements

    # ---- at a glance --------------------------------------------------------------------
    @property
    def pilot(self) -> str:
        return self.info.pilot

    @property
    def target(self) -> ResolvedTarget:
        return self.scores.target

    @property
    def verdict(self) -> Verdict:
        return self.scores.verdict

    @property
    def mean(self) -> float:
        return self.scores.mean

    @property
    def weakest(self) -> float:
        return self.scores.weakest

    @property
    def weakest_title(self) -> str:
        return self.bank.dimension(self.scores.weakest_dimension).title

    @property
    def no_data(self) -> tuple[DimensionRow, ...]:
        """The dimensions with nothing scored yet (no answer, or N/A only): "no data" in every
        view, never drawn or read as a score of 0 (the engine counts them as 0 in the mean)."""
        return tuple(d for d in self.dimensions if d.score is None)

    @property
    def scored(self) -> bool:
        """Has any dimension a score? False for an assessment with no answer yet."""
        return any(d.score is not None for d in self.dimensions)

    @property
    def weakest_has_data(self) -> bool:
        """False when the weakest link is a dimension with no data (it counts as 0)."""
        return self.dimension(self.scores.weakest_dimension).score is not None

    @property
    def progress(self) -> tuple[int, int]:
        """(answered, applicable) over the questions that apply."""
        return sum(d.answered for d in self.dimensions), sum(d.applicable for d in self.dimensions)

    def dimension(self, dimension_id: str) -> DimensionRow:
        return next(d for d in self.dimensions if d.id == dimension_id)

    @property
    def dimension_gaps(self) -> tuple[DimensionRow, ...]:
        """Per dimension, the largest gap to target first (the engine's order)."""
        order = list(self.scores.dimension_gaps().index)
        return tuple(sorted(self.dimensions, key=lambda d: order.index(d.id)))

    # ---- per question (built on first use) ----------------------------------------------
    @cached_property
    def questions(self) -> tuple[QuestionRow, ...]:
        """Every question that applies, in bank order, whatever its status."""
        q = self.scores.questions
        q = q[q["applies"]]
        answers = self._answers
        titles = {d.id: d.title for d in self.bank.dimensions}
        rows = []
        triage = self._triage
        for qid, dim, text, status, level, evidence, credited, effective, target, gap, wgap, weight, floor, out in zip(
            q.index, q["dimension"], q["text"], q["status"], q["level"], q["evidence"], q["credited"], q["effective"],
            q["target"], q["gap"], q["weighted_gap"], q["weight"], q["floor"], q["knocked_out"], strict=True,
        ):
            level = None if pd.isna(level) else int(level)
            answer = answers.get(qid)
            question = self.bank.question(qid)
            rows.append(
                QuestionRow(
                    id=qid,
                    dimension=dim,
                    dimension_title=titles[dim],
                    text=text,
                    status=status,
                    level=level,
                    answer=answer_label(status, level),
                    anchor=question.levels[level] if level is not None else "",
                    evidence=evidence if status == "answered" else "",
                    credited=None if pd.isna(credited) else int(credited),
                    effective=_number(effective),
                    target=float(target),
                    gap=float(gap),
                    weighted_gap=float(wgap),
                    weight=float(weight),
                    notes=answer.notes if answer is not None else "",
                    links=tuple(answer.links) if answer is not None else (),
                    owner=question.owner,
                    floor=None if pd.isna(floor) else int(floor),
                    knocked_out=bool(out),
                    controls=tuple(question.controls_for(triage)),
                )
            )
        return tuple(rows)

    @property
    def answered(self) -> tuple[QuestionRow, ...]:
        """The applicable questions with an answer (a level, N/A or don't know)."""
        return tuple(r for r in self.questions if r.status != "unanswered")

    @property
    def unanswered(self) -> tuple[QuestionRow, ...]:
        return tuple(r for r in self.questions if r.status == "unanswered")

    @cached_property
    def question_gaps(self) -> tuple[QuestionRow, ...]:
        """The applicable questions below their target, worst weighted gap first (the engine's order)."""
        rows = {r.id: r for r in self.questions}
        return tuple(rows[qid] for qid in self.scores.question_gaps().index)

    @property
    def blocking(self) -> tuple[QuestionRow, ...]:
        """The questions that block the verdict, worst first (knock-outs first)."""
        rows = {r.id: r for r in self.questions}
        return tuple(rows[qid] for qid in self.verdict.blocking_questions)

    @property
    def knockouts(self) -> tuple[QuestionRow, ...]:
        """The knock-out questions below their floor, worst first: each one alone makes it not ready."""
        rows = {r.id: r for r in self.questions}
        return tuple(rows[qid] for qid in self.verdict.knockouts)

    @cached_property
    def triage(self) -> tuple[TriageRow, ...]:
        given, full = self._triage_given, self._triage
        return tuple(
            TriageRow(
                id=t.id,
                text=t.text,
                value=full[t.id],
                answer=next((o.label for o in t.options if o.value == full[t.id]), full[t.id]),
                default=t.id not in given,
            )
            for t in self.bank.triage
        )

    # ---- the roadmap (built on first use) -----------------------------------------------
    @cached_property
    def roadmap(self) -> Roadmap:
        return build_roadmap(self.scores)


def info_of(assessment: Assessment) -> Info:
    data = assessment.data
    return Info(
        pilot=data.pilot,
        respondents=tuple(data.respondents),
        created=data.created,
        updated=data.updated,
        answered_with=data.bank.version,
        file=str(assessment.path) if assessment.path is not None else None,
    )


def evaluate(assessment: Assessment, *, target: str | None = None, previous: Assessment | None = None) -> Result:
    """Score ``assessment`` once (against ``target``, else its own, else the triage's) into a :class:`Result`.

    ``previous``: an earlier assessment of the same pilot (same bank), scored against the same
    target, to show the change.
    """
    scores = score(assessment, target=target)
    comparison = None
    if previous is not None:
        if previous.bank.id != assessment.bank.id:
            raise ComparisonError(
                f"the previous assessment uses bank {previous.bank.id!r}, not {assessment.bank.id!r}"
            )
        comparison = Comparison(info_of(previous), score(previous, target=scores.target.profile))
    dims = scores.dimensions
    before = comparison.scores.dimensions["score"].reindex(dims.index) if comparison is not None else None
    rows = []
    for did, title, weight, value, goal, gap, coverage, answered, applicable, dont_know, status in zip(
        dims.index, dims["title"], dims["weight"], dims["score"], dims["target"], dims["gap"], dims["coverage"],
        dims["answered"], dims["applicable"], dims["dont_know"], dims["status"], strict=True,
    ):
        prev = _number(before[did]) if before is not None else None
        now = _number(value)
        rows.append(
            DimensionRow(
                id=did,
                title=title,
                weight=float(weight),
                score=now,
                target=float(goal),
                gap=_number(gap),
                coverage=float(coverage),
                answered=int(answered),
                applicable=int(applicable),
                dont_know=int(dont_know),
                status=status,
                previous=prev,
                change=None if prev is None or now is None or math.isnan(prev) else now - prev,
            )
        )
    why = "requested" if target is not None else scores.target.chosen_by
    return Result(
        info=info_of(assessment),
        bank=assessment.bank,
        scores=scores,
        target_why=TARGET_WHY[why],
        dimensions=tuple(rows),
        previous=comparison,
        warnings=tuple(assessment.warnings),
        _answers=dict(assessment.answers),  # Answer objects are replaced on change, never mutated
        _triage=assessment.triage,
        _triage_given=frozenset(assessment.data.triage),
    )


# ---- a team assessment ------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberAnswer:
    """One respondent's answer to one question, as every view labels it."""

    name: str
    role: str  # the role's title
    status: str  # answered, na, dont_know, unanswered, not_asked
    level: int | None
    answer: str  # "level 2", "N/A", "don't know", "unanswered", "not asked"
    evidence: str  # of a level answer, else ""
    notes: str


@dataclass(frozen=True)
class TeamQuestion:
    """One applicable question across the team: every answer, the combined one, the spread, the flags."""

    id: str
    dimension: str
    dimension_title: str
    text: str
    answers: tuple[MemberAnswer, ...]  # in the order of the team's members
    combined: str  # the aggregate's answer, labelled ("level 2", "don't know", ...)
    value: float | None  # the exact aggregate of the levels (a median may be 2.5)
    spread: float | None  # max - min of the levels
    iqr: float | None
    answered: int  # respondents who gave a level
    na: int
    dont_know: int
    unanswered: int
    asked: int
    reasons: tuple[str, ...]  # why it is a disagreement (empty: it is not)
    agreed: Agreement | None
    final: str  # what the team assessment takes: the agreed answer, else the combined one

    @property
    def flagged(self) -> bool:
        return bool(self.reasons)

    @property
    def levels(self) -> dict[str, int | str | None]:
        """Each respondent's answer: a level, ``"na"``, ``"dont_know"``, or None (unanswered or not asked)."""
        codes = {"na": "na", "dont_know": "dont_know"}
        return {a.name: a.level if a.status == "answered" else codes.get(a.status) for a in self.answers}


@dataclass(frozen=True)
class MemberRow:
    name: str
    role: str  # the role's id
    role_title: str
    file: str
    answered: int  # applicable questions asked of the role, answered
    asked: int  # applicable questions asked of the role
    updated: datetime


@dataclass(frozen=True)
class DimensionAgreement:
    """Krippendorff's alpha (ordinal) over the levels the respondents gave in one dimension."""

    id: str
    title: str
    alpha: float | None  # None: not defined (fewer than two levels on any question, or no variation)
    raters: int
    units: int  # questions with a level from two respondents or more


@dataclass(frozen=True)
class TeamView:
    """What a view shows of a team beyond the scores of its combined assessment."""

    folder: str
    method: str  # median, min or mean
    members: tuple[MemberRow, ...]
    questions: tuple[TeamQuestion, ...]  # the applicable ones, in bank order
    agreement: tuple[DimensionAgreement, ...]
    member_scores: Mapping[str, tuple[float | None, ...]]  # respondent -> a score per dimension (bank order)
    role_scores: Mapping[str, tuple[float | None, ...]]  # role title -> a score per dimension

    @property
    def disagreements(self) -> tuple[TeamQuestion, ...]:
        """The flagged questions: those not agreed on yet first, then the widest spread."""
        flagged = [q for q in self.questions if q.flagged]
        return tuple(sorted(flagged, key=lambda q: (q.agreed is not None, -(q.spread or 0.0))))

    @property
    def open_disagreements(self) -> tuple[TeamQuestion, ...]:
        return tuple(q for q in self.disagreements if q.agreed is None)

    @property
    def agreed(self) -> tuple[TeamQuestion, ...]:
        return tuple(q for q in self.questions if q.agreed is not None)


_CODE_LABELS = {"na": "N/A", "dont_know": "don't know", None: "unanswered"}


def _answer_text(value) -> str:
    return _CODE_LABELS[value] if value is None or isinstance(value, str) else f"level {int(value)}"


def team_view(team: Team, agg: TeamAggregate) -> TeamView:
    """The team's rows, from the engine's aggregate."""
    bank = team.bank
    titles = {d.id: d.title for d in bank.dimensions}
    role_titles = {r.id: r.title for r in bank.roles}
    q = agg.questions
    applies = q["applies"]
    members = []
    for m in team.members:
        asked = [qid for qid in q.index[applies] if bank.asks(qid, m.role)]
        members.append(
            MemberRow(
                name=m.respondent.name,
                role=m.role,
                role_title=role_titles[m.role],
                file=m.path.name if m.path is not None else "",
                answered=sum(1 for qid in asked if m.value(qid) is not None),
                asked=len(asked),
                updated=m.data.updated,
            )
        )
    rows = []
    for qid in q.index[applies]:
        answers = []
        for m in team.members:
            a = m.answers.get(qid)
            if not bank.asks(qid, m.role):
                status, level = "not_asked", None
            elif a is None or a.value is None:
                status, level = "unanswered", None
            elif isinstance(a.value, str):
                status, level = a.value, None
            else:
                status, level = "answered", a.value
            answers.append(
                MemberAnswer(
                    name=m.respondent.name,
                    role=role_titles[m.role],
                    status=status,
                    level=level,
                    answer="not asked" if status == "not_asked" else answer_label(status, level),
                    evidence=a.evidence if status == "answered" else "",
                    notes=a.notes if a is not None and status != "not_asked" else "",
                )
            )
        agreed = q.at[qid, "agreed"]
        combined = _answer_text(q.at[qid, "answer"])
        rows.append(
            TeamQuestion(
                id=qid,
                dimension=q.at[qid, "dimension"],
                dimension_title=titles[q.at[qid, "dimension"]],
                text=q.at[qid, "text"],
                answers=tuple(answers),
                combined=combined,
                value=_number(q.at[qid, "value"]),
                spread=_number(q.at[qid, "spread"]),
                iqr=_number(q.at[qid, "iqr"]),
                answered=int(q.at[qid, "answered"]),
                na=int(q.at[qid, "na"]),
                dont_know=int(q.at[qid, "dont_know"]),
                unanswered=int(q.at[qid, "unanswered"]),
                asked=int(q.at[qid, "asked"]),
                reasons=tuple(q.at[qid, "reasons"]),
                agreed=agreed,
                final=_answer_text(agreed.value) + " (agreed)" if agreed is not None else combined,
            )
        )
    agreement = tuple(
        DimensionAgreement(d, titles[d], _number(row["alpha"]), int(row["raters"]), int(row["units"]))
        for d, row in agg.agreement.iterrows()
    )

    def by_row(frame) -> dict[str, tuple[float | None, ...]]:
        return {str(name): tuple(_number(x) for x in row) for name, row in frame.iterrows()}

    return TeamView(
        folder=str(team.folder),
        method=agg.method,
        members=tuple(members),
        questions=tuple(rows),
        agreement=agreement,
        member_scores=by_row(agg.member_scores),
        role_scores=by_row(agg.role_scores),
    )


def evaluate_team(team: Team, *, target: str | None = None, previous: Assessment | None = None) -> Result:
    """Aggregate ``team``, merge it (agreed answers override) and score it once, like any assessment.

    The :class:`Result` is the combined assessment's, with :attr:`Result.team` set: the views
    show the team's radar, disagreements and agreement from it.
    """
    agg = aggregate(team)
    merged = merge(team, agg)
    merged.path = team.folder
    result = evaluate(merged, target=target, previous=previous)
    return dataclasses.replace(result, team=team_view(team, agg))


__all__ = [
    "Comparison",
    "ComparisonError",
    "DimensionAgreement",
    "DimensionRow",
    "Info",
    "MemberAnswer",
    "MemberRow",
    "QuestionRow",
    "Result",
    "TeamQuestion",
    "TeamView",
    "TriageRow",
    "answer_label",
    "evaluate",
    "evaluate_team",
    "team_view",
]
