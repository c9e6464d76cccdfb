"""Any file given as a scenario gets a clear error: exit status 2, one message that names
the file, no traceback, no hang, nothing written to the output folder.

Hand-made cases cover what once crashed or hung (dates YAML reads as impossible
timestamps, deep nesting, an alias bomb, an alias inside itself, an oversized file);
hypothesis then feeds arbitrary text and arbitrary YAML structures to ``validate`` and
``run``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.present.cli import main
from sim.scenario import yaml_text
from tests.conftest import BELARUS
from tests.helpers import SAFETY_NET_S

#: The most CPU time any one bad file may take to be refused: CPU time of this process,
#: not the wall clock, so other work on a loaded machine does not count against it.
CPU_SECONDS = 5.0

BOMB = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(
            f"{c}: &{c} [{','.join([f'*{p}'] * 9)}]"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        ),
    ]
)
CASES = {
    "month out of range": (
        BELARUS.read_text().replace("start_date: 2020-09-16", "start_date: 2020-16-09"),
        "'2020-16-09' is not a date (month must be in 1..12)",
    ),
    "day out of range": (
        BELARUS.read_text().replace("start_date: 2020-09-16", "start_date: 2021-02-30"),
        "'2021-02-30' is not a date",
    ),
    "5,000 nested brackets": ("a: " + "[" * 5000 + "]" * 5000, "nested more than 64 levels"),
    "200,000 nested brackets": (
        "a: " + "[" * 200_000 + "]" * 200_000,
        "nested more than 64 levels",
    ),
    "alias bomb": (BOMB, "expands to more than 200,000 values"),
    "alias inside itself": ("a: &a\n  - *a\n", "an alias refers to the node that contains it"),
    "deep once aliases expand": (
        "\n".join(
            ["a0: &a0 " + "[" * 40 + "1" + "]" * 40]
            + [f"a{i}: &a{i} " + "[" * 40 + f"*a{i - 1}" + "]" * 40 for i in range(1, 4)]
        ),
        "levels deep, aliases expanded",
    ),
    "oversized": ("x: " + "y" * (yaml_text.MAX_BYTES + 1), "larger than the 2 MB"),
    "not a mapping": ("- 1\n- 2\n", "expected a mapping of scenario sections"),
    "a python tag": ("a: !!python/object:os.system {}\n", "not valid YAML"),
    "a float tag on a word": ("a: !!float abc\n", "a value cannot be read"),
}


def refused(argv_of, text: str, tmp_path, capsys) -> str:
    """Write `text`, run the command, assert the refusal's form; return its message."""
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    out = tmp_path / "out"
    started = time.process_time()
    code = main(argv_of(path, out))
    used = time.process_time() - started
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith(f"error: {path}") and "Traceback" not in err, err
    assert used < CPU_SECONDS, used
    assert not out.exists(), "a refused run writes nothing"
    return err


def validate(path, out):
    return ["validate", str(path)]


def run(path, out):
    return ["run", str(path), "-n", "2", "--out", str(out)]


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
@pytest.mark.parametrize("argv_of", [validate, run], ids=["validate", "run"])
def test_a_hostile_file_is_refused_with_its_reason(case, argv_of, tmp_path, capsys):
    text, reason = CASES[case]
    assert reason in refused(argv_of, text, tmp_path, capsys)


def test_an_impossible_date_is_placed_on_its_line(tmp_path, capsys):
    text, _ = CASES["month out of range"]
    line = text.splitlines().index("  start_date: 2020-16-09") + 1
    assert f"bad.yaml:{line}:15:" in refused(validate, text, tmp_path, capsys)


def test_output_cut_short_by_its_reader_ends_quietly():
    """``wargame explain ... | head -1``: the reader goes away, the command stops with
    SIGPIPE's status and prints no 'Broken pipe' error. (The pipe's reading end is closed
    before the command starts, so its first write fails whatever the buffer's size.)"""
    read, write = os.pipe()
    os.close(read)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "sim.present.cli", "explain", str(BELARUS)],
            stdout=write,
            stderr=subprocess.PIPE,
            timeout=SAFETY_NET_S,
        )
    finally:
        os.close(write)
    assert proc.returncode == 141 and proc.stderr.decode() == "", proc.stderr.decode()


# ------------------------------------------------------------------ fuzzing

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=20),
    st.dates(),
    st.datetimes(),
)
STRUCTURES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=30,
)
ODD_LINES = st.sampled_from(
    [
        "start_date: 2020-13-45",
        "a: &x [1, 2]\nb: *x",
        "a: *undefined",
        "[" * 300,
        "{a: [b: {c: ",
        "\t- tab",
        "? complex key\n: value",
        "!!binary notbase64",
        "%YAML 9.9\n---\na: 1",
        "---\na: 1\n---\nb: 2",
        "\x00\x07",
    ]
)
HOSTILE = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@HOSTILE
@given(text=st.one_of(st.text(max_size=400), ODD_LINES))
def test_arbitrary_text_is_refused_cleanly(text, tmp_path_factory, capsys):
    tmp = tmp_path_factory.mktemp("text")
    refused(validate, text, tmp, capsys)
    refused(run, text, tmp, capsys)


@HOSTILE
@given(data=STRUCTURES)
def test_arbitrary_yaml_structures_are_refused_cleanly(data, tmp_path_factory, capsys):
    tmp = tmp_path_factory.mktemp("yaml")
    text = yaml.safe_dump(data, allow_unicode=True)
    refused(validate, text, tmp, capsys)
    refused(run, text, tmp, capsys)
