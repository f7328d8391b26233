"""Dashboard speed in a real browser: time to interactive (vs a bare widget page) and redraw latency.

    python benchmarks/bench_dashboard.py [--runs 5] [--clicks 15] [--shipped-only]
    python benchmarks/bench_dashboard.py --portfolio 1000 [--runs 5] [--filters 15] [--shipped-only] [--source sqlite]

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

With ``--portfolio N`` the page measured is the portfolio (``readiness dashboard --page portfolio``)
on a folder of N generated pilots (each a variant of one of the demo portfolio's pilots, with two
or three assessments, one file each; ``--source sqlite``: the same pilots as revisions of a SQLite
store, served as ``readiness dashboard --store URL --page portfolio``), against the same bare
page, in the same run:

* **time to interactive**: until the verdict funnel and the first heatmap row are drawn. Target
  at 1,000 pilots: <= 1.5 x the bare page.
* **filter latency**: the time from choosing another business unit in the filter until the page
  says how many pilots it shows now (the summary line, which the kernel updates after the funnel,
  the heatmap, the shared blockers and the trends), on the page's clock (a MutationObserver; no
  Playwright round trip). Target at 10,000 pilots: median <= 300 ms.

With preheated kernels, each load waits until both servers' kernels have finished building their
page (no CPU used for 2 s), not only until Voila says its pool is filled: that message comes when
the kernel starts running the notebook, and the portfolio of 10,000 pilots takes a minute to build.
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
from harness import BANNER, chromium, voila, wait_for_pool, wait_until_quiet  # noqa: E402

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


# ---- the portfolio ----------------------------------------------------------------------------

PORTFOLIO_READY = [".rw-funnel-count", ".rw-heatmap-row"]
UNITS = 40  # business units of a generated portfolio
OWNERS = 200

FILTER_JS = """
async ([value, total]) => {
  const select = [...document.querySelectorAll("label")].find((l) => l.textContent === "Business unit")
    .parentElement.querySelector("select");
  const summary = document.querySelector(".rw-summary");
  const changed = new Promise((resolve) => {
    const obs = new MutationObserver(() => {
      const now = document.querySelector(".rw-summary");
      if (now && now.dataset.total === String(total)) { obs.disconnect(); requestAnimationFrame(() => resolve(performance.now())); }
    });
    obs.observe(summary.closest(".rw-portfolio"), { subtree: true, childList: true, attributes: true, characterData: true });
  });
  const t0 = performance.now();
  select.value = value;
  select.dispatchEvent(new Event("change", { bubbles: true }));
  const t1 = await Promise.race([changed, new Promise((r) => setTimeout(() => r(null), 30000))]);
  return t1 === null ? null : t1 - t0;
}
"""


def scaled_histories(pilots: int, seed: int = 15):
    """``pilots`` pilots, each a variant of one of the demo portfolio's (its 2-3 assessments, a
    tenth of the answers moved a level, its own name, business unit and owner): (pilots per
    business unit, [[document, ...] per pilot])."""
    import random

    from readiness_widgets.demo import demo_portfolio

    rng = random.Random(seed)
    templates = [[a.to_dict() for a in history] for history in demo_portfolio()]
    per_unit: dict[str, int] = {}
    out = []
    for i in range(pilots):
        history = templates[i % len(templates)]
        unit, owner = f"Unit {rng.randrange(UNITS):02d}", f"Owner {rng.randrange(OWNERS):03d}"
        per_unit[unit] = per_unit.get(unit, 0) + 1
        moved = {q: rng.choice((-1, 1)) for q in history[-1]["answers"] if rng.random() < 0.1}
        docs = []
        for doc in history:
            doc = json.loads(json.dumps(doc))
            doc.update(pilot=f"{doc['pilot']} {i:05d}", business_unit=unit, owner=owner)
            for q, step in moved.items():
                value = doc["answers"].get(q, {}).get("value")
                if isinstance(value, int):
                    doc["answers"][q]["value"] = min(4, max(0, value + step))
            docs.append(doc)
        out.append(docs)
    return per_unit, out


def write_scaled_portfolio(folder: Path, pilots: int, seed: int = 15) -> dict[str, int]:
    """:func:`scaled_histories` as a folder, one file per assessment, written as the data model
    writes them. Returns the pilots per business unit."""
    from readiness_widgets.assessment import Assessment

    folder.mkdir(parents=True, exist_ok=True)
    per_unit, histories = scaled_histories(pilots, seed)
    for i, docs in enumerate(histories):
        for r, doc in enumerate(docs):
            text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
            (folder / f"pilot-{i:05d}-{r + 1}.json").write_text(text, encoding="utf-8")
    Assessment.load(folder / "pilot-00000-1.json")  # what was written is a valid assessment
    return per_unit


def write_scaled_store(url: str, pilots: int, seed: int = 15) -> dict[str, int]:
    """:func:`scaled_histories` as store revisions (``pilot-NNNNN``, dated as in the documents),
    through the store's import. Returns the pilots per business unit."""
    from readiness_widgets.assessment import Assessment
    from readiness_widgets.store import PilotHistory, Revision, open_store
    from readiness_widgets.store.base import changes_between, doc_signature, parse_stamp

    per_unit, histories = scaled_histories(pilots, seed)
    Assessment.from_dict(histories[0][0])  # what is written is a valid assessment
    out = []
    for i, docs in enumerate(histories):
        key, revisions, before = f"pilot-{i:05d}", [], None
        for n, doc in enumerate(docs, start=1):
            revisions.append(Revision(pilot=key, number=n, base=n - 1 or None, saved_at=parse_stamp(doc["updated"]),
                                      saved_by="bench", source="import", changes=changes_between(before, doc),
                                      signature=doc_signature(doc), name=doc["pilot"], document=doc))
            before = doc
        out.append(PilotHistory(key, tuple(revisions)))
    with open_store(url, create=True) as store:
        store.import_history(out, validate=False)
    return per_unit


