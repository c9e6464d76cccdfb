"""The shipped case where patrons leave (Niger after the July 2023 coup): it validates,
runs, plots, reports, explains its headline with signposts and scores against the
resolutions shipped beside it, each question by its own patron."""

from __future__ import annotations

import json

import pytest

from sim.present.cli import main
from sim.scenario.loader import load
from tests.conftest import SCENARIOS

NIGER = SCENARIOS / "niger_2023.yaml"
RESOLVED = SCENARIOS / "resolutions" / "niger_2023.yaml"


@pytest.fixture(scope="module")
def niger_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("niger") / "run"
    assert main(["run", str(NIGER), "-n", "300", "--workers", "1", "--out", str(out)]) == 0
    return out


def test_the_case_asks_whether_france_leaves_with_three_patrons():
    s = load(NIGER)
    assert s.patrons() == ["france", "united_states", "russia"]
    assert s.headline_column() == "withdrawn.france"
    assert {q.patron for q in s.questions} == {"france", "united_states", "russia"}
    france = s.actor("france").start_rungs[0]
    assert france.held_since is not None and france.held_since < s.metadata.start_date


def test_it_runs_plots_and_reports_leading_with_its_headline(niger_run, capsys):
    summary = json.loads((niger_run / "summary.json").read_text())
    assert summary["headline"] == "withdrawn.france"
    assert set(summary["time_by_patron"]) == {"france", "russia", "united_states"}
    assert main(["plot", str(niger_run)]) == 0
    assert main(["report", str(niger_run)]) == 0
    html = (niger_run / "report.html").read_text()
    assert "persistent presence ended by the horizon (france)" in html
    for patron in ("france", "russia", "united_states"):
        assert f"{patron}'s own persistent presence" in html
    assert any((niger_run / "figures").glob("*.png"))


def test_every_question_is_scored_against_what_happened(niger_run, tmp_path, capsys):
    out = tmp_path / "score"
    code = main(["score", str(niger_run), "--resolutions", str(RESOLVED), "--out", str(out)])
    assert code == 0
    card = json.loads((out / "score.json").read_text())
    assert card["unresolved"] == []
    assert len(card["forecasts"]) == len(load(NIGER).questions) == 6
    assert 0.0 <= card["overall"]["brier"] <= 1.0


def test_its_signposts_watch_a_patron_still_holding_on(tmp_path, capsys):
    out = tmp_path / "signposts"
    assert main(["signposts", str(NIGER), "-n", "300", "--workers", "1", "--out", str(out)]) == 0
    report = json.loads((out / "signposts.json").read_text())
    assert report["outcome"] == "withdrawn.france"
    assert report["label"] == "persistent presence ended by the horizon (france)"
    top = [c["question"] for c in report["signposts"][:5]]
    assert any(q.startswith("france:") for q in top), top


def test_its_timeline_gives_each_patron_its_own_rows(niger_run):
    import sim.results
    from sim.present import plots

    run = sim.results.load(niger_run)
    fig = plots.timeline(run, 0)
    rows = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    whose = [r.partition(":")[0] for r in rows]
    assert set(whose) <= {"france", "russia", "united_states"} and "france" in whose, rows
    assert whose == sorted(whose), "each patron's rows together"
