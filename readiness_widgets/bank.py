"""The question bank: pydantic models and a loader whose errors name file, line and field.

>>> bank = load_bank()
>>> bank.summary()
'6 dimensions, 54 questions'  # doctest: +SKIP
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Mapping
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .conditions import Condition, ConditionError, parse_condition
from .controls import check_tag
from .errors import (
    BankError,
    Problem,
    ReadinessError,
    UnknownIdError,
    line_of,
    loc_to_path,
    problems_from_validation,
)
from .storage import FileReadError, NotTextError, decode_utf8, read_regular_file
from .yamlio import YAMLDataError, parse_yaml, yaml_lines

LEVELS = (0, 1, 2, 3, 4)
# what backs an answer, weakest first: the respondent's word; an artefact someone can open; an
# artefact signed off by an accountable person (documents, decisions); a check that runs by itself
EVIDENCE_KINDS = ("none", "manual", "reviewed", "automated")
DEFAULT_BANK = "default"
MAX_BANK_BYTES = 5_000_000

Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
QuestionId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$", max_length=100)]
Text = Annotated[str, Field(min_length=1, max_length=4000)]
Level = Annotated[float, Field(ge=0, le=4)]


class _Model(BaseModel):
    # NaN and infinity are refused as such ("Input should be a finite number"), not by a bound
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False)


class EvidenceCredit(_Model):
    """Share of a level's score kept for each kind of evidence (1.0 everywhere in the default bank)."""

    none: float = Field(1.0, ge=0, le=1, description="answer backed by no evidence")
    manual: float = Field(1.0, ge=0, le=1, description="answer backed by an artefact someone can open")
    reviewed: float = Field(1.0, ge=0, le=1, description="answer backed by a signed-off artefact")
    automated: float = Field(1.0, ge=0, le=1, description="answer backed by a check that runs by itself")

    @model_validator(mode="after")
    def _ordered(self):
        if not (self.none <= self.manual <= self.reviewed and self.manual <= self.automated):
            raise ValueError("evidence credit must satisfy none <= manual <= reviewed and manual <= automated")
        return self


class EvidenceCap(_Model):
    """The highest level each kind of evidence can back: a claim above it counts as the cap."""

    none: Literal[0, 1, 2, 3, 4] = 1
    manual: Literal[0, 1, 2, 3, 4] = 2
    reviewed: Literal[0, 1, 2, 3, 4] = 4
    automated: Literal[0, 1, 2, 3, 4] = 4

    @model_validator(mode="after")
    def _ordered(self):
        if not (self.none <= self.manual <= self.reviewed and self.manual <= self.automated):
            raise ValueError("evidence caps must satisfy none <= manual <= reviewed and manual <= automated")
        return self


class Scoring(_Model):
    evidence_credit: EvidenceCredit = EvidenceCredit()
    evidence_cap: EvidenceCap = EvidenceCap()
    min_coverage: float = Field(
        0.6, ge=0, le=1, description="a dimension answered below this share blocks the verdict"
    )
    ready_coverage: float = Field(
        0.9, ge=0, le=1, description="a dimension answered below this share is at best a condition"
    )
    conditions_margin: float = Field(
        0.5, ge=0, le=4, description="a dimension this close below target is only a condition"
    )

    @model_validator(mode="after")
    def _coverages(self):
        if self.min_coverage > self.ready_coverage:
            raise ValueError(f"min_coverage ({self.min_coverage}) must not exceed ready_coverage ({self.ready_coverage})")
        return self


class Phase(_Model):
    phase: Literal[1, 2, 3]
    title: Text
    description: str = ""


class RoadmapSettings(_Model):
    parallel_streams: int = Field(4, ge=1, le=20, description="deliverables worked on at once")
    phases: list[Phase] = Field(
        default_factory=lambda: [
            Phase(phase=1, title="Data pipeline hardening and monitoring"),
            Phase(phase=2, title="Deployment infrastructure"),
            Phase(phase=3, title="Governance, documentation and organisational readiness"),
        ]
    )

    @field_validator("phases")
    @classmethod
    def _three_phases(cls, phases: list[Phase]) -> list[Phase]:
        if sorted(p.phase for p in phases) != [1, 2, 3]:
            raise ValueError("expected exactly the phases 1, 2 and 3, once each")
        return sorted(phases, key=lambda p: p.phase)


class Dimension(_Model):
    id: Identifier
    title: Text
    description: Text
    weight: float = Field(1.0, gt=0, le=100)


class TriageOption(_Model):
    value: Identifier
    label: Text


class TriageQuestion(_Model):
    id: Identifier
    text: Text
    help: str = ""
    options: list[TriageOption] = Field(min_length=2)
    default: Identifier

    @model_validator(mode="after")
    def _default_is_an_option(self):
        values = [o.value for o in self.options]
        if len(set(values)) != len(values):
            raise ValueError(f"option values must be unique, got {values}")
        if self.default not in values:
            raise ValueError(f"default {self.default!r} is not one of the options {values}")
        return self


