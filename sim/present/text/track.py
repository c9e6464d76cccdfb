"""A tracked forecast as ``wargame track`` prints it."""

from __future__ import annotations

from typing import Any

from sim.analysis.ledger import score_line


def format_track(result: dict[str, Any]) -> str:
    """The trajectories as ``wargame track`` prints them."""
    dates = [d["as_of"] for d in result["dates"]]
    out = [f"forecasts as of {len(dates)} date(s), {dates[0]} to {dates[-1]}:"]
    for d in result["dates"]:
        obs = ", ".join(d["observations"]) or "no observations yet"
        out.append(f"  {d['as_of']}: {len(d['observations'])} known ({obs}); {d['conditioning']}")
    out.append("")
    rows = [(f"question {k}", v["points"]) for k, v in result["questions"].items()]
    rows += [(f"outcome {k}", v) for k, v in result["outcomes"].items()]
    for name, points in rows:
        path = "  ->  ".join(f"{100 * p['p']:.0f} %" for p in points)
        out.append(f"  {name}: {path}")
    if result.get("scores"):
        out.append("")
        out.append(
            "time-averaged Brier (daily, carried forward; lower is better) beside the "
            "start-date forecast held throughout and a 0.5 forecaster (0.250):"
        )
        out.extend(score_line(s) for s in result["scores"])
    return "\n".join(out)
