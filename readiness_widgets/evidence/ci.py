"""What the project's own CI runs: jobs, their commands, and the tasks those commands call.

CI files are read as outlines (:mod:`.yamlish`), never loaded. Each provider's layout gives
jobs with their triggers and command lines; commands are split into words (``shlex``) and
classified by their program and subcommand, not by substrings: ``pytest``, ``python -m pytest``,
``uv run pytest``, ``docker push``, ``helm upgrade``, ``dvc repro``. Commands that call a task
runner (``make test``, ``tox -e py``, ``nox -s tests``, ``invoke test``, ``mise run test``,
``pixi run tests``, ``npm test``, ``just test``) or a script of the repository (``bash ci/run.sh``)
are followed into the task's definition (up to three levels) and cited with it.
"""

from __future__ import annotations

import json
import posixpath
import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field

from .yamlish import Entry, flow_items, outline, strip_comment, top_keys, unquote

# ---- data ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    path: str  # file holding the command
    line: int
    text: str  # one logical command line as written


@dataclass
class Job:
    path: str  # the CI file
    provider: str
    name: str
    line: int
    triggers: tuple[str, ...] = ()
    commands: list[Command] = field(default_factory=list)
    actions: list[tuple[int, str, dict]] = field(default_factory=list)  # (line, action or task name, parameters)
    environment: str = ""
    includes: list[tuple[int, str]] = field(default_factory=list)  # (line, template file) for Azure templates

    def on(self) -> str:
        return f" on {', '.join(self.triggers)}" if self.triggers else ""


@dataclass(frozen=True)
class Hit:
    """One thing a CI job does: the signal, the job's command that does it, and how it got there."""

    signal: str
    job: Job
    command: Command
    what: str  # the command (or task step) that does it
    via: tuple[str, ...] = ()  # resolved steps: "Makefile:12 `pytest tests`"

    def detail(self) -> str:
        chain = "".join(f" -> {v}" for v in self.via)
        return f"job `{self.job.name}` ({self.job.provider}) runs `{_short(self.command.text)}`{chain}{self.job.on()}"


def _short(text: str, n: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 3] + "..."


# ---- command lines ---------------------------------------------------------------------------

_ASSIGN_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_WRAPPERS = {"sudo", "time", "exec", "nohup", "xvfb-run", "command", "builtin", "stdbuf", "eval"}
_RUNNERS = {  # program -> words to skip after it before the real command
    "uv": ("run",), "poetry": ("run",), "pipenv": ("run",), "pdm": ("run",), "rye": ("run",),
    "conda": ("run",), "mamba": ("run",), "micromamba": ("run",), "npx": (), "bunx": (), "uvx": (),
    "pipx": ("run",), "bundle": ("exec",), "pnpm": ("exec",),
}
_IGNORED = {"echo", "printf", "cat", "cd", "export", "set", "unset", "source", ".", "mkdir", "rm", "cp", "mv",
            "ls", "pip", "pip3", "curl", "wget", "git", "apt-get", "apt", "brew", "true", "false", "test", "[",
            "chmod", "tar", "unzip", "tee", "sed", "awk", "grep", "find", "sleep", "touch", "which", "env",
            "printenv", "read", "exit", "if", "then", "fi", "for", "do", "done", "else", "while", "yum", "choco",
            "zip", "gzip", "jq", "xargs", "ln", "pwd", "basename", "dirname", "date", "head", "tail", "sort", "wc"}
_SEPARATORS = {"&&", "||", ";", "|", "&", "then", "do", "else"}

TESTS, LINT, NOTEBOOKS, COVERAGE, IMAGE, DEPLOY, PUBLISH, DOCS, TRAINS, DATA, SECURITY, DEPENDENCIES = (
    "ci.runs_tests", "ci.runs_lint", "ci.runs_notebooks", "ci.coverage", "ci.builds_image", "ci.deploys",
    "ci.publishes", "ci.deploys_docs", "ci.trains", "ci.data_checks", "ci.security_scan", "ci.security_scan.dependencies",
)
_TEST_PROGRAMS = {"pytest", "py.test", "nosetests", "nose2", "unittest", "behave", "ward", "jest", "vitest", "mocha", "ctest"}
_LINT_PROGRAMS = {"ruff", "flake8", "pylint", "black", "mypy", "pyright", "isort", "pre-commit", "prek", "eslint", "hadolint",
                  "shellcheck", "yamllint", "pydocstyle", "pycodestyle", "ty", "codespell", "interrogate", "blackdoc",
                  "autopep8", "yapf", "pyflakes", "vulture", "tflint", "markdownlint", "dprint"}
_SECURITY_PROGRAMS = {"bandit", "gitleaks", "trufflehog", "semgrep", "checkov", "tfsec", "detect-secrets", "cfn_nag", "kics"}
_DEPENDENCY_SCANNERS = {"pip-audit", "safety", "trivy", "grype", "snyk", "osv-scanner"}  # known vulnerabilities in dependencies or images
_NOTEBOOK_PROGRAMS = {"papermill", "treon", "nbmake"}
_TRAIN_WORD_RE = re.compile(r"(?:^|[/_\-.])(?:re)?train(?:ing|er)?(?:$|[/_\-.])", re.IGNORECASE)
_DEPLOY_WORD_RE = re.compile(r"(?:^|[/_\-.=])deploy(?:ment|s|_model|-model)?(?:$|[/_\-.])", re.IGNORECASE)
_DOC_WORD_RE = re.compile(r"doc|pages|site|gh-pages|website", re.IGNORECASE)
INFRA = "ci.deploys.infrastructure"
_IAC_PROGRAMS = {"kubectl", "helm", "helmfile", "terraform", "tofu", "pulumi", "sam", "cdk", "serverless", "sls", "skaffold", "argocd"}
_IAC_ACTIONS = ("azure/arm-deploy", "azure/k8s-deploy", "aws-actions/aws-cloudformation-github-deploy", "azureresourcegroupdeployment",
                "azureresourcemanagertemplatedeployment", "helmdeploy", "kubernetesmanifest", "kubernetes", "terraformtask",
                "codepipeline/deploy/cloudformation")


def applies_infrastructure(action: str) -> bool:
    """A CI action or task that applies declared infrastructure (ARM, CloudFormation, manifests, Helm, Terraform)."""
    return action.lower().split("@")[0].startswith(_IAC_ACTIONS)


def _iac_command(base: str, words: list[str]) -> bool:
    return base in _IAC_PROGRAMS or (base == "az" and "deployment" in words) or (base == "aws" and "cloudformation" in words)


