"""The portfolio: every pilot at a glance, why they stall, and what to fix once for all of them.

:func:`evaluate_portfolio` reads a :class:`~readiness_widgets.pilots.PilotSource` (a folder, a
store), scores every revision of every pilot with :func:`~readiness_widgets.scoring.score_many`
and the latest ones with :func:`~readiness_widgets.scoring.question_gaps_many` (their gaps,
blocking questions and roadmap deliverables, by the engine's rules, with no loop per pilot), and
returns one frozen :class:`PortfolioResult`. Every view (the page, the report, the CSV, the CLI)
renders that object; a filter is :meth:`PortfolioResult.select`, a mask over the same frames, so
that it answers at once for ten thousand pilots.

>>> from readiness_widgets.pilots import FolderPilots
>>> p = evaluate_portfolio(FolderPilots("portfolio"))                    # doctest: +SKIP
>>> p.funnel(since=date(2026, 6, 30)).stages[0].count                    # doctest: +SKIP
>>> retail = p.select(business_unit="Retail banking")                   # doctest: +SKIP
>>> retail.shared_blockers()[0].sentence                                 # doctest: +SKIP
'7 of 12 pilots need CI/CD pipeline with automated rollback'
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from .bank import EVIDENCE_KINDS, Bank
from .errors import InputError, Problem
from .pilots import PilotRevision, PilotSource
from .roadmap import roadmap_items_many
from .scoring import STATUSES, Verdict, bank_arrays, question_gaps_many, score_many

STATUS_LABELS = {s: Verdict(s, (), (), ()).label for s in STATUSES}
METADATA_FILTERS = {"business_unit": "Business unit", "owner": "Owner", "target": "Target profile"}
NOT_SET = ""  # the value of a metadata field nobody filled in; shown as "(not set)"
NOT_SET_LABEL = "(not set)"
SORTS = ("name", "status", "mean", "weakest", "worst_gap", "knockouts", "updated")
DEFAULT_SINCE_DAYS = 90
MAX_AFFECTED = 12  # pilots named under one shared blocker; the rest are counted


class PortfolioError(InputError):
    """A filter, a sort or a date the portfolio does not know."""

    def __init__(self, field: str, message: str):
        super().__init__("portfolio option", [Problem("portfolio", field, message)])


# ---- what the views show -----------------------------------------------------------------------


@dataclass(frozen=True)
class PilotRef:
    """A pilot as a view links to it: its key, its name and the query string of its own page."""

    pilot: str
    name: str
    link: str
    status: str
    blocked: bool = False  # (under a shared blocker) its verdict is blocked by it


@dataclass(frozen=True)
class FunnelStage:
    status: str
    label: str
    count: int  # pilots with this verdict now
    before: int  # pilots with this verdict at the date picked
    pilots: tuple[str, ...] = ()

    @property
    def change(self) -> int:
        return self.count - self.before


@dataclass(frozen=True)
class Funnel:
    """How many pilots are ready, ready with conditions, not ready; and how that moved since a date.

    ``before`` counts each pilot's latest revision saved on or before ``since`` (the end of that
    day, UTC); ``new`` pilots had no revision by then. ``moves`` counts the pilots whose verdict
    changed, ``(from, to, count)``, worst to best first.
    """

    total: int
    since: date | None
    stages: tuple[FunnelStage, ...]
    new: int
    moves: tuple[tuple[str, str, int], ...]

    def stage(self, status: str) -> FunnelStage:
        return next(s for s in self.stages if s.status == status)

    @property
    def counts(self) -> dict[str, int]:
        return {s.status: s.count for s in self.stages}

    @property
    def improved(self) -> int:
        return sum(n for a, b, n in self.moves if STATUSES.index(b) < STATUSES.index(a))

    @property
    def worsened(self) -> int:
        return sum(n for a, b, n in self.moves if STATUSES.index(b) > STATUSES.index(a))


@dataclass(frozen=True)
class HeatmapRow:
    pilot: str
    name: str
    link: str
    status: str
    mean: float | None
    weakest: float | None
    target: str  # the target profile's title
    knockouts: int  # questions below their knock-out floor
    updated: datetime
    gaps: tuple[float | None, ...]  # per dimension, target minus score (None: nothing to score)
    scores: tuple[float | None, ...]
    targets: tuple[float, ...]


@dataclass(frozen=True)
class HeatmapPage:
    """One page of the pilots x dimensions heatmap, sorted as asked."""

    dimensions: tuple[tuple[str, str], ...]  # (id, title)
    rows: tuple[HeatmapRow, ...]
    total: int
    offset: int
    limit: int
    sort: str
    descending: bool

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.limit))

    @property
    def page(self) -> int:
        return self.offset // self.limit


@dataclass(frozen=True)
class SharedBlocker:
    """A roadmap deliverable that several pilots need: how many it blocks and the effort done once saves.

    ``pilots`` of ``total`` selected pilots have it in their roadmap (``kind``: ``build`` a bank
    action, ``evidence`` to show, ``assess`` an unknown answer); it ``blocked`` that many of them
    (its question is one of their verdict's blocking questions, knock-outs included). Done once for
    all of them instead of in each, it saves ``effort_saved`` = (pilots - 1) x ``effort_weeks``.
    """

    question: str
    question_text: str
    dimension: str
    dimension_title: str
    deliverable: str
    kind: str
    phase: int
    effort_weeks: float  # the midpoint of the bank's range
    pilots: int
    blocked: int
    total: int
    affected: tuple[PilotRef, ...]  # blocked pilots first, at most MAX_AFFECTED
    more: int  # affected pilots not named

    @property
    def effort_saved(self) -> float:
        return max(0, self.pilots - 1) * self.effort_weeks

    @property
    def sentence(self) -> str:
        return f"{self.pilots} of {self.total} pilots need {self.deliverable}"


@dataclass(frozen=True)
class SharedQuestion:
    """A question that blocks the verdict of several pilots."""

    question: str
    text: str
    dimension: str
    dimension_title: str
    blocked: int
    total: int
    affected: tuple[PilotRef, ...]
    more: int

    @property
    def sentence(self) -> str:
        return f"blocks {self.blocked} of {self.total} pilots"


# ---- the result ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PortfolioResult:
    """Every pilot of a source, scored once, and a selection of them (:meth:`select`).

    Frames (one row per pilot, by position ``code``): ``pilots``; one row per revision:
    ``history``; one row per (pilot, blocking question): ``blocking``; one row per (pilot,
    deliverable of its roadmap): ``actions``, whose ``group`` indexes ``deliverables``. ``mask``
    marks the pilots selected by ``criteria``. The frames are shared between selections and
    never changed.
    """

    bank: Bank
    label: str
    pilots: pd.DataFrame
    history: pd.DataFrame
    blocking: pd.DataFrame
    actions: pd.DataFrame
    deliverables: pd.DataFrame
    skipped: tuple[tuple[str, str], ...]  # (pilot, why): assessed with another bank
    unreadable: tuple[tuple[str, str], ...]  # (name, why): what the source could not read
    mask: np.ndarray
    criteria: Mapping[str, str] = field(default_factory=dict)
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    # ---- arrays shared by every selection of this portfolio (built once) ------------------
    def _column(self, name: str) -> np.ndarray:
        key = ("column", name)
        if key not in self._cache:
            self._cache[key] = self.pilots[name].to_numpy(dtype=object)
        return self._cache[key]

    def _name_rank(self) -> np.ndarray:
        """Each pilot's place in the alphabetical order of names (ties by key)."""
        if "name_rank" not in self._cache:
            order = np.lexsort((self._column("pilot").astype(str), np.array([n.casefold() for n in self._column("name")], dtype=str)))
            rank = np.empty(len(order), dtype=np.int64)
            rank[order] = np.arange(len(order))
            self._cache["name_rank"] = rank
        return self._cache["name_rank"]

    def _grouped(self, frame: str, by: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(codes, blocked, starts): the rows of ``actions`` or ``blocking`` sorted by ``by``, with
        where each group starts, so that one group's pilots are a slice."""
        key = ("grouped", frame, by)
        if key not in self._cache:
            f = getattr(self, frame)
            groups = f[by].cat.codes.to_numpy() if by == "question" else f[by].to_numpy()
            size = len(self.deliverables) if by == "group" else len(f[by].cat.categories)
            order = np.argsort(groups, kind="stable")
            blocked = f["blocked"].to_numpy(dtype=bool)[order] if "blocked" in f else np.ones(len(f), dtype=bool)
            starts = np.searchsorted(groups[order], np.arange(size + 1))
            self._cache[key] = (f["code"].to_numpy(dtype=np.int64)[order], blocked, starts)
        return self._cache[key]

    # ---- selection ----------------------------------------------------------------------
    @property
    def dimensions(self) -> tuple[tuple[str, str], ...]:
        return tuple((d.id, d.title) for d in self.bank.dimensions)

    @property
    def total(self) -> int:
        """Pilots in the selection."""
        return int(self.mask.sum())

    @property
    def everyone(self) -> int:
        """Pilots in the portfolio, whatever the selection."""
        return len(self.pilots)

    @property
    def selected(self) -> pd.DataFrame:
        """The selected pilots' rows."""
        return self.pilots[self.mask]

    def filters(self) -> dict[str, str]:
        """Every filter, by key, with its label: metadata, then the bank's triage questions."""
        out = dict(METADATA_FILTERS)
        out.update({f"triage.{t.id}": t.id.replace("_", " ").capitalize() for t in self.bank.triage})
        return out

    def options(self, key: str) -> list[tuple[str, str]]:
        """The (label, value) pairs filter ``key`` offers: every value some pilot has, sorted."""
        column = _filter_column(self, key)
        values = pd.unique(self.pilots[column].astype(str))
        if key.startswith("triage."):
            question = self.bank.triage_question(key.split(".", 1)[1])
            labels = {o.value: o.label for o in question.options}
            order = [o.value for o in question.options]
            return [(labels.get(v, v), v) for v in sorted(values, key=lambda v: (order.index(v) if v in order else 99, v))]
        if key == "target":
            titles = {t.id: t.title for t in self.bank.targets}
            order = [t.id for t in self.bank.targets]
            return [(titles.get(v, v), v) for v in sorted(values, key=lambda v: (order.index(v) if v in order else 99, v))]
        return [(v if v != NOT_SET else NOT_SET_LABEL, v) for v in sorted(values, key=lambda v: (v == NOT_SET, v.casefold()))]

    def select(self, **criteria: str | None) -> PortfolioResult:
        """The pilots whose ``business_unit``, ``owner``, ``target`` (profile id) and triage answers
        (``**{"triage.risk_tier": "high"}``) equal the values given; None (or no keyword) is any.

        Criteria add up across calls (``p.select(owner="Ana").select(target=None)`` drops the
        target criterion). An unknown key raises :class:`PortfolioError`.
        """
        merged = dict(self.criteria)
        for key, value in criteria.items():
            _filter_column(self, key)  # refuses an unknown filter
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = str(value)
        mask = np.ones(len(self.pilots), dtype=bool)
        for key, value in merged.items():
            mask &= self._column(_filter_column(self, key)) == value
        return replace(self, mask=mask, criteria=merged, _cache=self._cache)

    # ---- the funnel ---------------------------------------------------------------------
    def default_since(self) -> date | None:
        """The date the funnel compares with by default: a quarter before the latest revision."""
        if not len(self.history):
            return None
        return (self.history["saved_at"].max() - timedelta(days=DEFAULT_SINCE_DAYS)).date()

    def status_at(self, since: date | datetime) -> np.ndarray:
        """Each pilot's verdict at the end of ``since`` (UTC): its latest revision by then ('' if none)."""
        moment = _end_of(since)
        key = ("status_at", moment)
        if key not in self._cache:
            h = self.history
            earlier = h[(h["saved_at"] <= pd.Timestamp(moment)).to_numpy()]
            last = earlier.groupby("code", sort=False)["status"].last()
            out = np.full(len(self.pilots), "", dtype=object)
            out[last.index.to_numpy()] = last.astype(str).to_numpy()
            self._cache[key] = out
        return self._cache[key]

    def funnel(self, since: date | datetime | None = None) -> Funnel:
        """The verdict funnel of the selection, and how it moved since ``since`` (default :meth:`default_since`)."""
        since = self.default_since() if since is None else since
        now = self._column("status")[self.mask].astype(str)
        before = self.status_at(since)[self.mask] if since is not None else np.full(len(now), "", dtype=object)
        names = self._column("name")[self.mask]
        stages = tuple(
            FunnelStage(
                s, STATUS_LABELS[s], int((now == s).sum()), int((before == s).sum()),
                tuple(names[now == s][:MAX_AFFECTED]),
            )
            for s in STATUSES
        )
        pairs = Counter(zip(before[before != ""].tolist(), now[before != ""].tolist(), strict=True))
        moves = tuple(sorted(((a, b, n) for (a, b), n in pairs.items() if a != b),
                             key=lambda m: (-STATUSES.index(m[0]), STATUSES.index(m[1]))))
        day = since.date() if isinstance(since, datetime) else since
        return Funnel(len(now), day, stages, int((before == "").sum()), moves)

    # ---- the heatmap --------------------------------------------------------------------
    def sort_keys(self) -> tuple[str, ...]:
        return (*SORTS, *(f"gap_{d}" for d, _ in self.dimensions))

    def heatmap(self, *, sort: str = "worst_gap", descending: bool = True, offset: int = 0,
                limit: int = 25) -> HeatmapPage:
        """One page of the heatmap: the selected pilots, sorted by ``sort`` (see :meth:`sort_keys`)."""
        if sort not in self.sort_keys():
            raise PortfolioError("sort", f"expected one of {', '.join(self.sort_keys())}, got {sort!r}")
        if limit < 1:
            raise PortfolioError("limit", f"expected at least 1 row per page, got {limit}")
        order = self._order(sort, descending)
        chosen = order[self.mask[order]]
        total = len(chosen)
        offset = max(0, min(int(offset), max(0, total - 1)) // limit * limit)
        p = self.pilots
        dims = [d for d, _ in self.dimensions]
        rows = []
        for code in chosen[offset : offset + limit]:
            r = p.iloc[int(code)]
            rows.append(
                HeatmapRow(
                    pilot=r["pilot"], name=r["name"], link=r["link"], status=str(r["status"]),
                    mean=_opt(r["mean"]), weakest=_opt(r["weakest"]), target=r["target_title"],
                    knockouts=int(r["knockouts"]),
                    updated=r["updated"].to_pydatetime(),
                    gaps=tuple(_opt(r[f"gap_{d}"]) for d in dims),
                    scores=tuple(_opt(r[f"score_{d}"]) for d in dims),
                    targets=tuple(float(r[f"target_{d}"]) for d in dims),
                )
            )
        return HeatmapPage(self.dimensions, tuple(rows), total, offset, limit, sort, descending)

    def _order(self, sort: str, descending: bool) -> np.ndarray:
        """Every pilot's code in ``sort`` order (worked out once per sort, shared by the selections)."""
        key = ("order", sort, descending)
        if key not in self._cache:
            p = self.pilots
            names = p["name"].str.casefold()
            if sort == "name":
                values = names
            elif sort == "status":
                values = p["status"].cat.codes
            else:
                values = p[sort]
            frame = pd.DataFrame({"v": values, "n": names, "c": np.arange(len(p))})
            frame = frame.sort_values(["v", "n", "c"], ascending=[not descending, True, True], na_position="last",
                                      kind="stable")
            self._cache[key] = frame["c"].to_numpy()
        return self._cache[key]

    # ---- trends -------------------------------------------------------------------------
    def trends(self, pilots: Sequence[str] | None = None) -> pd.DataFrame:
        """Each revision's overall score and weakest link: of ``pilots`` (keys, in that order), else of
        the selection (by name).

        Columns: ``pilot``, ``name``, ``revision``, ``saved_at``, ``status``, ``mean``, ``weakest``,
        ``weakest_dimension``; each pilot's revisions oldest first.
        """
        h = self.history
        if pilots is None:
            rows = h[self.mask[h["code"].to_numpy()]]
        else:
            codes = self.pilots.index[self.pilots["pilot"].isin(list(pilots))].to_numpy()
            wanted = np.zeros(len(self.pilots), dtype=bool)
            wanted[codes] = True
            rows = h[wanted[h["code"].to_numpy()]]
        names = self.pilots["name"].to_numpy()
        keys = self.pilots["pilot"].to_numpy()
        out = rows.assign(pilot=keys[rows["code"].to_numpy()], name=names[rows["code"].to_numpy()])
        if pilots is not None:  # in the order asked for (the heatmap's page)
            rank = {p: i for i, p in enumerate(pilots)}
            out = out.assign(_rank=out["pilot"].map(rank)).sort_values(["_rank", "saved_at", "revision"], kind="stable")
        return out[["pilot", "name", "revision", "saved_at", "status", "mean", "weakest", "weakest_dimension"]].reset_index(drop=True)

    # ---- shared blockers ----------------------------------------------------------------
    def shared_blockers(self, *, limit: int | None = 10, min_pilots: int = 2) -> tuple[SharedBlocker, ...]:
        """The roadmap deliverables the selected pilots share, most blocked pilots first, then the
        most effort saved by doing it once; only those at least ``min_pilots`` pilots need."""
        codes, blocked, starts = self._grouped("actions", "group")
        picked = self.mask[codes]
        g = len(self.deliverables)
        group_of = np.repeat(np.arange(g), np.diff(starts))
        need = np.bincount(group_of[picked], minlength=g)
        hit = np.bincount(group_of[picked & blocked], minlength=g)
        effort = self.deliverables["effort_weeks"].to_numpy(dtype=float)
        saved = np.maximum(need - 1, 0) * effort
        keep = np.nonzero(need >= max(1, min_pilots))[0]
        ranked = keep[np.lexsort((keep, -need[keep], -saved[keep], -hit[keep]))]
        if limit is not None:
            ranked = ranked[:limit]
        titles = dict(self.dimensions)
        d = self.deliverables
        out = []
        for k in ranked.tolist():
            part = slice(starts[k], starts[k + 1])
            chosen = picked[part]
            refs, more = self._refs(codes[part][chosen], blocked[part][chosen])
            question = d.at[k, "question"]
            out.append(
                SharedBlocker(
                    question=question, question_text=self.bank.question(question).text,
                    dimension=d.at[k, "dimension"], dimension_title=titles[d.at[k, "dimension"]],
                    deliverable=d.at[k, "deliverable"], kind=d.at[k, "kind"], phase=int(d.at[k, "phase"]),
                    effort_weeks=float(effort[k]),
                    pilots=int(need[k]), blocked=int(hit[k]), total=self.total, affected=refs, more=more,
                )
            )
        return tuple(out)

    def shared_questions(self, *, limit: int | None = 10, min_pilots: int = 2) -> tuple[SharedQuestion, ...]:
        """The questions that block the verdict of the most selected pilots (at least ``min_pilots``)."""
        codes, _, starts = self._grouped("blocking", "question")
        picked = self.mask[codes]
        cats = list(self.blocking["question"].cat.categories)
        group_of = np.repeat(np.arange(len(cats)), np.diff(starts))
        counts = np.bincount(group_of[picked], minlength=len(cats))
        keep = np.nonzero(counts >= max(1, min_pilots))[0]
        ranked = keep[np.lexsort((keep, -counts[keep]))]
        if limit is not None:
            ranked = ranked[:limit]
        titles = dict(self.dimensions)
        out = []
        for k in ranked.tolist():
            part = slice(starts[k], starts[k + 1])
            mine = codes[part][picked[part]]
            refs, more = self._refs(mine, np.ones(len(mine), dtype=bool))
            question = self.bank.question(cats[k])
            out.append(SharedQuestion(cats[k], question.text, question.dimension, titles[question.dimension],
                                      int(counts[k]), self.total, refs, more))
        return tuple(out)

    def _refs(self, codes: np.ndarray, blocked: np.ndarray) -> tuple[tuple[PilotRef, ...], int]:
        """The first pilots of ``codes`` to name: blocked ones first, then by name."""
        order = np.lexsort((self._name_rank()[codes], ~blocked))[:MAX_AFFECTED]
        keys, names, links, status = (self._column(c) for c in ("pilot", "name", "link", "status"))
        refs = tuple(
            PilotRef(keys[c], names[c], links[c], str(status[c]), bool(b))
            for c, b in zip(codes[order].tolist(), blocked[order].tolist(), strict=True)
        )
        return refs, max(0, len(codes) - MAX_AFFECTED)

    # ---- tables -------------------------------------------------------------------------
    def pilots_frame(self) -> pd.DataFrame:
        """The selected pilots as a table: what the CSV export and ``readiness portfolio`` print."""
        s = self.selected
        cols = {
            "pilot": s["pilot"], "name": s["name"], "business_unit": s["business_unit"], "owner": s["owner"],
            "target": s["target"], "verdict": s["status"].astype(str), "mean": s["mean"], "weakest": s["weakest"],
            "weakest_dimension": s["weakest_dimension"].astype(str),
        }
        cols.update({f"gap_{d}": s[f"gap_{d}"] for d, _ in self.dimensions})
        cols.update({"revision": s["revision"], "revisions": s["revisions"], "updated": s["updated"],
                     "knockouts": s["knockouts"], "blocking_questions": s["blocking_count"]})
        return pd.DataFrame(cols).reset_index(drop=True)

    def blockers_frame(self, *, min_pilots: int = 1) -> pd.DataFrame:
        """Every shared deliverable of the selection, ranked, with the pilots it affects (all of them)."""
        codes, _, starts = self._grouped("actions", "group")
        d = self.deliverables
        index = {key: k for k, key in enumerate(zip(d["question"], d["kind"], d["deliverable"], strict=True))}
        names = self._column("name")
        rows = []
        for b in self.shared_blockers(limit=None, min_pilots=min_pilots):
            k = index[(b.question, b.kind, b.deliverable)]
            mine = codes[starts[k]:starts[k + 1]]
            mine = mine[self.mask[mine]]
            rows.append({
                "deliverable": b.deliverable, "kind": b.kind, "phase": b.phase, "question": b.question,
                "dimension": b.dimension,
                "pilots": b.pilots, "blocked": b.blocked, "of": b.total, "effort_weeks": b.effort_weeks,
                "effort_saved_weeks": b.effort_saved,
                "affected": "; ".join(names[mine[np.argsort(self._name_rank()[mine])]]),
            })
        cols = ["deliverable", "kind", "phase", "question", "dimension", "pilots", "blocked", "of", "effort_weeks",
                "effort_saved_weeks", "affected"]
        return pd.DataFrame(rows, columns=cols)

    def to_csv(self, table: str = "pilots") -> str:
        """``pilots`` (one row per selected pilot) or ``blockers`` (the shared deliverables) as CSV."""
        if table == "pilots":
            return self.pilots_frame().to_csv(index=False, float_format="%.3f")
        if table == "blockers":
            return self.blockers_frame().to_csv(index=False, float_format="%.3f")
        raise PortfolioError("table", f"expected 'pilots' or 'blockers', got {table!r}")

    @cached_property
    def latest_update(self) -> datetime | None:
        return None if not len(self.pilots) else self.pilots["updated"].max().to_pydatetime()


def _opt(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _filter_column(result: PortfolioResult, key: str) -> str:
    if key in METADATA_FILTERS:
        return key
    if key.startswith("triage.") and f"triage_{key[7:]}" in result.pilots.columns:
        return f"triage_{key[7:]}"
    known = ", ".join(result.filters())
    raise PortfolioError(key, f"not a filter of this portfolio (filters: {known})")


def _end_of(day: date | datetime) -> datetime:
    """The last moment of ``day`` in UTC (a datetime is taken as it is, in UTC)."""
    if isinstance(day, datetime):
        return day.astimezone(timezone.utc) if day.tzinfo else day.replace(tzinfo=timezone.utc)
    if isinstance(day, date):
        return datetime.combine(day, time.max, tzinfo=timezone.utc)
    raise PortfolioError("since", f"expected a date, got {day!r}")


# ---- building it ------------------------------------------------------------------------------


def _frames(revisions: Sequence[PilotRevision], bank: Bank) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(answers, evidence, triage) frames of ``revisions`` for :func:`score_many` (rows by position),
    from their parsed assessments or a store's answer tables alike (:meth:`PilotRevision.answer_rows`)."""
    arr = bank_arrays(bank)
    column = arr.column
    n, q = len(revisions), len(arr.question_ids)
    levels = np.full((n, q), np.nan)
    codes = np.zeros((n, q), dtype=np.int8)
    for i, r in enumerate(revisions):
        for qid, value, evidence in r.answer_rows():
            j = column.get(qid)
            if j is None:
                continue  # an id the bank does not know is kept in the file, not scored
            levels[i, j] = value
            codes[i, j] = evidence
    index = pd.RangeIndex(n)
    evidence = pd.DataFrame(
        {c: pd.Categorical.from_codes(codes[:, j], categories=list(EVIDENCE_KINDS)) for j, c in enumerate(arr.question_ids)},
        index=index,
    )
    triage = pd.DataFrame([r.triage_answers for r in revisions], index=index, columns=[t.id for t in bank.triage])
    return pd.DataFrame(levels, index=index, columns=arr.question_ids), evidence, triage


def _by_target(targets: Sequence[str | None]) -> dict[str | None, list[int]]:
    groups: dict[str | None, list[int]] = {}
    for i, target in enumerate(targets):
        groups.setdefault(target, []).append(i)
    return groups


def _score(revisions: Sequence[PilotRevision], bank: Bank, frames) -> pd.DataFrame:
    """score_many over ``revisions`` (their ``frames``; one call per target profile), rows by position."""
    answers, evidence, triage = frames
    parts = []
    for target, rows in _by_target([r.target for r in revisions]).items():
        idx = pd.Index(rows)
        parts.append(score_many(answers.loc[idx], bank, evidence=evidence.loc[idx], triage=triage.loc[idx], target=target))
    return pd.concat(parts).sort_index() if parts else pd.DataFrame()


def _pick_bank(latest: Sequence[PilotRevision], bank: Bank | None) -> Bank | None:
    if bank is not None:
        return bank
    if not latest:
        return None
    counts = Counter(r.bank_id for r in latest)
    top = max(counts.values())
    bank_id = "default" if counts.get("default") == top else min(b for b, n in counts.items() if n == top)
    return next(r.bank for r in latest if r.bank_id == bank_id)


def evaluate_portfolio(source: PilotSource, *, bank: Bank | None = None) -> PortfolioResult:
    """Score every revision of every pilot of ``source`` once, into a :class:`PortfolioResult`.

    The portfolio shows one bank's dimensions: ``bank``, else the bank most pilots' latest
    revision uses. Pilots assessed with another bank are listed in ``skipped``, the files the
    source could not read in ``unreadable``.
    """
    revisions = source.revisions()
    latest_by_pilot: dict[str, PilotRevision] = {}
    for r in revisions:
        latest_by_pilot[r.pilot] = r
    chosen = _pick_bank(list(latest_by_pilot.values()), bank)
    skipped = []
    if chosen is None:
        from .bank import load_bank

        chosen = load_bank()
    kept = {p for p, r in latest_by_pilot.items() if r.bank_id == chosen.id}
    skipped += [
        (r.name, f"assessed with bank {r.bank_id!r}; this portfolio shows bank {chosen.id!r}")
        for p, r in latest_by_pilot.items() if p not in kept
    ]
    revisions = [r for r in revisions if r.pilot in kept and r.bank_id == chosen.id]
    latest = [latest_by_pilot[p] for p in latest_by_pilot if p in kept]
    latest.sort(key=lambda r: (r.name.casefold(), r.pilot))
    code = {r.pilot: i for i, r in enumerate(latest)}
    dims = chosen.dimension_ids

    # every revision: overall score, weakest link and verdict, for the trends and the funnel's past
    frames = _frames(revisions, chosen)
    scored = _score(revisions, chosen, frames)
    history = pd.DataFrame(
        {
            "code": np.array([code[r.pilot] for r in revisions], dtype=np.int64),
            "revision": np.array([r.revision for r in revisions], dtype=np.int64),
            "saved_at": pd.to_datetime([r.saved_at for r in revisions], utc=True) if revisions else pd.to_datetime([], utc=True),
        }
    )
    for col in ("status", "mean", "weakest", "weakest_dimension"):
        history[col] = scored[col].to_numpy() if len(scored) else pd.Series(dtype=object)
    history = history.sort_values(["code", "saved_at", "revision"], kind="stable").reset_index(drop=True)

    # the latest revisions: gaps, blocking questions and roadmap deliverables, by the engine's rules
    where = {id(r): i for i, r in enumerate(revisions)}
    rows = pd.Index([where[id(r)] for r in latest])
    latest_frames = tuple(f.iloc[rows].reset_index(drop=True) for f in frames)
    pilots, blocking, actions = _latest_frames(latest, chosen, latest_frames)
    counts = history.groupby("code")["revision"].size()
    first = history.groupby("code")["saved_at"].min()
    pilots["revisions"] = counts.reindex(pilots.index).fillna(0).astype(int).to_numpy() if len(pilots) else []
    pilots["first"] = first.reindex(pilots.index).to_numpy() if len(pilots) else []
    gap_cols = [f"gap_{d}" for d in dims]
    with np.errstate(all="ignore"):
        pilots["worst_gap"] = pilots[gap_cols].max(axis=1, skipna=True) if len(pilots) else []
    # one deliverable per (question, action of the bank): numbered in bank order
    column = bank_arrays(chosen).column
    kinds = {"assess": 0, "evidence": 1, "build": 2}
    key = (np.array([column[q] for q in actions["question"]], dtype=np.int64) * 4
           + actions["kind"].map(kinds).to_numpy(dtype=np.int64)) * 1024 + actions["action"].to_numpy(dtype=np.int64) + 1
    _, first_row, group = np.unique(key, return_index=True, return_inverse=True)
    deliverables = actions.iloc[first_row][["question", "kind", "dimension", "phase", "deliverable", "effort_weeks"]].reset_index(drop=True)
    actions = pd.DataFrame(
        {
            "code": actions["code"].to_numpy(dtype=np.int64),
            "group": np.asarray(group, dtype=np.int64),
            "blocked": actions["blocked"].to_numpy(dtype=bool),
        }
    )
    label = getattr(source, "label", "")
    return PortfolioResult(
        bank=chosen, label=label, pilots=pilots, history=history, blocking=blocking, actions=actions,
        deliverables=deliverables, skipped=tuple(skipped), unreadable=tuple(source.unreadable()),
        mask=np.ones(len(pilots), dtype=bool),
    )


def _latest_frames(latest: Sequence[PilotRevision], bank: Bank, frames) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(pilots, blocking, actions) of the latest revision of every pilot (``frames``: theirs, for score_many)."""
    dims = bank.dimension_ids
    n = len(latest)
    answers, evidence, triage = frames
    gap_parts, blocking_parts, action_parts = [], [], []
    for target, rows in _by_target([r.target for r in latest]).items():
        idx = pd.Index(rows)
        gaps = question_gaps_many(answers.loc[idx], bank, evidence=evidence.loc[idx], triage=triage.loc[idx], target=target)
        gap_parts.append(gaps.scores.assign(knockouts=gaps.knocked.sum(axis=1)))
        r, c = np.nonzero(gaps.blocking)
        blocking_parts.append(pd.DataFrame({"code": np.asarray(rows, dtype=np.int64)[r],
                                            "question": np.asarray(gaps.question_ids, dtype=object)[c]}))
        acts = roadmap_items_many(gaps, bank, triage.loc[idx])
        if len(acts):
            row = acts["row"].to_numpy(dtype=np.int64)
            acts["code"] = np.asarray(rows, dtype=np.int64)[row]
            # the deliverable's question is one of the verdict's blocking questions
            acts["blocked"] = gaps.blocking[row, pd.Index(gaps.question_ids).get_indexer(acts["question"])]
        action_parts.append(acts)
    scores = pd.concat(gap_parts).sort_index() if gap_parts else pd.DataFrame(
        columns=[*(f"{k}_{d}" for k in ("score", "coverage", "gap") for d in dims), "mean", "weakest", "weakest_dimension", "status"]
    )
    resolved_cache: dict[tuple, Any] = {}
    triages = []  # each pilot's triage with the bank's defaults, as the data model fills them in

    def resolved(r: PilotRevision):
        key = (r.target, tuple(sorted(r.triage_answers.items())))
        if key not in resolved_cache:
            answers = bank.triage_with_defaults(r.triage_answers)
            resolved_cache[key] = (bank.resolve_target(r.target, answers), answers)
        target, answers = resolved_cache[key]
        triages.append(answers)
        return target

    targets = [resolved(r) for r in latest]
    def text(values) -> pd.Series:
        return pd.Series(np.array(list(values), dtype=object), dtype=object)

    pilots = pd.DataFrame(
        {
            "pilot": text(r.pilot for r in latest),
            "name": text(r.name for r in latest),
            "link": text(r.link for r in latest),
            "revision": np.array([r.revision for r in latest], dtype=np.int64),
            "updated": pd.to_datetime([r.saved_at for r in latest], utc=True) if n else pd.to_datetime([], utc=True),
            "business_unit": text(r.business_unit or NOT_SET for r in latest),
            "owner": text(r.owner or NOT_SET for r in latest),
            "target": text(t.profile for t in targets),
            "target_title": text(t.title for t in targets),
        },
        index=pd.RangeIndex(n),
    )
    for t in bank.triage:
        pilots[f"triage_{t.id}"] = text(tr[t.id] for tr in triages)
    status = scores["status"].astype(str) if n else pd.Series(dtype=str)
    pilots["status"] = pd.Categorical(status.to_numpy() if n else [], categories=list(STATUSES))
    for col in ("mean", "weakest"):
        pilots[col] = scores[col].to_numpy(dtype=float) if n else []
    pilots["weakest_dimension"] = pd.Categorical(scores["weakest_dimension"].astype(str).to_numpy() if n else [], categories=dims)
    for d in dims:
        pilots[f"score_{d}"] = scores[f"score_{d}"].to_numpy(dtype=float) if n else []
        pilots[f"gap_{d}"] = scores[f"gap_{d}"].to_numpy(dtype=float) if n else []
        pilots[f"target_{d}"] = [float(t.levels[d]) for t in targets]
    blocking = pd.concat(blocking_parts, ignore_index=True) if blocking_parts else pd.DataFrame(
        {"code": np.zeros(0, dtype=np.int64), "question": np.zeros(0, dtype=object)})
    blocking["question"] = pd.Categorical(blocking["question"], categories=bank_arrays(bank).question_ids)
    pilots["knockouts"] = scores["knockouts"].to_numpy(dtype=np.int64) if n else []
    pilots["blocking_count"] = np.bincount(blocking["code"].to_numpy(dtype=np.int64), minlength=n)[:n] if n else []
    columns = ["code", "question", "kind", "action", "dimension", "phase", "deliverable", "effort_weeks", "blocked"]
    actions = pd.concat([a[columns] for a in action_parts if len(a)], ignore_index=True) if any(
        len(a) for a in action_parts) else pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return pilots, blocking, actions


__all__ = [
    "METADATA_FILTERS",
    "NOT_SET",
    "STATUS_LABELS",
    "Funnel",
    "FunnelStage",
    "HeatmapPage",
    "HeatmapRow",
    "PilotRef",
    "PortfolioError",
    "PortfolioResult",
    "SharedBlocker",
    "SharedQuestion",
    "evaluate_portfolio",
]
