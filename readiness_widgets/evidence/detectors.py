"""Detectors: read file names and text (never code execution) and emit signals with evidence.

One :class:`Detectors` object receives every file the walker yields. File names and extensions
are looked up in tables first; the text of a file is searched only by the detectors of its kind
(Python, notebook, YAML, Dockerfile, requirements, TOML/INI, Markdown, Terraform, shell/Make,
JVM). Every regular expression is compiled once; the hot paths (Python files) use patterns that
start with a literal so that the regex engine can skip ahead quickly, and keyword checks are
gated by the imports found, so that a typical source file costs one import scan.
"""

from __future__ import annotations

import bisect
import itertools
import json
import re
from collections.abc import Callable
from functools import lru_cache

from .model import Evidence, ScanProblem

# ---- which files are read ------------------------------------------------------------------

_EXT_KIND = {
    "py": "py", "ipynb": "ipynb", "yml": "yaml", "yaml": "yaml", "md": "md", "markdown": "md",
    "rst": "md", "toml": "toml", "cfg": "ini", "ini": "ini", "tf": "tf", "sh": "sh", "bash": "sh",
    "scala": "jvm", "java": "jvm", "sbt": "jvm", "gradle": "jvm", "kts": "jvm", "dockerfile": "docker",
}
_NAME_KIND = {
    "dockerfile": "docker", "containerfile": "docker", "makefile": "make", "gnumakefile": "make",
    "justfile": "make", "mlproject": "yaml", "pipfile": "toml", "pom.xml": "jvm",
    "renovate.json": "json", ".renovaterc": "json", ".renovaterc.json": "json",
    "zappa_settings.json": "json", ".flake8": "ini", ".pylintrc": "ini", "pylintrc": "ini",
    ".coveragerc": "ini",
}


def classify(lower: str, rel: str = "") -> str | None:
    """The kind of a file to read, from its lower-case name (and folder), or None (not read)."""
    kind = _NAME_KIND.get(lower)
    if kind is not None:
        return kind
    dot = lower.rfind(".")
    ext = lower[dot + 1 :] if dot >= 0 else ""
    kind = _EXT_KIND.get(ext)
    if kind is not None:
        return kind
    if lower.startswith(("dockerfile", "containerfile")):
        return "docker"
    if lower.startswith("jenkinsfile"):
        return "ci"
    if ext in ("txt", "in") and (lower.startswith(("requirements", "constraints")) or "requirements/" in rel):
        return "req"
    return None


# ---- tables ----------------------------------------------------------------------------------

_MODEL_EXTS = {
    "pkl": "pickle", "pickle": "pickle", "joblib": "joblib", "onnx": "ONNX", "pt": "PyTorch",
    "pth": "PyTorch", "ckpt": "checkpoint", "h5": "Keras/HDF5", "keras": "Keras",
    "safetensors": "safetensors", "pb": "TensorFlow graph", "tflite": "TensorFlow Lite",
    "mlmodel": "Core ML", "cbm": "CatBoost", "pmml": "PMML", "gguf": "GGUF", "mar": "TorchServe archive",
}
_PLAIN_EXTS = frozenset(["py", "ipynb", "yml", "yaml", "toml", "cfg", "ini", "sh", "csv", "parquet"])
_DOC_EXTS = frozenset(["md", "markdown", "rst", "txt", "pdf", "docx", "doc", "odt", "html", "htm", "adoc", "org"])