_DEPLOY_SUBCOMMANDS = {  # program -> predicate on its words
    "kubectl": lambda w: _any(w, "apply", "create", "replace", "patch", "set") or _seq(w, "rollout", "restart"),
    "helm": lambda w: _any(w, "upgrade", "install"),
    "helmfile": lambda w: _any(w, "apply", "sync"),
    "terraform": lambda w: _any(w, "apply"),
    "tofu": lambda w: _any(w, "apply"),
    "pulumi": lambda w: _any(w, "up"),
    "gcloud": lambda w: _any(w, "deploy", "deploy-model") or _seq(w, "models", "upload"),
    "az": lambda w: (_any(w, "deploy") or (_any(w, "ml") and _any(w, "online-deployment", "batch-deployment", "online-endpoint"))
                     or (_any(w, "webapp", "containerapp", "functionapp") and _any(w, "up", "create", "update", "deploy"))),
    "aws": lambda w: (_seq(w, "ecs", "update-service") or _seq(w, "lambda", "update-function-code")
                      or (_any(w, "cloudformation") and _any(w, "deploy", "create-stack", "update-stack"))
                      or (_any(w, "sagemaker") and _any(w, "create-endpoint", "update-endpoint"))),
    "sam": lambda w: _any(w, "deploy"), "cdk": lambda w: _any(w, "deploy"), "serverless": lambda w: _any(w, "deploy"),
    "sls": lambda w: _any(w, "deploy"), "flyctl": lambda w: _any(w, "deploy"), "fly": lambda w: _any(w, "deploy"),
    "heroku": lambda w: any(x.startswith("container:release") for x in w) or _any(w, "releases:promote"),
    "skaffold": lambda w: _any(w, "run", "deploy"), "argocd": lambda w: _seq(w, "app", "sync"),
    "anyscale": lambda w: _any(w, "service", "services") and _any(w, "rollout", "deploy"),
    "mlem": lambda w: _any(w, "deploy", "deployment"), "bentoml": lambda w: _any(w, "deploy"),
    "modal": lambda w: _any(w, "deploy"), "kustomize": lambda w: False, "copilot": lambda w: _any(w, "deploy"),
    "eb": lambda w: _any(w, "deploy"), "gsutil": lambda w: False, "mlflow": lambda w: _seq(w, "deployments", "create"),
}
_PUBLISH = {"twine": ("upload",), "uv": ("publish",), "poetry": ("publish",), "hatch": ("publish",), "flit": ("publish",),
            "npm": ("publish",), "maturin": ("publish",), "pdm": ("publish",)}
_IMAGE = {"docker": ("push",), "podman": ("push",), "buildah": ("push",), "crane": ("push",)}


def _any(words, *names) -> bool:
    return any(n in words for n in names)


def _seq(words, a, b) -> bool:
    return a in words and b in words[words.index(a) + 1 :]


_EXPR_RE = re.compile(r"\$\{\{.*?\}\}|\$\(\w+\)")


def split_words(text: str) -> list[str]:
    """Shell words of a command line (quotes honoured; a line shlex cannot split is split on spaces).
    CI expressions (``${{ matrix.env }}``, ``$(VAR)``) become one word."""
    if "${{" in text or "$(" in text:
        text = _EXPR_RE.sub("EXPR", text)
    try:
        lex = shlex.shlex(text, posix=True, punctuation_chars=";&|()")
        lex.whitespace_split = True
        lex.commenters = "#"
        return list(lex)
    except ValueError:
        return strip_comment(text).split()


def simple_commands(words: list[str]) -> list[list[str]]:
    out, cur = [], []
    for w in words:
        if w in _SEPARATORS or (set(w) <= set(";&|()") and w):
            if cur:
                out.append(cur)
            cur = []
        else:
            cur.append(w)
    if cur:
        out.append(cur)
    return out


def logical_lines(lines: Iterable[tuple[int, str]]) -> list[tuple[int, str]]:
    """Join backslash continuations; drop blank and comment lines."""
    out: list[tuple[int, str]] = []
    pending, first = "", 0
    for line, text in lines:
        t = text.strip()
        if not pending and (not t or t.startswith("#")):
            continue
        if not pending:
            first = line
        if t.endswith("\\"):
            pending += t[:-1] + " "
            continue
        out.append((first, pending + t))
        pending = ""
    if pending.strip():
        out.append((first, pending))
    return out


def _program(words: list[str]) -> tuple[str, list[str]]:
    """(program, its arguments) of a simple command, through env assignments, wrappers and runners."""
    i = 0
    while i < len(words):
        w = words[i]
        if _ASSIGN_RE.match(w) or w in _WRAPPERS:
            i += 1
            continue
        if w == "timeout" and i + 1 < len(words):
            i += 2
            continue
        prog = posixpath.basename(w)
        if prog in _RUNNERS:
            skip = _RUNNERS[prog]
            j = i + 1
            if prog in ("conda", "mamba", "micromamba"):
                if j < len(words) and words[j] == "run":
                    j += 1
                    while j < len(words) and words[j].startswith("-"):
                        j += 2 if words[j] in ("-n", "--name", "-p", "--prefix") else 1
                else:
                    return prog, words[i + 1 :]
            elif skip and j < len(words) and words[j] in skip:
                j += 1
                while j < len(words) and words[j].startswith("-") and prog != "coverage":
                    j += 2 if words[j] in ("--with", "--extra", "-p", "--python", "--group", "--env", "-e") else 1
            elif skip:
                return prog, words[i + 1 :]
            if prog == "coverage" and j < len(words) and words[j] == "-m":
                j += 1
            if j >= len(words):
                return prog, []
            i = j
            continue
        if re.match(r"^python(?:\d(?:\.\d+)?)?(?:\.exe)?$", prog) or prog in ("py", "ipython"):
            j = i + 1
            while j < len(words) and words[j].startswith("-") and words[j] != "-m":
                j += 1
            if j < len(words) and words[j] == "-m" and j + 1 < len(words):
                return words[j + 1].split(".")[0] if words[j + 1] in ("pytest", "unittest") else words[j + 1], words[j + 2 :]
            if j < len(words):
                return words[j], words[j + 1 :]
            return prog, []
        return prog, words[i + 1 :]
    return "", []


# ---- tasks defined in the repository --------------------------------------------------------


