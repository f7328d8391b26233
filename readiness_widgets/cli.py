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
        if getattr(args, "store", None):
            assessment = _load_from_store(args, args.file, getattr(args, "revision", None))
        else:
            assessment = Assessment.load(args.file, bank=getattr(args, "bank", None))
    for message in assessment.warnings:
        print(f"readiness: warning: {message}", file=sys.stderr)
    del caught
    return assessment


def _open_store(args, *, create: bool = False):
    """The store of ``--store`` (default ``$READINESS_STORE``), opened once per command."""
    from .store import open_store, store_url

    if getattr(args, "_store", None) is None:
        url = store_url(getattr(args, "store", None))
        if not url:
            raise UsageError("no store: pass --store URL, or set $READINESS_STORE")
        args._store = open_store(url, create=create)
    return args._store


def _bank_file(args):
    from .bank import load_bank

    return load_bank(args.bank) if getattr(args, "bank", None) else None


def _load_from_store(args, pilot: str, revision=None):
    """A revision (default the latest) of a pilot of the store, as ``readiness_widgets.Assessment``."""
    from .api import Assessment

    store = _open_store(args)
    key = store.find(pilot)
    return store.load(key, store.resolve(key, revision), bank=_bank_file(args), cls=Assessment)


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

    if args.portfolio:
        return _demo_portfolio(args)
    if args.seed is not None:
        raise UsageError("--seed: only with --portfolio")
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


def _demo_portfolio(args) -> int:
    from .demo import DEMO_SEED, write_demo_portfolio

    if args.history:
        raise UsageError("--history: not with --portfolio (every pilot of the portfolio has its history)")
    from .store import is_folder, redact

    if not is_folder(args.output) or args.output.lower().startswith("file:"):  # a store: real, dated revisions
        from .demo import write_demo_store

        if args.force:
            raise UsageError("--force: a store never overwrites a revision; write the demo into a new store")
        store = _open_store(argparse.Namespace(store=args.output), create=True)
        args._store = store  # closed by main()
        if store.pilots():
            raise UsageError(f"-o: {redact(args.output)} holds pilots already; write the demo into a new store")
        pilots, revisions = write_demo_store(store, seed=DEMO_SEED if args.seed is None else args.seed)
        _out(f"wrote {revisions} revisions of {pilots} pilots to {store.url}")
        return EXIT_OK
    folder = Path(args.output)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"-o: {folder} is a file; --portfolio writes a folder of assessments")
    try:
        written = write_demo_portfolio(folder, seed=DEMO_SEED if args.seed is None else args.seed, force=args.force)
    except FileExistsError as exc:
        raise UsageError(f"{exc.args[0].split(';')[0]}; pass --force to replace the demo files") from None
    pilots = len({p.name.rsplit("-", 3)[0] for p in written})
    _out(f"wrote {len(written)} assessments of {pilots} pilots to {folder}")
    return EXIT_OK


def _since(text: str | None):
    from datetime import date

    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--since: expected a date YYYY-MM-DD, got {text!r}") from None


