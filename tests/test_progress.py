"""Progress bars and results never mix: a command's phases run one after another, so a
new bar closes the one before it (no bars stacked on screen), and every line of results
is printed with no bar open. The bars are replaced by recorders (a real bar needs a
terminal), and the commands' printing goes through the recorder too."""

from __future__ import annotations

import builtins
from pathlib import Path

import pytest

import sim.present.commands.running as running
from sim.present.cli import main
from tests.test_branching import toy


class Screen:
    """What a terminal would show: the bars open now, and each line printed with the
    bars that were open when it was printed."""

    def __init__(self) -> None:
        self.open: list[str] = []
        self.most_open = 0
        self.lines: list[tuple[str, tuple[str, ...]]] = []

    def bar(self, total: int, desc: str = "replicates", unit: str = "rep"):
        self.open.append(desc)
        self.most_open = max(self.most_open, len(self.open))
        state = {"done": 0, "closed": False}

        def close() -> None:
            if not state["closed"]:
                state["closed"] = True
                self.open.remove(desc)

        def update(k: int) -> None:
            state["done"] += k
            if state["done"] >= total:
                close()

        return update, close

    def print(self, *args, **kwargs) -> None:
        self.lines.append((" ".join(str(a) for a in args), tuple(self.open)))
        builtins.print(*args, **kwargs)


@pytest.fixture
def screen(monkeypatch) -> Screen:
    s = Screen()
    monkeypatch.setattr(running, "progress_bar", s.bar)
    monkeypatch.setattr(running, "print", s.print, raising=False)
    return s


def test_track_shows_one_bar_at_a_time_and_prints_results_with_none(tmp_path, screen):
    scenario, log = toy(tmp_path)
    args = ["track", str(scenario), "--observations", str(log), "-n", "60", "--workers", "1",
            "--out", str(tmp_path / "track")]  # fmt: skip
    assert main(args) == 0
    assert screen.most_open == 1, "bars stacked"
    results = [(text, bars) for text, bars in screen.lines if "track:" in text or "as of" in text]
    assert results and all(not bars for _, bars in results), screen.lines


def test_signposts_print_their_table_with_no_bar_open(tmp_path, screen):
    scenario, _ = toy(tmp_path)
    args = ["signposts", str(scenario), "-n", "80", "--workers", "1", "--out",
            str(tmp_path / "sp")]  # fmt: skip
    assert main(args) == 0
    assert screen.lines and all(not bars for _, bars in screen.lines), screen.lines


def test_a_session_clears_its_bar_before_saying_anything(screen, capsys):
    class Args:
        workers, executor, scheduler, argv = 1, "local", None, []

    s = running.Session(Args(), "sim.runs.runner", "chunks")
    update = s.bar(10, "first")
    assert screen.open == ["first"]
    s.bar(5, "second")  # a new phase: the first bar goes
    assert screen.open == ["second"]
    s.say("a result")
    assert screen.lines[-1] == ("a result", ()) and "a result" in capsys.readouterr().out
    update(3)  # a closed bar's updates are harmless
    s.close()
    assert screen.open == []


def test_a_bar_closes_itself_when_its_count_is_reached(monkeypatch):
    closed = []

    class FakeTqdm:
        def __init__(self, total, **kwargs):
            self.n = 0

        def update(self, k):
            self.n += k

        def close(self):
            closed.append(True)

    import tqdm

    monkeypatch.setattr(tqdm, "tqdm", FakeTqdm)
    bar = running.Bar(4, "x", "rep")
    bar(3)
    assert not closed
    bar(1)
    assert closed == [True]
    bar(1)
    bar.close()
    assert closed == [True], "closed once"


def test_plot_has_progress_for_drawing_and_writing(tmp_path, screen, monkeypatch):
    out = tmp_path / "run"
    assert main(["run", str(toy(tmp_path)[0]), "-n", "30", "--out", str(out)]) == 0
    import sim.present.commands.plot as plot

    seen = []
    real = screen.bar

    def bar(total, desc="", unit=""):
        seen.append((desc, total))
        return real(total, desc, unit)

    monkeypatch.setattr(plot, "progress_bar", bar)  # plot imported the name
    assert main(["plot", str(out)]) == 0
    assert [d for d, _ in seen] == ["plot: drawing", "plot: writing"]
    assert seen[1][1] == len(list((out / "figures").glob("*.png")))
    assert Path(out / "figures" / "timeline.png").is_file()
