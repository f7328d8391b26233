"""Dashboard speed in a real browser: time to interactive (vs a bare widget page) and redraw latency.

    python benchmarks/bench_dashboard.py [--runs 5] [--clicks 15] [--shipped-only]

Voila is started exactly as ``readiness dashboard`` starts it (our voila.json). Debian's Chromium,
headless, driven by Playwright. Every figure is measured in this run:

* **time to interactive**: from navigation start until the first frame in which the verdict
  banner and the radar's polygon are drawn (dashboard) or the button is (baseline: a bare
  one-button ipywidgets notebook served the same way), on the page's own clock; the wall clock
  until Playwright sees them is printed in brackets (it adds Playwright's own latency, and on the
  dashboard the main thread is busy drawing the Gantt chart just after the radar shows). Each load uses a fresh browser context (cold cache). The two pages
  alternate; the script prints both medians and their ratio (target <= 1.5). The shipped
  voila.json preheats kernels: before each load the script waits until both servers have refilled
  their pool, as for a visitor who arrives at a server that has been up for a while. Unless
  ``--shipped-only``, the comparison is repeated with a new kernel per page
  (``readiness dashboard --no-preheat``).
* **redraw latency**: on the self-assessment page, the time from clicking a level until the radar's
  "Current" polygon changes in the page (a MutationObserver in the page, so no Playwright round
  trip is counted). Target: median <= 150 ms.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "ui"))

import nbformat  # noqa: E402
from harness import BANNER, chromium, voila, wait_for_pool  # noqa: E402

from readiness_widgets.demo import demo_folder  # noqa: E402
from readiness_widgets.serve import NO_PREHEAT  # noqa: E402

BARE = "import ipywidgets as w\n\nw.Button(description='Go')"
CURRENT_PATH = ".js-plotly-plot .scatterlayer .trace:last-child path.js-line"
RADAR_CURRENT = ".js-plotly-plot .scatterlayer .trace:last-child path.js-line[d]"

CLICK_JS = """
async ([radio, pathSelector]) => {
  const before = document.querySelector(pathSelector)?.getAttribute("d") ?? null;
  const plot = radio.closest(".rw-app").querySelector(".rw-results .js-plotly-plot");
  const changed = new Promise((resolve) => {
    const obs = new MutationObserver(() => {
      const now = document.querySelector(pathSelector);
      if (now && now.getAttribute("d") !== before) { obs.disconnect(); resolve(performance.now()); }
    });
    obs.observe(plot, { subtree: true, attributes: true, childList: true });
  });
  const t0 = performance.now();
  radio.click();
  const t1 = await Promise.race([changed, new Promise((r) => setTimeout(() => r(null), 10000))]);
  return t1 === null ? null : t1 - t0;
}
"""


# In the page, from navigation start: the first animation frame in which every selector is there
# (the moment the radar and the verdict can be seen), recorded by a MutationObserver installed
# before the page's own scripts. Playwright's own polling is not counted.
MARK_JS = """
(selectors) => {
  const done = () => selectors.every((s) => document.querySelector(s));
  const mark = () => requestAnimationFrame(() => { window.__tti = performance.now(); });
  const watch = new MutationObserver(() => { if (done()) { watch.disconnect(); mark(); } });
  document.addEventListener("DOMContentLoaded", () => {
    if (done()) return mark();
    watch.observe(document.body, { subtree: true, childList: true, attributes: true });
  });
}
"""


def _load_time(browser, url: str, selectors: list[str]) -> tuple[float, float]:
    """(in-page time to interactive, wall-clock time until Playwright saw the selectors), seconds."""
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    page = context.new_page()
    page.add_init_script(f"({MARK_JS})({json.dumps(selectors)})")
    start = time.perf_counter()
    page.goto(url, timeout=120_000)
    page.wait_for_function("() => window.__tti !== undefined", timeout=120_000)
    wall = time.perf_counter() - start
    in_page = page.evaluate("() => window.__tti") / 1000
    context.close()
    return in_page, wall


def time_to_interactive(browser, work: Path, runs: int, extra: list[str]) -> tuple[list, list]:
    bare = work / "bare.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(BARE)]), bare)
    folder = work / "assessments"
    shutil.copytree(demo_folder(), folder, dirs_exist_ok=True)
    base, dash = [], []
    preheated = NO_PREHEAT[0] not in extra
    cap = runs + 4  # every load is a new page: the kernel cap must not turn one into a "busy" page
    with voila(bare, work, log_dir=work, extra_args=extra, max_kernels=cap) as bare_url, voila(
        "dashboard", folder, log_dir=work, extra_args=extra, max_kernels=cap
    ) as dash_url:
        loads = {bare_url: 0, dash_url: 0}
        for i in range(runs + 1):  # the first round warms the OS caches and is not counted
            for url, selectors, out in ((bare_url, [".widget-button"], base), (dash_url, [BANNER, RADAR_CURRENT], dash)):
                if preheated:  # both pools full: no kernel starts while the page is measured
                    for server, n in loads.items():
                        wait_for_pool(server, work, fills=n + 1)
                    time.sleep(1.0)
                elapsed = _load_time(browser, url, selectors)
                loads[url] += 1
                if i:
                    out.append(elapsed)
    return base, dash


def redraw_latency(browser, work: Path, clicks: int) -> list[float]:
    folder = work / "form"
    folder.mkdir()
    out: list[float] = []
    with voila("self-assessment", folder, log_dir=work) as url:
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        page.goto(url, timeout=120_000)
        page.wait_for_selector(".rw-app .js-plotly-plot .main-svg", timeout=120_000)
        page.get_by_role("tab").nth(1).click()  # the first dimension's tab
        radios = page.locator(".rw-question .rw-level").first.locator("input[type=radio]")
        radios.first.wait_for(timeout=60_000)
        for i in range(clicks + 2):
            level = 4 if i % 2 == 0 else 0
            ms = page.evaluate(CLICK_JS, [radios.nth(level).element_handle(), CURRENT_PATH])
            if ms is None:
                raise RuntimeError("the radar did not change within 10 s of a click")
            if i >= 2:  # the first two clicks warm up the kernel's code paths
                out.append(ms)
            page.wait_for_timeout(300)
        page.close()
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--clicks", type=int, default=15)
    ap.add_argument("--shipped-only", action="store_true", help="skip the run with a new kernel per page")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, chromium() as browser:
        work = Path(tmp)
        modes = [("preheated kernels (shipped voila.json)", [])]
        if not args.shipped_only:
            modes.append(("a new kernel per page (--no-preheat)", NO_PREHEAT))
        for i, (name, extra) in enumerate(modes):
            sub = work / f"mode{i}"
            sub.mkdir()
            base, dash = time_to_interactive(browser, sub, args.runs, extra)
            mb, md = statistics.median(x for x, _ in base), statistics.median(x for x, _ in dash)
            wb, wd = statistics.median(w for _, w in base), statistics.median(w for _, w in dash)
            print(f"time to interactive, {name}, {args.runs} loads each (in-page clock; wall clock in brackets):")
            print(f"  bare one-button page   median {mb:5.2f} s  [{wb:5.2f} s]  runs: {', '.join(f'{x:.2f}' for x, _ in base)}")
            print(f"  readiness dashboard    median {md:5.2f} s  [{wd:5.2f} s]  runs: {', '.join(f'{x:.2f}' for x, _ in dash)}")
            print(f"  ratio dashboard / bare {md / mb:5.2f}  [{wd / wb:5.2f}]   (target <= 1.5)")
        lat = redraw_latency(browser, work, args.clicks)
        q = statistics.quantiles(lat, n=10)
        print(f"redraw latency (click a level -> radar polygon changes), {len(lat)} clicks:")
        print(f"  median {statistics.median(lat):.0f} ms, p90 {q[-1]:.0f} ms, max {max(lat):.0f} ms  (target: median <= 150 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
