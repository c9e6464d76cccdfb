"""The numbers an analyst reads off a run, computed once from its outcome tally.

:func:`summary_of` turns a run's :class:`~sim.runs.aggregate.OutcomeTally` into plain data
(JSON-ready); :func:`format_summary` lays it out as the text ``wargame run`` prints, each
outcome with its definition on the line where its number stands.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from sim.engine.plan import Plan
from sim.maths.stats import wilson
from sim.runs.aggregate import OutcomeTally
from sim.scenario import paths
from sim.scenario.calendar import date_of
from sim.scenario.outcomes import OUTCOMES
from sim.scenario.params import word_for


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


def _quartiles(tally: OutcomeTally, outcome: str) -> dict[str, Any]:
    plan = tally.plan
    return {
        f"q{int(q * 100)}": _day_and_date(plan, tally.day_quantile(outcome, q))
        for q in (0.25, 0.5, 0.75)
    }


def summary_of(tally: OutcomeTally) -> dict[str, Any]:
    """Probabilities with intervals, when outcomes held, rungs reached, judgments."""
    plan, n = tally.plan, tally.n
    s = plan.scenario
    return {
        "scenario": s.metadata.name,
        "replicates": n,
        "horizon": {
            "start": s.metadata.start_date.isoformat(),
            "end": s.end_date.isoformat(),
            "days": plan.n_days,
        },
        "outcomes": {
            name: {
                **proportion(tally.hits[name], n),
                "label": o.label,
                "definition": o.define(s.outcomes) + _varies(plan, o),
            }
            for name, o in OUTCOMES.items()
        },
        "time_to_persistent": _quartiles(tally, "persistent"),
        "time_to_ever_continuous": _quartiles(tally, "ever_continuous"),
        "rungs": {
            t.name: {
                "at_horizon": _shares(t, tally.held[t.name], n),
                "highest": _shares(t, tally.highest[t.name], n),
            }
            for t in plan.track_specs
        },
        "mean_presence_days": tally.presence_days / n if n else math.nan,
        "judgments": [
            _judgment(j, tally.judgments[j.id], tally.conditions.get(j.id, n)) for j in s.judgments
        ],
        "posterior": Path(s.posterior.file).name if s.posterior is not None else None,
        "questions": [
            {
                "id": q.id,
                "question": q.question,
                "source": q.source,
                "end": q.end.isoformat(),
                "metric": q.metric,
                "negate": q.negate,
                **proportion(tally.questions[q.id], n),
            }
            for q in s.questions
        ],
        **_observations(tally),
        **_readings(tally),
    }


def _varies(plan: Plan, outcome: Any) -> str:
    """A note when readings define an outcome differently (the figure mixes them)."""
    if plan.mixture is None:
        return ""
    written = outcome.define(plan.scenario.outcomes)
    if all(outcome.define(v.scenario.outcomes) == written for v in plan.mixture.plans):
        return ""
    return " (as written; some readings define it otherwise: see per reading)"


def _shares(track: Any, counts: Any, n: int) -> dict[str, float]:
    return {r.name: int(counts[i]) / n if n else math.nan for i, r in enumerate(track.rungs)}


def _judgment(j: Any, k: int, n: int) -> dict[str, Any]:
    est = proportion(k, n)
    low, high = j.range
    return {
        "id": j.id,
        "claim": j.claim,
        "source": j.source,
        "reading": j.assumption,  # the analyst's reading of the report, not its own word
        "checked_as": j.describe(),
        "word": j.word,
        "range": [low, high],
        **est,
        "verdict": verdict(est["p"], low, high) if n else "no replicates kept",
        "model_word": word_for(est["p"]),
    }


def _readings(tally: OutcomeTally) -> dict[str, Any]:
    """Per reading and option: its prior weight, the replicates that drew it, and the
    headline outcomes, judgments and questions among them (only with readings)."""
    s = tally.plan.scenario
    if not s.readings:
        return {}
    out = []
    columns = tally.reading_columns
    for r in s.readings:
        options = []
        for o, w in zip(r.options, r.weights, strict=True):
            counts = tally.by_reading[(r.name, o.name)]
            n, hits = int(counts[0]), dict(zip(columns, counts[1:].tolist(), strict=True))
            judgments = {}
            for j in s.judgments:
                denominator = hits[paths.judgment_given(j.id)] if j.given is not None else n
                judgments[j.id] = proportion(hits[paths.judgment(j.id)], denominator)
            options.append(
                {
                    "name": o.name,
                    "weight": w,
                    "rationale": o.rationale,
                    "drawn": proportion(n, tally.n),
                    "outcomes": {name: proportion(hits[name], n) for name in OUTCOMES},
                    "judgments": judgments,
                    "questions": {
                        q.id: proportion(hits[paths.question(q.id)], n) for q in s.questions
                    },
                }
            )
        out.append({"name": r.name, "source": r.source, "options": options})
    return {"readings": out}


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
    out += _format_outcomes(summary)
    out += _format_rungs(summary)
    out += _format_questions(summary)
    out += _format_judgments(summary)
    out += _format_readings(summary)
    return "\n".join(out)


def _format_outcomes(summary: dict[str, Any]) -> list[str]:
    out = [
        f"{'probability':<12}{'95 % interval (Wilson)':<24}{'ICD 203 word':<22}"
        "outcome = its definition"
    ]
    for o in summary["outcomes"].values():
        word = word_for(o["p"]).replace("_", " ")
        interval = f"{pct(o['low'], 5)} - {pct(o['high'], 5)}"
        out.append(f"{pct(o['p'], 5):<12}{interval:<24}{word:<22}{o['label']} = {o['definition']}")
    for key, what in (
        ("time_to_persistent", "from when persistent presence held without a break to the horizon"),
        ("time_to_ever_continuous", "when continuous presence first held"),
    ):
        t = summary[key]
        out += ["", f"{what} (Kaplan-Meier, censored at the horizon):"]
        for q, label in (("q25", "25 %"), ("q50", "median"), ("q75", "75 %")):
            v = t[q]
            when = f"{v['date']} (day {v['day']})" if v["date"] else "not reached by the horizon"
            out.append(f"  {label:<8}{when}")
    return out


def _format_rungs(summary: dict[str, Any]) -> list[str]:
    out = ["", f"{'rungs, by track':<36}{'held at the horizon':>20}{'highest ever held':>20}"]
    for track, shares in summary["rungs"].items():
        out.append(f"  track {track}:")
        for name, share in shares["at_horizon"].items():
            out.append(f"    {name:<32}{pct(share, 18)}{pct(shares['highest'][name], 18)}")
    return out


def _format_questions(summary: dict[str, Any]) -> list[str]:
    if not summary.get("questions"):
        return []
    out = ["", "forecast questions:"]
    for q in summary["questions"]:
        out.append(
            f"  {q['id']}: {pct(q['p'])} ({pct(q['low'])} - {pct(q['high'])})  {q['question']}"
        )
    return out


def _format_judgments(summary: dict[str, Any]) -> list[str]:
    if not summary["judgments"]:
        return []
    out = ["", "the report's judgments against the model:"]
    for j in summary["judgments"]:
        low, high = j["range"]
        mark = "ok " if j["verdict"] == "in range" else "!! "
        who = "analyst reads" if j.get("reading") else "report says"
        out.append(
            f"  {mark}{j['id']}: {who} {j['word'].replace('_', ' ')} "
            f"({100 * low:.0f}-{100 * high:.0f} %), model {pct(j['p'])} "
            f"({pct(j['low'])} - {pct(j['high'])}): {j['verdict']}"
        )
        cited = f" - {j['source']}" if j.get("source") else ""
        out.append(f'     "{j["claim"]}"{cited}')
        if j.get("checked_as"):
            out.append(f"     checked as: {j['checked_as']}")
    if any(j["verdict"] != "in range" for j in summary["judgments"]):
        out.append(f"  (!! marks a judgment the model disagrees with; {_tuning(summary)})")
    return out


def _tuning(summary: dict[str, Any]) -> str:
    """How the run's parameters relate to the judgments it is checked against."""
    if summary.get("posterior"):
        return (
            f"parameters are drawn from the calibration posterior {summary['posterior']}, "
            "which used these judgments as evidence: a !! is one it could not meet"
        )
    return "parameters are not tuned by hand to match the report"