class TargetProfile(_Model):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$", max_length=64)]
    title: Text
    description: str = ""
    levels: dict[str, Level]

    @field_validator("levels")
    @classmethod
    def _every_dimension(cls, levels: dict[str, float], info: ValidationInfo):
        dims = _context(info, "dimensions")
        if dims is not None:
            missing = [d for d in dims if d not in levels]
            unknown = [d for d in levels if d not in dims]
            if missing:
                raise ValueError(f"missing a level for dimension(s) {_listing(missing)}")
            if unknown:
                raise ValueError(f"unknown dimension(s) {_listing(unknown)}")
        return levels


class TargetRule(_Model):
    when: Text
    raise_: dict[str, Level] = Field(default_factory=dict, alias="raise")
    profile: str | None = None
    floor: dict[str, Literal[1, 2, 3, 4]] = Field(
        default_factory=dict, description="question id -> the level it must reach (a knock-out) when the rule holds"
    )
    verdict: Literal["not_ready", "ready_with_conditions"] | None = Field(
        None, description="the best verdict possible while the rule holds"
    )
    reason: str = ""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("when")
    @classmethod
    def _condition(cls, text: str, info: ValidationInfo) -> str:
        _check_condition(text, info)
        return text

    @field_validator("raise_")
    @classmethod
    def _dimensions(cls, levels: dict[str, float], info: ValidationInfo):
        dims = _context(info, "dimensions")
        unknown = [d for d in levels if dims is not None and d not in dims]
        if unknown:
            raise ValueError(f"unknown dimension(s) {_listing(unknown)}")
        return levels

    @field_validator("profile")
    @classmethod
    def _profile(cls, profile: str | None, info: ValidationInfo):
        targets = _context(info, "targets")
        if profile is not None and targets is not None and profile not in targets:
            raise ValueError(f"unknown target profile {profile!r} (known: {_listing(targets)})")
        return profile

    @field_validator("floor")
    @classmethod
    def _known_questions(cls, floors: dict[str, int], info: ValidationInfo):
        qids = _context(info, "questions")
        unknown = [q for q in floors if qids is not None and q not in qids]
        if unknown:
            raise ValueError(f"unknown question id(s) {', '.join(map(repr, unknown))}")
        return floors

    @model_validator(mode="after")
    def _does_something(self):
        if not self.raise_ and self.profile is None and not self.floor and self.verdict is None:
            raise ValueError("a target rule needs 'raise', 'profile', 'floor' or 'verdict'")
        if self.verdict is not None and not self.reason:
            raise ValueError("a rule that limits the verdict needs a 'reason' to show")
        return self


class Action(_Model):
    """A roadmap deliverable: the step from ``from_level`` to ``to_level`` of its question."""

    id: Identifier | None = Field(None, description="unique in the bank; what other actions' `needs` name")
    deliverable: Text
    phase: Literal[1, 2, 3]
    from_level: Literal[0, 1, 2, 3] = 0
    to_level: Literal[1, 2, 3, 4] = 4
    effort_weeks: tuple[float, float] = Field(
        description="weeks of one person's work: a number, or [low, high] where the uncertainty is real"
    )
    lead_weeks: float = Field(0, ge=0, le=52, description="calendar weeks of waiting after the work (reviews, approvals, outcomes)")
    needs: list[Identifier] = Field(default_factory=list, description="ids of actions that must finish first")
    applies_if: str | None = None
    owner: str = ""

    @field_validator("effort_weeks", mode="before")
    @classmethod
    def _range(cls, value):
        if isinstance(value, bool):
            raise ValueError("expected a number of weeks or [low, high]")
        if isinstance(value, (int, float)):
            value = (value, value)
        if not isinstance(value, (list, tuple)) or len(value) != 2:
            raise ValueError("expected a number of weeks or [low, high]")
        low, high = value
        if any(isinstance(v, bool) or not isinstance(v, (int, float)) or math.isnan(v) for v in (low, high)):
            raise ValueError("expected a number of weeks or [low, high]")
        if not 0 < low <= high <= 52:
            raise ValueError(f"expected 0 < low <= high <= 52 weeks, got {list(value)}")
        return (float(low), float(high))

    @field_validator("applies_if")
    @classmethod
    def _condition(cls, text: str | None, info: ValidationInfo) -> str | None:
        if text is not None:
            _check_condition(text, info)
        return text

    @model_validator(mode="after")
    def _step(self):
        if self.from_level >= self.to_level:
            raise ValueError(f"from_level ({self.from_level}) must be below to_level ({self.to_level})")
        return self

    @property
    def effort_expected(self) -> float:
        return (self.effort_weeks[0] + self.effort_weeks[1]) / 2


class ControlTag(_Model):
    """A control tag, ``id`` (``"NIST AI RMF MEASURE 2.4"``), that holds only under the triage
    condition ``when`` when one is given. A bank may write a tag without a condition as a string."""

    id: Annotated[str, Field(min_length=1, max_length=200)]
    when: Text | None = None

    @field_validator("id")
    @classmethod
    def _known(cls, tag: str) -> str:
        problem = check_tag(tag)
        if problem:
            raise ValueError(problem)
        return tag

    @field_validator("when")
    @classmethod
    def _condition(cls, text: str | None, info: ValidationInfo) -> str | None:
        if text is not None:
            _check_condition(text, info)
        return text

    def __str__(self) -> str:
        return self.id if self.when is None else f"{self.id} (if {self.when})"


