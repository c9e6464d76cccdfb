"""A forecast ledger: forecasts appended over time, chained by hashes, scored by the day.

Each entry (one line of JSON) records what a run or a track said as of a date: every
question's and outcome's probability with its interval, the scenario's SHA-256, the code
version, the seed and the replicates, when it was written, and the hash of the entry
before it. An entry's own ``hash`` is the SHA-256 of its canonical JSON without that
field, so editing, inserting or dropping an entry anywhere but at the end breaks the
chain at a named entry: a forecast cannot be back-dated unnoticed.

Scoring follows Good Judgment practice: a question is scored on every day it was open,
from the first forecast's as-of date to the day it resolved, by the forecast standing
that day (the latest one as of it, carried forward), and the daily Brier scores are
averaged. Beside it: the score of holding the first forecast throughout, and of a
forecaster who always says one half (0.25).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from sim.runs.run_summary import Proportion, RunSummary
from sim.scenario.errors import ScenarioError

GENESIS = "0" * 64


def entry_hash(entry: dict[str, Any]) -> str:
    """SHA-256 of the entry's canonical JSON (sorted keys, no spaces), ``hash`` left out."""
    body = {k: v for k, v in entry.items() if k != "hash"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def read(path: Path) -> list[dict[str, Any]]:
    """The ledger's entries, the chain verified: a broken link is an error naming the
    first entry that does not follow from the one before it."""
    if not path.is_file():
        return []
    entries, previous = [], GENESIS
    for k, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as e:
            raise ScenarioError.single(
                f"entry on line {k} is not JSON: {e.msg}", file=str(path), line=k
            ) from None
        where = f"entry {len(entries) + 1} (line {k}, as of {entry.get('as_of', '?')})"
        if entry.get("hash") != entry_hash(entry):
            raise ScenarioError.single(
                f"{where} was changed after it was written (its hash does not match its "
                "contents); the ledger cannot be trusted from there on",
                file=str(path),
                line=k,
            )
        if entry.get("previous") != previous:
            raise ScenarioError.single(
                f"{where} does not follow the entry before it (an entry was inserted, "
                "removed or rewritten before it)",
                file=str(path),
                line=k,
            )
        entries.append(entry)
        previous = entry["hash"]
    return entries


def append(path: Path, record: dict[str, Any]) -> dict[str, Any]:
    """Add `record` to the ledger after verifying the chain so far; the entry as written."""
    entries = read(path)
    entry = {
        **record,
        "index": len(entries) + 1,
        "written": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "previous": entries[-1]["hash"] if entries else GENESIS,
    }
    entry["hash"] = entry_hash(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as f:
        f.write(json.dumps(entry, sort_keys=True, ensure_ascii=False) + "\n")
        f.flush()
    return entry


def record_of(
    summary: RunSummary, manifest: dict[str, Any], as_of: dt.date, command: str
) -> dict[str, Any]:
    """A ledger record of one run's forecasts (its summary and manifest)."""
    from sim import __version__

    def forecast(kind: str, id: str, e: Proportion) -> dict[str, Any]:
        return {"kind": kind, "id": id, "p": e.p, "low": e.low, "high": e.high}

    forecasts = [forecast("question", q.id, q.estimate) for q in summary.questions]
    forecasts += [forecast("outcome", name, o.estimate) for name, o in summary.outcomes.items()]
    return {
        "command": command,
        "as_of": as_of.isoformat(),
        "scenario": manifest["scenario"]["metadata"]["name"],
        "scenario_sha256": manifest["scenario_sha256"],
        "code_version": __version__,
        "seed": manifest["seed"],
        "replicates": manifest["replicates"],
        "kept": summary.kept.k if summary.kept is not None else summary.replicates,
        "forecasts": forecasts,
    }


def time_averaged(points: list[tuple[dt.date, float]], value: bool, resolved: dt.date) -> dict:
    """Daily Brier scores from the first forecast's date to `resolved`, each day's by the
    forecast standing then (the latest made as of it), averaged; with the first forecast
    held throughout and the 0.5 forecaster beside it."""
    points = sorted(points, key=lambda t: t[0])  # stable: same day, the later entry last
    first_day = points[0][0]
    days = max((resolved - first_day).days, 0) + 1
    o = 1.0 if value else 0.0
    total, k, standing = 0.0, 0, points[0][1]
    for day in range(days):  # one pass: the standing forecast moves on as days pass
        today = first_day + dt.timedelta(days=day)
        while k < len(points) and points[k][0] <= today:
            standing, k = points[k][1], k + 1
        total += (standing - o) ** 2
    return {
        "days": days,
        "forecasts": len(points),
        "brier": total / days,
        "start_brier": (points[0][1] - o) ** 2,
        "half_brier": 0.25,
    }


def read_resolutions(path: Path, entries: list[dict[str, Any]]) -> list:
    """The resolutions file, each id checked against the questions the ledger forecasts."""
    from sim.analysis.resolutions import read_resolutions as read

    known = {f["id"] for e in entries for f in e["forecasts"] if f["kind"] == "question"}
    return read(path, known, "the ledger")


def score_ledger(entries: list[dict[str, Any]], resolutions: list) -> dict[str, Any]:
    """Each resolved question's time-averaged Brier score over the ledger's forecasts of it
    made on or before its resolution date (those after it are listed, not scored)."""
    out = []
    for r in resolutions:
        points, late = [], 0
        for e in entries:
            as_of = dt.date.fromisoformat(e["as_of"])
            for f in e["forecasts"]:
                if f["kind"] == "question" and f["id"] == r.id:
                    if as_of <= r.resolved:
                        points.append((as_of, f["p"]))
                    else:
                        late += 1
        if not points:
            out.append(
                {
                    "id": r.id,
                    "value": r.value,
                    "resolved": r.resolved.isoformat(),
                    "forecasts": 0,
                    "late": late,
                }
            )
            continue
        out.append(
            {
                "id": r.id,
                "value": r.value,
                "resolved": r.resolved.isoformat(),
                "late": late,
                **time_averaged(points, r.value, r.resolved),
            }
        )
    return {"entries": len(entries), "questions": out}


def score_line(q: dict[str, Any]) -> str:
    """One question's time-averaged score (:func:`time_averaged`) as printed."""
    return (
        f"  {q['id']} ({'yes' if q['value'] else 'no'} on {q['resolved']}): "
        f"{q['brier']:.3f} over {q['days']} day(s) from {q['forecasts']} forecast(s); "
        f"start-date forecast {q['start_brier']:.3f}"
    )
