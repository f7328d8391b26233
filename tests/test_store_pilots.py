"""The shared store as a portfolio source (StorePilots), on the folder, SQLite and PostgreSQL backends.

Every test writes the demo portfolio into a new store as real revisions (``write_demo_store``) and
checks what the portfolio reads against what the store holds, and against the same pilots as a
folder of files (FolderPilots), which the portfolio engine's own tests check against the
single-assessment engine.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import event

from readiness_widgets import Assessment
from readiness_widgets.demo import (
    demo_portfolio,
    demo_portfolio_histories,
    write_demo_portfolio,
    write_demo_store,
)
from readiness_widgets.errors import InputError
from readiness_widgets.pilots import FolderPilots, PilotRevision, StorePilots
from readiness_widgets.portfolio_result import evaluate_portfolio
from readiness_widgets.result import evaluate
from readiness_widgets.store import Store, open_store
from readiness_widgets.store.folder import FolderStore

OLD_BANK_DOC = Path(__file__).parent / "assessments" / "churn-predictor-bank-1.0.0.json"
HOSTILE = '<img src=x onerror="alert(1)">&amp; </script><script>alert(2)</script>'


@pytest.fixture
def demo_store(store_url):
    """A store holding the demo portfolio (12 pilots, 33 revisions), and its URL."""
    assert write_demo_store(store_url) == (12, 33)
    with open_store(store_url) as store:
        yield store


def test_every_revision_of_every_pilot_with_its_date_and_link(demo_store):
    source = StorePilots(demo_store)
    keys = [r.pilot for r in demo_store.pilots()]
    assert sorted(r.pilot for r in source.latest()) == keys
    for key in keys:
        held = demo_store.history(key)
        revs = source.history(key)
        assert [(r.revision, r.saved_at) for r in revs] == [(h.number, h.saved_at) for h in held]
        assert {r.link for r in revs} == {f"pilot={key}"}
        assert revs[-1].name == held[-1].name
        saved = Assessment.from_dict(demo_store.get(key).document)
        assert (revs[-1].business_unit, revs[-1].owner, revs[-1].target) == (saved.business_unit, saved.owner, saved.target)
    assert len(source.revisions()) == 33
    assert source.unreadable() == []
    assert source.label == demo_store.url
    with pytest.raises(InputError, match="no readable revision"):
        source.history("no-such-pilot")


def test_the_saved_dates_come_from_the_seed(demo_store):
    """``readiness demo --portfolio`` into a store keeps each assessment's date as its revision's."""
    expected = {h.pilot: [r.saved_at for r in h.revisions] for h in demo_portfolio_histories()}
    got = {r.pilot: [] for r in demo_store.pilots()}
    for r in demo_store.all_revisions(documents=False):
        got[r.pilot].append(r.saved_at)
    assert got == expected
    assert {r.source for r in demo_store.all_revisions(documents=False)} == {"import"}


def test_the_bulk_read_equals_reading_pilot_by_pilot(demo_store):
    bulk = demo_store.all_revisions()
    one_by_one = Store.all_revisions(demo_store)  # the interface's fallback: history, then get, per pilot
    assert bulk == one_by_one
    assert [r.document for r in bulk] == [r.document for r in one_by_one]
    assert [r.document for r in demo_store.all_revisions(documents=False)] == [None] * len(bulk)


def test_a_portfolio_from_a_store_equals_one_from_the_same_pilots_in_a_folder(demo_store, tmp_path):
    write_demo_portfolio(tmp_path / "folder")
    from_store = evaluate_portfolio(StorePilots(demo_store))
    from_folder = evaluate_portfolio(FolderPilots(tmp_path / "folder"))
    same = [c for c in from_folder.pilots.columns if c not in ("pilot", "link")]
    pd.testing.assert_frame_equal(from_store.pilots[same], from_folder.pilots[same])
    pd.testing.assert_frame_equal(from_store.history, from_folder.history)
    pd.testing.assert_frame_equal(from_store.blocking, from_folder.blocking)
    pd.testing.assert_frame_equal(from_store.actions, from_folder.actions)
    pd.testing.assert_frame_equal(from_store.deliverables, from_folder.deliverables)
    assert from_store.shared_blockers() != ()
    assert [b.sentence for b in from_store.shared_blockers()] == [b.sentence for b in from_folder.shared_blockers()]
    for since in (date(2026, 3, 1), date(2026, 6, 30), from_folder.default_since()):
        assert from_store.funnel(since) == from_folder.funnel(since)
    assert from_store.trends().drop(columns=["pilot"], errors="ignore").equals(
        from_folder.trends().drop(columns=["pilot"], errors="ignore"))
    assert set(from_store.pilots["link"]) == {f"pilot={k}" for k in from_store.pilots["pilot"]}


def test_the_funnel_counts_are_the_verdicts_the_store_lists(demo_store, bank):
    """What ``readiness store list`` prints (history.portfolio_scores on the store's answer tables,
    another code path) is what the portfolio's funnel counts."""
    from readiness_widgets.history import portfolio_scores

    listed = portfolio_scores(demo_store.answer_table(), bank)["status"].astype(str).value_counts().to_dict()
    funnel = evaluate_portfolio(StorePilots(demo_store)).funnel()
    assert {k: v for k, v in funnel.counts.items() if v} == listed
    # and as of a date, against the store's own as_of read
    since = date(2026, 8, 1)
    from readiness_widgets.portfolio_result import _end_of

    before = portfolio_scores(demo_store.answer_table(as_of=_end_of(since)), bank)["status"].astype(str)
    past = evaluate_portfolio(StorePilots(demo_store)).status_at(since)
    assert sorted(str(s) for s in past if s == s and s) == sorted(before)


