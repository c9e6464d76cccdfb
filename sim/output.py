"""Writing a run's folder: all files appear at once, or none do.

Files are written into a hidden sibling folder and moved into place with one rename, so a
reader never sees a half-written run, and a failed write leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

from sim.errors import ScenarioError
from sim.runner import MonteCarloResult

PACKAGES = ("wargame", "mesa", "simpy", "numpy", "pandas", "pyarrow", "pydantic", "scipy")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def versions() -> dict[str, str]:
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


def check_out(out: Path) -> None:
    """Refuse to write over an existing non-empty folder (results are never lost)."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ScenarioError.single(
            "already exists and is not empty; choose another --out", file=str(out)
        )


def write_run(
    result: MonteCarloResult, summary: dict[str, Any], scenario_file: Path, out: Path
) -> Path:
    """Write outcomes, parameters and the summary to `out`, atomically."""
    check_out(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    try:
        result.outcomes.to_parquet(tmp / "outcomes.parquet", index=False)
        result.parameters.to_parquet(tmp / "parameters.parquet", index=False)
        provenance = {
            "scenario_file": str(scenario_file),
            "scenario_sha256": sha256(scenario_file),
            "seed": result.seed,
            "replicates": result.replicates,
            "wall_seconds": round(result.wall_seconds, 3),
            "replicates_per_second": round(result.replicates_per_second, 1),
            "versions": versions(),
        }
        (tmp / "summary.json").write_text(
            json.dumps({**summary, "provenance": provenance}, indent=2) + "\n"
        )
        if out.exists():
            out.rmdir()  # empty, checked above
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
