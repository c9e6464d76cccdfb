"""A pytest plugin for mutation runs (``tools/mutation.py`` loads it with ``-p``).

mutmut runs each mutant's tests in a process forked from its own, which inherits the
handle of any multiprocessing fork server started earlier in that process without being
the server's parent: checking on the server then fails with "No child processes", and
every test that runs replicates on workers would fail for a reason that has nothing to do
with the mutant (counting it as killed). A fresh handle per test session makes the tests
start their own fork server, as they do in a normal run.

mutmut also credits a function to the one test during which it ran, and a module-scoped
fixture runs during the first test that asks for it: the other tests of that fixture
never run against mutants of the functions it calls (a summary checked by ten tests was
judged by the first). So a mutant's tests are widened to the whole files they are in,
where those files share such a fixture.
"""

from __future__ import annotations

import multiprocessing.forkserver as forkserver
from collections.abc import Callable
from pathlib import Path
from typing import Any


def shares_a_fixture(file: str) -> bool:
    """Whether a test file defines a fixture its tests share (module or session scope)."""
    try:
        text = Path(file).read_text()
    except OSError:
        return False
    return 'scope="module"' in text or 'scope="session"' in text


def whole_files(args: list[str], shares: Callable[[str], bool] = shares_a_fixture) -> list[str]:
    """Test ids of a file whose tests share fixtures widened to the file
    (``tests/a.py::t[1]`` -> ``tests/a.py``), each once, in order; other ids as they are
    (a file of independent tests keeps its precision: some tests take half a minute).
    Each file is looked at once."""
    sharing: dict[str, bool] = {}
    out: list[str] = []
    for arg in args:
        file = arg.split("::", 1)[0]
        if file not in sharing:
            sharing[file] = shares(file)
        item = file if sharing[file] else arg
        if item not in out:
            out.append(item)
    return out


def pytest_configure(config: Any) -> None:
    """Forget any fork server this process did not start itself; run the whole files of
    the tests asked for."""
    config.args[:] = whole_files(config.args)
    fresh = forkserver.ForkServer()
    forkserver._forkserver = fresh
    forkserver.ensure_running = fresh.ensure_running
    forkserver.get_inherited_fds = fresh.get_inherited_fds
    forkserver.connect_to_new_process = fresh.connect_to_new_process
    forkserver.set_forkserver_preload = fresh.set_forkserver_preload