class SuggestRule(_Model):
    """Evidence-scan rule: a detector signal suggests a level for this question.

    ``requires`` lists signals that must also be found (each item may name alternatives
    separated by ``|``): ``{signal: ci.deploys, level: 3, requires: ["deps.pinned|deps.lockfile"]}``;
    ``unless`` lists signals whose presence turns the rule off (``unless: ["model.trains"]``).
    """

    signal: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$", max_length=100)]
    level: Literal[0, 1, 2, 3, 4]
    automated: bool = False
    requires: list[
        Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*(\|[a-z][a-z0-9_]*(\.[a-z0-9_]+)*)*$", max_length=300)]
    ] = Field(default_factory=list, max_length=5)
    unless: list[
        Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*(\|[a-z][a-z0-9_]*(\.[a-z0-9_]+)*)*$", max_length=300)]
    ] = Field(default_factory=list, max_length=5)


# ---- team assessments (issue 14): roles, who is asked what, how answers are combined ----------

RoleId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]


class Role(_Model):
    """A role a respondent answers as (data science, platform, ...)."""

    id: RoleId
    title: Text


DEFAULT_ROLES = (
    Role(id="data_science", title="Data science"),
    Role(id="platform", title="Platform"),
    Role(id="product", title="Product"),
    Role(id="compliance", title="Compliance"),
    Role(id="business", title="Business"),
)


class TeamSettings(_Model):
    """How a team's answers to one question are combined, and what counts as a disagreement."""

    aggregate: Literal["median", "min", "mean"] = Field(
        "median",
        description="median (the lower middle answer when two are in the middle), min (the most "
        "conservative answer) or mean (rounded to the nearest level, halves down)",
    )
    spread_flag: int = Field(2, ge=1, le=4, description="levels this far apart (max - min) are a disagreement")
    dont_know_flag: int = Field(
        3, ge=0, le=4, description="'don't know' beside a level this high or higher is a disagreement"
    )


def _role_ids(info: ValidationInfo) -> list[str] | None:
    return _context(info, "roles")


class Question(_Model):
    id: QuestionId
    dimension: Identifier
    text: Text
    help: str = ""
    levels: dict[int, Text]
    scores: list[Level] | None = None
    allow_na: bool = False
    weight: float = Field(1.0, gt=0, le=100)
    evidence: str = ""
    evidence_kinds: tuple[Literal["none", "manual", "reviewed", "automated"], ...] = Field(
        EVIDENCE_KINDS, description="the kinds of evidence that fit the question; 'none' always included"
    )
    owner: str = Field("", max_length=100, description="the role that answers for the question and owns its work")
    floor: dict[str, Literal[1, 2, 3, 4]] = Field(
        default_factory=dict, description="target profile -> the lowest level allowed (a knock-out question)"
    )
    controls: list[ControlTag] = Field(default_factory=list, description="control tags, as strings or {id, when}")
    applies_if: str | None = None
    actions: list[Action] = Field(default_factory=list)
    suggest: list[SuggestRule] = Field(default_factory=list)
    ask_roles: list[RoleId] | None = Field(
        None, description="the roles asked this question in a team assessment (default: every role)"
    )

    @field_validator("ask_roles")
    @classmethod
    def _known_roles(cls, roles: list[str] | None, info: ValidationInfo) -> list[str] | None:
        known = _role_ids(info)
        if roles is not None:
            if not roles:
                raise ValueError("expected at least one role (leave ask_roles out to ask everyone)")
            unknown = [r for r in roles if known is not None and r not in known]
            if unknown:
                raise ValueError(f"unknown role(s) {', '.join(unknown)} (known: {', '.join(known or [])})")
        return roles

    @field_validator("dimension")
    @classmethod
    def _known_dimension(cls, dim: str, info: ValidationInfo) -> str:
        dims = _context(info, "dimensions")
        if dims is not None and dim not in dims:
            raise ValueError(f"unknown dimension {dim!r} (known: {_listing(dims)})")
        return dim

    @field_validator("levels")
    @classmethod
    def _five_levels(cls, levels: dict[int, str]) -> dict[int, str]:
        missing = [str(lv) for lv in LEVELS if lv not in levels]
        extra = [str(lv) for lv in levels if lv not in LEVELS]
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"missing level(s) {_listing(missing)}")
            if extra:
                parts.append(f"unexpected level(s) {_listing(extra)}")
            raise ValueError(f"expected the five levels 0-4 each with a description; {'; '.join(parts)}")
        texts = [levels[lv].casefold() for lv in LEVELS]
        if len(set(texts)) != len(texts):
            raise ValueError("each level needs its own description; two levels share one")
        return {lv: levels[lv] for lv in LEVELS}

    @field_validator("scores")
    @classmethod
    def _rising(cls, scores: list[float] | None) -> list[float] | None:
        if scores is None:
            return None
        if len(scores) != len(LEVELS):
            raise ValueError(f"expected 5 scores, one per level 0-4, got {len(scores)}")
        if any(b <= a for a, b in itertools.pairwise(scores)):
            raise ValueError(f"level scores must rise strictly with maturity, got {scores}")
        return scores

    @field_validator("applies_if")
    @classmethod
    def _condition(cls, text: str | None, info: ValidationInfo) -> str | None:
        if text is not None:
            _check_condition(text, info)
        return text

    @field_validator("evidence_kinds")
    @classmethod
    def _kinds(cls, kinds: tuple[str, ...]) -> tuple[str, ...]:
        if "none" not in kinds or "manual" not in kinds:
            raise ValueError("evidence_kinds must include 'none' and 'manual'")
        if len(set(kinds)) != len(kinds):
            raise ValueError(f"evidence_kinds repeats a kind: {list(kinds)}")
        return tuple(k for k in EVIDENCE_KINDS if k in kinds)

    @field_validator("floor")
    @classmethod
    def _floor_profiles(cls, floor: dict[str, int], info: ValidationInfo):
        targets = _context(info, "targets")
        unknown = [p for p in floor if targets is not None and p not in targets]
        if unknown:
            raise ValueError(f"unknown target profile(s) {', '.join(map(repr, unknown))} (known: {', '.join(targets)})")
        return floor

    @field_validator("controls", mode="before")
    @classmethod
    def _plain_tags(cls, tags):
        return [{"id": t} if isinstance(t, str) else t for t in tags] if isinstance(tags, list) else tags

    @model_validator(mode="after")
    def _fitting_evidence(self):
        for rule in self.suggest:
            if rule.automated and "automated" not in self.evidence_kinds:
                raise ValueError(f"suggest rule {rule.signal!r} says automated, but the question does not accept automated evidence")
        return self

    def fitting_evidence(self, kind: str) -> str:
        """``kind`` if the question accepts it, else the nearest kind it does: a sign-off and a running
        check stand for each other, then weaker kinds (an artefact, then nothing)."""
        if kind in self.evidence_kinds:
            return kind
        nearest = {"automated": ("reviewed", "manual"), "reviewed": ("automated", "manual")}.get(kind, ())
        return next((k for k in (*nearest, "manual", "none") if k in self.evidence_kinds), "none")

    def controls_for(self, triage: Mapping[str, str]) -> list[str]:
        """The control tags that hold under ``triage`` (the bank's defaults filled in)."""
        return [t.id for t in self.controls if t.when is None or parse_condition(t.when)(triage)]

    @property
    def level_scores(self) -> list[float]:
        return list(self.scores) if self.scores is not None else [float(lv) for lv in LEVELS]


