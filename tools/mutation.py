"""Mutation testing by area: how many one-line slips in each module the fast tests catch.

For each area named in ``tools/mutation.toml`` this copies the project into
``.mutation/<area>/``, runs mutmut there on the area's modules against the area's tests
(digest and Dask tests deselected), and prints a score per module and per area. The score
is

    killed / (killed + survived + no tests)

where a mutant whose tests time out counts as killed (it changed behaviour enough to
hang), and a mutant recorded as equivalent in the TOML (it cannot change behaviour) is
left out of both sides. Surviving mutants are written with their diffs to
``results/mutation/<area>-survivors.txt``, the scores to ``results/mutation/scores.json``.

Usage (needs ``pip install -e .[test,mutation]``)::

    python tools/mutation.py                      # every area
    python tools/mutation.py engine outcomes      # some areas
    python tools/mutation.py --list               # the areas and their modules

It is slow (every mutant reruns the tests that call the mutated function), so it is a
tool to run before landing a change, not part of CI.
"""

from __future__ import annotations

import argparse
import dataclasses
import fnmatch
import json
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CONFIG = Path(__file__).with_suffix(".toml")
WORK = ROOT / ".mutation"
OUT = ROOT / "results" / "mutation"

# What the tests read besides the packages themselves.
COPIED = (
    "sim",
    "agents",
    "tests",
    "tools",
    "scenarios",
    "reports",
    "schema",
    "sweeps",
    "docs",
    "benchmarks",
    "README.md",
    "pyproject.toml",
)

# pytest options for every mutant: one process, no cache, digests and Dask clusters
# deselected, and the plugin that lets tests start worker processes from mutmut's forked
# children.
PYTEST_ARGS = [
    "-p",
    "no:cacheprovider",
    "-p",
    "tools.mutation_plugin",
    "-n",
    "0",
    "-m",
    "not digest and not dask",
    "-q",
]

# mutmut's verdicts, folded into the three that the score counts.
KILLED = {"killed", "timeout", "caught by type check", "segfault"}
NOT_KILLED = {"survived", "no tests", "suspicious"}


@dataclass(frozen=True)
class Area:
    """A group of modules and the fast tests that should catch their mutants."""

    name: str
    title: str
    modules: tuple[str, ...]
    tests: tuple[str, ...]


@dataclass(frozen=True)
class Equivalent:
    """A mutant that cannot change behaviour: its name, its mutated line, and why."""

    mutant: str
    line: str
    reason: str


@dataclass
class Tally:
    """Verdicts of one module's mutants."""

    verdicts: Counter[str] = field(default_factory=Counter)
    equivalent: int = 0

    @property
    def killed(self) -> int:
        return sum(self.verdicts[v] for v in KILLED)

    @property
    def not_killed(self) -> int:
        return sum(self.verdicts[v] for v in NOT_KILLED)

    @property
    def score(self) -> float | None:
        """Share of the non-equivalent mutants the tests caught; None with no mutants."""
        judged = self.killed + self.not_killed
        return self.killed / judged if judged else None

    def add(self, other: Tally) -> None:
        self.verdicts.update(other.verdicts)
        self.equivalent += other.equivalent


def restricted(area: Area, only: list[str]) -> Area:
    """`area` with only those of the modules `only` that belong to it."""
    mine = tuple(m for m in only if any(fnmatch.fnmatch(m, p) for p in area.modules))
    return dataclasses.replace(area, modules=mine)


def load_config(path: Path = CONFIG) -> tuple[dict[str, Area], list[Equivalent]]:
    """The areas and the recorded equivalent mutants in the TOML at `path`."""
    data = tomllib.loads(path.read_text())
    areas = {
        name: Area(name, spec["title"], tuple(spec["modules"]), tuple(spec["tests"]))
        for name, spec in data["areas"].items()
    }
    equivalents = [
        Equivalent(e["mutant"], e["line"], e["reason"]) for e in data.get("equivalent", [])
    ]
    return areas, equivalents


