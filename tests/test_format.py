"""The scenario format has a version and remembers its renames: a file written for an
earlier version is told what replaced each old name, and ``wargame migrate`` rewrites it,
keeping its comments and order, into a file that validates and runs.

The fixtures are the shipped Belarus scenario as it stood in format 1 (the first engine)
and in format 2 (events, observations and questions), taken from the project's history.
"""

from __future__ import annotations

import shutil

import pytest
import yaml

from sim.present.cli import main
from sim.scenario.format import FORMAT, find_renamed
from sim.scenario.migrate import migrate_text
from tests.conftest import ROOT, write_yaml

FIXTURES = ROOT / "tests" / "fixtures"
OLD = {1: FIXTURES / "format1_belarus_2020.yaml", 2: FIXTURES / "format2_belarus_2020.yaml"}


def comments(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.lstrip().startswith("#")]


@pytest.mark.parametrize("version", sorted(OLD))
def test_validate_names_every_replacement_at_once_with_its_line(version, capsys):
    assert main(["validate", str(OLD[version])]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    text = OLD[version].read_text()
    assert (
        "'leverage_from_vulnerability' was replaced by 'leverage_from_dependence' in format 3"
        in err
    )
    assert "wargame migrate FILE" in err
    line = text.splitlines().index("      leverage_from_vulnerability:") + 1
    assert f"{OLD[version]}:{line}:7: actors[0].params.leverage_from_vulnerability" in err


def test_format_2_file_gets_both_replacements_in_one_message(capsys):
    assert main(["validate", str(OLD[2])]) == 2
    err = capsys.readouterr().err
    assert "2 problems:" in err
    assert "'leverage_from_vulnerability' was replaced by 'leverage_from_dependence'" in err
    assert "'outcome: continuous' was replaced by 'outcome: ever_continuous'" in err


@pytest.mark.parametrize("version", sorted(OLD))
def test_migrate_writes_a_file_that_validates_and_runs(version, tmp_path, capsys):
    old = tmp_path / f"format{version}.yaml"
    shutil.copy(OLD[version], old)
    before = old.read_text()
    assert main(["migrate", "--check", str(old)]) == 1
    assert old.read_text() == before, "--check writes nothing"
    assert main(["migrate", str(old)]) == 0
    out = capsys.readouterr().out
    assert "rewrote to format 3" in out and "leverage_from_dependence" in out
    assert f"{old}: validates" in out
    after = old.read_text()
    assert comments(after) == comments(before), "every comment kept, in order"
    assert len(after.splitlines()) == len(before.splitlines()) + 2  # format: 3 and a blank
    assert not find_renamed(yaml.safe_load(after))
    assert main(["migrate", str(old)]) == 0 and "already format 3" in capsys.readouterr().out
    assert main(["run", str(old), "-n", "20", "--workers", "1", "--out", str(tmp_path / "r")]) == 0


def test_migrate_says_what_to_read_again_when_a_meaning_changed(tmp_path, capsys):
    old = tmp_path / "old.yaml"
    shutil.copy(OLD[2], old)
    assert main(["migrate", "--check", str(old)]) == 1
    out = capsys.readouterr().out
    assert "read again: line" in out and "'outcome: persistent' now means" in out


def test_a_current_file_needs_nothing(tmp_path, minimal, capsys):
    path = write_yaml(tmp_path, {"format": FORMAT, **minimal})
    assert main(["migrate", "--check", str(path)]) == 0
    assert "already format 3" in capsys.readouterr().out
    assert main(["validate", str(path)]) == 0


def test_a_file_for_a_newer_format_is_refused_with_what_to_do(tmp_path, minimal, capsys):
    path = write_yaml(tmp_path, {"format": FORMAT + 1, **minimal})
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"scenario.yaml:1:1: format: written for format {FORMAT + 1}" in err
    assert "upgrade wargame" in err


def test_old_names_are_found_in_overlays_patches_injects_and_observation_files(
    tmp_path, minimal, capsys
):
    minimal["injects"].append(
        {
            "name": "squeeze",
            "date": "2021-02-01",
            "actor": "patron",
            "params": {"leverage_from_vulnerability": 0.5},
        }
    )
    minimal["judgments"] = [
        {
            "id": "j",
            "claim": "c",
            "word": "likely",
            "metric": "outcome_by",
            "outcome": "ever_continuous",
            "end": "2021-06-01",
            "given": {"metric": "outcome_by", "outcome": "continuous", "end": "2021-05-01"},
        }
    ]
    base = write_yaml(tmp_path, minimal, "base.yaml")
    overlay = write_yaml(
        tmp_path,
        {"extends": base.name, "actors": [{"name": "patron", "role": "patron",
                                           "params": {"leverage_from_vulnerability": 0.4}}]},
        "overlay.yaml",
    )  # fmt: skip
    assert main(["validate", str(overlay)]) == 2
    err = capsys.readouterr().err
    assert "overlay.yaml:" in err and "injects[1].params.leverage_from_vulnerability" in err
    assert "judgments[0].given.outcome" in err and "3 problems" in err
    # once migrated, both files validate
    assert main(["migrate", str(base), str(overlay)]) == 0
    assert main(["validate", str(overlay)]) == 0
    capsys.readouterr()
    facts = write_yaml(
        tmp_path,
        {"observations": [{"id": "o", "metric": "outcome_by", "outcome": "continuous",
                           "end": "2020-12-01", "value": False, "as_of": "2020-12-02",
                           "source": "news"}]},
        "facts.yaml",
    )  # fmt: skip
    args = ["run", str(base), "-n", "5", "--observations", str(facts), "--out", str(tmp_path / "o")]
    assert main(args) == 2
    assert "facts.yaml:" in capsys.readouterr().err
    assert main(["migrate", str(facts)]) == 0
    assert main(args) == 0


def test_migrate_refuses_a_broken_file_and_writes_nothing(tmp_path, capsys):
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    shutil.copy(OLD[1], good)
    bad.write_text("metadata: [unclosed\n")
    before = good.read_text()
    assert main(["migrate", str(good), str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {bad}") and "Traceback" not in err
    assert good.read_text() == before, "no file is rewritten when one cannot be read"


def test_renames_in_flow_style_and_quotes_are_rewritten():
    text = (
        "format: 2\n"
        "judgments:\n"
        "  - {id: a, metric: outcome_by, outcome: 'continuous', end: 2021-01-01}\n"
        "actors:\n"
        '  - {name: k, role: patron, params: {"leverage_from_vulnerability": 0.5}}\n'
    )
    m = migrate_text(text, "x.yaml")
    assert "outcome: 'ever_continuous'" in m.text
    assert '"leverage_from_dependence": 0.5' in m.text
    assert m.text.startswith("format: 3\n") and m.was == 2
