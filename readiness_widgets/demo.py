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


# ---- a demo portfolio: a dozen pilots of one organisation, each assessed two or three times ----

DEMO_SEED = 15
# name, business unit, owner, triage, target (None: the triage decides), maturity per dimension
_PORTFOLIO = [
    ("Customer churn predictor", "Retail banking", "Priya Raman",
     {"deployment": "online", "affects_people": "yes"}, "production",
     {"data": 2.9, "model": 2.8, "infrastructure": 2.0, "team": 2.6, "governance": 2.2, "business": 2.8}),
    ("Mortgage document reader", "Retail banking", "Priya Raman",
     {"deployment": "batch", "regulated": "yes", "third_party_model": "yes"}, "production",
     {"data": 2.6, "model": 2.7, "infrastructure": 1.6, "team": 2.4, "governance": 2.3, "business": 3.0}),
    ("Credit limit advisor", "Retail banking", "Daniel Osei",
     {"deployment": "online", "criticality": "severe", "risk_tier": "high", "customer_facing": "yes",
      "regulated": "yes", "fria_scope": "yes"}, None,
     {"data": 3.0, "model": 2.9, "infrastructure": 2.2, "team": 2.8, "governance": 2.4, "business": 3.1}),
    ("Support reply assistant", "Customer service", "Lena Okafor",
     {"deployment": "generative", "risk_tier": "limited", "customer_facing": "yes", "affects_people": "no",
      "third_party_model": "yes"}, None,
     {"data": 2.0, "model": 1.9, "infrastructure": 2.7, "team": 2.9, "governance": 1.8, "business": 3.0}),
    ("Call summary generator", "Customer service", "Lena Okafor",
     {"deployment": "generative", "criticality": "low", "affects_people": "no", "third_party_model": "yes",
      "prohibited_practice": "not_screened"}, "pilot",
     {"data": 2.2, "model": 2.3, "infrastructure": 1.8, "team": 2.4, "governance": 1.9, "business": 2.6}),
    ("Complaint router", "Customer service", "Marc Dubois",
     {"deployment": "online", "affects_people": "no"}, "production",
     {"data": 3.5, "model": 3.4, "infrastructure": 3.3, "team": 3.4, "governance": 3.3, "business": 3.5}),
    ("Claims fraud scorer", "Insurance", "Sofia Lindqvist",
     {"deployment": "batch", "regulated": "yes"}, "production",
     {"data": 3.6, "model": 3.5, "infrastructure": 3.3, "team": 3.3, "governance": 3.4, "business": 3.4}),
    ("Claims triage assistant", "Insurance", "Sofia Lindqvist",
     {"deployment": "generative", "risk_tier": "limited", "third_party_model": "yes"}, None,
     {"data": 1.9, "model": 2.0, "infrastructure": 1.4, "team": 2.2, "governance": 1.6, "business": 2.5}),
    ("Underwriting price model", "Insurance", "Tom Becker",
     {"deployment": "batch", "criticality": "severe", "risk_tier": "high", "regulated": "yes", "fria_scope": "yes"}, None,
     {"data": 3.0, "model": 3.2, "infrastructure": 2.4, "team": 2.9, "governance": 2.6, "business": 3.0}),
    ("Demand forecaster", "Operations", "Amara Nwosu",
     {"deployment": "batch", "affects_people": "no", "personal_data": "no"}, "production",
     {"data": 3.7, "model": 3.6, "infrastructure": 3.4, "team": 3.5, "governance": 3.3, "business": 3.7}),
    ("Invoice matcher", "Operations", "Amara Nwosu",
     {"deployment": "batch", "criticality": "low", "affects_people": "no", "personal_data": "no"}, "pilot",
     {"data": 2.4, "model": 2.2, "infrastructure": 1.5, "team": 2.1, "governance": 1.7, "business": 2.7}),
    ("Campaign audience model", "Marketing", None,
     {"deployment": "batch", "prohibited_practice": "not_screened"}, "production",
     {"data": 2.3, "model": 2.5, "infrastructure": 1.3, "team": 1.9, "governance": 1.5, "business": 2.4}),
]
_PORTFOLIO_RESPONDENTS = {
    "Retail banking": ["Priya Raman (data science)", "Jonas Weber (platform)"],
    "Customer service": ["Lena Okafor (ML engineering)", "Marc Dubois (customer service)"],
    "Insurance": ["Sofia Lindqvist (data science)", "Ravi Shah (compliance)"],
    "Operations": ["Amara Nwosu (data science)", "Kai Müller (platform)"],
    "Marketing": ["Chloé Martin (marketing analytics)"],
}
# the first revision of every pilot falls in this window; later ones follow every 8-14 weeks
_PORTFOLIO_START = datetime(2026, 1, 12, 9, 0, tzinfo=timezone.utc)
_PORTFOLIO_END = datetime(2026, 11, 20, 17, 0, tzinfo=timezone.utc)


