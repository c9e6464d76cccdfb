"""The scenario format as JSON Schema, for editors: the shipped files are what the models
generate, every shipped scenario names the right one and passes it, and it catches the
mistakes an editor should flag as they are typed."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from sim.present.cli import main
from sim.scenario.json_schema import FILES, schema_text
from tests.conftest import BELARUS, ROOT, SCENARIOS

SHIPPED = ROOT / "schema"


def as_json(path) -> dict:
    """A YAML file's data as an editor's language server sees it (dates as strings)."""
    return json.loads(json.dumps(yaml.safe_load(path.read_text()), default=str))


@pytest.mark.parametrize("overlay", [False, True], ids=["scenario", "overlay"])
def test_the_shipped_schema_is_the_generated_one(overlay):
    assert (SHIPPED / FILES[overlay]).read_text() == schema_text(overlay), (
        "regenerate with `wargame schema --write`"
    )


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_scenario_names_its_schema_and_passes_it(path):
    overlay = "extends" in as_json(path)
    first = path.read_text().splitlines()[0]
    assert first == f"# yaml-language-server: $schema=../schema/{FILES[overlay]}"
    schema = json.loads((SHIPPED / FILES[overlay]).read_text())
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(as_json(path)))
    assert not errors, [e.message for e in errors]


@pytest.mark.parametrize(
    ("change", "flagged"),
    [
        (lambda d: d["metadata"].update(horizon_monhts=24), "horizon_monhts"),
        (lambda d: d["metadata"].update(horizon_months="two years"), "two years"),
        (lambda d: d["actors"][0].update(role=None), "None"),
        (lambda d: d.pop("actors"), "'actors' is a required property"),
    ],
    ids=["misspelt key", "wrong type", "null role", "missing section"],
)
def test_the_schema_flags_what_an_editor_should(change, flagged):
    data = as_json(BELARUS)
    change(data)
    schema = json.loads((SHIPPED / FILES[False]).read_text())
    messages = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(data)]
    assert any(flagged in m for m in messages), messages


def test_fields_carry_their_descriptions():
    schema = json.loads(schema_text())
    rung = schema["$defs"]["Rung"]["properties"]
    assert "sovereignty it costs the client" in rung["cost"]["description"]
    assert schema["$defs"]["Metadata"]["properties"]["start_date"]["format"] == "date"
    param = schema["$defs"]["ParamSpec"]
    assert {"type": "number", "description": "a fixed value"} in param["anyOf"]


def test_the_command_prints_the_schema(capsys):
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(schema_text())
    assert main(["schema", "--overlay"]) == 0
    assert "required" not in capsys.readouterr().out
