"""The question bank: schema errors name file, line and field; extension; look-ups."""

from __future__ import annotations

from pathlib import Path

import pytest

from readiness_widgets.bank import bundled_bank_path, load_bank, validate_bank
from readiness_widgets.errors import BankError, ReadinessError, UnknownIdError

MINI_BANK = Path(__file__).parent / "banks" / "mini.yaml"

MINI = MINI_BANK.read_text(encoding="utf-8")


def write(tmp_path, text: str, name: str = "bank.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based line of the ``nth`` line holding ``needle``."""
    hits = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return hits[nth - 1]


def edit(old: str, new: str, text: str = MINI, count: int = 1) -> str:
    assert old in text, old
    return text.replace(old, new, count)


def bank_problems(tmp_path, text: str):
    path = write(tmp_path, text)
    with pytest.raises(BankError) as info:
        load_bank(path)
    return path, info.value


A_LEVELS = "levels: {0: none, 1: some, 2: half, 3: most, 4: all}"

# (case id, edited bank text, field path, message fragment, text of the line the error is on)
MALFORMED = [
    (
        "missing level",
        edit(A_LEVELS, "levels: {0: none, 1: some, 2: half, 3: most}"),
        "questions[0].levels",
        "missing level(s) 4",
        "levels: {0: none, 1: some, 2: half, 3: most}",
    ),
    (
        "level without description",
        edit(A_LEVELS, 'levels: {0: none, 1: some, 2: half, 3: most, 4: ""}'),
        "questions[0].levels[4]",
        "at least 1 character",
        '4: ""}',
    ),
    (
        "two levels share a description",
        edit(A_LEVELS, "levels: {0: none, 1: some, 2: some, 3: most, 4: all}"),
        "questions[0].levels",
        "each level needs its own description",
        "2: some, 3: most",
    ),
    (
        "duplicate question id",
        edit("id: data.b", "id: data.a"),
        "questions[1].id",
        "duplicate question id 'data.a' (first defined at questions[0])",
        ("- id: data.a", 2),
    ),
    (
        "unknown dimension",
        edit("    dimension: gov\n    text: Question C?", "    dimension: govt\n    text: Question C?"),
        "questions[2].dimension",
        "unknown dimension 'govt' (known: data, gov)",
        "dimension: govt",
    ),
    (
        "scores that do not rise",
        edit("scores: [0, 0.5, 1.5, 3, 4]", "scores: [0, 0.5, 0.5, 3, 4]"),
        "questions[2].scores",
        "must rise strictly with maturity",
        "scores: [0, 0.5, 0.5, 3, 4]",
    ),
    (
        "applies_if names an unknown triage id",
        edit("applies_if: \"risk == 'high'\"", "applies_if: \"danger == 'high'\""),
        "questions[3].applies_if",
        "unknown triage id 'danger' (known: risk)",
        "applies_if:",
    ),
    (
        "applies_if names an unknown option",
        edit("applies_if: \"risk == 'high'\"", "applies_if: \"risk in ['high', 'extreme']\""),
        "questions[3].applies_if",
        "'risk' has no option 'extreme' (options: high, low)",
        "applies_if:",
    ),
    (
        "applies_if attempts a function call",
        edit("applies_if: \"risk == 'high'\"", "applies_if: \"__import__('os')\""),
        "questions[3].applies_if",
        "unsupported expression \"__import__('os')\"",
        "applies_if:",
    ),
    (
        "applies_if calls a function on the left of a comparison",
        edit("applies_if: \"risk == 'high'\"", "applies_if: \"open('x') == 'high'\""),
        "questions[3].applies_if",
        "must be a triage id",
        "applies_if:",
    ),
    (
        "target missing a dimension",
        edit("levels: {data: 1, gov: 1}", "levels: {data: 1}"),
        "targets[0].levels",
        "missing a level for dimension(s) gov",
        "levels: {data: 1}",
    ),
    (
        "target level above 4",
        edit("levels: {data: 3, gov: 2}", "levels: {data: 5, gov: 2}"),
        "targets[1].levels.data",
        "less than or equal to 4",
        "levels: {data: 5, gov: 2}",
    ),
    (
        "bad phase",
        edit("{deliverable: Do B, phase: 2, effort_weeks: 4}", "{deliverable: Do B, phase: 4, effort_weeks: 4}"),
        "questions[1].actions[0].phase",
        "Input should be 1, 2 or 3",
        "Do B, phase: 4",
    ),
    (
        "negative weight",
        edit("    weight: 3\n    allow_na: true", "    weight: -3\n    allow_na: true"),
        "questions[1].weight",
        "greater than 0",
        "weight: -3",
    ),
    (
        "negative effort",
        edit("phase: 1, effort_weeks: 2}", "phase: 1, effort_weeks: -2}"),
        "questions[0].actions[0].effort_weeks",
        "expected 0 < low <= high <= 52 weeks, got [-2, -2]",
        "effort_weeks: -2",
    ),
    (
        "triage default not an option",
        edit("default: low", "default: medium"),
        "triage[0]",
        "default 'medium' is not one of the options ['low', 'high']",
        "- id: risk",
    ),
    (
        "target rule raises an unknown dimension",
        edit("raise: {gov: 3.5}", "raise: {legal: 3.5}"),
        "target_rules[0].raise",
        "unknown dimension(s) legal",
        "raise: {legal: 3.5}",
    ),
    (
        "target rule recommends an unknown profile",
        edit("profile: production", "profile: launch"),
        "target_rules[1].profile",
        "unknown target profile 'launch' (known: pilot, production)",
        "profile: launch",
    ),
    (
        "evidence credit out of order",
        edit("{none: 0.5, manual: 0.75, automated: 1.0}", "{none: 0.9, manual: 0.75, automated: 1.0}"),
        "scoring.evidence_credit",
        "none <= manual <= reviewed and manual <= automated",
        "evidence_credit:",
    ),
    (
        "misspelt field",
        edit("    allow_na: true", "    allow_NA: true"),
        "questions[1].allow_NA",
        "unknown field (check the spelling)",
        "allow_NA: true",
    ),
    (
        "key given twice",
        edit("    weight: 3\n", "    weight: 3\n    weight: 2\n"),
        "questions.1.weight",
        "key given twice",
        "weight: 2",
    ),
    (
        "dimension with no question",
        edit(
            "  - {id: gov, title: Governance, description: Governance things, weight: 3}",
            "  - {id: gov, title: Governance, description: Governance things, weight: 3}\n"
            "  - {id: ops, title: Ops, description: Ops things, weight: 1}",
        ).replace("{data: 1, gov: 1}", "{data: 1, gov: 1, ops: 1}").replace("{data: 3, gov: 2}", "{data: 3, gov: 2, ops: 1}"),
        "dimensions[2].id",
        "dimension 'ops' has no question",
        "id: ops",
    ),
    (
        "duplicate dimension id",
        edit("- {id: gov, title: Governance", "- {id: data, title: Governance"),
        "dimensions[1].id",
        "duplicate dimension id 'data'",
        "{id: data, title: Governance",
    ),
    (
        "version is a number",
        edit('version: "1.0"', "version: 1.0"),
        "version",
        "valid string",
        "version: 1.0",
    ),
]


@pytest.mark.parametrize(("text", "path", "message", "line_text"), [c[1:] for c in MALFORMED], ids=[c[0] for c in MALFORMED])
def test_malformed_bank_names_file_field_and_line(tmp_path, text, path, message, line_text):
    file, error = bank_problems(tmp_path, text)
    matching = [p for p in error.problems if p.path == path]
    assert matching, f"no problem at {path!r}: {error}"
    problem = matching[0]
    assert message in problem.message
    assert problem.file == str(file)
    needle, nth = line_text if isinstance(line_text, tuple) else (line_text, 1)
    assert problem.line == line_of(text, needle, nth)
    rendered = str(error)
    assert f"{file}:{problem.line}: {path}: " in rendered
    assert rendered.startswith("invalid question bank: ")


def test_malformed_banks_are_distinct():
    assert len({c[1] for c in MALFORMED}) == len(MALFORMED) >= 12


def test_not_a_mapping(tmp_path):
    file, error = bank_problems(tmp_path, "- just\n- a list\n")
    [problem] = error.problems
    assert (problem.file, problem.line, problem.path) == (str(file), 1, "")
    assert "expected a YAML mapping at the top level" in problem.message


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("id: x\nitems: [1, 2\nnext: 3\n", 3, "expected ',' or ']'"),
        ("id: x\ntitle: a: b\n", 2, "mapping values are not allowed"),
        ("id: x\nlist:\n\t- tab\n", 3, "cannot start any token"),
    ],
)
def test_invalid_yaml_syntax(tmp_path, text, line, message):
    file, error = bank_problems(tmp_path, text)
    [problem] = error.problems
    assert problem.file == str(file)
    assert problem.line == line
    assert message in problem.message


