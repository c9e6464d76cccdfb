"""The client regime role (Lukashenko), declared: its parameters and its state
(vulnerability, repression, isolation, dependence); it steps after the protests.

Its behaviour is in ``agents/client_regime.py``.
"""

from __future__ import annotations

from sim.roles.base import RoleParams, RoleSpec, StateVar, declare, declare_state


class ClientRegimeParams(RoleParams):
    sovereignty_resistance: float = declare(
        0.7, units="pressure", doc="resistance to concessions that cost sovereignty"
    )
    vulnerability_base: float = declare(0.1, doc="vulnerability with no protest at all")
    protest_sensitivity: float = declare(0.7, doc="vulnerability added by protest at full strength")
    repression_propensity: float = declare(
        0.5, doc="repression applied per unit of protest strength"
    )
    control_insistence: float = declare(
        0.6, doc="how hard the regime insists on controlling delivered systems"
    )
    request_propensity: float = declare(
        0.0,
        doc="chance per month, at full vulnerability, of asking the patron for the next rung "
        "(weapons, troops, exercises) on its own terms; 0 never asks",
    )
    decisiveness: float = declare(
        6.0,
        low=0.5,
        high=30.0,
        units="1/pressure",
        doc="slope of the acceptance curve: how sharply net pressure turns into a yes",
    )
    initial_dependence: float = declare(
        0.3, units="level (0-1)", doc="the regime's dependence on its patron on the start date"
    )
    dependence_half_life_months: float = declare(
        12.0,
        low=0.5,
        high=600.0,
        units="months",
        doc="how long a change in what drives dependence takes to work half-way through",
    )
    dependence_from_vulnerability: float = declare(
        0.6, units="weight", doc="how much of the regime's vulnerability drives its dependence"
    )
    dependence_from_isolation: float = declare(
        0.2, units="weight", doc="how much of the regime's isolation drives its dependence"
    )
    dependence_from_concessions: float = declare(
        0.2,
        units="weight",
        doc="how much the concessions it holds (share of every track's rungs) drive dependence",
    )
    isolation_base: float = declare(
        0.0, units="level (0-1)", doc="isolation from other partners with no repression or posture"
    )
    isolation_from_repression: float = declare(
        0.0, units="weight", doc="isolation added by repression at full strength"
    )
    isolation_from_posture: float = declare(
        0.0, units="weight", doc="isolation added by a watching alliance at full posture"
    )
    outside_option: float = declare(
        0.0,
        units="weight",
        doc="how much a rival patron's presence lowers each patron's leverage over the "
        "regime: leverage x (1 - outside_option x the largest share of recent days a rival's "
        "forces were in the host); 0: a rival changes nothing",
        rivals=True,
    )


SPEC = RoleSpec(
    role="client_regime",
    Params=ClientRegimeParams,
    state=declare_state(
        StateVar("vulnerability", "this month's threat to the regime from the protests"),
        StateVar("repression", "repression applied this month"),
        StateVar("isolation", "isolation from partners other than its patron"),
        StateVar(
            "dependence",
            "dependence on its patron (a stock per patron; with several, on the one it "
            "leans on most: agents/client_regime.py)",
            initial="initial_dependence",
        ),
    ),
    phase=1,
    has_target=False,
    doc=(
        "the regime that hosts: vulnerable to protest, dependent on its patron, resisting "
        "concessions that cost sovereignty"
    ),
)
