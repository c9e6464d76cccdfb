"""The same seed gives the same bytes, whatever the number of workers."""

from __future__ import annotations

import numpy as np

from sim.engine.replicate import seed_sequence
from sim.present.cli import main
from tests.conftest import BELARUS


def test_replicate_seed_is_the_spawned_child():
    spawned = np.random.SeedSequence(42).spawn(6)
    for i in (0, 3, 5):
        assert np.array_equal(seed_sequence(42, i).generate_state(8), spawned[i].generate_state(8))


def test_one_and_two_workers_write_identical_files(tmp_path, capsys):
    for workers in (1, 2):
        code = main(
            [
                "run",
                str(BELARUS),
                "-n",
                "120",
                "--seed",
                "7",
                "--workers",
                str(workers),
                "--out",
                str(tmp_path / f"w{workers}"),
            ]
        )
        assert code == 0
    for name in ("outcomes.parquet", "parameters.parquet"):
        one, two = ((tmp_path / f"w{w}" / name).read_bytes() for w in (1, 2))
        assert one == two, name


def test_a_different_seed_gives_different_draws(tmp_path):
    for seed in (1, 2):
        assert (
            main(
                [
                    "run",
                    str(BELARUS),
                    "-n",
                    "20",
                    "--seed",
                    str(seed),
                    "--workers",
                    "1",
                    "--out",
                    str(tmp_path / f"s{seed}"),
                ]
            )
            == 0
        )
    a, b = ((tmp_path / f"s{s}" / "parameters.parquet").read_bytes() for s in (1, 2))
    assert a != b
