"""A pytest plugin for mutation runs (``tools/mutation.py`` loads it with ``-p``).

mutmut runs each mutant's tests in a process forked from its own, which inherits the
handle of any multiprocessing fork server started earlier in that process without being
the server's parent: checking on the server then fails with "No child processes", and
every test that runs replicates on workers would fail for a reason that has nothing to do
with the mutant (counting it as killed). A fresh handle per test session makes the tests
start their own fork server, as they do in a normal run.
"""

from __future__ import annotations

import multiprocessing.forkserver as forkserver


def pytest_configure(config: object) -> None:
    """Forget any fork server this process did not start itself."""
    fresh = forkserver.ForkServer()
    forkserver._forkserver = fresh
    forkserver.ensure_running = fresh.ensure_running
    forkserver.get_inherited_fds = fresh.get_inherited_fds
    forkserver.connect_to_new_process = fresh.connect_to_new_process
    forkserver.set_forkserver_preload = fresh.set_forkserver_preload
