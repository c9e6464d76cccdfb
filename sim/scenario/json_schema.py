"""The scenario format as JSON Schema, generated from the pydantic models, so that an
editor with the YAML language server completes keys and flags mistakes as they are typed.

Two schemas ship in ``schema/``: ``scenario.schema.json`` for a whole scenario, and
``scenario-overlay.schema.json`` for a variant that ``extends:`` another (the same fields,
none of them required, since the base file supplies them). A shipped scenario names its
schema on its first line::

    # yaml-language-server: $schema=../schema/scenario.schema.json

The editor's check is a convenience; ``wargame validate`` stays the authority (it also
checks what JSON Schema cannot say: cross-references, dates inside the horizon, ...).
Regenerate the shipped files after a change to the models with ``wargame schema --write``.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from sim.scenario.schema import Scenario

#: Where the shipped schema files live, from the repository root.
SCHEMA_DIR = Path("schema")
FILES = {False: "scenario.schema.json", True: "scenario-overlay.schema.json"}

_EXTENDS = {
    "type": "string",
    "description": "another scenario file (relative to this one) that this file is laid over",
}


def scenario_schema(overlay: bool = False) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file; with `overlay`, of a variant
    that extends another (nothing required)."""
    schema = Scenario.model_json_schema()
    schema["properties"] = {"extends": _EXTENDS, **schema["properties"]}
    if overlay:
        schema = _without_required(schema)
    head = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "wargame scenario" + (" overlay (extends another)" if overlay else ""),
        "description": (
            "A wargame scenario file; `wargame validate` is the full check. Generated from "
            "sim/scenario/schema.py by `wargame schema`."
        ),
    }
    return {**head, **{k: v for k, v in schema.items() if k not in ("title", "description")}}


def schema_text(overlay: bool = False) -> str:
    """The schema as the shipped file holds it (sorted keys, two-space indent)."""
    return json.dumps(scenario_schema(overlay), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _without_required(node: Any) -> Any:
    """A deep copy of a schema with every ``required`` list dropped."""
    if isinstance(node, dict):
        return {k: _without_required(v) for k, v in node.items() if k != "required"}
    if isinstance(node, list):
        return [_without_required(v) for v in node]
    return copy.copy(node)
