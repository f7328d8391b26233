"""The portfolio page in a real browser: the funnel's counts, a click on a heatmap row, a filter,
and hostile pilot names.

Debian's Chromium (headless) driven by Playwright, against Voila started exactly as
``readiness dashboard --page portfolio`` starts it (our voila.json and template, preheated kernels).
"""

from __future__ import annotations

import html
import json
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest
from harness import BANNER, HOSTILE_PILOT, IMG, SCRIPT, voila
from test_accessibility import _axe, _page_structure

from readiness_widgets import Assessment
from readiness_widgets.demo import demo_assessment, demo_portfolio_folder
from readiness_widgets.pilots import FolderPilots
from readiness_widgets.portfolio_result import evaluate_portfolio
from readiness_widgets.report import write_portfolio_report

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROWS = ".rw-heatmap-row"
SUMMARY = ".rw-summary"
STATUSES = ("ready", "ready_with_conditions", "not_ready")


@pytest.fixture(scope="module")
def portfolio_copy(tmp_path_factory):
    folder = tmp_path_factory.mktemp("portfolio")
    shutil.copytree(demo_portfolio_folder(), folder, dirs_exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def portfolio_url(portfolio_copy, tmp_path_factory):
    with voila("portfolio", portfolio_copy, log_dir=tmp_path_factory.mktemp("logs")) as url:
        yield url


def _open(page, url):
    page.goto(url)
    page.wait_for_selector(ROWS)
    page.wait_for_selector(f"{SUMMARY}[data-total]")
    return page


def open_row(page, row):
    """Click heatmap ``row`` (the row itself, not its link) and wait for the pilot's page it opens
    in a new tab to show that pilot. Returns the new page."""
    name = row.locator("th[scope=row]").inner_text()
    with page.context.expect_page() as opened:
        row.locator("td").first.click()
    pilot = opened.value
    pilot.set_default_timeout(90_000)
    pilot.wait_for_selector(BANNER)
    pilot.wait_for_function("(n) => document.querySelector('.rw-meta .rw-pilot')?.textContent === n", arg=name)
    return pilot


def funnel_counts(page) -> dict[str, int]:
    return {s: int(page.inner_text(f".rw-funnel-stage[data-status={s}] .rw-funnel-count")) for s in STATUSES}


def heatmap_names(page) -> list[str]:
    return page.locator(f"{ROWS} th[scope=row]").all_inner_texts()


TRENDS_JS = """() => {
  const plot = document.querySelector('.rw-portfolio .js-plotly-plot');
  if (!plot || !plot.data) return null;
  return {names: [...new Set(plot.data.map((t) => t.name))], lines: plot.querySelectorAll('.scatterlayer .trace').length,
          colours: [...new Set(plot.data.map((t) => t.line.color))]};
}"""


def trends(page) -> dict:
    """The pilots on the trends chart (their names as Plotly shows them: its markup escaped), the
    lines drawn, and their colours."""
    got = page.evaluate(TRENDS_JS)
    got["names"] = [html.unescape(n) for n in got["names"]]
    return got


def swatches(page) -> list[str]:
    return page.eval_on_selector_all(".rw-heatmap-row .rw-swatch-dot", "(els) => els.map((e) => getComputedStyle(e).backgroundColor)")


def _clean(page, url):
    assert page.watch.errors == [], page.watch.errors
    assert page.watch.external_requests(url) == []


def test_the_funnel_counts_match_the_folder_listing(page, portfolio_url, portfolio_copy, shots):
    _open(page, portfolio_url)
    shown = funnel_counts(page)
    # the folder listing: `readiness portfolio FOLDER --format json`, one row per pilot
    run = subprocess.run([sys.executable, "-m", "readiness_widgets.cli", "portfolio", str(portfolio_copy), "--format", "json"],
                         capture_output=True, text=True, check=True)
    listed = json.loads(run.stdout)
    assert shown == {s: sum(r["verdict"] == s for r in listed) for s in STATUSES}
    # and each pilot's latest file scored on its own, as the single-pilot dashboard scores it
    latest: dict[str, Assessment] = {}
    for path in portfolio_copy.glob("*.json"):
        a = Assessment.load(path)
        if a.pilot not in latest or a.data.updated > latest[a.pilot].data.updated:
            latest[a.pilot] = a
    verdicts = [a.evaluate().verdict.status for a in latest.values()]
    assert shown == {s: verdicts.count(s) for s in STATUSES}
    assert sum(shown.values()) == 12
    assert page.locator(SUMMARY).get_attribute("data-total") == "12"
    assert len(heatmap_names(page)) == 12
    page.wait_for_selector(".js-plotly-plot .main-svg")  # the trends, after the first paint
    page.wait_for_timeout(500)
    page.screenshot(path=str(shots / "portfolio.png"), full_page=False)
    page.locator(".rw-blockers").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "portfolio-blockers.png"), full_page=False)
    assert "from readiness_widgets" not in page.inner_text("body")  # sources stripped
    _clean(page, portfolio_url)


