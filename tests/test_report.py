"""The HTML brief: its sections and numbers match the run; it opens offline in Chromium."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sim.engine.plan import Plan
from sim.present.cli import main
from sim.present.report import words
from sim.runs.results import load
from sim.scenario.loader import load as load_scenario
from tests.conftest import BELARUS, small_sweep
from tests.helpers import SAFETY_NET_S


class Sections(HTMLParser):
    """Collects the text inside every element that has an id, and every URL attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.text: dict[str, str] = {}
        self.stack: list[str | None] = []
        self.urls: list[str] = []
        self.tags: set[str] = set()
        self.rows = 0
        self.in_parameters = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.add(tag)
        self.urls += [v for k, v in attrs.items() if k in ("src", "href") and v]
        self.stack.append(attrs.get("id"))
        if attrs.get("id"):
            self.text.setdefault(attrs["id"], "")
        if attrs.get("id") == "parameters":
            self.in_parameters = True
        if tag == "tr" and self.in_parameters:
            self.rows += 1

    def handle_endtag(self, tag):
        if self.stack and self.stack.pop() == "parameters":
            self.in_parameters = False

    def handle_data(self, data):
        for ident in self.stack:
            if ident:
                self.text[ident] += data


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "run"
    assert main(["run", str(BELARUS), "-n", "120", "--workers", "1", "--out", str(out)]) == 0
    assert main(["report", str(out)]) == 0
    return out


def parsed(path: Path) -> Sections:
    p = Sections()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def test_report_sections_and_numbers_match_the_summary(run_dir):
    page = parsed(run_dir / "report.html")
    summary = load(run_dir).summary.json()  # the report against the numbers as written
    o = summary["outcomes"]["persistent"]
    for section in (
        "question",
        "headline",
        "outcomes",
        "readings",
        "judgments",
        "persistence",
        "distributions",
        "trajectories",
        "timeline",
        "parameters",
        "provenance",
    ):
        assert section in page.text, section
    assert page.text["headline-p"].strip() == f"{100 * o['p']:.1f} %"
    assert page.text["headline-interval"].strip() == (
        f"{100 * o['low']:.1f} % – {100 * o['high']:.1f} %"
    )
    assert page.text["headline-words"].strip() == words(o["p"], o["low"], o["high"])
    assert "Belarus" in page.text["question"]
    for j in summary["judgments"]:
        assert f"{100 * j['p']:.1f} %" in page.text["judgments"]
    table = Plan(load_scenario(BELARUS)).table  # what explain lists, readings included
    assert page.rows == len(table) + 1  # a header row, then one per parameter
    assert f"{len(table)} parameters:" in page.text["parameters"]
    # the headline mixes the readings and says so; each reading is shown on its own
    assert "Mixes 3 readings" in page.text["headline-readings"]
    for r in summary["readings"]:
        assert r["name"] in page.text["readings"]
        for o in r["options"]:
            assert o["name"] in page.text["readings"]
            assert f"{100 * o['outcomes']['persistent']['p']:.1f} %" in page.text["readings"]
    manifest = load(run_dir).manifest
    assert manifest["scenario_sha256"] in page.text["provenance"]
    assert str(manifest["seed"]) in page.text["provenance"]


def test_report_is_self_contained(run_dir):
    page = parsed(run_dir / "report.html")
    fetched = [u for u in page.urls if not u.startswith("#")]  # in-page anchors fetch nothing
    assert fetched == [], "no external resources, no links to fetch"
    assert not {"script", "link", "img", "iframe"} & page.tags
    assert page.tags >= {"svg", "table", "style"}


def test_batch_and_sweep_reports(tmp_path):
    batch = tmp_path / "batch"
    assert (
        main(
            [
                "batch",
                str(BELARUS),
                str(BELARUS.with_name("belarus_2020_nato_surge.yaml")),
                "-n",
                "40",
                "--workers",
                "1",
                "--out",
                str(batch),
            ]
        )
        == 0
    )
    assert main(["report", str(batch)]) == 0
    page = parsed(batch / "report.html")
    assert "comparison" in page.text and "forest" in page.text
    assert "NATO surges" in page.text["comparison"]
    sweep = tmp_path / "sweep"
    args = [*small_sweep(levels=2, replicates=10), "--workers", "1", "--out", str(sweep)]
    assert main(args) == 0
    assert main(["report", str(sweep)]) == 0
    page = parsed(sweep / "report.html")
    assert "actors.kremlin.ambition" in page.text["sensitivity"]
    assert "tornado" in page.text
    # the swing in the report's table is in points, as the command line prints it
    ranking = json.loads((sweep / "summary.json").read_text())["ranking"]
    assert "swing (points)" in page.text["sensitivity"]
    assert f"{100 * ranking[0]['swing']:.1f}" in page.text["sensitivity"]


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (Debian package 'chromium'; .ci/run installs it when it can)",
)
def test_chromium_renders_the_report_offline(run_dir, tmp_path):
    shot = tmp_path / "report.png"
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1280,2400",
        f"--screenshot={shot}",
        (run_dir / "report.html").resolve().as_uri(),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=SAFETY_NET_S, check=False)
    assert shot.is_file(), done.stderr[-2000:]
    import matplotlib.image as mpimg

    pixels = mpimg.imread(shot)
    assert pixels.shape[:2] == (2400, 1280)
    assert pixels.std() > 0.05, "the page rendered blank"
    ink = (pixels[..., :3].mean(axis=2) < 0.5).mean()
    assert 0.005 < ink < 0.5, "text and figures are drawn"
    assert not re.search(r"net::ERR_(?!INTERNET_DISCONNECTED)", done.stderr)
