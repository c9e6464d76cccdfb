"""Where a problem is: a field path in the words of the format (``actors[1].params.x``),
its file, line and column from the YAML locations, and a pydantic error turned into a
:class:`~sim.scenario.errors.Problem` with what was expected and what to write instead."""

from __future__ import annotations

import re
import typing
from typing import Any

from pydantic import BaseModel

from sim.scenario.errors import Problem, ScenarioError, did_you_mean
from sim.scenario.schema import Scenario

Key = tuple[str | int, ...]
Where = tuple[str, int, int]  # file, line, column (1-based)
Locations = dict[Key, Where]


def format_path(loc: Key) -> str:
    """``('actors', 1, 'params', 'x')`` → ``actors[1].params.x``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


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


def error_at(locs: Locations, at: Key, message: str) -> ScenarioError:
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
