"""The "Scan repository" control, tested on widget state (no browser)."""

from __future__ import annotations

from pathlib import Path

import pytest

from readiness_widgets import Assessment, load_bank

pytest.importorskip("ipywidgets")

from readiness_widgets.widgets.scan import ScanPanel

BANK = """
id: widget-scan
version: "1"
title: Widget scan bank
dimensions:
  - {id: infrastructure, title: Infrastructure, description: d}
targets:
  - {id: production, title: Production, levels: {infrastructure: 3}}
questions:
  - id: infrastructure.ci
    dimension: infrastructure
    text: Is there CI?
    levels: {0: a, 1: b, 2: c, 3: d, 4: e}
    suggest: [{signal: ci.present, level: 1}, {signal: ci.runs_tests, level: 3, automated: true}]
  - id: infrastructure.tests
    dimension: infrastructure
    text: Are there tests?
    levels: {0: a, 1: b, 2: c, 3: d, 4: e}
    suggest: [{signal: tests.present, level: 2}]
  - id: infrastructure.docs
    dimension: infrastructure
    text: Is there a runbook?
    levels: {0: a, 1: b, 2: c, 3: d, 4: e}
    suggest: [{signal: docs.runbook, level: 2}]
"""


@pytest.fixture
def world(tmp_path):
    repo = tmp_path / "repo"
    for rel, text in {
        ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    steps:\n      - run: pytest\n",
        "tests/test_x.py": "def test_x():\n    assert 1 + 1 == 2\n",
        "docs/<img src=x onerror=alert(1)>runbook.md": "# Runbook\n\nRestart the service, then check the error rate and page the owner.\n",
    }.items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    bank_file = tmp_path / "bank.yaml"
    bank_file.write_text(BANK, encoding="utf-8")
    a = Assessment.new("Pilot", bank=load_bank(bank_file))
    a.answer("infrastructure.tests", 1)
    return repo, a


def test_scan_button_shows_suggestions_and_accept_all(world):
    repo, a = world
    changed = []
    panel = ScanPanel(a, on_change=changed.append)
    slot = panel.slot("infrastructure.ci")
    assert slot.children == ()
    panel.path.value = str(repo)
    panel.button.click()
    assert panel.result is not None
    assert set(panel.result.suggestions) == {
        "infrastructure.ci", "infrastructure.tests", "infrastructure.docs"}
    assert "Scanned" in panel.status.value
    assert len(slot.children) == 1  # the per-question slot filled in
    row = slot.children[0].children[0].value
    assert "Suggested level 3" in row
    assert "Why: level 3: CI job `t` (GitHub Actions) runs `pytest` on push" in row
    assert "high confidence" in row
    docs = panel.slot("infrastructure.docs").children[0].children[0].value
    assert "confirm: the evidence shows it exists" in docs
    # Accept all fills only unanswered questions with high-confidence suggestions
    assert panel.accept_all_button.description == "Accept all high-confidence (1)"
    assert not panel.accept_all_button.disabled
    panel.accept_all_button.click()
    assert a.value("infrastructure.ci") == 3
    assert a.answers["infrastructure.ci"].evidence == "automated"
    assert a.value("infrastructure.docs") is None  # medium confidence: left for a person to accept
    assert a.value("infrastructure.tests") == 1  # answered: never overwritten
    assert changed == [["infrastructure.ci"]]
    assert panel.accept_all_button.disabled
    assert "already answered" in panel.status.value
    assert "left for you to confirm" in panel.status.value


def test_accept_one_question(world):
    repo, a = world
    panel = ScanPanel(a, path=str(repo))
    panel.scan()
    slot = panel.slot("infrastructure.docs")
    accept = slot.children[0].children[1]
    assert accept.description == "Accept"
    assert not accept.disabled
    accept.click()  # one Accept applies whatever the confidence: a person chose it
    assert a.value("infrastructure.docs") == 2
    assert a.value("infrastructure.ci") is None
    assert panel.slot("infrastructure.docs").children[0].children[1].disabled  # now answered
    answered = panel.slot("infrastructure.tests").children[0]
    assert answered.children[1].disabled
    assert "the answer is kept" in answered.children[0].value


def test_untrusted_paths_are_escaped(world):
    repo, a = world
    panel = ScanPanel(a, path=str(repo))
    panel.scan()
    html_text = panel.slot("infrastructure.docs").children[0].children[0].value
    assert "<img" not in html_text
    assert "&lt;img src=x onerror=alert(1)&gt;" in html_text


def test_bad_folder_is_reported_not_raised(world, tmp_path):
    _, a = world
    panel = ScanPanel(a, path=str(tmp_path / "missing"))
    assert panel.scan() is None
    assert "Cannot scan" in panel.status.value
    assert "no such folder" in panel.status.value
    assert not panel.button.disabled
    panel.path.value = "  "
    panel.button.click()
    assert "Enter the folder" in panel.status.value
    assert panel.accept_all().applied == []


def test_panel_is_a_widget_tree():
    import ipywidgets as w

    bank = load_bank(Path(__file__).parent / "banks" / "mini.yaml")
    panel = ScanPanel(Assessment.new("x", bank=bank))
    assert isinstance(panel.widget, w.VBox)
    state = panel.widget.get_state()
    assert state["_dom_classes"] == ("rw-scan-panel",) or list(state["_dom_classes"]) == ["rw-scan-panel"]
