"""ipywidgets views over the engine: the assessment form (:func:`assess`) and its parts."""

from __future__ import annotations

from .app import ReadinessApp, assess, open_apps

__all__ = ["ReadinessApp", "assess", "open_apps"]
