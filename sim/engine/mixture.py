"""A scenario with readings compiled as a mixture of its variants' plans.

The mixture's parameter table is the union of its variants' tables, led by one entry per
reading (``readings.<name>``, drawn as a categorical over the options' prior weights). A
replicate takes one uniform per union entry from its parameter stream, ranked by path as
always (:attr:`sim.engine.plan.Plan.uniform_columns`), so a parameter every reading shares
gets the same uniform whichever reading the replicate draws: common random numbers hold
across readings as they do across sweep points. The reading entries pick the variant;
the variant's own table maps the uniforms of its entries to values, so a reading that
changes a distribution changes the draw; entries a variant lacks are NaN.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Generic, Protocol, Self, TypeVar

import numpy as np

from sim.engine.draws import Entry, draw, override
from sim.scenario import paths
from sim.scenario import readings as reading_rules
from sim.scenario.params import ParamSpec
from sim.scenario.schema import Scenario

if TYPE_CHECKING:
    from sim.engine.rows import Rows


class VariantPlan(Protocol):
    """What a mixture needs of one variant's plan (:class:`sim.engine.plan.Plan` is one):
    its table, where each path sits in it, and itself with some distributions replaced."""

    table: list[Entry]

    @property
    def index(self) -> dict[str, int]: ...

    def overridden(self, changes: dict) -> Self: ...


P = TypeVar("P", bound=VariantPlan)


def reading_entries(s: Scenario) -> list[Entry]:
    """One table entry per reading: the option index, drawn by the prior weights."""
    out = []
    for r in s.readings:
        names = ", ".join(f"{i} = {o.name}" for i, o in enumerate(r.options))
        spec = ParamSpec(
            categorical=r.weights,
            source=r.source,
            rationale=r.rationale,
            assumption=r.assumption if r.source else True,
        )
        out.append(
            Entry(r.path, spec, "option", f"which reading: {names}", bounds=(0, len(r.options) - 1))
        )
    return out


@dataclass
class Mixture(Generic[P]):
    """The variants of a scenario with readings, and where their entries sit in the union.

    Generic over the variants' plan type, which the plan module passes in (:meth:`of`):
    a plan holds its mixture and a mixture its variants' plans, and this way the two
    modules do not import each other."""

    combos: list[tuple[int, ...]]
    plans: list[P]
    table: list[Entry]  # the union: reading entries, then every variant's in first-seen order
    columns: list[np.ndarray]  # per variant: the union index of each of its entries
    radix: np.ndarray  # option counts, to turn option indices into a variant number

    @classmethod
    def of(cls, scenario: Scenario, overrides: dict, make: Callable[[Scenario], P]) -> Mixture[P]:
        """The mixture of `scenario`'s variants, each compiled by `make` (without the
        scenario's posterior: joint rows are applied to the union)."""
        combos, plans = [], []
        for combo, v in reading_rules.variants(scenario):
            combos.append(combo)
            plan = make(v.model_copy(update={"posterior": None}))
            plans.append(plan.overridden(_known(plan, overrides)) if overrides else plan)
        table = override(reading_entries(scenario), _readings_only(overrides))
        seen = {e.path for e in table}
        for plan in plans:
            for e in plan.table:
                if e.path not in seen:
                    seen.add(e.path)
                    table.append(e)
        unknown = set(overrides) - {e.path for e in table}
        if unknown:
            override(table, {p: overrides[p] for p in unknown})  # raises, naming them
        index = {e.path: i for i, e in enumerate(table)}
        columns = [np.array([index[e.path] for e in p.table], dtype=np.int64) for p in plans]
        radix = np.array([len(r.options) for r in scenario.readings], dtype=np.int64)
        return cls(combos, plans, table, columns, radix)

    @property
    def n_readings(self) -> int:
        return len(self.radix)

    def overridden(self, changes: dict) -> Mixture[P]:
        """The mixture with some distributions replaced in the union and in every variant
        that has the parameter."""
        plans = [p.overridden(_known(p, changes)) for p in self.plans]
        return replace(self, plans=plans, table=override(self.table, changes))

    def variant_of(self, options: np.ndarray) -> np.ndarray:
        """Variant numbers from option indices (replicates × readings)."""
        options = np.asarray(options, dtype=np.int64).reshape(-1, self.n_readings)
        out = np.zeros(len(options), dtype=np.int64)
        for k in range(self.n_readings):
            out = out * self.radix[k] + options[:, k]
        return out

    def draw(
        self, u: np.ndarray, index: np.ndarray, pick: np.ndarray, rows: Rows | None, at: list[int]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Union values (replicates × union entries) from union-ordered uniforms `u`, and
        each replicate's variant. Joint `rows` (a design or a posterior) override their
        columns, the reading entries included, before the variant is chosen."""
        n = len(u)
        values = np.full((n, len(self.table)), np.nan)
        k = self.n_readings
        values[:, :k] = draw(self.table[:k], u[:, :k])
        if rows is not None:
            rows.apply(values, index, pick, at)
        which = self.variant_of(values[:, :k])
        for v, (plan, cols) in enumerate(zip(self.plans, self.columns, strict=True)):
            mine = np.flatnonzero(which == v)
            if mine.size:
                values[np.ix_(mine, cols)] = draw(plan.table, u[np.ix_(mine, cols)])
        if rows is not None:
            rows.apply(values, index, pick, at)
        return values, which

    def resolve(self, values: np.ndarray) -> tuple[P, np.ndarray]:
        """The variant plan one replicate's union values name, and its values in that
        plan's table order."""
        v = 0  # variant_of for one replicate, without building arrays
        for k, radix in enumerate(self.radix.tolist()):
            v = v * radix + int(values[k])
        return self.plans[v], values[self.columns[v]]


def _known(plan: VariantPlan, changes: dict) -> dict:
    return {p: x for p, x in changes.items() if p in plan.index}


def _readings_only(changes: dict) -> dict:
    return {p: x for p, x in changes.items() if paths.is_reading_param(p)}
