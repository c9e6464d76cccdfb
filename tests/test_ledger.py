"""The forecast ledger's parts on hand-set entries: the hash chain and its errors, a
record of a run's forecasts, and the time-averaged Brier score (the end-to-end path through
``run --ledger`` and ``score --ledger`` is in test_ledger_cli.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from datetime import date as D
from types import SimpleNamespace

import pytest

from sim.analysis import ledger
from sim.scenario.errors import ScenarioError


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
    book = tmp_path / "two" / "deep" / "book.jsonl"
    first = ledger.append(book, {"as_of": "2021-01-01", "forecasts": []})
    second = ledger.append(book, {"as_of": "2021-02-01", "forecasts": []})
    assert (first["index"], second["index"]) == (1, 2)
    assert first["previous"] == ledger.GENESIS == "0" * 64
    assert second["previous"] == first["hash"] == ledger.entry_hash(first)
    assert ledger.read(book) == [first, second]
    assert json.loads(book.read_text().splitlines()[0]) == first
    written = dt.datetime.fromisoformat(first["written"])
    assert written.utcoffset() == dt.timedelta(0), "written in UTC, with its offset"


def test_an_entry_is_written_with_its_keys_sorted_and_its_text_as_typed(tmp_path):
    book = tmp_path / "book.jsonl"
    ledger.append(book, {"scenario": "Biélorussie", "as_of": "2021-01-01", "forecasts": []})
    line = book.read_text().splitlines()[0]
    keys = list(json.loads(line))
    assert keys == sorted(keys) and '"scenario": "Biélorussie"' in line


def test_the_hash_is_of_the_canonical_json_without_the_hash():
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


def test_an_edited_entry_is_named_with_its_line_and_why_it_cannot_be_trusted(tmp_path):
    book = tmp_path / "book.jsonl"
    ledger.append(book, {"as_of": "2021-01-01", "forecasts": []})
    ledger.append(book, {"forecasts": []})
    first, second = book.read_text().splitlines()
    book.write_text(first + "\n" + second.replace('"forecasts": []', '"forecasts": [1]') + "\n")
    with pytest.raises(ScenarioError) as caught:
        ledger.read(book)
    (problem,) = caught.value.problems
    assert (problem.file, problem.line) == (str(book), 2)
    assert problem.message == (
        "entry 2 (line 2, as of ?) was changed after it was written (its hash does not match "
        "its contents); the ledger cannot be trusted from there on"
    )


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
    assert problem.message == (
        "entry 1 (line 2, as of 2021-02-01) does not follow the entry before it (an entry "
        "was inserted, removed or rewritten before it)"
    )


MANIFEST = {"scenario": {"metadata": {"name": "toy"}}, "scenario_sha256": "ab" * 32,
            "seed": 5, "replicates": 300}  # fmt: skip


def ledger_summary(kept: int | None = None):
    """A run's summary with one question and one outcome."""
    from sim.runs.run_summary import OutcomeEstimate, Proportion, QuestionEstimate
    from tests.helpers import run_summary

    q = QuestionEstimate("q1", "?", None, "2021-06-01", "rung_by", False,
                         Proportion(0.4, 0.3, 0.5, 120, 300))  # fmt: skip
    o = OutcomeEstimate(Proportion(0.2, 0.1, 0.3, 60, 300), "persistent", "d")
    return run_summary([q], {"persistent": o}, kept=kept)


def test_a_record_lists_every_question_and_every_share_outcome():
    from sim import __version__

    r = ledger.record_of(ledger_summary(), MANIFEST, D(2021, 1, 1), "run")
    assert r == {
        "command": "run", "as_of": "2021-01-01", "scenario": "toy",
        "scenario_sha256": "ab" * 32, "code_version": __version__, "seed": 5,
        "replicates": 300, "kept": 100,
        "forecasts": [
            {"kind": "question", "id": "q1", "p": 0.4, "low": 0.3, "high": 0.5},
            {"kind": "outcome", "id": "persistent", "p": 0.2, "low": 0.1, "high": 0.3},
        ],
    }  # fmt: skip
    kept = ledger.record_of(ledger_summary(kept=41), MANIFEST, D(2021, 1, 1), "track")
    assert kept["kept"] == 41 and kept["command"] == "track"
    from tests.helpers import run_summary

    bare = ledger.record_of(run_summary(), MANIFEST, D(2021, 1, 1), "run")
    assert bare["forecasts"] == [], "a run without questions or outcomes forecasts nothing"


def test_a_ledger_is_scored_on_the_forecasts_made_by_the_resolution_date():
    """Forecasts of q1 as of 1, 3 and 5 March, and two after it resolved on the 5th
    (listed as late, not scored); q2 never forecast; outcomes never scored."""

    def entry(day: int, p: float) -> dict:
        return {"as_of": f"2021-03-0{day}", "forecasts": [
            {"kind": "question", "id": "q1", "p": p},
            {"kind": "outcome", "id": "q1", "p": 0.99},
        ]}  # fmt: skip

    entries = [entry(1, 0.5), entry(3, 0.9), entry(5, 0.9), entry(9, 0.0), entry(8, 0.0)]
    resolved = [SimpleNamespace(id="q2", value=False, resolved=D(2021, 3, 5)),
                SimpleNamespace(id="q1", value=True, resolved=D(2021, 3, 5))]  # fmt: skip
    r = ledger.score_ledger(entries, resolved)
    assert r["entries"] == 5
    q2, q1 = r["questions"]
    assert (q1["id"], q1["value"], q1["resolved"], q1["late"]) == ("q1", True, "2021-03-05", 2)
    assert q1["days"] == 5 and q1["forecasts"] == 3, "the forecast made on the day counts"
    assert q1["brier"] == pytest.approx((2 * 0.25 + 3 * 0.01) / 5)
    assert q2 == {"id": "q2", "value": False, "resolved": "2021-03-05", "forecasts": 0,
                  "late": 0}  # fmt: skip
    line = ledger.score_line(q1)
    assert line == ("  q1 (yes on 2021-03-05): 0.106 over 5 day(s) from 3 forecast(s); "
                    "start-date forecast 0.250")  # fmt: skip
    assert ledger.score_line({**q1, "value": False}).startswith("  q1 (no on")


def test_resolutions_are_checked_against_the_questions_the_ledger_forecasts(tmp_path):
    entries = [{"forecasts": [{"kind": "question", "id": "q1"},
                              {"kind": "outcome", "id": "persistent"}]}]  # fmt: skip
    good = tmp_path / "good.yaml"
    good.write_text("resolutions:\n  - {id: q1, value: true, resolved: 2021-03-05, source: x}\n")
    (r,) = ledger.read_resolutions(good, entries)
    assert (r.id, r.value, r.resolved) == ("q1", True, D(2021, 3, 5))
    bad = tmp_path / "bad.yaml"
    bad.write_text("resolutions:\n  - {id: persistent, value: true, resolved: 2021-03-05, "
                   "source: x}\n")  # fmt: skip
    with pytest.raises(ScenarioError, match="no question 'persistent' in the ledger"):
        ledger.read_resolutions(bad, entries)
