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


def _stop(proc: subprocess.Popen, grace: float) -> None:
    """Stop a server started by a fixture: terminate, then kill if it has not exited after ``grace`` s."""
    proc.terminate()
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


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
    store: str | None = None,
) -> Iterator[str]:
    """Serve ``page`` (a name from ``PAGES``, or a notebook) as ``readiness dashboard`` does.

    ``store``: serve the pilots of that store (``readiness dashboard --store URL``); ``folder`` is
    then only the server's working folder. Yields ``http://127.0.0.1:PORT/``.
    """
    port = free_port()
    env = voila_environment(folder if store is None else None, form_file=form_file, token=token, store=store)
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
        _stop(proc, 15)


@contextlib.contextmanager
def readiness_dashboard(*args: str, log_dir: Path) -> Iterator[str]:
    """Run the real ``readiness dashboard ARGS --port PORT`` (the CLI, which starts Voila) and yield
    ``http://127.0.0.1:PORT/``; stopped with SIGTERM, which the command passes on to Voila."""
    import sys

    port = free_port()
    env = dict(os.environ)
    env.pop("QUERY_STRING", None)
    log = log_dir / f"voila-{port}.log"
    cmd = [sys.executable, "-m", "readiness_widgets.cli", "dashboard", *args, "--port", str(port)]
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=str(log_dir))
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_listening(port, proc, log)
        yield url
    finally:
        _stop(proc, 20)


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


def wait_until_quiet(url: str, quiet: float = 2.0, timeout: float = 1800.0) -> None:
    """Wait until the kernels of the Voila server at ``url`` have used no CPU for ``quiet`` seconds.

    Voila logs that its pool "is filled" once the preheated kernel has *started* running the
    notebook; a page that takes a minute to build (the portfolio on 10,000 pilots) is ready only
    when its kernel has finished, which this tells from the kernels' CPU time.
    """
    import psutil

    server = psutil.Process(SERVERS[url].pid)
    deadline = time.monotonic() + timeout

    def used() -> float:
        total = 0.0
        for child in server.children(recursive=True):
            try:
                times = child.cpu_times()
            except psutil.Error:
                continue
            total += times.user + times.system
        return total

    last, since = used(), time.monotonic()
    while time.monotonic() - since < quiet:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the kernels of {url} were still busy after {timeout} s")
        time.sleep(0.25)
        now = used()
        if now - last > 0.05:
            last, since = now, time.monotonic()


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


def _where(message) -> str:
    loc = message.location or {}
    return f"{loc.get('url', '')}:{loc.get('lineNumber', '')}"


class PageWatch:
    """Console errors, page errors and the requests a page makes."""

    def __init__(self, page):
        self.page = page
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("console", lambda m: self.errors.append(f"{m.text} [{_where(m)}]") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"{e} [{(e.stack or '').splitlines()[1:2]}]"))

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


# ---- JupyterLab and Notebook 7 ---------------------------------------------------------------