class Tasks:
    """Task definitions (Makefile targets, tox envs, nox sessions, invoke/mise/pixi/npm/just tasks,
    shell scripts, YAML job specs) that CI commands may call, read from the repository's files."""

    def __init__(self, max_scripts: int = 2000):
        self.make: dict[str, dict[str, list[Command]]] = {}  # folder -> target -> recipe
        self.named: dict[str, dict[str, list[Command]]] = {}  # runner -> task -> commands
        self.scripts: dict[str, list[Command]] = {}  # path -> command lines
        self.entrypoints: dict[str, list[Command]] = {}  # YAML job spec -> its entrypoint/command lines
        self.max_scripts = max_scripts

    def add(self, runner: str, name: str, commands: list[Command]) -> None:
        self.named.setdefault(runner, {}).setdefault(name, []).extend(commands)

    # parsers, fed by the detectors
    def makefile(self, rel: str, text: str) -> None:
        folder = posixpath.dirname(rel)
        targets: dict[str, list[Command]] = {}
        current: list[list[Command]] = []
        for n, raw in enumerate(text.splitlines(), 1):
            if raw.startswith("\t"):
                body = raw.strip().lstrip("@-+").strip()
                if body and not body.startswith("#"):
                    for recipe in current:
                        recipe.append(Command(rel, n, body))
                continue
            m = re.match(r"^([A-Za-z0-9_.%/\- ]+?)\s*::?(?![=])\s*([^=\n#]*)(?:#.*)?$", raw)
            if m and not raw.startswith((" ", ".PHONY", "export ")):
                current = []
                for target in m.group(1).split():
                    recipe = targets.setdefault(target, [])
                    for dep in m.group(2).split():
                        if not dep.startswith("$"):
                            recipe.append(Command(rel, n, f"make {dep}"))
                    current.append(recipe)
            elif raw.strip() and not raw.startswith("#"):
                current = []
        self.make[folder] = targets

    def justfile(self, rel: str, text: str) -> None:
        current: list[Command] | None = None
        for n, raw in enumerate(text.splitlines(), 1):
            if raw[:1] in (" ", "\t"):
                body = raw.strip().lstrip("@-").strip()
                if current is not None and body and not body.startswith("#"):
                    current.append(Command(rel, n, body))
                continue
            m = re.match(r"^@?([A-Za-z0-9_\-]+)[^:=\n]*:(?!=)\s*([^\n#]*)", raw)
            current = None
            if m:
                current = []
                for dep in m.group(2).split():
                    current.append(Command(rel, n, f"just {dep}"))
                self.add("just", m.group(1), current)

    def tox_ini(self, rel: str, text: str) -> None:
        section = None
        key = None
        for n, raw in enumerate(text.splitlines(), 1):
            head = re.match(r"^\[(testenv(?::([^\]]+))?|tox:tox|tox)\]\s*$", raw.strip())
            if head:
                section = head.group(2) or ("" if head.group(1) == "testenv" else None)
                key = None
                continue
            if raw.startswith("["):
                section, key = None, None
                continue
            if section is None:
                continue
            m = re.match(r"^(\w[\w-]*)\s*=\s*(.*)$", raw)
            if m and not raw[:1].isspace():
                key = m.group(1)
                value = m.group(2).strip()
            elif raw[:1].isspace() and key:
                value = raw.strip()
            else:
                key = None
                continue
            if key == "commands" and value and not value.startswith("#"):
                for env in section.split(",") if section else [""]:
                    self.add("tox", env.strip(), [Command(rel, n, value)])

    def noxfile(self, rel: str, text: str) -> None:
        for m in re.finditer(r"@nox\.session\b[^\n]*\n(?:\s*@[^\n]*\n)*\s*def\s+(\w+)", text):
            start = m.end()
            nxt = re.search(r"^(?:@|def |class )", text[start:], re.MULTILINE)
            body = text[start : start + nxt.start()] if nxt else text[start:]
            name = m.group(1)
            named = re.search(r"name\s*=\s*['\"]([^'\"]+)", m.group(0))
            cmds = []
            for call in re.finditer(r"session\.run(?:_always|_install)?\(\s*([^)]*)\)", body):
                words = [unquote(x) for x in re.findall(r"""(?:f?["'][^"']*["'])""", call.group(1))]
                if words:
                    cmds.append(Command(rel, _line(text, start + call.start()), " ".join(words)))
            for n in {name, named.group(1) if named else name}:
                self.add("nox", n, cmds)

    def invoke(self, rel: str, text: str) -> None:
        for m in re.finditer(r"@task\b[^\n]*\n(?:\s*@[^\n]*\n)*\s*def\s+(\w+)", text):
            start = m.end()
            nxt = re.search(r"^(?:@|def |class )", text[start:], re.MULTILINE)
            body = text[start : start + nxt.start()] if nxt else text[start:]
            cmds = [Command(rel, _line(text, start + c.start()), c.group(2))
                    for c in re.finditer(r"\.run\(\s*f?(['\"])(.*?)\1", body)]
            self.add("invoke", m.group(1), cmds)
            self.add("invoke", m.group(1).replace("_", "-"), cmds)

    def toml(self, rel: str, text: str, lower: str) -> None:
        """mise/pixi/poe/hatch tasks and a legacy tox ini in pyproject (tomllib: data only)."""
        if not any(k in text for k in ("tasks", "scripts", "legacy_tox_ini")):
            return
        import tomllib

        try:
            doc = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, ValueError, RecursionError):
            return
        lines = text.splitlines()

        def where(name: str) -> int:
            in_tasks = False
            for n, line in enumerate(lines, 1):
                stripped = line.strip()
                if stripped.startswith("["):
                    in_tasks = "tasks" in stripped or "scripts" in stripped
                    if stripped in (f"[tasks.{name}]", f'[tasks."{name}"]'):
                        return n
                elif in_tasks and stripped.startswith((f"{name} ", f"{name}=", f'"{name}"')):
                    return n
            return 1

        def commands(value) -> list[str]:
            if isinstance(value, str):
                return [value]
            if isinstance(value, list):
                return [v if isinstance(v, str) else " ".join(map(str, v)) if isinstance(v, list) else "" for v in value]
            if isinstance(value, dict):
                out = commands(value.get("run") or value.get("cmd") or value.get("shell") or value.get("cmds") or [])
                deps = value.get("depends") or value.get("depends-on") or value.get("depends_on") or []
                if isinstance(deps, str):
                    deps = [deps]
                return out + [f"mise run {d}" if isinstance(d, str) else "" for d in deps]
            return []

        def add_all(runner: str, table) -> None:
            if isinstance(table, dict):
                for name, value in table.items():
                    self.add(runner, str(name), [Command(rel, where(str(name)), c) for c in commands(value) if c])

        if lower in ("mise.toml", ".mise.toml", "mise.local.toml") or rel.endswith(".mise/config.toml"):
            add_all("mise", doc.get("tasks"))
        if lower == "pixi.toml":
            add_all("pixi", doc.get("tasks"))
            for feature in (doc.get("feature") or {}).values():
                if isinstance(feature, dict):
                    add_all("pixi", feature.get("tasks"))
        tool = doc.get("tool") if isinstance(doc.get("tool"), dict) else {}
        pixi = tool.get("pixi") if isinstance(tool.get("pixi"), dict) else {}
        add_all("pixi", pixi.get("tasks"))
        for feature in (pixi.get("feature") or {}).values():
            if isinstance(feature, dict):
                add_all("pixi", feature.get("tasks"))
        if isinstance(tool.get("poe"), dict):
            add_all("poe", tool["poe"].get("tasks"))
        hatch_envs = (tool.get("hatch") or {}).get("envs") if isinstance(tool.get("hatch"), dict) else None
        if isinstance(hatch_envs, dict):
            for env in hatch_envs.values():
                if isinstance(env, dict):
                    add_all("hatch", env.get("scripts"))
        tox = tool.get("tox") if isinstance(tool.get("tox"), dict) else {}
        if isinstance(tox.get("legacy_tox_ini"), str):
            self.tox_ini(rel, tox["legacy_tox_ini"])

    def package_json(self, rel: str, text: str) -> None:
        if '"scripts"' not in text:
            return
        try:
            doc = json.loads(text)
        except (ValueError, RecursionError):
            return
        scripts = doc.get("scripts") if isinstance(doc, dict) else None
        if isinstance(scripts, dict):
            for name, cmd in scripts.items():
                if isinstance(cmd, str):
                    pos = text.find(f'"{name}"')
                    self.add("npm", str(name), [Command(rel, _line(text, pos) if pos >= 0 else 1, cmd)])

    def script(self, rel: str, text: str) -> None:
        if len(self.scripts) < self.max_scripts:
            self.scripts[rel] = [Command(rel, n, t) for n, t in logical_lines(enumerate(text[:65536].splitlines(), 1))]

    def yaml_job_spec(self, rel: str, entries: list[Entry]) -> None:
        """Entry points of a job spec (``entrypoint: bash run.sh``) that a CI command may submit."""
        cmds = [Command(rel, e.line, t) for e in entries if len(e.path) == 1 and e.key in ("entrypoint", "command", "cmd")
                for _, t in e.lines() if t.strip()]
        if cmds:
            self.entrypoints[rel] = cmds


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


