"""A replicate's dynamics stream of uniforms, drawn from NumPy in blocks.

NumPy fills ``Generator.random(n)`` with the same doubles, in the same order, as ``n``
successive ``Generator.random()`` calls, so handing a block out one number at a time
changes nothing in a replicate. It only changes the cost: a scalar draw through NumPy
costs about as much as one month of an actor's decision, a list index a few percent of
that.
"""

from __future__ import annotations

import numpy as np


class Uniforms:
    """Successive U(0, 1) draws from `rng`; everything in a replicate draws through here."""

    __slots__ = ("_block", "_buffer", "_next", "_rng")

    def __init__(self, rng: np.random.Generator, block: int = 64):
        self._rng = rng
        self._block = block
        self._buffer: list[float] = []
        self._next = 0

    def __call__(self) -> float:
        """The next uniform of the stream."""
        i = self._next
        if i == len(self._buffer):
            self._buffer = self._rng.random(self._block).tolist()
            i = 0
        self._next = i + 1
        return self._buffer[i]
