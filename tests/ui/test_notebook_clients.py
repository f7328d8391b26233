"""The form in the real clients: JupyterLab 4 and Notebook 7, each started on 127.0.0.1 with
temporary config, data, runtime, settings and workspace folders, opening a notebook that calls
``assess()``, running it as a user would, then looking, pressing keys and clicking.

Checked in each client: the form and its radar show, and the radar's drawn SVG lies inside the
visible notebook area at 1400 px and 900 px wide (in JupyterLab also with the file browser
closed); at 1400 px the results sit beside the questions and stay in view while the notebook
scrolls (a sticky column), at 900 px below them with a link to them; ArrowDown on a focused level
changes the answer and the file follows; ``d`` ``d`` on a focused level leaves the cell in place;
a click on a level redraws the radar; no console error, and nothing requested from outside the
machine. Screenshots at both widths go to ``docs/images/`` (shown in the README).
"""

from __future__ import annotations

import json
import time

import pytest
from harness import PageWatch, jupyter_server, notebook_url, run_first_cell, write_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FORM_CELL = "import readiness_widgets as rw\n\napp = rw.assess('form.json')\napp"
RADAR_SVG = ".rw-app .rw-results .js-plotly-plot .main-svg"
CURRENT_PATH = ".rw-app .js-plotly-plot .scatterlayer .trace:last-child path.js-line"
SCROLLER = ".jp-WindowedPanel-outer"  # the notebook's scrolling area, in both clients
SHOT_NAMES = {"lab": "form-jupyterlab", "notebook": "form-notebook7"}
# Notebook 7.6's own shortcut-settings plugin throws this when another plugin's settings load
# (notebook_core.js, pluginChanged); it happens without our form as well and is not ours.
NOT_OURS = ("reading 'schema') [['    at http://127.0.0.1:",)


def _ours(errors: list[str]) -> list[str]:
    """Console errors and uncaught exceptions, less the client's own known ones."""
    return [e for e in errors if not any(marker in e and "/static/notebook/notebook_core." in e for marker in NOT_OURS)]


@pytest.fixture(scope="module", params=["lab", "notebook"])
def client(request, tmp_path_factory):
    """(client name, base URL, served folder) for a server started for this module."""
    root = tmp_path_factory.mktemp(f"{request.param}-root")
    write_notebook(root / "form.ipynb", FORM_CELL)
    with jupyter_server(request.param, root, home=tmp_path_factory.mktemp(f"{request.param}-home")) as url:
        yield request.param, url, root


def _rect(page, selector: str) -> dict:
    return page.eval_on_selector(selector, "e => { const r = e.getBoundingClientRect(); "
                                           "return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; }")


def _settled(page) -> None:
    """Wait until the radar has been redrawn at its container's width (a resize is observed)."""
    page.wait_for_function(
        """(sel) => { const s = document.querySelector(sel); const v = s && s.closest('.rw-plotly-view');
                     return s && v && Math.abs(s.getBoundingClientRect().width - v.clientWidth) <= 2; }""",
        arg=RADAR_SVG,
    )


def _assert_radar_fits(page, label: str) -> None:
    """The radar's drawn SVG lies inside the notebook's visible area (not just inside an output
    area that itself overflows it), once scrolled into view."""
    _settled(page)
    page.locator(RADAR_SVG).first.scroll_into_view_if_needed()
    svg, area = _rect(page, RADAR_SVG), _rect(page, SCROLLER)
    view = _rect(page, ".rw-app .rw-results .rw-plotly-view")
    for outer in (area, view):
        assert _inside(svg, outer, ("left", "right")), (label, svg, outer)
    assert _inside(svg, area, ("top", "bottom")), (label, svg, area)


def _inside(inner: dict, outer: dict, sides: tuple[str, str]) -> bool:
    low, high = sides
    return outer[low] - 1 <= inner[low] and inner[high] <= outer[high] + 1


def _side_by_side(page) -> bool:
    main, results = _rect(page, ".rw-app .rw-main"), _rect(page, ".rw-app .rw-results")
    return results["left"] >= main["right"] - 1


def _answers(root) -> dict:
    return json.loads((root / "form.json").read_text(encoding="utf-8"))["answers"]


def _wait_for_file(root, check, timeout: float = 15.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:  # autosave is debounced (0.5 s)
        answers = _answers(root)
        if check(answers) or time.monotonic() > deadline:
            return answers
        time.sleep(0.2)


def test_the_form_in_a_real_client(client, browser, shots):
    name, url, root = client
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(120_000)
    watch = PageWatch(page)
    page.goto(notebook_url(name, url, "form.ipynb"))
    run_first_cell(page)
    page.wait_for_selector(RADAR_SVG)
    page.wait_for_selector(".rw-app .rw-save-status")

    # ---- layout: fits at 1400 and 900 px; beside and sticky when wide, below when narrow ------
    _assert_radar_fits(page, f"{name} 1400")
    assert _side_by_side(page)
    page.screenshot(path=str(shots / f"{SHOT_NAMES[name]}-1400.png"))
    if name == "lab":  # close the file browser: the notebook widens, the radar must follow
        page.locator(".jp-SideBar .lm-TabBar-tab[data-id='filebrowser']").click()
        page.wait_for_function("() => !document.querySelector('#filebrowser:not(.lm-mod-hidden)')")
        _assert_radar_fits(page, "lab 1400 without the file browser")
        page.locator(".jp-SideBar .lm-TabBar-tab[data-id='filebrowser']").click()
    page.set_viewport_size({"width": 900, "height": 900})
    _assert_radar_fits(page, f"{name} 900")
    assert not _side_by_side(page)
    assert page.locator(".rw-app .rw-to-results a").is_visible()
    page.locator(".rw-app").first.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / f"{SHOT_NAMES[name]}-900.png"))
    page.set_viewport_size({"width": 1400, "height": 900})
    _settled(page)

    # ---- the keyboard: arrows answer, d d does nothing to the notebook ---------------------------
    cells = page.locator(".jp-Notebook .jp-Cell").count()
    page.get_by_role("tab", name="Data readiness").click()
    group = page.locator(".rw-level [role=radiogroup]").first
    group.locator("input").first.wait_for()
    assert group.get_attribute("aria-label")  # named by its question
    group.locator("input").first.focus()
    page.keyboard.press("ArrowDown")
    assert group.locator("input").nth(1).is_checked()
    assert page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") == "solid"  # focus shows
    answers = _wait_for_file(root, lambda a: a)
    assert [a["value"] for a in answers.values()] == [1]
    page.keyboard.press("d")
    page.keyboard.press("d")
    page.wait_for_timeout(300)
    assert page.locator(".jp-Notebook .jp-Cell").count() == cells
    assert page.locator(".rw-app").count() == 1
    assert group.locator("input").nth(1).is_checked()

    # ---- a click redraws the radar; the results stayed in view (sticky) -------------------------
    before = page.get_attribute(CURRENT_PATH, "d")
    second = page.locator(".rw-level [role=radiogroup]").nth(1)
    second.locator(".rw-option").nth(3).click()
    page.wait_for_function(
        "([sel, before]) => document.querySelector(sel)?.getAttribute('d') !== before", arg=[CURRENT_PATH, before]
    )
    assert _wait_for_file(root, lambda a: len(a) == 2).__len__() == 2
    radar, area = _rect(page, RADAR_SVG), _rect(page, SCROLLER)
    assert area["top"] - 1 <= radar["top"] < area["bottom"], "the radar scrolled out of view"

    assert _ours(watch.errors) == [], watch.errors
    assert watch.external_requests(url) == []
    context.close()
