"""The names a scenario's numbers go by, built in one place.

*Parameter paths* name a drawn value in the parameter table (``actors.kremlin.ambition``,
``injects.<name>.probability``); *result columns* name a replicate's answer in the
outcome table (``judgment.<id>``, ``rung.<track>``). Every module that makes or reads one
calls these, so a name is spelled once.
"""

from __future__ import annotations

# ---------------------------------------------------------------------- parameter paths


def actor_param(actor: str, param: str) -> str:
    """An actor's role parameter: ``actors.<actor>.<param>``."""
    return f"actors.{actor}.{param}"


def start_rung(actor: str, rung: str) -> str:
    """A concession in place on the start date: ``actors.<actor>.start_rung.<rung>``."""
    return f"actors.{actor}.start_rung.{rung}"


def start_conceded(actor: str, rung: str) -> str:
    """Whether that concession is in place (its drawn indicator)."""
    return start_rung(actor, rung) + ".conceded"


def inject_probability(inject: str) -> str:
    """The chance an inject fires: ``injects.<name>.probability``."""
    return f"injects.{inject}.probability"


def inject_param(inject: str, param: str) -> str:
    """A parameter an inject sets: ``injects.<name>.params.<param>``."""
    return f"injects.{inject}.params.{param}"


def reading_param(reading: str) -> str:
    """Which option of a reading a replicate runs (its drawn index): ``readings.<name>``."""
    return f"readings.{reading}"


def is_reading_param(path: str) -> bool:
    """Whether a parameter path is a reading's (:func:`reading_param`)."""
    return path.startswith("readings.")


def summit_accept(summit: str) -> str:
    """A summit's fixed chance of the client's accepting."""
    return f"operations.summits.{summit}.accept_probability"


# ---------------------------------------------------------------------- result columns


def patron_outcome(outcome: str, patron: str) -> str:
    """An outcome of one patron alone (a column, in a scenario with several patrons)."""
    return f"{outcome}.{patron}"


def outcome_parts(column: str) -> tuple[str, str | None]:
    """An outcome column's outcome and patron (None: any patron's)."""
    outcome, _, patron = column.partition(".")
    return outcome, patron or None


def judgment(jid: str) -> str:
    return f"judgment.{jid}"


def judgment_given(jid: str) -> str:
    """Whether a conditional judgment's condition held."""
    return f"judgment.{jid}.given"


def question(qid: str) -> str:
    return f"question.{qid}"


def observation(oid: str) -> str:
    return f"observation.{oid}"


def reading(name: str) -> str:
    """Which option of a reading a replicate ran (a column)."""
    return f"reading.{name}"


def rung(track: str) -> str:
    """The rung held on `track` at the horizon (a column) or each month (a state column)."""
    return f"rung.{track}"


def is_rung(column: str) -> bool:
    """Whether a state column is a rung (:func:`rung`), not an actor's variable."""
    return column.startswith("rung.")


def rung_track(column: str) -> str:
    """The track a rung column is of."""
    return column.removeprefix("rung.")


def highest(track: str) -> str:
    """The highest rung ever reached on `track`."""
    return f"highest.{track}"
