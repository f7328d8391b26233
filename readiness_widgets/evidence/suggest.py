"""From signals to suggested answers, through the bank's ``suggest:`` rules; and applying them.

How rules combine (per question; see docs/evidence-scan.md):

1. A rule matches when its signal, or a signal below it (``tracking`` covers
   ``tracking.mlflow``), was found.
2. Positive matches suggest a level: the **highest** level among them wins. The evidence kind is
   ``automated`` when a matching rule at that level (or above) says ``automated: true``, else
   ``manual``.
3. Negative matches (smells such as ``notebooks.errors``, or absences such as ``ci.none``) **cap**
   the level at the lowest level they name. With no positive match, the cap is the suggestion
   (evidence kind ``manual`` for smells found in files, ``none`` for absences).
4. Confidence (0-1) grows with the number of distinct signals that match, with automated
   evidence and with evidence spread over several files; it drops when a smell caps the level or
   when the scan stopped early.

Suggestions never overwrite an answer: :func:`apply_suggestions` only fills unanswered questions.
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


def confidence_label(confidence: float) -> str:
    return "high" if confidence >= 0.7 else "medium" if confidence >= 0.5 else "low"


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

    @property
    def confidence_label(self) -> str:
        return confidence_label(self.confidence)

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
            f"confidence {self.confidence_label} ({self.confidence:.2f}). Evidence: {self.cite(6)}."
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
            "signals": list(self.signals),
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

    def to_dict(self) -> dict[str, Any]:
        return {
            "applied": [{"question": s.question, "level": s.level, "evidence_kind": s.evidence_kind} for s in self.applied],
            "skipped_answered": list(self.skipped_answered),
            "skipped_not_applicable": list(self.skipped_not_applicable),
            "skipped_unknown": list(self.skipped_unknown),
        }

    def summary(self) -> str:
        lines = [f"applied {len(self.applied)} suggestion(s) to unanswered questions"]
        lines += [f"  {s.question} = {s.level} ({s.evidence_kind}, {s.confidence_label})" for s in self.applied]
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

    def apply(self, assessment: Assessment, questions: Iterable[str] | None = None) -> ApplyResult:
        """Fill the unanswered questions of ``assessment``; see :func:`apply_suggestions`."""
        return apply_suggestions(assessment, self, questions=questions)

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
                "signals": ", ".join(s.signals),
                "evidence": s.cite(3),
                "answered": s.answered,
            }
            for s in self.suggestions.values()
        ]
        columns = ["question", "level", "evidence_kind", "confidence", "confidence_label", "signals", "evidence", "answered"]
        return pd.DataFrame(rows, columns=columns).set_index("question")

    def summary(self) -> str:
        f = self.findings
        s = f.stats
        import textwrap

        from .walker import _human

        signals = ", ".join(f"{k} ({f.counts.get(k, 0)})" for k in sorted(f.signals)) or "none"
        lines = [
            f"scanned {printable(f.root)}: {s.files_seen} files ({s.files_read} read, {_human(s.bytes_read)}) "
            f"in {s.elapsed:.2f} s" + ("" if f.complete else " - PARTIAL (a bound was hit)"),
            *textwrap.wrap(f"signals ({len(f.signals)}): {signals}", 110, subsequent_indent="  "),
            f"suggestions for {len(self.suggestions)} question(s), bank {self.bank_id} {self.bank_version}:",
        ]
        for sug in self.suggestions.values():
            flag = f"  [answered: {sug.current}, kept]" if sug.answered else ""
            flag += "" if sug.applicable else "  [not applicable under the triage]"
            lines.append(
                f"  {sug.question:<36} {sug.level}  {sug.evidence_kind:<9} {sug.confidence_label:<6} ({sug.confidence:.2f})  "
                f"{sug.cite(2)}{flag}"
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
    """Rules naming a signal no detector emits (a typo would otherwise never match)."""

    def build(b):
        out = []
        for q in b.questions:
            for rule in q.suggest:
                if not catalogue.is_known(rule.signal):
                    hint = catalogue.close_matches(rule.signal)
                    out.append(
                        f"bank {b.id}: question {q.id}: suggest signal {rule.signal!r} is not emitted by any detector"
                        + (f" (did you mean {', '.join(hint)}?)" if hint else "")
                    )
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
    found: dict[str, list[str]] = {}
    for sig in findings.signals:
        parts = sig.split(".")
        for i in range(1, len(parts) + 1):
            found.setdefault(".".join(parts[:i]), []).append(sig)
    out: dict[str, Suggestion] = {}
    for question in bank.questions:
        if not question.suggest:
            continue
        positive: list[tuple[Any, list[str]]] = []
        negative: list[tuple[Any, list[str]]] = []
        for rule in question.suggest:
            hits = found.get(rule.signal)
            if not hits:
                continue
            good = [s for s in hits if not catalogue.is_negative(s)]
            bad = [s for s in hits if catalogue.is_negative(s)]
            if good:
                positive.append((rule, good))
            if bad:
                negative.append((rule, bad))
        if not positive and not negative:
            continue
        sug = _combine(question, positive, negative, findings, answers.get(question.id))
        sug.applicable = bank.applies(question.id, triage)
        out[question.id] = sug
    return out


def _combine(question, positive, negative, findings: Findings, current) -> Suggestion:
    reasons: list[str] = []
    support: list[str] = []
    capped_by: list[str] = []
    automated = False
    if positive:
        level = max(rule.level for rule, _ in positive)
        backing = [(rule, sigs) for rule, sigs in positive if rule.level >= level]
        automated = any(rule.automated for rule, _ in backing)
        for rule, sigs in sorted(positive, key=lambda item: -item[0].level):
            kind = "automated" if rule.automated else "manual"
            reasons.append(f"{rule.signal} ({kind}) suggests level {rule.level}: found {', '.join(sigs)}")
        for _, sigs in [*backing, *sorted(positive, key=lambda item: -item[0].level)]:
            support += [s for s in sigs if s not in support]  # the deciding signals first
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
            from_files = any(e.path != "." for s in capped_by for e in findings.signals.get(s, []))
            kind = "manual" if from_files else "none"
            confidence = 0.45 if from_files else 0.3
        elif cap < level:
            level = cap
        else:
            capped_by = []
    if positive:
        files = {e.path for s in support for e in findings.signals.get(s, [])}
        confidence = 0.4 + 0.1 * min(len(support) - 1, 4) + (0.1 if automated else 0) + (0.05 if len(files) >= 3 else 0)
        if capped_by:
            confidence -= 0.15
    if not findings.complete:
        confidence *= 0.8
        reasons.append("the scan stopped early (a bound was hit), so evidence may be missing")
    evidence: list[Evidence] = []
    for sig in [*support, *capped_by]:
        evidence += findings.signals.get(sig, [])[:MAX_EVIDENCE_PER_SIGNAL]
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
    )


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
    assessment: Assessment, suggestions, questions: Iterable[str] | None = None
) -> ApplyResult:
    """Answer the *unanswered* questions of ``assessment`` with the suggested levels.

    ``suggestions``: a :class:`ScanResult`, a mapping or list of :class:`Suggestion`, or one.
    ``questions``: only these ids (e.g. the one whose "Accept" was clicked). An answered question
    (any value, "don't know" and N/A included) is never changed. Notes cite the evidence (appended
    to any notes already there). The assessment is changed in memory; save it to keep it.
    """
    if isinstance(suggestions, ScanResult) and suggestions.bank_id != assessment.bank.id:
        raise ValueError(
            f"these suggestions follow bank {suggestions.bank_id!r}; the assessment uses bank "
            f"{assessment.bank.id!r}: scan again with the assessment's bank (Assessment.scan does)"
        )
    items, root, when = _as_suggestions(suggestions)
    wanted = set(questions) if questions is not None else None
    result = ApplyResult()
    with assessment.batch():  # one change for the views, however many answers
        _apply(assessment, items, wanted, root, when, result)
    return result


def _apply(assessment: Assessment, items, wanted, root: str, when: str, result: ApplyResult) -> None:
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
        else:
            existing = assessment.answers.get(qid)
            note = sug.note(root, when)
            notes = f"{existing.notes}\n\n{note}" if existing is not None and existing.notes else note
            assessment.answer(qid, sug.level, evidence=sug.evidence_kind, notes=notes[:20_000])
            result.applied.append(sug)
