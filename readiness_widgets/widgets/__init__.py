"""ipywidgets views over the engine: the assessment form (:func:`assess`) and its parts.

The form is imported when first asked for, so that ``readiness_widgets.widgets.dashboard``
(the Voila dashboard) does not load it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .app import ReadinessApp, assess, open_apps

__all__ = ["ReadinessApp", "assess", "open_apps"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
