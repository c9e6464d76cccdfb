"""Days covered by at least one of a changing set of presence spans, kept as disjoint
intervals while a replicate runs, so "what share of these days had forces present?" costs
a look at the last few intervals rather than a pass over every span."""

from __future__ import annotations


class Coverage:
    """The union of spans that open and close in time order (days never go back)."""

    __slots__ = ("count", "intervals")

    def __init__(self) -> None:
        self.count = 0  # spans open now
        self.intervals: list[tuple[int, int | None]] = []  # [start, end): None while open

    def open(self, day: int) -> None:
        if self.count == 0:
            self.intervals.append((day, None))
        self.count += 1

    def close(self, day: int) -> None:
        self.count -= 1
        if self.count == 0:
            start = self.intervals[-1][0]
            if day <= start:  # opened and closed on the same day: covers nothing
                self.intervals.pop()
            else:
                self.intervals[-1] = (start, day)

    def share(self, lo: int, hi: int) -> float:
        """Share of the days ``[lo, hi)`` covered (0 for an empty range)."""
        if hi <= lo:
            return 0.0
        covered = 0
        for start, end in reversed(self.intervals):
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
