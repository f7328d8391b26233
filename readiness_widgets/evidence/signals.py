"""The signal vocabulary: every id a detector can emit, what it means and its polarity.

Signal ids are dotted and hierarchical: a bank rule naming ``tracking`` matches
``tracking.mlflow`` and ``tracking.wandb``; a rule naming ``tests.runner.pytest`` matches only
that. A *negative* signal is a smell (errors saved in a notebook, unpinned dependencies, no CI
at all): a rule on it caps the suggested level instead of raising it.
"""

from __future__ import annotations

import difflib
from functools import cache

POSITIVE, NEGATIVE = "positive", "negative"

_LIBS = {
    "tracking": {
        "mlflow": "MLflow", "wandb": "Weights & Biases", "dvc": "DVC", "neptune": "Neptune",
        "comet": "Comet", "clearml": "ClearML", "tensorboard": "TensorBoard",
    },
    "data_validation": {
        "great_expectations": "Great Expectations", "pandera": "pandera", "pydantic": "pydantic models",
        "tfdv": "TensorFlow Data Validation", "deequ": "Deequ / PyDeequ", "soda": "Soda",
        "deepchecks": "Deepchecks", "jsonschema": "JSON Schema",
    },
    "monitoring": {
        "evidently": "Evidently", "whylogs": "whylogs", "nannyml": "NannyML",
        "alibi_detect": "Alibi Detect", "prometheus": "Prometheus metrics",
        "opentelemetry": "OpenTelemetry", "sentry": "Sentry", "datadog": "Datadog",
    },
    "fairness": {"fairlearn": "Fairlearn", "aif360": "AI Fairness 360"},
    "explainability": {
        "shap": "SHAP", "lime": "LIME", "captum": "Captum", "interpret": "InterpretML",
        "alibi": "Alibi Explain", "dalex": "dalex", "eli5": "ELI5",
    },
    "pipeline": {
        "airflow": "Apache Airflow", "prefect": "Prefect", "dagster": "Dagster", "kedro": "Kedro",
        "kubeflow": "Kubeflow Pipelines", "zenml": "ZenML", "metaflow": "Metaflow",
        "luigi": "Luigi", "flyte": "Flyte", "dvc": "DVC pipeline (dvc.yaml)",
    },
    "serving": {
        "fastapi": "FastAPI", "flask": "Flask", "bentoml": "BentoML", "ray_serve": "Ray Serve",
        "seldon": "Seldon", "kserve": "KServe", "mlserver": "MLServer", "triton": "Triton",
        "torchserve": "TorchServe", "demo_ui": "a demo UI (Gradio / Streamlit)",
    },
}

