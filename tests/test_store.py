"""The store: one suite, run against the folder, SQLite and PostgreSQL backends (``store_url``).

PostgreSQL is the throwaway cluster scripts/test.sh starts (a Unix socket in a temporary folder);
every test gets a new database.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest

from readiness_widgets import Assessment
from readiness_widgets.assessment import AssessmentConflictError
from readiness_widgets.demo import ASSISTANT, demo_assessment, demo_history
from readiness_widgets.errors import AssessmentError, InputError
from readiness_widgets.history import diff_revisions, portfolio_scores
from readiness_widgets.result import evaluate
from readiness_widgets.store import (
    StoreConflictError,
    StoreError,
    UnknownPilotError,
    key_for,
    open_store,
    redact,
)
from readiness_widgets.store.base import doc_signature, os_user, to_text


@pytest.fixture
def store(store_url):
    with open_store(store_url) as s:
        yield s


def _answered(bank, n: int = 3):
    return [q.id for q in bank.questions[:n]]


# ---- saving: revisions, who, when, from where, what changed -----------------------------------


def test_every_save_is_a_revision_recording_who_when_where_and_what(store, bank):
    a = Assessment.new("Churn", bank=bank, respondents=["Ana"])
    first = store.save("churn", a, base=None, source="cli")
    assert (first.number, first.base, first.saved_by, first.source) == (1, None, "Ana", "cli")
    q1, q2, _ = _answered(bank)
    a.answer(q1, 3, evidence="automated")
    a.answer(q2, "dont_know")
    second = store.save("churn", a, base=1, source="form", saved_by="Bea")
    assert (second.number, second.base, second.saved_by, second.source) == (2, 1, "Bea", "form")
    assert second.changes.answers == tuple(sorted([q1, q2]))
    assert second.changes.fields == ()
    a.target = "production"
    a.respondents = []
    third = store.save("churn", a, base=2, source="scan")
    assert third.saved_by == os_user()  # no respondent: the OS user
    assert set(third.changes.fields) == {"target", "respondents"}
    assert third.changes.answers == ()
    assert second.saved_at <= third.saved_at
    history = store.history("churn")
    assert [r.number for r in history] == [1, 2, 3]
    assert [r.source for r in history] == ["cli", "form", "scan"]
    assert all(r.document is None for r in history)
    assert store.get("churn", 2).document["answers"][q1]["value"] == 3
    assert store.get("churn").number == 3
    assert store.get("churn").document == a.to_dict()
    assert store.get("churn").signature == doc_signature(a.to_dict())


def test_the_document_comes_back_exactly(store, demo):
    store.save("demo", demo, base=None)
    back = store.get("demo").document
    assert back == demo.to_dict()
    assert to_text(back) == demo.to_json()
    assert list(back) == list(demo.to_dict())  # the keys in the data model's order


def test_a_stale_save_is_refused_naming_both_revisions_and_both_sides_are_kept(store, bank):
    q = _answered(bank, 1)[0]
    store.save("churn", Assessment.new("Churn", bank=bank), base=None)
    mine, theirs = store.load("churn", bank=bank), store.load("churn", bank=bank)
    theirs.answer(q, 4)
    assert theirs.save().number == 2
    mine.answer(q, 1)
    with pytest.raises(StoreConflictError) as info:
        mine.save()
    error = info.value
    assert isinstance(error, AssessmentConflictError)  # the form's one conflict mechanism
    assert (error.base, error.head) == (1, 2)
    assert "revision 2" in str(error)
    assert "revision 1" in str(error)
    assert error.document["answers"][q]["value"] == 1  # mine, kept in the error (and in the form)
    assert [r.number for r in store.history("churn")] == [1, 2]  # nothing written
    assert store.get("churn").document["answers"][q]["value"] == 4  # theirs, kept
    # keep mine as a new revision: on top of theirs, theirs stays in the history
    kept = mine.save(force=True)
    assert (kept.number, kept.base) == (3, 2)
    assert store.get("churn", 2).document["answers"][q]["value"] == 4
    assert store.get("churn", 3).document["answers"][q]["value"] == 1


def test_reload_theirs_then_save_on_top(store, bank):
    q = _answered(bank, 1)[0]
    store.save("churn", Assessment.new("Churn", bank=bank), base=None)
    mine, theirs = store.load("churn", bank=bank), store.load("churn", bank=bank)
    theirs.answer(q, 4)
    theirs.save()
    changes = []
    mine.changed.connect(changes.append)
    mine.reload()
    assert mine.value(q) == 4
    assert changes[-1].everything
    mine.answer(q, 2)
    assert mine.save().number == 3


def test_a_new_pilot_cannot_be_created_twice(store, bank):
    store.save("churn", Assessment.new("Churn", bank=bank), base=None)
    with pytest.raises(StoreConflictError, match="already holds this pilot"):
        store.save("churn", Assessment.new("Other", bank=bank), base=None)
    assert store.get("churn").name == "Churn"


def test_a_save_based_on_a_revision_that_is_not_the_latest_is_refused(store, bank):
    a = Assessment.new("Churn", bank=bank)
    store.save("churn", a, base=None)
    store.save("churn", a, base=1)
    with pytest.raises(StoreConflictError):
        store.save("churn", a, base=1)
    with pytest.raises(StoreConflictError):
        store.save("churn", a, base=7)


def test_a_bound_new_assessment_creates_its_pilot_on_first_save(store, bank):
    a = store.bind(Assessment.new("Fresh", bank=bank), "fresh", source="form")
    assert a.save().number == 1
    assert store.get("fresh").source == "form"
    a.answer(_answered(bank, 1)[0], 2)
    assert a.save().number == 2


def test_bad_documents_and_keys_are_refused_with_a_clear_error(store, bank):
    with pytest.raises(AssessmentError, match=r"answers\.x\.value"):
        store.save("bad", {"schema_version": 2, "pilot": "x", "bank": {"id": "default", "version": "1"},
                           "answers": {"x": {"value": 9}}}, base=None)
    with pytest.raises(AssessmentError, match="schema_version"):
        store.save("bad", {"pilot": "x"}, base=None)
    for key in ("../etc", "a/b", "", ".hidden", "x.json", "a" * 101, "sp ace"):
        with pytest.raises(UnknownPilotError, match="expected a pilot key"):
            store.save(key, Assessment.new("x", bank=bank), base=None)
    assert store.pilots() == []
    with pytest.raises(UnknownPilotError, match="no pilot of that key"):
        store.get("missing")
    store.save("ok", Assessment.new("x", bank=bank), base=None)
    with pytest.raises(UnknownPilotError, match="no revision 5"):
        store.get("ok", 5)


def test_keys_from_names():
    assert key_for("Customer churn predictor") == "customer-churn-predictor"
    assert key_for("churn-2026.json") == "churn-2026"
    assert key_for("Ünïcode / ../ name!") == "n-code-name"
    assert key_for("???") == "pilot"


# ---- milestones, restore, references -----------------------------------------------------------


def test_milestones_name_revisions(store, bank):
    a = Assessment.new("Churn", bank=bank)
    store.save("churn", a, base=None)
    store.save("churn", a, base=1)
    review = store.mark("churn", "go/no-go review 2026-Q4", by="Lead")
    first = store.mark("churn", "kick-off", 1)
    assert (review.revision, review.marked_by) == (2, "Lead")
    assert [m.name for m in store.milestones("churn")] == ["kick-off", "go/no-go review 2026-Q4"]
    assert store.get("churn", 1).milestones == ("kick-off",)
    assert [r.milestones for r in store.history("churn")] == [("kick-off",), ("go/no-go review 2026-Q4",)]
    assert first.revision == 1
    with pytest.raises(UnknownPilotError, match="already named"):
        store.mark("churn", "kick-off")
    with pytest.raises(UnknownPilotError, match="no revision 9"):
        store.mark("churn", "later", 9)
    with pytest.raises(UnknownPilotError, match="needs a name"):
        store.mark("churn", "  ")
    assert store.resolve("churn", "kick-off") == 1
    assert store.resolve("churn", "latest") == 2
    assert store.resolve("churn", "-1") == 1
    assert store.resolve("churn", 2) == 2
    with pytest.raises(UnknownPilotError, match="neither a revision number nor a milestone"):
        store.resolve("churn", "nope")
    with pytest.raises(UnknownPilotError, match="no revision 0"):
        store.resolve("churn", "0")


def test_restore_is_a_new_revision(store, bank):
    q = _answered(bank, 1)[0]
    a = Assessment.new("Churn", bank=bank)
    a.answer(q, 1)
    store.save("churn", a, base=None)
    a.answer(q, 3)
    store.save("churn", a, base=1)
    back = store.restore("churn", 1, source="cli")
    assert (back.number, back.base, back.restored_from, back.source) == (3, 2, 1, "cli")
    assert back.changes.answers == (q,)
    assert store.get("churn").document == store.get("churn", 1).document
    assert [r.number for r in store.history("churn")] == [1, 2, 3]  # history is never rewritten
    with pytest.raises(StoreConflictError):
        store.restore("churn", 1, base=2)


# ---- reading many pilots: first-class queries for a portfolio -------------------------------------


def _portfolio(store, bank):
    earlier, later = demo_history(bank)
    store.save("churn", earlier, base=None, source="import")
    store.save("churn", later, base=1, source="form")
    store.save("assistant", demo_assessment(bank, **ASSISTANT), base=None)
    store.save("early", demo_assessment(bank, pilot="Early pilot", target=None, progress=0.4, triage={}), base=None)


def test_the_latest_revision_of_every_pilot(store, bank):
    _portfolio(store, bank)
    pilots = store.pilots()
    assert [(p.pilot, p.number, p.name) for p in pilots] == [
        ("assistant", 1, "Support reply assistant"), ("churn", 2, "Customer churn predictor"), ("early", 1, "Early pilot"),
    ]
    assert all(p.document is None for p in pilots)
    latest = {r.pilot: r for r in store.latest()}
    assert latest["churn"].document == store.get("churn").document
    # as of a moment: the revisions saved by then
    cut = store.get("churn", 1).saved_at
    then = {r.pilot: r.number for r in store.latest(as_of=cut)}
    assert then == {"churn": 1}
    assert store.latest(as_of=cut - timedelta(days=1)) == []


def test_the_answer_table_scores_like_one_assessment_at_a_time(store, bank):
    _portfolio(store, bank)
    table = store.answer_table()
    assert list(table.pilots["pilot"]) == ["assistant", "churn", "early"]
    assert set(table.answers.columns) == {"pilot", "question", "value", "evidence"}
    scores = portfolio_scores(table, bank)
    for key in ("assistant", "churn", "early"):
        one = evaluate(store.load(key, bank=bank))
        row = scores.loc[key]
        assert row["status"] == one.verdict.status
        assert row["mean"] == pytest.approx(one.mean)
        assert row["weakest"] == pytest.approx(one.weakest)
        for d in one.dimensions:
            assert row[f"score_{d.id}"] == pytest.approx(d.score, nan_ok=True)
    assert scores.loc["churn", "revision"] == 2


def test_an_unknown_bank_is_listed_unscored(store, bank, mini_bank):
    store.save("mini", Assessment.new("Mini", bank=mini_bank), base=None)
    store.save("churn", demo_assessment(bank), base=None)
    scores = portfolio_scores(store.answer_table(), bank)
    assert scores.loc["mini", "status"] == "unscored"
    assert scores.loc["churn", "status"] == evaluate(store.load("churn", bank=bank)).verdict.status


def test_diff_lists_changed_answers_and_score_deltas(store, bank):
    _portfolio(store, bank)
    d = diff_revisions(store, "churn", 1, "latest", bank=bank)
    earlier, later = (store.load("churn", n, bank=bank) for n in (1, 2))
    changed = {q for q in set(earlier.answers) | set(later.answers) if earlier.answers.get(q) != later.answers.get(q)}
    assert {a.question for a in d.answers} == changed
    after = evaluate(later)
    before = evaluate(earlier, target=after.target.profile)
    assert d.mean_change == pytest.approx(after.mean - before.mean)
    for dim in d.dimensions:
        assert dim.after == pytest.approx(after.dimension(dim.id).score, nan_ok=True)
        assert dim.before == pytest.approx(before.dimension(dim.id).score, nan_ok=True)
    some = next(a for a in d.answers if a.before != a.after)
    assert some.before.startswith(("level", "N/A", "don't", "unanswered"))
    assert json.dumps(d.to_dict())  # the CLI's --format json


# ---- import and export ------------------------------------------------------------------------------


def _tree(folder):
    """Every file of a folder store with its bytes (the lock files left by saves are not data)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.endswith(".lock")}


