"""The ``wargame`` command: a thin shell over the library (the verbs are in
:mod:`sim.present.commands`).

User mistakes (a bad scenario or other input file, a bad option value, an existing output
folder) print one clear message and exit with status 2; a failed run exits with 3, an
interrupted one with 130, each saying how to resume; when the reader of the output goes
away (``wargame run ... | head``) it stops quietly with 141, as a shell tool killed by
SIGPIPE does. ``--debug`` shows the traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from sim.present.commands import build_parser
from sim.present.commands.running import EXIT_RUN_FAILED, EXIT_USER_ERROR, CommandExit
from sim.scenario.errors import (
    NoForecast,
    ReplicateFailure,
    RunFailed,
    ScenarioError,
    UsageError,
)

EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    args.argv = argv
    try:
        return args.func(args)
    except CommandExit as e:
        return e.code
    except (ScenarioError, UsageError, NoForecast) as e:
        if args.debug:
            raise
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print(
            "interrupted; finished work is kept and can be resumed with --resume", file=sys.stderr
        )
        return 130
    except (ReplicateFailure, RunFailed) as e:
        if args.debug:
            raise
        print(f"error: {e}\n  finished work is kept; resume with --resume", file=sys.stderr)
        return EXIT_RUN_FAILED
    except BrokenPipeError:
        # The reader went away (`wargame run ... | head`): say nothing more, as cat does.
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except OSError as e:
        if args.debug:
            raise
        print(f"error: {e.strerror or e}: {e.filename or ''}".rstrip(": "), file=sys.stderr)
        return EXIT_USER_ERROR


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