def test_the_stamp_moves_when_a_revision_is_saved_and_not_when_read(demo_store, bank):
    source = StorePilots(demo_store)
    first = source.stamp()
    evaluate_portfolio(source)
    assert source.stamp() == first
    a = demo_store.load("complaint-router", bank=bank)
    a.owner = "Someone else"
    a.save()
    assert source.stamp() != first
    assert [r.revision for r in source.history("complaint-router")][-1] == demo_store.head("complaint-router")
    assert source.latest()[[r.pilot for r in source.latest()].index("complaint-router")].owner == "Someone else"
    new = Assessment.new(HOSTILE, bank=bank)
    demo_store.bind(new, "new-pilot").save()
    assert source.refresh() is True
    assert source.refresh() is False
    assert source.history("new-pilot")[0].name == HOSTILE


def test_an_unreadable_revision_is_listed_with_its_reason(demo_store, bank):
    doc = Assessment.new("Custom bank pilot", bank=bank).to_dict()
    doc["bank"] = {"id": "custom", "version": "1.0.0"}
    demo_store.save("custom-bank", doc, base=None)
    source = StorePilots(demo_store)
    (name, why), = source.unreadable()
    assert name == "custom-bank@1"
    assert "custom" in why
    assert "bank" in why
    assert not source.has("custom-bank")
    assert source.has("complaint-router")
    assert len(evaluate_portfolio(source).pilots) == 12


def test_a_damaged_record_of_a_folder_store_is_skipped_and_named(tmp_path):
    write_demo_store(tmp_path / "store")
    record = tmp_path / "store" / ".history" / "complaint-router" / "000001.json"
    record.write_text("{not json")
    (tmp_path / "store" / "invoice-matcher.json").write_text(json.dumps({"schema_version": 99}))
    (tmp_path / "store" / ".history" / "invoice-matcher" / "000003.json").unlink()  # the file is the head now
    source = StorePilots(str(tmp_path / "store"))
    reasons = dict(source.unreadable())
    assert "not valid JSON" in reasons["complaint-router@1"]
    assert any(k.startswith("invoice-matcher") for k in reasons)
    assert [r.revision for r in source.history("complaint-router")] == [2, 3]
    assert not source.has("invoice-matcher")


def test_reading_a_sql_store_is_a_fixed_number_of_queries(tmp_path):
    """No query per pilot: the stamp is two aggregates, the revisions one query (only the latest
    revisions' documents), the milestones one, and the earlier revisions' answers three (their
    bank and target, answer rows, triage rows)."""
    url = f"sqlite:///{tmp_path}/s.db"
    write_demo_store(url)
    store = open_store(url)
    statements = []
    event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    source = StorePilots(store)
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) <= 7, reads
    statements.clear()
    assert source.refresh() is False  # nothing changed: only the stamp was read
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 2
    store.close()