# ---- classifying a command -------------------------------------------------------------------


@dataclass
class Context:
    tasks: Tasks
    files: set[str]  # every file path of the repository (to resolve script references)
    data_tests: list[str]  # test files that check data


def _norm(cwd: str, path: str) -> str:
    path = path.strip().strip("'\"")
    if path.startswith("/"):
        return path.lstrip("/")
    return posixpath.normpath(posixpath.join(cwd, path)) if cwd else posixpath.normpath(path)


def classify(text: str, ctx: Context, cwd: str = "", depth: int = 0, seen: frozenset = frozenset()) -> list[tuple[str, str, tuple]]:
    """What one command line does: (signal, the step that does it, resolved chain) triples."""
    out: list[tuple[str, str, tuple]] = []
    for words in simple_commands(split_words(text)):
        if words[0] == "cd" and len(words) > 1:
            cwd = _norm(cwd, words[1])
            continue
        prog, args = _program(words)
        if not prog or prog in _IGNORED:
            if prog in ("bash", "sh", "zsh", "source", "."):  # pragma: no cover - handled below
                pass
            if prog == "source" or prog == ".":
                out += _script(args[:1], ctx, cwd, depth, seen)
            continue
        out += _classify_program(prog, args, " ".join(words), ctx, cwd, depth, seen)
    return out


