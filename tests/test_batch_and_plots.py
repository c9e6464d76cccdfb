"""Batches compare scenarios with common random numbers; figures are complete views."""

from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.figure import Figure

from sim.present import plots
from sim.present.cli import main
from sim.runs.results import Batch, Run, load
from tests.conftest import SCENARIOS

N = 200


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("batch") / "b"
    assert main(["batch", str(SCENARIOS), "-n", str(N), "--workers", "1", "--out", str(out)]) == 0
    return out


def test_batch_prints_the_comparison_and_writes_the_forest_plot(batch_dir):
    batch = load(batch_dir)
    assert isinstance(batch, Batch)
    table = batch.comparison
    assert list(table["member"]) == sorted(p.stem for p in SCENARIOS.glob("*.yaml"))
    base = table[table["baseline"]].iloc[0]
    assert base["member"] == "belarus_2020" and base["diff"] == 0
    like = table[table["comparable"]]
    assert like["paired"].all()
    assert ((like["diff_low"] <= like["diff"]) & (like["diff"] <= like["diff_high"])).all()
    assert (batch_dir / "figures" / "forest.png").stat().st_size > 10_000
    assert (batch_dir / "comparison.csv").is_file()


def test_batch_differences_match_the_member_runs(batch_dir):
    batch = load(batch_dir)
    base = batch.run("belarus_2020").outcomes["persistent"].mean()
    for row in batch.comparison.itertuples():
        p = batch.run(row.member).outcomes["persistent"].mean()
        assert row.p == pytest.approx(p)
        if row.comparable:
            assert row.diff == pytest.approx(p - base)


def test_a_member_that_asks_another_question_is_not_differenced(batch_dir, capsys):
    """Kazakhstan and Niger (other countries, start dates and horizons) keep their own
    probability but get no difference from the Belarus baseline, and the table says why;
    every Belarus variant is compared."""
    from sim.present.text.batch import format_comparison

    table = load(batch_dir).comparison.set_index("member")
    kaz = table.loc["kazakhstan_2022"]
    assert not kaz["comparable"] and not kaz["paired"] and pd.isna(kaz["diff"])
    assert "another country (Kazakhstan against Belarus)" in kaz["unlike"]
    assert "another horizon (365 against 730)" in kaz["unlike"]
    niger = table.loc["niger_2023"]
    assert not niger["comparable"] and "another country (Niger against Belarus)" in niger["unlike"]
    belarus = table.drop(index=["kazakhstan_2022", "niger_2023"])
    assert belarus["comparable"].all() and (belarus["unlike"] == "").all()
    text = format_comparison(load(batch_dir).comparison)
    assert "not compared with the baseline: Kazakhstan 2022" in text and "nan" not in text
    assert "Niger 2023" in text


def test_a_batch_compares_any_outcome_and_its_median_day_by_hand(batch_dir):
    """Compared on ever_continuous, each row is that outcome's share; the median day is
    the first day half the replicates hold it (hand-computed from the day column: with no
    censoring before the horizon, Kaplan-Meier is the empirical share), and a median not
    reached prints as such rather than as a number."""
    from sim.present.text.batch import format_comparison
    from sim.runs.batch import compare

    batch = load(batch_dir)
    runs = {m: batch.run(m) for m in batch.comparison["member"]}
    table = compare(runs, "belarus_2020", "common", "ever_continuous")
    for row in table.itertuples():
        days = runs[row.member].outcomes["ever_continuous_day"]
        assert row.p == pytest.approx(days.notna().mean())
        ranked = days.dropna().sort_values().to_numpy()
        half = (len(days) + 1) // 2
        expected = ranked[half - 1] if len(ranked) >= half else None
        assert (row.median_day if row.median_date else None) == expected
    text = format_comparison(table)
    assert "P(ever_continuous)" in text and "nan" not in text
    never = compare(runs, "belarus_2020", "common", "basing")
    never.loc[:, ["median_day", "median_date"]] = [float("nan"), None]
    assert "not reached" in format_comparison(never) and "nan" not in format_comparison(never)


def test_common_random_numbers_share_parameter_draws_across_scenarios(batch_dir):
    batch = load(batch_dir)
    a = batch.run("belarus_2020").parameters
    b = batch.run("belarus_2020_nato_surge").parameters
    same = "actors.lukashenko.sovereignty_resistance"
    pd.testing.assert_series_equal(a[same], b[same])


def _check_figure(fig: Figure, caption: str) -> None:
    texts = [t.get_text() for t in fig.texts]
    assert caption in texts, "every figure carries its caption"
    title = fig._suptitle.get_text() if fig._suptitle else ""
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert title or all(ax.get_title() for ax in axes)
    for ax in axes:
        assert ax.get_xlabel() or ax.get_ylabel()


