"""From signals to suggested answers, through the bank's ``suggest:`` rules; and applying them.

How rules combine (per question; see docs/evidence-scan.md):

1. A rule matches when its signal, or a signal below it (``tracking`` covers
   ``tracking.mlflow``), was found in the project's own files, and every signal it ``requires``
   was found too. Evidence in side folders (examples, vendored code, a library's internals, a
   secondary requirements file) never matches; it is only mentioned.
2. Positive matches suggest a level: the **highest** level among them wins. A rule may give a
   signal no more than its strength allows (``signals.MAX_LEVEL``): existence (a file, an import,
   a heading) at most 2, and then the suggestion asks to be confirmed; 3 and 4 need a check that
   runs (a CI job's command, a schedule or alarm in the deployed infrastructure, a threshold on a
   real metric).
3. Negative matches (smells such as ``notebooks.errors``, or absences such as ``ci.none``) **cap**
   the level at the lowest level they name. With no positive match, the cap is the suggestion.
4. Confidence comes from the strength of the deciding evidence (``BASE_CONFIDENCE``, calibrated
   on the evaluation set in benchmarks/scan_eval/), a little more for agreeing signals, less
   when a smell capped the level or the scan was partial.

Suggestions never overwrite an answer: :func:`apply_suggestions` only fills unanswered questions,
and by default (``min_confidence="high"``) only with high-confidence suggestions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from . import signals as catalogue
from .model import Evidence, Findings, printable

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..assessment import Assessment
    from ..bank import Bank

MAX_EVIDENCE_PER_SIGNAL = 3
MAX_EVIDENCE = 8
NOTE_MARK = "[evidence scan]"
HIGH, MEDIUM = 0.8, 0.6
"""Confidence at or above HIGH is "high" (applied by --into and Accept all), at or above MEDIUM
"medium"; below, "low", shown as "to check" and never applied automatically."""
BASE_CONFIDENCE = {
    catalogue.RUNS: 0.85,
    catalogue.DEFINES: 0.7,
    catalogue.MENTIONS: 0.55,
    catalogue.ABSENCE: 0.7,
    catalogue.SMELL: 0.55,
}
"""Confidence of a suggestion by the strength of its deciding evidence, before adjustments."""
CONFIDENCE_LABELS = ("high", "medium", "low")


def confidence_label(confidence: float) -> str:
    return "high" if confidence >= HIGH else "medium" if confidence >= MEDIUM else "low"


def confidence_rank(label: str) -> int:
    """0 for high, 1 for medium, 2 for low (unknown labels raise ValueError)."""
    return CONFIDENCE_LABELS.index(label)


@dataclass
class Suggestion:
    """A suggested answer for one question, with the evidence that supports it."""

    question: str
    text: str
    level: int
    evidence_kind: str  # "automated" | "manual" | "none"
    confidence: float
    signals: list[str]
    evidence: list[Evidence]
    reasons: list[str]
    capped_by: list[str] = field(default_factory=list)
    current: Any = None  # the assessment's answer when the scan was made (never overwritten)
    applicable: bool = True  # under the assessment's triage (or the bank's default triage)
    why: str = ""  # one sentence: the evidence that decided the level
    confirm: bool = False  # the level rests on evidence of existence only: ask the user to confirm
    side: list[str] = field(default_factory=list)  # signals found only in side folders (not counted)

    @property
    def confidence_label(self) -> str:
        return confidence_label(self.confidence)

    @property
    def status(self) -> str:
        """``apply`` (high confidence), ``confirm`` (evidence of existence) or ``to check`` (low confidence)."""
        if self.confidence_label == "low":
            return "to check"
        if self.confirm or self.confidence_label == "medium":
            return "confirm"
        return "apply"

    @property
    def answered(self) -> bool:
        return self.current is not None

    def cite(self, limit: int = 4) -> str:
        """``signal at path:line; ...`` for the first ``limit`` pieces of evidence."""
        parts = [f"{e.signal} ({e.detail})" if e.path == "." else f"{e.signal} at {e.where()}" for e in self.evidence[:limit]]
        more = len(self.evidence) - limit
        return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")

    def note(self, root_name: str = "", when: str = "") -> str:
        where = f" of {root_name}" if root_name else ""
        date = f" on {when}" if when else ""
        return (
            f"{NOTE_MARK} Suggested from a scan{where}{date}: level {self.level}, {self.evidence_kind} evidence, "
            f"confidence {self.confidence_label} ({self.confidence:.2f}). Why: {self.why} Evidence: {self.cite(6)}."
            + (f" Capped by {', '.join(self.capped_by)}." if self.capped_by else "")
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "text": self.text,
            "level": self.level,
            "evidence_kind": self.evidence_kind,
            "confidence": self.confidence,
            "confidence_label": self.confidence_label,
            "status": self.status,
            "why": self.why,
            "confirm": self.confirm,
            "signals": list(self.signals),
            "side_only": list(self.side),
            "capped_by": list(self.capped_by),
            "reasons": list(self.reasons),
            "evidence": [e.to_dict() for e in self.evidence],
            "current_answer": self.current,
            "answered": self.answered,
            "applicable": self.applicable,
        }


@dataclass
class ApplyResult:
    """What :func:`apply_suggestions` did."""

    applied: list[Suggestion] = field(default_factory=list)
    skipped_answered: list[str] = field(default_factory=list)
    skipped_not_applicable: list[str] = field(default_factory=list)
    skipped_unknown: list[str] = field(default_factory=list)
    skipped_low_confidence: list[str] = field(default_factory=list)
    min_confidence: str = "high"

    def to_dict(self) -> dict[str, Any]:
        return {
            "applied": [{"question": s.question, "level": s.level, "evidence_kind": s.evidence_kind,
                         "confidence_label": s.confidence_label} for s in self.applied],
            "min_confidence": self.min_confidence,
            "skipped_low_confidence": list(self.skipped_low_confidence),
            "skipped_answered": list(self.skipped_answered),
            "skipped_not_applicable": list(self.skipped_not_applicable),
            "skipped_unknown": list(self.skipped_unknown),
        }

    def summary(self) -> str:
        lines = [f"applied {len(self.applied)} suggestion(s) with {self.min_confidence} confidence or more to unanswered questions"]
        lines += [f"  {s.question} = {s.level} ({s.evidence_kind}, {s.confidence_label})" for s in self.applied]
        if self.skipped_low_confidence:
            lines.append(
                f"left {len(self.skipped_low_confidence)} below {self.min_confidence} confidence for you to confirm "
                f"(accept them in the form, or --min-confidence medium): {', '.join(self.skipped_low_confidence)}"
            )
        if self.skipped_answered:
            lines.append(f"skipped {len(self.skipped_answered)} already answered (never overwritten): {', '.join(self.skipped_answered)}")
        if self.skipped_not_applicable:
            lines.append(f"skipped {len(self.skipped_not_applicable)} not applicable under the triage: {', '.join(self.skipped_not_applicable)}")
        if self.skipped_unknown:
            lines.append(f"skipped {len(self.skipped_unknown)} not in this assessment's bank: {', '.join(self.skipped_unknown)}")
        return "\n".join(lines)


@dataclass
class ScanResult:
    """A scan of one folder against one bank: findings plus suggested answers."""

    findings: Findings
    bank_id: str
    bank_version: str
    suggestions: dict[str, Suggestion]
    rule_warnings: list[str]
    scanned_at: str

    @property
    def root(self) -> str:
        return self.findings.root

    @property
    def complete(self) -> bool:
        return self.findings.complete

    @property
    def problems(self):
        return self.findings.problems

    def __getitem__(self, question_id: str) -> Suggestion:
        return self.suggestions[question_id]

    def __iter__(self):
        return iter(self.suggestions.values())

    def __len__(self) -> int:
        return len(self.suggestions)

    def apply(self, assessment: Assessment, questions: Iterable[str] | None = None, min_confidence: str | None = None) -> ApplyResult:
        """Fill the unanswered questions of ``assessment``; see :func:`apply_suggestions`."""
        return apply_suggestions(assessment, self, questions=questions, min_confidence=min_confidence)

    def to_dict(self) -> dict[str, Any]:
        out = {
            "schema": "readiness-scan/1",
            "root": self.root,
            "scanned_at": self.scanned_at,
            "bank": {"id": self.bank_id, "version": self.bank_version},
            "complete": self.complete,
            "suggestions": [s.to_dict() for s in self.suggestions.values()],
            "rule_warnings": list(self.rule_warnings),
        }
        findings = self.findings.to_dict()
        findings.pop("root")
        findings.pop("complete")
        out.update(findings)
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per suggestion: question, level, evidence kind, confidence, evidence."""
        import pandas as pd

        rows = [
            {
                "question": s.question,
                "level": s.level,
                "evidence_kind": s.evidence_kind,
                "confidence": s.confidence,
                "confidence_label": s.confidence_label,
                "status": s.status,
                "why": s.why,
                "signals": ", ".join(s.signals),
                "evidence": s.cite(3),
                "answered": s.answered,
            }
            for s in self.suggestions.values()
        ]
        columns = ["question", "level", "evidence_kind", "confidence", "confidence_label", "status", "why", "signals",
                   "evidence", "answered"]
        return pd.DataFrame(rows, columns=columns).set_index("question")

    def summary(self) -> str:
        f = self.findings
        s = f.stats
        import textwrap

        from .walker import _human

        main = sorted(k for k, items in f.signals.items() if any(e.zone == "main" for e in items))
        side = sorted(k for k in f.signals if k not in main)
        signals = ", ".join(f"{k} ({f.counts.get(k, 0)})" for k in main) or "none"
        partial = "" if f.complete else (" - PARTIAL (a bound was hit)" if f.stopped else " - PARTIAL (a file was read only in part)")
        lines = [
            f"scanned {printable(f.root)}: {s.files_seen} files ({s.files_read} read, {_human(s.bytes_read)}) "
            f"in {s.elapsed:.2f} s" + partial,
            *textwrap.wrap(f"signals ({len(main)}): {signals}", 110, subsequent_indent="  "),
        ]
        if side:
            lines += textwrap.wrap(f"only in side folders, not counted ({len(side)}): {', '.join(side)}", 110, subsequent_indent="  ")
        lines.append(f"suggestions for {len(self.suggestions)} question(s), bank {self.bank_id} {self.bank_version} "
                     "(apply: high confidence; confirm: evidence of existence; to check: low confidence):")
        for sug in self.suggestions.values():
            flag = f"  [answered: {sug.current}, kept]" if sug.answered else ""
            flag += "" if sug.applicable else "  [not applicable under the triage]"
            lines.append(
                f"  {sug.question:<36} {sug.level}  {sug.status:<8} {sug.confidence_label:<6} ({sug.confidence:.2f})  "
                f"{printable(sug.why)}{flag}"
            )
        if f.problems:
            counts = ", ".join(f"{k} {n}" for k, n in sorted(f.problem_counts.items()))
            lines.append(f"problems ({counts}):")
            lines += [f"  {p}" for p in f.problems[:20]]
            if sum(f.problem_counts.values()) > 20:
                lines.append(f"  ... {sum(f.problem_counts.values()) - 20} more (see --json)")
        lines += [f"warning: {w}" for w in self.rule_warnings]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"<ScanResult {self.root}: {len(self.findings.signals)} signals, {len(self.suggestions)} suggestions, "
            f"{sum(self.findings.problem_counts.values())} problems{'' if self.complete else ', partial'}>"
        )