_SIGNALS: dict[str, tuple[str, str]] = {
    # tests
    "tests.present": (POSITIVE, "test files (test_*.py, *_test.py, conftest.py, tests/)"),
    "tests.runner.pytest": (POSITIVE, "pytest configured or imported by tests"),
    "tests.runner.unittest": (POSITIVE, "unittest used by tests"),
    "tests.runner.tox": (POSITIVE, "tox configuration"),
    "tests.runner.nox": (POSITIVE, "nox configuration (noxfile.py)"),
    "tests.coverage": (POSITIVE, "coverage measured (.coveragerc, [tool.coverage], --cov, codecov)"),
    "tests.model_quality": (POSITIVE, "a test asserts a model metric against a threshold"),
    "tests.data": (POSITIVE, "tests of data or schemas (test_*data*/schema*, validation libraries in tests)"),
    "tests.property": (POSITIVE, "property-based tests (hypothesis)"),
    "tests.none": (NEGATIVE, "no test file anywhere in a complete scan"),
    # CI
    "ci.present": (POSITIVE, "a CI configuration (GitHub Actions, GitLab CI, Jenkins, Azure Pipelines, CircleCI, ...)"),
    "ci.runs_tests": (POSITIVE, "CI runs the tests (pytest, tox, nox, make test, ...)"),
    "ci.runs_lint": (POSITIVE, "CI runs linters or type checkers (ruff, flake8, mypy, pre-commit, ...)"),
    "ci.runs_notebooks": (POSITIVE, "CI executes notebooks (nbmake, papermill, nbclient, nbval, nbconvert --execute)"),
    "ci.deploys": (POSITIVE, "CI deploys (docker push, kubectl/helm, terraform apply, cloud deploy, a deploy job)"),
    "ci.scheduled": (POSITIVE, "CI runs on a schedule (cron)"),
    "ci.security_scan": (POSITIVE, "CI scans dependencies or code for vulnerabilities"),
    "ci.data_checks": (POSITIVE, "CI runs data checks (Great Expectations, pandera, Soda, dvc repro, ...)"),
    "ci.trains": (POSITIVE, "CI (re)trains or reproduces the model (dvc repro, mlflow run, train.py)"),
    "ci.none": (NEGATIVE, "no CI configuration anywhere in a complete scan"),
    "lint.configured": (POSITIVE, "linters configured (ruff, flake8, pylint, black, mypy, pre-commit)"),
    # deployment
    "deploy.container": (POSITIVE, "a Dockerfile or Containerfile"),
    "deploy.compose": (POSITIVE, "a Docker Compose file"),
    "deploy.kubernetes": (POSITIVE, "Kubernetes manifests (or kustomize)"),
    "deploy.helm": (POSITIVE, "a Helm chart"),
    "deploy.serverless": (POSITIVE, "a serverless deployment (Serverless Framework, AWS SAM, Zappa)"),
    "deploy.terraform": (POSITIVE, "Terraform infrastructure as code"),
    "deploy.autoscaling": (POSITIVE, "autoscaling configured (HPA, KEDA, Helm autoscaling, cloud autoscaling)"),
    "deploy.healthcheck": (POSITIVE, "health checks (liveness/readiness probes, HEALTHCHECK, /health endpoint)"),
    "deploy.zero_downtime": (POSITIVE, "rolling, canary or blue/green deployment strategy"),
    "deploy.rollback": (POSITIVE, "a scripted rollback (kubectl rollout undo, helm rollback, ...)"),
    "deploy.resource_limits": (POSITIVE, "CPU/memory requests and limits on workloads"),
    "deploy.none": (NEGATIVE, "no container or deployment manifest anywhere in a complete scan"),
    # dependencies
    "deps.declared": (POSITIVE, "dependencies declared (requirements, pyproject, environment.yml, Pipfile)"),
    "deps.lockfile": (POSITIVE, "a lockfile (poetry.lock, uv.lock, Pipfile.lock, pip-compile output, conda-lock, ...)"),
    "deps.pinned": (POSITIVE, "requirements pinned to exact versions"),
    "deps.unpinned": (NEGATIVE, "requirements mostly without exact versions"),
    "deps.audit": (POSITIVE, "automated dependency updates or audits (Dependabot, Renovate, pip-audit)"),
    # data
    "data.versioning": (POSITIVE, "data versioned (DVC files, dvc.lock)"),
    "data.lineage": (POSITIVE, "lineage tooling (OpenLineage, DataHub)"),
    "data.feature_store": (POSITIVE, "a feature store (Feast)"),
    "data.schema": (POSITIVE, "explicit data schema files (*.avsc, schema.json, expectation suites)"),
    "pipeline.retries": (POSITIVE, "pipeline tasks configured with retries"),
    # model
    "model.files": (POSITIVE, "serialised model files (.pkl, .joblib, .onnx, .pt, .h5, .safetensors, ...)"),
    "model.registry": (POSITIVE, "models registered in a registry (MLflow, W&B, SageMaker, Vertex, Hugging Face Hub)"),
    "model.baseline": (POSITIVE, "a baseline model (DummyClassifier / DummyRegressor)"),
    "model.metrics_tracked": (POSITIVE, "metrics files tracked (dvc metrics, metrics.json)"),
    # code and notebooks
    "code.seeds": (POSITIVE, "random seeds set in source code"),
    "code.split": (POSITIVE, "train/test or cross-validation split in source code"),
    "code.metrics": (POSITIVE, "evaluation metrics computed in source code"),
    "code.packaged": (POSITIVE, "Python modules outside notebooks and tests"),
    "notebooks.present": (POSITIVE, "Jupyter notebooks"),
    "notebooks.imports": (POSITIVE, "libraries imported by notebooks (detail names them)"),
    "notebooks.seeds": (POSITIVE, "random seeds set in a notebook"),
    "notebooks.split": (POSITIVE, "train/test or cross-validation split in a notebook"),
    "notebooks.metrics": (POSITIVE, "evaluation metrics computed in a notebook"),
    "notebooks.errors": (NEGATIVE, "a notebook saved with error outputs"),
    "notebooks.out_of_order": (NEGATIVE, "a notebook whose cells were run out of order"),
    "notebooks.only": (NEGATIVE, "the project is notebooks only: no Python modules beside tests"),
    # documentation and team
    "docs.readme": (POSITIVE, "a README at the top of the project"),
    "docs.model_card": (POSITIVE, "a model card"),
    "docs.datasheet": (POSITIVE, "a datasheet or data card for the dataset"),
    "docs.runbook": (POSITIVE, "a runbook, playbook or on-call guide"),
    "docs.incident_response": (POSITIVE, "an incident-response plan or postmortem template"),
    "docs.rollback_plan": (POSITIVE, "a documented rollback plan"),
    "docs.adr": (POSITIVE, "architecture decision records"),
    "docs.ethics_review": (POSITIVE, "an ethics review"),
    "docs.risk_assessment": (POSITIVE, "a risk or impact assessment (AI impact assessment, DPIA)"),
    "docs.fairness": (POSITIVE, "documented fairness or bias analysis"),
    "docs.privacy": (POSITIVE, "documented privacy / personal data handling"),
    "docs.compliance": (POSITIVE, "documented compliance (regulation, EU AI Act, audits)"),
    "docs.security": (POSITIVE, "a security policy"),
    "docs.business_case": (POSITIVE, "a business case or ROI estimate"),
    "docs.success_metrics": (POSITIVE, "documented success metrics or KPIs"),
    "docs.slo": (POSITIVE, "service-level objectives or agreements"),
    "docs.limitations": (POSITIVE, "documented limitations or known issues"),
    "docs.monitoring_plan": (POSITIVE, "a documented monitoring plan"),
    "docs.retraining": (POSITIVE, "a documented retraining procedure"),
    "docs.lineage": (POSITIVE, "documented data lineage"),
    "docs.architecture": (POSITIVE, "architecture documentation"),
    "docs.ownership": (POSITIVE, "named owners, stakeholders or a RACI"),
    "docs.changelog": (POSITIVE, "a changelog"),
    "docs.contributing": (POSITIVE, "contribution guidelines"),
    "team.codeowners": (POSITIVE, "a CODEOWNERS file naming owners"),
}

