"""Quotes in ``source:`` fields are checked against the report's own text (shipped in
reports/): a misquote or a wrong paragraph is an error naming the file and line, with
the report's nearest sentence; every shipped scenario passes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sim.present.cli import main
from sim.scenario.quotes import (
    Report,
    _contains,
    _misquote,
    _nearest,
    check_sources,
    normalise,
    quotes_of,
)
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


# ----------------------------------------------------------------- a report written by hand

TOY_REPORT = """Warning Update

By A. Writer

Moscow wants bases. It has asked twice¹ and will ask
again before winter.²

Minsk refuses. Minsk refuses bases³ but not drills. Short one⁴ abc.⁵

¹ First note.

² Second note.

³ Third note, which runs

over a page break.

⁴ Fourth note.

⁵ Fifth note.
"""


@pytest.fixture
def toy_report(tmp_path) -> Report:
    path = tmp_path / "report.txt"
    path.write_text(TOY_REPORT, encoding="utf-8")
    return Report.read(path)


def test_a_hand_written_report_splits_as_its_layout_says(toy_report):
    """The body starts after the byline; a paragraph cut mid-sentence runs on into the
    next block; a footnote runs over the blocks after it; each footnote carries the
    sentence its marker stands on."""
    r = toy_report
    assert r.paragraphs == {
        1: "Moscow wants bases. It has asked twice¹ and will ask again before winter.²",
        2: "Minsk refuses. Minsk refuses bases³ but not drills. Short one⁴ abc.⁵",
    }
    assert r.footnotes[3] == "³ Third note, which runs over a page break.", (
        "a footnote continued over a page break must stay one footnote, joined by a space"
    )
    assert r.footnotes[2] == "It has asked twice¹ and will ask again before winter.² ² Second note."
    assert r.footnotes[1] == "¹ First note.", "a marker inside a sentence carries nothing"
    assert r.footnotes[5] == "Short one⁴ abc.⁵ ⁵ Fifth note.", (
        "the sentence ending in marker 5 belongs to footnote 5, although an earlier "
        "marker (4) stands close before its end"
    )
    assert r.whole.startswith("Moscow wants bases.") and "winter.² Minsk refuses." in r.whole


def test_a_report_without_a_byline_starts_at_its_first_block(tmp_path):
    path = tmp_path / "plain.txt"
    path.write_text("One paragraph.\n\nAnother one.\n", encoding="utf-8")
    assert Report.read(path).paragraphs == {1: "One paragraph.", 2: "Another one."}


def test_a_two_digit_footnote_marker_is_its_number(tmp_path):
    path = tmp_path / "many.txt"
    path.write_text("A claim.¹²\n\n¹² The twelfth note.\n", encoding="utf-8")
    assert Report.read(path).footnotes == {12: "A claim.¹² ¹² The twelfth note."}


def test_every_quote_of_a_source_is_kept_with_its_reference():
    source = '"first" and "second", then ¶2: "third"; fn4–fn5: "fourth"'
    assert quotes_of(source) == [
        (None, "first"),
        (None, "second"),
        (("¶", 2), "third"),
        ((("fn", 4), ("fn", 5)), "fourth"),
    ]


@pytest.mark.parametrize(
    ("quote", "found"),
    [
        ("wants bases ... before winter", True),
        ("before winter ... wants bases", False),  # fragments must come in order
        ("... asked twice", True),
        ("... never said", False),  # an empty first fragment does not end the check
        ("MOSCOW WANTS   BASES", True),  # case and spacing do not matter
    ],
)
def test_a_quote_is_found_fragment_by_fragment_in_order(toy_report, quote, found):
    assert _contains(toy_report.paragraphs[1], quote) is found


def test_misquotes_say_where_the_words_are(toy_report):
    assert _misquote(toy_report, ("¶", 1), "wants bases") is None
    assert _misquote(toy_report, ("¶", 2), "wants bases") == (
        '"wants bases" is not in ¶2; it is in ¶1'
    )
    assert _misquote(toy_report, ("¶", 9), "wants bases") == "the report has no ¶9"
    assert _misquote(toy_report, (("fn", 4), ("fn", 5)), "fifth note") is None
    assert _misquote(toy_report, None, "refuses bases") is None
    message = _misquote(toy_report, None, "minsk accepts bases")
    assert message == '"minsk accepts bases" is not in the report; nearest: "Minsk refuses."'


def test_a_quote_in_two_paragraphs_names_both(tmp_path):
    path = tmp_path / "twice.txt"
    path.write_text("Bases again.\n\nOther text.\n\nBases again.\n", encoding="utf-8")
    r = Report.read(path)
    assert _misquote(r, ("¶", 2), "bases again") == ('"bases again" is not in ¶2; it is in ¶1, ¶3')


def test_check_sources_counts_every_quote(toy_report):
    data = {"a": {"source": '"refuses"; ¶1: "wants bases"'}, "b": [{"source": '¶2: "winter"'}]}
    problems, total = check_sources(data, toy_report)
    assert total == 3
    assert problems == [(("b", 0, "source"), '"winter" is not in ¶2; it is in ¶1')]


def test_a_report_with_no_sentences_has_no_nearest(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("By nobody\n", encoding="utf-8")
    assert _nearest(Report.read(path), "anything") == ""


def test_the_report_is_read_as_utf8_whatever_the_locale(tmp_path, monkeypatch):
    """On a machine whose default encoding is ASCII the report still reads: its ¶ signs,
    typographic quotes and footnote markers are UTF-8 whatever the locale says (reading
    without naming the encoding is simulated by decoding as ASCII)."""
    path = tmp_path / "report.txt"
    path.write_text(TOY_REPORT, encoding="utf-8")

    def read_text(self, encoding=None, errors=None):
        return self.read_bytes().decode(encoding or "ascii", errors or "strict")

    monkeypatch.setattr(Path, "read_text", read_text)
    assert len(Report.read(path).footnotes) == 5


def test_text_is_compared_without_case_spacing_typography_or_markers():
    assert normalise("“Bases”  ‘now’ – then — Moscow¹²") == "\"bases\" 'now' - then - moscow"


def test_misquotes_name_every_reference_and_the_nearest_sentence_without_markers(toy_report):
    r = toy_report
    assert _misquote(r, (("fn", 1), ("fn", 2)), "refuses bases") == (
        '"refuses bases" is not in fn1, fn2; it is in ¶2'
    )
    assert _misquote(r, (("¶", 8), ("¶", 9)), "bases") == "the report has no ¶8, ¶9"
    assert _misquote(r, ("¶", 1), "fifth note") == '"fifth note" is not in ¶1', (
        "a quote found only in a footnote has no paragraph to name"
    )
    assert _misquote(r, None, "it has asked three times") == (
        '"it has asked three times" is not in the report; nearest: '
        '"It has asked twice and will ask again before winter."'
    )
