"""Presence: which patron's forces, crews and garrisons are in which host, kept as the
ledger's spans and as running coverage, so that "what share of these days had forces
there?" (a client's alarm, a patron's entrenchment) costs a look at the last intervals.

Everything here is derived from the ledger's presence spans and unit labels: a restored
replicate rebuilds it from them (:meth:`Presence.restore`), so it cannot disagree with
what the ledger says happened.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from sim.engine.coverage import Coverage
from sim.engine.ledger import Ledger, Span


class Presence:
    """Open and close presence spans; answer shares of days with forces present."""

    STATE: ClassVar[tuple[str, ...]] = ()
    DERIVED: ClassVar[tuple[str, ...]] = ("hosts", "cover", "forces", "labels")
    CACHE: ClassVar[tuple[str, ...]] = ()
    WIRING: ClassVar[tuple[str, ...]] = ("ledger",)

    def __init__(self, ledger: Ledger):
        self.ledger = ledger
        self.hosts: dict[str, Coverage] = {}  # presence of any patron's forces, per host
        self.cover: dict[tuple[str, str], Coverage] = {}  # each patron's in each host
        self.forces: dict[str, Span] = {}  # each patron's forces present now
        self.labels: dict[str, dict[str, Span]] = {}  # their unit labels (timeline only)

    # ------------------------------------------------------------------ questions

    def share(self, host: str | None, lo: int, hi: int) -> float:
        """Share of the days ``[lo, hi)`` with any foreign forces in `host`."""
        cov = self.hosts.get(host) if host is not None else None
        return 0.0 if cov is None else cov.share(lo, hi)

    def entrenchment(self, patron: str, host: str, window: int, now: int) -> float:
        """Share of the last `window` days before `now` with `patron`'s forces in `host`."""
        cov = self.cover.get((patron, host))
        if cov is None:
            return 0.0
        return cov.share(now - window if now > window else 0, now)

    def rivals(
        self, patron: str, patrons: Iterable[str], host: str, window: int, now: int
    ) -> float:
        """The largest share of the last `window` days before `now` that any patron other
        than `patron` had forces in `host` (0 without one)."""
        shares = (self.entrenchment(p, host, window, now) for p in patrons if p != patron)
        return max(shares, default=0.0)

    def forces_present(self, patron: str) -> bool:
        return patron in self.forces

    # ------------------------------------------------------------------ changes

    def open(self, patron: str, host: str, holder: str, day: int) -> Span:
        span, rel = self.ledger.arrive(patron, host, holder, day), (patron, host)
        (self.hosts.get(host) or self.hosts.setdefault(host, Coverage())).open(span.start)
        (self.cover.get(rel) or self.cover.setdefault(rel, Coverage())).open(span.start)
        return span

    def close(self, span: Span, day: int) -> None:
        end = self.ledger.leave(span, day)
        self.hosts[span.host].close(end)
        self.cover[(span.patron, span.host)].close(end)

    def close_holder(self, patron: str, host: str, holder: str, day: int) -> None:
        """Close every open span of `holder` of `patron` in `host`."""
        for span in self.ledger.spans:
            if span.end is None and (span.patron, span.host, span.holder) == (patron, host, holder):
                self.close(span, day)

    def arrive_forces(self, patron: str, host: str, units: tuple[str, ...], day: int) -> None:
        """The patron's forces come in (if they are not there) with these unit labels."""
        if patron not in self.forces:
            self.forces[patron] = self.open(patron, host, "forces", day)
        if not self.ledger.record_events:
            return  # labels are for the timeline only
        labels = self.labels.setdefault(patron, {})
        for unit in units:
            if unit not in labels and relief(unit) not in labels:
                span = self.ledger.label(patron, host, unit, day)
                if span is not None:
                    labels[unit] = span

    def forces_home(self, patron: str, day: int) -> None:
        """The patron's forces leave (and their unit labels with them)."""
        span = self.forces.pop(patron, None)
        if span is not None:
            self.close(span, day)
        if self.labels:
            for label in self.labels.pop(patron, {}).values():
                self.ledger.leave(label, day)

    def rotate(self, patron: str, host: str, day: int) -> None:
        """Fresh units relieve the ones present (labels only: the forces stay)."""
        if not self.ledger.record_events:
            return
        labels = self.labels.get(patron, {})
        for unit, span in list(labels.items()):
            self.ledger.leave(span, day)
            del labels[unit]
            fresh = self.ledger.label(patron, host, relief(unit), day)
            if fresh is not None:
                labels[relief(unit)] = fresh

    # ------------------------------------------------------------------ state

    def snapshot(self) -> None:
        """Nothing of its own: the ledger's spans and labels hold it."""
        return None

    def restore(self, _snap: None = None) -> None:
        """Rebuild coverage, the forces present and their labels from the ledger (which
        must be restored first)."""
        hosts: dict[str, list[tuple[int, int | None]]] = {}
        mine: dict[tuple[str, str], list[tuple[int, int | None]]] = {}
        self.forces, self.labels = {}, {}
        for span in self.ledger.spans:
            hosts.setdefault(span.host, []).append((span.start, span.end))
            mine.setdefault((span.patron, span.host), []).append((span.start, span.end))
            if span.end is None and span.holder == "forces":
                self.forces[span.patron] = span
        self.hosts = {h: Coverage.of(v) for h, v in hosts.items()}
        self.cover = {k: Coverage.of(v) for k, v in mine.items()}
        for label in self.ledger.labels:
            if label.end is None:
                self.labels.setdefault(label.patron, {})[label.holder] = label


def relief(unit: str) -> str:
    """The label of the units that relieve `unit` in a rotation (and back again)."""
    suffix = " (relief)"
    return unit.removesuffix(suffix) if unit.endswith(suffix) else unit + suffix
