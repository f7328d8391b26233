"""Debounced calls that run on the kernel's event loop when there is one, else on a timer thread.

In a Jupyter kernel (JupyterLab, Notebook, VS Code, Voila) widget callbacks run inside the
kernel's asyncio loop, so ``loop.call_later`` runs the work on the main thread, between messages.
Without a running loop (plain Python, tests) a ``threading.Timer`` does it. :meth:`flush` runs a
pending call now, synchronously, whichever way it was scheduled.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any


class Debouncer:
    """Call ``func`` once, ``delay`` seconds after the last :meth:`schedule`."""

    def __init__(self, delay: float, func: Callable[[], Any]):
        self.delay = delay
        self.func = func
        self._handle: asyncio.TimerHandle | threading.Timer | None = None
        self._pending = False
        self._lock = threading.RLock()  # guards the pending flag and the handle
        self._running = threading.RLock()  # one run at a time; flush() waits for a run in flight

    @property
    def pending(self) -> bool:
        return self._pending

    def schedule(self) -> None:
        with self._lock:
            self._cancel()
            self._pending = True
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                loop = None
            if loop is not None:
                self._handle = loop.call_later(self.delay, self._fire)
            else:
                timer = threading.Timer(self.delay, self._fire)
                timer.daemon = True
                self._handle = timer
                timer.start()

    def flush(self) -> None:
        """Run the pending call now; wait for one already running (no-op when nothing is pending)."""
        self._fire()

    def cancel(self) -> None:
        with self._lock:
            self._cancel()
            self._pending = False

    def _cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _fire(self) -> None:
        with self._running:
            with self._lock:
                if not self._pending:
                    return
                self._cancel()
                self._pending = False
            self.func()
