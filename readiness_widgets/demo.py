"""A realistic, deterministic demo assessment: a partly answered pilot.

The answers are derived from the bank itself (no hard-coded question ids), so the demo stays
valid when the bank grows. Used by the docs, the tests and the dashboard.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

from .api import Assessment
from .bank import Bank, load_bank

DEMO_PILOT = "Customer churn predictor"
DEMO_RESPONDENTS = ["Priya Raman (data science)", "Tom Becker (product)"]
# an online churn score used by the retention team: internal, but it decides which customers get
# an offer; personal data; not an Annex III use (minimal legal risk); built and used in-house
DEMO_TRIAGE = {
    "deployment": "online",
    "criticality": "business",
    "customer_facing": "no",
    "affects_people": "yes",
    "personal_data": "yes",
    "risk_tier": "minimal",
    "ai_act_role": "provider_deployer",
    "fria_scope": "no",
    "prohibited_practice": "screened_none",
    "regulated": "no",
    "third_party_model": "no",
}

# typical of a pilot: strong data science, thin infrastructure and governance
_PROFILE = {"data": 2.6, "model": 2.4, "infrastructure": 1.3, "team": 2.0, "governance": 1.0, "business": 2.2}
_NOTES = {
    "data": "Features refreshed nightly from the warehouse and served from an online store; checks run by hand before retraining.",
    "model": "Baseline AUC 0.81 on the March holdout; no agreed degradation threshold yet.",
    "infrastructure": "Served from a single VM behind the CRM; deploys are manual.",
    "governance": "Impact assessment booked with the responsible-AI forum for next quarter.",
}
# questions that do not apply to the churn model, and why (the bank must allow N/A for them)
_NOT_APPLICABLE = {
    "business.vendor_and_licensing": "No third-party models, APIs or licensed data: trained in-house on warehouse data.",
}


def _unit(key: str) -> float:
    """A stable pseudo-random number in [0, 1) from a string."""
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) / 0x1_0000_0000


def _evidence(question, level: int, u: float) -> str:
    """Evidence that fits the question: claims of level 3 and above are shown (a run or a sign-off) more
    often than not; level 2 by an artefact; below that, the respondent's word."""
    if level >= 3 and u > 0.4:
        return "automated" if "automated" in question.evidence_kinds else "reviewed"
    return "manual" if level >= 2 else "none"


def demo_assessment(
    bank: Bank | None = None,
    *,
    pilot: str = DEMO_PILOT,
    progress: float = 1.0,
    when: datetime | None = None,
    triage: dict[str, str] | None = None,
    profile: dict[str, float] | None = None,
    notes: dict[str, str] | None = None,
    not_applicable: dict[str, str] | None = None,
    respondents: list[str] | None = None,
    target: str | None = "production",
) -> Assessment:
    """Build the demo. ``progress`` < 1 gives an earlier, less mature state of the same pilot."""
    bank = bank if bank is not None else load_bank()
    wanted = DEMO_TRIAGE if triage is None else triage
    triage = {k: v for k, v in wanted.items() if k in {t.id for t in bank.triage}}
    profile = _PROFILE if profile is None else profile
    notes_by_dimension = _NOTES if notes is None else notes
    na_reasons = _NOT_APPLICABLE if not_applicable is None else not_applicable
    a = Assessment.new(
        pilot, bank=bank, respondents=respondents or DEMO_RESPONDENTS, target=target, triage=triage
    )
    noted: set[str] = set()
    with a.batch():
        for q in bank.questions:
            if not bank.applies(q.id, triage):
                continue
            if q.allow_na and q.id in na_reasons:
                a.answer(q.id, "na", notes=na_reasons[q.id])
                continue
            u = _unit(q.id)
            if u < 0.08 * progress + 0.12 * (1 - progress) or (progress < 1 and u < 0.2):
                continue  # not answered yet
            if u > 0.96:
                a.answer(q.id, "dont_know")
                continue
            base = profile.get(q.dimension, 2.0) * progress
            level = int(min(4, max(0, round(base + (u - 0.5) * 2.2))))
            note = ""
            if q.dimension in notes_by_dimension and q.dimension not in noted:
                note = notes_by_dimension[q.dimension]
                noted.add(q.dimension)
            a.answer(q.id, level, evidence=_evidence(q, level, u), notes=note or None)
    stamp = when or datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc)
    a.data.created = stamp - timedelta(days=21)
    a.data.updated = stamp
    return a


