"""Walk a project folder safely: bounded, .gitignore-aware, never following symbolic links.

The walker decides *what* to read (by file name, through a ``classify`` function) and reads
each chosen file once, as bytes, up to a budget. It never imports, executes or opens anything
that is not a regular file, and it reports every problem as a :class:`ScanProblem` instead of
raising.
"""

from __future__ import annotations

import errno
import itertools
import operator
import os
import re
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..storage import FileReadError, read_regular_file
from .model import ScanLimits, ScanProblem, ScanProgress, ScanStats
from .text import looks_binary

# Folders never entered: version control, environments, caches and build outputs.
SKIP_DIRS = {
    ".git": "vcs", ".hg": "vcs", ".svn": "vcs", ".bzr": "vcs", ".jj": "vcs",
    "node_modules": "node_modules", "bower_components": "node_modules",
    "__pycache__": "cache", ".mypy_cache": "cache", ".pytest_cache": "cache", ".ruff_cache": "cache",
    ".hypothesis": "cache", ".ipynb_checkpoints": "cache", ".cache": "cache", ".eggs": "cache",
    ".tox": "virtualenv", ".nox": "virtualenv", ".venv": "virtualenv", "venv": "virtualenv",
    ".conda": "virtualenv", "site-packages": "virtualenv", ".terraform": "cache",
    ".gradle": "cache", ".idea": "editor", ".vscode": "editor",
}
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_BY_FD = os.open in os.supports_dir_fd and os.scandir in os.supports_fd and hasattr(os, "O_DIRECTORY")
"""Folders are listed through a descriptor and their files opened relative to it (``openat``),
where the platform allows: each file's path is not resolved from the root again."""
_PROBLEM_CAP = 100  # problems kept per kind (all are counted)
_MAX_IGNORE_LINES = 5000
_MAX_DIRS_PER_FOLDER = 10_000  # entries listed beyond the file budget (folders do not count as files)
_name = operator.attrgetter("name")


_ANY_DIRS = "^(?:.+/)?"  # how pathspec starts a pattern that may match at any depth


@dataclass(frozen=True)
class _Ignore:
    """One ignore file: patterns relative to ``base`` (a folder relative to the root).

    pathspec decides; two combined regexes rule out most paths first: one over the base name for
    patterns without a slash (``*.pyc``, ``build/``), one over the whole path for the others.
    """

    base: str
    names: re.Pattern | None
    paths: re.Pattern | None
    spec: Any  # pathspec.GitIgnoreSpec

    @classmethod
    def from_lines(cls, base: str, lines: Iterable[str]) -> _Ignore | None:
        import pathspec

        spec = pathspec.GitIgnoreSpec.from_lines(list(lines))
        by_name, by_path = [], []
        for p in spec.patterns:
            if getattr(p, "include", None) is None or getattr(p, "regex", None) is None:
                continue
            regex = p.regex.pattern.replace("(?P<ps_d>", "(?:")
            rest = regex[len(_ANY_DIRS) :]
            if regex.startswith(_ANY_DIRS) and "/" not in rest.replace("[^/]", "").replace("(?:/)", ""):
                by_name.append("^" + rest)
            else:
                by_path.append(regex)
        if not by_name and not by_path:
            return None
        return cls(base, _combine(by_name), _combine(by_path), spec)

    def decide(self, rel: str, is_dir: bool, name: str = "") -> bool | None:
        """True (ignored), False (re-included by a ``!pattern``) or None (no pattern matches).

        ``rel`` is relative to the scanned folder; ``name``, its last part, saves finding it.
        """
        if not name:
            name = rel[rel.rfind("/") + 1 :]
        if is_dir:
            name += "/"
        if self.names is None or self.names.match(name) is None:
            if self.paths is None:
                return None
            sub = rel[len(self.base) + 1 :] if self.base else rel
            if is_dir:
                sub += "/"
            if self.paths.match(sub) is None:
                return None
            return self.spec.check_file(sub).include
        sub = rel[len(self.base) + 1 :] if self.base else rel
        return self.spec.check_file(sub + "/" if is_dir else sub).include


