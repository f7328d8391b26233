"""The control ids a bank may cite, per framework (``banks/controls.yaml``, checked against the sources).

A bank's control tag is ``"<prefix> <id>"``. When it starts with a framework's prefix it must name
one of that framework's ids; other tags are free text (an internal policy, for instance).

>>> check_tag("NIST AI RMF GOVERN 1.6") is None
True
>>> check_tag("ML Test Score Monitor 9")
"'ML Test Score Monitor 9' is not a known ML Test Score id (see readiness_widgets/banks/controls.yaml)"
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from .yamlio import parse_yaml

CATALOGUE = "controls.yaml"


@dataclass(frozen=True)
class Framework:
    prefix: str
    source: str
    ids: dict[str, str]  # id -> short title

    def tag(self, control_id: str) -> str:
        return f"{self.prefix} {control_id}"


@cache
def frameworks() -> tuple[Framework, ...]:
    """The frameworks of the bundled catalogue, longest prefix first."""
    text = (resources.files("readiness_widgets") / "banks" / CATALOGUE).read_text(encoding="utf-8")
    _, data = parse_yaml(text)
    out = [
        Framework(str(f["prefix"]), " ".join(str(f["source"]).split()), {str(k): str(v) for k, v in f["ids"].items()})
        for f in data["frameworks"]
    ]
    return tuple(sorted(out, key=lambda f: -len(f.prefix)))


def framework_of(tag: str) -> Framework | None:
    """The framework whose prefix ``tag`` starts with, or None for a free-text tag."""
    for f in frameworks():
        if tag == f.prefix or tag.startswith(f.prefix + " "):
            return f
    return None


def check_tag(tag: str) -> str | None:
    """None when ``tag`` is valid; else what is wrong with it."""
    f = framework_of(tag)
    if f is None:
        return None
    control_id = tag[len(f.prefix) :].strip()
    if control_id in f.ids:
        return None
    if not control_id:
        return f"{tag!r} names no {f.prefix} id; cite a clause, article or subcategory"
    return f"{tag!r} is not a known {f.prefix} id (see readiness_widgets/banks/{CATALOGUE})"


def title_of(tag: str) -> str | None:
    """The catalogue's short title of a valid framework tag."""
    f = framework_of(tag)
    return None if f is None else f.ids.get(tag[len(f.prefix) :].strip())