def _slug(name: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split())


def demo_portfolio(bank: Bank | None = None, *, seed: int = DEMO_SEED) -> list[list[Assessment]]:
    """A dozen pilots of one organisation, each assessed two or three times: each pilot's
    assessments, oldest first. The same ``seed`` gives the same portfolio.

    Answers are drawn from the bank (no question id is written here): every pilot has its own
    maturity per dimension and its own noise, the organisation has a few weaknesses that most
    pilots share (the shared blockers), and each revision answers more questions, a little better.
    """
    import random

    bank = bank if bank is not None else load_bank()
    rng = random.Random(seed)  # noqa: S311 - a reproducible demo, not a secret
    triage_ids = {t.id: {o.value for o in t.options} for t in bank.triage}
    targets = {t.id for t in bank.targets}
    # what the whole organisation is weak at: a few questions per dimension, a level lower everywhere
    shared = {q.id: -1.0 for q in bank.questions if rng.random() < 0.2}
    out = []
    for name, unit, owner, triage, target, profile in _PORTFOLIO:
        triage = {t: v for t, v in {**DEMO_TRIAGE, **triage}.items() if t in triage_ids and v in triage_ids[t]}
        target = target if target in targets else None
        noise = {q.id: rng.gauss(0, 0.55) for q in bank.questions}
        order = {q.id: rng.random() for q in bank.questions}  # which questions get answered first
        revisions = 2 + (rng.random() < 0.6)
        span = (_PORTFOLIO_END - _PORTFOLIO_START).days
        last = _PORTFOLIO_END - timedelta(days=rng.randint(0, span // 5), hours=rng.randint(0, 8))
        stamps = [last]
        for _ in range(revisions - 1):
            stamps.insert(0, stamps[0] - timedelta(weeks=rng.randint(9, 15), hours=rng.randint(0, 8)))
        history = []
        mature = sum(profile.values()) / len(profile) >= 3.2
        # a mature pilot's last assessment also clears the bank's knock-outs for its target
        floors = bank.resolve_target(target, bank.triage_with_defaults(triage)).floors if mature else {}
        for r, when in enumerate(stamps):
            progress = (0.72, 0.88, 1.0)[r + 3 - revisions]
            last = r == len(stamps) - 1
            answered_share = (0.7, 0.9, 1.01 if mature else 0.97)[r + 3 - revisions]
            a = Assessment.new(name, bank=bank, respondents=_PORTFOLIO_RESPONDENTS[unit], target=target,
                               triage=triage, business_unit=unit, owner=owner)
            for q in bank.questions:
                if not bank.applies(q.id, triage) or order[q.id] > answered_share:
                    continue
                if order[q.id] > answered_share - 0.02 and answered_share <= 1:
                    a.answer(q.id, "dont_know")
                    continue
                raw = profile.get(q.dimension, 2.0) * progress + shared.get(q.id, 0.0) + noise[q.id]
                level = int(min(4, max(0, round(raw))))
                evidence = _evidence(q, level, 0.5 + noise[q.id])
                if last and q.id in floors and level <= floors[q.id]:
                    level = max(level, floors[q.id])
                    evidence = _evidence(q, max(level, 3), 1.0)  # shown: a run or a sign-off
                a.answer(q.id, level, evidence=evidence)
            a.data.created = when - timedelta(days=10)
            a.data.updated = when
            history.append(a)
        out.append(history)
    return out


def portfolio_file_names(histories: list[list[Assessment]]) -> list[list[str]]:
    """The file names :func:`write_demo_portfolio` gives each pilot's assessments: ``slug-YYYY-MM-DD.json``."""
    return [[f"{_slug(a.pilot)}-{a.data.updated:%Y-%m-%d}.json" for a in history] for history in histories]


def write_demo_portfolio(folder: str | Path, bank: Bank | None = None, *, seed: int = DEMO_SEED,
                         force: bool = False) -> list[Path]:
    """Write :func:`demo_portfolio` as a folder: one file per assessment, a pilot's files its history."""
    folder = Path(folder)
    histories = demo_portfolio(bank, seed=seed)
    names = portfolio_file_names(histories)
    existing = [folder / n for group in names for n in group if (folder / n).exists()]
    if existing and not force:
        raise FileExistsError(f"{existing[0]} exists; pass force=True to replace the demo files")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for history, group in zip(histories, names, strict=True):
        for a, name in zip(history, group, strict=True):
            written.append(a.save(folder / name, force=True))
    return written


def demo_portfolio_histories(bank: Bank | None = None, *, seed: int = DEMO_SEED):
    """:func:`demo_portfolio` as store histories (:class:`~readiness_widgets.store.PilotHistory`):
    each pilot's key is the slug of its name, each assessment a revision saved at its ``updated``
    moment by its first respondent, from an import."""
    from .store import PilotHistory, Revision
    from .store.base import changes_between, doc_signature

    out = []
    for history in demo_portfolio(bank, seed=seed):
        key, revisions, before = _slug(history[-1].pilot), [], None
        for number, a in enumerate(history, start=1):
            doc = a.to_dict()
            revisions.append(Revision(
                pilot=key, number=number, base=number - 1 or None, saved_at=a.data.updated,
                saved_by=(a.respondents or ["unknown"])[0], source="import", changes=changes_between(before, doc),
                signature=doc_signature(doc), name=a.pilot, document=doc,
            ))
            before = doc
        out.append(PilotHistory(key, tuple(revisions)))
    return out


def write_demo_store(store, bank: Bank | None = None, *, seed: int = DEMO_SEED) -> tuple[int, int]:
    """Write :func:`demo_portfolio` into a store (an open one, or its URL) as real revisions, with
    their dates: (pilots, revisions) written. All or nothing; refused if one of the pilots is
    there already (a store never rewrites history)."""
    from .store import Store, open_store

    opened = store if isinstance(store, Store) else open_store(store, create=True)
    try:
        histories = demo_portfolio_histories(bank, seed=seed)
        return len(histories), opened.import_history(histories)
    finally:
        if opened is not store:
            opened.close()


PACKAGE = Path(__file__).resolve().parent
DASHBOARD_NOTEBOOK = "readiness_dashboard.ipynb"
PORTFOLIO_NOTEBOOK = "portfolio.ipynb"


def dashboards_dir() -> Path:
    """The folder of the Voila notebooks: inside the wheel, or ``dashboards/`` of a source tree."""
    for candidate in (PACKAGE / "_dashboards", PACKAGE.parent / "dashboards"):
        if (candidate / DASHBOARD_NOTEBOOK).is_file():
            return candidate
    raise FileNotFoundError("the dashboard notebooks are not installed with this copy of readiness-widgets")


def demo_folder() -> Path:
    """The bundled demo assessments (two pilots, one with an earlier assessment)."""
    return dashboards_dir() / "assessments"


def demo_portfolio_folder() -> Path:
    """The bundled demo portfolio (a dozen pilots, two or three assessments each)."""
    return dashboards_dir() / "portfolio"


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
