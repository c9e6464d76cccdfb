"""One replicate, end to end: the plan and draws from a scenario, the Mesa model of the
actors, the SimPy operations on a day clock, the ledger, and the outcomes it yields. May import
`sim.scenario`, `agents` and `sim.maths`, never runs, analysis or presentation."""
