"""The `readiness` command: outputs and exit codes (0 ok/go, 1 no-go, 2 bad input, 3 internal)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from readiness_widgets import Assessment, cli
from readiness_widgets.bank import bundled_bank_path

MINI = str(Path(__file__).parent / "banks" / "mini.yaml")


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def mini_file(tmp_path, mini_bank, answers, name="a.json", **kw):
    a = Assessment.new(kw.pop("pilot", "Mini pilot"), bank=mini_bank, **kw)
    for qid, (value, evidence) in answers.items():
        a.answer(qid, value, evidence=evidence)
    return a.save(tmp_path / name)


GAPPY = {"data.a": (1, "none"), "data.b": (2, "none"), "gov.c": (1, "manual")}
READY = {"data.a": (4, "automated"), "data.b": (4, "automated"), "gov.c": (4, "automated")}


# ---- validate -----------------------------------------------------------------------------


def test_validate_bundled_bank(capsys, bank):
    code, out, _err = run(capsys, "validate")
    assert code == 0
    assert out.strip().endswith(f"6 dimensions, {len(bank.questions)} questions")
    assert str(bundled_bank_path()) in out


def test_validate_a_bank_file(capsys):
    code, out, _ = run(capsys, "validate", MINI)
    assert code == 0
    assert out == f"{MINI}: valid bank mini 1.0: 2 dimensions, 4 questions\n"


def test_validate_an_invalid_bank_lists_every_problem(capsys, tmp_path):
    text = Path(MINI).read_text(encoding="utf-8")
    text = text.replace("weight: 3\n", "weight: -3\n").replace("default: low", "default: medium")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "validate", bad)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert lines[0] == "readiness: invalid question bank: 2 problems"
    assert any(f"{bad}:" in line and "questions[1].weight" in line for line in lines[1:])
    assert any("triage[0]" in line for line in lines[1:])


def test_validate_a_missing_bank(capsys, tmp_path):
    code, _, err = run(capsys, "validate", tmp_path / "nope.yaml")
    assert code == 2
    assert err.count("\n") == 1
    assert "nope.yaml: cannot read bank" in err


# ---- demo and new ---------------------------------------------------------------------------


def test_demo(capsys, tmp_path):
    target = tmp_path / "demo.json"
    code, out, _ = run(capsys, "demo", "-o", target)
    assert code == 0
    assert out == f"wrote {target}\n"
    a = Assessment.load(target)
    answered, applicable = a.progress()
    assert 0 < answered < applicable


def test_demo_refuses_to_replace_a_file(capsys, tmp_path):
    target = tmp_path / "mine.json"
    target.write_text("my real assessment", encoding="utf-8")
    code, out, err = run(capsys, "demo", "-o", target)
    assert code == 2
    assert out == ""
    assert err == f"readiness: {target} exists; pass --force to replace it\n"
    assert target.read_text(encoding="utf-8") == "my real assessment"
    assert run(capsys, "demo", "-o", target, "--force")[0] == 0
    assert Assessment.load(target).pilot == "Customer churn predictor"


def test_demo_history(capsys, tmp_path):
    code, _out, _ = run(capsys, "demo", "-o", tmp_path / "demo.json", "--history")
    assert code == 0
    earlier, later = Assessment.load(tmp_path / "demo-previous.json"), Assessment.load(tmp_path / "demo.json")
    assert earlier.data.updated < later.data.updated
    assert earlier.evaluate().scores.mean < later.evaluate().scores.mean


def test_new(capsys, tmp_path, mini_bank):
    target = tmp_path / "new.json"
    code, out, _ = run(capsys, "new", target, "--pilot", "Fraud model", "--bank", MINI, "--respondent", "Ana", "--target", "pilot")
    assert code == 0
    assert out == f"wrote {target}: 3 questions to answer\n"
    a = Assessment.load(target, bank=mini_bank)
    assert (a.pilot, a.respondents, a.target, a.answers) == ("Fraud model", ["Ana"], "pilot", {})


def test_new_refuses_to_replace_a_file(capsys, tmp_path):
    target = tmp_path / "new.json"
    target.write_text("precious", encoding="utf-8")
    code, _, err = run(capsys, "new", target, "--pilot", "x", "--bank", MINI)
    assert code == 2
    assert "exists; pass --force" in err
    assert target.read_text(encoding="utf-8") == "precious"
    assert run(capsys, "new", target, "--pilot", "x", "--bank", MINI, "--force")[0] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--pilot", ""], "pilot"),
        (["--pilot", "x", "--target", "launch"], "unknown target profile 'launch'"),
        (["--pilot", "x", "--bank", "nope.yaml"], "nope.yaml: cannot read bank"),
        ([], "the following arguments are required: --pilot"),
    ],
)
def test_new_bad_arguments(capsys, tmp_path, args, message):
    if "--bank" not in args:
        args = [*args, "--bank", MINI]
    code, _out, err = run(capsys, "new", tmp_path / "x.json", *args)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1  # one line
    assert not (tmp_path / "x.json").exists()


def test_new_names_the_file_in_its_errors(capsys, tmp_path):
    target = tmp_path / "x.json"
    _, _, err = run(capsys, "new", target, "--pilot", "", "--bank", MINI)
    assert str(target) in err


# ---- score ----------------------------------------------------------------------------------


def test_score_table(capsys, tmp_path, mini_bank):
    path = mini_file(tmp_path, mini_bank, GAPPY)
    code, out, _ = run(capsys, "score", path, "--bank", MINI)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Mini pilot: target production"
    assert "verdict: not_ready" in out
    assert "blocker: Data:" in out
    data_row = next(line for line in lines if line.startswith("data "))
    assert data_row.split()[1:6] == ["Data", "0.88", "3.00", "2.12", "100%"]  # (0.5 + 1.0 * 3) / 4


def test_score_json(capsys, tmp_path, mini_bank):
    path = mini_file(tmp_path, mini_bank, GAPPY)
    code, out, _ = run(capsys, "score", path, "--bank", MINI, "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert [d["id"] for d in doc["dimensions"]] == ["data", "gov"]
    for d in doc["dimensions"]:
        assert {"id", "score", "target", "gap", "coverage"} <= set(d)
    assert doc["dimensions"][0]["score"] == 0.875
    assert doc["dimensions"][1]["score"] == 0.375
    assert set(doc["overall"]) >= {"mean", "weakest"}
    assert doc["overall"]["weakest"] == 0.375
    assert doc["verdict"]["status"] == "not_ready"
    assert doc["verdict"]["blockers"] == ["data", "gov"]


def test_score_json_with_a_target(capsys, tmp_path, mini_bank):
    path = mini_file(tmp_path, mini_bank, READY)
    code, out, _ = run(capsys, "score", path, "--bank", MINI, "--format", "json", "--target", "pilot")
    assert code == 0
    doc = json.loads(out)
    assert [d["target"] for d in doc["dimensions"]] == [1.0, 1.0]
    assert doc["verdict"] == {
        "status": "ready", "blockers": [], "knockouts": [], "blocking_questions": [], "conditions": [], "reasons": [],
    }  # fmt: skip


def test_score_csv(capsys, tmp_path, mini_bank):
    path = mini_file(tmp_path, mini_bank, GAPPY)
    code, out, _ = run(capsys, "score", path, "--bank", MINI, "--format", "csv")
    assert code == 0
    frame = pd.read_csv(io.StringIO(out), index_col="dimension")
    assert list(frame.index) == ["data", "gov"]
    assert {"score", "target", "gap", "coverage", "status"} <= set(frame.columns)
    assert frame.at["data", "score"] == pytest.approx(0.875)


def test_score_prints_the_file_warnings(capsys, tmp_path, mini_bank):
    path = mini_file(tmp_path, mini_bank, GAPPY)
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["answers"]["data.retired"] = {"value": 2}
    path.write_text(json.dumps(doc), encoding="utf-8")
    code, _out, err = run(capsys, "score", path, "--bank", MINI)
    assert code == 0
    assert "readiness: warning:" in err
    assert "data.retired" in err


# ---- roadmap --------------------------------------------------------------------------------


def test_roadmap_markdown(capsys, tmp_path, mini_bank):
    path = mini_file(tmp_path, mini_bank, GAPPY)
    code, out, _ = run(capsys, "roadmap", path, "--bank", MINI)
    assert code == 0
    assert out.startswith("# Roadmap: Mini pilot to production")
    assert "## Phase 3" in out


def test_roadmap_csv(capsys, tmp_path, mini_bank):
    path = mini_file(tmp_path, mini_bank, GAPPY)
    code, out, _ = run(capsys, "roadmap", path, "--bank", MINI, "--format", "csv")
    assert code == 0
    frame = pd.read_csv(io.StringIO(out))
    assert list(frame["deliverable"]) == ["Do A", "Do C1", "Do B", "Do C3"]
    assert list(frame["phase"]) == [1, 1, 2, 3]


def test_roadmap_json(capsys, tmp_path, mini_bank):
    path = mini_file(tmp_path, mini_bank, GAPPY)
    code, out, _ = run(capsys, "roadmap", path, "--bank", MINI, "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["total_weeks"] == 4  # four streams: every deliverable starts in week 0
    assert [p["weeks"] for p in doc["phases"]] == [2, 4, 3]
    assert doc["phases"][0]["deliverables"][0]["deliverable"] == "Do A"


# ---- gate -----------------------------------------------------------------------------------


def test_gate_go(capsys, tmp_path, mini_bank):
    path = mini_file(tmp_path, mini_bank, READY)
    code, out, _ = run(capsys, "gate", path, "--bank", MINI, "--target", "production")
    assert code == 0
    assert out == "GO: Mini pilot: production (ready)\n"


def test_gate_no_go(capsys, tmp_path, mini_bank):
    path = mini_file(tmp_path, mini_bank, GAPPY)
    code, out, _ = run(capsys, "gate", path, "--bank", MINI, "--target", "production")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "NO-GO: Mini pilot: production (not_ready)"
    assert lines[1:] == [
        "  - blocker: Data: 0.88 is 2.12 below the target 3",
        "  - blocker: Governance: 0.38 is 1.62 below the target 2",
    ]


def test_gate_strict_counts_conditions(capsys, tmp_path, mini_bank):
    # data (4 + 2.25 * 3) / 4 = 2.6875, 0.31 below 3: a condition, not a blocker
    path = mini_file(tmp_path, mini_bank, {"data.a": (4, "automated"), "data.b": (3, "manual"), "gov.c": (4, "automated")})
    assert run(capsys, "gate", path, "--bank", MINI, "--target", "production")[0] == 0
    code, out, _ = run(capsys, "gate", path, "--bank", MINI, "--target", "production", "--strict")
    assert code == 1
    assert "condition: Data: 2.69 is 0.31 below the target 3" in out


def test_gate_phase(capsys, tmp_path, mini_bank):
    # only data.b (phase 2) has a gap
    path = mini_file(tmp_path, mini_bank, {"data.a": (4, "automated"), "data.b": (2, "none"), "gov.c": (4, "automated")})
    code, out, _ = run(capsys, "gate", path, "--bank", MINI, "--target", "production", "--phase", "1")
    assert code == 0
    assert out.startswith("GO: Mini pilot: phase 1 of the roadmap to production")
    code, out, _ = run(capsys, "gate", path, "--bank", MINI, "--target", "production", "--phase", "2")
    assert code == 1
    assert "phase 2: data.b reaches level 3 with reviewed or automated evidence (now level 2, none evidence)" in out


def test_gate_on_the_demo(capsys, demo_file):
    code, out, _ = run(capsys, "gate", demo_file, "--target", "production")
    assert code == 1
    assert out.startswith("NO-GO: Customer churn predictor: production")
    code, _, _ = run(capsys, "gate", demo_file, "--target", "pilot")
    assert code in (0, 1)


# ---- bad arguments and bad files --------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["score"], "the following arguments are required: FILE"),
        (["score", "{file}", "--format", "xml"], "invalid choice: 'xml'"),
        (["roadmap", "{file}", "--format", "pdf"], "invalid choice: 'pdf'"),
        (["gate", "{file}", "--phase", "5"], "invalid choice: 5"),
        (["gate", "{file}", "--phase", "one"], "invalid int value: 'one'"),
        (["score", "{file}", "--target", "launch"], "--target: unknown target profile 'launch' (known: pilot, production)"),
        (["bogus"], "invalid choice: 'bogus'"),
        (["score", "{file}", "--colour"], "unrecognized arguments: --colour"),
    ],
)
def test_bad_arguments(capsys, tmp_path, mini_bank, argv, message):
    path = mini_file(tmp_path, mini_bank, GAPPY)
    argv = [a.replace("{file}", str(path)) for a in argv]
    if argv[0] != "bogus" and len(argv) > 1:
        argv += ["--bank", MINI]
    code, _out, err = run(capsys, *argv)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1
    assert err.startswith("readiness")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"pilot": "x"}', "schema_version: required field is missing"),
        ('{"schema_version": 9, "pilot": "x"}', "written by a newer readiness-widgets"),
        ("[]", "expected a JSON object"),
    ],
)
@pytest.mark.parametrize("command", ["score", "roadmap", "gate"])
def test_bad_files(capsys, tmp_path, content, message, command):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, command, path)
    assert code == 2
    assert out == ""
    assert message in err
    assert str(path) in err
    assert err.count("\n") == 1


def test_missing_file(capsys, tmp_path):
    code, _, err = run(capsys, "score", tmp_path / "nope.json")
    assert code == 2
    assert "nope.json: cannot read" in err


def test_file_of_another_bank_without_bank(capsys, tmp_path, mini_bank):
    path = mini_file(tmp_path, mini_bank, GAPPY)
    code, _, err = run(capsys, "score", path)
    assert code == 2
    assert "made with bank 'mini'; pass that bank file (--bank BANK.yaml)" in err


def test_internal_error_is_one_line_and_exit_3(capsys, tmp_path, mini_bank, monkeypatch):
    path = mini_file(tmp_path, mini_bank, GAPPY)

    def boom(args):
        raise RuntimeError("something broke")

    monkeypatch.setattr(cli, "cmd_score", boom)
    monkeypatch.delenv("READINESS_DEBUG", raising=False)
    code, _, err = run(capsys, "score", path, "--bank", MINI)
    assert code == 3
    assert "internal error: RuntimeError: something broke" in err
    assert err.count("\n") == 1


def test_no_command_prints_help(capsys):
    code, out, _ = run(capsys)
    assert code == 2
    assert "validate" in out


# ---- the installed console script ----------------------------------------------------------


def script():
    path = shutil.which("readiness")
    assert path, "the readiness console script is not installed (pip install -e .)"
    return path


def test_console_script_end_to_end(tmp_path):
    demo = tmp_path / "demo.json"
    done = subprocess.run([script(), "demo", "-o", str(demo)], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    done = subprocess.run([script(), "score", str(demo), "--format", "json"], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert {d["id"] for d in json.loads(done.stdout)["dimensions"]} == {"data", "model", "infrastructure", "team", "governance", "business"}
    done = subprocess.run([script(), "gate", str(demo), "--target", "production"], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert done.stdout.startswith("NO-GO")


def test_console_script_validate_and_errors(tmp_path):
    done = subprocess.run([script(), "validate", MINI], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0
    assert done.stdout.strip().endswith("2 dimensions, 4 questions")
    bad = tmp_path / "bad.json"
    bad.write_text("{oops", encoding="utf-8")
    done = subprocess.run([script(), "score", str(bad)], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1
    assert f"{bad}:1: not valid JSON" in done.stderr


def test_module_entry_point():
    done = subprocess.run([sys.executable, "-m", "readiness_widgets.cli", "validate", MINI], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0
    assert "2 dimensions, 4 questions" in done.stdout


@pytest.mark.parametrize("extra", [[], ["--phase", "2"], ["--strict"]])
def test_gate_scores_once(demo_file, monkeypatch, capsys, extra):
    import readiness_widgets.result as result_module

    calls = []
    real = result_module.score
    monkeypatch.setattr(result_module, "score", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    assert cli.main(["gate", str(demo_file), "--target", "production", *extra]) == 1
    assert len(calls) == 1
    assert capsys.readouterr().out.startswith("NO-GO: ")


# ---- hostile files: exit 2 with a message naming the file, never exit 3 ---------------------


@pytest.mark.parametrize(
    ("command", "content", "message"),
    [
        ("report", '"updated": "0001-01-01T00:00:00+14:00"', "updated: 0001-01-01T00:00:00+14:00 is outside the dates"),
        ("score", '"pilot": "x", "pilot": "y"', "pilot: key given twice"),
        ("score", '"schema_version": ' + "9" * 5000, "a number of 5,000 digits"),
    ],
)
def test_hostile_assessment_exits_2_naming_the_file(capsys, tmp_path, mini_bank, command, content, message):
    good = json.loads(mini_file(tmp_path, mini_bank, GAPPY).read_text(encoding="utf-8"))
    text = json.dumps(good)
    key = content.split(":", 1)[0]
    start = text.index(key)
    end = text.index(", ", start)
    path = tmp_path / "hostile.json"
    path.write_text(text[:start] + content + text[end:], encoding="utf-8")
    argv = [command, path, "--bank", MINI] + (["-o", tmp_path / "r.html"] if command == "report" else [])
    code, _, err = run(capsys, *argv)
    assert code == 2, err
    assert err.startswith(f"readiness: invalid assessment: {path}")
    assert message in err
