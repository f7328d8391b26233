"""``readiness dashboard``: serve the Voila dashboards with the hardened ``voila.json`` we ship.

>>> from readiness_widgets.serve import voila_command
>>> voila_command("dashboard", port=8866)[:3]                   # doctest: +SKIP
['/usr/bin/python3', '-m', 'readiness_widgets.voila_app']

Voila (our :mod:`readiness_widgets.voila_app`, Voila plus a Host check, a kernel cap and the
close beacon's cookie) listens on 127.0.0.1 only and answers only requests addressed to
127.0.0.1, localhost or [::1] on its port. The page's kernel reads the assessments of one folder
(``$READINESS_ASSESSMENTS``, which this command sets); files outside it are refused.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

from .demo import (
    DASHBOARD_NOTEBOOK,
    PORTFOLIO_NOTEBOOK,
    dashboards_dir,
    demo_folder,
    demo_portfolio_folder,
    demo_team_folder,
)
from .errors import InputError, Problem
from .portfolio import ENV_FOLDER, AssessmentFolder
from .store import ENV_STORE, key_for, open_store, store_url

PACKAGE = Path(__file__).resolve().parent
PAGES = {
    "dashboard": DASHBOARD_NOTEBOOK,
    "self-assessment": "self_assessment.ipynb",
    "team": "team_dashboard.ipynb",
    "portfolio": PORTFOLIO_NOTEBOOK,
}
PREHEATED = ("dashboard", "portfolio")
# Extra Voila options per page. voila.json preheats kernels: Voila keeps one kernel with the
# dashboard already built for the next visitor, which paints it over a second sooner
# (benchmarks/bench_dashboard.py). The form is never preheated: it would create its file before
# anyone asked for it.
PREHEAT = ["--VoilaConfiguration.preheat_kernel=True"]
NO_PREHEAT = ["--VoilaConfiguration.preheat_kernel=False"]
PAGE_OPTIONS: dict[str, list[str]] = {"self-assessment": NO_PREHEAT, "team": NO_PREHEAT}
ENV_FORM_FILE = "READINESS_FORM_FILE"
NO_CDN_MATHJAX = {"mathjax_url": None, "mathjax_config": None}
DEFAULT_FORM_FILE = "self-assessment.json"
ENV_TOKEN = "READINESS_DASHBOARD_TOKEN"  # noqa: S105 - the name of a variable; read (and removed) by voila_app
DEFAULT_MAX_KERNELS = 8
KERNEL_MANAGER = "readiness_widgets.voila_app.BoundedKernelManager"


def voila_config_dir() -> Path:
    """The folder holding the ``voila.json`` we ship."""
    return PACKAGE / "voila_config"


def voila_settings() -> dict:
    """The shipped Voila settings, as a mapping (for tests and docs)."""
    return json.loads((voila_config_dir() / "voila.json").read_text(encoding="utf-8"))


def form_path() -> Path:
    """The file the self-assessment page writes: ``$READINESS_FORM_FILE`` in ``$READINESS_ASSESSMENTS``.

    Defaults: ``self-assessment.json`` in the current folder. The name is confined to the folder.
    """
    folder = AssessmentFolder(os.environ.get(ENV_FOLDER) or Path.cwd())
    return folder.resolve(os.environ.get(ENV_FORM_FILE) or DEFAULT_FORM_FILE)


def form_args() -> dict:
    """What the self-assessment page passes to ``assess()``: a pilot of ``$READINESS_STORE``
    (``$READINESS_FORM_FILE`` names its key), else the file of :func:`form_path`."""
    url = store_url()
    if url:
        return {"path": key_for(os.environ.get(ENV_FORM_FILE) or DEFAULT_FORM_FILE), "store": url}
    return {"path": form_path()}


def voila_command(
    page: str = "dashboard",
    *,
    port: int = 8866,
    notebook: str | Path | None = None,
    extra: list[str] | None = None,
    max_kernels: int = DEFAULT_MAX_KERNELS,
) -> list[str]:
    """The command line that serves ``page`` (or another ``notebook``) at ``http://127.0.0.1:PORT/``."""
    if notebook is None:
        notebook, extra = dashboards_dir() / PAGES[page], [*PAGE_OPTIONS.get(page, []), *(extra or [])]
    return [
        sys.executable,
        "-m",
        "readiness_widgets.voila_app",  # Voila, with the Host check and the kernel cap
        str(notebook),
        f"--port={port}",
        "--no-browser",
        # only our voila.json: not one from the current folder or the user's Jupyter config
        f"--Voila.config_file_paths={voila_config_dir()}",
        f"--BoundedKernelManager.max_kernels={max_kernels}",
        *(extra or []),
    ]