def _listing(ids, most: int = 10) -> str:
    """``a, b, c``, or the first ``most`` and how many more: one message stays one line."""
    ids = list(ids)
    shown = ", ".join(ids[:most])
    return shown if len(ids) <= most else f"{shown} and {len(ids) - most:,} more"


def _context(info: ValidationInfo, key: str):
    return (info.context or {}).get(key)


def _check_condition(text: str, info: ValidationInfo) -> None:
    try:
        parse_condition(text, _context(info, "triage"))
    except ConditionError as exc:
        raise ValueError(f"invalid condition {text!r}: {exc}") from None


class ResolvedTarget(BaseModel):
    """The target that applies to one assessment: a profile, raised by the triage rules."""

    model_config = ConfigDict(frozen=True)

    profile: str
    title: str
    levels: dict[str, float]
    reasons: list[str] = Field(default_factory=list)
    chosen_by: Literal["user", "triage", "default"] = "default"
    floors: dict[str, int] = Field(default_factory=dict)  # question id -> lowest level allowed (knock-outs)
    blocks: list[str] = Field(default_factory=list)  # triage rules that make the verdict not_ready
    conditions: list[str] = Field(default_factory=list)  # triage rules that keep it from ready


# ---- carrying answers over from an older version of the bank (see bank_migration.py) ------------


class QuestionMove(_Model):
    """Where the answer to a question of the older version goes: one id (renamed or merged) or several (split)."""

    into: list[QuestionId] = Field(min_length=1)
    levels: list[Literal[0, 1, 2, 3, 4]] | None = Field(
        None, description="the new level of each old level 0-4, where the ladder changed"
    )

    @field_validator("into", mode="before")
    @classmethod
    def _one_or_many(cls, value):
        return [value] if isinstance(value, str) else value

    @field_validator("levels")
    @classmethod
    def _five(cls, levels):
        if levels is not None and len(levels) != len(LEVELS):
            raise ValueError(f"expected 5 levels, one per old level 0-4, got {len(levels)}")
        return levels