def _full(store):
    return [(h.pilot, [r.to_dict(document=True) for r in h.revisions], [m.to_dict() for m in h.milestones])
            for h in (store.export_history(p.pilot) for p in store.pilots())]


@pytest.mark.parametrize("other", ["folder", "sqlite", "postgresql"])
def test_export_then_import_round_trips_exactly(store, bank, other, make_store_url, tmp_path):
    _portfolio(store, bank)
    store.mark("churn", "go/no-go review 2026-Q4", 1, by="Lead")
    store.restore("churn", 1)
    first = tmp_path / "first"
    with open_store(first) as out:
        assert out.import_history(store.export_history(p.pilot) for p in store.pilots()) == 5
    with open_store(make_store_url(other)) as middle:
        middle.import_history(out.export_history(p.pilot) for p in out.pilots())
        assert _full(middle) == _full(store)
        second = tmp_path / "second"
        with open_store(second) as again:
            again.import_history(middle.export_history(p.pilot) for p in middle.pilots())
    assert _tree(first) == _tree(second)
    assert (first / "churn.json").read_text() == to_text(store.get("churn").document)


def test_import_refuses_pilots_already_there(store, bank, tmp_path):
    store.save("churn", demo_assessment(bank), base=None)
    history = store.export_history("churn")
    with pytest.raises(InputError, match="already in the store"):
        store.import_history([history])


