"""The portfolio engine: many pilots' gaps by the single-pilot rules, the folder source, and the
PortfolioResult every portfolio view renders (funnel, heatmap, trends, shared blockers, filters).

Every figure is checked against the single-assessment engine (``evaluate`` / ``score`` /
``build_roadmap``), which scores one pilot at a time by another code path.
"""

from __future__ import annotations

import json
import random
import shutil
from collections import Counter
from datetime import date, datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest
from dashboard_helpers import MINI

from readiness_widgets import Assessment
from readiness_widgets.demo import (
    demo_assessment,
    demo_portfolio,
    demo_portfolio_folder,
    portfolio_file_names,
    write_demo_portfolio,
)
from readiness_widgets.errors import InputError
from readiness_widgets.pilots import FolderPilots
from readiness_widgets.portfolio_result import NOT_SET, PortfolioError, evaluate_portfolio
from readiness_widgets.result import evaluate
from readiness_widgets.roadmap import build_roadmap, required_levels, required_levels_many, roadmap_items_many
from readiness_widgets.scoring import answers_frame, question_gaps_many, score, score_many

TARGETS = (None, "pilot", "production", "mission-critical")


def random_assessments(bank, n: int, seed: int) -> list[Assessment]:
    """Pilots with every kind of answer: levels with each evidence, N/A, don't know, unanswered,
    every triage combination and target."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        triage = {t.id: rng.choice([o.value for o in t.options]) for t in bank.triage}
        a = Assessment.new(f"pilot {i}", bank=bank, triage=triage, target=rng.choice(TARGETS))
        maturity = rng.uniform(0, 4)  # from a bare pilot to one that meets most targets
        for q in bank.questions:
            u = rng.random()
            if u < 0.1:
                continue
            if u < 0.15:
                a.answer(q.id, "dont_know")
            elif u < 0.2 and q.allow_na:
                a.answer(q.id, "na")
            else:
                level = int(min(4, max(0, round(maturity + rng.gauss(0, 1)))))
                a.answer(q.id, level, evidence=rng.choice(q.evidence_kinds))
        out.append(a)
    return out


def latest_files(folder) -> dict[str, Assessment]:
    """Each pilot's latest file, found without the portfolio code: by name, then ``updated``."""
    latest: dict[str, Assessment] = {}
    for path in sorted(folder.glob("*.json")):
        a = Assessment.load(path)
        if a.pilot not in latest or a.data.updated > latest[a.pilot].data.updated:
            latest[a.pilot] = a
    return latest


# ---- many pilots' gaps, by the single-pilot rules ---------------------------------------------


def items(frame: pd.DataFrame) -> list[tuple]:
    """A roadmap's items as comparable rows: an evidence item's text names the level answered, so
    it is compared by its question and kind."""
    text = [d if k == "build" else "" for d, k in zip(frame["deliverable"], frame["kind"], strict=True)]
    return sorted(zip(frame["question"], frame["kind"], text, frame["phase"], frame["effort_weeks"],
                      frame["provisional"].astype(bool), strict=True))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_vectorised_engine_agrees_with_the_single_assessment_engine(bank, seed):
    """question_gaps_many, required_levels_many and roadmap_items_many against score(),
    required_levels() and build_roadmap(), pilot by pilot."""
    pilots = random_assessments(bank, 60, seed)
    for target in TARGETS:
        group = [a for a in pilots if a.target == target]
        answers, evidence, triage = answers_frame(group)
        gaps = question_gaps_many(answers, bank, evidence=evidence, triage=triage, target=target)
        pd.testing.assert_frame_equal(gaps.scores, score_many(answers, bank, evidence=evidence, triage=triage, target=target))
        required = required_levels_many(gaps, bank)
        roadmaps = roadmap_items_many(gaps, bank, triage)
        for i, a in enumerate(group):
            one = score(a)
            assert gaps.gap[i] == pytest.approx(one.questions["gap"].to_numpy())
            assert gaps.weighted_gap[i] == pytest.approx(one.questions["weighted_gap"].to_numpy())
            assert list(gaps.knocked[i]) == list(one.questions["knocked_out"])
            blocking = {q for q, b in zip(gaps.question_ids, gaps.blocking[i], strict=True) if b}
            assert blocking == set(one.verdict.blocking_questions)
            assert {q: int(v) for q, v in zip(gaps.question_ids, required[i], strict=True) if v >= 0} == required_levels(one)
            assert items(roadmaps[roadmaps["row"] == i]) == items(build_roadmap(one).frame)


