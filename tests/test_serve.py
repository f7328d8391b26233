"""The ``readiness dashboard`` launcher (readiness_widgets.serve) and the hardened Voila settings.

Tested on the command line it builds and on the settings the real Voila application reads from
it; ``subprocess.Popen`` is never called except by the SIGTERM tests, which start a real process.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("anywidget")


from dashboard_helpers import (
    ROOT,
    TEMPLATE_DIR,
    _preheated,
    _removed_by_replace,
    _voila_as_launched,
)

from readiness_widgets.cli import main
from readiness_widgets.demo import dashboards_dir
from readiness_widgets.errors import InputError, ReadinessError
from readiness_widgets.portfolio import ENV_FOLDER, FolderError
from readiness_widgets.serve import (
    ENV_FORM_FILE,
    PAGES,
    form_path,
    serve,
    voila_command,
    voila_config_dir,
    voila_environment,
    voila_settings,
)


def test_voila_command_serves_the_notebook_with_our_config_only():
    cmd = voila_command("dashboard", port=1234)
    assert cmd[:3] == [sys.executable, "-m", "readiness_widgets.voila_app"]  # Voila with our guards
    assert "--BoundedKernelManager.max_kernels=8" in cmd
    assert "--BoundedKernelManager.max_kernels=3" in voila_command("dashboard", max_kernels=3)
    assert Path(cmd[3]) == dashboards_dir() / PAGES["dashboard"]
    assert Path(cmd[3]).is_file()
    assert "--port=1234" in cmd
    assert "--no-browser" in cmd
    config = [a for a in cmd if "config_file_paths" in a or "config_file" in a.lower()]
    assert config == [f"--Voila.config_file_paths={voila_config_dir()}"]
    assert (voila_config_dir() / "voila.json").is_file()
    assert not any(a.startswith(("--ip", "--Voila.ip")) for a in cmd)  # 127.0.0.1 comes from voila.json
    form = voila_command("self-assessment", port=8870)
    assert Path(form[3]) == dashboards_dir() / PAGES["self-assessment"]
    assert "--port=8870" in form
    assert voila_command(notebook="x.ipynb", extra=["--debug"])[3:4] == ["x.ipynb"]
    assert voila_command(notebook="x.ipynb", extra=["--debug"])[-1] == "--debug"


def test_voila_reads_our_settings_from_the_command_line(tmp_path, monkeypatch):
    (tmp_path / "voila.json").write_text(json.dumps({"VoilaConfiguration": {"strip_sources": False}}))
    monkeypatch.chdir(tmp_path)  # a voila.json in the current folder is not read
    app, config = _voila_as_launched("dashboard", port=1234)
    assert app.config_file_paths == [str(voila_config_dir())]
    assert app.port == 1234
    assert app.open_browser is False
    assert app.ip == "127.0.0.1"
    assert app.port_retries == 0
    assert config.strip_sources is True
    assert config.show_tracebacks is False
    assert config.template == "readiness"
    assert config.file_denylist == [".*"]


def test_the_dashboard_is_preheated_and_the_form_is_not():
    """Preheating paints the dashboard sooner (bench_dashboard); see PAGE_OPTIONS in dashboard.py."""
    assert _preheated("dashboard")
    assert _preheated("portfolio")
    assert not _preheated("self-assessment")  # a preheated form would create its file unasked


def test_the_portfolio_page_is_served_like_the_dashboard_on_the_demo_portfolio(voila_started, monkeypatch, capsys):
    pytest.importorskip("voila")
    from readiness_widgets.demo import demo_portfolio_folder

    assert main(["dashboard", "--page", "portfolio", "--port", "8898"]) == 0
    assert voila_started["cmd"] == voila_command("portfolio", port=8898)
    assert Path(voila_started["cmd"][3]) == dashboards_dir() / "portfolio.ipynb"
    assert voila_started["env"][ENV_FOLDER] == str(demo_portfolio_folder().resolve())
    assert "serving the portfolio" in capsys.readouterr().out


def test_voila_environment(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "box").mkdir()
    monkeypatch.setenv("JUPYTER_PATH", "/elsewhere")
    env = voila_environment("box", form_file="mine.json")
    assert env[ENV_FOLDER] == str((tmp_path / "box").resolve())
    assert Path(env[ENV_FOLDER]).is_absolute()
    paths = env["JUPYTER_PATH"].split(os.pathsep)
    assert paths == [str(voila_config_dir() / "jupyter"), "/elsewhere"]
    assert (Path(paths[0]) / "voila" / "templates" / "readiness" / "index.html.j2").is_file()
    assert env[ENV_FORM_FILE] == "mine.json"
    monkeypatch.delenv("JUPYTER_PATH")
    env = voila_environment(tmp_path / "box")
    assert env["JUPYTER_PATH"] == str(voila_config_dir() / "jupyter")


def test_our_template_is_found_first_and_builds_on_lab(tmp_path, monkeypatch):
    pytest.importorskip("voila")
    from voila.paths import collect_template_paths

    monkeypatch.setenv("JUPYTER_PATH", voila_environment(tmp_path)["JUPYTER_PATH"])
    paths = collect_template_paths(["voila", "nbconvert"], "readiness")
    assert Path(paths[0]) == TEMPLATE_DIR
    assert any(Path(p).parts[-2:] == ("templates", "lab") for p in paths)  # conf.json: base_template lab


def test_form_path(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_FOLDER, str(tmp_path))
    monkeypatch.setenv(ENV_FORM_FILE, "pilot.json")
    assert form_path() == tmp_path.resolve() / "pilot.json"
    monkeypatch.delenv(ENV_FORM_FILE)
    assert form_path() == tmp_path.resolve() / "self-assessment.json"
    for bad in ("../x.json", "/etc/x.json", "x.txt"):
        monkeypatch.setenv(ENV_FORM_FILE, bad)
        with pytest.raises(FolderError, match="refused"):
            form_path()
    monkeypatch.delenv(ENV_FOLDER)
    monkeypatch.delenv(ENV_FORM_FILE)
    monkeypatch.chdir(tmp_path)
    assert form_path() == tmp_path.resolve() / "self-assessment.json"


@pytest.mark.parametrize(
    ("page", "folder", "kw", "error", "match"),
    [
        ("dashboard", "MISSING", {}, FolderError, "not a folder of assessments"),
        ("dashboard", "TMP", {"port": 0}, InputError, "1-65535, got 0"),
        ("dashboard", "TMP", {"port": 70000}, InputError, "1-65535, got 70000"),
        ("self-assessment", "TMP", {"form_file": "../x.json"}, FolderError, "refused"),
        ("self-assessment", "TMP", {"form_file": "/tmp/x.json"}, FolderError, "refused"),
        ("self-assessment", "MISSING", {}, FolderError, "not a folder of assessments"),
    ],
)
def test_serve_refuses_bad_input_before_starting_anything(tmp_path, no_popen, page, folder, kw, error, match):
    pytest.importorskip("voila")
    folder = tmp_path / "missing" if folder == "MISSING" else tmp_path
    with pytest.raises(error, match=match) as info:
        serve(page, folder, **kw)
    assert isinstance(info.value, ReadinessError)
    assert "\n" not in str(info.value)


def test_serve_starts_voila_with_our_command_and_environment(voila_started, tmp_path, monkeypatch, capsys):
    pytest.importorskip("voila")
    assert serve("dashboard", tmp_path, port=8899) == 0
    assert voila_started["cmd"] == voila_command("dashboard", port=8899)
    assert voila_started["env"][ENV_FOLDER] == str(tmp_path.resolve())
    assert "http://127.0.0.1:8899/" in capsys.readouterr().out


def test_cli_dashboard_on_a_missing_folder_exits_2_with_one_line(no_popen, capsys):
    assert main(["dashboard", "/nonexistent-readiness-folder"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("readiness: ")
    assert "/nonexistent-readiness-folder" in err
    assert "not a folder of assessments" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--port", "70000"], "1-65535, got 70000"),
        (["--port", "eighty"], "invalid int value"),
        (["--page", "admin"], "invalid choice"),
        (["--page", "self-assessment", "--preheat"], "only the dashboard and portfolio pages can be preheated"),
        (["--max-kernels", "1"], "--max-kernels: expected at least 2"),
        (["--page", "portfolio", "--max-kernels", "1"], "--max-kernels: expected at least 2"),
        (["--max-kernels", "many"], "invalid int value"),
    ],
)
def test_cli_dashboard_bad_options_exit_2(tmp_path, no_popen, capsys, monkeypatch, argv, expected):
    monkeypatch.setattr("readiness_widgets.serve.find_spec", lambda name: object())  # Voila "installed"
    assert main(["dashboard", str(tmp_path), *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert expected in err
    assert "Traceback" not in err


def test_cli_dashboard_help_lists_the_options(capsys):
    with pytest.raises(SystemExit) as info:
        main(["dashboard", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for option in ("FOLDER", "--port", "--page", "--file", "--no-preheat", "--max-kernels", "--token", "dashboard",
                   "self-assessment", "127.0.0.1"):
        assert option in out


def test_voila_json_is_hardened():
    s = voila_settings()
    v, c = s["Voila"], s["VoilaConfiguration"]
    assert v["ip"] == "127.0.0.1"
    assert v["port_retries"] == 0
    assert v["open_browser"] is False
    assert c["strip_sources"] is True
    assert c["show_tracebacks"] is False
    assert c["allow_template_override"] == "NO"
    assert c["allow_theme_override"] == "NO"
    assert c["template"] == "readiness"
    assert c["file_allowlist"] == []
    assert c["file_denylist"] == [".*"]
    assert c["preheat_kernel"] is True
    assert "jupyterlab-plotly" in c["extension_denylist"]  # our figures are anywidgets (PlotlyView, FigureWidget)
    assert c["default_pool_size"] == 1
    kernels = s["MappingKernelManager"]
    # a page closed without Voila's beacon (a crash, a killed browser) frees its kernel within 60 s
    assert kernels["cull_idle_timeout"] + kernels["cull_interval"] <= 60
    assert kernels["cull_connected"] is False  # a page still open keeps its kernel
    assert v["tornado_settings"]["allow_remote_access"] is False  # Jupyter's own Host check, too
    headers = v["tornado_settings"]["headers"]
    assert "frame-ancestors 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_every_voila_setting_is_one_voila_knows():
    """A misspelt or misplaced key would be ignored silently by traitlets."""
    pytest.importorskip("voila")
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
    from voila.app import Voila
    from voila.configuration import VoilaConfiguration
    from voila.voila_kernel_manager import voila_kernel_manager_factory

    kernel_manager = voila_kernel_manager_factory(AsyncMappingKernelManager, True, 1)
    classes = {
        "Voila": Voila,
        "VoilaConfiguration": VoilaConfiguration,
        "MappingKernelManager": kernel_manager,  # the section applies to Voila's subclass
        "VoilaKernelManager": kernel_manager,
    }
    assert "MappingKernelManager" in kernel_manager.section_names()
    for section, values in voila_settings().items():
        assert section in classes, f"unknown section {section}"
        known = set(classes[section].class_trait_names(config=True))
        assert set(values) <= known, f"{section}: {sorted(set(values) - known)}"


def test_template_extends_voila_lab_and_loads_nothing_from_a_cdn():
    template = (TEMPLATE_DIR / "index.html.j2").read_text(encoding="utf-8")
    assert json.loads((TEMPLATE_DIR / "conf.json").read_text())["base_template"] == "lab"
    assert re.search(r"\{%-?\s*extends\s+'voila/templates/lab/index\.html\.j2'\s*-?%\}", template)
    # the only URLs in it are the CDN stylesheets it strips from Voila's page
    removed = _removed_by_replace(template)
    assert removed
    assert all("https://" in r for r in removed)
    rest = template
    for r in removed:
        rest = rest.replace(r, "")
    assert "http://" not in rest
    assert "https://" not in rest
    assert re.search(r"block html_head_js_mermaidjs\s*-?%\}\s*\{%-?\s*endblock", template)  # Mermaid CDN import gone


def test_template_strips_what_voila_lab_really_loads():
    """After a Voila upgrade, a changed <link> would no longer be removed: catch it here."""
    pytest.importorskip("voila")
    from jupyter_core.paths import jupyter_path

    lab = next((Path(p) / "voila" / "templates" / "lab" / "index.html.j2" for p in jupyter_path()
                if (Path(p) / "voila" / "templates" / "lab" / "index.html.j2").is_file()), None)
    if lab is None:
        pytest.skip("Voila's lab template is not installed")
    ours = _removed_by_replace((TEMPLATE_DIR / "index.html.j2").read_text(encoding="utf-8"))
    theirs = lab.read_text(encoding="utf-8")
    cdn_links = re.findall(r"<link [^>]*href=\"https?://[^>]*>", theirs)
    assert sorted(cdn_links) == sorted(ours)


def test_pyproject_dashboard_extra_requires_voila():
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "voila>=0.5.6" in project["optional-dependencies"]["dashboard"]


def test_preheat_is_an_option_of_the_dashboard_page_only(tmp_path, no_popen, monkeypatch, capsys):
    from readiness_widgets.serve import NO_PREHEAT, serve

    with pytest.raises(ReadinessError, match="only the dashboard and portfolio pages can be preheated"):
        serve("self-assessment", tmp_path, preheat=True)
    seen = []

    class Proc:
        def __init__(self, cmd, env):
            seen.append(cmd)

        def wait(self):
            return 0

    monkeypatch.setattr("subprocess.Popen", Proc)
    assert serve("dashboard", tmp_path, preheat=True) == 0
    assert not any("preheat" in a for a in seen[0])  # voila.json preheats the dashboard already
    assert serve("dashboard", tmp_path, preheat=False) == 0
    assert seen[1][-len(NO_PREHEAT):] == NO_PREHEAT
    assert serve("self-assessment", tmp_path) == 0
    assert seen[2][-len(NO_PREHEAT):] == NO_PREHEAT


def test_serve_passes_sigterm_on_to_voila(tmp_path, monkeypatch):
    import signal

    from readiness_widgets.serve import serve

    sent = []

    class Proc:
        def __init__(self, cmd, env):
            pass

        def send_signal(self, signum):
            sent.append(signum)

        def wait(self, timeout=None):
            os.kill(os.getpid(), signal.SIGTERM)  # as a service manager would stop us
            return 0

    def not_forwarded(signum, _frame):
        sent.append(("not forwarded", signum))

    before = signal.signal(signal.SIGTERM, not_forwarded)  # a regression fails here, not the test run
    try:
        monkeypatch.setattr("subprocess.Popen", Proc)
        assert serve("dashboard", tmp_path) == 0
        assert sent == [signal.SIGTERM]
        assert signal.getsignal(signal.SIGTERM) is not_forwarded  # serve's handler is gone again
    finally:
        signal.signal(signal.SIGTERM, before)


@pytest.mark.slow
def test_sigterm_to_readiness_dashboard_stops_voila_too(tmp_path):
    """No Voila (nor its kernels) is left running when `readiness dashboard` is terminated."""
    import signal
    import socket
    import subprocess
    import time

    pytest.importorskip("voila")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    def listening() -> bool:
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", port)) == 0

    cmd = [sys.executable, "-m", "readiness_widgets.cli", "dashboard", str(tmp_path), "--port", str(port), "--no-preheat"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not listening():
            assert proc.poll() is None, "readiness dashboard exited early"
            assert time.monotonic() < deadline, "Voila did not start listening"
            time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 15
        while listening():
            assert time.monotonic() < deadline, "Voila is still listening after readiness dashboard stopped"
            time.sleep(0.2)
    finally:
        if proc.poll() is None:
            proc.kill()


def test_serve_passes_the_kernel_cap_and_a_generated_token_outside_the_command_line(voila_started, tmp_path, monkeypatch, capsys):
    pytest.importorskip("voila")
    from readiness_widgets.serve import ENV_TOKEN

    monkeypatch.setenv(ENV_TOKEN, "inherited-not-used")
    assert serve("dashboard", tmp_path, port=8899, max_kernels=3, token=True) == 0
    token = voila_started["env"][ENV_TOKEN]
    assert len(token) >= 32
    assert token != "inherited-not-used"
    assert not any(token in arg for arg in voila_started["cmd"])  # not visible in ps
    assert voila_started["cmd"] == voila_command("dashboard", port=8899, max_kernels=3)
    assert f"http://127.0.0.1:8899/?token={token}" in capsys.readouterr().out
    assert serve("dashboard", tmp_path, port=8899, token="given") == 0
    assert voila_started["env"][ENV_TOKEN] == "given"
    assert serve("dashboard", tmp_path, port=8899) == 0
    assert ENV_TOKEN not in voila_started["env"]  # no token unless asked for
    assert "?token=" not in capsys.readouterr().out.splitlines()[-1]


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"max_kernels": 0}, "--max-kernels: expected at least 2 .*got 0"),
        ({"max_kernels": 1}, "one of them waits, preheated"),
        ({"max_kernels": 0, "preheat": False}, "--max-kernels: expected at least 1, got 0"),
        ({"token": "two words"}, "--token: expected a token without spaces"),
    ],
)
def test_serve_refuses_a_bad_kernel_cap_or_token(tmp_path, no_popen, kw, match):
    pytest.importorskip("voila")
    with pytest.raises(InputError, match=match):
        serve("dashboard", tmp_path, **kw)


def test_a_single_kernel_is_enough_without_preheating(voila_started, tmp_path, monkeypatch):
    pytest.importorskip("voila")
    assert serve("self-assessment", tmp_path, max_kernels=1) == 0
    assert "--BoundedKernelManager.max_kernels=1" in voila_started["cmd"]


def test_the_voila_app_knows_our_options_and_allows_only_this_machine():
    pytest.importorskip("voila")
    from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine

    from readiness_widgets.voila_app import BoundedKernelManager, ForeignHost, ReadinessVoila, allowed_hosts

    app, _ = _voila_as_launched("dashboard", port=1234)
    assert isinstance(app, ReadinessVoila)
    assert BoundedKernelManager(parent=app).max_kernels == 8
    assert allowed_hosts(1234) == {"127.0.0.1:1234", "localhost:1234", "[::1]:1234"}
    matcher = ForeignHost(app)
    for host, foreign in [("127.0.0.1:1234", False), ("LOCALHOST:1234", False), ("[::1]:1234", False),
                          ("evil.example:1234", True), ("127.0.0.1:1235", True), ("127.0.0.1", True), ("", True)]:
        headers = HTTPHeaders({"Host": host} if host else {})
        version = "HTTP/1.1" if host else "HTTP/1.0"  # only HTTP/1.0 may leave the Host header out
        request = HTTPServerRequest(start_line=RequestStartLine("GET", "/", version), headers=headers)
        assert (matcher.match(request) is not None) is foreign, host


def test_the_busy_page_template_loads_nothing_and_runs_nothing():
    page = (TEMPLATE_DIR / "503.html").read_text(encoding="utf-8")
    assert "The dashboard is busy" in page
    assert "--max-kernels" in page
    for word in ("http://", "https://", "<script", "<link", "src="):
        assert word not in page
