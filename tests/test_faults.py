"""Faults during a run: a failing replicate, a killed worker, a full disk.

In each case the folder is left marked incomplete, the message says what failed and how
to go on, and resuming gives the same bytes as an uninterrupted run.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import sim.engine.replicate
import sim.runs.store
from sim.present.cli import main
from sim.runs.results import load
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import file_sha256 as sha256
from tests.conftest import BELARUS, ROOT, small_sweep
from tests.helpers import SAFETY_NET_S, descendants, frozen, wait_for_files

TABLES = ("outcomes", "parameters", "trajectories", "events", "bands")
ARGS = ["run", str(BELARUS), "-n", "40", "--seed", "13", "--chunk-size", "5"]


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ref") / "run"
    assert main([*ARGS, "--workers", "1", "--out", str(out)]) == 0
    return out


def assert_same_as(out: Path, reference: Path) -> None:
    for table in TABLES:
        name = f"{table}.parquet"
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name


def status(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())


def test_a_failing_replicate_is_named_with_its_seed_and_can_be_replayed(
    tmp_path, reference, monkeypatch, capsys
):
    real = sim.engine.replicate.start_replicate
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 8:  # replicate 7
            raise ZeroDivisionError("a bug in the model")
        return real(*args, **kwargs)

    monkeypatch.setattr(sim.engine.replicate, "start_replicate", flaky)
    out = tmp_path / "run"
    assert main([*ARGS, "--workers", "1", "--out", str(out)]) == 3
    err = capsys.readouterr().err
    assert "replicate 7 (root seed 13) failed: ZeroDivisionError: a bug in the model" in err
    assert f"wargame replay {out} --replicate 7" in err and "--resume" in err
    assert "Traceback" not in err
    manifest = status(out)
    assert manifest["status"] == "incomplete" and "replicate 7" in manifest["reason"]
    assert not (out / "outcomes.parquet").exists()
    with pytest.raises(ScenarioError, match="incomplete"):
        load(out)
    monkeypatch.setattr(sim.engine.replicate, "start_replicate", real)  # the bug is fixed
    assert main(["replay", str(out), "--replicate", "7"]) == 0
    replay = capsys.readouterr().out
    assert "replicate 7 of 40, root seed 13" in replay and "Slavic Brotherhood 2020" in replay
    assert main(["run", str(BELARUS), "--resume", str(out), "--workers", "1"]) == 0
    assert_same_as(out, reference)


def test_a_killed_worker_leaves_a_resumable_run(tmp_path):
    """A worker killed mid-run: the run stops with status 3, says which worker died and
    how to resume, and resuming gives the bytes of an uninterrupted run. The run is frozen
    (SIGSTOP) while the worker is picked and killed, so the kill lands mid-run however
    loaded the machine is; every wait is for an event, with a safety net only."""
    out = tmp_path / "run"
    big = ["run", str(BELARUS), "-n", "600", "--seed", "13", "--chunk-size", "5"]
    cmd = [sys.executable, "-m", "sim.present.cli", *big, "--workers", "2", "--out", str(out)]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        wait_for_files(out / "chunks", "bands-*.arrow", 4, proc)
        with frozen(proc):
            workers = [p for p, d in descendants(proc.pid).items() if d == 2]  # fork server's
            assert workers, "no worker processes found"
            os.kill(workers[0], signal.SIGKILL)
        _, err = proc.communicate(timeout=SAFETY_NET_S)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 3, err
    assert "worker process died" in err and "resume with" in err
    assert status(out)["status"] == "incomplete"
    assert main(["run", str(BELARUS), "--resume", str(out), "--workers", "2"]) == 0
    reference_big = tmp_path / "ref"
    assert main([*big, "--workers", "1", "--out", str(reference_big)]) == 0
    assert_same_as(out, reference_big)


class _FullDiskWriter:
    """A ParquetWriter whose `fail_at`-th table append finds the disk full."""

    real = sim.runs.store.pq.ParquetWriter
    appends = 0
    fail_at = 0

    def __init__(self, *args, **kwargs):
        self.writer = self.real(*args, **kwargs)

    def write_table(self, table):
        type(self).appends += 1
        if type(self).appends == self.fail_at:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "outcomes.parquet")
        self.writer.write_table(table)

    def close(self):
        self.writer.close()


@pytest.mark.parametrize("where", ["writing a chunk file", "appending to a final table"])
def test_a_full_disk_is_a_clear_error_and_the_run_resumes(
    tmp_path, reference, monkeypatch, capsys, where
):
    if where == "writing a chunk file":
        real = sim.runs.store.write_bytes_atomic
        calls = {"n": 0}

        def full_disk(path, data):
            calls["n"] += 1
            if calls["n"] == 12:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
            return real(path, data)

        monkeypatch.setattr(sim.runs.store, "write_bytes_atomic", full_disk)
    else:
        monkeypatch.setattr(_FullDiskWriter, "fail_at", 9)  # in the third chunk
        monkeypatch.setattr(sim.runs.store.pq, "ParquetWriter", _FullDiskWriter)
    out = tmp_path / "run"
    assert main([*ARGS, "--workers", "1", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "cannot write the results: No space left on device" in err and "--resume" in err
    assert status(out)["status"] == "incomplete"
    assert not list(out.glob("*.parquet")) and not list(out.glob(".*.tmp"))
    monkeypatch.undo()  # space freed
    assert main(["run", str(BELARUS), "--resume", str(out), "--workers", "1"]) == 0
    assert_same_as(out, reference)


def test_scenario_hash_changes_when_and_only_when_the_content_does(tmp_path):
    text = BELARUS.read_bytes()
    a, b = tmp_path / "a.yaml", tmp_path / "other name.yaml"
    a.write_bytes(text)
    b.write_bytes(text)
    assert sha256(a) == sha256(b) == sha256(BELARUS)
    b.write_bytes(text + b"\n")
    assert sha256(b) != sha256(a)
    out1, out2 = tmp_path / "r1", tmp_path / "r2"
    assert main(["run", str(a), "-n", "3", "--workers", "1", "--out", str(out1)]) == 0
    assert main(["run", str(b), "-n", "3", "--workers", "1", "--out", str(out2)]) == 0
    assert status(out1)["scenario_sha256"] == sha256(a) != status(out2)["scenario_sha256"]


def test_a_failing_replicate_in_a_sweep_is_reported_not_a_traceback(tmp_path, monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise ValueError("broken model")

    monkeypatch.setattr(sim.engine.replicate, "start_replicate", broken)
    out = tmp_path / "sweep"
    code = main([*small_sweep(levels=2, replicates=3), "--workers", "1", "--out", str(out)])
    assert code == 3
    err = capsys.readouterr().err
    assert "replicate 0 (root seed" in err and "ValueError: broken model" in err
    assert "Traceback" not in err
    assert json.loads((out / "manifest.json").read_text())["status"] == "incomplete"