def test_a_click_on_a_heatmap_row_opens_that_pilot(page, portfolio_url, portfolio_copy, shots):
    _open(page, portfolio_url)
    row = page.locator(ROWS).nth(2)
    name = row.locator("th[scope=row]").inner_text()
    pilot = open_row(page, row)
    latest = max((Assessment.load(p) for p in portfolio_copy.glob("*.json") if Assessment.load(p).pilot == name),
                 key=lambda a: a.data.updated)
    assert pilot.inner_text(BANNER) == latest.evaluate().verdict.label
    assert "?file=" in pilot.url
    options = pilot.get_by_label("Assessment").locator("option").all_inner_texts()
    assert options
    assert all(o.replace("\xa0", " ").startswith(name) for o in options)
    assert pilot.locator("a.rw-back").count() == 1
    pilot.wait_for_timeout(300)
    pilot.screenshot(path=str(shots / "portfolio-pilot.png"), full_page=False)
    pilot.close()
    _clean(page, portfolio_url)


def test_a_filter_narrows_every_view(page, portfolio_url, portfolio_copy, shots):
    _open(page, portfolio_url)
    page.wait_for_selector(".rw-portfolio .js-plotly-plot .scatterlayer .trace", state="attached")
    insurance = {a.pilot for a in map(Assessment.load, portfolio_copy.glob("*.json")) if a.business_unit == "Insurance"}
    everyone = set(heatmap_names(page))
    page.get_by_label("Business unit").select_option(label="Insurance")
    page.wait_for_function(f"() => document.querySelector('{SUMMARY}')?.dataset.total === '{len(insurance)}'")
    assert set(heatmap_names(page)) == insurance
    assert sum(funnel_counts(page).values()) == len(insurance)
    affected = set(page.locator(".rw-blockers .rw-affected-pilot").all_inner_texts())
    assert affected
    assert affected <= insurance
    page.wait_for_function(
        "(n) => document.querySelectorAll('.rw-portfolio .js-plotly-plot .scatterlayer .trace').length === n",
        arg=2 * len(insurance),  # overall and weakest link per pilot
    )
    shown = trends(page)
    assert set(shown["names"]) == insurance
    assert shown["names"] == heatmap_names(page)  # in the heatmap's order, each in its row's colour
    assert len(swatches(page)) == len(insurance) == len(shown["colours"])
    page.wait_for_timeout(300)
    page.screenshot(path=str(shots / "portfolio-filtered.png"), full_page=False)
    # a header sorts, and "Clear filters" brings every pilot back
    page.get_by_role("button", name="Sort by Pilot").click()
    page.wait_for_function(
        "(names) => [...document.querySelectorAll('.rw-heatmap-row th')].map((e) => e.textContent).join('|') === names",
        arg="|".join(sorted(insurance, key=str.casefold)),
    )
    page.get_by_role("button", name="Clear filters").click()
    page.wait_for_function(f"() => document.querySelector('{SUMMARY}')?.dataset.total === '12'")
    assert set(heatmap_names(page)) == everyone
    _clean(page, portfolio_url)


def test_hostile_pilot_names_stay_text(page, tmp_path, bank):
    for i in range(2):
        a = demo_assessment(bank, pilot=HOSTILE_PILOT, when=datetime(2026, 6, 1, tzinfo=timezone.utc) + timedelta(days=50 * i))
        a.business_unit, a.owner = f"Unit {IMG}", f"Owner {SCRIPT}"
        a.save(tmp_path / f"hostile-{i}.json")
    demo_assessment(bank, pilot="Plain pilot").save(tmp_path / "plain.json")
    with voila("portfolio", tmp_path, log_dir=tmp_path) as url:
        _open(page, url)
        page.wait_for_selector(".rw-portfolio .js-plotly-plot .scatterlayer .trace", state="attached")
        page.wait_for_timeout(500)
        assert page.evaluate("() => window.__pwned") is None
        assert HOSTILE_PILOT in heatmap_names(page)
        assert HOSTILE_PILOT in page.locator(".rw-blockers .rw-affected-pilot").all_inner_texts()
        assert HOSTILE_PILOT in trends(page)["names"]
        options = page.get_by_label("Business unit").locator("option").all_inner_texts()
        assert f"Unit {IMG}" in [o.replace("\xa0", " ") for o in options]  # ipywidgets uses nbsp
        assert page.locator("[onerror], img[src='x']").count() == 0  # the payload never became an element
        with page.context.expect_page() as opened:
            page.locator(ROWS).filter(has_text="Pilot <script>").locator("td").first.click()
        pilot = opened.value
        pilot.wait_for_selector(BANNER, timeout=90_000)
        pilot.wait_for_timeout(300)
        assert pilot.evaluate("() => window.__pwned") is None
        assert HOSTILE_PILOT in pilot.inner_text(".rw-meta")
        pilot.close()
        _clean(page, url)


def test_the_portfolio_page_and_its_report_meet_wcag_aa(page, portfolio_url, tmp_path):
    _open(page, portfolio_url)
    page.wait_for_selector(".rw-portfolio .js-plotly-plot .main-svg")
    page.wait_for_selector(".rw-blockers td")
    _page_structure(page)
    assert page.title() == "AI pilot portfolio"
    assert page.locator(".rw-portfolio [role=figure][aria-describedby]").count() == 1  # the trends, described
    assert _axe(page) == []
    out = write_portfolio_report(evaluate_portfolio(FolderPilots(demo_portfolio_folder())), tmp_path / "p.html")
    page.goto(out.as_uri())
    page.wait_for_selector("#fig-trends .main-svg")
    _page_structure(page)
    assert page.locator(".chart[role=figure][aria-label]").count() == 1
    assert _axe(page) == []