def _classify_program(prog, args, cmd, ctx, cwd, depth, seen):
    base = posixpath.basename(prog)
    words = [a for a in args if not a.startswith("-")]
    out: list[tuple[str, str, tuple]] = []

    def hit(signal: str) -> None:
        out.append((signal, cmd, ()))

    if base in ("bash", "sh", "zsh", "dash", "pwsh", "powershell"):
        if "-c" in args and args.index("-c") + 1 < len(args):
            return classify(args[args.index("-c") + 1], ctx, cwd, depth, seen)
        return _script([a for a in args if not a.startswith("-")][:1], ctx, cwd, depth, seen)
    if prog.endswith((".sh", ".bash")) or (prog.startswith(("./", "../")) and "." not in base):
        return _script([prog], ctx, cwd, depth, seen)
    runner = _task_runner(base, args)
    if runner is not None:
        return _task(runner[0], runner[1], cmd, ctx, cwd, depth, seen)
    if base in _TEST_PROGRAMS:
        hit(TESTS)
        if any(a.startswith("--cov") for a in args):
            hit(COVERAGE)
        if "--nbmake" in args or any(a.startswith("--nbval") for a in args):
            hit(NOTEBOOKS)
        if base in ("pytest", "py.test") and _runs_data_tests(words, ctx, cwd):
            hit(DATA)
        return out
    if base == "coverage":
        if words[:1] == ["run"]:
            hit(COVERAGE)
            hit(TESTS)
        elif words[:1] in (["report"], ["xml"], ["html"], ["json"], ["combine"]):
            hit(COVERAGE)
        return out
    if base in ("codecov", "coveralls"):
        hit(COVERAGE)
        return out
    if base in _LINT_PROGRAMS:
        if base == "black" and "--check" not in args and "--diff" not in args:
            return out  # formatting, not a check
        hit(LINT)
        return out
    if base in _DEPENDENCY_SCANNERS or (base in ("npm", "pnpm", "yarn") and words[:1] == ["audit"]):
        hit(DEPENDENCIES)
        return out
    if base in _SECURITY_PROGRAMS:
        hit(SECURITY)
        return out
    if base in _NOTEBOOK_PROGRAMS or (base == "jupyter" and (("nbconvert" in words and "--execute" in args) or words[:1] == ["execute"])):
        hit(NOTEBOOKS)
        return out
    if base in ("great_expectations", "gx") and "checkpoint" in words:
        hit(DATA)
        return out
    if base == "soda" and words[:1] == ["scan"]:
        hit(DATA)
        return out
    if base in ("dvc",) and (words[:1] == ["repro"] or words[:2] == ["exp", "run"]):
        hit(TRAINS)
        return out
    if base == "mlflow" and words[:1] == ["run"]:
        hit(TRAINS)
        return out
    if base in ("kedro", "zenml") and "run" in words:
        hit(TRAINS)
        return out
    if base in _IMAGE and words[:1] == _list(_IMAGE[base]):
        hit(IMAGE)
        return out
    if base in ("docker", "podman") and "build" in words and "--push" in args:
        hit(IMAGE)
        return out
    if (base == "gcloud" and _seq(words, "builds", "submit")) or (base == "az" and _seq(words, "acr", "build")):
        hit(IMAGE)
        return out
    if base in _PUBLISH and words[:1] == _list(_PUBLISH[base]):
        hit(PUBLISH)
        return out
    if (base == "mkdocs" and words[:1] == ["gh-deploy"]) or base == "ghp-import":
        hit(DOCS)
        return out
    if base in _DEPLOY_SUBCOMMANDS and _DEPLOY_SUBCOMMANDS[base](words):
        hit(DOCS if _DOC_WORD_RE.search(" ".join(words)) and base not in ("kubectl", "helm") else DEPLOY)
        if _iac_command(base, words):
            hit(INFRA)  # the deploy applies declared infrastructure
        return out
    if base == "anyscale" and _any(words, "job", "jobs") and "submit" in words:
        specs = [w for w in words if w.endswith((".yaml", ".yml"))]
        resolved = _entrypoint(specs, ctx, cwd, depth, seen)
        return resolved or ([(TRAINS, cmd, ())] if _TRAIN_WORD_RE.search(" ".join(words)) else [])
    if base in ("run-pipeline",):  # SageMaker project templates: run the model-building pipeline
        hit(TRAINS)
        return out
    # a script or module of the project named for what it does (train.py, -m pkg.run_train_pipeline,
    # deploy_model.py), or told what to do by an option (--mode deploy-model); not any argument
    if not _is_script(prog):
        return out
    named = [prog] + [args[i + 1] for i, a in enumerate(args[:-1]) if a in _MODE_FLAGS]
    if any(_TRAIN_WORD_RE.search(t) for t in named):
        hit(TRAINS)
    if any(_DEPLOY_WORD_RE.search(t) for t in named):
        hit(DOCS if _DOC_WORD_RE.search(" ".join(named)) else DEPLOY)
    return out


_MODE_FLAGS = {"--mode", "--action", "--task", "--stage", "--step", "--command", "--job", "-m"}


def _is_script(prog: str) -> bool:
    """A script path (``src/train.py``, ``./deploy.sh``) or a dotted module (``pkg.train``)."""
    return prog.endswith((".py", ".sh", ".bash", ".ps1", ".R", ".r")) or "/" in prog or (
        "." in prog and re.fullmatch(r"[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)+", prog) is not None
    )


def _list(t):
    return list(t)


def _task_runner(base: str, args: list[str]) -> tuple[str, list[str]] | None:
    """(runner, task names) for a command that calls a task runner, else None."""
    words = [a for a in args if not a.startswith("-")]
    if base in ("make", "gmake"):
        folder = ""
        if "-C" in args and args.index("-C") + 1 < len(args):
            folder = args[args.index("-C") + 1]
            words = [w for w in words if w != folder]
        return "make", [f"{folder}::{w}" for w in words if "=" not in w] or [f"{folder}::"]
    if base == "tox":
        envs = []
        for flag in ("-e", "--env"):
            if flag in args and args.index(flag) + 1 < len(args):
                envs += args[args.index(flag) + 1].split(",")
        return "tox", envs or ["*"]
    if base == "nox":
        sessions = []
        for flag in ("-s", "--session", "--sessions", "-e"):
            if flag in args:
                i = args.index(flag) + 1
                while i < len(args) and not args[i].startswith("-"):
                    sessions.append(re.split(r"[-(]", args[i].strip("'\""), maxsplit=1)[0])
                    i += 1
        return "nox", sessions or ["*"]
    if base in ("invoke", "inv"):
        return "invoke", words or []
    if base == "mise" and words[:1] in (["run"], ["r"]):
        return "mise", words[1:2]
    if base == "pixi" and words[:1] == ["run"]:
        rest = args[args.index("run") + 1 :]
        while rest and rest[0].startswith("-"):
            rest = rest[2:] if rest[0] in ("-e", "--environment", "--manifest-path") else rest[1:]
        return "pixi", rest[:1]
    if base in ("npm", "pnpm", "yarn", "bun"):
        if words[:1] in (["test"], ["t"]):
            return "npm", ["test"]
        if words[:1] in (["run"], ["run-script"]):
            return "npm", words[1:2]
        if base == "yarn" and words:
            return "npm", words[:1]
    if base == "just":
        return "just", words[:1] or [""]
    if base == "poe":
        return "poe", words[:1]
    if base == "hatch" and words[:1] == ["run"]:
        return "hatch", [words[1].split(":")[-1]] if len(words) > 1 else []
    if base == "hatch" and words[:1] == ["test"]:
        return None
    return None


def _task(runner, names, cmd, ctx, cwd, depth, seen):
    out: list[tuple[str, str, tuple]] = []
    if runner == "hatch" and not names:
        return out
    for name in names:
        key = (runner, cwd, name)
        if key in seen:
            continue
        steps = _task_steps(runner, name, ctx, cwd)
        if steps is None:  # the task is not defined in the repository: judge by its name
            out += _by_task_name(runner, name, cmd)
            continue
        if depth >= 3:
            continue
        for step in steps:
            for signal, what, via in classify(step.text, ctx, posixpath.dirname(step.path) if runner == "make" else cwd,
                                              depth + 1, seen | {key}):
                out.append((signal, what, (f"{step.path}:{step.line} `{_short(step.text, 60)}`", *via)))
    return out


def _task_steps(runner, name, ctx, cwd) -> list[Command] | None:
    t = ctx.tasks
    if runner == "make":
        folder, _, target = name.partition("::")
        folder = _norm(cwd, folder) if folder else cwd
        targets = t.make.get("" if folder == "." else folder)
        if targets is None:
            return None
        if not target:
            target = next(iter(targets), "")
        return targets.get(target)
    table = t.named.get(runner)
    if not table:
        return None
    if runner in ("tox", "nox") and name == "*":
        return [c for cmds in table.values() for c in cmds]
    if runner == "tox" and name not in table and "" in table:
        return table[""]
    if runner == "hatch" and name not in table:
        return None
    return table.get(name)


