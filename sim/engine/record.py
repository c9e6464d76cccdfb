"""The monthly record: every actor's declared state and each patron's rung on each track,
one row per month start (``plan.state_columns``), the replicate's trajectory."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from sim.engine.cast import Cast, Roster
from sim.engine.concessions import ConcessionBook


class Record:
    """Rows kept as lists while the replicate runs, made into an array when asked for."""

    STATE: ClassVar[tuple[str, ...]] = ("rows",)
    DERIVED: ClassVar[tuple[str, ...]] = ()
    CACHE: ClassVar[tuple[str, ...]] = ()
    WIRING: ClassVar[tuple[str, ...]] = ("readers", "rungs", "book", "width")

    def __init__(self, cast: Cast, roster: Roster, book: ConcessionBook, n_months: int, width: int):
        self.readers = [(cast.actors[name], read) for name, read in roster.records]
        self.rungs = roster.rung_records
        self.book, self.width = book, width
        self.rows: list[list[float] | None] = [None] * n_months

    def take(self, month: int) -> None:
        """Store every actor's declared state (and each patron's rung on each track)."""
        stacks = self.book.stacks
        row: list[float] = []
        for actor, read in self.readers:
            got = read(actor)
            row += got if type(got) is tuple else (got,)
        row += [stacks[rel][track][-1].level for rel, track in self.rungs]
        self.rows[month] = row

    def table(self) -> np.ndarray:
        """Months x state columns: the months recorded so far, NaN after (a finished
        replicate's in one conversion)."""
        rows = self.rows
        if rows and all(row is not None for row in rows):
            return np.array(rows, dtype=float).reshape(len(rows), -1)
        out = np.full((len(rows), self.width), np.nan)
        for month, row in enumerate(rows):
            if row is not None:
                out[month] = row
        return out

    def snapshot(self) -> list[list[float] | None]:
        return [None if row is None else list(row) for row in self.rows]

    def restore(self, snap: list[list[float] | None]) -> None:
        self.rows = [None if row is None else list(row) for row in snap]
