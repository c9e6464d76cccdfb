"""Every model number the documentation quotes, computed here, so none can drift.

A quoted number stands between two markers in the Markdown, invisible when rendered::

    On the baseline they are <!--n:model.ever_continuous-->75.6 %<!--/n--> and ...

Each name below is a function of the runs it needs (run once and shared). Runs are
deterministic for a seed and a replicate count, so a number either is what the model
gives today or is stale:

    python docs/quoted_numbers.py            # check: exit 1 naming every stale number
    python docs/quoted_numbers.py --write    # put today's numbers in place

``tests/test_doc_numbers.py`` runs the check. Speeds and wall times are not quoted here:
they are the benchmarks' (``docs/performance.md``), measured in the run that quotes them.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
import sys
import tempfile
from collections.abc import Callable
from functools import cached_property
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
MARKER = re.compile(r"<!--n:(?P<name>[\w.]+)-->(?P<text>.*?)<!--/n-->", re.DOTALL)
BELARUS = "scenarios/belarus_2020.yaml"
NIGER = "scenarios/niger_2023.yaml"
NIGER_RESOLVED = "scenarios/resolutions/niger_2023.yaml"
SAMPLE_LINES = 14  # lines of the first command's output the README shows
SAMPLE_WIDTH = 92  # characters of each line shown (longer lines end in " …")


def wargame(*argv: str) -> str:
    """What a ``wargame`` command prints (it must succeed)."""
    from sim.present.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(list(argv))
    if code != 0:
        raise RuntimeError(f"wargame {' '.join(argv)} exited {code}")
    return out.getvalue()


def pct(p: float, digits: int = 1) -> str:
    return f"{100 * p:.{digits}f} %"


class Runs:
    """The runs the quoted numbers come from, each made once, on first use."""

    def __init__(self, folder: Path):
        self.folder = folder

    @cached_property
    def default(self) -> tuple[str, dict]:
        """The README's first command: printed text and summary."""
        out = self.folder / "default"
        text = wargame("run", BELARUS, "--workers", "1", "--out", str(out))
        return text, json.loads((out / "summary.json").read_text())

    @cached_property
    def memory(self) -> dict[str, float]:
        """Presence on day 487 against later presence, on 4,000 replicates."""
        import numpy as np

        from sim.engine.outcomes import Facts
        from sim.engine.plan import Plan
        from sim.engine.replicate import plan_of, run_replicates
        from sim.maths.stats import independent_difference
        from sim.scenario.loader import load

        plan = Plan(load(BELARUS))
        runs = run_replicates(plan, plan.scenario.monte_carlo.seed, 0, 4000, events=False)
        facts = [Facts(plan_of(plan, r).scenario, r.ledger) for r in runs]
        on_487 = np.array([f.present[487] for f in facts])
        on_667 = np.array([f.present[667] for f in facts])
        final = np.array([f.at("presence_at_horizon", plan.n_days - 1) for f in facts])
        out: dict[str, float] = {}
        for name, y in (("day667", on_667), ("final", final)):
            a, b = y[on_487], y[~on_487]
            diff, low, high = independent_difference(int(a.sum()), a.size, int(b.sum()), b.size)
            out[f"{name}.present"], out[f"{name}.absent"] = a.mean(), b.mean()
            out[f"{name}.diff"], out[f"{name}.low"], out[f"{name}.high"] = diff, low, high
        return out

    @cached_property
    def sweep(self) -> dict:
        """The guide's one-at-a-time sweep."""
        out = self.folder / "sweep"
        wargame(*GUIDE_SWEEP, "--workers", "1", "--out", str(out))
        return json.loads((out / "summary.json").read_text())

    @cached_property
    def signposts(self) -> dict:
        """The guide's signposts example."""
        out = self.folder / "signposts"
        wargame(*GUIDE_SIGNPOSTS, "--workers", "1", "--out", str(out))
        return json.loads((out / "signposts.json").read_text())

    @cached_property
    def niger(self) -> tuple[dict, dict]:
        """The exit case's run and its score against what happened."""
        out = self.folder / "niger"
        wargame("run", NIGER, "--workers", "1", "--out", str(out))
        wargame("score", str(out), "--resolutions", NIGER_RESOLVED, "--out", str(out / "score"))
        summary = json.loads((out / "summary.json").read_text())
        return summary, json.loads((out / "score" / "score.json").read_text())

    @cached_property
    def niger_signposts(self) -> dict:
        """The exit case's signposts (for its headline)."""
        out = self.folder / "niger_signposts"
        wargame("signposts", NIGER, "--workers", "1", "--out", str(out))
        return json.loads((out / "signposts.json").read_text())

    @cached_property
    def table(self) -> dict[str, int]:
        """The Belarus parameter table's size by provenance tier."""
        from sim.engine.plan import Plan
        from sim.scenario.loader import load

        table = Plan(load(BELARUS)).table
        counts = {"all": len(table)}
        for e in table:
            counts[e.tier] = counts.get(e.tier, 0) + 1
        return counts


GUIDE_SWEEP = ("sweep", BELARUS, "--design", "oat", "--levels", "5", "-n", "400",
               "--vary", "actors.lukashenko.sovereignty_resistance=0.4:0.95",
               "--vary", "actors.lukashenko.initial_dependence")  # fmt: skip
GUIDE_SIGNPOSTS = ("signposts", BELARUS, "--outcome", "persistent", "-n", "4000")


