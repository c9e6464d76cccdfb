"""A discovery's boxes and trees as ``wargame discover`` prints them."""

from __future__ import annotations

from sim.analysis.discovery_report import Box, DiscoveryReport, Limit, OptionsLimit


def limit_text(lim: Limit) -> str:
    """A limit as a condition: an interval, or a reading's options."""
    if isinstance(lim, OptionsLimit):
        return f"{lim.parameter} in {{{', '.join(lim.options)}}}"
    return f"{lim.low:.4g} <= {lim.parameter} <= {lim.high:.4g}"


def limit_range(lim: Limit, reproduced: str) -> str:
    """What the limit restricts from, and how surely."""
    if isinstance(lim, OptionsLimit):
        every = f"of {', '.join(lim.prior_options)}"
    else:
        every = f"range {lim.prior_low:.4g}-{lim.prior_high:.4g}"
    return f"({every}; quasi-p {lim.qp:.1e}{reproduced})"


def format_discovery(result: DiscoveryReport) -> str:
    """The discovery as ``wargame discover`` prints it."""
    out = [
        f"{result.outcome}: {result.replicates:,} replicates, base rate "
        f"{100 * result.base_rate:.1f} %"
    ]
    if result.note or result.threshold is None:
        return "\n".join([*out, result.note])
    out.append(f"PRIM boxes (density threshold {100 * result.threshold:.0f} %):")
    if not result.boxes:
        out.append(
            "  no box reaches the threshold; a lower --threshold trades density for coverage"
        )
    for k, box in enumerate(result.boxes, 1):
        out += _box_lines(k, box, result.threshold)
    out.append("feature scores (extra trees), top 8:")
    out += [f"  {s.score:.3f}  {s.parameter}  [{s.status}]" for s in result.scores[:8]]
    out.append("CART tree (depth 3; weights = [did not happen, happened]):")
    out += ["  " + line for line in result.tree.splitlines()]
    return "\n".join(out)


def _box_lines(k: int, box: Box, threshold: float) -> list[str]:
    """Box `k`: its coverage, density and mass, a warning when dropping its noisy limits
    took it below the threshold, and each limit."""
    out = [
        f"  box {k}: coverage {100 * box.coverage:.1f} %, density "
        f"{100 * box.density:.1f} %, mass {100 * box.mass:.1f} %"
    ]
    peeled = box.peeled
    if box.density < threshold:
        out.append(
            f"    !! below the {100 * threshold:.0f} % threshold: the PRIM box "
            f"(coverage {100 * peeled.coverage:.1f} %, density "
            f"{100 * peeled.density:.1f} %) also restricts limits that noise alone "
            "could draw; those are dropped here, and the box is this much less dense"
        )
    for lim in box.limits:
        reproduced = (
            "" if lim.reproduced is None else f", in {100 * lim.reproduced:.0f} % of resamples"
        )
        out.append(f"    {limit_text(lim)}  [{lim.status}] {limit_range(lim, reproduced)}")
    return out
