"""The parameter table of a scenario, and drawing one replicate's values from it.

Every uncertain number of a scenario gets a dotted path (``actors.kremlin.ambition``,
``ladder.a2ad_deployed.cost``, ``operations.exercises.October 2020 exercise.start_day``).
The table lists them in a fixed order; a replicate draws one uniform number per entry and
maps it through the entry's quantile function. ``wargame explain`` prints the same table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.roles import ROLE_SPECS
from sim.scenario import paths
from sim.scenario.calendar import day_of
from sim.scenario.params import PROBABILITY, ParamSpec, Provenance
from sim.scenario.schema import Scenario, StartRung
from sim.scenario.track_checks import RUNG_BOUNDS
from sim.scenario.tracks import HELD_EFFECTS, Rung

#: A rung's drawn numbers: its cost, then its drawn held effects (in declaration order).
RUNG_FIELDS = ("cost", *(f for f, e in HELD_EFFECTS.items() if e.drawn))
_RUNG_UNITS = {"cost": "pressure", **{f: e.units for f, e in HELD_EFFECTS.items() if e.drawn}}


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
    #: For a yes/no entry: the path of the probability it is drawn against (its value is
    #: 1 when its own uniform falls below that entry's value, else 0).
    indicator_of: str | None = None

    @property
    def tier(self) -> Provenance:
        """Where the value comes from (:class:`~sim.scenario.params.Provenance`)."""
        return self.spec.tier if self.given else Provenance.DEFAULT

    @property
    def status(self) -> str:
        """The tier's short key (``cited``, ``direction``, ...), as results files record it."""
        return self.tier.key


def parameter_table(s: Scenario) -> list[Entry]:
    """Every uncertain number in the scenario, in a fixed order."""
    return [
        *_actor_entries(s),
        *_track_entries(s),
        *_operation_entries(s),
        *_inject_entries(s),
    ]


def _actor_entries(s: Scenario) -> list[Entry]:
    """Every actor's parameters (one that acts only among rival patrons, only where there
    are several or the scenario sets it; one that acts only for a movement opposing a
    patron, only for such a movement), and its starting rungs' chances."""
    rows: list[Entry] = []
    rivals = len(s.patrons()) > 1
    for a in s.actors:
        for name, d in ROLE_SPECS[a.role].Params.declarations().items():
            given = name in a.params
            if (d.rivals and not (rivals or given)) or (d.opposing and a.opposes is None):
                continue  # nothing for it to act on: at its default, drawing nothing
            spec = a.params[name] if given else ParamSpec(value=d.default)
            rows.append(
                Entry(paths.actor_param(a.name, name), spec, d.units, d.doc, given, (d.low, d.high))
            )
        for start in a.start_rungs:
            if start.probability is not None:
                rows += _start_entries(paths.start_rung(a.name, start.rung), start)
    return rows


def _start_entries(at: str, start: StartRung) -> list[Entry]:
    """A starting rung conceded with some chance: the chance, and this replicate's yes/no."""
    assert start.probability is not None
    chance = Entry(
        f"{at}.probability",
        _cite(start.probability, start),
        "probability",
        "chance the concession was made before the start date",
        bounds=PROBABILITY,
    )
    conceded = Entry(
        f"{at}.conceded",
        ParamSpec(
            uniform=(0.0, 1.0),
            assumption=True,
            rationale="1 when the replicate's draw falls below the probability, else 0",
        ),
        "yes (1) / no (0)",
        "whether the concession was made, in this replicate",
        indicator_of=chance.path,
    )
    return [chance, conceded]


