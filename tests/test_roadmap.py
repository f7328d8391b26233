"""Roadmap: the level each question must reach, level-aware deliverables, assess and evidence items,
a dependency-ordered schedule over parallel streams, go/no-go criteria, Markdown.

Numbers on tests/banks/mini.yaml (evidence credit none 0.5, manual 0.75; no evidence caps; actions
without levels span 0 to 4; four streams by default): data target 3 (production), gov target 2.
The level rules on tests/banks/plan.yaml (evidence caps as in the default bank, two streams).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from readiness_widgets import Assessment, load_bank
from readiness_widgets.errors import UnknownIdError
from readiness_widgets.report import render_roadmap_markdown
from readiness_widgets.roadmap import build_roadmap, requirement
from readiness_widgets.schedule import ScheduleError, Task, schedule

PLAN_BANK = Path(__file__).parent / "banks" / "plan.yaml"


def assess(bank, answers, **kw):
    a = Assessment.new(kw.pop("pilot", "Pilot"), bank=bank, **kw)
    for qid, (value, evidence) in answers.items():
        a.answer(qid, value, evidence=evidence)
    return a


@pytest.fixture(scope="module")
def plan_bank():
    return load_bank(PLAN_BANK)


@pytest.fixture
def gappy(mini_bank):
    # data.a level 1 none -> 0.5; data.b level 2 none -> 1.0; gov.c level 1 manual -> 0.375
    return assess(mini_bank, {"data.a": (1, "none"), "data.b": (2, "none"), "gov.c": (1, "manual")})


def test_required_levels_and_deliverables(gappy):
    road = gappy.roadmap()
    frame = road.frame
    # data (target 3): both questions to the base level 3; gov (target 2): gov.c to 2 (1.5), then 3
    assert list(frame["deliverable"]) == ["Do A", "Do C1", "Do B", "Do C3"]
    assert list(frame["phase"]) == [1, 1, 2, 3]
    assert list(frame["question"]) == ["data.a", "gov.c", "data.b", "gov.c"]
    assert list(frame["required_level"]) == [3, 3, 3, 3]
    assert list(frame["weighted_gap"]) == pytest.approx([2.5, 1.625, 6.0, 1.625])
    assert list(frame["current"]) == [1, 1, 2, 1]
    assert set(frame["kind"]) == {"build"}


def test_everything_starts_at_once_on_enough_streams(gappy):
    road = gappy.roadmap()
    # four streams, no dependencies: every deliverable starts in week 0; the longest (Do B, 4) ends last
    assert list(road.frame["start_week"]) == [0, 0, 0, 0]
    assert [p.weeks for p in road.phases] == [2, 4, 3]
    assert [(p.start_week, p.end_week) for p in road.phases] == [(0, 2), (0, 4), (0, 3)]
    assert road.total_weeks == 4
    assert road.total_months == pytest.approx(4 / 4.345, abs=0.05)
    summary = road.summary_frame()
    assert list(summary["deliverables"]) == [2, 1, 1]
    assert list(summary["criteria"]) == [1, 1, 1]


def test_go_no_go_criteria(gappy):
    road = gappy.roadmap()
    [c1] = road.phase(1).criteria
    [c2] = road.phase(2).criteria
    [c3] = road.phase(3).criteria  # gov.c's criterion sits in the phase of its last deliverable
    assert (c1.question_id, c1.required_level, c1.required_evidence, c1.met) == ("data.a", 3, "reviewed or automated", False)
    assert (c2.question_id, c2.required_level) == ("data.b", 3)
    assert (c3.question_id, c3.required_level) == ("gov.c", 3)
    assert c1.describe() == "data.a reaches level 3 with reviewed or automated evidence (now level 1, none evidence)"
    assert not any(p.passed for p in road.phases)
    frame = road.criteria_frame()
    assert list(frame["question"]) == ["data.a", "data.b", "gov.c"]
    assert list(frame["phase"]) == [1, 2, 3]


def test_requirement_is_the_weakest_evidence_that_backs_the_level(plan_bank, bank):
    deploy, signoff = plan_bank.question("eng.deploy"), plan_bank.question("org.signoff")
    assert requirement(deploy, plan_bank, 1) == (1, "none")
    assert requirement(deploy, plan_bank, 2) == (2, "manual")
    assert requirement(deploy, plan_bank, 3) == (3, "automated")
    assert requirement(signoff, plan_bank, 3) == (3, "reviewed")
    assert requirement(bank.question("infrastructure.rollback"), bank, 3) == (3, "reviewed or automated")


def test_only_the_steps_between_the_current_and_the_required_level(plan_bank):
    # eng.deploy already scripted (level 2, shown by a CI run): no scripting work, only the pipeline
    a = assess(plan_bank, {"eng.deploy": (2, "automated"), "eng.monitor": (2, "manual"), "org.signoff": (2, "manual")})
    frame = a.roadmap().frame
    assert list(frame.loc[frame["question"] == "eng.deploy", "deliverable"]) == ["Deploy pipeline"]
    assert list(frame.loc[frame["question"] == "eng.monitor", "deliverable"]) == ["Alerts"]
    assert "Script the deploy" not in set(frame["deliverable"])
    assert "Measure deploys" not in set(frame["deliverable"])


def test_done_but_not_shown_gets_an_evidence_item_not_the_work_again(plan_bank):
    # level 3 claimed with manual evidence counts as 2: the pipeline exists, the proof is missing
    a = assess(plan_bank, {"eng.deploy": (3, "manual"), "eng.monitor": (2, "manual"), "org.signoff": (2, "manual")})
    frame = a.roadmap().frame
    deploy = frame[frame["question"] == "eng.deploy"]
    assert list(deploy["kind"]) == ["evidence"]
    assert deploy["deliverable"].iloc[0] == "Show automated evidence of level 3: The pipeline run of the last release."
    assert deploy["effort_weeks"].iloc[0] < 0.5
    assert "Deploy pipeline" not in set(frame["deliverable"])


def test_unanswered_gets_an_assess_item_then_provisional_work(plan_bank):
    a = assess(plan_bank, {"eng.monitor": (4, "automated"), "org.signoff": (3, "reviewed")})
    r = a.evaluate()
    assert r.verdict.knockouts == ("eng.deploy",)  # unanswered knock-out: not ready
    frame = r.roadmap.frame
    assert list(frame["kind"]) == ["assess", "build"]
    assessing, scripting = frame.iloc[0], frame.iloc[1]
    assert assessing["deliverable"] == "Assess and answer with evidence: How is the model deployed?"
    assert assessing["owner"] == "platform engineer"
    assert (scripting["deliverable"], scripting["provisional"]) == ("Script the deploy", True)  # to the floor, 2
    assert scripting["needs"] == [assessing["deliverable"]]
    assert scripting["start_week"] >= assessing["end_week"]
    [c] = r.roadmap.phase(2).criteria
    assert "(now not answered)" in c.describe()


def test_dont_know_is_assessed_like_unanswered(mini_bank):
    road = assess(mini_bank, {"data.b": ("dont_know", "none"), "data.a": (4, "automated"), "gov.c": (4, "automated")}).roadmap()
    assert list(road.frame["kind"]) == ["assess", "build"]
    assert list(road.frame["deliverable"])[1] == "Do B"
    [c] = road.phase(2).criteria
    assert c.current_level is None
    assert "now don't know" in c.describe()
    assert "(now don't know)" in render_roadmap_markdown(road)


def test_skipping_is_never_a_shorter_roadmap(mini_bank):
    answered = assess(mini_bank, {"data.a": (4, "automated"), "data.b": (4, "automated"), "gov.c": (4, "automated")})
    skipped = assess(mini_bank, {"data.a": (4, "automated"), "gov.c": (4, "automated")})
    assert answered.roadmap().total_weeks == 0
    road = skipped.roadmap()
    assert road.total_weeks > 0
    assert road.count("assess") == 1


def test_needs_and_long_lead_times(plan_bank):
    # nothing done, strict target: the sign-off waits 6 weeks for the sponsor, and the alerts need it
    a = assess(plan_bank, {"eng.deploy": (0, "none"), "eng.monitor": (0, "none"), "org.signoff": (0, "none")}, target="strict")
    road = a.roadmap()
    rows = road.frame.set_index("deliverable")
    assert rows.at["Sign-off by the sponsor", "phase"] == 3
    assert rows.at["Draft the launch decision", "start_week"] == 0  # the longest chain starts first
    assert rows.at["Sign-off by the sponsor", "start_week"] == 0.5  # phase 3, yet in the first week
    assert rows.at["Sign-off by the sponsor", "end_week"] == 7  # half a week's work, six weeks' wait
    assert rows.at["Alerts", "needs"] == ["Deploy pipeline", "Sign-off by the sponsor", "Dashboard"]
    assert rows.at["Alerts", "start_week"] == 7
    assert rows.at["Deploy pipeline", "start_week"] >= rows.at["Script the deploy", "end_week"]  # the lower step first
    assert road.total_weeks == 8
    assert (road.total_weeks_low, road.total_weeks_high) == (8, 8)  # the wait dominates the range
    phase1, phase3 = road.phase(1), road.phase(3)
    assert phase3.start_week < phase1.start_week + 1  # phases overlap


def test_effort_ranges_give_a_range(plan_bank):
    a = assess(plan_bank, {"eng.deploy": (2, "automated"), "eng.monitor": (3, "automated"), "org.signoff": (2, "manual")})
    road = a.roadmap()
    assert (road.total_weeks_low, road.total_weeks, road.total_weeks_high) == (2, 3, 4)  # pipeline [2, 4]
    assert road.months_range == (round(2 / 4.345, 1), round(4 / 4.345, 1))


def test_schedule_rejects_cycles_and_unknown_needs():
    with pytest.raises(ScheduleError, match="circle"):
        schedule([Task("a", 1, needs=("b",)), Task("b", 1, needs=("a",))], 2)
    with pytest.raises(ScheduleError, match="unknown task 'z'"):
        schedule([Task("a", 1, needs=("z",))], 2)


def test_schedule_fills_gaps_on_a_stream():
    slots = schedule([Task("long", 4), Task("after", 1, needs=("short",)), Task("short", 1), Task("gap", 1, 0)], 1)
    assert slots["long"].start == 0
    assert [slots[k].start for k in ("short", "after", "gap")] == [4, 5, 6]


def test_unanswered_questions_are_planned_na_are_not(mini_bank):
    road = assess(mini_bank, {"data.b": ("na", "none"), "gov.c": (4, "automated")}, triage={"risk": "high"}).roadmap()
    assert set(road.frame["question"]) == {"data.a", "gov.d"}  # both unanswered: assessed and planned
    assert set(road.frame.loc[road.frame["kind"] == "assess", "question"]) == {"data.a", "gov.d"}
    assert "data.b" not in set(road.frame["question"])  # N/A


def test_phases_with_no_gaps_say_so(mini_bank):
    a = assess(mini_bank, {"data.a": (2, "none"), "data.b": (4, "automated"), "gov.c": (4, "automated")})
    road = a.roadmap()  # data (1 + 12) / 4 = 3.25 meets 3: nothing; gov meets 2
    assert road.frame.empty
    a = assess(mini_bank, {"data.a": (0, "none"), "data.b": (3, "automated"), "gov.c": (4, "automated")})
    road = a.roadmap()  # data (0 + 9) / 4 = 2.25: data.a to 3 -> (3 + 9) / 4 = 3
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
    assert list(road.frame.columns)[:4] == ["phase", "question", "dimension", "kind"]
    assert road.criteria_frame().empty
    md = render_roadmap_markdown(road)
    assert "No gaps to close" in md
    assert md.count("No gaps in this phase.") == 3


def test_markdown(gappy):
    md = render_roadmap_markdown(gappy.roadmap())
    assert md.startswith("# Roadmap: Pilot to production\n")
    assert "Estimated duration: **4 weeks**" in md
    assert "| 1 | Do A | build | `data.a` |  | 0 to 2 | 2 | 2.50 |" in md
    assert "| 2 | Do C1 | build | `gov.c` |  | 0 to 1 | 1 | 1.62 |" in md
    assert "- [ ] `data.a` reaches level 3 with reviewed or automated evidence (now level 1, none): Question A?" in md
    assert md.index("## Phase 1") < md.index("## Phase 2") < md.index("## Phase 3")


def test_markdown_escapes_user_text(mini_bank):
    a = assess(mini_bank, {"data.a": (1, "none")}, pilot="<script>alert(1)</script> | *bold*")
    md = render_roadmap_markdown(a.roadmap())
    assert "<script>" not in md
    assert r"\<script\>alert(1)\</script\> \| \*bold\*" in md


def test_to_dict_is_json(gappy):
    d = gappy.roadmap().to_dict()
    text = json.dumps(d)  # no numpy scalars left
    assert json.loads(text)["total_weeks"] == 4
    assert d["total_weeks_range"] == [4, 4]
    assert [p["phase"] for p in d["phases"]] == [1, 2, 3]
    assert d["phases"][0]["go_no_go"][0] == {
        "question": "data.a",
        "required_level": 3,
        "required_evidence": "reviewed or automated",
        "current_level": 1,
        "current_evidence": "none",
        "met": False,
    }
    assert d["phases"][0]["deliverables"][0]["needs"] == []


def test_deterministic_whatever_the_answer_order(mini_bank):
    answers = {"data.a": (1, "none"), "data.b": (2, "none"), "gov.c": (1, "manual")}
    forward = assess(mini_bank, answers).roadmap()
    backward = assess(mini_bank, dict(reversed(answers.items()))).roadmap()
    pd.testing.assert_frame_equal(forward.frame, backward.frame)
    assert render_roadmap_markdown(forward) == render_roadmap_markdown(backward)


def test_target_changes_the_plan(gappy):
    assert len(gappy.roadmap("pilot").frame) < len(gappy.roadmap("production").frame)


def test_unknown_phase(gappy):
    with pytest.raises(UnknownIdError, match="no phase 4"):
        gappy.roadmap().phase(4)


def test_build_roadmap_from_scores(gappy):
    assert build_roadmap(gappy.evaluate().scores).total_weeks == gappy.roadmap().total_weeks


def test_demo_roadmap_is_months_not_years(demo):
    road = demo.roadmap()
    assert 8 <= road.total_weeks <= 27, road.summary_frame()
    assert road.total_weeks_low <= road.total_weeks <= road.total_weeks_high
    assert all(p.has_gaps for p in road.phases)
