"""Detectors: read file names and text (never code execution) and emit signals with evidence.

One :class:`Detectors` object receives every file the walker yields. File names and extensions
are looked up in tables (:mod:`.tables`) first; the text of a file is searched only by the
detectors of its kind. What depends on the whole repository is decided in :meth:`Detectors.finish`:

* what the CI jobs run, following the tasks and scripts they call (:mod:`.ci`);
* which imports are the project's own package (a library importing itself is no evidence) and
  whether the project is a library, whose own code is not read as a model's operations;
* which requirements file is the project's main one (a side file neither caps nor lifts);
* the absence signals, when nothing was left unread.

Where a file sits is part of its evidence: code and configuration under example, sample,
vendored, fixture or benchmark folders (``tables.SIDE_DIRS``) is kept as *side* evidence that
never raises nor caps a suggestion.
"""

from __future__ import annotations

import bisect
import itertools
import json
import posixpath
import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from . import ci
from . import tables as T
from .model import Evidence, ScanProblem
from .text import decode, has_content, in_comment, raw_headings, section_end, words_in
from .yamlish import outline


def classify(lower: str, rel: str = "") -> str | None:
    """The kind of a file to read, from its lower-case name (and folder), or None (not read)."""
    kind = T.NAME_KIND.get(lower)
    if kind is not None:
        return kind
    dot = lower.rfind(".")
    ext = lower[dot + 1 :] if dot >= 0 else ""
    kind = T.EXT_KIND.get(ext)
    if kind == "json":  # JSON is mostly data: read only what can be configuration
        return "json" if lower == "package.json" or T.JSON_CONFIG_RE.search(rel.lower() or lower) else None
    if kind is not None:
        return kind
    if lower.startswith(("dockerfile", "containerfile")):
        return "docker"
    if lower.startswith("jenkinsfile"):
        return "ci"
    if ext in ("txt", "in") and (lower.startswith(("requirements", "constraints")) or "requirements/" in rel):
        return "req"
    if ext == "mlem":
        return "name"
    return None


@lru_cache(maxsize=65536)
def zone_of(folder: str, doc: bool = False) -> str:
    """``side`` for files under example, vendored, fixture... folders (and templated folders), else ``main``."""
    for part in folder.lower().split("/"):
        if doc and part in T.DOC_ONLY_DIRS:
            continue
        if part in T.SIDE_DIRS or "{{" in part or (not doc and part in T.DOC_DIRS):
            return "side"
    return "main"


_TEST_DEF_RE = re.compile(r"^([ \t]*)(?:async[ \t]+)?def[ \t]+test\w*[ \t]*\(", re.MULTILINE)
_PLACEHOLDER_RE = re.compile(
    r"^\s*(?:pass|\.\.\.|assert\s+\(?(?:False|True|0|1)\)?\s*(?:,.*)?|raise\s+NotImplementedError\b.*|pytest\.(?:skip|fail)\(.*)\s*(?:#.*)?$"
)
_METRIC_RE = re.compile(
    r"\b(?:\w+_)?(?:accuracy|acc|auc|roc_auc|f1|f1_score|precision|recall|rmse|mse|mae|r2|r2_score|score|loss|dice|iou|bleu|"
    r"rouge|perplexity|map|ndcg)\b"
)
_ASSERT_RE = re.compile(r"^[ \t]*(?:assert[ \t(]|self\.assert(?:Greater|Less)(?:Equal)?\()([^\n]{0,200})", re.MULTILINE)
_NUMBER_CMP_RE = re.compile(r"(?:>=|<=|>|<)\s*[-+]?(?:\d+\.?\d*|\.\d+)\b|\b(?:\d+\.?\d*|\.\d+)\s*(?:>=|<=|>|<)|,\s*[-+]?(?:\d+\.?\d*|\.\d+)\s*\)")
_RANDOM_STATE_RE = re.compile(r"random_state[ \t]*=[ \t]*\d")
_DUMMY_RE = re.compile(r"\bDummy(?:Classifier|Regressor)\b")
_DRIFT_STATS_RE = re.compile(r"\b(?:ks_2samp|wasserstein_distance|jensenshannon|population_stability\w*|chi2_contingency)\b")
_DRIFT_STATS_WORDS = ("ks_2samp", "wasserstein_distance", "jensenshannon", "population_stability", "chi2_contingency")
_BOM_STARTS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_HEALTH_WORDS = ("/health", "/live", "/ready", "/ping")
_RETRIES_RE = re.compile(r"\bretries[ \t]*[=:][ \t]*[1-9]")
_TEST_DATA_NAME_RE = re.compile(r"data|schema|validat|quality|expectation|feature|preprocess|transform|etl")
_DATA_READ_RE = re.compile(r"\bread_(?:csv|parquet|json|excel|feather|table)\(|\bload_dataset\(|\bpd\.DataFrame\(")
_ROBUST_TEST_RE = re.compile(r"def[ \t]+test_\w*(?:invarian|directional|perturb|robust|adversar|edge_case|noise|mft)\w*", re.IGNORECASE)
_TRAIN_STEM_RE = re.compile(r"(?:^|[_\-.])(?:re)?train(?:ing|er)?(?:$|[_\-.])")
_PROJECT_NAME_RE = re.compile(r"^\s*name\s*=\s*['\"]([A-Za-z0-9_.\-]+)['\"]", re.MULTILINE)
_SETUP_NAME_RE = re.compile(r"\bname\s*=\s*['\"]([A-Za-z0-9_.\-]+)['\"]")
_ROLLBACK = (("kubectl", ("rollout", "undo")), ("helm", ("rollback",)), ("argocd", ("app", "rollback")),
             ("aws", ("deploy", "stop-deployment")), ("kubectl", ("rollout", "undo")))
_PLAIN_EXTS = frozenset(["py", "ipynb", "yml", "yaml", "toml", "cfg", "ini", "sh", "csv", "parquet", "md"])
_CI_KEYS_RE = re.compile(r"^(?:steps|phases|stages|jobs|trigger|pr|pool|schedules)\s*:", re.MULTILINE)
_MAIN_DEPS = frozenset(["requirements.txt", "environment.yml", "environment.yaml"])
_LIBRARY_KEEP = frozenset(["tests.runner.pytest", "tests.runner.unittest"])
_SCOPED = {"@split": "split", "@metrics": "metrics", "@seeds": "seeds"}
_GATED = (T.SEED_LIBS | T.RANDOM_STATE_LIBS | T.REGISTRY_WORDS.keys() | T.WEB_LIBS | T.PIPELINE_LIBS | T.DATA_VALIDATION_LIBS
          | T.CLOUD_LIBS | {"sklearn", "scipy"})
