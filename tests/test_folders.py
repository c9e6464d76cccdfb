"""Every results folder shares one life cycle (create, resume, mark, finish) and one loader
registry; a folder of the wrong kind, or an unfinished one, is refused by name."""

from __future__ import annotations

import json

import pytest

import sim.results
from sim.runs.folder import Folder, describe_kinds, load, register
from sim.scenario.errors import ScenarioError


class Toy(Folder):
    kind = "score"  # borrows a registered kind, to test the life cycle on its own


def test_create_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "keep.txt").write_text("x")
    with pytest.raises(ScenarioError, match="already exists and is not empty"):
        Toy.create(tmp_path, {"a": 1})
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_resume_refuses_a_complete_folder_and_changed_settings(tmp_path):
    folder = Toy.create(tmp_path / "f", {"seed": 1})
    assert json.loads((tmp_path / "f" / "manifest.json").read_text())["status"] == "running"
    folder.mark("incomplete", "interrupted")
    with pytest.raises(ScenarioError, match="seed differs from the score being resumed"):
        Toy.resume(tmp_path / "f", {"seed": 2})
    again = Toy.resume(tmp_path / "f", {"seed": 1})
    assert again.manifest["status"] == "running" and again.manifest["reason"] == "interrupted"
    again.finish(extra=3)
    m = json.loads((tmp_path / "f" / "manifest.json").read_text())
    assert m["status"] == "complete" and "reason" not in m and m["extra"] == 3
    with pytest.raises(ScenarioError, match="already complete"):
        Toy.resume(tmp_path / "f")


def test_load_refuses_an_unfinished_folder_and_names_the_kinds_it_accepts(tmp_path):
    folder = Toy.create(tmp_path / "f", {})
    with pytest.raises(ScenarioError, match="incomplete"):
        load(tmp_path / "f")
    folder.finish()
    with pytest.raises(ScenarioError) as info:
        load(tmp_path / "f", kinds=("run", "sweep"), command="discover")
    assert "discover works on a run or a sweep folder; this is a score folder" in str(info.value)
    with pytest.raises(ScenarioError, match="not a results folder"):
        load(tmp_path)


def test_every_kind_is_registered_and_unknown_kinds_are_refused():
    assert describe_kinds(["run", "batch", "sweep"]) == "a run, a batch or a sweep"
    assert sim.results.load is load
    with pytest.raises(ValueError, match="unknown folder kind"):
        register("nonsense")