def _combine(regexes: list[str]) -> re.Pattern | None:
    if not regexes:
        return None
    try:
        return re.compile("|".join(f"(?:{r})" for r in regexes))
    except re.error:
        return re.compile("")  # matches everything: pathspec decides every path


class Walker:
    """Iterate over the files of ``root``; see :meth:`files`.

    ``classify(lower_name, rel)`` returns a kind (a string) for files worth reading, or None.
    ``on_dir(rel, lower_name)`` may return False to keep the walker out of a folder.
    """

    def __init__(
        self,
        root: str | Path,
        *,
        classify: Callable[[str, str], str | None],
        limits: ScanLimits | None = None,
        gitignore: bool = True,
        exclude: Iterable[str] = (),
        on_dir: Callable[[str, str], bool] | None = None,
        progress: Callable[[ScanProgress], Any] | None = None,
        progress_interval: float = 0.1,
        cancel: Any = None,
    ):
        self.root = Path(root).resolve(strict=True)
        if not self.root.is_dir():
            raise NotADirectoryError(f"{self.root} is not a folder")
        self.classify = classify
        self.limits = limits or ScanLimits()
        self.gitignore = gitignore
        self.exclude = _Ignore.from_lines("", exclude) if exclude else None
        self.on_dir = on_dir
        self.progress = progress
        self.progress_interval = progress_interval
        self.cancel = cancel
        self.stats = ScanStats()
        self.problems: list[ScanProblem] = []
        self.problem_counts: dict[str, int] = {}
        self._t0 = 0.0
        self._last_progress = 0.0
        self._stopped = False

    # ---- problems -------------------------------------------------------------------------
    def problem(self, kind: str, rel: str, detail: str = "") -> None:
        n = self.problem_counts.get(kind, 0)
        self.problem_counts[kind] = n + 1
        if n < _PROBLEM_CAP:
            self.problems.append(ScanProblem(kind, rel or ".", detail))

    def _stop(self, kind: str, rel: str, detail: str) -> None:
        if not self._stopped:
            self._stopped = True
            self.problem(kind, rel, detail)

    def _check_bounds(self, rel: str) -> bool:
        now = time.monotonic()
        elapsed = now - self._t0
        if self.limits.timeout is not None and elapsed > self.limits.timeout:
            self._stop("timeout", rel, f"stopped after {self.limits.timeout:g} s; the results are partial")
        elif self.cancel is not None and self.cancel.is_set():
            self._stop("cancelled", rel, "the scan was cancelled; the results are partial")
        if self.progress is not None and now - self._last_progress >= self.progress_interval:
            self._last_progress = now
            self._report(rel, elapsed)
        return not self._stopped

    def _report(self, rel: str, elapsed: float, done: bool = False) -> None:
        s = self.stats
        self.progress(ScanProgress(s.files_seen, s.files_read, s.bytes_read, s.dirs_seen, elapsed, rel, done))

    # ---- walking --------------------------------------------------------------------------
    def files(self) -> Iterator[tuple[str, str, str | None, bytes | None]]:
        """Yield ``(relative posix path, lower-case name, kind, bytes or None)`` per file."""
        self._t0 = self._last_progress = time.monotonic()
        root = str(self.root)
        ignores: tuple[_Ignore, ...] = ()
        if self.gitignore:
            exclude = self._read_ignore(os.path.join(root, ".git", "info", "exclude"), "", ".git/info/exclude")
            if exclude is not None:
                ignores = (exclude,)
        stack: list[tuple[str, str, int, tuple[_Ignore, ...]]] = [(root, "", 0, ignores)]
        try:
            while stack and not self._stopped:
                yield from self._directory(*stack.pop(), stack)
        finally:
            self.stats.elapsed = time.monotonic() - self._t0
            if self.progress is not None:
                self._report("", self.stats.elapsed, done=True)

    def _directory(self, path: str, rel: str, depth: int, ignores: tuple[_Ignore, ...], stack: list):
        stats, limits = self.stats, self.limits
        listed = self._list(path, rel)
        if listed is None:
            return
        dir_fd, entries = listed
        try:  # files are opened relative to the folder's descriptor: no path is resolved twice
            stats.dirs_seen += 1
            names = {e.name for e in entries}
            if rel and ("pyvenv.cfg" in names or "conda-meta" in names):
                stats.skip("virtualenv")
                return
            if self.gitignore and ".gitignore" in names:
                spec = self._read_ignore(os.path.join(path, ".gitignore"), rel, f"{rel}/.gitignore" if rel else ".gitignore")
                if spec is not None:
                    ignores = (*ignores, spec)
            subdirs = []
            prefix = rel + "/" if rel else ""
            check_ignored = bool(ignores) or self.exclude is not None
            classify, read, max_files = self.classify, self._read, limits.max_files
            for entry in entries:
                name = entry.name
                child = prefix + name
                try:  # the common case first: a regular file (never a symbolic link with follow_symlinks=False)
                    is_file = entry.is_file(follow_symlinks=False)
                    is_dir = not is_file and entry.is_dir(follow_symlinks=False)
                    if not is_file and not is_dir and entry.is_symlink():
                        self._symlink(os.path.join(path, name), child)
                        continue
                except OSError as exc:
                    self.problem("unreadable", child, exc.strerror or str(exc))
                    continue
                if is_dir:
                    reason = SKIP_DIRS.get(name)
                    if reason is None and name.endswith(".egg-info"):
                        reason = "cache"
                    if reason is not None:
                        stats.skip(reason)
                    elif self._ignored(child, ignores, True, name):
                        stats.skip("gitignored")
                    elif self.on_dir is not None and self.on_dir(child, name.lower()) is False:
                        stats.skip("by_detector")
                    elif depth + 1 > limits.max_depth:
                        self.problem("too_deep", child, f"deeper than max_depth={limits.max_depth}; not entered")
                    else:
                        subdirs.append((os.path.join(path, name), child, depth + 1, ignores))
                    continue
                if not is_file:
                    stats.skip("special_file")
                    continue
                seen = stats.files_seen = stats.files_seen + 1
                if seen > max_files:
                    stats.files_seen -= 1
                    self._stop("max_files", child, f"stopped after max_files={max_files}; the results are partial")
                    return
                if (seen & 63) == 0 and not self._check_bounds(child):
                    return
                if check_ignored and self._ignored(child, ignores, False, name):
                    stats.skip("gitignored")
                    continue
                lower = name.lower()
                kind = classify(lower, child)
                if kind is None:
                    yield child, lower, None, None
                    continue
                data = read(entry.path, dir_fd, child, kind)  # entry.path: the name alone when listed by descriptor
                if self._stopped:
                    return
                yield child, lower, kind, data
            stack.extend(reversed(subdirs))
        finally:
            if dir_fd is not None:
                os.close(dir_fd)

    def _list(self, path: str, rel: str) -> tuple[int | None, list[os.DirEntry]] | None:
        """The folder's entries sorted by name, with a descriptor of the folder (None where the
        platform cannot open files relative to one), or None when it cannot be read (reported)."""
        budget = self.limits.max_files - self.stats.files_seen + 1  # a folder of millions of entries is not listed whole
        dir_fd = None
        try:
            if _BY_FD:
                dir_fd = os.open(path, _DIR_FLAGS)  # never through a link (swapped in after the parent was listed)
            with os.scandir(path if dir_fd is None else dir_fd) as it:
                return dir_fd, sorted(itertools.islice(it, budget + _MAX_DIRS_PER_FOLDER), key=_name)
        except OSError as exc:
            if dir_fd is not None:
                os.close(dir_fd)
            self.problem("unreadable", rel, exc.strerror or str(exc))
            return None

    def _ignored(self, rel: str, ignores: tuple[_Ignore, ...], is_dir: bool, name: str) -> bool:
        if self.exclude is not None and self.exclude.decide(rel, is_dir, name):
            return True
        for ignore in reversed(ignores):  # the deepest .gitignore decides first, as in git
            decision = ignore.decide(rel, is_dir, name)
            if decision is not None:
                return decision
        return False

    def _read_ignore(self, path: str, base: str, rel: str) -> _Ignore | None:
        try:  # a regular file only: a FIFO named .gitignore must not hang the scan
            raw = read_regular_file(path, self.limits.max_bytes_per_file, truncate=True)
        except FileReadError as exc:
            if exc.errno != errno.ENOENT:
                self.problem("unreadable", rel, exc.reason)
            return None
        lines = raw.decode("utf-8", "replace").splitlines()
        if len(lines) > _MAX_IGNORE_LINES:
            self.problem("huge_file", rel, f"{len(lines)} patterns; only the first {_MAX_IGNORE_LINES} are used")
            lines = lines[:_MAX_IGNORE_LINES]
        try:
            return _Ignore.from_lines(base, lines)
        except Exception as exc:  # a malformed pattern must not stop the scan
            self.problem("unreadable", rel, f"ignored: {exc}")
            return None

    def _symlink(self, path: str, rel: str) -> None:
        """Classify a symbolic link without following it."""
        try:
            st = os.stat(path)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                self.problem("symlink_loop", rel, "the link resolves to itself; not followed")
            else:
                self.stats.skip("broken_symlink")
            return
        real = os.path.realpath(path)
        root = str(self.root)
        if real != root and not real.startswith(root + os.sep):
            self.problem("symlink_outside", rel, "points outside the scanned folder; not followed")
        elif stat.S_ISDIR(st.st_mode):
            link_dir = os.path.dirname(os.path.join(root, rel))
            if real in (link_dir, root) or link_dir.startswith(real + os.sep):
                self.problem("symlink_loop", rel, "points at a folder that contains it; not followed")
            else:
                self.stats.skip("symlink")
        else:
            self.stats.skip("symlink")

    def _read(self, path: str, dir_fd: int | None, rel: str, kind: str) -> bytes | None:
        limits, stats = self.limits, self.stats
        try:
            fd = os.open(path, _READ_FLAGS, dir_fd=dir_fd)
        except OSError as exc:
            self.problem("unreadable", rel, exc.strerror or str(exc))
            return None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                stats.skip("special_file")
                return None
            want = size = st.st_size
            if size > limits.max_bytes_per_file:
                if kind == "ipynb":
                    if size > limits.max_notebook_bytes:
                        self.problem("huge_file", rel, f"{_human(size)} notebook; skipped (max_notebook_bytes={_human(limits.max_notebook_bytes)})")
                        return None
                else:
                    want = limits.max_bytes_per_file
                    self.problem("huge_file", rel, f"{_human(size)}; read the first {_human(want)} only")
            if stats.bytes_read + want > limits.max_total_bytes:
                self._stop("max_total_bytes", rel, f"read {_human(stats.bytes_read)}; max_total_bytes reached, the results are partial")
                return None
            data = os.read(fd, want)
            if len(data) < want:  # a short read (rare for regular files): read on to the end or EOF
                chunks = [data]
                got = len(data)
                while got < want:
                    chunk = os.read(fd, want - got)
                    if not chunk:
                        break
                    chunks.append(chunk)
                    got += len(chunk)
                data = b"".join(chunks)
        except OSError as exc:
            self.problem("unreadable", rel, exc.strerror or str(exc))
            return None
        finally:
            os.close(fd)
        stats.files_read += 1
        stats.bytes_read += len(data)
        if looks_binary(data):  # UTF-16/32 text (with or without a BOM) is text
            self.problem("binary_file", rel, "holds NUL bytes; not read as text")
            return None
        return data


def _human(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TiB"  # pragma: no cover