def test_question_gaps_many_refuses_bad_input_like_score_many(bank):
    with pytest.raises(ValueError, match="not questions of bank"):
        question_gaps_many(pd.DataFrame({"nope": [1]}), bank)
    with pytest.raises(ValueError, match="unknown target profile"):
        question_gaps_many(pd.DataFrame({bank.questions[0].id: [1]}), bank, target="moon")


# ---- the folder source ------------------------------------------------------------------------


def test_a_pilots_files_are_its_history_oldest_first(shared_portfolio_dir):
    source = FolderPilots(shared_portfolio_dir)
    names = portfolio_file_names(demo_portfolio())
    latest = source.latest()
    assert len(latest) == len(names) == 12
    assert sum(len(group) for group in names) == len(source.revisions()) == len(list(shared_portfolio_dir.glob("*.json")))
    for r in latest:
        history = source.history(r.pilot)
        assert [h.revision for h in history] == list(range(1, len(history) + 1))
        assert [h.saved_at for h in history] == sorted(h.saved_at for h in history)
        assert history[-1] == r
        assert r.link == f"file={source.files_of(r.pilot)[-1]}"
        assert source.pilot_of_file(source.files_of(r.pilot)[0]) == r.pilot
        assert {e.name for e in source.pilot_folder(r.pilot).entries()} == set(source.files_of(r.pilot))
    with pytest.raises(InputError, match="no readable assessment of this pilot"):
        source.history("Nobody")


def test_the_source_notices_a_changed_file_and_lists_what_it_cannot_read(tmp_path):
    write_demo_portfolio(tmp_path)
    source = FolderPilots(tmp_path)
    before = source.stamp()
    assert source.stamp() == before  # nothing changed: the same
    (tmp_path / "broken.json").write_text('{"schema_version": 3, "pilot": ', encoding="utf-8")
    assert source.stamp() != before
    assert [name for name, _ in source.unreadable()] == ["broken.json"]
    assert "not valid JSON" in source.unreadable()[0][1]


# ---- the portfolio result -------------------------------------------------------------------------


def test_every_pilot_is_scored_as_the_single_pilot_dashboard_scores_it(portfolio, shared_portfolio_dir):
    latest = latest_files(shared_portfolio_dir)
    p = portfolio.pilots.set_index("name")
    assert sorted(p.index) == sorted(latest)
    for name, a in latest.items():
        r = evaluate(a)
        row = p.loc[name]
        assert row["status"] == r.verdict.status
        assert row["mean"] == pytest.approx(r.mean)
        assert row["weakest"] == pytest.approx(r.weakest)
        assert row["target"] == r.target.profile
        assert row["business_unit"] == (a.business_unit or NOT_SET)
        assert row["owner"] == (a.owner or NOT_SET)
        for d in r.dimensions:
            assert row[f"target_{d.id}"] == d.target
            assert (row[f"gap_{d.id}"], d.gap) == pytest.approx((d.gap, d.gap), nan_ok=True)
        assert row["blocking_count"] == len(r.verdict.blocking_questions)
        assert row["knockouts"] == len(r.verdict.knockouts)


