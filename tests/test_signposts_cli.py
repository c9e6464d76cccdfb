"""``wargame signposts`` end to end on test_signposts.py's toy: its folder, figure and
watchlist, a run folder as its source, and its mistakes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from sim.present.cli import main
from sim.scenario.loader import load
from tests.test_signposts import N, toy


@pytest.fixture(scope="module")
def ranked(tmp_path_factory) -> tuple[dict, Path]:
    tmp = tmp_path_factory.mktemp("signposts")
    path = toy(tmp)
    out = tmp / "sp"
    args = ["signposts", str(path), "--outcome", "granted", "--indicators",
            str(tmp / "indicators.yaml"), "--out", str(out)]  # fmt: skip
    assert main(args) == 0
    return json.loads((out / "signposts.json").read_text()), out


def test_the_outputs_are_written_and_the_watchlist_loads_as_observations(ranked, tmp_path):
    r, out = ranked
    assert (out / "figures" / "signposts.png").is_file()
    assert r["replicates"] == N and r["until"] == "2020-10-09"  # halfway to 2 November
    watch = yaml.safe_load((out / "watchlist.yaml").read_text())["observations"]
    assert watch[0]["id"] == "not_at_first" and watch[0]["value"] is None
    scenario_file = next(out.parent.glob("toy_signposts.yaml"))
    assert load(scenario_file, out / "watchlist.yaml").observations == []  # none filled in
    watch[0].update(value=True, source="a made-up report", as_of="2020-10-03")
    filled = tmp_path / "filled.yaml"
    filled.write_text(yaml.safe_dump({"observations": watch}, sort_keys=False))
    (seen,) = load(scenario_file, filled).observations
    assert seen.id == "not_at_first" and seen.negate


def test_a_run_folder_gives_the_same_signposts_as_its_scenario(ranked, tmp_path):
    """A run folder's histories are rebuilt from its seed and replicates: the same table."""
    r, out = ranked
    scenario_file = next(out.parent.glob("toy_signposts.yaml"))
    run = tmp_path / "run"
    assert main(["run", str(scenario_file), "--out", str(run), "--lean"]) == 0
    args = ["signposts", str(run), "--outcome", "granted", "--indicators",
            str(out.parent / "indicators.yaml")]  # fmt: skip
    assert main(args) == 0
    assert json.loads((run / "signposts" / "signposts.json").read_text()) == r
    assert main(["report", str(run)]) == 0
    html = (run / "report.html").read_text()
    assert "What to watch: signposts for question granted" in html
    assert "Not granted at the first summit?" in html


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--outcome", "nope"], "--outcome: nothing called 'nope' to measure"),
        (["--outcome", "granted", "--by", "2020-10-10"], "applies to outcomes"),
        (["--until", "2019-01-01"], "--until: must fall after the start date (2020-09-16)"),
    ],
)
def test_signposts_mistakes_get_a_clear_message(tmp_path, capsys, extra, message):
    path = toy(tmp_path)
    assert main(["signposts", str(path), "--out", str(tmp_path / "sp"), *extra]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "sp").exists(), "nothing is written for a user's mistake"


def test_a_bad_listed_indicator_is_located_in_its_file(tmp_path, capsys):
    path = toy(tmp_path)
    bad = tmp_path / "bad.yaml"
    bad.write_text("questions:\n  - id: x\n    question: x?\n    metric: rung_by\n"
                   "    rung: no_such_rung\n    end: 2020-10-01\n")  # fmt: skip
    args = ["signposts", str(path), "--indicators", str(bad), "--out", str(tmp_path / "sp")]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "bad.yaml" in err and "no_such_rung" in err, err


def test_a_signposts_folder_loads_through_the_results_api(ranked):
    import sim.results

    r, out = ranked
    loaded = sim.results.load(out)
    assert isinstance(loaded, sim.results.SignpostsResult) and loaded.result == r
    assert loaded.report.json() == r and loaded.report.signposts[0].voi.estimate > 0


def test_an_outcome_that_never_happens_is_said_so(tmp_path, capsys):
    path = toy(tmp_path)
    args = ["signposts", str(path), "--outcome", "persistent", "-n", "300",
            "--out", str(tmp_path / "sp")]  # fmt: skip
    assert main(args) == 0
    assert "the outcome never happens in these replicates" in capsys.readouterr().out
    r = json.loads((tmp_path / "sp" / "signposts.json").read_text())
    assert r["forecast"]["p"] == 0.0 and all(s["voi"]["estimate"] <= 0 for s in r["signposts"])
