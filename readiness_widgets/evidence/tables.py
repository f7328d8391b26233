"""Detector tables: which file names, imports, keys and headings mean which signal.

Data only; :mod:`.detectors` applies them. A new library, a new CI file name or a new heading
keyword is a line here, not new code.
"""

from __future__ import annotations

import re

# ---- which files are read --------------------------------------------------------------------

EXT_KIND = {
    "py": "py", "ipynb": "ipynb", "yml": "yaml", "yaml": "yaml", "md": "md", "markdown": "md",
    "rst": "md", "toml": "toml", "cfg": "ini", "ini": "ini", "tf": "tf", "sh": "sh", "bash": "sh",
    "scala": "jvm", "java": "jvm", "sbt": "jvm", "gradle": "jvm", "kts": "jvm", "dockerfile": "docker",
    "json": "json", "template": "yaml",
}
NAME_KIND = {
    "dockerfile": "docker", "containerfile": "docker", "makefile": "make", "gnumakefile": "make",
    "justfile": "just", ".justfile": "just", "mlproject": "yaml", "pipfile": "toml", "pom.xml": "jvm",
    ".flake8": "ini", ".pylintrc": "ini", "pylintrc": "ini", ".coveragerc": "ini", "codeowners": "text",
    "code_owners": "text",
}

# ---- folders: where a file sits decides how much it weighs ----------------------------------

SIDE_DIRS = frozenset([
    "examples", "example", "samples", "sample", "demo", "demos", "tutorial", "tutorials", "vendor", "vendored",
    "_vendor", "third_party", "third-party", "thirdparty", "external", "externals", "extern", "test_data",
    "testdata", "fixtures", "benchmarks", "benchmark", "asv_bench", "playground", "sandbox", "archive", "archived",
    "legacy", "deprecated", "cookbook", "recipes", "future_examples", ".agents", ".gemini", ".claude", ".cursor", ".codex",
    ".continue", "issue_template",
])
"""Folders whose code and configuration are not the project's deployable path: counted as "side"
evidence, which never raises nor caps a suggestion. Documentation folders are not side folders
for documents, but code under them is."""
DOC_DIRS = frozenset(["docs", "doc", "documentation", "site", "website"])
DOC_ONLY_DIRS = frozenset(["tutorial", "tutorials", "cookbook", "recipes"])
"""Side folders for code that are the project's documentation for documents."""
JSON_CONFIG_RE = re.compile(r"template|cfn|cloudformation|stack|azuredeploy|arm[-_/]|pipeline|deploy|infra|grafana|expectations/")
"""JSON files read for their content (CloudFormation, ARM, pipeline definitions); other JSON is data."""

# ---- names ----------------------------------------------------------------------------------

