"""The exception types a user mistake raises, and the "did you mean" hint they share.

What the analyst can get wrong is reported as one of two errors: a :class:`ScenarioError`
for a file (a scenario, an observations or resolutions file, a results folder), naming
the file, line and field; a :class:`UsageError` for a command-line value (an option, a
parameter path typed on the command line). The CLI prints either message on one line and
exits with status 2, with no traceback. Programming errors stay ordinary exceptions, so
they are never hidden.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the option closest to `word`, or ``""`` if none is close."""
    close = difflib.get_close_matches(word, list(options), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a scenario: where it is and what was expected."""

    message: str
    field: str = ""
    file: str = ""
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.file
        if where and self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        parts = [p for p in (where, self.field) if p]
        return ": ".join([*parts, self.message])


@dataclass
class ScenarioError(Exception):
    """A scenario (or other user input) is invalid; carries every problem found."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        files = {p.file for p in self.problems}
        where = f"{files.pop()}: " if len(files) == 1 and "" not in files else ""
        lines = [f"{where}{len(self.problems)} problems:"]
        lines += [f"  {p}" for p in self.problems]
        return "\n".join(lines)

    @classmethod
    def single(cls, message: str, **where: object) -> ScenarioError:
        """An error with one problem; `where` takes Problem's location fields."""
        return cls([Problem(message, **where)])  # type: ignore[arg-type]


class UsageError(Exception):
    """A command-line value is wrong: which option (or argument) and what was expected."""

    def __init__(self, message: str, option: str = ""):
        super().__init__(message, option)
        self.message, self.option = message, option

    def __str__(self) -> str:
        return f"{self.option}: {self.message}" if self.option else self.message


class ReplicateFailure(Exception):
    """A replicate raised: which one, from which root seed, and what it raised.

    It pickles (it crosses from worker processes), and it says how to replay the replicate
    alone, since replicate ``index`` of root ``seed`` always runs the same way.
    """

    def __init__(self, index: int, seed: int, error: str):
        super().__init__(index, seed, error)
        self.index, self.seed, self.error = index, seed, error
        #: The run folder it belongs to, once known (set by the run that was writing it).
        self.folder: str | None = None

    def __str__(self) -> str:
        return f"replicate {self.index} (root seed {self.seed}) failed: {self.error}"


class WorkerDied(Exception):
    """A worker process died (killed, out of memory) while running the tasks `keys`."""

    def __init__(self, keys: list):
        super().__init__(keys)
        self.keys = keys

    def __str__(self) -> str:
        return f"a worker process died while running task(s) {self.keys}"


class RunFailed(Exception):
    """A run stopped part-way; its folder is marked incomplete and can be resumed."""


#: What an analyst can do about a run that no replicate's history agrees with.
NO_FORECAST_HINT = "check the observations, or calibrate the scenario to them first"


class NoForecast(Exception):
    """No replicate's history agrees with the observations: the run has nothing to
    forecast from. Its folder is marked ``no_forecast`` (never ``complete``); resuming
    cannot help, the observations or the scenario must change."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