_INTERESTING_TOPS = frozenset(k.split(".")[0] for k in T.IMPORTS) | frozenset(T.TEST_IMPORTS)


class Detectors:
    """Feed every file to :meth:`file` (and folders to :meth:`folder`); call :meth:`finish`, then
    read :attr:`signals`."""

    def __init__(self, problem: Callable[[str, str, str], None], max_evidence: int = 50):
        self.problem = problem
        self.max_evidence = max_evidence
        self.signals: dict[str, list[Evidence]] = {}
        self.counts: dict[str, int] = {}
        self._seen: set[tuple[str, str]] = set()
        self._main: set[str] = set()  # signals with evidence in the project's own (main) files
        self.notebooks_parsed = 0
        self._packaged = 0
        # decided in finish()
        self._code_hits: list[tuple[str, str, int | None, int | None, str, str, str]] = []  # signal, path, line, cell, detail, top, zone
        self._code_seen: set[tuple[str, str, str]] = set()
        self._code_counts: dict[str, int] = {}
        self._jobs: list[ci.Job] = []
        self._tasks = ci.Tasks()
        self._ci_templates: dict[str, list[ci.Job]] = {}
        self._own: set[str] = set()
        self._declared_package = ""
        self._deps: list[tuple[int, str, str, str]] = []  # depth, signal, path, detail
        self._tests = 0
        self._test_files: list[str] = []
        self._data_tests: list[str] = []
        self._cov_addopts = False
        self._handlers = {
            "py": self._python, "ipynb": self._notebook, "yaml": self._yaml, "md": self._markdown,
            "req": self._requirements, "toml": self._toml, "ini": self._ini, "docker": self._docker,
            "ci": self._jenkins, "tf": self._terraform, "sh": self._script, "make": self._make, "just": self._just,
            "jvm": self._jvm, "json": self._json, "text": self._codeowners, "name": _nothing,
        }

    # ---- collecting -----------------------------------------------------------------------
    def add(self, signal: str, path: str, line: int | None = None, cell: int | None = None, detail: str = "",
            zone: str = "main") -> None:
        key = (signal, path)
        if key in self._seen:
            return
        self._seen.add(key)
        self.counts[signal] = self.counts.get(signal, 0) + 1
        if zone == "main":
            self._main.add(signal)
        items = self.signals.setdefault(signal, [])
        if len(items) < self.max_evidence:
            items.append(Evidence(signal, path, line, cell, detail[:200], zone))

    def _add_at(self, signal: str, path: str, text: str, pos: int, detail: str = "", cells=None, zone: str = "main") -> None:
        """Add evidence at character ``pos`` of ``text`` (a line, or a cell and a line)."""
        key = (signal, path)
        if key in self._seen:
            return
        if len(self.signals.get(signal, ())) >= self.max_evidence:  # only counted now: skip the line count
            self._seen.add(key)
            self.counts[signal] += 1
            if zone == "main":
                self._main.add(signal)
            return
        line, cell = _where(text, pos, cells)
        self.add(signal, path, line, cell, detail, zone)

    def _code(self, signal: str, path: str, text: str, pos: int, detail: str, top: str, zone: str, cells=None) -> None:
        """Evidence from a project's code, decided in :meth:`finish` (own package, library)."""
        key = (signal, path, top)
        if key in self._code_seen:
            return
        self._code_seen.add(key)
        n = self._code_counts.get(signal, 0)
        self._code_counts[signal] = n + 1
        if n < 4 * self.max_evidence:  # line numbers only for evidence that can be shown
            line, cell = _where(text, pos, cells)
        else:
            line, cell = None, None
        self._code_hits.append((signal, path, line, cell, detail, top, zone))

    def has(self, signal: str) -> bool:
        """True when ``signal`` has evidence in the project's own (main) files."""
        return signal in self._main

    def has_any(self, prefix: str) -> bool:
        return any(s == prefix or s.startswith(prefix + ".") for s in self._main)

    # ---- entry points ---------------------------------------------------------------------
    def folder(self, rel: str, lower: str) -> bool:
        """Called for each folder before it is entered; False keeps the walker out."""
        hit = T.DIR_SIGNALS.get(lower)
        if hit is None:
            return True
        found, descend = hit
        if found is not None:
            self.add(found[0], rel, detail=found[1], zone=zone_of(posixpath.dirname(rel)))
        return descend

    def file(self, rel: str, lower: str, kind: str | None, data: bytes | None) -> None:
        dot = lower.rfind(".")
        ext = lower[dot + 1 :] if dot > 0 else ""
        folder = rel[: rel.rfind("/")] if "/" in rel else ""
        zone = zone_of(folder) if folder else "main"
        hits = T.NAME_SIGNALS.get(lower)
        if hits:
            for signal, detail in hits:
                self.add(signal, rel, detail=detail, zone=zone)
        if ext in _PLAIN_EXTS:  # .py, .yaml, ... count by content (and a few by their full name above)
            pass
        elif ext in T.MODEL_EXTS:
            self.add("model.files", rel, detail=T.MODEL_EXTS[ext], zone=zone)
        elif ext == "dvc":
            in_tests = "/tests/" in f"/{rel}/" or "/test/" in f"/{rel}/"
            self.add("data.versioning", rel, detail="DVC-tracked file" + (" (test fixtures)" if in_tests else ""),
                     zone="side" if in_tests else zone)
        elif ext == "tf":
            self.add("deploy.terraform", rel, detail="Terraform", zone=zone)
        elif ext == "bicep":
            self.add("deploy.arm", rel, detail="Bicep template", zone=zone)
        elif ext == "avsc" or (ext == "proto" and "schema" in lower):
            self.add("data.schema", rel, detail="schema file", zone=zone)
        elif ext == "mlem" and "/deployment/" in f"/{rel}":
            self.add("deploy.serving_config", rel, detail="MLEM deployment", zone=zone)
        elif ext in T.DOC_EXTS and kind is None:
            self._doc_name(rel, lower, dot, None)
        elif ext == "json" and "grafana" in rel.lower():
            self.add("monitoring.dashboards", rel, detail="Grafana dashboard", zone=zone)
        elif ext == "json" and "/expectations/" in f"/{rel}":
            self.add("data.schema", rel, detail="expectation suite", zone=zone)
        if lower == "__init__.py":
            self._init(rel)
        if kind is None or data is None:
            return
        if data.startswith(_BOM_STARTS) or b"\x00" in data:
            text = decode(data)  # BOMs and UTF-16/32
        else:
            text = data.decode("utf-8", "replace")
        self._handlers[kind](rel, lower, text, zone)

    def _init(self, rel: str) -> None:
        parts = rel.split("/")
        if len(parts) == 2 or (len(parts) == 3 and parts[0] in ("src", "lib", "python")):
            self._own.add(parts[-2])

    # ---- the end of the walk: what needs the whole repository -----------------------------
    def finish(self, complete: bool, files_seen: int) -> None:
        """Derived signals: CI, own package and library, main requirements, notebooks only, and
        (when ``complete``: nothing was left unread) absences."""
        self._finish_deps()
        trains = any(s == "model.trains" and z == "main" for s, *_, z in self._code_hits)
        library = bool(self._declared_package) and not trains and not self.has("pipeline.dvc")
        if library:
            self.add("project.library", ".", detail=f"package {self._declared_package} with no training code of its own")
        own = self._own | ({self._declared_package.replace("-", "_").lower()} if self._declared_package else set())
        for signal, path, line, cell, detail, top, zone in self._code_hits:
            if top and top.lower() in own:
                continue  # a package importing itself
            if library and signal not in _LIBRARY_KEEP:
                zone = "side"  # a library's own code is not a model's operations
            self.add(signal, path, line, cell, detail, zone)
        if self._tests >= 10:
            for path in self._test_files[:3]:
                self.add("tests.suite", path, detail=f"{self._tests} test functions in {len(self._test_files)} files")
        self._finish_ci()
        self._finish_rollback()
        if self.has("notebooks.present") and not self.has("code.packaged"):
            first = next(e.path for e in self.signals["notebooks.present"] if e.zone == "main")
            self.add("notebooks.only", first, detail="notebooks but no Python module outside tests")
        if not complete:
            return
        nothing = f"none found in {files_seen} files"
        if not self.has("tests.present"):
            self.add("tests.none", ".", detail=f"no real test function; {nothing}")
        if not self.has("ci.present"):
            self.add("ci.none", ".", detail=nothing)
        if not any(self.has_any(s) for s in ("deploy", "deps")):
            self.add("deploy.none", ".", detail=f"no container, manifest, infrastructure code or dependency file; {nothing}")
        if not self.has_any("monitoring"):
            self.add("monitoring.none", ".", detail=nothing)

    def _finish_deps(self) -> None:
        """Pinning is judged on the project's main requirements: the shallowest ``requirements.txt``
        (or, without one, the shallowest dependency files); others (dev, docs, a function's, an
        example's) are secondary and neither cap nor lift."""
        main = [d for d in self._deps if d[0] >= 0]
        if not main:
            return
        top = min(d[0] for d in main)
        named = [d for d in main if d[0] == top and posixpath.basename(d[2]).lower() in _MAIN_DEPS]
        for depth, signal, path, detail in self._deps:
            primary = depth == top and (not named or posixpath.basename(path).lower() in _MAIN_DEPS)
            self.add(signal, path, detail=detail if primary else f"{detail}; not the main requirements file",
                     zone="main" if primary else "side")

    def _finish_ci(self) -> None:
        ctx = ci.Context(self._tasks, set(), [] if self.has("project.library") else self._data_tests)
        for job in list(self._jobs):
            for _, template in job.includes:
                path = posixpath.normpath(posixpath.join(posixpath.dirname(job.path), template))
                for other in self._ci_templates.get(path, []):
                    job.commands += other.commands
                    job.actions += other.actions
        scheduled: dict[str, list[str]] = {}
        for job in self._jobs:
            zone = "main" if _active_ci(job.path) else "side"
            self.add("ci.present", job.path, job.line, detail=job.provider, zone=zone)
            did: list[str] = []
            for cmd in job.commands:
                for signal, what, via in ci.classify(cmd.text, ctx):
                    hit = ci.Hit(signal, job, cmd, what, via)
                    self.add(signal, job.path, cmd.line, detail=hit.detail(), zone=zone)
                    did.append(signal)
            for line, action, params in job.actions:
                signal = ci.classify_action(action, params)
                if action.startswith("codepipeline/"):
                    signal = "ci.deploys" if action.startswith("codepipeline/deploy") else ""
                if signal:
                    detail = f"job `{job.name}` ({job.provider}) uses `{action}`{job.on()}"
                    self.add(signal, job.path, line, detail=detail, zone=zone)
                    did.append(signal)
                    if signal == "ci.deploys" and ci.applies_infrastructure(action):
                        self.add(ci.INFRA, job.path, line, detail=detail, zone=zone)
            if "ci.data_checks" in did and "ci.trains" in did and zone == "main":
                self.add("ci.data_gate", job.path, job.line, detail=f"job `{job.name}` ({job.provider}) checks the data and trains in the same run")
            if job.environment.lower().split("-")[0] in ("prod", "production", "staging", "live") and zone == "main":
                self.add("ci.deploys", job.path, job.line, detail=f"job `{job.name}` deploys to environment `{job.environment}`")
                did.append("ci.deploys")
            if "schedule" in job.triggers and zone == "main":
                scheduled.setdefault(job.path, []).extend(did)
                if "ci.trains" in did:
                    self.add("ci.trains_scheduled", job.path, job.line, detail=f"scheduled job `{job.name}` ({job.provider}) retrains")
        for path, did in scheduled.items():
            what = sorted({s.split(".", 1)[1] for s in did}) or ["nothing recognised"]
            self.add("ci.scheduled", path, detail=f"scheduled workflow runs: {', '.join(what)}")
        if self._cov_addopts and self.has("ci.runs_tests") and not self.has("ci.coverage"):
            e = next(e for e in self.signals["ci.runs_tests"] if e.zone == "main")
            self.add("ci.coverage", e.path, e.line, detail=f"{e.detail}; pytest options turn coverage on (--cov)")

    def _finish_rollback(self) -> None:
        commands = [c for recipes in self._tasks.make.values() for cmds in recipes.values() for c in cmds]
        commands += [c for cmds in self._tasks.scripts.values() for c in cmds]
        commands += [c for table in self._tasks.named.values() for cmds in table.values() for c in cmds]
        for cmd in commands:
            for words in ci.simple_commands(ci.split_words(cmd.text)):
                prog = posixpath.basename(words[0]) if words else ""
                for name, needed in _ROLLBACK:
                    if prog == name and all(n in words for n in needed):
                        self.add("deploy.rollback", cmd.path, cmd.line, detail=f"scripted rollback `{' '.join(words)[:80]}`",
                                 zone=zone_of(posixpath.dirname(cmd.path)))

    # ---- names ----------------------------------------------------------------------------
    def _doc_name(self, rel: str, lower: str, dot: int, text: str | None) -> None:
        """A document named for what it is (runbook.md, MODEL_CARD.md) counts when it has content
        (its text is read for .md/.rst; other documents count by name alone)."""
        signals = _stem_signals(lower[:dot].translate(_NO_DIGITS))
        adr = False
        if dot > 0 and "/" in rel and lower[dot + 1 :] in ("md", "rst", "markdown"):
            path = f"/{rel.lower()}"
            adr = ("adr" in path or "decision" in path) and any(d in path for d in T.ADR_DIRS)
        if not signals and not adr:
            return
        if text is not None and words_in(text, 40) < 15:
            return
        folder = rel[: rel.rfind("/")] if "/" in rel else ""
        zone = zone_of(folder, doc=True) if folder else "main"
        for signal in signals:
            if signal == "docs.architecture" and not lower.startswith("architecture"):
                continue
            self.add(signal, rel, detail=f"file name {rel.rsplit('/', 1)[-1]}", zone=zone)
        if adr:
            self.add("docs.adr", rel, detail="decision record", zone=zone)

    # ---- Python and notebooks -------------------------------------------------------------
    def _python(self, rel: str, lower: str, text: str, zone: str) -> None:
        if lower in ("setup.py",):
            m = _SETUP_NAME_RE.search(text)
            if m and "/" not in rel:
                self._declared_package = self._declared_package or m.group(1)
        if lower == "noxfile.py":
            self._tasks.noxfile(rel, text)
        elif lower in ("tasks.py",) and "@task" in text:
            self._tasks.invoke(rel, text)
        in_tests = rel.startswith(("tests/", "test/")) or "/tests/" in rel or "/test/" in rel
        named_test = lower.startswith("test_") or lower.endswith(("_test.py", "_tests.py")) or lower in ("tests.py", "test.py")
        is_test = False
        if (named_test or in_tests) and lower != "conftest.py":
            real, placeholders = _count_tests(text)
            if real:
                is_test = True
                self.add("tests.present", rel, detail=f"{real} test function(s)" + (f", {placeholders} placeholder(s) not counted" if placeholders else ""), zone=zone)
                if zone == "main":
                    self._tests += real
                    self._test_files.append(rel)
            elif named_test and placeholders:
                self.add("tests.present", rel, detail=f"only placeholder tests ({placeholders}); not counted", zone="side")
        skip = ("setup.py", "noxfile.py", "conftest.py", "conf.py", "tasks.py", "__init__.py")
        if not is_test and not in_tests and lower not in skip and zone == "main":
            if self._packaged < self.max_evidence:
                self.add("code.packaged", rel, detail="Python module")
            else:
                self.counts["code.packaged"] += 1
            self._packaged += 1
        found = self._python_text(rel, text, "code", is_test, lower, zone=zone)
        if not is_test and zone == "main" and "train" in lower and _TRAIN_STEM_RE.search(lower[:-3]) and any(
            w in text for w in T.TRAIN_CALLS
        ):
            pos = min((p for p in (text.find(w) for w in T.TRAIN_CALLS) if p >= 0), default=0)
            self._code("model.trains", rel, text, pos, "training code", "", zone)
        if is_test and zone == "main":
            hit = _metric_assert(text)
            if hit is not None:
                self._code("tests.model_quality", rel, text, hit[0], hit[1], "", zone)
            m = _ROBUST_TEST_RE.search(text)
            if m:
                self._code("tests.robustness", rel, text, m.start(), m.group(0)[4:60], "", zone)
            if not found.isdisjoint(T.DATA_VALIDATION_LIBS) or (_TEST_DATA_NAME_RE.search(lower) and _DATA_READ_RE.search(text)):
                self._code("tests.data", rel, text, 0, "data or schema test", "", zone)
                self._data_tests.append(rel)

    def _python_text(self, rel: str, text: str, scope: str, is_test: bool, lower: str = "", cells=None, zone: str = "main") -> set[str]:
        """Search Python source (a file, or a notebook's code cells joined); returns top-level imports."""
        found: set[str] = set()
        interesting: list[tuple[int, tuple[tuple[str, str], ...], str]] = []
        pos = text.find("import")
        while pos >= 0:  # import lines, found by str.find (memchr speed) rather than a line-anchored regex
            start = text.rfind("\n", 0, pos) + 1
            end = text.find("\n", pos)
            if end < 0:
                end = len(text)
            line = text[start:end]
            parsed = _import_line(line) if len(line) <= _CACHED_LINE else _parse_import_line(line)
            if parsed is not None:
                tops, entries = parsed
                found.update(tops)
                for hits, top in entries:
                    if hits or (is_test and top in T.TEST_IMPORTS):
                        interesting.append((start, hits, top))
            pos = text.find("import", end)
        found.discard("")  # relative imports
        if "google" in found and "aiplatform" in text:
            found.add("vertexai")
        evaluation = None
        for start, hits, top in interesting:  # few per file
            for name, sig in hits:
                signal = f"{scope}.{_SCOPED[sig]}" if sig[0] == "@" else sig
                if sig[0] == "@" and scope == "code":
                    if evaluation is None:
                        evaluation = _evaluation_file(lower, text)
                    if not evaluation:
                        continue  # split/metrics count in training or evaluation scripts, not in any module
                self._code(signal, rel, text, start, f"imports {name}", top, zone, cells)
            if is_test and top in T.TEST_IMPORTS:
                self._code(T.TEST_IMPORTS[top], rel, text, start, f"imports {top}", "", zone, cells)
        gated = found & _GATED
        if not gated:  # every keyword search below is gated by an import
            return found

        if not gated.isdisjoint(T.SEED_LIBS) and "seed" in text:
            hit = _first(text, T.SEED_WORDS)
            if hit:
                self._code(f"{scope}.seeds", rel, text, hit[0], hit[1].rstrip("("), "", zone, cells)
        if not gated.isdisjoint(T.RANDOM_STATE_LIBS) and "random_state" in text:
            m = _RANDOM_STATE_RE.search(text)
            if m and not in_comment(text, m.start()):
                self._code(f"{scope}.seeds", rel, text, m.start(), "random_state", "", zone, cells)
        for lib in gated & T.REGISTRY_WORDS.keys():
            if lib == "mlflow" and "regist" not in text and "model_version" not in text:
                continue
            hit = _first(text, T.REGISTRY_WORDS[lib])
            if hit:
                self._code("model.registry", rel, text, hit[0], _word_at(text, hit[0]), "", zone, cells)
                break
        if not is_test and "mlflow" in gated and "hreshold" in text:
            hit = _first(text, T.MLFLOW_THRESHOLD_WORDS)
            if hit:
                self._code("model.threshold", rel, text, hit[0], "MLflow validation thresholds", "", zone, cells)
        if not is_test and not gated.isdisjoint(T.CLOUD_LIBS):
            for word, signal, detail in T.CLOUD_WORDS:
                p = text.find(word)
                if p >= 0 and not in_comment(text, p):
                    self._code(signal, rel, text, p, detail, "", zone, cells)
            hit = _first(text, T.SCHEDULE_WORDS)
            if hit:
                retrain = "retrain" in text or ("train" in text.lower() and "pipeline" in text.lower() and "schedule" in text.lower())
                self._code("model.retrain_scheduled" if retrain else "pipeline.scheduled", rel, text, hit[0],
                           f"schedule ({hit[1].rstrip('(')}) in infrastructure code", "", zone, cells)
            if "CfnMonitoringSchedule(" in text or "ModelDeploymentMonitoringJob(" in text or "create_monitoring_schedule(" in text:
                hit = _first(text, ("CfnAlarm(", "cloudwatch.Alarm(", "alert_config", "AlertConfig(", "EmailAlertConfig("))
                if hit:
                    self._code("monitoring.drift_alert", rel, text, hit[0], f"alert on the monitoring job ({hit[1].rstrip('(')})", "", zone, cells)
        if "sklearn" in gated and "Dummy" in text:
            m = _DUMMY_RE.search(text)
            if m and not in_comment(text, m.start()):
                self._code("model.baseline", rel, text, m.start(), m.group(0), "", zone, cells)
        if "scipy" in gated and any(w in text for w in _DRIFT_STATS_WORDS):
            m = _DRIFT_STATS_RE.search(text)
            if m and not in_comment(text, m.start()):
                self._code("monitoring.drift", rel, text, m.start(), m.group(0), "", zone, cells)
        if not gated.isdisjoint(T.WEB_LIBS):
            hit = _first(text, _HEALTH_WORDS)
            if hit and text[hit[0] - 1 : hit[0]] in ("'", '"'):
                end, high = hit[0] + 1, min(len(text), hit[0] + 40)
                while end < high and (text[end].isalnum() or text[end] in "_-"):
                    end += 1
                self._code("deploy.healthcheck", rel, text, hit[0], f"endpoint {text[hit[0]:end]}", "", zone, cells)
        if not gated.isdisjoint(T.PIPELINE_LIBS) and "retries" in text:
            m = _RETRIES_RE.search(text)
            if m and not in_comment(text, m.start()):
                self._code("pipeline.retries", rel, text, m.start(), m.group(0), "", zone, cells)
        return found

    def _notebook(self, rel: str, lower: str, text: str, zone: str) -> None:
        nb = _parse_notebook(text, rel, self.problem)
        if nb is None:
            return
        self.notebooks_parsed += 1
        self.add("notebooks.present", rel, detail="notebook", zone=zone)
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
                        self.add("notebooks.errors", rel, cell=index + 1, detail=f"saved output shows {ename}", zone=zone)
                        break
        for (_, a), (index, b) in itertools.pairwise(counts):
            if b < a:
                self.add("notebooks.out_of_order", rel, cell=index + 1, detail=f"execution count {b} after {a}", zone=zone)
                break
        joined = "\n".join(parts)
        imports = self._python_text(rel, joined, "notebooks", False, lower, cells=starts, zone=zone)
        if imports:
            self.add("notebooks.imports", rel, detail=", ".join(sorted(imports))[:200], zone=zone)

    # ---- configuration files --------------------------------------------------------------
    def _ci_provider(self, rel: str, lower: str) -> str | None:
        provider = T.CI_NAMES.get(lower)
        if provider is None and (rel[0] == "." or "/." in rel or "pipelines/" in rel):
            for prefix, name in T.CI_DIRS:
                if rel.startswith(prefix) or f"/{prefix}" in rel:
                    return name
        return provider

    def _ci(self, rel: str, provider: str, text: str, entries=None) -> None:
        jobs = ci.parse(rel, provider, text, entries)
        if not jobs:
            self.add("ci.present", rel, 1, detail=provider, zone="main" if _active_ci(rel) else "side")
        self._jobs += jobs
        self._ci_templates[rel] = jobs

    def _jenkins(self, rel: str, lower: str, text: str, zone: str) -> None:
        self._ci(rel, ci.JENKINS, text)

    def _yaml(self, rel: str, lower: str, text: str, zone: str) -> None:
        provider = self._ci_provider(rel, lower)
        if provider is not None and zone == "main":
            self._ci(rel, provider, text)
            return
        if lower in ("environment.yml", "environment.yaml"):
            self._conda_env(rel, text)
        if lower in ("dependabot.yml", "dependabot.yaml"):
            ecosystems = re.findall(r"package-ecosystem:[ \t]*['\"]?([\w-]+)", text)
            packages = [e for e in ecosystems if e != "github-actions"]
            if packages:
                self.add("deps.audit", rel, detail=f"Dependabot updates {', '.join(sorted(set(packages)))}", zone=zone)
        if lower in ("dvc.yaml", "dvc.yml"):
            self._dvc_yaml(rel, text, zone)
        entries = None
        if ("steps:" in text or "jobs:" in text or "stages:" in text or "phases:" in text or "trigger:" in text) and _CI_KEYS_RE.search(text):
            entries = outline(text)
            found = ci.sniff(entries, text)
            if found is not None and zone == "main":
                self._ci(rel, found, text, entries)
                return
        if "entrypoint:" in text or "\ncommand:" in text:
            entries = entries or outline(text)
            self._tasks.yaml_job_spec(rel, entries)
        if "AWS::" in text and ("Resources:" in text or "AWSTemplateFormatVersion" in text):
            self._cloudformation(rel, text, zone, entries)
        if "azuremlschemas" in text or "azureml:" in text:
            if "Deployment.schema" in text or "managedOnlineDeployment" in text or "batchDeployment" in text:
                self.add("deploy.azureml", rel, 1, detail="Azure ML deployment definition", zone=zone)
            if "pipelineJob" in text or re.search(r"^type:[ \t]*pipeline\b", text, re.MULTILINE):
                self.add("pipeline.azureml", rel, 1, detail="Azure ML pipeline job", zone=zone)
        if "kind:" in text and "apiVersion" in text:
            for m in T.K8S_KIND_RE.finditer(text):
                hit = T.K8S_KINDS.get(m.group(1).lower())
                if hit is not None:
                    signal = hit[0]
                    if signal == "pipeline.scheduled" and "train" in text.lower():
                        signal = "model.retrain_scheduled"
                    self._add_at(signal, rel, text, m.start(), hit[1], zone=zone)
                self._add_at("deploy.kubernetes", rel, text, m.start(), f"kind: {m.group(1)}", zone=zone)
        for signal, detail, gates, pattern in T.YAML_PATTERNS:
            for gate in gates:  # a plain loop: this runs for every YAML file
                if gate in text:
                    m = pattern.search(text)
                    if m:
                        self._add_at(signal, rel, text, m.start(), detail, zone=zone)
                    break

    def _dvc_yaml(self, rel: str, text: str, zone: str) -> None:
        self.add("pipeline.dvc", rel, 1, detail="dvc.yaml stages", zone=zone)
        self.add("tracking.dvc", rel, 1, detail="DVC pipeline with params and metrics", zone=zone)
        m = re.search(r"^[ \t]*metrics:[ \t]*$", text, re.MULTILINE)
        if m:
            self._add_at("model.metrics_tracked", rel, text, m.start(), "dvc metrics", zone=zone)
        m = re.search(r"^[ \t]*type:[ \t]*model\b", text, re.MULTILINE)
        if m and "artifacts:" in text:
            self._add_at("model.registry", rel, text, m.start(), "model artifact declared in dvc.yaml (DVC model registry)", zone=zone)
        m = re.search(r"^[ \t]*cmd:[^\n]*\btrain", text, re.MULTILINE)
        if m:
            self._code("model.trains", rel, text, m.start(), "a training stage in dvc.yaml", "", zone)

    def _cloudformation(self, rel: str, text: str, zone: str, entries=None) -> None:
        self.add("deploy.cloudformation", rel, 1, detail="CloudFormation template", zone=zone)
        for m in re.finditer(r"Type:[ \t]*['\"]?(AWS::[\w:]+)", text):
            hit = T.CFN_RESOURCES.get(m.group(1))
            if hit is None:
                continue
            signal, detail = hit
            if signal is None:  # an EventBridge rule: only a schedule counts
                s = text.find("ScheduleExpression", m.end(), m.end() + 3000)
                if s < 0:
                    continue
                signal = "model.retrain_scheduled" if "train" in text[m.end() : m.end() + 3000].lower() else "pipeline.scheduled"
                detail = "EventBridge schedule rule"
            self._add_at(signal, rel, text, m.start(), detail, zone=zone)
        if "AWS::CodePipeline::Pipeline" in text and zone == "main":
            self._jobs += ci.codepipeline_cfn(rel, entries or outline(text))
        m = re.search(r"EnableCapture:[ \t]*['\"]?[Tt]rue", text)
        if m:
            self._add_at("serving.prediction_logging", rel, text, m.start(), "SageMaker data capture", zone=zone)

    def _json(self, rel: str, lower: str, text: str, zone: str) -> None:
        if lower == "package.json":
            self._tasks.package_json(rel, text)
            return
        head = text[:4000]
        if '"AWSTemplateFormatVersion"' in head or ('"Resources"' in text and '"AWS::' in text):
            self._cloudformation(rel, text, zone)
        elif "deploymentTemplate.json" in head:
            self.add("deploy.arm", rel, 1, detail="Azure Resource Manager template", zone=zone)
        elif '"Steps"' in text and '"Type": "Training"' in text:
            self.add("pipeline.sagemaker", rel, 1, detail="SageMaker pipeline definition (JSON)", zone=zone)
            self._code("model.trains", rel, text, text.find('"Type": "Training"'), "SageMaker training step", "", zone)
            if '"Type": "RegisterModel"' in text:
                self._add_at("model.registry", rel, text, text.find('"Type": "RegisterModel"'), "SageMaker RegisterModel step", zone=zone)
        elif '"pipelineSpec"' in text or ('"pipelineInfo"' in text and '"deploymentSpec"' in text):
            self.add("pipeline.vertex", rel, 1, detail="Vertex AI / KFP pipeline spec", zone=zone)

    def _codeowners(self, rel: str, lower: str, text: str, zone: str) -> None:
        for n, line in enumerate(text.splitlines(), 1):
            body = line.split("#", 1)[0].split()
            if len(body) >= 2 and any(w.startswith("@") or "@" in w for w in body[1:]):
                self.add("team.codeowners", rel, n, detail="CODEOWNERS names owners", zone=zone)
                return

    def _conda_env(self, rel: str, text: str) -> None:
        section = text.split("dependencies:", 1)[-1]
        specs = [m.group(1) for m in T.ENV_PIN_RE.finditer(section)]
        if specs:
            pinned = sum(1 for s in specs if s == "=" or s == "==")
            self._pin_verdict(rel, pinned, len(specs))

    def _docker(self, rel: str, lower: str, text: str, zone: str) -> None:
        self.add("deploy.container", rel, 1, detail="Dockerfile", zone=zone)
        m = T.DOCKER_HEALTH_RE.search(text)
        if m:
            self._add_at("deploy.healthcheck", rel, text, m.start(), "HEALTHCHECK", zone=zone)

    def _requirements(self, rel: str, lower: str, text: str, zone: str) -> None:
        self.add("deps.declared", rel, detail="requirements file", zone=zone)
        head = text[:2000]
        if "--hash=" in text or "pip-compile" in head or "uv pip compile" in head or "uv export" in head:
            self.add("deps.lockfile", rel, detail="compiled requirements (pip-compile / uv)", zone=zone)
        if lower.endswith(".in"):
            return
        total = pinned = 0
        for raw in text.splitlines():
            line = raw.split("#", 1)[0].strip()
            if not line or line.startswith(("-", "--")):
                continue
            total += 1
            if "==" in line or " @ " in line or "===" in line:
                pinned += 1
        if total:
            self._pin_verdict(rel, pinned, total)

    def _pin_verdict(self, rel: str, pinned: int, total: int) -> None:
        detail = f"{pinned} of {total} pinned to an exact version"
        folder = rel[: rel.rfind("/")] if "/" in rel else ""
        depth = -1 if (folder and zone_of(folder) == "side") else rel.count("/")
        if pinned >= 0.8 * total:
            self._deps.append((depth, "deps.pinned", rel, detail))
        elif total >= 3 and pinned < 0.5 * total:
            self._deps.append((depth, "deps.unpinned", rel, detail))

    def _toml(self, rel: str, lower: str, text: str, zone: str) -> None:
        if lower == "pyproject.toml" and "/" not in rel:
            m = re.search(r"^\[(?:project|tool\.poetry)\][^\[]*?^name\s*=\s*['\"]([A-Za-z0-9_.\-]+)", text, re.MULTILINE | re.DOTALL)
            if m:
                self._declared_package = m.group(1)
            if re.search(r"^addopts[^\n]*--cov", text, re.MULTILINE) or re.search(r"^addopts\s*=\s*\[[^\]]*--cov", text, re.MULTILINE):
                self.add("tests.coverage", rel, detail="pytest addopts --cov")
                self._cov_addopts = True
        for m in T.TOML_TOOL_RE.finditer(text):
            tool = m.group(1)
            self._add_at(T.TOOL_SIGNAL.get(tool, "lint.configured"), rel, text, m.start(), f"[tool.{tool}]", zone=zone)
        self._tasks.toml(rel, text, lower)

    def _ini(self, rel: str, lower: str, text: str, zone: str) -> None:
        if lower == "setup.cfg" and "/" not in rel:
            m = re.search(r"^\[metadata\][^\[]*?^name\s*=\s*([A-Za-z0-9_.\-]+)", text, re.MULTILINE | re.DOTALL)
            if m:
                self._declared_package = self._declared_package or m.group(1)
        if lower in ("tox.ini", "setup.cfg"):
            self._tasks.tox_ini(rel, text)
        if "--cov" in text and re.search(r"^addopts[^\n]*--cov", text, re.MULTILINE):
            self.add("tests.coverage", rel, detail="pytest addopts --cov", zone=zone)
            self._cov_addopts = self._cov_addopts or zone == "main"
        for m in T.INI_SECTION_RE.finditer(text):
            section = m.group(1).split(":")[0] if m.group(1).startswith("coverage") else m.group(1)
            self._add_at(T.TOOL_SIGNAL.get(section, "lint.configured"), rel, text, m.start(), f"[{m.group(1)}]", zone=zone)

    def _terraform(self, rel: str, lower: str, text: str, zone: str) -> None:
        for signal, detail, pattern in T.TF_PATTERNS:
            m = pattern.search(text)
            if m and not in_comment(text, m.start()):
                self._add_at(signal, rel, text, m.start(), f"{detail}: {m.group(0)[:60]}", zone=zone)

    def _script(self, rel: str, lower: str, text: str, zone: str) -> None:
        self._tasks.script(rel, text)

    def _make(self, rel: str, lower: str, text: str, zone: str) -> None:
        self._tasks.makefile(rel, text)

    def _just(self, rel: str, lower: str, text: str, zone: str) -> None:
        self._tasks.justfile(rel, text)

    def _jvm(self, rel: str, lower: str, text: str, zone: str) -> None:
        pos = text.find("deequ")
        if pos >= 0:
            self._add_at("data_validation.deequ", rel, text, pos, "Deequ", zone=zone)

    def _markdown(self, rel: str, lower: str, text: str, zone: str) -> None:
        folder = rel[: rel.rfind("/")] if "/" in rel else ""
        zone = zone_of(folder, doc=True) if folder else "main"
        dot = lower.rfind(".")
        self._doc_name(rel, lower, dot, text)
        is_readme = lower.startswith("readme") and "/" not in rel
        if is_readme and words_in(text, 40) >= 20:
            self.add("docs.readme", rel, 1, detail="README")
            head = text[:3000]
            if head.startswith("---") and ("model-index:" in head or "pipeline_tag:" in head):
                self.add("docs.model_card", rel, 1, detail="Hugging Face model card metadata")
        rst = lower.endswith(".rst")
        if rst or is_readme or _any_heading_signal(text):
            found = raw_headings(text, rst=rst, limit=T.MAX_HEADINGS)
        else:
            found = []  # the common case: no heading names anything we look for
        for i, (pos, body_start, _level, title) in enumerate(found[: T.MAX_HEADINGS]):
            low = title[:200].lower().strip(" :*_`")
            signals = _heading_signals(low) + (_readme_sections(low) if is_readme else ())
            if not signals:
                continue
            new = [sig for sig in signals if (sig, rel) not in self._seen]
            body_end = section_end(found, i, len(text))
            if not new or not has_content(text, body_start, body_end):
                continue
            if any(sig in T.BODY_WORDS for sig in new):
                body = text[body_start:body_end].lower()
                new = [sig for sig in new if sig not in T.BODY_WORDS or any(w in body for w in T.BODY_WORDS[sig])]
                if not new:
                    continue
            line = text.count("\n", 0, pos) + 1
            for signal in new:
                self.add(signal, rel, line, detail=f"section '{title[:80]}'", zone=zone)
            if "docs.security" in new:
                body = text[body_start:body_end].lower()
                if sum(1 for w in T.SECURITY_CONTROL_WORDS if w in body) >= 3:
                    self.add("docs.security_controls", rel, line, detail=f"section '{title[:80]}' covers security controls", zone=zone)
        if ("security" in lower and dot > 0) and (words_in(text, 40) >= 15):
            body = text.lower()
            if sum(1 for w in T.SECURITY_CONTROL_WORDS if w in body) >= 3:
                self.add("docs.security_controls", rel, 1, detail=f"{rel.rsplit('/', 1)[-1]} covers security controls", zone=zone)


