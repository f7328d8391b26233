"""The portfolio page of a shared store, in a real browser, served by the real command:
``readiness demo --portfolio -o sqlite:///...`` writes the store, ``readiness dashboard --store URL
--page portfolio`` serves it, ``readiness store list`` is what the funnel must agree with.

Debian's Chromium (headless) driven by Playwright.
"""

from __future__ import annotations

import json
import subprocess
import sys
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from harness import BANNER, HOSTILE_PILOT, IMG, SCRIPT, readiness_dashboard
from test_portfolio_browser import ROWS, STATUSES, SUMMARY, _clean, _open, funnel_counts, open_row

from readiness_widgets import Assessment
from readiness_widgets.demo import demo_assessment
from readiness_widgets.store import open_store

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HOSTILE_KEY = "x.--_.1"  # the oddest key a store accepts: dots, dashes, underscores


def readiness(*args: str) -> str:
    """Run the real command line; its standard output."""
    run = subprocess.run([sys.executable, "-m", "readiness_widgets.cli", *args], capture_output=True, text=True, check=True)
    return run.stdout


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The demo portfolio as real revisions in SQLite, plus a pilot with a hostile name (2 revisions)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('store')}/portfolio.db"
    assert readiness("demo", "--portfolio", "-o", url).startswith("wrote 33 revisions of 12 pilots")
    with open_store(url) as s:
        a = demo_assessment(pilot=HOSTILE_PILOT)
        a.business_unit, a.owner = f"Unit {IMG}", f"Owner {SCRIPT}"
        s.bind(a, HOSTILE_KEY, source="cli").save()
        q = next(q for q in a.bank.questions if a.value(q.id) not in (None, "na"))
        a.answer(q.id, 4, evidence="manual")
        a.save()
    return url


@pytest.fixture(scope="module")
def served(store, tmp_path_factory):
    with readiness_dashboard("--store", store, "--page", "portfolio", log_dir=tmp_path_factory.mktemp("logs")) as url:
        yield url


def test_the_funnel_counts_match_readiness_store_list(page, served, store):
    _open(page, served)
    shown = funnel_counts(page)
    listed = json.loads(readiness("store", "list", "--store", store, "--format", "json"))
    assert len(listed) == 13
    assert shown == {s: sum(r["verdict"] == s for r in listed) for s in STATUSES}
    # and the text format, as a person reads it: one line per pilot, the verdict in the fourth column
    lines = readiness("store", "list", "--store", store).splitlines()
    assert len(lines) == 13
    verdicts = [line.split()[5] for line in lines]  # key, rev, N, date, time, verdict, name
    assert shown == {s: verdicts.count(s) for s in STATUSES}
    assert page.locator(SUMMARY).get_attribute("data-total") == "13"
    assert store in page.inner_text(".rw-portfolio")  # the page names the store it shows (a URL without password)
    assert "from readiness_widgets" not in page.inner_text("body")  # sources stripped
    _clean(page, served)


def test_a_click_on_a_row_opens_that_pilot_of_the_store(page, served, store):
    _open(page, served)
    row = page.locator(ROWS).nth(3)
    name = row.locator("th[scope=row]").inner_text()
    with open_store(store) as s:
        key = next(r.pilot for r in s.pilots() if r.name == name)
        head = s.load(key)
    pilot = open_row(page, row)
    assert parse_qs(urlparse(pilot.url).query) == {"pilot": [key]}
    assert pilot.inner_text(BANNER) == Assessment.from_dict(head.to_dict()).evaluate().verdict.label
    options = pilot.get_by_label("Assessment").locator("option").all_inner_texts()
    assert len(options) == 1  # that pilot alone, at its latest revision
    assert options[0].replace("\xa0", " ").startswith(name)
    assert pilot.locator("a.rw-back").count() == 1
    pilot.close()
    _clean(page, served)


def test_hostile_names_and_keys_stay_text(page, served):
    _open(page, served)
    page.wait_for_selector(".rw-portfolio .js-plotly-plot .scatterlayer .trace", state="attached")
    page.get_by_role("button", name="Sort by Pilot").click()
    page.wait_for_function("(n) => [...document.querySelectorAll('.rw-heatmap-row th')].some((e) => e.textContent === n)",
                           arg=HOSTILE_PILOT)
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("[onerror], img[src='x']").count() == 0
    options = page.get_by_label("Business unit").locator("option").all_inner_texts()
    assert f"Unit {IMG}" in [o.replace("\xa0", " ") for o in options]
    with page.context.expect_page() as opened:
        page.locator(ROWS).filter(has_text="Pilot <script>").locator("td").first.click()
    pilot = opened.value
    pilot.wait_for_selector(BANNER, timeout=90_000)
    assert parse_qs(urlparse(pilot.url).query) == {"pilot": [HOSTILE_KEY]}
    assert HOSTILE_PILOT in pilot.inner_text(".rw-meta")
    assert pilot.evaluate("() => window.__pwned") is None
    pilot.close()
    # a key the store does not hold, or that no store could hold, is a notice, as text
    for junk in (f"{SCRIPT}", "../../etc/passwd", "no-such-pilot"):
        page.goto(served + "?" + urlencode({"pilot": junk}))
        page.wait_for_selector(".rw-portfolio a.rw-back")
        assert "no pilot of the portfolio is saved under that name" in page.inner_text(".rw-portfolio")
        assert page.evaluate("() => window.__pwned") is None
        assert page.locator("[onerror], img[src='x']").count() == 0
    _clean(page, served)