def voila_environment(
    folder: str | Path | None, *, form_file: str | None = None, token: str | None = None, store: str | None = None
) -> dict[str, str]:
    """The environment of the Voila server (and so of its kernels; the token is not passed on to them)."""
    env = dict(os.environ)
    env.pop(ENV_TOKEN, None)
    if token:
        env[ENV_TOKEN] = token
    env.pop(ENV_STORE, None)
    if store is not None:
        env[ENV_STORE] = store  # the kernel's environment only: never printed
    if folder is not None:
        env[ENV_FOLDER] = str(Path(folder).resolve())
    # our Voila template ("readiness": the lab template without its CDN stylesheets)
    env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(voila_config_dir() / "jupyter"), env.get("JUPYTER_PATH")]))
    if form_file is not None:
        env[ENV_FORM_FILE] = form_file
    return env


def install_server_config(
    config_dir: str | Path | None = None, data_dir: str | Path | None = None, *, max_kernels: int = DEFAULT_MAX_KERNELS
) -> list[Path]:
    """Make Voila *as a Jupyter server extension* (Binder's ``/voila/render/...``) as hardened as
    ``readiness dashboard``: our ``VoilaConfiguration``, the kernel culling and the kernel cap
    (``max_kernels``, for every kernel of that server) go into ``jupyter_server_config.json``
    (merged, other settings kept) and our template into the Jupyter data folder. Returns the paths.
    Preheated kernels are a feature of the standalone app only and are left out here.
    """
    from jupyter_core.paths import jupyter_config_dir, jupyter_data_dir

    from .storage import atomic_write_text

    config_file = Path(config_dir or jupyter_config_dir()) / "jupyter_server_config.json"
    try:
        current = json.loads(config_file.read_text(encoding="utf-8")) if config_file.exists() else {}
    except (OSError, ValueError) as exc:
        raise InputError("Jupyter server config", [Problem(str(config_file), "", f"cannot be read as JSON: {exc}")]) from None
    if not isinstance(current, dict):
        raise InputError("Jupyter server config", [Problem(str(config_file), "", "expected a JSON object at the top level")])
    ours = voila_settings()
    voila = {k: v for k, v in ours["VoilaConfiguration"].items() if k not in ("preheat_kernel", "default_pool_size")}
    current["VoilaConfiguration"] = {**current.get("VoilaConfiguration", {}), **voila}
    current["MappingKernelManager"] = {**current.get("MappingKernelManager", {}), **ours["MappingKernelManager"]}
    # the kernel cap: a visit beyond it gets a 503 instead of a kernel (the Host check does not
    # apply: Binder's server is reached through its proxy, under JupyterHub's token)
    server = current.setdefault("ServerApp", {})
    server["kernel_manager_class"] = KERNEL_MANAGER
    current["BoundedKernelManager"] = {**current.get("BoundedKernelManager", {}), "max_kernels": max_kernels}
    # Voila as a server extension gives its page MathJax 2 from a CDN unless the server's settings
    # hold no MathJax URL: with none, the page uses the MathJax that JupyterLab bundles
    server["tornado_settings"] = {**server.get("tornado_settings", {}), **NO_CDN_MATHJAX}
    config_file.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(config_file, json.dumps(current, indent=2) + "\n")
    source = voila_config_dir() / "jupyter" / "voila" / "templates" / "readiness"
    target = Path(data_dir or jupyter_data_dir()) / "voila" / "templates" / "readiness"
    target.mkdir(parents=True, exist_ok=True)
    for f in source.iterdir():
        (target / f.name).write_bytes(f.read_bytes())
    return [config_file, target]


def _check_port(port: int) -> None:
    if not 1 <= port <= 65535:
        raise InputError("option", [Problem("--port", "", f"expected a port number 1-65535, got {port}")])


def _check_max_kernels(max_kernels: int, preheated: bool) -> None:
    least = 2 if preheated else 1  # the preheated kernel counts: a visitor needs one more
    if max_kernels < least:
        why = " (one of them waits, preheated, for the next visitor; or pass --no-preheat)" if preheated else ""
        raise InputError("option", [Problem("--max-kernels", "", f"expected at least {least}{why}, got {max_kernels}")])


