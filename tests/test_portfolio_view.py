"""The portfolio page's widgets without a browser: what the kernel sends, and what it does with
what a browser sends (the recording comm of tests/frontend.py; no private widget method called).

Every view is checked against the PortfolioResult it renders (itself checked against the
single-pilot engine in test_portfolio_engine.py).
"""

from __future__ import annotations

import html
from datetime import date, datetime, timedelta, timezone
from html.parser import HTMLParser

import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("anywidget")

import ipywidgets as w

from readiness_widgets.demo import demo_assessment
from readiness_widgets.pilots import FolderPilots
from readiness_widgets.portfolio import ENV_FOLDER
from readiness_widgets.portfolio_result import evaluate_portfolio
from readiness_widgets.widgets.dashboard import Dashboard
from readiness_widgets.widgets.heatmap import HeatmapView
from readiness_widgets.widgets.plotly_view import PlotlyView
from readiness_widgets.widgets.portfolio import ALL, PortfolioDashboard, portfolio_dashboard

HOSTILE = "Pilot <script>window.__pwned = 1</script> <img src=x onerror=alert(1)>"


class _Tags(HTMLParser):
    def __init__(self, text: str):
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: set[str] = set()
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs |= {name for name, _ in attrs}


def elements(text: str) -> set[str]:
    return _Tags(text).tags


def attributes(text: str) -> set[str]:
    return _Tags(text).attrs


@pytest.fixture
def page(portfolio_dir, frontend):
    return PortfolioDashboard(FolderPilots(portfolio_dir), page_size=5)


def sent_state(frontend, widget) -> dict:
    """The widget's state as the browser knows it: the comm_open state, then every update."""
    comm = frontend.comm(widget)
    state = dict(next(m.data["state"] for m in comm.messages if m.kind == "comm_open"))
    for update in frontend.updates(widget):
        state.update(update)
    return state


def test_the_page_sends_one_page_of_the_heatmap_and_the_funnel_of_every_pilot(page, frontend):
    state = sent_state(frontend, page.heatmap)
    assert state["total"] == 12
    assert len(state["rows"]) == 5  # one page, never the whole portfolio
    expected = page.full.heatmap(limit=5)
    assert [r["name"] for r in state["rows"]] == [r.name for r in expected.rows]
    assert [r["link"] for r in state["rows"]] == [r.link for r in expected.rows]
    first = state["rows"][0]
    assert first["cells"][0]["text"] == expected.rows[0].name
    gaps = [c["text"] for c in first["cells"][7:-1]]
    assert gaps == [f"{g:.2f}" if g is not None else "–" for g in expected.rows[0].gaps]
    assert [c["title"] for c in state["columns"]][7:-1] == [t for _, t in expected.dimensions]
    f = page.full.funnel(page.since.value)
    funnel = sent_state(frontend, page.funnel)["value"]
    for stage in f.stages:
        assert f'data-status="{stage.status}"' in funnel
        assert f'>{stage.count}</div>' in funnel
    assert 'data-total="12"' in sent_state(frontend, page.summary)["value"]
    assert page.trends is None  # the trends (and plotly.js) follow the first paint


def test_a_click_on_a_header_sorts_and_the_pager_pages(page, frontend):
    frontend.update(page.heatmap, sort="name", descending=False, offset=0)
    names = sorted(page.full.pilots["name"], key=str.casefold)
    assert [r["name"] for r in page.heatmap.rows] == names[:5]
    frontend.update(page.heatmap, offset=10)
    assert [r["name"] for r in page.heatmap.rows] == names[10:]
    assert page.heatmap.offset == 10
    frontend.update(page.heatmap, descending=True, offset=0)
    assert [r["name"] for r in page.heatmap.rows] == names[::-1][:5]
    frontend.update(page.heatmap, sort="gap_governance", descending=True, offset=0)
    assert [r["name"] for r in page.heatmap.rows] == [
        r.name for r in page.full.heatmap(sort="gap_governance", descending=True, limit=5).rows
    ]


def test_a_filter_narrows_every_view(page, frontend):
    units = page.filters["business_unit"]
    index = [v for _, v in units.options].index("Insurance")
    frontend.update(units, index=index)
    assert units.value == "Insurance"
    view = page.full.select(business_unit="Insurance")
    names = set(view.selected["name"])
    state = sent_state(frontend, page.heatmap)
    assert state["total"] == len(names) == 3
    assert {r["name"] for r in state["rows"]} == names
    funnel = sent_state(frontend, page.funnel)["value"]
    assert f"{view.total} pilots" in funnel
    assert sum(s.count for s in view.funnel(page.since.value).stages) == 3
    blockers = html.unescape(sent_state(frontend, page.blockers)["value"])
    for name in set(page.full.pilots["name"]) - names:
        assert f">{name}</a>" not in blockers
    assert any(f">{name}</a>" in blockers for name in names)
    assert 'data-total="3"' in sent_state(frontend, page.summary)["value"]
    frontend.custom(page.location, {"type": "painted"})
    assert {t["name"] for t in page.trends.figure["data"]} == names
    # a second filter, then "Clear filters"
    risk = page.filters["triage.risk_tier"]
    frontend.update(risk, index=[v for _, v in risk.options].index("high"))
    assert page.view.criteria == {"business_unit": "Insurance", "triage.risk_tier": "high"}
    assert page.heatmap.total == page.full.select(business_unit="Insurance", **{"triage.risk_tier": "high"}).total
    page.clear.click()
    assert page.view.criteria == {}
    assert page.heatmap.total == 12
    assert units.value == ALL
    assert risk.value == ALL


