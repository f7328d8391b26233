"""Benchmark the evidence scan against a bare ``os.walk`` that reads the same files.

Generates a tree of N files (default 20,000: Python sources, Markdown, YAML, notebooks, TOML,
requirements, plus data files that neither side reads) in a temporary folder, then times, in
the same run and alternating to share the machine's noise:

* baseline A: ``os.walk`` + ``open(path, "rb").read()`` of every file in the tree;
* baseline B: the same, but only of the files the scanner reads (same classification, same
  skipped folders) - a stricter yardstick, since the scanner saves time by not reading data files;
* scan: :func:`readiness_widgets.evidence.scan_folder` (walk, .gitignore, detectors, notebooks).

Prints files per second and the ratios scan / A and scan / B (target <= 2). Not a test.

    python benchmarks/bench_scan.py            # 20,000 files, 5 rounds
    python benchmarks/bench_scan.py --files 5000 --rounds 3
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from readiness_widgets.evidence import scan_folder
from readiness_widgets.evidence.detectors import classify
from readiness_widgets.evidence.walker import SKIP_DIRS

LIBS = ["os", "sys", "json", "numpy as np", "pandas as pd", "re", "logging", "typing", "pathlib", "dataclasses",
        "collections", "itertools", "functools", "mlflow", "sklearn.preprocessing", "torch", "requests", "yaml"]
WORDS = ["data", "model", "frame", "value", "result", "config", "path", "items", "train", "score", "batch", "feature", "label", "index"]
GITIGNORE = "__pycache__/\n*.py[cod]\n*.so\nbuild/\ndist/\n*.egg-info/\n.env\n.venv\nvenv/\ndata/raw/\n*.log\nmlruns/\n.ipynb_checkpoints\n/secrets.yaml\n"


def _py(rng: random.Random) -> str:
    lines = ['"""Module docstring."""', ""]
    lines += [f"import {lib}" for lib in rng.sample(LIBS, rng.randint(2, 6))]
    if rng.random() < 0.2:
        lines.append("from sklearn.model_selection import train_test_split")
    lines.append("")
    for f in range(rng.randint(2, 8)):
        lines.append(f"def {rng.choice(WORDS)}_{f}({rng.choice(WORDS)}, {rng.choice(WORDS)}=None):")
        lines.append(f'    """{" ".join(rng.choices(WORDS, k=8))}."""')
        for _ in range(rng.randint(3, 10)):
            lines.append(f"    {rng.choice(WORDS)} = {rng.choice(WORDS)}.{rng.choice(WORDS)}({rng.choice(WORDS)}, {rng.randint(0, 99)})")
        lines.append(f"    return {rng.choice(WORDS)}")
        lines.append("")
    if rng.random() < 0.1:
        lines.append("random_state = 42")
    return "\n".join(lines) + "\n"


def _md(rng: random.Random) -> str:
    out = [f"# {rng.choice(WORDS).title()} {rng.choice(WORDS)}", ""]
    for _ in range(rng.randint(2, 6)):
        out += [f"## {rng.choice(['Usage', 'Overview', 'Details', 'Monitoring', 'Notes', 'Setup'])}", ""]
        out += [" ".join(rng.choices(WORDS, k=rng.randint(20, 60))), ""]
    return "\n".join(out)


def _yaml(rng: random.Random) -> str:
    return "\n".join(f"{rng.choice(WORDS)}_{i}:\n  {rng.choice(WORDS)}: {rng.randint(0, 999)}\n  enabled: true" for i in range(rng.randint(3, 15))) + "\n"


def _ipynb(rng: random.Random) -> str:
    cells = []
    for i in range(rng.randint(4, 14)):
        if i % 3 == 0:
            cells.append({"cell_type": "markdown", "metadata": {}, "source": [f"## Step {i}\n", " ".join(rng.choices(WORDS, k=12))]})
        else:
            src = _py(rng).splitlines(keepends=True)[: rng.randint(3, 12)]
            cells.append({"cell_type": "code", "execution_count": i, "metadata": {}, "outputs": [
                {"output_type": "stream", "name": "stdout", "text": [f"{rng.random()}\n"]}], "source": src})
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "python3"}}, "cells": cells}, indent=1)


KINDS = [  # (weight, suffix, generator)
    (55, ".py", _py), (14, ".md", _md), (10, ".yaml", _yaml), (5, ".ipynb", _ipynb),
    (3, ".toml", lambda r: "[tool.ruff]\nline-length = 100\n"), (3, ".txt", lambda r: "pandas==2.2\nnumpy>=1.26\n"),
    (10, ".csv", lambda r: "a,b,c\n" + "1,2,3\n" * r.randint(5, 50)),
]


def generate(root: Path, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    weights = [k[0] for k in KINDS]
    (root / ".gitignore").write_text(GITIGNORE)
    dirs = [root / f"pkg{a}" / f"sub{b}" for a in range(20) for b in range(25)]  # 500 folders, depth 2
    for d in dirs:
        d.mkdir(parents=True, exist_ok=True)
    for i in range(n - 1):
        _, suffix, make = rng.choices(KINDS, weights=weights)[0]
        name = f"requirements_{i}{suffix}" if suffix == ".txt" else f"file_{i}{suffix}"
        (dirs[i % len(dirs)] / name).write_text(make(rng), encoding="utf-8")


def baseline(root: Path, only_scanned: bool = False) -> tuple[int, int]:
    """A bare os.walk reading files: every file of the tree, or only those the scanner reads."""
    files = nbytes = 0
    for folder, dirnames, filenames in os.walk(root):
        if only_scanned:
            dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
            rel = os.path.relpath(folder, root)
        for name in filenames:
            if only_scanned and classify(name.lower(), f"{rel}/{name}") is None:
                continue
            with open(os.path.join(folder, name), "rb") as fh:
                nbytes += len(fh.read())
            files += 1
    return files, nbytes


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=20_000)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-scan-") as tmp:
        root = Path(tmp)
        t = time.perf_counter()
        generate(root, args.files)
        print(f"generated {args.files} files in {time.perf_counter() - t:.1f} s under {root}")
        baseline(root)
        scan_folder(root)  # warm the page cache and imports
        times: dict[str, list[float]] = {"all": [], "same": [], "scan": []}
        for _ in range(args.rounds):  # alternate, so that the machine's noise hits all three alike
            t = time.perf_counter()
            files_all, bytes_all = baseline(root)
            times["all"].append(time.perf_counter() - t)
            t = time.perf_counter()
            files_same, bytes_same = baseline(root, only_scanned=True)
            times["same"].append(time.perf_counter() - t)
            t = time.perf_counter()
            findings = scan_folder(root)
            times["scan"].append(time.perf_counter() - t)
        s = findings.stats
        med = {k: statistics.median(v) for k, v in times.items()}
        sc = med["scan"]
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus, {args.rounds} rounds, medians")
        print(f"baseline A, os.walk + read every file:       {files_all} files, {bytes_all / 1e6:.1f} MB, "
              f"{med['all']:.3f} s ({files_all / med['all']:,.0f} files/s)")
        print(f"baseline B, os.walk + read the scanned files: {files_same} files, {bytes_same / 1e6:.1f} MB, "
              f"{med['same']:.3f} s ({files_same / med['same']:,.0f} files/s)")
        print(f"scan_folder: {s.files_seen} files seen, {s.files_read} read, {s.bytes_read / 1e6:.1f} MB, "
              f"{s.notebooks_parsed} notebooks parsed, {len(findings.signals)} signals, {sc:.3f} s "
              f"({s.files_seen / sc:,.0f} files/s)")
        print(f"ratio scan / A (every file): {sc / med['all']:.2f}   (target <= 2)")
        print(f"ratio scan / B (same files): {sc / med['same']:.2f}   (stricter: B reads only what the scan reads)")
        if files_same != s.files_read:
            print(f"note: baseline B read {files_same} files, the scan read {s.files_read}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