class BankMigration(_Model):
    """How answers given with bank version ``from`` carry over to version ``to``."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    from_version: Annotated[str, Field(min_length=1, max_length=40)] = Field(alias="from")
    to_version: Annotated[str, Field(min_length=1, max_length=40)] = Field(alias="to")
    questions: dict[QuestionId, QuestionMove] = Field(default_factory=dict)


class Bank(_Model):
    """A validated question bank. Load one with :func:`load_bank`."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
    version: Annotated[str, Field(min_length=1, max_length=40)]
    title: Text
    description: str = ""
    scoring: Scoring = Scoring()
    roadmap: RoadmapSettings = RoadmapSettings()
    dimensions: list[Dimension] = Field(min_length=1)
    triage: list[TriageQuestion] = Field(default_factory=list)
    targets: list[TargetProfile] = Field(min_length=1)
    target_rules: list[TargetRule] = Field(default_factory=list)
    questions: list[Question] = Field(min_length=1)
    migrations: list[BankMigration] = Field(default_factory=list)
    roles: list[Role] = Field(default_factory=lambda: list(DEFAULT_ROLES), min_length=1)
    team: TeamSettings = TeamSettings()

    _cache: dict = PrivateAttr(default_factory=dict)  # derived arrays, keyed by their builder

    def cached(self, key: str, build):
        """Memoise ``build(self)`` on this (immutable) bank."""
        if key not in self._cache:
            self._cache[key] = build(self)
        return self._cache[key]

    @model_validator(mode="after")
    def _unique_and_covered(self, info: ValidationInfo):
        if _context(info, "cross_checked"):  # validate_bank reported these with their place
            return self
        problems = []
        for name, items in (
            ("dimension", self.dimensions),
            ("triage question", self.triage),
            ("target profile", self.targets),
            ("question", self.questions),
            ("role", self.roles),
        ):
            seen: set[str] = set()
            for item in items:
                if item.id in seen:
                    problems.append(f"duplicate {name} id {item.id!r}")
                seen.add(item.id)
        used = {q.dimension for q in self.questions}
        empty = [d.id for d in self.dimensions if d.id not in used]
        if empty:
            problems.append(f"dimension(s) with no question: {_listing(empty)}")
        problems += [msg for _, msg in _plan_problems(self.model_dump(by_alias=True))]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # ---- look-ups -------------------------------------------------------------------------
    @cached_property
    def dimension_ids(self) -> list[str]:
        return [d.id for d in self.dimensions]

    @cached_property
    def _questions_by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    @cached_property
    def _triage_by_id(self) -> dict[str, TriageQuestion]:
        return {t.id: t for t in self.triage}

    @cached_property
    def _conditions(self) -> dict[str, Condition]:
        return {
            q.id: parse_condition(q.applies_if) for q in self.questions if q.applies_if is not None
        }

    @cached_property
    def _rule_conditions(self) -> list[Condition]:
        """Each target rule's ``when``, parsed once (the order of ``target_rules``)."""
        return [parse_condition(r.when) for r in self.target_rules]

    @cached_property
    def actions_by_id(self) -> dict[str, tuple[Question, Action]]:
        """Every action that has an id, with its question."""
        return {a.id: (q, a) for q in self.questions for a in q.actions if a.id is not None}

    def question(self, question_id: str) -> Question:
        try:
            return self._questions_by_id[question_id]
        except KeyError:
            raise UnknownIdError(f"unknown question id {question_id!r} in bank {self.id!r}") from None

    def has_question(self, question_id: str) -> bool:
        return question_id in self._questions_by_id

    def triage_question(self, triage_id: str) -> TriageQuestion:
        try:
            return self._triage_by_id[triage_id]
        except KeyError:
            known = ", ".join(self._triage_by_id) or "none"
            raise UnknownIdError(f"unknown triage id {triage_id!r} (known: {known})") from None

    def dimension(self, dimension_id: str) -> Dimension:
        for d in self.dimensions:
            if d.id == dimension_id:
                return d
        raise UnknownIdError(f"unknown dimension {dimension_id!r}")

    def target(self, profile_id: str) -> TargetProfile:
        for t in self.targets:
            if t.id == profile_id:
                return t
        known = ", ".join(t.id for t in self.targets)
        raise UnknownIdError(f"unknown target profile {profile_id!r} (known: {known})")

    def questions_in(self, dimension_id: str) -> list[Question]:
        return [q for q in self.questions if q.dimension == dimension_id]

    def summary(self) -> str:
        return f"{len(self.dimensions)} dimensions, {len(self.questions)} questions"

    # ---- team roles -------------------------------------------------------------------------
    @cached_property
    def role_ids(self) -> list[str]:
        return [r.id for r in self.roles]

    def role(self, name: str) -> Role:
        """The role called ``name``: its id or its title, any case, spaces and underscores alike."""
        key = re.sub(r"[\s_-]+", "_", str(name).strip()).casefold()
        for r in self.roles:
            if key in (r.id, re.sub(r"[\s_-]+", "_", r.title).casefold()):
                return r
        known = ", ".join(f"{r.id} ({r.title})" for r in self.roles)
        raise UnknownIdError(f"unknown role {name!r} (known: {known})")

    def asks(self, question_id: str, role: str | None) -> bool:
        """Whether a respondent with ``role`` is asked the question (no role: every question)."""
        roles = self.question(question_id).ask_roles
        return role is None or roles is None or role in roles

    def asked_mask(self, role: str | None) -> tuple[bool, ...]:
        """Whether each question (in bank order) is asked of ``role``; memoised."""
        key = ("asked", role)
        if key not in self._cache:
            self._cache[key] = tuple(role is None or q.ask_roles is None or role in q.ask_roles for q in self.questions)
        return self._cache[key]

    # ---- triage -----------------------------------------------------------------------------
    def triage_with_defaults(self, answers: Mapping[str, str] | None = None) -> dict[str, str]:
        answers = dict(answers or {})
        return {t.id: answers.get(t.id) or t.default for t in self.triage}

    def applies(self, question_id: str, triage: Mapping[str, str] | None = None) -> bool:
        cond = self._conditions.get(question_id)
        return True if cond is None else cond(self.triage_with_defaults(triage))

    def applies_mask(self, triage: Mapping[str, str] | None = None) -> tuple[bool, ...]:
        """Whether each question (in bank order) applies under ``triage``; memoised per triage."""
        full = self.triage_with_defaults(triage)
        key = ("applies", tuple(full.items()))
        if key not in self._cache:
            conds = self._conditions
            self._cache[key] = tuple(q.id not in conds or conds[q.id](full) for q in self.questions)
        return self._cache[key]

    def applicable_questions(self, triage: Mapping[str, str] | None = None) -> list[Question]:
        full = self.triage_with_defaults(triage)
        conds = self._conditions
        return [q for q in self.questions if q.id not in conds or conds[q.id](full)]

    def resolve_target(
        self, profile: str | None = None, triage: Mapping[str, str] | None = None
    ) -> ResolvedTarget:
        """The target for ``profile`` (or the one the triage recommends), raised by the rules.

        Memoised per (profile, triage): the rules' conditions are parsed once per bank.
        """
        full = self.triage_with_defaults(triage)
        key = ("target", profile, tuple(full.items()))
        if key not in self._cache:
            self._cache[key] = self._resolve_target(profile, full)
        return self._cache[key]

    def _resolve_target(self, profile: str | None, full: dict[str, str]) -> ResolvedTarget:
        order = [t.id for t in self.targets]
        reasons: list[str] = []
        matching = [r for r, cond in zip(self.target_rules, self._rule_conditions, strict=True) if cond(full)]
        chosen_by: Literal["user", "triage", "default"] = "user"
        if profile is None:
            recommended = [r for r in matching if r.profile]
            if recommended:
                best = max(recommended, key=lambda r: order.index(r.profile))
                profile, chosen_by = best.profile, "triage"
                reasons.append(best.reason or f"triage recommends {best.profile} ({best.when})")
            else:
                profile, chosen_by = ("production" if "production" in order else order[0]), "default"
        base = self.target(profile)
        levels = dict(base.levels)
        for rule in matching:
            for dim, level in rule.raise_.items():
                if level > levels[dim]:
                    levels[dim] = level
                    reasons.append(rule.reason or f"{rule.when}: {dim} raised to {level:g}")
        floors = {q.id: q.floor[base.id] for q in self.questions if base.id in q.floor}
        for rule in matching:
            for qid, level in rule.floor.items():
                if level > floors.get(qid, 0):
                    floors[qid] = level
        blocks = [r.reason for r in matching if r.verdict == "not_ready"]
        conditions = [r.reason for r in matching if r.verdict == "ready_with_conditions"]
        return ResolvedTarget(
            profile=base.id, title=base.title, levels=levels, reasons=reasons, chosen_by=chosen_by,
            floors=floors, blocks=blocks, conditions=conditions,
        )


