"""Every quoted passage in a scenario's ``source:`` fields, checked against the report's
own text.

A scenario names its report with ``metadata.report`` (a text file, relative to the
scenario's folder). The report is split into passages: ``¶N`` is its N-th body paragraph
(the byline and title excluded; a block that stops mid-sentence, as at a page break,
runs on into the next), ``fnN`` is the sentence that carries footnote marker N together
with footnote N's own text. In a ``source:``, a quote is the text between double quotes
(straight or typographic; ``\\"`` is a quote inside a quote), split at ellipses into
fragments that must occur in that order. Each quote belongs to the nearest ``¶N`` or
``fnN`` reference before it in the same source (``fn4–fn7`` names four), and must be in
that passage; with no reference before it, anywhere in the report.

Text is compared after normalising whitespace, typographic quotes and apostrophes, and
case, and after removing footnote markers. A misquote names the scenario file, the line
of its ``source:``, the quote, and the report's nearest sentence.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_MARKER = re.compile(f"[{_SUPERSCRIPT}]+")
_QUOTE = re.compile(r'"((?:[^"\\]|\\.)*)"')
_REF = re.compile(r"(¶|fn)\s*(\d+)(?:\s*[–-]\s*(?:¶|fn)?\s*(\d+))?")
_ELLIPSIS = re.compile(r"\.\.\.|…")
_SENTENCE_END = (".", "?", "!", '"', ":")


def normalise(text: str) -> str:
    """Lower case, straight quotes and apostrophes, one space between words, no
    footnote markers."""
    for a, b in (("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'"), ("–", "-"), ("—", "-")):
        text = text.replace(a, b)
    text = _MARKER.sub("", text)
    return " ".join(text.split()).lower()


def _superscript(n: int) -> str:
    return "".join(_SUPERSCRIPT[int(d)] for d in str(n))


@dataclass(frozen=True)
class Report:
    """A report's passages: paragraphs by number, footnotes (with the sentences that
    carry their markers) by number, and the whole text."""

    paragraphs: dict[int, str]
    footnotes: dict[int, str]
    whole: str
    sentences: list[str]

    @classmethod
    def read(cls, path: Path) -> Report:
        blocks = [b.strip() for b in path.read_text(encoding="utf-8").split("\n\n")]
        blocks = [" ".join(b.split()) for b in blocks if b.strip()]
        body, notes = _split(blocks)
        paragraphs = dict(enumerate(body, 1))
        footnotes: dict[int, str] = {}
        for note in notes:
            n = int("".join(str(_SUPERSCRIPT.index(c)) for c in _MARKER.match(note).group()))
            footnotes[n] = note
        for n in footnotes:  # the sentence a marker stands on belongs to its footnote
            mark = _superscript(n)
            carrying = [s for p in body for s in _sentences(p) if _ends_with_marker(s, mark)]
            footnotes[n] = " ".join([*carrying, footnotes[n]])
        whole = " ".join(body + notes)
        sentences = [s for p in body for s in _sentences(p)]
        return cls(paragraphs, footnotes, whole, sentences)

    def passage(self, kind: str, n: int) -> str | None:
        return (self.paragraphs if kind == "¶" else self.footnotes).get(n)


def _split(blocks: list[str]) -> tuple[list[str], list[str]]:
    """(body paragraphs, footnotes) from the text's blocks: the body starts after the
    byline; a footnote starts with a superscript number and may run over several blocks;
    a body block that ends mid-sentence continues into the next (one that ends with a
    full stop and a footnote marker does not)."""
    start = next((i + 1 for i, b in enumerate(blocks) if b.startswith("By ")), 0)
    body: list[str] = []
    notes: list[str] = []
    for block in blocks[start:]:
        if _MARKER.match(block):
            notes.append(block)
        elif notes:
            notes[-1] += " " + block
        elif body and not body[-1].rstrip(_SUPERSCRIPT).endswith(_SENTENCE_END):
            body[-1] += " " + block
        else:
            body.append(block)
    return body, notes


def _sentences(paragraph: str) -> list[str]:
    """A paragraph's sentences, each with the quote marks and footnote markers after its
    full stop."""
    found = re.findall(rf'\S.*?[.?!]["”{_SUPERSCRIPT}]*(?=\s|$)', paragraph)
    return found or [paragraph]


def _ends_with_marker(sentence: str, mark: str) -> bool:
    m = re.search(f"[{_SUPERSCRIPT}]+", sentence[-6:])
    return bool(m) and m.group() == mark


def quotes_of(source: str) -> list[tuple[tuple[str, int] | None, str]]:
    """Each quote of a ``source:`` with the reference it belongs to (None: none before)."""
    refs = [(m.start(), m) for m in _REF.finditer(source)]
    out = []
    for q in _QUOTE.finditer(source):
        before = [m for at, m in refs if at < q.start()]
        text = q.group(1).replace('\\"', '"')
        if not before:
            out.append((None, text))
            continue
        m = before[-1]
        kind, first, last = m.group(1), int(m.group(2)), int(m.group(3) or m.group(2))
        for n in range(first, last + 1):
            out.append(((kind, n), text))
    return _one_per_quote(out)


def _one_per_quote(items: list) -> list:
    """A quote under a range of references (fn4-fn7) need only be in one of them: keep
    the items grouped, the checker tries each."""
    grouped: dict[str, list] = {}
    for ref, text in items:
        grouped.setdefault(text, []).append(ref)
    return [(tuple(refs) if len(refs) > 1 else refs[0], text) for text, refs in grouped.items()]


def _contains(passage: str, quote: str) -> bool:
    """Whether the quote's fragments (split at ellipses) occur in `passage`, in order."""
    at = 0
    hay = normalise(passage)
    for fragment in (normalise(f) for f in _ELLIPSIS.split(quote)):
        fragment = fragment.strip(" ,;.")
        if not fragment:
            continue
        found = hay.find(fragment, at)
        if found < 0:
            return False
        at = found + len(fragment)
    return True


