"""The stage layering of ``sim/`` is a contract that import-linter checks on every build.

The contract lives in ``pyproject.toml`` (``[tool.importlinter]``). The first test checks the
tree as it is; the second plants an upward import in a copy of the tree and checks that the
linter fails and names it, so the first test cannot pass by checking nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The console script, run by this interpreter so it is found wherever pip put it.
LINT = "import sys; from importlinter.cli import lint_imports_command as c; sys.exit(c())"


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(
        [sys.executable, "-c", LINT, "--no-cache"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def copy_of_tree(tmp_path) -> Path:
    dest = tmp_path
    for name in ("sim", "agents"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", dest / "pyproject.toml")
    return dest


def test_the_tree_keeps_the_layers():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_an_upward_import_breaks_the_build_and_is_named(copy_of_tree):
    ledger = copy_of_tree / "sim" / "engine" / "ledger.py"
    ledger.write_text(ledger.read_text() + "\nfrom sim.present import cli  # noqa: E402\n")
    result = _lint(copy_of_tree)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert "sim.engine.ledger -> sim.present.cli" in result.stdout


def test_an_import_under_type_checking_counts_too(copy_of_tree):
    """A circle drawn only in annotations is still a circle: the contract counts imports
    made under ``TYPE_CHECKING``."""
    outcomes = copy_of_tree / "sim" / "engine" / "outcomes.py"
    outcomes.write_text(
        outcomes.read_text()
        + "\nfrom typing import TYPE_CHECKING  # noqa: E402\n"
        + "if TYPE_CHECKING:\n    from sim.runs.results import Run  # noqa: F401\n"
    )
    result = _lint(copy_of_tree)
    assert result.returncode != 0 and "sim.engine.outcomes -> sim.runs.results" in result.stdout


def test_mesa_in_the_scenario_layer_breaks_the_build(copy_of_tree):
    params = copy_of_tree / "sim" / "scenario" / "params.py"
    params.write_text(params.read_text() + "\nimport mesa  # noqa: E402, F401\n")
    result = _lint(copy_of_tree)
    assert result.returncode != 0
    assert "Reading and checking a scenario needs neither Mesa nor SimPy BROKEN" in result.stdout
    assert "sim.scenario.params -> mesa" in result.stdout


def test_the_documented_facades_still_work():
    import sim.plots
    import sim.results
    from sim.present import plots
    from sim.runs import folder

    assert sim.results.load is folder.load
    assert set(folder._LOADERS) == set(folder.KINDS)  # every kind of folder can be loaded
    assert sim.plots.persistence_curve is plots.persistence_curve
