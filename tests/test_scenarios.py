"""Golden scenarios: hand-built assessments with the verdict, knock-outs, blockers and roadmap length
an expert gives them (tests/scenarios/*.yaml, each with its rationale)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from readiness_widgets import Assessment, load_bank

SCENARIOS = sorted((Path(__file__).parent / "scenarios").glob("*.yaml"))


def strongest(question) -> str:
    return "automated" if "automated" in question.evidence_kinds else "reviewed"


def evidence_for(question, level: int, how: str) -> str:
    """``none`` and ``manual`` as given; ``shown``: the strongest kind that fits at level 3 and above,
    an artefact at levels 1 and 2, nothing to show for level 0."""
    if how != "shown":
        return how
    return strongest(question) if level >= 3 else "manual" if level >= 1 else "none"


def build(spec: dict) -> Assessment:
    bank = load_bank()
    answers = spec["answers"]
    a = Assessment.new(spec["name"], bank=bank, triage=spec["triage"], target=spec.get("target"))
    skipped = set(answers.get("unanswered", []))
    overrides = answers.get("questions", {})
    unknown = [qid for qid in [*skipped, *overrides] if not bank.has_question(qid)]
    assert not unknown, f"{spec['name']}: not questions of the bank: {unknown}"
    with a.batch():
        for q in bank.applicable_questions(a.triage):
            if q.id in skipped:
                continue
            given = overrides.get(q.id)
            if isinstance(given, str):
                a.answer(q.id, given)
                continue
            level, how = given if given is not None else (answers["levels"][q.dimension], answers["evidence"][q.dimension])
            a.answer(q.id, level, evidence=evidence_for(q, level, how))
    return a


@pytest.fixture(scope="module", params=SCENARIOS, ids=[p.stem for p in SCENARIOS])
def scenario(request):
    spec = yaml.safe_load(request.param.read_text(encoding="utf-8"))
    assert len(spec["rationale"].split()) >= 40, "each scenario explains the expert's judgement"
    return spec, build(spec).evaluate()


def test_there_are_enough_scenarios():
    assert len(SCENARIOS) >= 8
    stems = {p.stem for p in SCENARIOS}
    assert {"strong_pilot", "notebook_only_batch", "high_risk_no_governance", "no_rollback"} <= stems


def test_verdict(scenario):
    spec, r = scenario
    expected = spec["expected"]
    assert r.verdict.status == expected["verdict"], r.verdict.reasons
    assert set(r.verdict.knockouts) == set(expected["knockouts"]), r.verdict.reasons
    assert set(r.verdict.blockers) == set(expected["blockers"]), r.verdict.reasons
    if "reason" in expected:
        assert any(expected["reason"] in text for text in (*r.verdict.reasons, *r.verdict.conditions))
    if "profile" in expected:
        assert r.target.profile == expected["profile"]


def test_roadmap(scenario):
    spec, r = scenario
    expected = spec["expected"]
    road = r.roadmap
    low, high = expected["roadmap_weeks"]
    assert low <= road.total_weeks <= high, road.summary_frame()
    frame = road.frame
    deliverables = set(frame["deliverable"])
    for dim in expected.get("no_work_in", []):
        assert frame[frame["dimension"] == dim].empty, frame[frame["dimension"] == dim]["deliverable"].tolist()
    for text in expected.get("absent", []):
        assert text not in deliverables
    for text in expected.get("present", []):
        assert text in deliverables
    for text, week in expected.get("starts_by", {}).items():
        assert text in deliverables
        assert float(frame.loc[frame["deliverable"] == text, "start_week"].iloc[0]) <= week
    if "only_kinds" in expected:
        assert set(frame["kind"]) <= set(expected["only_kinds"])
