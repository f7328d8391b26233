"""Fixtures of the browser tests: Voila on a free loopback port, Debian's Chromium through Playwright.

Every test here is marked ``browser``. They need ``/usr/bin/chromium`` (scripts/test.sh installs
it); without it they fail with that message rather than being skipped, so CI cannot go green
without having run them. Screenshots go to ``artifacts/screenshots/`` (ignored by git).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from harness import PageWatch, chromium, voila

from readiness_widgets.demo import demo_folder

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"

@pytest.fixture(scope="session")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1300, "height": 950}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(90_000)
    watch = PageWatch(pg)
    pg.watch = watch
    yield pg
    context.close()


@pytest.fixture(scope="session")
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


@pytest.fixture(scope="module")
def demo_copy(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("assessments")
    for f in demo_folder().glob("*.json"):
        shutil.copy(f, folder / f.name)
    return folder


@pytest.fixture(scope="module")
def dashboard_url(demo_copy, tmp_path_factory):
    """The stakeholder dashboard on a copy of the bundled demo, served as `readiness dashboard` does."""
    with voila("dashboard", demo_copy, log_dir=tmp_path_factory.mktemp("logs")) as url:
        yield url


@pytest.fixture
def form_server(tmp_path):
    """Start the self-assessment page on a fresh folder: ``form_server(file_name) -> (url, path)``."""
    started = []

    def start(name: str = "self-assessment.json"):
        ctx = voila("self-assessment", tmp_path, log_dir=tmp_path, form_file=name)
        url = ctx.__enter__()
        started.append(ctx)
        return url, tmp_path / name

    yield start
    for ctx in started:
        ctx.__exit__(None, None, None)
