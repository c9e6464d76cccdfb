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


# ------------------------------------------------------------------ the parts, by hand


def scenario_with(start: dt.date, *as_ofs: dt.date):
    from types import SimpleNamespace

    return SimpleNamespace(metadata=SimpleNamespace(start_date=start),
                           observations=[SimpleNamespace(as_of=d) for d in as_ofs])  # fmt: skip


def test_the_dates_are_the_start_then_each_distinct_as_of_date_in_order():
    """One before the start (known at it) adds no date; one on the start, none; two on one
    date, one date."""
    d = dt.date
    s = scenario_with(d(2020, 9, 16), d(2021, 2, 1), d(2020, 9, 1), d(2020, 12, 1),
                      d(2021, 2, 1), d(2020, 9, 16))  # fmt: skip
    from sim.analysis.track import as_of_dates

    assert as_of_dates(s, None) == [d(2020, 9, 16), d(2020, 12, 1), d(2021, 2, 1)]
    assert as_of_dates(scenario_with(d(2020, 9, 16)), None) == [d(2020, 9, 16)]


def test_monthly_dates_run_to_the_last_as_of_date_and_include_it():
    from sim.analysis.track import as_of_dates

    d = dt.date
    s = scenario_with(d(2020, 9, 16), d(2020, 10, 3), d(2020, 12, 10))
    assert as_of_dates(s, "month") == [d(2020, 9, 16), d(2020, 10, 1), d(2020, 11, 1),
                                       d(2020, 12, 1), d(2020, 12, 10)]  # fmt: skip
    on_a_first = scenario_with(d(2020, 9, 16), d(2020, 11, 1))
    assert as_of_dates(on_a_first, "month") == [d(2020, 9, 16), d(2020, 10, 1), d(2020, 11, 1)]
    assert as_of_dates(scenario_with(d(2020, 9, 16)), "month") == [d(2020, 9, 16)]


def test_the_series_lines_up_each_runs_forecasts_by_date():
    from sim.analysis.track import series

    q = {"id": "q1", "question": "Q?", "end": "2021-04-01", "p": 0.3, "low": 0.2, "high": 0.4,
         "n": 100}  # fmt: skip
    share = {"p": 0.5, "low": 0.4, "high": 0.6, "n": 90, "n_effective": 30.5}
    runs = [
        (dt.date(2020, 9, 16), {"questions": [q], "outcomes": {"persistent": share,
                                                               "first_day": share}}, 0),
        (dt.date(2020, 12, 1), {"questions": [{**q, "p": 0.6}], "kept": {"k": 12}}, 1),
        (dt.date(2021, 2, 1), {"questions": [], "kept": {"k": 9}, "branching": {}}, 2),
    ]  # fmt: skip
    r = series(runs)
    assert r["dates"] == [
        {"as_of": "2020-09-16", "observations": 0, "conditioning": "none", "kept": None},
        {"as_of": "2020-12-01", "observations": 1, "conditioning": "rejection", "kept": 12},
        {"as_of": "2021-02-01", "observations": 2, "conditioning": "branching", "kept": 9},
    ]
    assert r["questions"] == {"q1": {"question": "Q?", "end": "2021-04-01", "points": [
        {"as_of": "2020-09-16", "p": 0.3, "low": 0.2, "high": 0.4, "n": 100, "n_effective": 100},
        {"as_of": "2020-12-01", "p": 0.6, "low": 0.2, "high": 0.4, "n": 100, "n_effective": 100},
    ]}}  # fmt: skip
    assert r["outcomes"] == {"persistent": [{"as_of": "2020-09-16", "p": 0.5, "low": 0.4,
                                             "high": 0.6, "n": 90, "n_effective": 30.5}]}  # fmt: skip


def test_a_track_is_scored_on_its_forecasts_up_to_each_resolution():
    """q1 forecast 0.5 (16 Sep) and 0.8 (1 Oct), resolved no on 1 Oct: 15 days at 0.5
    and one at 0.8; q2 resolved before any forecast and q3 never asked are left out."""
    from types import SimpleNamespace

    from sim.analysis.track import scores

    points = [{"as_of": "2020-09-16", "p": 0.5}, {"as_of": "2020-10-01", "p": 0.8},
              {"as_of": "2020-10-02", "p": 1.0}]  # fmt: skip
    result = {"questions": {"q1": {"points": points}, "q2": {"points": points}}}
    resolved = [SimpleNamespace(id="q1", value=False, resolved=dt.date(2020, 10, 1)),
                SimpleNamespace(id="q2", value=True, resolved=dt.date(2020, 9, 1)),
                SimpleNamespace(id="q3", value=True, resolved=dt.date(2020, 10, 1))]  # fmt: skip
    (s,) = scores(result, resolved)
    assert (s["id"], s["value"], s["resolved"]) == ("q1", False, "2020-10-01")
    assert s["days"] == 16 and s["forecasts"] == 2
    assert s["brier"] == pytest.approx((15 * 0.25 + 0.64) / 16)