_NAME_SIGNALS: dict[str, tuple[tuple[str, str], ...]] = {
    "conftest.py": (("tests.present", "pytest conftest"), ("tests.runner.pytest", "conftest.py")),
    "pytest.ini": (("tests.runner.pytest", "pytest.ini"),),
    "tox.ini": (("tests.runner.tox", "tox.ini"),),
    "noxfile.py": (("tests.runner.nox", "noxfile.py"),),
    ".coveragerc": (("tests.coverage", ".coveragerc"),),
    "codecov.yml": (("tests.coverage", "Codecov"),), ".codecov.yml": (("tests.coverage", "Codecov"),),
    "poetry.lock": (("deps.lockfile", "Poetry"),), "uv.lock": (("deps.lockfile", "uv"),),
    "pipfile.lock": (("deps.lockfile", "Pipenv"),), "pdm.lock": (("deps.lockfile", "PDM"),),
    "conda-lock.yml": (("deps.lockfile", "conda-lock"),), "requirements.lock": (("deps.lockfile", "requirements.lock"),),
    "package-lock.json": (("deps.lockfile", "npm"),), "yarn.lock": (("deps.lockfile", "Yarn"),),
    "pnpm-lock.yaml": (("deps.lockfile", "pnpm"),), "cargo.lock": (("deps.lockfile", "Cargo"),),
    "go.sum": (("deps.lockfile", "Go modules"),), "pixi.lock": (("deps.lockfile", "pixi"),),
    "pyproject.toml": (("deps.declared", "pyproject.toml"),), "setup.py": (("deps.declared", "setup.py"),),
    "pipfile": (("deps.declared", "Pipfile"),), "environment.yml": (("deps.declared", "conda environment"),),
    "environment.yaml": (("deps.declared", "conda environment"),),
    "dependabot.yml": (("deps.audit", "Dependabot"),), "dependabot.yaml": (("deps.audit", "Dependabot"),),
    "renovate.json": (("deps.audit", "Renovate"),), ".renovaterc": (("deps.audit", "Renovate"),),
    ".renovaterc.json": (("deps.audit", "Renovate"),),
    ".pre-commit-config.yaml": (("lint.configured", "pre-commit"),), "ruff.toml": (("lint.configured", "ruff"),),
    ".ruff.toml": (("lint.configured", "ruff"),), ".flake8": (("lint.configured", "flake8"),),
    ".pylintrc": (("lint.configured", "pylint"),), "pylintrc": (("lint.configured", "pylint"),),
    "mypy.ini": (("lint.configured", "mypy"),), ".mypy.ini": (("lint.configured", "mypy"),),
    "docker-compose.yml": (("deploy.compose", "Docker Compose"),), "docker-compose.yaml": (("deploy.compose", "Docker Compose"),),
    "compose.yml": (("deploy.compose", "Docker Compose"),), "compose.yaml": (("deploy.compose", "Docker Compose"),),
    "chart.yaml": (("deploy.helm", "Helm chart"),),
    "kustomization.yaml": (("deploy.kubernetes", "kustomize"),), "kustomization.yml": (("deploy.kubernetes", "kustomize"),),
    "skaffold.yaml": (("deploy.kubernetes", "Skaffold"),),
    "serverless.yml": (("deploy.serverless", "Serverless Framework"),), "serverless.yaml": (("deploy.serverless", "Serverless Framework"),),
    "zappa_settings.json": (("deploy.serverless", "Zappa"),), "samconfig.toml": (("deploy.serverless", "AWS SAM"),),
    "alertmanager.yml": (("monitoring.alerting", "Alertmanager"),), "alertmanager.yaml": (("monitoring.alerting", "Alertmanager"),),
    "prometheus.yml": (("monitoring.prometheus", "Prometheus config"),), "prometheus.yaml": (("monitoring.prometheus", "Prometheus config"),),
    "great_expectations.yml": (("data_validation.great_expectations", "Great Expectations project"),),
    "dvc.yaml": (("pipeline.dvc", "dvc.yaml stages"), ("tracking.dvc", "DVC")),
    "dvc.lock": (("data.versioning", "dvc.lock"),),
    "mlproject": (("tracking.mlflow", "MLproject"),),
    "codeowners": (("team.codeowners", "CODEOWNERS"),),
    "metrics.json": (("model.metrics_tracked", "metrics.json"),),
    "feature_store.yaml": (("data.feature_store", "Feast"),),
    "schema.yaml": (("data.schema", "schema file"),), "schema.yml": (("data.schema", "schema file"),),
    "model_card.json": (("docs.model_card", "model card (JSON)"),), "modelcard.json": (("docs.model_card", "model card (JSON)"),),
}
_CI_NAMES = {
    ".gitlab-ci.yml": "GitLab CI", "azure-pipelines.yml": "Azure Pipelines", "azure-pipelines.yaml": "Azure Pipelines",
    "bitbucket-pipelines.yml": "Bitbucket Pipelines", ".travis.yml": "Travis CI", ".drone.yml": "Drone",
    ".woodpecker.yml": "Woodpecker", "cloudbuild.yaml": "Google Cloud Build", "cloudbuild.yml": "Google Cloud Build",
    "buildspec.yml": "AWS CodeBuild", "buildspec.yaml": "AWS CodeBuild", "appveyor.yml": "AppVeyor",
    ".appveyor.yml": "AppVeyor", "bitrise.yml": "Bitrise", "codemagic.yaml": "Codemagic",
}
_CI_DIRS = (
    (".github/workflows/", "GitHub Actions"), (".gitlab/ci/", "GitLab CI"), (".circleci/", "CircleCI"),
    (".azure-pipelines/", "Azure Pipelines"), ("azure-pipelines/", "Azure Pipelines"), (".buildkite/", "Buildkite"),
    (".woodpecker/", "Woodpecker"), (".tekton/", "Tekton"),
)
_DIR_SIGNALS: dict[str, tuple[tuple[str, str], bool]] = {  # name -> ((signal, detail), descend)
    "mlruns": (("tracking.mlflow", "local MLflow runs (mlruns/)"), False),
    "wandb": (("tracking.wandb", "local W&B runs (wandb/)"), False),
    ".dvc": (("tracking.dvc", "DVC repository (.dvc/)"), False),
    "great_expectations": (("data_validation.great_expectations", "Great Expectations project"), True),
    "gx": (("data_validation.great_expectations", "Great Expectations project (gx/)"), True),
    "lightning_logs": (("tracking.tensorboard", "Lightning logs"), False),
}

# Python imports -> signals. "@split" / "@metrics" / "@seeds" are scoped: code.* or notebooks.*
_IMPORTS: dict[str, tuple[str, ...]] = {
    "mlflow": ("tracking.mlflow",), "wandb": ("tracking.wandb",), "dvc": ("tracking.dvc",),
    "neptune": ("tracking.neptune",), "comet_ml": ("tracking.comet",), "clearml": ("tracking.clearml",),
    "torch.utils.tensorboard": ("tracking.tensorboard",), "tensorboardX": ("tracking.tensorboard",),
    "great_expectations": ("data_validation.great_expectations",), "pandera": ("data_validation.pandera",),
    "pydantic": ("data_validation.pydantic",), "tensorflow_data_validation": ("data_validation.tfdv",),
    "pydeequ": ("data_validation.deequ",), "soda": ("data_validation.soda",),
    "deepchecks": ("data_validation.deepchecks",), "jsonschema": ("data_validation.jsonschema",),
    "evidently": ("monitoring.evidently", "monitoring.drift"), "whylogs": ("monitoring.whylogs",),
    "nannyml": ("monitoring.nannyml", "monitoring.drift"), "alibi_detect": ("monitoring.alibi_detect", "monitoring.drift"),
    "prometheus_client": ("monitoring.prometheus",), "opentelemetry": ("monitoring.opentelemetry",),
    "sentry_sdk": ("monitoring.sentry",), "datadog": ("monitoring.datadog",), "ddtrace": ("monitoring.datadog",),
    "fairlearn": ("fairness.fairlearn",), "aif360": ("fairness.aif360",),
    "shap": ("explainability.shap",), "lime": ("explainability.lime",), "captum": ("explainability.captum",),
    "interpret": ("explainability.interpret",), "alibi": ("explainability.alibi",), "dalex": ("explainability.dalex",),
    "eli5": ("explainability.eli5",),
    "airflow": ("pipeline.airflow",), "prefect": ("pipeline.prefect",), "dagster": ("pipeline.dagster",),
    "kedro": ("pipeline.kedro",), "kfp": ("pipeline.kubeflow",), "zenml": ("pipeline.zenml",),
    "metaflow": ("pipeline.metaflow",), "luigi": ("pipeline.luigi",), "flytekit": ("pipeline.flyte",),
    "openlineage": ("data.lineage",), "datahub": ("data.lineage",), "feast": ("data.feature_store",),
    "fastapi": ("serving.fastapi",), "flask": ("serving.flask",), "bentoml": ("serving.bentoml",),
    "ray.serve": ("serving.ray_serve",), "seldon_core": ("serving.seldon",), "kserve": ("serving.kserve",),
    "mlserver": ("serving.mlserver",), "tritonclient": ("serving.triton",), "gradio": ("serving.demo_ui",),
    "streamlit": ("serving.demo_ui",),
    "sklearn.model_selection": ("@split",), "torch.utils.data.random_split": ("@split",),
    "torch.utils.data.Subset": ("@split",), "sklearn.metrics": ("@metrics",), "torchmetrics": ("@metrics",),
    "evaluate": ("@metrics",), "hypothesis": ("tests.property",),
}
_TEST_IMPORTS = {"pytest": "tests.runner.pytest", "unittest": "tests.runner.unittest"}
_WEB_LIBS = frozenset(["fastapi", "flask", "bentoml", "starlette", "aiohttp", "django", "litestar", "sanic"])
_PIPELINE_LIBS = frozenset(["airflow", "prefect", "dagster", "luigi", "flytekit"])
_DATA_VALIDATION_LIBS = frozenset(["great_expectations", "pandera", "pydantic", "tensorflow_data_validation", "pydeequ", "soda", "deepchecks"])

