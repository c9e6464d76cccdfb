"""A run's folder on disk: written in chunks as replicates finish, finished once.

Life of a folder::

    manifest.json  status "running"    created before the first replicate
    chunks/        <name>-<k>.arrow    one file per table and per tally of a finished
                                       chunk, as its worker encoded it
                                       (:mod:`sim.runs.chunkfile`)
    .<table>.parquet.tmp               the final tables, appended chunk by chunk in
                                       replicate order while the run goes on
    manifest.json  status "incomplete" after an interruption or a failure (or still
                   "running" if the process was killed): resume it
    <table>.parquet, summary.json, manifest.json status "complete"   after finishing

Every file is written under a temporary name and renamed into place, so no reader ever
sees half a file, and a folder is complete only when its manifest says so. The chunk files
are what a resumed run starts from: it computes only the missing chunks and rebuilds the
final tables from all of them. Because replicate ``i`` always has the same seed and the
chunk layout is fixed in the manifest, the finished tables are byte-identical to those of
an uninterrupted run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.engine.plan import Plan
from sim.runs.aggregate import BandTally, OutcomeTally
from sim.runs.chunkfile import SUFFIX, EncodedChunk, read_table
from sim.runs.summary import summary_of
from sim.runs.tables import TABLES
from sim.scenario.errors import ScenarioError
from sim.scenario.schema import Scenario

FORMAT = 1
#: A chunk's tallies, kept beside its tables (:mod:`sim.runs.tables`).
TALLIES = ("counts", "bands")
_BUFFER = 1 << 20  # bytes buffered before a final table is written to disk
PACKAGES = ("wargame", "mesa", "simpy", "numpy", "pandas", "pyarrow", "pydantic", "scipy")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def versions() -> dict[str, str]:
    """Installed versions of the packages that shape the results."""
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def default_out(scenario_file: Path, root: Path = Path("results")) -> Path:
    """``results/<scenario>-<UTC timestamp>``, never an existing folder."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    base = root / f"{scenario_file.stem}-{stamp}"
    out, k = base, 1
    while out.exists():
        k += 1
        out = base.with_name(f"{base.name}-{k}")
    return out


