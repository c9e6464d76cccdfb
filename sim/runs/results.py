"""Results as data: run, batch and sweep folders loaded back as pandas DataFrames.

A complete run folder loads as a :class:`Run` (tables, manifest, summary), a batch as a
:class:`Batch` (comparison table and its runs), a sweep as a :class:`SweepResult`; the
three loaders are registered with :mod:`sim.runs.folder`, so ``sim.results.load(path)``
finds them by the folder's kind. The derived tables that figures draw (the
time-to-persistence curve, trajectory bands, one replicate's timeline) are computed here,
once; :mod:`sim.present.plots` only draws them.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.maths.stats import km_band, wilson
from sim.runs import folder
from sim.runs.aggregate import kept_rows
from sim.runs.run_summary import RunSummary, read_summary
from sim.scenario import paths
from sim.scenario.errors import ScenarioError
from sim.scenario.outcomes import OUTCOME_LABELS, day_columns, outcome_columns


def load(path: str | Path) -> Run | Batch | SweepResult:
    """Load a complete run, batch or sweep folder (an incomplete one is refused)."""
    return folder.load(path, kinds=("run", "batch", "sweep"))


def load_run(path: str | Path, command: str = "") -> Run:
    """Load a complete run folder, refusing any other kind."""
    return folder.load(path, kinds=("run",), command=command)


@dataclass
class Run:
    """One complete Monte Carlo run: its manifest, summary and tables."""

    path: Path
    manifest: dict[str, Any]

    def _table(self, name: str) -> pd.DataFrame | None:
        file = self.path / f"{name}.parquet"
        return pd.read_parquet(file) if file.is_file() else None

    @cached_property
    def summary(self) -> RunSummary:
        return read_summary(self.path)

    @cached_property
    def all_outcomes(self) -> pd.DataFrame:
        """Every replicate's outcome row, whether or not it agrees with the observations."""
        table = self._table("outcomes")
        return self._with_dates(table, tuple(day_columns(table.columns)))

    @cached_property
    def outcomes(self) -> pd.DataFrame:
        """The replicates the run keeps: with observations, only the histories that agree
        with every one (the rows the summary and figures describe)."""
        return kept_rows(self.all_outcomes)

    @cached_property
    def parameters(self) -> pd.DataFrame:
        """The values each kept replicate drew, one column per parameter path."""
        return self._only_kept(self._table("parameters"))

    @cached_property
    def trajectories(self) -> pd.DataFrame | None:
        """The kept replicates' monthly state (None for a lean run)."""
        df = self._only_kept(self._table("trajectories"))
        if df is not None:
            starts = np.array(self.month_starts[:-1], dtype="timedelta64[D]")
            df["date"] = np.datetime64(self.start_date) + starts[df["month"].to_numpy()]
        return df

    @cached_property
    def events(self) -> pd.DataFrame | None:
        """The kept replicates' operations timeline (None for a lean run)."""
        return self._with_dates(self._only_kept(self._table("events")), ("day", "end_day"))

    def _only_kept(self, df: pd.DataFrame | None) -> pd.DataFrame | None:
        """`df`'s rows of the replicates the run keeps: every table of a run describes
        the same replicates as :attr:`outcomes` (the files on disk hold every replicate
        drawn, and the outcomes file's ``consistent`` column says which are kept)."""
        if df is None or "consistent" not in self.all_outcomes:
            return df
        mine = df["replicate"].isin(self.outcomes["replicate"]).to_numpy()
        return df[mine].reset_index(drop=True)

    # ------------------------------------------------------------------ facts

    @property
    def name(self) -> str:
        return self.manifest["scenario_name"]

    @property
    def replicates(self) -> int:
        return self.manifest["replicates"]

    @property
    def seed(self) -> int:
        return self.manifest["seed"]

    @property
    def start_date(self) -> str:
        return self.manifest["start_date"]

    @property
    def horizon_days(self) -> int:
        return self.summary.horizon.days

    @cached_property
    def month_starts(self) -> list[int]:
        from sim.scenario.calendar import month_boundaries

        start = pd.Timestamp(self.start_date).date()
        return month_boundaries(start, self.manifest["scenario"]["metadata"]["horizon_months"])

    @property
    def kept(self) -> int:
        """Replicates the run keeps (all of them unless observations rejected some)."""
        return self.summary.replicates

    def require_kept(self) -> None:
        """Refuse to describe a run in which no history agreed with the observations."""
        if self.kept == 0:
            raise ScenarioError.single(
                "no replicate of this run agrees with its observations; there is nothing to "
                "draw or report (check the observations, or calibrate the scenario to them)",
                file=str(self.path),
            )

    @property
    def caption(self) -> str:
        """The line every figure carries: scenario, replicate count and seed."""
        count = f"{self.replicates:,} replicates"
        if self.kept != self.replicates:
            count = f"{self.kept:,} of {self.replicates:,} replicates kept by the observations"
        return f"{self.name} · {count} · seed {self.seed}"

    def _with_dates(self, df: pd.DataFrame | None, columns: tuple[str, ...]) -> pd.DataFrame | None:
        if df is None:
            return None
        base = np.datetime64(self.start_date)
        for col in columns:
            days = df[col].astype("float64").to_numpy()
            dates = np.full(days.shape, np.datetime64("NaT"), dtype="datetime64[D]")
            ok = ~np.isnan(days)
            dates[ok] = base + days[ok].astype("timedelta64[D]")
            df[col.removesuffix("_day") + "_date" if col != "day" else "date"] = dates
        return df

    # ------------------------------------------------------------------ derived tables

    def persistence_curve(self, outcome: str = "persistent") -> pd.DataFrame:
        """Cumulative probability that `outcome` has held, by day, with a 95 % band
        (Kaplan–Meier, censored at the horizon). Starts at day 0 with probability 0."""
        days = self.outcomes[f"{outcome}_day"]
        times = days.fillna(self.horizon_days).to_numpy(dtype=float)
        observed = days.notna().to_numpy()
        t, s, low, high = km_band(times, observed)
        df = pd.DataFrame(
            {
                "day": np.concatenate(([0], t, [self.horizon_days])),
                "p": np.concatenate(([0.0], 1 - s, [1 - s[-1] if s.size else 0.0])),
                "low": np.concatenate(([0.0], 1 - high, [1 - high[-1] if s.size else 0.0])),
                "high": np.concatenate(([0.0], 1 - low, [1 - low[-1] if s.size else 0.0])),
            }
        )
        df["date"] = np.datetime64(self.start_date) + df["day"].to_numpy().astype("timedelta64[D]")
        return df

    @cached_property
    def daily(self) -> pd.DataFrame:
        """The daily tallies the run streamed (``daily.parquet``), read once."""
        return pd.read_parquet(self.path / "daily.parquet")

    @property
    def daily_patrons(self) -> list[str]:
        """The patrons whose own daily curves the run tallied (none with one patron)."""
        return [c.removeprefix("present.") for c in self.daily.columns if c.startswith("present.")]

    def daily_curve(self, what: str = "present") -> pd.DataFrame:
        """The probability, day by day, that forces are present (``present``) or that
        persistent presence holds as of that day (``persistent``; ``present.<patron>``
        for one patron's), with 95 % Wilson intervals, tallied while the run streamed."""
        d = self.daily
        bounds = np.array([wilson(int(k), int(n)) for k, n in zip(d[what], d["n"], strict=True)])
        out = pd.DataFrame(
            {
                "day": d["day"].to_numpy(),
                "p": d[what].to_numpy() / d["n"].clip(lower=1).to_numpy(),
                "low": bounds[:, 0],
                "high": bounds[:, 1],
            }
        )
        out["date"] = np.datetime64(self.start_date) + out["day"].to_numpy().astype(
            "timedelta64[D]"
        )
        return out

    def trajectory_bands(self) -> pd.DataFrame:
        """Quantiles (5, 25, 50, 75, 95 %) of each actor variable at each month start,
        tallied while the run streamed (:mod:`sim.runs.aggregate`), so lean runs have them too."""
        return pd.read_parquet(self.path / "bands.parquet")

    def showcase_replicate(self) -> int:
        """A replicate worth drawing: the first with persistent presence, else the one
        with the most presence days."""
        o = self.outcomes
        hits = o.loc[o["persistent"], "replicate"]
        if len(hits):
            return int(hits.iloc[0])
        return int(o.loc[o["presence_days"].idxmax(), "replicate"])

    def timeline(self, replicate: int) -> pd.DataFrame:
        """The operations timeline of one replicate."""
        if self.events is None:
            raise ScenarioError.single(
                "this run kept no events (it ran with --lean)", file=str(self.path)
            )
        ev = self.events[self.events["replicate"] == replicate]
        if ev.empty and replicate not in set(self.outcomes["replicate"]):
            raise ScenarioError.single(
                f"no replicate {replicate} in this run (0 to {self.replicates - 1})",
                file=str(self.path),
            )
        return ev.reset_index(drop=True)


