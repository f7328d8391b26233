"""Timing helpers shared by the benchmark scripts (run as ``python benchmarks/NAME.py``)."""

from __future__ import annotations

import statistics
import timeit


def median_time(fn, repeat: int) -> float:
    """The median time of one call of ``fn``, in seconds: each timing repeats ``fn`` until it takes
    at least 50 ms, so that very short calls are measured above the clock's resolution."""
    number = 1
    while timeit.timeit(fn, number=number) < 0.05 and number < 10_000:
        number *= 2
    return statistics.median(t / number for t in timeit.repeat(fn, number=number, repeat=repeat))