MODEL_EXTS = {
    "pkl": "pickle", "pickle": "pickle", "joblib": "joblib", "onnx": "ONNX", "pt": "PyTorch",
    "pth": "PyTorch", "ckpt": "checkpoint", "h5": "Keras/HDF5", "keras": "Keras",
    "safetensors": "safetensors", "pb": "TensorFlow graph", "tflite": "TensorFlow Lite",
    "mlmodel": "Core ML", "cbm": "CatBoost", "pmml": "PMML", "gguf": "GGUF", "mar": "TorchServe archive",
}
DOC_EXTS = frozenset(["md", "markdown", "rst", "txt", "pdf", "docx", "doc", "odt", "html", "htm", "adoc", "org"])
NAME_SIGNALS: dict[str, tuple[tuple[str, str], ...]] = {
    "conftest.py": (("tests.runner.pytest", "conftest.py"),),
    "pytest.ini": (("tests.runner.pytest", "pytest.ini"),),
    "tox.ini": (("tests.runner.tox", "tox.ini"),),
    "noxfile.py": (("tests.runner.nox", "noxfile.py"),),
    ".coveragerc": (("tests.coverage", ".coveragerc"),),
    "codecov.yml": (("tests.coverage", "Codecov"),), ".codecov.yml": (("tests.coverage", "Codecov"),),
    "poetry.lock": (("deps.lockfile", "Poetry"),), "uv.lock": (("deps.lockfile", "uv"),),
    "pipfile.lock": (("deps.lockfile", "Pipenv"),), "pdm.lock": (("deps.lockfile", "PDM"),),
    "conda-lock.yml": (("deps.lockfile", "conda-lock"),), "requirements.lock": (("deps.lockfile", "requirements.lock"),),
    "pixi.lock": (("deps.lockfile", "pixi"),), "cargo.lock": (("deps.lockfile", "Cargo"),),
    "go.sum": (("deps.lockfile", "Go modules"),),
    "pyproject.toml": (("deps.declared", "pyproject.toml"),), "setup.py": (("deps.declared", "setup.py"),),
    "pipfile": (("deps.declared", "Pipfile"),), "environment.yml": (("deps.declared", "conda environment"),),
    "environment.yaml": (("deps.declared", "conda environment"),), "setup.cfg": (("deps.declared", "setup.cfg"),),
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
    "cdk.json": (("deploy.cdk", "AWS CDK app (cdk.json)"),), "pulumi.yaml": (("deploy.pulumi", "Pulumi project"),),
    "pulumi.yml": (("deploy.pulumi", "Pulumi project"),), "bentofile.yaml": (("deploy.serving_config", "BentoML bento"),),
    "alertmanager.yml": (("monitoring.alerting", "Alertmanager"),), "alertmanager.yaml": (("monitoring.alerting", "Alertmanager"),),
    "prometheus.yml": (("monitoring.prometheus", "Prometheus config"),), "prometheus.yaml": (("monitoring.prometheus", "Prometheus config"),),
    "great_expectations.yml": (("data_validation.great_expectations", "Great Expectations project"),),
    "dvc.lock": (("data.versioning", "dvc.lock"),),
    "mlproject": (("tracking.mlflow", "MLproject"),),
    "feature_store.yaml": (("data.feature_store", "Feast"),),
    "schema.yaml": (("data.schema", "schema file"),), "schema.yml": (("data.schema", "schema file"),),
    "schema.pbtxt": (("data.schema", "TFDV schema"),), "schema.json": (("data.schema", "schema file"),),
    "model_card.json": (("docs.model_card", "model card (JSON)"),), "modelcard.json": (("docs.model_card", "model card (JSON)"),),
    "artifacts.yaml": (("model.registry", "GTO artifact registry (artifacts.yaml)"),),
}
CI_NAMES = {
    ".gitlab-ci.yml": "GitLab CI", ".gitlab-ci.yaml": "GitLab CI", "azure-pipelines.yml": "Azure Pipelines",
    "azure-pipelines.yaml": "Azure Pipelines", "bitbucket-pipelines.yml": "Bitbucket Pipelines", ".travis.yml": "Travis CI",
    ".drone.yml": "Drone", ".woodpecker.yml": "Woodpecker", "cloudbuild.yaml": "Google Cloud Build",
    "cloudbuild.yml": "Google Cloud Build", "buildspec.yml": "AWS CodeBuild", "buildspec.yaml": "AWS CodeBuild",
    "appveyor.yml": "AppVeyor", ".appveyor.yml": "AppVeyor", "bitrise.yml": "Bitrise", "codemagic.yaml": "Codemagic",
    ".buildkite.yml": "Buildkite", "buildkite.yml": "Buildkite",}
CI_DIRS = (
    (".github/workflows/", "GitHub Actions"), (".gitlab/ci/", "GitLab CI"), (".circleci/", "CircleCI"),
    (".azure-pipelines/", "Azure Pipelines"), ("azure-pipelines/", "Azure Pipelines"), (".azuredevops/", "Azure Pipelines"),
    (".buildkite/", "Buildkite"), (".woodpecker/", "Woodpecker"), (".tekton/", "Tekton"), (".pipelines/", "Azure Pipelines"),
)
DIR_SIGNALS: dict[str, tuple[tuple[str, str] | None, bool]] = {  # folder name -> (signal, detail) or None, descend
    "mlruns": (("tracking.mlflow", "local MLflow runs (mlruns/)"), False),
    "wandb": (("tracking.wandb", "local W&B runs (wandb/)"), False),
    ".dvc": (None, False),  # DVC's own store: the .dvc files and dvc.lock say what is versioned
    "great_expectations": (("data_validation.great_expectations", "Great Expectations project"), True),
    "gx": (("data_validation.great_expectations", "Great Expectations project (gx/)"), True),
    "lightning_logs": (("tracking.tensorboard", "Lightning logs"), False),
}

