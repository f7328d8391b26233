"""Two small anywidgets for assistive technology and the notebook's keyboard.

- :class:`LiveStatus` shows a status line in a live region that stays in the page, so that a
  screen reader announces each new text ("saved 12:04:31", "answered 3 of 52"); an ``urgent``
  one ("save failed: ...") goes to a ``role="alert"`` region instead. An ipywidgets ``HTML``
  replaces its content, region and all, which screen readers do not announce reliably.
- :class:`FormFrame` is invisible: once the page has attached the form, it marks the form's
  outer element (``.rw-app``) with ``data-lm-suppress-shortcuts``, the attribute that JupyterLab
  and Notebook 7 (Lumino) honour to leave keys to the element (without it, ArrowDown on a focused
  option moves to the next cell, and ``d d`` deletes the cell holding the form), and names it as a
  form landmark for screen readers, with its regions (questions, results).
- :class:`JumpLink` takes the reader to the results where they sit below the questions.

Values are HTML made by our autoescaped templates (:mod:`._html`): user text is escaped there.
"""

from __future__ import annotations

import anywidget
import traitlets as t

_LIVE = r"""
function render({ model, el }) {
  el.classList.add("rw-live");
  const polite = document.createElement("span");
  polite.setAttribute("role", "status");
  const urgent = document.createElement("span");
  urgent.setAttribute("role", "alert");
  el.append(polite, urgent);
  const show = () => {
    const loud = model.get("urgent");
    (loud ? urgent : polite).innerHTML = model.get("value");
    (loud ? polite : urgent).textContent = "";
  };
  show();
  model.on("change:value", show);
  model.on("change:urgent", show);
  return () => { model.off("change:value", show); model.off("change:urgent", show); };
}
export default { render };
"""

_FRAME = r"""
const FOCUSABLE = "input, select, textarea, button, a[href], [tabindex], [contenteditable]";
function render({ model, el }) {
  el.style.display = "none";
  let tries = 0;
  let observer = null;
  const mark = () => {
    const root = el.isConnected ? el.closest(model.get("root")) : null;
    if (!root) {
      if (++tries < 600) requestAnimationFrame(mark);  // the page attaches the form a little later
      return;
    }
    // Lumino stops looking for a shortcut at the first element that carries the attribute, but a
    // shortcut whose selector ends in ":focus" matches the focused element itself first: every
    // element that can take the focus carries it, including those that tabs build later.
    const keep = () => {
      root.setAttribute("data-lm-suppress-shortcuts", "true");
      for (const node of root.querySelectorAll(FOCUSABLE)) {
        if (!node.hasAttribute("data-lm-suppress-shortcuts")) node.setAttribute("data-lm-suppress-shortcuts", "true");
      }
    };
    keep();
    if (!observer) {
      observer = new MutationObserver(keep);
      observer.observe(root, { childList: true, subtree: true });
    }
    root.setAttribute("role", "form");
    root.setAttribute("aria-label", model.get("label"));
    for (const [selector, name] of Object.entries(model.get("regions"))) {
      const region = root.querySelector(selector);
      if (region) { region.setAttribute("role", "region"); region.setAttribute("aria-label", name); }
    }
  };
  mark();
  model.on("change:label", mark);
  return () => { model.off("change:label", mark); if (observer) observer.disconnect(); };
}
export default { render };
"""


_JUMP = r"""
function render({ model, el }) {
  el.classList.add("rw-to-results");
  const link = document.createElement("a");
  link.href = "#";
  link.textContent = model.get("text");
  link.addEventListener("click", (event) => {
    event.preventDefault();
    const root = el.closest(model.get("root"));
    const target = root && root.querySelector(model.get("target"));
    if (!target) return;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.scrollIntoView({ block: "start" });
    target.focus({ preventScroll: true });
  });
  el.appendChild(link);
}
export default { render };
"""


class LiveStatus(anywidget.AnyWidget):
    """A status line announced by screen readers: ``value`` is HTML; ``urgent`` makes it an alert."""

    _esm = _LIVE
    value = t.Unicode("").tag(sync=True)
    urgent = t.Bool(False).tag(sync=True)

    def show(self, html: str, *, urgent: bool = False) -> None:
        with self.hold_sync():
            self.urgent = urgent
            self.value = html


class FormFrame(anywidget.AnyWidget):
    """Marks the nearest ``root`` ancestor (default ``.rw-app``) as a named form that keeps its keys."""

    _esm = _FRAME
    root = t.Unicode(".rw-app").tag(sync=True)
    label = t.Unicode("Form").tag(sync=True)
    regions = t.Dict().tag(sync=True)  # {CSS selector inside the root: its region's name}


class JumpLink(anywidget.AnyWidget):
    """A link that scrolls to (and focuses) ``target`` inside the same ``root``, in the browser alone."""

    _esm = _JUMP
    text = t.Unicode("").tag(sync=True)
    target = t.Unicode("").tag(sync=True)
    root = t.Unicode(".rw-app").tag(sync=True)


__all__ = ["FormFrame", "JumpLink", "LiveStatus"]
