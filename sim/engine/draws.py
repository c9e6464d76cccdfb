"""The parameter table of a scenario, and drawing one replicate's values from it.

Every uncertain number of a scenario gets a dotted path (``actors.kremlin.ambition``,
``ladder.a2ad_deployed.cost``, ``operations.exercises.October 2020 exercise.start_day``).
The table lists them in a fixed order; a replicate draws one uniform number per entry and
maps it through the entry's quantile function. ``wargame explain`` prints the same table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agents import ROLES
from sim.scenario.calendar import day_of
from sim.scenario.params import ParamSpec
from sim.scenario.schema import Scenario

RUNG_FIELDS = ("cost", "exercise_interval_days", "stay_probability", "bridge_tolerance_days")


@dataclass(frozen=True)
class Entry:
    """One row of the parameter table."""

    path: str
    spec: ParamSpec
    units: str = ""
    doc: str = ""
    #: False when the value is the role's built-in default, not written in the scenario.
    given: bool = True
    #: The closed range a value must stay in, where the schema sets one.
    bounds: tuple[float, float] | None = None

    @property
    def status(self) -> str:
        """``cited``, ``assumption``, ``uncited`` or ``role default``."""
        if not self.given:
            return "role default"
        if self.spec.assumption:
            return "assumption"
        return "cited" if self.spec.source else "uncited"


def parameter_table(s: Scenario) -> list[Entry]:
    """Every uncertain number in the scenario, in a fixed order."""
    rows: list[Entry] = []
    for a in s.actors:
        for name, d in ROLES[a.role].Params.declarations().items():
            given = name in a.params
            spec = a.params[name] if given else ParamSpec(value=d.default)
            rows.append(
                Entry(f"actors.{a.name}.{name}", spec, d.units, d.doc, given, (d.low, d.high))
            )
    for r in s.ladder:
        for field in RUNG_FIELDS:
            ps = getattr(r, field)
            if ps is not None:
                rows.append(
                    Entry(
                        f"ladder.{r.name}.{field}",
                        _cite(ps, r),
                        _RUNG_UNITS[field],
                        bounds=RUNG_BOUNDS[field],
                    )
                )
        if r.delivers is not None:
            rows.append(
                Entry(
                    f"ladder.{r.name}.delivers.lead_time_days",
                    _cite(r.delivers.lead_time_days, r.delivers),
                    "days",
                )
            )
        if r.basing_lead_time_days is not None:
            rows.append(
                Entry(
                    f"ladder.{r.name}.basing_lead_time_days",
                    _cite(r.basing_lead_time_days, r),
                    "days",
                )
            )
    start = s.metadata.start_date
    for ex in s.operations.exercises:
        if ex.start_window is not None:
            lo, hi = (day_of(start, d) for d in ex.start_window)
            window = ParamSpec(
                uniform=(lo, hi + 1),
                source=ex.source,
                rationale="start day drawn uniformly within start_window",
            )
            rows.append(Entry(f"operations.exercises.{ex.name}.start_day", window, "day offset"))
        if ex.duration_days is not None:
            rows.append(
                Entry(
                    f"operations.exercises.{ex.name}.duration_days",
                    _cite(ex.duration_days, ex),
                    "days",
                )
            )
    for rec in s.operations.recurring:
        rows.append(
            Entry(
                f"operations.recurring.{rec.patron}.duration_days",
                _cite(rec.duration_days, rec),
                "days",
            )
        )
        rows.append(
            Entry(
                f"operations.recurring.{rec.patron}.jitter",
                _cite(rec.jitter, rec),
                "share of mean gap",
            )
        )
    for su in s.operations.summits:
        if su.accept_probability is not None:
            rows.append(
                Entry(
                    f"operations.summits.{su.name}.accept_probability",
                    _cite(su.accept_probability, su),
                    "probability",
                    bounds=(0.0, 1.0),
                )
            )
    for inj in s.injects:
        rows.append(
            Entry(
                f"injects.{inj.name}.probability",
                _cite(inj.probability, inj),
                "probability",
                bounds=(0.0, 1.0),
            )
        )
        decl = ROLES[s.actor(inj.actor).role].Params.declarations()
        for name, ps in inj.params.items():
            rows.append(
                Entry(
                    f"injects.{inj.name}.params.{name}",
                    _cite(ps, inj),
                    decl[name].units,
                    decl[name].doc,
                    bounds=(decl[name].low, decl[name].high),
                )
            )
    return rows


#: What each rung effect must lie in (checked by the schema, reused by overrides).
RUNG_BOUNDS = {
    "cost": (0.0, 1.0),
    "stay_probability": (0.0, 1.0),
    "exercise_interval_days": (1.0, 3650.0),
    "bridge_tolerance_days": (0.1, 3650.0),
}

_RUNG_UNITS = {
    "cost": "pressure",
    "exercise_interval_days": "days",
    "stay_probability": "probability",
    "bridge_tolerance_days": "days",
}


def _cite(ps: ParamSpec, owner: object) -> ParamSpec:
    """A parameter without its own source inherits its owner's (an exercise, a rung …)."""
    if ps.source or ps.assumption:
        return ps
    source = getattr(owner, "source", None)
    if not source:
        return ps
    return ps.model_copy(
        update={"source": source, "rationale": ps.rationale or getattr(owner, "rationale", None)}
    )


def override(table: list[Entry], changes: dict[str, ParamSpec | float]) -> list[Entry]:
    """The table with some entries' distributions replaced, by path (for sweeps and tests).

    Raises ScenarioError for an unknown path or a value outside the entry's bounds.
    """
    from dataclasses import replace

    from sim.scenario.errors import Problem, ScenarioError, did_you_mean

    index = {e.path: i for i, e in enumerate(table)}
    out, problems = list(table), []
    for path, new in changes.items():
        ps = new if isinstance(new, ParamSpec) else ParamSpec(value=float(new))
        if path not in index:
            hint = did_you_mean(path, index)
            problems.append(Problem(f"no parameter at this path{hint}", field=path))
            continue
        entry = table[index[path]]
        if (
            entry.bounds
            and not entry.bounds[0] <= ps.support[0] <= ps.support[1] <= entry.bounds[1]
        ):
            problems.append(
                Problem(
                    f"must lie in [{entry.bounds[0]:g}, {entry.bounds[1]:g}]; "
                    f"found {ps.describe()}",
                    field=path,
                )
            )
            continue
        out[index[path]] = replace(entry, spec=ps, given=True)
    if problems:
        raise ScenarioError(problems)
    return out


def draw(table: list[Entry], u: np.ndarray) -> np.ndarray:
    """Map uniforms of shape (n_params,) or (n_replicates, n_params) to parameter values."""
    u = np.asarray(u, dtype=float)
    out = np.empty_like(u)
    for j, entry in enumerate(table):
        out[..., j] = entry.spec.ppf(u[..., j])
    return out
