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
import re
import typing
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from sim.scenario.checks import cross_check
from sim.scenario.errors import Problem, ScenarioError, did_you_mean
from sim.scenario.format import FORMAT, find_renamed
from sim.scenario.params import KINDS
from sim.scenario.schema import Scenario
from sim.scenario.yaml_text import parse_yaml

Key = tuple[str | int, ...]
M = typing.TypeVar("M", bound=BaseModel)
Where = tuple[str, int, int]  # file, line, column (1-based)
Locations = dict[Key, Where]


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
    data, locs = _read_with_extends(path, chain=())
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
    extra, extra_locs = _read_with_extends(path, chain=(), top=OBSERVATIONS_TOP)
    check_format(extra, extra_locs, str(path))
    unknown = sorted(set(extra) - {"observations", "format"})
    if unknown:
        raise _at(extra_locs, (unknown[0],), "an observations file holds only 'observations:'")
    items = extra.get("observations")
    if not isinstance(items, list):
        raise ScenarioError.single("expected 'observations:' with a list", file=str(path))
    have = data.get("observations") or []
    out_locs = dict(locs)
    out_locs.setdefault(("observations",), extra_locs[("observations",)])
    known = [
        i for i, o in enumerate(items) if not (isinstance(o, dict) and o.get("value", 0) is None)
    ]
    _renumber(extra_locs, "observations", {i: len(have) + k for k, i in enumerate(known)}, out_locs)
    return {**data, "observations": [*have, *(items[i] for i in known)]}, out_locs


def load_questions(path: Path, scenario: Scenario) -> list:
    """The questions of a YAML file holding only ``questions:`` (the analyst's own
    indicators), validated as the scenario's own would be: against its rungs, systems and
    dates, each mistake located in that file."""
    extra, extra_locs = _read_with_extends(path, chain=())
    unknown = sorted(set(extra or {}) - {"questions"})
    if unknown or not isinstance((extra or {}).get("questions"), list):
        raise ScenarioError.single("expected a file holding only 'questions:' with a list",
                                   file=str(path))  # fmt: skip
    data = scenario.model_dump(mode="json", exclude_defaults=True)
    have = data.get("questions") or []
    locs: Locations = {("questions",): extra_locs[("questions",)]}
    _renumber(extra_locs, "questions", {i: len(have) + i for i in range(len(extra["questions"]))},
              locs)  # fmt: skip
    data["questions"] = [*have, *extra["questions"]]
    return list(_validate(data, locs, str(path)).questions[len(have) :])


