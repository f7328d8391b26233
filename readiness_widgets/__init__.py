"""readiness-widgets: assess an AI pilot's production readiness in the notebook.

>>> import readiness_widgets as rw
>>> a = rw.Assessment.new("Churn model")          # doctest: +SKIP
>>> a.answer("data.pipeline_reliability", 2)       # doctest: +SKIP
>>> rw.assess("readiness.json")                    # the notebook form   # doctest: +SKIP

Heavy libraries (pandas, Plotly, ipywidgets) load on first use of the names below, so that
``import readiness_widgets`` stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._version import __version__

_EXPORTS = {
    "load_bank": ".bank",
    "Bank": ".bank",
    "Assessment": ".api",
    "Result": ".result",
    "evaluate": ".result",
    "evaluate_team": ".result",
    "TeamFolder": ".team",
    "Answer": ".assessment",
    "score_many": ".scoring",
    "answers_frame": ".scoring",
    "Scores": ".scoring",
    "build_roadmap": ".roadmap",
    "Roadmap": ".roadmap",
    "ReadinessError": ".errors",
    "BankError": ".errors",
    "AssessmentError": ".errors",
    "assess": ".widgets",
}

__all__ = [*sorted(_EXPORTS), "__version__", "load_ipython_extension"]

if TYPE_CHECKING:  # pragma: no cover
    from .api import Assessment as Assessment
    from .assessment import Answer as Answer
    from .bank import Bank as Bank
    from .bank import load_bank as load_bank
    from .errors import AssessmentError as AssessmentError
    from .errors import BankError as BankError
    from .errors import ReadinessError as ReadinessError
    from .result import Result as Result
    from .result import evaluate as evaluate
    from .result import evaluate_team as evaluate_team
    from .roadmap import Roadmap as Roadmap
    from .roadmap import build_roadmap as build_roadmap
    from .scoring import Scores as Scores
    from .scoring import answers_frame as answers_frame
    from .scoring import score_many as score_many
    from .team import TeamFolder as TeamFolder
    from .widgets import assess as assess


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'readiness_widgets' has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


def load_ipython_extension(ipython) -> None:
    """``%load_ext readiness_widgets`` registers the ``%readiness`` magic."""
    from .extension import load_ipython_extension as _load

    _load(ipython)