def serve(
    page: str = "dashboard",
    folder: str | Path | None = None,
    *,
    port: int = 8866,
    form_file: str | None = None,
    preheat: bool | None = None,
    max_kernels: int = DEFAULT_MAX_KERNELS,
    token: str | bool | None = None,
    store: str | None = None,
) -> int:
    """Run Voila in the foreground until Ctrl-C; returns its exit code.

    ``preheat`` (default: on for the dashboard and the portfolio) keeps a kernel with the page
    already built for the next visitor, so that the page paints sooner; ``False`` starts a kernel
    per visit. The form page is never preheated. ``folder`` defaults to the bundled demo (the
    portfolio's: a dozen pilots with their history) or, for the form, the current folder. At most
    ``max_kernels`` kernels run at once (the preheated one included); a visit beyond gets a
    "busy, try again" page. ``token`` (a string, or True for a generated one) makes every page ask
    for it; the URL printed carries it.
    """
    if find_spec("voila") is None:
        raise InputError(
            "installation", [Problem("voila", "", "the dashboard needs Voila: pip install 'readiness-widgets[dashboard]'")]
        )
    _check_port(port)
    if preheat and page not in PREHEATED:
        raise InputError("option", [Problem("--preheat", "", "only the dashboard and portfolio pages can be preheated")])
    if store is not None and folder is not None:
        raise InputError("option", [Problem("--store", "", "give a FOLDER or --store URL, not both")])
    if store is not None:
        if page == "team":
            raise InputError("option", [Problem("--store", "", "the team page reads a team folder, not a store")])
        with open_store(store, create=page not in PREHEATED) as opened:  # refuses a store that cannot be opened
            shown, root = opened.url, None
        if page == "self-assessment":
            key_for(form_file or DEFAULT_FORM_FILE)
    else:
        if folder is None:
            demos = {"dashboard": demo_folder, "portfolio": demo_portfolio_folder, "team": demo_team_folder}
            folder = demos.get(page, Path.cwd)()
        box = AssessmentFolder(folder)  # refuses a missing folder with a clear message
        if page == "self-assessment":
            box.resolve(form_file or DEFAULT_FORM_FILE)  # refuses a name that leaves the folder
        if page == "team":
            from .team import TeamFolder

            TeamFolder(box.root).load()  # refuses a folder that is not a team's, with the reason
        shown, root = box.root, box.root
    _check_max_kernels(max_kernels, page in PREHEATED and preheat is not False)
    if token is True:
        token = secrets.token_urlsafe(24)
    if token is not None and (not isinstance(token, str) or not token.strip() or any(c.isspace() for c in token)):
        raise InputError("option", [Problem("--token", "", "expected a token without spaces")])
    cmd = voila_command(page, port=port, extra=NO_PREHEAT if preheat is False else None, max_kernels=max_kernels)
    url = f"http://127.0.0.1:{port}/" + (f"?token={token}" if token else "")
    print(f"readiness: serving the {page} for {shown} on {url} (Ctrl-C stops it)", flush=True)
    env = voila_environment(root, form_file=form_file, token=token or None, store=store)
    proc = subprocess.Popen(cmd, env=env)  # noqa: S603 - our own argv
    # a service manager stops us with SIGTERM (or SIGHUP): pass it on, so that Voila shuts its
    # kernels (the preheated one included) down instead of being left running without us
    forwarded = [sig for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)) if sig is not None]
    previous = {sig: signal.signal(sig, lambda signum, _frame: proc.send_signal(signum)) for sig in forwarded}
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.send_signal(signal.SIGINT)
        try:
            return proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            return 130
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


# ---- CLI ------------------------------------------------------------------------------------


def cmd_dashboard(args) -> int:
    store = args.store if args.store is not None else (store_url() if args.folder is None else None)
    return serve(
        args.page, args.folder, port=args.port, form_file=args.file, preheat=args.preheat,
        max_kernels=args.max_kernels, token=args.token, store=store or None,
    )


def register_cli(sub) -> None:
    p = sub.add_parser(
        "dashboard",
        help="serve the Voila dashboard on 127.0.0.1, for this machine only (default: the bundled demo assessments)",
        description=(
            "Serve the stakeholder dashboard (or the self-assessment form) with Voila on 127.0.0.1, "
            "using the hardened voila.json shipped with the package."
        ),
    )
    p.add_argument(
        "folder",
        nargs="?",
        metavar="FOLDER",
        help="folder of assessment .json files (dashboard and portfolio default: the bundled demos; "
        "self-assessment default: .); for --page team, a team folder (readiness team new)",
    )
    p.add_argument(
        "--store",
        metavar="URL",
        help="serve the pilots of a store instead of a folder (sqlite:///x.db, postgresql+psycopg://..., a folder; "
        "default: $READINESS_STORE when no FOLDER is given); with --page self-assessment, --file names the pilot",
    )
    p.add_argument("--port", type=int, default=8866, help="port on 127.0.0.1 (default 8866)")
    p.add_argument("--page", choices=sorted(PAGES), default="dashboard", help="which page to serve (default: dashboard)")
    p.add_argument(
        "--file",
        metavar="NAME.json",
        help=f"self-assessment only: the file in FOLDER that the form writes (default {DEFAULT_FORM_FILE})",
    )
    p.add_argument(
        "--preheat",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="dashboard and portfolio: keep a kernel with the page already built for the next visitor, for a "
        "faster first paint (default: on; --no-preheat starts a kernel per visit)",
    )
    p.add_argument(
        "--max-kernels",
        type=int,
        default=DEFAULT_MAX_KERNELS,
        metavar="N",
        help=f"most kernels at once, the preheated one included (default {DEFAULT_MAX_KERNELS}); a visit "
        "beyond gets a 'busy, try again' page",
    )
    p.add_argument(
        "--token",
        nargs="?",
        const=True,
        metavar="TOKEN",
        help="ask every visitor for a token (for a forwarded port): TOKEN, or a generated one; "
        "the URL printed carries it",
    )
    p.set_defaults(func=cmd_dashboard)


__all__ = ["form_args", "form_path", "install_server_config", "serve", "voila_command", "voila_settings"]
