"""Sweeps through the command: designs, figures, outcomes and the errors of bad requests.

The sweep's parts on analytic evaluators are in ``tests/test_sweeps.py``."""

from __future__ import annotations

import pytest

from sim.engine.plan import Plan
from sim.present.cli import main
from sim.runs.results import load
from sim.scenario.loader import load as load_scenario
from tests.conftest import BELARUS, ROOT
from tests.helpers import outcomes_of


def test_oat_baseline_point_is_the_plain_run_with_the_same_seeds(tmp_path, capsys):
    out = tmp_path / "oat"
    args = [
        "sweep",
        str(BELARUS),
        "--vary",
        "actors.lukashenko.sovereignty_resistance=0.4:0.9",
        "--vary",
        "actors.protests.initial_strength",
        "--design",
        "oat",
        "--levels",
        "3",
        "-n",
        "60",
        "--seed",
        "9",
        "--workers",
        "1",
        "--out",
        str(out),
    ]
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "factors ranked by swing" in text and "adequacy:" in text
    result = load(out)
    baseline = result.points.loc[0, "estimate"]
    plain = outcomes_of(Plan(load_scenario(BELARUS)), 60, 9)["persistent"].mean()
    assert baseline == plain
    assert (out / "figures" / "tornado.png").is_file()


def test_sweep_file_is_read_relative_to_itself(tmp_path, capsys):
    spec = ROOT / "sweeps" / "belarus_sobol.yaml"
    assert (
        main(
            [
                "sweep",
                str(spec),
                "--design",
                "morris",
                "-N",
                "2",
                "-n",
                "4",
                "--workers",
                "1",
                "--out",
                str(tmp_path / "m"),
            ]
        )
        == 0
    )
    assert "mu*" in capsys.readouterr().out
    assert (tmp_path / "m" / "figures" / "morris.png").is_file()


@pytest.mark.parametrize(
    ("vary", "expected"),
    [
        ("actors.lukashenko.sovereignty=0.1:0.5", "did you mean 'actors.lukashenko.sovereignty"),
        ("actors.kremlin.ambition=0.5:1.5", "must lie in [0, 1]"),
        ("actors.kremlin.ambition=0.9:0.1", "low < high"),
        ("actors.kremlin.ambition=0.1-0.9", "expected PATH=LOW:HIGH"),
    ],
)
def test_bad_sweep_requests_are_clear_errors(tmp_path, capsys, vary, expected):
    code = main(
        [
            "sweep",
            str(BELARUS),
            "--vary",
            vary,
            "--vary",
            "actors.kremlin.support",
            "--out",
            str(tmp_path / "x"),
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    assert not (tmp_path / "x").exists()


def test_a_wrong_factor_is_blamed_where_it_was_written(tmp_path, capsys):
    """A path typed on --vary is a --vary mistake; one in a sweep file is placed on its
    line of that file (neither says '<scenario>')."""
    out = str(tmp_path / "never")
    argv = ["sweep", str(BELARUS), "--vary", "actors.kremlin.ambitionx", "--out", out]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --vary: actors.kremlin.ambitionx: no parameter at this path")
    assert "did you mean 'actors.kremlin.ambition'" in err
    spec = tmp_path / "sweep.yaml"
    spec.write_text(
        f"sweep:\n  scenario: {BELARUS}\n  design: oat\n  vary:\n"
        "    actors.kremlin.ambition: [0.1, 0.5]\n    actors.kremlin.ambitio: [0.1, 0.5]\n"
    )
    assert main(["sweep", str(spec), "--out", out]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {spec}:6:5: sweep.vary.actors.kremlin.ambitio: no parameter")
    assert "<scenario>" not in err and not (tmp_path / "never").exists()


def test_sweep_figures_name_the_outcome_measured(tmp_path, capsys):
    """A sweep of ever_continuous labels every figure with that outcome, not persistence."""
    from sim.present.plots import sweep_figures

    out = tmp_path / "sw"
    argv = ["sweep", str(BELARUS), "--design", "oat", "--levels", "3", "-n", "8"]
    argv += ["--outcome", "ever_continuous", "--vary", "actors.kremlin.ambition"]
    assert main([*argv, "--workers", "1", "--out", str(out)]) == 0
    capsys.readouterr()
    sweep = load(out)
    assert sweep.outcome == "ever_continuous"
    for name, fig in sweep_figures(sweep).items():
        texts = [fig._suptitle.get_text() if fig._suptitle else ""]
        for ax in fig.axes:
            texts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        joined = " ".join(texts)
        assert "persistent" not in joined, (name, joined)
        assert "ever_continuous" in joined or "continuous presence at some point" in joined


def test_a_sweep_can_measure_a_question_and_refuses_what_is_not_there(tmp_path, capsys):
    """--outcome question.ID sweeps a forecast question (each point's estimate is the
    share of its replicates in which the question came true); a name the scenario does
    not have is refused with a hint, on --outcome or on the sweep file's line."""
    out = tmp_path / "q"
    argv = ["sweep", str(BELARUS), "--design", "oat", "--levels", "2", "-n", "16", "--workers"]
    argv += ["1", "--outcome", "question.forces_in_belarus_new_year"]
    argv += ["--vary", "actors.kremlin.ambition"]
    assert main([*argv, "--out", str(out)]) == 0
    capsys.readouterr()
    sweep = load(out)
    assert sweep.outcome == "question.forces_in_belarus_new_year"
    base = sweep.points.iloc[0]
    plan = Plan(load_scenario(BELARUS))
    share = outcomes_of(plan, 16, sweep.manifest["seed"])["question.forces_in_belarus_new_year"]
    assert base["estimate"] == pytest.approx(share.mean())
    bad = [a if a != "question.forces_in_belarus_new_year" else "question.forces_in_belarus"
           for a in argv]  # fmt: skip
    assert main([*bad, "--out", str(tmp_path / "never")]) == 2
    err = capsys.readouterr().err
    assert "--outcome: nothing called 'question.forces_in_belarus'" in err
    assert "did you mean 'question.forces_in_belarus_new_year'" in err
    spec = tmp_path / "s.yaml"
    spec.write_text(
        f"sweep:\n  scenario: {BELARUS}\n  design: oat\n  outcome: judgment.nope\n"
        "  vary:\n    actors.kremlin.ambition: [0.1, 0.5]\n"
    )
    assert main(["sweep", str(spec), "--out", str(tmp_path / "never")]) == 2
    assert f"{spec}:4:3: sweep.outcome: nothing called 'judgment.nope'" in capsys.readouterr().err
