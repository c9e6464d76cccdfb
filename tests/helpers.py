"""Helpers several test modules share: a plan's replicates run in memory, and a run
interrupted at a known point."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from sim.engine.concessions import Track
from sim.engine.plan import Plan
from sim.runs.run_summary import (
    BranchingRecord,
    Horizon,
    JudgmentCheck,
    OutcomeEstimate,
    Proportion,
    QuestionEstimate,
    RunSummary,
    TimeTo,
    When,
)
from sim.runs.runner import execute
from sim.runs.store import chunk_bounds
from sim.scenario.tracks import HELD_EFFECTS


def simulate(plan: Plan, replicates: int, seed: int, workers=1, detail=False, chunk=250) -> dict:
    """Every table of `replicates` replicates from root `seed`, concatenated in replicate
    order (what a run folder would hold, without writing one)."""
    done = dict(execute(plan, seed, chunk_bounds(replicates, chunk), workers, detail))
    names = [name for name, _ in done[0].items()] if done else []
    return {
        name: pd.concat([getattr(done[k], name) for k in sorted(done)], ignore_index=True)
        for name in names
    }


#: A made-up fact for Belarus that about two thirds of the histories meet.
NEW_YEAR = {"id": "new_year", "metric": "present_on", "end": "2021-01-01", "value": True,
            "as_of": "2021-01-02", "source": "made up"}  # fmt: skip


def belarus_observing(folder: Path, *observed: dict) -> Plan:
    """The Belarus scenario conditioned on `observed` (written to `folder`)."""
    import yaml

    from sim.scenario.loader import load
    from tests.conftest import BELARUS

    log = folder / "observed.yaml"
    log.write_text(yaml.safe_dump({"observations": list(observed)}))
    return Plan(load(BELARUS, log))


def outcomes_of(plan: Plan, replicates: int, seed: int, workers=1) -> pd.DataFrame:
    """The outcome table of `replicates` replicates from root `seed`."""
    return simulate(plan, replicates, seed, workers)["outcomes"]


# ------------------------------------------------------------------ interrupting a run

#: How long a test waits for an event it needs before giving up: a safety net against a
#: hang, not a measure of speed (a loaded machine may be many times slower than usual).
SAFETY_NET_S = 600.0


def wait_for_files(folder: Path, pattern: str, at_least: int, proc: subprocess.Popen) -> None:
    """Wait until `folder` holds `at_least` files matching `pattern`, while `proc` runs."""
    deadline = time.monotonic() + SAFETY_NET_S
    while len(list(folder.glob(pattern))) < at_least:
        if proc.poll() is not None:
            raise AssertionError(f"the run ended (status {proc.returncode}) before the test")
        if time.monotonic() > deadline:
            raise AssertionError(f"no {at_least} files {pattern} in {SAFETY_NET_S:.0f} s")
        time.sleep(0.01)


def descendants(pid: int) -> dict[int, int]:
    """Every descendant process of `pid`, with its depth below it."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    out, frontier, depth = {}, {pid}, 0
    while frontier:
        depth += 1
        frontier = {p for p, pp in parents.items() if pp in frontier}
        out.update(dict.fromkeys(frontier, depth))
    return out


@contextlib.contextmanager
def frozen(proc: subprocess.Popen) -> Iterator[None]:
    """Stop `proc`'s whole process group (it must lead one: ``start_new_session``) for the
    block, and let it go on after: what the test does to it then happens at a known point
    of the run, however fast or slow the machine is."""
    os.killpg(proc.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        with contextlib.suppress(ProcessLookupError):  # the block may have killed them all
            os.killpg(proc.pid, signal.SIGCONT)


def make_track(name: str, rungs: tuple[str, ...], **fields) -> Track:
    """A concession track for hand-set tests: rungs costing 0.1 apiece, setting no
    cadence, delivering nothing and settling nothing, unless `fields` say otherwise (a
    held effect by its engine name: ``interval=(None, 30.0)``, ``standing=(False, True)``)."""
    n = len(rungs)
    held = {e.name: (None,) * n for e in HELD_EFFECTS.values() if e.drawn}
    held |= {e.name: (e.none,) * n for e in HELD_EFFECTS.values() if not e.drawn}
    held |= {k: fields.pop(k) for k in list(fields) if k in held}
    base = {
        "name": name,
        "rungs": rungs,
        "cost": tuple(0.1 * i for i in range(n)),
        "held": held,
        "delivery": (None,) * n,
        "basing_lead": (None,) * n,
        "settles_control": (False,) * n,
    }
    return Track(**{**base, **fields})


def run_summary(
    questions=(), outcomes=None, kept: int | None = None, branching=False, judgments=()
) -> RunSummary:
    """A run's summary with only what a track reads set: its questions and outcomes,
    the replicates it kept, whether it branched."""
    never = TimeTo(When(None, None), When(None, None), When(None, None))
    return RunSummary(
        scenario="s",
        replicates=100,
        horizon=Horizon("2020-09-16", "2021-09-16", 365),
        outcomes=outcomes or {},
        time_to_persistent=never,
        time_to_ever_continuous=never,
        rungs={},
        mean_presence_days=0.0,
        judgments=list(judgments),
        posterior=None,
        questions=list(questions),
        kept=Proportion.of(kept, 200) if kept is not None else None,
        branching=BranchingRecord([], "asked for", 0.0, 0, "Eve") if branching else None,
    )


def question(id: str, p: float, low: float, high: float, n: int = 100) -> QuestionEstimate:
    """A forecast question's entry in a summary, its share set by hand."""
    share = Proportion(p, low, high, round(p * n), n)
    return QuestionEstimate(id, f"{id}?", None, "2021-06-01", "rung_by", False, share)


def outcome(p: float, low: float, high: float, n: int = 100) -> OutcomeEstimate:
    """An outcome's entry in a summary, its share set by hand."""
    return OutcomeEstimate(Proportion(p, low, high, round(p * n), n), "label", "definition")


def judgment(id: str, p: float, low: float, high: float, n: int = 100) -> JudgmentCheck:
    """A judgment's entry in a summary, its share set by hand (the word "likely")."""
    share = Proportion(p, low, high, round(p * n), n)
    return JudgmentCheck(id, "claim", None, False, "", "likely", (0.55, 0.8), share,
                         "in range", "likely")  # fmt: skip
