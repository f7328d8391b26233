"""The signal vocabulary: every id a detector can emit, its polarity, its strength and its meaning.

Signal ids are dotted and hierarchical: a bank rule naming ``tracking`` matches
``tracking.mlflow`` and ``tracking.wandb``; a rule naming ``tests.runner.pytest`` matches only
that. A *negative* signal is a smell (errors saved in a notebook, unpinned dependencies) or an
absence (no CI at all): a rule on it caps the suggested level instead of raising it.

The **strength** of a signal says what kind of evidence it is, and bounds the level a rule may
give it (``MAX_LEVEL``; the bank's rules are checked against it):

* ``mentions`` - an import, a heading, a file that exists: evidence that something exists, at
  most level 2, and the suggestion asks to be confirmed;
* ``defines`` - configuration that defines the thing (a Dockerfile, an HPA manifest, a lockfile,
  a model card with content): at most level 2, to be confirmed;
* ``runs`` - a check that runs: the project's own CI job runs the command (the job and the
  command are cited), a schedule or alarm defined in the deployed infrastructure triggers it, or
  a threshold is asserted against a real metric; the only evidence for level 3 and 4;
* ``absence`` - nothing of the kind anywhere in a complete scan (suggests level 0);
* ``smell`` - a problem found in files (caps the level).
"""

from __future__ import annotations

import difflib
from functools import cache

POSITIVE, NEGATIVE = "positive", "negative"
MENTIONS, DEFINES, RUNS, ABSENCE, SMELL = "mentions", "defines", "runs", "absence", "smell"
MAX_LEVEL = {MENTIONS: 2, DEFINES: 2, RUNS: 4}
"""Highest level a rule may give a positive signal of each strength."""

_LIBS = {
    "tracking": {
        "mlflow": "MLflow", "wandb": "Weights & Biases", "dvc": "DVC experiments or dvclive",
        "neptune": "Neptune", "comet": "Comet", "clearml": "ClearML", "tensorboard": "TensorBoard",
    },
    "data_validation": {
        "great_expectations": "Great Expectations", "pandera": "pandera", "pydantic": "pydantic models",
        "tfdv": "TensorFlow Data Validation (or TFX ExampleValidator)", "deequ": "Deequ / PyDeequ", "soda": "Soda",
        "deepchecks": "Deepchecks", "jsonschema": "JSON Schema validation", "sagemaker": "SageMaker data-quality checks",
    },
    "monitoring": {
        "evidently": "Evidently", "whylogs": "whylogs", "nannyml": "NannyML",
        "alibi_detect": "Alibi Detect", "prometheus": "Prometheus metrics",
        "opentelemetry": "OpenTelemetry", "sentry": "Sentry", "datadog": "Datadog",
        "appinsights": "Azure Application Insights",
    },
    "fairness": {"fairlearn": "Fairlearn", "aif360": "AI Fairness 360"},
    "explainability": {
        "shap": "SHAP", "lime": "LIME", "captum": "Captum", "interpret": "InterpretML",
        "alibi": "Alibi Explain", "dalex": "dalex", "eli5": "ELI5",
    },
    "pipeline": {
        "airflow": "Apache Airflow", "prefect": "Prefect", "dagster": "Dagster", "kedro": "Kedro",
        "kubeflow": "Kubeflow Pipelines (kfp)", "zenml": "ZenML", "metaflow": "Metaflow",
        "luigi": "Luigi", "flyte": "Flyte", "tfx": "TFX", "sagemaker": "SageMaker Pipelines",
        "vertex": "Vertex AI Pipelines", "azureml": "Azure ML pipelines",
    },
    "serving": {
        "fastapi": "FastAPI", "flask": "Flask", "bentoml": "BentoML", "ray_serve": "Ray Serve",
        "seldon": "Seldon", "kserve": "KServe", "mlserver": "MLServer", "triton": "Triton",
        "torchserve": "TorchServe", "demo_ui": "a demo UI (Gradio / Streamlit)",
    },
}
_LIB_STRENGTH = {"pipeline": DEFINES}

