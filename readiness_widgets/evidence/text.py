"""Text helpers of the evidence scan: decoding bytes, Markdown sections with content, comments.

Nothing here executes or parses the scanned files beyond reading them as text.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_PROBE = 8192
_BOM_STARTS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` / ``utf-16-be`` when every other byte of the start is NUL (ASCII text in UTF-16)."""
    head = data[:512]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) >= 0.9 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def encoding_of(data: bytes) -> str:
    """The encoding to read ``data`` with: a BOM decides, then UTF-16 without BOM, else UTF-8."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    if data.find(b"\x00", 0, _PROBE) >= 0:
        return _utf16_without_bom(data) or "utf-8"
    return "utf-8"


def looks_binary(data: bytes) -> bool:
    """True for bytes that are not text: NUL bytes that no UTF-16/32 encoding explains."""
    if data.find(b"\x00", 0, _PROBE) < 0:
        return False
    return encoding_of(data) == "utf-8"


def decode(data: bytes) -> str:
    """Text of ``data`` (UTF-8 by default; BOMs and UTF-16 honoured; undecodable bytes replaced)."""
    if not data.startswith(_BOM_STARTS) and b"\x00" not in data:
        return data.decode("utf-8", "replace")  # the common case, without looking further
    enc = encoding_of(data)
    if enc.startswith("utf-16") and len(data) % 2:
        data = data[:-1]  # a file read up to a byte budget can end half-way through a character
    return data.decode(enc, "replace")


# ---- comments ------------------------------------------------------------------------------


def in_comment(text: str, pos: int, marker: str = "#") -> bool:
    """True when ``pos`` is after a comment marker on its line (a ``#`` inside a string counts too)."""
    start = text.rfind("\n", 0, pos) + 1
    return marker in text[start:pos]


def line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


# ---- Markdown and reStructuredText ---------------------------------------------------------

_MD_BLOCK_RE = re.compile(r"^ {0,3}(?:(#{1,6})[ \t]+([^\n]*)|(`{3,}|~{3,})[^\n]*)$|<!--", re.MULTILINE)
_RST_HEADING_RE = re.compile(r"^([^\n]{1,200})\n(={3,}|-{3,}|~{3,}|\^{3,}|\*{3,}|\+{3,}|#{3,})[ \t]*$", re.MULTILINE)
_WORD_RE = re.compile(r"[^\W\d_]{2,}")
_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n.*?\n---[ \t]*\n", re.DOTALL)
CONTENT_WORDS = 8
"""A section has content when its text (code blocks excluded) holds at least this many words."""


@dataclass(frozen=True)
class Heading:
    title: str
    level: int
    pos: int  # offset of the heading line in the text
    body_start: int
    body_end: int  # the section runs to the next heading of the same or a higher level


_PLAIN_HEADING_RE = re.compile(r"\n {0,3}(#{1,6})[ \t]+([^\n]*)")


def _strip_fences(text: str) -> str:
    """``text`` with fenced code blocks and HTML comments blanked out (offsets kept)."""
    out = []
    last = 0
    for m in re.finditer(r"^ {0,3}(`{3,}|~{3,})[^\n]*\n.*?(?:^ {0,3}\1[ \t]*$|\Z)|<!--.*?(?:-->|\Z)", text, re.MULTILINE | re.DOTALL):
        out.append(text[last : m.start()])
        out.append(re.sub(r"[^\n]", " ", m.group(0)))
        last = m.end()
    out.append(text[last:])
    return "".join(out)


def raw_headings(text: str, rst: bool = False, limit: int = 5000) -> list[tuple[int, int, int, str]]:
    """``(pos, body_start, level, title)`` of the headings outside code blocks and comments, up to
    ``limit`` (and one more, so that the last section listed ends where the next heading starts)."""
    limit += 1
    found: list[tuple[int, int, int, str]] = []
    if rst:
        levels: dict[str, int] = {}
        for m in _RST_HEADING_RE.finditer(text):
            title = m.group(1).strip()
            if not title or title[0] in "=-~^*+#" or len(m.group(2)) < len(title) - 2:
                continue
            level = levels.setdefault(m.group(2)[0], len(levels) + 1)
            found.append((m.start(), m.end(), level, title))
            if len(found) >= limit:
                break
        return found
    if "#" not in text:
        return found
    front = _FRONT_MATTER_RE.match(text) if text[:3] == "---" else None
    start = front.end() if front else 0
    if "`" not in text and "~~~" not in text and "<!--" not in text:  # the common case: one simple regex
        for m in _PLAIN_HEADING_RE.finditer("\n" + text, start):  # a literal start lets the engine skip ahead
            title = m.group(2)
            found.append((m.start(), m.end() - 1, len(m.group(1)), title.strip().rstrip("#").strip() if title[-1:] in " #\t" else title))
            if len(found) >= limit:
                break
        return found
    fence = None
    for m in _MD_BLOCK_RE.finditer(text, start):
        if m.group(0) == "<!--":
            continue
        if m.group(3):
            marker = m.group(3)
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence) and not m.group(0).strip()[len(marker):].strip():
                fence = None
            continue
        if fence is not None:
            continue
        found.append((m.start(), m.end(), len(m.group(1)), m.group(2).strip().rstrip("#").strip()))
        if len(found) >= limit:
            break
    if "<!--" in text:  # headings inside HTML comments do not count
        blanked = _strip_fences(text)
        found = [h for h in found if blanked[h[0] : h[0] + 3].strip()]
    return found


def section_end(found: list[tuple[int, int, int, str]], i: int, size: int) -> int:
    """Where the section of heading ``i`` ends: the next heading of the same or a higher level."""
    level = found[i][2]
    for later in found[i + 1 :]:
        if later[2] <= level:
            return later[0]
    return size


def headings(text: str, rst: bool = False, limit: int = 5000) -> list[Heading]:
    """Headings outside code blocks and comments, each with the extent of its section."""
    found = raw_headings(text, rst, limit)
    return [Heading(title, level, pos, start, section_end(found, i, len(text))) for i, (pos, start, level, title) in enumerate(found)]


def has_content(text: str, start: int, end: int, words: int = CONTENT_WORDS) -> bool:
    """True when ``text[start:end]`` holds at least ``words`` words outside code blocks and comments."""
    body = text[start:end]
    if "```" in body or "~~~" in body or "<!--" in body:
        body = _strip_fences(body)
    return any(count >= words for count, _ in enumerate(_WORD_RE.finditer(body), 1))


_HEADING_LINE_RE = re.compile(r"^ {0,3}#{1,6}[ \t][^\n]*$|^[^\n]*\n(?:={3,}|-{3,}|~{3,}|\^{3,})[ \t]*$", re.MULTILINE)


def words_in(text: str, limit: int = 1_000_000) -> int:
    """Number of words of prose in ``text`` (headings, code blocks and comments excluded)."""
    if "```" in text or "~~~" in text or "<!--" in text:
        text = _strip_fences(text)
    if "#" in text or "==" in text or "--" in text:
        text = _HEADING_LINE_RE.sub("", text)
    return sum(1 for _ in itertools.islice(_WORD_RE.finditer(text), limit))


__all__ = ["CONTENT_WORDS", "Heading", "decode", "encoding_of", "has_content", "headings", "in_comment", "line_of",
           "looks_binary", "raw_headings", "section_end", "words_in"]
