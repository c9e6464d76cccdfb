"""A run's summary as ``wargame run`` prints it."""

from __future__ import annotations

from sim.runs.run_summary import Proportion, RunSummary, TimeTo
from sim.runs.summary import pct
from sim.scenario.params import word_for


def format_summary(summary: RunSummary) -> str:
    """The summary as the table ``wargame run`` prints."""
    h = summary.horizon
    out = [
        f"{summary.scenario}: {summary.replicates} replicates, "
        f"{h.start} to {h.end} ({h.days} days)",
        "",
    ]
    if summary.kept is not None:
        out.extend(_format_observations(summary))
        if summary.replicates == 0:
            return "\n".join(out)
    out += _format_headline(summary)
    out += _format_outcomes(summary)
    out += _format_rungs(summary)
    out += _format_questions(summary)
    out += _format_judgments(summary)
    out += _format_readings(summary)
    return "\n".join(out)


def _format_headline(summary: RunSummary) -> list[str]:
    """What the scenario asks, first: its probability, interval and ICD 203 word."""
    words, e = summary.headline_estimate()
    word = word_for(e.p).replace("_", " ")
    return [f"headline: {words}: {pct(e.p)} ({pct(e.low)} - {pct(e.high)}), {word}", ""]


def _format_outcomes(summary: RunSummary) -> list[str]:
    out = [
        f"{'probability':<12}{'95 % interval (Wilson)':<24}{'ICD 203 word':<22}"
        "outcome = its definition"
    ]
    for o in summary.outcomes.values():
        e = o.estimate
        word = word_for(e.p).replace("_", " ")
        interval = f"{pct(e.low, 5)} - {pct(e.high, 5)}"
        out.append(f"{pct(e.p, 5):<12}{interval:<24}{word:<22}{o.label} = {o.definition}")
    for t, what in (
        (
            summary.time_to_persistent,
            "from when persistent presence held without a break to the horizon",
        ),
        (summary.time_to_ever_continuous, "when continuous presence first held"),
        (summary.time_to_withdrawn, "when persistent presence ended without returning (exit)"),
    ):
        out += ["", f"{what} (Kaplan-Meier, censored at the horizon):"]
        for v, label in ((t.q25, "25 %"), (t.q50, "median"), (t.q75, "75 %")):
            when = f"{v.date} (day {v.day})" if v.date else "not reached by the horizon"
            out.append(f"  {label:<8}{when}")
    if summary.time_by_patron:
        out += ["", "each patron's own, quartiles 25 % / median / 75 % (Kaplan-Meier):"]
        for patron, times in summary.time_by_patron.items():
            since, gone = (_quartile_dates(times[o]) for o in ("persistent", "withdrawn"))
            out.append(f"  {patron}: persistent to the horizon from {since}")
            out.append(f"  {' ' * len(patron)}  exit (ended without returning) {gone}")
    return out


def _quartile_dates(t: TimeTo) -> str:
    """A time's quartiles as dates, ``-`` for one not reached by the horizon."""
    return " / ".join(v.date or "-" for v in (t.q25, t.q50, t.q75))


def _format_rungs(summary: RunSummary) -> list[str]:
    out = ["", f"{'rungs, by track':<36}{'held at the horizon':>20}{'highest ever held':>20}"]
    for track, shares in summary.rungs.items():
        out.append(f"  track {track}:")
        for name, share in shares.at_horizon.items():
            out.append(f"    {name:<32}{pct(share, 18)}{pct(shares.highest[name], 18)}")
    return out


def _format_questions(summary: RunSummary) -> list[str]:
    if not summary.questions:
        return []
    out = ["", "forecast questions:"]
    for q in summary.questions:
        out.append(f"  {q.id}: {_estimate(q.estimate)}  {q.question}")
    return out


def _estimate(e: Proportion) -> str:
    """A share and its interval: ``12.0 % (8.1 % - 17.4 %)``."""
    return f"{pct(e.p)} ({pct(e.low)} - {pct(e.high)})"


