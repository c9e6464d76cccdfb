"""wargame track: a log replayed as of each date, through the run path (workers, Dask,
resume), scored over time, appended to the ledger."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

import sim.runs.branching
from sim.analysis import ledger
from sim.present.cli import main
from tests.test_branching import toy

RESOLVED = {"resolutions": [
    {"id": "april_drill", "value": True, "resolved": "2021-04-15", "source": "made up"},
    {"id": "more_by_april", "value": False, "resolved": "2021-04-15", "source": "made up"},
]}  # fmt: skip


def track(tmp: Path, out: Path, *extra: str) -> int:
    args = ["track", str(tmp / "toy_branching.yaml"), "--observations", str(tmp / "observed.yaml"),
            "-n", "200", "--out", str(out), *extra]  # fmt: skip
    return main(args)


@pytest.fixture(scope="module")
def tracked(tmp_path_factory) -> tuple[Path, dict]:
    tmp = tmp_path_factory.mktemp("track")
    toy(tmp)
    (tmp / "resolved.yaml").write_text(yaml.safe_dump(RESOLVED))
    out = tmp / "track"
    book = tmp / "ledger.jsonl"
    assert track(tmp, out, "--resolutions", str(tmp / "resolved.yaml"), "--ledger", str(book),
                 "--workers", "2") == 0  # fmt: skip
    return tmp, json.loads((out / "track.json").read_text())


def test_each_date_is_conditioned_on_what_was_known_by_then(tracked):
    _, r = tracked
    assert [d["as_of"] for d in r["dates"]] == ["2020-09-16", "2020-12-01", "2021-02-01",
                                                "2021-03-01"]  # fmt: skip
    assert [len(d["observations"]) for d in r["dates"]] == [0, 1, 2, 3]
    assert [d["conditioning"] for d in r["dates"]] == ["none", "rejection", "branching",
                                                       "branching"]  # fmt: skip
    more = [p["p"] for p in r["questions"]["more_by_april"]["points"]]
    assert more[2] > more[0], "two exercises seen make the monthly rung likelier"


def test_the_time_averaged_brier_is_the_daily_standing_forecast_averaged(tracked):
    _, r = tracked
    score = next(s for s in r["scores"] if s["id"] == "april_drill")
    points = r["questions"]["april_drill"]["points"]
    start = dt.date(2020, 9, 16)
    days = [(dt.date.fromisoformat(p["as_of"]) - start).days for p in points] + [211 + 1]
    expected = sum((p["p"] - 1) ** 2 * (days[k + 1] - days[k]) for k, p in enumerate(points))
    assert score["days"] == 212 and score["brier"] == pytest.approx(expected / 212)
    assert score["start_brier"] == pytest.approx((points[0]["p"] - 1) ** 2)


def test_track_appends_one_ledger_entry_per_date(tracked):
    tmp, r = tracked
    entries = ledger.read(tmp / "ledger.jsonl")
    assert [e["as_of"] for e in entries] == [d["as_of"] for d in r["dates"]]
    assert {e["command"] for e in entries} == {"track"}


@pytest.mark.dask
def test_track_is_the_same_for_one_worker_and_dask(tracked, tmp_path):
    tmp, _ = tracked
    assert track(tmp, tmp_path / "one", "--resolutions", str(tmp / "resolved.yaml"),
                 "--workers", "1") == 0  # fmt: skip
    reference = (tmp / "track" / "track.json").read_bytes()
    assert (tmp_path / "one" / "track.json").read_bytes() == reference
    pytest.importorskip("distributed")
    assert track(tmp, tmp_path / "dask", "--resolutions", str(tmp / "resolved.yaml"),
                 "--executor", "dask", "--workers", "2") == 0  # fmt: skip
    assert (tmp_path / "dask" / "track.json").read_bytes() == reference


def test_an_interrupted_track_resumes_to_the_same_bytes(tracked, tmp_path, monkeypatch):
    tmp, _ = tracked
    real = sim.runs.branching.advance
    calls = {"n": 0}

    def interrupted(ctx, stage, *args):
        calls["n"] += 1
        if stage == 1 and calls["n"] > 4:  # in the last date's run, after its first stage
            raise KeyboardInterrupt
        return real(ctx, stage, *args)

    monkeypatch.setattr(sim.runs.branching, "advance", interrupted)
    out = tmp_path / "cut"
    resolved = ["--resolutions", str(tmp / "resolved.yaml"), "--workers", "1"]
    assert track(tmp, out, *resolved) == 130
    assert (out / "as-of-2021-02-01" / "summary.json").is_file()
    assert not (out / "track.json").exists()
    monkeypatch.setattr(sim.runs.branching, "advance", real)
    args = ["track", str(tmp / "toy_branching.yaml"), "--observations", str(tmp / "observed.yaml"),
            "-n", "200", *resolved, "--resume", str(out)]  # fmt: skip
    assert main(args) == 0
    assert (out / "track.json").read_bytes() == (tmp / "track" / "track.json").read_bytes()


def test_a_resolution_of_an_unknown_question_is_located(tracked, tmp_path, capsys):
    tmp, _ = tracked
    bad = tmp_path / "bad.yaml"
    bad.write_text("resolutions:\n  - {id: nope, value: true, resolved: 2021-04-15, source: x}\n")
    assert track(tmp, tmp_path / "t", "--resolutions", str(bad)) == 2
    err = capsys.readouterr().err
    assert "bad.yaml" in err and "no question 'nope'" in err and not (tmp_path / "t").exists()


def test_a_track_folder_loads_through_the_results_api(tracked):
    import sim.results

    tmp, r = tracked
    loaded = sim.results.load(tmp / "track")
    assert isinstance(loaded, sim.results.TrackResult) and loaded.result == r