def _format_branching(summary: dict[str, Any]) -> list[str]:
    """A branching run's stages: each date's observations, the survivors (the effective
    sample size of that stage's weights) and the distinct original replicates left."""
    b = summary["branching"]
    stages = b["stages"]
    out = [
        f"conditioned on {len(summary['observations'])} observation(s) by branching at "
        f"{len(stages)} date(s) (sequential Monte Carlo; {b['why']}):"
    ]
    for st in stages:
        tried = st.get("tried") or st["population"]
        again = f" in {st['rounds']} rounds" if st.get("rounds", 1) > 1 else ""
        out.append(
            f"  {st['date']}: {', '.join(st['observations'])}: {st['survivors']:,} of "
            f"{tried:,} agree{again} (ESS {min(st['survivors'], st['population']):,}), "
            f"{st['distinct_origins']:,} distinct original replicates"
        )
    out.append(
        f"  plain rejection would have kept about {b['rejection_estimate']:.3g} of "
        f"{stages[0]['population']:,} (the product of the stages' shares); intervals below "
        f"use the {b.get('intervals', 'Eve estimator')}"
    )
    out.append("")
    return out


def _format_observations(summary: dict[str, Any]) -> list[str]:
    """The lines saying which observations the run conditioned on and what they kept."""
    if "branching" in summary:
        return _format_branching(summary)
    kept = summary["kept"]
    out = [
        f"conditioned on {len(summary['observations'])} observation(s): kept {kept['k']} of "
        f"{kept['n']} replicates ({pct(kept['p'])}, {pct(kept['low'])} - {pct(kept['high'])})"
    ]
    for o in summary["observations"]:
        said = "yes" if o["value"] else "no"
        out.append(f"  {o['id']} = {said} (as of {o['as_of']}): agreed by {pct(o['p'])} of draws")
    out.append("")
    return out


def _format_readings(summary: dict[str, Any]) -> list[str]:
    """Per reading: each option's weight and the headline, judgments and questions under
    it, beside the mixed figure above."""
    if not summary.get("readings"):
        return []
    out = ["", "per reading (every figure above mixes them by their prior weights):"]
    for r in summary["readings"]:
        out.append(f"  {r['name']}" + (f"  ({r['source']})" if r.get("source") else ""))
        for o in r["options"]:
            drawn = o["drawn"]
            out.append(
                f"    {o['name']}: prior weight {o['weight']:.3g}, drawn by {drawn['k']} of "
                f"{drawn['n']} replicates"
            )
            for kind in ("outcomes", "judgments", "questions"):
                cells = [
                    f"{name} {pct(v['p'])} ({pct(v['low'])} - {pct(v['high'])})"
                    for name, v in o[kind].items()
                    if kind != "outcomes" or name != "basing"
                ]
                out += (
                    [f"      {kind}: " + cells[0], *(f"        {c}" for c in cells[1:])]
                    if cells
                    else []
                )
    return out
