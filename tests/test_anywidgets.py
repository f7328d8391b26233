"""Our small anywidgets on their own: the download button, the Plotly view and the page location.

Messages from the browser go through the comm (the ``frontend`` fixture); the tests assert on
what the kernel sends back.
"""

from __future__ import annotations

import re

import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("anywidget")


from dashboard_helpers import (
    IMG,
    SCRIPT,
)

from readiness_widgets.widgets.download import _ESM, DownloadButton, safe_filename
from readiness_widgets.widgets.plotly_view import PlotlyView, esm


def test_plotly_view_module_holds_our_small_plotly_build():
    module = esm()
    assert module.startswith("\nfunction loadPlotly() {\n/**\n* plotly.js v")
    assert "export default { render }" in module
    assert len(module) < 2_000_000  # the full plotly.js is 4.8 MB
    assert "scatterpolar" in module
    view = PlotlyView()
    assert view.figure == {}
    assert view._esm == module
    view.show({"data": [{"type": "bar", "x": [1], "y": [2]}], "layout": {}})
    assert view.figure["data"][0]["type"] == "bar"
    view.show(None)
    assert view.figure == {}


def test_the_location_script_fetches_nothing_and_only_reports_the_query():
    from readiness_widgets.widgets.location import _ESM

    assert "http" not in _ESM
    assert "import" not in _ESM
    assert "location.search" in _ESM


def test_payload_is_the_file_name_and_mime():
    calls = []

    def content():
        calls.append(1)
        return "# Report\n"

    b = DownloadButton("Markdown", "report.md", content, mime="text/markdown", tooltip="Download it")
    assert calls == []  # made only when asked
    assert b.payload() == {"type": "file", "content": "# Report\n", "filename": "report.md", "mime": "text/markdown"}
    assert calls == [1]
    assert b.last_error is None
    state = b.get_state()
    assert (state["description"], state["filename"], state["mime"], state["tooltip"]) == (
        "Markdown",
        "report.md",
        "text/markdown",
        "Download it",
    )
    assert "content" not in state  # the file is not held in the widget state


def test_content_that_raises_gives_an_error_message_not_an_exception(frontend):
    def broken():
        raise RuntimeError("disk on fire")

    b = DownloadButton("CSV", "scores.csv", broken, mime="text/csv")
    frontend.custom(b, {"type": "request"})  # no exception escapes into the kernel
    sent = frontend.customs(b)
    assert sent == [{"type": "error", "message": "could not prepare scores.csv: RuntimeError: disk on fire"}]
    assert "Traceback" not in sent[0]["message"]
    assert b.last_error == sent[0]["message"]
    b.content = lambda: "a,b\n"
    assert b.payload()["type"] == "file"
    assert b.last_error is None


def test_front_end_request_is_answered_with_the_file(frontend):
    b = DownloadButton("Markdown", "report.md", lambda: "# Hi", mime="text/markdown")
    frontend.custom(b, {"type": "request"})
    assert frontend.customs(b) == [{"type": "file", "content": "# Hi", "filename": "report.md", "mime": "text/markdown"}]
    frontend.custom(b, {"type": "request"})
    assert len(frontend.customs(b)) == 2
    for other in ({"type": "other"}, {}, "request", ["request"], None):
        frontend.custom(b, other)
    assert len(frontend.customs(b)) == 2  # anything else is ignored


def test_download_script_fetches_nothing():
    assert "http" not in _ESM
    assert "import" not in _ESM
    assert 'model.send({ type: "request" })' in _ESM


@pytest.mark.parametrize(
    ("stem", "suffix", "expected"),
    [
        ("../../etc/passwd", ".html", "etc-passwd.html"),
        ("a<b>c", ".md", "a-b-c.md"),
        ("", ".csv", "readiness.csv"),
        ("...", ".csv", "readiness.csv"),
        ("/", "", "readiness"),
        ("C:\\Windows\\system32", ".md", "C-Windows-system32.md"),
        ("Churn model v2.1", "-scores.csv", "Churn-model-v2.1-scores.csv"),
        ('x"; rm -rf / #', ".md", "x-rm--rf.md"),
        ("Prévision\x00\n", ".md", "Pr-vision.md"),
    ],
)
def test_safe_filename(stem, suffix, expected):
    assert safe_filename(stem, suffix) == expected


def test_safe_filename_is_bounded():
    name = safe_filename("x" * 500, ".html")
    assert name == "x" * 80 + ".html"
    assert re.fullmatch(r"[A-Za-z0-9._-]+", safe_filename(SCRIPT + IMG, ".md"))