JUPYTER_APPS = {"lab": ("jupyterlab", "LabApp", "lab/tree/"), "notebook": ("notebook", "JupyterNotebookApp", "notebooks/")}
# no toast asking to fetch Jupyter news, no update check: nothing leaves the machine
QUIET_SETTINGS = {"@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False}}


def _wait_http(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT * 2
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        with contextlib.suppress(OSError):
            if fetch(url + "api/status")[0] == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {START_TIMEOUT * 2} s")


@contextlib.contextmanager
def jupyter_server(
    client: str,
    root: Path,
    *,
    home: Path,
    config_dir: Path | None = None,
    data_dir: Path | None = None,
) -> Iterator[str]:
    """Start JupyterLab (``client="lab"``) or Notebook 7 (``"notebook"``) on 127.0.0.1 serving ``root``.

    Its config, data, runtime, settings and workspace folders are under ``home`` (temporary), so
    neither the user's Jupyter setup nor another test's is read. No token (loopback only). Yields
    the base URL; the server and its kernels are stopped afterwards.
    """
    import sys

    module, app, _ = JUPYTER_APPS[client]
    port = free_port()
    folders = {name: home / name for name in ("config", "data", "runtime", "settings", "workspaces")}
    if config_dir is not None:
        folders["config"] = config_dir
    if data_dir is not None:
        folders["data"] = data_dir
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    for name, settings in QUIET_SETTINGS.items() if client == "lab" else ():
        target = folders["settings"] / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(settings), encoding="utf-8")
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(folders["config"]),
        "JUPYTER_DATA_DIR": str(folders["data"]),
        "JUPYTER_RUNTIME_DIR": str(folders["runtime"]),
        "JUPYTERLAB_SETTINGS_DIR": str(folders["settings"]),
        "JUPYTERLAB_WORKSPACES_DIR": str(folders["workspaces"]),
    }
    cmd = [
        sys.executable, "-m", module,
        f"--port={port}", "--ip=127.0.0.1", "--no-browser", "--ServerApp.port_retries=0", "--allow-root",
        "--IdentityProvider.token=", "--ServerApp.password=",
        f"--ServerApp.root_dir={root}",
        f"--{app}.user_settings_dir={folders['settings']}",
        f"--{app}.workspaces_dir={folders['workspaces']}",
        f"--{app}.news_url=",
        f"--{app}.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    log = home / f"{client}-{port}.log"
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=str(root))
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_http(url, proc, log)
        yield url
    finally:
        _stop(proc, 20)


def notebook_url(client: str, base: str, name: str) -> str:
    """The page that opens notebook ``name``; in JupyterLab with a fresh layout (``?reset``: the
    notebooks opened before are not opened again in other tabs)."""
    return base + JUPYTER_APPS[client][2] + name + ("?reset" if client == "lab" else "")


def write_notebook(path: Path, *sources: str) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


KERNEL_IDLE = ".jp-Notebook-ExecutionIndicator[data-status='idle']"


def run_first_cell(page, tries: int = 20) -> float:
    """Once the kernel is up, put the cursor in the notebook's first cell and run it (Ctrl+Enter),
    as a user would. Returns ``performance.now()`` in the page when the run was accepted.

    The toolbar can say "idle" a moment before the kernel's session is connected, and a run
    asked for then is dropped: the run is asked for again until the prompt shows it queued.

    The client may ask which kernel to start although the notebook names one: JupyterLab's
    document context asks when the kernel specs had not arrived when it looked for the notebook's
    kernel (a race inside the client, seen once on a loaded machine). Its dialog preselects the
    notebook's kernel; the user presses Select, and so does this. Any other dialog is an error."""
    page.wait_for_selector(f"{KERNEL_IDLE}, .jp-Dialog", state="attached")
    cell = page.locator(".jp-Notebook .jp-Cell:visible").first
    prompt = cell.locator(".jp-InputPrompt")
    for _ in range(tries):
        dialogs = page.locator(".jp-Dialog").all_inner_texts()
        if dialogs and _select_kernel(page, dialogs):
            continue
        if dialogs:  # say what the client asks instead of timing out on a covered cell
            raise RuntimeError(f"the notebook shows a dialog: {dialogs}")
        cell.locator(".cm-content").click(timeout=10_000)
        started = page.evaluate("() => performance.now()")
        page.keyboard.press("Control+Enter")
        try:
            page.wait_for_function(
                "(el) => /\\[(\\*|\\d+)\\]/.test(el.textContent)", arg=prompt.element_handle(), timeout=3000
            )
            return started
        except Exception:  # not queued yet: ask again
            continue
    raise RuntimeError("the notebook never ran its first cell")


def _select_kernel(page, dialogs: list[str]) -> bool:
    """Accept the client's "Select Kernel" dialog if that is the one shown and it offers Python 3
    preselected; then wait for the kernel. False for any other dialog."""
    if len(dialogs) != 1 or not dialogs[0].startswith("Select Kernel") or "Python 3" not in dialogs[0]:
        return False
    chosen = page.locator(".jp-Dialog select").first
    if chosen.count() and "Python 3" not in chosen.evaluate("s => s.options[s.selectedIndex].text"):
        return False
    page.locator(".jp-Dialog .jp-mod-accept").click()
    page.wait_for_selector(".jp-Dialog", state="detached")
    page.wait_for_selector(KERNEL_IDLE, state="attached")
    return True
