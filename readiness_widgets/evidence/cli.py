"""``readiness scan PATH``: suggest answers from a repository (registered through PLUGIN_MODULES).

Exit codes: 0 the scan ran (even partial or with problems: they are in the report), 2 bad
arguments, a missing folder, an invalid bank or assessment file, or a conflicting save.
"""

from __future__ import annotations

import json
import sys

from ..errors import ReadinessError


class _ScanUsageError(ReadinessError):
    """A bad ``readiness scan`` argument."""


def _positive_int(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return value


def _seconds(text: str) -> float:
    import argparse

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not value > 0 or value != value or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return value


def register_cli(subparsers) -> None:
    p = subparsers.add_parser(
        "scan",
        help="suggest answers from a project's repository and notebooks (reads text only)",
        description=(
            "Walk PATH (honouring .gitignore; skipping virtualenvs, .git, node_modules, caches and data "
            "files), detect evidence (tests, CI, deployment, tracking, monitoring, docs, notebooks) and "
            "suggest a level for the bank's questions. Never runs project code."
        ),
    )
    p.add_argument("path", metavar="PATH", help="the project folder to scan")
    p.add_argument("--json", action="store_true", help="print a machine-readable JSON report")
    p.add_argument(
        "--into",
        metavar="FILE",
        help="apply the suggestions to the unanswered questions of this assessment file (atomic save; "
        "answered questions are never changed)",
    )
    p.add_argument("--dry-run", action="store_true", help="with --into: show what would be applied, save nothing")
    p.add_argument(
        "--min-confidence",
        choices=("high", "medium"),
        default="high",
        help="with --into: the lowest confidence applied (default high; low-confidence suggestions, shown as "
        "'to check', are never applied automatically)",
    )
    p.add_argument("--store", metavar="URL", help="with --into: PILOT of this store; the answers applied are a new revision from the scan")
    p.add_argument("--bank", metavar="BANK.yaml", help="question bank (default: bundled; with --into: the file's bank)")
    p.add_argument("--max-files", type=_positive_int, metavar="N", help="stop after N files (default 200000)")
    p.add_argument("--timeout", type=_seconds, metavar="S", help="stop after S seconds (default 120)")
    p.add_argument("--max-depth", type=_positive_int, metavar="N", help="do not enter folders deeper than N (default 40)")
    p.add_argument(
        "--max-bytes", type=_positive_int, metavar="N", help="read at most N bytes of a text file (default 1048576)"
    )
    p.add_argument(
        "--exclude", action="append", default=[], metavar="PATTERN", help="gitignore-style pattern to skip (repeatable)"
    )
    p.add_argument("--no-gitignore", action="store_true", help="do not honour .gitignore files")
    progress = p.add_mutually_exclusive_group()
    progress.add_argument("--progress", action="store_true", help="always show progress on stderr")
    progress.add_argument("--no-progress", action="store_true", help="never show progress")
    p.set_defaults(func=cmd_scan)


class _StderrProgress:
    """A one-line progress display on stderr, shown only once a scan has run for a moment."""

    def __init__(self, force: bool = False, delay: float = 0.5):
        self.delay = 0.0 if force else delay
        self.shown = False

    def __call__(self, p) -> None:
        if p.done:
            if self.shown:
                sys.stderr.write("\r\033[K")
                sys.stderr.flush()
            return
        if p.elapsed < self.delay:
            return
        self.shown = True
        from .model import printable

        where = printable(p.current if len(p.current) <= 50 else "..." + p.current[-47:])
        sys.stderr.write(
            f"\r\033[Kscanning: {p.files_seen:,} files, {p.files_read:,} read, "
            f"{p.bytes_read / 1e6:.1f} MB, {p.elapsed:.1f} s  {where}"
        )
        sys.stderr.flush()


def _from_store(args):
    """The latest revision of pilot ``--into`` of ``--store``: its save is a new revision from the scan."""
    from ..bank import load_bank
    from ..store import open_store

    store = open_store(args.store, create=False)
    assessment = store.load(store.find(args.into), bank=load_bank(args.bank) if args.bank else None)
    assessment.home.source = "scan"
    return assessment


def cmd_scan(args) -> int:
    from pathlib import Path

    from ..assessment import Assessment
    from ..bank import load_bank
    from ..errors import Problem
    from . import scan_folder
    from .scanner import ScanError
    from .suggest import make_result

    if not args.path.strip():
        raise ScanError([Problem("PATH", "", "an empty path; pass the project's folder ('.' for the current one)")])
    folder = Path(args.path).expanduser()
    if not folder.is_dir():
        raise ScanError([Problem(str(folder), "", "no such folder" if not folder.exists() else "not a folder")])
    assessment = None
    if args.dry_run and not args.into:
        raise _ScanUsageError("readiness scan: --dry-run needs --into FILE")
    if args.min_confidence != "high" and not args.into:
        raise _ScanUsageError("readiness scan: --min-confidence needs --into FILE")
    if args.into:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assessment = _from_store(args) if args.store else Assessment.load(args.into, bank=args.bank)
        bank = assessment.bank
    else:
        bank = load_bank(args.bank)
    show = args.progress or (not args.no_progress and sys.stderr.isatty())
    overrides = {
        "max_files": args.max_files,
        "max_depth": args.max_depth,
        "max_bytes_per_file": args.max_bytes,
    }
    if args.timeout is not None:
        overrides["timeout"] = args.timeout
    findings = scan_folder(
        args.path,
        gitignore=not args.no_gitignore,
        exclude=args.exclude,
        progress=_StderrProgress(force=args.progress) if show else None,
        **overrides,
    )
    answers = None
    if assessment is not None:
        answers = {qid: a.value for qid, a in assessment.answers.items() if a.value is not None}
    result = make_result(findings, bank, answers, assessment.data.triage if assessment is not None else None)
    applied = None
    if assessment is not None:
        applied = result.apply(assessment, min_confidence=args.min_confidence)
        if not args.dry_run and applied.applied:
            assessment.save()
    if args.json:
        doc = result.to_dict()
        if applied is not None:
            doc["into"] = {"file": str(args.into), "dry_run": bool(args.dry_run), **applied.to_dict()}
        sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        return 0
    sys.stdout.write(result.summary() + "\n")
    if applied is not None:
        head = "dry run, nothing saved: would have " if args.dry_run else ""
        text = applied.summary()
        sys.stdout.write(f"{args.into}: {head}{text}\n")
        if not args.dry_run and applied.applied:
            sys.stdout.write(f"saved {args.into}\n")
    elif result.suggestions:
        sys.stdout.write("apply them to the unanswered questions of an assessment with --into FILE\n")
    return 0
