"""What the browser knows about the page, sent to the kernel: its query string, and when it has painted.

Voila passes the query string to a kernel it starts for the request, but a *preheated* kernel ran
the notebook before the request existed. This invisible anywidget reads ``location.search`` in
the browser and sends it to the kernel, so ``?file=NAME.json`` works either way, without a cell
that blocks waiting for the request. It then reports ``painted`` once ``painted_selector`` (by
default a drawn Plotly chart) is in the page (or after 5 s), so that a view can send its heavier
parts after the first paint.
"""

from __future__ import annotations

from collections.abc import Callable

import anywidget
import traitlets as t

_ESM = """
function render({ model, el }) {
  el.style.display = "none";
  model.send({ type: "location", search: String(window.location.search || "") });
  let sent = false;
  const painted = () => {
    if (sent) return;
    sent = true;
    requestAnimationFrame(() => setTimeout(() => model.send({ type: "painted" }), 0));
  };
  const drawn = () => document.querySelector(model.get("painted_selector"));
  if (drawn()) return painted();
  const watch = new MutationObserver(() => { if (drawn()) { watch.disconnect(); painted(); } });
  watch.observe(document.body, { subtree: true, childList: true });
  setTimeout(() => { watch.disconnect(); painted(); }, 5000);
}
export default { render };
"""


class PageLocation(anywidget.AnyWidget):
    """Calls ``on_query(query_string)`` each time a browser shows this widget, then ``on_painted()``."""

    _esm = _ESM
    query = t.Unicode("").tag(sync=False)
    painted_selector = t.Unicode(".js-plotly-plot .main-svg").tag(sync=True)

    def __init__(
        self,
        on_query: Callable[[str], object] | None = None,
        on_painted: Callable[[], object] | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self._on_query = on_query
        self._on_painted = on_painted
        self.on_msg(self._on_msg)

    def _on_msg(self, _widget, msg, _buffers) -> None:
        kind = msg.get("type") if isinstance(msg, dict) else None
        if kind == "painted" and self._on_painted is not None:
            self._on_painted()
        if kind != "location":
            return
        search = str(msg.get("search", ""))[:4000]
        self.query = search[1:] if search.startswith("?") else search
        if self._on_query is not None:
            self._on_query(self.query)


__all__ = ["PageLocation"]
