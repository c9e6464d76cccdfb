"""What every part of the report shares: inline SVG figures, the Jinja environment and
estimates in words."""

from __future__ import annotations

import io
from importlib import resources

import jinja2
from matplotlib.figure import Figure

from sim.runs.summary import pct
from sim.scenario.params import word_for


def svg(fig: Figure) -> str:
    """A figure as inline SVG markup (no XML prolog)."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    return text[text.index("<svg") :]


def _environment() -> jinja2.Environment:
    template_dir = resources.files("sim.present") / "templates"
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )
    env.filters["pct"] = pct
    env.filters["pct0"] = lambda x: pct(x, digits=0)
    return env


def words(p: float, low: float, high: float) -> str:
    """``"likely, 62 % (58–66 %)"``: the estimate in ICD 203 words and numbers."""
    whole = [pct(x, digits=0) for x in (p, low, high)]
    return f"{word_for(p).replace('_', ' ')}, {whole[0]} ({whole[1]}–{whole[2]})"


# ------------------------------------------------------------------ contexts
