"""The rules an expert reviewer asked for, on the bundled bank: evidence caps the level counted,
knock-outs per target profile, high coverage for ready, and a triage that keeps the legal risk tier
apart from operational criticality."""

from __future__ import annotations

import pytest

from readiness_widgets import Assessment
from readiness_widgets.errors import AssessmentError

TRIAGE = {
    "deployment": "online", "criticality": "business", "customer_facing": "no", "affects_people": "no",
    "personal_data": "no", "risk_tier": "minimal", "ai_act_role": "provider_deployer", "fria_scope": "no",
    "prohibited_practice": "screened_none", "regulated": "no", "third_party_model": "no",
}  # fmt: skip


def strong(bank, level=3, **triage):
    """Every applicable question at ``level`` with the strongest evidence it accepts."""
    a = Assessment.new("Pilot", bank=bank, triage={**TRIAGE, **triage})
    with a.batch():
        for q in bank.applicable_questions(a.triage):
            a.answer(q.id, level, evidence="automated" if "automated" in q.evidence_kinds else "reviewed")
    return a


@pytest.mark.parametrize(("evidence", "counted"), [("none", 1), ("manual", 2), ("reviewed", 4)])
def test_evidence_caps_the_level_counted(bank, evidence, counted):
    a = strong(bank)
    a.answer("governance.risk_assessment", 4, evidence=evidence)
    row = next(r for r in a.evaluate().questions if r.id == "governance.risk_assessment")
    assert (row.level, row.credited, row.effective) == (4, counted, counted)
    assert row.capped == (counted < 4)


def test_evidence_must_fit_the_question(bank):
    a = strong(bank)
    with pytest.raises(AssessmentError, match="'automated' evidence does not fit this question; it accepts none, manual, reviewed"):
        a.answer("governance.risk_assessment", 3, evidence="automated")
    with pytest.raises(AssessmentError, match="'reviewed' evidence does not fit"):
        a.answer("data.quality_checks", 3, evidence="reviewed")


def test_a_knock_out_blocks_whatever_the_averages(bank):
    a = strong(bank, level=4)
    assert a.evaluate().verdict.status == "ready"
    a.answer("infrastructure.rollback", 1, evidence="manual")
    r = a.evaluate()
    assert r.verdict.status == "not_ready"
    assert r.verdict.blockers == ()  # every dimension still meets its target
    assert r.verdict.knockouts == ("infrastructure.rollback",)
    assert r.verdict.reasons[0] == "Knock-out: infrastructure.rollback is level 1; the Production target needs at least level 2"
    assert r.knockouts[0].floor == 2
    assert r.verdict.blocking_questions[0] == "infrastructure.rollback"
    assert a.evaluate("pilot").verdict.knockouts == ()  # no floor for a pilot


def test_an_unevidenced_knock_out_does_not_pass(bank):
    a = strong(bank, level=4)
    a.answer("infrastructure.rollback", 3, evidence="none")
    r = a.evaluate()
    assert r.verdict.knockouts == ("infrastructure.rollback",)
    assert "level 3 with none evidence, which counts as level 1" in r.verdict.reasons[0]


def test_unanswered_knock_outs_block(bank):
    a = strong(bank, level=4)
    a.answer("governance.incident_response", None)
    r = a.evaluate()
    assert r.verdict.knockouts == ("governance.incident_response",)
    assert "is not answered" in r.verdict.reasons[0]


def test_ready_needs_high_coverage(bank):
    a = strong(bank, level=4)
    data = [q.id for q in bank.questions_in("data") if bank.applies(q.id, a.triage)]
    a.answer(data[-1], None)  # one of 12 open: 92% answered, still ready
    assert a.evaluate().verdict.status == "ready"
    a.answer(data[-2], None)  # two open: 83% < 90%
    r = a.evaluate()
    assert r.verdict.status == "ready_with_conditions"
    assert r.verdict.conditions == ("Data readiness: 2 question(s) not answered (coverage 83%; ready needs 90%)",)


def test_the_legal_tier_does_not_set_the_operational_profile(bank):
    high = bank.resolve_target(None, bank.triage_with_defaults({**TRIAGE, "deployment": "batch", "risk_tier": "high"}))
    assert high.profile == "production"
    assert high.levels["infrastructure"] == 2.5  # a weekly batch screening model needs no 3.5
    assert high.levels["governance"] == 3.0
    assert high.floors["governance.human_oversight"] == 3
    severe = bank.resolve_target(None, bank.triage_with_defaults({**TRIAGE, "criticality": "severe"}))
    assert severe.profile == "mission-critical"
    assert severe.levels["governance"] == 3.5
    assert severe.floors["infrastructure.rollback"] == 3


def test_limited_risk_brings_the_transparency_duties(bank):
    def applies(qid, **triage):
        return bank.applies(qid, bank.triage_with_defaults({**TRIAGE, **triage}))

    assert not applies("governance.ai_disclosure")
    assert applies("governance.ai_disclosure", risk_tier="limited")
    assert applies("governance.ai_disclosure", deployment="generative")
    assert applies("governance.content_marking", deployment="generative")
    assert not applies("governance.content_marking", deployment="generative", ai_act_role="deployer")
    assert applies("governance.ai_act_provider", risk_tier="high")
    assert not applies("governance.ai_act_provider", risk_tier="high", ai_act_role="deployer")
    assert applies("governance.ai_act_deployer", risk_tier="high", ai_act_role="deployer")


def test_the_prohibited_practice_screen(bank):
    a = strong(bank, level=4, prohibited_practice="yes")
    r = a.evaluate()
    assert r.verdict.status == "not_ready"
    assert r.verdict.reasons[0].startswith("A practice prohibited by EU AI Act Art. 5(1)")
    a.set_triage("prohibited_practice", "not_screened")
    r = a.evaluate()
    assert r.verdict.status == "ready_with_conditions"
    assert "screened against the practices prohibited" in r.verdict.conditions[0]


def test_the_demo_churn_model_is_not_limited_risk(bank, demo):
    assert demo.triage["risk_tier"] == "minimal"
    assert demo.triage["deployment"] == "online"
    notes = " ".join(a.notes for a in demo.answers.values())
    assert "batch" not in notes.lower()
