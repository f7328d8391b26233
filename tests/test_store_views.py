"""The store seen from the CLI, the form and the dashboard: --store URL / store= / $READINESS_STORE."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from readiness_widgets import Assessment, cli
from readiness_widgets.demo import demo_history
from readiness_widgets.result import evaluate
from readiness_widgets.store import open_store
from readiness_widgets.widgets import assess
from readiness_widgets.widgets.dashboard import Dashboard, StoreSource, dashboard

SECRET = "pw-Very-s3cret"


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture
def filled(store_url, bank):
    """A store with the demo folder imported and a second revision of one churn pilot."""
    with open_store(store_url) as store:
        earlier, later = demo_history(bank)
        store.save("churn", earlier, base=None, source="cli", saved_by="Priya")
        store.mark("churn", "2026-Q3 review")
        store.save("churn", later, base=1, source="form", saved_by="Tom")
    return store_url


# ---- CLI ------------------------------------------------------------------------------------------


def test_store_list_json_gives_pilot_revision_updated_verdict(capsys, filled, bank):
    code, out, err = run(capsys, "store", "list", "--store", filled, "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert [r["pilot"] for r in rows] == ["churn"]
    row = rows[0]
    assert {"pilot", "revision", "updated", "verdict"} <= set(row)
    with open_store(filled) as store:
        head = store.get_meta("churn")
        assert row["revision"] == head.number == 2
        assert row["updated"] == head.saved_at.isoformat()
        assert row["verdict"] == evaluate(store.load("churn", bank=bank)).verdict.status


def test_history_lists_revisions_with_who_where_and_milestones(capsys, filled):
    code, out, err = run(capsys, "history", "churn", "--store", filled)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("churn: 2 revisions in ")
    assert "Priya  (cli)  created" in lines[1]
    assert "[2026-Q3 review]" in lines[1]
    assert "Tom  (form)" in lines[2]
    code, out, _ = run(capsys, "history", "Customer churn predictor", "--store", filled, "--format", "json")  # by name
    assert [r["revision"] for r in json.loads(out)] == [1, 2]


def test_diff_by_milestone_and_latest(capsys, filled, bank):
    code, out, err = run(capsys, "diff", "churn", "2026-Q3 review", "latest", "--store", filled, "--format", "json")
    assert code == 0, err
    d = json.loads(out)
    assert (d["from"], d["to"]) == (1, 2)
    earlier, later = demo_history(bank)
    after = evaluate(later)
    assert d["mean"]["after"] == pytest.approx(after.mean)
    assert d["mean"]["change"] == pytest.approx(after.mean - evaluate(earlier, target=after.target.profile).mean)
    assert d["answers"]
    code, out, _ = run(capsys, "diff", "churn", "1", "2", "--store", filled)
    assert "answers changed" in out
    assert "overall" in out
    assert "verdict:" in out


def test_mark_restore_and_score_a_revision(capsys, filled, bank):
    assert run(capsys, "store", "mark", "churn", "go/no-go review 2026-Q4", "--store", filled)[0] == 0
    code, out, err = run(capsys, "store", "restore", "churn", "2026-Q3 review", "--store", filled)
    assert (code, out.strip()) == (0, "churn: revision 1 restored as revision 3"), err
    with open_store(filled) as store:
        assert store.get_meta("churn").source == "cli"
    code, out, _ = run(capsys, "score", "churn", "--store", filled, "--revision", "go/no-go review 2026-Q4", "--format", "json")
    assert json.loads(out)["overall"]["mean"] == pytest.approx(evaluate(demo_history(bank)[1]).mean, abs=1e-3)
    code, out, _ = run(capsys, "gate", "churn", "--store", filled)
    assert code == 1
    assert out.startswith("NO-GO: Customer churn predictor")


def test_new_in_a_store_then_refused_twice(capsys, store_url):
    code, out, err = run(capsys, "new", "trial", "--pilot", "Trial", "--store", store_url)
    assert code == 0, err
    assert "trial: revision 1" in out
    code, _, err = run(capsys, "new", "trial", "--pilot", "Trial", "--store", store_url)
    assert code == 2
    assert "already holds this pilot" in err


def test_import_then_export_round_trips_a_folder(capsys, store_url, demo_dir, tmp_path):
    code, out, err = run(capsys, "store", "import", demo_dir, "--store", store_url)
    assert code == 0, err
    assert out.startswith("imported 3 pilots (3 revisions)")
    with open_store(store_url) as store:
        assert {r.source for r in store.pilots()} == {"import"}
    out_dir = tmp_path / "exported"
    code, out, err = run(capsys, "store", "export", "--store", store_url, "-o", out_dir)
    assert code == 0, err
    for f in demo_dir.glob("*.json"):
        assert (out_dir / f.name).read_bytes() == f.read_bytes()
    code, _, err = run(capsys, "store", "export", "--store", store_url, "-o", out_dir)
    assert (code, "not an empty folder" in err) == (2, True)


def test_no_store_and_unknown_pilots_are_one_line_errors(capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("READINESS_STORE", raising=False)
    code, _, err = run(capsys, "store", "list")
    assert (code, err.strip()) == (2, "readiness: no store: pass --store URL, or set $READINESS_STORE")
    monkeypatch.setenv("READINESS_STORE", f"sqlite:///{tmp_path}/env.db")
    code, _, err = run(capsys, "history", "nobody")
    assert (code, "env.db: no such database file" in err) == (2, True)  # reading never creates a store
    open_store(f"sqlite:///{tmp_path}/env.db").close()
    code, _, err = run(capsys, "history", "nobody")
    assert code == 2
    assert "nobody: no pilot of that key or name" in err
    code, _, err = run(capsys, "store", "list", "--store", "mysql://x/y")
    assert code == 2
    assert "unknown store URL scheme" in err


def test_a_password_is_never_printed(capsys, postgres_server, tmp_path):
    from sqlalchemy.engine import make_url

    url = make_url(postgres_server).set(username="nobody", password=SECRET, database="missing")
    text = url.render_as_string(hide_password=False)
    for argv in (["store", "list", "--store", text], ["history", "x", "--store", text], ["dashboard", "--store", text]):
        code, out, err = run(capsys, *argv)
        assert code == 2
        assert SECRET not in out + err
        assert "***" in err


# ---- the form ----------------------------------------------------------------------------------


@pytest.fixture
def store_apps(frontend):
    opened = []

    def _open(*args, **kw):
        app = assess(*args, **kw)
        opened.append(app)
        return app

    yield _open
    for app in opened:
        app.close()


def test_the_form_saves_revisions_from_the_form(store_apps, store_url, bank):
    app = store_apps("churn", store=store_url, bank=bank, pilot="Churn", respondents=["Ana"])
    app.flush()
    assert app.header.status_text.startswith("saved revision 1")
    q = bank.questions[0].id
    app.question(q).level.value = 2
    app.flush()
    with open_store(store_url) as store:
        history = store.history("churn")
        assert [(r.number, r.source, r.saved_by) for r in history] == [(1, "form", "Ana"), (2, "form", "Ana")]
        assert history[1].changes.answers == (q,)
    assert store_apps("churn", store=store_url) is app  # one app per pilot per kernel
    app.close()
    again = store_apps("churn", store=store_url, bank=bank)  # closed: the pilot opens again, as saved
    assert again is not app
    assert again.question(q).level.value == 2
    assert again.header.status_text == "resumed churn, revision 2"


def test_a_conflict_in_the_form_offers_reload_theirs_or_keep_mine(store_apps, store_url, bank):
    app = store_apps("churn", store=store_url, bank=bank, pilot="Churn")
    app.flush()
    q0, q1 = bank.questions[0].id, bank.questions[1].id
    with open_store(store_url) as store:
        theirs = store.load("churn", bank=bank)
        theirs.answer(q1, 4)
        theirs.save()
    app.question(q0).level.value = 1
    app.flush()
    header = app.header
    assert header.status_text.startswith("save failed: ")
    assert "revision 2" in header.status_text
    assert (header.reload.description, header.overwrite.description) == ("Reload theirs", "Keep mine as a new revision")
    assert header.reload.layout.display is None
    assert header.overwrite.layout.display is None
    header.overwrite.click()  # keep mine: revision 3 on top of theirs
    assert header.status_text.startswith("saved revision 3")
    with open_store(store_url) as store:
        assert store.get("churn", 2).document["answers"][q1]["value"] == 4
        mine = store.get("churn", 3).document["answers"]
        assert mine[q0]["value"] == 1
        assert q1 not in mine
        # and again, this time reloading theirs
        theirs = store.load("churn", bank=bank)
        theirs.answer(q1, 3)
        theirs.save()
    app.question(q0).level.value = 2
    app.flush()
    assert "save failed" in header.status_text
    header.reload.click()
    assert app.assessment.value(q1) == 3
    assert app.question(q1).level.value == 3
    assert app.assessment.value(q0) == 1
    app.question(q0).level.value = 0
    app.flush()
    assert header.status_text.startswith("saved revision 5")


def test_the_environment_sends_the_form_to_the_store(store_apps, store_url, monkeypatch, bank):
    from readiness_widgets.serve import form_args

    monkeypatch.setenv("READINESS_STORE", store_url)
    monkeypatch.setenv("READINESS_FORM_FILE", "page.json")
    args = form_args()
    assert args == {"path": "page", "store": store_url}
    app = store_apps(**args, bank=bank)
    app.flush()
    with open_store(store_url) as store:
        assert store.get_meta("page").source == "form"


# ---- the dashboard ---------------------------------------------------------------------------------


def test_the_dashboard_shows_every_pilot_of_a_store(filled, frontend, bank):
    page = dashboard(store=filled)
    assert isinstance(page, Dashboard)
    assert isinstance(page.folder, StoreSource)
    assert [name for _label, name in page.picker.options] == ["churn"]
    assert page.entry.name == "churn"
    assert page.previous is not None  # the milestone before the latest revision
    assert page.result.previous is not None
    later = demo_history(bank)[1]
    assert page.result.mean == pytest.approx(evaluate(later).mean)
    page.refresh("pilot=../../etc/passwd")
    assert "no pilot of that key" in page.notice.value


def test_the_dashboard_names_a_store_it_cannot_open(tmp_path, frontend):
    page = dashboard(store=f"sqlite:///{tmp_path}/missing.db")
    assert "no such database file" in page.value


def test_serve_passes_the_store_to_voila_without_printing_it(voila_started, monkeypatch, capsys, filled):
    from readiness_widgets import serve

    monkeypatch.setattr(serve, "find_spec", lambda name: object())
    assert serve.serve("dashboard", store=filled) == 0
    assert voila_started["env"]["READINESS_STORE"] == filled
    assert "serving the dashboard for " in capsys.readouterr().out


def test_the_form_page_notebook_uses_form_args():
    nb = json.loads((Path(__file__).parents[1] / "dashboards" / "self_assessment.ipynb").read_text())
    code = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert "assess(**form_args())" in code


def test_an_assessment_bound_to_a_store_still_saves_copies_to_files(store_url, tmp_path, bank):
    with open_store(store_url) as store:
        store.save("churn", Assessment.new("Churn", bank=bank), base=None)
        a = store.load("churn", bank=bank)
        a.save(tmp_path / "copy.json")
        assert Assessment.load(tmp_path / "copy.json", bank=bank).pilot == "Churn"
        assert len(store.history("churn")) == 1


def test_scan_into_a_pilot_of_a_store_is_a_revision_from_the_scan(capsys, store_url, bank, tmp_path):
    with open_store(store_url) as store:
        store.save("p", Assessment.new("P", bank=bank), base=None)
    project = tmp_path / "project"
    (project / ".github" / "workflows").mkdir(parents=True)
    (project / ".github" / "workflows" / "ci.yml").write_text("on: push\njobs:\n  test:\n    steps:\n      - run: pytest\n")
    (project / "Dockerfile").write_text("FROM python:3.11-slim\n")
    (project / "tests").mkdir()
    (project / "tests" / "test_model.py").write_text("def test_model():\n    assert True\n")
    code, out, err = run(capsys, "scan", project, "--into", "p", "--store", store_url)
    assert code == 0, err
    assert "saved p" in out
    with open_store(store_url) as store:
        head = store.get_meta("p")
        assert (head.number, head.source) == (2, "scan")
        assert head.changes.answers