# ---- Python imports --------------------------------------------------------------------------
# "@split" / "@metrics" / "@seeds" are scoped: code.* or notebooks.*

IMPORTS: dict[str, tuple[str, ...]] = {
    "mlflow": ("tracking.mlflow",), "wandb": ("tracking.wandb",), "dvclive": ("tracking.dvc",), "dvc.api": ("tracking.dvc",),
    "neptune": ("tracking.neptune",), "comet_ml": ("tracking.comet",), "clearml": ("tracking.clearml",),
    "torch.utils.tensorboard": ("tracking.tensorboard",), "tensorboardX": ("tracking.tensorboard",),
    "great_expectations": ("data_validation.great_expectations",), "pandera": ("data_validation.pandera",),
    "pydantic": ("data_validation.pydantic",), "tensorflow_data_validation": ("data_validation.tfdv",),
    "pydeequ": ("data_validation.deequ",), "soda": ("data_validation.soda",),
    "deepchecks": ("data_validation.deepchecks",), "jsonschema": ("data_validation.jsonschema",),
    "evidently": ("monitoring.evidently", "monitoring.drift"), "whylogs": ("monitoring.whylogs",),
    "nannyml": ("monitoring.nannyml", "monitoring.drift"), "alibi_detect": ("monitoring.alibi_detect", "monitoring.drift"),
    "prometheus_client": ("monitoring.prometheus",), "prometheus_fastapi_instrumentator": ("monitoring.prometheus",),
    "opentelemetry": ("monitoring.opentelemetry",), "opencensus.ext.azure": ("monitoring.appinsights",),
    "applicationinsights": ("monitoring.appinsights",),
    "sentry_sdk": ("monitoring.sentry",), "datadog": ("monitoring.datadog",), "ddtrace": ("monitoring.datadog",),
    "fairlearn": ("fairness.fairlearn",), "aif360": ("fairness.aif360",),
    "shap": ("explainability.shap",), "lime": ("explainability.lime",), "captum": ("explainability.captum",),
    "interpret": ("explainability.interpret",), "alibi": ("explainability.alibi",), "dalex": ("explainability.dalex",),
    "eli5": ("explainability.eli5",),
    "airflow": ("pipeline.airflow",), "prefect": ("pipeline.prefect",), "dagster": ("pipeline.dagster",),
    "kedro": ("pipeline.kedro",), "kfp": ("pipeline.kubeflow",), "zenml": ("pipeline.zenml",),
    "metaflow": ("pipeline.metaflow",), "luigi": ("pipeline.luigi",), "flytekit": ("pipeline.flyte",),
    "tfx": ("pipeline.tfx",), "sagemaker.workflow": ("pipeline.sagemaker",), "azureml.pipeline": ("pipeline.azureml",),
    "azure.ai.ml.dsl": ("pipeline.azureml",),
    "openlineage": ("data.lineage",), "datahub": ("data.lineage",), "feast": ("data.feature_store",),
    "fastapi": ("serving.fastapi",), "flask": ("serving.flask",), "bentoml": ("serving.bentoml",),
    "ray.serve": ("serving.ray_serve",), "seldon_core": ("serving.seldon",), "kserve": ("serving.kserve",),
    "mlserver": ("serving.mlserver",), "tritonclient": ("serving.triton",), "gradio": ("serving.demo_ui",),
    "streamlit": ("serving.demo_ui",),
    "ragas": ("evaluation.llm",), "deepeval": ("evaluation.llm",), "trulens": ("evaluation.llm",),
    "trulens_eval": ("evaluation.llm",), "lm_eval": ("evaluation.llm",),
    "sklearn.model_selection": ("@split",), "torch.utils.data.random_split": ("@split",),
    "torch.utils.data.Subset": ("@split",), "sklearn.metrics": ("@metrics",), "torchmetrics": ("@metrics",),
    "evaluate": ("@metrics",), "tensorflow_model_analysis": ("@metrics",), "hypothesis": ("tests.property",),
}
TEST_IMPORTS = {"pytest": "tests.runner.pytest", "unittest": "tests.runner.unittest"}
WEB_LIBS = frozenset(["fastapi", "flask", "bentoml", "starlette", "aiohttp", "django", "litestar", "sanic"])
PIPELINE_LIBS = frozenset(["airflow", "prefect", "dagster", "luigi", "flytekit"])
DATA_VALIDATION_LIBS = frozenset(["great_expectations", "pandera", "tensorflow_data_validation", "pydeequ", "soda", "deepchecks"])
CLOUD_LIBS = frozenset(["sagemaker", "aws_cdk", "google", "azureml", "azure", "tfx", "vertexai", "boto3", "kfp"])

