"""A batch's question table and comparison as ``wargame batch`` prints them."""

from __future__ import annotations

import pandas as pd

from sim.runs.batch import fit, name_width


def format_questions(table: pd.DataFrame) -> str:
    """The per-question side-by-side ``wargame batch`` prints (empty with no questions)."""
    if table.empty:
        return ""
    head = (
        "forecast questions, member by member (difference from the baseline in points, "
        "Newcombe interval, for members comparable with it):"
    )
    lines = ["", head]
    wide = name_width(table["scenario"])
    for qid, group in table.groupby("question", sort=False):
        lines.append(f"  {qid}: {group['text'].iloc[0]}")
        for r in group.itertuples():
            diff = (
                f"{100 * r.diff:+6.1f} ({100 * r.diff_low:+.1f} to {100 * r.diff_high:+.1f})"
                if r.compared
                else ""
            )
            lines.append(
                f"    {fit(r.scenario, wide - 1):<{wide}}{100 * r.p:6.1f} % ({100 * r.low:.1f} - "
                f"{100 * r.high:.1f})  {diff}".rstrip()
            )
    return "\n".join(lines)


def format_comparison(table: pd.DataFrame) -> str:
    """The comparison table ``wargame batch`` prints."""

    def pct(x: float) -> str:
        return f"{100 * x:5.1f}"

    outcome = table["outcome"].iloc[0] if "outcome" in table else "persistent"
    wide = name_width(table["scenario"])
    head = (
        f"{'scenario':<{wide}}{f'P({outcome})':>14}  {'95 % CI':<15}{'vs baseline':>12}  "
        f"{'95 % CI':<17}median time"
    )
    lines = [head, "-" * len(head)]
    for r in table.itertuples():
        diff = "baseline" if r.baseline else f"{100 * r.diff:+5.1f}"
        ci = "" if r.baseline else f"{100 * r.diff_low:+5.1f} to {100 * r.diff_high:+5.1f}"
        if not getattr(r, "comparable", True):
            diff, ci = "n/a", "not comparable"
        median = r.median_date if isinstance(r.median_date, str) else "not reached"
        lines.append(
            f"{fit(r.scenario, wide - 1):<{wide}}{pct(r.p):>12} %  {pct(r.low)} - {pct(r.high):<6}"
            f"{diff:>12}  {ci:<17}{median}"
        )
    like = table[table["comparable"]] if "comparable" in table else table
    pairing = (
        "paired by replicate (common random numbers)"
        if like["paired"].all()
        else "independent samples"
    )
    lines.append(f"(percentages; differences in percentage points, Newcombe intervals, {pairing})")
    if "comparable" in table:
        for r in table[~table["comparable"]].itertuples():
            lines.append(
                f"not compared with the baseline: {r.scenario} asks about {r.unlike}; "
                "its own probability stands, a difference would mix two questions"
            )
    return "\n".join(lines)