_INTERESTING_TOPS = frozenset(k.split(".")[0] for k in _IMPORTS) | frozenset(_TEST_IMPORTS)
# Keyword searches use str.find (fast, literal) rather than a regex alternation over the text.
_REGISTRY_WORDS = {  # imported library -> words (or word parts) that register a model with it
    "mlflow": ("regist", "model_version"), "wandb": ("link_model", "log_model"),
    "huggingface_hub": ("push_to_hub", "upload_folder"), "transformers": ("push_to_hub",),
    "sagemaker": ("ModelPackage", ".register("), "google": ("Model.upload",), "azure": ("models.create_or_update",),
    "azureml": ("Model.register",), "neptune": ("init_model_version",), "clearml": ("OutputModel",),
    "bentoml": ("bentoml.models",),
}
_SEED_WORDS = ("random.seed(", "manual_seed(", "manual_seed_all(", "set_seed(", "set_random_seed(", "seed_everything(",
               "default_rng(")
_SEED_LIBS = frozenset(
    ["random", "numpy", "torch", "tensorflow", "keras", "jax", "lightning", "pytorch_lightning", "transformers", "accelerate"]
)
_RANDOM_STATE_LIBS = frozenset(["sklearn", "xgboost", "lightgbm", "catboost", "imblearn", "umap"])
_RANDOM_STATE_RE = re.compile(r"random_state[ \t]*=[ \t]*\d")
_HEALTH_WORDS = ("/health", "/live", "/ready", "/ping")
_DUMMY_RE = re.compile(r"\bDummy(?:Classifier|Regressor)\b")
_DRIFT_STATS_RE = re.compile(r"\b(?:ks_2samp|wasserstein_distance|jensenshannon|population_stability\w*|chi2_contingency)\b")
_HEALTH_RE = re.compile(r"""["'](/(?:health\w*|healthz|livez|readyz|ready|readiness|liveness|ping))["']""")
_RETRIES_RE = re.compile(r"\bretries[ \t]*[=:][ \t]*[1-9]")
_ASSERT_CMP_RE = re.compile(r"assert[ (][^\n<>]{0,200}[<>]")
_METRIC_ASSERT_RE = re.compile(
    r"\b(?:accuracy|acc|auc|roc_auc|f1|precision|recall|rmse|mse|mae|r2|score|loss|metric\w*)\b"
)
_TEST_DATA_NAME_RE = re.compile(r"data|schema|validat|quality|feature|expectation")

# CI content
_CI_PATTERNS: tuple[tuple[str, re.Pattern], ...] = tuple(
    (signal, re.compile(pattern, re.IGNORECASE | re.MULTILINE))
    for signal, pattern in (
        ("ci.runs_tests", r"\b(?:pytest|py\.test|python3? -m unittest|tox\b(?! *-e *(?:lint|docs))|nox\b|"
         r"make +(?:test|check)\b|hatch +(?:run +)?test|npm +(?:run +)?test|go +test|mvn\b[^\n]{0,80}?\b(?:test|verify)\b|"
         r"gradlew? +test|coverage +run)"),
        ("ci.runs_lint", r"\b(?:ruff|flake8|pylint|black|mypy|pyright|isort|pre-commit|make +lint|eslint|hadolint)\b"),
        ("ci.runs_notebooks", r"\b(?:nbmake|papermill|nbclient|nbval|treon)\b|jupyter +(?:nbconvert|execute)\b"),
        ("ci.deploys", r"\b(?:docker +push|docker/build-push-action|kubectl +(?:apply|set +image|rollout)|"
         r"helm +(?:upgrade|install)|terraform +apply|gcloud +(?:run|app|functions) +deploy|"
         r"aws +(?:ecs +update-service|lambda +update-function-code|sagemaker)|serverless +deploy|sls +deploy|"
         r"sam +deploy|cdk +deploy|az +(?:webapp|containerapp|ml)\b|flyctl +deploy|skaffold +(?:run|deploy)|"
         r"argocd +app +sync|azure/webapps-deploy|aws-actions/amazon-ecs-deploy)|^[ \t]*environment:[ \t]*['\"]?(?:prod|production|staging)\b|"
         r"^[ \t]*-?[ \t]*(?:stage:[ \t]*)?deploy[\w-]*:"),
        ("ci.scheduled", r"^[ \t]*(?:schedule|schedules):|\bcron\b"),
        ("ci.security_scan", r"\b(?:pip-audit|safety +check|bandit|trivy|grype|snyk|codeql|dependency-review|gitleaks|trufflehog|osv-scanner)\b"),
        ("ci.data_checks", r"\b(?:great_expectations|great-expectations|gx +checkpoint|checkpoint +run|pandera|soda +scan|deepchecks)\b"),
        ("ci.trains", r"\b(?:dvc +repro|mlflow +run|train\.py|python3? +-m +[\w.]*train)\b"),
    )
)
_COVERAGE_FLAG_RE = re.compile(r"--cov\b|\bcoverage\b|codecov")