@pytest.mark.parametrize("text", ["", "# only a comment\n", "just a string\n", "42\n"])
def test_empty_or_scalar_document(tmp_path, text):
    _, error = bank_problems(tmp_path, text)
    assert "expected a YAML mapping" in str(error)


def test_one_error_lists_every_problem(tmp_path):
    text = edit(A_LEVELS, "levels: {0: none, 1: some, 2: half, 3: most}")
    text = edit("    weight: 3\n", "    weight: -3\n", text)
    text = edit("    dimension: gov\n    text: Question C?", "    dimension: govt\n    text: Question C?", text)
    file, error = bank_problems(tmp_path, text)
    assert sorted(p.path for p in error.problems) == [
        "questions[0].levels",
        "questions[1].weight",
        "questions[2].dimension",
    ]
    assert all(p.file == str(file) and p.line for p in error.problems)
    assert str(error).startswith("invalid question bank: 3 problems")
    assert str(error).count("\n  - ") == 3


def test_cross_item_and_field_problems_come_together(tmp_path):
    text = edit("id: data.b", "id: data.a")
    text = edit("levels: {data: 1, gov: 1}", "levels: {data: 1}", text)
    _, error = bank_problems(tmp_path, text)
    assert {p.path for p in error.problems} == {"questions[1].id", "targets[0].levels"}