def _nothing(rel: str, lower: str, text: str, zone: str) -> None:
    """Files that count by their name alone."""


def _active_ci(rel: str) -> bool:
    """CI files that the CI service reads: at the root (.github/workflows/ only at the root)."""
    if rel.startswith(".github/") or "/" not in rel:
        return True
    return rel.split("/", 1)[0].lower() not in T.SIDE_DIRS and "/.github/" not in f"/{rel}" and zone_of(posixpath.dirname(rel)) == "main"


def _where(text: str, pos: int, cells) -> tuple[int, int | None]:
    if cells is None:
        return text.count("\n", 0, pos) + 1, None
    k = bisect.bisect_right(cells, pos) - 1  # cells count from 1, as people count them
    return text.count("\n", cells[k], pos) + 1, k + 1


def _count_tests(text: str) -> tuple[int, int]:
    """(real, placeholder) test functions: xfail/skip-decorated or empty bodies are placeholders."""
    real = placeholders = 0
    for m in _TEST_DEF_RE.finditer(text):
        before = text[max(0, m.start() - 300) : m.start()]
        decorators = before.rsplit("\n\n", 1)[-1]
        body_start = text.find(":\n", m.end())
        body = text[body_start + 2 : body_start + 400] if body_start >= 0 else ""
        first = next((ln for ln in body.splitlines() if ln.strip() and not ln.strip().startswith(("#", '"""', "'''"))), "")
        if re.search(r"@pytest\.mark\.(?:xfail|skip)\b|@unittest\.skip", decorators) or _PLACEHOLDER_RE.match(first):
            placeholders += 1
        else:
            real += 1
    return real, placeholders