# YAML (Kubernetes, Compose, Helm, alerting, ...)
_K8S_KIND_RE = re.compile(r"^kind:[ \t]*['\"]?(\w+)", re.MULTILINE)
_K8S_KINDS = {
    "horizontalpodautoscaler": ("deploy.autoscaling", "HorizontalPodAutoscaler"),
    "verticalpodautoscaler": ("deploy.autoscaling", "VerticalPodAutoscaler"),
    "scaledobject": ("deploy.autoscaling", "KEDA ScaledObject"),
    "prometheusrule": ("monitoring.alerting", "PrometheusRule"),
    "servicemonitor": ("monitoring.prometheus", "ServiceMonitor"),
    "podmonitor": ("monitoring.prometheus", "PodMonitor"),
    "rollout": ("deploy.zero_downtime", "Argo Rollout"),
    "canary": ("deploy.zero_downtime", "Flagger Canary"),
    "inferenceservice": ("serving.kserve", "KServe InferenceService"),
    "seldondeployment": ("serving.seldon", "SeldonDeployment"),
    "kustomization": ("deploy.kubernetes", "Kustomization"),
}
_YAML_PATTERNS: tuple[tuple[str, str, tuple[str, ...], re.Pattern], ...] = tuple(
    (signal, detail, gates, re.compile(pattern, re.MULTILINE))
    for signal, detail, gates, pattern in (  # a pattern runs only if one of its gates is in the text
        ("deploy.healthcheck", "liveness/readiness probe", ("Probe",), r"\b(?:livenessProbe|readinessProbe|startupProbe)\b"),
        ("deploy.healthcheck", "compose healthcheck", ("healthcheck:",), r"^[ \t]*healthcheck:"),
        ("deploy.zero_downtime", "rollout strategy", ("RollingUpdate", "maxUnavailable", "blueGreen", "canary:"),
         r"\b(?:RollingUpdate|maxUnavailable:[ \t]*0\b|blueGreen|canary:)"),
        ("deploy.resource_limits", "resource limits", ("limits:",), r"^[ \t]*limits:[ \t]*\r?\n[ \t]+(?:cpu|memory|nvidia\.com/gpu):"),
        ("deploy.autoscaling", "autoscaling enabled", ("autoscaling", "maxReplicas"),
         r"^[ \t]*autoscaling:[ \t]*\r?\n[ \t]+enabled:[ \t]*true\b|\bmaxReplicas:[ \t]*\d|autoscaling\.knative\.dev"),
        ("monitoring.alerting", "alerting rule", ("alert:",), r"^[ \t]*-[ \t]*alert:[ \t]*\S"),
        ("deploy.serverless", "AWS SAM", ("AWS::Serverless",), r"AWS::Serverless"),
        ("model.metrics_tracked", "dvc metrics", ("metrics:",), r"^[ \t]*metrics:[ \t]*$"),
    )
)
_ENV_PIN_RE = re.compile(r"^[ \t]*-[ \t]*[A-Za-z0-9_.\-]+[ \t]*(==?|>=|<=|~=|>|<)?", re.MULTILINE)

# Dockerfile, Terraform, shell / Make, TOML / INI, JVM
_DOCKER_HEALTH_RE = re.compile(r"^[ \t]*HEALTHCHECK\b(?![ \t]+NONE)", re.IGNORECASE | re.MULTILINE)
_TF_PATTERNS: tuple[tuple[str, str, re.Pattern], ...] = tuple(
    (signal, detail, re.compile(pattern))
    for signal, detail, pattern in (
        ("deploy.autoscaling", "autoscaling resource", r"\b(?:aws_appautoscaling_(?:target|policy)|aws_autoscaling_(?:group|policy)|"
         r"google_compute_(?:region_)?autoscaler|azurerm_monitor_autoscale_setting|google_cloud_run_v2_service|"
         r"(?:min|max)_(?:replicas|capacity|instance_count))\b"),
        ("monitoring.alerting", "cloud alarm", r"\b(?:aws_cloudwatch_metric_alarm|google_monitoring_alert_policy|"
         r"azurerm_monitor_metric_alert|datadog_monitor|grafana_rule_group|newrelic_alert_policy)\b"),
        ("deploy.healthcheck", "health check", r"\bhealth_?check(?:_path)?\b"),
        ("deploy.kubernetes", "Kubernetes via Terraform", r"\b(?:kubernetes_deployment|helm_release|google_container_cluster|aws_eks_cluster|azurerm_kubernetes_cluster)\b"),
    )
)
_SCRIPT_PATTERNS: tuple[tuple[str, str, re.Pattern], ...] = tuple(
    (signal, detail, re.compile(pattern, re.MULTILINE))
    for signal, detail, pattern in (
        ("deploy.rollback", "scripted rollback", r"\b(?:kubectl +rollout +undo|helm +rollback|rollback)\b"),
        ("tests.runner.pytest", "pytest in a script", r"\bpytest\b"),
        ("tests.runner.tox", "tox in a script", r"^[ \t]*tox\b"),
        ("tests.coverage", "coverage in a script", r"--cov\b|\bcoverage +run\b"),
    )
)
_TOML_TOOL_RE = re.compile(r"^\[tool\.(pytest|coverage|ruff|black|mypy|pylint|isort|flake8|tox|pyright)\b", re.MULTILINE)
_INI_SECTION_RE = re.compile(r"^\[(tool:pytest|pytest|flake8|mypy|coverage:\w+|tox|testenv|pylint\b[\w.]*|isort|MASTER)\]", re.MULTILINE)
_TOOL_SIGNAL = {
    "pytest": "tests.runner.pytest", "tool:pytest": "tests.runner.pytest", "coverage": "tests.coverage",
    "tox": "tests.runner.tox", "testenv": "tests.runner.tox",
}