@dataclass
class Batch:
    """Several runs compared: the comparison table and each member run."""

    path: Path
    manifest: dict[str, Any]
    _runs: dict[str, Run] = field(default_factory=dict, repr=False)

    @cached_property
    def comparison(self) -> pd.DataFrame:
        return pd.read_parquet(self.path / "comparison.parquet")

    @cached_property
    def questions(self) -> pd.DataFrame:
        """Each member's forecast questions beside the baseline's (empty for a batch
        written before the table existed)."""
        file = self.path / "questions.parquet"
        return pd.read_parquet(file) if file.is_file() else pd.DataFrame()

    @property
    def baseline(self) -> str:
        return self.manifest["baseline"]

    @property
    def caption(self) -> str:
        m = self.manifest
        return (
            f"batch of {len(m['members'])} scenarios · {m['replicates']:,} replicates each "
            f"· seed {m['seed']} ({m['seed_policy']} random numbers)"
        )

    def run(self, member: str) -> Run:
        if member not in self._runs:
            self._runs[member] = load_run(self.path / member)
        return self._runs[member]

    @property
    def members(self) -> list[str]:
        return list(self.manifest["members"])


@dataclass
class SweepResult:
    """A complete sweep: design, per-point estimates, indices and the adequacy report."""

    path: Path
    manifest: dict[str, Any]

    @cached_property
    def summary(self) -> dict[str, Any]:
        return json.loads((self.path / "summary.json").read_text())

    @cached_property
    def points(self) -> pd.DataFrame:
        return pd.read_parquet(self.path / "points.parquet")

    @cached_property
    def indices(self) -> pd.DataFrame:
        return pd.read_parquet(self.path / "indices.parquet")

    @cached_property
    def second_order(self) -> pd.DataFrame | None:
        file = self.path / "second_order.parquet"
        return pd.read_parquet(file) if file.is_file() else None

    @property
    def design(self) -> str:
        return self.manifest["design"]

    @property
    def outcome(self) -> str:
        """The outcome the sweep measured (an outcome's name)."""
        return self.manifest.get("outcome", "persistent")

    @property
    def factors(self) -> list[str]:
        return [f["path"] for f in self.manifest["factors"]]

    @property
    def caption(self) -> str:
        m = self.manifest
        return (
            f"{m.get('scenario_name', 'sweep')} · {m['design']} design, {m['points']:,} "
            f"points × {m.get('replicates_done', m['replicates'])} replicates · seed "
            f"{m['seed']}"
        )

    def response(self, factor: str, bins: int = 8) -> pd.DataFrame:
        """The outcome against one factor: the factor's own points for one-at-a-time and
        grid designs (averaged over the others), quantile bins of it otherwise; each with
        a 95 % interval."""
        pts = self.points.dropna(subset=[factor])
        if self.design in ("oat", "grid"):
            groups = pts.groupby(factor)
        else:
            edges = np.unique(np.quantile(pts[factor], np.linspace(0, 1, bins + 1)))
            groups = pts.groupby(pd.cut(pts[factor], edges, include_lowest=True), observed=True)
        rows = []
        for _, g in groups:
            est = g["estimate"]
            if len(g) == 1:
                low, high = float(g["low"].iloc[0]), float(g["high"].iloc[0])
            else:
                half = 1.959963984540054 * est.std(ddof=1) / np.sqrt(len(g))
                low, high = est.mean() - half, est.mean() + half
            rows.append(
                {
                    "value": float(g[factor].mean()),
                    "estimate": float(est.mean()),
                    "low": low,
                    "high": high,
                    "points": len(g),
                }
            )
        return pd.DataFrame(rows)


