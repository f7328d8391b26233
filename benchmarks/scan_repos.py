"""Find the evaluation set's repositories on this machine and give each a work tree to scan.

The labels (``benchmarks/scan_eval/<owner>__<name>.yaml``) name a repository and a commit; the
code itself is never kept in this project. A repository is found as a git snapshot (bare, or a
clone with a work tree) under a mirror folder, one folder per repository named ``owner+name``
(how the snapshots of public repositories land on the development machines, in
``/work/.mirror/<owner>+<name>/repo``), or as a plain checkout under ``--repos DIR`` named
``owner__name``.

A work tree is written from the snapshot into a cache folder (``$TMPDIR/readiness-scan-eval``)
without touching the snapshot: ``git ls-tree`` lists the labelled commit, ``git cat-file
--batch`` streams its blobs. Blobs a snapshot lacks (large files) are skipped and counted;
submodules become empty folders; symbolic links stay links.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MIRROR = Path(os.environ.get("READINESS_SCAN_MIRROR", "/work/.mirror"))
CACHE = Path(os.environ.get("READINESS_SCAN_CACHE", Path(tempfile.gettempdir()) / "readiness-scan-eval"))


@dataclass
class Tree:
    repository: str
    commit: str
    path: Path
    missing_blobs: int = 0
    note: str = ""


def git_dir(repository: str, mirror: Path = DEFAULT_MIRROR) -> Path | None:
    """The git directory of ``owner/name``'s snapshot under ``mirror``, or None."""
    base = mirror / repository.replace("/", "+")
    for candidate in (base / "repo" / ".git", base / "repo", base / ".git", base):
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    return None


def _git(gdir: Path, *args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(["git", f"--git-dir={gdir}", *args], capture_output=True, check=False, **kw)


def has_commit(gdir: Path, commit: str) -> bool:
    return _git(gdir, "cat-file", "-e", f"{commit}^{{commit}}").returncode == 0


def checkout(repository: str, commit: str, *, mirror: Path = DEFAULT_MIRROR, repos: Path | None = None,
             cache: Path = CACHE) -> Tree | None:
    """A work tree of ``repository`` at ``commit``, or None when it is not on this machine."""
    if repos is not None:
        plain = repos / repository.replace("/", "__")
        if plain.is_dir():
            return Tree(repository, commit, plain, note="plain checkout (commit not checked)")
    gdir = git_dir(repository, mirror)
    if gdir is None:
        return None
    if not has_commit(gdir, commit):
        return Tree(repository, commit, Path(), note=f"snapshot in {gdir} lacks commit {commit[:12]}")
    target = cache / f"{repository.replace('/', '__')}@{commit[:12]}"
    done = target.with_name(target.name + ".done")
    if target.is_dir() and done.is_file():
        return Tree(repository, commit, target, int(done.read_text() or 0))
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    missing = _write_tree(gdir, commit, target)
    done.write_text(str(missing))
    return Tree(repository, commit, target, missing)


def _write_tree(gdir: Path, commit: str, target: Path) -> int:
    listing = _git(gdir, "ls-tree", "-r", "-z", "--full-tree", commit)
    if listing.returncode:
        raise RuntimeError(f"git ls-tree {commit} in {gdir}: {listing.stderr.decode(errors='replace')}")
    entries = []
    for item in listing.stdout.split(b"\0"):
        if not item:
            continue
        meta, _, name = item.partition(b"\t")
        mode, kind, sha = meta.split()
        rel = os.fsdecode(name)
        if rel.startswith("/") or ".." in rel.split("/"):
            continue  # never write outside the target
        entries.append((mode.decode(), kind.decode(), sha.decode(), rel))
    blobs = [e for e in entries if e[1] == "blob"]
    for _mode, kind, _sha, rel in entries:
        if kind == "commit":  # a submodule: an empty folder, as a clone without --recursive has
            (target / rel).mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(["git", f"--git-dir={gdir}", "cat-file", "--batch"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE)
    if proc.stdin is None or proc.stdout is None:  # pragma: no cover - Popen with PIPE always gives both
        raise RuntimeError("git cat-file: no pipes")
    missing = 0
    for mode, _kind, sha, rel in blobs:
        proc.stdin.write(sha.encode() + b"\n")
        proc.stdin.flush()
        header = proc.stdout.readline().split()
        if len(header) < 3 or header[1] == b"missing":
            missing += 1
            continue
        data = proc.stdout.read(int(header[2]))
        proc.stdout.read(1)  # the newline after the content
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if mode == "120000":
            try:
                os.symlink(os.fsdecode(data), path)
            except OSError:
                missing += 1
            continue
        path.write_bytes(data)
        if mode == "100755":
            path.chmod(0o755)
    proc.stdin.close()
    proc.wait()
    return missing