def _resolve_posterior(scenario: Scenario, path: Path, locs: Locations) -> Scenario:
    """Point the posterior at its file beside the scenario, refusing a changed file."""
    post = scenario.posterior
    assert post is not None
    file = (written_in(locs, ("posterior", "file"), path) / post.file).resolve()
    if not file.is_file():
        raise _at(locs, ("posterior", "file"), f"no such posterior file: {post.file}")
    digest = file_sha256(file)
    if digest != post.sha256:
        raise _at(
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
    data, locs = _parse(text, name)
    data, locs = _apply_extends(data, locs, Path(name), chain=())
    return _validate(data, locs, name)


def quote_problems(path: str | Path, scenario: Scenario) -> tuple[list[Problem], str]:
    """Misquotes in the scenario's sources against its ``metadata.report`` text
    (:mod:`sim.scenario.quotes`), and a phrase saying what was checked."""
    from sim.scenario.quotes import Report, check_sources

    path = Path(path)
    meta = scenario.metadata
    if meta.report is None:
        return [], f"quotes not checked: {meta.report_note or 'no report text named'}"
    data, locs = _read_with_extends(path, chain=())
    file = written_in(locs, ("metadata", "report"), path) / meta.report
    if not file.is_file():
        where = locs.get(("metadata", "report"), (str(path), None, None))
        problem = Problem(f"no such report text: {file}", "metadata.report", *where)
        return [problem], "quotes not checked"
    report = Report.read(file)
    misquotes, total = check_sources(data, report)
    problems = [locate(locs, at, message, str(path)) for at, message in misquotes]
    return problems, f"{total - len(problems)} of {total} quotes found in {meta.report}"


def format_path(loc: Key) -> str:
    """``('actors', 1, 'params', 'x')`` → ``actors[1].params.x``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# ------------------------------------------------------------------------------ reading


#: What the top of each kind of file must be, for the message when it is something else.
SCENARIO_TOP = "a mapping of scenario sections (metadata:, actors:, ...)"
OBSERVATIONS_TOP = (
    "a mapping with 'observations:' holding the list (write 'observations:' on the first "
    "line and indent the list under it)"
)


def _read_with_extends(
    path: Path, chain: tuple[Path, ...], top: str = SCENARIO_TOP
) -> tuple[Any, Locations]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError.single("no such file", file=str(path)) from None
    except IsADirectoryError:
        raise ScenarioError.single("is a folder, not a scenario file", file=str(path)) from None
    except OSError as e:
        raise ScenarioError.single(f"cannot read: {e.strerror}", file=str(path)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise ScenarioError.single(
            f"not UTF-8 text (byte 0x{raw[e.start]:02x} at offset {e.start})",
            file=str(path),
            line=line,
        ) from None
    data, locs = _parse(text, str(path), top)
    return _apply_extends(data, locs, path, chain)


def parse_text(text: str, name: str) -> tuple[dict[str, Any], Locations]:
    """A file's YAML text as (plain data, location of every key path), without resolving
    ``extends:``: the file's own words, as ``wargame migrate`` edits them."""
    return _parse(text, name)


def _parse(text: str, name: str, top: str = SCENARIO_TOP) -> tuple[Any, Locations]:
    """YAML text → (plain data, location of every key path); `top` says what the file
    must hold at its top, for the message when it holds something else."""
    node, data = parse_yaml(text, name)
    if node is None or data is None:
        raise ScenarioError.single(f"the file is empty; expected {top}", file=name)
    if not isinstance(data, dict):
        raise ScenarioError.single(
            f"expected {top} at the top, found {_kind_of(data)}",
            file=name,
            line=node.start_mark.line + 1,
        )
    locs: Locations = {}
    _record(node, (), name, locs)
    return data, locs


def _kind_of(data: Any) -> str:
    """A YAML value's kind in the words of the format (a list, a number, text)."""
    if isinstance(data, list):
        return "a list"
    if isinstance(data, bool | int | float):
        return "a number" if not isinstance(data, bool) else "yes/no"
    return "text" if isinstance(data, str) else type(data).__name__


def _record(node: yaml.Node, at: Key, name: str, locs: Locations) -> None:
    """Walk a composed YAML node, remembering where every key path starts."""
    locs[at] = (name, node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for k, v in node.value:
            key = k.value
            if key in seen:
                raise ScenarioError.single(
                    f"duplicate key '{key}'",
                    file=name,
                    line=k.start_mark.line + 1,
                    column=k.start_mark.column + 1,
                    field=format_path((*at, key)),
                )
            seen.add(key)
            _record(v, (*at, key), name, locs)
            locs[(*at, key)] = (name, k.start_mark.line + 1, k.start_mark.column + 1)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            _record(v, (*at, i), name, locs)


# ------------------------------------------------------------------------------ extends


def _apply_extends(
    data: dict, locs: Locations, path: Path, chain: tuple[Path, ...]
) -> tuple[Any, Locations]:
    if "extends" not in data:
        return data, locs
    parent_name = data.pop("extends")
    if not isinstance(parent_name, str):
        raise _at(locs, ("extends",), "expected the path of another scenario file")
    here = path.resolve()
    parent = (path.parent / parent_name).resolve()
    if parent in (*chain, here):
        cycle = " -> ".join(p.name for p in (*chain, here, parent))
        raise _at(locs, ("extends",), f"extends cycle: {cycle}")
    if not parent.is_file():
        raise _at(locs, ("extends",), f"no such file to extend: {parent_name}")
    base, base_locs = _read_with_extends(parent, (*chain, here))
    out_locs: Locations = {}
    merged = _merge(base, data, (), (), base_locs, locs, out_locs)
    return merged, out_locs


def _renumber(locs: Locations, section: str, new: dict[int, int], out: Locations) -> None:
    """Carry the locations under ``(section, i, ...)`` to ``(section, new[i], ...)`` for
    every item `i` in `new`, in one pass (an appended log of n entries costs n, not n^2:
    grafting item by item took 6 s for 2,000 observations)."""
    for k, v in locs.items():
        if len(k) > 1 and k[0] == section and k[1] in new:
            out[(section, new[k[1]], *k[2:])] = v


def _key_of(items: Any) -> str | None:
    """The key a list's items merge on: ``name`` if they all have one, else ``id``."""
    if not isinstance(items, list):
        return None
    for key in ("name", "id"):
        if all(isinstance(x, dict) and key in x for x in items):
            return key
    return None


def _merge(
    b: Any, o: Any, bp: Key, op: Key, bl: Locations, ol: Locations, out: Locations, at: Key = ()
) -> Any:
    """Lay override `o` (at `op` in `ol`) over base `b` (at `bp` in `bl`), carrying each
    value's location to its new path (under `at` in `out`)."""
    return _lay(b, o, len(bp), len(op), _under(bl, bp), _under(ol, op), out, at)


Entries = list[tuple[Key, Where]]


def _under(locs: Locations, path: Key) -> Entries:
    """The locations of `path` and of everything below it."""
    n = len(path)
    return [(k, v) for k, v in locs.items() if k[:n] == path]


def _children(entries: Entries, depth: int) -> dict[Any, Entries]:
    """Locations under one path (of length `depth`), grouped by the key below it: each
    level of a merge hands its children only their own locations, so merging costs the
    size of what it walks (it once scanned the whole file for every key it kept)."""
    out: dict[Any, Entries] = {}
    for k, v in entries:
        if len(k) > depth:
            out.setdefault(k[depth], []).append((k, v))
    return out


def _carry(entries: Entries, depth: int, dst: Key, out: Locations) -> None:
    """Every location in `entries` moved from below its first `depth` keys to below `dst`."""
    for k, v in entries:
        out[dst + k[depth:]] = v


def _own(entries: Entries, depth: int) -> Where | None:
    """The location of the path the entries are under (the one of length `depth`)."""
    return next((v for k, v in entries if len(k) == depth), None)


def _lay(b: Any, o: Any, bd: int, od: int, bl: Entries, ol: Entries, out: Locations,
         at: Key) -> Any:  # fmt: skip
    """:func:`_merge` on the locations under the base's path (depth `bd`) and the
    override's (depth `od`)."""
    if isinstance(b, dict) and isinstance(o, dict):
        out[at] = _own(ol, od) or _own(bl, bd) or ("", 0, 0)
        if o.keys() & set(KINDS):  # a new distribution replaces the old one
            b = {k: v for k, v in b.items() if k not in KINDS}
        below_b, below_o = _children(bl, bd), _children(ol, od)
        result = {}
        for k in b:
            if k not in o:
                result[k] = b[k]
                _carry(below_b.get(k, []), bd + 1, (*at, k), out)
        for k in o:
            if k in b:
                result[k] = _lay(b[k], o[k], bd + 1, od + 1, below_b.get(k, []),
                                 below_o.get(k, []), out, (*at, k))  # fmt: skip
            else:
                result[k] = o[k]
                _carry(below_o.get(k, []), od + 1, (*at, k), out)
        return result
    key = _key_of(b)
    if key is not None and key == _key_of(o):
        out[at] = _own(ol, od) or _own(bl, bd) or ("", 0, 0)
        below_b, below_o = _children(bl, bd), _children(ol, od)
        overrides = {x[key]: j for j, x in enumerate(o)}
        result_list = []
        for i, item in enumerate(b):
            j = overrides.pop(item[key], None)
            k = len(result_list)
            if j is None:
                result_list.append(item)
                _carry(below_b.get(i, []), bd + 1, (*at, k), out)
            else:
                result_list.append(_lay(item, o[j], bd + 1, od + 1, below_b.get(i, []),
                                        below_o.get(j, []), out, (*at, k)))  # fmt: skip
        for j in overrides.values():
            _carry(below_o.get(j, []), od + 1, (*at, len(result_list)), out)
            result_list.append(o[j])
        return result_list
    _carry(ol, od, at, out)
    return o


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
                patch_locs_of[(i, j)] = {k[len(at) :]: v for k, v in _under(locs, at)}
            patch_locs = patch_locs_of[(i, j)]
            out: Locations = {}
            merged = _merge(merged, patch, (), (), merged_locs, patch_locs, out)
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
        raise _at(
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


def read_yaml(path: Path, top: str = "a mapping") -> tuple[Any, Locations]:
    """A YAML mapping file and the location of every key, ``extends`` resolved; `top`
    says what the file must hold at its top (for the message when it does not)."""
    data, locs = _read_with_extends(path, chain=(), top=top)
    return data, locs


def locate(locs: Locations, at: Key, message: str, default_file: str) -> Problem:
    """A Problem for path `at`, placed at the deepest part of it the YAML file has."""
    for n in range(len(at), -1, -1):
        if at[:n] in locs:
            file, line, column = locs[at[:n]]
            return Problem(
                message,
                field=format_path(at),
                file=file or default_file,
                line=line or None,
                column=column or None,
            )
    return Problem(message, field=format_path(at), file=default_file)


def _at(locs: Locations, at: Key, message: str) -> ScenarioError:
    return ScenarioError([locate(locs, at, message, "")])


def _fields_at(loc: Key, root: type[BaseModel] = Scenario) -> list[str]:
    """The keys the schema node at `loc` accepts, for "did you mean" on unknown keys."""
    tp: Any = root
    for part in loc:
        tp = _step(tp, part)
        if tp is None:
            return []
    model = _model_in(tp)
    return list(model.model_fields) if model else []


def _model_in(tp: Any) -> type[BaseModel] | None:
    """The pydantic model inside an annotation such as ``Rung | None``, if any."""
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return tp
    for arg in typing.get_args(tp):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _step(tp: Any, part: str | int) -> Any:
    """The annotation one step down from `tp` along a path part."""
    model = _model_in(tp)
    if model is not None and isinstance(part, str):
        field = model.model_fields.get(part)
        return field.annotation if field else None
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    origin = typing.get_origin(tp)
    if origin in (list, tuple) and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    if len(args) == 1:  # X | None
        return _step(args[0], part)
    return None


def problem_of(err: Any, locs: Locations, name: str, root: type[BaseModel] = Scenario) -> Problem:
    """Turn one pydantic error into a plain-language Problem."""
    at: Key = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function")))
    kind, found = err["type"], err.get("input")
    if kind == "extra_forbidden":
        key = str(at[-1])
        allowed = _fields_at(at[:-1], root)
        hint = did_you_mean(key, allowed)
        listed = f" (expected one of: {', '.join(allowed)})" if allowed else ""
        return locate(locs, at, f"unknown key '{key}'{listed}{hint}", name)
    message = err["msg"].removeprefix("Value error, ")
    if kind == "missing":
        message = "required field is missing"
    elif kind.startswith(("date_", "datetime_")):
        return locate(locs, at, f"{found!r} is not a date; write dates as YYYY-MM-DD", name)
    elif kind not in ("value_error", "assertion_error") and not isinstance(found, dict | list):
        message = f"{message}; found {found!r}"
    if kind == "literal_error" and isinstance(found, str):  # one of a set of words
        message += did_you_mean(found, re.findall(r"'([^']*)'", err["ctx"]["expected"]))
    return locate(locs, at, message, name)