# Markdown / reStructuredText
_MD_HEADING_RE = re.compile(r"\n[ \t]{0,3}#{1,6}[ \t]+([^\n]+)")
_RST_HEADING_RE = re.compile(r"\n([^\n]{1,200})\n(?:={3,}|-{3,}|~{3,}|\^{3,}|\*{3,})[ \t]*(?=\n)")
_DOC_KEYWORDS = (
    ("docs.model_card", r"model ?cards?\b"),
    ("docs.datasheet", r"data ?sheets?\b|data ?cards?\b|dataset cards?\b"),
    ("docs.runbook", r"run ?books?\b|play ?books?\b|on ?-?call\b"),
    ("docs.incident_response", r"incident|post ?-?mortem"),
    ("docs.rollback_plan", r"roll ?-?back"),
    ("docs.adr", r"architecture decision|\badrs?\b"),
    ("docs.ethics_review", r"ethic"),
    ("docs.risk_assessment", r"risk (?:assessment|register|analysis)|impact assessment|\bdpia\b"),
    ("docs.fairness", r"fairness|\bbias\b"),
    ("docs.privacy", r"privacy|\bgdpr\b|personal data|\bpii\b"),
    ("docs.compliance", r"complian|regulat|\bai act\b|\baudit"),
    ("docs.security", r"\bsecurity\b"),
    ("docs.business_case", r"\broi\b|return on investment|business case|cost ?-?benefit|business value"),
    ("docs.success_metrics", r"success (?:metric|criteri|measure)|\bkpis?\b|business metric"),
    ("docs.slo", r"\bslos?\b|\bslas?\b|service level"),
    ("docs.limitations", r"limitation|known issues|caveat"),
    ("docs.monitoring_plan", r"monitoring|observability|alerting"),
    ("docs.retraining", r"retrain"),
    ("docs.lineage", r"lineage|provenance"),
    ("docs.architecture", r"architecture|system design"),
    ("docs.ownership", r"stakeholder|\braci\b|\bowners?\b|ownership|maintainers?\b|\bcontacts?\b|\bteam\b"),
    ("docs.changelog", r"change ?log|release notes|\bhistory\b"),
    ("docs.contributing", r"contribut"),
)
_DOC_RE = re.compile("|".join(f"(?P<g{i}>{p})" for i, (_, p) in enumerate(_DOC_KEYWORDS)))
_DOC_GROUP = {f"g{i}": s for i, (s, _) in enumerate(_DOC_KEYWORDS)}
_README_SECTIONS = (
    ("installation", r"install|set ?up\b|getting started|requirements"),
    ("usage", r"usage|quick ?start|how to use|\brunning\b"),
    ("testing", r"\btest"),
    ("deployment", r"deploy|serving|production"),
    ("monitoring", r"monitor|observab|alert"),
    ("limitations", r"limitation|known issues|caveat"),
    ("evaluation", r"evaluat|metric|results|performance|benchmark"),
    ("data", r"\bdata(?:set)?s?\b"),
    ("model", r"\bmodels?\b"),
    ("ethics", r"ethic|fairness|\bbias\b|responsible"),
    ("architecture", r"architecture|design"),
    ("troubleshooting", r"troubleshoot|\bfaq\b"),
    ("ownership", r"owner|maintainer|contact|\bteam\b|support"),
    ("contributing", r"contribut"),
    ("license", r"licen[cs]e"),
)
_README_RE = re.compile("|".join(f"(?P<{slug}>{p})" for slug, p in _README_SECTIONS))
_STEM_SEP_RE = re.compile(r"[_\-.]+")
_MAX_HEADINGS = 5000
_ADR_DIRS = ("/adr/", "/adrs/", "/decisions/", "/architecture-decisions/", "/decision-records/")


_GATED_LIBS = (
    _SEED_LIBS | _RANDOM_STATE_LIBS | _REGISTRY_WORDS.keys() | _WEB_LIBS | _PIPELINE_LIBS | _DATA_VALIDATION_LIBS
    | {"sklearn", "scipy"}
)


def _recognised_by_name(rel: str, lower: str, text: str) -> None:
    """JSON files (renovate, zappa settings) are signals by their name; their text adds nothing."""


