"""A sweep's summary as ``wargame sweep`` prints it."""

from __future__ import annotations


def format_sweep(summary: dict) -> str:
    """The ranking and adequacy report ``wargame sweep`` prints."""
    score = summary["score"]
    lines = [f"factors ranked by {score} ({summary['design']} design):"]
    for k, row in enumerate(summary["ranking"], 1):
        extra = ""
        if score == "ST":
            extra = (
                f"  S1 {row['S1']:.3f} ± {row['S1_conf']:.3f}   ST {row['ST']:.3f} "
                f"± {row['ST_conf']:.3f}"
            )
        elif score == "mu_star":
            extra = (
                f"  mu* {row['mu_star']:.3f} ± {row['mu_star_conf']:.3f}   sigma {row['sigma']:.3f}"
            )
        elif score == "swing":
            extra = f"  swing {100 * row['swing']:.1f} points"
        else:
            extra = f"  Spearman {row['spearman']:+.2f}"
        lines.append(f"  {k:>2}. {row['factor']:<52}{extra}")
    a = summary["adequacy"]
    lines.append("")
    lines.append(
        f"adequacy: {a['replicates_per_point']} replicates per point; 95 % interval "
        f"half-width max {100 * a['max_halfwidth']:.1f}, median "
        f"{100 * a['median_halfwidth']:.1f} points"
    )
    if a["target_halfwidth"] is not None:
        met = "met" if a["target_met"] else "NOT met (raise --max-replicates)"
        lines.append(f"  target half-width {100 * a['target_halfwidth']:.1f} points: {met}")
    lines.append(
        f"  Monte Carlo noise is {100 * a['noise_share_of_variance']:.0f} % of the "
        "variance of the point estimates"
        + ("  !! indices are inflated by noise; add replicates" if a["noise_warning"] else "")
    )
    for flag in a["flags"]:
        lines.append(f"  !! {flag}")
    return "\n".join(lines)
