"""Team assessments: the folder, the aggregation, the flags, alpha, the merge, the report and the CLI."""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readiness_widgets import Assessment, load_bank
from readiness_widgets.assessment import SCHEMA_VERSION, Respondent
from readiness_widgets.bank import validate_bank
from readiness_widgets.cli import main
from readiness_widgets.demo import demo_team_folder
from readiness_widgets.errors import AssessmentError, BankError
from readiness_widgets.report import render_html, render_markdown
from readiness_widgets.result import evaluate, evaluate_team
from readiness_widgets.scoring import DONT_KNOW_CODE, NA_CODE
from readiness_widgets.team import (
    CONSENSUS,
    Team,
    TeamError,
    TeamFolder,
    aggregate,
    aggregate_arrays,
    merge,
    ordinal_alpha,
)

MINI = Path(__file__).parent / "banks" / "mini.yaml"
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def team_dir(tmp_path):
    """A team of three on the mini bank: Ana (data science), Ben (platform), Cy (compliance)."""
    tf = TeamFolder.create(tmp_path / "team", "Churn", bank=load_bank(MINI), target="production")
    answers = {
        "Ana": ("data science", {"data.a": (3, "automated"), "data.b": (2, "manual"), "gov.c": (1, "none")}),
        "Ben": ("platform", {"data.a": (1, "none"), "data.b": (2, "manual"), "gov.c": ("dont_know", "none")}),
        "Cy": ("compliance", {"data.a": (2, "manual"), "data.b": ("na", "none"), "gov.c": (3, "manual")}),
    }
    for name, (role, own) in answers.items():
        a = tf.open_member(name, role)
        for qid, (value, evidence) in own.items():
            a.answer(qid, value, evidence=evidence, notes=f"{name} on {qid}")
        a.save()
    return tmp_path / "team"


def folder_of(folder) -> TeamFolder:
    return TeamFolder(folder, bank=load_bank(MINI))


def load(folder) -> Team:
    return folder_of(folder).load()


# ---- the folder ------------------------------------------------------------------------------


def test_the_folder_holds_one_file_per_respondent_and_the_consensus(team_dir):
    names = sorted(p.name for p in team_dir.glob("*.json"))
    assert names == ["ana.json", "ben.json", CONSENSUS, "cy.json"]
    doc = json.loads((team_dir / "ana.json").read_text())
    assert doc["schema_version"] == SCHEMA_VERSION
    assert doc["respondent"] == {"name": "Ana", "role": "data_science"}
    assert doc["answers"]["data.a"] == {"value": 3, "evidence": "automated", "notes": "Ana on data.a", "links": []}
    team = load(team_dir)
    assert team.names == ["Ana", "Ben", "Cy"]
    assert [m.role for m in team.members] == ["data_science", "platform", "compliance"]
    assert team.pilot == "Churn"


def test_opening_a_respondent_again_gives_their_own_file_and_never_another(team_dir):
    tf = folder_of(team_dir)
    again = tf.open_member("ana", "Data Science")  # names and roles match whatever their case
    assert again.path.name == "ana.json"
    assert again.value("data.a") == 3
    with pytest.raises(TeamError, match="Ana answers as data_science, not platform"):
        tf.open_member("Ana", "platform")
    with pytest.raises(TeamError, match="unknown role 'chef'"):
        tf.open_member("Dee", "chef")
    before = {p.name: p.read_bytes() for p in team_dir.glob("*.json")}
    dee = tf.open_member("Dee", "product")
    assert dee.path.name == "dee.json"
    assert {p.name: p.read_bytes() for p in team_dir.glob("*.json") if p.name != "dee.json"} == before


