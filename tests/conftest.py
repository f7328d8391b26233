"""Shared fixtures. Test files own everything else they need."""

from __future__ import annotations

import contextlib
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


def _copy_demo_portfolio(folder: Path) -> Path:
    from readiness_widgets.demo import demo_portfolio_folder

    shutil.copytree(demo_portfolio_folder(), folder)
    return folder


@pytest.fixture
def portfolio_dir(tmp_path):
    """A private copy of the bundled demo portfolio (12 pilots, 2-3 revisions each)."""
    return _copy_demo_portfolio(tmp_path / "portfolio")


@pytest.fixture(scope="module")
def shared_portfolio_dir(tmp_path_factory):
    """The same, one copy per test module: for tests that only read it."""
    return _copy_demo_portfolio(tmp_path_factory.mktemp("shared") / "portfolio")


@pytest.fixture(scope="module")
def portfolio(shared_portfolio_dir):
    """The demo portfolio, evaluated once per module."""
    from readiness_widgets.pilots import FolderPilots
    from readiness_widgets.portfolio_result import evaluate_portfolio

    return evaluate_portfolio(FolderPilots(shared_portfolio_dir))


@pytest.fixture
def no_popen(monkeypatch):
    """Fail the test if anything tries to start a process (Voila)."""

    def popen(*args, **kwargs):
        raise AssertionError(f"subprocess.Popen called: {args!r}")

    monkeypatch.setattr("subprocess.Popen", popen)

@pytest.fixture
def voila_started(monkeypatch) -> dict:
    """Record the command and environment ``readiness dashboard`` would start Voila with, instead
    of starting it (``cmd`` and ``env`` of the last start; the real server has its own tests)."""
    started: dict = {}

    class RecordedVoila:
        def __init__(self, cmd, env):
            started.update(cmd=cmd, env=env)

        def wait(self, timeout=None):
            return 0

    monkeypatch.setattr("subprocess.Popen", RecordedVoila)
    return started


# ---- stores: the same tests on a folder, SQLite and PostgreSQL ---------------------------------

STORE_BACKENDS = ("folder", "sqlite", "postgresql")
ENV_TEST_POSTGRES = "READINESS_TEST_POSTGRES"


@pytest.fixture(scope="session")
def postgres_server():
    """The URL of the throwaway PostgreSQL cluster scripts/test.sh starts (a Unix socket, no port)."""
    import os

    url = os.environ.get(ENV_TEST_POSTGRES)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"${ENV_TEST_POSTGRES} is not set: scripts/test.sh starts PostgreSQL for the store tests")
        pytest.skip(f"no PostgreSQL: run the tests through scripts/test.sh, or set ${ENV_TEST_POSTGRES}")
    return url


@contextlib.contextmanager
def fresh_database(server: str):
    """A new, empty database on the test cluster; dropped afterwards."""
    import uuid

    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    name = f"rw_{uuid.uuid4().hex[:16]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')  # a generated identifier, no user input
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def new_store_url(kind: str, tmp_path: Path, request) -> str:
    if kind == "folder":
        return str(tmp_path / f"store-{len(list(tmp_path.iterdir()))}")
    if kind == "sqlite":
        return f"sqlite:///{tmp_path}/store-{len(list(tmp_path.iterdir()))}.db"
    server = request.getfixturevalue("postgres_server")
    stack = contextlib.ExitStack()
    request.addfinalizer(stack.close)
    return stack.enter_context(fresh_database(server))


@pytest.fixture(params=STORE_BACKENDS)
def store_url(request, tmp_path):
    """The URL of a new, empty store of each backend in turn."""
    return new_store_url(request.param, tmp_path, request)


@pytest.fixture
def make_store_url(request, tmp_path):
    """``make_store_url(kind)``: another new, empty store of that backend."""
    return lambda kind: new_store_url(kind, tmp_path, request)
