"""Shared fixtures. Test files own everything else they need."""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS = Path(__file__).parent
ROOT = TESTS.parent
MINI_BANK = TESTS / "banks" / "mini.yaml"


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
