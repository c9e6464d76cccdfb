"""The outcomes a run measures, declared once: name, label, kind and definition.

Everything else derives from this table: the schema's ``outcome:`` values, the engine's
rules (``sim/engine/outcomes.py`` has one rule per name, checked when it is imported), the
columns of the outcome table, the summary, the figures and the command-line choices.
Adding an outcome is one :class:`Outcome` here and its rule there.

The definitions are written in the scenario's own numbers (its ``outcomes:`` settings).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol


class OutcomeSettings(Protocol):
    """What an outcome's definition reads of a scenario's ``outcomes:`` section."""

    @property
    def window_days(self) -> int: ...

    @property
    def threshold(self) -> float: ...

    @property
    def basing_from(self) -> Sequence[str]: ...


@dataclass(frozen=True)
class Outcome:
    """One outcome: how tables label it, whether it is a *state* (it holds on a day or
    not; its day column is the day from which it held without a break to the horizon) or
    *ever* (once it holds it holds; its day column is the day it first held), and its
    definition in the scenario's numbers."""

    name: str
    label: str
    kind: Literal["state", "ever"]
    define: Callable[[OutcomeSettings], str]


def _window(o: OutcomeSettings) -> str:
    return f"forces present on at least {100 * o.threshold:.0f} % of the {o.window_days} days"


BASING_PARTS = {
    "permanent_base": "a permanent base",
    "patron_system": "a system under the patron's command",
    "patron_integration": "the host's forces under the patron's command",
}


def _basing(o: OutcomeSettings) -> str:
    return " or ".join(BASING_PARTS[k] for k in o.basing_from) + " in place"


OUTCOMES: dict[str, Outcome] = {
    o.name: o
    for o in (
        Outcome(
            "persistent",
            "persistent presence at the horizon",
            "state",
            lambda o: f"{_window(o)} before the horizon, or {_basing(o)} on its last day",
        ),
        Outcome(
            "presence_at_horizon",
            "presence through the final window",
            "state",
            lambda o: f"{_window(o)} before the horizon",
        ),
        Outcome("basing", "basing in place at the horizon", "state", _basing),
        Outcome(
            "ever_continuous",
            "continuous presence at some point",
            "ever",
            lambda o: f"{_window(o)} of some window, at any time before the horizon",
        ),
        Outcome(
            "withdrawn",
            "persistent presence ended by the horizon",
            "state",
            lambda o: (
                f"persistent presence ({_window(o)} before a day, or {_basing(o)} on "
                "it) held on some day and no longer holds at the horizon; its day: when it ended "
                "without returning"
            ),
        ),
    )
}

#: The outcomes' names, in table order.
OUTCOME_NAMES: tuple[str, ...] = tuple(OUTCOMES)
#: Each outcome's label, by name.
OUTCOME_LABELS: dict[str, str] = {name: o.label for name, o in OUTCOMES.items()}


def _is_outcome(column: str) -> bool:
    """Whether `column` is an outcome's, any patron's or one patron's (``persistent``,
    ``persistent.<patron>``)."""
    return column.split(".")[0] in OUTCOMES


def outcome_columns(columns: Iterable[str]) -> list[str]:
    """The outcome columns among a table's `columns` (not their day columns)."""
    return [c for c in columns if not c.endswith("_day") and _is_outcome(c)]


def day_columns(columns: Iterable[str]) -> list[str]:
    """The outcome day columns among `columns`: every outcome's, any patron's or one
    patron's (``persistent_day``, ``persistent.<patron>_day``)."""
    return [c for c in columns if c.endswith("_day") and _is_outcome(c.removesuffix("_day"))]
