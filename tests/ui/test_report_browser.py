"""The standalone HTML report in Chromium: drawn, offline, hostile text inert, printable."""

from __future__ import annotations

import pytest
from harness import HOSTILE_PILOT, SCRIPT, hostile_assessment

from readiness_widgets.assessment import Assessment
from readiness_widgets.report import write_report
from readiness_widgets.result import evaluate

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_report_renders_offline_with_no_errors(page, tmp_path, shots):
    saved = hostile_assessment(tmp_path / "hostile.json")
    out = write_report(evaluate(Assessment.load(saved)), tmp_path / "report.html")
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(out.as_uri())
    page.wait_for_selector("#fig-timeline .main-svg")
    drawn = page.eval_on_selector_all(".chart", "els => els.map(e => !!e.querySelector('.main-svg'))")
    assert drawn == [True, True, True]
    assert page.evaluate("() => window.__pwned") is None
    assert dialogs == []
    assert HOSTILE_PILOT in page.inner_text("body")
    assert SCRIPT in page.inner_text("body")
    assert page.locator("[onerror], img[src='x']").count() == 0
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    printed = page.eval_on_selector_all(".chart .main-svg:first-of-type", "els => els.map(e => +e.getAttribute('width'))")
    assert printed
    assert max(printed) <= 680  # fits an A4 page
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    page.screenshot(path=str(shots / "report.png"))
    assert page.watch.errors == []
    assert [u for u in page.watch.requests if not u.startswith(("file:", "data:", "blob:"))] == []
