"""Operational decisions, as functions of the state they read: when the next exercise
starts, and whether the patron's forces stay in the host for the gap until it.

The decision for a gap is the patron's, once, for all its forces (units follow it):

* ``p = clip(stay + stay_leverage_weight x leverage + stay_entrenchment_weight x
  entrenchment) x exp(-gap / tolerance)``, where `stay` and `tolerance` are the held rungs'
  combined effects (:mod:`sim.engine.concessions`) and entrenchment is the share of the
  last ``entrenchment_window_days`` days with the patron's forces in the host: a short gap
  is easy to bridge, and garrisons, habits and infrastructure make staying likelier;
* a held rung with standing presence keeps the forces there whatever the gap; with no
  exercise ahead (an infinite gap) they go home;
* forces that stay are relieved by fresh units (a rotation) with ``rotation_share``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from sim.engine.concessions import Effects
from sim.maths.clip import clip01


def stay_probability(
    effects: Effects,
    leverage: float,
    entrenchment: float,
    gap: float,
    leverage_weight: float,
    entrenchment_weight: float,
) -> float:
    """Chance the patron keeps its forces in the host for a `gap`-day wait."""
    if effects.standing:
        return 1.0
    if gap == math.inf:
        return 0.0
    base = clip01(effects.stay + leverage_weight * leverage + entrenchment_weight * entrenchment)
    return base * math.exp(-gap / effects.tolerance)


def decide_gap(p_stay: float, rotation_share: float, u_stay: float, u_rotate: float) -> str:
    """``keep``, ``rotate`` or ``home``, from the two uniforms drawn for the gap."""
    if u_stay >= p_stay:
        return "home"
    return "rotate" if u_rotate < rotation_share else "keep"


def entrenchment(spans: Iterable[tuple[int, int | None]], day: int, window: int) -> float:
    """Share of the days ``[day - window, day)`` (those after the start) covered by any of
    the ``(start, end)`` spans (end None: still open): how entrenched the forces are."""
    lo = max(day - window, 0)
    if day <= lo:
        return 0.0
    covered = bytearray(day - lo)
    for start, end in spans:
        a, b = max(start, lo), min(day if end is None else end, day)
        if b > a:
            covered[a - lo : b - lo] = b"\x01" * (b - a)
    return covered.count(1) / (day - lo)


def gap_days(interval: float, duration: int, jitter: float, u: float) -> int | None:
    """Days from one recurring exercise's end to the next one's start at `interval`-day
    cadence: ``(interval - duration)`` (at least a day), varied uniformly by +/- `jitter`
    of itself with the uniform `u`; None when there is no cadence (infinite interval)."""
    if interval == math.inf:
        return None
    mean = max(interval - duration, 1.0)
    return max(0, round(mean * (1.0 + jitter * (2.0 * u - 1.0))))
