"""Answers given with bank 1.0.0 carry over to 2.0.0 (the bank's `migrations`): merged questions
keep the lowest answer, split ones answer each part, stricter ladders map levels, evidence that no
longer fits becomes the nearest kind; every moved answer says where it came from, and nothing the
respondent wrote is lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from readiness_widgets import Assessment
from readiness_widgets.assessment import SCHEMA_VERSION, UnknownQuestionWarning
from readiness_widgets.bank_migration import carry_over, migration_path

OLD_DEMO = Path(__file__).parent / "assessments" / "churn-predictor-bank-1.0.0.json"


def old_doc(answers, **extra):
    return {
        "schema_version": 2,
        "pilot": "Old pilot",
        "bank": {"id": "default", "version": "1.0.0"},
        "triage": {"deployment": "online", "risk_tier": "high", "customer_facing": "yes"},
        "answers": answers,
        **extra,
    }


@pytest.fixture
def carried(bank):
    doc = old_doc(
        {
            # merged: the lowest answer is kept, with its evidence
            "team.success_metrics_agreement": {"value": 3, "evidence": "automated", "notes": "signed in March"},
            "business.success_metrics": {"value": 2, "evidence": "manual", "notes": "baseline from Q1"},
            "infrastructure.debuggability": {"value": 3, "evidence": "automated"},
            "governance.audit_trail": {"value": 1, "evidence": "none", "links": ["https://wiki.example/logs"]},
            # split: the answer goes to each part
            "model.experiment_tracking": {"value": 3, "evidence": "automated"},
            "governance.transparency": {"value": 2, "evidence": "manual"},
            "governance.ai_act_obligations": {"value": "dont_know"},
            # a stricter ladder: an untried rollback plan (old level 2) is now level 1
            "infrastructure.rollback": {"value": 2, "evidence": "manual"},
            # kept, but automated evidence no longer fits a signed-off document
            "governance.compliance_checks": {"value": 3, "evidence": "automated", "notes": "legal OK"},
            # N/A meant "no personal data": the triage says that now
            "data.privacy": {"value": "na", "notes": "no personal data"},
        }
    )
    return Assessment.from_dict(doc, bank=bank, file="old.json")


def test_the_path_from_1_0_0(bank):
    assert [(m.from_version, m.to_version) for m in migration_path(bank, "1.0.0")] == [("1.0.0", "2.0.0")]
    assert migration_path(bank, "2.0.0") == []
    assert migration_path(bank, "0.9") is None


def test_merged_questions_keep_the_lowest_answer(carried):
    a = carried.answers["business.success_metrics"]
    assert (a.value, a.evidence) == (2, "manual")
    assert a.notes.startswith("[bank 1.0.0 -> 2.0.0] Carried over from team.success_metrics_agreement (level 3, automated evidence)")
    assert "the lowest answer is kept" in a.notes
    assert "Notes on team.success_metrics_agreement: signed in March" in a.notes
    assert "baseline from Q1" in a.notes  # the answer already given here keeps its own notes
    log = carried.answers["infrastructure.prediction_logging"]
    assert (log.value, log.evidence) == (1, "none")
    assert "infrastructure.debuggability (level 3, automated evidence)" in log.notes
    assert "governance.audit_trail (level 1, none evidence)" in log.notes
    assert log.links == ["https://wiki.example/logs"]


def test_split_questions_answer_each_part(carried):
    for qid in ("model.experiment_tracking", "model.registry"):
        assert (carried.answers[qid].value, carried.answers[qid].evidence) == (3, "automated")
    registry = carried.answers["model.registry"].notes
    assert "model.experiment_tracking (level 3, automated evidence), which was split: it also answers model.experiment_tracking" in registry
    for qid in ("governance.ai_disclosure", "governance.content_marking"):
        assert carried.answers[qid].value == 2
    for qid in ("governance.ai_act_provider", "governance.ai_act_deployer"):
        assert carried.answers[qid].value == "dont_know"


def test_a_stricter_ladder_maps_the_level(carried):
    assert carried.answers["infrastructure.rollback"].value == 1


def test_evidence_that_no_longer_fits_becomes_the_nearest_kind(carried):
    a = carried.answers["governance.compliance_checks"]
    assert (a.value, a.evidence) == (3, "reviewed")
    assert a.notes.startswith("[bank 2.0.0] Evidence recorded as reviewed: this question does not accept automated evidence.")
    assert a.notes.endswith("legal OK")


def test_na_that_is_no_longer_an_answer_is_cleared_with_a_note(carried):
    a = carried.answers["data.privacy"]
    assert a.value is None
    assert a.notes.startswith("[bank 2.0.0] Answered N/A before")
    assert a.notes.endswith("no personal data")
    assert any("N/A is no longer an answer to data.privacy" in w for w in carried.warnings)


def test_the_file_is_now_on_the_current_bank(carried, bank):
    assert carried.data.bank.version == bank.version
    assert not carried.unknown_ids
    assert any("carried over to new, merged or split questions" in w for w in carried.warnings)
    assert any("recorded as the nearest kind" in w for w in carried.warnings)
    assert not any("scored with" in w for w in carried.warnings)  # no version mismatch left
    assert carried.to_dict()["schema_version"] == SCHEMA_VERSION
    carried.evaluate()  # scores like any assessment


def test_the_1_0_0_demo_file_loads_whole(bank, tmp_path):
    raw = json.loads(OLD_DEMO.read_text(encoding="utf-8"))
    a = Assessment.load(OLD_DEMO, bank=bank)
    assert a.data.bank.version == "2.0.0"
    assert not a.unknown_ids  # every old answer found a question
    assert len(a.answers) >= len(raw["answers"])
    notes = " ".join(x.notes for x in a.answers.values())
    for old in raw["answers"].values():  # nothing the respondents wrote is lost
        if old.get("notes"):
            assert old["notes"] in notes
    saved = json.loads(Path(a.save(tmp_path / "new.json")).read_text(encoding="utf-8"))
    assert (saved["schema_version"], saved["bank"]["version"]) == (SCHEMA_VERSION, "2.0.0")
    assert Assessment.load(tmp_path / "new.json", bank=bank).warnings == []  # loads cleanly the second time


def test_no_path_keeps_the_answers_and_says_so(bank):
    doc = old_doc({"data.quality_checks": {"value": 2, "evidence": "manual"}, "data.feature_tests": {"value": 1}})
    doc["bank"]["version"] = "0.9"
    with pytest.warns(UnknownQuestionWarning):
        a = Assessment.from_dict(doc, bank=bank, file="older.json")
    assert a.unknown_ids == ["data.feature_tests"]  # kept in the file, not scored
    assert any("made with default 0.9, scored with 2.0.0" in w for w in a.warnings)


def test_carry_over_is_plain_data(bank):
    out, messages = carry_over({"data.feature_tests": {"value": 3, "evidence": "automated", "notes": "", "links": []}}, "1.0.0", bank)
    assert set(out) == {"infrastructure.automated_tests", "data.feature_value"}
    assert messages
    assert carry_over({}, "0.1", bank) is None


def test_team_agreements_move_too(bank):
    doc = old_doc(
        {},
        schema_version=3,
        agreements={
            "model.degradation_thresholds": {"value": 2, "evidence": "manual", "reason": "written down", "agreed_by": "Sam"},
            "model.performance_monitoring": {"value": 3, "evidence": "automated", "reason": "alerts live", "agreed_by": "Sam"},
        },
    )
    a = Assessment.from_dict(doc, bank=bank, file="consensus.json")
    agreed = a.data.agreements
    assert set(agreed) == {"model.performance_monitoring"}
    assert agreed["model.performance_monitoring"].value == 2
    assert agreed["model.performance_monitoring"].reason.startswith("[bank 1.0.0 -> 2.0.0] carried over from")
