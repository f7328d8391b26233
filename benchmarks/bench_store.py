"""Load the latest revision of every pilot of a store and score them all, against a bare read.

    python benchmarks/bench_store.py [--pilots 10000] [--revisions 5] [--repeat 5] [--postgres URL]

Puts ``--pilots`` pilots x ``--revisions`` revisions into a new SQLite store, and into a new
database on PostgreSQL when one is given (``--postgres``, else ``$READINESS_TEST_POSTGRES``, the
cluster scripts/test.sh starts). Then times, median of ``--repeat``:

- (a) the store: ``portfolio_scores(store.answer_table(), bank)``: the latest revision of every
  pilot read from the store's tables (pilots, answers, triage answers), pivoted into the engine's
  frames and scored with ``score_many``;
- (b) the baseline: a bare ``pandas.read_sql`` of the same rows (the same three queries), in the
  same run.

The ratio (a) / (b) is the figure; the target is <= 3. The machine is shared and noisy: only the
ratios matter. For comparison it also times reading the latest documents themselves (JSON).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
import pandas as pd

from readiness_widgets.assessment import SCHEMA_VERSION
from readiness_widgets.bank import EVIDENCE_KINDS, load_bank
from readiness_widgets.history import portfolio_scores
from readiness_widgets.store import PilotHistory, Revision, open_store
from readiness_widgets.store.base import Changes, doc_signature, normalize

SOURCES = ("form", "cli", "scan", "api")


def documents(bank, pilots: int, revisions: int, seed: int = 0):
    """Random, valid assessment documents: every pilot's revisions, as the data model writes them."""
    rng = np.random.default_rng(seed)
    questions = list(bank.questions)
    start = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
    for p in range(pilots):
        triage = {t.id: t.options[int(rng.integers(len(t.options)))].value for t in bank.triage}
        target = [None, "pilot", "production"][int(rng.integers(3))]
        levels = rng.integers(0, 5, size=len(questions))
        revs = []
        for n in range(1, revisions + 1):
            levels = np.minimum(4, levels + (rng.random(len(questions)) < 0.1))
            u = rng.random(len(questions))
            answers = {}
            for q, level, x in zip(questions, levels, u, strict=True):
                if x < 0.12:
                    continue
                value = "dont_know" if x > 0.97 else "na" if x > 0.94 and q.allow_na else int(level)
                answers[q.id] = {"value": value, "evidence": EVIDENCE_KINDS[int(x * 1000) % 3], "notes": "", "links": []}
            when = start + timedelta(days=30 * n, minutes=p)
            doc = {
                "schema_version": SCHEMA_VERSION, "pilot": f"Pilot {p:05d}", "respondents": [f"Owner {p % 97}"],
                "created": start.isoformat().replace("+00:00", "Z"), "updated": when.isoformat().replace("+00:00", "Z"),
                "bank": {"id": bank.id, "version": bank.version}, "target": target, "triage": triage, "answers": answers,
            }
            revs.append(Revision(pilot=f"pilot-{p:05d}", number=n, base=n - 1 or None, saved_at=when, saved_by=f"Owner {p % 97}",
                                 source=SOURCES[n % len(SOURCES)], changes=Changes(), signature=doc_signature(doc),
                                 name=doc["pilot"], document=doc))
        yield PilotHistory(f"pilot-{p:05d}", tuple(revs))


def median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bare_read(store):
    """pandas.read_sql of the rows the store's answer_table reads: the same three queries."""
    from readiness_widgets.store.sql import answer_table_queries

    with store.engine.connect() as conn:
        return [pd.read_sql(q, conn) for q in answer_table_queries()]


def bench(name: str, url: str, bank, histories, repeat: int) -> float:
    store = open_store(url)
    t0 = time.perf_counter()
    store.import_history(histories, validate=False)  # valid by construction; validating takes 1-2 ms a document
    filled = time.perf_counter() - t0
    rows = sum(len(f) for f in bare_read(store))
    scores = portfolio_scores(store.answer_table(), bank)  # warm both, and check them
    assert len(scores) == len(histories)
    assert (scores["status"] != "unscored").all()
    base = median(lambda: bare_read(store), repeat)
    ours = median(lambda: portfolio_scores(store.answer_table(), bank), repeat)
    docs = median(lambda: store.latest(), 1)
    print(f"{name}: {len(histories):,} pilots x {len(histories[0].revisions)} revisions stored in {filled:.0f} s; "
          f"{rows:,} rows read per load; median of {repeat}")
    print(f"  (b) bare pandas.read_sql of the same rows            {base:8.3f} s")
    print(f"  (a) answer_table() + portfolio_scores (score_many)    {ours:8.3f} s   ratio (a)/(b) = {ours / base:.2f}  (target <= 3)")
    print(f"      for comparison: the latest documents (JSON)       {docs:8.3f} s   {docs / base:.1f} x (b)")
    store.close()
    return ours / base


@contextlib.contextmanager
def postgres_database(server: str):
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    name = f"rw_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pilots", type=int, default=10_000)
    parser.add_argument("--revisions", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres", metavar="URL", default=os.environ.get("READINESS_TEST_POSTGRES"),
                        help="a PostgreSQL server to create a throwaway database on (default: $READINESS_TEST_POSTGRES)")
    args = parser.parse_args(argv)
    bank = load_bank()
    t0 = time.perf_counter()
    histories = list(documents(bank, args.pilots, args.revisions))
    sample = histories[0].revisions[-1].document
    assert normalize(sample, "bench") == sample  # made as the data model writes them: imported without validation
    print(f"bank {bank.id} {bank.version}: {bank.summary()}; {args.pilots * args.revisions:,} documents made in "
          f"{time.perf_counter() - t0:.0f} s")
    with tempfile.TemporaryDirectory() as tmp:
        bench("SQLite", f"sqlite:///{Path(tmp) / 'bench.db'}", bank, histories, args.repeat)
    if args.postgres:
        with postgres_database(args.postgres) as url:
            bench("PostgreSQL", url, bank, histories, args.repeat)
    else:
        print("PostgreSQL: not measured (pass --postgres URL, or run it where scripts/test.sh started a cluster)", file=sys.stderr)


if __name__ == "__main__":
    main()
