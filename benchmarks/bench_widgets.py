"""Benchmark of the notebook form, as ratios to baselines measured in the same run.

    python benchmarks/bench_widgets.py [--runs 5] [--changes 20]

Every figure is the median over ``--runs`` fresh Python processes (each timing itself with
``time.perf_counter``; interpreter start-up is not counted):

(a) import:  ``import readiness_widgets`` / ``import ipywidgets, pandas``              target <= 1.15
(b) build:   ``readiness_widgets.assess(new file)`` for the default bank, imports
             included / one bare ``go.FigureWidget`` radar, imports included             target <= 1.0
(c) answer:  one level change set on a question's RadioButtons -> the radar's chart
             spec updated in its PlotlyView (engine scoring included), in ms            target <= 50 ms

Widgets are built without a kernel (no frontend), as in the widget tests; in a kernel each
widget message also goes over ZeroMQ. The figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

IMPORT_PACKAGE = "import readiness_widgets"
IMPORT_FORM = "from readiness_widgets import assess"
IMPORT_BASELINE = "import ipywidgets, pandas"

BUILD_APP = """
import readiness_widgets as rw
app = rw.assess({path!r}, bank={bank!r})
assert app.results.radar.figure["data"]
"""
BUILD_BASELINE = """
import plotly.graph_objects as go
fig = go.FigureWidget(go.Figure(go.Scatterpolar(r=[1, 2, 3, 2, 1, 3, 1], theta=list("abcdefa"))))
assert fig.data
"""
WARM = "import ipywidgets, pandas, plotly.graph_objects"

ANSWER = """
import time, statistics
import readiness_widgets as rw
app = rw.assess({path!r}, bank={bank!r}, autosave=False)
bank = app.bank
view = app.results.radar
current = lambda: [t for t in view.figure["data"] if t["name"] == "Current"][0]["r"]
qs = [q for q in bank.questions if bank.applies(q.id, app.assessment.triage)]
rows = [app.question(q.id) for q in qs[:{changes}]]
times, base = [], []
for i, row in enumerate(rows):
    before = current()
    t = time.perf_counter()
    row.level.value = 4 if i % 2 == 0 else 3
    times.append(time.perf_counter() - t)
    assert current() != before, "the radar did not change"
    spec = dict(view.figure)
    spec["data"] = [dict(d, r=[None if v is None else v + 0.01 for v in d["r"]]) for d in spec["data"]]
    t = time.perf_counter()
    view.show(spec)   # baseline: put a new spec on the same view
    base.append(time.perf_counter() - t)
print(statistics.median(times), statistics.median(base))
"""


def timed(code: str, setup: str = "") -> float:
    """Seconds taken by ``code`` in a fresh interpreter (after ``setup``, which is not timed)."""
    script = f"{setup}\nimport time as _t\n_t0 = _t.perf_counter()\n{code}\nprint(_t.perf_counter() - _t0)\n"
    return float(run(script).split()[-1])


def run(script: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        env={**_env(), "PYTHONPATH": str(ROOT)},
    )
    if out.returncode:
        raise SystemExit(f"benchmark process failed:\n{out.stderr}")
    return out.stdout


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)


def median_of(runs: int, fn) -> float:
    return statistics.median(fn() for _ in range(runs))


def fresh_path(folder: Path, i: list[int]) -> str:
    i[0] += 1
    return str(folder / f"bench-{i[0]}.json")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=5, help="fresh processes per measurement (median)")
    p.add_argument("--changes", type=int, default=20, help="answer changes per process in (c)")
    p.add_argument("--bank", default=None, help="a bank YAML file (default: the bundled default bank)")
    p.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = p.parse_args(argv)
    runs = max(1, args.runs)
    counter = [0]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # interleave candidate and baseline so that machine noise hits both
        pkg, form, base_imp = [], [], []
        for _ in range(runs):
            pkg.append(timed(IMPORT_PACKAGE))
            form.append(timed(IMPORT_FORM))
            base_imp.append(timed(IMPORT_BASELINE))
        app, base_fig, app_warm, base_warm = [], [], [], []
        for _ in range(runs):
            app.append(timed(BUILD_APP.format(path=fresh_path(folder, counter), bank=args.bank)))
            base_fig.append(timed(BUILD_BASELINE))
            app_warm.append(timed(BUILD_APP.format(path=fresh_path(folder, counter), bank=args.bank), setup=WARM))
            base_warm.append(timed(BUILD_BASELINE, setup=WARM))
        answer, answer_base = [], []
        for _ in range(runs):
            a, b = map(float, run(ANSWER.format(path=fresh_path(folder, counter), changes=args.changes, bank=args.bank)).split())
            answer.append(a)
            answer_base.append(b)
    m = statistics.median
    figures = {
        "a_import_ratio": m(pkg) / m(base_imp),
        "a_import_form_ratio": m(form) / m(base_imp),
        "b_build_ratio": m(app) / m(base_fig),
        "b_build_warm_ratio": m(app_warm) / m(base_warm),
        "c_answer_ms": m(answer) * 1000,
        "c_answer_ratio_to_trace_set": m(answer) / m(answer_base),
    }
    print(f"fresh processes per figure: {runs} (median); answer changes per process: {args.changes}")
    print(f"(a) import   readiness_widgets {m(pkg) * 1000:7.1f} ms / ipywidgets+pandas {m(base_imp) * 1000:7.1f} ms"
          f" = {figures['a_import_ratio']:.3f}   (target <= 1.15)")
    print(f"    also     'from readiness_widgets import assess' {m(form) * 1000:7.1f} ms"
          f" = {figures['a_import_form_ratio']:.3f} of the baseline")
    print(f"(b) build    assess() default bank {m(app):6.3f} s / bare FigureWidget radar {m(base_fig):6.3f} s"
          f" = {figures['b_build_ratio']:.3f}   (target <= 1.0)")
    print(f"    warm     (ipywidgets, pandas, plotly already imported) {m(app_warm):6.3f} s / {m(base_warm):6.3f} s"
          f" = {figures['b_build_warm_ratio']:.3f}")
    print(f"(c) answer   level change -> radar data updated: {figures['c_answer_ms']:.1f} ms   (target <= 50 ms)"
          f"; {figures['c_answer_ratio_to_trace_set']:.1f}x one bare spec update ({m(answer_base) * 1000:.2f} ms)")
    if args.json:
        print(json.dumps({k: round(v, 4) for k, v in figures.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