# ---- rules ---------------------------------------------------------------------------------


def rule_warnings(bank: Bank) -> list[str]:
    """Rules naming a signal no detector emits (a typo would otherwise never match), and rules that
    give a signal a higher level than its strength allows (existence is no evidence of level 3)."""

    def build(b):
        out = []
        for q in b.questions:
            for rule in q.suggest:
                names = [rule.signal] + [alt for item in [*rule.requires, *rule.unless] for alt in item.split("|")]
                for name in names:
                    if not catalogue.is_known(name):
                        hint = catalogue.close_matches(name)
                        out.append(
                            f"bank {b.id}: question {q.id}: suggest signal {name!r} is not emitted by any detector"
                            + (f" (did you mean {', '.join(hint)}?)" if hint else "")
                        )
                below = catalogue.below(rule.signal)
                positive = [sig for sig in below if not catalogue.is_negative(sig)]
                weak = [sig for sig in positive if rule.level > catalogue.MAX_LEVEL.get(catalogue.strength(sig), 4)]
                if weak:
                    out.append(
                        f"bank {b.id}: question {q.id}: rule on {rule.signal!r} gives level {rule.level}, but "
                        f"{', '.join(weak[:3])} is evidence of existence ({catalogue.strength(weak[0])}): at most "
                        f"{catalogue.MAX_LEVEL[catalogue.strength(weak[0])]} unless it runs"
                    )
                if rule.automated and positive and not any(catalogue.strength(sig) == catalogue.RUNS for sig in positive):
                    out.append(f"bank {b.id}: question {q.id}: rule on {rule.signal!r} says automated, but nothing it matches runs")
        return out

    return bank.cached("evidence.rule_warnings", build)