_SIGNALS: dict[str, tuple[str, str, str]] = {
    # tests
    "tests.present": (POSITIVE, MENTIONS, "the project's own test functions (placeholders such as xfail or `assert False` not counted)"),
    "tests.suite": (POSITIVE, DEFINES, "a test suite of 10 or more real test functions"),
    "tests.runner.pytest": (POSITIVE, DEFINES, "pytest configured or imported by tests"),
    "tests.runner.unittest": (POSITIVE, DEFINES, "unittest used by tests"),
    "tests.runner.tox": (POSITIVE, DEFINES, "tox configuration"),
    "tests.runner.nox": (POSITIVE, DEFINES, "nox configuration (noxfile.py)"),
    "tests.coverage": (POSITIVE, DEFINES, "coverage configured (.coveragerc, [tool.coverage], --cov in pytest options, codecov.yml)"),
    "tests.model_quality": (POSITIVE, RUNS, "a test of the project asserts a model metric against a threshold (assert auc >= 0.8)"),
    "tests.data": (POSITIVE, DEFINES, "tests that check data or schemas (with a validation library, or on data files read by the test)"),
    "tests.property": (POSITIVE, MENTIONS, "property-based tests (hypothesis)"),
    "tests.robustness": (POSITIVE, DEFINES, "behavioural tests: invariance, directional, perturbation or edge-case tests of the model"),
    "tests.none": (NEGATIVE, ABSENCE, "no real test function anywhere in a complete scan"),
    # CI: what the project's own CI jobs run (the job and the command are cited)
    "ci.present": (POSITIVE, DEFINES, "a CI or CD configuration (GitHub Actions, GitLab CI, Azure Pipelines, Jenkins, Cloud Build, CodeBuild/CodePipeline, CircleCI, Buildkite, ...)"),
    "ci.runs_tests": (POSITIVE, RUNS, "a CI job runs the tests (pytest, tox, nox, make/invoke/mise/pixi targets that run them, ...)"),
    "ci.runs_lint": (POSITIVE, RUNS, "a CI job runs linters or type checkers (ruff, flake8, mypy, pre-commit, ...)"),
    "ci.runs_notebooks": (POSITIVE, RUNS, "a CI job executes notebooks (nbmake, papermill, nbval, nbconvert --execute)"),
    "ci.coverage": (POSITIVE, RUNS, "a CI job measures test coverage (--cov, coverage run, a coverage upload)"),
    "ci.builds_image": (POSITIVE, RUNS, "a CI job builds and pushes a container image"),
    "ci.deploys": (POSITIVE, RUNS, "a CI or CD job deploys the service or model (kubectl/helm, cloud deploy commands, a deploy stage)"),
    "ci.publishes": (POSITIVE, RUNS, "a CI job publishes a package (PyPI, npm, ...)"),
    "ci.deploys.infrastructure": (POSITIVE, RUNS, "a CI or CD job applies declared infrastructure (terraform apply, helm upgrade, kubectl apply, CloudFormation, ARM, CDK, ...)"),
    "ci.deploys_docs": (POSITIVE, RUNS, "a CI job publishes documentation (GitHub Pages, Read the Docs, ...)"),
    "ci.scheduled": (POSITIVE, RUNS, "a CI workflow runs on a schedule (cron); the detail says what it runs"),
    "ci.trains": (POSITIVE, RUNS, "a CI job (re)trains or reproduces the model (dvc repro, mlflow run, a training script or pipeline)"),
    "ci.trains_scheduled": (POSITIVE, RUNS, "a scheduled CI workflow retrains the model"),
    "ci.data_checks": (POSITIVE, RUNS, "a CI job runs data checks (Great Expectations, Soda, or the project's data tests)"),
    "ci.data_gate": (POSITIVE, RUNS, "a CI job checks the data and trains in the same run, so bad data stops the training"),
    "ci.security_scan": (POSITIVE, RUNS, "a CI job scans the code for vulnerabilities or secrets (CodeQL, bandit, gitleaks, ...)"),
    "ci.security_scan.dependencies": (POSITIVE, RUNS, "a CI job scans dependencies or images for known vulnerabilities (pip-audit, trivy, snyk, dependency review, ...)"),
    "ci.none": (NEGATIVE, ABSENCE, "no CI or CD configuration anywhere in a complete scan"),
    "lint.configured": (POSITIVE, DEFINES, "linters configured (ruff, flake8, pylint, black, mypy, pre-commit)"),
    # deployment and infrastructure
    "deploy.container": (POSITIVE, DEFINES, "a Dockerfile or Containerfile of the project"),
    "deploy.compose": (POSITIVE, DEFINES, "a Docker Compose file"),
    "deploy.kubernetes": (POSITIVE, DEFINES, "Kubernetes manifests (or kustomize)"),
    "deploy.helm": (POSITIVE, DEFINES, "a Helm chart"),
    "deploy.serverless": (POSITIVE, DEFINES, "a serverless deployment (Serverless Framework, AWS SAM, Zappa)"),
    "deploy.terraform": (POSITIVE, DEFINES, "Terraform infrastructure as code"),
    "deploy.cloudformation": (POSITIVE, DEFINES, "AWS CloudFormation templates"),
    "deploy.cdk": (POSITIVE, DEFINES, "AWS CDK infrastructure as code"),
    "deploy.pulumi": (POSITIVE, DEFINES, "Pulumi infrastructure as code"),
    "deploy.arm": (POSITIVE, DEFINES, "Azure Resource Manager or Bicep templates"),
    "deploy.sagemaker": (POSITIVE, DEFINES, "SageMaker model or endpoint definitions"),
    "deploy.vertex": (POSITIVE, DEFINES, "Vertex AI model or endpoint deployment code"),
    "deploy.azureml": (POSITIVE, DEFINES, "Azure ML online/batch deployment definitions"),
    "deploy.serving_config": (POSITIVE, DEFINES, "a model-serving deployment config (MLEM, BentoML, Anyscale/Ray Serve service)"),
    "deploy.autoscaling": (POSITIVE, DEFINES, "autoscaling with limits configured (HPA, KEDA, cloud autoscaling targets)"),
    "deploy.healthcheck": (POSITIVE, DEFINES, "health checks (liveness/readiness probes, HEALTHCHECK, /health endpoint)"),
    "deploy.zero_downtime": (POSITIVE, DEFINES, "a rolling or blue/green update strategy"),
    "deploy.canary": (POSITIVE, DEFINES, "canary or weighted traffic shifting (Argo Rollouts, Flagger, Istio weights, SageMaker traffic routing)"),
    "deploy.rollback": (POSITIVE, DEFINES, "a scripted rollback command (kubectl rollout undo, helm rollback) in a script or task"),
    "deploy.resource_limits": (POSITIVE, DEFINES, "CPU/memory requests and limits on workloads"),
    "deploy.none": (NEGATIVE, ABSENCE, "no container, deployment manifest, infrastructure code or dependency declaration in a complete scan"),
    # dependencies
    "deps.declared": (POSITIVE, MENTIONS, "dependencies declared (requirements, pyproject, environment.yml, Pipfile)"),
    "deps.lockfile": (POSITIVE, DEFINES, "a lockfile (poetry.lock, uv.lock, Pipfile.lock, pip-compile output, conda-lock, pixi.lock, ...)"),
    "deps.pinned": (POSITIVE, DEFINES, "the project's main requirements pinned to exact versions"),
    "deps.unpinned": (NEGATIVE, SMELL, "the project's main requirements mostly without exact versions"),
    "deps.audit": (POSITIVE, DEFINES, "automated dependency updates for the project's packages (Dependabot, Renovate)"),
    # data
    "data.versioning": (POSITIVE, DEFINES, "data versioned (DVC-tracked files, dvc.lock)"),
    "data.lineage": (POSITIVE, MENTIONS, "lineage tooling (OpenLineage, DataHub)"),
    "data.feature_store": (POSITIVE, MENTIONS, "a feature store (Feast)"),
    "data.schema": (POSITIVE, DEFINES, "explicit data schema files (*.avsc, schema.json/yaml, TFDV schema.pbtxt, expectation suites)"),
    "pipeline.retries": (POSITIVE, DEFINES, "pipeline tasks configured with retries"),
    "pipeline.scheduled": (POSITIVE, RUNS, "a schedule in the deployed infrastructure starts a pipeline (EventBridge rule, Cloud Scheduler, CronJob)"),
    # model
    "model.files": (POSITIVE, MENTIONS, "serialised model files (.pkl, .joblib, .onnx, .pt, .h5, .safetensors, ...)"),
    "model.registry": (POSITIVE, DEFINES, "models registered in a registry (MLflow, SageMaker, Vertex, Azure ML, GTO, Hugging Face Hub)"),
    "model.baseline": (POSITIVE, DEFINES, "a baseline model (DummyClassifier / DummyRegressor)"),
    "model.metrics_tracked": (POSITIVE, DEFINES, "metrics files tracked by a pipeline (dvc.yaml metrics)"),
    "model.threshold": (POSITIVE, RUNS, "a quality gate in the training pipeline: a metric threshold that stops a model (SageMaker condition, TFMA or MLflow thresholds)"),
    "model.retrain_scheduled": (POSITIVE, RUNS, "a schedule or alarm in the deployed infrastructure starts retraining"),
    "model.trains": (POSITIVE, MENTIONS, "training code of the project (a training script, trainer or training pipeline)"),
    # code and notebooks
    "code.seeds": (POSITIVE, MENTIONS, "random seeds set in the project's training code"),
    "code.split": (POSITIVE, MENTIONS, "train/test or cross-validation split in an evaluation or training script"),
    "code.metrics": (POSITIVE, MENTIONS, "evaluation metrics computed in an evaluation or training script"),
    "code.packaged": (POSITIVE, MENTIONS, "Python modules outside notebooks and tests"),
    "notebooks.present": (POSITIVE, MENTIONS, "Jupyter notebooks"),
    "notebooks.imports": (POSITIVE, MENTIONS, "libraries imported by notebooks (detail names them)"),
    "notebooks.seeds": (POSITIVE, MENTIONS, "random seeds set in a notebook"),
    "notebooks.split": (POSITIVE, MENTIONS, "train/test or cross-validation split in a notebook"),
    "notebooks.metrics": (POSITIVE, MENTIONS, "evaluation metrics computed in a notebook"),
    "notebooks.errors": (NEGATIVE, SMELL, "a notebook saved with error outputs"),
    "notebooks.out_of_order": (NEGATIVE, SMELL, "a notebook whose cells were run out of order"),
    "notebooks.only": (NEGATIVE, SMELL, "the project is notebooks only: no Python modules beside tests"),
    # monitoring beyond libraries
    "monitoring.drift": (POSITIVE, MENTIONS, "drift statistics or a drift library in the project's code (KS, PSI, Wasserstein, ...)"),
    "monitoring.drift_job": (POSITIVE, DEFINES, "a drift or data-quality monitoring job configured (SageMaker Model Monitor schedule, Vertex model monitoring)"),
    "monitoring.drift_alert": (POSITIVE, RUNS, "an alarm with a threshold on a drift metric of the monitoring job"),
    "monitoring.alerting": (POSITIVE, RUNS, "alert rules with a threshold on a metric (PrometheusRule, Alertmanager, cloud alarms)"),
    "monitoring.dashboards": (POSITIVE, DEFINES, "monitoring dashboards (Grafana) of the project"),
    "monitoring.none": (NEGATIVE, ABSENCE, "no monitoring library or configuration anywhere in a complete scan"),
    "serving.prediction_logging": (POSITIVE, DEFINES, "predictions and inputs captured by the serving endpoint (SageMaker data capture, Azure ML data collector)"),
    "evaluation.llm": (POSITIVE, MENTIONS, "an LLM evaluation library or config (ragas, deepeval, promptfoo, lm-eval, TruLens)"),
    "project.library": (POSITIVE, DEFINES, "the project is a library: its own code is not read as a model's operations"),
    # documentation and team: a heading counts only when its section has content; a file by its name when it has content
    "docs.readme": (POSITIVE, DEFINES, "a README with content at the top of the project"),
    "docs.model_card": (POSITIVE, DEFINES, "a model card"),
    "docs.datasheet": (POSITIVE, DEFINES, "a datasheet or data card for the dataset"),
    "docs.runbook": (POSITIVE, DEFINES, "a runbook or on-call guide"),
    "docs.incident_response": (POSITIVE, DEFINES, "an incident-response plan or postmortem template"),
    "docs.rollback_plan": (POSITIVE, DEFINES, "a documented rollback procedure"),
    "docs.exit_plan": (POSITIVE, DEFINES, "a documented exit plan or stop criteria"),
    "docs.adr": (POSITIVE, DEFINES, "architecture decision records"),
    "docs.ethics_review": (POSITIVE, DEFINES, "an ethics review"),
    "docs.risk_assessment": (POSITIVE, DEFINES, "a risk or impact assessment (AI impact assessment, DPIA)"),
    "docs.fairness": (POSITIVE, DEFINES, "documented fairness or bias analysis"),
    "docs.privacy": (POSITIVE, DEFINES, "documented privacy / personal data handling"),
    "docs.compliance": (POSITIVE, DEFINES, "documented compliance (regulation, EU AI Act, GDPR)"),
    "docs.security": (POSITIVE, DEFINES, "a security policy"),
    "docs.security_controls": (POSITIVE, DEFINES, "documented security controls (encryption, secrets, access control, network isolation)"),
    "docs.business_case": (POSITIVE, DEFINES, "a business case or ROI estimate"),
    "docs.success_metrics": (POSITIVE, DEFINES, "documented success metrics or KPIs"),
    "docs.slo": (POSITIVE, DEFINES, "service-level objectives or agreements"),
    "docs.limitations": (POSITIVE, DEFINES, "documented limitations or known issues"),
    "docs.monitoring_plan": (POSITIVE, DEFINES, "a documented monitoring plan"),
    "docs.retraining": (POSITIVE, DEFINES, "a documented retraining procedure"),
    "docs.lineage": (POSITIVE, DEFINES, "documented data lineage"),
    "docs.architecture": (POSITIVE, DEFINES, "system architecture documentation"),
    "docs.ownership": (POSITIVE, DEFINES, "named owners, stakeholders or a RACI"),
    "docs.changelog": (POSITIVE, DEFINES, "a changelog"),
    "docs.contributing": (POSITIVE, DEFINES, "contribution guidelines"),
    "team.codeowners": (POSITIVE, DEFINES, "a CODEOWNERS file naming owners"),
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
        _SIGNALS.setdefault(f"{_group}.{_lib}", (POSITIVE, _LIB_STRENGTH.get(_group, MENTIONS), _title))
_SIGNALS["pipeline.dvc"] = (POSITIVE, DEFINES, "DVC pipeline (dvc.yaml stages)")
for _slug, _title in README_SECTIONS.items():
    _SIGNALS[f"docs.readme_sections.{_slug}"] = (POSITIVE, DEFINES, f"the README has a section with content on {_title}")

SIGNALS: dict[str, tuple[str, str]] = {k: (v[0], v[2]) for k, v in sorted(_SIGNALS.items())}
"""Signal id -> (polarity, description)."""
STRENGTH: dict[str, str] = {k: v[1] for k, v in sorted(_SIGNALS.items())}
"""Signal id -> strength (mentions, defines, runs, absence, smell)."""


def polarity(signal: str) -> str:
    """``positive`` or ``negative`` (unknown ids count as positive)."""
    return SIGNALS.get(signal, (POSITIVE, ""))[0]


def is_negative(signal: str) -> bool:
    return polarity(signal) == NEGATIVE


def describe(signal: str) -> str:
    return SIGNALS.get(signal, (POSITIVE, signal))[1]


def strength(signal: str) -> str:
    """The strength of a signal (``mentions`` for unknown ids)."""
    return STRENGTH.get(signal, MENTIONS)


@cache
def _prefixes() -> frozenset[str]:
    out = set()
    for s in SIGNALS:
        parts = s.split(".")
        out.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return frozenset(out)


def below(rule_signal: str) -> list[str]:
    """Every known signal a rule on ``rule_signal`` matches (itself and the signals below it)."""
    prefix = rule_signal + "."
    return [s for s in SIGNALS if s == rule_signal or s.startswith(prefix)]


def is_known(rule_signal: str) -> bool:
    """True when a detector emits ``rule_signal`` or a signal below it."""
    return rule_signal in _prefixes()


def close_matches(rule_signal: str) -> list[str]:
    return difflib.get_close_matches(rule_signal, sorted(_prefixes()), n=3, cutoff=0.6)
