"""A run's summary as ``wargame run`` prints it."""

from __future__ import annotations

from typing import Any

from sim.runs.summary import pct
from sim.scenario.params import word_for


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
