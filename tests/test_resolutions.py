"""Reading a resolutions file (:mod:`sim.analysis.resolutions`): every problem reported
at once, each with its file, line and field, in the order of the file; the well-formed
entries beside a malformed one checked as well; and the caller's own check applied."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sim.analysis.resolutions import TOP, Resolution, read_resolutions
from sim.scenario.errors import ScenarioError

ASKED = ["basing", "exercise", "s400"]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "resolved.yaml"
    path.write_text(text)
    return path


def problems(path: Path, known=ASKED, check=None) -> list[tuple[int | None, str, str]]:
    with pytest.raises(ScenarioError) as caught:
        read_resolutions(path, known, "the runs", check)
    for p in caught.value.problems:
        assert p.file == str(path), f"a problem placed in {p.file!r}, not the file read"
    return [(p.line, p.field, p.message) for p in caught.value.problems]


GOOD = """resolutions:
  - {id: basing, value: no, resolved: 2022-09-16, source: ISW}
  - {id: s400, value: yes, resolved: 2021-03-01, source: TASS}
"""


def test_well_formed_resolutions_in_order(tmp_path):
    got = read_resolutions(write(tmp_path, GOOD), ASKED, "the runs")
    assert got == [
        Resolution(id="basing", value=False, resolved=dt.date(2022, 9, 16), source="ISW"),
        Resolution(id="s400", value=True, resolved=dt.date(2021, 3, 1), source="TASS"),
    ]


def test_every_problem_at_its_line_in_the_files_order(tmp_path):
    """Line 3 resolves a question nobody asks (with a suggestion), line 4 is malformed,
    line 5 resolves `basing` a second time: all three, in line order, the malformed
    entry not hiding the others."""
    path = write(
        tmp_path,
        """resolutions:
  - {id: basing, value: no, resolved: 2022-09-16, source: ISW}
  - {id: s4000, value: yes, resolved: 2021-03-01, source: TASS}
  - {id: exercise, value: perhaps, resolved: 2021-03-01, source: TASS}
  - {id: basing, value: yes, resolved: 2022-10-01, source: RFE}
""",
    )
    found = problems(path)
    assert [line for line, _, _ in found] == [3, 4, 5], f"not in the file's order: {found}"
    (_, f3, m3), (_, f4, _), (_, f5, m5) = found
    assert f3.endswith(".id") and "no question 's4000' in the runs" in m3
    assert "(it asks: basing, exercise, s400)" in m3 and "s400" in m3.split(")")[-1]
    assert f4.endswith(".value")
    assert f5.endswith(".id") and m5 == "question 'basing' is resolved twice"


def test_a_question_resolved_twice_is_named_even_when_its_id_is_unknown(tmp_path):
    path = write(
        tmp_path,
        """resolutions:
  - {id: nope, value: no, resolved: 2022-09-16, source: ISW}
  - {id: nope, value: no, resolved: 2022-09-17, source: ISW}
""",
    )
    messages = [m for _, _, m in problems(path)]
    assert messages.count("question 'nope' is resolved twice") == 1
    assert sum("no question 'nope'" in m for m in messages) == 2


def test_runs_that_ask_nothing_say_so(tmp_path):
    (_, _, message), *_ = problems(write(tmp_path, GOOD), known=[])
    assert "(it asks: none)" in message


def test_the_callers_check_runs_on_every_known_well_formed_entry(tmp_path):
    seen: list[str] = []

    def check(r: Resolution) -> list[tuple[str, str]]:
        seen.append(r.id)
        return [("resolved", "too early")] if r.value else []

    path = write(
        tmp_path,
        GOOD + "  - {id: exercise, value: sometimes, resolved: 2021-03-01, source: x}\n",
    )
    found = problems(path, check=check)
    assert seen == ["basing", "s400"], "the check runs on the well-formed known entries"
    assert (3, "resolutions[1].resolved", "too early") in found
    assert [line for line, _, _ in found] == [3, 4]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- {id: basing}\n", TOP),
        ("resolution: []\n", "resolutions"),
        ("resolutions: []\n", "at least 1"),
    ],
    ids=["a list at the top", "a misspelt key", "an empty list"],
)
def test_a_file_of_the_wrong_shape_says_what_is_expected(tmp_path, text, expected):
    found = problems(write(tmp_path, text))
    assert any(expected in message or expected in field for _, field, message in found), found