def test_the_funnel_counts_the_latest_verdicts_and_how_they_moved_since_a_date(portfolio, shared_portfolio_dir):
    since = date(2026, 8, 31)
    now = Counter(evaluate(a).verdict.status for a in latest_files(shared_portfolio_dir).values())
    # at the end of the 31st: each pilot's latest file saved by then, scored one by one
    then: dict[str, str] = {}
    for path in shared_portfolio_dir.glob("*.json"):
        a = Assessment.load(path)
        by_then = a.data.updated <= datetime(2026, 8, 31, 23, 59, 59, tzinfo=timezone.utc)
        if by_then and (a.pilot not in then or a.data.updated > then[a.pilot][0]):
            then[a.pilot] = (a.data.updated, evaluate(a).verdict.status)
    before = Counter(status for _, status in then.values())
    f = portfolio.funnel(since)
    assert f.total == 12
    assert f.counts == {s: now[s] for s in ("ready", "ready_with_conditions", "not_ready")}
    assert {s.status: s.before for s in f.stages} == {s: before[s] for s in ("ready", "ready_with_conditions", "not_ready")}
    assert f.new == 12 - len(then)
    assert sum(n for _, _, n in f.moves) == f.improved + f.worsened
    assert f.improved + f.worsened <= len(then)
    assert f.since == since
    assert portfolio.funnel(date(2020, 1, 1)).new == 12  # before anything was assessed
    assert portfolio.funnel().since == portfolio.default_since()


def test_a_selection_narrows_every_view(portfolio):
    insurance = portfolio.select(business_unit="Insurance")
    names = set(insurance.selected["name"])
    assert names == {n for n, u in zip(portfolio.pilots["name"], portfolio.pilots["business_unit"], strict=True) if u == "Insurance"}
    assert insurance.total == len(names) < portfolio.total == portfolio.everyone == 12
    assert insurance.funnel().total == len(names)
    page = insurance.heatmap(limit=50)
    assert {r.name for r in page.rows} == names
    assert page.total == len(names)
    assert set(insurance.trends()["name"]) == names
    for b in insurance.shared_blockers(limit=None, min_pilots=1):
        assert {r.name for r in b.affected} <= names
        assert b.total == len(names)
        assert b.pilots <= len(names)
    for q in insurance.shared_questions(limit=None, min_pilots=1):
        assert {r.name for r in q.affected} <= names
    assert set(insurance.pilots_frame()["name"]) == names
    # criteria add up, None drops one, and an unknown filter is refused
    high = insurance.select(**{"triage.risk_tier": "high"})
    assert high.criteria == {"business_unit": "Insurance", "triage.risk_tier": "high"}
    assert set(high.selected["name"]) <= names
    assert high.select(business_unit=None).criteria == {"triage.risk_tier": "high"}
    assert portfolio.select(business_unit="No such unit").total == 0
    assert portfolio.select(business_unit="No such unit").funnel().total == 0
    with pytest.raises(PortfolioError, match="not a filter of this portfolio"):
        portfolio.select(colour="red")
    assert portfolio.criteria == {}  # selections never change the result they come from


def test_filters_offer_every_value_some_pilot_has(portfolio):
    units = [v for _, v in portfolio.options("business_unit")]
    assert units == sorted(set(portfolio.pilots["business_unit"]) - {NOT_SET}, key=str.casefold)
    owners = portfolio.options("owner")
    assert owners[-1] == ("(not set)", NOT_SET)  # the demo's marketing pilot has no owner
    assert portfolio.select(owner=NOT_SET).total == 1
    assert [v for _, v in portfolio.options("target")] == ["pilot", "production", "mission-critical"]
    assert next(label for label, _ in portfolio.options("triage.risk_tier")) == "Minimal risk"
    assert portfolio.filters()["triage.risk_tier"] == "Risk tier"


