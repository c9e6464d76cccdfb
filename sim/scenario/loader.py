"""Read a scenario YAML file into a :class:`~sim.scenario.schema.Scenario`, or say what is wrong.

Every failure becomes one :class:`~sim.scenario.errors.ScenarioError` naming the file, the line and
column where the YAML parser knows them, and the field path (``actors[1].params.x``).

A scenario may start with ``extends: other.yaml`` (relative to its own folder): it is the
other file with this one's keys laid over it. Mappings merge key by key; lists whose items
all have a ``name`` (actors, rungs, exercises, …) or all an ``id`` (judgments, questions)
merge item by item on it; a parameter given a new distribution (``uniform:``,
``triangular:`` …) drops its old one but keeps its source; anything else is replaced.
The patches of a scenario's ``readings:`` are laid over it by the same rules
(:mod:`sim.scenario.readings`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import typing
from dataclasses import replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.scenario.checks import cross_check
from sim.scenario.errors import Problem, ScenarioError
from sim.scenario.format import FORMAT, find_renamed
from sim.scenario.problems import Key, Locations, error_at, locate, problem_of
from sim.scenario.reading import (
    OBSERVATIONS_TOP,
    apply_extends,
    merge,
    parse,
    read_with_extends,
    renumber,
    under,
)
from sim.scenario.schema import Scenario

M = typing.TypeVar("M", bound=BaseModel)


def load(
    path: str | Path,
    observations: str | Path | None = None,
    as_of: dt.date | None = None,
) -> Scenario:
    """Load and validate a scenario file; raise ScenarioError on any mistake.

    `observations` names a YAML file whose ``observations:`` list is added to the
    scenario's own; with `as_of`, only observations known by that date are kept, so an
    analyst can replay what the model would have said then. A ``posterior:`` file is
    resolved beside the scenario and checked against its recorded SHA-256.
    """
    path = Path(path)
    data, locs = read_with_extends(path, chain=())
    if observations is not None:
        data, locs = _add_observations(data, locs, Path(observations))
    scenario = _validate(data, locs, str(path))
    if as_of is not None:
        scenario = known_by(scenario, as_of)
    if scenario.posterior is not None:
        scenario = _resolve_posterior(scenario, path, locs)
    return scenario


def known_by(scenario: Scenario, as_of: dt.date) -> Scenario:
    """The scenario with only the observations known by `as_of` (``as_of`` on or before
    it): what the model could have been told that day."""
    kept = [o for o in scenario.observations if o.as_of <= as_of]
    return scenario.model_copy(update={"observations": kept})


def _add_observations(data: dict, locs: Locations, path: Path) -> tuple[dict, Locations]:
    """Append an observations file's list to the scenario's, keeping each line's location.

    An entry with ``value: null`` is still being watched (a ``wargame signposts``
    watchlist before the fact is in) and is left out; a missing ``value`` is an error."""
    extra, extra_locs = read_with_extends(path, chain=(), top=OBSERVATIONS_TOP)
    check_format(extra, extra_locs, str(path))
    unknown = sorted(set(extra) - {"observations", "format"})
    if unknown:
        raise error_at(extra_locs, (unknown[0],), "an observations file holds only 'observations:'")
    items = extra.get("observations")
    if not isinstance(items, list):
        raise ScenarioError.single("expected 'observations:' with a list", file=str(path))
    have = data.get("observations") or []
    out_locs = dict(locs)
    out_locs.setdefault(("observations",), extra_locs[("observations",)])
    known = [
        i for i, o in enumerate(items) if not (isinstance(o, dict) and o.get("value", 0) is None)
    ]
    renumber(extra_locs, "observations", {i: len(have) + k for k, i in enumerate(known)}, out_locs)
    return {**data, "observations": [*have, *(items[i] for i in known)]}, out_locs


def load_questions(path: Path, scenario: Scenario) -> list:
    """The questions of a YAML file holding only ``questions:`` (the analyst's own
    indicators), validated as the scenario's own would be: against its rungs, systems and
    dates, each mistake located in that file."""
    extra, extra_locs = read_with_extends(path, chain=())
    unknown = sorted(set(extra or {}) - {"questions"})
    if unknown or not isinstance((extra or {}).get("questions"), list):
        raise ScenarioError.single(
            "expected a file holding only 'questions:' with a list", file=str(path)
        )
    data = scenario.model_dump(mode="json", exclude_defaults=True)
    have = data.get("questions") or []
    locs: Locations = {("questions",): extra_locs[("questions",)]}
    renumber(
        extra_locs, "questions", {i: len(have) + i for i in range(len(extra["questions"]))}, locs
    )
    data["questions"] = [*have, *extra["questions"]]
    return list(_validate(data, locs, str(path)).questions[len(have) :])


def _resolve_posterior(scenario: Scenario, path: Path, locs: Locations) -> Scenario:
    """Point the posterior at its file beside the scenario, refusing a changed file."""
    post = scenario.posterior
    assert post is not None
    file = (written_in(locs, ("posterior", "file"), path) / post.file).resolve()
    if not file.is_file():
        raise error_at(locs, ("posterior", "file"), f"no such posterior file: {post.file}")
    digest = file_sha256(file)
    if digest != post.sha256:
        raise error_at(
            locs,
            ("posterior", "sha256"),
            f"{post.file} has changed since the scenario was written "
            f"(sha256 {digest[:12]}..., expected {post.sha256[:12]}...)",
        )
    return scenario.model_copy(update={"posterior": post.model_copy(update={"file": str(file)})})


def written_in(locs: Locations, at: Key, default: Path) -> Path:
    """The folder of the file that wrote the value at `at` (a scenario that extends
    another takes the other's values with their own places): a path in a file is
    relative to that file, wherever it is read from. `default`'s folder if unknown."""
    where = locs.get(at)
    return Path(where[0]).parent if where and where[0] else default.parent


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, in hex: how a results folder or a calibrated scenario
    records exactly which file it was made from."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def loads(text: str, name: str = "<string>") -> Scenario:
    """Validate a scenario given as YAML text (``extends:`` resolves from the cwd)."""
    data, locs = parse(text, name)
    data, locs = apply_extends(data, locs, Path(name), chain=())
    return _validate(data, locs, name)


def quote_problems(path: str | Path, scenario: Scenario) -> tuple[list[Problem], str]:
    """Misquotes in the scenario's sources against its ``metadata.report`` text
    (:mod:`sim.scenario.quotes`), and a phrase saying what was checked."""
    from sim.scenario.quotes import Report, check_sources

    path = Path(path)
    meta = scenario.metadata
    if meta.report is None:
        return [], f"quotes not checked: {meta.report_note or 'no report text named'}"
    data, locs = read_with_extends(path, chain=())
    file = written_in(locs, ("metadata", "report"), path) / meta.report
    if not file.is_file():
        where = locs.get(("metadata", "report"), (str(path), None, None))
        problem = Problem(f"no such report text: {file}", "metadata.report", *where)
        return [problem], "quotes not checked"
    report = Report.read(file)
    misquotes, total = check_sources(data, report)
    problems = [locate(locs, at, message, str(path)) for at, message in misquotes]
    return problems, f"{total - len(problems)} of {total} quotes found in {meta.report}"


# --------------------------------------------------------------------------- validation


def _validate(data: Any, locs: Locations, name: str) -> Scenario:
    check_format(data, locs, name)
    scenario = validate_as(Scenario, data, locs, name)
    found = cross_check(scenario)
    if found:
        raise ScenarioError([locate(locs, at, msg, name) for at, msg in found])
    if scenario.readings:
        _check_readings(scenario, data, locs, name)
    return scenario


def _check_readings(scenario: Scenario, data: dict, locs: Locations, name: str) -> None:
    """Every combination of readings must be a valid scenario of the same shape, with
    each mistake placed at the patch line that made it."""
    from sim.scenario import readings

    base = {k: v for k, v in data.items() if k != "readings"}
    patch_locs_of: dict[tuple[int, int], Locations] = {}
    for combo in readings.combinations(scenario):
        merged, merged_locs = base, locs
        for i, j in enumerate(combo):
            patch = data["readings"][i]["options"][j].get("patch") or {}
            at = ("readings", i, "options", j, "patch")
            if (i, j) not in patch_locs_of:
                patch_locs_of[(i, j)] = {k[len(at) :]: v for k, v in under(locs, at)}
            patch_locs = patch_locs_of[(i, j)]
            out: Locations = {}
            merged = merge(merged, patch, (), (), merged_locs, patch_locs, out)
            merged_locs = out
        label = readings.label(scenario, combo)
        try:
            variant = _validate(merged, merged_locs, name)
        except ScenarioError as e:
            raise ScenarioError(
                [replace(p, message=f"{p.message} (reading {label})") for p in e.problems]
            ) from None
        found = readings.same_shape(scenario, variant)
        if found:
            raise ScenarioError(
                [locate(locs, ("readings",), f"reading {label}: {msg}", name) for msg in found]
            )
        if readings.variant(scenario, combo) != variant:  # pragma: no cover - a bug guard
            raise ScenarioError.single(
                f"internal error: reading {label} patches the validated scenario differently "
                "from its text; please report it",
                file=name,
            )


def check_format(data: Any, locs: Locations, name: str) -> None:
    """Refuse a file written for a newer format, and name every name an earlier format
    used that has been replaced (all at once, each at its line): the file's own words,
    checked before the schema reads them."""
    declared = data.get("format") if isinstance(data, dict) else None
    if isinstance(declared, int) and not isinstance(declared, bool) and declared > FORMAT:
        raise error_at(
            locs,
            ("format",),
            f"written for format {declared}; this wargame reads formats up to {FORMAT} "
            "(upgrade wargame to read it)",
        )
    found = find_renamed(data)
    if found:
        raise ScenarioError([locate(locs, f.at, f.rename.message(), name) for f in found])


def validate_as(model: type[M], data: Any, locs: Locations, name: str) -> M:
    """Validate `data` as `model`, turning pydantic errors into located Problems."""
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise ScenarioError([problem_of(err, locs, name, model) for err in e.errors()]) from None
