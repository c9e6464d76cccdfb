"""Tracks that belong to a patron (``tracks[].patron``): only their owner presses them,
holds their rungs, draws their effects and takes up requests on them; a track without an
owner is every patron's, each holding its own rung, as before.

On hand-set books and negotiations (the stand-ins of test_negotiation), on the checks a
scenario gets, and on runs of a two-patron toy.
"""

from __future__ import annotations

import copy
from types import SimpleNamespace

import numpy as np
import pytest
import yaml

from sim.engine import bargaining
from sim.engine.clock import DayClock
from sim.engine.concessions import ConcessionBook
from sim.engine.forces import Presence
from sim.engine.holdings import Holdings
from sim.engine.ledger import Ledger
from sim.engine.negotiation import Negotiation
from sim.engine.plan import Plan
from sim.engine.replicate import run_replicates
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import loads
from sim.scenario.outcomes import OUTCOME_NAMES
from tests.conftest import MINIMAL
from tests.helpers import make_track, outcomes_of
from tests.test_negotiation import Client, Draws, Patron, Told

PARIS, MOSCOW = ("paris", "bamako"), ("moscow", "bamako")


def book() -> ConcessionBook:
    """Paris's track `barkhane` (2 rungs above the first, a 30-day cadence at rung 1),
    Moscow's `wagner` (1 rung), and a shared `talks` (1 rung, a 45-day cadence)."""
    b = ConcessionBook(
        {
            "barkhane": make_track(
                "barkhane", ("none", "bases", "more"), patron="paris", interval=(None, 30.0, None)
            ),
            "wagner": make_track("wagner", ("none", "contractors"), patron="moscow"),
            "talks": make_track("talks", ("none", "accord"), interval=(None, 45.0)),
        }
    )
    b.add_relation(PARIS)
    b.add_relation(MOSCOW)
    return b


def test_a_patron_presses_its_own_tracks_and_the_shared_ones_only():
    b = book()
    assert [t for t, _, _ in bargaining.pressable(b, PARIS)] == ["barkhane", "talks"]
    assert [t for t, _, _ in bargaining.pressable(b, MOSCOW)] == ["talks", "wagner"]


def test_another_patrons_track_gives_no_effect_and_no_share_to_hold():
    """Moscow's effects ignore barkhane's rungs, even its first; the share of rungs held
    counts each relation over the tracks its patron may hold: Paris 3 (2 + 1), Moscow
    2 (1 + 1), so one rung each is 2 of 5."""
    b = book()
    assert b.effects(MOSCOW).interval == float("inf")
    b.grant(PARIS, "barkhane", 0, None)
    assert b.effects(PARIS).interval == 30.0 and b.effects(MOSCOW).interval == float("inf")
    b.grant(MOSCOW, "talks", 0, None)  # a shared track after Paris's own, in order
    assert b.effects(MOSCOW).interval == 45.0
    b.revoke(MOSCOW, "talks")
    b.grant(MOSCOW, "wagner", 0, None)
    assert b.held_share([PARIS, MOSCOW]) == pytest.approx(2 / 5)
    assert b.held_share([PARIS]) == pytest.approx(1 / 3)


def test_without_owners_the_share_and_the_effects_are_as_before():
    shared = ConcessionBook({"talks": make_track("talks", ("none", "a", "b"))})
    shared.add_relation(PARIS)
    shared.add_relation(MOSCOW)
    shared.grant(PARIS, "talks", 0, None)
    assert shared.held_share([PARIS, MOSCOW]) == pytest.approx(1 / 4)
    assert not shared.owned


def two_suitors(paris_leverage: float, moscow_leverage: float):
    """A negotiation over book() with both patrons courting the client."""
    ledger, b, clock = Ledger(n_days=700), book(), DayClock()
    paris = Patron(name="paris", leverage=paris_leverage, ambition=1.0, draws=Draws(0.0))
    moscow = Patron(name="moscow", leverage=moscow_leverage, ambition=1.0, draws=Draws(0.0))
    client = Client(name="bamako", accept=1.0, draws=Draws(0.0, 0.0))
    cast = SimpleNamespace(
        patrons={"paris": paris, "moscow": moscow},
        regimes={"bamako": client},
        patrons_of={"bamako": [paris, moscow]},
        clients_of={"bamako": [PARIS, MOSCOW]},
    )
    holdings = Holdings(clock, ledger, b, Presence(ledger))
    answers = lambda _name: client.draws  # noqa: E731 - the client answers either patron
    n = Negotiation(clock, ledger, b, cast, holdings, Told(book=b), answers, [0, 30])
    return n, ledger, b


def test_a_request_goes_to_the_patron_with_most_leverage_that_has_a_track_to_offer():
    n, ledger, b = two_suitors(paris_leverage=0.2, moscow_leverage=0.7)
    n.request("bamako")
    assert ledger.events[0].detail == "asks moscow for talks: accord"
    assert b.level(MOSCOW, "talks") == 1
    b.grant(MOSCOW, "wagner", 0, None)  # Moscow has nothing left to climb
    n.cast.patrons["paris"].draws = Draws(0.0)
    n.cast.regimes["bamako"].draws = Draws(0.0, 0.0)
    n.request("bamako")
    assert b.level(PARIS, "barkhane") == 1, "its cheapest own track (ties: by name)"
    assert [e.detail for e in ledger.events if e.kind == "request"][-1] == (
        "asks paris for barkhane: bases"
    )