def mutmut_section(area: Area) -> str:
    """The ``[tool.mutmut]`` table that points mutmut at `area`."""
    settings = {
        "source_paths": ["sim", "agents"],
        "only_mutate": list(area.modules),
        "also_copy": [p for p in COPIED if p not in ("sim", "agents")],
        "pytest_add_cli_args": PYTEST_ARGS,
        "pytest_add_cli_args_test_selection": list(area.tests),
        "timeout_constant": 10.0,
        "use_git_change_detection": False,
    }
    lines = ["", "[tool.mutmut]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in settings.items()]
    return "\n".join(lines) + "\n"


def prepare(area: Area, root: Path, work: Path) -> None:
    """A fresh copy of the project at `work`, configured to mutate `area`."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in COPIED:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, work / name, ignore=ignore)
        elif source.exists():
            shutil.copy2(source, work / name)
    with (work / "pyproject.toml").open("a") as handle:
        handle.write(mutmut_section(area))


def refresh_tests(area: Area, root: Path, work: Path) -> list[str]:
    """Bring the tests, this tool and the area's settings in `work` up to date with `root`, for a
    rerun of the mutants that were not killed; the area's modules that changed since the
    copy was made (a rerun is only valid when there are none)."""
    changed = [
        m.relative_to(root).as_posix()
        for pattern in area.modules
        for m in sorted(root.glob(pattern))
        if (work / m.relative_to(root)).read_bytes() != m.read_bytes()
    ]
    if changed:
        return changed
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    config = (root / "pyproject.toml").read_text() + mutmut_section(area)
    for target in (work, work / "mutants"):
        for folder in ("tests", "tools"):
            shutil.copytree(root / folder, target / folder, ignore=ignore, dirs_exist_ok=True)
        (target / "pyproject.toml").write_text(config)
    return []


def run_mutmut(work: Path, children: int, mutants: list[str] | None = None) -> float:
    """Run mutmut in `work` (on every mutant, or only on `mutants`); the wall time."""
    start = time.perf_counter()
    command = [sys.executable, "-m", "mutmut", "run", "--max-children", str(children)]
    subprocess.run(command + (mutants or []), cwd=work, check=True)
    return time.perf_counter() - start


def mine(area: Area, verdicts: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """The verdicts of `area`'s modules only (a copy made for the whole area may hold
    others, when a run names some of them with ``--only``)."""
    return {m: v for m, v in verdicts.items() if any(fnmatch.fnmatch(m, p) for p in area.modules)}


def merged(last: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """An area's scores after a run of some of its modules: the rows of the modules not
    run are kept from the `last` run, and the area's score is made again from all rows."""
    rows = {**(last or {}).get("modules", {}), **new["modules"]}
    killed = sum(r["killed"] for r in rows.values())
    judged = killed + sum(r["not_killed"] for r in rows.values())
    score = killed / judged if judged else None
    return {**new, "modules": dict(sorted(rows.items())), "score": score}


VERDICTS = "verdicts.json"  # in an area's copy: every mutant's verdict after the last run


def save_verdicts(work: Path, verdicts: dict[str, dict[str, str]]) -> None:
    """Keep the verdicts a run ended with (mutmut's own files may have forgotten some)."""
    (work / VERDICTS).write_text(json.dumps(verdicts, indent=1, sort_keys=True))


def saved_verdicts(work: Path) -> dict[str, dict[str, str]]:
    """The verdicts the last run of this copy ended with ({} if none were kept)."""
    file = work / VERDICTS
    return json.loads(file.read_text()) if file.is_file() else {}


def carried_over(
    before: dict[str, dict[str, str]], after: dict[str, dict[str, str]], rerun: set[str]
) -> dict[str, dict[str, str]]:
    """The verdicts after a rerun of the mutants `rerun`: theirs as they are now, every
    other mutant's as it was `before` (mutmut forgets those when the tests it was given
    changed, and they were killed by the tests then, which still hold)."""
    return {
        module: {
            name: after.get(module, {}).get(name, verdict) if name in rerun else verdict
            for name, verdict in mutants.items()
        }
        for module, mutants in before.items()
    }


def not_killed(verdicts: dict[str, dict[str, str]]) -> list[str]:
    """The mutants the tests did not catch (survived, no tests, suspicious)."""
    return [n for mutants in verdicts.values() for n, v in mutants.items() if v in NOT_KILLED]


def read_verdicts(work: Path) -> dict[str, dict[str, str]]:
    """Each mutated module's mutants and their verdicts, from mutmut's ``.meta`` files."""
    from mutmut.stats import status_by_exit_code

    mutants = work / "mutants"
    found: dict[str, dict[str, str]] = {}
    for meta in sorted(mutants.rglob("*.py.meta")):
        module = meta.relative_to(mutants).as_posix().removesuffix(".meta")
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        found[module] = {name: status_by_exit_code[code] for name, code in codes.items()}
    return found


