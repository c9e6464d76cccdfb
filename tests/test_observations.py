"""Observations condition a run: kept replicates agree with every one; bad files are named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from sim.present.cli import main
from tests.conftest import MINIMAL, write_yaml

GRANTED = {"metric": "rung_by", "rung": "more_exercises", "end": "2020-10-02"}


def observations_file(tmp_path: Path, items: list[dict]) -> Path:
    path = tmp_path / "observed.yaml"
    path.write_text(yaml.safe_dump({"observations": items}, sort_keys=False))
    return path


def run(tmp_path: Path, *extra: str, name: str = "r") -> tuple[int, Path]:
    scenario = write_yaml(tmp_path, MINIMAL)
    out = tmp_path / name
    code = main(["run", str(scenario), "-n", "400", "--workers", "1", "--out", str(out), *extra])
    return code, out


def test_a_run_keeps_only_histories_that_agree_and_says_how_many(tmp_path, capsys):
    obs = observations_file(
        tmp_path,
        [{"id": "granted", "value": True, "as_of": "2020-10-02", "source": "t", **GRANTED}],
    )
    code, out = run(tmp_path, "--observations", str(obs))
    assert code == 0
    text = capsys.readouterr().out
    summary = json.loads((out / "summary.json").read_text())
    kept = summary["kept"]
    assert f"kept {kept['k']} of 400 replicates" in text
    assert 0 < kept["k"] < 400 and summary["replicates"] == kept["k"]
    # every kept history reached the rung by the observation's date
    assert summary["rungs"]["ladder"]["highest"]["status_quo"] == 0.0


def test_every_table_of_a_rejection_run_describes_the_same_replicates(tmp_path, capsys):
    """Loaded back, a run conditioned by rejection gives the kept replicates in every
    table (outcomes, parameters, trajectories, events); only ``all_outcomes`` keeps the
    rejected rows, for seeing which observation rejected them."""
    from sim.runs.results import load

    obs = observations_file(
        tmp_path,
        [{"id": "granted", "value": True, "as_of": "2020-10-02", "source": "t", **GRANTED}],
    )
    code, out = run(tmp_path, "--observations", str(obs))
    assert code == 0
    r = load(out)
    kept = set(r.outcomes["replicate"])
    assert 0 < len(kept) < 400 and len(r.all_outcomes) == 400
    for table in (r.parameters, r.trajectories, r.events):
        assert set(table["replicate"]) == kept
    assert len(r.parameters) == len(kept)


def test_as_of_before_an_observation_leaves_the_run_unconditioned(tmp_path, capsys):
    obs = observations_file(
        tmp_path,
        [{"id": "granted", "value": True, "as_of": "2020-10-02", "source": "t", **GRANTED}],
    )
    code, out = run(tmp_path, "--observations", str(obs), "--as-of", "2020-10-01")
    assert code == 0
    summary = json.loads((out / "summary.json").read_text())
    assert "kept" not in summary and summary["replicates"] == 400


def test_an_observation_no_history_agrees_with_says_so_without_a_traceback(tmp_path, capsys):
    never = {"metric": "rung_by", "rung": "basing", "end": "2020-09-17"}
    obs = observations_file(
        tmp_path, [{"id": "based", "value": True, "as_of": "2020-09-17", "source": "t", **never}]
    )
    code, out = run(tmp_path, "--observations", str(obs))
    assert code == 2
    assert "no replicate's history agrees with every observation" in capsys.readouterr().err
    for command in (["plot", str(out)], ["report", str(out)]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert "has no forecast" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"value": "maybe"}, "observations[0].value"),
        ({"as_of": "2019-01-01"}, "before the scenario starts"),
        ({"rung": "bases"}, "unknown rung 'bases'"),
        ({"source": None}, "observations[0].source"),
    ],
)
def test_a_bad_observations_file_is_named_with_its_line(tmp_path, capsys, item, message):
    good = {"id": "granted", "value": True, "as_of": "2020-10-02", "source": "t", **GRANTED}
    obs = observations_file(tmp_path, [{**good, **item}])
    code, out = run(tmp_path, "--observations", str(obs))
    assert code == 2
    err = capsys.readouterr().err
    assert message in err and "observed.yaml:" in err
    assert not out.exists()


def test_a_mistake_deep_in_a_long_log_is_placed_at_its_own_line(tmp_path):
    """The log's locations are carried over in one pass (item by item, a 2,000-entry log
    took 6 s to load); the 300th entry's mistake is still reported at its own line, and
    entries still being watched (`value: null`) do not shift the numbering."""
    from sim.scenario.errors import ScenarioError
    from sim.scenario.loader import load

    good = {"id": "granted", "value": True, "as_of": "2020-10-02", "source": "t", **GRANTED}
    items = [{**good, "id": f"o{k}"} for k in range(300)]
    items[5]["value"] = None  # watched, not yet seen: left out
    items[299]["rung"] = "bases"
    obs = observations_file(tmp_path, items)
    line = next(n for n, text in enumerate(obs.read_text().splitlines(), 1) if "bases" in text)
    with pytest.raises(ScenarioError) as e:
        load(write_yaml(tmp_path, MINIMAL), obs)
    (problem,) = e.value.problems
    assert "unknown rung 'bases'" in problem.message
    assert problem.file == str(obs) and problem.line == line
    assert problem.field == "observations[298].rung"


@pytest.mark.parametrize("conditioning", ["reject", "branch"])
def test_a_log_no_history_meets_fails_and_leaves_no_complete_looking_folder(
    tmp_path, capsys, conditioning
):
    """Observations nothing in the model can produce (the top rung, basing, reached on the
    second day): the run says so, exits with status 2, does not offer to resume, and its
    folder is marked as holding no forecast, which readers refuse."""
    from sim.runs.results import load
    from sim.scenario.errors import ScenarioError

    never = {"metric": "rung_by", "rung": "basing", "end": "2020-09-17"}
    later = {"metric": "exercise_in", "start": "2020-09-20", "end": "2020-09-30"}
    obs = observations_file(
        tmp_path,
        [
            {"id": "based", "value": True, "as_of": "2020-09-18", "source": "t", **never},
            {"id": "drill", "value": True, "as_of": "2020-12-01", "source": "t", **later},
        ],
    )
    code, out = run(tmp_path, "--observations", str(obs), "--conditioning", conditioning)
    assert code == 2
    err = capsys.readouterr().err
    assert "nothing to" in err and "check the observations" in err and "--resume" not in err
    assert "Traceback" not in err
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "no_forecast"
    with pytest.raises(ScenarioError, match="has no forecast"):
        load(out)
