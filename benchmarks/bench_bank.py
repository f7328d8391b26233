"""Loading large and hostile banks: an ``extends`` bank against the same bank written flat, and
an alias bomb.

    python benchmarks/bench_bank.py [--questions 3000] [--repeat 3]

1. The bundled bank plus N questions, written out flat (the baseline) and as a bank that
   ``extends: default`` and adds the N questions. Both validate the same questions; the
   extension also reads the bundled bank and merges. Ratio extension ÷ flat, target <= 1.5
   (it was quadratic: 3,000 questions took 52.5 s against 2.7 s flat).
2. A 4 MB bank (under the 5 MB cap) whose question list is a million aliases of one question:
   time and peak memory until it is refused (it took 95.7 s and 6.6 GB, and printed a million
   lines); run in a child process so that its peak memory is its own.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from readiness_widgets import bank as bank_module
from readiness_widgets.bank import bundled_bank_path, load_bank


def extra_questions(n: int, dimension: str) -> list[dict]:
    return [
        {
            "id": f"extra.q{i:05d}",
            "dimension": dimension,
            "text": f"Extra question {i}?",
            "levels": {0: "none", 1: "some", 2: "half", 3: "most", 4: "all"},
            "weight": 1 + i % 3,
            "actions": [{"deliverable": f"Deliverable {i}", "phase": 1 + i % 3, "effort_weeks": 1}],
        }
        for i in range(n)
    ]


def timed_load(path: Path, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        bank_module._CACHE.clear()
        t0 = time.perf_counter()
        load_bank(path)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def alias_bomb(path: Path, size: int = 4_000_000) -> int:
    """A bank whose question list is ``[&q {...}, *q, *q, ...]``, ``size`` bytes; returns the aliases."""
    mini = (Path(__file__).resolve().parents[1] / "tests" / "banks" / "mini.yaml").read_text(encoding="utf-8")
    head = mini[: mini.index("questions:")]
    first = "questions: [&q {id: data.a, dimension: data, text: Question A?, levels: {0: none, 1: some, 2: half, 3: most, 4: all}}"
    n = (size - len(head) - len(first) - 2) // len(", *q")
    path.write_text(head + first + ", *q" * n + "]\n", encoding="utf-8")
    return n


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    default = yaml.safe_load(bundled_bank_path().read_text(encoding="utf-8"))
    added = extra_questions(args.questions, default["dimensions"][0]["id"])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        flat = folder / "flat.yaml"
        flat.write_text(yaml.safe_dump({**default, "questions": default["questions"] + added}, sort_keys=False))
        ext = folder / "ext.yaml"
        ext.write_text(yaml.safe_dump({"extends": "default", "id": "ext", "version": "1", "questions": added}, sort_keys=False))
        assert len(load_bank(flat).questions) == len(load_bank(ext).questions)
        t_flat = timed_load(flat, args.repeat)
        t_ext = timed_load(ext, args.repeat)
        print(f"bank of {len(default['questions']) + args.questions} questions: extends {t_ext:.2f} s ÷ flat {t_flat:.2f} s "
              f"= {t_ext / t_flat:.2f} (target <= 1.5)")

        bomb = folder / "bomb.yaml"
        n = alias_bomb(bomb)
        code = (
            "import resource, sys, time\n"
            "from readiness_widgets.bank import load_bank\n"
            "from readiness_widgets.errors import BankError\n"
            "t0 = time.perf_counter()\n"
            "try:\n    load_bank(sys.argv[1])\nexcept BankError as exc:\n    message = str(exc)\n"
            "t = time.perf_counter() - t0\n"
            "print(f'{t:.2f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss} {len(message.splitlines())} {message[-90:]!r}')\n"
        )
        out = subprocess.run([sys.executable, "-c", code, str(bomb)], capture_output=True, text=True, check=True, cwd=tmp).stdout
        seconds, rss_kb, lines, tail = out.split(" ", 3)
        print(f"alias bomb, {bomb.stat().st_size / 1e6:.1f} MB, {n:,} aliases: refused in {float(seconds):.2f} s, "
              f"peak {int(rss_kb) / 1024:.0f} MB (whole process), {lines} line(s): {tail.strip()}")


if __name__ == "__main__":
    main()
