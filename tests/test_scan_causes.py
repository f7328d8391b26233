"""One test per systematic cause of wrong suggestions found when the scan was tried on real
repositories (issue 12), on small trees written here. Each test checks that the false suggestion
is gone and that the true one, from the evidence the level's anchor describes, is still there.

All use the bundled bank, whose ``suggest:`` rules are what users get.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from readiness_widgets import Assessment, load_bank
from readiness_widgets.evidence import apply_suggestions, scan, scan_assessment, scan_folder
from readiness_widgets.evidence.suggest import rule_warnings

PROSE = "This section says who does what and how, in enough words to be more than a title. "


@pytest.fixture(scope="module")
def bank():
    return load_bank()


def tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return root


def level(result, question):
    sug = result.suggestions.get(question)
    return None if sug is None else sug.level


def gha(*commands: str, on: str = "push", job: str = "test", extra: str = "") -> str:
    steps = "".join(f"      - run: {c}\n" for c in commands)
    return f"on: {on}\njobs:\n  {job}:\n    runs-on: ubuntu-latest\n{extra}    steps:\n{steps}"


# ---- bare keywords ---------------------------------------------------------------------------


def test_disable_rollback_is_not_a_rollback(tmp_path, bank):
    tree(tmp_path, {
        "deploy.sh": "aws cloudformation deploy --template-file t.yaml --disable-rollback\n",
        "docs/deploy.md": "# Deploy\n\n```bash\naws cloudformation create-stack --disable-rollback\n```\n",
    })
    result = scan(tmp_path, bank)
    assert "deploy.rollback" not in result.findings.signals
    assert level(result, "infrastructure.rollback") is None
    tree(tmp_path, {"Makefile": "rollback:\n\tkubectl rollout undo deployment/api\n"})
    result = scan(tmp_path, bank)
    assert [e.path for e in result.findings.signals["deploy.rollback"]] == ["Makefile"]
    assert level(result, "infrastructure.rollback") == 2


def test_a_library_named_in_a_ci_line_is_not_a_data_check(tmp_path, bank):
    tree(tmp_path, {".github/workflows/ci.yml": gha(
        "rm -r ./pandera", "pytest", extra="    env:\n      CODECOV_SLUG: acme/pandera\n")})
    result = scan(tmp_path, bank)
    assert "ci.data_checks" not in result.findings.signals
    assert level(result, "data.quality_checks") is None
    tree(tmp_path, {".github/workflows/data.yml": gha("great_expectations checkpoint run nightly", job="data")})
    result = scan(tmp_path, bank)
    evidence = result.findings.signals["ci.data_checks"][0]
    assert evidence.path == ".github/workflows/data.yml"
    assert "job `data`" in evidence.detail
    assert level(result, "data.quality_checks") == 2


def test_a_heading_inside_a_code_fence_is_not_a_heading(tmp_path, bank):
    tree(tmp_path, {"docs/ops.md": "# Operations\n\n```markdown\n# Rollback procedure\nsteps go here and here\n```\n"})
    assert "docs.rollback_plan" not in scan_folder(tmp_path).signals
    tree(tmp_path, {"docs/ops.md": f"# Operations\n\n## Rollback procedure\n\n{PROSE}\n"})
    found = scan_folder(tmp_path).signals
    assert found["docs.rollback_plan"][0].line == 3
    assert level(scan(tmp_path, bank), "infrastructure.rollback") == 2


def test_team_or_audit_in_a_heading_is_no_answer(tmp_path, bank):
    tree(tmp_path, {"README.md": f"# Churn\n\n{PROSE}\n\n## Team\n\n{PROSE}\n\n## Audit of the results\n\n{PROSE}\n"})
    result = scan(tmp_path, bank)
    assert level(result, "team.product_owner") is None
    assert level(result, "governance.compliance_checks") is None
    tree(tmp_path, {"docs/governance.md": f"# Governance\n\n## Product owner\n\n{PROSE}\n\n## Regulatory compliance\n\n"
                                          f"{PROSE} The GDPR applies to the customer records.\n"})
    result = scan(tmp_path, bank)
    assert level(result, "team.product_owner") == 2
    assert level(result, "governance.compliance_checks") == 2


def test_metric_inside_an_identifier_or_a_count_is_no_quality_threshold(tmp_path, bank):
    tree(tmp_path, {"tests/test_report.py": "def test_report(results, metrics_table):\n    assert len(results) > 0\n"
                                            "    assert metrics_table.count() > 3\n"})
    result = scan(tmp_path, bank)
    assert "tests.model_quality" not in result.findings.signals
    assert level(result, "infrastructure.pre_release_validation") is None
    tree(tmp_path, {"tests/test_model.py": "def test_auc(model, holdout):\n    auc = model.auc(holdout)\n    assert auc >= 0.8\n"})
    result = scan(tmp_path, bank)
    assert result.findings.signals["tests.model_quality"][0].path == "tests/test_model.py"
    assert level(result, "infrastructure.pre_release_validation") == 2  # a test threshold, not a gate in the pipeline


def test_a_code_scanner_is_no_dependency_scan(tmp_path, bank):
    codeql = "on: push\njobs:\n  analyze:\n    steps:\n      - uses: github/codeql-action/analyze@v3\n"
    tree(tmp_path, {".github/workflows/codeql.yml": codeql})
    result = scan(tmp_path, bank)
    assert "ci.security_scan" in result.findings.signals
    assert level(result, "infrastructure.dependency_updates") is None
    tree(tmp_path, {".github/workflows/audit.yml": gha("pip-audit -r requirements.txt")})
    result = scan(tmp_path, bank)
    assert level(result, "infrastructure.dependency_updates") == 2  # scanned in CI; no update pull requests


# ---- presence read as maturity ---------------------------------------------------------------


def test_one_drift_statistic_in_a_notebook_is_not_drift_monitoring(tmp_path, bank):
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 1,
         "source": "from scipy.stats import ks_2samp\nks_2samp(train, live)\n"}]}
    tree(tmp_path, {"explore.ipynb": json.dumps(nb)})
    sug = scan(tmp_path, bank)["model.drift_detection"]
    assert sug.level == 1
    assert sug.confirm
    assert sug.confidence_label == "low"
    tree(tmp_path, {"infra/monitor_stack.py": (
        "from aws_cdk import aws_sagemaker as sagemaker, aws_cloudwatch as cloudwatch\n"
        "schedule = sagemaker.CfnMonitoringSchedule(self, 'drift', monitoring_schedule_config=config)\n"
        "alarm = cloudwatch.CfnAlarm(self, 'DriftAlarm', threshold=0.4, metric_name='feature_baseline_drift')\n")})
    sug = scan(tmp_path, bank)["model.drift_detection"]
    assert sug.level == 3
    assert sug.evidence_kind == "automated"
    assert "infra/monitor_stack.py" in sug.why


def test_a_scheduled_example_test_workflow_is_not_retraining(tmp_path, bank):
    tree(tmp_path, {".github/workflows/examples.yml": gha("pytest examples/", on="{schedule: [{cron: '0 0 * * *'}]}")})
    result = scan(tmp_path, bank)
    assert "ci.trains_scheduled" not in result.findings.signals
    assert level(result, "model.retraining") is None
    assert level(result, "data.pipeline_reliability") is None
    tree(tmp_path, {".github/workflows/retrain.yml": "on:\n  schedule:\n    - cron: '0 3 * * 1'\njobs:\n  retrain:\n"
                                                      "    steps:\n      - run: python src/train.py --config prod.yaml\n"})
    result = scan(tmp_path, bank)
    assert result["model.retraining"].level == 3
    assert "job `retrain`" in result["model.retraining"].why


def test_an_assertion_on_a_count_is_no_release_gate(tmp_path, bank):
    tree(tmp_path, {"tests/test_pipeline.py": "def test_runs(results):\n    assert len(results) > 0\n"})
    assert level(scan(tmp_path, bank), "infrastructure.pre_release_validation") is None
    tree(tmp_path, {"pipelines/pipeline.py": (
        "from sagemaker.workflow.condition_step import ConditionStep\n"
        "from sagemaker.workflow.conditions import ConditionLessThanOrEqualTo\n"
        "gate = ConditionStep(name='CheckMSE', conditions=[ConditionLessThanOrEqualTo(left=mse, right=6.0)])\n")})
    result = scan(tmp_path, bank)
    assert result["infrastructure.pre_release_validation"].level == 3  # a threshold that stops a model, in the pipeline


def test_a_pydantic_import_is_not_schema_validation(tmp_path, bank):
    tree(tmp_path, {"src/app/config.py": "from pydantic import BaseModel\n\nclass Settings(BaseModel):\n    debug: bool = False\n"})
    assert level(scan(tmp_path, bank), "data.schema_validation") is None
    tree(tmp_path, {"src/app/schemas.py": "import pandera as pa\n\nInputs = pa.DataFrameSchema({'age': pa.Column(int, pa.Check.ge(0))})\n"})
    assert level(scan(tmp_path, bank), "data.schema_validation") == 2


def test_a_tracker_or_a_dvc_folder_is_no_prediction_log(tmp_path, bank):
    tree(tmp_path, {"train.py": "import wandb\nwandb.init()\n", ".dvc/config": "[core]\n", "data.csv.dvc": "outs:\n- md5: 1\n"})
    result = scan(tmp_path, bank)
    assert level(result, "infrastructure.prediction_logging") is None
    assert level(result, "model.experiment_tracking") == 2  # the tracker is evidence for tracking
    tree(tmp_path, {"deploy/endpoint.py": "from sagemaker.model_monitor import DataCaptureConfig\n"
                                          "capture = DataCaptureConfig(enable_capture=True, sampling_percentage=100)\n"})
    assert level(scan(tmp_path, bank), "infrastructure.prediction_logging") == 2


def test_a_readme_of_empty_headings_answers_nothing(tmp_path, bank):
    headings = ["Model card", "Runbook", "Incident response", "Rollback plan", "Ethics", "Risk assessment", "Privacy",
                "Fairness", "Compliance", "Success metrics", "ROI", "SLOs", "Limitations", "Architecture", "Ownership",
                "Monitoring plan", "Retraining", "Datasheet", "Security"]
    tree(tmp_path, {"README.md": "# Churn pilot\n\n" + "".join(f"## {h}\n\n" for h in headings)})
    result = scan(tmp_path, bank)
    docs = [q for q, s in result.suggestions.items() if any(sig.startswith("docs.") for sig in s.signals)]
    assert docs == []
    tree(tmp_path, {"README.md": f"# Churn pilot\n\n{PROSE}\n\n## Model card\n\n{PROSE}\n\n## Runbook\n\n{PROSE}\n"})
    result = scan(tmp_path, bank)
    assert level(result, "governance.documentation") == 2
    assert level(result, "team.operational_ownership") == 2


# ---- tests classified by path ------------------------------------------------------------------


def test_a_t_test_module_or_a_vendored_library_test_is_not_the_pilots_test(tmp_path, bank):
    tree(tmp_path, {
        "stats/t_test.py": "def t_test(a, b):\n    return (a - b) / 2\n",
        "vendor/somelib/tests/test_somelib.py": "def test_lib():\n    assert 1 + 1 == 2\n",
        "main.py": "print('hi')\n",
    })
    result = scan(tmp_path, bank)
    assert result["infrastructure.automated_tests"].level == 0
    assert "tests.none" in result.findings.signals
    tree(tmp_path, {"tests/test_features.py": "from app import scale\n\ndef test_scale():\n    assert scale(10) == 1\n"})
    result = scan(tmp_path, bank)
    assert result["infrastructure.automated_tests"].level == 1
    assert "tests.none" not in result.findings.signals


def test_placeholder_tests_are_not_tests(tmp_path, bank):
    tree(tmp_path, {"tests/test_pipelines.py": "import pytest\n\n@pytest.mark.xfail\ndef test_that_you_wrote_tests():\n"
                                               "    assert False, 'No tests written'\n\n\ndef test_todo():\n    pass\n",
                    ".github/workflows/ci.yml": gha("pytest")})
    result = scan(tmp_path, bank)
    assert not result.findings.has("tests.present")
    sug = result["infrastructure.automated_tests"]
    assert (sug.level, sug.capped_by) == (0, ["tests.none"])  # CI runs pytest, but no real test exists
    tree(tmp_path, {"tests/test_more.py": "".join(f"def test_{i}():\n    assert {i} + 1 == {i + 1}\n\n" for i in range(10))})
    assert scan(tmp_path, bank)["infrastructure.automated_tests"].level == 3


# ---- caps and lifts from side files ------------------------------------------------------------


def test_a_side_requirements_file_does_not_cap_packaging(tmp_path, bank):
    tree(tmp_path, {
        "requirements.txt": "pandas==2.2.2\nscikit-learn==1.5.0\nfastapi==0.115.0\n",
        "Dockerfile": "FROM python:3.11-slim\n",
        "examples/demo/requirements.txt": "pandas\nmatplotlib\nseaborn\n",
        "requirements-lambda.txt": "boto3\nrequests\nurllib3\n",
    })
    sug = scan(tmp_path, bank)["infrastructure.packaging"]
    assert sug.level == 2
    assert not sug.capped_by
    tree(tmp_path, {"requirements.txt": "pandas\nscikit-learn>=1\nfastapi\n"})
    sug = scan(tmp_path, bank)["infrastructure.packaging"]
    assert sug.level == 1
    assert sug.capped_by == ["deps.unpinned"]


def test_a_library_importing_itself_is_not_its_own_monitoring(tmp_path, bank):
    tree(tmp_path, {
        "pyproject.toml": "[project]\nname = \"driftlib\"\n",
        "driftlib/__init__.py": "",
        "driftlib/stats.py": "from scipy.stats import ks_2samp\nimport driftlib\n",
        "tests/test_stats.py": "import driftlib\n\ndef test_score():\n    assert driftlib.score() >= 0.5\n",
    })
    result = scan(tmp_path, bank)
    assert "project.library" in result.findings.signals
    assert level(result, "model.drift_detection") is None
    assert level(result, "infrastructure.pre_release_validation") is None
    assert result["infrastructure.automated_tests"].level == 1  # its tests are still its tests


# ---- forms that were missed -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "deploy"),
    [
        ({"build/pipeline-deployment.yaml": "steps:\n- name: 'gcr.io/cloud-builders/docker'\n  args: ['build', '-t', 'img', '.']\n"
          "- name: 'python'\n  entrypoint: 'pytest'\n  args: ['tests/']\n  id: 'Unit tests'\nimages: ['img']\n"}, False),
        ({"build/model-deployment.yaml": "steps:\n- name: '$_IMAGE'\n  entrypoint: 'python'\n  args: ['build/utils.py', '--mode', "
          "'deploy-model']\n  id: 'Deploy Model'\n- name: 'gcr.io/cloud-builders/git'\n  args: ['clone', 'x']\n"}, True),
        ({"cfn/pipeline.yaml": "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Pipeline:\n    Type: AWS::CodePipeline::Pipeline\n"
          "    Properties:\n      Stages:\n        - Name: DeployProd\n          Actions:\n            - Name: Deploy\n"
          "              ActionTypeId:\n                Category: Deploy\n                Provider: CloudFormation\n"}, True),
        ({"infra/pipeline_stack.py": "from aws_cdk import aws_codepipeline as codepipeline, aws_codepipeline_actions as actions\n"
          "p = codepipeline.Pipeline(self, 'P')\nactions.CloudFormationCreateUpdateStackAction(action_name='Deploy')\n"}, True),
        ({".pipelines/ci.yml": "trigger:\n  branches:\n    include: [main]\npool:\n  vmImage: ubuntu-latest\nsteps:\n"
          "- script: python -m pytest tests\n  displayName: Unit tests\n"}, False),
        ({".github/workflows/ci.yml": gha("invoke test"), "tasks.py": "from invoke import task\n\n@task\ndef test(c):\n"
          "    c.run('pytest --cov=app tests')\n"}, False),
    ],
)
def test_ci_and_cd_in_other_forms_are_found(tmp_path, bank, files, deploy):
    tree(tmp_path, {**files, "app.py": "print(1)\n"})
    result = scan(tmp_path, bank)
    assert "ci.none" not in result.findings.signals
    assert result["infrastructure.ci_cd"].level == (3 if deploy else 2)


def test_make_tox_and_nox_targets_called_from_ci_are_followed(tmp_path, bank):
    tree(tmp_path, {
        ".github/workflows/ci.yml": gha("make check", "tox -e lint", "nox -s tests"),
        "Makefile": "check: lint\n\tpytest -q tests\nlint:\n\truff check .\n",
        "tox.ini": "[testenv:lint]\ncommands = mypy src\n",
        "noxfile.py": "import nox\n\n@nox.session\ndef tests(session):\n    session.run('pytest', '--cov')\n",
    })
    signals = scan(tmp_path, bank).findings.signals
    assert "Makefile:" in signals["ci.runs_tests"][0].detail
    assert "ci.runs_lint" in signals
    assert "ci.coverage" in signals


def test_iac_sagemaker_and_tracking_forms_are_found(tmp_path, bank):
    tree(tmp_path, {
        "cdk.json": "{\"app\": \"python app.py\"}\n",
        "pipelines/build.py": "from sagemaker.workflow.pipeline import Pipeline\nfrom sagemaker.workflow.steps import TrainingStep\n"
                              "step = TrainingStep(name='train', estimator=est)\n",
        "src/train.py": "from dvclive import Live\nwith Live() as live:\n    model.fit(X, y)\n",
        "Pulumi.yaml": "name: churn\nruntime: python\n",
    })
    signals = scan_folder(tmp_path).signals
    for signal in ("deploy.cdk", "pipeline.sagemaker", "tracking.dvc", "deploy.pulumi", "model.trains"):
        assert signal in signals, signal
    result = scan(tmp_path, bank)
    assert result["infrastructure.infrastructure_as_code"].level == 2  # declared in code; applied by a pipeline is 3
    assert "deploy.none" not in signals


def test_utf16_and_bom_requirements_are_read(tmp_path, bank):
    text = "pandas==2.2.2\nnumpy==1.26.4\nscikit-learn==1.5.0\n"
    tree(tmp_path, {"requirements.txt": b"\xff\xfe" + text.encode("utf-16-le"), "a/requirements.txt": text.encode("utf-16-le"),
                    "b/requirements.txt": b"\xef\xbb\xbf" + text.encode("utf-8")})
    findings = scan_folder(tmp_path)
    assert "binary_file" not in findings.problem_counts
    assert {e.path for e in findings.signals["deps.pinned"]} >= {"requirements.txt"}
    assert "3 of 3 pinned" in findings.signals["deps.pinned"][0].detail


def test_a_file_read_in_part_makes_the_scan_partial(tmp_path, bank):
    tree(tmp_path, {"big.py": "x = 1\n" * 40_000 + "import mlflow\n"})
    findings = scan_folder(tmp_path, max_bytes_per_file=1024)
    assert "huge_file" in findings.problem_counts
    assert not findings.complete
    for absence in ("ci.none", "tests.none", "monitoring.none", "deploy.none"):
        assert absence not in findings.signals, absence
    full = scan_folder(tmp_path)
    assert full.complete
    assert "tracking.mlflow" in full.signals


def test_an_empty_path_is_an_error(bank):
    from readiness_widgets.evidence import ScanError

    with pytest.raises(ScanError, match="empty path"):
        scan_folder("")


# ---- confidence and applying -------------------------------------------------------------------


def test_rules_never_give_existence_a_level_it_does_not_show(bank):
    assert rule_warnings(bank) == []


def test_only_high_confidence_is_applied_in_bulk_and_answers_are_kept(tmp_path, bank):
    tree(tmp_path, {".github/workflows/ci.yml": gha("pytest"), "tests/test_a.py": "def test_a():\n    assert 2 * 2 == 4\n",
                    "README.md": f"# Pilot\n\n{PROSE}\n\n## Limitations\n\n{PROSE}\n"})
    a = Assessment.new("Pilot", bank=bank)
    a.answer("infrastructure.automated_tests", 0, notes="I know better")
    result = scan_assessment(a, tmp_path)
    assert result["infrastructure.ci_cd"].confidence_label == "high"
    assert result["team.knowledge_sharing"].status == "confirm"
    applied = apply_suggestions(a, result)
    assert [s.question for s in applied.applied] == ["infrastructure.ci_cd"]
    assert "team.knowledge_sharing" in applied.skipped_low_confidence
    assert a.value("infrastructure.automated_tests") == 0  # the user's answer is never overwritten
    assert applied.skipped_answered == ["infrastructure.automated_tests"]
    more = apply_suggestions(a, result, min_confidence="medium")
    assert "team.knowledge_sharing" in [s.question for s in more.applied]
    with pytest.raises(ValueError, match="min_confidence"):
        apply_suggestions(a, result, min_confidence="sure")
