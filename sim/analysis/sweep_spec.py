"""What a sweep asks, as a ``sweep:`` file or the command line says it: the base scenario,
the design, what to vary over which range, how many points and replicates."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from sim.scenario.errors import UsageError

#: The designs a sweep can use (:mod:`sim.analysis.sweep` says what each does).
Design = Literal["oat", "grid", "lhs", "sobol", "morris"]
DESIGNS: tuple[str, ...] = get_args(Design)


class SweepSpec(BaseModel):
    """A ``sweep:`` file: the base scenario and what to vary (paths as ``wargame explain``
    prints them; a null range means the parameter's own distribution support)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    scenario: str
    design: Design = "sobol"
    vary: dict[str, tuple[float, float] | None]
    samples: Annotated[int, Field(ge=1, le=1_000_000)] = 64
    levels: Annotated[int, Field(ge=2, le=100)] | None = None
    replicates: Annotated[int, Field(ge=1, le=1_000_000)] = 32
    seed: Annotated[int, Field(ge=0)] | None = None
    outcome: str = "persistent"  # an outcome, question.<id> or judgment.<id>
    second_order: bool = True
    target_halfwidth: Annotated[float, Field(gt=0, lt=0.5)] | None = None
    max_replicates: Annotated[int, Field(ge=1, le=1_000_000)] = 1024

    @property
    def n_levels(self) -> int:
        return self.levels or (4 if self.design == "morris" else 5)


class SweepFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    sweep: SweepSpec


def load_sweep(path: Path) -> SweepSpec:
    """Read a sweep file; its ``scenario`` is resolved relative to the file's folder."""
    from sim.scenario.loader import validate_as
    from sim.scenario.reading import read_yaml

    data, locs = read_yaml(path)
    spec = validate_as(SweepFile, data, locs, str(path)).sweep
    return spec.model_copy(update={"scenario": str(path.parent / spec.scenario)})


def parse_vary(items: list[str]) -> dict[str, tuple[float, float] | None]:
    """``path=low:high`` (or a bare ``path``) from the command line."""
    out: dict[str, tuple[float, float] | None] = {}
    for item in items:
        path, _, rng = item.partition("=")
        if not rng:
            out[path.strip()] = None
            continue
        low, sep, high = rng.partition(":")
        try:
            if not sep:
                raise ValueError
            out[path.strip()] = (float(low), float(high))
        except ValueError:
            raise UsageError(
                f"expected PATH=LOW:HIGH (two numbers, e.g. actors.kremlin.ambition=0.2:0.9), "
                f"or a bare PATH for the parameter's own range; found {item!r}",
                "--vary",
            ) from None
    return out