def test_every_run_figure_is_titled_labelled_and_captioned(batch_dir, tmp_path):
    run = load(batch_dir / "belarus_2020")
    assert isinstance(run, Run)
    figs = plots.run_figures(run)
    assert set(figs) == {"outcomes", "persistence", "trajectories", "timeline"}
    for name, fig in figs.items():
        caption = run.caption + (
            f" · replicate {run.showcase_replicate()}" if name == "timeline" else ""
        )
        _check_figure(fig, caption)
    written = plots.save(figs, tmp_path)
    assert len(written) == 8 and all(p.stat().st_size > 5_000 for p in written)


def test_persistence_curve_is_monotone_and_ends_at_the_estimate(batch_dir):
    run = load(batch_dir / "belarus_2020")
    curve = run.persistence_curve()
    assert curve["p"].is_monotonic_increasing
    assert curve["p"].iloc[-1] == pytest.approx(run.outcomes["persistent"].mean())
    assert (curve["low"] <= curve["p"]).all() and (curve["p"] <= curve["high"]).all()


def test_plot_command_draws_a_batch(tmp_path, capsys):
    """The forest plot and every member's figures (a two-member batch: drawing each
    member's figures is what costs; five members would say nothing more)."""
    batch_dir = tmp_path / "b"
    members = [str(SCENARIOS / "belarus_2020.yaml"), str(SCENARIOS / "kazakhstan_2022.yaml")]
    argv = ["batch", *members, "-n", "40", "--workers", "1", "--out", str(batch_dir)]
    assert main(argv) == 0
    capsys.readouterr()
    assert main(["plot", str(batch_dir)]) == 0
    printed = capsys.readouterr().out.split()
    assert any(p.endswith("forest.svg") for p in printed)
    assert any(p.endswith("belarus_2020/figures/timeline.png") for p in printed)


def test_each_members_questions_sit_beside_the_baselines(batch_dir):
    """Question by question: every member's probability, and for a comparable member
    the paired difference from the baseline's forecast of the same question (hand-checked
    against the outcome tables); Kazakhstan's questions stand alone."""
    from sim.present.text.batch import format_questions

    batch = load(batch_dir)
    q = batch.questions
    base = batch.run("belarus_2020").outcomes
    assert set(q["member"]) == set(batch.members)
    for r in q.itertuples():
        mine = batch.run(r.member).outcomes[f"question.{r.question}"]
        assert r.p == pytest.approx(mine.mean())
        if r.member in ("belarus_2020", "kazakhstan_2022", "niger_2023"):
            assert not r.compared
            continue
        assert r.compared
        assert r.diff == pytest.approx(mine.mean() - base[f"question.{r.question}"].mean())
        assert r.diff_low <= r.diff <= r.diff_high
    text = format_questions(q)
    assert "forces_in_belarus_new_year: Will Russian forces be in Belarus" in text


def test_timeline_labels_take_the_first_lane_they_clear():
    """Greedy lanes, by hand: [0, 10) and [5, 8) overlap (lanes 0 and 1); [9, 11) fits
    after the second (lane 1), [12, 20) after the first (lane 0); with a gap of 3,
    [12, 20) no longer clears [0, 10) but clears [5, 8) (lane 1)."""
    from sim.present.plots import label_lanes

    assert label_lanes([0, 5, 9, 12], [10, 3, 2, 8]) == [0, 1, 1, 0]
    assert label_lanes([0, 5, 12], [10, 3, 8], gap=3) == [0, 1, 1]
    assert label_lanes([0, 1, 2], [10, 10, 10]) == [0, 1, 2]
    assert label_lanes([], []) == []


def test_figure_details_that_once_misled(batch_dir):
    """The forest plot's probability axis is the whole 0-100 % scale; a rung's name is
    printed on its bar only where it fits inside it; a patron-commanded system's row says
    so (not '... crews')."""
    batch = load(batch_dir)
    assert plots.forest(batch).axes[0].get_xlim() == (0.0, 100.0)
    run = batch.run("belarus_2020")
    fig = plots.outcome_distributions(run)
    ax = fig.axes[2]
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    bars = [p.get_window_extent(renderer) for p in ax.patches]
    for text in ax.texts:
        if not text.get_text():
            continue
        box = text.get_window_extent(renderer)
        home = next(b for b in bars if b.x0 <= (box.x0 + box.x1) / 2 <= b.x1
                    and b.y0 <= (box.y0 + box.y1) / 2 <= b.y1)  # fmt: skip
        assert box.width <= home.width, text.get_text()
    rows = [t.get_text() for t in plots.timeline(run).axes[0].get_yticklabels()]
    assert not any(r.endswith("crews)") for r in rows), rows
