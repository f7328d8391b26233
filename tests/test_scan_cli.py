"""``readiness scan``: exit codes, --json shape, --into (never overwriting), progress display."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from readiness_widgets import Assessment
from readiness_widgets.cli import main
from readiness_widgets.evidence.cli import _StderrProgress
from readiness_widgets.evidence.model import ScanProgress

BANK = """
id: cli-scan
version: "1"
title: CLI scan bank
dimensions:
  - {id: infrastructure, title: Infrastructure, description: d}
  - {id: model, title: Model, description: d}
targets:
  - {id: production, title: Production, levels: {infrastructure: 3, model: 3}}
questions:
  - id: infrastructure.ci
    dimension: infrastructure
    text: Is there CI?
    levels: {0: a, 1: b, 2: c, 3: d, 4: e}
    suggest:
      - {signal: ci.present, level: 1}
      - {signal: ci.runs_tests, level: 3, automated: true}
  - id: infrastructure.tests
    dimension: infrastructure
    text: Are there tests?
    levels: {0: a, 1: b, 2: c, 3: d, 4: e}
    suggest:
      - {signal: tests.present, level: 2}
  - id: model.tracking
    dimension: model
    text: Are experiments tracked?
    levels: {0: a, 1: b, 2: c, 3: d, 4: e}
    suggest:
      - {signal: tracking, level: 1}
      - {signal: model.registry, level: 2}
