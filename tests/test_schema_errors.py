"""A wrong scenario gives one clear message naming the file, the line and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load
from tests.conftest import write_yaml


def error_for(tmp_path: Path, data) -> str:
    path = write_yaml(tmp_path, data)
    with pytest.raises(ScenarioError) as info:
        load(path)
    message = str(info.value)
    assert str(path) in message, "the message names the file"
    return message


def test_the_minimal_scenario_is_valid(tmp_path, minimal):
    assert load(write_yaml(tmp_path, minimal)).metadata.name == "minimal"


def test_unknown_key_names_the_field_and_suggests(tmp_path, minimal):
    minimal["actors"][0]["parms"] = {}
    msg = error_for(tmp_path, minimal)
    assert "actors[0].parms" in msg and "did you mean 'params'" in msg


def test_unknown_parameter_of_a_role(tmp_path, minimal):
    minimal["actors"][1]["params"]["sovereignty"] = 0.5
    msg = error_for(tmp_path, minimal)
    assert "actors[1].params.sovereignty" in msg
    assert "did you mean 'sovereignty_resistance'" in msg


def test_probability_out_of_unit_interval(tmp_path, minimal):
    minimal["actors"][0]["params"]["ambition"] = 1.5
    msg = error_for(tmp_path, minimal)
    assert "actors[0].params.ambition" in msg and "[0, 1]" in msg and "1.5" in msg


def test_probability_distribution_reaching_outside_unit_interval(tmp_path, minimal):
    minimal["actors"][0]["params"]["ambition"] = {"uniform": [0.5, 1.2]}
    assert "actors[0].params.ambition" in error_for(tmp_path, minimal)


def test_negative_duration(tmp_path, minimal):
    minimal["operations"]["recurring"][0]["duration_days"] = -3
    msg = error_for(tmp_path, minimal)
    assert "operations.recurring[0].duration_days" in msg and "at least 1 day" in msg


def test_negative_lead_time(tmp_path, minimal):
    minimal["ladder"][2]["basing_lead_time_days"] = {"uniform": [-10, 5]}
    assert "ladder[2].basing_lead_time_days" in error_for(tmp_path, minimal)


def test_unknown_role(tmp_path, minimal):
    minimal["actors"][2]["role"] = "protest"
    msg = error_for(tmp_path, minimal)
    assert "actors[2].role" in msg and "did you mean 'protest_movement'" in msg


def test_event_naming_an_absent_actor(tmp_path, minimal):
    minimal["operations"]["exercises"][0]["patron"] = "nobody"
    msg = error_for(tmp_path, minimal)
    assert "operations.exercises[0].patron" in msg and "unknown patron 'nobody'" in msg


def test_inject_naming_an_absent_actor(tmp_path, minimal):
    minimal["injects"][0]["actor"] = "crowds"
    msg = error_for(tmp_path, minimal)
    assert "injects[0].actor" in msg and "did you mean 'crowd'" in msg


def test_dates_out_of_order(tmp_path, minimal):
    minimal["operations"]["exercises"][0]["end"] = "2020-09-10"
    msg = error_for(tmp_path, minimal)
    assert "operations.exercises[0]" in msg and "before start" in msg


def test_start_window_out_of_order(tmp_path, minimal):
    ex = minimal["operations"]["exercises"][0]
    del ex["start"], ex["end"]
    ex["start_window"] = ["2020-10-31", "2020-10-01"]
    ex["duration_days"] = 5
    assert "out of order" in error_for(tmp_path, minimal)


def test_date_outside_the_horizon(tmp_path, minimal):
    minimal["operations"]["summits"][0]["date"] = "2023-01-01"
    msg = error_for(tmp_path, minimal)
    assert "operations.summits[0].date" in msg and "outside the scenario" in msg


def test_duplicate_actor_names(tmp_path, minimal):
    minimal["actors"][3]["name"] = "crowd"
    assert "duplicate actor name 'crowd'" in error_for(tmp_path, minimal)


def test_ladder_not_ordered_by_cost(tmp_path, minimal):
    minimal["ladder"][2]["cost"] = 0.05
    msg = error_for(tmp_path, minimal)
    assert "ladder[2].cost" in msg and "ordered by cost" in msg


def test_empty_ladder(tmp_path, minimal):
    minimal["ladder"] = []
    assert "needs at least two rungs" in error_for(tmp_path, minimal)


def test_wrong_type(tmp_path, minimal):
    minimal["metadata"]["horizon_months"] = "two years"
    msg = error_for(tmp_path, minimal)
    assert "metadata.horizon_months" in msg and "two years" in msg


def test_missing_required_field(tmp_path, minimal):
    del minimal["metadata"]["start_date"]
    assert "metadata.start_date: required field is missing" in error_for(tmp_path, minimal)


def test_misspelt_estimative_word(tmp_path, minimal):
    minimal["actors"][0]["params"]["ambition"] = "very likley"
    msg = error_for(tmp_path, minimal)
    assert "actors[0].params.ambition" in msg and "did you mean 'very_likely'" in msg


def test_message_points_at_the_line(tmp_path, minimal):
    path = write_yaml(tmp_path, minimal)
    text = path.read_text().replace("ambition: 0.5", "ambition: 7")
    path.write_text(text)
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "ambition: 7" in s)
    with pytest.raises(ScenarioError, match=rf"scenario\.yaml:{line}:\d+: actors\[0\]"):
        load(path)


def test_yaml_syntax_error_has_line_and_column(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("metadata:\n  name: [unclosed\n")
    with pytest.raises(ScenarioError, match=r"broken\.yaml:3:1: not valid YAML"):
        load(path)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (b"- a list\n- not a mapping\n", "expected a mapping"),
        (b"a: 1\na: 2\n", "duplicate key 'a'"),
    ],
)
def test_files_that_are_not_scenarios(tmp_path, content, expected):
    path = tmp_path / "x.yaml"
    path.write_bytes(content)
    with pytest.raises(ScenarioError, match=expected):
        load(path)


def test_extends_merges_named_items_and_reports_cycles(tmp_path, minimal):
    write_yaml(tmp_path, minimal, "base.yaml")
    child = {"extends": "base.yaml", "actors": [{"name": "patron", "params": {"ambition": 0.9}}]}
    s = load(write_yaml(tmp_path, child, "child.yaml"))
    assert s.actor("patron").params["ambition"].value == 0.9
    assert s.actor("patron").role == "patron" and len(s.actors) == 4
    write_yaml(tmp_path, {"extends": "b.yaml"}, "a.yaml")
    write_yaml(tmp_path, {"extends": "a.yaml"}, "b.yaml")
    with pytest.raises(ScenarioError, match="extends cycle"):
        load(tmp_path / "a.yaml")


def test_error_in_a_child_points_at_the_child_file(tmp_path, minimal):
    write_yaml(tmp_path, minimal, "base.yaml")
    child = write_yaml(
        tmp_path,
        {"extends": "base.yaml", "actors": [{"name": "patron", "params": {"ambition": 3}}]},
        "child.yaml",
    )
    with pytest.raises(ScenarioError, match=r"child\.yaml:\d+:\d+: actors\[0\]\.params\.ambition"):
        load(child)
