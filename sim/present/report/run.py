"""The report of a run: its scenario, provenance, figures, outcomes and readings."""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure

from sim.engine.plan import Plan
from sim.present import plots
from sim.present.report.common import svg, words
from sim.runs.results import Run
from sim.runs.run_summary import RunSummary, TimeTo
from sim.scenario.outcomes import OUTCOME_LABELS
from sim.scenario.params import word_for
from sim.scenario.schema import Scenario


def _scenario_context(manifest: dict[str, Any]) -> dict[str, Any]:
    scenario = Scenario.model_validate(manifest["scenario"])
    meta = scenario.metadata
    # the table explain lists (with readings, their entries and every variant's); the
    # posterior's rows are not needed to list it
    table = Plan(scenario.model_copy(update={"posterior": None})).table
    counts: dict[str, int] = {}
    for e in table:
        counts[e.tier] = counts.get(e.tier, 0) + 1
    return {
        "scenario": scenario,
        "description": meta.description,
        "source_report": meta.source_report,
        "question": f"How likely is a persistent foreign military presence in "
        f"{scenario.host_country}, and by when? ({meta.start_date} to {scenario.end_date})",
        "parameters": [
            {
                "path": e.path,
                "value": e.spec.describe() + (f" {e.units}" if e.units else ""),
                "status": e.tier,
                "source": e.spec.source or "",
                "rationale": e.spec.rationale or "",
            }
            for e in table
        ],
        "parameter_counts": f"{len(table)} parameters: "
        + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())),
    }


def _provenance(m: dict[str, Any]) -> list[tuple[str, Any]]:
    keys = [
        ("scenario file", "scenario_file"),
        ("scenario SHA-256", "scenario_sha256"),
        ("root seed", "seed"),
        ("replicates", "replicates"),
        ("started", "started"),
        ("finished", "finished"),
        ("wall time (s)", "wall_seconds"),
        ("replicates per second", "replicates_per_second"),
    ]
    rows = [(label, m[key]) for label, key in keys if m.get(key) is not None]
    rows += [(f"version of {k}", v) for k, v in (m.get("versions") or {}).items()]
    return rows


def _figure(fig_id: str, heading: str, fig: Figure, caption: str) -> dict[str, str]:
    return {"id": fig_id, "heading": heading, "svg": svg(fig), "caption": caption}


def _run_figures(run: Run) -> list[dict[str, str]]:
    """The figures of a run's brief, each with its heading and caption."""
    figures = [
        _figure(
            "persistence",
            "When does persistent presence take hold?",
            plots.persistence_curve(run),
            "Cumulative probability with its 95 % band.",
        ),
        _figure(
            "distributions",
            "Outcome distributions",
            plots.outcome_distributions(run),
            "Presence days, when persistent presence took hold for good, and the rung each "
            "track holds at the horizon.",
        ),
        _figure(
            "trajectories",
            "Monthly trajectories",
            plots.trajectory_fans(run),
            "Median, 50 % and 90 % bands of every actor's monthly state.",
        ),
    ]
    if run.events is not None:
        k = run.showcase_replicate()
        figures.append(
            _figure(
                "timeline",
                f"One replicate's operations (replicate {k})",
                plots.timeline(run, k),
                "Exercises, units present, deliveries and concessions.",
            )
        )
    return figures


def _headline_median(run: Run, column: str) -> str | None:
    """The median time of the headline outcome (Kaplan-Meier, censored at the horizon);
    None for a question, which has its own date."""
    if f"{column}_day" not in run.outcomes:
        return None
    curve = run.persistence_curve(column)
    reached = curve[curve["p"] >= 0.5]
    return str(reached["date"].iloc[0].date()) if len(reached) else "not reached by the horizon"


def _quartile_words(t: TimeTo) -> str:
    """A time's quartiles as dates for a sentence ("not by the horizon" where not reached)."""
    return " · ".join(
        f"{q}: {v.date or 'not by the horizon'}"
        for q, v in (("25 %", t.q25), ("50 %", t.q50), ("75 %", t.q75))
    )


def run_context(run: Run) -> dict[str, Any]:
    run.require_kept()
    s = run.summary
    what, o = s.headline_estimate()
    start = run.manifest["start_date"]
    t = s.time_to_persistent
    median = _headline_median(run, s.headline)
    quartiles = {
        q: v.date if v.date else "not by the horizon"
        for q, v in (("q25", t.q25), ("q50", t.q50), ("q75", t.q75))
    }
    return {
        **_scenario_context(run.manifest),
        "title": run.name,
        "posterior": s.posterior,
        "headline": {
            "what": what,
            "p": o.p,
            "low": o.low,
            "high": o.high,
            "n": o.n,
            "words": words(o.p, o.low, o.high),
            "median": median,
            "end": s.horizon.end,
        },
        "outcomes": [
            {**o.json(), "label": o.label, "word": word_for(o.estimate.p).replace("_", " ")}
            for o in s.outcomes.values()
        ],
        "quartiles": quartiles,
        "patron_times": [
            {
                "patron": patron,
                **{what: _quartile_words(t) for what, t in times.items()},
            }
            for patron, times in s.time_by_patron.items()
        ],
        "readings": readings_context(s),
        "judgments": [{**j.json(), "word": j.word.replace("_", " ")} for j in s.judgments],
        "questions": [q.json() for q in s.questions],
        "figures": _run_figures(run),
        "provenance": [("start date", start), *_provenance(run.manifest)],
    }


def readings_context(summary: RunSummary) -> list[dict[str, Any]]:
    """Per reading of the report: each option (its prior weight, its rationale, the
    replicates that drew it) and, row by row, the outcomes, judgments and questions
    under each option (the headline mixes them)."""
    out = []
    for r in summary.readings:
        options = [o.json() for o in r.options]
        first = options[0]
        keys = [("outcomes", k, OUTCOME_LABELS.get(k, k)) for k in first["outcomes"]]
        keys += [("judgments", k, f"judgment {k}") for k in first["judgments"]]
        keys += [("questions", k, f"question {k}") for k in first["questions"]]
        rows = [(label, [o[group][k] for o in options]) for group, k, label in keys]
        out.append({"name": r.name, "source": r.source, "options": options, "rows": rows})
    return out