"""


@pytest.fixture
def setup(tmp_path):
    repo = tmp_path / "repo"
    for rel, text in {
        ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    steps:\n      - run: pytest\n",
        "tests/test_x.py": "def test_x():\n    assert 1 + 1 == 2\n",
        "train.py": "import mlflow\nmlflow.register_model('m', 'n')\n",
    }.items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    bank = tmp_path / "bank.yaml"
    bank.write_text(BANK, encoding="utf-8")
    return repo, bank


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_json_report_shape(setup, capsys):
    repo, bank = setup
    code, out, err = run(["scan", str(repo), "--json", "--bank", str(bank)], capsys)
    assert code == 0, err
    doc = json.loads(out)
    assert doc["schema"] == "readiness-scan/1"
    assert set(doc) >= {"root", "scanned_at", "bank", "complete", "suggestions", "signals", "problems",
                        "problem_counts", "stats", "limits", "rule_warnings"}
    assert doc["bank"] == {"id": "cli-scan", "version": "1"}
    assert doc["complete"] is True
    by_q = {s["question"]: s for s in doc["suggestions"]}
    assert set(by_q) == {"infrastructure.ci", "infrastructure.tests", "model.tracking"}
    ci = by_q["infrastructure.ci"]
    assert ci["level"] == 3
    assert ci["evidence_kind"] == "automated"
    assert 0 < ci["confidence"] <= 1
    assert ci["confidence_label"] in ("low", "medium", "high")
    for sug in doc["suggestions"]:
        for e in sug["evidence"]:
            assert (repo / e["path"]).exists()
            assert set(e) == {"signal", "path", "line", "cell", "detail", "zone"}
    assert doc["signals"]["ci.runs_tests"]["evidence"][0]["line"] == 5
    assert "job `t` (GitHub Actions) runs `pytest` on push" in ci["why"]
    assert ci["status"] == "apply"
    assert by_q["model.tracking"]["level"] == 2
    assert by_q["model.tracking"]["status"] == "confirm"  # a registry call shows it exists; nothing runs it


def test_text_report(setup, capsys):
    repo, bank = setup
    code, out, _ = run(["scan", str(repo), "--bank", str(bank)], capsys)
    assert code == 0
    assert "suggestions for 3 question(s)" in out
    assert "infrastructure.ci" in out
    assert "runs `pytest` on push (.github/workflows/ci.yml:5)" in out
    assert "--into FILE" in out


def test_into_fills_only_unanswered_and_saves(setup, tmp_path, capsys):
    repo, bank = setup
    target = tmp_path / "a.json"
    a = Assessment.new("Pilot", bank=bank)
    a.answer("infrastructure.ci", 1, evidence="manual", notes="by hand")
    a.save(target)
    code, out, err = run(["scan", str(repo), "--into", str(target), "--bank", str(bank)], capsys)
    assert code == 0, err
    # by default only high-confidence suggestions are applied; the others wait for a person
    assert "applied 0 suggestion(s) with high confidence or more" in out
    assert "below high confidence for you to confirm" in out
    assert "skipped 1 already answered (never overwritten): infrastructure.ci" in out
    assert Assessment.load(target, bank=bank).value("model.tracking") is None
    code, out, err = run(["scan", str(repo), "--into", str(target), "--bank", str(bank), "--min-confidence", "medium"], capsys)
    assert code == 0, err
    assert "applied 1 suggestion(s) with medium confidence or more" in out
    assert "model.tracking = 2" in out
    assert "for you to confirm (accept them in the form, or --min-confidence medium): infrastructure.tests" in out
    assert f"saved {target}" in out
    back = Assessment.load(target, bank=bank)
    assert back.value("infrastructure.ci") == 1
    assert back.answers["infrastructure.ci"].notes == "by hand"
    assert back.value("model.tracking") == 2
    assert "train.py" in back.answers["model.tracking"].notes
    assert "Why: " in back.answers["model.tracking"].notes
    assert not list(tmp_path.glob(".a.json.*.tmp"))  # atomic save left no temporary file
    # a second run changes nothing: what the first one filled counts as answered
    before = target.read_bytes()
    code, out, _ = run(["scan", str(repo), "--into", str(target), "--bank", str(bank), "--min-confidence", "medium"], capsys)
    assert code == 0
    assert "applied 0 suggestion(s)" in out
    assert target.read_bytes() == before


def test_into_dry_run_and_json(setup, tmp_path, capsys):
    repo, bank = setup
    target = tmp_path / "a.json"
    Assessment.new("Pilot", bank=bank).save(target)
    before = target.read_bytes()
    code, out, _ = run(["scan", str(repo), "--into", str(target), "--bank", str(bank), "--dry-run"], capsys)
    assert code == 0
    assert "dry run, nothing saved" in out
    assert target.read_bytes() == before
    code, out, _ = run(["scan", str(repo), "--into", str(target), "--bank", str(bank), "--dry-run", "--json"], capsys)
    into = json.loads(out)["into"]
    assert into["dry_run"] is True
    assert into["min_confidence"] == "high"
    assert {x["question"] for x in into["applied"]} == {"infrastructure.ci"}
    assert set(into["skipped_low_confidence"]) == {"infrastructure.tests", "model.tracking"}
    assert target.read_bytes() == before


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["scan", "{missing}"], "no such folder"),
        (["scan", ""], "an empty path"),
        (["scan", "   "], "an empty path"),
        (["scan", "{repo}", "--min-confidence", "medium", "--bank", "{bank}"], "--min-confidence needs --into"),
        (["scan", "{repo}", "--into", "{other}", "--min-confidence", "low"], "--min-confidence"),
        (["scan", "{file}"], "not a folder"),
        (["scan", "{repo}", "--max-files", "0"], "--max-files"),
        (["scan", "{repo}", "--timeout", "soon"], "--timeout"),
        (["scan", "{repo}", "--timeout", "nan"], "--timeout"),
        (["scan", "{repo}", "--dry-run", "--bank", "{bank}"], "--dry-run needs --into"),
        (["scan", "{repo}", "--into", "{missing}", "--bank", "{bank}"], "cannot read"),
        (["scan", "{repo}", "--into", "{other}"], "made with bank 'cli-scan'"),
        (["scan", "{repo}", "--bank", "{missing}"], "cannot read bank"),
    ],
)
def test_bad_input_exits_2_with_one_clear_message(setup, tmp_path, capsys, argv, message):
    repo, bank = setup
    (tmp_path / "file.txt").write_text("x")
    Assessment.new("Pilot", bank=bank).save(tmp_path / "other.json")
    names = {"missing": tmp_path / "missing", "file": tmp_path / "file.txt", "repo": repo, "bank": bank,
             "other": tmp_path / "other.json"}
    code, out, err = run([a.format(**names) for a in argv], capsys)
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert out == ""


def test_real_process_exit_code_and_no_traceback(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "readiness_widgets.cli", "scan", str(tmp_path / "nope")],
        capture_output=True, text=True, timeout=120, cwd=Path(__file__).resolve().parent.parent,
    )
    assert proc.returncode == 2
    assert "no such folder" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_stderr_progress_appears_only_after_a_delay(monkeypatch):
    buf = io.StringIO()
    monkeypatch.setattr(sys, "stderr", buf)
    show = _StderrProgress(delay=0.5)
    show(ScanProgress(100, 50, 1000, 3, 0.1, "a/b.py"))
    assert buf.getvalue() == ""  # a quick scan shows nothing
    show(ScanProgress(5000, 2000, 2_000_000, 80, 0.7, "src/x.py"))
    assert "scanning: 5,000 files, 2,000 read" in buf.getvalue()
    show(ScanProgress(9000, 4000, 4_000_000, 90, 1.0, "", done=True))
    assert buf.getvalue().endswith("\r\033[K")  # the line is cleared at the end