def _by_task_name(runner: str, name: str, cmd: str) -> list[tuple[str, str, tuple]]:
    """A task whose definition is not in the repository: a test runner's default, or its name."""
    task = name.split("::")[-1].lower()
    if runner in ("tox", "nox") and (task == "*" or not re.search(r"lint|doc|type|format|style|build|release", task)):
        return [(TESTS, cmd, ())]
    if re.fullmatch(r"(unit-?)?tests?|check|pytest|coverage|cov", task):
        return [(TESTS, cmd, ())]
    if re.fullmatch(r"lint(ing)?|style|typecheck|types|mypy|ruff|flake8", task):
        return [(LINT, cmd, ())]
    if _TRAIN_WORD_RE.search(task):
        return [(TRAINS, cmd, ())]
    if re.fullmatch(r"deploy[\w-]*", task):
        return [(DEPLOY, cmd, ())]
    return []


def _script(refs, ctx, cwd, depth, seen):
    out: list[tuple[str, str, tuple]] = []
    for ref in refs:
        path = _norm(cwd, ref)
        if path not in ctx.tasks.scripts or depth >= 3 or path in seen:
            if path in ctx.files or path in ctx.tasks.scripts:
                continue
            continue
        for step in ctx.tasks.scripts[path]:
            for signal, what, via in classify(step.text, ctx, cwd, depth + 1, seen | {path}):
                out.append((signal, what, (f"{step.path}:{step.line} `{_short(step.text, 60)}`", *via)))
    return out


def _entrypoint(specs, ctx, cwd, depth, seen):
    out = []
    for spec in specs:
        path = _norm(cwd, spec)
        for step in ctx.tasks.entrypoints.get(path, []):
            for signal, what, via in classify(step.text, ctx, "", depth + 1, seen | {path}):
                out.append((signal, what, (f"{step.path}:{step.line} `{_short(step.text, 60)}`", *via)))
    return out


def _runs_data_tests(words: list[str], ctx: Context, cwd: str) -> bool:
    if not ctx.data_tests:
        return False
    targets = [_norm(cwd, w.split("::")[0]) for w in words if "/" in w or w.endswith(".py") or w in ("tests", "test")]
    if not targets:  # the whole suite from here
        return any(p.startswith(cwd + "/") or not cwd for p in ctx.data_tests)
    return any(p == t or p.startswith(t.rstrip("/") + "/") for t in targets for p in ctx.data_tests)


# ---- actions and tasks of the CI providers themselves ----------------------------------------

_ACTIONS = (  # GitHub Actions (owner/name prefix) -> signal
    ("codecov/codecov-action", COVERAGE), ("coverallsapp/github-action", COVERAGE),
    ("pypa/gh-action-pypi-publish", PUBLISH), ("actions/deploy-pages", DOCS), ("peaceiris/actions-gh-pages", DOCS),
    ("jamesives/github-pages-deploy-action", DOCS), ("azure/webapps-deploy", DEPLOY), ("azure/k8s-deploy", DEPLOY),
    ("azure/arm-deploy", DEPLOY), ("azure/functions-action", DEPLOY), ("aws-actions/amazon-ecs-deploy-task-definition", DEPLOY),
    ("aws-actions/aws-cloudformation-github-deploy", DEPLOY), ("google-github-actions/deploy-cloudrun", DEPLOY),
    ("google-github-actions/deploy-appengine", DEPLOY), ("github/codeql-action", SECURITY),
    ("actions/dependency-review-action", DEPENDENCIES), ("aquasecurity/trivy-action", DEPENDENCIES), ("snyk/actions", DEPENDENCIES),
    ("gitleaks/gitleaks-action", SECURITY), ("pypa/gh-action-pip-audit", DEPENDENCIES), ("trufflesecurity/trufflehog", SECURITY),
    ("pre-commit/action", LINT), ("astral-sh/ruff-action", LINT), ("chartboost/ruff-action", LINT),
    ("iterative/setup-cml", ""), ("helm/chart-releaser-action", PUBLISH),
)


def classify_action(uses: str, params: dict) -> str:
    """The signal of a GitHub action or an Azure Pipelines task ("" when it does nothing we count).
    A reusable workflow (``owner/repo/.github/workflows/create-deployment.yml``) counts by its name."""
    low = uses.lower().split("@")[0]
    if "/.github/workflows/" in low or low.startswith("./.github/workflows/"):
        name = posixpath.basename(low)
        if _DEPLOY_WORD_RE.search(name) and not _DOC_WORD_RE.search(name):
            return DEPLOY
        if _TRAIN_WORD_RE.search(name) or re.search(r"(?:^|[-_])run-pipeline", name):
            return TRAINS
        return ""
    if low.startswith("docker/build-push-action"):
        return IMAGE if str(params.get("push", "")).lower() == "true" else ""
    for prefix, signal in _ACTIONS:
        if low.startswith(prefix):
            return signal
    task = low.split("@")[0]
    if task in ("publishcodecoverageresults", "publishcodecoverage"):
        return COVERAGE
    if task in ("docker",) and str(params.get("command", "")).lower() in ("push", "buildandpush"):
        return IMAGE
    if task in ("helmdeploy", "kubernetes", "kubernetesmanifest") and str(params.get("command", params.get("action", ""))).lower() in (
        "upgrade", "install", "apply", "deploy", "set"
    ):
        return DEPLOY
    if "deploy" in task and "." not in task:
        return DEPLOY
    if "mlpublishedpipeline" in task or "runpipeline" in task:
        return TRAINS
    return ""


# ---- reading the providers' files -----------------------------------------------------------

GITHUB, GITLAB, AZURE, CLOUDBUILD, CODEBUILD, CIRCLECI, JENKINS = (
    "GitHub Actions", "GitLab CI", "Azure Pipelines", "Google Cloud Build", "AWS CodeBuild", "CircleCI", "Jenkins",
)
_GITLAB_RESERVED = {"stages", "variables", "image", "services", "default", "include", "workflow", "cache", "before_script",
                    "after_script", "types", "spec"}
_GENERIC_COMMAND_KEYS = {"script", "scripts", "commands", "command", "run", "install", "before_install", "before_script",
                         "after_success", "test_script", "build_script", "deploy_script", "on_success", "cmd", "args"}


