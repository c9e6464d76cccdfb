"""The day clock: same-day events in their declared order, whatever order they were
scheduled in, and the SimPy internals it relies on still what it expects (the project
pins SimPy below 5; this says which release broke it if one does)."""

from __future__ import annotations

import simpy

from sim.engine.clock import RANKS, DayClock, rank


def test_the_internals_the_clock_writes_are_simpys():
    env = simpy.Environment(initial_time=3)
    assert env._now == 3 and isinstance(env._queue, list)
    first, second = next(env._eid), next(env._eid)
    assert second == first + 1
    plain = simpy.Timeout(env, 2)
    ours = DayClock(3).at_rank(5, rank("month"))
    # the hand-built timeout has exactly the attributes SimPy's constructor sets (and its rank)
    assert set(vars(ours)) - {"rank"} == set(vars(plain))
    assert (ours._delay, ours._value, ours._ok, ours.callbacks) == (2, None, True, [])


def test_a_ranked_timeout_fires_on_its_day_with_simpys_value():
    env = DayClock()
    seen = []

    def proc():
        value = yield env.at(7, "summit", "a")
        seen.append((env.now, value))

    env.process(proc())
    env.run(until=10)
    assert seen == [(7, None)]


def test_same_day_events_run_by_rank_not_by_the_order_they_were_scheduled():
    for order in (list(RANKS), list(reversed(RANKS))):
        env, fired = DayClock(), []

        for kind in order:
            env.process(_wait(env, kind, fired))
        env.run(until=5)
        assert fired == sorted(RANKS, key=RANKS.get)


def _wait(env: DayClock, kind: str, fired: list[str]):
    yield env.at(4, kind, "x")
    fired.append(kind)


def test_a_day_in_the_past_fires_now():
    env, fired = DayClock(initial_time=9), []

    def proc():
        yield env.at(2, "arrival")
        fired.append(env.now)

    env.process(proc())
    env.run(until=12)
    assert fired == [9]


def test_dropping_what_is_pending_forgets_its_waiters():
    env = DayClock()
    ev = env.at(3, "month")
    env.drop_pending()
    assert env._queue == [] and ev.callbacks is None


def test_same_kind_events_of_one_day_run_by_their_key_then_unranked_ones_after():
    env, fired = DayClock(), []
    for key in ("zeta", "abe", "mid"):
        env.process(_wait_keyed(env, key, fired))
    env.process(_wait_plain(env, fired))
    env.run(until=5)
    assert fired == ["abe", "mid", "zeta", "plain"]


def _wait_keyed(env: DayClock, key: str, fired: list[str]):
    yield env.at(4, "summit", key)
    fired.append(key)


def _wait_plain(env: DayClock, fired: list[str]):
    yield env.timeout(4)  # SimPy's own timeout: no rank, after the ranked events
    fired.append("plain")


def test_a_clock_starts_on_day_zero_in_month_zero():
    env = DayClock()
    assert (env.now, env.today, env.month) == (0, 0, 0)
