"""Signposts: which observable facts would move a forecast most, and when to look.

Intelligence warning works by indicators: facts an analyst can watch for, each of which
would raise or lower the judgment when it arrives. Here the candidates are events of the
scenario's own vocabulary (:class:`sim.scenario.schema.Event`) laid over a grid of dates
(forces present on each month's first day, the presence share of each quarter, each rung
of each track granted by each quarter's end and, where rungs can be lost, still held on
it, any delivery, any exercise in each month), plus any the analyst lists. With several
patrons each candidate is asked of each patron (``patron:``), and a track one patron owns
only of that one. "Still held" matters for an exit: a rung held on the start date is
"reached" on day 0 in every history, so only whether it is still held can tell them
apart. They are added to the scenario as questions, so one ordinary
run (the same executors, seeds, resume and progress as ``wargame run``) records each of
them in every replicate beside the outcome; questions never change a history, so the run
is the same Monte Carlo as the one without them.

For each indicator I and the outcome O the 2 x 2 table of replicates gives P(I),
P(O | I), P(O | not I), the likelihood ratio P(I | O) / P(I | not O), the expected
absolute shift of the forecast, E|P(O | observation) - P(O)|, and the value of information:
the expected fall of the outcome forecast's Brier score from observing I before
forecasting, P(I) P(not I) (P(O | I) - P(O | not I))^2 (the forecast's expected Brier
score is its variance p(1 - p); observing I splits it). That plug-in is biased upwards
by the table's noise, so the reported value subtracts the two conditional estimates'
sampling variances (an independent indicator's value then centres on zero). Intervals
come from the Bayesian bootstrap of the table (Dirichlet with Jeffreys' half-counts),
deterministic from the run's seed. A run conditioned by branching holds copies of one
history (particles sharing an original replicate), which are not independent: there
the bootstrap weights whole clades (a Dirichlet over original replicates, each carrying
its particles' table), and the forecast's standard error is the Eve estimator's, so
the intervals are as wide as the distinct histories allow.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.signpost_report import (
    ForecastNow,
    Signpost,
    SignpostReport,
    TableStatistics,
)
from sim.analysis.signpost_statistics import Clades, phi, table_statistics
from sim.engine.plan import Plan
from sim.runs.branching import eve_effective_n
from sim.runs.results import outcome_values
from sim.scenario import paths
from sim.scenario.calendar import month_starts, next_month
from sim.scenario.claims import Question
from sim.scenario.schema import Scenario
from sim.scenario.tracks import Track as TrackSpec

SAME = 0.8  # indicators of one family correlated this much (phi) are one signpost
TOP = 10


@dataclass(frozen=True)
class Candidate:
    """An indicator: a question of the event vocabulary, its family (the same event on
    other dates) and the date on which it can first be known."""

    question: Question
    family: str
    date: dt.date
    label: str

    @property
    def column(self) -> str:
        return paths.question(self.question.id)


def quarter_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """The last day of each calendar quarter ending after `first`, up to `last`."""
    out = []
    for start in month_starts(first, last + dt.timedelta(days=1)):
        if start.month in (1, 4, 7, 10):
            end = start - dt.timedelta(days=1)
            if end > first:
                out.append(end)
    return out


def _candidate(
    who: str | None, family: str, date: dt.date, label: str, qid: str, text: str, **event: Any
) -> Candidate:
    """A candidate of `family` known on `date`: the question ``signpost.<qid>``; of patron
    `who` where the scenario has several (None: of any patron)."""
    if who is not None:
        family, label, qid, text = (
            f"{who}.{family}",
            f"{who}: {label}",
            f"{who}.{qid}",
            f"{who}: {text}",
        )
        event["patron"] = who
    question = Question(id=f"signpost.{qid}", question=text, source="signpost candidate", **event)
    return Candidate(question, family, date, label)


def _monthly(start: dt.date, until: dt.date, who: str | None) -> list[Candidate]:
    """Each month: forces present on its first day; an exercise starting in it."""
    out = []
    for d in month_starts(start, until):
        last = min(next_month(d) - dt.timedelta(days=1), until)
        out += [
            _candidate(
                who,
                "present_on",
                d,
                "forces present on the day",
                f"present_on.{d}",
                f"Forces present on {d}?",
                metric="present_on",
                end=d,
            ),
            _candidate(
                who,
                "exercise_in",
                last,
                "an exercise starts in the month",
                f"exercise_in.{d:%Y-%m}",
                f"An exercise starts in {d:%B %Y}?",
                metric="exercise_in",
                start=d,
                end=last,
            ),
        ]
    return out


def _quarterly(plan: Plan, start: dt.date, until: dt.date, who: str | None) -> list[Candidate]:
    """Each quarter: forces present on half its days; a system delivered by its end, and
    where a rung that delivers one can be lost, a system still in place on its end; each
    rung above a track's first granted by its end, and on a track whose rungs can be
    lost, still held on its end (what a patron present at the start may lose)."""
    out = []
    tracks = [t for t in plan.track_specs if who is None or t.patron in (None, who)]
    losable = any(
        t.reversal is not None and any(r.delivers is not None for r in t.rungs) for t in tracks
    )
    for q in quarter_ends(start, until):
        first = max(start, dt.date(q.year, q.month - 2, 1))
        out += [
            _candidate(
                who,
                "presence_share",
                q,
                "forces present on half the quarter's days",
                f"presence_share.{q}",
                f"Forces present on half the days {first} - {q}?",
                metric="presence_share",
                start=first,
                end=q,
                at_least=0.5,
            ),
            _candidate(
                who,
                "delivered_by",
                q,
                "a system delivered",
                f"delivered_by.{q}",
                f"Any system delivered by {q}?",
                metric="delivered_by",
                end=q,
            ),
        ]
        if losable:
            out.append(
                _candidate(
                    who,
                    "system_on",
                    q,
                    "a system still in place",
                    f"system_on.{q}",
                    f"Any system in place on {q}?",
                    metric="system_on",
                    end=q,
                )
            )
        out += _rungs(tracks, q, who)
    return out


def _rungs(tracks: list[TrackSpec], q: dt.date, who: str | None) -> list[Candidate]:
    """Each rung above a track's first granted by `q`; then, on a track whose rungs can be
    lost, each still held on `q`."""
    out = []
    for metric, done, asked in _RUNG_CANDIDATES:
        for track in tracks:
            if metric == "rung_on" and track.reversal is None:
                continue
            for rung in track.rungs[1:]:
                name = f"{track.name}: {rung.name}"
                out.append(
                    _candidate(
                        who,
                        f"{metric}.{rung.name}",
                        q,
                        f"{name} {done}",
                        f"{metric}.{rung.name}.{q}",
                        f"{name} {asked} {q}?",
                        metric=metric,
                        rung=rung.name,
                        end=q,
                    )
                )
    return out


#: The rung candidates, in order: (metric, its label's ending, its question's verb).
_RUNG_CANDIDATES = (("rung_by", "granted", "granted by"), ("rung_on", "still held", "held on"))


def candidates(plan: Plan, until: dt.date, extra: list[Question] = ()) -> list[Candidate]:
    """Every candidate indicator up to `until` (see the module docstring), then `extra`;
    with several patrons, each patron's own."""
    start = plan.scenario.metadata.start_date
    patrons = plan.scenario.patrons()
    out = []
    for who in patrons if len(patrons) > 1 else [None]:
        out += _monthly(start, until, who) + _quarterly(plan, start, until, who)
    for e in extra:
        out.append(Candidate(e, f"listed.{e.id}", e.end, e.question))
    return out