def test_missing_required_fields(tmp_path):
    _, error = bank_problems(tmp_path, "id: x\nversion: '1'\n")
    paths = {p.path for p in error.problems}
    assert {"title", "dimensions", "targets", "questions"} <= paths
    assert all(p.message == "required field is missing" for p in error.problems if p.path in paths)


def test_triage_that_is_not_a_list(tmp_path):
    text = MINI[: MINI.index("triage:")] + "triage: 5\n" + MINI[MINI.index("targets:") :]
    _, error = bank_problems(tmp_path, text)
    assert any(p.path == "triage" and "valid list" in p.message for p in error.problems)


def test_file_that_does_not_exist(tmp_path):
    with pytest.raises(BankError, match=r"nope\.yaml: cannot read bank"):
        load_bank(tmp_path / "nope.yaml")


def test_folder_instead_of_file(tmp_path):
    with pytest.raises(BankError, match="refused: a folder, not a regular file"):
        load_bank(tmp_path)


def test_not_utf8(tmp_path):
    path = tmp_path / "bank.yaml"
    path.write_bytes(b"id: \xff\xfe\n")
    with pytest.raises(BankError, match="not UTF-8"):
        load_bank(path)


HOSTILE_BANKS = [  # (id, bytes, field path, message, line)
    ("integer of 5,000 digits", edit("    weight: 3\n", f"    weight: {'9' * 5000}\n").encode(), "", "a number of 5,000 digits", line_of(MINI, "    weight: 3")),
    ("year 0", edit('version: "1.0"', "version: 0000-01-01").encode(), "", "'0000-01-01' cannot be read: year 0 is out of range", 2),
    ("NaN weight", edit("    weight: 3\n", "    weight: .nan\n").encode(), "questions[1].weight", "Input should be a finite number", line_of(MINI, "    weight: 3")),
    ("infinite weight", edit("    weight: 3\n", "    weight: .inf\n").encode(), "questions[1].weight", "Input should be a finite number", line_of(MINI, "    weight: 3")),
    ("NUL byte", edit("text: Question B?", "text: Question\x00B?").encode(), "", "NUL byte", line_of(MINI, "text: Question B?")),
    ("control character", edit("text: Question B?", "text: Question\x07B?").encode(), "", "not valid YAML: control characters are not allowed", line_of(MINI, "text: Question B?")),
    ("UTF-16LE without BOM", MINI.encode("utf-16-le"), "", "UTF-16 without a byte-order mark", 1),
    ("UTF-16 with BOM", MINI.encode("utf-16"), "", "UTF-16 with a byte-order mark", 1),
    ("Latin-1 byte", edit("text: Question B?", "text: Qu\xe8stion B?").encode("latin-1"), "", "byte 0xe8 at column", line_of(MINI, "text: Question B?")),
]


