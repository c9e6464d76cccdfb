"""``wargame explain``: every parameter, its distribution and where it comes from."""

from __future__ import annotations

import textwrap

from sim.engine.draws import Entry


def format_table(table: list[Entry], width: int = 100) -> str:
    """A readable listing of the parameter table, grouped by the first path segment."""
    out: list[str] = []
    counts: dict[str, int] = {}
    group = None
    for e in table:
        counts[e.status] = counts.get(e.status, 0) + 1
        head = e.path.split(".")[0]
        if head != group:
            group = head
            out += ["", f"== {head} =="]
        out.append(f"{e.path}")
        out.append(f"    value: {e.spec.describe()}   [{e.units or '-'}]   {e.status}")
        if e.doc:
            out.append(f"    means: {e.doc}")
        for label, text in (("source", e.spec.source), ("why", e.spec.rationale)):
            if text:
                out += textwrap.wrap(
                    " ".join(text.split()),
                    width,
                    initial_indent=f"    {label}: ",
                    subsequent_indent=" " * (6 + len(label)),
                )
    total = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
    return "\n".join([f"{len(table)} parameters: {total}", *out])
