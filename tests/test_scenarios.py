"""The shipped scenarios are grounded: every parameter is cited or marked an assumption."""

from __future__ import annotations

import pytest

from sim.engine.draws import parameter_table
from sim.scenario.loader import load
from tests.conftest import SCENARIOS

FILES = sorted(SCENARIOS.glob("*.yaml"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_parameter_is_in_one_of_the_three_tiers(path):
    """A cited value, a cited direction or an assumption: nothing uncited."""
    table = parameter_table(load(path))
    ungrounded = [e.path for e in table if e.status not in ("cited", "direction", "assumption")]
    assert not ungrounded, f"neither cited nor marked an assumption: {ungrounded}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_assumptions_are_distributions_not_point_values(path):
    table = parameter_table(load(path))
    fixed = [e.path for e in table if e.status == "assumption" and e.spec.is_fixed]
    assert not fixed, f"assumptions should carry a distribution: {fixed}"


def test_baseline_casts_the_four_actors_of_the_mission():
    s = load(SCENARIOS / "belarus_2020.yaml")
    roles = {a.name: a.role for a in s.actors}
    assert roles == {
        "kremlin": "patron",
        "lukashenko": "client_regime",
        "protests": "protest_movement",
        "nato": "alliance",
    }
    assert s.metadata.start_date.isoformat() == "2020-09-16"
    assert s.metadata.horizon_months == 24