def suggest(
    findings: Findings,
    bank: Bank,
    answers: Mapping[str, Any] | None = None,
    triage: Mapping[str, str] | None = None,
) -> dict[str, Suggestion]:
    """Suggested answers for every question whose rules match the findings (bank order).

    ``answers`` (question id -> value) marks suggestions for answered questions; ``triage``
    marks those that do not apply (default: the bank's default triage).
    """
    answers = answers or {}
    found: dict[str, list[str]] = {}  # rule signal (or a prefix) -> signals found in the project's own files
    side: dict[str, list[str]] = {}  # the same, for signals found only in side folders
    for sig, items in findings.signals.items():
        target = found if any(e.zone == "main" for e in items) else side
        parts = sig.split(".")
        for i in range(1, len(parts) + 1):
            target.setdefault(".".join(parts[:i]), []).append(sig)

    def present(item: str) -> bool:
        return any(alt in found for alt in item.split("|"))

    out: dict[str, Suggestion] = {}
    for question in bank.questions:
        if not question.suggest:
            continue
        positive: list[tuple[Any, list[str]]] = []
        negative: list[tuple[Any, list[str]]] = []
        side_only: list[str] = []
        for rule in question.suggest:
            hits = found.get(rule.signal)
            if not hits:
                side_only += [sig for sig in side.get(rule.signal, []) if sig not in side_only]
                continue
            if not all(present(item) for item in rule.requires) or any(present(item) for item in rule.unless):
                continue
            good = [s for s in hits if not catalogue.is_negative(s)]
            bad = [s for s in hits if catalogue.is_negative(s)]
            if good:
                positive.append((rule, good))
            if bad:
                negative.append((rule, bad))
        if not positive and (not negative or min(rule.level for rule, _ in negative) > 1):
            continue  # a cap is no evidence of the level it allows: alone, only "at most 0 or 1" is a suggestion
        sug = _combine(question, positive, negative, findings, answers.get(question.id))
        sug.side = side_only
        if side_only:
            sug.reasons.append(f"also found only in side folders, not counted: {', '.join(side_only[:5])}")
        sug.applicable = bank.applies(question.id, triage)
        out[question.id] = sug
    return out