def test_a_new_file_never_replaces_one_written_meanwhile(team_dir):
    """A respondent's file is created by compare-and-swap from "no file": a file that appeared since is kept."""
    tf = folder_of(team_dir)
    a = Assessment.new("Churn", bank=load(team_dir).bank, path=team_dir / "eve.json",
                       respondent=Respondent(name="Eve", role="product"))
    (team_dir / "eve.json").write_text((team_dir / "ana.json").read_text())  # someone else got there first
    with pytest.raises(AssessmentError, match="not read by this copy"):
        a.save()
    assert json.loads((team_dir / "eve.json").read_text())["respondent"]["name"] == "Ana"
    del tf


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("empty", "empty folder"),
        ("no_consensus", "consensus.json: missing"),
        ("twice", "two files claim respondent 'Ana': ana-again.json and ana.json"),
        ("other_version", "answered with bank mini 0.9, but the team uses mini 1.0"),
        ("other_bank", "made with bank 'default', not 'mini'"),
        ("not_a_respondent", "respondent: missing"),
        ("broken", "not valid JSON"),
    ],
)
def test_bad_folders_are_one_line_errors(team_dir, tmp_path, setup, message):
    folder = team_dir
    if setup == "empty":
        folder = tmp_path / "empty"
        folder.mkdir()
    elif setup == "no_consensus":
        (team_dir / CONSENSUS).unlink()
    elif setup == "twice":
        shutil.copy(team_dir / "ana.json", team_dir / "ana-again.json")
    elif setup == "other_version":
        doc = json.loads((team_dir / "ben.json").read_text())
        doc["bank"]["version"] = "0.9"
        (team_dir / "ben.json").write_text(json.dumps(doc))
    elif setup == "other_bank":
        doc = json.loads((team_dir / "ben.json").read_text())
        doc["bank"] = {"id": "default", "version": "1.0.0"}
        (team_dir / "ben.json").write_text(json.dumps(doc))
    elif setup == "not_a_respondent":
        doc = json.loads((team_dir / "ben.json").read_text())
        del doc["respondent"]
        (team_dir / "ben.json").write_text(json.dumps(doc))
    elif setup == "broken":
        (team_dir / "ben.json").write_text("{")
    with pytest.raises(TeamError) as info:
        TeamFolder(folder, bank=load_bank(MINI)).load()
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_a_team_with_nobody_yet_is_an_error_for_merging_but_not_for_status(tmp_path):
    tf = TeamFolder.create(tmp_path / "t", "P")
    assert tf.load(require_members=False).members == ()
    with pytest.raises(TeamError, match="no respondent has answered yet"):
        tf.load()
    with pytest.raises(TeamError, match="not an empty folder"):
        TeamFolder.create(tmp_path / "t", "P")


# ---- aggregation ---------------------------------------------------------------------------------


def test_aggregate_per_question(team_dir):
    agg = aggregate(load(team_dir))
    q = agg.questions
    # data.a: 3, 1, 2 -> median 2, spread 2 (flagged), automated beside none (flagged)
    assert q.at["data.a", "value"] == 2
    assert q.at["data.a", "level"] == 2
    assert q.at["data.a", "spread"] == 2
    assert q.at["data.a", "iqr"] == 1
    assert q.at["data.a", "reasons"] == ("levels 1 to 3 differ by 2", "evidence conflicts: a sign-off or a running check beside none")
    assert q.at["data.a", "evidence"] == "manual"
    # data.b: 2, 2 and N/A: answered 2, N/A 1, no flag
    assert (q.at["data.b", "answered"], q.at["data.b", "na"], q.at["data.b", "dont_know"]) == (2, 1, 0)
    assert not q.at["data.b", "flagged"]
    # gov.c: 1, don't know, 3 -> the lower middle of two levels; don't know beside 3 is flagged
    assert q.at["gov.c", "value"] == 2
    assert q.at["gov.c", "level"] == 1
    assert "don't know beside level 3" in q.at["gov.c", "reasons"]
    # gov.d: nobody answered (it applies only to high risk)
    assert q.at["gov.d", "answer"] is None
    assert q.at["gov.d", "unanswered"] == 3
    assert list(agg.disagreements.index) == ["data.a", "gov.c"]


@pytest.mark.parametrize(("method", "expected"), [("median", [2, 2, 1]), ("min", [1, 2, 1]), ("mean", [2, 2, 2])])
def test_the_method_is_a_bank_setting(method, expected):
    levels = np.array([[3, 2, 1], [1, 2, np.nan], [2, NA_CODE, 3]], dtype=float)
    out = aggregate_arrays(levels, method=method)
    assert list(out["level"]) == expected
    raw = load_bank(MINI).model_dump(by_alias=True)
    raw["team"] = {"aggregate": method}
    assert validate_bank(raw).team.aggregate == method


