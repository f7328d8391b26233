"""Concurrent savers: N processes x M read-modify-save cycles on one assessment file.

Each cycle loads the file, appends its own token to one answer's notes and saves. A save either
reports success (its token must then be in the final file) or raises the conflict error; a token
that was reported saved but is missing from the final file is a *lost update*.

Used by tests/test_storage.py (4 x 20 in the default suite, 8 x 50 marked slow) and runnable:

    python tests/savers.py --procs 8 --cycles 50 --fsync 0.005
    python tests/savers.py --code /path/to/an/older/checkout     # the same savers on other code
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUESTION = "data.pipeline_reliability"  # a question of the bundled bank


def worker(path: str, name: str, cycles: int, go: str, out: str, think: float = 0.0, fsync: float = 0.0) -> None:
    """One saver process: wait for ``go`` to exist, then run ``cycles`` read-modify-save cycles.

    ``think`` (seconds): up to that long between reading and saving, as a person editing would.
    ``fsync`` (seconds): what an fsync costs at least, as on a laptop's disk (this machine's
    virtual disk answers in microseconds, which hides the window between check and rename).
    """
    import random

    if fsync:
        real_fsync = os.fsync

        def slow_fsync(fd):
            time.sleep(fsync)
            real_fsync(fd)

        os.fsync = slow_fsync

    from readiness_widgets import Assessment, load_bank
    from readiness_widgets.assessment import AssessmentConflictError

    bank = load_bank()
    accepted, refused, errors = [], [], []
    while not os.path.exists(go):
        time.sleep(0.005)
    for i in range(cycles):
        token = f"[{name}.{i}]"
        try:
            a = Assessment.load(path, bank=bank)
            notes = a.answers[QUESTION].notes if QUESTION in a.answers else ""
            a.answer(QUESTION, notes=notes + token)
            if think:
                time.sleep(random.uniform(0, think))
            a.save()
        except AssessmentConflictError:
            refused.append(token)
        except Exception as exc:  # anything else is a failure of the test, reported as such
            errors.append(f"{token}: {type(exc).__name__}: {exc}")
        else:
            accepted.append(token)
    Path(out).write_text(json.dumps({"accepted": accepted, "refused": refused, "errors": errors}))


def run(
    folder: Path, procs: int, cycles: int, *, think: float = 0.0, fsync: float = 0.0, env: dict | None = None
) -> dict:
    """Run ``procs`` savers of ``cycles`` cycles on a new file in ``folder``; return the counts."""
    from readiness_widgets import Assessment

    path = folder / "shared.json"
    Assessment.new("Concurrent savers").save(path, force=True)
    go = folder / "go"
    children = []
    for p in range(procs):
        out = folder / f"saver-{p}.json"
        code = f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import savers; savers.worker(*sys.argv[1:3], int(sys.argv[3]), *sys.argv[4:6], *map(float, sys.argv[6:8]))"
        cmd = [sys.executable, "-c", code, str(path), f"p{p}", str(cycles), str(go), str(out), str(think), str(fsync)]
        children.append((subprocess.Popen(cmd, env=env, cwd=folder), out))
    time.sleep(0.5 + 0.3 * procs)  # let every process import the package before they all start
    t0 = time.monotonic()
    go.write_text("go")
    results = []
    for child, out in children:
        if child.wait(timeout=600) != 0:
            raise RuntimeError(f"a saver exited with {child.returncode}")
        results.append(json.loads(out.read_text()))
    elapsed = time.monotonic() - t0
    final = json.loads(path.read_text(encoding="utf-8"))["answers"].get(QUESTION, {}).get("notes", "")
    accepted = [t for r in results for t in r["accepted"]]
    refused = [t for r in results for t in r["refused"]]
    return {
        "saves": procs * cycles,
        "accepted": len(accepted),
        "refused": len(refused),
        "errors": [e for r in results for e in r["errors"]],
        "lost": [t for t in accepted if t not in final],
        "refused_but_written": [t for t in refused if t in final],
        "elapsed": elapsed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procs", type=int, default=8)
    parser.add_argument("--cycles", type=int, default=50)
    parser.add_argument("--think", type=float, default=0.0, help="seconds, at most, between read and save")
    parser.add_argument("--fsync", type=float, default=0.0, help="seconds an fsync takes at least")
    parser.add_argument("--code", metavar="DIR", help="run the savers on the readiness_widgets found in DIR")
    args = parser.parse_args()
    env = dict(os.environ, PYTHONPATH=args.code) if args.code else None
    with tempfile.TemporaryDirectory() as tmp:
        r = run(Path(tmp), args.procs, args.cycles, think=args.think, fsync=args.fsync, env=env)
    print(
        f"{args.procs} processes x {args.cycles} saves: {r['accepted']} accepted, {r['refused']} refused "
        f"(conflict error), {len(r['lost'])} lost, {len(r['refused_but_written'])} refused but written, "
        f"{len(r['errors'])} other errors, in {r['elapsed']:.1f} s"
    )
    for e in r["errors"][:5]:
        print("  error:", e)


if __name__ == "__main__":
    main()