class Detectors:
    """Feed every file to :meth:`file` (and folders to :meth:`folder`); read the signals after."""

    def __init__(self, problem: Callable[[str, str, str], None], max_evidence: int = 50):
        self.problem = problem
        self.max_evidence = max_evidence
        self.signals: dict[str, list[Evidence]] = {}
        self.counts: dict[str, int] = {}
        self._seen: set[tuple[str, str]] = set()
        self.notebooks_parsed = 0
        self._packaged = 0
        self._handlers = {
            "py": self._python, "ipynb": self._notebook, "yaml": self._yaml, "md": self._markdown,
            "req": self._requirements, "toml": self._toml, "ini": self._ini, "docker": self._docker,
            "ci": self._ci_only, "tf": self._terraform, "sh": self._script, "make": self._script,
            "jvm": self._jvm, "json": _recognised_by_name,
        }

    # ---- collecting -----------------------------------------------------------------------
    def add(self, signal: str, path: str, line: int | None = None, cell: int | None = None, detail: str = "") -> None:
        key = (signal, path)
        if key in self._seen:
            return
        self._seen.add(key)
        self.counts[signal] = self.counts.get(signal, 0) + 1
        items = self.signals.setdefault(signal, [])
        if len(items) < self.max_evidence:
            items.append(Evidence(signal, path, line, cell, detail[:200]))

    def _add_at(self, signal: str, path: str, text: str, pos: int, detail: str = "", cells=None) -> None:
        """Add evidence at character ``pos`` of ``text`` (a line, or a cell and a line)."""
        key = (signal, path)
        if key in self._seen:
            return
        if len(self.signals.get(signal, ())) >= self.max_evidence:  # only counted now: skip the line count
            self._seen.add(key)
            self.counts[signal] += 1
            return
        if cells is None:
            self.add(signal, path, text.count("\n", 0, pos) + 1, None, detail)
        else:
            k = bisect.bisect_right(cells, pos) - 1  # cells count from 1, as people count them
            self.add(signal, path, text.count("\n", cells[k], pos) + 1, k + 1, detail)

    def has(self, signal: str) -> bool:
        return signal in self.signals

    # ---- entry points ---------------------------------------------------------------------
    def folder(self, rel: str, lower: str) -> bool:
        """Called for each folder before it is entered; False keeps the walker out."""
        hit = _DIR_SIGNALS.get(lower)
        if hit is None:
            return True
        (signal, detail), descend = hit
        self.add(signal, rel, detail=detail)
        return descend

    def file(self, rel: str, lower: str, kind: str | None, data: bytes | None) -> None:
        dot = lower.rfind(".")
        ext = lower[dot + 1 :] if dot > 0 else ""
        hits = _NAME_SIGNALS.get(lower)
        if hits:
            for signal, detail in hits:
                self.add(signal, rel, detail=detail)
        if ext not in _PLAIN_EXTS:  # .py, .yaml, ... have no name-based signal beyond _NAME_SIGNALS
            self._by_extension(rel, lower, ext, dot)
        if kind is None or data is None:
            return
        text = data.decode("utf-8", "replace")
        self._handlers[kind](rel, lower, text)

    def _by_extension(self, rel: str, lower: str, ext: str, dot: int) -> None:
        if ext in _MODEL_EXTS:
            self.add("model.files", rel, detail=_MODEL_EXTS[ext])
        elif ext == "dvc":
            self.add("data.versioning", rel, detail="DVC-tracked file")
        elif ext == "tf":
            self.add("deploy.terraform", rel, detail="Terraform")
        elif ext in _DOC_EXTS:
            self._doc_name(rel, lower, dot)
        elif ext == "json" and "grafana" in rel.lower():
            self.add("monitoring.dashboards", rel, detail="Grafana dashboard")
        elif ext in ("avsc", "proto") or lower == "schema.json":
            self.add("data.schema", rel, detail="schema file")
        elif ext == "json" and "/expectations/" in f"/{rel}":
            self.add("data.schema", rel, detail="expectation suite")

    def finish(self, complete: bool, files_seen: int) -> None:
        """Derived signals: notebooks only, and (when ``complete``: nothing was left unread)
        absence of tests, CI, deployment, monitoring."""
        if self.has("notebooks.present") and not self.has("code.packaged"):
            first = self.signals["notebooks.present"][0].path
            self.add("notebooks.only", first, detail="notebooks but no Python module outside tests")
        if not complete:
            return
        nothing = f"none found in {files_seen} files"
        if not self.has("tests.present"):
            self.add("tests.none", ".", detail=nothing)
        if not self.has("ci.present"):
            self.add("ci.none", ".", detail=nothing)
        deploys = ("deploy.container", "deploy.compose", "deploy.kubernetes", "deploy.helm", "deploy.serverless", "deploy.terraform")
        if not any(self.has(s) for s in deploys):
            self.add("deploy.none", ".", detail=nothing)
        if not any(s.startswith("monitoring.") for s in self.signals):
            self.add("monitoring.none", ".", detail=nothing)

    # ---- names ----------------------------------------------------------------------------
    def _doc_name(self, rel: str, lower: str, dot: int) -> None:
        for signal in _stem_signals(lower[:dot].translate(_NO_DIGITS)):
            self.add(signal, rel, detail=f"file name {rel.rsplit('/', 1)[-1]}")
        if dot > 0 and lower[dot + 1 :] in ("md", "rst", "markdown") and any(d in f"/{rel.lower()}" for d in _ADR_DIRS):
            self.add("docs.adr", rel, detail="decision record")

    # ---- Python and notebooks -------------------------------------------------------------
    def _python(self, rel: str, lower: str, text: str) -> None:
        is_test = (
            lower.startswith("test_")
            or lower.endswith("_test.py")
            or rel.startswith(("tests/", "test/"))
            or "/tests/" in rel
            or "/test/" in rel
        )
        if is_test:
            self.add("tests.present", rel, detail="test file")
        elif lower not in ("setup.py", "noxfile.py", "conftest.py", "conf.py"):
            if self._packaged < self.max_evidence:
                self.add("code.packaged", rel, detail="Python module")
            else:
                self.counts["code.packaged"] += 1  # every module is a new path: no need to deduplicate
            self._packaged += 1
        self._python_text(rel, text, "code", is_test, lower)

    def _python_text(self, rel: str, text: str, scope: str, is_test: bool, lower: str = "", cells=None) -> set[str]:
        """Search Python source (a file, or a notebook's code cells joined); returns top-level imports."""
        # Import lines, found by str.find (memchr speed) rather than a line-anchored regex.
        found: set[str] = set()
        interesting: list[tuple[int, list[str], str]] = []
        pos = text.find("import")
        while pos >= 0:
            start = text.rfind("\n", 0, pos) + 1
            end = text.find("\n", pos)
            if end < 0:
                end = len(text)
            after = text[pos + 6 : pos + 7]
            if (start == pos or text[start:pos].isspace()) and (after == " " or after == "\t"):
                rest = text[pos + 7 : end]
                if "," in rest or "#" in rest:  # import a.b as c, d  # comment
                    modules = [w[0] for w in (p.split() for p in rest.split("#")[0].split(",")) if w]
                else:
                    modules = rest.split(None, 1)[:1]
                for module in modules:
                    top = module.partition(".")[0]
                    found.add(top)
                    if top in _INTERESTING_TOPS and (_resolve(module) or (is_test and top in _TEST_IMPORTS)):
                        interesting.append((start, [module], top))
            elif after in (" ", "\t", "(") and text[start:pos].lstrip().startswith("from "):  # from a.b import c
                module = text[start:pos].strip()[5:].strip()
                top = module.partition(".")[0]
                found.add(top)
                if top in _INTERESTING_TOPS:
                    names = text[pos + 6 : end].split("#")[0].strip(" \t()\\").split(",")
                    dotted = [module] + [f"{module}.{n.split()[0]}" for n in names if n.split()]
                    if any(_resolve(d) for d in dotted) or (is_test and top in _TEST_IMPORTS):
                        interesting.append((start, dotted, top))
            pos = text.find("import", end)
        found.discard("")  # relative imports
        for start, dotted, top in interesting:  # few per file
            self._import_hits(start, dotted, top, rel, text, scope, is_test, cells)
        gated = found & _GATED_LIBS
        if not gated and not is_test:
            return found
        if not gated.isdisjoint(_SEED_LIBS) and "seed" in text:  # seeds matter where randomness is imported
            hit = _find_any(text, _SEED_WORDS)
            if hit:
                self._add_at(f"{scope}.seeds", rel, text, hit[0], hit[1].rstrip("("), cells)
        if not gated.isdisjoint(_RANDOM_STATE_LIBS):
            at = text.find("random_state")
            m = _RANDOM_STATE_RE.search(text, at) if at >= 0 else None
            if m:
                self._add_at(f"{scope}.seeds", rel, text, m.start(), "random_state", cells)
        for lib in gated & _REGISTRY_WORDS.keys():
            hit = _find_any(text, _REGISTRY_WORDS[lib])
            if hit:
                self._add_at("model.registry", rel, text, hit[0], _word_at(text, hit[0]), cells)
                break
        if "sklearn" in gated and "Dummy" in text:
            m = _DUMMY_RE.search(text)
            if m:
                self._add_at("model.baseline", rel, text, m.start(), m.group(0), cells)
        if "scipy" in gated:
            m = _DRIFT_STATS_RE.search(text)
            if m:
                self._add_at("monitoring.drift", rel, text, m.start(), m.group(0), cells)
        if not gated.isdisjoint(_WEB_LIBS):
            hit = _find_any(text, _HEALTH_WORDS)
            if hit and text[hit[0] - 1 : hit[0]] in ("'", '"'):
                end, high = hit[0] + 1, min(len(text), hit[0] + 40)
                while end < high and (text[end].isalnum() or text[end] in "_-"):
                    end += 1
                self._add_at("deploy.healthcheck", rel, text, hit[0], f"endpoint {text[hit[0]:end]}", cells)
        if not gated.isdisjoint(_PIPELINE_LIBS) and "retries" in text:
            m = _RETRIES_RE.search(text)
            if m:
                self._add_at("pipeline.retries", rel, text, m.start(), m.group(0), cells)
        if is_test:
            hit = _metric_assert(text)
            if hit is not None:
                self._add_at("tests.model_quality", rel, text, hit[0], hit[1], cells)
            if not gated.isdisjoint(_DATA_VALIDATION_LIBS) or _TEST_DATA_NAME_RE.search(lower):
                self.add("tests.data", rel, detail="data or schema test")
        return found

    def _import_hits(self, pos, dotted, top, rel, text, scope, is_test, cells) -> None:
        """Signals of one import line of an interesting module (``dotted``: what it imports)."""
        for name in dotted:
            for sig in _resolve(name):
                signal = f"{scope}.{sig[1:]}" if sig[0] == "@" else sig
                self._add_at(signal, rel, text, pos, f"imports {name}", cells)
        if is_test and top in _TEST_IMPORTS:
            self._add_at(_TEST_IMPORTS[top], rel, text, pos, f"imports {top}", cells)

    def _notebook(self, rel: str, lower: str, text: str) -> None:
        nb = _parse_notebook(text, rel, self.problem)
        if nb is None:
            return
        self.notebooks_parsed += 1
        self.add("notebooks.present", rel, detail="notebook")
        parts: list[str] = []
        starts: list[int] = []
        offset = 0
        counts: list[tuple[int, int]] = []
        for index, cell in enumerate(nb["cells"]):
            # every cell gets a slot (markdown cells an empty one) so that a position maps to its cell
            starts.append(offset)
            if not isinstance(cell, dict) or cell.get("cell_type") != "code":
                parts.append("")
                offset += 1
                continue
            source = cell.get("source", "")
            if type(source) is not str:
                try:
                    source = "".join(source)
                except TypeError:
                    source = ""
            parts.append(source)
            offset += len(source) + 1
            count = cell.get("execution_count")
            if type(count) is int:
                counts.append((index, count))
            outputs = cell.get("outputs")
            if outputs and isinstance(outputs, list):
                for out in outputs:
                    if isinstance(out, dict) and out.get("output_type") == "error":
                        ename = str(out.get("ename", "error"))[:80]
                        self.add("notebooks.errors", rel, cell=index + 1, detail=f"saved output shows {ename}")
                        break
        for (_, a), (index, b) in itertools.pairwise(counts):
            if b < a:
                self.add("notebooks.out_of_order", rel, cell=index + 1, detail=f"execution count {b} after {a}")
                break
        joined = "\n".join(parts)
        imports = self._python_text(rel, joined, "notebooks", False, lower, cells=starts)
        if imports:
            self.add("notebooks.imports", rel, detail=", ".join(sorted(imports))[:200])

    # ---- configuration files --------------------------------------------------------------
    def _ci_provider(self, rel: str, lower: str) -> str | None:
        provider = _CI_NAMES.get(lower)
        if provider is None and rel.startswith((".", "azure-pipelines/")):
            for prefix, name in _CI_DIRS:
                if rel.startswith(prefix):
                    return name
        return provider

    def _ci(self, rel: str, provider: str, text: str) -> None:
        self.add("ci.present", rel, 1, detail=provider)
        for signal, pattern in _CI_PATTERNS:
            m = pattern.search(text)
            if m:
                self._add_at(signal, rel, text, m.start(), m.group(0).strip()[:80])
        m = _COVERAGE_FLAG_RE.search(text)
        if m:
            self._add_at("tests.coverage", rel, text, m.start(), "coverage in CI")

    def _ci_only(self, rel: str, lower: str, text: str) -> None:
        self._ci(rel, "Jenkins", text)

    def _yaml(self, rel: str, lower: str, text: str) -> None:
        provider = self._ci_provider(rel, lower)
        if provider is not None:
            self._ci(rel, provider, text)
            return
        if lower in ("environment.yml", "environment.yaml"):
            self._conda_env(rel, text)
        if "kind:" in text and "apiVersion" in text:
            for m in _K8S_KIND_RE.finditer(text):
                hit = _K8S_KINDS.get(m.group(1).lower())
                if hit is not None:
                    self._add_at(hit[0], rel, text, m.start(), hit[1])
                self._add_at("deploy.kubernetes", rel, text, m.start(), f"kind: {m.group(1)}")
        for signal, detail, gates, pattern in _YAML_PATTERNS:
            if any(g in text for g in gates):
                m = pattern.search(text)
                if m:
                    self._add_at(signal, rel, text, m.start(), detail)

    def _conda_env(self, rel: str, text: str) -> None:
        section = text.split("dependencies:", 1)[-1]
        specs = [m.group(1) for m in _ENV_PIN_RE.finditer(section)]
        if specs:
            pinned = sum(1 for s in specs if s == "=" or s == "==")
            self._pin_verdict(rel, pinned, len(specs))

    def _docker(self, rel: str, lower: str, text: str) -> None:
        self.add("deploy.container", rel, 1, detail="Dockerfile")
        m = _DOCKER_HEALTH_RE.search(text)
        if m:
            self._add_at("deploy.healthcheck", rel, text, m.start(), "HEALTHCHECK")

    def _requirements(self, rel: str, lower: str, text: str) -> None:
        self.add("deps.declared", rel, detail="requirements file")
        head = text[:2000]
        if "--hash=" in text or "pip-compile" in head or "uv pip compile" in head or "uv export" in head:
            self.add("deps.lockfile", rel, detail="compiled requirements (pip-compile / uv)")
        if lower.endswith(".in"):
            return
        total = pinned = 0
        for raw in text.splitlines():
            line = raw.split("#", 1)[0].strip()
            if not line or line.startswith(("-", "--")):
                continue
            total += 1
            if "==" in line or " @ " in line:
                pinned += 1
        if total:
            self._pin_verdict(rel, pinned, total)

    def _pin_verdict(self, rel: str, pinned: int, total: int) -> None:
        detail = f"{pinned} of {total} pinned to an exact version"
        if pinned >= 0.8 * total:
            self.add("deps.pinned", rel, detail=detail)
        elif total >= 3 and pinned < 0.5 * total:
            self.add("deps.unpinned", rel, detail=detail)

    def _toml(self, rel: str, lower: str, text: str) -> None:
        for m in _TOML_TOOL_RE.finditer(text):
            tool = m.group(1)
            self._add_at(_TOOL_SIGNAL.get(tool, "lint.configured"), rel, text, m.start(), f"[tool.{tool}]")

    def _ini(self, rel: str, lower: str, text: str) -> None:
        for m in _INI_SECTION_RE.finditer(text):
            section = m.group(1).split(":")[0] if m.group(1).startswith("coverage") else m.group(1)
            self._add_at(_TOOL_SIGNAL.get(section, "lint.configured"), rel, text, m.start(), f"[{m.group(1)}]")

    def _terraform(self, rel: str, lower: str, text: str) -> None:
        for signal, detail, pattern in _TF_PATTERNS:
            m = pattern.search(text)
            if m:
                self._add_at(signal, rel, text, m.start(), f"{detail}: {m.group(0)[:60]}")

    def _script(self, rel: str, lower: str, text: str) -> None:
        for signal, detail, pattern in _SCRIPT_PATTERNS:
            m = pattern.search(text)
            if m:
                self._add_at(signal, rel, text, m.start(), detail)

    def _jvm(self, rel: str, lower: str, text: str) -> None:
        pos = text.find("deequ")
        if pos >= 0:
            self._add_at("data_validation.deequ", rel, text, pos, "Deequ")

    def _markdown(self, rel: str, lower: str, text: str) -> None:
        padded = "\n" + text
        headings = [(m.start(), m.group(1).strip().strip("#").strip()) for m in _MD_HEADING_RE.finditer(padded)]
        if lower.endswith(".rst"):
            headings += [(m.start(), m.group(1).strip()) for m in _RST_HEADING_RE.finditer(padded) if m.group(1).strip()]
        is_readme = lower.startswith("readme") and "/" not in rel
        if is_readme:
            self.add("docs.readme", rel, 1, detail="README")
            head = text[:3000]
            if head.startswith("---") and ("model-index:" in head or "pipeline_tag:" in head):
                self.add("docs.model_card", rel, 1, detail="Hugging Face model card metadata")
        for pos, title in headings[:_MAX_HEADINGS]:
            low = title[:200].lower()
            signals = _heading_signals(low) + (_readme_sections(low) if is_readme else ())
            new = [sig for sig in signals if (sig, rel) not in self._seen]
            if new:
                line = text.count("\n", 0, pos) + 1
                for signal in new:
                    self.add(signal, rel, line, detail=f"heading '{title[:80]}'")