def test_the_heatmap_sorts_and_pages(portfolio):
    by_name = portfolio.heatmap(sort="name", descending=False, limit=5)
    everyone = sorted(portfolio.pilots["name"], key=str.casefold)
    assert [r.name for r in by_name.rows] == everyone[:5]
    assert (by_name.total, by_name.pages, by_name.page) == (12, 3, 0)
    last = portfolio.heatmap(sort="name", descending=False, limit=5, offset=10)
    assert [r.name for r in last.rows] == everyone[10:]
    assert last.page == 2
    assert portfolio.heatmap(sort="name", descending=False, limit=5, offset=999).offset == 10  # the last page
    worst = portfolio.heatmap(limit=12)
    gaps = [max(g for g in r.gaps if g is not None) for r in worst.rows]
    assert gaps == sorted(gaps, reverse=True)
    infra = portfolio.heatmap(sort="gap_infrastructure", descending=False, limit=12)
    values = [r.gaps[[d for d, _ in infra.dimensions].index("infrastructure")] for r in infra.rows]
    assert values == sorted(values)
    status = portfolio.heatmap(sort="status", limit=12)
    assert [r.status for r in status.rows] == sorted((r.status for r in status.rows),
                                                   key=["ready", "ready_with_conditions", "not_ready"].index, reverse=True)
    with pytest.raises(PortfolioError, match="expected one of"):
        portfolio.heatmap(sort="colour")


def test_trends_follow_each_pilots_revisions(portfolio, shared_portfolio_dir):
    source = FolderPilots(shared_portfolio_dir)
    pilot = source.latest()[0].pilot
    t = portfolio.trends([pilot])
    history = source.history(pilot)
    assert list(t["revision"]) == [r.revision for r in history]
    for row, rev in zip(t.itertuples(), history, strict=True):
        r = evaluate(rev.assessment)
        assert row.mean == pytest.approx(r.mean)
        assert row.weakest == pytest.approx(r.weakest)
        assert row.status == r.verdict.status
        assert row.saved_at == rev.saved_at


def test_shared_blockers_count_what_each_pilots_own_roadmap_and_verdict_say(portfolio, shared_portfolio_dir):
    latest = latest_files(shared_portfolio_dir)
    roadmaps = {name: evaluate(a) for name, a in latest.items()}
    blockers = portfolio.shared_blockers(limit=None)
    assert blockers
    for b in blockers:
        def holds(frame, b=b):
            same = (frame["question"] == b.question) & (frame["kind"] == b.kind)
            return (same & ((frame["deliverable"] == b.deliverable) | (frame["kind"] != "build"))).any()

        need = {n for n, r in roadmaps.items() if holds(r.roadmap.frame)}
        blocked = {n for n in need if b.question in roadmaps[n].verdict.blocking_questions}
        assert (b.pilots, b.blocked, b.total) == (len(need), len(blocked), 12)
        assert {r.name for r in b.affected} == need  # fewer than MAX_AFFECTED here
        assert [r.blocked for r in b.affected] == sorted((r.blocked for r in b.affected), reverse=True)
        assert b.effort_saved == (b.pilots - 1) * b.effort_weeks
        assert b.sentence == f"{b.pilots} of 12 pilots need {b.deliverable}"
        assert b.pilots >= 2
    keys = [(-b.blocked, -b.effort_saved, -b.pilots) for b in blockers]
    assert keys == sorted(keys)
    for q in portfolio.shared_questions(limit=None):
        assert q.blocked == sum(q.question in r.verdict.blocking_questions for r in roadmaps.values())


def test_csv_exports(portfolio):
    pilots = pd.read_csv(pd.io.common.StringIO(portfolio.to_csv("pilots")))
    assert len(pilots) == 12
    assert {"pilot", "name", "business_unit", "owner", "target", "verdict", "mean", "gap_governance", "updated"} <= set(pilots)
    blockers = pd.read_csv(pd.io.common.StringIO(portfolio.to_csv("blockers")))
    assert {"deliverable", "pilots", "blocked", "effort_saved_weeks", "affected"} <= set(blockers)
    assert len(blockers) == len(portfolio.shared_blockers(limit=None, min_pilots=1))
    with pytest.raises(PortfolioError):
        portfolio.to_csv("everything")


def test_pilots_of_another_bank_and_unreadable_files_are_listed_not_scored(tmp_path, mini_bank):
    write_demo_portfolio(tmp_path)
    shutil.copy(MINI, tmp_path / "mini.yaml")
    demo_assessment(mini_bank, pilot="Mini pilot").save(tmp_path / "mini-pilot.json")
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    p = evaluate_portfolio(FolderPilots(tmp_path))
    assert p.everyone == 12
    assert [name for name, _ in p.skipped] == ["Mini pilot"]
    assert "bank 'mini'" in p.skipped[0][1]
    assert [name for name, _ in p.unreadable] == ["broken.json"]


