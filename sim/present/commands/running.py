"""What every command that runs replicates does the same way.

``run``, ``batch``, ``sweep`` and ``calibrate`` (and any command added later that runs
replicates) go through one :class:`Session`, so they agree on:

* **the executor**: ``--workers``, ``--executor`` and ``--scheduler``, started first thing
  so a local pool's fork server imports the engine while the command reads its scenario;
* **the output folder**: ``--resume DIR``, else ``--out``, else ``results/<name>-<time>``;
* **progress**: one bar per phase, on a terminal only (nothing when piped or under CI);
* **failures**: an interruption, a failed replicate, a dead worker or a full disk keeps
  the finished work and prints the exact command that resumes it;
* **figures**: saved as PNG and SVG under the folder, and listed.

A :class:`CommandExit` carries the exit status of a command stopped that way up to
:func:`sim.present.cli.main`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.scenario.errors import ReplicateFailure, RunFailed, UsageError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from sim.runs.executor import Executor

EXIT_USER_ERROR = 2
EXIT_RUN_FAILED = 3
EXIT_INTERRUPTED = 130

Update = Callable[[int], None]


class CommandExit(Exception):
    """A command stopped after saying why; ``code`` is its exit status."""

    def __init__(self, code: int):
        super().__init__(code)
        self.code = code


def start_executor(args: argparse.Namespace, module: str) -> Executor:
    """The executor the options ask for, its workers getting ready to run `module`'s
    functions (see :func:`sim.runs.executor.start_server`)."""
    from sim.runs.executor import Executor

    if args.scheduler and args.executor != "dask":
        raise UsageError("--scheduler needs --executor dask")
    executor = Executor(workers=args.workers, kind=args.executor, scheduler=args.scheduler)
    return executor.start([module])


def output_folder(args: argparse.Namespace, default: Callable[[], Path]) -> Path:
    """``--resume DIR``, else ``--out``, else the command's `default` (called only then)."""
    given = getattr(args, "resume", None) or getattr(args, "out", None)
    return Path(given) if given else default()


def resume_command(argv: Sequence[str], out: Path) -> str:
    """The command line that resumes `out`: the same arguments, ``--out`` and any earlier
    ``--resume`` replaced by ``--resume OUT``."""
    kept: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg in ("--out", "--resume"):
            skip = True
            continue
        if arg.startswith(("--out=", "--resume=")):
            continue
        kept.append(arg)
    return " ".join(["wargame", *kept, "--resume", str(out)])


class Bar:
    """A progress bar on a terminal (tqdm, cleared when done): call it with how many
    items finished. It closes itself when its count reaches its total, so a finished
    phase leaves nothing on the screen."""

    def __init__(self, total: int, desc: str, unit: str):
        from tqdm import tqdm

        self.total = total
        self._bar: Any = tqdm(total=total, unit=unit, desc=desc, leave=False)

    def __call__(self, k: int) -> None:
        if self._bar is not None:
            self._bar.update(k)
            if self._bar.n >= self.total:
                self.close()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def progress_bar(total: int, desc: str = "replicates", unit: str = "rep"):
    """(update, close) of a :class:`Bar` on a terminal; (None, no-op) when output is
    piped (or under CI), where bars would only clutter a log."""
    if not sys.stderr.isatty():
        return None, lambda: None
    bar = Bar(total, desc, unit)
    return bar, bar.close


class Session:
    """One command's executor and progress bars; see the module docstring.

    Phases run one after another, so a new bar closes the one before it; what a command
    prints while its session is open goes through :meth:`say`, which clears the bar
    first, so results never land inside an unfinished bar."""

    def __init__(self, args: argparse.Namespace, module: str, work: str):
        self.args, self.work = args, work
        #: The folder being written, once the command knows it (for the resume command).
        self.out: Path | None = None
        self.executor = start_executor(args, module)
        self._close_bar: Callable[[], None] = lambda: None

    def bar(self, total: int, desc: str = "replicates", unit: str = "rep") -> Update | None:
        """A progress bar for `total` items (the previous one closed)."""
        self._close_bar()
        update, self._close_bar = progress_bar(total, desc, unit)
        return update

    def phase(self, name: str, todo: int, unit: str = "replicates") -> Update | None:
        """Announce a phase of `todo` replicates (or other `unit`s: rows screened, ...) and
        give it a bar."""
        verb = "run" if unit == "replicates" else "do"
        self.say(f"{name}: {todo:,} {unit} to {verb}", file=sys.stderr)
        return self.bar(todo, name, "rep" if unit == "replicates" else unit)

    def say(self, text: str, file: Any = None) -> None:
        """Print `text` (to stdout unless `file`), after clearing any bar."""
        self._close_bar()
        print(text, file=file or sys.stdout, flush=True)

    def close(self) -> None:
        self._close_bar()
        self.executor.close()

    @property
    def resume(self) -> str:
        if self.out is None:
            return "the same command, with --resume and the output folder"
        return resume_command(self.args.argv, self.out)


@contextmanager
def session(args: argparse.Namespace, module: str, work: str) -> Iterator[Session]:
    """A :class:`Session` whose failures end the command with the resume command printed.

    The executor starts first: `module` is what its workers will run. `work` names what an
    interruption keeps ("chunks", "waves", "points"). Set ``session.out`` to the folder
    being written as soon as it is known.
    """
    s = Session(args, module, work)
    try:
        yield s
    except KeyboardInterrupt:
        s.close()
        _say(f"interrupted; finished {work} are kept. Resume with:\n  {s.resume}")
        raise CommandExit(EXIT_INTERRUPTED) from None
    except ReplicateFailure as e:
        if args.debug:
            raise
        replay = f"\n  replay it alone: wargame replay {e.folder} --replicate {e.index}"
        _say(
            f"error: {e}{replay if e.folder else ''}\n  the other {work} are kept; "
            f"resume with: {s.resume}"
        )
        raise CommandExit(EXIT_RUN_FAILED) from None
    except RunFailed as e:
        if args.debug:
            raise
        _say(f"error: {e}\n  finished {work} are kept; resume with: {s.resume}")
        raise CommandExit(EXIT_RUN_FAILED) from None
    except OSError as e:
        if args.debug:
            raise
        _say(
            f"error: cannot write the results: {e.strerror or e} ({e.filename or s.out})"
            f"\n  finished {work} are kept; once fixed, resume with: {s.resume}"
        )
        raise CommandExit(EXIT_USER_ERROR) from None
    finally:
        s.close()


def _say(text: str) -> None:
    print(text, file=sys.stderr)


def save_figures(figs: dict[str, Figure], folder: Path, each: bool = False) -> list[Path]:
    """Save `figs` under `folder` (PNG and SVG) and say where: one line naming the PNGs,
    or with `each`, every file written on a line of its own (for scripts)."""
    from sim.present.plots import save

    written = save(figs, folder)
    if each:
        for path in written:
            print(path)
    elif written:
        print(f"figures: {', '.join(str(p) for p in written if p.suffix == '.png')}")
    return written
