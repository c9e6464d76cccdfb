"""The corpus of bad scenarios (tests/bad_scenarios): each names its file, field and reason.

Every file starts with ``# field:`` and ``# expect:`` lines (a file that cannot hold them,
such as one that is not UTF-8, has a ``.expect`` file beside it).
"""

from __future__ import annotations

import copy
import math
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.present.cli import main
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load, loads
from tests.conftest import BELARUS, MINIMAL

CORPUS = Path(__file__).parent / "bad_scenarios"
FILES = sorted(CORPUS.glob("*.yaml"))


def expectation(path: Path) -> tuple[str, str]:
    sidecar = path.with_suffix(".expect")
    text = sidecar.read_text() if sidecar.is_file() else path.read_text(errors="replace")
    found = dict(line.lstrip("# ").split(": ", 1) for line in text.splitlines()[:2])
    return found["field"].strip(), found["expect"].strip()


def test_the_corpus_is_large_enough():
    assert len(FILES) >= 25


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_bad_scenario_message_names_file_field_and_reason(path):
    field, expect = expectation(path)
    with pytest.raises(ScenarioError) as info:
        load(path)
    message = str(info.value)
    assert path.name in message
    assert field in message
    assert expect in message


@pytest.mark.parametrize("path", FILES[:6], ids=lambda p: p.stem)
def test_cli_reports_bad_scenarios_without_a_traceback(path, capsys):
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err


# ------------------------------------------------------------------ mutation property

BASES = [MINIMAL, yaml.safe_load(BELARUS.read_text())]
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.lists(st.integers(-3, 3), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.sampled_from(["likely", "likley", "2020-10-01", "2099-01-01", "patron", "kremlin"]),
)


def _paths(node, at=()):
    yield at
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*at, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*at, i))


@st.composite
def mutated(draw):
    base = draw(st.sampled_from(range(len(BASES))))
    data = copy.deepcopy(BASES[base])
    if base == 1:
        data.pop("extends", None)
    paths = [p for p in _paths(data) if p]
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.sampled_from(paths))
        parent = data
        try:
            for part in at[:-1]:
                parent = parent[part]
            action = draw(st.sampled_from(["replace", "delete", "add"]))
            if action == "replace":
                parent[at[-1]] = draw(JUNK)
            elif action == "delete":
                del parent[at[-1]]
            elif isinstance(parent, dict):
                parent[draw(st.text(min_size=1, max_size=8))] = draw(JUNK)
        except (KeyError, IndexError, TypeError):
            continue
    return data


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mutated())
def test_mutated_scenarios_load_or_raise_the_projects_error(data):
    try:
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    except yaml.YAMLError:
        return
    try:
        scenario = loads(text, "mutated.yaml")
    except ScenarioError as e:
        assert str(e)
        return
    assert scenario.n_days > 0
    assert not any(isinstance(v, float) and math.isnan(v) for v in scenario.model_dump().values())
