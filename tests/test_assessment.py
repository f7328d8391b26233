"""The assessment file: round trip, atomic save, migration, unknown ids, conflicts, bad files."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import pytest

from readiness_widgets import Assessment
from readiness_widgets.assessment import SCHEMA_VERSION, AssessmentConflictError, UnknownQuestionWarning
from readiness_widgets.errors import AssessmentError, ReadinessError, UnknownIdError

MINI_BANK = Path(__file__).parent / "banks" / "mini.yaml"


@pytest.fixture
def filled(mini_bank):
    a = Assessment.new("Churn model", bank=mini_bank, respondents=["Ana", "Bo"], triage={"risk": "high"}, target="pilot")
    a.answer("data.a", 3, evidence="automated", notes="checked in CI", links=["https://ci.example/job/1", "docs/data.md"])
    a.answer("data.b", "na")
    a.answer("gov.c", "dont_know", notes="ask legal")
    return a


def write_json(tmp_path, doc, name="a.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def valid_doc(**changes):
    doc = {
        "schema_version": SCHEMA_VERSION,
        "pilot": "Churn model",
        "respondents": ["Ana"],
        "created": "2026-11-01T09:00:00Z",
        "updated": "2026-11-02T09:00:00Z",
        "bank": {"id": "mini", "version": "1.0"},
        "target": None,
        "triage": {"risk": "low"},
        "answers": {"data.a": {"value": 2, "evidence": "manual", "notes": "", "links": []}},
    }
    doc.update(changes)
    return doc


# ---- round trip and atomic save -------------------------------------------------------------


def test_round_trip(tmp_path, filled, mini_bank):
    path = filled.save(tmp_path / "a.json")
    again = Assessment.load(path, bank=mini_bank)
    assert again.to_dict() == filled.to_dict()
    assert again.pilot == "Churn model"
    assert again.respondents == ["Ana", "Bo"]
    assert again.triage == {"risk": "high"}
    assert again.target == "pilot"
    assert again.value("data.a") == 3
    assert again.value("data.b") == "na"
    assert again.value("gov.c") == "dont_know"
    assert again.value("gov.d") is None
    assert again.answers["data.a"].links == ["https://ci.example/job/1", "docs/data.md"]
    assert again.warnings == []
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["schema_version"] == SCHEMA_VERSION
    assert doc["bank"] == {"id": "mini", "version": "1.0"}
    assert {"created", "updated"} <= set(doc)


def test_save_leaves_no_temporary_file(tmp_path, filled):
    filled.save(tmp_path / "a.json")
    filled.answer("data.a", 4)
    filled.save()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".a.json.lock", "a.json"]  # the lock file stays: waiters share its inode


def test_failed_write_keeps_the_original(tmp_path, filled, monkeypatch):
    path = filled.save(tmp_path / "a.json")
    before = path.read_bytes()
    filled.answer("data.a", 0)

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(AssessmentError, match="cannot write: No space left on device") as info:
        filled.save()
    assert str(path) in str(info.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".a.json.lock", "a.json"]


def test_interrupted_write_keeps_the_original(tmp_path, filled, monkeypatch):
    path = filled.save(tmp_path / "a.json")
    before = path.read_bytes()

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        filled.save(force=True)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".a.json.lock", "a.json"]


def test_save_into_a_missing_folder(tmp_path, filled):
    with pytest.raises(AssessmentError, match="cannot write"):
        filled.save(tmp_path / "missing" / "a.json")


def test_save_without_a_path(mini_bank):
    with pytest.raises(AssessmentError, match="no path to save to"):
        Assessment.new("x", bank=mini_bank).save()


# ---- conflicts ------------------------------------------------------------------------------


def test_two_objects_on_one_file(tmp_path, filled, mini_bank):
    path = filled.save(tmp_path / "a.json")
    first = Assessment.load(path, bank=mini_bank)
    second = Assessment.load(path, bank=mini_bank)
    first.answer("data.a", 4)
    first.save()
    second.answer("data.a", 1)
    with pytest.raises(AssessmentConflictError, match="changed on disk") as info:
        second.save()
    assert str(path) in str(info.value)
    assert Assessment.load(path, bank=mini_bank).value("data.a") == 4  # first's answer is kept
    second.save(force=True)
    assert Assessment.load(path, bank=mini_bank).value("data.a") == 1


def test_conflict_seen_through_another_spelling_of_the_path(tmp_path, filled, mini_bank, monkeypatch):
    path = filled.save(tmp_path / "a.json")
    monkeypatch.chdir(tmp_path)
    first = Assessment.load("a.json", bank=mini_bank)
    other = Assessment.load(path, bank=mini_bank)
    other.answer("data.a", 0)
    other.save()
    with pytest.raises(AssessmentConflictError):
        first.save(tmp_path / "." / "a.json")


def test_saving_again_is_not_a_conflict(tmp_path, filled):
    filled.save(tmp_path / "a.json")
    for level in range(5):
        filled.answer("data.a", level)
        filled.save()


def test_new_object_refuses_to_overwrite_its_existing_path(tmp_path, filled, mini_bank):
    path = filled.save(tmp_path / "a.json")
    fresh = Assessment.new("Other", bank=mini_bank, path=path)
    with pytest.raises(AssessmentConflictError):
        fresh.save()


# ---- migration and bank checks ---------------------------------------------------------------


def test_migrates_version_1(tmp_path, mini_bank):
    v1 = {
        "schema_version": 1,
        "pilot": "Old pilot",
        "respondent": "Ana",
        "bank_id": "mini",
        "bank_version": 1.0,
        "created": "2025-01-01T00:00:00Z",
        "updated": "2025-01-02T00:00:00Z",
        "triage": {"risk": "high"},
        "answers": {"data.a": 2, "data.b": "na", "gov.c": "dont_know"},
        "evidence": {"data.a": "ci", "gov.c": "manual"},
        "notes": {"data.a": "from the old form"},
    }
    path = write_json(tmp_path, v1)
    a = Assessment.load(path, bank=mini_bank)
    assert a.respondents == ["Ana"]
    assert a.answers["data.a"].value == 2
    assert a.answers["data.a"].evidence == "automated"  # version 1 called it "ci"
    assert a.answers["data.a"].notes == "from the old form"
    assert a.answers["gov.c"].evidence == "manual"
    assert a.value("data.b") == "na"
    assert a.triage == {"risk": "high"}
    a.save()
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["schema_version"] == SCHEMA_VERSION
    assert "respondent" not in saved
    assert "evidence" not in saved
    assert saved["bank"] == {"id": "mini", "version": "1.0"}


@pytest.mark.parametrize("version", [2, 3, 4])
def test_migrates_versions_2_to_4_and_keeps_everything(tmp_path, mini_bank, version):
    old = valid_doc(schema_version=version)
    if version >= 3:  # version 3 added the team fields
        old["respondent"] = {"name": "Ana", "role": "data_science"}
    path = write_json(tmp_path, old)
    a = Assessment.load(path, bank=mini_bank)
    assert (a.business_unit, a.owner) == (None, None)
    assert a.answers["data.a"].value == 2
    a.save()
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["schema_version"] == SCHEMA_VERSION == 5
    new = ("schema_version", "business_unit", "owner", *(("respondent", "agreements") if version == 2 else ("agreements",)))
    assert {k: v for k, v in saved.items() if k not in new} == {k: v for k, v in old.items() if k != "schema_version"}
    assert saved["business_unit"] is None
    assert saved["owner"] is None


def test_business_unit_and_owner_are_metadata_with_a_change_signal(tmp_path, mini_bank):
    a = Assessment.new("Churn", bank=mini_bank, business_unit="Retail", owner="Ana")
    seen = []
    a.changed.connect(seen.append)
    a.business_unit = "Insurance"
    a.owner = ""  # cleared
    assert (a.business_unit, a.owner) == ("Insurance", None)
    assert [c.kinds for c in seen] == [frozenset({"meta"})] * 2
    again = Assessment.load(a.save(tmp_path / "a.json"), bank=mini_bank)
    assert (again.business_unit, again.owner) == ("Insurance", None)
    with pytest.raises(AssessmentError, match="business_unit"):
        a.business_unit = "x" * 300


def test_unknown_ids_are_reported_and_kept(tmp_path, mini_bank):
    doc = valid_doc(answers={"data.a": {"value": 2}, "data.retired": {"value": 3, "notes": "old question"}})
    path = write_json(tmp_path, doc)
    with pytest.warns(UnknownQuestionWarning, match=r"data\.retired"):
        a = Assessment.load(path, bank=mini_bank)
    assert a.unknown_ids == ["data.retired"]
    assert any("data.retired" in w and "kept in the file, not scored" in w for w in a.warnings)
    assert any(str(path) in w for w in a.warnings)
    assert a.evaluate().scores.dimensions.at["data", "answered"] == 1
    a.answer("data.a", 3)
    a.save()
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["answers"]["data.retired"] == {"value": 3, "evidence": "none", "notes": "old question", "links": []}


def test_unknown_triage_id_is_a_warning(tmp_path, mini_bank):
    path = write_json(tmp_path, valid_doc(triage={"risk": "low", "colour": "red"}))
    a = Assessment.load(path, bank=mini_bank)
    assert any("triage.colour" in w for w in a.warnings)
    assert a.triage == {"risk": "low"}


def test_bank_version_mismatch_is_a_warning(tmp_path, mini_bank):
    path = write_json(tmp_path, valid_doc(bank={"id": "mini", "version": "0.9"}))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a version mismatch is not a Python warning, just listed
        a = Assessment.load(path, bank=mini_bank)
    assert a.warnings == [f"{path}: bank.version: made with mini 0.9, scored with 1.0"]


def test_bank_given_as_a_path(tmp_path):
    path = write_json(tmp_path, valid_doc())
    assert Assessment.load(path, bank=MINI_BANK).bank.id == "mini"


# ---- malformed files ---------------------------------------------------------------------------

MALFORMED = [
    ("missing schema_version", {k: v for k, v in valid_doc().items() if k != "schema_version"}, "schema_version", "required field is missing"),
    ("future version", valid_doc(schema_version=SCHEMA_VERSION + 1), "schema_version", "written by a newer readiness-widgets"),
    ("version as a string", valid_doc(schema_version="2"), "schema_version", "expected an integer, got '2'"),
    ("version 0", valid_doc(schema_version=0), "schema_version", "unknown version 0"),
    ("N/A without allow_na", valid_doc(answers={"data.a": {"value": "na"}}), "answers.data.a.value", "N/A is not allowed"),
    ("unknown triage value", valid_doc(triage={"risk": "extreme"}), "triage.risk", "expected one of ['low', 'high'], got 'extreme'"),
    ("bad evidence kind", valid_doc(answers={"data.a": {"value": 2, "evidence": "ci"}}), "answers.data.a.evidence", "'none', 'manual', 'reviewed' or 'automated'"),
    ("javascript link", valid_doc(answers={"data.a": {"value": 2, "links": ["javascript:alert(1)"]}}), "answers.data.a.links", "http(s) URLs or relative paths"),
    ("protocol-relative link", valid_doc(answers={"data.a": {"value": 2, "links": ["//evil.example/x"]}}), "answers.data.a.links", "http(s) URLs"),
    ("level 7", valid_doc(answers={"data.a": {"value": 7}}), "answers.data.a.value", "expected a level 0-4, 'na' or 'dont_know', got 7"),
    ("level 2.5", valid_doc(answers={"data.a": {"value": 2.5}}), "answers.data.a.value", "got 2.5"),
    ("level true", valid_doc(answers={"data.a": {"value": True}}), "answers.data.a.value", "got True"),
    ("unknown target", valid_doc(target="launch"), "target", "unknown target profile 'launch'"),
    ("misspelt field", {**valid_doc(), "pilto": "x"}, "pilto", "unknown field"),
    ("missing pilot", {k: v for k, v in valid_doc().items() if k != "pilot"}, "pilot", "required field is missing"),
    ("empty pilot", valid_doc(pilot=""), "pilot", "at least 1 character"),
    ("bank of another id", valid_doc(bank={"id": "other", "version": "1"}), "bank.id", "made with bank 'other', not 'mini'"),
    ("answers not a mapping", valid_doc(answers=[1, 2]), "answers", "valid dictionary"),
    ("bad timestamp", valid_doc(created="yesterday"), "created", "datetime"),
    ("version 1 with a list of answers", {"schema_version": 1, "pilot": "p", "answers": [1]}, "", "cannot migrate version 1"),
    ("empty business unit", valid_doc(business_unit=""), "business_unit", "at least 1 character"),
    ("owner as a list", valid_doc(owner=["Ana"]), "owner", "valid string"),
    ("business unit too long", valid_doc(business_unit="x" * 201), "business_unit", "at most 200 characters"),
]


@pytest.mark.parametrize(("doc", "path", "message"), [c[1:] for c in MALFORMED], ids=[c[0] for c in MALFORMED])
def test_malformed_assessment_names_file_and_field(tmp_path, mini_bank, doc, path, message):
    file = write_json(tmp_path, doc)
    with pytest.raises(AssessmentError) as info:
        Assessment.load(file, bank=mini_bank)
    problems = [p for p in info.value.problems if p.path == path]
    assert problems, f"no problem at {path!r}: {info.value}"
    assert any(message in p.message for p in problems), str(info.value)
    assert all(p.file == str(file) for p in info.value.problems)
    assert str(info.value).startswith("invalid assessment: ")
    assert str(file) in str(info.value)


def test_bad_json_names_the_line(tmp_path, mini_bank):
    file = tmp_path / "a.json"
    file.write_text('{\n  "schema_version": 2,\n  "pilot": "x",,\n}\n', encoding="utf-8")
    with pytest.raises(AssessmentError) as info:
        Assessment.load(file, bank=mini_bank)
    [problem] = info.value.problems
    assert (problem.file, problem.line) == (str(file), 3)
    assert "not valid JSON" in problem.message
    assert f"{file}:3:" in str(info.value)


@pytest.mark.parametrize(("content", "message"), [(b"[1, 2]", "expected a JSON object"), (b"\xff\xfe{}", "not UTF-8"), (b"", "not valid JSON")])
def test_not_an_object(tmp_path, mini_bank, content, message):
    file = tmp_path / "a.json"
    file.write_bytes(content)
    with pytest.raises(AssessmentError, match=message):
        Assessment.load(file, bank=mini_bank)


def test_deeply_nested_json(tmp_path, mini_bank):
    file = tmp_path / "a.json"
    file.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(AssessmentError, match="nested too deeply"):
        Assessment.load(file, bank=mini_bank)


def _text(**changes) -> str:
    return json.dumps(valid_doc(**changes), indent=2)


def _with(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


HOSTILE = [  # (id, bytes, field path, message, line)
    ("integer of 5,000 digits", _with(_text(), '"value": 2', '"value": ' + "9" * 5000).encode(), "", "a number of 5,000 digits", 19),
    ("schema_version of 5,000 digits", ('{"schema_version": ' + "9" * 5000 + "}").encode(), "", "a number of 5,000 digits", 1),
    ("NaN level", _with(_text(), '"value": 2', '"value": NaN').encode(), "", "NaN is not a JSON number", 19),
    ("Infinity level", _with(_text(), '"value": 2', '"value": -Infinity').encode(), "", "-Infinity is not a JSON number", 19),
    ("pilot given twice", _with(_text(), '"pilot": "Churn model"', '"pilot": "A", "pilot": "B"').encode(), "pilot", "key given twice", None),
    ("notes given twice", _with(_text(), '"notes": ""', '"notes": "a", "notes": "b"').encode(), "answers.data.a.notes", "key given twice", None),
    ("NUL byte", _with(_text(), '"Churn model"', '"Churn\u0000model"').replace("\\u0000", "\x00").encode(), "", "NUL byte", 3),
    ("UTF-16LE without BOM", _text().encode("utf-16-le"), "", "UTF-16 without a byte-order mark", 1),
    ("UTF-16 with BOM", _text().encode("utf-16"), "", "UTF-16 with a byte-order mark", 1),
    ("Latin-1 byte", _with(_text(), '"Churn model"', '"Churn mod\u00e8l"').replace("\\u00e8", "\xe8").encode("latin-1"), "", "byte 0xe8 at column", 3),
    ("date before year 1 in UTC", _text(updated="0001-01-01T00:00:00+14:00").encode(), "updated", "outside the dates that can be shown in UTC", None),
    ("date after year 9999 in UTC", _text(created="9999-12-31T23:59:59-14:00").encode(), "created", "outside the dates that can be shown in UTC", None),
]


@pytest.mark.parametrize(("content", "path", "message", "line"), [c[1:] for c in HOSTILE], ids=[c[0] for c in HOSTILE])
def test_hostile_file_is_an_assessment_error_naming_file_field_and_line(tmp_path, mini_bank, content, path, message, line):
    file = tmp_path / "a.json"
    file.write_bytes(content)
    with pytest.raises(AssessmentError) as info:
        Assessment.load(file, bank=mini_bank)
    [problem] = info.value.problems
    assert problem.file == str(file)
    assert problem.path == path
    assert message in problem.message
    assert problem.line == line
    assert str(info.value).startswith(f"invalid assessment: {file}")


def test_a_utf8_byte_order_mark_is_accepted(tmp_path, mini_bank):
    file = tmp_path / "a.json"
    file.write_bytes(b"\xef\xbb\xbf" + json.dumps(valid_doc()).encode())
    assert Assessment.load(file, bank=mini_bank).pilot == "Churn model"


def test_hundreds_of_thousands_of_unknown_ids_give_one_short_warning(tmp_path, mini_bank):
    doc = valid_doc(answers={f"gone.q{i}": {} for i in range(100_000)})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        a = Assessment.load(write_json(tmp_path, doc), bank=mini_bank)
    [message] = a.warnings
    assert len(message) < 1000
    assert message.endswith("gone.q19 and 99,980 more; kept in the file, not scored")
    assert "100000 id(s) not in bank 'mini'" in message
    assert [str(w.message) for w in caught] == [message]
    assert len(a.unknown_ids) == 100_000  # kept


def test_many_unknown_triage_ids_give_one_short_warning(tmp_path, mini_bank):
    doc = valid_doc(triage={"risk": "low", **{f"t{i}": "x" for i in range(500)}})
    a = Assessment.load(write_json(tmp_path, doc), bank=mini_bank)
    [message] = a.warnings
    assert "500 ids not in bank 'mini'" in message
    assert "t19 and 480 more" in message


def test_an_error_with_thousands_of_problems_prints_the_first_50(tmp_path, mini_bank):
    doc = valid_doc(answers={"data.a": {"value": 1, "links": ["javascript:x"] * 2000}})
    doc["answers"].update({"data.b": {"value": 9}})
    doc["triage"] = {"risk": 7}
    with pytest.raises(AssessmentError) as info:
        Assessment.load(write_json(tmp_path, {**doc, **{f"x{i}": 1 for i in range(100)}}), bank=mini_bank)
    text = str(info.value)
    assert len(info.value.problems) > 50
    assert text.count("\n  - ") == 50
    assert text.endswith(f"  ... and {len(info.value.problems) - 50:,} more")


def test_missing_file(tmp_path, mini_bank):
    with pytest.raises(AssessmentError, match=r"nope\.json: cannot read"):
        Assessment.load(tmp_path / "nope.json", bank=mini_bank)


def test_every_problem_at_once(tmp_path, mini_bank):
    doc = valid_doc(triage={"risk": "extreme"}, target="launch", answers={"data.a": {"value": "na"}})
    with pytest.raises(AssessmentError) as info:
        Assessment.load(write_json(tmp_path, doc), bank=mini_bank)
    assert sorted(p.path for p in info.value.problems) == ["answers.data.a.value", "target", "triage.risk"]


# ---- answering ------------------------------------------------------------------------------


def test_answer_updates_only_what_is_given(mini_bank):
    a = Assessment.new("p", bank=mini_bank)
    a.answer("data.a", 2, evidence="manual", notes="n", links=["https://x.example"])
    a.answer("data.a", 3)
    assert a.answers["data.a"].model_dump() == {"value": 3, "evidence": "manual", "notes": "n", "links": ["https://x.example"]}
    a.answer("data.a", evidence="automated")
    assert (a.value("data.a"), a.answers["data.a"].evidence) == (3, "automated")
    a.answer("data.a", None)
    assert a.value("data.a") is None
    assert a.answers["data.a"].evidence == "automated"
    a.answer("data.a", None, evidence="none", notes="", links=[])
    assert "data.a" not in a.answers


def test_answer_unknown_question_is_a_clear_error(mini_bank):
    a = Assessment.new("p", bank=mini_bank)
    with pytest.raises(ReadinessError, match=r"unknown question id 'data\.zzz' in bank 'mini'"):
        a.answer("data.zzz", 2)
    with pytest.raises(UnknownIdError):
        a.set_triage("colour", "red")
    with pytest.raises(UnknownIdError, match="unknown target profile 'launch'"):
        a.target = "launch"


@pytest.mark.parametrize(
    ("qid", "kwargs", "path"),
    [
        ("data.a", {"value": "na"}, "answers.data.a.value"),
        ("data.a", {"value": 5}, "answers.data.a.value"),
        ("data.a", {"value": 1, "evidence": "ci"}, "answers.data.a.evidence"),
        ("data.a", {"value": 1, "links": ["file:///etc/passwd"]}, "answers.data.a.links"),
        ("data.a", {"value": 1, "notes": "x" * 20_001}, "answers.data.a.notes"),
    ],
)
def test_bad_answers(mini_bank, qid, kwargs, path):
    a = Assessment.new("p", bank=mini_bank)
    with pytest.raises(AssessmentError) as info:
        a.answer(qid, **kwargs)
    assert [p.path for p in info.value.problems] == [path]
    assert qid not in a.answers


def test_numpy_levels_are_accepted(mini_bank):
    np = pytest.importorskip("numpy")
    a = Assessment.new("p", bank=mini_bank)
    a.answer("data.a", np.int64(3))
    assert a.value("data.a") == 3
    assert type(a.value("data.a")) is int
    a.answer("data.a", 2.0)
    assert a.value("data.a") == 2


def test_triage_and_target(mini_bank):
    a = Assessment.new("p", bank=mini_bank)
    assert a.triage == {"risk": "low"}
    a.set_triage("risk", "high")
    assert a.triage == {"risk": "high"}
    with pytest.raises(AssessmentError, match=r"triage\.risk: expected one of"):
        a.set_triage("risk", "medium")
    a.target = "production"
    assert a.target == "production"
    a.target = None
    assert a.target is None


def test_progress_follows_the_triage(mini_bank):
    a = Assessment.new("p", bank=mini_bank)
    a.answer("data.a", 1)
    a.answer("gov.d", 2)
    assert a.progress() == (1, 3)
    a.set_triage("risk", "high")
    assert a.progress() == (2, 4)


def test_metadata_setters_validate(mini_bank):
    a = Assessment.new("p", bank=mini_bank)
    a.respondents = ["Ana", "", "Bo"]
    assert a.respondents == ["Ana", "Bo"]
    a.pilot = "Renamed"
    assert a.pilot == "Renamed"
    with pytest.raises(AssessmentError, match="pilot"):
        a.pilot = ""


def test_answering_touches_updated(mini_bank):
    a = Assessment.new("p", bank=mini_bank)
    a.data.updated = a.data.updated.replace(year=2000)
    a.answer("data.a", 1)
    assert a.data.updated.year > 2000


def test_new_with_bad_metadata(mini_bank):
    with pytest.raises(AssessmentError, match="pilot"):
        Assessment.new("", bank=mini_bank)
    with pytest.raises(AssessmentError, match=r"triage\.risk"):
        Assessment.new("p", bank=mini_bank, triage={"risk": "extreme"})
    with pytest.raises(AssessmentError, match="target"):
        Assessment.new("p", bank=mini_bank, target="launch")


def test_repr(filled):
    assert repr(filled) == "<Assessment 'Churn model': 3 of 4 answered, bank mini 1.0>"
