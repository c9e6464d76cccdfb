"""The forecast ledger: appended by `run`, chained by hashes, scored over time.

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


# ------------------------------------------------------------------ the parts, by hand

D = __import__("datetime").date


def test_time_averaged_carries_each_forecast_forward_to_the_day_it_resolves():
    """0.2 from 1 March, 0.6 from 4 March, resolved yes on 5 March: five days scored,
    three at 0.2 and two at 0.6; holding the first throughout scores (0.2 - 1)^2."""
    s = ledger.time_averaged([(D(2021, 3, 4), 0.6), (D(2021, 3, 1), 0.2)], True, D(2021, 3, 5))
    assert s["days"] == 5 and s["forecasts"] == 2
    assert s["brier"] == pytest.approx((3 * 0.8**2 + 2 * 0.4**2) / 5)
    assert s["start_brier"] == pytest.approx(0.8**2) and s["half_brier"] == 0.25


def test_time_averaged_scores_a_no_against_zero_and_the_later_of_two_same_day_forecasts():
    """Two forecasts as of the same day: the one written later stands (a stable sort)."""
    s = ledger.time_averaged([(D(2021, 3, 1), 0.9), (D(2021, 3, 1), 0.3)], False, D(2021, 3, 2))
    assert s["days"] == 2 and s["brier"] == pytest.approx(0.3**2)
    assert s["start_brier"] == pytest.approx(0.9**2)


def test_a_question_resolved_on_its_first_forecasts_day_is_scored_on_that_day():
    s = ledger.time_averaged([(D(2021, 3, 1), 0.7)], True, D(2021, 3, 1))
    assert s["days"] == 1 and s["brier"] == pytest.approx(0.09)
    early = ledger.time_averaged([(D(2021, 3, 9), 0.7)], True, D(2021, 3, 1))
    assert early["days"] == 1, "a forecast made after the resolution still counts one day"


def test_appended_entries_chain_their_hashes_from_the_genesis(tmp_path):
    book = tmp_path / "deep" / "book.jsonl"
    first = ledger.append(book, {"as_of": "2021-01-01", "forecasts": []})
    second = ledger.append(book, {"as_of": "2021-02-01", "forecasts": []})
    assert (first["index"], second["index"]) == (1, 2)
    assert first["previous"] == ledger.GENESIS == "0" * 64
    assert second["previous"] == first["hash"] == ledger.entry_hash(first)
    assert ledger.read(book) == [first, second]
    assert json.loads(book.read_text().splitlines()[0]) == first


def test_the_hash_is_of_the_canonical_json_without_the_hash():
    import hashlib

    entry = {"b": "é", "a": [1, 2], "hash": "whatever"}
    canonical = '{"a":[1,2],"b":"é"}'
    assert ledger.entry_hash(entry) == hashlib.sha256(canonical.encode()).hexdigest()


def test_reading_skips_blank_lines_and_locates_a_line_that_is_not_json(tmp_path):
    book = tmp_path / "book.jsonl"
    assert ledger.read(book) == [], "no ledger yet: no entries"
    entry = ledger.append(book, {"as_of": "2021-01-01", "forecasts": []})
    book.write_text(book.read_text() + "\n   \n")
    assert ledger.read(book) == [entry]
    book.write_text(book.read_text() + "{oops\n")
    with pytest.raises(ScenarioError) as caught:
        ledger.read(book)
    (problem,) = caught.value.problems
    assert problem.line == 4 and "entry on line 4 is not JSON" in problem.message
    assert problem.file == str(book)


def test_a_broken_link_names_the_entry_its_line_and_its_date(tmp_path):
    book = tmp_path / "book.jsonl"
    ledger.append(book, {"as_of": "2021-01-01", "forecasts": []})
    ledger.append(book, {"as_of": "2021-02-01", "forecasts": []})
    lines = book.read_text().splitlines()
    book.write_text("\n" + lines[1] + "\n")  # the first entry dropped, a blank line left
    with pytest.raises(ScenarioError) as caught:
        ledger.read(book)
    (problem,) = caught.value.problems
    assert problem.line == 2 and problem.file == str(book)
    assert problem.message.startswith("entry 1 (line 2, as of 2021-02-01) does not follow")


MANIFEST = {"scenario": {"metadata": {"name": "toy"}}, "scenario_sha256": "ab" * 32,
            "seed": 5, "replicates": 300}  # fmt: skip
SUMMARY = {
    "replicates": 300,
    "questions": [{"id": "q1", "p": 0.4, "low": 0.3, "high": 0.5, "question": "?"}],
    "outcomes": {"persistent": {"p": 0.2, "low": 0.1, "high": 0.3},
                 "first_day": {"mean": 40.0}, "note": "not a share"},
}  # fmt: skip


def test_a_record_lists_every_question_and_every_share_outcome():
    from sim import __version__

    r = ledger.record_of(SUMMARY, MANIFEST, D(2021, 1, 1), "run")
    assert r == {
        "command": "run", "as_of": "2021-01-01", "scenario": "toy",
        "scenario_sha256": "ab" * 32, "code_version": __version__, "seed": 5,
        "replicates": 300, "kept": 300,
        "forecasts": [
            {"kind": "question", "id": "q1", "p": 0.4, "low": 0.3, "high": 0.5},
            {"kind": "outcome", "id": "persistent", "p": 0.2, "low": 0.1, "high": 0.3},
        ],
    }  # fmt: skip
    kept = ledger.record_of({**SUMMARY, "kept": {"k": 41}}, MANIFEST, D(2021, 1, 1), "track")
    assert kept["kept"] == 41 and kept["command"] == "track"


def test_a_ledger_is_scored_on_the_forecasts_made_by_the_resolution_date():
    """Forecasts of q1 as of 1 and 3 March, and one as of 9 March after it resolved on
    the 5th (listed as late, not scored); q2 never forecast; outcomes never scored."""
    from types import SimpleNamespace

    def entry(day: int, p: float) -> dict:
        return {"as_of": f"2021-03-0{day}", "forecasts": [
            {"kind": "question", "id": "q1", "p": p},
            {"kind": "outcome", "id": "q1", "p": 0.99},
        ]}  # fmt: skip

    entries = [entry(1, 0.5), entry(3, 0.9), entry(9, 0.0)]
    resolved = [SimpleNamespace(id="q1", value=True, resolved=D(2021, 3, 5)),
                SimpleNamespace(id="q2", value=False, resolved=D(2021, 3, 5))]  # fmt: skip
    r = ledger.score_ledger(entries, resolved)
    assert r["entries"] == 3
    q1, q2 = r["questions"]
    assert (q1["id"], q1["value"], q1["resolved"], q1["late"]) == ("q1", True, "2021-03-05", 1)
    assert q1["days"] == 5 and q1["forecasts"] == 2
    assert q1["brier"] == pytest.approx((2 * 0.25 + 3 * 0.01) / 5)
    assert q2 == {"id": "q2", "value": False, "resolved": "2021-03-05", "forecasts": 0,
                  "late": 0}  # fmt: skip
    line = ledger.score_line(q1)
    assert line == ("  q1 (yes on 2021-03-05): 0.106 over 5 day(s) from 2 forecast(s); "
                    "start-date forecast 0.250")  # fmt: skip
    assert ledger.score_line({**q1, "value": False}).startswith("  q1 (no on")
