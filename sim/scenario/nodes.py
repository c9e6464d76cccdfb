"""What every node of the scenario schema shares: strictness (unknown keys, NaN and
infinity are errors), names, field paths and the citation fields (``source:``,
``rationale:``, ``assumption:``) that ground a value in the report."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    StringConstraints,
)

Name = Annotated[str, StringConstraints(min_length=1, max_length=120, strip_whitespace=True)]
Path = tuple[str | int, ...]
Controller = Literal["patron", "client"]


class Strict(BaseModel):
    """Base for every schema node: unknown keys are errors; NaN and infinity too."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, allow_inf_nan=False, use_attribute_docstrings=True
    )


class Cited(Strict):
    """A node that may say where in the report it comes from, or that it is an assumption."""

    source: str | None = None
    """where in the report it comes from: a paragraph or footnote and the report's own words"""
    rationale: str | None = None
    """why this value, in the analyst's words"""
    assumption: bool | Literal["direction"] = False
    """true: not in the report, the analyst's assumption (give it a wide distribution);
    direction: the report (source:) says which way, not how much"""
