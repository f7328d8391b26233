"""The Voila pages in a real browser: render, pick, click, and nothing unsafe or external.

Debian's Chromium (headless) driven by Playwright, against Voila started on 127.0.0.1 exactly as
``readiness dashboard`` starts it (our voila.json, our template, preheated dashboard kernels).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from harness import (
    BANNER,
    HOSTILE_NOTES,
    HOSTILE_PILOT,
    RADAR_PATH,
    SCRIPT,
    hostile_assessment,
    read_json,
    voila,
)

from readiness_widgets import Assessment

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CURRENT_PATH = ".js-plotly-plot .scatterlayer .trace:last-child path.js-line"
SOURCE_MARKERS = ("from readiness_widgets", "import ", "dashboard()", "assess(form_path())")


def _open(page, url):
    page.goto(url)
    page.wait_for_selector(BANNER)
    page.wait_for_selector(RADAR_PATH, state="attached")
    return page


def _no_source(page):
    text = page.inner_text("body")
    for marker in SOURCE_MARKERS:
        assert marker not in text, f"notebook source shows in the page: {marker!r}"
    assert page.locator(".jp-CodeCell .jp-InputArea, .jp-CodeMirrorEditor, .cm-editor").count() == 0


def _clean(page, url):
    assert page.watch.errors == [], page.watch.errors
    assert page.watch.external_requests(url) == []


def test_dashboard_renders_verdict_and_radar_for_the_demo(page, dashboard_url, demo_copy, shots):
    _open(page, dashboard_url)
    expected = Assessment.load(demo_copy / "churn-predictor-2026-11.json").evaluate().verdict.label
    assert page.inner_text(BANNER) == expected
    assert "Customer churn predictor" in page.inner_text(".rw-meta")
    # radar: target, previous (the churn pilot has an earlier assessment) and current polygons
    assert page.locator(".js-plotly-plot .scatterlayer .trace").count() >= 3
    assert "Compared with the previous assessment" in page.inner_text(".rw-meta")
    for heading in ("Dimension scores", "Largest gaps", "Roadmap", "Evidence and notes"):
        assert page.get_by_role("heading", name=heading).count() == 1
    assert "Governance & compliance" in page.inner_text(".rw-dashboard")
    assert page.locator(".rw-evidence tbody tr").count() > 10
    page.wait_for_timeout(500)
    page.screenshot(path=str(shots / "dashboard.png"), full_page=False)
    _no_source(page)
    _clean(page, dashboard_url)


def test_choosing_another_assessment_updates_the_page(page, dashboard_url):
    _open(page, dashboard_url)
    before_path = page.get_attribute(CURRENT_PATH, "d")
    before_table = page.inner_text(".rw-dashboard table.rw-table")
    select = page.get_by_label("Assessment")
    options = [o.replace("\xa0", " ") for o in select.locator("option").all_inner_texts()]  # ipywidgets uses nbsp
    select.select_option(index=next(i for i, o in enumerate(options) if o.startswith("Support reply assistant")))
    page.wait_for_function(
        "() => document.querySelector('.rw-meta .rw-pilot')?.textContent === 'Support reply assistant'"
    )
    page.wait_for_function(
        "([sel, before]) => { const p = document.querySelector(sel); return p && p.getAttribute('d') !== before; }",
        arg=[CURRENT_PATH, before_path],
    )
    # the kernel sends each part's new state in turn: wait for the table too, do not race it
    page.wait_for_function(
        "([sel, before]) => document.querySelector(sel)?.innerText !== before",
        arg=[".rw-dashboard table.rw-table", before_table],
    )
    assert "Compared with the previous assessment" not in page.inner_text(".rw-meta")  # no history for it
    _clean(page, dashboard_url)


def test_download_buttons_give_the_reports(page, dashboard_url):
    _open(page, dashboard_url)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the report as Markdown, for a pull request or a wiki").click()
    download = info.value
    assert download.suggested_filename.endswith(".md")
    assert "Customer churn predictor" in Path(download.path()).read_text(encoding="utf-8")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the dimension scores as CSV").click()
    assert Path(info.value.path()).read_text(encoding="utf-8").startswith("dimension,")
    _clean(page, dashboard_url)


def test_self_assessment_click_changes_radar_and_file(page, form_server, shots):
    url, path = form_server()
    page.goto(url)
    page.wait_for_selector(".rw-app .js-plotly-plot .main-svg")
    assert read_json(path)["answers"] == {}  # created on open, nothing answered yet
    # nothing answered: no "current" polygon at all (no data is not a score of 0)
    assert page.locator(CURRENT_PATH).count() == 0
    page.get_by_role("tab").nth(1).click()  # the first dimension
    first = page.locator(".rw-question").first
    first.wait_for()
    first.locator(".rw-level input[type=radio]").nth(4).check()  # level 4
    page.wait_for_selector(CURRENT_PATH, state="attached")  # the first score draws the polygon
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:  # autosave is debounced (0.5 s)
        answers = read_json(path)["answers"]
        if answers:
            break
        time.sleep(0.2)
    assert [a["value"] for a in answers.values()] == [4]
    page.wait_for_selector(".rw-save-status:has-text('saved')")
    page.screenshot(path=str(shots / "self-assessment.png"), full_page=False)
    _no_source(page)
    _clean(page, url)


def test_hostile_text_shows_as_text_on_both_pages(page, tmp_path, form_server):
    hostile_assessment(tmp_path / "hostile.json")
    with voila("dashboard", tmp_path, log_dir=tmp_path) as url:
        _open(page, url)
        page.wait_for_timeout(500)
        assert page.evaluate("() => window.__pwned") is None
        assert HOSTILE_PILOT in page.inner_text(".rw-meta")
        assert SCRIPT in page.inner_text(".rw-evidence")
        assert page.locator("[onerror], img[src='x']").count() == 0  # the payload never became an element
        _clean(page, url)
    url, _ = form_server("hostile.json")
    page.goto(url)
    page.wait_for_selector(CURRENT_PATH, state="attached")
    page.get_by_role("tab", name="Review").click()
    page.wait_for_selector(".rw-review td")
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.__pwned") is None
    assert HOSTILE_NOTES.split(" and ")[0] in page.inner_text(".rw-review")
    assert page.get_by_role("textbox", name="Pilot", exact=True).input_value() == HOSTILE_PILOT
    assert page.locator("[onerror], img[src='x']").count() == 0


def test_bad_files_and_paths_outside_the_folder(page, tmp_path, demo_copy):
    for f in demo_copy.glob("*.json"):
        (tmp_path / f.name).write_bytes(f.read_bytes())
    (tmp_path / "broken.json").write_text('{"schema_version": 2, "pilot": ', encoding="utf-8")
    with voila("dashboard", tmp_path, log_dir=tmp_path) as url:
        _open(page, url)
        unreadable = page.inner_text(".rw-unreadable")
        assert "broken.json" in unreadable
        assert "not valid JSON" in unreadable
        assert page.get_by_label("Assessment").locator("option").count() == 3  # the others still load
        page.goto(url + "?file=..%2F..%2Fetc%2Fpasswd.json")
        page.wait_for_selector(".rw-notice")
        assert "refused" in page.inner_text(".rw-notice")
        assert "Customer churn predictor" in page.inner_text(".rw-meta")  # the default is shown instead
        page.goto(url + "?file=support-reply-assistant.json")
        page.wait_for_function("() => document.querySelector('.rw-meta .rw-pilot')?.textContent === 'Support reply assistant'")
        # the assessments themselves are not served as files
        response = page.request.get(url + "voila/files/support-reply-assistant.json")
        assert response.status == 403  # Voila's file handler refuses it (denylist), not an unknown route
        assert "schema_version" not in response.text()