def cmd_portfolio(args) -> int:
    from .pilots import FolderPilots, StorePilots
    from .portfolio_result import STATUS_LABELS, PortfolioError, evaluate_portfolio
    from .store import store_url

    if args.folder is not None and args.store:
        raise UsageError("give a FOLDER or --store URL, not both")
    if args.folder is None and not store_url(args.store):
        raise UsageError("which pilots? give a FOLDER of assessments or --store URL (or set $READINESS_STORE)")
    source = FolderPilots(args.folder) if args.folder is not None else StorePilots(_open_store(args))
    portfolio = evaluate_portfolio(source)
    criteria = {}
    for item in args.filter or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise UsageError(f"--filter: expected KEY=VALUE (keys: {', '.join(portfolio.filters())}), got {item!r}")
        criteria[key.strip()] = value.strip()
    try:
        portfolio = portfolio.select(**criteria)
    except PortfolioError as exc:
        raise UsageError(f"--filter: {exc.problems[0].path}: {exc.problems[0].message}") from None
    since = _since(args.since)
    for name, why in (*portfolio.skipped, *portfolio.unreadable):
        print(f"readiness: warning: {name}: {why}", file=sys.stderr)
    if args.output is not None:
        out = Path(args.output)
        if out.suffix.lower() == ".csv":
            from .storage import atomic_write_text

            if out.is_dir() or not out.parent.is_dir():
                raise UsageError(f"-o: {out}: give a file name in an existing folder")
            atomic_write_text(out, portfolio.to_csv("blockers" if args.table == "blockers" else "pilots"))
            _out(f"wrote {out}")
        else:
            from .report import write_portfolio_report

            _out(f"wrote {write_portfolio_report(portfolio, out, since=since)}")
        return EXIT_OK
    if args.format == "json":
        rows = [
            {"pilot": r.pilot, "name": r.name, "revision": int(r.revision), "updated": r.updated.isoformat(),
             "verdict": str(r.status), "business_unit": r.business_unit or None, "owner": r.owner or None,
             "target": r.target, "mean": None if r.mean != r.mean else round(float(r.mean), 3)}
            for r in portfolio.selected.itertuples()
        ]
        _out(json.dumps(rows, indent=2, ensure_ascii=False))
    elif args.format == "csv":
        _out(portfolio.to_csv("blockers" if args.table == "blockers" else "pilots").rstrip("\n"))
    else:
        import pandas as pd

        table = portfolio.pilots_frame()[["name", "verdict", "mean", "weakest", "business_unit", "owner", "target", "revisions"]]
        with pd.option_context("display.width", 160, "display.max_colwidth", 36, "display.max_rows", 200):
            _out(table.to_string(index=False, float_format=lambda x: f"{x:.2f}", na_rep="-"))
        f = portfolio.funnel(since)
        moved = f"; since {f.since}: " + ", ".join(f"{s.label.lower()} {s.change:+d}" for s in f.stages) if f.since else ""
        _out(f"{f.total} pilots: " + ", ".join(f"{s.count} {STATUS_LABELS[s.status].lower()}" for s in f.stages) + moved)
        for b in portfolio.shared_blockers(limit=5):
            _out(f"  shared: {b.sentence} (blocks {b.blocked}; done once saves {b.effort_saved:g} weeks)")
    return EXIT_OK


def cmd_new(args) -> int:
    from .api import Assessment

    if args.store:
        from .store import check_key, key_for

        store = _open_store(args, create=True)
        key = check_key(key_for(args.file), store.url)
        a = Assessment.new(args.pilot, bank=args.bank, respondents=[r for r in (args.respondent or []) if r], target=args.target)
        rev = store.save(key, a, base=None, source="cli")
        _answered, applicable = a.progress()
        _out(f"{store.url}: {key}: revision {rev.number}: {applicable} questions to answer")
        return EXIT_OK
    path = Path(args.file)
    if path.exists() and not args.force:
        raise UsageError(f"{path} exists; pass --force to replace it")
    respondents = [r for r in (args.respondent or []) if r]
    a = Assessment.new(args.pilot, bank=args.bank, respondents=respondents, target=args.target, path=path,
                       business_unit=args.business_unit, owner=args.owner)
    a.save(path, force=True)
    _answered, applicable = a.progress()
    _out(f"wrote {path}: {applicable} questions to answer")
    return EXIT_OK


def _evaluate(args, previous=None):
    """Load FILE (or a team folder) and score it once: the :class:`~readiness_widgets.result.Result` every command prints."""
    from .result import evaluate, evaluate_team
    from .team import is_team_folder

    if not getattr(args, "store", None) and is_team_folder(args.file):  # a team assessment: the aggregate, agreed answers overriding
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
        inputs = [] if args.store else [Path(f).resolve() for f in (args.file, args.previous) if f]
        if out.resolve() in inputs:
            raise UsageError(f"-o: {out} is an input assessment; write the report to another file")
        try:
            fmt = report_format(out, args.format)
        except ValueError:
            raise UsageError(f"-o: cannot tell the format from {out.name!r}; name it .html or .md, or pass --format") from None
    if args.previous and args.store:  # a revision or milestone of the same pilot
        previous = _load_from_store(args, args.file, args.previous)
    else:
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


# ---- the store: list, history, diff, milestones, restore, import, export ---------------------


