"""Small numeric helpers shared by agents and the engine."""

from __future__ import annotations


def clip01(x: float) -> float:
    """Clamp `x` to the closed unit interval."""
    return 0.0 if x < 0.0 else 1.0 if x > 1.0 else x
