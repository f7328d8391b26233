"""Control tags: every tag of the bundled bank is an id of its framework's catalogue
(readiness_widgets/banks/controls.yaml, checked against NIST AI 100-1, the ML Test Score paper,
Regulation (EU) 2024/1689, the GDPR and ISO/IEC 42001), and the legal tags appear only where they
apply."""

from __future__ import annotations

import itertools
import re

import pytest

from readiness_widgets.controls import check_tag, framework_of, frameworks, title_of

NIST_SUBCATEGORIES = {  # NIST AI 100-1, Tables 1-4: subcategories per category
    "GOVERN": [7, 3, 2, 3, 2, 2],
    "MAP": [6, 3, 5, 2, 2],
    "MEASURE": [3, 13, 3, 3],
    "MANAGE": [4, 4, 2, 3],
}


def catalogue(prefix):
    return next(f for f in frameworks() if f.prefix == prefix)


def test_nist_ai_rmf_ids_are_the_72_subcategories():
    ids = set(catalogue("NIST AI RMF").ids)
    expected = {
        f"{function} {category}.{sub}"
        for function, counts in NIST_SUBCATEGORIES.items()
        for category, count in enumerate(counts, 1)
        for sub in range(1, count + 1)
    }
    assert ids == expected
    assert len(ids) == 72


def test_ml_test_score_ids_are_the_28_tests():
    ids = set(catalogue("ML Test Score").ids)
    assert ids == {f"{section} {n}" for section, n in itertools.product(["Data", "Model", "Infra", "Monitor"], range(1, 8))}


def test_legal_ids_name_an_article_and_a_paragraph():
    for prefix in ("EU AI Act", "GDPR"):
        for control_id in catalogue(prefix).ids:
            # Art. 4 and Art. 16 have no numbered paragraphs
            assert re.fullmatch(r"Art\. \d+(\(\d+\)(\([a-z]\))?)?", control_id), control_id
            assert "(" in control_id or control_id in ("Art. 4", "Art. 16"), control_id
    assert all(re.fullmatch(r"(A\.)?\d+(\.\d+)+", c) for c in catalogue("ISO/IEC 42001").ids)


def test_every_tag_of_the_default_bank_is_in_the_catalogue(bank):
    tags = [t for q in bank.questions for t in q.controls]
    assert len(tags) > 150
    for q in bank.questions:
        for tag in q.controls:
            assert framework_of(tag.id) is not None, f"{q.id}: {tag.id!r} cites no known framework"
            assert check_tag(tag.id) is None, f"{q.id}: {check_tag(tag.id)}"
            assert title_of(tag.id)


@pytest.mark.parametrize(
    ("tag", "problem"),
    [
        ("NIST AI RMF GOVERN 1.8", "is not a known NIST AI RMF id"),
        ("ML Test Score Monitor 8", "is not a known ML Test Score id"),
        ("EU AI Act Art. 15", "is not a known EU AI Act id"),  # no paragraph
        ("ISO/IEC 42001", "names no ISO/IEC 42001 id"),
        ("ACME policy P-12", None),  # free text: not a framework we check
    ],
)
def test_check_tag(tag, problem):
    found = check_tag(tag)
    assert (found is None) if problem is None else (problem in found)


@pytest.mark.parametrize(
    ("qid", "wrong"),
    [  # tags the review found pointing at something else, gone for good
        ("data.pipeline_monitoring", "ML Test Score Monitor 1"),  # Monitor 1 is dependency notifications
        ("infrastructure.security", "ML Test Score Monitor 1"),
        ("model.registry", "NIST AI RMF GOVERN 1.6"),  # 1.6 is the organisation's AI inventory
        ("data.quality_checks", "NIST AI RMF MEASURE 2.1"),
        ("business.running_costs", "NIST AI RMF MAP 3.2"),  # 3.2 is the cost of errors
        ("team.ml_engineering", "NIST AI RMF GOVERN 3.1"),  # 3.1 is diversity in risk decisions
    ],
)
def test_the_reviewed_mistakes_are_gone(bank, qid, wrong):
    assert wrong not in [t.id for t in bank.question(qid).controls]


MINIMAL = {"risk_tier": "minimal", "deployment": "online", "ai_act_role": "provider_deployer", "fria_scope": "no"}
HIGH_RISK_ARTICLES = re.compile(r"EU AI Act Art\. (9|10|11|12|13|14|15|16|17|26|27|43|47|49|72|73|86)\(")


def test_high_risk_articles_only_on_high_risk_systems(bank):
    minimal = {q.id: q.controls_for(bank.triage_with_defaults(MINIMAL)) for q in bank.applicable_questions(MINIMAL)}
    assert not [(qid, t) for qid, tags in minimal.items() for t in tags if HIGH_RISK_ARTICLES.match(t)]
    high = bank.triage_with_defaults({**MINIMAL, "risk_tier": "high"})
    tags = {t for q in bank.applicable_questions(high) for t in q.controls_for(high)}
    assert {"EU AI Act Art. 9(1)", "EU AI Act Art. 12(1)", "EU AI Act Art. 14(4)", "EU AI Act Art. 15(5)"} <= tags


def test_the_fria_only_where_article_27_applies(bank):
    def fria(**triage):
        full = bank.triage_with_defaults({**MINIMAL, **triage})
        return bank.applies("governance.fria", full)

    assert not fria(risk_tier="high")  # a private company with no credit or insurance use
    assert not fria(risk_tier="high", fria_scope="yes", ai_act_role="provider")  # a deployer's duty
    assert not fria(risk_tier="limited", fria_scope="yes")
    assert fria(risk_tier="high", fria_scope="yes")
    assert fria(risk_tier="high", fria_scope="yes", ai_act_role="deployer")
    tags = {t for q in bank.questions for t in q.controls_for(bank.triage_with_defaults({**MINIMAL, "risk_tier": "high"}))}
    assert "EU AI Act Art. 27(1)" in {t.id for t in bank.question("governance.fria").controls}
    assert all("Art. 27" not in t for t in tags - {"EU AI Act Art. 27(1)", "EU AI Act Art. 27(3)"})
