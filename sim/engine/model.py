"""One replicate: Mesa actors stepping monthly on a SimPy day clock.

:class:`WargameModel` wires the parts together and owns the replicate's state: the actors
(Mesa agents; their declared state), the concession book, the exercise programmes, the
deliveries and bases on their way, the ledger and the clock. The decisions themselves are
functions elsewhere: the roles' rules in ``agents/``, bargaining in
:mod:`sim.engine.bargaining`, the gap decision and scheduling in :mod:`sim.engine.presence`
and :mod:`sim.engine.operations`. What a change of level does in the world is applied here,
in one place (:meth:`grant`, :meth:`revoke`).

Every random number comes from a named stream (:mod:`sim.engine.streams`). The state can
be captured on any day and a replicate rebuilt from it (:mod:`sim.engine.state`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING

import mesa
import numpy as np

from agents import ROLES, Actor, World
from agents.patron import choose_track
from sim.engine import bargaining, operations
from sim.engine.clock import DayClock
from sim.engine.concessions import ConcessionBook, Effects, Relation
from sim.engine.coverage import Coverage
from sim.engine.ledger import Basing, Concession, Ledger, Span, System
from sim.engine.operations import Done, Pending, Programme
from sim.engine.plan import Plan, StartLevel
from sim.engine.presence import decide_gap, stay_probability
from sim.engine.streams import Streams
from sim.roles import ROLE_SPECS
from sim.scenario.schema import Controller

INF = math.inf

if TYPE_CHECKING:
    from agents.client_regime import ClientRegime
    from agents.patron import Patron
    from sim.scenario.schema import Inject, Summit


class WargameModel(World):
    """A scenario with one replicate's parameter values; build it with :meth:`fresh` (or
    :func:`sim.engine.state.restore`) and :meth:`run` it. Given a plan with readings and
    values in its union order, it runs the variant the values name (``self.plan``).

    `record_events` keeps the ledger's timeline (for the events table and ``wargame
    replay``); outcomes never read it.
    """

    def __init__(
        self,
        plan: Plan,
        values: np.ndarray | dict[str, float],
        streams: Streams,
        record_events: bool = True,
        rng: np.random.Generator | None = None,
    ):
        super().__init__(rng=rng)
        if plan.mixture is not None:  # with readings: the variant the values name
            plan, values = plan.mixture.resolve(_in_order(plan, values))
        self.plan = plan
        row = [values[p] for p in plan.paths] if isinstance(values, dict) else values.tolist()
        self.values: dict[str, float] = dict(zip(plan.paths, row, strict=True))
        self.streams = streams
        self.env = DayClock()
        self.ledger = Ledger(plan.n_days, record_events)
        cast = _cast_of(plan)
        self._actors = {
            name: self._make_actor(role, name, target, *cast.params[name], row)
            for name, role, target in cast.actors
        }
        actors = self._actors
        self._movements = {t: [actors[n] for n in ns] for t, ns in cast.movements.items()}
        self._alliances = {t: [actors[n] for n in ns] for t, ns in cast.alliances.items()}
        self._patrons = {t: [actors[n] for n in ns] for t, ns in cast.patrons.items()}
        # The monthly order: roles by phase, actors of a role by name (never by the order
        # they are listed in).
        self._stepping = [actors[n] for n in cast.stepping]
        self.relations: list[Relation] = list(cast.relations)
        self.book = ConcessionBook(plan.tracks(row))
        for rel in self.relations:
            self.book.add_relation(rel)
        self.programmes: dict[str, Programme] = {}
        for patron, host in self.relations:
            dated = plan.dated_exercises(patron, self.values)
            cadence = plan.cadence(patron, self.values)
            if dated or cadence:
                self.programmes[patron] = Programme.of(patron, host, dated, cadence)
        self.pending: list[Pending] = []
        self.done = Done()
        self.month = 0
        self._rows: list[list[float] | None] = [None] * (len(plan.months) - 1)
        self.hosts: dict[str, Coverage] = {}  # presence of any patron's forces, per host
        self.cover: dict[Relation, Coverage] = {}  # each patron's presence in its host
        self._forces: dict[str, Span] = {}  # each patron's forces present now
        self._labels: dict[str, dict[str, Span]] = {}  # their unit labels (timeline only)
        self._procs: dict[str, object] = {}
        self._stream_cache: dict[object, object] = {}
        self._gains: dict[tuple[str, int], int] = {}  # (host, month): patron-control grants
        self._clients_of = cast.clients_of
        self._records = [(actors[name], read) for name, read in cast.records]
        self._rung_records = cast.rung_records

    @classmethod
    def fresh(
        cls,
        plan: Plan,
        values: np.ndarray,
        streams: Streams,
        record_events: bool = True,
        rng: np.random.Generator | None = None,
    ) -> WargameModel:
        """The replicate on its start date, before any event of day 0."""
        model = cls(plan, values, streams, record_events, rng)
        model._begin()
        model.start_processes()
        return model

    def _make_actor(self, role: str, name: str, target: str | None, params: tuple[str, ...],
                    columns: tuple[int, ...], row: list[float]) -> Actor:  # fmt: skip
        """The actor with its `params` read from the replicate's `row` at `columns`."""
        cls = ROLES[role]
        values = dict(zip(params, [row[k] for k in columns], strict=True))
        return cls(self, name, cls.spec.Params.from_values(values), target)

    def _begin(self) -> None:
        """Day 0: every actor's initial state, the concessions already in place, the first
        booking of every programme, and month 0's record."""
        for actor in self._stepping:
            actor.start()
        for actor in self._stepping:
            actor.settle()
        for patron, client in self.relations:
            for start in self.plan.start_levels(patron, self.values):
                self._hold_at_start((patron, client), start)
        for patron, prog in self.programmes.items():
            u = self._exercise_stream(patron).random()
            prog.book_next(0, self.book.effects((patron, prog.host)).interval, u)
        self.record_month(0)

    def _hold_at_start(self, rel: Relation, start: StartLevel) -> None:
        """A concession in place on the start date: its rungs held from day 0, with their
        deliveries and bases already there."""
        before, t = self.book.effects(rel), self.book.tracks[start.track]
        for rung in range(1, start.level + 1):
            controller = start.controller if t.settles_control[rung] else None
            self.book.grant(rel, start.track, 0, controller)
            self.ledger.concessions.append(
                Concession(0, rel[0], rel[1], start.track, rung, controller, at_start=True)
            )
            detail = f"{start.track}: {t.rungs[rung]} (at the start)"
            if self.ledger.record_events:
                self.ledger.log(0, "concession", rel[1], detail)
            self._on_up(rel, start.track, rung, controller, 0, in_place=True)
        self._after_change(rel, before, 0)

    def start_processes(self) -> None:
        """Start the SimPy processes from the state as it stands (fresh or restored)."""
        env, s = self.env, self.plan.scenario
        env.process(operations.monthly_step(self))
        for patron in self.programmes:
            self._procs[patron] = env.process(operations.exercise_programme(self, patron))
        for item in self.pending:
            env.process(operations.arrival(self, item))
        for su in s.operations.summits:
            if f"summit:{su.name}" not in self.done.names:
                env.process(operations.summit(self, su))
        for inj in s.injects:
            if f"inject:{inj.name}" not in self.done.names:
                env.process(operations.inject(self, inj))

    # ---------------------------------------------------------------- running

    @property
    def today(self) -> int:
        return int(self.env._now)

    def run_until(self, day: int) -> None:
        """Advance the clock to the start of `day` (before any of its events)."""
        if day > self.env.now:
            self.env.run(until=day)

    def run(self) -> Ledger:
        """Simulate to the horizon and return the closed ledger."""
        self.run_until(self.plan.n_days)
        self.ledger.close()
        self.running = False
        self._release_from_mesa()
        return self.ledger

    def _release_from_mesa(self) -> None:
        """Mesa 3.3 keeps every model alive in the class-level Agent._ids (mesa#3179, fixed
        upstream by mesa#3180): without this, each replicate leaks about 36 KB."""
        ids = getattr(mesa.Agent, "_ids", None)
        if isinstance(ids, dict):
            ids.pop(self, None)

    def dispose(self) -> None:
        """Take a finished replicate apart, so that reference counting frees it at once.

        A model is a web of cycles: Mesa agents and their model (and the model's own
        ``step`` wrapper), SimPy processes and the events they wait on. Left to the cyclic
        garbage collector, each replicate's few hundred objects are traversed on every
        collection while they wait to be found; dropping the model's attributes and the
        waiting events' callbacks leaves nothing circular. The model cannot be used
        afterwards; take what it produced (:meth:`run`, :attr:`trajectory`) first.
        """
        queue = self.env._queue
        for *_, event in queue:
            event.callbacks = None
        queue.clear()
        self._release_from_mesa()  # a model taken apart before the horizon, too
        self.__dict__.clear()

    def decide_month(self) -> None:
        """One month of decisions: roles act in phase order (protest, regime, patron, alliance)."""
        for actor in self._stepping:
            actor.step()

    def record_month(self, month: int) -> None:
        """Store every actor's declared state (and each patron's rung on each track)."""
        stacks = self.book.stacks
        row: list[float] = []
        for actor, read in self._records:
            got = read(actor)
            row += got if type(got) is tuple else (got,)
        row += [stacks[rel][track][-1].level for rel, track in self._rung_records]
        self._rows[month] = row

    @property
    def trajectory(self) -> np.ndarray:
        """Months x state columns (``plan.state_columns``): the months recorded so far,
        NaN after. Rows are kept as lists while the replicate runs and made into an array
        once, when asked for (a finished replicate: in one conversion)."""
        if self._rows and all(row is not None for row in self._rows):
            return np.array(self._rows, dtype=float).reshape(len(self._rows), -1)
        out = np.full((len(self._rows), len(self.plan.state_columns)), np.nan)
        for month, row in enumerate(self._rows):
            if row is not None:
                out[month] = row
        return out

    @trajectory.setter
    def trajectory(self, table: np.ndarray) -> None:
        self._rows = [None if np.isnan(r).all() else r.tolist() for r in np.asarray(table)]

    def stream(self, name: str):
        """The named dynamics substream (see :mod:`sim.engine.streams`)."""
        return self.streams(name)

    def _exercise_stream(self, patron: str):
        """``exercises:<patron>``: the stream of `patron`'s exercise programme."""
        got = self._stream_cache.get(patron)
        if got is None:
            got = self._stream_cache[patron] = self.streams(f"exercises:{patron}")
        return got

    # ---------------------------------------------------------------- questions actors ask

    def actor(self, name: str | None) -> Actor:
        return self._actors[name]  # type: ignore[index]

    def protest_strength_against(self, client: str) -> float:
        """Combined strength of the movements targeting `client` (a probabilistic OR)."""
        calm = 1.0
        for a in self._movements.get(client, ()):
            calm *= 1.0 - a.strength  # type: ignore[attr-defined]
        return 1.0 - calm

    def alliance_posture(self, client: str | None) -> float:
        """The highest posture of any alliance watching `client`."""
        top = 0.0
        for a in self._alliances.get(client, ()):
            if a.posture > top:  # type: ignore[attr-defined]
                top = a.posture  # type: ignore[attr-defined]
        return top

    def presence_share_last_month(self, host: str | None) -> float:
        """Share of last month's days on which any foreign forces were in `host` (the
        monthly step sets ``month``)."""
        cov = self.hosts.get(host)  # type: ignore[arg-type]
        if cov is None:
            return 0.0
        months, m = self.plan.months, self.month
        return cov.share(months[m - 1 if m > 0 else 0], months[m])

    def patron_control_gains_last_month(self, host: str | None) -> int:
        """How many concessions last month gave a patron control in `host`."""
        return self._gains.get((host, self.month - 1), 0)  # type: ignore[arg-type]

    def concessions_held(self, client: str) -> float:
        """Share of every track's rungs that `client` has granted and still holds."""
        return self.book.held_share(self._clients_of.get(client, []))

    def pressable(self, patron: str, client: str) -> list[tuple[str, float, float]]:
        return bargaining.pressable(self.book, (patron, client))

    def entrenchment(self, patron: str, host: str, window: int) -> float:
        """Share of the last `window` days on which `patron`'s forces were in `host`."""
        cov = self.cover.get((patron, host))
        if cov is None:
            return 0.0
        now = int(self.env._now)
        return cov.share(now - window if now > window else 0, now)

    # ---------------------------------------------------------------- bargaining

    def negotiate(
        self,
        patron_name: str,
        client_name: str,
        track: str,
        accept_probability: float | None = None,
    ) -> bool:
        """The patron demands the next rung of `track`; the client grants it or not, and
        if the rung settles control, control is bargained over too."""
        patron: Patron = self._actors[patron_name]  # type: ignore[assignment]
        regime: ClientRegime = self._actors[client_name]  # type: ignore[assignment]
        client = regime
        rel = (patron_name, client_name)
        t = self.book.tracks[track]
        nxt = self.book.level(rel, track) + 1
        if nxt > t.top:
            return False
        stream = regime._stream or regime.stream()
        u_accept, u_control = stream.random(), stream.random()
        p = (
            accept_probability
            if accept_probability is not None
            else regime.accept_probability(t.cost[nxt], patron.params.support)
        )
        if u_accept >= p:
            if self.ledger.record_events:
                self.ledger.log(
                    self.today, "concession_refused", client.name, f"{track}: {t.rungs[nxt]}"
                )
            return False
        return self._settle(patron, regime, track, nxt, u_control)

    def request(self, client_name: str) -> None:
        """The regime asks for the next rung of its cheapest track; the patron with the
        most leverage over it takes the request up with its ambition and offers the rung
        at its price, which the regime accepts or declines by its usual rule (asking for
        help does not make a permanent base cheap)."""
        client: ClientRegime = self._actors[client_name]  # type: ignore[assignment]
        patrons = [(a.name, a.leverage) for a in self._patrons.get(client.name, [])]  # type: ignore[attr-defined]
        name = bargaining.route_request(patrons)
        if name is None:
            return
        patron: Patron = self._actors[name]  # type: ignore[assignment]
        rel = (patron.name, client.name)
        track = bargaining.cheapest(bargaining.pressable(self.book, rel))
        if track is None:
            return
        t, day = self.book.tracks[track], self.today
        nxt = self.book.level(rel, track) + 1
        if self.ledger.record_events:
            self.ledger.log(
                day, "request", client.name, f"asks {patron.name} for {track}: {t.rungs[nxt]}"
            )
        if patron.uniform() >= patron.params.ambition:
            if self.ledger.record_events:
                self.ledger.log(day, "request_refused", patron.name, f"{track}: {t.rungs[nxt]}")
            return
        u_accept, u_control = client.uniform(), client.uniform()
        if u_accept >= client.accept_probability(t.cost[nxt], patron.params.support):
            if self.ledger.record_events:
                self.ledger.log(day, "terms_declined", client.name, f"{track}: {t.rungs[nxt]}")
            return
        self._settle(patron, client, track, nxt, u_control)

    def _settle(
        self, patron: Patron, client: ClientRegime, track: str, rung: int, u: float
    ) -> bool:
        """Grant an agreed rung, after the bargain over control if it settles control."""
        controller: Controller | None = None
        if self.book.tracks[track].settles_control[rung]:
            terms = client.control_terms(patron.params.control_insistence, patron.leverage)
            side = bargaining.settlement(*terms, u)
            if side == "failed":
                name = self.book.tracks[track].rungs[rung]
                if self.ledger.record_events:
                    self.ledger.log(self.today, "bargain_failed", client.name, f"{track}: {name}")
                return False
            controller = side  # type: ignore[assignment]
        self.grant((patron.name, client.name), track, controller)
        return True

    def reconsider(self, patron: str, client: str, leverage: float) -> None:
        """Each reversible rung the patron holds may be lost this month
        (:func:`sim.engine.bargaining.reversal_hazard`); one draw per such track."""
        if not self.book.reversible:
            return
        rel: Relation = (patron, client)
        stream = self._stream_cache.get(rel)
        if stream is None:
            stream = self._stream_cache[rel] = self.stream(f"reversal:{rel[0]}/{rel[1]}")
        stacks, today = self.book.stacks[rel], int(self.env._now)
        for name, track in self.book.reversible:
            held = stacks[name][-1]
            if held.level == 0:
                continue
            hazard = bargaining.reversal_hazard(track, today - held.since, leverage)
            if stream.random() < hazard:
                self.revoke(rel, name)

    # ---------------------------------------------------------------- changes of level

    def grant(self, rel: Relation, track: str, controller: Controller | None) -> None:
        """Raise `rel` one rung on `track` and apply what the rung does."""
        day, before = self.today, self.book.effects(rel)
        rung = self.book.grant(rel, track, day, controller)
        self.ledger.concessions.append(Concession(day, rel[0], rel[1], track, rung, controller))
        if controller == "patron":
            key = (rel[1], self.month)
            self._gains[key] = self._gains.get(key, 0) + 1
        name = self.book.tracks[track].rungs[rung]
        detail = f"{track}: {name}" + (f" ({controller} control)" if controller else "")
        if self.ledger.record_events:
            self.ledger.log(day, "concession", rel[1], detail)
        self._on_up(rel, track, rung, controller, day, in_place=False)
        self._after_change(rel, before, day)

    def revoke(self, rel: Relation, track: str) -> None:
        """Drop `rel` one rung on `track` (a reversal): what the rung brought is withdrawn
        and the control settled before it holds again."""
        day, before = self.today, self.book.effects(rel)
        was = self.book.controller(rel, track)
        lost = self.book.revoke(rel, track)
        t = self.book.tracks[track]
        self.ledger.concessions.append(Concession(day, rel[0], rel[1], track, lost, None, up=False))
        if self.ledger.record_events:
            self.ledger.log(
                day,
                "reversal",
                rel[1],
                f"{track}: {t.rungs[lost]} lost (back to {t.rungs[lost - 1]})",
            )
        lost_key = (*rel, track, lost)
        self.pending = [p for p in self.pending if (p.patron, p.host, p.track, p.rung) != lost_key]
        self._withdraw(rel, track, lost, day)
        now = self.book.controller(rel, track)
        if now != was:
            self._renegotiate(rel, track, now or "client", day)
        self._after_change(rel, before, day)

    def _on_up(
        self,
        rel: Relation,
        track: str,
        rung: int,
        controller: Controller | None,
        day: int,
        in_place: bool,
    ) -> None:
        """A rung reached: control over the track's systems settled, its delivery and base
        booked (or, for a concession in place at the start, there already)."""
        t = self.book.tracks[track]
        if controller is not None:
            self._renegotiate(rel, track, controller, day)
        delivery = t.delivery[rung]
        if delivery is not None:
            item = Pending(
                "delivery",
                rel[0],
                rel[1],
                track,
                rung,
                day + max(0, round(delivery.lead)),
                delivery.system,
            )
            self._book_arrival(item, in_place)
        if t.basing_lead[rung] is not None:
            item = Pending(
                "basing", rel[0], rel[1], track, rung, day + max(0, round(t.basing_lead[rung]))
            )  # type: ignore[arg-type]
            self._book_arrival(item, in_place)

    def _book_arrival(self, item: Pending, in_place: bool) -> None:
        if in_place:
            self.arrive(item, day=0)
            return
        self.pending.append(item)
        self.env.process(operations.arrival(self, item))

    def _after_change(self, rel: Relation, before: Effects, day: int) -> None:
        """What a change of the held rungs' combined effects does to operations: a new
        cadence rebooks the exercise not yet started; standing presence brings the forces
        in, and losing it sends them home unless an exercise is under way."""
        after = self.book.effects(rel)
        patron, host = rel
        if after.interval != before.interval and patron in self.programmes:
            prog = self.programmes[patron]
            u = self._exercise_stream(patron).random()
            if prog.rebook(day, after.interval, u):
                self._wake(patron)
        if after.standing and not before.standing:
            self._arrive_forces(patron, host, ("standing forces",), day)
        elif before.standing and not after.standing:
            prog = self.programmes.get(patron)
            if prog is None or prog.running is None:
                self._forces_home(patron, day)

    def _wake(self, patron: str) -> None:
        """Let the programme process see its new booking (restarting it if it had none)."""
        proc = self._procs.get(patron)
        if proc is not None and proc.is_alive:  # type: ignore[attr-defined]
            if proc.target is not None:  # type: ignore[attr-defined]
                proc.interrupt()  # type: ignore[attr-defined]
        else:
            self._procs[patron] = self.env.process(operations.exercise_programme(self, patron))

    # ---------------------------------------------------------------- arrivals and control

    def arrive(self, item: Pending, day: int | None = None) -> None:
        """A delivery or a base completes: the system is there under the control settled
        on its track (a patron-controlled one brings crews), or the base opens."""
        day = self.today if day is None else day
        rel = (item.patron, item.host)
        if item.kind == "delivery":
            t = self.book.tracks[item.track]
            fixed = t.delivery[item.rung].controller  # type: ignore[union-attr]
            controller: Controller = fixed or self.book.controller(rel, item.track) or "client"
            self.ledger.systems.append(
                System(item.patron, item.host, item.system, item.track, item.rung, day, controller)
            )
            if self.ledger.record_events:
                self.ledger.log(
                    day, "delivery", item.patron, f"{item.system} under {controller} control"
                )
            if controller == "patron":
                self._open(item.patron, item.host, f"crews:{item.system}", day)
        else:
            self.ledger.basings.append(Basing(item.patron, item.host, item.track, item.rung, day))
            self._open(item.patron, item.host, f"garrison:{item.track}.{item.rung}", day)
            if self.ledger.record_events:
                self.ledger.log(day, "basing", item.patron, "permanent base opened")

    def _renegotiate(self, rel: Relation, track: str, controller: Controller, day: int) -> None:
        """A settlement of control covers the systems of its track already delivered: each
        held by the other side changes hands, and its patron crews arrive or leave."""
        patron, host = rel
        for system in list(self.ledger.systems):
            if (system.patron, system.host, system.track) != (patron, host, track):
                continue
            if system.end is not None or system.controller == controller:
                continue
            fixed = self.book.tracks[track].delivery[system.rung]
            if fixed is not None and fixed.controller is not None:
                continue  # a rung that fixes the controller keeps it
            system.end = day
            self.ledger.systems.append(
                System(patron, host, system.name, track, system.rung, day, controller)
            )
            if self.ledger.record_events:
                self.ledger.log(
                    day, "control_renegotiated", patron, f"{system.name} to {controller}"
                )
            if controller == "patron":
                self._open(patron, host, f"crews:{system.name}", day)
            else:
                self._close_holder(patron, host, f"crews:{system.name}", day)

    def _withdraw(self, rel: Relation, track: str, rung: int, day: int) -> None:
        """What a lost rung brought leaves: its systems (with their crews) and its base."""
        patron, host = rel
        key = (patron, host, track, rung)
        for system in self.ledger.systems:
            if (
                system.end is None
                and (system.patron, system.host, system.track, system.rung) == key
            ):
                system.end = day
                if self.ledger.record_events:
                    self.ledger.log(day, "withdrawal", patron, f"{system.name} withdrawn")
                self._close_holder(patron, host, f"crews:{system.name}", day)
        for base in self.ledger.basings:
            if base.end is None and (base.patron, base.host, base.track, base.rung) == key:
                base.end = day
                if self.ledger.record_events:
                    self.ledger.log(day, "base_closed", patron, "permanent base closed")
                self._close_holder(patron, host, f"garrison:{track}.{rung}", day)

    # ---------------------------------------------------------------- presence

    def _open(self, patron: str, host: str, holder: str, day: int) -> Span:
        span, rel = self.ledger.arrive(patron, host, holder, day), (patron, host)
        (self.hosts.get(host) or self.hosts.setdefault(host, Coverage())).open(span.start)
        (self.cover.get(rel) or self.cover.setdefault(rel, Coverage())).open(span.start)
        return span

    def _close(self, span: Span, day: int) -> None:
        self.ledger.leave(span, day)
        self.hosts[span.host].close(span.end)  # type: ignore[arg-type]
        self.cover[(span.patron, span.host)].close(span.end)  # type: ignore[arg-type]

    def _close_holder(self, patron: str, host: str, holder: str, day: int) -> None:
        for span in self.ledger.spans:
            if span.end is None and (span.patron, span.host, span.holder) == (patron, host, holder):
                self._close(span, day)

    def forces_present(self, patron: str) -> bool:
        return patron in self._forces

    def _arrive_forces(self, patron: str, host: str, units: tuple[str, ...], day: int) -> None:
        """The patron's forces come in (if they are not there) with these unit labels."""
        if patron not in self._forces:
            self._forces[patron] = self._open(patron, host, "forces", day)
        if not self.ledger.record_events:
            return  # labels are for the timeline only
        labels = self._labels.setdefault(patron, {})
        for unit in units:
            if unit not in labels and _relief(unit) not in labels:
                span = self.ledger.label(patron, host, unit, day)
                if span is not None:
                    labels[unit] = span

    def _forces_home(self, patron: str, day: int) -> None:
        span = self._forces.pop(patron, None)
        if span is not None:
            self._close(span, day)
        if self._labels:
            for label in self._labels.pop(patron, {}).values():
                self.ledger.leave(label, day)

    def _rotate(self, patron: str, host: str, day: int) -> None:
        """Fresh units relieve the ones present (labels only: the forces stay)."""
        if not self.ledger.record_events:
            return
        labels = self._labels.get(patron, {})
        for unit, span in list(labels.items()):
            self.ledger.leave(span, day)
            del labels[unit]
            fresh = self.ledger.label(patron, host, _relief(unit), day)
            if fresh is not None:
                labels[_relief(unit)] = fresh

    # ---------------------------------------------------------------- operations

    def begin_exercise(self, patron: str) -> None:
        prog = self.programmes[patron]
        ex, day = prog.booked, int(self.env._now)
        assert ex is not None
        prog.running, prog.booked = ex, None
        self._arrive_forces(patron, prog.host, ex.units, day)
        self.ledger.exercises.append((patron, prog.host, day))
        if self.ledger.record_events:
            self.ledger.log(day, "exercise", patron, ex.label(patron), end=ex.end)

    def end_exercise(self, patron: str) -> None:
        """The day after an exercise's last day: book the next one, then the patron's one
        decision for the gap until it (:mod:`sim.engine.presence`)."""
        prog, day = self.programmes[patron], int(self.env._now)
        actor: Patron = self._actors[patron]  # type: ignore[assignment]
        host = prog.host
        stream = self._exercise_stream(patron)
        u_book, u_stay, u_rotate = stream.random(), stream.random(), stream.random()
        effects = self.book.effects((patron, host))
        prog.running, prog.last_end = None, day
        prog.book_next(day, effects.interval, u_book)
        booked = prog.booked
        gap = INF if booked is None else booked.start - day
        p = actor.params
        entrenched = self.entrenchment(patron, host, round(p.entrenchment_window_days))
        chance = stay_probability(
            effects,
            actor.leverage,
            entrenched,
            gap,
            p.stay_leverage_weight,
            p.stay_entrenchment_weight,
        )
        choice = decide_gap(chance, p.rotation_share, u_stay, u_rotate)
        if choice == "home":
            self._forces_home(patron, day)
        elif choice == "rotate":
            self._rotate(patron, host, day)
        if self.ledger.record_events:
            shown = "no exercise ahead" if gap == INF else f"{gap} days to the next exercise"
            self.ledger.log(day, f"forces_{choice}", patron, shown)

    def hold_summit(self, spec: Summit) -> None:
        """A summit: the patron presses for the next rung (``demands``), or an agreed
        concession takes effect (``implements``)."""
        patron: Patron = self._actors[spec.patron]  # type: ignore[assignment]
        client = self._actors[patron.target]  # type: ignore[index]
        if self.ledger.record_events:
            self.ledger.log(self.today, "summit", patron.name, spec.name)
        stream = self.stream(f"summit:{spec.name}")
        u_track, u_control = stream.random(), stream.random()
        if spec.effect == "implements":
            if spec.rung is not None:
                self._implement(patron, client, spec.rung, u_control)  # type: ignore[arg-type]
            return
        if patron.params.ambition <= 0:
            return  # a patron with no ambition presses for nothing, even at a summit
        pressable = self.pressable(patron.name, client.name)
        track = spec.track or choose_track(pressable, patron.leverage, u_track)
        if track is not None:
            key = f"operations.summits.{spec.name}.accept_probability"
            self.negotiate(patron.name, client.name, track, self.values.get(key))

    def _implement(self, patron: Patron, client: ClientRegime, rung_name: str, u: float) -> None:
        """Grant up to `rung_name` without a demand (a rung that settles control is still
        bargained over control)."""
        track, target = self.plan.rung_at[rung_name]
        rel = (patron.name, client.name)
        while self.book.level(rel, track) < target:
            if not self._settle(patron, client, track, self.book.level(rel, track) + 1, u):
                return

    def fire_inject(self, spec: Inject) -> None:
        """With its probability, overwrite state and parameters on the inject's date."""
        if (
            self.stream(f"inject:{spec.name}").random()
            >= self.values[f"injects.{spec.name}.probability"]
        ):
            return
        actor = self._actors[spec.actor]
        for name, value in spec.set.items():
            actor.set_state(name, value)
        if spec.params:
            new = {n: self.values[f"injects.{spec.name}.params.{n}"] for n in spec.params}
            actor.params = type(actor.params).from_values({**actor.params.__dict__, **new})
        if self.ledger.record_events:
            self.ledger.log(self.today, "inject", actor.name, spec.name)


