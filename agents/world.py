"""What an actor may ask of the world it lives in: every call a role makes, named once.

The engine's replicate (:class:`sim.engine.world.Replicate`) implements these; a test can
implement them with fixed answers to step one actor on hand-set state. The world is a
Mesa model: actors are Mesa agents registered with it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Protocol

import mesa


class Member(Protocol):
    """An actor as the world hands it out (:class:`agents.base.Actor` is one)."""

    name: str


class Stream(Protocol):
    """A source of U(0, 1) draws (a named dynamics substream)."""

    def random(self) -> float: ...


class World(mesa.Model, ABC):
    """The calls a role may make of its world (see the module docstring)."""

    def release(self) -> None:
        """Let Mesa forget this model. Mesa 3.3 keeps every model alive in the class-level
        ``Agent._ids`` (mesa#3179, fixed upstream by mesa#3180): without this, each
        replicate leaks about 36 KB. The one place the engine works around Mesa."""
        ids = getattr(mesa.Agent, "_ids", None)
        if isinstance(ids, dict):
            ids.pop(self, None)

    @abstractmethod
    def stream(self, name: str) -> Stream:
        """The named dynamics substream (``actor:<name>``, ...)."""

    @abstractmethod
    def actor(self, name: str) -> Member:
        """The actor called `name`."""

    # ------------------------------------------------------------- what actors read

    @abstractmethod
    def protest_strength_against(self, client: str) -> float:
        """Combined strength of the movements aimed at `client`."""

    @abstractmethod
    def opposition_to(self, patron: str, client: str) -> float:
        """How much the movements opposing `patron`'s presence lower the drive of
        `client`'s dependence on it (0 when none does)."""

    @abstractmethod
    def alliance_posture(self, client: str) -> float:
        """The highest posture of any alliance watching `client`."""

    @abstractmethod
    def presence_share_last_month(self, host: str) -> float:
        """Share of last month's days with any foreign forces in `host`."""

    @abstractmethod
    def rival_presence(self, patron: str, host: str, window: int) -> float:
        """The largest share of the last `window` days any other patron's forces were in
        `host` (0 with one patron)."""

    @abstractmethod
    def patron_control_gains_last_month(self, host: str) -> int:
        """Concessions that gave a patron control in `host` last month."""

    @abstractmethod
    def patrons_of(self, client: str) -> Sequence[str]:
        """The patrons that press `client`, by name."""

    @abstractmethod
    def concessions_held(self, patron: str, client: str) -> float:
        """Share of the rungs `patron` may hold in `client` that it holds."""

    @abstractmethod
    def pressable(self, patron: str, client: str) -> Sequence[tuple[str, float, float]]:
        """``(track, priority, cost of its next rung)`` of every track the patron can
        still climb in `client`."""

    # ------------------------------------------------------------- what actors do

    @abstractmethod
    def reconsider(self, patron: str, client: str, leverage: float) -> None:
        """Let each reversible rung the patron holds be lost with its monthly hazard."""

    @abstractmethod
    def negotiate(self, patron: str, client: str, track: str) -> bool:
        """The patron demands the next rung of `track`; True when it was granted."""

    @abstractmethod
    def request(self, client: str) -> None:
        """The client asks a patron for the next rung of its cheapest track."""