@pytest.mark.parametrize(("content", "path", "message", "line"), [c[1:] for c in HOSTILE_BANKS], ids=[c[0] for c in HOSTILE_BANKS])
def test_hostile_bank_is_a_bank_error_naming_file_field_and_line(tmp_path, content, path, message, line):
    file = tmp_path / "bank.yaml"
    file.write_bytes(content)
    with pytest.raises(BankError) as info:
        load_bank(file)
    [problem] = info.value.problems
    assert (problem.file, problem.path, problem.line) == (str(file), path, line)
    assert message in problem.message


def test_alias_bomb_is_refused_before_anything_is_built(tmp_path):
    """100,000 aliases of one question: one problem, at the first alias (it was 100,000 problems)."""
    head = MINI[: MINI.index("questions:")]
    first = "questions: [&q {id: data.a, dimension: data, text: Q?, levels: {0: a, 1: b, 2: c, 3: d, 4: e}}"
    file, error = bank_problems(tmp_path, head + first + ", *q" * 100_000 + "]\n")
    [problem] = error.problems
    assert (problem.file, problem.line) == (str(file), head.count("\n") + 1)
    assert problem.message == "YAML aliases are not allowed here (*q): write the value out"


def test_nested_alias_bomb_is_refused(tmp_path):
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 9):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    text = "\n".join(lines) + "\nid: bomb\nversion: '1'\ntitle: *a8\n"
    _, error = bank_problems(tmp_path, text)
    [problem] = error.problems
    assert problem.line == 2
    assert "aliases are not allowed (*a0)" in problem.message.replace("here ", "")


def test_a_merge_key_is_an_alias_too(tmp_path):
    text = edit("  - id: data.b\n", "  - <<: *base\n    id: data.b\n")
    text = edit("  - id: data.a\n", "  - &base\n    id: data.a\n", text)
    _, error = bank_problems(tmp_path, text)
    [problem] = error.problems
    assert problem.line == line_of(text, "<<: *base")
    assert "(*base)" in problem.message


def test_an_anchor_without_an_alias_is_harmless(tmp_path):
    assert load_bank(write(tmp_path, edit("  - id: data.a\n", "  - &first\n    id: data.a\n"))).id == "mini"


def test_thousands_of_problems_print_the_first_50_and_a_count(tmp_path):
    question = "  - {id: data.x%d, dimension: data, text: Q%d?, levels: {0: a, 1: b, 2: c, 3: d, 4: e}, weight: -1}\n"
    text = MINI + "".join(question % (i, i) for i in range(300))
    _, error = bank_problems(tmp_path, text)
    assert len(error.problems) == 300
    message = str(error)
    assert message.startswith("invalid question bank: 300 problems")
    assert message.count("\n  - ") == 50
    assert message.endswith("\n  ... and 250 more")


def test_a_list_of_known_ids_in_a_message_is_bounded(tmp_path):
    dims = "".join(f"  - {{id: d{i}, title: D{i}, description: d}}\n" for i in range(500))
    text = edit("dimensions:\n", "dimensions:\n" + dims)
    text = edit("    dimension: data\n    text: Question A?", "    dimension: nope\n    text: Question A?", text)
    _, error = bank_problems(tmp_path, text)
    [problem] = [p for p in error.problems if p.path == "questions[0].dimension"]
    assert "unknown dimension 'nope' (known: d0, d1," in problem.message
    assert "and 492 more)" in problem.message
    assert len(problem.message) < 200


def test_deeply_nested_yaml_is_a_clear_error(tmp_path):
    _, error = bank_problems(tmp_path, "a: " + "[" * 5000 + "]" * 5000 + "\n")
    assert "nested too deeply" in str(error) or "not valid YAML" in str(error)


def test_validate_bank_on_a_mapping_names_the_given_file():
    with pytest.raises(BankError) as info:
        validate_bank({"id": "x", "version": "1"}, "inline.yaml")
    assert all(p.file == "inline.yaml" for p in info.value.problems)


