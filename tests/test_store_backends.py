"""What one backend does that the others cannot: the folder's files, Alembic's migrations."""

from __future__ import annotations

import json

import pytest

from readiness_widgets import Assessment
from readiness_widgets.store import StoreConflictError, open_store
from readiness_widgets.store.base import to_text

# ---- the folder backend: today's files, and files changed outside the store ------------------------


def test_a_plain_folder_of_assessments_is_a_store(demo_dir):
    store = open_store(demo_dir, create=False)
    pilots = {p.pilot: p for p in store.pilots()}
    assert set(pilots) == {"churn-predictor-2026-09", "churn-predictor-2026-11", "support-reply-assistant"}
    assert all((p.number, p.source, p.saved_by) == (1, "file", "unknown") for p in pilots.values())
    assert not (demo_dir / ".history").exists()  # reading writes nothing


def test_the_latest_file_is_the_one_the_other_tools_read(tmp_path, bank):
    store = open_store(tmp_path)
    a = Assessment.new("Churn", bank=bank)
    store.save("churn", a, base=None)
    q = bank.questions[0].id
    a.answer(q, 3)
    store.save("churn", a, base=1)
    assert (tmp_path / "churn.json").read_text() == a.to_json()
    assert Assessment.load(tmp_path / "churn.json", bank=bank).value(q) == 3
    record = json.loads((tmp_path / ".history" / "churn" / "000002.json").read_text())
    assert (record["revision"], record["base"], record["changes"]["answers"]) == (2, 1, [q])


def test_a_file_changed_outside_the_store_becomes_a_revision(tmp_path, bank):
    store = open_store(tmp_path)
    store.save("churn", Assessment.new("Churn", bank=bank), base=None)
    q = bank.questions[0].id
    outside = Assessment.load(tmp_path / "churn.json", bank=bank)  # e.g. the form on the file
    outside.answer(q, 4)
    outside.save()
    head = store.get("churn")
    assert (head.number, head.source, head.changes.answers) == (2, "file", (q,))
    mine = store.load("churn", bank=bank)
    mine.answer(q, 1)
    mine.save()  # revision 2 is written down first, then ours
    assert [(r.number, r.source) for r in store.history("churn")] == [(1, "api"), (2, "file"), (3, "api")]
    # changed outside again after someone loaded revision 3: their save is refused
    stale = store.load("churn", bank=bank)
    outside = Assessment.load(tmp_path / "churn.json", bank=bank)
    outside.answer(q, 0)
    outside.save()
    stale.answer(q, 2)
    with pytest.raises(StoreConflictError, match="revision 4"):
        stale.save()


def test_a_save_killed_after_its_record_is_finished_by_the_next_reader(tmp_path, bank):
    store = open_store(tmp_path)
    a = Assessment.new("Churn", bank=bank)
    store.save("churn", a, base=None)
    q = bank.questions[0].id
    a.answer(q, 2)
    store.save("churn", a, base=1)
    (tmp_path / "churn.json").write_text(to_text(store.get("churn", 1).document))  # as if killed before the file
    assert store.get("churn").number == 2  # the record is the latest, not a change made outside
    a.answer(q, 3)
    store.save("churn", a, base=2)
    assert [r.source for r in store.history("churn")] == ["api", "api", "api"]
    assert (tmp_path / "churn.json").read_text() == a.to_json()


def test_unreadable_files_are_skipped_and_named(tmp_path, bank):
    store = open_store(tmp_path)
    store.save("good", Assessment.new("Good", bank=bank), base=None)
    (tmp_path / "broken.json").write_text("{nope")
    assert [p.pilot for p in store.pilots()] == ["good"]
    assert store.problems
    assert store.problems[0].startswith("broken:")


# ---- SQL: Alembic migrations ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_migrations_create_the_tables_the_queries_use(kind, make_store_url):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from readiness_widgets.store.schema import metadata
    from readiness_widgets.store.sql import HEAD_REVISION, _head_revision, current_revision, migrate

    url = make_store_url(kind)
    with open_store(url) as store:
        with store.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert context.get_current_revision() == _head_revision() == HEAD_REVISION  # the constant is alembic's head
            assert current_revision(conn) == HEAD_REVISION  # read without alembic, as alembic reads it
            assert compare_metadata(context, metadata) == []  # the migrations and schema.py agree
        with store.engine.begin() as conn:
            assert migrate(conn) is False  # opening again runs nothing
    with open_store(url) as again:
        assert again.pilots() == []


def test_a_file_is_read_as_strictly_as_the_data_model_reads_it(tmp_path, bank):
    from readiness_widgets.errors import AssessmentError

    store = open_store(tmp_path)
    store.save("good", Assessment.new("Good", bank=bank), base=None)
    text = (tmp_path / "good.json").read_text()
    (tmp_path / "good.json").write_text(text.replace('"pilot": "Good",', '"pilot": "Good", "pilot": "Evil",'))
    with pytest.raises(AssessmentError, match="key given twice"):
        store.get("good")
    assert store.pilots() == []
    assert "key given twice" in store.problems[0]