def _format_judgments(summary: RunSummary) -> list[str]:
    if not summary.judgments:
        return []
    out = ["", "the report's judgments against the model:"]
    for j in summary.judgments:
        low, high = j.range
        mark = "ok " if j.verdict == "in range" else "!! "
        who = "analyst reads" if j.reading else "report says"
        out.append(
            f"  {mark}{j.id}: {who} {j.word.replace('_', ' ')} "
            f"({100 * low:.0f}-{100 * high:.0f} %), model {_estimate(j.estimate)}: {j.verdict}"
        )
        cited = f" - {j.source}" if j.source else ""
        out.append(f'     "{j.claim}"{cited}')
        if j.checked_as:
            out.append(f"     checked as: {j.checked_as}")
    if any(j.verdict != "in range" for j in summary.judgments):
        out.append(f"  (!! marks a judgment the model disagrees with; {_tuning(summary)})")
    return out


def _format_observations(summary: RunSummary) -> list[str]:
    """The lines saying which observations the run conditioned on and what they kept."""
    if summary.branching is not None:
        return _format_branching(summary)
    kept = summary.kept
    assert kept is not None  # only called for a conditioned run
    out = [
        f"conditioned on {len(summary.observations)} observation(s): kept {kept.k} of "
        f"{kept.n} replicates ({pct(kept.p)}, {pct(kept.low)} - {pct(kept.high)})"
    ]
    for o in summary.observations:
        said = "yes" if o.value else "no"
        out.append(f"  {o.id} = {said} (as of {o.as_of}): agreed by {pct(o.agreed.p)} of draws")
    out.append("")
    return out


def _format_readings(summary: RunSummary) -> list[str]:
    """Per reading: each option's weight and the headline, judgments and questions under
    it, beside the mixed figure above."""
    if not summary.readings:
        return []
    out = ["", "per reading (every figure above mixes them by their prior weights):"]
    for r in summary.readings:
        out.append(f"  {r.name}" + (f"  ({r.source})" if r.source else ""))
        for o in r.options:
            out.append(
                f"    {o.name}: prior weight {o.weight:.3g}, drawn by {o.drawn.k} of "
                f"{o.drawn.n} replicates"
            )
            for kind, shares in (
                ("outcomes", o.outcomes),
                ("judgments", o.judgments),
                ("questions", o.questions),
            ):
                cells = [
                    f"{name} {_estimate(v)}"
                    for name, v in shares.items()
                    if kind != "outcomes" or name != "basing"
                ]
                out += (
                    [f"      {kind}: " + cells[0], *(f"        {c}" for c in cells[1:])]
                    if cells
                    else []
                )
    return out


def _tuning(summary: RunSummary) -> str:
    """How the run's parameters relate to the judgments it is checked against."""
    if summary.posterior:
        return (
            f"parameters are drawn from the calibration posterior {summary.posterior}, "
            "which used these judgments as evidence: a !! is one it could not meet"
        )
    return "parameters are not tuned by hand to match the report"


def _format_branching(summary: RunSummary) -> list[str]:
    """A branching run's stages: each date's observations, the survivors (the effective
    sample size of that stage's weights) and the distinct original replicates left."""
    b = summary.branching
    assert b is not None  # only called for a branching run
    stages = b.stages
    out = [
        f"conditioned on {len(summary.observations)} observation(s) by branching at "
        f"{len(stages)} date(s) (sequential Monte Carlo; {b.why}):"
    ]
    for st in stages:
        tried = st.tried or st.population
        again = f" in {st.rounds} rounds" if st.rounds > 1 else ""
        out.append(
            f"  {st.date}: {', '.join(st.observations)}: {st.survivors:,} of "
            f"{tried:,} agree{again} (ESS {min(st.survivors, st.population):,}), "
            f"{st.distinct_origins:,} distinct original replicates"
        )
    out.append(
        f"  plain rejection would have kept about {b.rejection_estimate:.3g} of "
        f"{stages[0].population:,} (the product of the stages' shares); intervals below "
        f"use the {b.intervals}"
    )
    out.append("")
    return out
