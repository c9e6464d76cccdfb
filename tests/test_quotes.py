"""Quotes in ``source:`` fields are checked against the report's own text (shipped in
reports/): a misquote or a wrong paragraph is an error naming the file and line, with
the report's nearest sentence; every shipped scenario passes."""

from __future__ import annotations

import os

import pytest

from sim.present.cli import main
from sim.scenario.quotes import Report, quotes_of
from tests.conftest import BELARUS, ROOT, SCENARIOS

REPORT = ROOT / "reports" / "isw-2020-09-16-belarus-warning-update.txt"


@pytest.fixture(scope="module")
def report() -> Report:
    return Report.read(REPORT)


def test_the_report_splits_into_its_paragraphs_and_footnotes(report):
    """Six body paragraphs (¶5 runs on over the page break before 'Slavic Brotherhood'),
    thirteen footnotes; fn11 holds the sentence its marker stands on."""
    assert len(report.paragraphs) == 6 and len(report.footnotes) == 13
    assert report.paragraphs[5].startswith("Moscow will likely sustain")
    assert "in Belarus for Slavic Brotherhood 2020 exercises" in report.paragraphs[5]
    assert "next monthly Belarusian-Russian military exercise" in report.footnotes[11]
    assert report.paragraphs[1].startswith("The Kremlin qualified")


def test_quotes_are_read_with_their_references():
    """Each quote belongs to the nearest reference before it; a range names each
    footnote in it; an escaped quote is a quote inside a quote."""
    source = r'¶1: "said he asked \"for weapons\"" and fn4–fn6: "A" ¶2: "B ... C"'
    assert quotes_of(source) == [
        (("¶", 1), 'said he asked "for weapons"'),
        ((("fn", 4), ("fn", 5), ("fn", 6)), "A"),
        (("¶", 2), "B ... C"),
    ]
    assert quotes_of('no reference: "x"') == [(None, "x")]


def planted(tmp_path, old: str, new: str):
    """The Belarus scenario with one source changed, beside a copy of the report."""
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / REPORT.name).write_text(REPORT.read_text(encoding="utf-8"))
    (tmp_path / "scenarios").mkdir()
    text = BELARUS.read_text(encoding="utf-8")
    assert text.count(old) >= 1
    path = tmp_path / "scenarios" / BELARUS.name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    line = text[: text.index(old)].count("\n") + 1
    return path, line


def test_a_planted_misquote_is_an_error_naming_file_line_and_nearest_sentence(tmp_path, capsys):
    path, line = planted(
        tmp_path, '"The Kremlin will likely continue', '"The Kremlin will surely continue'
    )
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:{line}:" in err and "actors[0].params.ambition.source" in err
    assert "is not in ¶4 or anywhere in the report" in err
    assert 'nearest: "The Kremlin will likely continue leveraging' in err


def test_a_wrong_paragraph_is_an_error_saying_where_the_quote_is(tmp_path, capsys):
    old = "'¶3: \"Lukashenko previously rejected S-400 systems in Belarus in February 2020.\"'"
    path, _ = planted(tmp_path, old, old.replace("¶3", "¶2"))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "is not in ¶2; it is in ¶3" in err
    assert main(["validate", "--lenient", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.err.startswith("warning: ") and "is not in ¶2" in captured.err
    assert ": ok (" in captured.out


def test_a_paragraph_the_report_does_not_have_is_named(tmp_path, capsys):
    old = "'¶3: \"Lukashenko previously rejected S-400 systems in Belarus in February 2020.\"'"
    path, _ = planted(tmp_path, old, old.replace("¶3", "¶9"))
    assert main(["validate", str(path)]) == 2
    assert "the report has no ¶9" in capsys.readouterr().err


def test_a_missing_report_text_is_named(tmp_path, capsys):
    path, _ = planted(tmp_path, "report: ../reports/", "report: ../nowhere/")
    assert main(["validate", str(path)]) == 2
    assert "no such report text" in capsys.readouterr().err


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_scenario_passes_or_says_why_it_is_not_checked(path, capsys):
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "quotes found in" in out or "quotes not checked: the sources are" in out
    if "quotes found in" in out:
        found, total = out.split("; ")[-1].split(" quotes")[0].split(" of ")
        assert found == total and int(total) > 50


def test_a_file_extending_a_scenario_elsewhere_checks_the_quotes_against_its_report(
    tmp_path, capsys
):
    """metadata.report is relative to the file that wrote it (the Belarus scenario), not
    to the file that extends it from another folder (as calibrate's calibrated.yaml
    does)."""
    overlay = tmp_path / "deep" / "down" / "variant.yaml"
    overlay.parent.mkdir(parents=True)
    rel = os.path.relpath(BELARUS, overlay.parent)
    overlay.write_text(f"extends: {rel}\nmetadata:\n  name: a variant elsewhere\n")
    assert main(["validate", str(overlay)]) == 0, capsys.readouterr().err
    assert "quotes found in ../reports/isw-2020-09-16" in capsys.readouterr().out
