"""Outcomes: pure functions of a closed ledger.

The outcomes are declared once, in :mod:`sim.scenario.outcomes` (name, label, kind,
definition); here each has its rule (:data:`RULES`): for each day of the horizon, whether
it holds *as of* that day (:meth:`Facts.daily`). From that one array come the outcome at
the horizon, the day it first held, and the day from which it held without a break to
the horizon. A new outcome is its declaration there and its rule here.

* ``persistent``: a presence that still holds at the horizon: forces present on at least
  ``threshold`` of the final ``window_days`` days, or basing in place;
* ``presence_at_horizon``: forces present on at least ``threshold`` of the final window;
* ``basing``: basing in place (what counts is the scenario's ``outcomes.basing_from``);
* ``ever_continuous``: some ``window_days`` window with presence on at least ``threshold``
  of its days, at any point so far (the first model's "continuous presence");
* ``withdrawn``: persistent presence held on some day so far and does not hold on this
  one; its day column is the day the patron's presence ended without returning (an exit).

Days are offsets from the scenario start; spans are half-open.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import numpy as np

from sim.engine.ledger import Ledger
from sim.scenario.outcomes import OUTCOMES
from sim.scenario.schema import Scenario


def interval_days(n_days: int, spans: list[tuple[int, int | None]]) -> np.ndarray:
    """Bool per day: covered by any of the half-open ``(start, end)`` spans (None: open)."""
    out = np.zeros(n_days, dtype=bool)
    for start, end in spans:
        out[start : n_days if end is None else end] = True
    return out


def cumulative(present: np.ndarray) -> np.ndarray:
    """Days with presence before each day: ``c[d]`` counts days ``0..d-1`` (length n + 1)."""
    out = np.zeros(present.size + 1, dtype=np.int32)
    np.cumsum(present, out=out[1:])
    return out


def window_held(
    present: np.ndarray, window: int, threshold: float, csum=None, before: int = 0
) -> np.ndarray:
    """Bool per day d: presence on at least `threshold` of the `window` days ending on d.
    The days before the start date count as present for the `before` days just before it
    (a presence in place since then), and as absent before those: with ``before = 0`` no
    window holds before the first one completes, on day ``window - 1``."""
    out = np.zeros(present.size, dtype=bool)
    need = math.ceil(threshold * window - 1e-9)
    csum = cumulative(present) if csum is None else csum
    if window <= present.size:
        out[window - 1 :] = (csum[window:] - csum[:-window]) >= need
    if before > 0:
        inside = np.arange(1, min(window, present.size + 1))  # days 0.. of the first window
        out[inside - 1] = csum[inside] + np.minimum(before, window - inside) >= need
    return out


def first_day(daily: np.ndarray) -> int | None:
    hits = np.flatnonzero(daily)
    return int(hits[0]) if hits.size else None


def held_from(daily: np.ndarray) -> int | None:
    """The day from which `daily` holds without a break to the last day (None if not)."""
    if not daily.size or not daily[-1]:
        return None
    breaks = np.flatnonzero(~daily)
    return int(breaks[-1]) + 1 if breaks.size else 0


class Held(NamedTuple):
    """A level held on a track by a patron over ``[start, end)`` days, under `controller`
    (a named tuple: every replicate's tabulation makes a few, and a frozen dataclass
    costs five times as much to make)."""

    patron: str
    track: str
    level: int
    controller: str | None
    start: int
    end: int


def track_history(ledger: Ledger, host: str) -> list[Held]:
    """Every level held in `host`, replayed from the ledger's concessions (ups push a
    level, downs pop one; changes on one day count from that day)."""
    stacks: dict[tuple[str, str], list[tuple[int, str | None, int]]] = {}
    out: list[Held] = []
    for c in ledger.concessions:
        if c.client != host:
            continue
        stack = stacks.setdefault((c.patron, c.track), [(0, None, 0)])
        level, controller, since = stack[-1]
        out.append(Held(c.patron, c.track, level, controller, since, c.day))
        if c.up:
            stack.append((c.rung, c.controller or controller, c.day))
        else:
            stack.pop()
            stack[-1] = (stack[-1][0], stack[-1][1], c.day)
    for (patron, track), stack in stacks.items():
        level, controller, since = stack[-1]
        out.append(Held(patron, track, level, controller, since, ledger.n_days))
    return [h for h in out if h.end > h.start]


@dataclass
class Facts:
    """What one replicate's outcomes and events are judged on, computed once."""

    scenario: Scenario
    ledger: Ledger
    _daily: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _patrons: dict[str, Facts] = field(default_factory=dict, repr=False)

    def of_patron(self, patron: str | None) -> Facts:
        """The facts as if `patron` were the only patron: its forces, systems, bases,
        exercises and rungs (None: these facts, every patron's). Computed once each."""
        if patron is None:
            return self
        view = self._patrons.get(patron)
        if view is None:
            view = self._patrons[patron] = Facts(self.scenario, self.ledger.of_patron(patron))
        return view

    @property
    def n_days(self) -> int:
        return self.ledger.n_days

    @cached_property
    def host(self) -> str:
        return self.scenario.host

    @cached_property
    def present(self) -> np.ndarray:
        """Bool per day: any foreign forces in the host."""
        host = self.host
        return interval_days(
            self.n_days, [(s.start, s.end) for s in self.ledger.spans if s.host == host]
        )

    @cached_property
    def csum(self) -> np.ndarray:
        """Days with presence before each day (:func:`cumulative`)."""
        return cumulative(self.present)

    @cached_property
    def before(self) -> int:
        """Days of presence just before the start date: a starting rung that brings
        standing forces, in place in this replicate and held since ``held_since``, had
        its forces there every day since (the longest such; 0 without one)."""
        s, days = self.scenario, 0
        for a in s.actors:
            for start in a.start_rungs:
                if start.held_since is not None:
                    days = max(days, self._held_before(a.name, start.rung, start.held_since))
        return days

    def _held_before(self, patron: str, rung: str, since: dt.date) -> int:
        """Days `patron`'s starting `rung` held before the start date, if it was in place
        in this replicate and it or a rung below it brings standing forces (else 0)."""
        s = self.scenario
        track, level = s.rung_location(rung)
        at_start = [c for c in self.ledger.concessions if c.at_start and c.patron == patron]
        held = max((c.rung for c in at_start if c.track == track), default=0)
        rungs = next(t for t in s.all_tracks if t.name == track).rungs[1 : level + 1]
        if held < level or not any(r.standing for r in rungs):
            return 0
        return (s.metadata.start_date - since).days

    @cached_property
    def history(self) -> list[Held]:
        return track_history(self.ledger, self.host)

    @cached_property
    def basing_days(self) -> np.ndarray:
        """Bool per day: basing in place, by the scenario's ``basing_from``."""
        counts, led, host = self.scenario.outcomes.basing_from, self.ledger, self.host
        spans: list[tuple[int, int | None]] = []
        if "permanent_base" in counts:
            spans += [(b.day, b.end) for b in led.basings if b.host == host]
        if "patron_system" in counts:
            spans += [
                (s.day, s.end) for s in led.systems if s.host == host and s.controller == "patron"
            ]
        if "patron_integration" in counts:
            spans += [
                (h.start, h.end) for h in self.history if h.level > 0 and h.controller == "patron"
            ]
        return interval_days(self.n_days, spans)

    @cached_property
    def final_levels(self) -> dict[str, int]:
        """The highest level any patron holds on each track at the horizon."""
        levels: dict[tuple[str, str], int] = {}
        for c in self.ledger.concessions:
            if c.client == self.host:
                levels[(c.patron, c.track)] = c.rung if c.up else c.rung - 1
        out: dict[str, int] = {}
        for (_, track), level in levels.items():
            out[track] = max(out.get(track, 0), level)
        return out

    @cached_property
    def highest_levels(self) -> dict[str, int]:
        """The highest level reached on each track at any time."""
        out: dict[str, int] = {}
        for c in self.ledger.concessions:
            if c.client == self.host and c.up and c.rung > out.get(c.track, 0):
                out[c.track] = c.rung
        return out

    def daily(self, name: str) -> np.ndarray:
        """Bool per day: whether outcome `name` holds as of that day (its rule, once)."""
        arr = self._daily.get(name)
        if arr is None:
            arr = self._daily[name] = RULES[name](self)
        return arr

    def at(self, name: str, day: int) -> bool:
        """Whether outcome `name` holds as of `day` (clipped to the horizon)."""
        return bool(self.daily(name)[min(max(day, 0), self.n_days - 1)])

    def outcome_day(self, name: str) -> int | None:
        """The outcome's day column: when it first held (``ever``), or from when it held
        without a break to the horizon (``state``)."""
        daily = self.daily(name)
        return first_day(daily) if OUTCOMES[name].kind == "ever" else held_from(daily)

    def level_on(self, track: str, day: int, controller: str | None = None) -> int:
        """The highest level any patron holds on `track` on `day` (with `controller`: only
        levels held under that side's settlement)."""
        return max(
            (
                h.level
                for h in self.history
                if h.track == track
                and h.start <= day < h.end
                and (controller is None or h.controller == controller)
            ),
            default=0,
        )

    def highest(self, track: str) -> int:
        """The highest level reached on `track` at any time."""
        return self.highest_levels.get(track, 0)

    def systems_at_horizon(self) -> dict[str, int]:
        """How many delivered systems in the host each side controls at the horizon."""
        out = {"patron": 0, "client": 0}
        for s in self.ledger.systems:
            if s.host == self.host and s.end is None:
                out[s.controller] += 1
        return out

    def share(self, start: int, end: int) -> float:
        """Share of days ``start..end`` (inclusive) with any foreign presence."""
        a, b = max(start, 0), min(end + 1, self.n_days)
        return float(self.csum[b] - self.csum[a]) / (b - a) if b > a else 0.0

    def days_per_month(self, months: list[int]) -> np.ndarray:
        """Days with any presence in each month; `months` are month starts plus horizon."""
        return np.diff(self.csum[months]).astype(np.int16)


# ------------------------------------------------------------------------------- rules

Rule = Callable[[Facts], np.ndarray]


def _presence_at_horizon(f: Facts) -> np.ndarray:
    o = f.scenario.outcomes
    return window_held(f.present, o.window_days, o.threshold, f.csum, f.before)


#: Each declared outcome's rule: bool per day, whether it holds as of that day.
RULES: dict[str, Rule] = {
    "persistent": lambda f: f.daily("presence_at_horizon") | f.daily("basing"),
    "presence_at_horizon": _presence_at_horizon,
    "basing": lambda f: f.basing_days,
    "ever_continuous": lambda f: np.logical_or.accumulate(f.daily("presence_at_horizon")),
    "withdrawn": lambda f: np.logical_or.accumulate(f.daily("persistent")) & ~f.daily("persistent"),
}
if RULES.keys() != OUTCOMES.keys():  # pragma: no cover - a guard for whoever adds one
    raise ImportError(f"outcomes declared {list(OUTCOMES)} but ruled {list(RULES)}")