# keyword searches, gated by an import of the library (str.find, literal words; a hit in a comment is ignored)
REGISTRY_WORDS = {
    "mlflow": ("register_model", "registered_model_name", "create_model_version", "set_registered_model_alias",
               "transition_model_version_stage"),
    "wandb": ("link_model", "log_model"), "huggingface_hub": ("push_to_hub", "upload_folder"), "transformers": ("push_to_hub",),
    "sagemaker": ("RegisterModel(", "ModelPackage(", "ModelStep(", "register(", "create_model_package"),
    "google": ("Model.upload(", "upload_model(", "model_registry"), "vertexai": ("Model.upload(",),
    "azure": ("models.create_or_update",), "azureml": ("Model.register(",),
    "neptune": ("init_model_version",), "clearml": ("OutputModel",), "bentoml": ("bentoml.models",),
    "tfx": ("Pusher(",), "boto3": ("create_model_package",),
}
SEED_WORDS = ("random.seed(", "manual_seed(", "manual_seed_all(", "set_seed(", "set_random_seed(", "seed_everything(",
              "default_rng(", "set_seeds(")
SEED_LIBS = frozenset(
    ["random", "numpy", "torch", "tensorflow", "keras", "jax", "lightning", "pytorch_lightning", "transformers", "accelerate"]
)
RANDOM_STATE_LIBS = frozenset(["sklearn", "xgboost", "lightgbm", "catboost", "imblearn", "umap"])
TRAIN_CALLS = (".fit(", ".backward(", "Trainer(", "fine_tune(", "TrainingStep(", "Estimator(", ".train(", "train_model(",
               "xgb.train(", "lgb.train(", "fit_one_cycle(", "trainer.fit(")