def demo_history(bank: Bank | None = None, **kw) -> list[Assessment]:
    """Two assessments of the demo pilot, six weeks apart: earlier first."""
    later = demo_assessment(bank, **kw)
    earlier = demo_assessment(bank, progress=0.7, when=later.data.updated - timedelta(weeks=6), **kw)
    earlier.data.created = earlier.data.updated - timedelta(days=7)
    return [earlier, later]


# A second pilot for the dashboard's demo folder: a generative assistant in front of customers.
ASSISTANT = {
    "pilot": "Support reply assistant",
    "respondents": ["Lena Okafor (ML engineering)", "Marc Dubois (customer service)"],
    # drafts replies that agents send to customers; built on a hosted LLM; Art. 50 duties apply
    "triage": {
        "deployment": "generative",
        "criticality": "business",
        "customer_facing": "yes",
        "affects_people": "no",
        "personal_data": "yes",
        "risk_tier": "limited",
        "ai_act_role": "provider_deployer",
        "fria_scope": "no",
        "prohibited_practice": "screened_none",
        "regulated": "no",
        "third_party_model": "yes",
    },
    "profile": {"data": 1.8, "model": 1.6, "infrastructure": 2.6, "team": 2.8, "governance": 1.4, "business": 2.9},
    "notes": {
        "model": "Answers graded weekly by two agents on 200 tickets; no automated regression set yet.",
        "governance": "Users are told replies are drafted by AI; red-teaming planned.",
        "business": "Handling time down 18% in the pilot team (4 weeks, 12 agents).",
    },
    "not_applicable": {
        "data.training_serving_skew": "Prompts a hosted model with the ticket text: no feature engineering.",
        "data.feature_value": "No engineered features: the ticket text goes to the hosted model as it is.",
        "data.feature_catalogue": "No engineered features: the ticket text goes to the hosted model as it is.",
        "data.leakage": "No engineered features: the ticket text goes to the hosted model as it is.",
        "data.label_quality": "Nothing is trained on labels; the evaluation set is graded by agents (see model).",
        "model.hyperparameter_tuning": "Nothing is trained: the application prompts a hosted model.",
    },
    "target": None,
    "when": datetime(2026, 10, 28, 15, 0, tzinfo=timezone.utc),
}


PACKAGE = Path(__file__).resolve().parent
DASHBOARD_NOTEBOOK = "readiness_dashboard.ipynb"


def dashboards_dir() -> Path:
    """The folder of the Voila notebooks: inside the wheel, or ``dashboards/`` of a source tree."""
    for candidate in (PACKAGE / "_dashboards", PACKAGE.parent / "dashboards"):
        if (candidate / DASHBOARD_NOTEBOOK).is_file():
            return candidate
    raise FileNotFoundError("the dashboard notebooks are not installed with this copy of readiness-widgets")


def demo_folder() -> Path:
    """The bundled demo assessments (two pilots, one with an earlier assessment)."""
    return dashboards_dir() / "assessments"


def write_demo_folder(folder: str | Path, bank: Bank | None = None, *, force: bool = False) -> list[Path]:
    """Write the dashboard's demo folder: the churn pilot (now and six weeks ago) and the assistant."""
    folder = Path(folder)
    files = ("churn-predictor-2026-09.json", "churn-predictor-2026-11.json", "support-reply-assistant.json")
    existing = [folder / name for name in files if (folder / name).exists()]
    if existing and not force:
        raise FileExistsError(f"{existing[0]} exists; pass force=True to replace the demo files")
    folder.mkdir(parents=True, exist_ok=True)
    earlier, later = demo_history(bank)
    assistant = demo_assessment(bank, **ASSISTANT)
    written = []
    for name, a in zip(files, (earlier, later, assistant), strict=True):
        written.append(a.save(folder / name, force=True))
    return written


# ---- a team assessment: four people answer the churn pilot on their own -----------------------