def _in_order(plan: Plan, values: np.ndarray | dict[str, float]) -> np.ndarray:
    """A replicate's values as an array in `plan`'s table order."""
    if isinstance(values, dict):
        return np.array([values[p] for p in plan.paths], dtype=float)
    return np.asarray(values, dtype=float)


def _relief(unit: str) -> str:
    """The label of the units that relieve `unit` in a rotation (and back again)."""
    suffix = " (relief)"
    return unit.removesuffix(suffix) if unit.endswith(suffix) else unit + suffix


@dataclass(frozen=True)
class _Cast:
    """Who is in a plan's replicates and how the model reads them, worked out once per
    plan (names only: each replicate makes its own actors)."""

    actors: tuple[tuple[str, str, str | None], ...]  # (name, role, target), as listed
    stepping: tuple[str, ...]  # the monthly order: by phase, then by name
    relations: tuple[Relation, ...]  # (patron, client), in the monthly order
    movements: dict[str | None, list[str]]  # by target, each by name
    alliances: dict[str | None, list[str]]
    patrons: dict[str | None, list[str]]
    clients_of: dict[str, list[Relation]]
    params: dict[str, tuple[tuple[str, ...], tuple[int, ...]]]  # actor: names, table columns
    records: tuple[tuple[str, attrgetter], ...]  # actor, its state variables' reader
    rung_records: tuple[tuple[Relation, str], ...]  # (relation, track) per rung column


