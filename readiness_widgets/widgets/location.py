"""The page's query string, sent to the kernel by the browser when the widget is shown.

Voila passes the query string to a kernel it starts for the request, but a *preheated* kernel ran
the notebook before the request existed. This invisible anywidget reads ``location.search`` in
the browser and sends it to the kernel, so ``?file=NAME.json`` works either way, without a cell
that blocks waiting for the request.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs

import anywidget
import traitlets as t

_ESM = """
function render({ model, el }) {
  el.style.display = "none";
  model.send({ type: "location", search: String(window.location.search || "") });
}
export default { render };
"""


class PageLocation(anywidget.AnyWidget):
    """Calls ``on_query(query_string)`` each time a browser shows this widget."""

    _esm = _ESM
    query = t.Unicode("").tag(sync=False)

    def __init__(self, on_query: Callable[[str], object] | None = None, **kwargs):
        super().__init__(**kwargs)
        self._on_query = on_query
        self.on_msg(self._on_msg)

    def _on_msg(self, _widget, msg, _buffers) -> None:
        if not (isinstance(msg, dict) and msg.get("type") == "location"):
            return
        search = str(msg.get("search", ""))[:4000]
        self.query = search[1:] if search.startswith("?") else search
        if self._on_query is not None:
            self._on_query(self.query)

    def param(self, name: str) -> str | None:
        """The first value of ``name`` in the query string, if any."""
        values = parse_qs(self.query).get(name)
        return values[0] if values else None


__all__ = ["PageLocation"]