def _main_evidence(findings: Findings, signal: str) -> list[Evidence]:
    return [e for e in findings.signals.get(signal, []) if e.zone == "main"]


def _why(signal: str, evidence: list[Evidence], level: int, cap: bool = False) -> str:
    e = evidence[0] if evidence else None
    what = catalogue.describe(signal)
    if e is None:
        return f"level {level}: {what}."
    if e.path == ".":
        return f"level {level}: {what} ({e.detail})."
    if signal.startswith("ci.") and e.detail.startswith("job "):
        return f"level {level}: CI {e.detail} ({e.where()})."
    head = f"capped at {level}" if cap else f"level {level}"
    return f"{head}: {what} - {e.detail} ({e.where()})." if e.detail else f"{head}: {what} ({e.where()})."


def _combine(question, positive, negative, findings: Findings, current) -> Suggestion:
    reasons: list[str] = []
    support: list[str] = []
    capped_by: list[str] = []
    why = ""
    strength = catalogue.ABSENCE
    automated = False
    if positive:
        level = max(rule.level for rule, _ in positive)
        backing = [(rule, sigs) for rule, sigs in positive if rule.level >= level]
        deciding = max((sig for _, sigs in backing for sig in sigs), key=lambda sig: _STRENGTH_ORDER[catalogue.strength(sig)])
        strength = catalogue.strength(deciding)
        automated = strength == catalogue.RUNS
        for rule, sigs in sorted(positive, key=lambda item: -item[0].level):
            need = f" (with {', '.join(rule.requires)})" if rule.requires else ""
            reasons.append(f"{rule.signal}{need} suggests level {rule.level}: found {', '.join(sigs)}")
        support = [deciding]
        for _, sigs in [*backing, *sorted(positive, key=lambda item: -item[0].level)]:
            support += [s for s in sigs if s not in support]  # the deciding signals first
        why = _why(deciding, _main_evidence(findings, deciding), level)
        kind = "automated" if automated else "manual"
    else:
        level = 4
        kind = "none"
    if negative:
        cap = min(rule.level for rule, _ in negative)
        for rule, sigs in negative:
            reasons.append(f"{rule.signal} caps the level at {rule.level}: found {', '.join(sigs)}")
            capped_by += [s for s in sigs if s not in capped_by]
        if not positive:
            level = cap
            smells = [s for s in capped_by if catalogue.strength(s) == catalogue.SMELL]
            strength = catalogue.SMELL if smells else catalogue.ABSENCE
            kind = "manual" if smells else "none"
            deciding = (smells or capped_by)[0]
            why = _why(deciding, _main_evidence(findings, deciding), level)
        elif cap < level:
            level = cap
            deciding = min(capped_by, key=lambda s: next((r.level for r, sigs in negative if s in sigs), 4))
            why = _why(deciding, _main_evidence(findings, deciding), level, cap=True) + " " + why
        else:
            capped_by = []
    confidence = BASE_CONFIDENCE[strength]
    if positive:
        agreeing = {s for rule, sigs in positive if rule.level >= level for s in sigs} - {support[0]}
        confidence += 0.05 * min(len(agreeing), 2)
        if capped_by:
            confidence -= 0.15
    if not findings.complete:
        confidence *= 0.8
        reasons.append("the scan was partial (a bound was hit, or a file was read only in part), so evidence may be missing")
    evidence: list[Evidence] = []
    for sig in [*support, *capped_by]:
        evidence += _main_evidence(findings, sig)[:MAX_EVIDENCE_PER_SIGNAL]
    return Suggestion(
        question=question.id,
        text=question.text,
        level=int(level),
        evidence_kind=kind,
        confidence=round(min(max(confidence, 0.1), 0.95), 2),
        signals=support or list(capped_by),
        evidence=evidence[:MAX_EVIDENCE],
        reasons=reasons,
        capped_by=capped_by if positive else [],
        current=current,
        why=why,
        confirm=strength in (catalogue.MENTIONS, catalogue.DEFINES),
    )