def with_indicators(scenario: Scenario, cands: list[Candidate]) -> Scenario:
    """The scenario with every candidate added as a question (a history is unchanged)."""
    return scenario.model_copy(
        update={"questions": [*scenario.questions, *(c.question for c in cands)]}
    )


def rank(
    cands: list[Candidate],
    outcomes: pd.DataFrame,
    y: np.ndarray,
    seed: int,
    clades: Clades | None = None,
) -> list[Signpost]:
    """Every informative candidate's statistics, by value of information; one of a family
    whose correlation (phi, over the replicates) with a better-ranked one is at least
    ``SAME`` tells nearly all that one does, and is folded into it (``also``: its dates)
    instead of listed again. (Forces present on successive months' first days correlate
    about 0.4 on Belarus, so each stays; a rung granted by successive quarters, 0.85-0.95.)"""
    rows = []
    for k, c in enumerate(cands):
        x = outcomes[c.column].to_numpy(dtype=bool)
        if x.all() or not x.any():
            continue  # always or never: nothing to learn from watching it
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0x5167, k)))
        rows.append((c, x, _signpost(c, table_statistics(x, y, rng, clades))))
    rows.sort(key=lambda r: (-r[2].voi.estimate, r[0].date, r[0].question.id))
    kept: list[tuple[Candidate, np.ndarray, Signpost]] = []
    for c, x, signpost in rows:
        twin = next((k for k, r in enumerate(kept) if _same_signal(r, c, x)), None)
        if twin is None:
            kept.append((c, x, signpost))
        else:
            first, seen, folded = kept[twin]
            kept[twin] = (first, seen, folded.with_also(c.date.isoformat()))
    return [signpost for _, _, signpost in kept]