def portfolio_speed(browser, work: Path, pilots: int, runs: int, filters: int, extra: list[str],
                    source: str = "folder") -> dict:
    bare = work / "bare.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(BARE)]), bare)
    folder = work / "portfolio"
    started = time.perf_counter()
    store = None
    if source == "folder":
        per_unit = write_scaled_portfolio(folder, pilots)
        files = len(list(folder.glob("*.json")))
        print(f"  {pilots} pilots, {files} assessment files written in {time.perf_counter() - started:.0f} s")
    else:  # the same pilots as revisions of a SQLite store, served as readiness dashboard --store URL does
        folder.mkdir()
        store = f"sqlite:///{folder}/portfolio.db"
        per_unit = write_scaled_store(store, pilots)
        print(f"  {pilots} pilots imported into {store} in {time.perf_counter() - started:.0f} s")
    base, page = [], []
    preheated = NO_PREHEAT[0] not in extra
    cap = 2 * (runs + 2) + 4  # every load is a new page, and its kernel may outlive it for a while
    with voila(bare, work, log_dir=work, extra_args=extra, max_kernels=cap) as bare_url, voila(
        "portfolio", folder, log_dir=work, extra_args=extra, max_kernels=cap, store=store
    ) as page_url:
        loads = {bare_url: 0, page_url: 0}
        for i in range(runs + 1):  # the first round warms the OS caches and is not counted
            for url, selectors, out in ((bare_url, [".widget-button"], base), (page_url, PORTFOLIO_READY, page)):
                if preheated:  # both pools full, and their kernels done building the page
                    for server, n in loads.items():
                        wait_for_pool(server, work, fills=n + 1, timeout=1800)
                        wait_until_quiet(server)
                elapsed = _load_time(browser, url, selectors)
                loads[url] += 1
                if i:
                    out.append(elapsed)
        latencies = []
        if filters:
            if preheated:
                wait_for_pool(page_url, work, fills=loads[page_url] + 1, timeout=1800)
                wait_until_quiet(page_url)
            context = browser.new_context(viewport={"width": 1300, "height": 900})
            tab = context.new_page()
            tab.goto(page_url, timeout=1_800_000)
            tab.wait_for_selector(".rw-heatmap-row", timeout=1_800_000)
            tab.wait_for_selector(".js-plotly-plot .main-svg", timeout=120_000)  # the trends: the page is complete
            units = sorted(per_unit)
            for k in range(filters + 2):
                unit = units[k % len(units)]
                ms = tab.evaluate(FILTER_JS, [unit, per_unit[unit]])
                if ms is None:
                    raise RuntimeError("the page did not answer a filter within 30 s")
                if k >= 2:  # the first two warm up the kernel's code paths
                    latencies.append(ms)
                tab.wait_for_timeout(300)
            context.close()
    return {"base": base, "page": page, "filters": latencies}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--clicks", type=int, default=15)
    ap.add_argument("--shipped-only", action="store_true", help="skip the run with a new kernel per page")
    ap.add_argument("--portfolio", type=int, metavar="PILOTS", help="measure the portfolio page on this many pilots")
    ap.add_argument("--filters", type=int, default=15, help="with --portfolio: filter changes timed (0: none)")
    ap.add_argument("--source", choices=["folder", "sqlite"], default="folder",
                    help="with --portfolio: the pilots as a folder of files (default) or as revisions of a SQLite store")
    args = ap.parse_args(argv)
    if args.portfolio:
        return main_portfolio(args)
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


def main_portfolio(args) -> int:
    with tempfile.TemporaryDirectory() as tmp, chromium() as browser:
        modes = [("preheated kernels (shipped voila.json)", [])]
        if not args.shipped_only:
            modes.append(("a new kernel per page (--no-preheat)", NO_PREHEAT))
        for i, (name, extra) in enumerate(modes):
            sub = Path(tmp) / f"mode{i}"
            sub.mkdir()
            print(f"portfolio page, {args.portfolio} pilots ({args.source}), {name}:")
            got = portfolio_speed(browser, sub, args.portfolio, args.runs, args.filters if i == 0 else 0, extra, args.source)
            base, page = got["base"], got["page"]
            mb, mp = statistics.median(x for x, _ in base), statistics.median(x for x, _ in page)
            wb, wp = statistics.median(w for _, w in base), statistics.median(w for _, w in page)
            print(f"  time to interactive, {args.runs} loads each (in-page clock; wall clock in brackets):")
            print(f"  bare one-button page   median {mb:6.2f} s  [{wb:6.2f} s]  runs: {', '.join(f'{x:.2f}' for x, _ in base)}")
            print(f"  portfolio page         median {mp:6.2f} s  [{wp:6.2f} s]  runs: {', '.join(f'{x:.2f}' for x, _ in page)}")
            print(f"  ratio portfolio / bare {mp / mb:6.2f}  [{wp / wb:6.2f}]   (target at 1,000 pilots: <= 1.5)")
            if got["filters"]:
                lat = got["filters"]
                q = statistics.quantiles(lat, n=10) if len(lat) > 1 else lat
                print(f"  filter latency (business unit -> every view updated), {len(lat)} changes:")
                print(f"  median {statistics.median(lat):.0f} ms, p90 {q[-1]:.0f} ms, max {max(lat):.0f} ms  "
                      "(target at 10,000 pilots: median <= 300 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
