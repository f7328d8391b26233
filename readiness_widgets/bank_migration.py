"""Carry answers given with an older version of a bank over to its current version.

A bank lists ``migrations``: for each version step, where the answer to each renamed, merged or
split question goes (``into``), and optionally how its levels map. When an assessment made with
an older version is loaded, :func:`carry_over` follows the steps from its version to the bank's:

* an answer moves to every question it goes ``into`` (a split question answers each part);
* several answers landing on one question (a merge, or a question kept under its id that absorbed
  another) combine conservatively: the lowest level wins, with its evidence; "don't know" if no
  level was given; N/A only if every one was N/A and the question still allows it;
* every carried answer gets a note saying where it came from, with the old answers and notes, so
  nothing the respondent wrote is lost, and asking them to check it;
* an evidence kind the question no longer accepts becomes the nearest one it does (``automated``
  on a document becomes ``reviewed``), with a note.

Works on plain answer mappings (``{"value", "evidence", "notes", "links"}``); the assessment
layer validates the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .bank import Bank, BankMigration

MAX_NOTES = 20_000


def migration_path(bank: Bank, version: str) -> list[BankMigration] | None:
    """The migration steps from ``version`` to the bank's version; None when there is no path."""
    steps: list[BankMigration] = []
    while version != bank.version:
        step = next((m for m in bank.migrations if m.from_version == version), None)
        if step is None or len(steps) > len(bank.migrations):
            return None
        steps.append(step)
        version = step.to_version
    return steps


def carry_over(
    answers: Mapping[str, Mapping[str, Any]], version: str, bank: Bank
) -> tuple[dict[str, dict[str, Any]], list[str]] | None:
    """``answers`` (given with bank ``version``) as answers to ``bank``, and what moved; None: no path."""
    steps = migration_path(bank, version)
    if steps is None:
        return None
    out = {qid: dict(a) for qid, a in answers.items()}
    moved: list[str] = []
    for step in steps:
        out, step_moved = _apply(out, step, bank if step is steps[-1] else None)
        moved += step_moved
    fitted = _fit_evidence(out, bank)
    unset = _fit_na(out, bank)
    messages = []
    if moved:
        messages.append(
            f"bank {bank.id} {version} -> {bank.version}: {len(moved)} answer(s) carried over to new, merged or "
            f"split questions ({', '.join(moved)}); each has a note saying where it came from: check them"
        )
    if unset:
        messages.append(
            f"bank {bank.id} {version} -> {bank.version}: N/A is no longer an answer to {', '.join(unset)} "
            "(a triage answer decides whether it applies): answer it again; the note keeps the old answer"
        )
    if fitted:
        messages.append(
            f"bank {bank.id} {version} -> {bank.version}: the evidence of {len(fitted)} answer(s) is no longer "
            f"accepted by its question and was recorded as the nearest kind ({', '.join(fitted)})"
        )
    return out, messages


def _apply(answers: dict[str, dict[str, Any]], step: BankMigration, bank: Bank | None):
    out = {qid: a for qid, a in answers.items() if qid not in step.questions}
    incoming: dict[str, list[tuple[str, dict[str, Any], list[str]]]] = {}
    for old, move in step.questions.items():
        if old not in answers or (answers[old].get("value") is None and not answers[old].get("notes")):
            continue
        answer = dict(answers[old])
        if move.levels is not None and isinstance(answer.get("value"), int):
            answer["value"] = move.levels[answer["value"]]
        for new in move.into:
            incoming.setdefault(new, []).append((old, answer, [n for n in move.into if n != new]))
    moved = []
    for new, sources in incoming.items():
        own = out.get(new)
        out[new] = _combine(new, own, sources, step, bank)
        moved.append(new)
    return out, moved


def _describe(answer: Mapping[str, Any]) -> str:
    value = answer.get("value")
    if value is None:
        return "unanswered"
    if value == "na":
        return "N/A"
    if value == "dont_know":
        return "don't know"
    return f"level {value}, {answer.get('evidence', 'none')} evidence"