def test_condition_is_parsed_never_run(tmp_path):
    text = edit("applies_if: \"risk == 'high'\"", "applies_if: \"__import__('os').system('touch pwned')\"")
    _, error = bank_problems(tmp_path, text)
    assert "unsupported expression" in str(error) or "must be a triage id" in str(error)
    assert not (tmp_path / "pwned").exists()


# ---- the mini bank and look-ups -----------------------------------------------------------


def test_mini_bank_loads(mini_bank):
    assert mini_bank.summary() == "2 dimensions, 4 questions"
    assert mini_bank.dimension_ids == ["data", "gov"]
    assert [q.id for q in mini_bank.questions_in("gov")] == ["gov.c", "gov.d"]
    assert mini_bank.question("gov.c").level_scores == [0, 0.5, 1.5, 3, 4]
    assert mini_bank.question("data.a").level_scores == [0, 1, 2, 3, 4]


def test_loading_is_cached(mini_bank):
    assert load_bank(MINI_BANK) is mini_bank


def test_applicability_follows_the_triage(mini_bank):
    assert [q.id for q in mini_bank.applicable_questions()] == ["data.a", "data.b", "gov.c"]
    assert [q.id for q in mini_bank.applicable_questions({"risk": "high"})] == ["data.a", "data.b", "gov.c", "gov.d"]
    assert mini_bank.applies("gov.d", {"risk": "high"})
    assert not mini_bank.applies("gov.d", {})


@pytest.mark.parametrize(
    "call",
    [
        lambda b: b.question("data.zzz"),
        lambda b: b.triage_question("colour"),
        lambda b: b.dimension("legal"),
        lambda b: b.target("launch"),
    ],
)
def test_unknown_ids_raise_a_readiness_error(mini_bank, call):
    with pytest.raises(UnknownIdError) as info:
        call(mini_bank)
    assert isinstance(info.value, ReadinessError)
    assert isinstance(info.value, KeyError)  # older callers catch KeyError
    assert str(info.value).startswith("unknown ")
    assert not str(info.value).startswith("'")


def test_resolve_target_user_choice_and_raise(mini_bank):
    t = mini_bank.resolve_target("pilot", {"risk": "high"})
    assert t.profile == "pilot"
    assert t.chosen_by == "user"
    assert t.levels == {"data": 1, "gov": 3.5}
    assert t.reasons == ["High risk needs governance"]


def test_resolve_target_chosen_by_triage(mini_bank):
    t = mini_bank.resolve_target(None, {"risk": "high"})
    assert (t.profile, t.chosen_by) == ("production", "triage")
    assert t.levels == {"data": 3, "gov": 3.5}
    assert "High risk goes to production" in t.reasons


def test_resolve_target_default(mini_bank):
    t = mini_bank.resolve_target()
    assert (t.profile, t.chosen_by, t.reasons) == ("production", "default", [])
    assert t.levels == {"data": 3, "gov": 2}


def test_raise_never_lowers_a_target(tmp_path):
    bank = load_bank(write(tmp_path, edit("raise: {gov: 3.5}", "raise: {gov: 0.5}")))
    assert bank.resolve_target("production", {"risk": "high"}).levels["gov"] == 2


# ---- extension ----------------------------------------------------------------------------


def mini_copy(tmp_path):
    return write(tmp_path, MINI, "base.yaml")


EXTRA_QUESTION = """
  - id: data.e
    dimension: data
    text: Question E?
    levels: {0: nothing, 1: a bit, 2: some, 3: a lot, 4: everything}
"""


def test_extend_adds_overrides_and_removes(tmp_path):
    mini_copy(tmp_path)
    path = write(
        tmp_path,
        "extends: base.yaml\nid: mine\nquestions:" + EXTRA_QUESTION + "weights: {data.a: 2.5}\nremove: [gov.d]\n",
        "mine.yaml",
    )
    bank = load_bank(path)
    assert bank.id == "mine"
    assert [q.id for q in bank.questions] == ["data.a", "data.b", "gov.c", "data.e"]
    assert bank.question("data.a").weight == 2.5
    assert bank.question("data.b").weight == 3
    assert bank.targets[1].levels == {"data": 3, "gov": 2}  # everything else comes from the base


def test_extend_replaces_a_question_by_id(tmp_path):
    mini_copy(tmp_path)
    replacement = EXTRA_QUESTION.replace("data.e", "data.a").replace("Question E?", "Question A, reworded?")
    bank = load_bank(write(tmp_path, "extends: base.yaml\nquestions:" + replacement, "mine.yaml"))
    assert bank.question("data.a").text == "Question A, reworded?"
    assert len(bank.questions) == 4