def _values(entries: list[Entry], match) -> list[tuple[Entry, list[tuple[int, str]]]]:
    return [(e, logical_lines(e.lines())) for e in entries if match(e)]


def _flow_or_items(entries: list[Entry], prefix: tuple) -> list[tuple[int, str]]:
    """Values under ``prefix``: a flow list (maybe over several lines), a block, or list items."""
    n = len(prefix)
    items = [e for e in entries if e.path[:n] == prefix and (len(e.path) == n or (len(e.path) == n + 1 and isinstance(e.path[n], int)))]
    if not items:
        return []
    head = items[0]
    if head.value.startswith("["):
        joined = " ".join(e.value for e in items if len(e.path) == n)
        return [(head.line, " ".join(_shell_quote(x) for x in flow_items(joined)))]
    out = []
    for e in items:
        out += e.lines()
    return out


def _shell_quote(word: str) -> str:
    return shlex.quote(word) if word and any(c.isspace() for c in word) else word


def github(rel: str, entries: list[Entry]) -> list[Job]:
    triggers: list[str] = []
    for e in entries:
        if e.path and e.path[0] in ("on", True):
            if len(e.path) == 1:
                triggers += [t for t in flow_items(e.value) if t]
            elif isinstance(e.path[1], str):
                triggers.append(e.path[1])
            elif isinstance(e.path[1], int) and len(e.path) == 2:
                triggers.append(e.value)
    triggers = list(dict.fromkeys(t for t in triggers if t))
    jobs: dict[str, Job] = {}
    params: dict[tuple, dict] = {}
    for e in entries:
        if len(e.path) >= 4 and e.path[0] == "jobs" and "with" in e.path:
            i = e.path.index("with")
            if i + 1 < len(e.path):
                params.setdefault(e.path[:i], {})[e.path[i + 1]] = e.value
    for e in entries:
        if len(e.path) < 2 or e.path[0] != "jobs" or not isinstance(e.path[1], str):
            continue
        name = e.path[1]
        job = jobs.get(name)
        if job is None:
            job = jobs[name] = Job(rel, GITHUB, name, e.line, tuple(triggers))
        key = e.path[-1]
        if key == "run" and "steps" in e.path:
            job.commands += [Command(rel, ln, t) for ln, t in logical_lines(e.lines())]
        elif key == "uses":
            job.actions.append((e.line, e.value, params.get(e.path[:-1], {})))
        elif e.path[2:] in (("environment",), ("environment", "name")) and e.value:
            job.environment = e.value
    return list(jobs.values())


def gitlab(rel: str, entries: list[Entry]) -> list[Job]:
    jobs: dict[str, Job] = {}
    schedules = any("schedule" in e.value for e in entries if "rules" in e.path or "only" in e.path)
    for e in entries:
        if not e.path or not isinstance(e.path[0], str):
            continue
        name = e.path[0]
        if name in _GITLAB_RESERVED and name not in ("before_script", "after_script"):
            continue
        job = jobs.get(name)
        if job is None:
            trig = ("push", "merge_request") + (("schedule",) if schedules else ())
            job = jobs[name] = Job(rel, GITLAB, name, e.line, trig)
        if name in ("before_script", "after_script") or (len(e.path) > 1 and e.path[1] in ("script", "before_script", "after_script")):
            job.commands += [Command(rel, ln, t) for ln, t in logical_lines(e.lines())]
        elif e.path[1:] in (("environment",), ("environment", "name")) and e.value:
            job.environment = e.value
    return [j for j in jobs.values() if j.commands or j.environment]


def azure(rel: str, entries: list[Entry]) -> list[Job]:
    names: dict[tuple, str] = {}
    for e in entries:
        if e.key in ("job", "deployment", "stage") and e.value and len(e.path) >= 2 and isinstance(e.path[-2], int):
            names.setdefault(e.path[:-1], e.value)
    keys = top_keys(entries)
    triggers = []
    if "trigger" in keys and not any(e.path == ("trigger",) and e.value.lower() == "none" for e in entries):
        triggers.append("push")
    if "pr" in keys and not any(e.path == ("pr",) and e.value.lower() == "none" for e in entries):
        triggers.append("pull_request")
    if "schedules" in keys:
        triggers.append("schedule")
    if any(e.path[:2] == ("resources", "pipelines") and e.key == "trigger" for e in entries):
        triggers.append("pipeline")
    jobs: dict[str, Job] = {}
    inputs: dict[tuple, dict] = {}
    for e in entries:
        if "inputs" in e.path:
            i = e.path.index("inputs")
            if i + 1 < len(e.path):
                inputs.setdefault(e.path[:i], {})[e.path[i + 1]] = e.value
    for e in entries:
        name = ""
        for k in range(len(e.path) - 1, 0, -1):
            if e.path[:k] in names:
                name = names[e.path[:k]]
                break
        job = jobs.get(name or rel)
        if job is None:
            job = jobs[name or rel] = Job(rel, AZURE, name or posixpath.basename(rel), e.line, tuple(triggers))
        key = e.key
        if key in ("script", "bash", "pwsh", "powershell") or (len(e.path) >= 2 and e.path[-2] == "inputs" and key in ("inlineScript", "script")):
            job.commands += [Command(rel, ln, t) for ln, t in logical_lines(e.lines())]
        elif key == "task":
            job.actions.append((e.line, e.value, inputs.get(e.path[:-1], {})))
        elif key == "template" and e.value.endswith((".yml", ".yaml")):
            job.includes.append((e.line, e.value.split("@")[0]))
        elif key == "environment" and e.value:
            job.environment = e.value
    return [j for j in jobs.values() if j.commands or j.actions or j.includes]


