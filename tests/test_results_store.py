"""The results store: chunked safe writes, resume to identical bytes, loading back."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from sim.engine.plan import Plan
from sim.present.cli import main
from sim.runs.chunkfile import encode, read_table
from sim.runs.results import Run, load
from sim.runs.runner import run_chunk
from sim.runs.store import RunStore
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load as load_scenario
from tests.conftest import BELARUS, ROOT
from tests.helpers import SAFETY_NET_S, frozen, wait_for_files

TABLES = ("outcomes", "parameters", "trajectories", "events")
N, CHUNK = "1500", "50"


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """An uninterrupted run to compare against."""
    out = tmp_path_factory.mktemp("ref") / "run"
    args = ["run", str(BELARUS), "-n", N, "--chunk-size", CHUNK, "--workers", "1"]
    assert main([*args, "--out", str(out)]) == 0
    return out


def start_run(out: Path) -> subprocess.Popen:
    cmd = [
        sys.executable,
        "-m",
        "sim.present.cli",
        "run",
        str(BELARUS),
        "-n",
        N,
        "--chunk-size",
        CHUNK,
        "--workers",
        "2",
        "--out",
        str(out),
    ]
    # A shell's background job starts with SIGINT ignored, and children inherit that; give
    # the run Python's own Ctrl-C handling whatever launched the tests.
    return subprocess.Popen(
        cmd,
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


@pytest.mark.parametrize("how", ["kill the whole process group", "Ctrl-C to the parent"])
def test_interrupted_run_resumes_to_identical_bytes(tmp_path, reference, how, capsys):
    out = tmp_path / "run"
    proc = start_run(out)
    try:
        wait_for_files(out / "chunks", "outcomes-*.arrow", 3, proc)
        # frozen while the signal is sent, so it lands mid-run however loaded the machine
        with frozen(proc):
            if how.startswith("kill"):
                os.killpg(proc.pid, signal.SIGKILL)
            else:
                proc.send_signal(signal.SIGINT)
        proc.wait(timeout=SAFETY_NET_S)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] != "complete"
    assert not (out / "outcomes.parquet").exists()
    with pytest.raises(ScenarioError, match="incomplete"):
        load(out)
    done_before = len(list((out / "chunks").glob("outcomes-*.arrow")))
    assert 3 <= done_before < int(N) // int(CHUNK), "the run was interrupted mid-way"
    assert main(["run", str(BELARUS), "--resume", str(out), "--workers", "2"]) == 0
    assert f"{N} replicates" in capsys.readouterr().out
    for table in TABLES:
        name = f"{table}.parquet"
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name
    assert not (out / "chunks").exists()


def test_loaded_tables_match_the_manifest(reference):
    run = load(reference)
    assert isinstance(run, Run)
    rows = run.manifest["rows"]
    assert len(run.outcomes) == rows["outcomes"] == run.replicates == int(N)
    assert len(run.parameters) == rows["parameters"] == int(N)
    assert len(run.trajectories) == rows["trajectories"]
    assert len(run.events) == rows["events"]
    months = run.manifest["scenario"]["metadata"]["horizon_months"]
    per_month = run.trajectories.groupby("replicate").size()
    assert (
        per_month == months * run.trajectories[["actor", "variable"]].drop_duplicates().shape[0]
    ).all()
    assert run.outcomes["persistent_date"].notna().sum() == run.outcomes["persistent"].sum()


def test_resume_refuses_a_changed_scenario(tmp_path, reference):
    changed = tmp_path / "changed.yaml"
    changed.write_text(BELARUS.read_text().replace("replicates: 2000", "replicates: 2001"))
    out = tmp_path / "run"
    assert main(["run", str(changed), "-n", "10", "--out", str(out)]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["status"] = "incomplete"
    (out / "manifest.json").write_text(json.dumps(manifest))
    changed.write_text(changed.read_text().replace("2001", "2002"))
    assert main(["run", str(changed), "--resume", str(out)]) == 2


def test_lean_run_keeps_only_outcomes_and_parameters(tmp_path):
    out = tmp_path / "lean"
    assert main(["run", str(BELARUS), "-n", "30", "--lean", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.glob("*.parquet")) == [
        "bands.parquet",
        "daily.parquet",
        "outcomes.parquet",
        "parameters.parquet",
    ]


def _store_with_chunks(path: Path, order: list[int]) -> tuple[RunStore, list[int]]:
    """A run folder of 5 chunks of 20 replicates, written in `order`, each appended as soon
    as the chunks before it are in (as a run does when chunks finish out of order)."""
    scenario = load_scenario(BELARUS)
    plan = Plan(scenario)
    store = RunStore.create_run(
        path,
        scenario_file=BELARUS,
        scenario=scenario,
        seed=7,
        replicates=100,
        chunk_size=20,
        detail=True,
    )
    assembly = store.assembly(plan)
    waiting = []
    for k in order:
        _, a, b = store.bounds()[k]
        store.write_chunk(k, encode(run_chunk(plan, 7, a, b, True)))
        assembly.add(k)
        waiting.append(assembly.next)
    summary, rows = assembly.close()
    store.finish_run(summary, rows, 0.0)
    return store, waiting


def test_chunks_finishing_in_any_order_give_the_same_files(tmp_path):
    in_order, progress = _store_with_chunks(tmp_path / "in_order", [0, 1, 2, 3, 4])
    assert progress == [1, 2, 3, 4, 5]
    shuffled, progress = _store_with_chunks(tmp_path / "shuffled", [3, 1, 4, 0, 2])
    assert progress == [0, 0, 0, 2, 5]  # nothing is appended until chunk 0 is in
    for name in (*TABLES, "bands"):
        file = f"{name}.parquet"
        assert (in_order.path / file).read_bytes() == (shuffled.path / file).read_bytes(), file
    assert (in_order.path / "summary.json").read_text() == (
        shuffled.path / "summary.json"
    ).read_text()


def test_a_chunk_file_holds_its_table_exactly(tmp_path):
    """A chunk read back from its file is the Arrow table of the chunk's DataFrame, schema
    (pandas metadata, list columns) and values alike, so the final files are the same
    whichever way their chunks came: computed in this run or read back on a resume."""
    plan = Plan(load_scenario(BELARUS))
    tables = run_chunk(plan, 7, 0, 10, True)
    chunk = encode(tables)
    for name, df in [*tables.items(), ("bands", tables.bands)]:
        (tmp_path / f"{name}.arrow").write_bytes(chunk.tables[name])
        direct = pa.Table.from_pandas(df, preserve_index=False)
        from_chunk = read_table(tmp_path / f"{name}.arrow")
        assert from_chunk.schema.to_string(show_schema_metadata=True) == (
            direct.schema.to_string(show_schema_metadata=True)
        ), name
        assert from_chunk.equals(direct), name
    assert list(chunk.tables) == [*(n for n, _ in tables.items()), "counts", "bands"]
