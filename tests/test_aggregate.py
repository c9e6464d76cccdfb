"""Streaming aggregation agrees with the tables it summarises; replicates do not leak."""

from __future__ import annotations

import gc

import numpy as np
import pytest

from sim.engine.model import WargameModel
from sim.engine.plan import Plan
from sim.maths.stats import km_quantile
from sim.runs.aggregate import BINS, QUANTILES, BandTally, OutcomeTally, kept_rows
from sim.runs.summary import summary_of
from sim.scenario.loader import load as load_scenario
from tests.conftest import BELARUS
from tests.helpers import NEW_YEAR, belarus_observing, outcomes_of

PLAN = Plan(load_scenario(BELARUS))


def test_tally_quantiles_equal_kaplan_meier_on_the_table():
    outcomes = outcomes_of(PLAN, 400, 3)
    tally = OutcomeTally(PLAN)
    for part in np.array_split(np.arange(len(outcomes)), 7):  # any chunking, any order
        tally.add(outcomes.iloc[part[::-1]])
    days = outcomes["persistent_day"]
    times = days.fillna(PLAN.n_days).to_numpy(dtype=float)
    for q in (0.05, 0.1, 0.5):
        assert tally.day_quantile("persistent", q) == km_quantile(times, days.notna().to_numpy(), q)
    assert tally.hits["persistent"] == int(outcomes["persistent"].sum())


def test_chunk_counts_add_up_to_the_tally_of_all_rows():
    """Workers tally their own chunk; the run adds the counts. Same summary as tallying
    every row in one place, for any chunking."""
    outcomes = outcomes_of(PLAN, 300, 5)
    whole = OutcomeTally(PLAN)
    whole.add(outcomes)
    added = OutcomeTally(PLAN)
    for part in np.array_split(np.arange(len(outcomes)), 4):
        chunk = OutcomeTally(PLAN)
        chunk.add(outcomes.iloc[part])
        added.add_counts(chunk.counts())
    assert summary_of(added) == summary_of(whole)
    assert np.array_equal(added.counts(), whole.counts())
    assert whole.judgments and whole.questions and whole.days["persistent"].sum() > 0  # not empty
    with pytest.raises(ValueError, match="expected"):
        added.add_counts(whole.counts()[:-1])  # a tally of another plan


def test_finished_replicates_are_freed():
    gc.collect()
    before = sum(isinstance(o, WargameModel) for o in gc.get_objects())
    outcomes_of(PLAN, 60, 1)
    gc.collect()
    after = sum(isinstance(o, WargameModel) for o in gc.get_objects())
    assert after == before, "models kept alive (see mesa#3179)"


def test_bands_are_the_quantiles_of_the_values_to_within_a_bin():
    """Made-up trajectories of 500 replicates within each variable's declared range: each
    band is the exact lower quantile for an integer variable, and within one bin of it
    otherwise; a tally rebuilt from the chunk's histogram table gives the same bands."""
    bands = BandTally(PLAN)
    rng = np.random.default_rng(0)
    data = np.empty((500, bands.months, len(bands.columns)))
    for c, (low, width, top) in enumerate(bands.scales):
        if width is None:
            data[:, :, c] = low + rng.integers(0, top + 1, data.shape[:2])
        else:
            data[:, :, c] = low + width * rng.random(data.shape[:2])
    bands.add_values(data)
    dates = np.arange(bands.months)
    table = bands.bands(dates).set_index(["actor", "variable", "month"])
    assert len(table) == len(bands.columns) * bands.months
    for c, (actor, var) in enumerate(bands.columns):
        low, width, _ = bands.scales[c]
        for m in (0, bands.months - 1):
            row = table.loc[(actor, var, m)]
            assert row["date"] == dates[m]
            for q, col in zip(QUANTILES, ("q05", "q25", "q50", "q75", "q95"), strict=True):
                exact = np.quantile(data[:, m, c], q, method="inverted_cdf")
                if width is None:
                    assert row[col] == exact, (actor, var, m, col)
                else:
                    assert abs(row[col] - exact) <= width / BINS, (actor, var, m, col)
    again = BandTally(PLAN)
    again.add_counts(bands.counts_table())
    again.add_counts(bands.counts_table())
    assert np.array_equal(again.counts, 2 * bands.counts)
    assert again.bands(dates).equals(bands.bands(dates))


def test_values_outside_the_declared_range_fall_in_the_end_bins():
    bands = BandTally(PLAN)
    c = next(i for i, s in enumerate(bands.scales) if s[1] is not None)
    low, width, _ = bands.scales[c]
    assert bands.bin_of(np.array([low - 1, low, low + width, low + 2 * width]), c).tolist() == [
        0, 0, BINS - 1, BINS - 1]  # fmt: skip
    k = next(i for i, s in enumerate(bands.scales) if s[1] is None)
    low, _, top = bands.scales[k]
    assert bands.bin_of(np.array([low - 3, low + 1.4, low + top + 5]), k).tolist() == [0, 1, top]


# ------------------------------------------------------------------ tallies by hand


@pytest.fixture(scope="module")
def observed_rows(tmp_path_factory):
    """Belarus with one observation (about two thirds of the histories agree), its rows
    and a made-up daily presence array for them."""
    plan = belarus_observing(tmp_path_factory.mktemp("tally"), NEW_YEAR)
    rows = outcomes_of(plan, 120, 2)
    kept = int(rows["consistent"].sum())
    daily = np.random.default_rng(0).integers(0, 2, (kept, 2, plan.n_days)).astype(bool)
    return plan, rows, daily


