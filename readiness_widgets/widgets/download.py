"""A download button: one click asks the kernel for the file, and the browser saves it.

An anywidget with a few lines of inline JavaScript (no front-end build, nothing fetched): the
content is made only when the button is clicked, so a dashboard does not hold a multi-megabyte
report in its widget state.

>>> DownloadButton("Markdown", "report.md", lambda: "# Report", mime="text/markdown")  # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections.abc import Callable

import anywidget
import traitlets as t

_ESM = r"""
function render({ model, el }) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "jupyter-button widget-button rw-download";
  const status = document.createElement("span");
  status.className = "rw-download-status";
  status.setAttribute("role", "status");
  status.style.marginLeft = "6px";
  const sync = () => {
    button.textContent = "\u2913 " + model.get("description");
    button.title = model.get("tooltip");
    button.setAttribute("aria-label", model.get("tooltip") || model.get("description"));
    button.disabled = model.get("disabled");
  };
  sync();
  model.on("change:description", sync);
  model.on("change:tooltip", sync);
  model.on("change:disabled", sync);
  button.addEventListener("click", () => {
    button.disabled = true;
    status.textContent = "preparing\u2026";
    model.send({ type: "request" });
  });
  model.on("msg:custom", (msg) => {
    if (msg.type === "error") {
      status.textContent = msg.message;
      button.disabled = model.get("disabled");
      return;
    }
    if (msg.type !== "file") return;
    const blob = new Blob([msg.content], { type: msg.mime });
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = msg.filename;
    link.style.display = "none";
    el.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    status.textContent = "";
    button.disabled = model.get("disabled");
  });
  el.appendChild(button);
  el.appendChild(status);
}
export default { render };
"""

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(stem: str, suffix: str) -> str:
    """A file name for the browser from untrusted text (a pilot name): letters, digits, ``._-``."""
    cleaned = _SAFE_NAME.sub("-", stem).strip("-.")[:80] or "readiness"
    return f"{cleaned}{suffix}"


class DownloadButton(anywidget.AnyWidget):
    """A button that downloads ``content()`` as ``filename``; ``content`` runs on each click."""

    _esm = _ESM
    description = t.Unicode("Download").tag(sync=True)
    tooltip = t.Unicode("").tag(sync=True)
    disabled = t.Bool(False).tag(sync=True)
    filename = t.Unicode("download.txt").tag(sync=True)
    mime = t.Unicode("text/plain").tag(sync=True)

    def __init__(
        self,
        description: str,
        filename: str,
        content: Callable[[], str],
        *,
        mime: str = "text/plain",
        tooltip: str = "",
        **kwargs,
    ):
        super().__init__(description=description, filename=filename, mime=mime, tooltip=tooltip, **kwargs)
        self.content = content
        self.last_error: str | None = None
        self.on_msg(self._on_msg)

    def _on_msg(self, _widget, msg, _buffers) -> None:
        if isinstance(msg, dict) and msg.get("type") == "request":
            self.send(self.payload())

    def payload(self) -> dict[str, str]:
        """The message the browser receives: the file, or an error to show beside the button."""
        try:
            text = self.content()
        except Exception as exc:  # shown beside the button, never a traceback in the page
            self.last_error = f"could not prepare {self.filename}: {type(exc).__name__}: {exc}"
            return {"type": "error", "message": self.last_error}
        self.last_error = None
        return {"type": "file", "content": text, "filename": self.filename, "mime": self.mime}


__all__ = ["DownloadButton", "safe_filename"]
