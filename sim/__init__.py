"""wargame's engine: scenarios, the operations layer, Monte Carlo and outcomes."""

__version__ = "0.1.0"