# ---- loading ------------------------------------------------------------------------------


def bundled_bank_path(name: str = DEFAULT_BANK) -> Path:
    """Path of a bank shipped with the package."""
    if not re.fullmatch(r"[a-z0-9_-]+", name):
        raise ValueError(f"bundled bank names are [a-z0-9_-]+, got {name!r}")
    return _banks_folder() / f"{name}.yaml"


@functools.cache
def _banks_folder() -> Path:
    """The package's ``banks/`` folder (looked up once: a portfolio loads thousands of assessments)."""
    return Path(str(resources.files("readiness_widgets") / "banks"))


_CACHE: dict[tuple[int, int, int, int], Bank] = {}


def load_bank(path: str | Path | None = None) -> Bank:
    """Load and validate a question bank; ``None`` loads the bundled default bank.

    Raises :class:`~readiness_widgets.errors.BankError` listing every problem with file, line
    and field path. Banks are cached by file (device and inode), modification time and size.
    """
    file = Path(path) if path is not None else bundled_bank_path()
    try:
        stat = file.stat()
    except OSError as exc:
        raise BankError([Problem(str(file), "", f"cannot read bank: {exc.strerror or exc}")]) from None
    key = (stat.st_dev, stat.st_ino, stat.st_mtime_ns, stat.st_size)  # the file itself, whatever the path to it
    if key not in _CACHE:
        _CACHE[key] = _load_uncached(file)
    return _CACHE[key]


def _read_yaml(file: Path) -> tuple[Any, dict[tuple, int]]:
    try:
        text = decode_utf8(read_regular_file(file, MAX_BANK_BYTES))
    except FileReadError as exc:
        raise BankError([Problem(str(file), "", exc.reason.replace("cannot read:", "cannot read bank:", 1))]) from None
    except NotTextError as exc:
        raise BankError([Problem(str(file), "", exc.reason, exc.line)]) from None
    try:
        node, data = parse_yaml(text)
    except YAMLDataError as exc:
        raise BankError([Problem(str(file), exc.path, exc.message, exc.line)]) from None
    if not isinstance(data, dict):
        raise BankError([Problem(str(file), "", "expected a YAML mapping at the top level", 1)])
    duplicates: list[tuple[tuple, int]] = []
    try:
        lines = yaml_lines(node, duplicates=duplicates)
    except YAMLDataError as exc:
        raise BankError([Problem(str(file), exc.path, exc.message, exc.line)]) from None
    if duplicates:
        raise BankError(
            Problem(str(file), ".".join(path), "key given twice in the same mapping (YAML would keep only the last)", line)
            for path, line in duplicates
        )
    return data, lines


