"""The form inside a real kernel (nbclient): autosave and refresh run on the kernel's event loop."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parent.parent
MINI = Path(__file__).parent / "banks" / "mini.yaml"


@pytest.mark.notebook
def test_autosave_runs_on_the_kernel_loop_without_flush(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    cells = [
        f"""import asyncio, json, threading
import readiness_widgets as rw
app = rw.assess("k.json", bank={str(MINI)!r})
threads = threading.active_count()
app.question("data.a").level.value = 3
print(threading.active_count() - threads, app.header.status_text)""",
        # yield to the kernel's loop (a blocking sleep would not let the debounced save run)
        "await asyncio.sleep(2.5)\nprint(app.header.status_text)",
        "%load_ext readiness_widgets\nsame = %readiness k.json\nprint(same is app)",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nbclient.NotebookClient(nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    out = ["".join(o.get("text", "") for o in c.outputs) for c in nb.cells]
    assert out[0].startswith("0 unsaved changes")  # scheduled on the kernel's loop: no timer thread
    assert out[1].startswith("saved ")
    assert out[2].strip() == "True"
    assert json.loads((tmp_path / "k.json").read_text())["answers"]["data.a"]["value"] == 3