CLOUD_WORDS: tuple[tuple[str, str, str], ...] = (  # (word, signal, detail); searched where a cloud SDK or CDK is imported
    ("TrainingStep(", "model.trains", "SageMaker TrainingStep"),
    ("ConditionStep(", "model.threshold", "SageMaker ConditionStep on an evaluation metric"),
    ("QualityCheckStep(", "data_validation.sagemaker", "SageMaker QualityCheckStep"),
    ("DataQualityCheckConfig(", "data_validation.sagemaker", "SageMaker data-quality check"),
    ("DefaultModelMonitor(", "monitoring.drift_job", "SageMaker Model Monitor"),
    ("create_monitoring_schedule(", "monitoring.drift_job", "SageMaker monitoring schedule"),
    ("CfnMonitoringSchedule(", "monitoring.drift_job", "SageMaker monitoring schedule (CDK)"),
    ("ModelDeploymentMonitoringJob(", "monitoring.drift_job", "Vertex AI model monitoring job"),
    ("DataCaptureConfig(", "serving.prediction_logging", "SageMaker endpoint data capture"),
    ("DataCaptureConfigProperty(", "serving.prediction_logging", "SageMaker endpoint data capture (CDK)"),
    ("data_capture_config=", "serving.prediction_logging", "SageMaker endpoint data capture"),
    ("ModelDataCollector(", "serving.prediction_logging", "Azure ML model data collector"),
    ("DataCollector(", "serving.prediction_logging", "Azure ML data collector"),
    ("CfnEndpoint(", "deploy.sagemaker", "SageMaker endpoint (CDK)"),
    ("CfnEndpointConfig(", "deploy.sagemaker", "SageMaker endpoint config (CDK)"),
    ("ServerlessInferenceConfig(", "deploy.autoscaling", "SageMaker serverless inference with max concurrency"),
    ("CfnScalableTarget(", "deploy.autoscaling", "Application Auto Scaling target (CDK)"),
    ("ScalableTarget(", "deploy.autoscaling", "Application Auto Scaling target (CDK)"),
    ("BlueGreenUpdatePolicy", "deploy.canary", "SageMaker blue/green update policy"),
    ("TrafficRoutingConfiguration", "deploy.canary", "SageMaker traffic routing"),
    ("ExampleValidator(", "data_validation.tfdv", "TFX ExampleValidator"),
    ("MetricThreshold(", "model.threshold", "metric threshold on evaluation"),
    ("GenericValueThreshold(", "model.threshold", "TFMA value threshold"),
    ("PipelineJob(", "pipeline.vertex", "Vertex AI PipelineJob"),
    ("ManagedOnlineDeployment(", "deploy.azureml", "Azure ML online deployment"),
    ("codepipeline.Pipeline(", "ci.present", "AWS CodePipeline (CDK)"),
    ("pipelines.CodePipeline(", "ci.present", "AWS CodePipeline (CDK pipelines)"),
    ("CfnPipeline(", "ci.present", "AWS CodePipeline (CDK)"),
    ("CloudFormationCreateUpdateStackAction(", "ci.deploys", "CodePipeline stage deploys a CloudFormation stack (CDK)"),
    ("CloudFormationCreateUpdateStackAction(", "ci.deploys.infrastructure", "CodePipeline stage deploys a CloudFormation stack (CDK)"),
    ("CloudFormationDeployStackSetAction(", "ci.deploys", "CodePipeline stage deploys a StackSet (CDK)"),
    ("CloudFormationDeployStackSetAction(", "ci.deploys.infrastructure", "CodePipeline stage deploys a StackSet (CDK)"),
    ("EcsDeployAction(", "ci.deploys", "CodePipeline stage deploys to ECS (CDK)"),
    ("CodeDeployServerDeployAction(", "ci.deploys", "CodePipeline stage deploys with CodeDeploy (CDK)"),
    ("cloudwatch.Alarm(", "monitoring.alerting", "CloudWatch alarm with a threshold (CDK)"),
    ("CfnAlarm(", "monitoring.alerting", "CloudWatch alarm with a threshold (CDK)"),
)
MLFLOW_THRESHOLD_WORDS = ("validation_thresholds", "MetricThreshold(")
SCHEDULE_WORDS = ("Schedule.expression(", "Schedule.cron(", "Schedule.rate(", "PipelineJobSchedule(", "create_schedule(")

# ---- YAML and other configuration -----------------------------------------------------------