def mutant_diff(work: Path, mutant: str) -> str:
    """The diff mutmut shows for `mutant`."""
    shown = subprocess.run(
        [sys.executable, "-m", "mutmut", "show", mutant],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
    )
    return shown.stdout


def added_lines(diff: str) -> list[str]:
    """The lines a diff adds, stripped."""
    return [
        line[1:].strip()
        for line in diff.splitlines()
        if line.startswith("+") and not line.startswith("+++")
    ]


def tally(verdicts: dict[str, dict[str, str]], equivalent: set[str]) -> dict[str, Tally]:
    """Per module, how its mutants fared; the `equivalent` ones counted apart."""
    tallies: dict[str, Tally] = {}
    for module, mutants in verdicts.items():
        t = tallies.setdefault(module, Tally())
        for name, verdict in mutants.items():
            if name in equivalent:
                t.equivalent += 1
            else:
                t.verdicts[verdict] += 1
    return tallies


def confirmed_equivalents(
    work: Path, verdicts: dict[str, dict[str, str]], equivalents: list[Equivalent]
) -> tuple[set[str], list[str]]:
    """The recorded equivalents that still match their mutant, and warnings for the rest.

    An entry matches when the mutant exists, survived, and its diff still writes the
    recorded line; otherwise the code has moved and the entry must be looked at again.
    """
    survived = set(not_killed(verdicts))
    known = {name for mutants in verdicts.values() for name in mutants}
    confirmed: set[str] = set()
    warnings: list[str] = []
    for e in equivalents:
        if e.mutant not in known:
            continue
        if e.mutant not in survived:
            warnings.append(f"{e.mutant}: recorded as equivalent but the tests kill it")
        elif e.line.strip() not in added_lines(mutant_diff(work, e.mutant)):
            warnings.append(f"{e.mutant}: the mutant no longer writes {e.line!r}; look again")
        else:
            confirmed.add(e.mutant)
    return confirmed, warnings


def percent(score: float | None) -> str:
    return "-" if score is None else f"{100 * score:.0f} %"


def total(tallies: dict[str, Tally]) -> Tally:
    """The modules' tallies added up."""
    out = Tally()
    for t in tallies.values():
        out.add(t)
    return out


def table(tallies: dict[str, Tally]) -> str:
    """A Markdown table of the modules' tallies, with a total row."""
    head = ["module", "mutants", "killed", "survived", "no tests", "equivalent", "score"]
    rows = [head, ["---"] * len(head)]
    rows += [_row(module, t) for module, t in sorted(tallies.items())]
    rows.append(_row("**all**", total(tallies)))
    return "\n".join("| " + " | ".join(r) + " |" for r in rows)


def _row(label: str, t: Tally) -> list[str]:
    count = sum(t.verdicts.values()) + t.equivalent
    return [
        label,
        str(count),
        str(t.killed),
        str(t.verdicts["survived"] + t.verdicts["suspicious"]),
        str(t.verdicts["no tests"]),
        str(t.equivalent),
        percent(t.score),
    ]


def write_survivors(
    work: Path, path: Path, verdicts: dict[str, dict[str, str]], equivalent: set[str]
) -> int:
    """Write every real survivor's diff to `path`, after those of the modules this run
    did not mutate that the file already lists (a run of some modules, ``--only``); how
    many survivors this run left."""
    names = [name for name in not_killed(verdicts) if name not in equivalent]
    ours = {module_name(m) for m in verdicts}
    kept = [b for b in survivor_blocks(path) if b[0].rsplit(".", 1)[0] not in ours]
    with path.open("w") as handle:
        for _, block in kept:
            handle.write(block)
        for name in names:
            handle.write(f"# {name}\n{mutant_diff(work, name)}\n")
    return len(names)


def module_name(path: str) -> str:
    """``sim/runs/branching.py`` as mutmut names its mutants' module: ``sim.runs.branching``
    (a package's ``__init__.py`` by the package's name)."""
    return path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")


def survivor_blocks(path: Path) -> list[tuple[str, str]]:
    """A survivors file's (mutant, text) blocks, each from its ``# <mutant>`` line."""
    if not path.is_file():
        return []
    blocks: list[tuple[str, str]] = []
    for line in path.read_text().splitlines(keepends=True):
        header = line.removeprefix("# ").strip()
        if line.startswith("# ") and " " not in header and ":" not in header:
            blocks.append((header, line))
        elif blocks:
            blocks[-1] = (blocks[-1][0], blocks[-1][1] + line)
    return blocks