_STRENGTH_ORDER = {catalogue.MENTIONS: 0, catalogue.DEFINES: 1, catalogue.RUNS: 2, catalogue.ABSENCE: -1, catalogue.SMELL: -1}


def make_result(
    findings: Findings,
    bank: Bank,
    answers: Mapping[str, Any] | None = None,
    triage: Mapping[str, str] | None = None,
) -> ScanResult:
    return ScanResult(
        findings=findings,
        bank_id=bank.id,
        bank_version=bank.version,
        suggestions=suggest(findings, bank, answers, triage),
        rule_warnings=rule_warnings(bank),
        scanned_at=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
    )


# ---- applying ------------------------------------------------------------------------------


def _as_suggestions(suggestions) -> tuple[list[Suggestion], str, str]:
    if isinstance(suggestions, ScanResult):
        root = suggestions.root.rstrip("/").rsplit("/", 1)[-1]
        return list(suggestions.suggestions.values()), root, suggestions.scanned_at[:10]
    if isinstance(suggestions, Suggestion):
        return [suggestions], "", ""
    if isinstance(suggestions, Mapping):
        return list(suggestions.values()), "", ""
    return list(suggestions), "", ""


def apply_suggestions(
    assessment: Assessment, suggestions, questions: Iterable[str] | None = None, min_confidence: str | None = None
) -> ApplyResult:
    """Answer the *unanswered* questions of ``assessment`` with the suggested levels.

    ``suggestions``: a :class:`ScanResult`, a mapping or list of :class:`Suggestion`, or one.
    ``questions``: only these ids (e.g. the one whose "Accept" was clicked). ``min_confidence``:
    the lowest confidence label applied (``high``, ``medium`` or ``low``); by default ``high`` when
    applying in bulk (``questions`` is None: ``--into``, "Accept all"), any when the questions are
    named (a person clicked Accept on them). An answered question (any value, "don't know" and N/A
    included) is never changed. Notes cite the evidence (appended to any notes already there). The
    assessment is changed in memory; save it to keep it.
    """
    if min_confidence is None:
        min_confidence = "high" if questions is None else "low"
    try:
        floor = confidence_rank(min_confidence)
    except ValueError:
        raise ValueError(f"min_confidence: expected one of {', '.join(CONFIDENCE_LABELS)}, got {min_confidence!r}") from None
    if isinstance(suggestions, ScanResult) and suggestions.bank_id != assessment.bank.id:
        raise ValueError(
            f"these suggestions follow bank {suggestions.bank_id!r}; the assessment uses bank "
            f"{assessment.bank.id!r}: scan again with the assessment's bank (Assessment.scan does)"
        )
    items, root, when = _as_suggestions(suggestions)
    wanted = set(questions) if questions is not None else None
    result = ApplyResult(min_confidence=min_confidence)
    with assessment.batch():  # one change for the views, however many answers
        _apply(assessment, items, wanted, root, when, result, floor)
    return result


def _apply(assessment: Assessment, items, wanted, root: str, when: str, result: ApplyResult, floor: int) -> None:
    bank = assessment.bank
    for sug in items:
        if not isinstance(sug, Suggestion):
            raise TypeError(f"expected Suggestion objects, got {type(sug).__name__}")
        qid = sug.question
        if wanted is not None and qid not in wanted:
            continue
        if not bank.has_question(qid):
            result.skipped_unknown.append(qid)
        elif not bank.applies(qid, assessment.data.triage):
            result.skipped_not_applicable.append(qid)
        elif assessment.value(qid) is not None:
            result.skipped_answered.append(qid)
        elif confidence_rank(sug.confidence_label) > floor:
            result.skipped_low_confidence.append(qid)
        else:
            existing = assessment.answers.get(qid)
            note = sug.note(root, when)
            notes = f"{existing.notes}\n\n{note}" if existing is not None and existing.notes else note
            assessment.answer(qid, sug.level, evidence=sug.evidence_kind, notes=notes[:20_000])
            result.applied.append(sug)