def _banks(args):
    """``(bank id, version) -> Bank`` for scoring a store: the bundled bank and ``--bank`` files."""
    from .bank import load_bank

    banks = {}
    for path in [None, *(args.bank or [])]:
        b = load_bank(path)
        banks[b.id] = b
    return lambda bank_id, _version: banks.get(bank_id)


def _stamp(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def cmd_store_list(args) -> int:
    from .history import portfolio_scores

    store = _open_store(args)
    table = portfolio_scores(store.answer_table(), _banks(args))
    unscored = table.index[table["status"] == "unscored"].tolist()
    if unscored:
        print(f"readiness: warning: no bank to score {', '.join(unscored[:10])} (pass --bank BANK.yaml)", file=sys.stderr)
    rows = [
        {"pilot": key, "name": row["name"], "revision": int(row["revision"]), "updated": row["updated"].isoformat(),
         "verdict": str(row["status"])}
        for key, row in table.iterrows()
    ]
    for problem in getattr(store, "problems", []):
        print(f"readiness: warning: skipped {problem}", file=sys.stderr)
    if args.format == "json":
        _out(json.dumps(rows, indent=2, ensure_ascii=False))
    elif args.format == "csv":
        import pandas as pd

        _out(pd.DataFrame(rows, columns=["pilot", "name", "revision", "updated", "verdict"]).to_csv(index=False).rstrip("\n"))
    else:
        if not rows:
            _out(f"{store.url}: no pilots yet")
        for r in rows:
            _out(f"{r['pilot']:<28} rev {r['revision']:>4}  {r['updated'][:19].replace('T', ' ')}  {r['verdict']:<22} {r['name']}")
    return EXIT_OK


def cmd_history(args) -> int:
    store = _open_store(args)
    key = store.find(args.pilot)
    revisions = store.history(key)
    if args.format == "json":
        _out(json.dumps([r.to_dict() for r in revisions], indent=2, ensure_ascii=False))
        return EXIT_OK
    _out(f"{key}: {len(revisions)} revision{'s' if len(revisions) != 1 else ''} in {store.url}")
    for r in revisions:
        extra = f"; restores revision {r.restored_from}" if r.restored_from else ""
        marks = "".join(f"  [{m}]" for m in r.milestones)
        what = f"created, {len(r.changes.answers)} answers" if r.base is None else r.changes.summary()
        _out(f"  {r.number:>4}  {_stamp(r.saved_at)}  {r.saved_by}  ({r.source})  {what}{extra}{marks}")
    return EXIT_OK


def _signed(x) -> str:
    return "-" if x is None else f"{x:+.2f}"


def _fmt(x) -> str:
    return "-" if x is None else f"{x:.2f}"


def cmd_diff(args) -> int:
    from .history import diff_revisions

    store = _open_store(args)
    key = store.find(args.pilot)
    d = diff_revisions(store, key, args.rev_a, args.rev_b, bank=_bank_file(args), target=args.target)
    if args.format == "json":
        _out(json.dumps(d.to_dict(), indent=2, ensure_ascii=False))
        return EXIT_OK
    _out(f"{key}: revision {d.a} -> {d.b} (scored against {d.target})")
    for f in d.fields:
        _out(f"  changed: {f}")
    _out(f"  {len(d.answers)} answer{'s' if len(d.answers) != 1 else ''} changed")
    for a in d.answers:
        ev = f" ({a.evidence_before or '-'} -> {a.evidence_after or '-'})" if a.evidence_before != a.evidence_after else ""
        notes = "; notes changed" if a.notes_changed else ""
        _out(f"    {a.question}: {a.before} -> {a.after}{ev}{notes}")
    _out("  scores:")
    for dim in d.dimensions:
        _out(f"    {dim.title:<28} {_fmt(dim.before):>5} -> {_fmt(dim.after):>5}  {_signed(dim.change)}")
    _out(f"    {'overall':<28} {d.mean_before:5.2f} -> {d.mean_after:5.2f}  {d.mean_change:+.2f}")
    _out(f"  verdict: {d.verdict_before} -> {d.verdict_after}")
    return EXIT_OK


def cmd_store_mark(args) -> int:
    store = _open_store(args)
    key = store.find(args.pilot)
    mark = store.mark(key, args.name, store.resolve(key, args.revision))
    _out(f"{key}: revision {mark.revision} is now {mark.name!r}")
    return EXIT_OK


def cmd_store_restore(args) -> int:
    store = _open_store(args)
    key = store.find(args.pilot)
    rev = store.restore(key, store.resolve(key, args.revision), source="cli")
    _out(f"{key}: revision {rev.restored_from} restored as revision {rev.number}")
    return EXIT_OK


def cmd_store_import(args) -> int:
    from dataclasses import replace

    from .store import open_store
    from .store.base import os_user

    source = open_store(args.folder, create=False)
    me = os_user()
    # a file that no store ever recorded (a plain folder of assessments) comes in as imported by you
    histories = [
        replace(h, revisions=tuple(replace(r, source="import", saved_by=me) if r.source == "file" else r for r in h.revisions))
        for h in (source.export_history(r.pilot) for r in source.pilots())
    ]
    for problem in getattr(source, "problems", []):
        raise UsageError(f"import: {problem}")
    store = _open_store(args, create=True)
    written = store.import_history(histories)
    _out(f"imported {len(histories)} pilots ({written} revisions) from {args.folder} into {store.url}")
    return EXIT_OK


def cmd_store_export(args) -> int:
    from .store import open_store

    out = Path(args.output)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UsageError(f"-o: {out} exists and is not an empty folder; export into a new folder")
    store = _open_store(args)
    histories = [store.export_history(r.pilot) for r in store.pilots()]
    written = open_store(out, create=True).import_history(histories)
    _out(f"exported {len(histories)} pilots ({written} revisions) from {store.url} to {out}")
    return EXIT_OK


def _store_arg(p, help_text: str = "the store (default: $READINESS_STORE)") -> None:
    p.add_argument("--store", metavar="URL", help=f"{help_text}: a folder, file:FOLDER, sqlite:///FILE.db or postgresql+psycopg://...")


def _register_store(sub) -> None:
    p = sub.add_parser("history", help="list the revisions of a pilot in a store")
    p.add_argument("pilot", metavar="PILOT", help="the pilot's key (or its exact name)")
    _store_arg(p)
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("diff", help="changed answers and score deltas between two revisions of a pilot")
    p.add_argument("pilot", metavar="PILOT")
    p.add_argument("rev_a", metavar="REV_A", help="a revision number, -1 (one before the latest), latest, or a milestone")
    p.add_argument("rev_b", metavar="REV_B", nargs="?", default="latest", help="default: latest")
    _store_arg(p)
    p.add_argument("--bank", metavar="BANK.yaml", help="the bank the pilot was assessed with (default: bundled)")
    p.add_argument("--target", help="target profile for both (default: REV_B's own, else its triage's)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_diff)

    store = sub.add_parser("store", help="a shared store of assessments: list, import, export, mark, restore")
    ss = store.add_subparsers(dest="store_command", metavar="COMMAND", parser_class=_Parser)
    p = ss.add_parser("list", help="one row per pilot: pilot, name, revision, updated, verdict")
    _store_arg(p)
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.add_argument("--bank", metavar="BANK.yaml", action="append", help="a bank some pilots were made with (repeatable)")
    p.set_defaults(func=cmd_store_list)

    p = ss.add_parser("import", help="copy a folder of assessments (with its history, if any) into the store")
    p.add_argument("folder", metavar="FOLDER")
    _store_arg(p, "the store to import into (created if missing)")
    p.set_defaults(func=cmd_store_import)

    p = ss.add_parser("export", help="write every pilot and revision of the store to a new folder store")
    p.add_argument("-o", "--output", required=True, metavar="FOLDER")
    _store_arg(p)
    p.set_defaults(func=cmd_store_export)

    p = ss.add_parser("mark", help="name a revision: a milestone such as 'go/no-go review 2026-Q4'")
    p.add_argument("pilot", metavar="PILOT")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--revision", metavar="REV", help="default: the latest")
    _store_arg(p)
    p.set_defaults(func=cmd_store_mark)

    p = ss.add_parser("restore", help="save an earlier revision again as the latest (a new revision)")
    p.add_argument("pilot", metavar="PILOT")
    p.add_argument("revision", metavar="REV", help="a revision number or a milestone")
    _store_arg(p)
    p.set_defaults(func=cmd_store_restore)
    store.set_defaults(func=lambda _args: (store.print_help(), EXIT_USAGE)[1])


# ---- parser ---------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="readiness", description="Assess an AI pilot's production readiness.")
    parser.add_argument("--version", action="version", version=f"readiness-widgets {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("validate", help="validate a question bank (default: the bundled one)")
    p.add_argument("bank_file", nargs="?", metavar="BANK.yaml")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("demo", help="write the demo assessment (a partly answered pilot), or a demo portfolio")
    p.add_argument("-o", "--output", required=True, metavar="FILE",
                   help="the file to write (with --portfolio: a folder of files, or a store URL: sqlite:///x.db, "
                   "postgresql+psycopg://..., file:FOLDER, where every assessment becomes a dated revision)")
    p.add_argument("--history", action="store_true", help="also write an earlier assessment, FILE-previous.json")
    p.add_argument("--portfolio", action="store_true",
                   help="write a demo portfolio into the folder or store -o: about 12 pilots with 2-3 assessments each")
    p.add_argument("--seed", type=int, help="with --portfolio: another seed gives another portfolio (default 15)")
    p.add_argument("--force", action="store_true", help="replace existing files")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("new", help="write an empty assessment")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--pilot", required=True, help="the pilot's name")
    p.add_argument("--respondent", action="append", help="who answers (repeatable)")
    p.add_argument("--bank", metavar="BANK.yaml", help="a question bank file (default: bundled)")
    p.add_argument("--target", help="target profile, e.g. production (default: chosen by the triage)")
    p.add_argument("--business-unit", help="the business unit the pilot belongs to (the portfolio filters on it)")
    p.add_argument("--owner", help="who is accountable for taking the pilot to production")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    p.add_argument("--store", metavar="URL", help="create pilot FILE (a key) in this store instead of a file")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("portfolio", help="every pilot of a folder or a store: verdicts, how they moved, shared blockers")
    p.add_argument("folder", metavar="FOLDER", nargs="?",
                   help="a folder of assessment files (a pilot's files are its history); or give --store")
    _store_arg(p, "read the pilots of this store, every revision its history (default: $READINESS_STORE when no "
                  "FOLDER is given)")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table",
                   help="table (default), csv, or json (one row per pilot: pilot, revision, updated, verdict, ...)")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="compare the verdicts with this date (default: a quarter "
                   "before the latest assessment)")
    p.add_argument("--filter", action="append", metavar="KEY=VALUE",
                   help="keep the pilots with this business_unit, owner, target or triage.ID (repeatable)")
    p.add_argument("--table", choices=["pilots", "blockers"], default="pilots",
                   help="for csv: one row per pilot (default), or per shared deliverable")
    p.add_argument("-o", "--output", metavar="OUT", help="write the portfolio report (.html) or the CSV (.csv)")
    p.set_defaults(func=cmd_portfolio)

    def assessment_args(p, formats=None, default=None):
        p.add_argument("file", metavar="FILE", help="an assessment JSON file, a team folder (readiness team new), "
                       "or with --store a pilot of the store")
        p.add_argument("--target", help="target profile (default: the file's, else the triage's)")
        p.add_argument("--bank", metavar="BANK.yaml", help="the bank the file was made with")
        p.add_argument("--store", metavar="URL", help="read the pilot FILE from this store (sqlite:///x.db, a folder, ...)")
        p.add_argument("--revision", metavar="REV", help="with --store: a revision number or milestone (default: latest)")
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
    p.add_argument("--previous", metavar="FILE", help="an earlier assessment of the same pilot, to compare with "
                   "(with --store: a revision number or milestone)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("gate", help="go/no-go for CI: exit 0 go, 1 no-go")
    assessment_args(p)
    p.add_argument("--phase", type=int, choices=[1, 2, 3], help="gate on the go/no-go criteria of phases 1..N")
    p.add_argument("--strict", action="store_true", help="conditions are no-go too")
    p.set_defaults(func=cmd_gate)

    _register_store(sub)
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
        try:
            return int(args.func(args) or 0)
        finally:
            store = getattr(args, "_store", None)
            if store is not None:
                store.close()
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
