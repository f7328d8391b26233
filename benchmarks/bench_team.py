"""Time the team aggregation of many teams against a bare ``numpy.nanmedian`` of the same array.

    python benchmarks/bench_team.py [--teams 200] [--respondents 8] [--repeat 9] [--bank BANK.yaml]

The array: ``teams x respondents x questions`` answers (levels 0-4, ~10% unanswered, some N/A
and "don't know", random evidence), the questions of the bank (60 in the bundled one). The
baseline, measured in the same run: ``numpy.nanmedian`` over the respondent axis of the same
levels (N/A and "don't know" as NaN). The aggregation also gives the spread, the IQR, the
counts kept apart (answered, N/A, don't know, unanswered), the aggregated evidence, the three
disagreement flags, and a pandas frame of one row per (team, question).
Every figure is the median of ``--repeat`` timings; the machine is shared and noisy, so only the
ratio matters. Target: <= 5.
"""

from __future__ import annotations

import argparse
import os
import warnings

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
from timing import median_time

from readiness_widgets.bank import load_bank
from readiness_widgets.scoring import DONT_KNOW_CODE, NA_CODE, bank_arrays
from readiness_widgets.team import aggregate_arrays, aggregate_many

TARGET = 5.0


def random_team_answers(teams: int, respondents: int, questions: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    shape = (teams, respondents, questions)
    levels = rng.integers(0, 5, size=shape).astype(float)
    u = rng.random(shape)
    levels[u < 0.10] = np.nan
    levels[(u >= 0.10) & (u < 0.13)] = DONT_KNOW_CODE
    levels[(u >= 0.13) & (u < 0.15)] = NA_CODE
    evidence = rng.integers(0, 3, size=shape).astype(np.int8)
    return levels, evidence


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=200)
    parser.add_argument("--respondents", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--bank", help="a bank file (default: the bundled bank)")
    args = parser.parse_args(argv)

    bank = load_bank(args.bank)
    q = len(bank_arrays(bank).question_ids)
    levels, evidence = random_team_answers(args.teams, args.respondents, q)
    bare = np.where(levels >= 0, levels, np.nan)  # the baseline's input, prepared beforehand

    def baseline():
        return np.nanmedian(bare, axis=1)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # nanmedian warns on all-NaN slices
        # the aggregate agrees with numpy where both define it (the exact median of the levels)
        got = aggregate_arrays(levels, evidence, method="median")["value"]
        assert np.allclose(got, baseline(), equal_nan=True), "the aggregate's median differs from numpy.nanmedian"
        t_base = median_time(baseline, args.repeat)
    t_arrays = median_time(lambda: aggregate_arrays(levels, evidence, method=bank.team.aggregate), args.repeat)
    t_frame = median_time(lambda: aggregate_many(levels, evidence, bank), args.repeat)
    n = args.teams * args.respondents * q
    print(f"bank {bank.id} {bank.version}: {args.teams} teams x {args.respondents} respondents x {q} questions "
          f"({n:,} answers); median of {args.repeat}")
    print(f"{'(a) baseline: numpy.nanmedian(levels, axis=respondents)':<64} {t_base * 1e3:8.2f} ms   ratio 1.00")
    print(f"{'aggregate_arrays: median, spread, IQR, counts, evidence, flags':<64} {t_arrays * 1e3:8.2f} ms   "
          f"ratio {t_arrays / t_base:.2f}")
    ratio = t_frame / t_base
    verdict = "meets" if ratio <= TARGET else "MISSES"
    print(f"{'aggregate_many: the same, as a pandas frame (team, question)':<64} {t_frame * 1e3:8.2f} ms   "
          f"ratio {ratio:.2f}  ({verdict} the target <= {TARGET:g})")


if __name__ == "__main__":
    main()
