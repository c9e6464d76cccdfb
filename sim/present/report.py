"""``wargame report``: one self-contained HTML brief of a run, a batch or a sweep.

The page is rendered with Jinja2 from ``templates/report.html.j2``; figures are inline
SVG, styles are inline, and nothing is fetched, so the file opens offline in any browser
and prints cleanly. The numbers come from the folder's summary and manifest; the figures
from :mod:`sim.present.plots`.
"""

from __future__ import annotations

import io
import json
import os
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from matplotlib.figure import Figure

from sim import __version__
from sim.analysis.folders import CalibrationResult, load_calibration
from sim.engine.plan import Plan
from sim.present import plots
from sim.present.commands.report import KINDS
from sim.present.plots.calibration import calibration_figures
from sim.present.plots.score import score_figures
from sim.runs.folder import load
from sim.runs.results import Batch, Run, SweepResult
from sim.runs.summary import pct
from sim.scenario.outcomes import OUTCOME_LABELS
from sim.scenario.params import word_for
from sim.scenario.schema import Scenario


def svg(fig: Figure) -> str:
    """A figure as inline SVG markup (no XML prolog)."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    return text[text.index("<svg") :]


def _environment() -> jinja2.Environment:
    template_dir = resources.files("sim.present") / "templates"
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )
    env.filters["pct"] = pct
    env.filters["pct0"] = lambda x: pct(x, digits=0)
    return env


def words(p: float, low: float, high: float) -> str:
    """``"likely, 62 % (58–66 %)"``: the estimate in ICD 203 words and numbers."""
    whole = [pct(x, digits=0) for x in (p, low, high)]
    return f"{word_for(p).replace('_', ' ')}, {whole[0]} ({whole[1]}–{whole[2]})"


# ------------------------------------------------------------------ contexts


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


def run_context(run: Run) -> dict[str, Any]:
    run.require_kept()
    s = run.summary
    o = s["outcomes"]["persistent"]
    start = run.manifest["start_date"]
    median = s["time_to_persistent"]["q50"]["date"] or "not reached by the horizon"
    quartiles = {
        q: v["date"] if v["date"] else "not by the horizon"
        for q, v in s["time_to_persistent"].items()
    }
    return {
        **_scenario_context(run.manifest),
        "title": run.name,
        "posterior": s.get("posterior"),
        "headline": {
            "p": o["p"],
            "low": o["low"],
            "high": o["high"],
            "n": o["n"],
            "words": words(o["p"], o["low"], o["high"]),
            "median": median,
            "end": s["horizon"]["end"],
        },
        "outcomes": [
            {
                "label": label,
                **s["outcomes"][name],
                "word": word_for(s["outcomes"][name]["p"]).replace("_", " "),
            }
            for name, label in OUTCOME_LABELS.items()
        ],
        "quartiles": quartiles,
        "readings": readings_context(s),
        "judgments": [{**j, "word": j["word"].replace("_", " ")} for j in s["judgments"]],
        "questions": s.get("questions", []),
        "figures": _run_figures(run),
        "provenance": [("start date", start), *_provenance(run.manifest)],
    }


def readings_context(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Per reading of the report: each option (its prior weight, its rationale, the
    replicates that drew it) and, row by row, the outcomes, judgments and questions
    under each option (the headline mixes them)."""
    out = []
    for r in summary.get("readings", []):
        options = r["options"]
        first = options[0]
        keys = [("outcomes", k, OUTCOME_LABELS.get(k, k)) for k in first["outcomes"]]
        keys += [("judgments", k, f"judgment {k}") for k in first["judgments"]]
        keys += [("questions", k, f"question {k}") for k in first["questions"]]
        rows = [(label, [o[group][k] for o in options]) for group, k, label in keys]
        out.append({"name": r["name"], "source": r.get("source"), "options": options,
                    "rows": rows})  # fmt: skip
    return out


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
            "method": r["method"],
            "replicates": r["replicates"]["total"],
            "ess": r["ess"],
            "share": r["prior_share_consistent"],
            "targets": r["targets"],
            "dropped": r["dropped"],
            "conflicts": r["conflicts"],
            "parameters": r["parameters"][:8],
            "folder": str(folder),
        },
        "calibration_figures": figures,
    }


def score_context(run: Run) -> dict[str, Any]:
    """The scoring section, when ``wargame score`` has written ``<run>/score/score.json``."""
    file = run.path / "score" / "score.json"
    if not file.is_file():
        return {}
    result = json.loads(file.read_text())
    figs = score_figures(
        result, f"{run.name} scored against {Path(result['resolutions_file']).name}"
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
#: (subfolder, file, section), e.g. ``wargame discover RUN`` writes ``<run>/discover``.
RUN_ANALYSES = (
    ("discover", "discovery.json", "discovery"),
    ("signposts", "signposts.json", "signposts"),
)


def analyses_context(run: Run) -> dict[str, Any]:
    """The sections of the analyses that have written into the run's folder."""
    out = {}
    for sub, name, section in RUN_ANALYSES:
        file = run.path / sub / name
        if file.is_file():
            out[section] = json.loads(file.read_text())
    return out


def render(path: str | Path) -> str:
    """The HTML brief of a results folder (a run, a batch, a sweep, or a calibration, shown
    as its check run with the calibration section)."""
    loaded = load(path, kinds=KINDS, command="report")
    if isinstance(loaded, CalibrationResult):
        loaded = load(loaded.path / "check", kinds=("run",))
    extra: dict[str, Any] = {}
    if isinstance(loaded, Batch):
        context = batch_context(loaded)
    elif isinstance(loaded, SweepResult):
        context = sweep_context(loaded)
    else:
        context = run_context(loaded)
        folder = calibration_folder(loaded)
        if folder is not None:
            extra = calibration_context(folder)
        extra.update(score_context(loaded))
        extra.update(analyses_context(loaded))
    context = {**context, **extra}
    defaults = {
        "readings": [],
        "calibration": None,
        "calibration_figures": [],
        "score": None,
        "questions": [],
        "discovery": None,
        "signposts": None,
        "score_figures": [],
        "comparison": None,
        "question_comparison": [],
        "pairing": "",
        "ranking": None,
        "ranking_columns": [],
        "adequacy": "",
        "version": __version__,
    }
    return _environment().get_template("report.html.j2").render({**defaults, **context})


def write_report(path: str | Path, out: str | Path | None = None) -> Path:
    """Render and write the brief (default ``<folder>/report.html``), atomically."""
    target = Path(out) if out else Path(path) / "report.html"
    html = render(path)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, target)
    return target
