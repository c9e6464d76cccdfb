"""One replicate: Mesa actors stepping monthly on a SimPy day clock.

:class:`WargameModel` owns the random generator, the SimPy environment, the ledger and
the bargaining relations between patrons and clients. Actors decide; the model wires
their decisions to operations (deliveries, basing) and answers their questions.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa
import numpy as np
import simpy

from agents import ROLES, Actor
from sim.engine import operations
from sim.engine.ledger import Concession, Ledger, System
from sim.engine.plan import Cadence, DatedExercise, Plan
from sim.engine.uniforms import Uniforms
from sim.maths.clip import clip01
from sim.scenario.schema import Controller

if TYPE_CHECKING:
    from agents.client_regime import ClientRegime
    from agents.patron import Patron


class WargameModel(mesa.Model):
    """A scenario with one replicate's parameter values, ready to :meth:`run`.

    `record_events` keeps the ledger's timeline of events (for the events table and
    ``wargame replay``); outcomes never read it.
    """

    def __init__(
        self,
        plan: Plan,
        values: np.ndarray,
        rng: np.random.Generator,
        record_events: bool = True,
    ):
        super().__init__(rng=rng)
        #: Every random number of the dynamics comes from here, in order (after the one
        #: integer Mesa itself draws from `rng` to seed ``self.random``).
        self.uniform = Uniforms(self.rng)
        self.plan = plan
        self.values: dict[str, float] = dict(zip(plan.paths, values.tolist(), strict=True))
        self.env = simpy.Environment()
        self.ledger = Ledger(plan.n_days, record_events)
        self.effects = plan.rung_effects(self.values)
        self._actors = {
            a.name: self._make_actor(a.name, a.role, plan.scenario.target_of(a))
            for a in plan.scenario.actors
        }
        self.rungs: dict[tuple[str, str], int] = {
            (a.name, a.target): 0 for a in self._actors.values() if a.role == "patron"
        }  # type: ignore[misc]
        for key, rung in plan.start_rungs.items():  # concessions already in place
            self.rungs[key] = rung
            self.ledger.concessions.append(Concession(0, key[0], key[1], rung, None))
            self.ledger.log(0, "concession", key[1], f"{self.effects.names[rung]} (at the start)")
        self._movements = self._by_target("protest_movement")
        self._alliances = self._by_target("alliance")
        self._patrons = self._by_target("patron")
        phases = sorted({type(a) for a in self._actors.values()}, key=lambda c: c.phase)
        for cls in phases:
            self.agents_by_type[cls].do("start")
        # The monthly order, resolved once: roles by phase, actors of a role as created.
        self._stepping = [a for cls in phases for a in self.agents_by_type[cls]]
        self._live_stays: list = []
        self._seen_stays = 0
        self.month = 0
        self.trajectory = np.full((len(plan.months) - 1, len(plan.state_columns)), np.nan)
        self.record_month(0)
        self._start_processes()

    def _by_target(self, role: str) -> dict[str | None, list[Actor]]:
        out: dict[str | None, list[Actor]] = {}
        for a in self._actors.values():
            if a.role == role:
                out.setdefault(a.target, []).append(a)
        return out

    def _make_actor(self, name: str, role: str, target: str | None) -> Actor:
        cls, v = ROLES[role], self.values
        params = cls.Params.from_values({p: v[k] for p, k in self.plan.param_paths[name]})
        return cls(self, name, params, target)

    def _start_processes(self) -> None:
        s, env = self.plan.scenario, self.env
        env.process(operations.monthly_step(self))
        for a in self._actors.values():
            if a.role == "patron":
                dated = self.plan.dated_exercises(a.name, self.values)
                cadence = self.plan.cadence(a.name, self.values)
                if dated or cadence:
                    env.process(
                        operations.exercise_programme(self, a, dated, cadence)  # type: ignore[arg-type]
                    )
        for su in s.operations.summits:
            env.process(operations.summit(self, su))
        for inj in s.injects:
            env.process(operations.inject(self, inj))

    # ---------------------------------------------------------------- running

    def run(self) -> Ledger:
        """Simulate to the horizon and return the closed ledger."""
        if self.env.now < self.plan.n_days:
            self.env.run(until=self.plan.n_days)
            self.ledger.close()
        self.running = False
        # Mesa 3.3 keeps every model alive in the class-level Agent._ids (mesa#3179, fixed
        # upstream by mesa#3180): without this, each replicate leaks about 36 KB.
        ids = getattr(mesa.Agent, "_ids", None)
        if isinstance(ids, dict):
            ids.pop(self, None)
        return self.ledger

    def decide_month(self) -> None:
        """One month of decisions: roles act in phase order (protest, regime, patron, alliance)."""
        for actor in self._stepping:
            actor.step()

    def record_month(self, month: int) -> None:
        """Store every actor's state (and each patron's rung) at the start of `month`."""
        row = [
            self.rungs[(name, self._actors[name].target)]
            if var == "rung"  # type: ignore[index]
            else getattr(self._actors[name], var)
            for name, var in self.plan.state_columns
        ]
        self.trajectory[month] = row

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
        return max(
            (a.posture for a in self._alliances.get(client, ())),  # type: ignore[attr-defined]
            default=0.0,
        )

    def _last_month(self) -> tuple[int, int]:
        """First day of last month and of this one (the monthly step sets ``month``)."""
        months = self.plan.months
        return months[max(self.month - 1, 0)], months[self.month]

    def presence_share_last_month(self, host: str | None) -> float:
        """Share of last month's days on which any foreign unit was in `host`."""
        lo, hi = self._last_month()
        if hi <= lo:
            return 0.0
        # Stays that ended before last month can never matter again: drop them once.
        stays = self.ledger.stays
        self._live_stays += stays[self._seen_stays :]
        self._seen_stays = len(stays)
        self._live_stays = [st for st in self._live_stays if st.end is None or st.end > lo]
        days = bytearray(hi - lo)
        for st in self._live_stays:
            if st.host == host and st.start < hi:
                a, b = max(st.start, lo) - lo, min(hi if st.end is None else st.end, hi) - lo
                days[a:b] = b"\x01" * (b - a)
        return days.count(1) / (hi - lo)

    def patron_control_gains_last_month(self, host: str | None) -> int:
        """How many concessions last month gave a patron control of systems in `host`."""
        lo, hi = self._last_month()
        return sum(
            1
            for c in self.ledger.concessions
            if c.client == host and c.controller == "patron" and lo <= c.day < hi
        )

    # ---------------------------------------------------------------- decisions

    def negotiate(
        self,
        patron: Patron,
        client: Actor,
        accept_probability: float | None = None,
    ) -> bool:
        """The patron demands the next rung; the client grants it or not, and if the rung
        settles control, who controls the systems is settled too."""
        u_accept, u_control = self.uniform(), self.uniform()
        key = (patron.name, client.name)
        nxt = self.rungs[key] + 1
        day = int(self.env.now)
        fx = self.effects
        if nxt >= len(fx.names):
            return False
        regime: ClientRegime = client  # type: ignore[assignment]
        p = (
            accept_probability
            if accept_probability is not None
            else regime.accept_probability(fx.cost[nxt], patron.params.support)
        )
        if u_accept >= p:
            self.ledger.log(day, "concession_refused", client.name, fx.names[nxt])
            return False
        return self._settle(patron, regime, nxt, u_control, day)

    def request(self, client: ClientRegime) -> bool:
        """The regime asks for the next rung; the patron with the most leverage over it
        takes the request up with its ambition and offers the rung at its price, which
        the regime accepts or declines by its usual rule; a rung that settles control is
        then bargained over like a demanded one."""
        u_take, u_accept, u_control = self.uniform(), self.uniform(), self.uniform()
        patrons = self._patrons.get(client.name, [])
        if not patrons:
            return False
        patron: Patron = max(patrons, key=lambda a: a.leverage)  # type: ignore[assignment]
        nxt = self.rungs[(patron.name, client.name)] + 1
        day = int(self.env.now)
        if nxt >= len(self.effects.names):
            return False
        self.ledger.log(
            day, "request", client.name, f"asks {patron.name} for {self.effects.names[nxt]}"
        )
        if u_take >= patron.params.ambition:
            self.ledger.log(day, "request_refused", patron.name, self.effects.names[nxt])
            return False
        # The patron's offer is the rung at its price: the regime weighs it by its usual
        # rule (asking for help does not make a permanent base cheap).
        if u_accept >= client.accept_probability(self.effects.cost[nxt], patron.params.support):
            self.ledger.log(day, "terms_declined", client.name, self.effects.names[nxt])
            return False
        return self._settle(patron, client, nxt, u_control, day)

    def _settle(self, patron: Patron, client: ClientRegime, rung: int, u: float, day: int) -> bool:
        """Grant an agreed rung, after the bargain over control if it settles control."""
        controller: Controller | None = None
        if self.effects.settles_control[rung]:
            p_patron, p_client = client.control_terms(
                patron.params.control_insistence, patron.leverage
            )
            if u < p_patron:
                controller = "patron"
            elif u < p_patron + p_client:
                controller = "client"
            else:
                self.ledger.log(day, "bargain_failed", client.name, self.effects.names[rung])
                return False
        self._grant(patron, client, rung, controller, day)
        return True

    def _grant(
        self,
        patron: Patron,
        client: ClientRegime,
        rung: int,
        controller: Controller | None,
        day: int,
    ) -> None:
        self.rungs[(patron.name, client.name)] = rung
        self.ledger.concessions.append(Concession(day, patron.name, client.name, rung, controller))
        fx = self.effects
        detail = fx.names[rung] + (f" ({controller} control)" if controller else "")
        self.ledger.log(day, "concession", client.name, detail)
        if controller is not None:
            self._renegotiate(patron, client.name, controller, day)
        if fx.delivery[rung] is not None:
            system, lead = fx.delivery[rung]  # type: ignore[misc]
            self.env.process(operations.delivery(self, patron, client.name, system, lead))
        if fx.basing_lead[rung] is not None:
            self.env.process(operations.basing(self, patron, client.name, fx.basing_lead[rung]))

    def _renegotiate(self, patron: Patron, host: str, controller: Controller, day: int) -> None:
        """A new settlement of control covers the systems already delivered too: each one
        held by the other side changes hands (a new control record), and its patron crews
        arrive or leave with it."""
        latest: dict[str, Controller] = {}
        for system in self.ledger.systems:
            if system.patron == patron.name and system.host == host:
                latest[system.name] = system.controller
        for name, held in latest.items():
            if held == controller:
                continue
            self.ledger.systems.append(System(patron.name, host, name, day, controller))
            self.ledger.log(day, "control_renegotiated", patron.name, f"{name} to {controller}")
            crews = f"{name} crews"
            if controller == "patron":
                self.ledger.arrive(patron.name, host, crews, day)
            else:
                for stay in self.ledger.stays:
                    if stay.unit == crews and stay.host == host and stay.end is None:
                        self.ledger.leave(stay, day)

    def settled_controller(self, patron: str, client: str) -> Controller:
        """Who controls systems under the latest settlement (the client if none yet)."""
        for c in reversed(self.ledger.concessions):
            if c.patron == patron and c.client == client and c.controller is not None:
                return c.controller
        return "client"

    def unit_stays(self, patron: Patron, gap: float) -> tuple[bool, bool]:
        """Whether a unit bridges a `gap`-day wait for the next exercise, and if so
        whether it is rotated out for a fresh one.

        The chance to stay is the current rung's ``stay_probability`` plus leverage, falling
        off as ``exp(-gap / bridge_tolerance_days)``: a short gap is easy to bridge.
        """
        u_stay, u_rotate = self.uniform(), self.uniform()
        if math.isinf(gap):
            return False, False
        rung = self.rungs[(patron.name, patron.target)]  # type: ignore[index]
        fx = self.effects
        base = clip01(fx.stay[rung] + patron.params.stay_leverage_weight * patron.leverage)
        p = base * math.exp(-gap / fx.tolerance[rung])
        stays = u_stay < p
        return stays, stays and u_rotate < patron.params.rotation_share

    def next_recurring(
        self, patron: Patron, cadence: Cadence, after: int, gap: int | None
    ) -> DatedExercise | None:
        """The patron's next recurring exercise, starting a cadence gap after `after`."""
        duration = cadence.duration
        if gap is None:
            rung = self.rungs[(patron.name, patron.target)]  # type: ignore[index]
            mean = max(self.effects.interval[rung] - duration, 1.0)
            gap = max(0, round(mean * (1.0 + cadence.jitter * (2.0 * self.uniform() - 1.0))))
        start = after + gap
        if start >= self.plan.n_days:
            return None
        return DatedExercise(
            f"{patron.name} exercise (day {start})", start, start + duration - 1, cadence.units
        )
