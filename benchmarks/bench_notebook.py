"""The form's start in JupyterLab, in a browser: run the cell -> form and radar visible, as a ratio.

    python benchmarks/bench_notebook.py [--runs 5]

JupyterLab is started on 127.0.0.1 with temporary config, runtime and settings folders (the
tests' harness), and Debian's Chromium (headless) opens notebooks in it. Each load opens a new
notebook, so each has a fresh kernel: the time runs from pressing Ctrl+Enter in the cell (once the
kernel is idle) to the first animation frame in which the result is on the page, on the page's
own clock (a MutationObserver in the page, no Playwright round trip counted):

* **form**: ``rw.assess(path)`` on the default bank (a new file each time): the form's first
  screen (header, triage radio groups) and the radar's drawn SVG;
* **baseline**: a cell that draws one bare ``go.FigureWidget`` radar (its SVG drawn).

The two alternate; the first round warms the OS's caches and is not counted. The medians and their
ratio are printed (target <= 1.3). Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "ui"))

from harness import chromium, jupyter_server, notebook_url, run_first_cell, write_notebook  # noqa: E402

FORM = "import readiness_widgets as rw\n\nrw.assess({path!r})"
BASELINE = (
    "import plotly.graph_objects as go\n\n"
    "go.FigureWidget(go.Figure(go.Scatterpolar(r=[1, 2, 3, 2, 1, 3, 1], theta=list('abcdefa'))))"
)
FORM_VISIBLE = [".rw-app .rw-triage [role=radiogroup] input", ".rw-app .rw-results .js-plotly-plot .main-svg"]
BASELINE_VISIBLE = [".jp-OutputArea .js-plotly-plot .main-svg"]

# the first frame in which every selector matches, on the page's clock
WATCH_JS = """
(selectors) => {
  window.__visible = undefined;
  const done = () => selectors.every((s) => document.querySelector(s));
  const mark = () => requestAnimationFrame(() => { window.__visible = performance.now(); });
  if (done()) return mark();
  const watch = new MutationObserver(() => { if (done()) { watch.disconnect(); mark(); } });
  watch.observe(document.body, { subtree: true, childList: true, attributes: true });
}
"""


def one_load(browser, url: str, name: str, selectors: list[str]) -> float:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(180_000)
    page.goto(notebook_url("lab", url, name))
    page.wait_for_selector(".jp-Notebook .jp-Cell")
    page.evaluate(WATCH_JS, selectors)
    started = run_first_cell(page)
    page.wait_for_function("() => window.__visible !== undefined")
    seconds = (page.evaluate("() => window.__visible") - started) / 1000
    context.close()
    return seconds


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = ap.parse_args(argv)
    form, base = [], []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        root = work / "root"
        root.mkdir()
        with jupyter_server("lab", root, home=work / "home") as url, chromium() as browser:
            for i in range(args.runs + 1):
                write_notebook(root / f"form-{i}.ipynb", FORM.format(path=f"form-{i}.json"))
                write_notebook(root / f"bare-{i}.ipynb", BASELINE)
                f = one_load(browser, url, f"form-{i}.ipynb", FORM_VISIBLE)
                b = one_load(browser, url, f"bare-{i}.ipynb", BASELINE_VISIBLE)
                if i:  # the first round warms the caches
                    form.append(f)
                    base.append(b)
    m = statistics.median
    ratio = m(form) / m(base)
    print(f"JupyterLab, run the cell -> visible, fresh kernel each, {args.runs} loads each (page clock):")
    print(f"  bare FigureWidget radar  median {m(base):5.2f} s  runs: {', '.join(f'{x:.2f}' for x in base)}")
    print(f"  assess() form + radar    median {m(form):5.2f} s  runs: {', '.join(f'{x:.2f}' for x in form)}")
    print(f"  ratio form / bare        {ratio:5.2f}   (target <= 1.3)")
    if args.json:
        print(json.dumps({"form_s": m(form), "bare_s": m(base), "ratio": round(ratio, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
