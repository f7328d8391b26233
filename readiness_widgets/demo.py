"""A realistic, deterministic demo assessment: a partly answered pilot.

The answers are derived from the bank itself (no hard-coded question ids), so the demo stays
valid when the bank grows. Used by the docs, the tests and the dashboard.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

from .assessment import Assessment
from .bank import Bank, load_bank

DEMO_PILOT = "Customer churn predictor"
DEMO_RESPONDENTS = ["Priya Raman (data science)", "Tom Becker (product)"]
DEMO_TRIAGE = {"deployment": "online", "risk_tier": "limited", "customer_facing": "no", "regulated": "no"}

# typical of a pilot: strong data science, thin infrastructure and governance
_PROFILE = {"data": 2.6, "model": 2.4, "infrastructure": 1.3, "team": 2.0, "governance": 1.0, "business": 2.2}
_NOTES = {
    "data": "Nightly load from the warehouse; checks exist but run by hand before retraining.",
    "model": "Baseline AUC 0.81 on the March holdout; no agreed degradation threshold yet.",
    "infrastructure": "Served from a single VM; deploys are manual.",
    "governance": "Ethics review booked for next quarter.",
}


def _unit(key: str) -> float:
    """A stable pseudo-random number in [0, 1) from a string."""
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) / 0x1_0000_0000


def demo_assessment(
    bank: Bank | None = None,
    *,
    pilot: str = DEMO_PILOT,
    progress: float = 1.0,
    when: datetime | None = None,
) -> Assessment:
    """Build the demo. ``progress`` < 1 gives an earlier, less mature state of the same pilot."""
    bank = bank if bank is not None else load_bank()
    triage = {k: v for k, v in DEMO_TRIAGE.items() if k in {t.id for t in bank.triage}}
    a = Assessment.new(pilot, bank=bank, respondents=DEMO_RESPONDENTS, target="production", triage=triage)
    noted: set[str] = set()
    for q in bank.questions:
        u = _unit(q.id)
        if u < 0.12:
            continue  # not answered yet
        base = _PROFILE.get(q.dimension, 2.0) * progress
        if u > 0.95:
            a.answer(q.id, "dont_know")
            continue
        if q.allow_na and u > 0.9:
            a.answer(q.id, "na", notes="Not relevant for a nightly batch feature store.")
            continue
        level = int(min(4, max(0, round(base + (u - 0.5) * 2.2))))
        evidence = "automated" if level >= 3 and u > 0.55 else "manual" if level >= 2 else "none"
        notes = ""
        if q.dimension in _NOTES and q.dimension not in noted:
            notes = _NOTES[q.dimension]
            noted.add(q.dimension)
        a.answer(q.id, level, evidence=evidence, notes=notes or None)
    stamp = when or datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc)
    a.data.created = stamp - timedelta(days=21)
    a.data.updated = stamp
    return a


def demo_history(bank: Bank | None = None) -> list[Assessment]:
    """Two assessments of the demo pilot, six weeks apart: earlier first."""
    later = demo_assessment(bank)
    earlier = demo_assessment(bank, progress=0.7, when=later.data.updated - timedelta(weeks=6))
    earlier.data.created = earlier.data.updated - timedelta(days=7)
    return [earlier, later]
