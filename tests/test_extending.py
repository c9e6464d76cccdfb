"""docs/extending.md is a working change: its edits, applied to a fresh copy of the code,
give a new outcome, a new role, a new command and a new rung effect that run, and each
touches the files the page says."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "extending.md"
MARK = re.compile(r"<!-- (edit|scenario): (.+?) -->\n```[a-z]*\n(.*?)```", re.S)


def edits() -> list[tuple[str, str, str]]:
    """(kind, target, text) of every marked block on the page, in order."""
    return [(kind, target.strip(), text) for kind, target, text in MARK.findall(PAGE.read_text())]


def apply(tree: Path) -> dict[str, set[str]]:
    """Apply the page's edits under `tree`; the files each section touched."""
    used: dict[tuple[str, str], int] = {}
    touched: dict[str, set[str]] = {}
    text = PAGE.read_text()
    for kind, target, block in edits():
        section = text[: text.index(block)].rsplit("\n## ", 1)[-1].split("\n", 1)[0]
        if kind == "scenario":
            (tree / target).write_text(block)
            continue
        if target.startswith("new "):
            path = target.removeprefix("new ")
            (tree / path).write_text(block)
        else:
            path, anchor = re.fullmatch(r'(\S+) before "(.+)"', target).groups()
            k = used[(path, anchor)] = used.get((path, anchor), 0) + 1
            lines = (tree / path).read_text().split("\n")
            hits = [i for i, line in enumerate(lines) if line.startswith(anchor)]
            assert len(hits) >= k, f"{path}: no line {k} starting with {anchor!r}"
            lines[hits[k - 1] : hits[k - 1]] = block.rstrip("\n").split("\n")
            (tree / path).write_text("\n".join(lines))
        touched.setdefault(section, set()).add(path)
    return touched


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """A copy of the code with the page applied."""
    root = tmp_path_factory.mktemp("extended")
    for part in ("sim", "agents", "scenarios"):
        shutil.copytree(ROOT / part, root / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "reports", root / "reports")
    root.joinpath("touched.txt").write_text(repr(apply(root)))
    return root


def wargame(tree: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [sys.executable, "-m", "sim.present.cli", *args],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_each_example_touches_two_files(tree):
    touched = eval(tree.joinpath("touched.txt").read_text())
    assert {k: len(v) for k, v in touched.items()} == {
        "An outcome": 2,
        "An actor role": 2,
        "A command": 2,
        "A rung effect": 2,
    }


def test_the_new_outcome_is_measured_and_printed(tree, tmp_path):
    done = wargame(tree, "run", "scenarios/belarus_2020.yaml", "-n", "200", "--workers", "1",
                   "--out", str(tmp_path / "run"))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "foreign forces present on the last day" in done.stdout
    import pandas as pd

    outcomes = pd.read_parquet(tmp_path / "run" / "outcomes.parquet")
    daily = pd.read_parquet(tmp_path / "run" / "daily.parquet")
    # the rule is "present on the last day": as many replicates as the daily table counts
    last = daily[daily["day"] == daily["day"].max()]
    assert int(outcomes["forces_on_the_day"].sum()) == int(last["present"].iloc[0])


def test_the_new_role_is_cast_stepped_and_recorded(tree):
    script = (
        "from sim.engine.plan import Plan\n"
        "from sim.engine.replicate import run_replicates\n"
        "from sim.scenario.loader import load\n"
        "plan = Plan(load('scenarios/belarus_2020_eu.yaml'))\n"
        "col = plan.state_columns.index(('eu', 'pressure'))\n"
        "runs = run_replicates(plan, 7, 0, 20)\n"
        "traj = [r.trajectory[:, col] for r in runs]\n"
        "assert all(((t >= 0) & (t <= 1)).all() for t in traj)\n"
        "assert any(t[-1] != t[0] for t in traj)\n"
        "print('ok', len(runs))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run([sys.executable, "-c", script], cwd=tree, env=env,
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "ok 20" in done.stdout
    explained = wargame(tree, "explain", "scenarios/belarus_2020_eu.yaml")
    assert explained.returncode == 0, explained.stderr
    assert "actors.eu.response" in explained.stdout


def test_the_new_command_lists_the_new_role(tree):
    done = wargame(tree, "roles")
    assert done.returncode == 0, done.stderr
    assert "sanctions_coalition" in done.stdout and "patron" in done.stdout
    assert "roles" in wargame(tree, "--help").stdout


def test_the_new_rung_effect_is_drawn_inherited_and_acts(tree, tmp_path):
    """The agreement is a parameter of its rung (and inherited by the rungs above), the
    combined effects carry it, and it keeps forces in the host longer: with the same
    seed, more presence days than the baseline."""
    explained = wargame(tree, "explain", "scenarios/belarus_2020_sofa.yaml")
    assert explained.returncode == 0, explained.stderr
    assert "tracks.presence.bridging_rotations.status_of_forces" in explained.stdout
    script = (
        "from sim.engine.concessions import Effects\n"
        "from sim.engine.plan import Plan\n"
        "from sim.engine.track_reader import TrackReader\n"
        "from sim.scenario.loader import load\n"
        "plan = Plan(load('scenarios/belarus_2020_sofa.yaml'))\n"
        "(reader,) = [r for r in TrackReader.all_of(plan) if r.name == 'presence']\n"
        "row = [0.5] * plan.n_params + [None, float('inf'), 0.0]\n"
        "i = plan.index['tracks.presence.bridging_rotations.status_of_forces']\n"
        "row[i] = 0.7\n"
        "print(reader.read(row).held['status_of_forces'], Effects().status_of_forces)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tree, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["(None,", "None,", "0.7,", "0.7,", "0.7)", "0.0"]
    import pandas as pd

    days = {}
    for name in ("belarus_2020", "belarus_2020_sofa"):
        out = tmp_path / name
        args = ["-n", "200", "--workers", "1", "--seed", "3", "--out", str(out)]
        done = wargame(tree, "run", f"scenarios/{name}.yaml", *args)
        assert done.returncode == 0, done.stderr
        days[name] = pd.read_parquet(out / "outcomes.parquet")["presence_days"].mean()
    assert days["belarus_2020_sofa"] > days["belarus_2020"], days