# ---- URLs and passwords ---------------------------------------------------------------------------------


def test_the_password_of_a_store_url_is_never_shown(caplog, tmp_path):
    url = "postgresql+psycopg://ana:pw-s3cret@/nodb?host=" + str(tmp_path)
    assert "pw-s3cret" not in redact(url)
    assert redact(url).startswith("postgresql+psycopg://ana:***@")
    caplog.set_level(logging.DEBUG)
    with pytest.raises(StoreError) as info:
        open_store(url)
    assert "pw-s3cret" not in str(info.value)
    assert "***" in str(info.value)
    assert "pw-s3cret" not in caplog.text


def test_urls_choose_the_backend(tmp_path):
    from readiness_widgets.store.folder import FolderStore
    from readiness_widgets.store.sql import SQLStore

    assert isinstance(open_store(tmp_path / "a"), FolderStore)
    assert isinstance(open_store(f"file:{tmp_path}/b"), FolderStore)
    assert isinstance(open_store(f"file://{tmp_path}/c"), FolderStore)
    assert (tmp_path / "c").is_dir()
    with open_store(f"sqlite:///{tmp_path}/x.db") as s:
        assert isinstance(s, SQLStore)
    with pytest.raises(StoreError, match="unknown store URL scheme 'mysql'"):
        open_store("mysql://u:p@h/db")
    with pytest.raises(StoreError, match="no such database file"):
        open_store(f"sqlite:///{tmp_path}/missing.db", create=False)
    with pytest.raises(StoreError, match="no such folder"):
        open_store(tmp_path / "missing", create=False)
    with pytest.raises(StoreError, match="in-memory"):
        open_store("sqlite://")
    with pytest.raises(StoreError, match="no store"):
        open_store(None)


def test_the_environment_names_the_default_store(tmp_path, monkeypatch):
    monkeypatch.setenv("READINESS_STORE", str(tmp_path / "env-store"))
    with open_store() as s:
        assert s.url == str(tmp_path / "env-store")
