"""Scoring rules, with numbers worked out by hand on tests/banks/mini.yaml.

The mini bank: evidence credit none 0.5, manual 0.75, automated 1.0; min_coverage 0.5;
conditions_margin 0.5. Dimensions data (weight 1: data.a w1, data.b w3 allow_na) and gov
(weight 3: gov.c w1 with level scores [0, 0.5, 1.5, 3, 4]; gov.d w1 only when risk == high).
Targets: pilot {data 1, gov 1}, production {data 3, gov 2}; risk high raises gov to 3.5 and
recommends production.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from readiness_widgets import Assessment, answers_frame, score_many
from readiness_widgets.demo import demo_assessment


def assess(bank, answers, triage=None, target=None):
    a = Assessment.new("Pilot", bank=bank, triage=triage, target=target)
    for qid, spec in answers.items():
        value, evidence = spec if isinstance(spec, tuple) else (spec, None)
        a.answer(qid, value, evidence=evidence)
    return a


@pytest.fixture
def base(mini_bank):
    """data.a 4 automated, data.b 2 manual, gov.c 3 no evidence."""
    return assess(mini_bank, {"data.a": (4, "automated"), "data.b": (2, "manual"), "gov.c": (3, "none")})


def test_dimension_scores_are_weighted_means(base):
    s = base.evaluate().scores
    # data: (4.0 * 1 + 2 * 0.75 * 3) / (1 + 3) = 8.5 / 4
    assert s.dimensions.at["data", "score"] == pytest.approx(2.125)
    # gov: level 3 scores 3 (its own table), no evidence keeps half
    assert s.dimensions.at["gov", "score"] == pytest.approx(1.5)
    # overall: dimension weights 1 and 3
    assert s.mean == pytest.approx((2.125 * 1 + 1.5 * 3) / 4)
    assert (s.weakest, s.weakest_dimension) == (pytest.approx(1.5), "gov")
    assert list(s.dimensions["coverage"]) == [1.0, 1.0]
    assert list(s.dimensions["answered"]) == [2, 1]
    assert list(s.dimensions["applicable"]) == [2, 1]


def test_verdict_blockers_and_conditions(base):
    s = base.evaluate().scores  # production by default: data 3, gov 2
    assert list(s.dimensions["gap"]) == pytest.approx([0.875, 0.5])
    assert list(s.dimensions["status"]) == ["blocker", "condition"]  # 0.875 > margin 0.5; 0.5 is not
    v = s.verdict
    assert v.status == "not_ready"
    assert v.label == "Not ready"
    assert v.blockers == ("data",)
    assert v.blocking_questions == ("data.b",)  # data.a (4.0) meets the target
    assert v.reasons == ("Data: 2.12 is 0.88 below the target 3",)
    assert v.conditions == ("Governance: 1.50 is 0.50 below the target 2",)


def test_ready_with_conditions_and_ready(mini_bank):
    almost = assess(mini_bank, {"data.a": (3, "automated"), "data.b": (3, "manual"), "gov.c": (3, "manual")})
    # data (3 + 2.25 * 3) / 4 = 2.4375: 0.5625 below 3 -> blocker; use the pilot target instead
    s = almost.evaluate("pilot").scores
    assert s.verdict.status == "ready"
    assert s.verdict.blockers == ()
    assert s.verdict.conditions == ()
    s = almost.evaluate("production").scores
    assert s.dimensions.at["data", "score"] == pytest.approx(2.4375)
    assert s.verdict.status == "not_ready"
    close = assess(mini_bank, {"data.a": (4, "automated"), "data.b": (4, "manual"), "gov.c": (3, "manual")})
    s = close.evaluate("production").scores
    assert s.dimensions.at["data", "score"] == pytest.approx((4 + 3 * 3) / 4)  # 3.25
    assert s.dimensions.at["gov", "score"] == pytest.approx(2.25)
    assert s.verdict.status == "ready"
    close.answer("data.b", 3)  # manual: 2.25; data (4 + 6.75) / 4 = 2.6875, 0.3125 below 3
    s = close.evaluate("production").scores
    assert s.verdict.status == "ready_with_conditions"
    assert s.verdict.label == "Ready with conditions"
    assert s.verdict.blockers == ()
    assert s.verdict.conditions == ("Data: 2.69 is 0.31 below the target 3",)


def test_na_is_left_out_of_the_denominator(mini_bank):
    a = assess(mini_bank, {"data.a": (2, "automated"), "data.b": "na"})
    s = a.evaluate().scores
    assert s.dimensions.at["data", "score"] == pytest.approx(2.0)  # not (2 + 0 * 3) / 4
    assert s.dimensions.at["data", "coverage"] == 1.0  # N/A counts as answered
    assert s.questions.at["data.b", "status"] == "na"
    assert s.questions.at["data.b", "gap"] == 0
    assert math.isnan(s.questions.at["data.b", "effective"])


def test_dont_know_scores_zero_and_is_flagged(mini_bank):
    a = assess(mini_bank, {"data.a": (2, "automated"), "data.b": "dont_know"})
    s = a.evaluate().scores
    assert s.dimensions.at["data", "score"] == pytest.approx((2 * 1 + 0 * 3) / 4)
    assert s.dimensions.at["data", "dont_know"] == 1
    assert s.dimensions.at["data", "coverage"] == 1.0
    assert s.questions.at["data.b", "flagged"]
    assert not s.questions.at["data.a", "flagged"]
    assert s.questions.at["data.b", "status"] == "dont_know"
    assert s.questions.at["data.b", "gap"] == pytest.approx(3.0)


def test_unanswered_counts_as_zero_like_dont_know_and_lowers_coverage(mini_bank):
    a = assess(mini_bank, {"data.a": (2, "automated")})
    s = a.evaluate().scores
    assert s.dimensions.at["data", "score"] == pytest.approx((2 * 1 + 0 * 3) / 4)  # data.b: 0, like "don't know"
    assert s.dimensions.at["data", "coverage"] == 0.5
    assert s.questions.at["data.b", "status"] == "unanswered"
    assert s.questions.at["data.b", "effective"] == 0.0
    assert math.isnan(s.dimensions.at["gov", "score"])  # nothing answered: no score to show
    assert s.dimensions.at["gov", "coverage"] == 0.0
    # ... and counts as 0 in the weakest link and the mean
    assert (s.weakest, s.weakest_dimension) == (0.0, "gov")
    assert s.mean == pytest.approx(0.5 * 1 / 4)
    assert s.verdict.blockers == ("data", "gov")
    assert "Governance: only 0 of 1 questions answered (coverage 0% < 50%)" in s.verdict.reasons
    dont_know = assess(mini_bank, {"data.a": (2, "automated"), "data.b": "dont_know"}).evaluate().scores
    assert dont_know.dimensions.at["data", "score"] == s.dimensions.at["data", "score"]
    assert dont_know.dimensions.at["data", "coverage"] == 1.0


def test_weights_change_the_dimension_score(mini_bank):
    # the same two levels, swapped between the weight-1 and the weight-3 question
    low_heavy = assess(mini_bank, {"data.a": (4, "automated"), "data.b": (0, "automated")})
    high_heavy = assess(mini_bank, {"data.a": (0, "automated"), "data.b": (4, "automated")})
    assert low_heavy.evaluate().scores.dimensions.at["data", "score"] == pytest.approx(1.0)
    assert high_heavy.evaluate().scores.dimensions.at["data", "score"] == pytest.approx(3.0)


@pytest.mark.parametrize(("evidence", "expected"), [("none", 1.0), ("manual", 1.5), ("automated", 2.0)])
def test_evidence_credit(mini_bank, evidence, expected):
    s = assess(mini_bank, {"data.a": (2, evidence), "data.b": "na"}).evaluate().scores
    assert s.questions.at["data.a", "effective"] == pytest.approx(expected)
    assert s.dimensions.at["data", "score"] == pytest.approx(expected)


def test_automated_beats_manual_beats_none(mini_bank):
    scores = [assess(mini_bank, {"gov.c": (3, e)}).evaluate().scores.dimensions.at["gov", "score"] for e in ("none", "manual", "automated")]
    assert scores[0] < scores[1] < scores[2]
    assert scores == pytest.approx([1.5, 2.25, 3.0])  # level 3 scores 3 in gov.c's own table


def test_bank_level_scores_are_used(mini_bank):
    s = assess(mini_bank, {"gov.c": (1, "automated")}).evaluate().scores
    assert s.dimensions.at["gov", "score"] == pytest.approx(0.5)
    assert s.questions.at["gov.c", "level"] == 1


def test_triage_chooses_the_target_and_raises_it(mini_bank):
    a = assess(mini_bank, {"gov.c": (4, "automated")}, triage={"risk": "high"})
    s = a.evaluate().scores
    assert s.target.profile == "production"
    assert s.target.chosen_by == "triage"
    assert s.dimensions.at["gov", "target"] == 3.5
    assert s.dimensions.at["data", "target"] == 3
    # gov.d applies under high risk: unanswered, so coverage 1 of 2 and it counts 0: (4 + 0) / 2
    assert s.dimensions.at["gov", "applicable"] == 2
    assert s.dimensions.at["gov", "coverage"] == 0.5
    assert s.dimensions.at["gov", "score"] == pytest.approx(2.0)
    assert s.dimensions.at["gov", "gap"] == pytest.approx(1.5)
    assert s.dimensions.at["gov", "status"] == "blocker"
    assert "Governance: 2.00 is 1.50 below the target 3.5" in s.verdict.reasons
    a.answer("gov.d", 4, evidence="automated")
    s = a.evaluate().scores
    assert s.dimensions.at["gov", "status"] == "ok"


def test_user_target_is_still_raised_by_the_triage(mini_bank):
    a = assess(mini_bank, {}, triage={"risk": "high"}, target="pilot")
    s = a.evaluate().scores
    assert (s.target.profile, s.target.chosen_by) == ("pilot", "user")
    assert s.target.levels == {"data": 1, "gov": 3.5}
    assert a.evaluate("production").scores.target.levels == {"data": 3, "gov": 3.5}


def test_low_risk_does_not_apply_gov_d(mini_bank):
    a = assess(mini_bank, {"gov.d": (4, "automated"), "gov.c": (1, "automated")})
    s = a.evaluate().scores
    assert not s.questions.at["gov.d", "applies"]
    assert s.questions.at["gov.d", "status"] == "not_applicable"
    assert s.dimensions.at["gov", "score"] == pytest.approx(0.5)  # gov.d's answer is not scored


def test_question_gaps_worst_weighted_first(mini_bank):
    a = assess(mini_bank, {"data.a": (1, "none"), "data.b": (2, "none"), "gov.c": (1, "manual")})
    gaps = a.gaps(by="question")
    assert list(gaps.index) == ["data.b", "data.a", "gov.c"]
    # data.b: (3 - 1.0) * 3; data.a: (3 - 0.5) * 1; gov.c: (2 - 0.5 * 0.75) * 1
    assert list(gaps["weighted_gap"]) == pytest.approx([6.0, 2.5, 1.625])
    assert list(gaps["gap"]) == pytest.approx([2.0, 2.5, 1.625])


def test_question_gaps_leave_out_questions_that_meet_the_target(base):
    gaps = base.evaluate().scores.question_gaps()
    assert "data.a" not in gaps.index
    assert set(gaps.index) == {"data.b", "gov.c"}


def test_dimension_gaps_worst_first(base):
    gaps = base.gaps()
    assert list(gaps.index) == ["data", "gov"]
    assert list(gaps.columns) == ["title", "score", "target", "gap", "coverage", "status"]
    reverse = base.gaps(target="pilot")
    assert list(reverse["gap"]) == sorted(reverse["gap"], reverse=True)


def test_to_dict(base):
    d = base.evaluate().scores.to_dict()
    assert [x["id"] for x in d["dimensions"]] == ["data", "gov"]
    assert d["dimensions"][0] == {
        "id": "data",
        "title": "Data",
        "score": 2.125,
        "target": 3.0,
        "gap": 0.875,
        "coverage": 1.0,
        "status": "blocker",
    }
    assert d["overall"] == {"mean": 1.656, "weakest": 1.5, "weakest_dimension": "gov"}
    assert d["verdict"]["status"] == "not_ready"
    assert d["verdict"]["blockers"] == ["data"]


def test_empty_assessment(mini_bank):
    s = Assessment.new("Empty", bank=mini_bank).evaluate().scores
    assert s.dimensions["score"].isna().all()
    assert (s.mean, s.weakest) == (0.0, 0.0)
    assert s.verdict.status == "not_ready"


# ---- score_many -----------------------------------------------------------------------------


def compare(single_results, many: pd.DataFrame, dims):
    for i, s in enumerate(single_results):
        row = many.iloc[i]
        for d in dims:
            np.testing.assert_allclose(row[f"score_{d}"], s.dimensions.at[d, "score"], rtol=0, atol=1e-12)
            np.testing.assert_allclose(row[f"coverage_{d}"], s.dimensions.at[d, "coverage"], rtol=0, atol=1e-12)
            np.testing.assert_allclose(row[f"gap_{d}"], s.dimensions.at[d, "gap"], rtol=0, atol=1e-12)
        assert row["mean"] == pytest.approx(s.mean, abs=1e-12)
        assert row["weakest"] == pytest.approx(s.weakest, abs=1e-12)
        assert row["weakest_dimension"] == s.weakest_dimension
        assert row["status"] == s.verdict.status


def random_assessments(bank, n, seed):
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        triage = {t.id: str(rng.choice([o.value for o in t.options])) for t in bank.triage}
        a = Assessment.new(f"pilot {i}", bank=bank, triage=triage)
        for q in bank.questions:
            u = rng.random()
            if u < 0.15:
                continue
            value = "dont_know" if u < 0.22 else "na" if (u < 0.3 and q.allow_na) else int(rng.integers(0, 5))
            a.answer(q.id, value, evidence=str(rng.choice(q.evidence_kinds)))
        out.append(a)
    return out


@pytest.mark.parametrize("which", ["mini", "default"])
def test_score_many_agrees_with_single_scoring(request, which):
    bank = request.getfixturevalue("mini_bank" if which == "mini" else "bank")
    assessments = random_assessments(bank, 40, seed=7)
    answers, evidence, triage = answers_frame(assessments)
    many = score_many(answers, bank, evidence=evidence, triage=triage)
    assert list(many.index) == [a.pilot for a in assessments]
    compare([a.evaluate().scores for a in assessments], many, bank.dimension_ids)
    assert set(many["status"]) <= {"ready", "ready_with_conditions", "not_ready"}


def test_score_many_on_the_demo(demo):
    answers, evidence, triage = answers_frame([demo])
    many = score_many(answers, demo.bank, evidence=evidence, triage=triage, target="production")
    compare([demo.evaluate("production").scores], many, demo.bank.dimension_ids)


def test_score_many_with_strings_and_missing_columns(mini_bank):
    answers = pd.DataFrame({"data.b": ["na", "dont_know", 3, None], "data.a": [1, 2, np.nan, 4]}, dtype=object)
    many = score_many(answers, mini_bank)
    singles = []
    for _, row in answers.iterrows():
        a = Assessment.new("p", bank=mini_bank)
        for qid, v in row.items():
            if v is not None and not (isinstance(v, float) and math.isnan(v)):
                a.answer(qid, v)
        singles.append(a.evaluate().scores)
    compare(singles, many, mini_bank.dimension_ids)
    # data.b N/A: data = data.a alone, no evidence credit 0.5 -> 0.5
    assert many["score_data"].iloc[0] == pytest.approx(0.5)


def test_score_many_numeric_codes_equal_strings(mini_bank):
    strings = pd.DataFrame({"data.a": [1, 2], "data.b": ["na", "dont_know"], "gov.c": [3, 4], "gov.d": [0, 1]}, dtype=object)
    codes = pd.DataFrame({"data.a": [1, 2], "data.b": [-1, -2], "gov.c": [3, 4], "gov.d": [0, 1]})
    pd.testing.assert_frame_equal(score_many(strings, mini_bank), score_many(codes, mini_bank))


def test_score_many_without_evidence_means_none(mini_bank):
    answers = pd.DataFrame({"data.a": [2.0], "data.b": [-1.0]})
    assert score_many(answers, mini_bank)["score_data"].iloc[0] == pytest.approx(1.0)
    evidence = pd.DataFrame({"data.a": ["automated"]})
    assert score_many(answers, mini_bank, evidence=evidence)["score_data"].iloc[0] == pytest.approx(2.0)


def test_score_many_triage_and_target(mini_bank):
    answers = pd.DataFrame({"gov.c": [4, 4]})
    triage = pd.DataFrame({"risk": ["low", "high"]})
    many = score_many(answers, mini_bank, triage=triage, target="pilot")
    # gov.c 4, no evidence -> 2.0; under high risk gov.d applies, unanswered: (2.0 + 0) / 2
    assert list(many["gap_gov"]) == pytest.approx([1 - 2.0, 3.5 - 1.0])
    assert list(many["coverage_gov"]) == [1.0, 0.5]


def test_score_many_output_columns(mini_bank):
    many = score_many(pd.DataFrame({"data.a": [1]}), mini_bank)
    assert list(many.columns) == [
        "score_data", "score_gov", "coverage_data", "coverage_gov", "gap_data", "gap_gov",
        "mean", "weakest", "weakest_dimension", "status",
    ]  # fmt: skip


def test_score_many_aligns_other_frames_on_the_index(mini_bank):
    answers = pd.DataFrame({"data.a": [4, 0], "data.b": [-1, -1]}, index=["x", "y"])
    evidence = pd.DataFrame({"data.a": ["none", "automated"]}, index=["y", "x"])
    many = score_many(answers, mini_bank, evidence=evidence)
    assert many.loc["x", "score_data"] == pytest.approx(4.0)  # x has automated evidence
    triage = pd.DataFrame({"risk": ["high", "low"]}, index=["y", "x"])
    many = score_many(answers, mini_bank, triage=triage)
    assert list(many["coverage_gov"]) == [0.0, 0.0]
    assert many.loc["y", "gap_gov"] == pytest.approx(3.5)
    assert many.loc["x", "gap_gov"] == pytest.approx(2.0)


@pytest.mark.parametrize(
    ("answers", "kwargs", "message"),
    [
        (pd.DataFrame({"data.zzz": [1]}), {}, "not questions of bank 'mini': data.zzz"),
        (pd.DataFrame({"data.a": [5]}), {}, "levels must be 0-4"),
        (pd.DataFrame({"data.a": [2.5]}), {}, "levels must be 0-4"),
        (pd.DataFrame({"data.a": [-3]}), {}, "levels must be 0-4"),
        (pd.DataFrame({"data.a": ["lots"]}, dtype=object), {}, "column 'data.a' holds values that are not levels"),
        (pd.DataFrame({"data.a": [1]}), {"evidence": pd.DataFrame({"data.a": ["ci"]})}, "none, manual, reviewed, automated"),
        (pd.DataFrame({"data.a": [1]}), {"evidence": pd.DataFrame({"data.a": ["none", "none"]})}, "one row per assessment"),
        (pd.DataFrame({"data.a": [1]}), {"triage": pd.DataFrame({"risk": ["extreme"]})}, "expected one of ['low', 'high']"),
        (pd.DataFrame({"data.a": [1]}), {"triage": pd.DataFrame({"colour": ["red"]})}, "triage columns not in bank: colour"),
        (pd.DataFrame({"data.a": [1]}), {"target": "launch"}, "unknown target profile 'launch'"),
        (pd.DataFrame([[1, 2]], columns=["data.a", "data.a"]), {}, "answers has repeated columns: data.a"),
        (pd.DataFrame({"data.a": [True]}), {}, "holds true/false"),
        (pd.DataFrame({"data.a": [1]}, index=["x"]), {"evidence": pd.DataFrame({"data.a": ["none"]}, index=["y"])}, "does not match the index"),
    ],
)
def test_score_many_rejects_bad_input(mini_bank, answers, kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        score_many(answers, mini_bank, **kwargs)


def test_score_many_na_on_a_question_without_allow_na(mini_bank):
    with pytest.raises(ValueError, match=r"N/A.*data\.a"):
        score_many(pd.DataFrame({"data.a": ["na"]}, dtype=object), mini_bank)


def test_score_many_empty_frame(mini_bank):
    many = score_many(pd.DataFrame({"data.a": []}, dtype=float), mini_bank)
    assert len(many) == 0
    assert "status" in many.columns


def test_demo_is_deterministic(bank):
    a, b = demo_assessment(bank), demo_assessment(bank)
    assert a.to_dict() == b.to_dict()
    answered, applicable = a.progress()
    assert 0 < answered < applicable


@pytest.fixture
def na_bank(tmp_path):
    """The mini bank where data.a also allows N/A, so the whole data dimension can be N/A."""
    from readiness_widgets import load_bank

    text = (Path(__file__).parent / "banks" / "mini.yaml").read_text(encoding="utf-8")
    text = text.replace("    weight: 1\n    actions: [{deliverable: Do A", "    weight: 1\n    allow_na: true\n    actions: [{deliverable: Do A")
    path = tmp_path / "na.yaml"
    path.write_text(text, encoding="utf-8")
    return load_bank(path)


def test_a_dimension_answered_all_na_is_left_out(na_bank):
    a = assess(na_bank, {"data.a": "na", "data.b": "na", "gov.c": (4, "automated")})
    s = a.evaluate("production").scores
    assert math.isnan(s.dimensions.at["data", "score"])
    assert s.dimensions.at["data", "coverage"] == 1.0
    assert math.isnan(s.dimensions.at["data", "gap"])
    assert s.dimensions.at["data", "status"] == "ok"
    assert s.mean == pytest.approx(4.0)  # the mean of the dimensions that have something to score
    assert (s.weakest, s.weakest_dimension) == (pytest.approx(4.0), "gov")
    assert s.verdict.status == "ready"
    assert s.to_dict()["dimensions"][0]["gap"] is None
    answers, evidence, triage = answers_frame([a])
    compare([s], score_many(answers, na_bank, evidence=evidence, triage=triage, target="production"), na_bank.dimension_ids)


def test_na_and_unanswered_is_not_left_out(na_bank):
    a = assess(na_bank, {"data.a": "na", "gov.c": (4, "automated")})
    s = a.evaluate("production").scores
    assert math.isnan(s.dimensions.at["data", "score"])
    assert s.dimensions.at["data", "gap"] == 3.0  # data.b still to answer: not assessed counts as 0
    assert s.weakest_dimension == "data"
    assert s.mean == pytest.approx(4.0 * 3 / 4)


def test_answers_frame_needs_one_bank(mini_bank, na_bank):
    with pytest.raises(ValueError, match="all assessments must use one bank"):
        answers_frame([Assessment.new("a", bank=mini_bank), Assessment.new("b", bank=na_bank)])
    with pytest.raises(ValueError, match="no assessments"):
        answers_frame([])