def _load_uncached(file: Path) -> Bank:
    try:
        data, lines = _read_yaml(file)
        if "extends" in data:
            data, lines = _extend(file, data, lines)
        return validate_bank(data, file, lines)
    except ReadinessError:
        raise
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:  # never a bare traceback
        raise BankError([Problem(str(file), "", f"cannot be read: {type(exc).__name__}: {str(exc)[:200]}")]) from None


def validate_bank(data: Mapping[str, Any], file: str | Path = "<bank>", lines=None) -> Bank:
    """Validate an already parsed bank mapping; raise :class:`BankError` with every problem."""
    context = _context_from_raw(data)
    context["cross_checked"] = True
    problems = [Problem(str(file), loc_to_path(loc), msg, line_of(loc, lines)) for loc, msg in _cross_problems(data)]
    try:
        bank = Bank.model_validate(data, context=context)
    except ValidationError as exc:
        raise BankError([*problems_from_validation(exc, file, lines), *problems]) from None
    if problems:
        raise BankError(problems)
    return bank


_UNIQUE = (
    ("dimensions", "dimension"),
    ("triage", "triage question"),
    ("targets", "target profile"),
    ("questions", "question"),
    ("roles", "role"),
)


def _cross_problems(data: Mapping[str, Any]) -> list[tuple[tuple, str]]:
    """Problems across list items (duplicate ids, dimensions with no question), with their place."""
    out: list[tuple[tuple, str]] = []
    for key, name in _UNIQUE:
        items = data.get(key)
        if not isinstance(items, list):
            continue
        first: dict[str, int] = {}
        for i, item in enumerate(items):
            item_id = item.get("id") if isinstance(item, dict) else None
            if not isinstance(item_id, str):
                continue
            if item_id in first:
                out.append(((key, i, "id"), f"duplicate {name} id {item_id!r} (first defined at {key}[{first[item_id]}])"))
            else:
                first[item_id] = i
    dims, questions = data.get("dimensions"), data.get("questions")
    if isinstance(dims, list) and isinstance(questions, list):
        used = {q.get("dimension") for q in questions if isinstance(q, dict)}
        for i, d in enumerate(dims):
            if isinstance(d, dict) and isinstance(d.get("id"), str) and d["id"] not in used:
                out.append((("dimensions", i, "id"), f"dimension {d['id']!r} has no question"))
    return out + _plan_problems(data)


def _plan_problems(data: Mapping[str, Any]) -> list[tuple[tuple, str]]:
    """Action ids unique, ``needs`` naming known actions without a cycle, migrations naming known questions."""
    out: list[tuple[tuple, str]] = []
    questions = data.get("questions")
    questions = questions if isinstance(questions, list) else []
    where: dict[str, tuple] = {}
    needs: dict[str, list[str]] = {}
    for i, q in enumerate(questions):
        actions = q.get("actions") if isinstance(q, dict) else None
        for j, a in enumerate(actions if isinstance(actions, list) else []):
            aid = a.get("id") if isinstance(a, dict) else None
            if not isinstance(aid, str):
                continue
            if aid in where:
                first = where[aid]
                out.append((("questions", i, "actions", j, "id"), f"duplicate action id {aid!r} (first defined at questions[{first[1]}].actions[{first[3]}])"))
                continue
            where[aid] = ("questions", i, "actions", j)
            wanted = a.get("needs")
            needs[aid] = [n for n in wanted if isinstance(n, str)] if isinstance(wanted, list) else []
            # a step waits for the lower steps of its question (as the roadmap orders them)
            low = a.get("from_level", 0)
            for other in actions:
                oid = other.get("id") if isinstance(other, dict) else None
                top = other.get("to_level", 4) if isinstance(other, dict) else None
                if isinstance(oid, str) and oid != aid and isinstance(top, int) and isinstance(low, int) and top <= low:
                    needs[aid].append(oid)
    for aid, wanted in needs.items():
        for n in dict.fromkeys(wanted):
            if n not in where:
                out.append(((*where[aid], "needs"), f"unknown action id {n!r} (actions are named by their 'id')"))
    cycle = _cycle(needs)
    if cycle:
        out.append(((*where[cycle[0]], "needs"), f"actions depend on each other in a circle: {' -> '.join(cycle)}"))
    version = data.get("version")
    known = {q.get("id") for q in questions if isinstance(q, dict)}
    migrations = data.get("migrations")
    for i, m in enumerate(migrations if isinstance(migrations, list) else []):
        if not isinstance(m, dict) or m.get("to") != version or not isinstance(m.get("questions"), dict):
            continue  # only the last step's targets are questions of this version
        for old, move in m["questions"].items():
            into = move.get("into") if isinstance(move, dict) else None
            for qid in [into] if isinstance(into, str) else into if isinstance(into, list) else []:
                if qid not in known:
                    out.append((("migrations", i, "questions", str(old), "into"), f"{qid!r} is not a question of this bank"))
    return out


