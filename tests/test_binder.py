"""Binder: the README's badges open notebooks that exist, and binder/ installs the package."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from readiness_widgets.serve import DEFAULT_MAX_KERNELS, KERNEL_MANAGER, install_server_config, voila_settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BADGES = re.findall(r"\((https://mybinder\.org/v2/gh/[^)\s]+)\)", README)


def test_the_readme_has_a_dashboard_badge_and_a_jupyterlab_badge():
    paths = [parse_qs(urlsplit(url).query)["urlpath"][0] for url in BADGES]
    assert any(p.startswith("voila/render/dashboards/") for p in paths), paths
    assert any(p.startswith("lab/tree/") for p in paths), paths


def test_every_badge_opens_a_notebook_that_exists():
    assert BADGES
    for url in BADGES:
        parts = urlsplit(url)
        assert re.fullmatch(r"/v2/gh/[\w.-]+/[\w.-]+/[\w./-]+", parts.path), url
        urlpath = unquote(parse_qs(parts.query)["urlpath"][0])
        rel = re.sub(r"^(voila/render|lab/tree|tree|notebooks)/", "", urlpath)
        assert rel != urlpath, f"{url}: urlpath should start with voila/render/ or lab/tree/"
        assert rel.endswith(".ipynb"), url
        assert (ROOT / rel).is_file(), f"{url} points to {rel}, which does not exist"


def test_binder_installs_the_package_with_voila():
    post = (ROOT / "binder" / "postBuild").read_text(encoding="utf-8")
    lines = [line.strip() for line in post.splitlines() if line.strip() and not line.startswith("#")]
    assert lines[0].startswith("set -e")
    assert any(re.search(r"pip install .*\"\.\[dashboard\]\"", line) for line in lines)
    assert any("install_server_config" in line for line in lines)
    assert (ROOT / "binder" / "postBuild").stat().st_mode & 0o111, "postBuild must be executable"
    subprocess.run(["bash", "-n", str(ROOT / "binder" / "postBuild")], check=True)


def test_server_config_for_binder_is_merged_and_hardened(tmp_path):
    config = tmp_path / "config"
    config.mkdir()
    (config / "jupyter_server_config.json").write_text(
        json.dumps({"ServerApp": {"ip": "0.0.0.0"}, "VoilaConfiguration": {"show_tracebacks": True}}), encoding="utf-8"
    )
    written, template = install_server_config(config, tmp_path / "data")
    merged = json.loads(written.read_text(encoding="utf-8"))
    assert merged["ServerApp"] == {
        "ip": "0.0.0.0",  # other settings kept
        "kernel_manager_class": KERNEL_MANAGER,
        "tornado_settings": {"mathjax_url": None, "mathjax_config": None},  # no MathJax from a CDN
    }
    assert merged["BoundedKernelManager"] == {"max_kernels": DEFAULT_MAX_KERNELS}  # the cap (tests/test_voila_server.py)
    voila = merged["VoilaConfiguration"]
    assert voila["show_tracebacks"] is False  # ours win
    assert voila["strip_sources"] is True
    assert voila["template"] == "readiness"
    assert "preheat_kernel" not in voila  # a standalone-only feature
    assert merged["MappingKernelManager"] == voila_settings()["MappingKernelManager"]
    assert (template / "index.html.j2").is_file()
    assert (template / "conf.json").is_file()
    assert (template / "503.html").is_file()  # "The dashboard is busy"


def test_a_broken_server_config_is_a_clear_error(tmp_path):
    import pytest

    from readiness_widgets.errors import InputError

    (tmp_path / "jupyter_server_config.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match=r"jupyter_server_config\.json: cannot be read as JSON"):
        install_server_config(tmp_path, tmp_path / "data")
