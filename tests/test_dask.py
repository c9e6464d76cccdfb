"""A Dask cluster gives byte-identical results to the local process pool."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.present.cli import main
from tests.conftest import BELARUS, ROOT, small_sweep

distributed = pytest.importorskip("distributed")
TABLES = ("outcomes", "parameters", "trajectories", "events", "bands")


pytestmark = pytest.mark.dask


@pytest.fixture(scope="module")
def cluster():
    """Two worker processes on loopback, torn down after the tests."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as c:
        yield c


def on_cluster(cluster) -> list[str]:
    return ["--executor", "dask", "--scheduler", cluster.scheduler_address]


def test_dask_cluster_matches_the_process_pool_byte_for_byte(tmp_path, cluster, capsys):
    args = ["run", str(BELARUS), "-n", "400", "--seed", "31", "--chunk-size", "50"]
    assert main([*args, "--workers", "2", "--out", str(tmp_path / "pool")]) == 0
    assert main([*args, *on_cluster(cluster), "--out", str(tmp_path / "dask")]) == 0
    for table in TABLES:
        name = f"{table}.parquet"
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "pool" / name).read_bytes()


def test_dask_sweep_matches_local(tmp_path, cluster, capsys):
    args = small_sweep(levels=3, replicates=20)
    assert main([*args, "--workers", "1", "--out", str(tmp_path / "local")]) == 0
    assert main([*args, *on_cluster(cluster), "--out", str(tmp_path / "dask")]) == 0
    local = (tmp_path / "local" / "points.parquet").read_bytes()
    assert (tmp_path / "dask" / "points.parquet").read_bytes() == local


def test_scheduler_without_dask_executor_is_a_clear_error(tmp_path, capsys):
    assert (
        main(
            [
                "run",
                str(BELARUS),
                "-n",
                "5",
                "--scheduler",
                "tcp://127.0.0.1:1",
                "--out",
                str(tmp_path / "x"),
            ]
        )
        == 2
    )
    assert "--scheduler needs --executor dask" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_dask_calibration_gives_the_same_posterior(tmp_path, cluster, capsys):
    toy = ROOT / "tests" / "fixtures" / "toy_calibration.yaml"
    args = ["calibrate", str(toy), "-n", "1500", "--check-replicates", "300"]
    assert main([*args, "--workers", "1", "--out", str(tmp_path / "local")]) == 0
    assert main([*args, *on_cluster(cluster), "--out", str(tmp_path / "dask")]) == 0
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "local" / "posterior.parquet"),
        pd.read_parquet(tmp_path / "dask" / "posterior.parquet"),
        check_exact=True,
    )
