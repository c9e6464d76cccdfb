"""What an analysis can measure per replicate, named one way everywhere.

``run``'s outcome table has a column for each outcome (``persistent``, ...), each forecast
question (``question.<id>``) and each judgment (``judgment.<id>``). Commands that measure
one of them (``sweep``, ``discover``, ``signposts``) take the column's name, or a bare
question or judgment id where it names only one of them.
"""

from __future__ import annotations

from typing import Any

from sim.scenario.errors import UsageError, did_you_mean

OUTCOME_PREFIXES = ("question.", "judgment.")


def measure_column(name: str, measurable: list[str], option: str = "--outcome") -> str:
    """The column `name` measures among `measurable` (:meth:`Scenario.measurable`, or a
    run's columns): the name itself, or ``question.<name>`` / ``judgment.<name>``.
    A UsageError on `option` names what there is, with a "did you mean"."""
    if name in measurable:
        return name
    matches = [f"{p}{name}" for p in OUTCOME_PREFIXES if f"{p}{name}" in measurable]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise UsageError(
            f"'{name}' is both a question and a judgment: write {' or '.join(matches)}", option
        )
    short = [m.split(".", 1)[1] for m in measurable if m.startswith(OUTCOME_PREFIXES)]
    raise UsageError(
        f"nothing called '{name}' to measure{did_you_mean(name, [*measurable, *short])} "
        f"(it has: {', '.join(measurable)}; a question or judgment also by its bare id)",
        option,
    )


def is_outcome(column: str) -> bool:
    """Whether a measured column is one of the registry's outcomes (not a question or a
    judgment, which carry their own dates)."""
    return not column.startswith(OUTCOME_PREFIXES)


def measurable_columns(outcomes: Any, outcome_names: tuple[str, ...]) -> list[str]:
    """The measurable columns of a run's outcome table."""
    return [*outcome_names, *(c for c in outcomes.columns if _is_event_column(c))]


def _is_event_column(column: str) -> bool:
    return column.startswith(OUTCOME_PREFIXES) and not column.endswith(".given")
