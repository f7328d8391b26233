"""Kernels bounded, in a real browser: fast reloads never run more than ``--max-kernels`` kernels,
a page left in the browser stops its kernel at once (Voila's unload beacon, which the server
refused for a missing XSRF cookie), and once the browser is gone (no unload handler runs, as
when it crashes or is killed) the idle culler leaves only the preheated kernel."""

from __future__ import annotations

import threading
import time

import pytest
from harness import BANNER, kernel_pids, log_of, voila, wait_for_kernels
from playwright.sync_api import Error as PlaywrightError

from readiness_widgets.serve import DEFAULT_MAX_KERNELS

pytestmark = [pytest.mark.browser, pytest.mark.slow]


class PeakKernels:
    """Samples the server's kernel count every 0.2 s in a thread; ``.peak`` is the most seen."""

    def __init__(self, url: str):
        self.url, self.peak, self._stop = url, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, len(kernel_pids(self.url)))
            time.sleep(0.2)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(5)


def settle(context, page, url: str, attempts: int = 3) -> None:
    """Load the page once more and wait for the dashboard or the busy page (a page dropped by
    Chromium under load is replaced by a new one, as in the loop of reloads)."""
    for attempt in range(attempts):
        try:
            page.reload()
            page.wait_for_selector(f"{BANNER}, h1:text('The dashboard is busy')")
            return
        except PlaywrightError:
            if attempt == attempts - 1:
                raise
            page = context.new_page()
            page.set_default_timeout(90_000)
            page.goto(url, wait_until="commit")


def test_twenty_fast_reloads_stay_within_the_cap_and_closing_the_browser_frees_them(browser, demo_copy, tmp_path):
    with voila("dashboard", demo_copy, log_dir=tmp_path) as url:
        assert wait_for_kernels(url, lambda n: n == 1, 120)[0] == 1  # the preheated kernel
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(90_000)
        with PeakKernels(url) as kernels:
            page.goto(url, wait_until="commit")
            for _ in range(20):
                try:
                    page.reload(wait_until="commit")
                except PlaywrightError:  # Chromium may drop a page reloaded this fast: go on in a new one
                    page = context.new_page()
                    page.set_default_timeout(90_000)
                    page.goto(url, wait_until="commit")
            settle(context, page, url)
            time.sleep(3)
            after_reloads = len(kernel_pids(url))
            context.close()  # the browser closes its pages without running their unload handlers
            count, waited = wait_for_kernels(url, lambda n: n == 1, 90)
        print(f"20 reloads: peak {kernels.peak} kernels, {after_reloads} after; only the preheated one "
              f"left {waited:.0f} s after the browser closed")
        assert kernels.peak <= DEFAULT_MAX_KERNELS
        assert count == 1, f"{count} kernels left 90 s after the browser closed"


def test_leaving_a_page_stops_its_kernel_at_once(browser, demo_copy, tmp_path):
    with voila("dashboard", demo_copy, log_dir=tmp_path) as url:
        wait_for_kernels(url, lambda n: n == 1, 120)
        page = browser.new_page()
        page.set_default_timeout(90_000)
        page.goto(url)
        page.wait_for_selector(BANNER)
        assert wait_for_kernels(url, lambda n: n == 2, 30)[0] == 2  # the page's and the refilled pool
        page.goto("about:blank")  # on leaving (or reloading) the page, Voila's beacon asks for a shutdown
        count, waited = wait_for_kernels(url, lambda n: n == 1, 20)  # well before the idle culler (40 s)
        assert count == 1, f"the page's kernel still runs {waited:.0f} s after the page was left"
        log = log_of(url, tmp_path).read_text(errors="replace")
        assert "Kernel shutdown" in log
        assert "403 POST /voila/api/shutdown" not in log