@lru_cache(maxsize=8192)
def _resolve(dotted: str) -> tuple[str, ...]:
    """Signals of an imported dotted name: its longest prefix in the import table."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        hits = _IMPORTS.get(".".join(parts[:i]))
        if hits is not None:
            return hits
    return ()


def _metric_assert(text: str, max_hits: int = 200) -> tuple[int, str] | None:
    """The first ``assert`` comparing a metric (``assert auc >= 0.8``): (position, line)."""
    for n, m in enumerate(_ASSERT_CMP_RE.finditer(text)):  # literal prefix: the engine skips ahead
        if n >= max_hits:
            return None
        end = text.find("\n", m.start())
        line = text[m.start() : end if 0 <= end < m.start() + 300 else m.start() + 300]
        if _METRIC_ASSERT_RE.search(line):
            return m.start(), line.strip()[:80]
    return None


def _word_at(text: str, pos: int) -> str:
    """The dotted identifier around ``pos`` (for evidence details)."""
    start, end, low, high = pos, pos, max(0, pos - 80), min(len(text), pos + 80)
    while start > low and (text[start - 1].isalnum() or text[start - 1] in "_."):
        start -= 1
    while end < high and (text[end].isalnum() or text[end] in "_."):
        end += 1
    return text[start:end]


def _find_any(text: str, words: tuple[str, ...]) -> tuple[int, str] | None:
    """The first occurrence of any of ``words`` in ``text``: (position, word), or None."""
    best = None
    for word in words:
        pos = text.find(word)
        if pos >= 0 and (best is None or pos < best[0]):
            best = (pos, word)
    return best


_NO_DIGITS = str.maketrans("", "", "0123456789")


@lru_cache(maxsize=4096)
def _stem_signals(stem: str) -> tuple[str, ...]:
    """Signals named by a document's file name (digits removed, so that names repeat)."""
    return _heading_signals(_STEM_SEP_RE.sub(" ", stem).strip())


