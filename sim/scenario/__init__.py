"""A scenario as data: the YAML schema, its loader, parameter specs with their estimative
words, the calendar, and the errors a user sees. May import only `agents` (role parameters) and
`sim.maths`."""