def test_a_tally_added_in_parts_counts_what_one_tally_of_every_row_counts(observed_rows):
    """Every counter (drawn, kept, observations, outcomes, judgments and their conditions,
    questions, rungs, days, presence, readings, daily curves) adds up across chunks."""
    plan, rows, daily = observed_rows
    whole = OutcomeTally(plan)
    whole.add(rows, daily)
    parts, summed = OutcomeTally(plan), OutcomeTally(plan)
    kept_so_far = 0
    for part in np.array_split(np.arange(len(rows)), 3):
        chunk = rows.iloc[part]
        k = int(chunk["consistent"].sum())
        chunk_daily = daily[kept_so_far : kept_so_far + k]
        kept_so_far += k
        parts.add(chunk, chunk_daily)
        alone = OutcomeTally(plan)
        alone.add(chunk, chunk_daily)
        summed.add_counts(alone.counts())
    assert np.array_equal(parts.counts(), whole.counts())
    assert np.array_equal(summed.counts(), whole.counts())
    assert (whole.drawn, whole.n) == (120, int(rows["consistent"].sum()))
    assert whole.observations == {"new_year": int(rows["observation.new_year"].sum())}
    assert np.array_equal(whole.daily["present"], daily[:, 0].sum(axis=0))
    assert np.array_equal(whole.daily["persistent"], daily[:, 1].sum(axis=0))
    assert whole.by_reading and all(c[0] > 0 for c in whole.by_reading.values())


def test_kept_rows_are_renumbered_from_zero():
    import pandas as pd

    rows = pd.DataFrame({"consistent": [True, False, True], "x": [1, 2, 3]})
    kept = kept_rows(rows)
    assert kept.to_dict("list") == {"consistent": [True, True], "x": [1, 3]}
    assert kept.index.tolist() == [0, 1]
    assert kept_rows(rows.drop(columns="consistent")) is not None


def test_an_outcome_on_the_last_day_of_the_horizon_is_counted():
    rows = outcomes_of(PLAN, 4, 1).copy()
    rows["persistent_day"] = [PLAN.n_days - 1, 3.0, np.nan, np.nan]
    tally = OutcomeTally(PLAN)
    tally.add(rows)
    assert tally.days["persistent"][PLAN.n_days - 1] == 1
    assert tally.day_quantile("persistent", 0.25) == 3
    assert tally.day_quantile("persistent", 0.5) == PLAN.n_days - 1, (
        "a share exactly at the quantile counts"
    )
    assert tally.day_quantile("persistent", 0.75) is None
    one = OutcomeTally(PLAN)
    one.add(rows.iloc[1:2])
    assert one.day_quantile("persistent", 1.0) == 3, "one replicate is the whole share"


def test_a_band_tally_has_a_row_per_month_and_counts_every_addition():
    bands = BandTally(PLAN)
    assert bands.months == PLAN.scenario.metadata.horizon_months
    data = np.zeros((3, bands.months, len(bands.columns)))
    bands.add_values(data)
    bands.add_values(data)
    assert bands.counts[:, :, :].sum() == 2 * 3 * bands.months * len(bands.columns)


def test_bins_of_made_up_scales():
    """An integer variable from 2 to 7, and a continuous one on [-1, 3] (width 4)."""
    bands = BandTally(PLAN)
    bands.scales[0] = (2.0, None, 5)
    assert bands.bin_of(np.array([2.0, 3.0, 7.0, 9.0]), 0).tolist() == [0, 1, 5, 5]
    assert bands._value(3, 0) == 5.0
    bands.scales[1] = (-1.0, 4.0, BINS - 1)
    assert bands.bin_of(np.array([-1.0, 1.0, 2.99]), 1).tolist() == [0, BINS // 2, BINS - 1]
    assert bands._value(BINS // 2, 1) == pytest.approx(-1.0 + (BINS // 2 + 0.5) / BINS * 4)


def test_bands_skip_empty_months_and_report_a_month_with_one_value():
    import pandas as pd

    bands = BandTally(PLAN)
    bands.add_counts(pd.DataFrame({"column": [0], "month": [2], "bin": [1], "count": [1]}))
    table = bands.bands(np.arange(bands.months))
    assert table[["month"]].to_dict("list") == {"month": [2]}


def test_each_monthly_column_has_the_scale_of_its_kind():
    from sim.roles import ROLE_SPECS
    from sim.runs.aggregate import _scale
    from sim.scenario import paths

    tracks = {t.name: len(t.rungs) for t in PLAN.track_specs}
    for actor, var in PLAN.monthly_columns:
        scale = _scale(PLAN, actor, var)
        if paths.is_rung(var):
            assert scale == (0.0, None, tracks[paths.rung_track(var)] - 1), var
        elif var == "presence_days":
            assert scale == (0.0, None, 31)
        else:
            d = ROLE_SPECS[PLAN.scenario.actor(actor).role].state[var]
            expected = (d.low, None, int(d.high - d.low)) if d.integer else (
                d.low, d.high - d.low, BINS - 1)  # fmt: skip
            assert scale == expected, (actor, var)
