"""Processes that hammer one store: concurrent savers, and savers killed with SIGKILL mid-save.

Used by tests/test_store_concurrency.py on every backend, and runnable to print the figures:

    python tests/store_workers.py sqlite:///tmp/x.db --procs 8 --cycles 50
    python tests/store_workers.py ./folder --crashes 50

The processes are forked from a server that has imported the package already (multiprocessing's
``forkserver``), so that 50 killed savers do not pay 50 interpreter starts.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing as mp
import os
import random
import re
import signal
import time

QUESTION = "data.pipeline_reliability"  # a question of the bundled bank
PILOT = "shared"
_PRELOAD = ["readiness_widgets.store", "readiness_widgets.store.base", "readiness_widgets.store.folder",
            "readiness_widgets.store.sql", "readiness_widgets.bank", "sqlalchemy", "psycopg", "alembic.command",
            "alembic.config", "alembic.runtime.migration", "alembic.script"]


def _context():
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload([m for m in _PRELOAD if _importable(m)])
    return ctx


def _importable(name: str) -> bool:
    from importlib.util import find_spec

    try:
        return find_spec(name) is not None
    except ImportError:
        return False


def _notes(document: dict) -> str:
    return (document.get("answers") or {}).get(QUESTION, {}).get("notes", "")


def _with_token(document: dict, token: str) -> dict:
    doc = dict(document)
    answers = dict(doc.get("answers") or {})
    answer = dict(answers.get(QUESTION) or {"value": 2})
    answer["notes"] = answer.get("notes", "") + token
    answers[QUESTION] = answer
    doc["answers"] = answers
    return doc


def _with_note(document: dict, token: str) -> dict:
    """The document with ``token`` as the notes (they stay short however many saves are made)."""
    doc = _with_token(document, "")
    doc["answers"][QUESTION]["notes"] = token
    return doc


def new_pilot(url: str) -> None:
    from readiness_widgets.assessment import Assessment
    from readiness_widgets.store import open_store

    with open_store(url) as store:
        a = Assessment.new("Concurrent savers")
        a.answer(QUESTION, 2)
        store.save(PILOT, a, base=None, source="api", saved_by="setup")


# ---- concurrent savers ------------------------------------------------------------------------


def saver(url: str, name: str, cycles: int, go, results) -> None:
    """``cycles`` read-modify-save cycles: each reports (token, revision it read, revision it made or None)."""
    from readiness_widgets.store import StoreConflictError, open_store

    accepted, refused, errors = [], [], []
    store = open_store(url)
    go.wait()
    for i in range(cycles):
        token = f"[{name}.{i}]"
        try:
            head = store.get(PILOT)
            rev = store.save(PILOT, _with_token(head.document, token), base=head.number, source="api", saved_by=name)
        except StoreConflictError as exc:
            refused.append((token, exc.base, exc.head))
        except Exception as exc:  # anything else fails the test, reported as such
            errors.append(f"{token}: {type(exc).__name__}: {exc}")
        else:
            accepted.append((token, head.number, rev.number))
    store.close()
    results.put({"accepted": accepted, "refused": refused, "errors": errors})


def run_concurrency(url: str, procs: int = 8, cycles: int = 50) -> dict:
    """Run ``procs`` savers of ``cycles`` cycles each on one pilot; check the store afterwards."""
    from readiness_widgets.store import open_store
    from readiness_widgets.store.base import doc_signature, normalize

    new_pilot(url)
    ctx = _context()
    go, results = ctx.Event(), ctx.Queue()
    children = [ctx.Process(target=saver, args=(url, f"p{p}", cycles, go, results)) for p in range(procs)]
    for c in children:
        c.start()
    time.sleep(0.5)
    t0 = time.monotonic()
    go.set()
    outcomes = [results.get(timeout=600) for _ in children]
    for c in children:
        c.join(60)
    elapsed = time.monotonic() - t0
    accepted = [a for o in outcomes for a in o["accepted"]]
    refused = [r for o in outcomes for r in o["refused"]]
    with open_store(url) as store:
        history = store.history(PILOT)
        revisions = {r.number: store.get(PILOT, r.number) for r in history}
        head = store.get(PILOT)
    by_token = {}
    corrupt = []
    for number, rev in revisions.items():
        doc = rev.document
        try:
            if normalize(doc, "check") != doc or doc_signature(doc) != rev.signature:
                corrupt.append(number)
        except Exception:
            corrupt.append(number)
        if number > 1:
            by_token[_notes(doc)[len(_notes(revisions[number - 1].document)):]] = rev
    lost = [t for t, _base, made in accepted if t not in by_token or by_token[t].number != made]
    wrong_base = [t for t, base, made in accepted if t in by_token and by_token[t].base != base]
    refused_but_written = [t for t, _b, _h in refused if t in by_token]
    return {
        "saves": procs * cycles,
        "accepted": len(accepted),
        "refused": len(refused),
        "errors": [e for o in outcomes for e in o["errors"]],
        "revisions": len(history),
        "numbers_contiguous": [r.number for r in history] == list(range(1, len(history) + 1)),
        "lost": lost,
        "wrong_base": wrong_base,
        "refused_but_written": refused_but_written,
        "corrupt": corrupt,
        "final_is_last_accepted": head.number == max((m for _t, _b, m in accepted), default=1)
        and _notes(head.document) == "".join(t for t, _b, _m in sorted(accepted, key=lambda a: a[2])),
        "elapsed": elapsed,
    }


# ---- savers killed mid-save ------------------------------------------------------------------------


def crash_saver(url: str, started) -> None:
    """Save new revisions of the pilot as fast as possible until killed."""
    from readiness_widgets.store import StoreConflictError, open_store

    store = open_store(url)
    i = 0
    while True:
        head = store.get(PILOT)
        with contextlib.suppress(StoreConflictError):  # one saver at a time here: never raised
            store.save(PILOT, _with_note(head.document, f"[k{os.getpid()}.{i}]"), base=head.number, source="api")
        if i == 0:
            started.set()  # one save done: from now on it is saving whenever it is killed
        i += 1


def check_store(url: str, before: int) -> dict:
    """Open the store after a kill: the pilot's latest revision is complete and not older than ``before``."""
    from readiness_widgets.store import open_store
    from readiness_widgets.store.base import doc_signature, normalize

    with open_store(url) as store:
        head = store.get(PILOT)
        ok = normalize(head.document, "check") == head.document and doc_signature(head.document) == head.signature
        previous = store.get(PILOT, head.number - 1) if head.number > 1 else None
        note = re.compile(r"(\[k\d+\.\d+\])?")
        chained = note.fullmatch(_notes(head.document)) is not None and (previous is None or note.fullmatch(_notes(previous.document)))
        integrity = "ok"
        if url.startswith("sqlite:"):
            from sqlalchemy import text

            with store.engine.connect() as conn:
                integrity = conn.execute(text("PRAGMA integrity_check")).scalar()
        folder_file = None
        if hasattr(store, "root"):  # the folder backend: the file is the latest revision, or one behind it
            import json

            on_disk = json.loads((store.root / f"{PILOT}.json").read_text(encoding="utf-8"))
            folder_file = "new" if on_disk == head.document else "one behind" if previous and on_disk == previous.document else "other"
    return {"head": head.number, "valid": ok and chained and integrity == "ok" and folder_file != "other",
            "went_back": head.number < before, "file": folder_file}