README_SECTIONS = {
    "installation": "installation or setup",
    "usage": "usage or quick start",
    "testing": "how to test",
    "deployment": "how it is deployed",
    "monitoring": "how it is monitored",
    "limitations": "limitations or known issues",
    "evaluation": "evaluation, metrics or results",
    "data": "the data used",
    "model": "the model",
    "ethics": "ethics, fairness or responsible AI",
    "architecture": "architecture or design",
    "troubleshooting": "troubleshooting or FAQ",
    "ownership": "owners, maintainers or contacts",
    "contributing": "how to contribute",
    "license": "the licence",
}

for _group, _libs in _LIBS.items():
    for _lib, _title in _libs.items():
        _SIGNALS[f"{_group}.{_lib}"] = (POSITIVE, _title)
_SIGNALS["monitoring.drift"] = (POSITIVE, "drift detection (drift libraries, KS / PSI / Wasserstein tests)")
_SIGNALS["monitoring.alerting"] = (POSITIVE, "alerting rules (PrometheusRule, Alertmanager, cloud alarms)")
_SIGNALS["monitoring.dashboards"] = (POSITIVE, "monitoring dashboards (Grafana)")
_SIGNALS["monitoring.none"] = (NEGATIVE, "no monitoring library or configuration anywhere in a complete scan")
for _slug, _title in README_SECTIONS.items():
    _SIGNALS[f"docs.readme_sections.{_slug}"] = (POSITIVE, f"the README has a section on {_title}")

SIGNALS: dict[str, tuple[str, str]] = dict(sorted(_SIGNALS.items()))
"""Signal id -> (polarity, description)."""


def polarity(signal: str) -> str:
    """``positive`` or ``negative`` (unknown ids count as positive)."""
    return SIGNALS.get(signal, (POSITIVE, ""))[0]


def is_negative(signal: str) -> bool:
    return polarity(signal) == NEGATIVE


def describe(signal: str) -> str:
    return SIGNALS.get(signal, (POSITIVE, signal))[1]


@cache
def _prefixes() -> frozenset[str]:
    out = set()
    for s in SIGNALS:
        parts = s.split(".")
        out.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return frozenset(out)


def is_known(rule_signal: str) -> bool:
    """True when a detector emits ``rule_signal`` or a signal below it."""
    return rule_signal in _prefixes()


def close_matches(rule_signal: str) -> list[str]:
    return difflib.get_close_matches(rule_signal, sorted(_prefixes()), n=3, cutoff=0.6)
