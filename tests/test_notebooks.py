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
    "notebooks/01_self_assessment.ipynb": {
        "output/demo.json": lambda d: d["answers"]["model.robustness"]["value"] == 2
    },
    "notebooks/02_custom_bank.ipynb": {
        "output/acme_pilot.json": lambda d: d["bank"]["id"] == "acme" and d["answers"]["data.pii_masking"]["value"] == 3
    },
    "notebooks/03_results_in_pandas.ipynb": {"output/history-later.json": lambda d: d["answers"]},
}
IGNORED_OUTPUT = "notebooks/output/"  # where the example notebooks write, in .gitignore


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


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _run(path: Path, work: Path) -> None:
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


def test_the_example_notebooks_write_into_an_ignored_folder():
    assert IGNORED_OUTPUT in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    for name, produced in PRODUCES.items():
        if name.startswith("notebooks/"):
            assert all(f.startswith("output/") for f in produced), name


@pytest.mark.notebook
@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=_rel)
def test_notebook_runs(path, tmp_path, monkeypatch):
    """Each notebook runs; an example notebook run again (Run All in a new kernel) leaves every
    file exactly as the first run left it, and writes nothing outside its output folder."""
    work = tmp_path / path.parent.name
    shutil.copytree(path.parent, work, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "output"))
    monkeypatch.setenv("PYTHONPATH", f"{ROOT}")
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(var, CLOSED_PORT)
    for var in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(var, raising=False)
    before = _files(work)
    _run(path, work)
    for name, check in PRODUCES.get(_rel(path), {}).items():
        data = json.loads((work / name).read_text(encoding="utf-8"))
        assert check(data), f"{_rel(path)} left {name} without the expected content"
    if path.parent.name != "notebooks":
        return
    first = _files(work)
    assert {k: v for k, v in first.items() if not k.startswith("output/")} == before  # only output/ written
    _run(path, work)
    assert _files(work) == first, f"{_rel(path)} changed its files when run again"
