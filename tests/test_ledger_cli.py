"""The forecast ledger end to end: appended by `run`, chained by hashes, scored over time.

A question open from 16 September to 2 November 2020 (48 days) forecast p1 as of the
start and p2 as of 3 October: its time-averaged Brier score is
(17 (p1 - o)^2 + 31 (p2 - o)^2) / 48, the first forecast standing 16 September - 2 October.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from sim.analysis import ledger
from sim.present.cli import main
from sim.scenario.errors import ScenarioError
from tests.test_signposts import toy


@pytest.fixture()
def logged(tmp_path) -> tuple[Path, Path]:
    scenario = toy(tmp_path)
    book = tmp_path / "forecasts.jsonl"
    observed = tmp_path / "observed.yaml"
    observed.write_text(yaml.safe_dump({"observations": [
        {"id": "not_at_first", "metric": "rung_by", "rung": "more_exercises",
         "end": "2020-10-02", "negate": True, "value": True, "as_of": "2020-10-03",
         "source": "a made-up report"},
    ]}, sort_keys=False))  # fmt: skip
    for k, extra in enumerate(([], ["--observations", str(observed)], ["--seed", "8"])):
        args = ["run", str(scenario), "-n", "400", "--lean", "--out", str(tmp_path / f"r{k}"),
                "--ledger", str(book), *extra]  # fmt: skip
        assert main(args) == 0
    resolutions = tmp_path / "resolved.yaml"
    resolutions.write_text(yaml.safe_dump({"resolutions": [
        {"id": "granted", "value": True, "resolved": "2020-11-02", "source": "made up"},
    ]}))  # fmt: skip
    return book, resolutions


def test_a_clean_ledger_scores_by_the_day(logged, tmp_path, capsys):
    book, resolutions = logged
    entries = ledger.read(book)
    assert [e["as_of"] for e in entries] == ["2020-09-16", "2020-10-03", "2020-09-16"]
    assert [e["seed"] for e in entries] == [7, 7, 8] and all(e["scenario_sha256"] for e in entries)
    out = tmp_path / "score"
    assert main(["score", "--ledger", str(book), "--resolutions", str(resolutions),
                 "--out", str(out)]) == 0  # fmt: skip
    (q,) = json.loads((out / "ledger_score.json").read_text())["questions"]
    p = [next(f["p"] for f in e["forecasts"] if f["id"] == "granted") for e in entries]
    # The third entry (as of the start again) was written later: as of 16 September the
    # standing forecast is the latest made as of that day, the third's.
    assert p[2] != p[0]
    expected = (17 * (p[2] - 1) ** 2 + 31 * (p[1] - 1) ** 2) / 48
    assert q["brier"] == pytest.approx(expected) and q["days"] == 48
    assert q["start_brier"] == pytest.approx((p[0] - 1) ** 2)
    assert p[1] < p[0], "not granted at the first summit lowers the forecast"
    assert "time-averaged Brier" in capsys.readouterr().out


def test_a_ledger_whose_middle_entry_was_edited_is_refused_naming_it(logged, capsys):
    book, resolutions = logged
    lines = book.read_text().splitlines()
    middle = json.loads(lines[1])
    middle["forecasts"][0]["p"] = 0.99  # back-filled to look prescient
    lines[1] = json.dumps(middle, sort_keys=True)
    book.write_text("\n".join(lines) + "\n")
    with pytest.raises(ScenarioError, match=r"entry 2 .*changed after it was written"):
        ledger.read(book)
    assert main(["score", "--ledger", str(book), "--resolutions", str(resolutions)]) == 2
    assert "entry 2" in capsys.readouterr().err


def test_rewriting_an_entry_with_a_fresh_hash_breaks_the_next_link(logged):
    book, _ = logged
    lines = book.read_text().splitlines()
    middle = json.loads(lines[1])
    middle["forecasts"][0]["p"] = 0.99
    middle["hash"] = ledger.entry_hash(middle)
    lines[1] = json.dumps(middle, sort_keys=True)
    book.write_text("\n".join(lines) + "\n")
    with pytest.raises(ScenarioError, match=r"entry 3 .*does not follow"):
        ledger.read(book)


def test_a_run_refuses_to_append_to_a_broken_ledger_before_running(logged, tmp_path, capsys):
    book, _ = logged
    book.write_text(book.read_text().replace('"seed": 7', '"seed": 8', 1))
    scenario = next(tmp_path.glob("toy_signposts.yaml"))
    out = tmp_path / "never"
    args = ["run", str(scenario), "-n", "50", "--out", str(out), "--ledger", str(book)]
    assert main(args) == 2
    assert "entry 1" in capsys.readouterr().err and not out.exists()
