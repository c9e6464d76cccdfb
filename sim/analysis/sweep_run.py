"""Running a sweep into a folder: chunked, resumable, with replicate rounds.

Folder layout::

    manifest.json     kind "sweep", the factors, design digest, status
    design.parquet    the design matrix (NaN = factor left at its distribution)
    chunks/r<round>-<group>.parquet   per-point sums for one group of points and round
    points.parquet    per-point estimates with intervals     (when complete)
    indices.parquet, second_order.parquet, summary.json      (when complete)

Round 0 runs replicates [0, R) at every point. With a target half-width, further rounds
double the replicates at every point (keeping common random numbers) until the widest
interval meets the target or ``max_replicates`` is reached. Whether another round runs
depends only on finished results, so a resumed sweep takes the same path and recomputes
no finished chunk.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from sim.analysis.sweep import Evaluator, Sweep, adequacy, point_estimates, ranking
from sim.runs.executor import Executor, map_unordered
from sim.runs.folder import Folder, now, write_json_atomic
from sim.runs.store import write_parquet_atomic
from sim.scenario.errors import ScenarioError

#: Replicates per task: enough work per task to amortise sending it to a worker.
TASK_REPLICATES = 256


def _evaluate_group(
    evaluator: Evaluator, xs: np.ndarray, points: list[int], start: int, stop: int
) -> pd.DataFrame:
    sums, counts = zip(*(evaluator(x, start, stop) for x in xs), strict=True)
    return pd.DataFrame(
        {
            "point": np.asarray(points, dtype=np.int64),
            "sum": np.asarray(sums, dtype=float),
            "n": np.asarray(counts, dtype=np.int64),
        }
    )


def _groups(n_points: int, replicates: int) -> list[list[int]]:
    size = max(1, TASK_REPLICATES // max(replicates, 1))
    return [list(range(a, min(a + size, n_points))) for a in range(0, n_points, size)]


class SweepStore(Folder):
    """The folder of one sweep."""

    kind = "sweep"

    @classmethod
    def create_sweep(cls, path: Path, sweep: Sweep, info: dict[str, Any]) -> SweepStore:
        fields = {
            "design": sweep.design,
            "factors": [f.__dict__ for f in sweep.factors],
            "samples": sweep.samples,
            "levels": sweep.levels,
            "seed": sweep.seed,
            "second_order": sweep.second_order,
            "design_sha256": sweep.digest,
            "points": len(sweep.X),
            "rounds": [],
            "started": now(),
            "wall_seconds": 0.0,
            **info,
        }
        store = cls.create(path, fields)
        (path / "chunks").mkdir(exist_ok=True)
        design = pd.DataFrame(sweep.X, columns=sweep.names)
        design.insert(0, "point", np.arange(len(design), dtype=np.int64))
        write_parquet_atomic(path / "design.parquet", design)
        return store

    @classmethod
    def resume_sweep(cls, path: Path, sweep: Sweep, info: dict[str, Any]) -> SweepStore:
        def same_design(manifest: dict[str, Any]) -> None:
            if manifest["design_sha256"] != sweep.digest:
                raise ScenarioError.single(
                    "the sweep's design differs from the one being resumed "
                    "(factors, ranges, design, samples or seed changed)",
                    file=str(path),
                )

        return cls.resume(path, info, check=same_design)

    def chunk(self, rnd: int, group: int) -> Path:
        return self.path / "chunks" / f"r{rnd:02d}-{group:05d}.parquet"

    def totals(self) -> tuple[np.ndarray, np.ndarray]:
        """Sum and count of the outcome at every point, over every finished chunk."""
        n_points = self.manifest["points"]
        sums, counts = np.zeros(n_points), np.zeros(n_points, dtype=np.int64)
        for file in sorted((self.path / "chunks").glob("r*.parquet")):
            df = pq.read_table(file).to_pandas()
            np.add.at(sums, df["point"].to_numpy(), df["sum"].to_numpy())
            np.add.at(counts, df["point"].to_numpy(), df["n"].to_numpy())
        return sums, counts


def run_sweep(
    sweep: Sweep,
    evaluator: Evaluator,
    out: Path,
    *,
    replicates: int,
    target: float | None = None,
    max_replicates: int = 1024,
    workers: int | Executor = 1,
    resume: bool = False,
    info: dict[str, Any] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Path:
    """Evaluate every design point into `out`, analyse, and mark the folder complete."""
    info = {
        **(info or {}),
        "replicates": replicates,
        "target_halfwidth": target,
        "max_replicates": max_replicates,
    }
    store = (SweepStore.resume_sweep if resume else SweepStore.create_sweep)(out, sweep, info)
    t0 = time.perf_counter()
    try:
        points = _run_rounds(
            store, sweep, evaluator, replicates, target, max_replicates, workers, progress
        )
    except BaseException as e:
        reason = (
            "interrupted"
            if isinstance(e, KeyboardInterrupt)
            else f"failed: {type(e).__name__}: {e}"
        )
        store.mark("incomplete", reason, time.perf_counter() - t0)
        raise
    _finish(store, sweep, points, target, time.perf_counter() - t0)
    return out


def _run_rounds(
    store: SweepStore,
    sweep: Sweep,
    evaluator: Evaluator,
    replicates: int,
    target: float | None,
    max_replicates: int,
    workers: int,
    progress: Callable[[int], None] | None,
) -> pd.DataFrame:
    start, stop, rnd = 0, min(replicates, max_replicates), 0
    while True:
        groups = _groups(len(sweep.X), stop - start)
        tasks = [
            (g, (sweep.X[pts], pts, start, stop))
            for g, pts in enumerate(groups)
            if not store.chunk(rnd, g).is_file()
        ]
        for g, df in map_unordered(_evaluate_group, evaluator, tasks, workers):
            write_parquet_atomic(store.chunk(rnd, g), df)
            if progress:
                progress(len(df) * (stop - start))
        if [start, stop] not in store.manifest["rounds"]:
            store.manifest["rounds"].append([start, stop])
            store.save()
        sums, counts = store.totals()
        points = point_estimates(sums, counts, evaluator.is_probability)
        if target is None or points["halfwidth"].max() <= target or stop >= max_replicates:
            return points
        start, stop, rnd = stop, min(2 * stop, max_replicates), rnd + 1


def _finish(
    store: SweepStore, sweep: Sweep, points: pd.DataFrame, target: float | None, wall: float
) -> None:
    analysis = sweep.analyze(points["estimate"].to_numpy())
    design = pd.DataFrame(sweep.X, columns=sweep.names)
    write_parquet_atomic(store.path / "points.parquet", pd.concat([points, design], axis=1))
    write_parquet_atomic(store.path / "indices.parquet", analysis["indices"])
    if "second_order" in analysis:
        write_parquet_atomic(store.path / "second_order.parquet", analysis["second_order"])
    summary = {
        "design": sweep.design,
        "score": analysis["score"],
        "ranking": ranking(analysis).to_dict(orient="records"),
        "baseline": analysis.get("baseline"),
        "adequacy": adequacy(points, analysis, target),
    }
    write_json_atomic(store.path / "summary.json", summary)
    wall_seconds = round(store.manifest["wall_seconds"] + wall, 3)
    store.finish(wall_seconds=wall_seconds, replicates_done=int(points["n"].min()))
    shutil.rmtree(store.path / "chunks", ignore_errors=True)
