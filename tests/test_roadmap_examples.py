"""The three example roadmaps of docs/roadmaps.md: typical pilots take three to six months."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from test_scenarios import build

from readiness_widgets.demo import ASSISTANT, demo_assessment, demo_history

SCENARIOS = Path(__file__).parent / "scenarios"


def credit_model():
    return build(yaml.safe_load((SCENARIOS / "high_risk_no_governance.yaml").read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    ("make", "weeks"),
    [
        (lambda: demo_history()[0], 24),
        (lambda: demo_assessment(**ASSISTANT), 17),
        (credit_model, 18),
    ],
    ids=["churn-six-weeks-earlier", "support-assistant", "high-risk-credit"],
)
def test_a_typical_pilot_takes_three_to_six_months(make, weeks):
    road = make().roadmap()
    assert 13 <= road.total_weeks <= 26, road.summary_frame()  # 3 to 6 months of 4.345 weeks
    assert road.total_weeks == weeks  # the figure docs/roadmaps.md quotes
    assert road.total_weeks_low < road.total_weeks < road.total_weeks_high
