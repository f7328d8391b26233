"""The condition language of ``applies_if`` and target rules: parsed, never evaluated."""

from __future__ import annotations

import pytest

from readiness_widgets.conditions import MAX_CONDITION_LENGTH, ConditionError, parse_condition

OPTIONS = {"deployment": {"batch", "online", "generative"}, "risk_tier": {"minimal", "limited", "high"}, "regulated": {"yes", "no"}}


@pytest.mark.parametrize(
    ("text", "triage", "expected"),
    [
        ("deployment == 'online'", {"deployment": "online"}, True),
        ("deployment == 'online'", {"deployment": "batch"}, False),
        ("deployment != 'batch'", {"deployment": "generative"}, True),
        ("deployment in ['online', 'generative']", {"deployment": "online"}, True),
        ("deployment in ('online', 'generative')", {"deployment": "batch"}, False),
        ("deployment in {'online'}", {"deployment": "online"}, True),
        ("deployment not in ['batch']", {"deployment": "batch"}, False),
        ("risk_tier == 'high' and regulated == 'yes'", {"risk_tier": "high", "regulated": "no"}, False),
        ("risk_tier == 'high' or regulated == 'yes'", {"risk_tier": "minimal", "regulated": "yes"}, True),
        ("not (risk_tier == 'high')", {"risk_tier": "high"}, False),
        ("(deployment == 'online' or deployment == 'generative') and not regulated == 'no'", {"deployment": "generative", "regulated": "yes"}, True),
        ("  deployment == 'online'  ", {"deployment": "online"}, True),
        ('deployment == "online"', {"deployment": "online"}, True),
        ("deployment == 'online'", {}, False),  # an absent answer matches nothing
        ("deployment != 'online'", {}, True),
    ],
)
def test_conditions_evaluate(text, triage, expected):
    assert parse_condition(text, OPTIONS)(triage) is expected
    assert parse_condition(text)(triage) is expected  # the same without the option check


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("__import__('os')", "unsupported expression"),
        ("__import__('os').system('touch pwned') == 'x'", "must be a triage id"),
        ("deployment.upper() == 'ONLINE'", "must be a triage id"),
        ("deployment == open('x')", "expected a quoted string"),
        ("deployment == ().__class__", "expected a quoted string"),
        ("deployment[0] == 'o'", "must be a triage id"),
        ("(lambda: 1)()", "unsupported expression"),
        ("deployment == 'online' == 'batch'", "unsupported expression"),
        ("deployment < 'online'", "unsupported comparison"),
        ("deployment == 1", "expected a quoted string"),
        ("deployment == risk_tier", "expected a quoted string"),
        ("deployment in 'online'", "'in' needs a list of strings"),
        ("deployment in ['online', 1]", "expected a quoted string"),
        ("deployment", "unsupported expression"),
        ("'online' == deployment", "must be a triage id"),
        ("deployment = 'online'", "not a valid condition"),
        ("deployment == 'online' if True else False", "unsupported expression"),
        ("[x for x in ()]", "unsupported expression"),
        ("f'{deployment}' == 'x'", "must be a triage id"),
        ("", "expected a non-empty condition"),
        ("   ", "expected a non-empty condition"),
        ("deployment == '" + "x" * MAX_CONDITION_LENGTH + "'", "longer than"),
    ],
)
def test_rejected_forms(text, message):
    with pytest.raises(ConditionError) as info:
        parse_condition(text)
    assert message in str(info.value)


@pytest.mark.parametrize("value", [None, 3, ["deployment == 'online'"]])
def test_not_a_string(value):
    with pytest.raises(ConditionError, match="non-empty condition"):
        parse_condition(value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour == 'red'", "unknown triage id 'colour' (known: deployment, regulated, risk_tier)"),
        ("deployment == 'streaming'", "'deployment' has no option 'streaming' (options: batch, generative, online)"),
        ("risk_tier in ['high', 'extreme']", "'risk_tier' has no option 'extreme'"),
        ("deployment == 'online' and colour == 'red'", "unknown triage id 'colour'"),
        ("not regulated != 'maybe'", "'regulated' has no option 'maybe'"),
    ],
)
def test_unknown_ids_and_values_are_rejected_with_options(text, message):
    with pytest.raises(ConditionError) as info:
        parse_condition(text, OPTIONS)
    assert message in str(info.value)


def test_no_triage_at_all():
    with pytest.raises(ConditionError, match="known: none"):
        parse_condition("deployment == 'online'", {})


def test_conditions_are_not_evaluated_with_eval(tmp_path, monkeypatch):
    import builtins

    def forbidden(*args, **kwargs):
        raise AssertionError("eval/exec must not be used")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    cond = parse_condition("deployment in ['online'] and not risk_tier == 'high'", OPTIONS)
    assert cond({"deployment": "online", "risk_tier": "minimal"}) is True
