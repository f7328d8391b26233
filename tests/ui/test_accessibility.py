"""WCAG 2.2 AA, measured: axe-core (from PyPI's axe-playwright-python, offline) on the form (every
tab), the dashboard and the report, failing on any critical or serious violation; landmarks,
headings and titles; reflow at 320 px and at 200% zoom; the keyboard inside a radio group.
Binder's route (Voila as a JupyterLab server extension, set up as binder/postBuild does) is
opened too, and nothing may be requested from outside 127.0.0.1.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from harness import RADAR_PATH, PageWatch, jupyter_server, read_json

from readiness_widgets.assessment import Assessment
from readiness_widgets.demo import demo_folder
from readiness_widgets.report import write_report
from readiness_widgets.result import evaluate
from readiness_widgets.serve import install_server_config

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BLOCKING = ("critical", "serious")
ROOT = Path(__file__).resolve().parents[2]


def _axe(page) -> list[str]:
    """The critical and serious violations on the page as it is now, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [
        f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['target']}: "
        f"{v['nodes'][0].get('failureSummary', '')[:300]})"
        for v in violations
        if v["impact"] in BLOCKING
    ]


def _page_structure(page) -> None:
    assert page.locator("main, [role=main]").count() == 1
    assert page.locator("h1").count() == 1
    assert "voila" not in page.title().lower(), page.title()
    assert "_" not in page.title(), page.title()  # not a file name


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )


def test_the_form_page_meets_wcag_aa_on_every_tab(page, form_server):
    url, path = form_server()
    page.goto(url)
    page.wait_for_selector(".rw-app " + RADAR_PATH.split(" ", 1)[1], state="attached")
    _page_structure(page)
    assert page.title() == "Production readiness self-assessment"
    assert page.locator(".rw-app[role=form][data-lm-suppress-shortcuts]").count() == 1
    assert page.locator(".rw-app [role=status]").count() >= 2  # save status, progress
    assert page.locator(".rw-app [role=figure][aria-describedby]").count() == 1  # the radar, described
    problems = {}
    tabs = page.get_by_role("tab")
    for i in range(tabs.count()):
        tab = tabs.nth(i)
        tab.click()
        name = tab.inner_text()
        if name.startswith(("Review",)):
            page.wait_for_selector(".rw-review td")
        elif name.startswith("Evidence"):
            page.wait_for_selector(".rw-scan-panel input")
        elif i:
            page.locator(".rw-question [role=radiogroup]:visible").first.wait_for()
        found = _axe(page)
        if found:
            problems[name] = found
    assert problems == {}, problems

    # one Tab stop per question, the arrow keys move within it, and the file follows
    page.get_by_role("tab").nth(1).click()
    groups = page.locator(".rw-level [role=radiogroup]:visible")
    first, second = groups.nth(0), groups.nth(1)
    names = {first.locator("input").nth(i).get_attribute("name") for i in range(first.locator("input").count())}
    assert len(names) == 1  # one group per question...
    assert names != {second.locator("input").first.get_attribute("name")}  # ...and its own
    first.locator("input").last.focus()
    page.keyboard.press("ArrowDown")  # from the last option: back to the first, never into the next question
    assert first.locator("input").first.is_checked()
    assert not any(second.locator("input").nth(i).is_checked() for i in range(second.locator("input").count()))
    page.keyboard.press("Tab")  # out of the group: to its Clear button, not to the next option
    assert page.evaluate("() => document.activeElement.classList.contains('rw-clear')")
    deadline = time.monotonic() + 15
    while not read_json(path)["answers"] and time.monotonic() < deadline:  # autosave: 0.5 s
        time.sleep(0.2)
    assert [a["value"] for a in read_json(path)["answers"].values()] == [0]
    assert page.watch.external_requests(url) == []


@pytest.mark.parametrize("width", [320, 640])  # 640 px: a 1280 px window at 200% zoom
def test_the_form_reflows_on_a_narrow_screen(browser, form_server, width):
    url, _ = form_server()
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(url)
    page.wait_for_selector(".rw-app .js-plotly-plot .main-svg")
    page.get_by_role("tab").nth(1).click()
    page.wait_for_selector(".rw-question [role=radiogroup]")
    page.wait_for_timeout(300)
    _no_sideways_scroll(page)
    results = page.locator(".rw-app .rw-results")
    page.locator(".rw-to-results a").click()  # the way to the results below the questions
    page.wait_for_function("() => document.activeElement.classList.contains('rw-results')")
    box = results.bounding_box()
    assert box["x"] >= -1
    assert box["x"] + box["width"] <= width + 1
    context.close()


def test_the_dashboard_meets_wcag_aa(page, dashboard_url):
    page.goto(dashboard_url)
    page.wait_for_selector(".rw-banner-status")
    page.wait_for_selector(RADAR_PATH, state="attached")
    page.wait_for_selector(".rw-evidence td")
    _page_structure(page)
    assert page.title() == "AI pilot readiness dashboard"
    assert _axe(page) == []
    assert page.watch.external_requests(dashboard_url) == []


def test_the_report_meets_wcag_aa(page, tmp_path):
    out = write_report(evaluate(Assessment.load(demo_folder() / "churn-predictor-2026-11.json")), tmp_path / "r.html")
    page.goto(out.as_uri())
    page.wait_for_selector("#fig-timeline .main-svg")
    _page_structure(page)
    assert page.locator(".chart[role=figure][aria-label]").count() == 3
    assert _axe(page) == []
    page.set_viewport_size({"width": 320, "height": 800})
    page.wait_for_timeout(300)
    for table in page.locator("table").all():  # wide tables may scroll; nothing else may
        table.evaluate("t => t.style.display = 'none'")
    _no_sideways_scroll(page)


def test_binder_voila_route_fetches_nothing_from_outside(browser, tmp_path):
    """binder/postBuild's setup (install_server_config into the Jupyter config and data folders),
    then JupyterLab's server with Voila as its extension, as on Binder: /voila/render/dashboards/..."""
    config, data = tmp_path / "config", tmp_path / "data"
    install_server_config(config, data)
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "dashboards", root / "dashboards")
    with jupyter_server("lab", root, home=tmp_path / "home", config_dir=config, data_dir=data) as url:
        context = browser.new_context(viewport={"width": 1300, "height": 900})
        page = context.new_page()
        page.set_default_timeout(120_000)
        watch = PageWatch(page)
        page.goto(url + "voila/render/dashboards/readiness_dashboard.ipynb")
        page.wait_for_selector(".rw-banner-status")
        page.wait_for_selector(RADAR_PATH, state="attached")
        page.wait_for_timeout(1000)  # late requests (MathJax, fonts) would come now
        assert "from readiness_widgets" not in page.inner_text("body")  # sources stripped there too
        external = watch.external_requests(url)
        assert external == [], external
        assert watch.errors == [], watch.errors
        context.close()