def cloudbuild(rel: str, entries: list[Entry]) -> list[Job]:
    jobs = []
    steps = sorted({e.path[1] for e in entries if len(e.path) >= 2 and e.path[0] == "steps" and isinstance(e.path[1], int)})
    for i in steps:
        own = [e for e in entries if e.path[:2] == ("steps", i)]
        get = {e.path[2]: e for e in own if len(e.path) == 3}
        name = get["id"].value if "id" in get else f"step {i + 1}"
        job = Job(rel, CLOUDBUILD, name, own[0].line, ("build",))
        image = get["name"].value if "name" in get else ""
        program = get["entrypoint"].value if "entrypoint" in get else posixpath.basename(image.split(":")[0])
        if "script" in get:
            job.commands += [Command(rel, ln, t) for ln, t in logical_lines(get["script"].lines())]
        args = _flow_or_items(entries, ("steps", i, "args"))
        if program in ("bash", "sh") and args and args[0][1].split()[:1] == ["-c"]:
            job.commands += [Command(rel, args[0][0], args[0][1][3:].strip().strip("'\""))]
        elif program and (args or "entrypoint" in get):
            line = args[0][0] if args else get["entrypoint"].line
            job.commands.append(Command(rel, line, " ".join([program] + [a for _, a in args])))
        jobs.append(job)
    images = [e for e in entries if e.path and e.path[0] == "images"]
    if images:
        job = Job(rel, CLOUDBUILD, "images", images[0].line, ("build",))
        job.actions.append((images[0].line, "cloudbuild/images", {"push": "true"}))
        jobs.append(job)
    return jobs


def codebuild(rel: str, entries: list[Entry]) -> list[Job]:
    jobs: dict[str, Job] = {}
    for e in entries:
        if len(e.path) >= 3 and e.path[0] == "phases" and "commands" in e.path:
            phase = str(e.path[1])
            job = jobs.setdefault(phase, Job(rel, CODEBUILD, phase, e.line, ("pipeline",)))
            job.commands += [Command(rel, ln, t) for ln, t in logical_lines(e.lines())]
    return list(jobs.values())


def circleci(rel: str, entries: list[Entry]) -> list[Job]:
    scheduled = any("schedule" in e.path for e in entries if e.path and e.path[0] == "workflows")
    jobs: dict[str, Job] = {}
    for e in entries:
        if len(e.path) >= 3 and e.path[0] == "jobs" and "steps" in e.path:
            name = str(e.path[1])
            job = jobs.setdefault(name, Job(rel, CIRCLECI, name, e.line, ("push",) + (("schedule",) if scheduled else ())))
            if e.key == "run" or (e.key == "command" and "run" in e.path) or (e.key == "command" and "deploy" in e.path):
                job.commands += [Command(rel, ln, t) for ln, t in logical_lines(e.lines())]
    return list(jobs.values())


def generic(rel: str, provider: str, entries: list[Entry]) -> list[Job]:
    jobs: dict[str, Job] = {}
    for e in entries:
        keys = [k for k in e.path if isinstance(k, str)]
        if not keys or not set(keys) & _GENERIC_COMMAND_KEYS:
            continue
        if keys[-1] not in _GENERIC_COMMAND_KEYS and not any(isinstance(k, int) for k in e.path[e.path.index(next(k for k in e.path if k in _GENERIC_COMMAND_KEYS)) :]):
            continue
        name = next((k for k in keys if k not in _GENERIC_COMMAND_KEYS and k not in ("steps", "pipelines", "default", "jobs")), provider)
        job = jobs.setdefault(name, Job(rel, provider, name, e.line, ("push",)))
        job.commands += [Command(rel, ln, t) for ln, t in logical_lines(e.lines())]
    return list(jobs.values())


def jenkins(rel: str, text: str) -> list[Job]:
    jobs: list[Job] = []
    current = Job(rel, JENKINS, "pipeline", 1, ("push",) + (("schedule",) if re.search(r"\bcron\s*\(", text) else ()))
    jobs.append(current)
    for m in re.finditer(r"""\bstage\s*\(\s*['"]([^'"]+)['"]|\b(?:sh|bat|powershell)\s*\(?\s*(?:script\s*:\s*)?(['"]{3}|['"])(.*?)\2""", text, re.DOTALL):
        if m.group(1):
            current = Job(rel, JENKINS, m.group(1), _line(text, m.start()), jobs[0].triggers)
            jobs.append(current)
        else:
            start = _line(text, m.start(3))
            current.commands += [Command(rel, start + k, t) for k, t in logical_lines(enumerate(m.group(3).splitlines()))]
    return [j for j in jobs if j.commands]


def codepipeline_cfn(rel: str, entries: list[Entry]) -> list[Job]:
    """AWS CodePipeline defined in a CloudFormation template: its Deploy, Approval and Build actions."""
    jobs = []
    stage_names: dict[tuple, str] = {}
    for e in entries:
        if e.key == "Name" and len(e.path) >= 3 and e.path[-3] == "Stages":
            stage_names[e.path[:-1]] = e.value
    for e in entries:
        if e.key == "Category" and "Stages" in e.path and e.value in ("Deploy", "Approval", "Build", "Test", "Invoke"):
            k = e.path.index("Stages") + 2
            stage = stage_names.get(e.path[:k], "stage")
            job = Job(rel, "AWS CodePipeline", stage, e.line, ("pipeline",))
            provider = next((p.value for p in entries if p.path == e.path and p.key == "Provider"), "")
            kind = "/cloudformation" if e.value == "Deploy" and provider.startswith("CloudFormation") else ""
            job.actions.append((e.line, f"codepipeline/{e.value.lower()}{kind}", {}))
            jobs.append(job)
    return jobs


def parse(rel: str, provider: str, text: str, entries: list[Entry] | None = None) -> list[Job]:
    if provider == JENKINS:
        return jenkins(rel, text)
    entries = entries if entries is not None else outline(text)
    if provider == GITHUB:
        return github(rel, entries)
    if provider == GITLAB:
        return gitlab(rel, entries)
    if provider == AZURE:
        return azure(rel, entries)
    if provider == CLOUDBUILD:
        return cloudbuild(rel, entries)
    if provider == CODEBUILD:
        return codebuild(rel, entries)
    if provider == CIRCLECI:
        return circleci(rel, entries)
    return generic(rel, provider, entries)


def sniff(entries: list[Entry], text: str) -> str | None:
    """The CI provider of a YAML file found under another name, from its top-level keys."""
    keys = top_keys(entries)
    if "steps" in keys and ("images" in keys or "substitutions" in keys or "gcr.io/" in text or "waitFor" in text) and (
        "args:" in text or "entrypoint:" in text
    ):
        return CLOUDBUILD
    if "phases" in keys and "version" in keys:
        return CODEBUILD
    if keys & {"steps", "stages", "jobs"} and (keys & {"trigger", "pr", "pool", "schedules"} or re.search(
        r"^\s*-\s*(?:task|script|bash|pwsh|template)\s*:", text, re.MULTILINE
    )) and "runs-on" not in text:
        return AZURE
    return None


__all__ = ["Command", "Context", "Hit", "Job", "Tasks", "classify", "classify_action", "parse", "sniff", "split_words"]
