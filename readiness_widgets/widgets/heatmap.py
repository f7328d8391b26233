"""The portfolio's heatmap: one page of pilots x dimensions, sortable, each row a link to its pilot.

An anywidget that draws the rows the kernel sends (one page, never the whole portfolio) as an
HTML table: every string goes in with ``textContent``, so a pilot's name never becomes markup.
A click on a column header sorts (the kernel sorts and sends the page again), the pager moves a
page, and a click (or Enter) on a row opens the pilot's own dashboard in a new tab: the row's
``link`` is a query string (``?file=NAME.json`` or ``?pilot=KEY``) for the page that serves it.

>>> view = HeatmapView(columns=[...], rows=[...], total=1000)       # doctest: +SKIP
"""

from __future__ import annotations

import anywidget
import traitlets as t

_ESM = r"""
function cell(tag, text, cls) {
  const el = document.createElement(tag);
  if (text !== undefined && text !== null) el.textContent = String(text);
  if (cls) el.className = cls;
  return el;
}

function render({ model, el }) {
  const root = cell("div", null, "rw-heatmap");
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  el.appendChild(root);

  const sortBy = (key) => {
    if (model.get("sort") === key) model.set("descending", !model.get("descending"));
    else { model.set("sort", key); model.set("descending", key !== "name"); }
    model.set("offset", 0);
    model.save_changes();
  };
  const go = (offset) => { model.set("offset", offset); model.save_changes(); };
  const open = (link) => {
    if (!link) return;
    const a = document.createElement("a");
    a.href = "?" + link;
    a.target = "_blank";
    a.rel = "noopener";
    a.click();
  };

  const draw = () => {
    root.replaceChildren();
    const columns = model.get("columns") || [];
    const rows = model.get("rows") || [];
    const total = model.get("total"), offset = model.get("offset"), limit = Math.max(1, model.get("limit"));
    const sort = model.get("sort"), desc = model.get("descending");
    const table = cell("table", null, "rw-table rw-heatmap-table");
    table.setAttribute("aria-label", model.get("caption") || "Pilots by dimension");
    const head = document.createElement("thead");
    const hr = document.createElement("tr");
    for (const col of columns) {
      const th = cell("th", null, col.numeric ? "n" : "");
      th.scope = "col";
      if (col.sort) {
        const b = cell("button", col.title, "rw-sort");
        b.type = "button";
        b.title = "Sort by " + col.title;
        b.setAttribute("aria-label", "Sort by " + col.title);
        if (sort === col.sort) {
          th.setAttribute("aria-sort", desc ? "descending" : "ascending");
          b.textContent = col.title + (desc ? " \u25BC" : " \u25B2");
        }
        b.addEventListener("click", () => sortBy(col.sort));
        th.appendChild(b);
      } else th.textContent = col.title;
      hr.appendChild(th);
    }
    head.appendChild(hr);
    table.appendChild(head);
    const body = document.createElement("tbody");
    for (const row of rows) {
      const tr = cell("tr", null, "rw-heatmap-row");
      tr.tabIndex = 0;
      tr.dataset.pilot = row.pilot;
      tr.title = "Open " + row.name + "'s dashboard";
      row.cells.forEach((c, i) => {
        const td = cell(i === 0 ? "th" : "td", null, c.cls || "");
        if (i === 0) {
          td.scope = "row";
          if (c.swatch) {
            const dot = cell("span", null, "rw-swatch-dot");
            dot.style.background = c.swatch;
            dot.setAttribute("aria-hidden", "true");
            td.appendChild(dot);
          }
          const a = cell("a", c.text, "rw-pilot-link");
          a.href = "?" + row.link;
          a.target = "_blank";
          a.rel = "noopener";
          a.addEventListener("click", (e) => e.stopPropagation());
          td.appendChild(a);
        } else td.textContent = c.text;
        if (c.bg) { td.style.background = c.bg; td.style.color = c.fg; }
        if (c.title) td.title = c.title;
        tr.appendChild(td);
      });
      tr.addEventListener("click", () => open(row.link));
      tr.addEventListener("keydown", (e) => { if (e.key === "Enter") open(row.link); });
      body.appendChild(tr);
    }
    table.appendChild(body);
    const wrap = cell("div", null, "rw-heatmap-scroll");
    wrap.setAttribute("role", "region");  // a wide table scrolls sideways, and the keyboard can reach it
    wrap.setAttribute("aria-label", model.get("caption") || "Pilots by dimension");
    wrap.tabIndex = 0;
    wrap.appendChild(table);
    root.appendChild(wrap);
    const pager = cell("div", null, "rw-pager");
    const prev = cell("button", "\u2039 Previous", "jupyter-button widget-button");
    prev.type = "button";
    prev.disabled = offset <= 0;
    prev.addEventListener("click", () => go(Math.max(0, offset - limit)));
    const next = cell("button", "Next \u203A", "jupyter-button widget-button");
    next.type = "button";
    next.disabled = offset + limit >= total;
    next.addEventListener("click", () => go(offset + limit));
    const pages = Math.max(1, Math.ceil(total / limit));
    const where = cell("span", total
      ? `pilots ${offset + 1}\u2013${Math.min(total, offset + limit)} of ${total} (page ${Math.floor(offset / limit) + 1} of ${pages})`
      : "no pilot matches the filters", "rw-pager-text");
    where.setAttribute("role", "status");
    pager.append(prev, where, next);
    root.appendChild(pager);
  };
  for (const name of ["columns", "rows", "total", "offset", "limit", "sort", "descending"]) model.on("change:" + name, draw);
  draw();
}
export default { render };
"""

STYLE = """
.rw-heatmap-scroll {overflow-x: auto}
.rw-heatmap-table {width: 100%}
.rw-heatmap-table td, .rw-heatmap-table th {white-space: nowrap}
.rw-heatmap-table th[scope=row] {max-width: 28em; overflow: hidden; text-overflow: ellipsis}
.rw-heatmap-table td.n, .rw-heatmap-table th.n {text-align: right; font-variant-numeric: tabular-nums}
.rw-heatmap-row {cursor: pointer}
.rw-heatmap-row:hover, .rw-heatmap-row:focus {outline: 2px solid #2563eb; outline-offset: -2px}
.rw-swatch-dot {display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px}
.rw-sort {border: none; background: none; font: inherit; font-weight: 600; cursor: pointer; padding: 0}
.rw-pager {display: flex; gap: 8px; align-items: center; margin: 6px 0}
"""


class HeatmapView(anywidget.AnyWidget):
    """One page of rows; ``sort``, ``descending`` and ``offset`` are changed by the browser.

    ``columns``: ``[{"title", "sort" (a sort key, or ""), "numeric"}]``; ``rows``: ``[{"pilot",
    "name", "link", "cells": [{"text", "bg", "fg", "title", "cls"}]}]`` (the first cell is the
    pilot's name, drawn as its link, after a square of its ``swatch`` colour).
    """

    _esm = _ESM
    _css = STYLE
    columns = t.List(t.Dict()).tag(sync=True)
    rows = t.List(t.Dict()).tag(sync=True)
    total = t.Int(0).tag(sync=True)
    offset = t.Int(0).tag(sync=True)
    limit = t.Int(15).tag(sync=True)
    sort = t.Unicode("worst_gap").tag(sync=True)
    descending = t.Bool(True).tag(sync=True)
    caption = t.Unicode("").tag(sync=True)


__all__ = ["HeatmapView"]