@lru_cache(maxsize=4096)
def _heading_signals(title: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_DOC_GROUP[m.lastgroup] for m in _DOC_RE.finditer(title)))


@lru_cache(maxsize=1024)
def _readme_sections(title: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f"docs.readme_sections.{m.lastgroup}" for m in _README_RE.finditer(title)))


def _parse_notebook(text: str, rel: str, problem: Callable[[str, str, str], None]) -> dict | None:
    """A notebook as a dict with a ``cells`` list, or None (reported as bad_notebook).

    nbformat 4 files (what Jupyter writes) are read with ``json.loads`` and used as nbformat's
    own in-memory form; anything else (nbformat 3 and older, odd shapes) goes through
    ``nbformat.reads(..., as_version=4)``, which converts it, inside a try.
    """
    try:
        nb = json.loads(text)
    except (ValueError, RecursionError) as exc:
        problem("bad_notebook", rel, f"not JSON: {str(exc)[:120]}")
        return None
    if isinstance(nb, dict) and nb.get("nbformat") == 4 and isinstance(nb.get("cells"), list):
        return nb
    try:
        import nbformat

        converted = nbformat.reads(text, as_version=4, capture_validation_error={})
        if not isinstance(converted.get("cells"), list):
            raise ValueError("no cells")
        return converted
    except Exception as exc:  # nbformat raises many kinds; none may escape the scan
        problem("bad_notebook", rel, f"nbformat cannot read it: {type(exc).__name__}: {str(exc)[:120]}")
        return None


__all__ = ["Detectors", "ScanProblem", "classify"]
