"""The mutation script's bookkeeping (tools/mutation.py): its areas name files that exist,
and its score counts what it says it counts. (Running mutmut itself is not tested here:
it is slow and needs the `mutation` extra.)"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tools import mutation


@pytest.fixture(scope="module")
def tool():
    return mutation


def test_every_area_names_modules_and_tests_that_exist(tool):
    areas, equivalents = tool.load_config()
    for area in areas.values():
        for pattern in area.modules:
            assert list(ROOT.glob(pattern)), f"{area.name}: no module matches {pattern}"
        for test in area.tests:
            assert (ROOT / test).is_file(), f"{area.name}: no test file {test}"
    for e in equivalents:
        assert e.reason.strip() and e.line.strip(), f"{e.mutant}: say what it writes and why"


def test_no_area_runs_a_digest_test(tool):
    """Digest tests say that something changed, never what: they must not count."""
    areas, _ = tool.load_config()
    assert tool.PYTEST_ARGS[tool.PYTEST_ARGS.index("-m") + 1] == "not digest and not dask"
    for area in areas.values():
        assert "tests/test_fidelity.py" not in area.tests, area.name


def test_the_score_leaves_equivalents_out_and_counts_timeouts_as_caught(tool):
    verdicts = {
        "sim/a.py": {"a1": "killed", "a2": "survived", "a3": "survived", "a4": "timeout"},
        "sim/b.py": {"b1": "no tests", "b2": "skipped"},
    }
    tallies = tool.tally(verdicts, equivalent={"a3"})
    a, b = tallies["sim/a.py"], tallies["sim/b.py"]
    assert (a.killed, a.not_killed, a.equivalent) == (2, 1, 1)
    assert a.score == pytest.approx(2 / 3)  # a3 is on neither side
    assert b.score == 0.0  # a mutant no test runs is not caught; a skipped one not counted
    table = tool.table(tallies)
    assert "| sim/a.py | 4 | 2 | 1 | 0 | 1 | 67 % |" in table
    assert "| **all** | 6 | 2 | 1 | 1 | 1 | 50 % |" in table


def test_an_area_with_no_mutants_has_no_score(tool):
    assert tool.Tally().score is None
    assert tool.percent(None) == "-"


def test_a_diffs_added_lines_are_read_without_its_header(tool):
    diff = "--- a.py\n+++ a.py\n@@ -1 +1 @@\n-    x = a + b\n+    x = a - b\n"
    assert tool.added_lines(diff) == ["x = a - b"]


def test_the_mutmut_table_points_at_the_area(tool):
    area = tool.Area("toy", "toy area", ("sim/engine/clock.py",), ("tests/test_clock.py",))
    section = tool.mutmut_section(area)
    assert 'only_mutate = ["sim/engine/clock.py"]' in section
    assert 'pytest_add_cli_args_test_selection = ["tests/test_clock.py"]' in section


def test_prepare_copies_the_project_and_appends_the_table(tool, tmp_path: Path):
    area = tool.Area("toy", "toy area", ("sim/engine/clock.py",), ("tests/test_clock.py",))
    work = tmp_path / "work"
    tool.prepare(area, ROOT, work)
    assert (work / "sim" / "engine" / "clock.py").read_text() == (
        ROOT / "sim" / "engine" / "clock.py"
    ).read_text()
    text = (work / "pyproject.toml").read_text()
    assert text.startswith((ROOT / "pyproject.toml").read_text())
    assert Counter(line.strip() for line in text.splitlines())["[tool.mutmut]"] == 1


def test_a_rerun_refreshes_the_tests_and_refuses_changed_code(tool, tmp_path: Path):
    area = tool.Area("toy", "toy area", ("sim/engine/clock.py",), ("tests/test_clock.py",))
    root, work = tmp_path / "root", tmp_path / "work"
    for name in ("sim/engine/clock.py", "tests/test_clock.py", "tools/mutation_plugin.py",
                 "pyproject.toml"):  # fmt: skip
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text((ROOT / name).read_text())
    tool.prepare(area, root, work)
    (work / "mutants").mkdir()
    (root / "tests" / "test_new.py").write_text("def test_new():\n    pass\n")
    assert tool.refresh_tests(area, root, work) == []
    for target in (work, work / "mutants"):
        assert (target / "tests" / "test_new.py").is_file(), f"{target}: the new test is missing"
        assert "[tool.mutmut]" in (target / "pyproject.toml").read_text()
    (root / "sim" / "engine" / "clock.py").write_text("# changed\n")
    assert tool.refresh_tests(area, root, work) == ["sim/engine/clock.py"]


def test_not_killed_lists_what_the_tests_missed(tool):
    verdicts = {"a.py": {"k": "killed", "s": "survived", "n": "no tests", "t": "timeout"}}
    assert sorted(tool.not_killed(verdicts)) == ["n", "s"]


def test_only_keeps_the_areas_own_modules(tool):
    area = tool.Area("e", "e", ("sim/engine/*.py", "agents/*.py"), ("tests/test_roles.py",))
    only = ["sim/engine/holdings.py", "sim/maths/stats.py", "agents/patron.py"]
    assert tool.restricted(area, only).modules == ("sim/engine/holdings.py", "agents/patron.py")


def test_a_run_of_some_modules_keeps_the_verdicts_of_those_only(tool):
    area = tool.Area("b", "b", ("sim/runs/branching.py",), ("tests/test_branching.py",))
    verdicts = {"sim/runs/branching.py": {"x": "killed"}, "sim/runs/conditioned.py": {}}
    assert tool.mine(area, verdicts) == {"sim/runs/branching.py": {"x": "killed"}}


def test_a_run_of_some_modules_keeps_the_other_rows_and_scores_them_all(tool):
    """Branching 9 of 10 kept from the last run, conditioned now 3 of 5: 12 of 15."""
    row = {"score": 0.0, "equivalent": 0}
    last = {"score": 0.5, "modules": {
        "branching.py": {**row, "killed": 9, "not_killed": 1},
        "conditioned.py": {**row, "killed": 1, "not_killed": 9},
    }}  # fmt: skip
    new = {"score": 0.6, "wall_s": 5.0, "modules": {
        "conditioned.py": {**row, "killed": 3, "not_killed": 2},
    }}  # fmt: skip
    both = tool.merged(last, new)
    assert both["score"] == pytest.approx(12 / 15) and both["wall_s"] == 5.0
    assert both["modules"]["branching.py"]["killed"] == 9
    assert both["modules"]["conditioned.py"]["killed"] == 3
    assert tool.merged(None, new)["score"] == pytest.approx(3 / 5)


def test_a_rerun_keeps_the_verdicts_of_the_mutants_it_did_not_run(tool):
    """mutmut forgets the verdicts of mutants it was not asked to run when the tests it
    was given changed; those were killed before, and stay so."""
    before = {"a.py": {"k": "killed", "s": "survived", "t": "timeout"}}
    after = {"a.py": {"k": "not checked", "s": "killed", "t": "not checked"}}
    merged = tool.carried_over(before, after, {"s"})
    assert merged == {"a.py": {"k": "killed", "s": "killed", "t": "timeout"}}


def test_a_mutants_tests_are_widened_to_their_files():
    from tools.mutation_plugin import whole_files

    ids = ["tests/a.py::t1", "tests/b.py::t[x-1]", "tests/a.py::t2", "tests/c.py"]
    assert whole_files(ids, lambda f: True) == ["tests/a.py", "tests/b.py", "tests/c.py"]
    only_a = whole_files(ids, lambda f: f == "tests/a.py")
    assert only_a == ["tests/a.py", "tests/b.py::t[x-1]", "tests/c.py"]


def test_a_file_shares_fixtures_when_it_defines_one_for_the_module():
    from tools.mutation_plugin import shares_a_fixture

    assert shares_a_fixture("tests/test_summary.py") is True
    assert shares_a_fixture("tests/test_corp.py") is False
    assert shares_a_fixture("tests/no_such_file.py") is False


def test_a_run_of_some_modules_keeps_the_other_modules_survivors(tool, tmp_path: Path, monkeypatch):
    path = tmp_path / "area-survivors.txt"
    path.write_text(
        "# sim.a.x_f__mutmut_1\n# sim.a.x_f__mutmut_1: survived\n-old\n+new\n\n"
        "# sim.b.x_g__mutmut_2\n# sim.b.x_g__mutmut_2: survived\n-was\n+is\n\n"
    )
    monkeypatch.setattr(tool, "mutant_diff", lambda work, name: f"# {name}: survived\n+x\n")
    n = tool.write_survivors(tmp_path, path, {"sim/b.py": {"sim.b.x_h__mutmut_3": "survived"}},
                             set())  # fmt: skip
    assert n == 1
    assert [name for name, _ in tool.survivor_blocks(path)] == [
        "sim.a.x_f__mutmut_1", "sim.b.x_h__mutmut_3"]  # fmt: skip
    assert "-old\n+new\n" in path.read_text()


def test_mutants_are_named_by_their_module_as_mutmut_names_them(tool):
    assert tool.module_name("sim/runs/branching.py") == "sim.runs.branching"
    assert tool.module_name("agents/__init__.py") == "agents"


def test_the_verdicts_a_run_ended_with_are_kept_for_the_next_rerun(tool, tmp_path: Path):
    assert tool.saved_verdicts(tmp_path) == {}
    verdicts = {"a.py": {"k": "killed", "s": "survived"}}
    tool.save_verdicts(tmp_path, verdicts)
    assert tool.saved_verdicts(tmp_path) == verdicts