def sample(runs: Runs) -> str:
    """The head of the first command's output, as the README shows it."""
    lines = runs.default[0].splitlines()[:SAMPLE_LINES]
    cut = [ln if len(ln) <= SAMPLE_WIDTH else ln[: SAMPLE_WIDTH - 2] + " …" for ln in lines]
    return "\n```text\n$ wargame run scenarios/belarus_2020.yaml\n" + "\n".join(cut) + "\n…\n```\n"


def outcome(name: str) -> Callable[[Runs], str]:
    return lambda runs: pct(runs.default[1]["outcomes"][name]["p"])


def difference(memory: dict[str, float], name: str) -> str:
    """A difference of two shares with its 95 % interval (Newcombe)."""
    d, low, high = (memory[f"{name}.{k}"] for k in ("diff", "low", "high"))
    return f"{d:+.3f} ({low:+.3f} to {high:+.3f})"


def swing(path: str) -> Callable[[Runs], str]:
    """How many points a factor moves the sweep's outcome over its range."""

    def value(runs: Runs) -> str:
        row = next(r for r in runs.sweep["ranking"] if r["factor"] == path)
        return f"{100 * row['swing']:.0f}"

    return value


def niger_outcome(column: str) -> Callable[[Runs], str]:
    """One of the exit case's outcomes with its interval."""

    def value(runs: Runs) -> str:
        e = runs.niger[0]["outcomes"][column]
        return f"{pct(e['p'])} ({pct(e['low'])} - {pct(e['high'])})"

    return value


def niger_forecast(qid: str) -> Callable[[Runs], str]:
    def value(runs: Runs) -> str:
        q = next(q for q in runs.niger[0]["questions"] if q["id"] == qid)
        return pct(q["p"])

    return value


def top_signpost(k: int, case: str = "signposts") -> Callable[[Runs], str]:
    def value(runs: Runs) -> str:
        s = getattr(runs, case)["signposts"][k]
        ratio = s["likelihood_ratio"]["estimate"]
        return f"{s['question']} (likelihood ratio {ratio:.1f})"

    return value


QUOTES: dict[str, Callable[[Runs], str]] = {
    "readme.sample": sample,
    "model.ever_continuous": outcome("ever_continuous"),
    "model.persistent": outcome("persistent"),
    "model.day667.present": lambda r: f"{r.memory['day667.present']:.3f}",
    "model.day667.absent": lambda r: f"{r.memory['day667.absent']:.3f}",
    "model.day667.diff": lambda r: difference(r.memory, "day667"),
    "model.final.present": lambda r: f"{r.memory['final.present']:.3f}",
    "model.final.absent": lambda r: f"{r.memory['final.absent']:.3f}",
    "model.final.diff": lambda r: difference(r.memory, "final"),
    "guide.sweep.resistance": swing("actors.lukashenko.sovereignty_resistance"),
    "guide.sweep.dependence": swing("actors.lukashenko.initial_dependence"),
    "guide.sweep.noise": lambda r: f"{100 * r.sweep['adequacy']['noise_share_of_variance']:.0f} %",
    "guide.signposts.forecast": lambda r: pct(r.signposts["forecast"]["p"]),
    "guide.signposts.first": top_signpost(0),
    "guide.signposts.second": top_signpost(1),
    "guide.signposts.third": top_signpost(2),
    "guide.niger.withdrawn": niger_outcome("withdrawn.france"),
    "guide.niger.us": niger_outcome("withdrawn.united_states"),
    "guide.niger.russia": niger_outcome("persistent.russia"),
    "guide.niger.french_year_end": niger_forecast("french_forces_at_year_end"),
    "guide.niger.us_year_end": niger_forecast("us_forces_end_2024"),
    "guide.niger.brier": lambda r: f"{r.niger[1]['overall']['brier']:.3f}",
    "guide.niger.skill": lambda r: f"{r.niger[1]['overall']['skill_vs_half']:.2f}",
    "guide.niger.first": top_signpost(0, "niger_signposts"),
    "format.parameters": lambda r: str(r.table["all"]),
    "format.cited": lambda r: str(r.table.get("cited value", 0)),
    "format.direction": lambda r: str(r.table.get("cited direction", 0)),
    "format.assumption": lambda r: str(r.table.get("assumption", 0)),
}


def stale(runs: Runs, write: bool = False) -> list[str]:
    """Every quoted number that is not today's (rewritten in place with `write`)."""
    problems = []
    for file in FILES:
        text = file.read_text(encoding="utf-8")

        def today(m: re.Match[str], file: Path = file) -> str:
            name = m["name"]
            if name not in QUOTES:
                problems.append(f"{file.relative_to(ROOT)}: unknown quoted number '{name}'")
                return m[0]
            value = QUOTES[name](runs)
            if value != m["text"]:
                problems.append(
                    f"{file.relative_to(ROOT)}: {name} says {m['text'].strip()!r}, "
                    f"the model gives {value.strip()!r}"
                )
            return f"<!--n:{name}-->{value}<!--/n-->"

        new = MARKER.sub(today, text)
        if write and new != text:
            file.write_text(new, encoding="utf-8")
    return problems


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--write", action="store_true", help="put today's numbers in place")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        problems = stale(Runs(Path(tmp)), write=args.write)
    for line in problems:
        print(("updated: " if args.write else "stale: ") + line)
    return 0 if args.write or not problems else 1


if __name__ == "__main__":
    sys.exit(main())
