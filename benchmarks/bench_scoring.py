"""Time ``score_many`` on many random assessments against a numpy lower bound.

    python benchmarks/bench_scoring.py [--n 10000] [--repeat 7] [--bank BANK.yaml]

The lower bound, measured in the same run: one dense product of the answers matrix (n x q,
NaN -> 0, prepared beforehand) with the weighted dimension matrix (q x d). Every figure is the
median of ``--repeat`` timings; the machine is shared and noisy, so only the ratios matter.
BLAS runs on one thread (``OPENBLAS_NUM_THREADS=1`` unless set) for both sides.
``score_many`` also validates its input, converts the evidence frame, computes coverage, the
overall figures and the verdict, and builds its output DataFrame.
"""

from __future__ import annotations

import argparse
import os

# one BLAS thread: on a small shared machine, thread hand-offs make the timings of both sides erratic
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import pandas as pd
from timing import median_time

from readiness_widgets.bank import EVIDENCE_KINDS, load_bank
from readiness_widgets.scoring import DONT_KNOW_CODE, NA_CODE, bank_arrays, score, score_many


def random_inputs(bank, n: int, seed: int = 0):
    """(answers, evidence, triage) frames: random levels, ~10% unanswered, some N/A and don't know."""
    rng = np.random.default_rng(seed)
    arr = bank_arrays(bank)
    q = len(arr.question_ids)
    levels = rng.integers(0, 5, size=(n, q)).astype(float)
    u = rng.random((n, q))
    levels[u < 0.10] = np.nan
    levels[(u >= 0.10) & (u < 0.13)] = DONT_KNOW_CODE
    allow_na = np.array([bank.question(qid).allow_na for qid in arr.question_ids])
    levels[(u >= 0.13) & (u < 0.16) & allow_na] = NA_CODE
    answers = pd.DataFrame(levels, columns=arr.question_ids)
    kinds = np.array(EVIDENCE_KINDS, dtype=object)[rng.integers(0, 3, size=(n, q))]
    evidence = pd.DataFrame(kinds, columns=arr.question_ids)
    triage = pd.DataFrame(
        {t.id: np.array([o.value for o in t.options], dtype=object)[rng.integers(0, len(t.options), n)] for t in bank.triage}
    )
    return answers, evidence, triage


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="number of assessments")
    parser.add_argument("--repeat", type=int, default=7, help="timings per figure (the median is shown)")
    parser.add_argument("--bank", help="a bank file (default: the bundled bank)")
    args = parser.parse_args(argv)

    bank = load_bank(args.bank)
    arr = bank_arrays(bank)
    answers, evidence, triage = random_inputs(bank, args.n)
    dense = np.nan_to_num(answers.to_numpy(dtype=float), nan=0.0)
    weighted = arr.weighted_onehot
    n, q = dense.shape

    categorical = evidence.astype(pd.CategoricalDtype(list(EVIDENCE_KINDS)))
    score_many(answers, bank, evidence=evidence)  # warm the bank's cached arrays
    lower = median_time(lambda: dense @ weighted, args.repeat)
    with_nan = median_time(lambda: np.nan_to_num(answers.to_numpy(dtype=float), nan=0.0) @ weighted, args.repeat)
    cases = {
        "score_many(answers, evidence=categorical)": lambda: score_many(answers, bank, evidence=categorical),
        "score_many(answers, evidence=strings)": lambda: score_many(answers, bank, evidence=evidence),
        "score_many(answers)  [no evidence: all 'none']": lambda: score_many(answers, bank),
        "score_many(answers, evidence=categorical, triage=)": lambda: score_many(answers, bank, evidence=categorical, triage=triage),
    }
    print(f"bank {bank.id} {bank.version}: {bank.summary()}; {n:,} assessments x {q} questions; median of {args.repeat}")
    print(f"{'':<52} {'median':>9}      ratio to (a)  ratio to (b)")
    print(f"{'(a) lower bound: dense (n x q) @ weights (q x d)':<52} {lower * 1e3:9.3f} ms   {1:8.2f}")
    print(f"{'(b) the same, with frame -> numpy and NaN -> 0':<52} {with_nan * 1e3:9.3f} ms   {with_nan / lower:8.2f}")
    for name, fn in cases.items():
        t = median_time(fn, args.repeat)
        print(f"{name:<52} {t * 1e3:9.3f} ms   {t / lower:8.2f}      {t / with_nan:8.2f}")
    # the loop score_many replaces: the engine scoring one assessment at a time (on a sample)
    from readiness_widgets.assessment import Assessment

    sample = min(200, n)
    docs = []
    for i in range(sample):
        a = Assessment.new(f"p{i}", bank=bank)
        for qid, value in answers.iloc[i].items():
            if value == value:  # not NaN
                code = int(value)
                value = "na" if code == NA_CODE else "dont_know" if code == DONT_KNOW_CODE else code
                a.data.answers[qid] = a.data.answers.get(qid, None) or _answer(value, evidence.iloc[i][qid])
        docs.append(a)
    loop = median_time(lambda: [score(a) for a in docs], 3) / sample
    vec = median_time(lambda: score_many(answers, bank, evidence=categorical), args.repeat) / n
    print(f"per assessment: score_many {vec * 1e6:.1f} us; a Python loop of scoring.score() {loop * 1e6:.0f} us "
          f"({loop / vec:.0f}x slower)")
    print("(a) is a floor no real scorer reaches (no validation, coverage, verdict or output frame); the issue sets no target")


def _answer(value, evidence):
    from readiness_widgets.assessment import Answer

    return Answer(value=value, evidence=evidence if evidence in EVIDENCE_KINDS else "none")


if __name__ == "__main__":
    main()