def test_the_label_never_shows_a_password(store_url):
    if store_url.startswith("postgresql"):  # the test cluster trusts its socket: any password opens it
        store_url = store_url.replace("://postgres@", "://postgres:s3cret-pw@", 1)
        assert "s3cret-pw" in store_url
    open_store(store_url).close()  # a new store (a portfolio opens an existing one only)
    source = StorePilots(store_url)
    assert source.label == source.store.url
    assert source.latest() == []
    assert "s3cret-pw" not in source.label
    assert "s3cret-pw" not in evaluate_portfolio(source).label


def test_a_hostile_name_stays_data(store_url, bank):
    with open_store(store_url) as store:
        store.bind(Assessment.new(HOSTILE, bank=bank, business_unit=HOSTILE, owner=HOSTILE), "x-1").save()
        p = evaluate_portfolio(StorePilots(store))
    row = p.pilots.iloc[0]
    assert (row["name"], row["business_unit"], row["owner"], row["link"]) == (HOSTILE, HOSTILE, HOSTILE, "pilot=x-1")
    from readiness_widgets.report import render_portfolio_html

    html = render_portfolio_html(p)
    assert "<img src=x" not in html
    assert "<script>alert" not in html


def test_demo_revisions_follow_each_other(demo_store):
    for h in demo_portfolio_histories():
        stamps = [r.saved_at for r in h.revisions]
        assert stamps == sorted(stamps)
        assert stamps[-1] - stamps[0] > timedelta(weeks=8)
    assert len(demo_portfolio()) == len(demo_store.pilots())


# ---- the command line: readiness demo --portfolio -o URL, readiness portfolio --store, dashboard --store ----


