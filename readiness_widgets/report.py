"""Reports rendered with Jinja2: the roadmap and assessment as Markdown (HTML: see below)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

if TYPE_CHECKING:  # pragma: no cover
    from .roadmap import Roadmap

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#])")


def escape_markdown(value: object) -> str:
    """Escape text for a Markdown table or paragraph: no HTML, no markup, one line."""
    text = " ".join(str(value).split())
    return _MD_SPECIAL.sub(r"\\\1", text)


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("readiness_widgets", "templates"),
        autoescape=select_autoescape(["html", "htm", "j2.html"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=True,
    )
    env.filters["md"] = escape_markdown
    return env


def render_roadmap_markdown(roadmap: Roadmap) -> str:
    text = environment().get_template("roadmap.md.j2").render(roadmap=roadmap)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
