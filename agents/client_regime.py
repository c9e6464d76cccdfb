"""The client regime (Lukashenko): vulnerable to protest, dependent on its patron, resisting
concessions that cost sovereignty.

Two quantities, kept apart because the report's story needs both:

* **vulnerability** is this month's threat: ``vulnerability_base + protest_sensitivity x
  protest strength``. It drives repression and the regime's own requests for help.
* **dependence** is a stock with memory: each month it moves toward a *drive* and keeps
  ``0.5 ** (1 / dependence_half_life_months)`` of the gap, so a shock decays with that
  half-life. The drive is ``dependence_from_vulnerability x vulnerability +
  dependence_from_isolation x isolation + dependence_from_concessions x concessions held``
  (clipped to [0, 1]); isolation is ``isolation_base + isolation_from_repression x repression
  + isolation_from_posture x alliance posture`` (clipped). Crushing the protests lowers the
  drive, but dependence falls only as fast as its half-life allows, and concessions held
  and isolation keep feeding it. The patron's leverage is read off it, and the regime
  answers demands by it.

With several patrons the regime keeps one dependence stock per patron (its *ties*): each
moves toward the drive of the common vulnerability and isolation plus the concessions
*that patron* holds, so one patron's gains never raise another's leverage. Its declared
``dependence`` is then the largest of its ties (on the patron it leans on most); with one
patron it is that patron's tie, exactly as before. An inject that sets ``dependence`` sets
every tie. A protest movement that opposes a patron's presence (``opposes:``) lowers the
drive of the tie to that patron by its ``presence_pressure x strength``: hosting a patron
the street rejects costs the regime at home, so it leans on that patron less.
"""

from __future__ import annotations

import math
from typing import ClassVar

from agents.base import Actor
from sim.maths.clip import clip01
from sim.roles.client_regime import SPEC, ClientRegimeParams


def vulnerability_of(strength: float, p: ClientRegimeParams) -> float:
    return p.vulnerability_base + p.protest_sensitivity * strength


def repression_of(strength: float, p: ClientRegimeParams) -> float:
    return p.repression_propensity * strength


def isolation_of(repression: float, posture: float, p: ClientRegimeParams) -> float:
    return (
        p.isolation_base
        + p.isolation_from_repression * repression
        + (p.isolation_from_posture * posture)
    )


def next_dependence(
    dependence: float,
    vulnerability: float,
    isolation: float,
    held: float,
    p: ClientRegimeParams,
    opposed: float = 0.0,
) -> float:
    """One month of the dependence stock: it keeps ``0.5 ** (1 / half-life)`` of its gap to
    the drive (see the module docstring), lowered by the `opposed` pressure of movements
    against the patron's presence."""
    drive = clip01(
        p.dependence_from_vulnerability * vulnerability
        + p.dependence_from_isolation * isolation
        + p.dependence_from_concessions * held
        - opposed
    )
    keep = 0.5 ** (1.0 / p.dependence_half_life_months)
    return keep * dependence + (1.0 - keep) * drive


def accept_probability(
    dependence: float, cost: float, support: float, p: ClientRegimeParams
) -> float:
    """Chance of granting a rung of this `cost` when offered this `support`:
    ``logistic(decisiveness x (dependence + support - sovereignty_resistance - cost))``."""
    net = dependence + support - p.sovereignty_resistance - cost
    return 1.0 / (1.0 + math.exp(-p.decisiveness * net))


def control_terms(
    patron_insistence: float, patron_leverage: float, p: ClientRegimeParams
) -> tuple[float, float]:
    """(patron control, client control) chances when a rung that settles control is
    agreed; the rest is a bargain that fails over control (no rung, no delivery).

    The patron lets the regime keep control unless it insists; when it insists, the regime
    gives in unless it insists too, and the patron's leverage wears its insistence down:
    patron ``i x (1 - r)``, client ``1 - i``, failure ``i x r``, with
    ``r = control_insistence x (1 - leverage)``.
    """
    resist = p.control_insistence * (1.0 - patron_leverage)
    return clip01(patron_insistence * (1.0 - resist)), clip01(1.0 - patron_insistence)


class ClientRegime(Actor):
    """Each month: feel the protests (vulnerability, repression), its isolation and its
    dependence (module docstring), then perhaps invite its patron in."""

    spec = SPEC
    KEPT: ClassVar[tuple[str, ...]] = ("ties",)
    params: ClientRegimeParams
    vulnerability: float
    repression: float
    isolation: float
    dependence: float
    ties: dict[str, float]

    def start(self) -> None:
        super().start()
        self.ties = dict.fromkeys(self.model.patrons_of(self.name), self.dependence)

    def settle(self) -> None:
        self._feel()

    def inject_state(self, name: str, value: float) -> None:
        super().inject_state(name, value)
        if name == "dependence":  # an inject's level holds for every patron
            self.ties = dict.fromkeys(self.ties, self.dependence)

    def dependence_on(self, patron: str) -> float:
        """Its dependence on `patron` (see the module docstring)."""
        return self.ties.get(patron, self.dependence)

    def _feel(self) -> None:
        """Vulnerability, repression and isolation from the protests and the alliance now."""
        p, m = self.params, self.model
        strength = m.protest_strength_against(self.name)
        self.set_state("vulnerability", vulnerability_of(strength, p))
        self.set_state("repression", repression_of(strength, p))
        self.set_state("isolation", isolation_of(self.repression, m.alliance_posture(self.name), p))

    def step(self) -> None:
        self._feel()
        self._depend()
        p = self.params
        # Drawn only by a regime that may ask at all, so a scenario without requests
        # draws exactly the numbers it always drew.
        asks = p.request_propensity
        if asks > 0 and self.uniform() < clip01(asks * self.vulnerability):
            self.model.request(self.name)

    def _depend(self) -> None:
        """One month of each tie (:func:`next_dependence`) and the dependence they make
        (the largest). A tie stays in [0, 1] by construction: it moves to a weighted mean
        of itself and a drive clipped to [0, 1]."""
        p, model, name, ties = self.params, self.model, self.name, self.ties
        vulnerability, isolation = self.vulnerability, self.isolation
        if not ties:  # a regime no patron presses: its stock alone
            self.dependence = next_dependence(self.dependence, vulnerability, isolation, 0.0, p)
            return
        for patron, tie in ties.items():
            held = model.concessions_held(patron, name)
            opposed = model.opposition_to(patron, name)
            ties[patron] = next_dependence(tie, vulnerability, isolation, held, p, opposed)
        self.dependence = max(ties.values())

    def request_probability(self) -> float:
        """Chance this month of inviting the patron in: ``request_propensity x
        vulnerability`` (what :meth:`step` draws against)."""
        return clip01(self.params.request_propensity * self.vulnerability)

    def accept_probability(self, patron: str, cost: float, support: float) -> float:
        """Chance of granting `patron` a rung of this `cost` for this `support`, by its
        dependence on that patron (:func:`accept_probability`)."""
        return accept_probability(self.dependence_on(patron), cost, support, self.params)

    def control_terms(
        self, patron_insistence: float, patron_leverage: float
    ) -> tuple[float, float]:
        return control_terms(patron_insistence, patron_leverage, self.params)


def regime_of(actor: Actor) -> ClientRegime:
    """The client regime `actor` acts on (its ``target``)."""
    regime = actor.client
    if not isinstance(regime, ClientRegime):  # pragma: no cover - the scenario checks targets
        raise TypeError(f"{actor.name}'s target {actor.target} is not a client regime")
    return regime