def run_crashes(url: str, times: int = 50, seed: int = 0) -> dict:
    """Kill a saver with SIGKILL ``times`` times at random moments; check the store after each."""
    rng = random.Random(seed)
    new_pilot(url)
    ctx = _context()
    head, outcomes = 1, []
    for _ in range(times):
        started = ctx.Event()
        child = ctx.Process(target=crash_saver, args=(url, started))
        child.start()
        if not started.wait(60):
            raise RuntimeError("the saver did not start")
        time.sleep(rng.uniform(0.0, 0.15))
        if child.exitcode is not None:
            raise RuntimeError(f"the saver stopped by itself (exit code {child.exitcode}) before it was killed")
        os.kill(child.pid, signal.SIGKILL)
        child.join(30)
        result = check_store(url, head)
        outcomes.append(result)
        head = result["head"]
    return {
        "kills": times,
        "valid": sum(o["valid"] for o in outcomes),
        "went_back": sum(o["went_back"] for o in outcomes),
        "revisions": head,
        "folder_file_one_behind": sum(o["file"] == "one behind" for o in outcomes),
        "outcomes": outcomes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="a new, empty store")
    parser.add_argument("--procs", type=int, default=8)
    parser.add_argument("--cycles", type=int, default=50)
    parser.add_argument("--crashes", type=int, default=0, help="kill a saver this many times instead")
    args = parser.parse_args()
    if args.crashes:
        r = run_crashes(args.url, args.crashes)
        print(f"{r['kills']} savers killed: the store opened with a complete latest revision {r['valid']} times, "
              f"went back {r['went_back']} times; {r['revisions']} revisions at the end"
              + (f"; the file was one revision behind its record {r['folder_file_one_behind']} times" if r["folder_file_one_behind"] else ""))
        return
    r = run_concurrency(args.url, args.procs, args.cycles)
    print(f"{args.procs} processes x {args.cycles} saves: {r['accepted']} accepted, {r['refused']} refused (conflict error), "
          f"{r['revisions']} revisions, {len(r['lost'])} lost, {len(r['refused_but_written'])} refused but written, "
          f"{len(r['corrupt'])} corrupt, {len(r['errors'])} other errors, final = last accepted: {r['final_is_last_accepted']}, "
          f"in {r['elapsed']:.1f} s")
    for e in r["errors"][:5]:
        print("  error:", e)


if __name__ == "__main__":
    main()