K8S_KIND_RE = re.compile(r"^kind:[ \t]*['\"]?(\w+)", re.MULTILINE)
K8S_KINDS = {
    "horizontalpodautoscaler": ("deploy.autoscaling", "HorizontalPodAutoscaler"),
    "verticalpodautoscaler": ("deploy.autoscaling", "VerticalPodAutoscaler"),
    "scaledobject": ("deploy.autoscaling", "KEDA ScaledObject"),
    "prometheusrule": ("monitoring.alerting", "PrometheusRule"),
    "servicemonitor": ("monitoring.prometheus", "ServiceMonitor"),
    "podmonitor": ("monitoring.prometheus", "PodMonitor"),
    "rollout": ("deploy.canary", "Argo Rollout"),
    "canary": ("deploy.canary", "Flagger Canary"),
    "inferenceservice": ("serving.kserve", "KServe InferenceService"),
    "seldondeployment": ("serving.seldon", "SeldonDeployment"),
    "kustomization": ("deploy.kubernetes", "Kustomization"),
    "cronjob": ("pipeline.scheduled", "Kubernetes CronJob"),
}
YAML_PATTERNS: tuple[tuple[str, str, tuple[str, ...], re.Pattern], ...] = tuple(
    (signal, detail, gates, re.compile(pattern, re.MULTILINE))
    for signal, detail, gates, pattern in (  # a pattern runs only if one of its gates is in the text
        ("deploy.healthcheck", "liveness/readiness probe", ("Probe",), r"^[ \t]*(?:livenessProbe|readinessProbe|startupProbe):"),
        ("deploy.healthcheck", "compose healthcheck", ("healthcheck:",), r"^[ \t]*healthcheck:"),
        ("deploy.zero_downtime", "rolling update strategy", ("RollingUpdate", "maxUnavailable"),
         r"^[ \t]*type:[ \t]*['\"]?RollingUpdate\b|^[ \t]*maxUnavailable:[ \t]*['\"]?0['\"]?[ \t]*$"),
        ("deploy.zero_downtime", "rollout strategy", ("rollout_strategy",), r"^[ \t]*rollout_strategy:[ \t]*['\"]?ROLLOUT\b"),
        ("deploy.canary", "weighted traffic routing", ("weight:",), r"^[ \t]*-?[ \t]*weight:[ \t]*['\"]?(?:\d+|\{\{)"),
        ("deploy.resource_limits", "resource limits", ("limits:",), r"^[ \t]*limits:[ \t]*\r?\n[ \t]+(?:cpu|memory|nvidia\.com/gpu):"),
        ("deploy.autoscaling", "autoscaling enabled", ("autoscal", "maxReplicas", "max_replicas", "maxCapacity"),
         r"^[ \t]*autoscaling:[ \t]*\r?\n[ \t]+enabled:[ \t]*true\b|^[ \t]*maxReplicas:[ \t]*\S|^[ \t]*autoscaleEnabled:[ \t]*[Tt]rue\b"
         r"|autoscaling\.knative\.dev|^[ \t]*(?:max_replicas|MaxCapacity):[ \t]*\d"),
        ("monitoring.alerting", "alert rule", ("alert:",), r"^[ \t]*-[ \t]*alert:[ \t]*\S"),
        ("deploy.serverless", "AWS SAM", ("AWS::Serverless",), r"AWS::Serverless"),
        ("monitoring.appinsights", "Application Insights enabled", ("appInsightsEnabled", "app_insights"),
         r"^[ \t]*(?:appInsightsEnabled|enable_app_insights):[ \t]*[Tt]rue\b"),
        ("deploy.serving_config", "Anyscale / Ray Serve service", ("ray_serve_config",), r"^ray_serve_config:"),
    )
)
CFN_RESOURCES = {  # CloudFormation resource type -> (signal, detail)
    "AWS::CodePipeline::Pipeline": ("ci.present", "AWS CodePipeline (CloudFormation)"),
    "AWS::CodeBuild::Project": ("ci.present", "AWS CodeBuild project (CloudFormation)"),
    "AWS::ApplicationAutoScaling::ScalableTarget": ("deploy.autoscaling", "Application Auto Scaling target"),
    "AWS::CloudWatch::Alarm": ("monitoring.alerting", "CloudWatch alarm"),
    "AWS::SageMaker::Endpoint": ("deploy.sagemaker", "SageMaker endpoint"),
    "AWS::SageMaker::EndpointConfig": ("deploy.sagemaker", "SageMaker endpoint config"),
    "AWS::SageMaker::MonitoringSchedule": ("monitoring.drift_job", "SageMaker monitoring schedule"),
    "AWS::SageMaker::ModelPackageGroup": ("model.registry", "SageMaker model package group"),
    "AWS::SageMaker::Pipeline": ("pipeline.sagemaker", "SageMaker pipeline"),
    "AWS::Events::Rule": (None, ""),
}
ENV_PIN_RE = re.compile(r"^[ \t]*-[ \t]*[A-Za-z0-9_.\-]+[ \t]*(==?|>=|<=|~=|>|<)?", re.MULTILINE)
DOCKER_HEALTH_RE = re.compile(r"^[ \t]*HEALTHCHECK\b(?![ \t]+NONE)", re.IGNORECASE | re.MULTILINE)
TF_PATTERNS: tuple[tuple[str, str, re.Pattern], ...] = tuple(
    (signal, detail, re.compile(pattern))
    for signal, detail, pattern in (
        ("deploy.autoscaling", "autoscaling resource", r"\b(?:aws_appautoscaling_(?:target|policy)|aws_autoscaling_(?:group|policy)|"
         r"google_compute_(?:region_)?autoscaler|azurerm_monitor_autoscale_setting)\b"),
        ("monitoring.alerting", "cloud alarm", r"\b(?:aws_cloudwatch_metric_alarm|google_monitoring_alert_policy|"
         r"azurerm_monitor_metric_alert|datadog_monitor|grafana_rule_group|newrelic_alert_policy)\b"),
        ("deploy.healthcheck", "health check", r"\bhealth_?check(?:_path)?\s*[={]"),
        ("deploy.kubernetes", "Kubernetes via Terraform", r"\b(?:kubernetes_deployment|helm_release)\b"),
        ("deploy.sagemaker", "SageMaker endpoint", r"\baws_sagemaker_endpoint\b"),
        ("pipeline.scheduled", "scheduled rule", r"\b(?:aws_cloudwatch_event_rule|aws_scheduler_schedule|google_cloud_scheduler_job)\b"),
        ("serving.prediction_logging", "SageMaker data capture", r"\bdata_capture_config\b"),
    )
)
TOML_TOOL_RE = re.compile(r"^\[tool\.(pytest|coverage|ruff|black|mypy|pylint|isort|flake8|tox|pyright)\b", re.MULTILINE)
INI_SECTION_RE = re.compile(r"^\[(tool:pytest|pytest|flake8|mypy|coverage:\w+|tox|testenv|pylint\b[\w.]*|isort|MASTER)\]", re.MULTILINE)
TOOL_SIGNAL = {
    "pytest": "tests.runner.pytest", "tool:pytest": "tests.runner.pytest", "coverage": "tests.coverage",
    "tox": "tests.runner.tox", "testenv": "tests.runner.tox",
}

