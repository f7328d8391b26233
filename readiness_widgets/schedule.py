"""A small resource-constrained scheduler for roadmap deliverables: dependencies over parallel streams.

Each task takes ``work`` weeks of one stream (a person's focused effort), then ``wait`` calendar
weeks that occupy no stream (a review, an approval, an outcome to come in). A task starts once
every task it ``needs`` is done (work and wait).

The order is the critical path first: a task's *rank* is its own work plus ``WAIT_WEIGHT`` times
its wait, plus the largest rank among the tasks that need it. The task at the head of the longest
chain is placed first, and waiting counts extra, so that what mostly waits (a sponsor's approval,
a data protection officer's review) is asked for in the first days. Ties go to ``priority``
(smaller first). Tasks are then placed one by one, each at the earliest time its
dependencies allow on the stream that can take it first, filling gaps left earlier (serial
schedule generation). Deterministic for a given input.

>>> plan = schedule([Task("a", 2, 0), Task("b", 1, 0, needs=("a",)), Task("c", 1, 4)], streams=1)
>>> plan["c"].start, plan["a"].start, plan["b"].start
(0.0, 1.0, 3.0)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

WAIT_WEIGHT = 10.0  # in the placing order only: a week of waiting counts as ten of work


@dataclass(frozen=True)
class Task:
    key: str
    work: float
    wait: float = 0.0
    needs: tuple[str, ...] = ()
    priority: tuple = ()


@dataclass(frozen=True)
class Slot:
    start: float  # the work starts
    work_end: float  # the work ends (the stream is free again)
    done: float  # the task is done: work and wait
    stream: int


class ScheduleError(ValueError):
    """Tasks that need an unknown task or depend on each other in a circle."""


def ranks(tasks: Mapping[str, Task]) -> dict[str, float]:
    """Each task's work and weighted wait plus the longest chain of tasks that need it."""
    needed_by: dict[str, list[str]] = {k: [] for k in tasks}
    for t in tasks.values():
        for n in t.needs:
            if n not in tasks:
                raise ScheduleError(f"task {t.key!r} needs unknown task {n!r}")
            needed_by[n].append(t.key)
    out: dict[str, float] = {}
    visiting: set[str] = set()

    def rank(key: str) -> float:
        if key in out:
            return out[key]
        if key in visiting:
            raise ScheduleError(f"tasks depend on each other in a circle through {key!r}")
        visiting.add(key)
        stack = [(key, iter(needed_by[key]))]
        while stack:  # iterative depth-first walk: no recursion limit on long chains
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                visiting.discard(node)
                t = tasks[node]
                out[node] = t.work + WAIT_WEIGHT * t.wait + max((out[c] for c in needed_by[node]), default=0.0)
            elif child not in out:
                if child in visiting:
                    raise ScheduleError(f"tasks depend on each other in a circle through {child!r}")
                visiting.add(child)
                stack.append((child, iter(needed_by[child])))
        return out[key]

    for key in tasks:
        rank(key)
    return out


def order(tasks: Mapping[str, Task]) -> list[str]:
    """The placing order: highest rank first (which respects every dependency), then priority."""
    r = ranks(tasks)
    return sorted(tasks, key=lambda k: (-r[k], tasks[k].priority, k))


def schedule(tasks: Iterable[Task], streams: int, *, placing: list[str] | None = None) -> dict[str, Slot]:
    """Place every task on one of ``streams`` parallel streams; returns each task's slot."""
    if streams < 1:
        raise ValueError("streams must be at least 1")
    by_key = {t.key: t for t in tasks}
    keys = placing if placing is not None else order(by_key)
    busy: list[list[tuple[float, float]]] = [[] for _ in range(streams)]  # sorted (start, end) per stream
    out: dict[str, Slot] = {}
    for key in keys:
        t = by_key[key]
        ready = max((out[n].done for n in t.needs), default=0.0)
        best: tuple[float, int] | None = None
        for s in range(streams):
            start = _first_gap(busy[s], ready, t.work)
            if best is None or start < best[0] - 1e-9:
                best = (start, s)
        start, s = best
        busy[s].append((start, start + t.work))
        busy[s].sort()
        out[key] = Slot(start, start + t.work, start + t.work + t.wait, s)
    return out


def _first_gap(intervals: list[tuple[float, float]], ready: float, length: float) -> float:
    """The earliest time >= ``ready`` at which ``length`` fits between the busy ``intervals``."""
    t = ready
    for start, end in intervals:
        if t + length <= start + 1e-9:
            return t
        t = max(t, end)
    return t


def makespan(slots: Mapping[str, Slot]) -> float:
    return max((s.done for s in slots.values()), default=0.0)