def _combine(new: str, own: Mapping[str, Any] | None, sources, step: BankMigration, bank: Bank | None) -> dict[str, Any]:
    answered = ([(new, own)] if own is not None and own.get("value") is not None else []) + [(old, a) for old, a, _ in sources]
    levels = [(a["value"], i) for i, (_, a) in enumerate(answered) if isinstance(a.get("value"), int)]
    allow_na = bank is None or not bank.has_question(new) or bank.question(new).allow_na
    if levels:
        chosen = answered[min(levels)[1]][1]
        value, evidence = chosen["value"], chosen.get("evidence", "none")
    elif any(a.get("value") == "dont_know" for _, a in answered):
        value, evidence = "dont_know", "none"
    elif answered and all(a.get("value") == "na" for _, a in answered) and allow_na:
        value, evidence = "na", "none"
    else:
        value, evidence = None, "none"
    parts = []
    for old, a, siblings in sources:
        text = f"{old} ({_describe(a)})"
        if siblings:
            text += f", which was split: it also answers {', '.join(siblings)}"
        parts.append(text)
    head = f"[bank {step.from_version} -> {step.to_version}] Carried over from {'; '.join(parts)}"
    if len(answered) > 1:
        head += f", together with the answer already given here ({_describe(own)})" if own is not None and own.get("value") is not None else ""
        head += "; the lowest answer is kept"
    head += ". Check it against this question."
    notes = [head]
    if own is not None and own.get("notes"):
        notes.append(str(own["notes"]))
    notes += [f"Notes on {old}: {a['notes']}" for old, a, _ in sources if a.get("notes")]
    links = list(dict.fromkeys([*(own or {}).get("links", []), *(link for _, a, _ in sources for link in a.get("links", []))]))
    text = "\n".join(notes)
    if len(text) > MAX_NOTES:
        text = text[: MAX_NOTES - 1] + "…"
    return {"value": value, "evidence": evidence if value is not None else "none", "notes": text, "links": links}


def carry_over_agreements(
    agreements: Mapping[str, Mapping[str, Any]], version: str, bank: Bank
) -> dict[str, dict[str, Any]] | None:
    """A team's agreed answers (given with bank ``version``) as agreements on ``bank``'s questions.

    An agreement moves like an answer; where several land on one question the lowest is kept, and
    the reason says where it came from. None when there is no migration path.
    """
    steps = migration_path(bank, version)
    if steps is None:
        return None
    out = {qid: dict(a) for qid, a in agreements.items()}
    for step in steps:
        moved: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        for old, move in step.questions.items():
            if old not in out:
                continue
            agreed = dict(out.pop(old))
            if move.levels is not None and isinstance(agreed.get("value"), int):
                agreed["value"] = move.levels[agreed["value"]]
            for new in move.into:
                moved.setdefault(new, []).append((old, agreed))
        for new, sources in moved.items():
            if new in out:
                sources = [(new, out[new]), *sources]
            rank = [(a["value"] if isinstance(a.get("value"), int) else -1, i) for i, (_, a) in enumerate(sources)]
            chosen = dict(sources[min(rank)[1]][1])
            where = "; ".join(f"{old} ({_describe(a)})" for old, a in sources)
            chosen["reason"] = f"[bank {step.from_version} -> {step.to_version}] carried over from {where}: {chosen['reason']}"[:4000]
            out[new] = chosen
    _fit_evidence(out, bank, note_field="reason")
    return {q: a for q, a in out.items() if not (a.get("value") == "na" and bank.has_question(q) and not bank.question(q).allow_na)}


def _fit_na(answers: dict[str, dict[str, Any]], bank: Bank) -> list[str]:
    """N/A on a question that no longer allows it becomes unanswered, with a note."""
    unset = []
    for qid, a in answers.items():
        if a.get("value") == "na" and bank.has_question(qid) and not bank.question(qid).allow_na:
            note = f"[bank {bank.version}] Answered N/A before; this question no longer takes N/A (the triage decides whether it applies)."
            a["value"], a["evidence"] = None, "none"
            a["notes"] = f"{note}\n{a['notes']}" if a.get("notes") else note
            unset.append(qid)
    return unset


def _fit_evidence(answers: dict[str, dict[str, Any]], bank: Bank, note_field: str = "notes") -> list[str]:
    """Evidence kinds a question does not accept become the nearest kind it does (with a note)."""
    fitted = []
    for qid, a in answers.items():
        if not bank.has_question(qid):
            continue
        kinds = bank.question(qid).evidence_kinds
        kind = a.get("evidence", "none")
        if kind in kinds:
            continue
        nearest = bank.question(qid).fitting_evidence(kind)
        note = f"[bank {bank.version}] Evidence recorded as {nearest}: this question does not accept {kind} evidence."
        a["evidence"] = nearest
        a[note_field] = f"{note}\n{a[note_field]}" if a.get(note_field) else note
        fitted.append(qid)
    return fitted