# ---- documents: headings (with content) and file names ----------------------------------------

DOC_KEYWORDS = (
    ("docs.model_card", r"\bmodel ?cards?\b"),
    ("docs.datasheet", r"\bdata ?sheets?\b|\bdata ?cards?\b|\bdataset cards?\b"),
    ("docs.runbook", r"\brun ?books?\b|\bon ?-?call\b|\boperations manual\b"),
    ("docs.incident_response", r"\bincident(?:s| response| management)\b|\bpost ?-?mortems?\b"),
    ("docs.rollback_plan", r"\broll ?-?back (?:plan|procedure|process|steps|strategy)\b|^roll ?-?back$|^roll ?-?backs$|\bhow to roll ?-?back\b"),
    ("docs.exit_plan", r"\bexit (?:plan|strategy|criteria)\b|\bstop criteria\b|\bdecommission"),
    ("docs.adr", r"\barchitecture decision|\badrs?\b"),
    ("docs.ethics_review", r"\bethics?\b|\bethical\b|\bresponsible ai\b"),
    ("docs.risk_assessment", r"\brisk (?:assessment|register|analysis|management)\b|\bimpact assessment\b|\bdpia\b"),
    ("docs.fairness", r"\bfairness\b|\bbias(?:es)? and fairness\b|\bbias analysis\b"),
    ("docs.privacy", r"\bprivacy\b|\bgdpr\b|\bpersonal data\b|\bpii\b"),
    ("docs.compliance", r"\bcompliance\b|\bregulatory\b|\bregulation\b|\bai act\b|\bhipaa\b"),
    ("docs.security", r"^security(?: policy)?$|\bsecurity policy\b|\breporting (?:a )?vulnerabilit|\bsecurity (?:considerations|controls|model)\b"),
    ("docs.business_case", r"\broi\b|\breturn on investment\b|\bbusiness case\b|\bcost ?-?benefit\b|\bbusiness value\b"),
    ("docs.success_metrics", r"\bsuccess (?:metrics?|criteria|measures?)\b|\bkpis?\b|\bbusiness metrics?\b"),
    ("docs.slo", r"\bslos?\b|\bslas?\b|\bservice level\b"),
    ("docs.limitations", r"\blimitations?\b|\bknown issues\b|\bcaveats?\b"),
    ("docs.monitoring_plan", r"\bmonitoring plan\b|\bmonitoring (?:and|&) alerting\b|\bmodel monitoring\b"),
    ("docs.retraining", r"\bretrain(?:ing)?\b"),
    ("docs.lineage", r"\bdata lineage\b|\bprovenance\b"),
    ("docs.architecture", r"^(?:system |solution |high-level |software |technical )?architecture(?: overview| diagram)?$|\bsystem design\b"
     r"|\bsolution architecture\b"),
    ("docs.ownership", r"\bproduct owners?\b|\bownership\b|\braci\b|\bstakeholders?\b|^owners?$|\bcode owners\b"),
    ("docs.changelog", r"\bchange ?log\b|\brelease notes\b|^history$"),
    ("docs.contributing", r"\bcontribut"),
)
DOC_RE = re.compile("|".join(f"(?P<g{i}>{p})" for i, (_, p) in enumerate(DOC_KEYWORDS)))
DOC_GROUP = {f"g{i}": s for i, (s, _) in enumerate(DOC_KEYWORDS)}
BODY_WORDS = {  # a section on these counts only when its text also names one of these words
    "docs.compliance": ("regulat", "legal", "gdpr", "hipaa", "ai act", " law", "directive", "iso 27001", "soc 2", "pci",
                        "audit", "data protection", "compliance officer"),
}
SECURITY_CONTROL_WORDS = ("encrypt", "kms", "vault", "secret", "iam", "access control", "authentication", "authoriz",
                          "least privilege", "vpc", "network isolation", "firewall", "tls", "patch")