def test_mean_rounds_halves_down():
    out = aggregate_arrays(np.array([[1, 2], [2, 3]], dtype=float), method="mean")
    assert list(out["value"]) == [1.5, 2.5]
    assert list(out["level"]) == [1, 2]


def test_questions_not_asked_of_a_role_are_left_out(tmp_path):
    raw = load_bank(MINI).model_dump(by_alias=True)
    raw["questions"][2]["ask_roles"] = ["compliance"]  # gov.c: compliance only
    bank = validate_bank(raw)
    tf = TeamFolder.create(tmp_path / "t", "P", bank=bank)
    ana = tf.open_member("Ana", "data_science")
    ana.answer("gov.c", 4)  # answered in her file, but not asked of her role: ignored
    ana.answer("data.a", 2)
    ana.save()
    cy = tf.open_member("Cy", "compliance")
    cy.answer("gov.c", 1)
    cy.save()
    team = TeamFolder(tmp_path / "t", bank=bank).load()
    q = aggregate(team).questions
    assert q.at["gov.c", "asked"] == 1
    assert q.at["gov.c", "level"] == 1
    assert not q.at["gov.c", "flagged"]
    assert ana.progress() == (1, 2)  # of data.a and data.b: gov.c is not asked of her (gov.d does not apply)
    r = evaluate_team(team)
    row = next(q for q in r.team.questions if q.id == "gov.c")
    assert [a.answer for a in row.answers] == ["not asked", "level 1"]


def test_ask_roles_must_name_known_roles():
    raw = load_bank(MINI).model_dump(by_alias=True)
    raw["questions"][0]["ask_roles"] = ["chef"]
    with pytest.raises(BankError, match=r"questions\[0\]\.ask_roles: unknown role\(s\) chef"):
        validate_bank(raw)
    raw["questions"][0]["ask_roles"] = ["cook"]
    raw["roles"] = [{"id": "cook", "title": "Cook"}]
    assert validate_bank(raw).question("data.a").ask_roles == ["cook"]


def test_krippendorff_alpha_ordinal():
    perfect = np.array([[0, 1, 2, 3, 4], [0, 1, 2, 3, 4]], dtype=float)
    assert ordinal_alpha(perfect) == pytest.approx(1.0)
    assert ordinal_alpha(np.array([[2, 2], [2, 2]], dtype=float)) is None  # no variation: undefined
    assert ordinal_alpha(np.array([[1, np.nan], [np.nan, 2]], dtype=float)) is None  # nothing pairable
    reversed_ = np.array([[0, 1, 3, 4], [4, 3, 1, 0]], dtype=float)
    assert ordinal_alpha(reversed_) < 0
    # three coders with missing values: the package agrees with the coincidence-matrix formulas
    data = np.array([
        [np.nan, np.nan, np.nan, np.nan, np.nan, 3, 4, 1, 2, 1, 1, 3, 3, np.nan, 3],
        [1, np.nan, 2, 1, 3, 3, 4, 3, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan],
        [np.nan, np.nan, 2, 1, 3, 4, 4, np.nan, 2, 1, 1, 3, 3, np.nan, 4],
    ])
    assert ordinal_alpha(data) == pytest.approx(_alpha_by_hand(data))
    assert ordinal_alpha(data) == pytest.approx(0.8067, abs=1e-3)


def _alpha_by_hand(data: np.ndarray) -> float:
    """Krippendorff's ordinal alpha from the coincidence matrix, one pair of values at a time."""
    import itertools

    o = np.zeros((5, 5))
    for unit in data.T:
        values = [int(v) for v in unit if not np.isnan(v)]
        for i, j in itertools.permutations(range(len(values)), 2):
            o[values[i], values[j]] += 1 / (len(values) - 1)
    n_c = o.sum(axis=1)

    def delta(c, k):
        a, b = min(c, k), max(c, k)
        return (n_c[a : b + 1].sum() - (n_c[a] + n_c[b]) / 2) ** 2

    observed = sum(o[c, k] * delta(c, k) for c in range(5) for k in range(5))
    expected = sum(n_c[c] * n_c[k] * delta(c, k) for c in range(5) for k in range(5)) / (n_c.sum() - 1)
    return 1 - observed / expected


