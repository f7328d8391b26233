"""The team's widgets on widget state, with no browser: the respondent's form and the facilitator's view.

Every change goes through what a browser would send (the ``frontend`` fixture: state updates and
button clicks on the comms), then the test looks at the files, the engine's result and the specs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("anywidget")

from readiness_widgets import load_bank
from readiness_widgets.bank import validate_bank
from readiness_widgets.cli import main
from readiness_widgets.errors import ReadinessError
from readiness_widgets.team import CONSENSUS, TeamFolder
from readiness_widgets.widgets import assess
from readiness_widgets.widgets.team import AGREED, CALM, OPEN, TeamDashboard, team_dashboard

MINI = Path(__file__).parent / "banks" / "mini.yaml"


def click(frontend, button) -> None:
    frontend.custom(button, {"event": "click"})


@pytest.fixture
def bank():
    """The mini bank, with gov.c asked of compliance only."""
    raw = load_bank(MINI).model_dump(by_alias=True)
    raw["questions"][2]["ask_roles"] = ["compliance"]
    return validate_bank(raw)


@pytest.fixture
def team_dir(tmp_path, bank):
    tf = TeamFolder.create(tmp_path / "team", "Churn", bank=bank, target="production")
    for name, role, answers in (
        ("Ana", "data_science", {"data.a": (4, "automated", "CI runs it nightly"), "data.b": (2, "manual", "")}),
        ("Ben", "platform", {"data.a": (1, "none", "never seen it run"), "data.b": (2, "manual", "")}),
        ("Cy", "compliance", {"data.a": (2, "manual", ""), "gov.c": ("dont_know", "none", "")}),
    ):
        a = tf.open_member(name, role)
        for qid, (value, evidence, notes) in answers.items():
            a.answer(qid, value, evidence=evidence, notes=notes)
        a.save()
    return tmp_path / "team"


@pytest.fixture
def view(frontend, team_dir, bank):
    views = []

    def make(**kw):
        v = TeamDashboard(team_dir, bank=bank, **kw)
        views.append(v)
        return v

    yield make
    for v in views:
        v.close_all()


# ---- the respondent's form ---------------------------------------------------------------------


def test_the_form_asks_who_you_are_once_and_writes_only_your_file(frontend, team_dir, bank):
    before = {p.name: p.read_bytes() for p in team_dir.glob("*.json")}
    app = assess(team_dir, respondent="Dee", role="product", bank=bank)
    try:
        assert app.assessment.path == team_dir / "dee.json"
        assert app.header.respondents.value == "Dee (product)"
        assert app.header.respondents.disabled
        assert app.header.pilot.disabled
        assert all(c.disabled for c in app.triage.controls.values())  # the team's triage
        app.build_all()
        assert not app.question("gov.c").visible  # asked of compliance only
        assert app.question("data.a").visible
        frontend.update(app.question("data.a").level, value=3)
        app.flush()
        doc = json.loads((team_dir / "dee.json").read_text())
        assert doc["respondent"] == {"name": "Dee", "role": "product"}
        assert doc["answers"]["data.a"]["value"] == 3
        assert {p.name: p.read_bytes() for p in team_dir.glob("*.json") if p.name != "dee.json"} == before
        assert "answered <b>1</b> of <b>2</b>" in app.header.progress_text.value  # data.a and data.b are hers
        assert assess(team_dir, respondent="dee", role="product", bank=bank) is app  # one form per person
    finally:
        app.close()


def test_the_form_refuses_to_open_someone_elses_file_in_another_role(frontend, team_dir, bank):
    with pytest.raises(ReadinessError, match="Ana answers as data_science, not platform"):
        assess(team_dir, respondent="Ana", role="platform", bank=bank)
    with pytest.raises(ReadinessError, match=r"assess\(FOLDER, respondent=NAME, role=ROLE\)"):
        assess(team_dir, bank=bank)


# ---- the facilitator's view ----------------------------------------------------------------------


def test_disagreements_come_first_with_every_answer_side_by_side(view):
    v = view(facilitator="Fay")
    labels = [label for label, _ in v.picker.options]
    assert labels[0].startswith(f"{OPEN} data.a: spread 3")
    assert labels[1].startswith(f"{CALM} data.b: spread 0")  # then the others, in bank order
    html = v.side_by_side.value
    for text in ("Ana", "level 4", "automated", "CI runs it nightly", "Ben", "level 1", "never seen it run", "Cy", "level 2"):
        assert text in html
    assert "Flagged: levels 1 to 4 differ by 3; evidence conflicts: a sign-off or a running check beside none" in html
    assert "<b>1</b> disagreement(s), <b>1</b> open" in v.summary.value
    assert "team of 3" in v.summary.value


def test_the_facilitator_records_the_agreed_level_with_a_reason(frontend, view, team_dir):
    v = view()
    frontend.update(v.facilitator, value="Fay")
    assert v.picker.value == "data.a"
    team_before = next(t for t in v.radar.figure["data"] if t["name"] == "Team (agreed)")["r"]
    frontend.update(v.level, index=[x for _, x in v.level.options].index(3))
    frontend.update(v.evidence, index=[x for _, x in v.evidence.options].index("automated"))
    frontend.update(v.reason, value="The nightly CI job proves it; Ben had not seen it")
    click(frontend, v.record)
    doc = json.loads((team_dir / CONSENSUS).read_text())
    agreed = doc["agreements"]["data.a"]
    assert (agreed["value"], agreed["evidence"], agreed["agreed_by"]) == (3, "automated", "Fay")
    assert agreed["reason"] == "The nightly CI job proves it; Ben had not seen it"
    assert agreed["agreed_at"]
    assert "Recorded: data.a agreed by Fay" in v.status.value
    # the view followed: the question is agreed, the team polygon moved, the report says so
    assert v.question.final == "level 3 (agreed)"
    assert any(label.startswith(f"{AGREED} data.a") for label, _ in v.picker.options)
    assert next(t for t in v.radar.figure["data"] if t["name"] == "Team (agreed)")["r"] != team_before
    assert "Agreed: <b>level 3 (agreed)</b> by Fay" in v.side_by_side.value
    assert v.result.scores.questions.at["data.a", "level"] == 3
    # withdrawn: the median applies again
    click(frontend, v.withdraw)
    assert "data.a" not in json.loads((team_dir / CONSENSUS).read_text()).get("agreements", {})
    assert v.question.agreed is None
    assert v.result.scores.questions.at["data.a", "level"] == 2


def test_an_agreement_needs_a_name_and_a_reason(frontend, view, team_dir):
    v = view(facilitator="")
    frontend.update(v.reason, value="because")
    click(frontend, v.record)
    assert "Not recorded: give the facilitator&#39;s name" in v.status.value
    frontend.update(v.facilitator, value="Fay")
    frontend.update(v.reason, value="   ")
    click(frontend, v.record)
    assert "Not recorded: give the reason" in v.status.value
    assert "agreements" not in json.loads((team_dir / CONSENSUS).read_text())


def test_an_agreement_recorded_elsewhere_meanwhile_is_not_overwritten(frontend, view, team_dir, bank, capsys):
    v = view(facilitator="Fay")
    code = main(["team", "agree", str(team_dir), "data.a", "1", "--reason", "from the CLI", "--by", "Gus", "--bank", str(MINI)])
    assert code == 0, capsys.readouterr()
    frontend.update(v.reason, value="mine")
    click(frontend, v.record)
    assert "changed on disk meanwhile: reloaded" in v.status.value
    doc = json.loads((team_dir / CONSENSUS).read_text())
    assert doc["agreements"]["data.a"]["agreed_by"] == "Gus"  # theirs kept
    assert v.question.agreed.agreed_by == "Gus"  # and shown


def test_reload_reads_new_answers(frontend, view, team_dir, bank):
    v = view(facilitator="Fay")
    ben = TeamFolder(team_dir, bank=bank).open_member("Ben", "platform")
    ben.answer("data.a", 4, evidence="automated")
    ben.save()
    click(frontend, v.reload)
    assert "Answers read again" in v.status.value
    assert v.picker.options[0][0].startswith(f"{OPEN} data.a: spread 2")  # 4, 4 and 2 now (was 4, 1, 2)
    assert "level 4" in v.side_by_side.value
    assert "level 1" not in v.side_by_side.value


def test_team_radar_switches_between_respondents_and_roles(view):
    v = view(facilitator="Fay")
    spec = v.radar.figure
    names = [t["name"] for t in spec["data"]]
    assert names[:2] == ["Target", "Team (agreed)"]
    assert {"Ana", "Ben", "Cy", "Data science", "Platform", "Compliance"} <= set(names)
    (menu,) = spec["layout"]["updatemenus"]
    respondents, roles = (b["args"][0]["visible"] for b in menu["buttons"])
    assert len(respondents) == len(roles) == len(names)
    assert [n for n, on in zip(names, respondents, strict=True) if on] == ["Target", "Team (agreed)", "Ana", "Ben", "Cy"]
    assert [n for n, on in zip(names, roles, strict=True) if on] == ["Target", "Team (agreed)", "Data science", "Platform", "Compliance"]
    heat = v.heatmap.figure["data"][0]
    assert heat["type"] == "heatmap"
    assert heat["x"] == ["Ana", "Ben", "Cy"]
    assert heat["y"][0] == "data.a"
    assert heat["text"][0] == ["4", "1", "2"]


def test_a_folder_that_is_not_a_team_is_one_line_on_the_page(frontend, tmp_path):
    page = team_dashboard(tmp_path)
    assert "empty folder" in page.value
    assert "Traceback" not in page.value
