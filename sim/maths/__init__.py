"""Small numerical helpers with no knowledge of scenarios: clipping and the interval
statistics (Wilson, Kaplan-Meier bands, differences) used by runs and analysis alike. Imports
nothing from the project."""