def test_agreement_per_dimension_with_raters(team_dir):
    agg = aggregate(load(team_dir))
    assert agg.agreement.at["data", "raters"] == 3
    assert agg.agreement.at["data", "units"] == 2  # data.a (3 levels) and data.b (2)
    r = evaluate_team(load(team_dir))
    assert [d.raters for d in r.team.agreement] == [3, 2]  # governance: Ben said "don't know"


# ---- properties ------------------------------------------------------------------------------------

codes = st.sampled_from([np.nan, 0, 1, 2, 3, 4, NA_CODE, DONT_KNOW_CODE])


@st.composite
def answer_arrays(draw):
    r, q = draw(st.integers(1, 8)), draw(st.integers(1, 6))
    levels = np.array(draw(st.lists(codes, min_size=r * q, max_size=r * q)), dtype=float).reshape(r, q)
    evidence = np.array(draw(st.lists(st.integers(0, 2), min_size=r * q, max_size=r * q)), dtype=np.int8).reshape(r, q)
    return levels, evidence


@SETTINGS
@given(answer_arrays(), st.sampled_from(["median", "min", "mean"]))
def test_property_the_aggregate_lies_within_the_answers_range(arrays, method):
    levels, evidence = arrays
    out = aggregate_arrays(levels, evidence, method=method)
    for j in range(levels.shape[1]):
        given_levels = levels[:, j][levels[:, j] >= 0]
        if len(given_levels):
            assert given_levels.min() <= out["value"][j] <= given_levels.max()
            assert given_levels.min() <= out["level"][j] <= given_levels.max()
            assert out["level"][j] == int(out["level"][j])
            assert out["spread"][j] == given_levels.max() - given_levels.min()
            assert 0 <= out["iqr"][j] <= out["spread"][j]
        else:
            assert math.isnan(out["value"][j])
            assert math.isnan(out["spread"][j])
        assert out["answered"][j] + out["na"][j] + out["dont_know"][j] + out["unanswered"][j] == levels.shape[0]


@SETTINGS
@given(st.integers(1, 8), st.lists(st.tuples(codes, st.integers(0, 2)), min_size=1, max_size=6), st.sampled_from(["median", "min", "mean"]))
def test_property_unanimous_answers_are_no_disagreement(respondents, answers, method):
    levels = np.array([[v for v, _ in answers]] * respondents, dtype=float)
    evidence = np.array([[e for _, e in answers]] * respondents, dtype=np.int8)
    out = aggregate_arrays(levels, evidence, method=method)
    assert not out["flagged"].any()
    has = levels[0] >= 0
    assert (out["level"][has] == levels[0][has]).all()
    assert (out["spread"][has] == 0).all()


@SETTINGS
@given(answer_arrays(), st.sampled_from(["median", "min", "mean"]), st.randoms())
def test_property_respondent_order_never_changes_the_result(arrays, method, rnd):
    levels, evidence = arrays
    order = list(range(levels.shape[0]))
    rnd.shuffle(order)
    a = aggregate_arrays(levels, evidence, method=method)
    b = aggregate_arrays(levels[order], evidence[order], method=method)
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])


def _random_assessment(draw, bank, triage, target):
    a = Assessment.new("prop", bank=bank, triage=triage, target=target)
    for q in bank.questions:
        value = draw(st.sampled_from([None, 0, 1, 2, 3, 4, "dont_know"] + (["na"] if q.allow_na else [])))
        if value is not None:
            a.answer(q.id, value, evidence=draw(st.sampled_from(q.evidence_kinds)))
    return a


