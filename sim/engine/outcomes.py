"""Outcomes: pure functions of a closed ledger (defined in README.md, "What the model is").

* *continuous presence*: foreign forces present on at least ``threshold`` of the days of
  some ``window``-day span (default 90 % of 180 days); it first holds on the last day of
  the first such span;
* *basing*: permanent basing, or a patron-controlled system delivered, in the host (what
  counts is the scenario's ``outcomes.basing_from``);
* *persistent presence*: whichever of the two holds first.

Days are offsets from the scenario start; ``None`` means "not by the horizon" (censored).
"""

from __future__ import annotations

import math

import numpy as np

from sim.engine.ledger import Ledger


def daily_presence(ledger: Ledger, host: str) -> np.ndarray:
    """Number of foreign units in `host` on each day."""
    delta = np.zeros(ledger.n_days + 1, dtype=np.int32)
    for st in ledger.stays:
        end = ledger.n_days if st.end is None else st.end
        if st.host == host and end > st.start:
            delta[st.start] += 1
            delta[end] -= 1
    return np.cumsum(delta[:-1])


def first_continuous_day(present: np.ndarray, window: int, threshold: float) -> int | None:
    """Last day of the first `window`-day span with presence on >= `threshold` of its days."""
    if window > present.size:
        return None
    need = math.ceil(threshold * window - 1e-9)
    csum = np.concatenate(([0], np.cumsum(present.astype(bool), dtype=np.int64)))
    counts = csum[window:] - csum[:-window]  # counts[i]: days i .. i+window-1
    hits = np.flatnonzero(counts >= need)
    return int(hits[0]) + window - 1 if hits.size else None


BASING_DEFAULT = ("permanent_base", "patron_system")


def first_basing_day(
    ledger: Ledger, host: str, counts: tuple[str, ...] | list[str] = BASING_DEFAULT
) -> int | None:
    """First day something that `counts` as basing is in place in `host`: a permanent base,
    a delivered system under the patron's command, or (``patron_integration``) a rung that
    settled control of the host's forces in the patron's favour."""
    days = []
    if "permanent_base" in counts:
        days += [d for _, h, d in ledger.basings if h == host]
    if "patron_system" in counts:
        days += [s.day for s in ledger.systems if s.host == host and s.controller == "patron"]
    if "patron_integration" in counts:
        days += [c.day for c in ledger.concessions if c.client == host and c.controller == "patron"]
    days = [d for d in days if d < ledger.n_days]
    return min(days) if days else None


def earliest(*days: int | None) -> int | None:
    """The earliest of several event days, ignoring those that did not happen."""
    real = [d for d in days if d is not None]
    return min(real) if real else None


def days_per_month(present: np.ndarray, months: list[int]) -> np.ndarray:
    """Days with any presence in each month; `months` are month-start offsets plus horizon."""
    csum = np.concatenate(([0], np.cumsum(present.astype(bool), dtype=np.int64)))
    edges = np.asarray(months)
    return (csum[edges[1:]] - csum[edges[:-1]]).astype(np.int16)


def rung_by_day(ledger: Ledger, host: str, day: int) -> int:
    """Highest rung any patron holds in `host` by the end of `day`."""
    return max((c.rung for c in ledger.concessions if c.client == host and c.day <= day), default=0)


def systems_by_controller(ledger: Ledger, host: str) -> dict[str, int]:
    """How many delivered systems in `host` each side controls at the horizon (a system
    whose control was renegotiated counts once, for its latest controller)."""
    latest: dict[tuple[str, str], str] = {}
    for s in ledger.systems:
        if s.host == host:
            latest[(s.patron, s.name)] = s.controller
    out = {"patron": 0, "client": 0}
    for controller in latest.values():
        out[controller] += 1
    return out


def presence_share(present: np.ndarray, start: int, end: int) -> float:
    """Share of days in [start, end] (inclusive) with any foreign presence."""
    span = present[max(start, 0) : min(end + 1, present.size)]
    return float(np.count_nonzero(span)) / span.size if span.size else 0.0
