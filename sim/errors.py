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