@SETTINGS
@given(st.data(), st.sampled_from(["mini", "default"]), st.sampled_from(["median", "min", "mean"]))
def test_property_one_respondent_scores_as_a_single_file_assessment(data, which, method):
    base = load_bank(MINI) if which == "mini" else load_bank()
    raw = base.model_dump(by_alias=True)
    raw["team"] = {"aggregate": method}
    bank = validate_bank(raw)
    triage = {t.id: data.draw(st.sampled_from([o.value for o in t.options])) for t in bank.triage}
    target = data.draw(st.sampled_from([None, *[t.id for t in bank.targets]]))
    single = _random_assessment(data.draw, bank, triage, target)
    member = Assessment.from_dict({**single.to_dict(), "respondent": {"name": "Solo", "role": bank.role_ids[0]}}, bank=bank)
    consensus = Assessment.new("prop", bank=bank, triage=triage, target=target)
    team = Team(Path("."), consensus, (member,))
    expected, got = evaluate(single), evaluate_team(team)
    pd.testing.assert_frame_equal(
        got.scores.dimensions[["score", "coverage", "gap", "status"]], expected.scores.dimensions[["score", "coverage", "gap", "status"]]
    )
    assert got.verdict == expected.verdict
    assert math.isclose(got.mean, expected.mean, rel_tol=0, abs_tol=1e-12) or (math.isnan(got.mean) and math.isnan(expected.mean))
    assert got.team.disagreements == ()


# ---- agreements and the merge ------------------------------------------------------------------------


def test_agreed_answers_override_the_aggregate_and_keep_who_and_when(team_dir):
    consensus = folder_of(team_dir).open_consensus()
    consensus.agree("data.a", 3, evidence="automated", reason="The CI job proves it", by="Fay")
    consensus.save()
    doc = json.loads((team_dir / CONSENSUS).read_text())
    agreed = doc["agreements"]["data.a"]
    assert agreed["value"] == 3
    assert agreed["agreed_by"] == "Fay"
    assert agreed["reason"] == "The CI job proves it"
    assert agreed["agreed_at"].endswith("Z")
    team = load(team_dir)
    merged = merge(team)
    assert merged.value("data.a") == 3
    assert merged.answers["data.a"].evidence == "automated"
    assert merged.answers["data.a"].notes.startswith("Agreed by Fay on ")
    assert merged.value("gov.c") == 1  # the aggregate where nothing is agreed
    assert merged.answers["gov.c"].notes.startswith("Team median of 3: Ana level 1, Ben don't know, Cy level 3")
    assert merged.respondent is None
    assert merged.agreements == {}
    r = evaluate_team(team)
    assert [q.id for q in r.team.disagreements] == ["gov.c", "data.a"]  # open first
    assert r.team.disagreements[1].final == "level 3 (agreed)"
    with pytest.raises(AssessmentError, match="reason: String should have at least 1 character"):
        consensus.agree("data.a", 2, reason="", by="Fay")
    with pytest.raises(AssessmentError, match="N/A is not allowed"):
        consensus.agree("data.a", "na", reason="x", by="Fay")


def test_the_team_assessment_is_scored_reported_and_gated_like_any(team_dir, tmp_path):
    r = evaluate_team(load(team_dir))
    merged = merge(load(team_dir))
    assert r.scores.to_dict()["dimensions"] == evaluate(merged).scores.to_dict()["dimensions"]
    html = render_html(r)
    assert html.index("What we disagree on") < html.index('id="verdict"')
    assert '"fig-disagreements"' in html
    assert '"heatmap"' in html
    assert "Team (agreed)" in html
    assert "Each role" in html
    md = render_markdown(r)
    assert md.index("## What we disagree on") < md.index("## Verdict")
    assert "| `data.a` Question A? | level 3, automated | level 1, none | level 2, manual | 2 |" in md


def test_hostile_names_and_notes_stay_text_in_the_team_report(tmp_path):
    tf = TeamFolder.create(tmp_path / "t", "P <b>", bank=load_bank(MINI))
    for name, level in (("<script>alert(1)</script>", 0), ("<img src=x onerror=alert(2)>", 4)):
        a = tf.open_member(name, "platform")
        a.answer("data.a", level, notes="<script>alert(3)</script>")
        a.save()
    r = evaluate_team(folder_of(tmp_path / "t").load())
    html = render_html(r)
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    md = render_markdown(r)
    assert not re.search(r"(?<!\\)<(script|img|/script)", md)  # every angle bracket escaped


