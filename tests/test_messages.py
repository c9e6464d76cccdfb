"""Messages a new analyst tripped over, each pinned: what went wrong, in the analyst's
terms, and what to write instead; one line, exit status 2, no traceback."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml

from sim.present.cli import main
from sim.present.text.batch import format_comparison
from sim.runs.batch import fit
from tests.conftest import BELARUS, write_yaml
from tests.test_branching import toy


def refused(argv: list[str], capsys) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err, err
    return err


@pytest.mark.parametrize("vary", ["actors.kremlin.ambition=a:b", "actors.kremlin.ambition=0.5"])
def test_a_malformed_vary_names_the_option_and_shows_the_form(vary, tmp_path, capsys):
    args = ["sweep", str(BELARUS), "--vary", vary, "--design", "oat", "--levels", "2",
            "-n", "2", "--out", str(tmp_path / "s")]  # fmt: skip
    err = refused(args, capsys)
    assert err.startswith("error: --vary: expected PATH=LOW:HIGH") and "<scenario>" not in err
    assert "actors.kremlin.ambition=0.2:0.9" in err


def test_a_date_written_another_way_is_told_how_to_write_it(tmp_path, capsys):
    scenario, _ = toy(tmp_path)
    log = tmp_path / "log.yaml"
    log.write_text(
        "observations:\n  - {id: a, metric: present_on, end: 01/11/2020, value: true,\n"
        "     as_of: 2020-11-02, source: x}\n"
    )
    err = refused(["run", str(scenario), "-n", "5", "--observations", str(log)], capsys)
    assert "observations[0].end: '01/11/2020' is not a date; write dates as YYYY-MM-DD" in err
    assert "invalid character" not in err


def test_a_log_written_as_a_bare_list_is_told_to_put_it_under_observations(tmp_path, capsys):
    scenario, _ = toy(tmp_path)
    log = tmp_path / "log.yaml"
    log.write_text("- {id: a, metric: present_on, end: 2020-11-01, value: true}\n")
    err = refused(["run", str(scenario), "-n", "5", "--observations", str(log)], capsys)
    assert "expected a mapping with 'observations:' holding the list" in err
    assert "scenario sections" not in err and "found a list" in err


def test_a_misspelt_metric_gets_a_did_you_mean(tmp_path, capsys, minimal):
    minimal["questions"] = [{"id": "q", "question": "?", "metric": "present_onn",
                             "end": "2021-01-01"}]  # fmt: skip
    err = refused(["validate", str(write_yaml(tmp_path, minimal))], capsys)
    assert "questions[0].metric" in err and "did you mean 'present_on'?" in err


def test_every_problem_of_a_resolutions_file_comes_at_once(tmp_path, capsys):
    scenario, _ = toy(tmp_path)
    run = tmp_path / "run"
    assert main(["run", str(scenario), "-n", "20", "--out", str(run)]) == 0
    resolved = tmp_path / "resolved.yaml"
    resolved.write_text(
        "resolutions:\n"
        "  - {id: april_dril, value: true, resolved: 2021-04-20, source: x}\n"
        "  - {id: present_april, value: maybe, resolved: 2021-04-02, source: x}\n"
        "  - {id: more_by_april, value: false, resolved: 2021-04-16, source: x}\n"
        "  - {id: more_by_april, value: false, resolved: 2021-04-16, source: x}\n"
    )
    err = refused(["score", str(run), "--resolutions", str(resolved)], capsys)
    assert "3 problems:" in err
    assert "resolutions[0].id: no question 'april_dril'" in err
    assert "did you mean 'april_drill'?" in err
    assert "resolutions[1].value" in err
    assert "resolutions[3].id: question 'more_by_april' is resolved twice" in err


def test_resuming_with_another_scenario_names_the_runs_own(tmp_path, capsys):
    scenario, _ = toy(tmp_path)
    other = tmp_path / "other.yaml"
    other.write_text(scenario.read_text().replace("toy_branching", "toy") + "\n# changed\n")
    out = tmp_path / "run"
    assert main(["run", str(scenario), "-n", "20", "--out", str(out)]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["status"] = "incomplete"  # as an interrupted run leaves it
    (out / "manifest.json").write_text(json.dumps(manifest))
    err = refused(["run", str(other), "--resume", str(out)], capsys)
    assert f"this run was started from {scenario}, not {other}" in err
    assert f"wargame run {scenario} --resume {out}" in err


def test_a_scenario_with_no_patron_is_told_it_needs_one(tmp_path, capsys, minimal):
    minimal["actors"] = [a for a in minimal["actors"] if a["role"] != "patron"]
    for key in ("operations",):
        minimal.pop(key)
    err = refused(["validate", str(write_yaml(tmp_path, minimal))], capsys)
    assert "actors: the scenario needs at least one actor of role patron" in err


@pytest.mark.parametrize("outcome", ["granted", "question.granted"])
def test_one_syntax_for_a_question_everywhere(outcome, tmp_path, capsys):
    """sweep, discover and signposts each take question.ID and the bare ID."""
    data = yaml.safe_load(toy(tmp_path)[0].read_text())
    data["questions"].append({"id": "granted", "question": "granted?", "metric": "rung_by",
                              "rung": "more_exercises", "end": "2020-12-31"})  # fmt: skip
    scenario = write_yaml(tmp_path, data, "q.yaml")
    sweep = ["sweep", str(scenario), "--vary", "actors.patron.ambition=0.2:0.9", "--design",
             "oat", "--levels", "2", "-n", "4", "--outcome", outcome,
             "--out", str(tmp_path / "sweep")]  # fmt: skip
    assert main(sweep) == 0
    assert json.loads((tmp_path / "sweep" / "manifest.json").read_text())["outcome"] == (
        "question.granted"
    )
    run = tmp_path / "run"
    assert main(["run", str(scenario), "-n", "60", "--out", str(run)]) == 0
    assert main(["discover", str(run), "--outcome", outcome]) == 0
    assert main(["signposts", str(scenario), "-n", "60", "--outcome", outcome,
                 "--out", str(tmp_path / "sp")]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "question granted" in out


@pytest.mark.parametrize("command", ["plot", "report"])
def test_help_names_every_folder_kind_taken(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "a run, a batch, a sweep" in text and "a calibration" in text
    if command == "plot":
        assert "a score or a discovery" in text


def test_long_member_names_are_cut_with_an_ellipsis():
    name = "Belarus 2020: NATO surges and the surge deters the Kremlin from basing"
    table = pd.DataFrame([{"scenario": name, "p": 0.5, "low": 0.4, "high": 0.6,
                           "baseline": True, "diff": 0.0, "diff_low": 0.0, "diff_high": 0.0,
                           "median_date": None, "paired": True}])  # fmt: skip
    text = format_comparison(table)
    assert name[:59] in text or fit(name, 60) in text
    assert "…" in text and fit("short", 10) == "short"
    assert fit(name, 60).endswith("…") and len(fit(name, 60)) == 60


def test_a_resumed_run_counts_only_its_own_replicates_in_its_speed(tmp_path, capsys, monkeypatch):
    """A run that failed after 20 of 40 replicates, resumed: the speed is that of the
    20 run by the resume, and the other 20 are said to be kept from before."""
    import sim.engine.replicate

    scenario, _ = toy(tmp_path)
    out = tmp_path / "run"
    args = ["run", str(scenario), "-n", "40", "--chunk-size", "10", "--workers", "1",
            "--out", str(out)]  # fmt: skip
    real, calls = sim.engine.replicate.start_replicate, {"n": 0}

    def fails_at_21(*a, **k):
        calls["n"] += 1
        if calls["n"] == 21:
            raise RuntimeError("stop here")
        return real(*a, **k)

    monkeypatch.setattr(sim.engine.replicate, "start_replicate", fails_at_21)
    assert main(args) == 3
    monkeypatch.setattr(sim.engine.replicate, "start_replicate", real)
    capsys.readouterr()
    assert main(["run", str(scenario), "--resume", str(out), "--workers", "1"]) == 0
    printed = capsys.readouterr().out
    assert "20 replicates in " in printed and "20 more kept from the interrupted run" in printed
    m = json.loads((out / "manifest.json").read_text())
    assert m["session"]["replicates"] == 20 and m["reused_replicates"] == 20


def test_the_speed_line_says_how_many_were_kept_from_before():
    from sim.present.commands.run import speed_line

    m = {"replicates": 100, "wall_seconds": 9.0, "seed": 7,
         "session": {"replicates": 40, "seconds": 2.0}}  # fmt: skip
    line = speed_line(m, 2)
    assert line.startswith("40 replicates in 2.0 s (20/s, 2 worker(s), seed 7)")
    assert line.endswith("60 more kept from the interrupted run")