def _same_signal(
    ranked: tuple[Candidate, np.ndarray, Signpost], c: Candidate, x: np.ndarray
) -> bool:
    """Whether candidate `c` (its column `x`) tells nearly all a better-ranked one does:
    the same family, correlated at least ``SAME``."""
    return ranked[0].family == c.family and phi(ranked[1], x) >= SAME


def _signpost(c: Candidate, stats: TableStatistics) -> Signpost:
    """A candidate with its statistics, its event as an observation would write it."""
    event = c.question.model_dump(
        mode="json", exclude={"id", "question", "source"}, exclude_defaults=True
    )
    about = {"id": c.question.id, "question": c.question.question, "family": c.family}
    return Signpost.of(stats, **about, label=c.label, date=c.date.isoformat(), event=event)


def outcome_column_check(plan: Plan, settings: SignpostSettings) -> SignpostSettings:
    """Refuse an outcome the scenario does not have before any replicate runs; the
    settings with the outcome named by its column (``question.<id>`` for a bare id)."""
    from sim.scenario.errors import UsageError
    from sim.scenario.measures import is_outcome, measure_column

    column = measure_column(settings.outcome, plan.scenario.measurable())
    if not is_outcome(column) and settings.by is not None:
        raise UsageError("applies to outcomes; a question or judgment has its own date", "--by")
    return replace(settings, outcome=column)


@dataclass(frozen=True)
class SignpostSettings:
    outcome: str = "persistent"
    by: dt.date | None = None
    until: dt.date | None = None  # default: halfway from the start to the outcome's date
    top: int = TOP


def default_until(plan: Plan, settings: SignpostSettings) -> dt.date:
    """Halfway from the start date to the outcome's date (`--by`, a question's or
    judgment's own end, else the horizon): signposts are facts one can know well before
    the answer, not the outcome seen on its own last day."""
    s = plan.scenario
    start = s.metadata.start_date
    own = {
        **{paths.question(e.id): e.end for e in s.questions},
        **{paths.judgment(e.id): e.end for e in s.judgments},
    }
    last = settings.by or own.get(settings.outcome) or start + dt.timedelta(days=plan.n_days - 1)
    return start + (last - start) / 2


def signposts(
    outcomes: pd.DataFrame,
    plan: Plan,
    cands: list[Candidate],
    settings: SignpostSettings,
    seed: int,
    origins: np.ndarray | None = None,
) -> SignpostReport:
    """The ranked signposts of a run's kept replicates (``signposts.json``); `origins`,
    one per row of `outcomes`, name each row's original replicate in a branching run."""
    start = plan.scenario.metadata.start_date
    y, label = outcome_values(outcomes, start, settings.outcome, settings.by)
    n, k = len(y), int(y.sum())
    clades = None
    n_eff = float(n)
    if origins is not None:
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0x5167, 0xC1ADE)))
        clades = Clades(origins, rng)
        n_eff = eve_effective_n(y.astype(float), origins) if n else math.nan
    ranked = rank(cands, outcomes, y, seed, clades)
    return SignpostReport(
        outcome=settings.outcome,
        label=label,
        by=settings.by.isoformat() if settings.by else None,
        until=(settings.until or default_until(plan, settings)).isoformat(),
        replicates=n,
        forecast=ForecastNow(
            p=k / n if n else math.nan,
            se=math.sqrt(k * (n - k) / n**2 / n_eff) if n and n_eff else math.nan,
        ),
        intervals="row bootstrap" if clades is None else "clade bootstrap (branching)",
        effective_replicates=n_eff,
        candidates=len(cands),
        informative=sum(1 for c in cands if outcomes[c.column].nunique() > 1),
        signposts=ranked,
    )


def watchlist(r: SignpostReport, top: int = TOP) -> str:
    """The top signposts as an observations file, each ``value: null`` until the fact is
    known (``wargame run --observations`` leaves those out)."""
    import yaml

    items = [
        {
            "id": s.id.removeprefix("signpost."),
            **s.event,
            "as_of": s.date,
            "value": None,
            "source": "",
        }
        for s in r.signposts[:top]
    ]
    head = (
        f"# Watchlist from wargame signposts: the {len(items)} indicators that would move\n"
        f"# '{r.label}' most. As a fact becomes known, set value: yes or no, as_of: the\n"
        "# day it became known, and source: where from; then\n"
        "#   wargame run SCENARIO --observations THIS_FILE\n"
        "# Entries left at value: null are still being watched and are not used.\n"
    )
    return head + yaml.safe_dump({"observations": items}, sort_keys=False, allow_unicode=True)
