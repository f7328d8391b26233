"""The portfolio's exports and commands: the offline HTML report (escaped, no request), the CSV,
``readiness portfolio`` and ``readiness demo --portfolio``."""

from __future__ import annotations

import io
import json
from collections import Counter
from datetime import date, datetime, timedelta, timezone

import pandas as pd
import pytest
from test_report import Page, figures_json

from readiness_widgets import Assessment, cli
from readiness_widgets.charts import plotly_js
from readiness_widgets.demo import demo_assessment, demo_portfolio_folder, write_demo_portfolio
from readiness_widgets.pilots import FolderPilots
from readiness_widgets.portfolio_result import evaluate_portfolio
from readiness_widgets.report import ReportError, environment, render_portfolio_html, write_portfolio_report

PAYLOADS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "</script><script>alert(2)</script>")
HOSTILE = "Pilot " + " ".join(PAYLOADS)


@pytest.fixture
def hostile_dir(tmp_path, bank):
    for i in range(2):
        a = demo_assessment(bank, pilot=HOSTILE, when=datetime(2026, 6, 1, tzinfo=timezone.utc) + timedelta(days=50 * i))
        a.business_unit, a.owner = PAYLOADS[1], PAYLOADS[2]
        a.save(tmp_path / f"hostile-{i}.json")
    demo_assessment(bank, pilot="Plain pilot").save(tmp_path / "plain.json")
    return tmp_path


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


# ---- the HTML report --------------------------------------------------------------------------


def test_the_portfolio_template_is_autoescaped():
    env = environment()
    assert env.autoescape("portfolio.html.j2") is True
    assert env.autoescape("portfolio_parts.html.j2") is True


