"""The command line: what a user sees, and what is (not) left in the output folder."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from sim.present.cli import main
from tests.conftest import BELARUS, SCENARIOS, write_yaml


def test_run_prints_the_probability_with_its_interval_and_the_judgments(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", str(BELARUS), "-n", "60", "--workers", "1", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "persistent presence at the horizon" in text
    assert "= forces present on at least 90 % of the 180 days before the horizon" in text
    # each outcome's definition stands on the line with its number
    line = next(ln for ln in text.splitlines() if "persistent presence at the horizon =" in ln)
    assert re.match(r"\s*\d+\.\d %\s+\d+\.\d % - +\d+\.\d %", line), line
    assert "95 % interval (Wilson)" in text
    for judgment in ("sustain_presence", "accelerate_cooperation", "formalize_control"):
        assert judgment in text
    summary = json.loads((out / "summary.json").read_text())
    outcomes = pd.read_parquet(out / "outcomes.parquet")
    assert len(outcomes) == 60 == summary["replicates"]
    p = summary["outcomes"]["persistent"]
    assert p["p"] == outcomes["persistent"].mean()
    assert p["low"] <= p["p"] <= p["high"]
    params = pd.read_parquet(out / "parameters.parquet")
    assert "actors.lukashenko.sovereignty_resistance" in params.columns


def test_judgment_lines_say_whose_word_it_is_and_how_the_parameters_were_set(
    tmp_path, capsys, minimal
):
    """A judgment the scenario marks as an assumption is the analyst's reading, not the
    report's word; a source that brings its own brackets is not bracketed again; the
    closing line says 'not tuned' only when no posterior drew the parameters."""
    minimal["judgments"] = [
        {
            "id": "read",
            "claim": "Forces will be in.",
            "word": "likely",
            "assumption": True,
            "source": "[A5] the appeal",
            "metric": "present_on",
            "end": "2020-12-01",
        },
        {
            "id": "said",
            "claim": "No base.",
            "word": "almost_certain",
            "source": "p1",
            "metric": "outcome_by",
            "outcome": "basing",
            "end": "2020-12-01",
            "negate": True,
        },
    ]
    path = write_yaml(tmp_path, minimal)
    assert main(["run", str(path), "-n", "40", "--lean", "--out", str(tmp_path / "r")]) == 0
    text = capsys.readouterr().out
    assert "read: analyst reads likely" in text and "said: report says almost certain" in text
    assert '"Forces will be in." - [A5] the appeal' in text and "[[" not in text
    from sim.present.text.run import format_summary
    from sim.runs.run_summary import RunSummary

    summary = json.loads((tmp_path / "r" / "summary.json").read_text())
    summary["judgments"][0]["verdict"] = "below range"
    assert "not tuned by hand" in format_summary(RunSummary.from_json(summary))
    summary["posterior"] = "posterior.parquet"
    calibrated = format_summary(RunSummary.from_json(summary))
    assert "drawn from the calibration posterior posterior.parquet" in calibrated
    assert "not tuned" not in calibrated


def test_bad_scenario_exits_2_with_a_message_and_writes_nothing(tmp_path, capsys, minimal):
    minimal["actors"][0]["params"]["ambition"] = 2
    path = write_yaml(tmp_path, minimal)
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "actors[0].params.ambition" in err
    assert "Traceback" not in err
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["scenario.yaml"]


def test_existing_output_folder_is_never_overwritten(tmp_path, capsys):
    out = tmp_path / "taken"
    out.mkdir()
    (out / "keep.txt").write_text("precious")
    assert main(["run", str(BELARUS), "-n", "5", "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_missing_file_is_a_clear_error(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err


@pytest.mark.parametrize("bad", ["0", "-5", "many"])
def test_absurd_replicate_counts_are_refused(bad, capsys):
    with pytest.raises(SystemExit) as info:
        main(["run", str(BELARUS), "-n", bad])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "replicates must be between 1" in err or "expected a whole number" in err


def test_validate_accepts_every_shipped_scenario(capsys):
    files = sorted(str(p) for p in SCENARIOS.glob("*.yaml"))
    assert len(files) >= 4
    assert main(["validate", *files]) == 0
    assert capsys.readouterr().out.count(": ok (") == len(files)


def test_explain_lists_every_parameter_with_its_status(capsys):
    assert main(["explain", str(BELARUS)]) == 0
    text = capsys.readouterr().out
    assert "actors.lukashenko.sovereignty_resistance" in text
    assert "tracks.arms.russian_a2ad.delivers.lead_time_days" in text
    assert "assumption" in text and "cited" in text


def test_a_command_line_mistake_is_one_line_naming_the_option(capsys):
    assert main(["sweep", str(BELARUS)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --vary: name the parameters to vary") and err.count("\n") == 1
    assert "<scenario>" not in err and "Traceback" not in err


def test_the_resume_command_repeats_the_arguments_with_the_folder():
    from sim.present.commands.running import resume_command

    argv = ["run", "s.yaml", "-n", "60", "--out", "old", "--workers", "1", "--resume=x"]
    assert resume_command(argv, Path("new")) == (
        "wargame run s.yaml -n 60 --workers 1 --resume new"
    )


def test_explain_lists_judgments_observations_and_questions(tmp_path, capsys, minimal):
    """Beside the parameters, explain lists every claim the scenario checks or asks, each
    with the event it is checked as (an observation's answer and date too)."""
    minimal["observations"] = [
        {
            "id": "seen",
            "value": True,
            "as_of": "2020-10-01",
            "source": "a wire report",
            "metric": "exercise_in",
            "start": "2020-09-16",
            "end": "2020-09-30",
        }
    ]
    minimal["questions"] = [
        {"id": "q", "question": "In by Christmas?", "metric": "present_on", "end": "2020-12-25"}
    ]
    minimal["judgments"] = [
        {
            "id": "j",
            "claim": "No base.",
            "word": "unlikely",
            "metric": "outcome_by",
            "outcome": "basing",
            "end": "2020-12-01",
        }
    ]
    assert main(["explain", str(write_yaml(tmp_path, minimal))]) == 0
    text = capsys.readouterr().out
    assert '== judgments (1) ==\nj: unlikely (20-45 %, the report\'s word): "No base."' in text
    assert "checked as: outcome basing as of 2020-12-01" in text
    seen = "seen: yes as of 2020-10-01\n    checked as: an exercise starts 2020-09-16..2020-09-30"
    assert seen in text
    assert "q: In by Christmas?\n    checked as: forces present on 2020-12-25" in text


def test_replay_prints_the_parameters_that_replicate_drew(tmp_path, capsys):
    """Replay's parameter lines are the replicate's row of parameters.parquet."""
    out = tmp_path / "run"
    assert main(["run", str(BELARUS), "-n", "5", "--workers", "1", "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["replay", str(out), "--replicate", "2"]) == 0
    text = capsys.readouterr().out
    row = pd.read_parquet(out / "parameters.parquet").iloc[2]
    printed = {}
    for line in text.split("parameters drawn", 1)[1].splitlines()[1:]:
        if not line.startswith("  ") or line.startswith("  20"):
            break
        path, value = re.split(r"\s{2,}", line.strip())[:2]  # paths may hold single spaces
        printed[path] = float(value)
    assert len(printed) > 40
    for path, value in printed.items():
        assert value == pytest.approx(row[path], rel=1e-3, abs=1e-6), path


def test_a_conditional_judgment_is_a_share_of_the_replicates_where_its_condition_held(
    tmp_path, capsys, minimal
):
    """The run reports P(event | given): k replicates where both held, of the n where
    the condition held (not of all replicates), read back from the outcomes table."""
    minimal["judgments"] = [
        {
            "id": "kept_on",
            "claim": "Forces stay on after an exercise.",
            "word": "likely",
            "metric": "present_on",
            "end": "2020-11-01",
            "given": {"metric": "present_on", "end": "2020-10-01"},
        }
    ]
    out = tmp_path / "r"
    assert main(["run", str(write_yaml(tmp_path, minimal)), "-n", "300", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    o = pd.read_parquet(out / "outcomes.parquet")
    j = json.loads((out / "summary.json").read_text())["judgments"][0]
    given = o["judgment.kept_on.given"]
    assert 0 < given.sum() < len(o), "the condition splits the replicates"
    assert (j["k"], j["n"]) == (int(o["judgment.kept_on"].sum()), int(given.sum()))
    assert not (o["judgment.kept_on"] & ~given).any()
    assert "given forces present on 2020-10-01" in text
