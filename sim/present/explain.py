"""``wargame explain``: every parameter, its distribution and where it comes from, and
every claim the scenario checks or asks (judgments, observations, questions)."""

from __future__ import annotations

import textwrap

from sim.engine.draws import Entry
from sim.scenario.params import ICD203
from sim.scenario.schema import Scenario


def format_table(table: list[Entry], width: int = 100) -> str:
    """A readable listing of the parameter table, grouped by the first path segment."""
    out: list[str] = []
    counts: dict[str, int] = {}
    group = None
    for e in table:
        counts[e.tier] = counts.get(e.tier, 0) + 1
        head = e.path.split(".")[0]
        if head != group:
            group = head
            out += ["", f"== {head} =="]
        out.append(f"{e.path}")
        out.append(f"    value: {e.spec.describe()}   [{e.units or '-'}]   {e.tier}")
        if e.doc:
            out.append(f"    means: {e.doc}")
        for label, text in (("source", e.spec.source), ("why", e.spec.rationale)):
            if text:
                out += _wrapped(label, text, width, 4)
    total = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
    return "\n".join([f"{len(table)} parameters: {total}", *out])


def format_claims(scenario: Scenario, width: int = 100) -> str:
    """The judgments (with their word's range and whose word it is), observations and
    questions, each with the event it is checked as and its source."""
    out: list[str] = []

    def block(head: str, body: str, source: str | None, rationale: str | None) -> None:
        out.append(head)
        out.append(f"    checked as: {body}")
        for label, text in (("source", source), ("why", rationale)):
            if text:
                out.extend(_wrapped(label, text, width, 4))

    sections = (
        ("judgments", scenario.judgments),
        ("observations", scenario.observations),
        ("questions", scenario.questions),
    )
    for name, items in sections:
        if not items:
            continue
        out += ["", f"== {name} ({len(items)}) =="]
        for item in items:
            if name == "judgments":
                low, high = ICD203[item.word]
                who = "the analyst's reading" if item.assumption else "the report's word"
                head = (
                    f"{item.id}: {item.word.replace('_', ' ')} ({100 * low:.0f}-{100 * high:.0f}"
                    f' %, {who}): "{item.claim}"'
                )
            elif name == "observations":
                head = f"{item.id}: {'yes' if item.value else 'no'} as of {item.as_of}"
            else:
                head = f"{item.id}: {item.question}"
            block(head, item.describe(), item.source, item.rationale)
    return "\n".join(out)


def format_readings(scenario: Scenario, width: int = 100) -> str:
    """Each reading: its sentence, and every option with its prior weight, its rationale
    and what its patch changes."""
    if not scenario.readings:
        return ""
    n = len(scenario.readings)
    out = ["", f"== readings ({n}): each replicate draws one option of each =="]
    for r in scenario.readings:
        out.append(f"{r.path}")
        for label, text in (("source", r.source), ("why", r.rationale)):
            if text:
                out += _wrapped(label, text, width, 4)
        for o, w in zip(r.options, r.weights, strict=True):
            changes = ", ".join(_leaves(o.patch)) or "nothing (the scenario as written)"
            out.append(f"    {o.name}: prior weight {w:.3g}; changes {changes}")
            if o.rationale:
                out += _wrapped("why", o.rationale, width, 8)
    return "\n".join(out)


def _wrapped(label: str, text: str, width: int, indent: int) -> list[str]:
    """`label: text`, whitespace collapsed, wrapped to `width` under a hanging indent."""
    return textwrap.wrap(
        " ".join(text.split()),
        width,
        initial_indent=" " * indent + f"{label}: ",
        subsequent_indent=" " * (indent + 2 + len(label)),
    )


def _leaves(patch: object, at: str = "") -> list[str]:
    """The dotted paths a patch sets, items of named lists by their name."""
    if isinstance(patch, dict):
        return [leaf for k, v in patch.items() for leaf in _leaves(v, f"{at}.{k}" if at else k)]
    if isinstance(patch, list) and all(isinstance(x, dict) for x in patch):
        out = []
        for x in patch:
            key = x.get("name", x.get("id", "?"))
            rest = {k: v for k, v in x.items() if k not in ("name", "id")}
            out += _leaves(rest, f"{at}[{key}]")
        return out
    return [f"{at} = {patch}"]