def test_the_report_is_standalone_and_fetches_nothing(portfolio):
    html = render_portfolio_html(portfolio)
    assert html.count(plotly_js()[:400]) == 1
    rest = html.replace(plotly_js(), "").lower()
    for marker in ("cdn", 'src="http', "@import", "url("):
        assert marker not in rest
    page = Page(html)
    assert not page.named("link")
    for tag, attrs in page.tags:
        assert "src" not in attrs, tag
        assert "href" not in attrs, tag  # pilots are not links in a file read offline
    (csp,) = [a for a in page.named("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    assert "default-src 'none'" in csp["content"]
    assert len(page.named("script")) == 2


def test_the_report_holds_the_funnel_blockers_heatmap_and_trends(portfolio):
    since = date(2026, 8, 31)
    html = render_portfolio_html(portfolio, since=since)
    f = portfolio.funnel(since)
    for stage in f.stages:
        assert f'data-status="{stage.status}"' in html
    assert "since 2026-08-31" in html
    for b in portfolio.shared_blockers(limit=20):
        assert b.sentence in html
    for name in portfolio.pilots["name"]:
        assert f'<th scope="row">{name}</th>' in html
    figures = figures_json(Page(html))
    names = {t["name"] for t in figures["trends"]["data"]}
    assert names == set(portfolio.pilots["name"])  # 12 pilots: all on the chart


def test_the_report_of_a_selection_says_so(portfolio):
    html = render_portfolio_html(portfolio.select(business_unit="Insurance"))
    assert "3 of 12" in html
    assert "Business unit: Insurance" in html
    assert "Demand forecaster" not in html  # an operations pilot


def test_hostile_text_appears_only_escaped(hostile_dir):
    html = render_portfolio_html(evaluate_portfolio(FolderPilots(hostile_dir)))
    for payload in PAYLOADS:
        assert payload not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    page = Page(html)
    assert not page.named("img")
    assert len(page.named("script")) == 2
    for _tag, attrs in page.tags:
        assert not any(k.startswith("on") for k in attrs)
    # in the figures' JSON (a script), < > & are escaped: no user text can close the element
    script = next(s for s in page.scripts if "var figures" in s)
    assert "</script" not in script.lower()
    assert "<img" not in script


def test_write_portfolio_report(portfolio, tmp_path):
    out = write_portfolio_report(portfolio, tmp_path / "portfolio.html")
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    with pytest.raises(ReportError, match=r"name it \.html"):
        write_portfolio_report(portfolio, tmp_path / "portfolio.md")
    (tmp_path / "d.html").mkdir()
    with pytest.raises(ReportError, match="is a folder"):
        write_portfolio_report(portfolio, tmp_path / "d.html")
    with pytest.raises(ReportError, match="does not exist"):
        write_portfolio_report(portfolio, tmp_path / "nope" / "p.html")


# ---- readiness portfolio ---------------------------------------------------------------------------


def test_cli_json_lists_every_pilots_latest_verdict(capsys, shared_portfolio_dir):
    code, out, err = run(capsys, "portfolio", shared_portfolio_dir, "--format", "json")
    assert code == 0
    assert err == ""
    rows = json.loads(out)
    latest: dict[str, Assessment] = {}
    for path in shared_portfolio_dir.glob("*.json"):
        a = Assessment.load(path)
        if a.pilot not in latest or a.data.updated > latest[a.pilot].data.updated:
            latest[a.pilot] = a
    assert {r["name"]: r["verdict"] for r in rows} == {n: a.evaluate().verdict.status for n, a in latest.items()}
    assert {r["name"]: r["revision"] for r in rows} == {
        n: sum(Assessment.load(p).pilot == n for p in shared_portfolio_dir.glob("*.json")) for n in latest
    }
    assert set(rows[0]) >= {"pilot", "revision", "updated", "verdict", "business_unit", "owner"}


def test_cli_table_filters_and_since(capsys, shared_portfolio_dir):
    code, out, _ = run(capsys, "portfolio", shared_portfolio_dir, "--filter", "business_unit=Insurance", "--since", "2026-01-01")
    assert code == 0
    assert "Claims fraud scorer" in out
    assert "Demand forecaster" not in out
    assert "3 pilots:" in out
    assert "since 2026-01-01" in out
    assert "shared:" in out


def test_cli_writes_the_report_and_the_csv(capsys, shared_portfolio_dir, tmp_path):
    code, out, _ = run(capsys, "portfolio", shared_portfolio_dir, "-o", tmp_path / "p.html")
    assert code == 0
    assert (tmp_path / "p.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    code, out, _ = run(capsys, "portfolio", shared_portfolio_dir, "-o", tmp_path / "b.csv", "--table", "blockers")
    assert code == 0
    blockers = pd.read_csv(tmp_path / "b.csv")
    assert list(blockers.columns)[:4] == ["deliverable", "kind", "phase", "question"]
    code, out, _ = run(capsys, "portfolio", shared_portfolio_dir, "--format", "csv")
    assert len(pd.read_csv(io.StringIO(out))) == 12


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--filter", "colour=red"], "--filter: colour: not a filter of this portfolio"),
        (["--filter", "business_unit"], "--filter: expected KEY=VALUE"),
        (["--since", "yesterday"], "--since: expected a date YYYY-MM-DD, got 'yesterday'"),
        (["-o", "{tmp}/p.md"], "a portfolio report is HTML"),
    ],
)
def test_cli_bad_options_are_one_line(capsys, shared_portfolio_dir, tmp_path, argv, message):
    code, out, err = run(capsys, "portfolio", shared_portfolio_dir, *(a.format(tmp=tmp_path) for a in argv))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1, err
    assert message in err


def test_cli_on_a_missing_folder(capsys, tmp_path):
    code, _, err = run(capsys, "portfolio", tmp_path / "nope")
    assert code == 2
    assert "not a folder of assessments" in err


def test_cli_warns_about_files_it_cannot_read(capsys, tmp_path):
    write_demo_portfolio(tmp_path)
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    code, out, err = run(capsys, "portfolio", tmp_path)
    assert code == 0
    assert "warning: broken.json:" in err
    assert "12 pilots" in out


# ---- readiness demo --portfolio and readiness new -------------------------------------------------


def test_demo_portfolio(capsys, tmp_path):
    code, out, _ = run(capsys, "demo", "--portfolio", "-o", tmp_path / "pf")
    assert code == 0
    committed = sorted(p.name for p in demo_portfolio_folder().glob("*.json"))
    assert out.strip() == f"wrote {len(committed)} assessments of 12 pilots to {tmp_path / 'pf'}"
    assert sorted(p.name for p in (tmp_path / "pf").glob("*.json")) == committed
    code, _, err = run(capsys, "demo", "--portfolio", "-o", tmp_path / "pf")
    assert code == 2
    assert "pass --force" in err
    code, _, _ = run(capsys, "demo", "--portfolio", "-o", tmp_path / "pf", "--force")
    assert code == 0
    code, _, _ = run(capsys, "demo", "--portfolio", "-o", tmp_path / "other", "--seed", "7")
    assert code == 0
    assert Counter(p.name for p in (tmp_path / "other").glob("*.json")) != Counter(committed)
    code, _, err = run(capsys, "demo", "-o", tmp_path / "x.json", "--seed", "7")
    assert code == 2
    assert "--seed: only with --portfolio" in err
    (tmp_path / "file").write_text("x", encoding="utf-8")
    code, _, err = run(capsys, "demo", "--portfolio", "-o", tmp_path / "file")
    assert code == 2
    assert "is a file" in err


def test_new_with_business_unit_and_owner(capsys, tmp_path):
    code, _, _ = run(capsys, "new", tmp_path / "a.json", "--pilot", "P", "--business-unit", "Retail", "--owner", "Ana")
    assert code == 0
    doc = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert (doc["business_unit"], doc["owner"]) == ("Retail", "Ana")