README_SECTIONS = (
    ("installation", r"\binstall|\bset ?up\b|\bgetting started\b|\brequirements\b"),
    ("usage", r"\busage\b|\bquick ?start\b|\bhow to use\b|\brunning\b"),
    ("testing", r"\btest(?:s|ing)?\b"),
    ("deployment", r"\bdeploy|\bserving\b|\bproduction\b"),
    ("monitoring", r"\bmonitor|\bobservab|\balerting\b"),
    ("limitations", r"\blimitations?\b|\bknown issues\b|\bcaveats?\b"),
    ("evaluation", r"\bevaluat|\bmetrics?\b|\bresults\b|\bperformance\b|\bbenchmarks?\b"),
    ("data", r"\bdata(?:sets?)?\b"),
    ("model", r"\bmodels?\b"),
    ("ethics", r"\bethic|\bfairness\b|\bbias\b|\bresponsible\b"),
    ("architecture", r"\barchitecture\b|\bdesign\b"),
    ("troubleshooting", r"\btroubleshoot|\bfaq\b"),
    ("ownership", r"\bowners?\b|\bmaintainers?\b|\bcontacts?\b|\bsupport\b"),
    ("contributing", r"\bcontribut"),
    ("license", r"\blicen[cs]e\b"),
)
README_RE = re.compile("|".join(f"(?P<{slug}>{p})" for slug, p in README_SECTIONS))
STEM_SEP_RE = re.compile(r"[_\-.]+")
MAX_HEADINGS = 5000
ADR_DIRS = ("/adr/", "/adrs/", "/decisions/", "/architecture-decisions/", "/decision-records/")