def test_a_team_assessments_files_are_left_out_with_the_reason(tmp_path):
    from readiness_widgets.demo import demo_team_folder

    write_demo_portfolio(tmp_path)
    for path in demo_team_folder().glob("*.json"):
        shutil.copy(path, tmp_path / f"team-{path.name}")
    p = evaluate_portfolio(FolderPilots(tmp_path))
    assert p.everyone == 12
    left_out = dict(p.unreadable)
    assert sorted(left_out) == sorted(f"team-{path.name}" for path in demo_team_folder().glob("*.json"))
    assert all("team" in why for why in left_out.values())


def test_an_empty_folder_is_an_empty_portfolio(tmp_path):
    p = evaluate_portfolio(FolderPilots(tmp_path))
    assert p.everyone == p.total == 0
    assert p.funnel().total == 0
    assert p.funnel().since is None
    assert p.heatmap().rows == ()
    assert p.shared_blockers() == ()
    assert len(p.trends()) == 0
    assert p.to_csv("pilots").startswith("pilot,name")


def test_hostile_names_are_kept_as_given(tmp_path, bank):
    name = "<script>alert(1)</script> & <img src=x onerror=alert(2)>"
    for i in range(2):
        a = demo_assessment(bank, pilot=name, when=datetime(2026, 5, 1, tzinfo=timezone.utc) + timedelta(days=30 * i))
        a.business_unit = "<b>Unit</b>"
        a.save(tmp_path / f"h{i}.json")
    p = evaluate_portfolio(FolderPilots(tmp_path))
    assert list(p.pilots["name"]) == [name]
    assert p.options("business_unit") == [("<b>Unit</b>", "<b>Unit</b>")]
    assert list(p.trends()["revision"]) == [1, 2]


def test_the_demo_portfolio_is_deterministic_and_varied(bank):
    first, again, other = demo_portfolio(bank), demo_portfolio(bank), demo_portfolio(bank, seed=99)
    as_json = [[json.loads(a.to_json()) for a in h] for h in first]
    assert as_json == [[json.loads(a.to_json()) for a in h] for h in again]
    assert as_json != [[json.loads(a.to_json()) for a in h] for h in other]
    assert len(first) == 12
    assert all(2 <= len(h) <= 3 for h in first)
    statuses = {evaluate(h[-1]).verdict.status for h in first}
    assert statuses == {"ready", "ready_with_conditions", "not_ready"}
    assert len({h[-1].business_unit for h in first}) >= 4
    for h in first:
        assert [a.data.updated for a in h] == sorted(a.data.updated for a in h)


def test_the_committed_demo_portfolio_is_what_write_demo_portfolio_makes(tmp_path):
    written = write_demo_portfolio(tmp_path)
    committed = demo_portfolio_folder()
    assert sorted(p.name for p in committed.glob("*.json")) == sorted(p.name for p in written), (
        "the committed demo portfolio is stale: run python -c \"from readiness_widgets.demo import "
        "write_demo_portfolio; write_demo_portfolio('dashboards/portfolio', force=True)\""
    )
    for path in written:
        assert path.read_bytes() == (committed / path.name).read_bytes(), f"{path.name} is stale"


def test_question_gaps_many_gives_the_same_rows_for_the_same_answers(bank):
    pilots = random_assessments(bank, 300, 5)
    answers, evidence, triage = answers_frame(pilots)
    many = pd.concat([answers] * 4, ignore_index=True)
    gaps = question_gaps_many(many, bank, evidence=pd.concat([evidence] * 4, ignore_index=True),
                              triage=pd.concat([triage] * 4, ignore_index=True))
    assert gaps.gap.shape == (1200, len(bank.questions))
    assert np.array_equal(gaps.blocking[:300], gaps.blocking[300:600])