def test_a_filter_resets_the_pager_to_the_first_page(page, frontend):
    frontend.update(page.heatmap, offset=10)
    owner = page.filters["owner"]
    frontend.update(owner, index=[v for _, v in owner.options].index("Lena Okafor"))
    assert page.heatmap.offset == 0
    assert page.heatmap.total == 2


def test_the_date_moves_the_funnels_comparison(page, frontend):
    frontend.update(page.since, value={"year": 2026, "month": 0, "date": 1})  # what a DatePicker sends: month 0-11
    assert page.since.value == date(2026, 1, 1)
    funnel = sent_state(frontend, page.funnel)["value"]
    assert "since 2026-01-01" in funnel
    assert "12 newly assessed" in funnel  # nothing had been assessed by then


def test_after_the_first_paint_the_trends_show_the_pilots_of_the_page(page, frontend):
    frontend.custom(page.location, {"type": "painted"})
    assert isinstance(page.trends, PlotlyView)
    traces = page.trends.figure["data"]
    assert [t["name"] for t in traces if t["showlegend"]] == [r["name"] for r in page.heatmap.rows]
    assert len(traces) == 2 * len(page.heatmap.rows)  # overall and weakest link per pilot
    # no legend (the slowest part of a redraw): each row shows its lines' colour
    assert page.trends.figure["layout"]["showlegend"] is False
    colours = [t["line"]["color"] for t in traces if t["showlegend"]]
    assert colours == [r["cells"][0]["swatch"] for r in page.heatmap.rows]
    frontend.update(page.heatmap, offset=5)
    assert [t["name"] for t in page.trends.figure["data"] if t["showlegend"]] == [r["name"] for r in page.heatmap.rows]


def test_the_query_string_opens_one_pilots_dashboard(page, frontend, portfolio_dir):
    source = page.source
    pilot = source.latest()[0].pilot
    files = source.files_of(pilot)
    frontend.custom(page.location, {"type": "location", "search": f"?file={files[0]}"})
    assert isinstance(page.pilot_view, Dashboard)
    assert page.pilot_view.entry.name == files[0]
    assert sorted(v for _, v in page.pilot_view.picker.options) == sorted(files)  # only that pilot's history
    assert page.pilot_view in page.children
    assert 'href="?"' in page.children[2].value  # back to every pilot


def test_a_file_outside_the_portfolio_is_refused_not_opened(page, frontend):
    frontend.custom(page.location, {"type": "location", "search": "?file=../../etc/passwd.json"})
    assert page.pilot_view is None
    assert "no pilot of the portfolio is saved under that name" in page.children[-1].value


def test_a_visit_after_a_change_reads_the_folder_again(page, frontend, portfolio_dir, bank):
    a = demo_assessment(bank, pilot="A brand new pilot", when=datetime(2026, 11, 25, tzinfo=timezone.utc))
    a.business_unit = "Research"
    a.save(portfolio_dir / "brand-new.json")
    frontend.custom(page.location, {"type": "location", "search": ""})
    assert page.heatmap.total == 13
    assert ("Research", "Research") in page.filters["business_unit"].options
    assert 'data-total="13"' in page.summary.value


def test_downloads_hold_the_selection(page, frontend):
    page.select(business_unit="Operations")
    report, pilots, blockers = page.downloads
    frontend.custom(pilots, {"type": "request"})
    (msg,) = frontend.customs(pilots)
    assert msg["type"] == "file"
    assert msg["mime"] == "text/csv"
    lines = msg["content"].strip().splitlines()
    assert len(lines) == 1 + 2
    assert all("Operations" in line for line in lines[1:])
    frontend.custom(report, {"type": "request"})
    (msg,) = frontend.customs(report)
    assert msg["filename"].endswith(".html")
    assert "Business unit: Operations" in msg["content"]
    frontend.custom(blockers, {"type": "request"})
    assert frontend.customs(blockers)[0]["content"].startswith("deliverable,kind,phase,question")


