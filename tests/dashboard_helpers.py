"""What the dashboard, folder, launcher and demo tests share: the demo file names, a page as
a browser sees it once painted, and small readers of widget HTML and chart specs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("anywidget")

import ipywidgets as w
from frontend import browser_custom

from readiness_widgets.charts import plotly_text
from readiness_widgets.demo import demo_folder
from readiness_widgets.serve import voila_command
from readiness_widgets.widgets.dashboard import Dashboard
from readiness_widgets.widgets.dashboard import dashboard as first_paint
from readiness_widgets.widgets.download import DownloadButton


def dashboard(*args, **kwargs):
    """The page as a browser sees it once painted (below-the-fold parts follow the first paint)."""
    page = first_paint(*args, **kwargs)
    if isinstance(page, Dashboard):
        browser_custom(page.location, {"type": "painted"})
    return page


TESTS = Path(__file__).parent
ROOT = TESTS.parent
MINI = TESTS / "banks" / "mini.yaml"
COMMITTED_DEMO = ROOT / "dashboards" / "assessments"
TEMPLATE_DIR = ROOT / "readiness_widgets" / "voila_config" / "jupyter" / "voila" / "templates" / "readiness"
EARLY = "churn-predictor-2026-09.json"
LATE = "churn-predictor-2026-11.json"
ASSISTANT = "support-reply-assistant.json"
DEMO_FILES = [EARLY, LATE, ASSISTANT]
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
JS_LINK = "javascript:alert(1)"


def walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def html_widgets(widget) -> list[w.HTML]:
    return [x for x in walk(widget) if isinstance(x, w.HTML)]


def _walk(widget):
    """A widget and every widget inside it."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def as_figure(spec: dict):
    """The dashboard's figure JSON as a ``go.Figure``: Plotly validates every property on the way."""
    import plotly.graph_objects as go

    return go.Figure(spec)


def trace(figure, name: str):
    (found,) = [t for t in as_figure(figure).data if t.name == name]
    return found


def radar_by_title(figure, name: str) -> dict[str, float]:
    """A radar trace as {dimension title: value} (the closing point dropped; labels unwrapped)."""
    t = trace(figure, name)
    titles = [label.replace("<br>", " ").removesuffix(" (no data)") for label in list(t.theta)[:-1]]
    return dict(zip(titles, list(t.r)[:-1], strict=True))


def engine_radar(scores) -> dict[str, float]:
    dims = scores.dimensions
    return {plotly_text(dims.at[d, "title"]): round(float(dims.at[d, "score"]), 3) for d in dims.index}


def assessment_doc(name: str = LATE) -> dict:
    return json.loads((demo_folder() / name).read_text(encoding="utf-8"))


def write_doc(path: Path, doc: dict) -> Path:
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return path


def buttons(d: Dashboard) -> dict[str, DownloadButton]:
    return {b.description: b for b in d.downloads.children}


def _voila_as_launched(page: str, port: int = 8866):
    """The real Voila application, configured from the command line we build (no server started)."""
    pytest.importorskip("voila")
    from voila.configuration import VoilaConfiguration

    from readiness_widgets.voila_app import ReadinessVoila

    cmd = voila_command(page, port=port)
    app = ReadinessVoila()
    app.parse_command_line(cmd[3:])
    app.load_config_file("voila", path=app.config_file_paths)  # what Voila.initialize does next
    return app, VoilaConfiguration(parent=app)


def _preheated(page: str) -> bool:
    """Whether Voila preheats kernels for ``page`` as ``readiness dashboard`` serves it.

    We serve one notebook, and for one notebook Voila fills its kernel pool without looking at
    ``preheat_denylist`` (``voila_kernel_manager.py``): only ``preheat_kernel`` counts.
    """
    _app, config = _voila_as_launched(page)
    return bool(config.preheat_kernel)


def _removed_by_replace(template: str) -> list[str]:
    return re.findall(r"replace\(\s*'([^']*)'\s*,\s*''\s*\)", template)


REGENERATE = (
    "python -c \"from readiness_widgets.demo import write_demo_folder; "
    "write_demo_folder('dashboards/assessments', force=True)\""
)

