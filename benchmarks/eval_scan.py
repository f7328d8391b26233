"""Evaluate the evidence scan against hand-made labels of real repositories (benchmarks/scan_eval/).

For every labelled repository present on this machine (see benchmarks/scan_eval/README.md), scan
its labelled commit with the bundled bank and judge each suggestion against the label of its
question: right when the suggested level is inside the accepted range. Prints:

* precision overall, at levels 3-4, per suggested level and per confidence bucket;
* recall: questions the labels expect a suggestion for (``expect: suggest`` or ``absence``) that
  got a right one; per level, counted on the labels that accept that level;
* recall of level 0 from absence (``expect: absence``), and the precision of absence suggestions;
* what ``--into`` / "Accept all" would apply by default (high confidence only).

    python benchmarks/eval_scan.py                  # every repository found on this machine
    python benchmarks/eval_scan.py --wrong          # also list every wrong suggestion and every miss
    python benchmarks/eval_scan.py --only pandera   # repositories whose name contains a word
    python benchmarks/eval_scan.py --json out.json  # the figures, machine-readable

Not a test: it needs the repositories, which the project never stores.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scan_repos import CACHE, DEFAULT_MIRROR, checkout

from readiness_widgets.bank import load_bank
from readiness_widgets.evidence import scan

try:
    from readiness_widgets.evidence.signals import strength
except ImportError:  # a checkout from before issue 12 (the "before" figures) has no strengths

    def strength(signal: str) -> str:
        return ""

LABELS = Path(__file__).resolve().parent / "scan_eval"
EXPECTS = ("suggest", "absence", "silent")


@dataclass
class Label:
    question: str
    low: int
    high: int
    expect: str
    why: str

    def accepts(self, level: int) -> bool:
        return self.low <= level <= self.high


@dataclass
class Judged:
    repository: str
    question: str
    level: int
    confidence: float
    bucket: str
    kind: str
    right: bool
    label: Label
    reason: str = ""
    strength: str = ""


@dataclass
class Tally:
    judged: list[Judged] = field(default_factory=list)
    misses: list[tuple[str, Label, str]] = field(default_factory=list)  # (repo, label, what was suggested)
    expected: list[tuple[str, Label, bool]] = field(default_factory=list)  # (repo, label, found right)
    unlabelled: Counter = field(default_factory=Counter)
    repos: list[dict] = field(default_factory=list)


def load_labels(path: Path, questions: set[str], known: set[str], bank: str = "") -> tuple[dict, dict[str, Label]]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    where = path.name
    if bank and doc.get("bank") and doc["bank"] != bank:  # levels are judged against one version's level texts
        print(f"note: {where}: labelled against bank {doc['bank']}, scanning with {bank}")
    if doc.get("set", "development") not in ("development", "holdout"):
        raise SystemExit(f"{where}: set: expected development or holdout, got {doc.get('set')!r}")
    for key in ("repository", "commit", "questions"):
        if key not in doc:
            raise SystemExit(f"{where}: missing field {key!r}")
    labels: dict[str, Label] = {}
    for qid, item in doc["questions"].items():
        if qid not in known:
            raise SystemExit(f"{where}: questions.{qid}: not a question of the bundled bank")
        low, high = item.get("accept", [None, None])
        if not (isinstance(low, int) and isinstance(high, int) and 0 <= low <= high <= 4):
            raise SystemExit(f"{where}: questions.{qid}.accept: expected [low, high] levels 0-4, got {item.get('accept')!r}")
        if item.get("expect") not in EXPECTS:
            raise SystemExit(f"{where}: questions.{qid}.expect: expected one of {', '.join(EXPECTS)}")
        if not str(item.get("why", "")).strip():
            raise SystemExit(f"{where}: questions.{qid}.why: a one-line rationale is required")
        labels[qid] = Label(qid, low, high, item["expect"], item["why"])
    missing = questions - set(labels)
    if missing:  # e.g. a bank from before issue 12 had rules for questions the labels leave out
        print(f"note: {where}: no label for {', '.join(sorted(missing))}; suggestions on them are not judged")
    return doc, labels


def ratio(n: int, d: int) -> str:
    return f"{100 * n / d:5.1f}% ({n}/{d})" if d else "    -  (0/0)"


def evaluate(args) -> Tally:
    bank = load_bank()
    questions = {q.id for q in bank.questions if q.suggest}
    known = {q.id for q in bank.questions}
    tally = Tally()
    files = sorted(LABELS.glob("*.yaml"))
    if args.only:
        files = [f for f in files if any(w.lower() in f.stem.lower() for w in args.only)]
    for path in files:
        doc, labels = load_labels(path, questions, known, f"{bank.id} {bank.version}")
        repo = doc["repository"]
        tree = checkout(repo, doc["commit"], mirror=args.mirror, repos=args.repos, cache=args.cache)
        if tree is None or not tree.path.parts:
            note = tree.note if tree is not None else "not on this machine"
            print(f"skipped {repo}: {note}")
            continue
        t0 = time.perf_counter()
        result = scan(tree.path, bank)
        seconds = time.perf_counter() - t0
        found = {}
        for sug in result:
            label = labels.get(sug.question)
            if label is None:
                tally.unlabelled[sug.question] += 1
                continue
            reason = sug.reasons[0] if sug.reasons else ""
            judged = Judged(repo, sug.question, sug.level, sug.confidence, sug.confidence_label, sug.evidence_kind,
                            label.accepts(sug.level), label, reason, strength(sug.signals[0]) if sug.signals else "")
            tally.judged.append(judged)
            found[sug.question] = judged
        for qid, label in labels.items():
            if label.expect == "silent":
                continue
            got = found.get(qid)
            ok = got is not None and got.right
            tally.expected.append((repo, label, ok))
            if not ok:
                tally.misses.append((repo, label, "nothing" if got is None else f"level {got.level}"))
        right = sum(j.right for j in tally.judged if j.repository == repo)
        n = sum(1 for j in tally.judged if j.repository == repo)
        tally.repos.append({"repository": repo, "set": doc.get("set", "development"), "kind": doc.get("kind", ""),
                            "suggestions": n, "right": right,
                            "seconds": round(seconds, 2), "complete": result.complete,
                            "missing_blobs": tree.missing_blobs})
    return tally


def figures(judged: list[Judged], expected: list[tuple[str, Label, bool]], title: str, quiet: bool = False) -> dict:
    """Precision and recall of ``judged`` suggestions and ``expected`` labels, printed under ``title``."""
    say = (lambda *a: None) if quiet else print
    right = sum(j.right for j in judged)
    high_levels = [j for j in judged if j.level >= 3]
    out: dict = {}
    repos = len({j.repository for j in judged} | {r for r, _, _ in expected})
    say(f"\n== {title}: {repos} repositories, {len(judged)} suggestions judged")
    say(f"precision overall        {ratio(right, len(judged))}   (target >= 90%)")
    say(f"precision at levels 3-4  {ratio(sum(j.right for j in high_levels), len(high_levels))}   (target >= 85%)")
    out["precision"] = {"overall": [right, len(judged)], "levels_3_4": [sum(j.right for j in high_levels), len(high_levels)]}
    say("per suggested level      precision              recall (labels expecting a suggestion that accept the level)")
    out["per_level"] = {}
    for level in range(5):
        at = [j for j in judged if j.level == level]
        accepting = [(lab, ok) for _, lab, ok in expected if lab.accepts(level)]
        rec_n = sum(1 for lab, ok in accepting if ok)
        say(f"  level {level}                {ratio(sum(j.right for j in at), len(at)):<22} {ratio(rec_n, len(accepting))}")
        out["per_level"][level] = {"precision": [sum(j.right for j in at), len(at)], "recall": [rec_n, len(accepting)]}
    say("per confidence bucket    precision")
    out["per_bucket"] = {}
    for bucket in ("high", "medium", "low"):
        at = [j for j in judged if j.bucket == bucket]
        target = {"high": "   (target >= 90%)", "medium": "   (target >= 70%)", "low": "   (shown as 'to check', never applied)"}[bucket]
        say(f"  {bucket:<22} {ratio(sum(j.right for j in at), len(at))}{target}")
        out["per_bucket"][bucket] = [sum(j.right for j in at), len(at)]
    say("per strength of the deciding evidence")
    out["per_strength"] = {}
    for name in ("runs", "defines", "mentions", "absence", "smell"):
        at = [j for j in judged if j.strength == name]
        if at:
            say(f"  {name:<22} {ratio(sum(j.right for j in at), len(at))}")
            out["per_strength"][name] = [sum(j.right for j in at), len(at)]
    rec = sum(ok for _, _, ok in expected)
    absence = [(lab, ok) for _, lab, ok in expected if lab.expect == "absence"]
    none_kind = [j for j in judged if j.kind == "none"]
    applied = [j for j in judged if j.bucket == "high"]
    say(f"recall (expect suggest or absence)     {ratio(rec, len(expected))}")
    say(f"recall of level 0 from absence         {ratio(sum(ok for _, ok in absence), len(absence))}   (target >= 80%)")
    say(f"precision of absence suggestions       {ratio(sum(j.right for j in none_kind), len(none_kind))}")
    say(f"applied by --into / Accept all (high)  {len(applied)} suggestions, {ratio(sum(j.right for j in applied), len(applied))} right")
    out["recall"] = [rec, len(expected)]
    out["absence_recall"] = [sum(ok for _, ok in absence), len(absence)]
    out["absence_precision"] = [sum(j.right for j in none_kind), len(none_kind)]
    out["applied_high"] = [sum(j.right for j in applied), len(applied)]
    return out


def report(tally: Tally, args) -> dict:
    judged = tally.judged
    out: dict = {"repositories": tally.repos}
    print(f"\n{'repository':<58} {'set':<12} {'kind':<19} {'right':>11}  seconds")
    for r in tally.repos:
        print(f"{r['repository']:<58} {r['set']:<12} {r['kind']:<19} {r['right']:>4}/{r['suggestions']:<4} {r['seconds']:>8.2f}"
              + ("" if r["complete"] else "  PARTIAL"))
    sets = {r["repository"]: r["set"] for r in tally.repos}
    out["all"] = figures(judged, tally.expected, "all repositories")
    for name in ("development", "holdout"):
        chosen = [j for j in judged if sets[j.repository] == name]
        exp = [e for e in tally.expected if sets[e[0]] == name]
        if chosen or exp:
            out[name] = figures(chosen, exp, f"{name} set")
    if tally.unlabelled:
        print(f"unlabelled questions suggested: {dict(tally.unlabelled)}")
    seconds = [r["seconds"] for r in tally.repos]
    if seconds:
        print(f"scan time per repository: {min(seconds):.2f}-{max(seconds):.2f} s")
    if args.wrong:
        print("\nwrong suggestions:")
        for j in sorted(judged, key=lambda j: (j.repository, j.question)):
            if not j.right:
                print(f"  {j.repository:<45} {j.question:<38} got {j.level} ({j.bucket:<6} {j.confidence:.2f}) "
                      f"accept {j.label.low}-{j.label.high}: {j.reason[:110]}")
        print("\nmissed (expected a right suggestion):")
        for repo, lab, got in sorted(tally.misses, key=lambda m: (m[0], m[1].question)):
            print(f"  {repo:<45} {lab.question:<38} got {got:<8} accept {lab.low}-{lab.high} ({lab.expect}): {lab.why[:70]}")
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mirror", type=Path, default=DEFAULT_MIRROR, help="folder of git snapshots named owner+name")
    ap.add_argument("--repos", type=Path, help="folder of plain checkouts named owner__name")
    ap.add_argument("--cache", type=Path, default=CACHE, help="where work trees are written")
    ap.add_argument("--only", nargs="*", help="only repositories whose file name contains one of these words")
    ap.add_argument("--wrong", action="store_true", help="list wrong suggestions and misses")
    ap.add_argument("--json", metavar="FILE", help="write the figures as JSON")
    args = ap.parse_args(argv)
    tally = evaluate(args)
    if not tally.repos:
        print("no labelled repository is on this machine; see benchmarks/scan_eval/README.md")
        return 1
    figures = report(tally, args)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
