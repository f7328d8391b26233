"""Start Voila on a free loopback port and drive Debian's Chromium with Playwright.

Shared by the browser tests (``tests/ui``) and ``benchmarks/bench_dashboard.py``. Voila is started
exactly as ``readiness dashboard`` starts it (same argv, same ``voila.json``, same environment).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from readiness_widgets.serve import DEFAULT_MAX_KERNELS, PAGES, voila_command, voila_environment

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_listening(port: int, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"Voila exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"Voila did not listen on port {port} within {START_TIMEOUT} s")


SERVERS: dict[str, subprocess.Popen] = {}  # url -> the Voila process serving it


@contextlib.contextmanager
def voila(
    page: str | Path,
    folder: Path,
    *,
    log_dir: Path,
    form_file: str | None = None,
    extra_args: list[str] | None = None,
    max_kernels: int = DEFAULT_MAX_KERNELS,
    token: str | None = None,
) -> Iterator[str]:
    """Serve ``page`` (a name from ``PAGES``, or a notebook) as ``readiness dashboard`` does.

    Yields ``http://127.0.0.1:PORT/``.
    """
    port = free_port()
    env = voila_environment(folder, form_file=form_file, token=token)
    env.pop("QUERY_STRING", None)
    log = log_dir / f"voila-{port}.log"
    if isinstance(page, str) and page in PAGES:
        cmd = voila_command(page, port=port, extra=extra_args, max_kernels=max_kernels)
    else:
        cmd = voila_command(port=port, notebook=page, extra=extra_args, max_kernels=max_kernels)
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=str(folder))
    url = f"http://127.0.0.1:{port}/"
    SERVERS[url] = proc
    try:
        _wait_listening(port, proc, log)
        yield url
    finally:
        SERVERS.pop(url, None)
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def kernel_pids(url: str) -> list[int]:
    """The kernels the Voila server at ``url`` runs now: its child processes (from /proc)."""
    parent = SERVERS[url].pid
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ")"
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == parent:
            pids.append(int(entry.name))
    return pids


def wait_for_kernels(url: str, predicate, timeout: float) -> tuple[int, float]:
    """Poll the kernel count until ``predicate(count)``; returns (count, seconds waited)."""
    t0 = time.monotonic()
    while True:
        count = len(kernel_pids(url))
        if predicate(count) or time.monotonic() - t0 > timeout:
            return count, time.monotonic() - t0
        time.sleep(0.5)


def log_of(url: str, log_dir: Path) -> Path:
    """The log file of the Voila server at ``url`` started by :func:`voila` with ``log_dir``."""
    return log_dir / f"voila-{url.rstrip('/').rsplit(':', 1)[1]}.log"


def wait_for_pool(url: str, log_dir: Path, fills: int, timeout: float = 120.0) -> None:
    """Wait until Voila has (re)filled its preheated kernel pool ``fills`` times in all."""
    log = log_of(url, log_dir)
    deadline = time.monotonic() + timeout
    while log.read_text(errors="replace").count("is filled with") < fills:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the kernel pool was not refilled within {timeout} s")
        time.sleep(0.1)


def fetch(url: str) -> tuple[int, str]:
    """Status and body of a GET (errors included), with no proxy."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=120) as resp:
            return resp.status, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


@contextlib.contextmanager
def chromium() -> Iterator:
    """A headless Debian Chromium driven by Playwright (no downloaded browser)."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        raise RuntimeError(f"{CHROMIUM} is missing: install Debian's chromium (scripts/test.sh does)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


class PageWatch:
    """Console errors, page errors and the requests a page makes."""

    def __init__(self, page):
        self.page = page
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def external_requests(self, base: str) -> list[str]:
        """Requests that left the page's own server (blob: and data: URLs stay in the browser)."""
        return [u for u in self.requests if not u.startswith((base.rstrip("/"), "blob:", "data:"))]


RADAR_PATH = ".js-plotly-plot .scatterlayer .trace path.js-line"
BANNER = ".rw-banner-status"

# Untrusted text that must show as text everywhere
SCRIPT = "<script>window.__pwned = 'script'</script>"
IMG = "<img src=x onerror=\"window.__pwned = 'img'\">"
HOSTILE_PILOT = f"Pilot {SCRIPT} {IMG}"
HOSTILE_NOTES = f"Notes {IMG} and {SCRIPT} </script><script>window.__pwned = 'close'</script>"


def hostile_assessment(path: Path) -> Path:
    """A saved assessment whose pilot, respondent and notes carry script and onerror payloads."""
    from readiness_widgets.demo import demo_assessment

    a = demo_assessment(pilot=HOSTILE_PILOT, respondents=[f"Eve {IMG}"])
    first = next(q for q in a.bank.questions if a.value(q.id) not in (None, "na"))
    a.answer(first.id, notes=HOSTILE_NOTES)
    return a.save(path, force=True)


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