def _run(capsys, *argv):
    from readiness_widgets import cli

    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_demo_portfolio_into_a_store_then_the_portfolio_of_that_store(capsys, store_url, tmp_path):
    code, out, err = _run(capsys, "demo", "--portfolio", "-o", store_url if "://" in store_url else f"file:{store_url}")
    assert code == 0, err
    assert out.startswith("wrote 33 revisions of 12 pilots to ")
    url = store_url if "://" in store_url else f"file:{store_url}"
    code, out, err = _run(capsys, "store", "list", "--store", url, "--format", "json")
    listed = json.loads(out)
    assert len(listed) == 12
    assert sorted(r["revision"] for r in listed) == sorted(len(h.revisions) for h in demo_portfolio_histories())
    code, out, err = _run(capsys, "portfolio", "--store", url, "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert {r["pilot"]: (r["verdict"], r["revision"]) for r in rows} == {r["pilot"]: (r["verdict"], r["revision"]) for r in listed}
    code, out, err = _run(capsys, "portfolio", "--store", url, "--since", "2026-06-30")
    assert "12 pilots: 2 ready, 2 ready with conditions, 8 not ready; since 2026-06-30:" in out
    code, out, _ = _run(capsys, "portfolio", "--store", url, "-o", tmp_path / "p.html")
    assert code == 0
    assert (tmp_path / "p.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    code, out, _ = _run(capsys, "portfolio", "--store", url, "-o", tmp_path / "p.csv")
    assert pd.read_csv(tmp_path / "p.csv")["pilot"].tolist() == sorted(r["pilot"] for r in listed)  # keys, by name
    # the demo never writes into a store that holds pilots
    code, _, err = _run(capsys, "demo", "--portfolio", "-o", url)
    assert code == 2
    assert "holds pilots already" in err


def test_portfolio_reads_the_env_store_and_refuses_ambiguity(capsys, monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path}/p.db"
    write_demo_store(url)
    monkeypatch.setenv("READINESS_STORE", url)
    code, out, _ = _run(capsys, "portfolio", "--format", "csv")
    assert code == 0
    assert len(out.strip().splitlines()) == 13
    code, _, err = _run(capsys, "portfolio", tmp_path, "--store", url)
    assert (code, err.strip()) == (2, "readiness: give a FOLDER or --store URL, not both")
    monkeypatch.delenv("READINESS_STORE")
    code, _, err = _run(capsys, "portfolio")
    assert code == 2
    assert "give a FOLDER of assessments or --store URL" in err
    code, _, err = _run(capsys, "portfolio", "--store", f"sqlite:///{tmp_path}/missing.db")
    assert (code, err.count("\n")) == (2, 1)
    assert "no such database file" in err
    code, _, err = _run(capsys, "demo", "--portfolio", "-o", f"sqlite:///{tmp_path}/q.db", "--force")
    assert code == 2
    assert "never overwrites" in err


def test_dashboard_serves_the_portfolio_of_a_store_with_the_same_settings(voila_started, monkeypatch, capsys, tmp_path):

    from readiness_widgets import serve

    url = f"sqlite:///{tmp_path}/p.db"
    write_demo_store(url)
    monkeypatch.setattr(serve, "find_spec", lambda name: object())
    monkeypatch.setenv("READINESS_STORE", url)
    code, out, _ = _run(capsys, "dashboard", "--page", "portfolio")
    assert code == 0
    assert voila_started["env"]["READINESS_STORE"] == url
    assert "READINESS_ASSESSMENTS" not in voila_started["env"]
    assert voila_started["cmd"] == serve.voila_command("portfolio", port=8866)
    assert f"serving the portfolio for {url}" in out
    code, _, err = _run(capsys, "dashboard", "--page", "portfolio", "--store", f"sqlite:///{tmp_path}/missing.db")
    assert code == 2
    assert "no such database file" in err


def test_revisions_are_scored_from_the_answer_tables(demo_store):
    """A SQL store: no document is parsed into the data model; every revision comes from the
    answer and triage tables, and gives the answers, triage, target, bank and metadata its own
    document gives."""
    source = StorePilots(demo_store)
    sql = not isinstance(demo_store, FolderStore)  # the folder backend keeps no answer tables: it parses them all
    assert (demo_store.revision_answers() is not None) == sql
    for key in [r.pilot for r in demo_store.pilots()]:
        for rev in source.history(key):
            assert (rev.assessment is None) == sql
            parsed = Assessment.from_dict(demo_store.get(key, rev.revision).document)
            assert sorted(rev.answer_rows()) == sorted(PilotRevision(key, 0, rev.saved_at, "", "", parsed).answer_rows())
            assert dict(rev.triage_answers) == parsed.data.triage
            assert (rev.target, rev.bank_id, rev.bank.version) == (parsed.target, parsed.bank.id, parsed.bank.version)
        assert (rev.business_unit, rev.owner) == (parsed.business_unit, parsed.owner)


def test_an_earlier_revision_of_an_older_bank_version_is_carried_over(store_url, bank):
    """Its answer rows name bank 1.0.0's questions: the document is parsed and its answers carried
    over to the bank of the latest revision, as the data model does when it loads it."""
    old = json.loads(OLD_BANK_DOC.read_text(encoding="utf-8"))
    with open_store(store_url) as store:
        store.save("churn", old, base=None)
        store.save("churn", demo_portfolio()[0][-1].to_dict(), base=1)
        source = StorePilots(store)
        first = source.history("churn")[0]
        assert first.assessment is not None  # parsed, not read from the tables
        carried = Assessment.from_dict(old, bank=bank)
        assert carried.bank.version != old["bank"]["version"]
        trend = evaluate_portfolio(source).trends(["churn"])
    assert trend["mean"].iloc[0] == pytest.approx(evaluate(carried).mean)


@pytest.mark.parametrize(("field", "change", "said"), [
    ("triage.risk_tier", lambda d, bank: d["triage"].update(risk_tier="extreme"), "'extreme'"),
    ("target", lambda d, bank: d.update(target="no-such-profile"), "no-such-profile"),
    ("evidence", lambda d, bank: d["answers"][next(q for q in d["answers"] if "automated" not in bank.question(q).evidence_kinds)]
     .update(evidence="automated", value=2), "automated"),
    ("value", lambda d, bank: d["answers"][next(q for q in d["answers"] if not bank.question(q).allow_na)]
     .update(value="na"), "N/A is not allowed"),
])
@pytest.mark.parametrize("which", ["first", "latest"])
def test_a_revision_the_bank_refuses_is_named_as_before(store_url, bank, field, change, said, which):
    """The store keeps documents of any bank: what the answer tables hold is checked by the data
    model's rule, and a revision the bank refuses is parsed, named and left out, as a parsed one is
    (its latest refused, a pilot's history ends at the revision before)."""
    docs = [a.to_dict() for a in demo_portfolio()[0]]
    bad = 0 if which == "first" else len(docs) - 1
    change(docs[bad], bank)
    with open_store(store_url) as store:
        store.save("churn", docs[0], base=None)
        for n, doc in enumerate(docs[1:], start=1):
            store.save("churn", doc, base=n)
        source = StorePilots(store)
        (name, why), = source.unreadable()
    assert name == f"churn@{bad + 1}"
    assert said in why
    assert [r.revision for r in source.history("churn")] == [n for n in range(1, len(docs) + 1) if n != bad + 1]