def _cycle(needs: Mapping[str, list[str]]) -> list[str] | None:
    """One dependency circle among the actions, as a path that ends where it starts; None if there is none."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    for start in needs:
        if state.get(start):
            continue
        path, stack = [start], [iter(needs.get(start, ()))]
        state[start] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            elif nxt in needs and not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(needs.get(nxt, ())))
    return None


def _context_from_raw(data: Mapping[str, Any]) -> dict[str, Any]:
    """Ids defined elsewhere in the same document, so that references can be checked."""

    def ids(key):  # ordered like the file, with constant-time membership (a bank may hold thousands)
        items = data.get(key)
        if not isinstance(items, list):
            return None
        return dict.fromkeys(i["id"] for i in items if isinstance(i, dict) and isinstance(i.get("id"), str))

    triage: dict[str, set[str]] = {}
    raw_triage = data.get("triage")
    for t in raw_triage if isinstance(raw_triage, list) else []:
        if isinstance(t, dict) and isinstance(t.get("id"), str):
            opts = t.get("options") if isinstance(t.get("options"), list) else []
            triage[t["id"]] = {str(o.get("value")) for o in opts if isinstance(o, dict)}
    roles = ids("roles") if "roles" in data else [r.id for r in DEFAULT_ROLES]
    return {
        "dimensions": ids("dimensions"), "targets": ids("targets"), "triage": triage, "roles": roles,
        "questions": ids("questions"),
    }  # fmt: skip


_EXTENSION_KEYS = {"extends", "id", "version", "title", "description", "questions", "weights", "remove", "roles", "team"}


def _extend(file: Path, data: dict, lines: dict) -> tuple[dict, dict]:
    """Merge a user bank that ``extends`` another into one mapping."""
    problems = [
        Problem(str(file), key, f"unknown field in an extending bank (allowed: {', '.join(sorted(_EXTENSION_KEYS))})", lines.get((key,)))
        for key in data
        if key not in _EXTENSION_KEYS
    ]
    base_name = data["extends"]
    if not isinstance(base_name, str) or not base_name:
        problems.append(Problem(str(file), "extends", "expected 'default' or a bank file next to this one", lines.get(("extends",))))
        raise BankError(problems)
    if re.fullmatch(r"[a-z0-9_-]+", base_name):
        base_file = bundled_bank_path(base_name)
    else:
        folder = file.resolve().parent
        base_file = (folder / base_name).resolve()
        if folder not in base_file.parents or base_file == file.resolve():
            problems.append(Problem(str(file), "extends", f"{base_name!r} must be a bank file inside {folder}", lines.get(("extends",))))
            raise BankError(problems)
    if not base_file.exists():
        problems.append(Problem(str(file), "extends", f"no bank {base_name!r} to extend", lines.get(("extends",))))
        raise BankError(problems)
    base_raw, _ = _read_yaml(base_file)
    if "extends" in base_raw:
        problems.append(Problem(str(file), "extends", "a bank may only extend a bank that does not itself extend one", lines.get(("extends",))))
    merged = dict(base_raw)
    for key in ("id", "version", "title", "description", "roles", "team"):
        if key in data:
            merged[key] = data[key]
    questions = list(base_raw.get("questions") or [])
    index = {q.get("id"): i for i, q in enumerate(questions) if isinstance(q, dict)}
    new_lines = {}
    added = data.get("questions") or []
    if not isinstance(added, list):
        problems.append(Problem(str(file), "questions", "expected a list of questions to add or replace", lines.get(("questions",))))
        added = []
    lines_of_question: dict[str, list[tuple[tuple, int]]] = {}  # grouped once: linear, not added x lines
    for path, line in lines.items():
        if len(path) >= 2 and path[0] == "questions":
            lines_of_question.setdefault(path[1], []).append((path[2:], line))
    for j, q in enumerate(added):
        qid = q.get("id") if isinstance(q, dict) else None
        if qid in index:
            pos = index[qid]
            questions[pos] = q
        else:
            pos = len(questions)
            questions.append(q)
            index[qid] = pos
        for rest, line in lines_of_question.get(str(j), ()):
            new_lines[("questions", str(pos), *rest)] = line
    remove = data.get("remove") or []
    if not isinstance(remove, list):
        problems.append(Problem(str(file), "remove", "expected a list of question ids", lines.get(("remove",))))
        remove = []
    for qid in remove:
        if not isinstance(qid, str) or qid not in index:
            problems.append(Problem(str(file), "remove", f"no question {qid!r} to remove", lines.get(("remove",))))
    weights = data.get("weights") or {}
    if not isinstance(weights, dict):
        problems.append(Problem(str(file), "weights", "expected a mapping of question id to weight", lines.get(("weights",))))
        weights = {}
    for qid, weight in weights.items():
        if not isinstance(qid, str) or qid not in index:
            problems.append(Problem(str(file), f"weights.{qid}", "no such question in the bank", lines.get(("weights", str(qid)))))
        elif isinstance(weight, bool) or not isinstance(weight, (int, float)) or not (0 < weight <= 100) or math.isnan(weight):
            problems.append(Problem(str(file), f"weights.{qid}", f"expected a number in (0, 100], got {weight!r}", lines.get(("weights", str(qid)))))
        else:
            questions[index[qid]] = {**questions[index[qid]], "weight": weight}
    if problems:
        raise BankError(problems)
    removed = set(remove)
    kept = [q for q in questions if not (isinstance(q, dict) and q.get("id") in removed)]
    if removed:  # positions shift; keep line numbers only for what did not move
        new_lines = {}
    merged["questions"] = kept
    return merged, new_lines | {("extends",): lines.get(("extends",), 1)}
