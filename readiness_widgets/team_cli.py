"""``readiness team``: make a team folder, see who has answered, list disagreements, agree, merge.

    readiness team new churn-team --pilot "Churn predictor"
    readiness team status churn-team
    readiness team disagreements churn-team --format json
    readiness team agree churn-team data.lineage 2 --reason "checked the DAG together" --by Fay
    readiness team merge churn-team -o team.json          # score/report/gate/roadmap take it

``score``, ``report``, ``gate`` and ``roadmap`` also take the team folder itself (the report then
opens with "What we disagree on", the team radar and the disagreement heatmap). Bad input (an
empty folder, two files for one respondent, files on another bank or version) is one line on
stderr and exit 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError, Problem

if TYPE_CHECKING:  # pragma: no cover
    from .result import Result
    from .team import Team


def _out(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def load_team(folder: str | Path, bank_file: str | None = None, *, require_members: bool = True) -> Team:
    """The team in ``folder`` (its bank: ``bank_file``, else the one its files name)."""
    from .bank import load_bank
    from .team import TeamFolder

    bank = load_bank(bank_file) if bank_file else None
    team = TeamFolder(folder, bank=bank).load(require_members=require_members)
    for m in (team.consensus, *team.members):
        for message in m.warnings:
            print(f"readiness: warning: {message}", file=sys.stderr)
    return team


def _result(args) -> Result:
    from .result import evaluate_team

    return evaluate_team(load_team(args.folder, args.bank))


def cmd_new(args) -> int:
    from .team import TeamFolder

    tf = TeamFolder.create(args.folder, args.pilot, bank=args.bank, target=args.target)
    roles = ", ".join(r.title.casefold() for r in tf.load(require_members=False).bank.roles)
    _out(f"made team folder {args.folder} for {args.pilot!r} (consensus.json)")
    _out(f"each respondent answers with: rw.assess({str(args.folder)!r}, respondent=NAME, role=ROLE)  roles: {roles}")
    return 0


def cmd_status(args) -> int:
    team = load_team(args.folder, args.bank, require_members=False)
    if not team.members:
        rows = []
        summary = {"pilot": team.pilot, "respondents": [], "flagged": 0, "open": 0, "agreed": len(team.consensus.agreements)}
    else:
        from .result import evaluate_team

        t = evaluate_team(team).team
        rows = [
            {"name": m.name, "role": m.role, "answered": m.answered, "asked": m.asked, "file": m.file, "updated": m.updated.isoformat()}
            for m in t.members
        ]
        summary = {"pilot": team.pilot, "respondents": rows, "flagged": len(t.disagreements),
                   "open": len(t.open_disagreements), "agreed": len(t.agreed)}
    if args.format == "json":
        _out(json.dumps(summary, indent=2, ensure_ascii=False))
        return 0
    _out(f"{team.pilot}: {len(rows)} respondent(s), bank {team.bank.id} {team.bank.version}")
    if not rows:
        _out("  no respondent has answered yet")
    width = max((len(r["name"]) for r in rows), default=0)
    for r in rows:
        share = r["answered"] / r["asked"] if r["asked"] else 1.0
        _out(f"  {r['name']:<{width}}  {r['role']:<13} {r['answered']} of {r['asked']} answered ({share:.0%})  {r['file']}")
    _out(f"disagreements: {summary['flagged']} flagged, {summary['open']} open; {summary['agreed']} agreed answer(s)")
    return 0


def disagreements_json(result: Result) -> list[dict]:
    """Per flagged question: ``question``, ``levels`` (by respondent), ``spread`` and ``reason``."""
    return [
        {
            "question": q.id,
            "text": q.text,
            "levels": q.levels,
            "spread": q.spread,
            "reason": "; ".join(q.reasons),
            "team": q.combined,
            "agreed": None if q.agreed is None else q.agreed.model_dump(mode="json"),
        }
        for q in result.team.disagreements
    ]


def cmd_disagreements(args) -> int:
    result = _result(args)
    if args.format == "json":
        _out(json.dumps(disagreements_json(result), indent=2, ensure_ascii=False))
        return 0
    from .report import escape_markdown as md

    t = result.team
    if not t.disagreements:
        _out(f"{md(result.pilot)}: no disagreement flagged among {len(t.members)} respondent(s)")
        return 0
    names = [md(m.name) for m in t.members]
    _out(f"| Question | {' | '.join(names)} | Spread | Why flagged | Team answer |")
    _out("| --- |" + " --- |" * len(names) + " ---: | --- | --- |")
    for q in t.disagreements:
        answers = " | ".join(a.answer + (f", {a.evidence}" if a.evidence else "") for a in q.answers)
        final = f"**{q.final}**" if q.agreed is not None else f"{q.combined} (open)"
        _out(f"| `{q.id}` {md(q.text)} | {answers} | {q.spread or 0:g} | {md('; '.join(q.reasons))} | {final} |")
    return 0


def cmd_agree(args) -> int:
    from .bank import load_bank
    from .team import TeamFolder

    load_team(args.folder, args.bank)  # the whole folder must be sound before the facilitator writes
    consensus = TeamFolder(args.folder, bank=load_bank(args.bank) if args.bank else None).open_consensus()
    value = args.level if args.level in ("na", "dont_know") else _level(args.level)
    agreed = consensus.agree(args.question, value, reason=args.reason, by=args.by, evidence=args.evidence)
    consensus.save()
    _out(f"agreed {args.question}: {agreed.value} ({agreed.evidence}) by {agreed.agreed_by}: {agreed.reason}")
    return 0


def _level(text: str) -> int:
    if text.isdigit() and 0 <= int(text) <= 4:
        return int(text)
    raise InputError("option", [Problem("LEVEL", "", f"expected 0-4, na or dont_know, got {text!r}")])


def cmd_merge(args) -> int:
    from .team import merge

    out = Path(args.output)
    folder = Path(args.folder).resolve()
    if folder == out.resolve().parent or folder in out.resolve().parents:
        raise InputError("option", [Problem("-o", "", f"{out} is inside the team folder, where every file is a respondent's; write it elsewhere")])
    if out.exists() and not args.force:
        raise InputError("option", [Problem("-o", "", f"{out} exists; pass --force to replace it")])
    team = load_team(args.folder, args.bank)
    merged = merge(team)
    merged.save(out, force=True)
    agreed = sum(1 for q in team.consensus.agreements if q in merged.answers)
    _out(f"wrote {out}: {len(merged.answers)} answers from {len(team.members)} respondent(s), {agreed} agreed")
    return 0


def register_cli(sub) -> None:
    team = sub.add_parser("team", help="team assessments: one file per respondent, disagreements, agreed answers")
    tsub = team.add_subparsers(dest="team_command", metavar="TEAM_COMMAND")
    team.set_defaults(func=lambda args: (team.print_help(), 2)[1])

    def folder_arg(p):
        p.add_argument("folder", metavar="FOLDER", help="the team folder")
        p.add_argument("--bank", metavar="BANK.yaml", help="the bank the team answers (default: the one its files name)")

    p = tsub.add_parser("new", help="make a team folder for one pilot")
    p.add_argument("folder", metavar="FOLDER")
    p.add_argument("--pilot", required=True, help="the pilot's name")
    p.add_argument("--bank", metavar="BANK.yaml", help="a question bank file (default: bundled)")
    p.add_argument("--target", help="target profile, e.g. production (default: chosen by the triage)")
    p.set_defaults(func=cmd_new)

    p = tsub.add_parser("status", help="who has answered how much; disagreements open and agreed")
    folder_arg(p)
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=cmd_status)

    p = tsub.add_parser("disagreements", help="the flagged questions, with each respondent's answer")
    folder_arg(p)
    p.add_argument("--format", choices=["md", "json"], default="md")
    p.set_defaults(func=cmd_disagreements)

    p = tsub.add_parser("agree", help="record the level the team agreed on for one question")
    folder_arg(p)
    p.add_argument("question", metavar="QUESTION", help="a question id")
    p.add_argument("level", metavar="LEVEL", help="0-4, na or dont_know")
    p.add_argument("--reason", required=True, help="why the team settled on it")
    p.add_argument("--by", required=True, help="who records it (the facilitator)")
    p.add_argument("--evidence", choices=["none", "manual", "automated"], default="none")
    p.set_defaults(func=cmd_agree)

    p = tsub.add_parser("merge", help="write the team assessment (aggregate + agreements) as one assessment file")
    folder_arg(p)
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the assessment file to write (outside the folder)")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    p.set_defaults(func=cmd_merge)


__all__ = ["disagreements_json", "load_team", "register_cli"]
