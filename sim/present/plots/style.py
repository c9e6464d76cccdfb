"""The house style of every figure: its colours, a figure with its caption, a date axis,
short parameter names, and saving as PNG and SVG. Every figure module uses these."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

BAND = "#4c72b0"
ACCENT = "#c44e52"
MUTED = "#8c8c8c"


def figure(width: float, height: float, caption: str) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)  # a canvas that can lay the figure out and measure its text
    margin = 0.28 / height  # keep a strip at the bottom for the caption
    fig.get_layout_engine().set(rect=(0, margin, 1, 1 - margin))
    fig.text(0.005, 0.004, caption, fontsize=7.5, color=MUTED, ha="left", va="bottom")
    return fig


def date_axis(ax, days: int | None = None) -> None:
    """Dates on the x axis: quarterly ticks on a horizon up to three years, yearly beyond,
    so labels never run into each other."""
    long = days is not None and days > 3 * 366
    months = (1,) if long else (1, 4, 7, 10)
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=months))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y" if long else "%b %Y"))
    for label in ax.get_xticklabels():
        label.set_rotation(30)
        label.set_ha("right")


def short(path: str) -> str:
    """``actors.lukashenko.sovereignty_resistance`` → ``lukashenko.sovereignty_resistance``."""
    parts = path.split(".")
    return ".".join(parts[1:]) if len(parts) > 2 else path


def save(
    figs: dict[str, Figure], folder: Path, progress: Callable[[int], None] | None = None
) -> list[Path]:
    """Write each figure as PNG and SVG (each file renamed into place when complete);
    `progress` is told of each figure written (rendering is most of a figure's cost)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, fig in figs.items():
        for ext in ("png", "svg"):
            path = folder / f"{name}.{ext}"
            tmp = folder / f".{name}.tmp.{ext}"
            meta = {"Date": None} if ext == "svg" else {}
            fig.savefig(tmp, dpi=150, metadata=meta)
            os.replace(tmp, path)
            written.append(path)
        if progress:
            progress(1)
    return written
