"""Calibration through the command and what reads its folder: the written files and
figures, clear errors, overlays, the report, ``plot``, ``discover`` and ``score``.

The calibration's own guarantees on the toy are in ``tests/test_calibrate.py``."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest

from sim.analysis.calibration import calibrate
from sim.present.cli import main
from sim.scenario.loader import load
from tests.test_calibrate import FAST, TOY


@pytest.fixture(scope="module")
def likely(tmp_path_factory) -> tuple[dict, Path]:
    """The toy calibrated to its 'likely' judgment (see ``tests/test_calibrate.py``)."""
    out = tmp_path_factory.mktemp("likely") / "cal"
    return calibrate(TOY, out, FAST), out


def test_an_overlay_elsewhere_finds_the_posterior_beside_the_file_that_names_it(
    likely, tmp_path, capsys
):
    """Paths in a file are relative to that file: an overlay in another folder that
    extends a calibrated.yaml reads the posterior beside calibrated.yaml, not beside
    itself (and the calibrated file says which format it is written in)."""
    _, out = likely
    assert (out / "calibrated.yaml").read_text().count("format: 3") == 1
    elsewhere = tmp_path / "analyst" / "variants"
    elsewhere.mkdir(parents=True)
    overlay = elsewhere / "what_if.yaml"
    rel = os.path.relpath(out / "calibrated.yaml", elsewhere)
    overlay.write_text(f"extends: {rel}\nmetadata:\n  name: what if\n")
    assert main(["validate", str(overlay)]) == 0, capsys.readouterr().err
    assert load(overlay).posterior.file == str((out / "posterior.parquet").resolve())


def test_cli_calibrate_writes_the_folder_and_figures(tmp_path, capsys):
    out = tmp_path / "cal"
    code = main(["calibrate", str(TOY), "--out", str(out), "-n", "2000", "--workers", "1"])
    assert code == 0
    text = capsys.readouterr().out
    assert "effective sample size" in text and "granted" in text
    for name in ("posterior.parquet", "calibrated.yaml", "calibration.json"):
        assert (out / name).is_file()
    assert (out / "figures" / "calibration_targets.png").is_file()
    code = main(["run", str(out / "calibrated.yaml"), "-n", "200", "--out", str(tmp_path / "r")])
    assert code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--free", "actors.patron.ambitoin"], "did you mean 'actors.patron.ambition'"),
        (["--free", "actors.patron.ambition"], "is a fixed value"),
        (["--cutoff", "-1"], "must be a positive number"),
        (["--as-of", "Sept 2020"], "expected a date"),
    ],
)
def test_cli_calibrate_mistakes_get_a_clear_message(tmp_path, capsys, args, message):
    bad_option = "--cutoff" in args or "--as-of" in args  # argparse exits with status 2
    with pytest.raises(SystemExit) if bad_option else contextlib.nullcontext():
        assert main(["calibrate", str(TOY), "--out", str(tmp_path / "c"), *args]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "c" / "posterior.parquet").exists()


def test_the_report_of_a_calibration_has_its_section(likely, tmp_path):
    from sim.present.report import render

    _, out = likely
    html = render(out)
    assert 'id="calibration"' in html and "granted" in html
    assert "Calibration: the judgments before and after" in html


def test_plot_on_a_calibration_folder_draws_its_figures(likely, capsys):
    _, out = likely
    assert main(["plot", str(out)]) == 0
    printed = capsys.readouterr().out.split()
    assert str(out / "figures" / "calibration_targets.png") in printed
    assert (out / "figures" / "calibration_marginals.svg").stat().st_size > 5_000


def test_a_calibration_folder_loads_as_one_and_is_refused_where_a_run_is_needed(likely, capsys):
    import sim.results

    _, out = likely
    loaded = sim.results.load(out)
    assert isinstance(loaded, sim.results.CalibrationResult) and loaded.report.ess > 0
    assert main(["discover", str(out)]) == 2
    err = capsys.readouterr().err
    assert "discover works on a run or a sweep folder; this is a calibration folder" in err
    assert main(["score", str(out), "--resolutions", str(out / "calibrated.yaml")]) == 2
    assert "score works on a run or a batch folder" in capsys.readouterr().err
