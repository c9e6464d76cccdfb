"""Days covered by at least one of a changing set of presence spans, kept as disjoint
intervals while a replicate runs, so "what share of these days had forces present?" costs
a look at the last few intervals rather than a pass over every span."""

from __future__ import annotations


class Coverage:
    """The union of spans that open and close in time order (days never go back)."""

    __slots__ = ("count", "ends", "starts")

    def __init__(self) -> None:
        self.count = 0  # spans open now
        self.starts: list[int] = []  # the disjoint intervals [start, end) in time order
        self.ends: list[int | None] = []  # None while the last is open

    def open(self, day: int) -> None:
        if self.count == 0:
            self.starts.append(day)
            self.ends.append(None)
        self.count += 1

    def close(self, day: int) -> None:
        self.count -= 1
        if self.count == 0:
            if day <= self.starts[-1]:  # opened and closed on the same day: covers nothing
                self.starts.pop()
                self.ends.pop()
            else:
                self.ends[-1] = day

    def share(self, lo: int, hi: int) -> float:
        """Share of the days ``[lo, hi)`` covered (0 for an empty range)."""
        if hi <= lo:
            return 0.0
        covered = 0
        for start, end in zip(reversed(self.starts), reversed(self.ends), strict=True):
            stop = hi if end is None or end > hi else end
            if stop <= lo:
                break
            first = lo if start < lo else start
            if stop > first:
                covered += stop - first
        return covered / (hi - lo)

    @classmethod
    def of(cls, spans: list[tuple[int, int | None]]) -> Coverage:
        """The coverage of `spans` (``(start, end)``, end None: open), as if they had
        opened and closed in time order (for a restored replicate)."""
        cov = cls()
        moves = sorted(
            [(start, 1) for start, _ in spans] + [(end, -1) for _, end in spans if end is not None],
            key=lambda m: (m[0], -m[1]),
        )
        for day, step in moves:
            cov.open(day) if step > 0 else cov.close(day)
        return cov