TEAM_DEMO = "team-demo"
TEAM_MEMBERS = (
    # name, role, how they see each dimension (a shift from the demo's profile), what they answered
    ("Priya Raman", "data_science", {"data": 0.4, "model": 0.6, "infrastructure": 0.8, "governance": 0.6}, 1.0),
    ("Jonas Weber", "platform", {"data": -0.3, "model": -0.8, "infrastructure": -0.4, "team": -0.2}, 0.9),
    ("Tom Becker", "product", {"business": 0.5, "team": 0.4}, 0.75),
    ("Amara Nwosu", "compliance", {"governance": -0.2, "data": -0.5}, 0.8),
)


def demo_team(folder: str | Path, bank: Bank | None = None, *, force: bool = False) -> Path:
    """Write a team folder for the demo pilot: four respondents who disagree here and there, and
    two answers their facilitator has already agreed on."""
    from .team import CONSENSUS, TeamFolder, aggregate, slug

    folder = Path(folder)
    bank = bank if bank is not None else load_bank()
    if folder.exists() and any(not p.name.startswith(".") for p in folder.iterdir()):
        if not force:
            raise FileExistsError(f"{folder} is not empty; pass force=True to replace the demo team")
        for name in [CONSENSUS, *(f"{slug(m[0])}.json" for m in TEAM_MEMBERS)]:
            (folder / name).unlink(missing_ok=True)
    stamp = datetime(2026, 11, 20, 16, 0, tzinfo=timezone.utc)
    team = TeamFolder.create(folder, DEMO_PILOT, bank=bank, target="production", triage=DEMO_TRIAGE)
    for k, (name, role, shift, share) in enumerate(TEAM_MEMBERS):
        profile = {d: v + shift.get(d, 0.0) for d, v in _PROFILE.items()}
        own = demo_assessment(bank, profile=profile, respondents=[name], notes={}, when=stamp - timedelta(days=3 - k))
        member = team.open_member(name, role)
        with member.batch():
            for qid, ans in own.answers.items():
                if _unit(f"{name}/{qid}") < share and bank.asks(qid, role):
                    member.answer(qid, ans.value, evidence=ans.evidence)
        _member_notes(member, name)
        member.data.created = stamp - timedelta(days=10)
        member.data.updated = stamp - timedelta(days=3 - k)
        member.save()
    consensus = team.open_consensus()
    flagged = list(aggregate(team.load()).disagreements.index)  # the facilitator settled two of them
    monitoring = "model.performance_monitoring"
    first = monitoring if monitoring in flagged else flagged[0]
    second = next(qid for qid in flagged if qid != first)
    consensus.agree(first, 2, evidence="manual", by="Sam Ortiz (facilitator)",
                    reason="Agreed in the review: the thresholds are written down and quality is measured weekly by hand "
                    "against outcomes, but nothing alerts when they are crossed.")
    consensus.agree(second, 2, evidence="manual", by="Sam Ortiz (facilitator)",
                    reason="Agreed in the review: written down and done by hand; nothing checks it automatically yet.")
    for qid, agreed in consensus.agreements.items():  # a fixed date: the demo files do not change
        consensus.data.agreements[qid] = agreed.model_copy(update={"agreed_at": stamp - timedelta(hours=1)})
    consensus.data.created = stamp - timedelta(days=10)
    consensus.data.updated = stamp
    consensus.save()
    for lock in folder.glob(".*.lock"):  # the saves' lock files: not part of the demo
        lock.unlink()
    return folder


_MEMBER_NOTES = {
    "Priya Raman": ("model.", "Holdout AUC 0.81; drift checks run in the training notebook."),
    "Jonas Weber": ("infrastructure.", "Nothing pages us when the endpoint fails; deploys are by hand."),
    "Tom Becker": ("business.", "Retention team agreed the success metric in October."),
    "Amara Nwosu": ("governance.", "DPIA not started; the data protection officer asked for it."),
}


def _member_notes(member: Assessment, name: str) -> None:
    prefix, text = _MEMBER_NOTES[name]
    for qid, ans in member.answers.items():
        if qid.startswith(prefix) and isinstance(ans.value, int):
            member.answer(qid, notes=text)
            return


def demo_team_folder() -> Path:
    """The bundled demo team folder (the churn pilot answered by four people)."""
    return dashboards_dir() / TEAM_DEMO
