"""Batches: several scenarios run with one seed policy and compared side by side.

With the default *common* seed policy every scenario runs replicate ``i`` from the same
seed, so a difference between scenarios is the effect of the scenario, not sampling noise,
and the interval of each difference is the paired (Newcombe) one. With *independent*
seeds each scenario gets its own root seed and the unpaired interval is used.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.engine.plan import Plan
from sim.maths.stats import independent_difference, paired_difference
from sim.runs.executor import Executor
from sim.runs.folder import Folder
from sim.runs.results import Batch, Run, load_run
from sim.runs.runner import default_chunk, run_to_store
from sim.runs.store import RunStore, write_parquet_atomic
from sim.scenario import paths
from sim.scenario.calendar import date_of
from sim.scenario.errors import ScenarioError, UsageError
from sim.scenario.loader import load as load_scenario
from sim.scenario.schema import Scenario


def scenario_files(inputs: list[str]) -> list[Path]:
    """Expand folders to their ``*.yaml`` files (sorted); keep files as given."""
    files: list[Path] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            found = sorted(p.glob("*.yaml")) + sorted(p.glob("*.yml"))
            if not found:
                raise ScenarioError.single("no scenario files (*.yaml) in this folder", file=item)
            files += found
        elif p.is_file():
            files.append(p)
        else:
            raise ScenarioError.single("no such file or folder", file=item)
    stems = [f.stem for f in files]
    for stem in set(stems):
        if stems.count(stem) > 1:
            raise ScenarioError.single(
                f"two scenario files are named '{stem}'; a batch names its runs by file name",
                file=stem,
            )
    return files


def member_seed(policy: str, seed: int, k: int) -> int:
    """The root seed of the k-th member under a seed policy."""
    if policy == "common":
        return seed
    return int(np.random.SeedSequence(seed, spawn_key=(10_000 + k,)).generate_state(1)[0])


class BatchFolder(Folder):
    """The folder of a batch: the comparison, and each member's run folder inside it."""

    kind = "batch"


def run_batch(
    files: list[Path],
    out: Path,
    *,
    replicates: int | None = None,
    seed: int | None = None,
    seed_policy: str = "common",
    baseline: str | None = None,
    workers: int | Executor = 1,
    detail: bool = True,
    resume: bool = False,
    on_member: Callable[[str, int], Callable[[int], None] | None] | None = None,
    outcome: str | None = None,
) -> Batch:
    """Run every scenario file into ``out/<file stem>`` and write the comparison of
    `outcome` (default: the baseline's headline; the runs do not depend on it, so a
    resumed batch may compare another)."""
    scenarios = {f.stem: load_scenario(f) for f in files}  # every file valid before any run
    names = list(scenarios)
    base = baseline or names[0]
    if base not in scenarios:
        raise UsageError(f"unknown baseline '{base}' (members: {', '.join(names)})", "--baseline")
    outcome = _compared(scenarios[base], outcome)
    n = replicates or scenarios[base].monte_carlo.replicates
    root = scenarios[base].monte_carlo.seed if seed is None else seed
    settings = {"members": names, "replicates": n, "seed": root}
    settings |= {"seed_policy": seed_policy, "baseline": base}
    batch = BatchFolder.open_or_create(out, resume, settings)
    batch.manifest["files"] = [str(f) for f in files]
    batch.save()
    try:
        for k, (name, file) in enumerate(zip(names, files, strict=True)):
            store = RunStore.reuse_or_create(
                out / name,
                scenario_file=file,
                scenario=scenarios[name],
                seed=member_seed(seed_policy, root, k),
                replicates=n,
                chunk_size=default_chunk(n),
                detail=detail,
            )
            if store.complete:
                continue
            todo = sum(b - a for _, a, b in store.pending())
            progress = on_member(name, todo) if on_member else None
            run_to_store(store, Plan(scenarios[name]), workers=workers, progress=progress)
    except BaseException:
        batch.mark("incomplete")
        raise
    _write_tables(out, names, base, seed_policy, outcome)
    batch.finish()
    return Batch(out, batch.manifest)


def _compared(base: Scenario, outcome: str | None) -> str:
    """The outcome a batch compares: the one asked, else the baseline's headline; an
    outcome (one patron's, with several), not a question, which has its own table."""
    column = outcome or base.headline_column()
    if column not in base.outcome_columns():
        hint = "" if outcome else f" (the baseline's headline is {column})"
        raise UsageError(
            f"a batch compares an outcome: one of {', '.join(base.outcome_columns())}{hint}; "
            "questions are compared in questions.csv",
            "--outcome",
        )
    return column


def _write_tables(out: Path, names: list[str], base: str, seed_policy: str, outcome: str) -> None:
    """The comparison of `outcome` and the questions' table, as Parquet and CSV."""
    runs = {name: load_run(out / name) for name in names}
    table = compare(runs, base, seed_policy, outcome)
    write_parquet_atomic(out / "comparison.parquet", table)
    table.to_csv(out / "comparison.csv", index=False)
    questions = compare_questions(runs, base, seed_policy)
    write_parquet_atomic(out / "questions.parquet", questions)
    questions.to_csv(out / "questions.csv", index=False)