# ------------------------------------------------------------------ the scenario


def mali() -> dict:
    """MINIMAL as tracks: `barkhane` is the patron's, `wagner` the rival's."""
    data = copy.deepcopy(MINIMAL)
    data["actors"].insert(1, {"name": "rival", "role": "patron", "params": {"ambition": 0.9}})
    ladder = data.pop("ladder")
    wagner = [
        dict(ladder[0]),
        {"name": "contractors", "cost": 0.1, "exercise_interval_days": 20},
        {"name": "rival_base", "cost": 0.3, "basing": True, "basing_lead_time_days": 10},
    ]
    data["tracks"] = [
        {"name": "barkhane", "patron": "patron", "rungs": ladder},
        {"name": "wagner", "patron": "rival", "rungs": wagner},
    ]
    data["tracks"][1]["rungs"][0]["name"] = "no_contractors"
    data["operations"]["recurring"].append(
        {"patron": "rival", "duration_days": 10, "units": ["contractors"]}
    )
    return data


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (lambda d: d["tracks"][1].update(patron="rivl"), "tracks[1].patron",
         "unknown patron 'rivl'"),
        (lambda d: d["actors"][0].update(start_rung={"rung": "contractors"}),
         "actors[0].start_rung.rung", "track 'wagner' is rival's"),
        (lambda d: d["operations"]["summits"][0].update(effect="demands", track="wagner"),
         "operations.summits[0].track", "track 'wagner' is rival's"),
        (lambda d: d["operations"]["summits"][0].update(effect="implements", rung="rival_base"),
         "operations.summits[0].rung", "track 'wagner' is rival's"),
    ],
)  # fmt: skip
def test_a_patron_acting_on_anothers_track_is_refused_at_its_line(change, field, message):
    data = mali()
    change(data)
    with pytest.raises(ScenarioError) as caught:
        loads(yaml.safe_dump(data))
    found = {p.field: p.message for p in caught.value.problems}
    assert field in found, found
    assert message in found[field]


def test_no_concession_is_ever_granted_on_another_patrons_track():
    """Two hundred replicates of the two-patron toy: every concession in every ledger is
    on a track its patron owns, and each patron gets some."""
    plan = Plan(loads(yaml.safe_dump(mali())))
    owner = {"barkhane": "patron", "wagner": "rival"}
    got = {"patron": 0, "rival": 0}
    for run in run_replicates(plan, 3, 0, 200, events=False):
        for c in run.ledger.concessions:
            assert owner[c.track] == c.patron, c
            got[c.patron] += 1
    assert got["patron"] > 0 and got["rival"] > 0, got


# ------------------------------------------------------------------ separation


def alone(data: dict, patron: str) -> dict:
    """`data` with only `patron`: the other patron, its track and its operations gone."""
    one = copy.deepcopy(data)
    tracks = [t for t in one["tracks"] if t["patron"] == patron]
    gone = {t["patron"] for t in one["tracks"]} - {patron}
    one["tracks"] = tracks
    one["actors"] = [a for a in one["actors"] if a["name"] not in gone]
    ops = one["operations"]
    for kind in ("exercises", "recurring", "summits"):
        ops[kind] = [o for o in ops.get(kind, []) if o["patron"] == patron]
    return one


def separate() -> dict:
    """The two-patron toy with no rival effects: no alliance watching (it reacts to any
    patron's gains), no requests (they go to the patron with most leverage), and no
    outside option (the default)."""
    data = mali()
    data["actors"] = [a for a in data["actors"] if a["role"] != "alliance"]
    data["actors"][2]["params"]["request_propensity"] = 0.0
    return data


@pytest.mark.parametrize("patron", ["patron", "rival"])
def test_each_patron_without_rival_effects_fares_as_it_would_alone(patron):
    """Same seed, 150 replicates: in the two-patron toy each patron's concessions (days,
    tracks, rungs, control) and its outcomes are those of a run with it alone, replicate
    by replicate: its client answers it from its own stream and depends on it by what it
    holds."""
    both = Plan(loads(yaml.safe_dump(separate())))
    one = Plan(loads(yaml.safe_dump(alone(separate(), patron))))
    assert both.scenario.patrons() != one.scenario.patrons()
    runs = zip(
        run_replicates(both, 5, 0, 150, events=False),
        run_replicates(one, 5, 0, 150, events=False),
        strict=True,
    )
    granted = 0
    for a, b in runs:
        mine = [c for c in a.ledger.concessions if c.patron == patron]
        assert mine == b.ledger.concessions
        granted += len(mine)
    assert granted > 20, "the toy's patron bargains, so the comparison is not empty"
    two, solo = outcomes_of(both, 150, 5), outcomes_of(one, 150, 5)
    for name in OUTCOME_NAMES:
        for column in (name, f"{name}_day"):
            theirs = two[column.replace(name, f"{name}.{patron}", 1)].to_numpy()
            assert np.array_equal(theirs, solo[column].to_numpy(), equal_nan=True), column