@pytest.mark.parametrize(
    ("extension", "path", "message"),
    [
        ("remove: [data.zzz]\n", "remove", "no question 'data.zzz' to remove"),
        ("weights: {data.zzz: 2}\n", "weights.data.zzz", "no such question in the bank"),
        ("weights: {data.a: -1}\n", "weights.data.a", "expected a number in (0, 100]"),
        ("weights: [1, 2]\n", "weights", "expected a mapping"),
        ("remove: data.a\n", "remove", "expected a list"),
        ("dimensions: []\n", "dimensions", "unknown field in an extending bank"),
        ("questions: 5\n", "questions", "expected a list of questions"),
    ],
)
def test_extend_errors(tmp_path, extension, path, message):
    mini_copy(tmp_path)
    text = "extends: base.yaml\n" + extension
    file, error = bank_problems(tmp_path, text)
    [problem] = [p for p in error.problems if p.path == path]
    assert message in problem.message
    assert problem.file == str(file)
    assert problem.line == 2


def test_extended_question_errors_point_into_the_extension(tmp_path):
    mini_copy(tmp_path)
    bad = EXTRA_QUESTION.replace("dimension: data", "dimension: legal")
    text = "extends: base.yaml\nquestions:" + bad
    file, error = bank_problems(tmp_path, text)
    [problem] = error.problems
    assert problem.path == "questions[4].dimension"
    assert problem.file == str(file)
    assert problem.line == line_of(text, "dimension: legal")


def test_removing_every_question_of_a_dimension(tmp_path):
    mini_copy(tmp_path)
    _, error = bank_problems(tmp_path, "extends: base.yaml\nremove: [data.a, data.b]\n")
    assert "dimension 'data' has no question" in str(error)


@pytest.mark.parametrize("target", ["../outside.yaml", "/etc/hostname", "sub/../../outside.yaml"])
def test_extends_outside_the_folder(tmp_path, target):
    folder = tmp_path / "banks"
    folder.mkdir()
    write(tmp_path, MINI, "outside.yaml")
    text = f"extends: {target}\n"
    file, error = bank_problems(folder, text)
    [problem] = error.problems
    assert (problem.file, problem.path, problem.line) == (str(file), "extends", 1)
    assert "must be a bank file inside" in problem.message


def test_extends_a_symlink_leaving_the_folder(tmp_path):
    folder = tmp_path / "banks"
    folder.mkdir()
    write(tmp_path, MINI, "outside.yaml")
    (folder / "link.yaml").symlink_to(tmp_path / "outside.yaml")
    _, error = bank_problems(folder, "extends: link.yaml\n")
    assert "must be a bank file inside" in str(error)


def test_extends_itself_or_missing(tmp_path):
    _, error = bank_problems(tmp_path, "extends: bank.yaml\n")
    assert "must be a bank file inside" in str(error)
    _, error = bank_problems(tmp_path, "extends: missing.yaml\n")
    assert "no bank 'missing.yaml' to extend" in str(error)
    _, error = bank_problems(tmp_path, "extends: nosuchbank\n")
    assert "no bank 'nosuchbank' to extend" in str(error)


def test_extends_chain_is_refused(tmp_path):
    mini_copy(tmp_path)
    write(tmp_path, "extends: base.yaml\n", "middle.yaml")
    _, error = bank_problems(tmp_path, "extends: middle.yaml\n")
    assert "may only extend a bank that does not itself extend one" in str(error)


# ---- the bundled default bank -------------------------------------------------------------


def test_default_bank_is_bundled_and_valid(bank):
    assert bundled_bank_path().is_file()
    assert bank.dimension_ids == ["data", "model", "infrastructure", "team", "governance", "business"]
    assert len(bank.questions) >= 48
    for dim in bank.dimension_ids:
        assert len(bank.questions_in(dim)) >= 7, dim
    assert {"pilot", "production", "mission-critical"} <= {t.id for t in bank.targets}
    assert {t.id for t in bank.triage} >= {"deployment", "risk_tier", "customer_facing", "regulated"}
    for q in bank.questions:
        assert q.actions, f"{q.id} has no roadmap action"
        assert all(q.levels[lv].strip() for lv in range(5))