def compare(
    runs: dict[str, Run], baseline: str, seed_policy: str, outcome: str = "persistent"
) -> pd.DataFrame:
    """One row per scenario: probability of `outcome` with its interval, the difference
    from the baseline with its interval, and the median day from which `outcome` holds
    (Kaplan-Meier, censored at the horizon; NaN when not reached)."""
    base = runs[baseline].outcomes
    frame = question_frame(runs[baseline])
    rows = []
    for name, run in runs.items():
        o = run.outcomes
        est = run.summary.outcomes[outcome].estimate
        unlike = _unlike(question_frame(run), frame)
        paired = _paired(seed_policy, o, base) and not unlike
        if unlike:
            diff = lo = hi = math.nan
        else:
            diff, lo, hi = _difference(o[outcome], base[outcome], paired)
        median_day = _median_day(run, outcome)
        rows.append(
            {
                "member": name,
                "scenario": run.name,
                "replicates": len(o),
                "p": est.p,
                "low": est.low,
                "high": est.high,
                "diff": diff,
                "diff_low": lo,
                "diff_high": hi,
                "paired": paired,
                "comparable": not unlike,
                "unlike": unlike,
                "outcome": outcome,
                "median_day": math.nan if median_day is None else median_day,
                "median_date": None if median_day is None else _date(run, median_day),
                "baseline": name == baseline,
            }
        )
    return pd.DataFrame(rows)


def compare_questions(runs: dict[str, Run], baseline: str, seed_policy: str) -> pd.DataFrame:
    """One row per member and forecast question: its probability with its interval and,
    for a member comparable with the baseline that asks the same question, the difference
    from the baseline's (paired by replicate under common random numbers). This is the
    side-by-side of, say, a scenario and its calibrated version, question by question."""
    base = runs[baseline]
    frame = question_frame(base)
    asked = {q.id for q in base.summary.questions}
    rows = []
    for name, run in runs.items():
        unlike = _unlike(question_frame(run), frame)
        for q in run.summary.questions:
            column = paths.question(q.id)
            e = q.estimate
            row = {
                "member": name,
                "scenario": run.name,
                "question": q.id,
                "text": q.question,
                "p": e.p,
                "low": e.low,
                "high": e.high,
                "diff": math.nan,
                "diff_low": math.nan,
                "diff_high": math.nan,
                "compared": False,
            }
            if name != baseline and not unlike and q.id in asked:
                mine, theirs = run.outcomes[column], base.outcomes[column]
                d = _difference(mine, theirs, _paired(seed_policy, mine, theirs))
                row.update(diff=d[0], diff_low=d[1], diff_high=d[2], compared=True)
            rows.append(row)
    return pd.DataFrame(rows, columns=[*_QUESTION_COLUMNS])


_QUESTION_COLUMNS = (
    "member",
    "scenario",
    "question",
    "text",
    "p",
    "low",
    "high",
    "diff",
    "diff_low",
    "diff_high",
    "compared",
)


#: The most characters a member's name takes in a printed table (longer ones end in "…").
NAME_WIDTH = 60


def name_width(names: pd.Series) -> int:
    """The column width for member names: the longest, up to NAME_WIDTH, plus a space."""
    return min(max([len("scenario"), *(len(n) for n in names)]), NAME_WIDTH) + 1


def fit(name: str, width: int) -> str:
    """`name` cut to `width` characters, ending in an ellipsis when it was cut."""
    return name if len(name) <= width else name[: width - 1] + "…"


def _paired(seed_policy: str, mine: pd.Series | pd.DataFrame, theirs: Any) -> bool:
    """Whether two members' replicates pair up one to one (common random numbers)."""
    return seed_policy == "common" and len(mine) == len(theirs)


def _difference(mine: pd.Series, theirs: pd.Series, paired: bool) -> tuple[float, float, float]:
    """P(mine) - P(theirs) with its Newcombe interval, paired by replicate or not."""
    if paired:
        return paired_difference(mine.to_numpy(), theirs.to_numpy())
    return independent_difference(int(mine.sum()), len(mine), int(theirs.sum()), len(theirs))


def question_frame(run: Run) -> dict[str, Any]:
    """What a run's outcome is a question about: the country watched, from when, for how
    long. Two runs answer the same question only when all three agree."""
    scenario = run.manifest["scenario"]
    host = scenario["outcomes"]["host"] or next(
        (a["name"] for a in scenario["actors"] if a["role"] == "client_regime"), None
    )
    country = next(
        (a.get("country") or a["name"] for a in scenario["actors"] if a["name"] == host), host
    )
    return {"country": country, "start": run.start_date, "days": run.horizon_days}


def _unlike(frame: dict[str, Any], base: dict[str, Any]) -> str:
    """Why a member's outcome is not the baseline's question ("" when it is)."""
    what = {"country": "another country", "start": "another start date", "days": "another horizon"}
    return ", ".join(
        f"{what[k]} ({frame[k]} against {base[k]})" for k in what if frame[k] != base[k]
    )


def _median_day(run: Run, outcome: str) -> int | None:
    """The first day on which at least half the replicates hold `outcome` (Kaplan-Meier),
    or None if that is not reached by the horizon."""
    curve = run.persistence_curve(outcome)
    reached = curve.loc[curve["p"] >= 0.5, "day"]
    return None if reached.empty else int(reached.iloc[0])


def _date(run: Run, day: int) -> str:
    return date_of(dt.date.fromisoformat(run.start_date), day).isoformat()