def _cast_of(plan: Plan) -> _Cast:
    """The plan's :class:`_Cast`, cached on the plan (as ``_compiled_cast``: a worker
    rebuilds it rather than unpickling it)."""
    cast = plan.__dict__.get("_compiled_cast")
    if cast is None:
        cast = plan.__dict__["_compiled_cast"] = _make_cast(plan)
    return cast


def _make_cast(plan: Plan) -> _Cast:
    s, targets = plan.scenario, plan.targets
    actors = tuple((a.name, a.role, targets[a.name]) for a in s.actors)
    by_name = sorted(actors)
    stepping = tuple(n for n, _, _ in sorted(actors, key=lambda a: (ROLE_SPECS[a[1]].phase, a[0])))
    role_of = {n: (r, t) for n, r, t in actors}
    relations = tuple((n, role_of[n][1]) for n in stepping if role_of[n][0] == "patron")

    def by_target(role: str) -> dict[str | None, list[str]]:
        out: dict[str | None, list[str]] = {}
        for n, r, t in by_name:
            if r == role:
                out.setdefault(t, []).append(n)
        return out

    # state_columns lists every actor's state first, then the rungs (see Plan), and each
    # actor's variables together: one attrgetter reads an actor's in one call
    columns = plan.state_columns
    records = tuple(
        (n, attrgetter(*[v for a, v in columns if a == n and not v.startswith("rung.")]))
        for n, r, _ in actors
        if ROLE_SPECS[r].state
    )
    rung_records = tuple(((a, role_of[a][1]), v[5:]) for a, v in columns if v.startswith("rung."))
    return _Cast(
        actors=actors,
        stepping=stepping,
        relations=relations,
        movements=by_target("protest_movement"),
        alliances=by_target("alliance"),
        patrons=by_target("patron"),
        clients_of={c: [r for r in relations if r[1] == c] for c in s.clients()},
        params={
            n: (tuple(p for p, _ in pairs), tuple(plan.index[k] for _, k in pairs))
            for n, pairs in plan.param_paths.items()
        },
        records=records,
        rung_records=rung_records,
    )
