"""Streaming aggregation agrees with the tables it summarises; replicates do not leak."""

from __future__ import annotations

import gc

import numpy as np
import pytest

from sim.engine.model import WargameModel
from sim.engine.plan import Plan
from sim.maths.stats import km_quantile
from sim.runs.aggregate import BINS, QUANTILES, BandTally, OutcomeTally
from sim.runs.summary import summary_of
from sim.scenario.loader import load as load_scenario
from tests.conftest import BELARUS
from tests.helpers import outcomes_of

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