def run_area(
    area: Area, equivalents: list[Equivalent], children: int, again: bool = False
) -> dict[str, Any] | None:
    """Mutate one area, print its table, and return its scores for the JSON file; with
    `again`, rerun only the mutants the last run did not kill, against today's tests
    (None, with the reason printed, when the area's code has changed since)."""
    work = WORK / area.name
    print(f"\n## {area.title} ({area.name})", flush=True)
    if again and (work / "mutants").is_dir():
        changed = refresh_tests(area, ROOT, work)
        if changed:
            print(f"the code changed since the last run ({', '.join(changed)}): run it afresh")
            return None
        before = mine(area, saved_verdicts(work) or read_verdicts(work))
        rerun = not_killed(before)
        if rerun:  # (mutmut given no mutant names runs them all)
            wall = run_mutmut(work, children, rerun)
            verdicts = carried_over(before, mine(area, read_verdicts(work)), set(rerun))
        else:
            wall, verdicts = 0.0, before
    else:
        prepare(area, ROOT, work)
        wall = run_mutmut(work, children)
        verdicts = mine(area, read_verdicts(work))
    save_verdicts(work, verdicts)
    equivalent, warnings = confirmed_equivalents(work, verdicts, equivalents)
    tallies = tally(verdicts, equivalent)
    print(table(tallies))
    for warning in warnings:
        print(f"warning: {warning}")
    OUT.mkdir(parents=True, exist_ok=True)
    survivors = OUT / f"{area.name}-survivors.txt"
    n = write_survivors(work, survivors, verdicts, equivalent)
    print(f"{n} survivors in {survivors.relative_to(ROOT)}; mutmut ran {wall:.0f} s")
    return {
        "title": area.title,
        "wall_s": round(wall, 1),
        "rerun": again,  # wall_s is then the rerun's alone
        "score": total(tallies).score,
        "modules": {
            m: {
                "score": t.score,
                "killed": t.killed,
                "not_killed": t.not_killed,
                "equivalent": t.equivalent,
            }
            for m, t in sorted(tallies.items())
        },
    }


SCORES = OUT / "scores.json"


def read_scores() -> dict[str, Any]:
    return json.loads(SCORES.read_text()) if SCORES.exists() else {}


def record_scores(name: str, result: dict[str, Any], partial: bool) -> dict[str, Any]:
    """Put one area's scores into the JSON file (read just before writing, so runs of
    other areas at the same time keep theirs); every area's scores after."""
    scores = read_scores()
    scores[name] = merged(scores.get(name), result) if partial else result
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = SCORES.with_suffix(".tmp")
    tmp.write_text(json.dumps(scores, indent=2) + "\n")
    tmp.replace(SCORES)
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("areas", nargs="*", help="areas to mutate (default: all)")
    parser.add_argument("--children", type=int, default=2, help="mutants tested at once")
    parser.add_argument("--list", action="store_true", help="list the areas and stop")
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="MODULE",
        help="mutate only these modules of the areas named (the ones a change touched)",
    )
    parser.add_argument(
        "--again",
        action="store_true",
        help="rerun only the mutants the last run of each area did not kill, against the "
        "tests as they are now (after writing tests; the area's code must be unchanged)",
    )
    args = parser.parse_args(argv)
    areas, equivalents = load_config()
    unknown = [a for a in args.areas if a not in areas]
    if unknown:
        print(f"unknown area(s) {', '.join(unknown)}; known: {', '.join(areas)}", file=sys.stderr)
        return 2
    if args.list:
        width = max(len(name) for name in areas)
        for area in areas.values():
            print(f"{area.name:{width}}  {area.title}: {', '.join(area.modules)}")
        return 0
    scores: dict[str, Any] = {}
    for name in args.areas or list(areas):
        area = restricted(areas[name], args.only) if args.only else areas[name]
        if not area.modules:
            print(f"{name}: none of {', '.join(args.only)} is in this area", file=sys.stderr)
            return 2
        result = run_area(area, equivalents, args.children, args.again)
        if result is not None:
            scores = record_scores(name, result, partial=bool(args.only))
    print("\n| area | score | mutmut wall time |\n| --- | --- | --- |")
    for s in (scores or read_scores()).values():
        rerun = " (rerun of the survivors)" if s.get("rerun") else ""
        print(f"| {s['title']} | {percent(s['score'])} | {s['wall_s']:.0f} s{rerun} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