# ---- the CLI ------------------------------------------------------------------------------------


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_new_status_disagreements_merge(tmp_path, capsys, team_dir):
    code, out, _ = run(capsys, "team", "new", tmp_path / "fresh", "--pilot", "Fresh pilot")
    assert code == 0
    assert "rw.assess(" in out
    assert (tmp_path / "fresh" / CONSENSUS).exists()
    code, out, _ = run(capsys, "team", "status", tmp_path / "fresh")
    assert code == 0
    assert "no respondent has answered yet" in out
    code, out, _ = run(capsys, "team", "status", team_dir, "--bank", MINI)
    assert code == 0
    assert "Ana" in out
    assert "3 of 3 answered" in out
    assert "2 flagged, 2 open" in out
    code, out, _ = run(capsys, "team", "disagreements", team_dir, "--bank", MINI, "--format", "json")
    rows = json.loads(out)
    assert rows[0] == {
        "question": "data.a", "text": "Question A?", "levels": {"Ana": 3, "Ben": 1, "Cy": 2}, "spread": 2.0,
        "reason": "levels 1 to 3 differ by 2; evidence conflicts: a sign-off or a running check beside none", "team": "level 2", "agreed": None,
    }
    assert rows[1]["levels"] == {"Ana": 1, "Ben": "dont_know", "Cy": 3}
    code, out, _ = run(capsys, "team", "disagreements", team_dir, "--bank", MINI)
    assert code == 0
    assert out.startswith("| Question | Ana | Ben | Cy |")
    code, out, _ = run(capsys, "team", "agree", team_dir, "gov.c", "2", "--reason", "talked it through", "--by", "Fay", "--bank", MINI)
    assert code == 0, out
    out_file = tmp_path / "team.json"
    code, out, _ = run(capsys, "team", "merge", team_dir, "--bank", MINI, "-o", out_file)
    assert code == 0
    assert "1 agreed" in out
    assert json.loads(out_file.read_text())["answers"]["gov.c"]["value"] == 2
    for command in ("score", "roadmap", "gate"):
        code_file, out_file_text, _ = run(capsys, command, out_file, "--bank", MINI)
        code_folder, out_folder_text, _ = run(capsys, command, team_dir, "--bank", MINI)
        assert code_file == code_folder
        assert out_file_text == out_folder_text
    code, out, _ = run(capsys, "report", team_dir, "--bank", MINI, "-o", tmp_path / "r.html")
    assert code == 0
    assert "What we disagree on" in (tmp_path / "r.html").read_text()


@pytest.mark.parametrize("setup", ["empty", "twice", "other_version"])
def test_cli_bad_team_input_is_one_line_and_exit_2(tmp_path, capsys, team_dir, setup):
    folder = team_dir
    if setup == "empty":
        folder = tmp_path / "empty"
        folder.mkdir()
    elif setup == "twice":
        shutil.copy(team_dir / "ben.json", team_dir / "benjamin.json")
    else:
        doc = json.loads((team_dir / "cy.json").read_text())
        doc["bank"]["version"] = "2.0"
        (team_dir / "cy.json").write_text(json.dumps(doc))
    for argv in (("team", "status", folder), ("team", "disagreements", folder), ("team", "merge", folder, "-o", tmp_path / "o.json")):
        code, out, err = run(capsys, *argv, "--bank", MINI)
        assert code == 2, (argv, out, err)
        assert err.count("\n") == 1
        assert err.startswith("readiness: invalid team folder: ")
        assert "Traceback" not in err


def test_cli_merge_refuses_to_write_into_the_team_folder(capsys, team_dir):
    code, _, err = run(capsys, "team", "merge", team_dir, "--bank", MINI, "-o", team_dir / "team.json")
    assert code == 2
    assert "inside the team folder" in err


def test_the_bundled_demo_team_loads():
    r = evaluate_team(TeamFolder(demo_team_folder()).load())
    assert len(r.team.members) == 4
    assert len(r.team.disagreements) >= 3
    assert r.team.agreed
    assert r.team.open_disagreements


def test_committed_demo_team_is_what_demo_team_makes(tmp_path):
    from readiness_widgets.demo import demo_team

    made = demo_team(tmp_path / "team")
    committed = demo_team_folder()
    assert sorted(p.name for p in made.glob("*.json")) == sorted(p.name for p in committed.glob("*.json"))
    for path in made.glob("*.json"):
        assert path.read_bytes() == (committed / path.name).read_bytes(), (
            f"{committed / path.name} is stale: run python -c \"from readiness_widgets.demo import demo_team; "
            "demo_team('dashboards/team-demo', force=True)\""
        )
    assert not list(made.glob(".*.lock"))
