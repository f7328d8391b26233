"""Roadmap: deliverables biggest weighted gap first, go/no-go criteria, durations, Markdown.

Numbers on tests/banks/mini.yaml (evidence credit none 0.5, manual 0.75; two parallel streams):
data.a level 1, no evidence -> 0.5, gap 2.5, weight 1 -> 2.5 (Do A: phase 1, 2 weeks)
data.b level 2, no evidence -> 1.0, gap 2.0, weight 3 -> 6.0 (Do B: phase 2, 4 weeks)
gov.c  level 1, manual -> 0.5 * 0.75 = 0.375, gap 1.625 (Do C1: phase 1, 1 week; Do C3: phase 3, 3 weeks)
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from readiness_widgets import Assessment
from readiness_widgets.errors import UnknownIdError
from readiness_widgets.report import render_roadmap_markdown
from readiness_widgets.roadmap import build_roadmap, requirement


def assess(bank, answers, **kw):
    a = Assessment.new(kw.pop("pilot", "Pilot"), bank=bank, **kw)
    for qid, (value, evidence) in answers.items():
        a.answer(qid, value, evidence=evidence)
    return a


@pytest.fixture
def gappy(mini_bank):
    return assess(mini_bank, {"data.a": (1, "none"), "data.b": (2, "none"), "gov.c": (1, "manual")})


def test_deliverables_biggest_weighted_gap_first(gappy):
    road = gappy.roadmap()
    frame = road.frame
    assert list(frame["deliverable"]) == ["Do A", "Do C1", "Do B", "Do C3"]
    assert list(frame["phase"]) == [1, 1, 2, 3]
    assert list(frame["question"]) == ["data.a", "gov.c", "data.b", "gov.c"]
    assert list(frame["weighted_gap"]) == pytest.approx([2.5, 1.625, 6.0, 1.625])
    assert list(frame["current"]) == [1, 1, 2, 1]
    assert list(road.phase(1).deliverables["deliverable"]) == ["Do A", "Do C1"]


def test_within_a_phase_the_bigger_weighted_gap_leads(mini_bank):
    # gov.c (dont_know: gap 2) now beats data.a (level 3, none: 1.5 -> gap 1.5)
    a = assess(mini_bank, {"data.a": (3, "none"), "gov.c": ("dont_know", "none")})
    assert list(a.roadmap().phase(1).deliverables["deliverable"]) == ["Do C1", "Do A"]


def test_durations_and_start_weeks(gappy):
    road = gappy.roadmap()
    # phase 1: 3 weeks of effort on 2 streams, but Do A alone takes 2 -> 2; phase 2: 4; phase 3: 3
    assert [p.weeks for p in road.phases] == [2, 4, 3]
    assert [p.start_week for p in road.phases] == [0, 2, 6]
    assert [p.end_week for p in road.phases] == [2, 6, 9]
    assert road.total_weeks == 9
    assert road.total_months == pytest.approx(9 / 4.345, abs=0.05)
    summary = road.summary_frame()
    assert list(summary.index) == [1, 2, 3]
    assert list(summary["deliverables"]) == [2, 1, 1]
    assert list(summary["criteria"]) == [1, 1, 1]


def test_go_no_go_criteria(gappy):
    road = gappy.roadmap()
    [c1] = road.phase(1).criteria
    [c2] = road.phase(2).criteria
    [c3] = road.phase(3).criteria  # gov.c's criterion sits in its last phase
    assert (c1.question_id, c1.required_level, c1.required_evidence, c1.met) == ("data.a", 3, "automated", False)
    assert (c2.question_id, c2.required_level, c2.required_evidence) == ("data.b", 3, "automated")
    # gov.c's own scores: level 3 scores 3; with manual evidence 2.25 >= target 2
    assert (c3.question_id, c3.required_level, c3.required_evidence) == ("gov.c", 3, "manual")
    assert c1.describe() == "data.a reaches level 3 with automated evidence (now level 1, none evidence)"
    assert not any(p.passed for p in road.phases)
    frame = road.criteria_frame()
    assert list(frame["question"]) == ["data.a", "data.b", "gov.c"]
    assert list(frame["phase"]) == [1, 2, 3]


@pytest.mark.parametrize(
    ("target", "expected"),
    [(0, (0, "none")), (0.5, (1, "none")), (1.5, (2, "manual")), (2.0, (2, "automated")), (3, (3, "automated")), (4, (4, "automated")), (9, (4, "automated"))],
)
def test_requirement_is_the_lowest_level_then_the_weakest_evidence(target, expected):
    assert requirement([0, 1, 2, 3, 4], {"none": 0.5, "manual": 0.75, "automated": 1.0}, target) == expected


def test_dont_know_gets_deliverables_and_a_criterion(mini_bank):
    road = assess(mini_bank, {"data.b": ("dont_know", "none")}).roadmap()
    assert list(road.frame["deliverable"]) == ["Do B"]
    [c] = road.phase(2).criteria
    assert c.current_level is None
    assert "now don't know" in c.describe()
    assert "(now don't know)" in render_roadmap_markdown(road)


def test_unanswered_and_na_questions_are_not_planned(mini_bank):
    road = assess(mini_bank, {"data.b": ("na", "none"), "gov.c": (4, "automated")}, triage={"risk": "high"}).roadmap()
    assert road.frame.empty  # data.a and gov.d unanswered, data.b N/A, gov.c met
    assert road.total_weeks == 0


def test_phases_with_no_gaps_say_so(mini_bank):
    a = assess(mini_bank, {"data.a": (2, "none"), "data.b": (4, "automated"), "gov.c": (4, "automated")})
    road = a.roadmap()  # only data.a (1.0 < 3) has a gap: Do A in phase 1
    assert [p.has_gaps for p in road.phases] == [True, False, False]
    assert [p.weeks for p in road.phases] == [2, 0, 0]
    md = render_roadmap_markdown(road)
    assert md.count("No gaps in this phase.") == 2
    assert "## Phase 1: Data pipeline hardening and monitoring" in md
    assert "Weeks 0 to 2 (2 weeks)." in md


def test_no_gaps_at_all(mini_bank):
    a = assess(mini_bank, {"data.a": (4, "automated"), "data.b": (4, "automated"), "gov.c": (4, "automated")})
    road = a.roadmap("pilot")
    assert road.total_weeks == 0
    assert road.frame.empty
    assert list(road.frame.columns)[:4] == ["phase", "question", "dimension", "deliverable"]
    assert road.criteria_frame().empty
    md = render_roadmap_markdown(road)
    assert "No gaps to close" in md
    assert md.count("No gaps in this phase.") == 3


def test_markdown(gappy):
    md = render_roadmap_markdown(gappy.roadmap())
    assert md.startswith("# Roadmap: Pilot to production\n")
    assert "Estimated duration: **9 weeks**" in md
    assert "| 1 | Do A | `data.a` | 2 | 2.50 |" in md
    assert "| 2 | Do C1 | `gov.c` | 1 | 1.62 |" in md
    assert "- [ ] `data.a` reaches level 3 with automated evidence (now level 1, none): Question A?" in md
    assert md.index("## Phase 1") < md.index("## Phase 2") < md.index("## Phase 3")


def test_markdown_escapes_user_text(mini_bank):
    a = assess(mini_bank, {"data.a": (1, "none")}, pilot="<script>alert(1)</script> | *bold*")
    md = render_roadmap_markdown(a.roadmap())
    assert "<script>" not in md
    assert r"\<script\>alert(1)\</script\> \| \*bold\*" in md


def test_to_dict_is_json(gappy):
    d = gappy.roadmap().to_dict()
    text = json.dumps(d)  # no numpy scalars left
    assert json.loads(text)["total_weeks"] == 9
    assert [p["phase"] for p in d["phases"]] == [1, 2, 3]
    assert d["phases"][0]["go_no_go"][0] == {
        "question": "data.a",
        "required_level": 3,
        "required_evidence": "automated",
        "current_level": 1,
        "current_evidence": "none",
        "met": False,
    }


def test_deterministic_whatever_the_answer_order(mini_bank):
    answers = {"data.a": (1, "none"), "data.b": (2, "none"), "gov.c": (1, "manual")}
    forward = assess(mini_bank, answers).roadmap()
    backward = assess(mini_bank, dict(reversed(answers.items()))).roadmap()
    pd.testing.assert_frame_equal(forward.frame, backward.frame)
    assert render_roadmap_markdown(forward) == render_roadmap_markdown(backward)


def test_target_changes_the_plan(gappy):
    assert gappy.roadmap("pilot").total_weeks < gappy.roadmap("production").total_weeks


def test_unknown_phase(gappy):
    with pytest.raises(UnknownIdError, match="no phase 4"):
        gappy.roadmap().phase(4)


def test_build_roadmap_from_scores(gappy):
    assert build_roadmap(gappy.evaluate().scores).total_weeks == gappy.roadmap().total_weeks


def test_demo_roadmap_takes_three_to_six_months(demo):
    road = demo.roadmap()
    assert 12 <= road.total_weeks <= 27, road.summary_frame()
    assert all(p.has_gaps for p in road.phases)
    assert all(p.criteria for p in road.phases)
