"""Every notebook in notebooks/ and dashboards/ runs top to bottom with nbclient, offline.

Each notebook runs in a temporary copy of its folder (so nothing is written into the repository),
with the repository on PYTHONPATH and HTTP(S) proxies pointed at a closed local port, so that a
notebook that tried to fetch something from the network would fail.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("notebooks", "dashboards")
NOTEBOOKS = sorted(p for folder in FOLDERS for p in (ROOT / folder).glob("*.ipynb"))
TIMEOUT = 120
CLOSED_PORT = "http://127.0.0.1:9"

# files a notebook must leave behind, and what they must hold
PRODUCES = {
    "notebooks/01_self_assessment.ipynb": {"demo.json": lambda d: d["pilot"] and d["answers"]},
    "notebooks/02_custom_bank.ipynb": {
        "acme_pilot.json": lambda d: d["bank"]["id"] == "acme" and d["answers"]["data.pii_masking"]["value"] == 3
    },
    "notebooks/03_results_in_pandas.ipynb": {"demo.json": lambda d: d["answers"]},
}


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_the_example_notebooks_exist():
    names = {p.name for p in NOTEBOOKS}
    assert {"01_self_assessment.ipynb", "02_custom_bank.ipynb", "03_results_in_pandas.ipynb"} <= names


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.parent.name == "notebooks"], ids=_rel)
def test_committed_notebooks_have_no_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{_rel(path)}: clear the outputs before committing"
            assert cell.execution_count is None


@pytest.mark.notebook
@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=_rel)
def test_notebook_runs(path, tmp_path, monkeypatch):
    work = tmp_path / path.parent.name
    shutil.copytree(path.parent, work, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    monkeypatch.setenv("PYTHONPATH", f"{ROOT}")
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(var, CLOSED_PORT)
    for var in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(var, raising=False)
    nb = nbformat.read(work / path.name, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        timeout=TIMEOUT,
        startup_timeout=60,
        kernel_name="python3",
        resources={"metadata": {"path": str(work)}},
    )
    client.execute()  # raises CellExecutionError, naming the cell, on any error
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    for name, check in PRODUCES.get(_rel(path), {}).items():
        data = json.loads((work / name).read_text(encoding="utf-8"))
        assert check(data), f"{_rel(path)} left {name} without the expected content"