_EVALUATION_STEM_RE = re.compile(r"train|eval|score|metric|valid|test|model|experiment|pipeline|fit|predict|main|run")


def _evaluation_file(lower: str, text: str) -> bool:
    """Splits and metrics count in scripts that train or evaluate, not in any module importing them."""
    return _EVALUATION_STEM_RE.search(lower) is not None or "__main__" in text


_ImportHits = tuple[tuple[str, str], ...]


def _parse_import_line(line: str) -> tuple[tuple[str, ...], tuple[tuple[_ImportHits, str], ...]] | None:
    """What a line holding ``import`` imports: ``(top-level names, entries)``, or None when it is no
    import statement (its first ``import`` is inside a name or a string, or after other code).

    ``entries`` holds, for each module whose top-level name is in the import table or is a test
    runner, ``(hits, top)``, where ``hits`` are the ``(dotted name, signal)`` pairs of the import
    table: ``import a.b as c, d`` gives one entry per module, ``from a.b import c, d`` one entry
    for ``a.b``, ``a.b.c`` and ``a.b.d``.
    """
    pos = line.find("import")
    prefix = line[:pos]
    after = line[pos + 6 : pos + 7]
    if (pos == 0 or prefix.isspace()) and (after == " " or after == "\t"):
        rest = line[pos + 7 :]
        if "," in rest or "#" in rest:  # import a.b as c, d  # comment
            modules = [w[0] for w in (p.split() for p in rest.split("#")[0].split(",")) if w]
        else:
            modules = rest.split(None, 1)[:1]
        tops = tuple(module.partition(".")[0] for module in modules)
        entries = tuple((_hits((module,)), top) for module, top in zip(modules, tops, strict=True) if top in _INTERESTING_TOPS)
        return tops, entries
    if after in (" ", "\t", "(") and prefix.lstrip().startswith("from "):  # from a.b import c
        module = prefix.strip()[5:].strip()
        top = module.partition(".")[0]
        if top not in _INTERESTING_TOPS:
            return (top,), ()
        names = line[pos + 6 :].split("#")[0].strip(" \t()\\").split(",")
        dotted = (module, *(f"{module}.{n.split()[0]}" for n in names if n.split()))
        return (top,), ((_hits(dotted), top),)
    return None