def check_new(out: Path) -> None:
    """Refuse to write into an existing non-empty folder (results are never lost)."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ScenarioError.single(
            "already exists and is not empty; choose another --out (or --resume it)",
            file=str(out),
        )


def write_bytes_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def write_json_atomic(path: Path, obj: Any) -> None:
    write_bytes_atomic(path, (json.dumps(obj, indent=2, default=str) + "\n").encode())


def write_parquet_atomic(path: Path, df: pd.DataFrame | pa.Table) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    table = df if isinstance(df, pa.Table) else pa.Table.from_pandas(df, preserve_index=False)
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def read_manifest(path: Path, kind: str | None = None) -> dict[str, Any]:
    """A results folder's manifest; with `kind`, the folder must be of that kind."""
    what = kind or "results"
    file = path / "manifest.json"
    if not file.is_file():
        raise ScenarioError.single(f"not a {what} folder (no manifest.json)", file=str(path))
    try:
        manifest = json.loads(file.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ScenarioError.single(f"manifest.json is unreadable: {e}", file=str(path)) from None
    if kind is not None and manifest.get("kind") != kind:
        raise ScenarioError.single(
            f"not a {kind} folder (kind {manifest.get('kind')!r})", file=str(path)
        )
    return manifest


def require_same(manifest: dict[str, Any], expected: dict[str, Any], what: str, path: Path) -> None:
    """Refuse to resume `what` when a setting differs from the one it started with."""
    for key, value in expected.items():
        if manifest.get(key) != value:
            raise ScenarioError.single(
                f"{key} differs from the {what} being resumed "
                f"({manifest.get(key)!r} there, {value!r} now)",
                file=str(path),
            )


def chunk_bounds(replicates: int, chunk_size: int) -> list[tuple[int, int, int]]:
    """(chunk index, first replicate, one past the last) for every chunk."""
    return [
        (k, a, min(a + chunk_size, replicates))
        for k, a in enumerate(range(0, replicates, chunk_size))
    ]


class RunStore:
    """The folder of one Monte Carlo run."""

    def __init__(self, path: Path, manifest: dict[str, Any]):
        self.path = path
        self.manifest = manifest

    # ------------------------------------------------------------------ opening

    @classmethod
    def create(
        cls,
        path: Path,
        *,
        scenario_file: Path,
        scenario: Scenario,
        seed: int,
        replicates: int,
        chunk_size: int,
        detail: bool,
    ) -> RunStore:
        """Start a new run folder (refusing a non-empty existing one)."""
        check_new(path)
        (path / "chunks").mkdir(parents=True, exist_ok=True)
        manifest = {
            "format": FORMAT,
            "kind": "run",
            "status": "running",
            "scenario_name": scenario.metadata.name,
            "scenario_file": str(scenario_file),
            "scenario_sha256": sha256(scenario_file),
            "scenario": scenario.model_dump(mode="json"),
            "start_date": scenario.metadata.start_date.isoformat(),
            "seed": seed,
            "replicates": replicates,
            "chunk_size": chunk_size,
            "detail": detail,
            "versions": versions(),
            "started": now(),
            "finished": None,
            "wall_seconds": 0.0,
        }
        store = cls(path, manifest)
        store.save()
        return store

    @classmethod
    def open(cls, path: Path) -> RunStore:
        """Open an existing run folder (complete or not)."""
        manifest = read_manifest(path, "run")
        return cls(path, manifest)

    @classmethod
    def resume(cls, path: Path, scenario_file: Path) -> RunStore:
        """Reopen an unfinished run of the same scenario file content."""
        store = cls.open(path)
        m = store.manifest
        if m["status"] == "complete":
            raise ScenarioError.single(
                "this run is already complete; nothing to resume", file=str(path)
            )
        if sha256(scenario_file) != m["scenario_sha256"]:
            raise ScenarioError.single(
                f"the scenario file has changed since this run started "
                f"(sha256 {m['scenario_sha256'][:12]}...); a resumed run must use the same "
                "scenario",
                file=str(scenario_file),
            )
        m["status"] = "running"
        store.save()
        (path / "chunks").mkdir(exist_ok=True)
        return store

    # ------------------------------------------------------------------ chunks

    @property
    def complete(self) -> bool:
        return self.manifest.get("status") == "complete"

    def tables(self) -> tuple[str, ...]:
        return TABLES if self.manifest["detail"] else TABLES[:2]

    def chunk_file(self, name: str, k: int) -> Path:
        """Where chunk `k`'s table or tally `name` is kept until the run finishes."""
        return self.path / "chunks" / f"{name}-{k:06d}{SUFFIX}"

    def bounds(self) -> list[tuple[int, int, int]]:
        return chunk_bounds(self.manifest["replicates"], self.manifest["chunk_size"])

    def pending(self) -> list[tuple[int, int, int]]:
        """Chunks not yet on disk with all their tables and tallies (one listing of the
        chunks folder, not a look-up per file: a run may have thousands of chunks)."""
        on_disk = set(os.listdir(self.path / "chunks"))
        names = (*self.tables(), *TALLIES)
        return [
            b
            for b in self.bounds()
            if not all(self.chunk_file(t, b[0]).name in on_disk for t in names)
        ]

    def write_chunk(self, k: int, chunk: EncodedChunk) -> None:
        """Write a chunk's files as its worker encoded them: tables, then tallies. The chunk
        counts as done only once all of them are in place (:meth:`pending`)."""
        for name, data in chunk.tables.items():
            write_bytes_atomic(self.chunk_file(name, k), data)

    # ------------------------------------------------------------------ finishing

    def save(self) -> None:
        write_json_atomic(self.path / "manifest.json", self.manifest)

    def mark(self, status: str, reason: str = "", wall_seconds: float = 0.0) -> None:
        """Record an interruption or failure (the folder stays resumable). Best effort: on
        a full disk the manifest may not be writable, and then it still says "running",
        which readers treat as incomplete too."""
        self.manifest["status"] = status
        self.manifest["wall_seconds"] = round(self.manifest["wall_seconds"] + wall_seconds, 3)
        if reason:
            self.manifest["reason"] = reason
        with contextlib.suppress(OSError):
            self.save()

    def assembly(self, plan: Plan) -> Assembly:
        """The final tables, to be built from this folder's chunks in replicate order."""
        done = {k for k, _, _ in self.bounds()} - {k for k, _, _ in self.pending()}
        return Assembly(self, plan, done)

    def finish(self, summary: dict[str, Any], rows: dict[str, int], wall_seconds: float) -> None:
        """Write the summary, mark the manifest complete, and drop the chunk files."""
        m = self.manifest
        write_json_atomic(self.path / "summary.json", summary)
        m["wall_seconds"] = round(m["wall_seconds"] + wall_seconds, 3)
        m["replicates_per_second"] = round(m["replicates"] / max(m["wall_seconds"], 1e-9), 1)
        m["finished"] = now()
        m["rows"] = rows
        m["status"] = "complete"
        m.pop("reason", None)
        self.save()
        shutil.rmtree(self.path / "chunks", ignore_errors=True)


class Assembly:
    """The final tables of a run, appended chunk by chunk in replicate order while the run
    goes on, with the chunks' tallies (outcome counts and bands) added on the way.

    Chunks finish in any order; :meth:`add` notes that one is on disk and appends every
    chunk that is now next in line, read back from its file, so memory stays that of one
    chunk. The tables are written under temporary names and only :meth:`close` puts them
    in place; after a failure, :meth:`discard` removes them (a resumed run starts them
    again from the chunk files).
    """

    def __init__(self, store: RunStore, plan: Plan, done: set[int]):
        self.store, self.plan = store, plan
        self.n_chunks = len(store.bounds())
        self.done = set(done)
        self.next = 0
        self.tally, self.bands = OutcomeTally(plan), BandTally(plan)
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.sinks: dict[str, pa.NativeFile] = {}
        self.rows = dict.fromkeys(store.tables(), 0)

    def _tmp(self, name: str) -> Path:
        return self.store.path / f".{name}.parquet.tmp"

    def add(self, k: int) -> None:
        """Chunk `k` is on disk: append it, and any chunks after it that were waiting."""
        self.done.add(k)
        self.flush()

    def flush(self) -> None:
        """Append every chunk that is on disk and next in line."""
        while self.next in self.done:
            self._append(self.next)
            self.next += 1

    def _append(self, k: int) -> None:
        for name in self.rows:
            table = read_table(self.store.chunk_file(name, k))
            if name not in self.writers:
                self._open(name, table.schema)
            self.writers[name].write_table(table)
            self.rows[name] += table.num_rows
        self.tally.add_counts(read_table(self.store.chunk_file("counts", k))["count"].to_numpy())
        self.bands.add_counts(read_table(self.store.chunk_file("bands", k)))

    def _open(self, name: str, schema: pa.Schema) -> None:
        """A writer for table `name`, through a buffer: Parquet writes each page header and
        column chunk on its own, and unbuffered that was 25,000 write calls for a 20,000
        replicate run. The bytes are the same."""
        sink = pa.BufferedOutputStream(pa.OSFile(str(self._tmp(name)), "wb"), _BUFFER)
        self.sinks[name] = sink
        self.writers[name] = pq.ParquetWriter(sink, schema)

    def close(self) -> tuple[dict[str, Any], dict[str, int]]:
        """Finish the tables and put them in place; the summary and each table's rows."""
        if self.next != self.n_chunks:
            raise RuntimeError(f"chunks {self.next}.. are not all on disk yet")
        for name, writer in self.writers.items():
            writer.close()
            self.sinks[name].close()
            os.replace(self._tmp(name), self.store.path / f"{name}.parquet")
        self.writers, self.sinks = {}, {}
        plan = self.plan
        starts = np.datetime64(plan.scenario.metadata.start_date) + np.array(
            plan.months[:-1], dtype="timedelta64[D]"
        )
        write_parquet_atomic(self.store.path / "bands.parquet", self.bands.bands(starts))
        return summary_of(self.tally), self.rows

    def discard(self) -> None:
        """Drop the unfinished tables (best effort: this runs while handling a failure)."""
        for name, writer in self.writers.items():
            for closable in (writer, self.sinks[name]):
                with contextlib.suppress(OSError):
                    closable.close()
            self._tmp(name).unlink(missing_ok=True)
        self.writers, self.sinks = {}, {}