folder.register("run")(Run)
folder.register("batch")(Batch)
folder.register("sweep")(SweepResult)


def outcome_label(column: str, by: dt.date | None = None) -> str:
    """An outcome column in words, whose it is in brackets: its label by the horizon, or
    the event of its day column by the date `by` ("persistent presence by 2021-06-01")."""
    name, patron = paths.outcome_parts(column)
    label = OUTCOME_LABELS[name]
    if by is not None:
        label = label.removesuffix(" at the horizon").removesuffix(" by the horizon")
        label = f"{label} by {by}"
    return label if patron is None else f"{label} ({patron})"


def outcome_values(
    outcomes: pd.DataFrame, start: dt.date, name: str, by: dt.date | None
) -> tuple[np.ndarray, str]:
    """The yes/no value of one outcome per row of a run's outcome table, and its label:
    an outcome of the registry by the horizon (or by `by`, from its day column), or a
    question or judgment of the scenario (which has its own date). What ``discover`` and
    ``signposts`` explain."""
    from sim.scenario.calendar import day_of
    from sim.scenario.errors import UsageError
    from sim.scenario.measures import is_outcome, measurable_columns, measure_column

    o = outcomes
    column = measure_column(name, measurable_columns(o, tuple(outcome_columns(o.columns))))
    if is_outcome(column):
        if by is None:
            return o[column].to_numpy(dtype=bool), outcome_label(column)
        days = o[f"{column}_day"].astype("float64").to_numpy()
        return np.nan_to_num(days, nan=np.inf) <= day_of(start, by), outcome_label(column, by)
    if by is not None:
        raise UsageError("applies to outcomes; a question or judgment has its own date", "--by")
    kind, _, ident = column.partition(".")
    return o[column].to_numpy(dtype=bool), f"{kind} {ident}"