def _hits(dotted: tuple[str, ...]) -> _ImportHits:
    return tuple((name, sig) for name in dotted for sig in _resolve(name))


def _first(text: str, words: Iterable[str]) -> tuple[int, str] | None:
    """The first of ``words`` in ``text`` outside a comment: (position, word)."""
    best = None
    for word in words:
        p = text.find(word)
        while p >= 0 and in_comment(text, p):
            p = text.find(word, p + 1)
        if p >= 0 and (best is None or p < best[0]):
            best = (p, word)
    return best


_CACHED_LINE = 200
"""Import lines up to this length are parsed once per scan process (the same lines recur across files)."""
_import_line = lru_cache(maxsize=8192)(_parse_import_line)


@lru_cache(maxsize=8192)
def _resolve(dotted: str) -> tuple[str, ...]:
    """Signals of an imported dotted name: its longest prefix in the import table."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        hits = T.IMPORTS.get(".".join(parts[:i]))
        if hits is not None:
            return hits
    return ()


def _metric_assert(text: str, max_hits: int = 500) -> tuple[int, str] | None:
    """The first assertion comparing a metric with a number (``assert auc >= 0.8``): (position, line)."""
    for n, m in enumerate(_ASSERT_RE.finditer(text)):
        if n >= max_hits:
            return None
        expr = m.group(1)
        if "len(" in expr or not _NUMBER_CMP_RE.search(expr):
            continue
        if _METRIC_RE.search(expr.lower()):
            return m.start(), m.group(0).strip()[:80]
    return None


def _word_at(text: str, pos: int) -> str:
    """The dotted identifier around ``pos`` (for evidence details)."""
    start, end, low, high = pos, pos, max(0, pos - 80), min(len(text), pos + 80)
    while start > low and (text[start - 1].isalnum() or text[start - 1] in "_."):
        start -= 1
    while end < high and (text[end].isalnum() or text[end] in "_."):
        end += 1
    return text[start:end]


_NO_DIGITS = str.maketrans("", "", "0123456789")


@lru_cache(maxsize=4096)
def _stem_signals(stem: str) -> tuple[str, ...]:
    """Signals named by a document's file name (digits removed, so that names repeat)."""
    return _heading_signals(T.STEM_SEP_RE.sub(" ", stem).strip())


_LOOSE_HEADING_RE = re.compile(r"\n {0,3}#{1,6}[ \t]+([^\n]*)")


def _any_heading_signal(text: str) -> bool:
    """Whether any heading-like line (code blocks included: a superset) names a signal."""
    if "#" not in text:
        return False
    for title in _LOOSE_HEADING_RE.findall("\n" + text):
        if _heading_signals(title.strip().rstrip("#").strip()[:200].lower().strip(" :*_`")):
            return True
    return False


@lru_cache(maxsize=4096)
def _heading_signals(title: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(T.DOC_GROUP[m.lastgroup] for m in T.DOC_RE.finditer(title)))


@lru_cache(maxsize=1024)
def _readme_sections(title: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f"docs.readme_sections.{m.lastgroup}" for m in T.README_RE.finditer(title)))


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


__all__ = ["Detectors", "ScanProblem", "classify", "zone_of"]
