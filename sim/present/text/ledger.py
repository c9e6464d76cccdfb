"""A ledger's score as ``wargame ledger`` prints it."""

from __future__ import annotations

from typing import Any

from sim.analysis.ledger import score_line


def format_ledger_score(result: dict[str, Any]) -> str:
    out = [
        f"ledger: {result['entries']} entries, chain intact",
        "time-averaged Brier (daily, the standing forecast carried forward) beside the first "
        "forecast held throughout and a 0.5 forecaster (0.250); lower is better:",
    ]
    for q in result["questions"]:
        if not q["forecasts"]:
            out.append(f"  {q['id']}: no forecast on or before {q['resolved']}")
            continue
        late = f"; {q['late']} forecast(s) after it resolved not scored" if q["late"] else ""
        out.append(score_line(q) + late)
    return "\n".join(out)
