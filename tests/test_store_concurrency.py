"""No lost update and no broken store, on every backend: 8 processes x 50 read-modify-save cycles
on one pilot, and a saver killed with SIGKILL 50 times (tests/store_workers.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import store_workers


@pytest.mark.slow
def test_concurrent_savers_lose_nothing(store_url):
    """Every accepted save is a revision (its token added to the revision it reported, on the base it
    read), every refused save was reported with the conflict error and written nowhere, the revisions
    are 1..n, none is corrupt, and the latest is the last accepted save with every accepted token."""
    r = store_workers.run_concurrency(store_url, procs=8, cycles=50)
    assert r["errors"] == []
    assert r["accepted"] + r["refused"] == 400
    assert r["accepted"] > 0
    assert r["revisions"] == r["accepted"] + 1  # one revision per accepted save, after the first
    assert r["numbers_contiguous"]
    assert r["lost"] == []
    assert r["wrong_base"] == []
    assert r["refused_but_written"] == []
    assert r["corrupt"] == []
    assert r["final_is_last_accepted"]


@pytest.mark.slow
def test_a_saver_killed_mid_save_leaves_the_old_or_the_new_revision(store_url):
    r = store_workers.run_crashes(store_url, times=50)
    assert r["valid"] == 50, [o for o in r["outcomes"] if not o["valid"]]
    assert r["went_back"] == 0
    assert r["revisions"] >= 51  # every saver had saved once before it was killed, in its loop of saves
