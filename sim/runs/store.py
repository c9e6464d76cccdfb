"""A run's folder on disk: written in chunks as replicates finish, finished once.

Life of a folder::

    manifest.json  status "running"    created before the first replicate
                                       (:class:`sim.runs.folder.Folder`)
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
from sim.runs.folder import Folder, write_bytes_atomic, write_json_atomic
from sim.runs.run_summary import RunSummary
from sim.runs.summary import summary_of
from sim.runs.tables import TABLES
from sim.scenario.errors import NO_FORECAST_HINT, NoForecast, ScenarioError
from sim.scenario.loader import file_sha256
from sim.scenario.schema import Scenario

#: A chunk's tallies, kept beside its tables (:mod:`sim.runs.tables`).
TALLIES = ("counts", "bands")
_BUFFER = 1 << 20  # bytes buffered before a final table is written to disk
PACKAGES = ("wargame", "mesa", "simpy", "numpy", "pandas", "pyarrow", "pydantic", "scipy")


def versions() -> dict[str, str]:
    """Installed versions of the packages that shape the results."""
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def default_out(scenario_file: Path, root: Path = Path("results")) -> Path:
    """``results/<scenario>-<UTC timestamp>``, never an existing folder."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    base = root / f"{scenario_file.stem}-{stamp}"
    out, k = base, 1
    while out.exists():
        k += 1
        out = base.with_name(f"{base.name}-{k}")
    return out


def write_parquet_atomic(path: Path, df: pd.DataFrame | pa.Table) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    table = df if isinstance(df, pa.Table) else pa.Table.from_pandas(df, preserve_index=False)
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def chunk_bounds(replicates: int, chunk_size: int) -> list[tuple[int, int, int]]:
    """(chunk index, first replicate, one past the last) for every chunk."""
    return [
        (k, a, min(a + chunk_size, replicates))
        for k, a in enumerate(range(0, replicates, chunk_size))
    ]


class RunStore(Folder):
    """The folder of one Monte Carlo run."""

    kind = "run"

    # ------------------------------------------------------------------ opening

    @classmethod
    def create_run(
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
        fields = {
            "scenario_name": scenario.metadata.name,
            "scenario_file": str(scenario_file),
            "scenario_sha256": file_sha256(scenario_file),
            "scenario": scenario.model_dump(mode="json"),
            "start_date": scenario.metadata.start_date.isoformat(),
            "seed": seed,
            "replicates": replicates,
            "chunk_size": chunk_size,
            "detail": detail,
            "versions": versions(),
            "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "finished": None,
            "wall_seconds": 0.0,
        }
        store = cls.create(path, fields)
        (path / "chunks").mkdir(exist_ok=True)
        return store

    @classmethod
    def resume_run(
        cls, path: Path, scenario_file: Path, scenario: Scenario | None = None
    ) -> RunStore:
        """Reopen an unfinished run of the same scenario file content (and, given the
        `scenario` as loaded, the same resolved scenario: a file it extends may change)."""

        def same_scenario(manifest: dict[str, Any]) -> None:
            recorded, was = manifest["scenario_sha256"], Path(manifest.get("scenario_file", ""))
            if file_sha256(scenario_file) != recorded:
                if was.is_file() and file_sha256(was) == recorded:  # another file's run
                    raise ScenarioError.single(
                        f"this run was started from {was}, not {scenario_file}; resume it "
                        f"with: wargame run {was} --resume {path}",
                        file=str(path),
                    )
                raise ScenarioError.single(
                    f"the scenario file has changed since this run started "
                    f"(sha256 {recorded[:12]}...); a resumed run must use the same scenario: "
                    "put it back as it was, or start a new run",
                    file=str(scenario_file),
                )
            if scenario is not None and scenario.model_dump(mode="json") != manifest["scenario"]:
                raise ScenarioError.single(
                    "the scenario (or a file it extends, or the observations) has changed "
                    "since this run started; put it back as it was, or start a new run",
                    file=str(scenario_file),
                )

        store = cls.resume(path, check=same_scenario)
        (path / "chunks").mkdir(exist_ok=True)
        return store

    @classmethod
    def reuse_or_create(cls, path: Path, scenario_file: Path, **fields: Any) -> RunStore:
        """The run folder at `path` as a batch member or a calibration wave needs it: left
        as it is when complete, resumed when not, created (with :meth:`create_run`'s
        `fields`) when absent."""
        if (path / "manifest.json").is_file():
            store = cls.open(path)
            return store if store.complete else cls.resume_run(path, scenario_file)
        return cls.create_run(path, scenario_file=scenario_file, **fields)

    # ------------------------------------------------------------------ chunks

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
        if self.complete:
            return []
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

    def assembly(self, plan: Plan) -> Assembly:
        """The final tables, to be built from this folder's chunks in replicate order."""
        done = {k for k, _, _ in self.bounds()} - {k for k, _, _ in self.pending()}
        return Assembly(self, plan, done)

    def finish_run(
        self, summary: RunSummary, rows: dict[str, int], wall_seconds: float, ran: int = -1
    ) -> None:
        """Write the summary, mark the manifest complete, and drop the chunk files.

        A run conditioned on observations that no replicate met is marked ``no_forecast``
        instead, and :class:`NoForecast` raised: its tables describe no replicate.

        `ran` replicates were run in this session's `wall_seconds` (all of them when not
        given): the speed recorded is theirs, so a resumed run does not count the
        replicates an interrupted one left behind as made in no time."""
        m = self.manifest
        write_json_atomic(self.path / "summary.json", summary.json())
        ran = m["replicates"] if ran < 0 else ran
        m["wall_seconds"] = round(m["wall_seconds"] + wall_seconds, 3)
        m["session"] = {"replicates": ran, "seconds": round(wall_seconds, 3)}
        m["reused_replicates"] = m["replicates"] - ran
        m["replicates_per_second"] = round(ran / max(wall_seconds, 1e-9), 1) if ran else None
        if summary.kept is not None and summary.kept.k == 0:
            agreed = ", ".join(
                f"{o.id} = {'yes' if o.value else 'no'}: agreed by {o.agreed.k:,} of "
                f"{o.agreed.n:,} draws"
                for o in summary.observations
            )
            reason = f"no replicate's history agrees with every observation ({agreed})"
            self.mark("no_forecast", reason)
            shutil.rmtree(self.path / "chunks", ignore_errors=True)
            raise NoForecast(f"{reason}: nothing to forecast from; {NO_FORECAST_HINT}")
        self.finish(rows=rows)
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

    def close(self) -> tuple[RunSummary, dict[str, int]]:
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
        write_parquet_atomic(self.store.path / "daily.parquet", self.daily())
        return summary_of(self.tally), self.rows

    def daily(self) -> pd.DataFrame:
        """Per day of the horizon: replicates (kept) with forces present, and with
        persistent presence as of that day, out of ``n`` (with several patrons, each
        patron's too: ``present.<patron>``)."""
        t = self.tally
        return pd.DataFrame(
            {
                "day": np.arange(self.plan.n_days, dtype=np.int32),
                **t.daily,
                "n": np.full(self.plan.n_days, t.n, dtype=np.int64),
            }
        )

    def discard(self) -> None:
        """Drop the unfinished tables (best effort: this runs while handling a failure)."""
        for name, writer in self.writers.items():
            for closable in (writer, self.sinks[name]):
                with contextlib.suppress(OSError):
                    closable.close()
            self._tmp(name).unlink(missing_ok=True)
        self.writers, self.sinks = {}, {}
