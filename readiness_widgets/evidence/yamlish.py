"""A YAML *outline* reader: keys, list items and scalars with their line numbers, no objects built.

The scan never constructs YAML documents from the scanned folder (no tags, no aliases, no
anchors expanded: nothing a hostile file could use to blow up memory). CI files only need to be
read as a tree of keys - ``jobs.<job>.steps[2].run`` - with the text of each value and where it
is, so this reads the indentation structure line by line:

* ``key: value`` -> an :class:`Entry` at the key's path, with the value (comments removed);
* ``key:`` followed by deeper lines -> an entry with an empty value, then its children;
* ``- item`` -> a list index in the path; ``- key: value`` -> the index, then the key;
* ``key: |`` / ``key: >-`` -> one entry holding the block's lines, each with its line number.

Flow collections (``[a, b]``, ``{a: b}``) stay text; :func:`flow_items` splits a flow list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_KEY_RE = re.compile(
    r"""(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\n]|'')*)'|([^\s#'"\[\]{},&*!|>%@`][^:\n]*?|<<))[ \t]*:(?=[ \t]|$)"""
)
_BLOCK_RE = re.compile(r"^[|>][+-]?\d?[+-]?$")
MAX_LINES = 100_000


@dataclass(frozen=True)
class Entry:
    path: tuple  # keys (str) and list indexes (int), outermost first
    value: str  # the scalar, unquoted; "" for a key with children; a block's text joined by newlines
    line: int  # 1-based line of the key or item
    block: tuple[tuple[int, str], ...] = ()  # (line, text) of each line of a block scalar

    @property
    def key(self):
        return self.path[-1] if self.path else None

    def lines(self) -> list[tuple[int, str]]:
        """The value as (line, text) pairs: a block's lines, or the scalar on its own line."""
        if self.block:
            return list(self.block)
        return [(self.line, self.value)] if self.value else []


class _Frame:
    __slots__ = ("children", "col", "key", "kind")

    def __init__(self, kind: str, col: int, key):
        self.kind, self.col, self.key, self.children = kind, col, key, 0


def strip_comment(text: str) -> str:
    """``text`` without a trailing ``# comment`` (a ``#`` inside quotes or a word is kept)."""
    if "#" not in text:
        return text.strip()
    quote = ""
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or text[i - 1] in " \t"):
            return text[:i].strip()
    return text.strip()


def unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def flow_items(text: str) -> list[str]:
    """Items of a flow list ``[a, 'b c', "d"]`` (or the text itself when it is not one)."""
    text = text.strip()
    if not (text.startswith("[") and text.endswith("]")):
        return [unquote(text)] if text else []
    items, cur, quote = [], [], ""
    for ch in text[1:-1]:
        if quote:
            if ch == quote:
                quote = ""
            else:
                cur.append(ch)
        elif ch in "'\"":
            quote = ch
        elif ch == ",":
            items.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    last = "".join(cur).strip()
    if last:
        items.append(last)
    return items


def outline(text: str, max_lines: int = MAX_LINES) -> list[Entry]:
    """The entries of a YAML text, in order (only the first document's structure matters)."""
    lines = text.split("\n", max_lines)[:max_lines]
    entries: list[Entry] = []
    root = _Frame("r", -1, None)
    frames: list[_Frame] = []
    n = len(lines)
    i = 0
    while i < n:
        raw = lines[i].rstrip("\r")
        s = raw.lstrip(" ")
        if not s or s[0] == "#":
            i += 1
            continue
        col = len(raw) - len(s)
        if col == 0 and s.rstrip() in ("---", "..."):
            frames.clear()
            root.children = 0
            i += 1
            continue
        while s.startswith("- ") or s.rstrip() == "-":
            while frames and ((frames[-1].kind == "k" and frames[-1].col > col) or (frames[-1].kind == "i" and frames[-1].col >= col)):
                frames.pop()
            parent = frames[-1] if frames else root
            frames.append(_Frame("i", col, parent.children))
            parent.children += 1
            rest = s[1:]
            stripped = rest.lstrip(" ")
            col += 1 + len(rest) - len(stripped)
            s = stripped
        if not s or s[0] == "#":
            i += 1
            continue
        m = _KEY_RE.match(s)
        if m is None:  # a scalar: a list item's value, or the continuation of a plain scalar
            path = tuple(f.key for f in frames)
            entries.append(Entry(path, unquote(strip_comment(s)), i + 1))
            i += 1
            continue
        while frames and frames[-1].col >= col:
            frames.pop()
        key = m.group(1) if m.group(1) is not None else m.group(2) if m.group(2) is not None else m.group(3)
        path = (*(f.key for f in frames), key.strip())
        value = strip_comment(s[m.end() :])
        if _BLOCK_RE.match(value):
            block = []
            j = i + 1
            while j < n:
                line = lines[j].rstrip("\r")
                body = line.strip()
                if body and len(line) - len(line.lstrip(" ")) <= col:
                    break
                block.append((j + 1, line))
                j += 1
            while block and not block[-1][1].strip():
                block.pop()
            indent = min((len(t) - len(t.lstrip(" ")) for _, t in block if t.strip()), default=0)
            kept = tuple((ln, t[indent:]) for ln, t in block)
            entries.append(Entry(path, "\n".join(t for _, t in kept), i + 1, kept))
            i = j
            continue
        entries.append(Entry(path, unquote(value), i + 1))
        frames.append(_Frame("k", col, key.strip()))
        i += 1
    return entries


def top_keys(entries: list[Entry]) -> set:
    return {e.path[0] for e in entries if len(e.path) == 1}


__all__ = ["Entry", "flow_items", "outline", "strip_comment", "top_keys", "unquote"]
