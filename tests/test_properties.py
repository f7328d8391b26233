"""Property tests (hypothesis): bounds, monotonicity, no reward for not looking, knock-outs, and
score_many == single scoring."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readiness_widgets import Assessment, answers_frame, load_bank, score_many
from readiness_widgets.bank import EVIDENCE_KINDS
from readiness_widgets.conditions import parse_condition

MINI_BANK = Path(__file__).parent / "banks" / "mini.yaml"

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def banks():
    return st.sampled_from(["mini", "default"]).map(lambda name: load_bank(MINI_BANK) if name == "mini" else load_bank())


@st.composite
def assessments(draw, bank=None):
    bank = bank if bank is not None else draw(banks())
    triage = {t.id: draw(st.sampled_from([o.value for o in t.options])) for t in bank.triage}
    a = Assessment.new("prop", bank=bank, triage=triage, target=draw(st.sampled_from([None, *[t.id for t in bank.targets]])))
    for q in bank.questions:
        choices = [None, 0, 1, 2, 3, 4, "dont_know"] + (["na"] if q.allow_na else [])
        value = draw(st.sampled_from(choices))
        evidence = draw(st.sampled_from(q.evidence_kinds))
        if value is not None:
            a.answer(q.id, value, evidence=evidence)
    return a


def in_range(x: float) -> bool:
    return math.isnan(x) or -1e-12 <= x <= 4 + 1e-12


@SETTINGS
@given(assessments())
def test_scores_stay_within_0_and_4(a):
    s = a.evaluate().scores
    assert all(in_range(x) for x in s.dimensions["score"])
    assert in_range(s.mean)
    assert in_range(s.weakest)
    assert math.isnan(s.mean) == math.isnan(s.weakest)  # NaN only when no dimension has anything to score
    if not math.isnan(s.mean):
        assert s.weakest <= s.mean + 1e-12
    assert s.dimensions["coverage"].between(0, 1).all()
    assert (s.questions["gap"] >= 0).all()
    q = s.questions
    assert q.loc[q["status"] == "answered", "effective"].between(0, 4).all()
    assert s.verdict.status in ("ready", "ready_with_conditions", "not_ready")
    assert (s.verdict.status == "not_ready") == bool(s.verdict.blockers or s.verdict.knockouts or s.target.blocks)
    if s.verdict.knockouts:  # one question below its floor is enough
        assert s.verdict.status == "not_ready"
        assert s.verdict.blocking_questions[: len(s.verdict.knockouts)] == s.verdict.knockouts


BADNESS = {"ready": 0, "ready_with_conditions": 1, "not_ready": 2}


@SETTINGS
@given(assessments())
def test_skipping_never_scores_better_than_dont_know(a):
    """Every unanswered question answered "don't know" instead: the same scores, a verdict no better."""
    skipped = a.evaluate().scores
    unanswered = [q.id for q in a.bank.questions if q.id not in a.answers]
    with a.batch():
        for qid in unanswered:
            a.answer(qid, "dont_know")
    known = a.evaluate().scores
    for d in a.bank.dimension_ids:
        before, after = skipped.dimensions.at[d, "score"], known.dimensions.at[d, "score"]
        assert (math.isnan(before) and (math.isnan(after) or after == 0)) or before <= after + 1e-12
    assert skipped.mean <= known.mean + 1e-12 or math.isnan(skipped.mean)
    assert BADNESS[skipped.verdict.status] >= BADNESS[known.verdict.status]


@SETTINGS
@given(assessments(), st.data())
def test_raising_an_answer_never_lowers_its_dimension(a, data):
    bank = a.bank
    candidates = [qid for qid, ans in a.answers.items() if ans.value == "dont_know" or (isinstance(ans.value, int) and ans.value < 4)]
    if not candidates:
        return
    qid = data.draw(st.sampled_from(sorted(candidates)))
    current = a.value(qid)
    low = -1 if current == "dont_know" else current
    new = data.draw(st.integers(low + 1, 4))
    dim = bank.question(qid).dimension
    before = a.evaluate().scores.dimensions.at[dim, "score"]
    a.answer(qid, new)
    after = a.evaluate().scores.dimensions.at[dim, "score"]
    if math.isnan(before):  # the question does not apply under this triage
        assert math.isnan(after)
    else:
        assert after >= before - 1e-12


@SETTINGS
@given(assessments(), st.data())
def test_better_evidence_never_lowers_its_dimension(a, data):
    answered = sorted(qid for qid, ans in a.answers.items() if ans.value is not None)
    if not answered:
        return
    qid = data.draw(st.sampled_from(answered))
    question = a.bank.question(qid)
    kinds = [k for k in EVIDENCE_KINDS[EVIDENCE_KINDS.index(a.answers[qid].evidence) :] if k in question.evidence_kinds]
    dim = question.dimension
    before = a.evaluate().scores.dimensions.at[dim, "score"]
    a.answer(qid, evidence=data.draw(st.sampled_from(kinds)))
    after = a.evaluate().scores.dimensions.at[dim, "score"]
    assert (math.isnan(before) and math.isnan(after)) or after >= before - 1e-12


@SETTINGS
@given(st.data())
def test_score_many_equals_single_scoring(data):
    bank = data.draw(banks())
    group = data.draw(st.lists(assessments(bank), min_size=1, max_size=6))
    answers, evidence, triage = answers_frame(group)
    # exercise the string codes as well as the numeric ones
    if data.draw(st.booleans()):
        answers = answers.astype(object).replace({-1.0: "na", -2.0: "dont_know"})
    target = data.draw(st.sampled_from([None, *[t.id for t in bank.targets]]))
    many = score_many(answers.reset_index(drop=True), bank, evidence=evidence.reset_index(drop=True), triage=triage.reset_index(drop=True), target=target)
    for i, a in enumerate(group):
        s = a.evaluate(target).scores if target else score_default_target(a)
        row = many.iloc[i]
        for d in bank.dimension_ids:
            np.testing.assert_allclose(row[f"score_{d}"], s.dimensions.at[d, "score"], atol=1e-12, rtol=0)
            np.testing.assert_allclose(row[f"coverage_{d}"], s.dimensions.at[d, "coverage"], atol=1e-12, rtol=0)
            np.testing.assert_allclose(row[f"gap_{d}"], s.dimensions.at[d, "gap"], atol=1e-12, rtol=0)
        assert row["mean"] == pytest.approx(s.mean, abs=1e-12)
        assert row["weakest"] == pytest.approx(s.weakest, abs=1e-12)
        assert row["status"] == s.verdict.status


def score_default_target(a):
    """score_many without a target uses the triage's choice, not the file's own target."""
    a.target = None
    return a.evaluate().scores


@SETTINGS
@given(
    st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=3),
    st.sampled_from(["==", "!=", "in", "not in"]),
    st.sampled_from(["and", "or"]),
    st.booleans(),
    st.fixed_dictionaries({"x": st.sampled_from(["a", "b", "c"]), "y": st.sampled_from(["a", "b", "c"])}),
)
def test_conditions_agree_with_python(values, op, joiner, negate, triage):
    """The walker gives the answer Python itself would give on the same (trusted, generated) text."""
    right = repr(values[0]) if op in ("==", "!=") else repr(values)
    text = f"x {op} {right} {joiner} y {op} {right}"
    if negate:
        text = f"not ({text})"
    expected = _python_truth(text, triage)
    assert parse_condition(text, {"x": {"a", "b", "c"}, "y": {"a", "b", "c"}})(triage) is expected


def _python_truth(text: str, triage: dict) -> bool:
    import ast

    # the reference is computed with ast + operator, never eval, on text we generated ourselves
    tree = ast.parse(text, mode="eval").body

    def walk(node):
        if isinstance(node, ast.BoolOp):
            vals = [walk(v) for v in node.values]
            return all(vals) if isinstance(node.op, ast.And) else any(vals)
        if isinstance(node, ast.UnaryOp):
            return not walk(node.operand)
        left = triage[node.left.id]
        right = ast.literal_eval(node.comparators[0])
        op = node.ops[0]
        return {ast.Eq: left == right, ast.NotEq: left != right, ast.In: left in right, ast.NotIn: left not in right}[type(op)]

    return walk(tree)
