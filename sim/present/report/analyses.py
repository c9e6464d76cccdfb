"""The report of a batch, a sweep, a calibration or a score, and the analyses found
beside a run."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim.analysis.discovery_report import DiscoveryReport
from sim.analysis.folders import load_calibration
from sim.analysis.scorecard import Scorecard
from sim.analysis.signpost_report import SignpostReport
from sim.present import plots
from sim.present.plots.calibration import calibration_figures
from sim.present.plots.score import score_figures
from sim.present.report.run import _figure, _provenance, _scenario_context, run_context
from sim.runs.results import Batch, Run, SweepResult


def batch_context(batch: Batch) -> dict[str, Any]:
    base = batch.run(batch.baseline)
    context = run_context(base)
    table = batch.comparison
    context.update(
        title=f"Scenario comparison: {base.name} and {len(table) - 1} variants",
        comparison=table.to_dict(orient="records"),
        questions=[],  # shown member by member below, not for the baseline alone
        question_comparison=batch.questions.to_dict(orient="records"),
        pairing="Differences are paired by replicate (common random numbers), Newcombe intervals."
        if table["paired"].all()
        else "Independent samples, Newcombe intervals.",
        figures=[
            _figure(
                "forest",
                "Scenarios side by side",
                plots.forest(batch),
                "Probability of persistent presence and difference from the baseline.",
            ),
            *context["figures"],
        ],
        provenance=[
            ("batch members", ", ".join(batch.members)),
            ("seed policy", batch.manifest["seed_policy"]),
            *context["provenance"],
        ],
    )
    context["figures"][1]["heading"] += f" (baseline: {base.name})"
    return context


def _in_points(ranking: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A one-at-a-time ranking's swings in percentage points, as the command line prints
    them (the summary keeps them as shares)."""
    return [{**r, "swing (points)": 100 * r["swing"]} for r in ranking]


def sweep_context(sweep: SweepResult) -> dict[str, Any]:
    s = sweep.summary
    score = s["score"]
    columns = {
        "ST": ["S1", "S1_conf", "ST", "ST_conf"],
        "mu_star": ["mu_star", "mu_star_conf", "sigma"],
        "swing": ["swing"],
        "abs_spearman": ["spearman"],
    }[score]
    a = s["adequacy"]
    adequacy = (
        f"{a['replicates_per_point']} replicates per point; 95 % interval half-width "
        f"max {100 * a['max_halfwidth']:.1f}, median {100 * a['median_halfwidth']:.1f} "
        f"points; Monte Carlo noise is {100 * a['noise_share_of_variance']:.0f} % of the "
        "variance of the point estimates."
    )
    if a["flags"]:
        adequacy += " Flagged: " + "; ".join(a["flags"]) + "."
    figures = [
        _figure(
            name,
            {
                "response": "The outcome against each factor",
                "tornado": "One factor at a time",
                "sobol": "Sobol indices",
                "morris": "Morris screening",
                "heatmap": "Two-factor grid",
            }[name],
            fig,
            sweep.caption,
        )
        for name, fig in plots.sweep_figures(sweep).items()
    ]
    return {
        **_scenario_context(sweep.manifest),
        "title": f"Sensitivity of {sweep.manifest.get('scenario_name', 'the scenario')} "
        f"({sweep.design} design)",
        "headline": None,
        "outcomes": None,
        "judgments": None,
        "quartiles": {},
        "ranking": _in_points(s["ranking"]) if score == "swing" else s["ranking"],
        "ranking_columns": ["swing (points)"] if score == "swing" else columns,
        "adequacy": adequacy,
        "figures": figures[::-1],
        "provenance": [
            ("design", sweep.design),
            ("points", sweep.manifest["points"]),
            ("factors", ", ".join(sweep.factors)),
            *_provenance(sweep.manifest),
        ],
    }


def calibration_folder(run: Run) -> Path | None:
    """The calibration a run's scenario was drawn from (beside its posterior), if any."""
    post = (run.manifest["scenario"].get("posterior") or {}).get("file")
    if post and (Path(post).parent / "calibration.json").is_file():
        return Path(post).parent
    return None


def calibration_context(folder: Path) -> dict[str, Any]:
    """The calibration section: method, effort, targets before and after, what moved."""
    cal = load_calibration(folder)
    r = cal.report
    figs = calibration_figures(folder)
    figures = [
        _figure(
            "calibration-targets",
            "Calibration: the judgments before and after",
            figs["calibration_targets"],
            "Each judgment's probability in the prior and in the calibrated scenario's check "
            "run (95 % intervals); grey: the ICD 203 range of the report's word.",
        )
    ]
    if "calibration_marginals" in figs:
        figures.append(
            _figure(
                "calibration-marginals",
                "Calibration: what the judgments say about the parameters",
                figs["calibration_marginals"],
                "Prior (grey) and posterior (blue) of the parameters that moved most.",
            )
        )
    return {
        "calibration": {
            "method": r.method,
            "replicates": r.replicates.total,
            "ess": r.ess,
            "share": r.prior_share_consistent,
            "targets": r.targets,
            "dropped": r.dropped,
            "conflicts": r.conflicts,
            "parameters": r.parameters[:8],
            "folder": str(folder),
        },
        "calibration_figures": figures,
    }


def score_context(run: Run) -> dict[str, Any]:
    """The scoring section, when ``wargame score`` has written ``<run>/score/score.json``."""
    file = run.path / "score" / "score.json"
    if not file.is_file():
        return {}
    result = Scorecard.from_json(json.loads(file.read_text()))
    figs = score_figures(
        result, f"{run.name} scored against {Path(result.resolutions_file or '').name}"
    )
    return {
        "score": result,
        "score_figures": [
            _figure(
                "score-reliability",
                "Scoring: reliability",
                figs["reliability"],
                "Observed frequency against forecast probability; the diagonal is perfect.",
            ),
            _figure(
                "score-forecasts",
                "Scoring: forecasts against what happened",
                figs["forecasts"],
                "Each resolved question's probability; filled = it happened.",
            ),
        ]
        if figs
        else [],
    }


#: Analyses written into a run's own folder, each shown as a section of its brief:
#: (subfolder, file, section, how its JSON is read), e.g. ``wargame discover RUN`` writes
#: ``<run>/discover``.
RUN_ANALYSES: tuple[tuple[str, str, str, Callable[[dict[str, Any]], Any]], ...] = (
    ("discover", "discovery.json", "discovery", DiscoveryReport.from_json),
    ("signposts", "signposts.json", "signposts", SignpostReport.from_json),
)


def analyses_context(run: Run) -> dict[str, Any]:
    """The sections of the analyses that have written into the run's folder."""
    out = {}
    for sub, name, section, read in RUN_ANALYSES:
        file = run.path / sub / name
        if file.is_file():
            out[section] = read(json.loads(file.read_text()))
    return out
