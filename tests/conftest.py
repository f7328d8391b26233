"""Shared fixtures. Test files own everything else they need."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
ROOT = TESTS.parent
MINI_BANK = TESTS / "banks" / "mini.yaml"


def _demo_folder():
    from readiness_widgets.demo import demo_folder

    return demo_folder()


@pytest.fixture(scope="session")
def bank():
    """The bundled default bank."""
    from readiness_widgets import load_bank

    return load_bank()


@pytest.fixture(scope="session")
def mini_bank():
    """A four-question bank whose numbers are easy to check by hand."""
    from readiness_widgets import load_bank

    return load_bank(MINI_BANK)


@pytest.fixture
def demo(bank):
    """A fresh copy of the demo assessment (partly answered pilot)."""
    from readiness_widgets.demo import demo_assessment

    return demo_assessment(bank)


@pytest.fixture
def demo_file(tmp_path, demo):
    """The demo assessment saved to a temporary file."""
    return demo.save(tmp_path / "demo.json")


@pytest.fixture
def frontend(monkeypatch):
    """The browser's side of every widget made in the test: records what the kernel sends, and
    sends what a browser would (see tests/frontend.py)."""
    from frontend import install

    return install(monkeypatch)


@pytest.fixture
def demo_dir(tmp_path):
    """A private copy of the bundled demo folder (two pilots, one assessed twice)."""
    folder = tmp_path / "assessments"
    shutil.copytree(_demo_folder(), folder)
    return folder


@pytest.fixture
def no_popen(monkeypatch):
    """Fail the test if anything tries to start a process (Voila)."""

    def popen(*args, **kwargs):
        raise AssertionError(f"subprocess.Popen called: {args!r}")

    monkeypatch.setattr("subprocess.Popen", popen)

