"""Every model number the documentation quotes is what the model gives today
(``docs/quoted_numbers.py``: the same runs, the same seeds, so the numbers are exact, and a
stale one names itself). The check can fail: a number changed by hand is caught."""

from __future__ import annotations

import importlib.util
import re
import shlex

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def numbers():
    script = ROOT / "docs" / "quoted_numbers.py"
    spec = importlib.util.spec_from_file_location("quoted_numbers", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def runs(numbers, tmp_path_factory):
    return numbers.Runs(tmp_path_factory.mktemp("doc-numbers"))


@pytest.mark.digest
def test_every_quoted_number_is_todays(numbers, runs):
    stale = numbers.stale(runs)
    assert not stale, "run `python docs/quoted_numbers.py --write`:\n" + "\n".join(stale)


def test_every_quoted_name_is_used(numbers):
    quoted = set()
    for file in numbers.FILES:
        quoted |= {m["name"] for m in numbers.MARKER.finditer(file.read_text())}
    assert quoted == set(numbers.QUOTES), "a quote defined but unused, or used but undefined"


def test_a_number_changed_by_hand_is_caught_and_written_back(numbers, runs, tmp_path,
                                                             monkeypatch):  # fmt: skip
    page = tmp_path / "page.md"
    right = runs.table["all"]
    page.write_text(f"The table has <!--n:format.parameters-->{right - 1}<!--/n--> rows.\n")
    monkeypatch.setattr(numbers, "FILES", [page])
    monkeypatch.setattr(numbers, "ROOT", tmp_path)
    (problem,) = numbers.stale(runs)
    assert f"says '{right - 1}', the model gives '{right}'" in problem
    numbers.stale(runs, write=True)
    assert f"-->{right}<!--" in page.read_text() and not numbers.stale(runs)


COMMAND = re.compile(r"^wargame (?:sweep|signposts) scenarios/.*?(?<!\\)$", re.M | re.S)


@pytest.mark.digest
def test_the_guides_examples_are_the_runs_quoted_and_the_sweep_is_not_noise(numbers, runs):
    """The sweep and signposts commands the guide shows are the ones its numbers come from;
    the sweep's point estimates are less than 20 % Monte Carlo noise."""
    guide = (ROOT / "docs" / "guide.md").read_text()
    commands = [shlex.split(m.replace("\\\n", " ")) for m in COMMAND.findall(guide)]
    assert ["wargame", *numbers.GUIDE_SWEEP] in commands, commands
    assert ["wargame", *numbers.GUIDE_SIGNPOSTS] in commands, commands
    assert runs.sweep["adequacy"]["noise_share_of_variance"] < 0.2