def test_default_bank_high_risk_raises_governance(bank):
    low = bank.resolve_target("production", {"risk_tier": "minimal"})
    high = bank.resolve_target("production", {"risk_tier": "high"})
    assert high.levels["governance"] > low.levels["governance"]
    assert high.reasons


def test_extend_the_default_bank(tmp_path, bank):
    first = bank.questions[0].id
    last = bank.questions[-1].id
    text = (
        "extends: default\nid: acme\nquestions:"
        + EXTRA_QUESTION.replace("data.e", "data.acme_extra")
        + f"weights: {{{first}: 4}}\nremove: [{last}]\n"
    )
    mine = load_bank(write(tmp_path, text, "acme.yaml"))
    assert mine.id == "acme"
    assert mine.question(first).weight == 4
    assert not mine.has_question(last)
    assert mine.has_question("data.acme_extra")
    assert len(mine.questions) == len(bank.questions)
    assert load_bank().has_question(last)  # the default itself is untouched


# ---- knock-outs, evidence kinds, actions, control tags, migrations -----------------------------

PLAN = (Path(__file__).parent / "banks" / "plan.yaml").read_text(encoding="utf-8")
DEPLOY_SCRIPT = "      - {id: script, deliverable: Script the deploy, phase: 2, from_level: 0, to_level: 2, effort_weeks: 1}"
ALERTS = "needs: [pipeline, signoff]}"

# (case id, edited plan bank text, field path, message fragment, text of the line the error is on)
PLAN_MALFORMED = [
    (
        "floor for an unknown profile",
        edit("    floor: {production: 2}", "    floor: {launch: 2}", PLAN),
        "questions[0].floor",
        "unknown target profile(s) 'launch'",
        "floor: {launch: 2}",
    ),
    (
        "floor out of range",
        edit("    floor: {production: 2}", "    floor: {production: 5}", PLAN),
        "questions[0].floor.production",
        "Input should be 1, 2, 3 or 4",
        "floor: {production: 5}",
    ),
    (
        "evidence kinds without none",
        edit("    evidence_kinds: [none, manual, automated]", "    evidence_kinds: [manual, automated]", PLAN),
        "questions[0].evidence_kinds",
        "must include 'none' and 'manual'",
        "evidence_kinds: [manual, automated]",
    ),
    (
        "need of an unknown action",
        edit(ALERTS, "needs: [pipeline, sign_off]}", PLAN),
        "questions[1].actions[1].needs",
        "unknown action id 'sign_off'",
        "needs: [pipeline, sign_off]",
    ),
    (
        "actions in a circle",
        edit(DEPLOY_SCRIPT, DEPLOY_SCRIPT.replace("effort_weeks: 1}", "effort_weeks: 1, needs: [alerts]}"), PLAN),
        "questions[0].actions[0].needs",  # alerts needs the pipeline, which follows the script (a lower step)
        "actions depend on each other in a circle: script -> alerts -> pipeline -> script",
        "needs: [alerts]",
    ),
    (
        "duplicate action id",
        edit("{id: measure, deliverable", "{id: script, deliverable", PLAN),
        "questions[0].actions[2].id",
        "duplicate action id 'script' (first defined at questions[0].actions[0])",
        "{id: script, deliverable: Measure deploys",
    ),
    (
        "step that goes down",
        edit("from_level: 3, to_level: 4, effort_weeks: 1}", "from_level: 3, to_level: 2, effort_weeks: 1}", PLAN),
        "questions[0].actions[2]",
        "from_level (3) must be below to_level (2)",
        "Measure deploys",
    ),
    (
        "effort range upside down",
        edit("effort_weeks: [2, 4]", "effort_weeks: [4, 2]", PLAN),
        "questions[0].actions[1].effort_weeks",
        "expected 0 < low <= high <= 52 weeks, got [4, 2]",
        "effort_weeks: [4, 2]",
    ),
    (
        "control tag that is not in the catalogue",
        edit("    evidence: The pipeline run of the last release.", "    evidence: The pipeline run of the last release.\n    controls: [NIST AI RMF GOVERN 9.9]", PLAN),
        "questions[0].controls[0].id",
        "'NIST AI RMF GOVERN 9.9' is not a known NIST AI RMF id",
        "controls: [NIST AI RMF GOVERN 9.9]",
    ),
    (
        "a framework cited without a clause",
        edit("    evidence: The pipeline run of the last release.", '    evidence: The pipeline run of the last release.\n    controls: ["ISO/IEC 42001"]', PLAN),
        "questions[0].controls[0].id",
        "names no ISO/IEC 42001 id",
        'controls: ["ISO/IEC 42001"]',
    ),
    (
        "conditional tag with a bad condition",
        edit(
            "    evidence: The pipeline run of the last release.",
            '    evidence: The pipeline run of the last release.\n    controls: [{id: "EU AI Act Art. 15(1)", when: "tier == \'high\'"}]',
            PLAN,
        ),
        "questions[0].controls[0].when",
        "unknown triage id 'tier'",
        "controls: [{id:",
    ),
    (
        "automated suggestion on a question that takes sign-offs",
        edit(
            "    owner: sponsor\n",
            "    owner: sponsor\n    suggest: [{signal: ci.runs_tests, level: 3, automated: true}]\n",
            PLAN,
        ),
        "questions[2]",
        "does not accept automated evidence",
        "id: org.signoff",
    ),
    (
        "migration into an unknown question",
        PLAN + 'migrations:\n  - {from: "0.9", to: "1.0", questions: {eng.old: {into: eng.deploi}}}\n',
        "migrations[0].questions.eng.old.into",
        "'eng.deploi' is not a question of this bank",
        '- {from: "0.9"',
    ),
    (
        "rule that limits the verdict without a reason",
        PLAN.replace("questions:\n", "triage:\n  - {id: ok, text: OK?, options: [{value: y, label: Y}, {value: n, label: N}], default: y}\n"
                     "target_rules:\n  - {when: \"ok == 'n'\", verdict: not_ready}\nquestions:\n", 1),
        "target_rules[0]",
        "a rule that limits the verdict needs a 'reason' to show",
        "verdict: not_ready",
    ),
]


