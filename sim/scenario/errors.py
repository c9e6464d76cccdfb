"""The one exception type a user mistake raises.

Everything the analyst can get wrong (a scenario file, a command-line value) is reported
as a :class:`ScenarioError`: the CLI prints its message and exits non-zero, with no
traceback. Programming errors stay ordinary exceptions, so they are never hidden.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a scenario: where it is and what was expected."""

    message: str
    field: str = ""
    file: str = ""
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.file or "<scenario>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        head = f"{where}: {self.field}: " if self.field else f"{where}: "
        return head + self.message


@dataclass
class ScenarioError(Exception):
    """A scenario (or other user input) is invalid; carries every problem found."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems:"]
        lines += [f"  {p}" for p in self.problems]
        return "\n".join(lines)

    @classmethod
    def single(cls, message: str, **where: object) -> ScenarioError:
        """An error with one problem; `where` takes Problem's location fields."""
        return cls([Problem(message, **where)])  # type: ignore[arg-type]


class ReplicateFailure(Exception):
    """A replicate raised: which one, from which root seed, and what it raised.

    It pickles (it crosses from worker processes), and it says how to replay the replicate
    alone, since replicate ``index`` of root ``seed`` always runs the same way.
    """

    def __init__(self, index: int, seed: int, error: str):
        super().__init__(index, seed, error)
        self.index, self.seed, self.error = index, seed, error

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
