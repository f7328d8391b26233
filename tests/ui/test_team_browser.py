"""The team dashboard in a real browser: disagreements first, the team radar and heatmap, and an
agreement recorded by clicking, served as ``readiness dashboard FOLDER --page team`` serves it."""

from __future__ import annotations

import json
import shutil

import pytest
from harness import BANNER, RADAR_PATH, voila

from readiness_widgets.demo import demo_team_folder

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def team_copy(tmp_path):
    folder = tmp_path / "team"
    shutil.copytree(demo_team_folder(), folder)
    return folder


def test_team_dashboard_shows_disagreements_radar_heatmap_and_records_an_agreement(page, team_copy, tmp_path, shots):
    with voila("team", team_copy, log_dir=tmp_path) as url:
        page.goto(url)
        page.wait_for_selector(BANNER)
        page.wait_for_selector(RADAR_PATH, state="attached")
        page.wait_for_selector(".js-plotly-plot .hm image, .js-plotly-plot .heatmaplayer image", state="attached")
        assert page.get_by_role("heading", name="What we disagree on").count() == 1
        assert "team of 4" in page.inner_text(".rw-meta")
        # disagreements first: the picker's first option is flagged and open
        select = page.get_by_label("Question")
        first = select.locator("option").first.inner_text().replace("\xa0", " ")  # ipywidgets uses nbsp
        assert first.startswith("\u2691 ")
        table = page.inner_text(".rw-side-by-side")
        for name in ("Amara Nwosu", "Jonas Weber", "Priya Raman", "Tom Becker"):
            assert name in table
        # the radar: target, the agreed polygon and one per respondent; a button switches to roles
        legend = page.locator(".js-plotly-plot .legend").first.text_content()
        assert "Team (agreed)" in legend
        assert "Priya Raman" in legend
        page.wait_for_timeout(300)
        page.screenshot(path=str(shots / "team-dashboard.png"), full_page=False)
        page.locator("h3", has_text="What we disagree on").evaluate("e => e.scrollIntoView()")
        page.wait_for_timeout(200)
        page.screenshot(path=str(shots / "team-facilitator.png"), full_page=False)
        page.locator(".js-plotly-plot .updatemenu-button", has_text="Each role").click()
        page.wait_for_function(
            "() => [...document.querySelectorAll('.js-plotly-plot .legend .traces')]"
            ".some(t => t.textContent.includes('Data science') && getComputedStyle(t).opacity === '1')"
        )
        # record the agreed level of the first open disagreement
        qid = first[2:].split(":")[0]  # the option shown: "⚑ QUESTION: spread ..."
        page.get_by_label("Facilitator").fill("Sam Ortiz")
        page.get_by_label("Reason").fill("Settled in the workshop: the platform team's evidence holds")
        page.get_by_label("Reason").press("Tab")  # the textarea syncs when it loses focus
        page.get_by_role("button", name="Record agreement").click()
        page.wait_for_selector(".rw-save-status:has-text('Recorded')")
        agreed = json.loads((team_copy / "consensus.json").read_text(encoding="utf-8"))["agreements"][qid]
        assert agreed["agreed_by"] == "Sam Ortiz"
        assert agreed["reason"] == "Settled in the workshop: the platform team's evidence holds"
        page.wait_for_function(
            "(qid) => [...document.querySelectorAll('select option')]"
            ".some(o => o.textContent.replace(/\\u00a0/g, ' ').startsWith('\u2713 ' + qid))",
            arg=qid,
        )
        assert page.watch.errors == [], page.watch.errors
        assert page.watch.external_requests(url) == []
