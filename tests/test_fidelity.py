"""The engine's answers for fixed seeds, pinned: a speed-up must not change a replicate.

The fixture holds, for every shipped scenario, SHA-256 digests of 200 replicates'
outcome records, monthly trajectories, presence spans and events. Any change to what a
replicate does, on purpose or not, changes a digest. After an intended model change,
regenerate the fixture and say why in the commit:

    python -m tests.test_fidelity
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import pytest

from sim.engine.plan import Plan
from sim.engine.replicate import outcome_record, run_replicates
from sim.scenario.loader import load
from tests.conftest import SCENARIOS

FIXTURE = Path(__file__).parent / "fixtures" / "fidelity.json"
SEED, N = 20200916, 200


def digests(path: Path) -> dict[str, str]:
    """Digests of what `N` replicates of the scenario at `path` did, part by part."""
    plan = Plan(load(path))
    runs = run_replicates(plan, SEED, 0, N)
    parts = {
        "outcomes": [outcome_record(plan, r) for r in runs],
        "trajectories": [r.trajectory.tolist() for r in runs],
        "spans": [[dataclasses.asdict(s) for s in r.ledger.spans] for r in runs],
        "events": [[dataclasses.asdict(e) for e in r.ledger.events] for r in runs],
    }
    return {
        name: hashlib.sha256(json.dumps(part, sort_keys=True).encode()).hexdigest()
        for name, part in parts.items()
    }


def scenario_files() -> list[Path]:
    return sorted(SCENARIOS.glob("*.yaml"))


@pytest.mark.digest
@pytest.mark.parametrize("path", scenario_files(), ids=lambda p: p.stem)
def test_replicates_match_the_pinned_digests(path):
    expected = json.loads(FIXTURE.read_text())[path.name]
    assert digests(path) == expected, (
        f"{path.name}: the replicates changed; if on purpose, run `python -m tests.test_fidelity`"
    )


def test_keeping_no_events_changes_nothing_else():
    plan = Plan(load(SCENARIOS / "belarus_2020.yaml"))
    full = run_replicates(plan, SEED, 0, 60)
    lean = run_replicates(plan, SEED, 0, 60, events=False)
    assert all(r.ledger.events for r in full) and not any(r.ledger.events for r in lean)
    for a, b in zip(full, lean, strict=True):
        assert outcome_record(plan, a) == outcome_record(plan, b)
        assert a.ledger.spans == b.ledger.spans
        assert a.trajectory.tobytes() == b.trajectory.tobytes()


if __name__ == "__main__":
    FIXTURE.write_text(json.dumps({p.name: digests(p) for p in scenario_files()}, indent=2) + "\n")
    print(f"wrote {FIXTURE}")