def _track_entries(s: Scenario) -> list[Entry]:
    rows: list[Entry] = []
    for track in s.all_tracks:
        at = s.track_path(track.name)
        if s.tracks is not None:
            rows.append(
                Entry(
                    f"{at}.priority",
                    _cite(track.priority, track),
                    "weight",
                    "the weight the patron puts on pressing this track",
                    bounds=(0.0, math.inf),
                )
            )
        rev = track.reversal
        if rev is not None:
            rows.append(
                Entry(
                    f"{at}.reversal.hazard",
                    _cite(rev.hazard, rev),
                    "per month",
                    "monthly chance of losing the rung held, at no leverage and just granted",
                    bounds=PROBABILITY,
                )
            )
            rows.append(
                Entry(
                    f"{at}.reversal.entrenchment_months",
                    _cite(rev.entrenchment_months, rev),
                    "months",
                    "the hazard falls by e for every this many months the rung has held",
                )
            )
        for r in track.rungs:
            rows += _rung_entries(f"{at}.{r.name}", r)
    return rows


def _rung_entries(at: str, r: Rung) -> list[Entry]:
    rows = [
        Entry(f"{at}.{field}", _cite(ps, r), _RUNG_UNITS[field], bounds=RUNG_BOUNDS.get(field))
        for field in RUNG_FIELDS
        if (ps := getattr(r, field)) is not None
    ]
    if r.delivers is not None:
        lead = _cite(r.delivers.lead_time_days, r.delivers)
        rows.append(Entry(f"{at}.delivers.lead_time_days", lead, "days"))
    if r.basing_lead_time_days is not None:
        lead = _cite(r.basing_lead_time_days, r)
        rows.append(Entry(f"{at}.basing_lead_time_days", lead, "days"))
    return rows


def _operation_entries(s: Scenario) -> list[Entry]:
    rows: list[Entry] = []
    start = s.metadata.start_date
    for ex in s.operations.exercises:
        at = f"operations.exercises.{ex.name}"
        if ex.start_window is not None:
            lo, hi = (day_of(start, d) for d in ex.start_window)
            window = ParamSpec(
                uniform=(lo, hi + 1),
                source=ex.source,
                rationale="start day drawn uniformly within start_window",
            )
            rows.append(Entry(f"{at}.start_day", window, "day offset"))
        if ex.duration_days is not None:
            rows.append(Entry(f"{at}.duration_days", _cite(ex.duration_days, ex), "days"))
    for rec in s.operations.recurring:
        at = f"operations.recurring.{rec.patron}"
        rows.append(Entry(f"{at}.duration_days", _cite(rec.duration_days, rec), "days"))
        rows.append(Entry(f"{at}.jitter", _cite(rec.jitter, rec), "share of mean gap"))
    for su in s.operations.summits:
        if su.accept_probability is not None:
            rows.append(
                Entry(
                    paths.summit_accept(su.name),
                    _cite(su.accept_probability, su),
                    "probability",
                    bounds=PROBABILITY,
                )
            )
    return rows


def _inject_entries(s: Scenario) -> list[Entry]:
    rows: list[Entry] = []
    for inj in s.injects:
        rows.append(
            Entry(
                paths.inject_probability(inj.name),
                _cite(inj.probability, inj),
                "probability",
                bounds=PROBABILITY,
            )
        )
        declared = ROLE_SPECS[s.actor(inj.actor).role].Params.declarations()
        for name, ps in inj.params.items():
            d = declared[name]
            rows.append(
                Entry(
                    paths.inject_param(inj.name, name),
                    _cite(ps, inj),
                    d.units,
                    d.doc,
                    bounds=(d.low, d.high),
                )
            )
    return rows


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
    """Map uniforms of shape (n_params,) or (n_replicates, n_params) to parameter values;
    a yes/no entry compares its uniform with its probability entry's value (unless a sweep
    or a test has fixed it)."""
    u = np.asarray(u, dtype=float)
    out = np.empty_like(u)
    derived = [(j, e) for j, e in enumerate(table) if e.indicator_of and not e.spec.is_fixed]
    for j, entry in enumerate(table):
        out[..., j] = entry.spec.ppf(u[..., j])
    index = {e.path: j for j, e in enumerate(table)}
    for j, entry in derived:
        out[..., j] = (u[..., j] < out[..., index[entry.indicator_of]]).astype(float)
    return out
