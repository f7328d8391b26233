"""The ``readiness`` command.

Exit codes: 0 success (or "go"), 1 "no-go" from ``gate``, 2 bad arguments or bad input,
3 an unexpected internal error (set ``READINESS_DEBUG=1`` for the traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path

from ._version import __version__
from .errors import InputError, ReadinessError

EXIT_OK, EXIT_NO_GO, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3

# Modules that add sub-commands: each defines ``register_cli(subparsers)``.
PLUGIN_MODULES: list[str] = ["readiness_widgets.evidence.cli", "readiness_widgets.serve", "readiness_widgets.team_cli"]


class UsageError(ReadinessError):
    """A bad command-line argument."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, no usage dump
        raise UsageError(f"{self.prog}: {message} (see '{self.prog} --help')")


def _out(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _load(args):
    from .api import Assessment

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assessment = Assessment.load(args.file, bank=getattr(args, "bank", None))
    for message in assessment.warnings:
        print(f"readiness: warning: {message}", file=sys.stderr)
    del caught
    return assessment


def _check_target(assessment, target: str | None) -> None:
    if target is not None:
        try:
            assessment.bank.target(target)
        except KeyError as exc:
            raise UsageError(f"--target: {exc.args[0]}") from None


# ---- commands -------------------------------------------------------------------------------


def cmd_validate(args) -> int:
    from .bank import bundled_bank_path, load_bank

    path = args.bank_file
    bank = load_bank(path)
    where = path or bundled_bank_path()
    _out(f"{where}: valid bank {bank.id} {bank.version}: {bank.summary()}")
    return EXIT_OK


def cmd_demo(args) -> int:
    from .demo import demo_assessment, demo_history

    stem = Path(args.output)
    prev = stem.with_name(f"{stem.stem}-previous{stem.suffix or '.json'}")
    if not args.force:
        for path in (stem, prev) if args.history else (stem,):
            if path.exists():
                raise UsageError(f"{path} exists; pass --force to replace it")
    if args.history:
        earlier, later = demo_history()
        earlier.save(prev, force=True)
        later.save(stem, force=True)
        _out(f"wrote {prev} and {stem}")
    else:
        demo_assessment().save(args.output, force=True)
        _out(f"wrote {args.output}")
    return EXIT_OK


def cmd_new(args) -> int:
    from .api import Assessment

    path = Path(args.file)
    if path.exists() and not args.force:
        raise UsageError(f"{path} exists; pass --force to replace it")
    respondents = [r for r in (args.respondent or []) if r]
    a = Assessment.new(args.pilot, bank=args.bank, respondents=respondents, target=args.target, path=path)
    a.save(path, force=True)
    _answered, applicable = a.progress()
    _out(f"wrote {path}: {applicable} questions to answer")
    return EXIT_OK


def _evaluate(args, previous=None):
    """Load FILE (or a team folder) and score it once: the :class:`~readiness_widgets.result.Result` every command prints."""
    from .result import evaluate, evaluate_team
    from .team import is_team_folder

    if is_team_folder(args.file):  # a team assessment: the aggregate, agreed answers overriding
        from .team_cli import load_team

        team = load_team(args.file, getattr(args, "bank", None))
        _check_target(team.consensus, args.target)
        return evaluate_team(team, target=args.target, previous=previous)
    a = _load(args)
    _check_target(a, args.target)
    return evaluate(a, target=args.target, previous=previous)


def cmd_score(args) -> int:
    result = _evaluate(args).scores
    if args.format == "json":
        _out(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    elif args.format == "csv":
        _out(result.to_csv().rstrip("\n"))
    else:
        import pandas as pd

        table = result.dimensions[["title", "score", "target", "gap", "coverage", "status"]].copy()
        table["coverage"] = (table["coverage"] * 100).round().astype(int).astype(str) + "%"
        with pd.option_context("display.width", 120, "display.max_colwidth", 40):
            _out(f"{result.pilot}: target {result.target.profile}")
            _out(table.to_string(float_format=lambda x: f"{x:.2f}", na_rep="-"))
        _out(
            f"overall {result.mean:.2f}, weakest {result.weakest_dimension} {result.weakest:.2f}; "
            f"verdict: {result.verdict.status}"
        )
        for reason in result.verdict.reasons:
            _out(f"  blocker: {reason}")
        for cond in result.verdict.conditions:
            _out(f"  condition: {cond}")
    return EXIT_OK


def cmd_roadmap(args) -> int:
    roadmap = _evaluate(args).roadmap
    if args.format == "json":
        _out(json.dumps(roadmap.to_dict(), indent=2, ensure_ascii=False, default=float))
    elif args.format == "csv":
        _out(roadmap.frame.to_csv(index=False).rstrip("\n"))
    else:
        from .report import render_roadmap_markdown

        _out(render_roadmap_markdown(roadmap))
    return EXIT_OK


def cmd_report(args) -> int:
    from .report import render_markdown, report_format, write_report

    out = Path(args.output) if args.output is not None else None
    if out is None and args.format == "html":
        raise UsageError("report: HTML goes to a file; use -o report.html")
    fmt = "md"
    if out is not None:
        if out.is_dir():
            raise UsageError(f"-o: {out} is a folder; give a file name, e.g. -o {out / 'report.html'}")
        inputs = [Path(f).resolve() for f in (args.file, args.previous) if f]
        if out.resolve() in inputs:
            raise UsageError(f"-o: {out} is an input assessment; write the report to another file")
        try:
            fmt = report_format(out, args.format)
        except ValueError:
            raise UsageError(f"-o: cannot tell the format from {out.name!r}; name it .html or .md, or pass --format") from None
    previous = _load(argparse.Namespace(file=args.previous, bank=args.bank)) if args.previous else None
    result = _evaluate(args, previous)
    if out is None:
        _out(render_markdown(result))
    else:
        _out(f"wrote {write_report(result, out, format=fmt)}")
    return EXIT_OK


def cmd_gate(args) -> int:
    result = _evaluate(args)
    reasons: list[str] = []
    if args.phase is not None:
        for phase in result.roadmap.phases[: args.phase]:
            reasons += [f"phase {phase.phase}: {c.describe()}" for c in phase.criteria if not c.met]
        label = f"phase {args.phase} of the roadmap to {result.target.profile}"
    else:
        verdict = result.verdict
        reasons += [f"blocker: {r}" for r in verdict.reasons]
        if args.strict:
            reasons += [f"condition: {c}" for c in verdict.conditions]
        label = f"{result.target.profile} ({verdict.status})"
    if reasons:
        _out(f"NO-GO: {result.pilot}: {label}")
        for r in reasons:
            _out(f"  - {r}")
        return EXIT_NO_GO
    _out(f"GO: {result.pilot}: {label}")
    return EXIT_OK


# ---- parser ---------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="readiness", description="Assess an AI pilot's production readiness.")
    parser.add_argument("--version", action="version", version=f"readiness-widgets {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("validate", help="validate a question bank (default: the bundled one)")
    p.add_argument("bank_file", nargs="?", metavar="BANK.yaml")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("demo", help="write the demo assessment (a partly answered pilot)")
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.add_argument("--history", action="store_true", help="also write an earlier assessment, FILE-previous.json")
    p.add_argument("--force", action="store_true", help="replace existing files")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("new", help="write an empty assessment")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--pilot", required=True, help="the pilot's name")
    p.add_argument("--respondent", action="append", help="who answers (repeatable)")
    p.add_argument("--bank", metavar="BANK.yaml", help="a question bank file (default: bundled)")
    p.add_argument("--target", help="target profile, e.g. production (default: chosen by the triage)")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    p.set_defaults(func=cmd_new)

    def assessment_args(p, formats=None, default=None):
        p.add_argument("file", metavar="FILE", help="an assessment JSON file, or a team folder (readiness team new)")
        p.add_argument("--target", help="target profile (default: the file's, else the triage's)")
        p.add_argument("--bank", metavar="BANK.yaml", help="the bank the file was made with")
        if formats:
            p.add_argument("--format", choices=formats, default=default)

    p = sub.add_parser("score", help="print dimension scores, overall and verdict")
    assessment_args(p, ["table", "csv", "json"], "table")
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("roadmap", help="print the three-phase roadmap")
    assessment_args(p, ["md", "csv", "json"], "md")
    p.set_defaults(func=cmd_roadmap)

    p = sub.add_parser("report", help="write the stakeholder report (standalone HTML or Markdown)")
    assessment_args(p, ["html", "md"])
    p.add_argument("-o", "--output", metavar="OUT", help="the report file (.html or .md); without it, Markdown to stdout")
    p.add_argument("--previous", metavar="FILE", help="an earlier assessment of the same pilot, to compare with")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("gate", help="go/no-go for CI: exit 0 go, 1 no-go")
    assessment_args(p)
    p.add_argument("--phase", type=int, choices=[1, 2, 3], help="gate on the go/no-go criteria of phases 1..N")
    p.add_argument("--strict", action="store_true", help="conditions are no-go too")
    p.set_defaults(func=cmd_gate)

    for name in PLUGIN_MODULES:
        import_module(name).register_cli(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help()
            return EXIT_USAGE
        return int(args.func(args) or 0)
    except InputError as exc:
        print(f"readiness: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ReadinessError as exc:
        print(f"readiness: {exc}" if not str(exc).startswith("readiness") else str(exc), file=sys.stderr)
        return EXIT_USAGE
    except (OSError, KeyError, ValueError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"readiness: error: {message}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # never a raw traceback for the user
        if os.environ.get("READINESS_DEBUG"):
            raise
        print(f"readiness: internal error: {type(exc).__name__}: {exc} (READINESS_DEBUG=1 shows the traceback)", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
