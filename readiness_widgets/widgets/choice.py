"""A radio group that behaves like one: :class:`Choice`, an anywidget with a few lines of JavaScript.

ipywidgets' ``RadioButtons`` gives its inputs no ``name`` and no group role: every option is its
own Tab stop, the arrow keys run on into the next question, and nothing ties the options to the
question. A :class:`Choice` draws native radio inputs sharing one ``name`` unique to the view, in
an element with ``role="radiogroup"`` named by its question (``label``), so that

- a question is one Tab stop, and the arrow keys move (and choose) within that question only;
- Space chooses the focused option; a screen reader hears the question with its options;
- the radio circle stays on the first line of a long option (CSS in :mod:`._html`);
- ``data-lm-suppress-shortcuts`` keeps JupyterLab's and Notebook 7's shortcuts (arrows, ``d d``)
  from acting on the notebook while an option has the focus.

>>> Choice(options=[("0 · Nothing", 0), ("1 · Some", 1)], label="Is it tested?")   # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import anywidget
import traitlets as t

_ESM = r"""
let views = 0;
function render({ model, el }) {
  const uid = "rw-choice-" + (++views) + "-" + Math.random().toString(36).slice(2, 8);
  el.classList.add("rw-choice");
  el.setAttribute("data-lm-suppress-shortcuts", "true");
  const caption = document.createElement("div");
  caption.className = "rw-choice-caption";
  caption.id = uid + "-caption";
  caption.setAttribute("aria-hidden", "true");  // the group's own name says it in full
  const group = document.createElement("div");
  group.setAttribute("role", "radiogroup");
  const hint = document.createElement("div");
  hint.className = "rw-choice-hint";
  hint.id = uid + "-hint";
  const clear = document.createElement("button");
  clear.type = "button";
  clear.className = "jupyter-button rw-clear";
  clear.setAttribute("data-lm-suppress-shortcuts", "true");
  clear.addEventListener("click", () => { model.set("value", null); model.save_changes(); });
  el.append(caption, group, hint, clear);
  let inputs = [];
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  const check = () => {
    const value = model.get("value");
    const options = model.get("options");
    inputs.forEach((input, i) => {
      input.checked = value !== null && value !== undefined && same(options[i][1], value);
      input.closest(".rw-option").classList.toggle("rw-checked", input.checked);
    });
    clear.disabled = value === null || value === undefined || model.get("disabled");
  };
  const build = () => {
    group.replaceChildren();
    group.classList.toggle("rw-horizontal", model.get("horizontal"));
    inputs = model.get("options").map(([text], i) => {
      const option = document.createElement("label");
      option.className = "rw-option";
      const input = document.createElement("input");
      input.type = "radio";
      input.name = uid;
      input.value = String(i);
      input.disabled = model.get("disabled");
      input.setAttribute("data-lm-suppress-shortcuts", "true");  // on the focused element itself
      input.addEventListener("change", () => {
        if (!input.checked) return;
        model.set("value", model.get("options")[i][1]);
        model.save_changes();
        check();
      });
      const span = document.createElement("span");
      span.className = "rw-option-text";
      span.textContent = text;
      option.append(input, span);
      group.appendChild(option);
      return input;
    });
    check();
  };
  const labels = () => {
    const label = model.get("label"), text = model.get("description"), help = model.get("hint");
    caption.textContent = text;
    caption.hidden = !text;
    group.setAttribute("aria-label", label || text);
    hint.textContent = help;
    hint.hidden = !help;
    if (help) group.setAttribute("aria-describedby", hint.id); else group.removeAttribute("aria-describedby");
    const clearText = model.get("clear_label");
    clear.hidden = !clearText;
    clear.textContent = "Clear";
    clear.setAttribute("aria-label", clearText);
    clear.title = clearText;
  };
  labels();
  build();
  model.on("change:options", build);
  model.on("change:disabled", build);
  model.on("change:horizontal", build);
  model.on("change:value", check);
  model.on("change:label", labels);
  model.on("change:description", labels);
  model.on("change:hint", labels);
  model.on("change:clear_label", labels);
  // DOMWidget.focus() from the kernel: the chosen option, else the first, takes the focus
  const focus = (msg) => {
    if (!msg || msg.do !== "focus") return;
    const input = inputs.find((i) => i.checked) || inputs[0];
    if (input) { input.focus(); el.scrollIntoView({ block: "center" }); }
  };
  model.on("msg:custom", focus);
  return () => {
    model.off("msg:custom", focus);
    for (const name of ["options", "disabled", "horizontal"]) model.off("change:" + name, build);
    model.off("change:value", check);
    for (const name of ["label", "description", "hint", "clear_label"]) model.off("change:" + name, labels);
  };
}
export default { render };
"""


class Choice(anywidget.AnyWidget):
    """One question's options as a radio group; ``value`` is the chosen option's value or None.

    ``label`` names the group for assistive technology (the question); ``description`` is an
    optional short caption shown above it; ``hint`` a line of help under it (announced with it);
    ``clear_label`` (for instance "Clear the answer to ...") adds a Clear button.
    """

    _esm = _ESM
    options = t.List().tag(sync=True)
    value = t.Any(None, allow_none=True).tag(sync=True)
    label = t.Unicode("").tag(sync=True)
    description = t.Unicode("").tag(sync=True)
    hint = t.Unicode("").tag(sync=True)
    clear_label = t.Unicode("").tag(sync=True)
    horizontal = t.Bool(False).tag(sync=True)
    disabled = t.Bool(False).tag(sync=True)

    def __init__(self, options: list[tuple[str, Any]] | None = None, **kwargs: Any):
        super().__init__(options=[[str(label), value] for label, value in options or []], **kwargs)

    @property
    def values(self) -> list[Any]:
        return [value for _, value in self.options]

    @property
    def labels(self) -> list[str]:
        return [label for label, _ in self.options]

    @t.validate("value")
    def _known_value(self, proposal):
        value = proposal["value"]
        if value is not None and value not in self.values:
            raise t.TraitError(f"{value!r} is not one of the options {self.values!r}")
        return value


__all__ = ["Choice"]