def test_hostile_names_reach_the_browser_as_text(tmp_path, frontend, bank):
    for i in range(2):
        a = demo_assessment(bank, pilot=HOSTILE, when=datetime(2026, 6, 1, tzinfo=timezone.utc) + timedelta(days=40 * i))
        a.business_unit, a.owner = "<b>Unit</b>", "<img src=y onerror=alert(3)>"
        a.save(tmp_path / f"hostile-{i}.json")
    demo_assessment(bank, pilot="Plain pilot").save(tmp_path / "plain.json")
    page = PortfolioDashboard(FolderPilots(tmp_path))
    frontend.custom(page.location, {"type": "painted"})
    # the heatmap carries names as data: the view puts them in with textContent
    assert HOSTILE in [r["name"] for r in page.heatmap.rows]
    # every HTML widget holds them escaped: no element of theirs, no event handler
    for widget in (page.funnel, page.blockers, page.header, page.summary, page.notice):
        assert elements(widget.value) & {"script", "img"} == set()
        assert not any(attr.startswith("on") for attr in attributes(widget.value))
    assert html.escape(HOSTILE, quote=False) in page.blockers.value
    assert page.filters["business_unit"].options[1] == ("<b>Unit</b>", "<b>Unit</b>")  # a Dropdown shows text
    names = [t["name"] for t in page.trends.figure["data"]]
    assert all("<script" not in n for n in names)
    assert any("&lt;script&gt;" in n for n in names)


def test_portfolio_dashboard_reads_the_env_folder_and_refuses_a_missing_one(portfolio_dir, monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_FOLDER, str(portfolio_dir))
    assert portfolio_dashboard().source.label == str(portfolio_dir.resolve())
    missing = portfolio_dashboard(tmp_path / "nope")
    assert isinstance(missing, w.HTML)
    assert "not a folder of assessments" in missing.value


def test_the_heatmap_view_is_data_only(page):
    assert isinstance(page.heatmap, HeatmapView)
    assert "innerHTML" not in page.heatmap._esm  # names go in with textContent
    assert "textContent" in page.heatmap._esm


def test_an_empty_folder_shows_an_empty_portfolio(tmp_path, frontend):
    page = PortfolioDashboard(FolderPilots(tmp_path))
    assert page.heatmap.total == 0
    assert page.heatmap.rows == []
    assert "0 pilots" in page.header.value


def test_the_result_is_scored_once_per_change(portfolio_dir, frontend, monkeypatch):
    import readiness_widgets.widgets.portfolio as view

    calls = []
    monkeypatch.setattr(view, "evaluate_portfolio", lambda source: calls.append(1) or evaluate_portfolio(source))
    page = PortfolioDashboard(FolderPilots(portfolio_dir))
    page.select(business_unit="Insurance")
    frontend.update(page.heatmap, sort="name")
    frontend.custom(page.location, {"type": "location", "search": ""})  # nothing changed on disk
    assert calls == [1]


# ---- the shared store as the source ---------------------------------------------------------------


@pytest.fixture
def store_page(tmp_path, frontend):
    from readiness_widgets.demo import write_demo_store

    url = f"sqlite:///{tmp_path}/portfolio.db"
    write_demo_store(url)
    return portfolio_dashboard(store=url, page_size=5)


def test_a_store_gives_the_same_page_as_its_pilots_in_a_folder(store_page, page):
    assert store_page.source.label.startswith("sqlite:///")
    assert store_page.funnel.value == page.funnel.value
    assert store_page.blockers.value.replace("pilot=", "file=").count("file=") == page.blockers.value.count("file=")
    assert [r["name"] for r in store_page.heatmap.rows] == [r["name"] for r in page.heatmap.rows]
    assert {r["link"] for r in store_page.heatmap.rows} == {f"pilot={r['pilot']}" for r in store_page.heatmap.rows}
    assert "sqlite:///" in store_page.header.value  # the page names the store (its URL, never a password)


def test_the_query_string_opens_one_pilot_of_the_store(store_page, frontend):
    key = store_page.source.latest()[0].pilot
    frontend.custom(store_page.location, {"type": "location", "search": f"?pilot={key}"})
    assert isinstance(store_page.pilot_view, Dashboard)
    assert store_page.pilot_view.entry.name == key
    assert [v for _, v in store_page.pilot_view.picker.options] == [key]  # that pilot alone
    assert 'href="?"' in store_page.children[2].value
    # a key the store does not hold is a notice, never a read
    other = portfolio_dashboard(store=store_page.source.store)
    frontend.custom(other.location, {"type": "location", "search": "?pilot=../../etc/passwd"})
    assert other.pilot_view is None
    assert "no pilot of the portfolio is saved under that name" in other.children[-1].value


def test_a_visit_after_a_save_reads_the_store_again(store_page, frontend, bank):
    store = store_page.source.store
    a = demo_assessment(bank, pilot="A brand new pilot")
    a.business_unit = "Research"
    store.bind(a, "brand-new").save()
    frontend.custom(store_page.location, {"type": "location", "search": ""})
    assert store_page.heatmap.total == 13
    assert ("Research", "Research") in store_page.filters["business_unit"].options


def test_portfolio_dashboard_reads_the_env_store_and_refuses_a_missing_one(tmp_path, monkeypatch):
    from readiness_widgets.demo import write_demo_store
    from readiness_widgets.store import ENV_STORE

    url = f"sqlite:///{tmp_path}/p.db"
    write_demo_store(url)
    monkeypatch.setenv(ENV_STORE, url)
    assert portfolio_dashboard().source.label == url
    monkeypatch.setenv(ENV_STORE, f"sqlite:///{tmp_path}/missing.db")
    missing = portfolio_dashboard()
    assert isinstance(missing, w.HTML)
    assert "no such database file" in missing.value