@pytest.mark.parametrize(("text", "path", "message", "line_text"), [c[1:] for c in PLAN_MALFORMED], ids=[c[0] for c in PLAN_MALFORMED])
def test_malformed_plan_bank_names_file_field_and_line(tmp_path, text, path, message, line_text):
    file, error = bank_problems(tmp_path, text)
    matching = [p for p in error.problems if p.path == path]
    assert matching, f"no problem at {path!r}: {error}"
    problem = matching[0]
    assert message in problem.message
    assert (problem.file, problem.line) == (str(file), line_of(text, line_text))


def test_free_text_control_tags_are_allowed(tmp_path):
    text = edit("    evidence: The pipeline run of the last release.", "    evidence: The pipeline run of the last release.\n    controls: [ACME policy P-12]", PLAN)
    bank = load_bank(write(tmp_path, text))
    assert bank.question("eng.deploy").controls_for({}) == ["ACME policy P-12"]


def test_default_bank_knock_outs_and_evidence_kinds(bank):
    floors = {q.id: q.floor for q in bank.questions if q.floor}
    # the practices without which a launch is indefensible
    for qid in ("infrastructure.rollback", "infrastructure.security", "data.privacy", "governance.data_protection",
                "governance.incident_response", "governance.human_oversight", "governance.ai_act_provider",
                "governance.ai_act_deployer", "governance.fria", "governance.ai_disclosure"):
        assert floors[qid].get("production", 0) >= 2, qid
    for q in bank.questions:
        assert q.owner, f"{q.id} has no owner role"
        strong = {"reviewed", "automated"} & set(q.evidence_kinds)
        assert strong, f"{q.id}: no evidence kind backs level 3"
        for a in q.actions:
            assert a.id, f"{q.id}: action without an id"
        steps = sorted((a.from_level, a.to_level) for a in q.actions)
        assert steps[0][0] == 0, f"{q.id}: no step from level 0"
        assert max(t for _, t in steps) >= 3, f"{q.id}: no step to level 3"
    governance_docs = ["governance.risk_assessment", "governance.compliance_checks", "governance.data_protection",
                       "governance.residual_risk", "governance.ai_act_provider", "governance.fria", "business.roi_estimate"]
    for qid in governance_docs:  # documents and decisions are signed off, not "automated"
        assert bank.question(qid).evidence_kinds == ("none", "manual", "reviewed"), qid