def check_sources(data: dict[str, Any], report: Report) -> tuple[list[tuple[tuple, str]], int]:
    """``(key path of the source, what is wrong)`` for every misquote in the ``source:``
    fields of scenario `data`, and how many quotes were checked."""
    out, total = [], 0
    for path, source in _sources(data):
        for ref, quote in quotes_of(source):
            total += 1
            message = _misquote(report, ref, quote)
            if message:
                out.append((path, message))
    return out, total


def _misquote(report: Report, ref: Any, quote: str) -> str | None:
    """Why `quote` is not where its source says (None when it is)."""
    refs = [] if ref is None else (list(ref) if isinstance(ref[0], tuple) else [ref])
    if not refs:
        if _contains(report.whole, quote):
            return None
        return f'"{quote}" is not in the report; nearest: "{_nearest(report, quote)}"'
    missing = [f"{k}{n}" for k, n in refs if report.passage(k, n) is None]
    if len(missing) == len(refs):
        return f"the report has no {', '.join(missing)}"
    if any(_contains(report.passage(k, n) or "", quote) for k, n in refs):
        return None
    named = ", ".join(f"{k}{n}" for k, n in refs)
    if _contains(report.whole, quote):
        home = _home(report, quote)
        return f'"{quote}" is not in {named}' + (f"; it is in {home}" if home else "")
    nearest = _nearest(report, quote)
    return f'"{quote}" is not in {named} or anywhere in the report; nearest: "{nearest}"'


def _home(report: Report, quote: str) -> str:
    """The paragraph(s) that do contain `quote`."""
    return ", ".join(f"¶{n}" for n, p in report.paragraphs.items() if _contains(p, quote))


def _nearest(report: Report, quote: str) -> str:
    """The report's sentence most like `quote` (difflib's ratio)."""
    target = normalise(quote)
    scored = [
        (difflib.SequenceMatcher(None, target, normalise(s)).ratio(), s) for s in report.sentences
    ]
    return _MARKER.sub("", max(scored)[1]) if scored else ""


def _sources(node: Any, at: tuple = ()) -> list[tuple[tuple, str]]:
    """Every ``source:`` string in a scenario's data, with its key path."""
    out = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "source" and isinstance(v, str):
                out.append(((*at, k), v))
            else:
                out += _sources(v, (*at, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _sources(v, (*at, i))
    return out
