"""Cross-checks of the concession tracks: rung effects inside their bounds, lead times not
negative, rungs ordered by cost, track numbers in range."""

from __future__ import annotations

from collections.abc import Iterator

from sim.scenario.checking import Found, check_probability, unique, unknown
from sim.scenario.nodes import Path
from sim.scenario.schema import Scenario
from sim.scenario.tracks import HELD_EFFECTS, Track

#: What each rung effect must lie in (checked here, reused by parameter overrides).
#: The closed range of each drawn number of a rung: its cost and its drawn held effects.
RUNG_BOUNDS: dict[str, tuple[float, float]] = {
    "cost": (0.0, 1.0),
    **{f: e.bounds for f, e in HELD_EFFECTS.items() if e.drawn and e.bounds is not None},
}
_EXERCISE_EFFECTS = ("exercise_interval_days", "stay_probability", "bridge_tolerance_days")


def check_tracks(s: Scenario) -> Iterator[Found]:
    if s.tracks is None and len(s.ladder or []) < 2:
        found = len(s.ladder or [])
        yield (
            ("ladder",),
            f"needs at least two rungs (the status quo and one concession); found {found}",
        )
        return
    if s.tracks is not None and not s.tracks:
        yield (("tracks",), "needs at least one track")
        return
    if s.tracks is not None:
        yield from unique(s.tracks, "name", ("tracks",))
        patrons = s.patrons()
        for t, track in enumerate(s.tracks):
            if track.patron is not None and track.patron not in patrons:
                yield (("tracks", t, "patron"), unknown("patron", track.patron, patrons))
    seen: set[str] = set()
    for t, track in enumerate(s.all_tracks):
        at: Path = ("ladder",) if s.tracks is None else ("tracks", t, "rungs")
        for i, r in enumerate(track.rungs):
            if r.name in seen:
                yield (
                    (*at, i, "name"),
                    f"duplicate rung name '{r.name}' (names are unique across tracks)",
                )
            seen.add(r.name)
        yield from _check_rungs(track, at, needs_exercises=s.tracks is None)
        if s.tracks is not None:
            yield from _check_track_numbers(track, ("tracks", t))


def _check_rungs(track: Track, at: Path, needs_exercises: bool) -> Iterator[Found]:
    """A track's rungs: bounds, lead times, cost order, and the exercise effects its first
    rung sets for the others to inherit (a ladder's first rung must set them all)."""
    base = track.rungs[0]
    given = [f for f in _EXERCISE_EFFECTS if getattr(base, f) is not None]
    if needs_exercises or given:
        for field in _EXERCISE_EFFECTS:
            if getattr(base, field) is None:
                yield ((*at, 0, field), "the first rung must set it (later rungs inherit)")
    for i, r in enumerate(track.rungs):
        for field, (low, high) in RUNG_BOUNDS.items():
            ps = getattr(r, field)
            if ps is not None and (ps.support[0] < low or ps.support[1] > high):
                yield ((*at, i, field), f"must lie in [{low:g}, {high:g}]; found {ps.describe()}")
        for field, ps in (
            ("delivers", r.delivers.lead_time_days if r.delivers else None),
            ("basing_lead_time_days", r.basing_lead_time_days),
        ):
            if ps is not None and ps.support[0] < 0:
                path = (*at, i, field) + (("lead_time_days",) if field == "delivers" else ())
                yield (path, f"a lead time cannot be negative; found {ps.describe()}")
    costs = [r.cost.mean() for r in track.rungs]
    for i in range(1, len(costs)):
        if costs[i] < costs[i - 1]:
            yield (
                (*at, i, "cost"),
                f"the rungs must be ordered by cost: rung '{track.rungs[i].name}' (mean cost "
                f"{costs[i]:.2f}) is cheaper than '{track.rungs[i - 1].name}' ({costs[i - 1]:.2f})",
            )


def _check_track_numbers(track: Track, at: Path) -> Iterator[Found]:
    if track.priority.support[0] < 0:
        yield (
            (*at, "priority"),
            f"a priority cannot be negative; found {track.priority.describe()}",
        )
    rev = track.reversal
    if rev is None:
        return
    yield from check_probability(rev.hazard, (*at, "reversal", "hazard"))
    if rev.entrenchment_months.support[0] <= 0:
        yield (
            (*at, "reversal", "entrenchment_months"),
            f"must be above 0 months; found {rev.entrenchment_months.describe()}",
        )
