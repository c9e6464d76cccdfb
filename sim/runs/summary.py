"""The numbers an analyst reads off a run, computed once from its outcome table.

:func:`summarise` returns plain data (JSON-ready); :func:`format_summary` lays it out as
the text ``wargame run`` prints.
"""

from __future__ import annotations

import math
from typing import Any

from sim.engine.plan import Plan
from sim.maths.stats import wilson
from sim.runs.aggregate import OutcomeTally
from sim.scenario.calendar import date_of
from sim.scenario.params import word_for

#: Each headline outcome's name and how it is labelled in tables.
OUTCOME_LABELS = {
    "persistent": "persistent presence (continuous or basing)",
    "continuous": "continuous presence (rolling window)",
    "basing": "permanent basing or patron-controlled A2/AD",
}


def proportion(k: int, n: int) -> dict[str, float]:
    """A share of replicates with its 95 % Wilson interval."""
    lo, hi = wilson(k, n)
    return {"p": k / n if n else float("nan"), "low": lo, "high": hi, "k": k, "n": n}


def verdict(p: float, low: float, high: float) -> str:
    """Where a probability stands against a judgment's range: in, below or above it."""
    return "in range" if low <= p <= high else ("below range" if p < low else "above range")


def pct(x: float, width: int = 0, digits: int = 1) -> str:
    """A share as a percentage, e.g. ``pct(0.1234)`` = ``"12.3 %"``; `width` pads the
    number for tables."""
    return f"{100 * x:{width}.{digits}f} %"


def _day_and_date(plan: Plan, day: int | None) -> dict[str, Any]:
    start = plan.scenario.metadata.start_date
    if day is None:
        return {"day": None, "date": None}
    return {"day": int(day), "date": date_of(start, int(day)).isoformat()}


def summary_of(tally: OutcomeTally) -> dict[str, Any]:
    """Probabilities with intervals, time to persistence, rungs reached, judgments."""
    plan, n = tally.plan, tally.n
    s = plan.scenario
    quartiles = {
        f"q{int(q * 100)}": _day_and_date(plan, tally.first_day_quantile(q))
        for q in (0.25, 0.5, 0.75)
    }
    rungs = {r.name: int(tally.rungs[i]) / n if n else math.nan for i, r in enumerate(s.ladder)}
    judgments = []
    for j in s.judgments:
        est = proportion(tally.judgments[j.id], n)
        low, high = j.range
        judgments.append(
            {
                "id": j.id,
                "claim": j.claim,
                "source": j.source,
                "word": j.word,
                "range": [low, high],
                **est,
                "verdict": verdict(est["p"], low, high) if n else "no replicates kept",
                "model_word": word_for(est["p"]),
            }
        )
    return {
        "scenario": s.metadata.name,
        "replicates": n,
        "horizon": {
            "start": s.metadata.start_date.isoformat(),
            "end": s.end_date.isoformat(),
            "days": plan.n_days,
        },
        "outcomes": {name: proportion(tally.hits[name], n) for name in OUTCOME_LABELS},
        "time_to_persistent": quartiles,
        "highest_rung": rungs,
        "mean_presence_days": tally.presence_days / n if n else math.nan,
        "judgments": judgments,
        "questions": [
            {
                "id": q.id,
                "question": q.question,
                "source": q.source,
                "end": q.end.isoformat(),
                **proportion(tally.questions[q.id], n),
            }
            for q in s.questions
        ],
        **_observations(tally),
    }


def _observations(tally: OutcomeTally) -> dict[str, Any]:
    """How many replicates each observation kept (only when the scenario has some)."""
    s = tally.plan.scenario
    if not s.observations:
        return {}
    return {
        "drawn": tally.drawn,
        "kept": proportion(tally.n, tally.drawn),
        "observations": [
            {
                "id": o.id,
                "value": o.value,
                "as_of": o.as_of.isoformat(),
                "source": o.source,
                **proportion(tally.observations[o.id], tally.drawn),
            }
            for o in s.observations
        ],
    }


def format_summary(summary: dict[str, Any]) -> str:
    """The summary as the table ``wargame run`` prints."""
    h = summary["horizon"]
    out = [
        f"{summary['scenario']}: {summary['replicates']} replicates, "
        f"{h['start']} to {h['end']} ({h['days']} days)",
        "",
    ]
    if "kept" in summary:
        out.extend(_format_observations(summary))
        if summary["replicates"] == 0:
            return "\n".join(out)
    out.append(f"{'outcome by the horizon':<48}{'probability':>12}   95 % interval (Wilson)")
    for name, label in OUTCOME_LABELS.items():
        o = summary["outcomes"][name]
        out.append(
            f"{label:<48}{pct(o['p'], 5):>12}   {pct(o['low'], 5)} - {pct(o['high'], 5)}"
            f"   ({word_for(o['p']).replace('_', ' ')})"
        )
    t = summary["time_to_persistent"]
    out.append("")
    out.append("time to persistent presence (Kaplan-Meier, censored at the horizon):")
    for q, label in (("q25", "25 %"), ("q50", "median"), ("q75", "75 %")):
        v = t[q]
        when = f"{v['date']} (day {v['day']})" if v["date"] else "not reached by the horizon"
        out.append(f"  {label:<8}{when}")
    out.append("")
    out.append("highest rung reached:")
    for name, share in summary["highest_rung"].items():
        out.append(f"  {name:<32}{pct(share, 5)}")
    if summary.get("questions"):
        out.append("")
        out.append("forecast questions:")
        for q in summary["questions"]:
            out.append(
                f"  {q['id']}: {pct(q['p'])} ({pct(q['low'])} - {pct(q['high'])})  {q['question']}"
            )
    if summary["judgments"]:
        out.append("")
        out.append("the report's judgments against the model:")
        for j in summary["judgments"]:
            low, high = j["range"]
            mark = "ok " if j["verdict"] == "in range" else "!! "
            out.append(
                f"  {mark}{j['id']}: report says {j['word'].replace('_', ' ')} "
                f"({100 * low:.0f}-{100 * high:.0f} %), model {pct(j['p'])} "
                f"({pct(j['low'])} - {pct(j['high'])}): "
                f"{j['verdict']}"
            )
            out.append(f'     "{j["claim"]}" [{j["source"]}]')
        if any(j["verdict"] != "in range" for j in summary["judgments"]):
            out.append(
                "  (!! marks a judgment the baseline disagrees with; parameters are not"
                " tuned to match the report)"
            )
    return "\n".join(out)


def _format_observations(summary: dict[str, Any]) -> list[str]:
    """The lines saying which observations the run conditioned on and what they kept."""
    kept = summary["kept"]
    out = [
        f"conditioned on {len(summary['observations'])} observation(s): kept {kept['k']} of "
        f"{kept['n']} replicates ({pct(kept['p'])}, "
        f"{pct(kept['low'])} - {pct(kept['high'])})"
    ]
    for o in summary["observations"]:
        said = "yes" if o["value"] else "no"
        out.append(f"  {o['id']} = {said} (as of {o['as_of']}): agreed by {pct(o['p'])} of draws")
    if kept["k"] == 0:
        out.append(
            "  no replicate's history agrees with every observation: nothing to forecast from;"
            " check the observations, or calibrate the scenario to them first"
        )
    out.append("")
    return out
