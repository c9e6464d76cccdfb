"""Uncertain parameters: a fixed number, a distribution, or an ICD 203 estimative word.

Every numeric knob of a scenario is a :class:`ParamSpec`. In YAML it may be written as

* a number: ``0.4``;
* an estimative word: ``likely`` (uniform over the word's ICD 203 range);
* a mapping with exactly one of ``value``, ``uniform: [low, high]``,
  ``triangular: [low, mode, high]``, ``beta: {a, b, low, high}``,
  ``truncnormal: {mean, sd, low, high}``, ``estimate: <word>`` or
  ``categorical: [w0, w1, ...]`` (the values 0, 1, ... with those weights: how a
  reading's option is drawn), plus the provenance
  fields ``source``, ``rationale`` and ``assumption``.

Provenance has three tiers, never blurred: a **cited value** (``source:``, the report
gives the number or an estimative word for it), a **cited direction** (``source:`` plus
``assumption: direction``: the report says which way, not how much, so the number is
the analyst's) and an **assumption** (``assumption: true``, with a wide distribution).
Only cited values can be in tension with the report.

Sampling is by inverse CDF (:meth:`ParamSpec.ppf`): each replicate draws one uniform
number per parameter and maps it through the quantile function. That keeps common random
numbers intact when a sweep changes a distribution, and it vectorises over replicates.
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.scenario.errors import did_you_mean

if TYPE_CHECKING:
    import numpy as np

#: The US Intelligence Community Directive 203 scale, as probability ranges.
ICD203: dict[str, tuple[float, float]] = {
    "almost_no_chance": (0.01, 0.05),
    "very_unlikely": (0.05, 0.20),
    "unlikely": (0.20, 0.45),
    "roughly_even_chance": (0.45, 0.55),
    "likely": (0.55, 0.80),
    "very_likely": (0.80, 0.95),
    "almost_certain": (0.95, 0.99),
}

#: Other spellings of the same seven words (ICD 203's own synonyms, and a few of the
#: report's phrasings such as "will likely"). "Rarely" is not one: it says how often,
#: not how likely (see NOT_WORDS).
ALIASES: dict[str, str] = {
    "remote": "almost_no_chance",
    "highly_improbable": "very_unlikely",
    "improbable": "unlikely",
    "roughly_even": "roughly_even_chance",
    "even_chance": "roughly_even_chance",
    "roughly_even_odds": "roughly_even_chance",
    "probable": "likely",
    "probably": "likely",
    "highly_probable": "very_likely",
    "almost_certainly": "almost_certain",
    "nearly_certain": "almost_certain",
    # Hedges outside ICD 203. ISW writes "appears to have" for an assessment it holds
    # with the moderate confidence it elsewhere words as "likely" (the Belarus report:
    # "He appears to have conceded ..."), so it reads as likely, 55-80 %.
    "appears": "likely",
    "appears_to": "likely",
    "appears_to_have": "likely",
}


#: Words that read like estimative words but are not, and why.
NOT_WORDS = {
    "rarely": "it says how often something happens, not how likely a judgment is",
    "often": "it says how often something happens, not how likely a judgment is",
    "frequently": "it says how often something happens, not how likely a judgment is",
}


def normalise_word(word: str) -> str:
    """Return the canonical ICD 203 key for `word`, or raise ValueError with a hint."""
    key = "_".join(word.strip().lower().replace("-", " ").split())
    key = key.removeprefix("will_")
    if key in NOT_WORDS:
        raise ValueError(
            f"'{word}' is not an estimative word: {NOT_WORDS[key]}; give a number or a "
            "distribution (and mark it an assumption) instead"
        )
    if key in ICD203:
        return key
    if key in ALIASES:
        return ALIASES[key]
    hint = did_you_mean(key, sorted(ICD203) + sorted(ALIASES))
    raise ValueError(
        f"'{word}' is not an ICD 203 estimative word (expected one of "
        f"{', '.join(sorted(ICD203))}){hint}"
    )


def word_for(probability: float) -> str:
    """The ICD 203 word whose range holds `probability` (edges go to the middle word)."""
    for word, (low, high) in ICD203.items():
        if low <= probability <= high:
            return word
    return "almost_no_chance" if probability < 0.01 else "almost_certain"


Number = Annotated[float, Field(allow_inf_nan=False)]


class Beta(BaseModel):
    """Beta(a, b) stretched onto [low, high]."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    a: Annotated[float, Field(gt=0, allow_inf_nan=False)]
    b: Annotated[float, Field(gt=0, allow_inf_nan=False)]
    low: Number = 0.0
    high: Number = 1.0


class TruncNormal(BaseModel):
    """Normal(mean, sd) truncated to [low, high]."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    mean: Number
    sd: Annotated[float, Field(gt=0, allow_inf_nan=False)]
    low: Number
    high: Number


#: The keys that say which distribution a parameter has; a spec gives exactly one.
KINDS = ("value", "uniform", "triangular", "beta", "truncnormal", "estimate", "categorical")


class Provenance(StrEnum):
    """Where a parameter's value comes from, the one vocabulary of provenance: in words
    (the value, as tables and the report print it) and as a short key (:attr:`key`, as
    calibration and discovery files record it)."""

    CITED = "cited value"  # the report gives the number
    DIRECTION = "cited direction"  # the report gives which way, not how much
    ASSUMPTION = "assumption"  # the analyst's, with a wide distribution
    UNCITED = "uncited"  # written in the scenario without a source
    DEFAULT = "role default"  # not written in the scenario: the role's built-in value

    @property
    def key(self) -> str:
        """``cited``, ``direction``, ``assumption``, ``uncited`` or ``role default``."""
        return {Provenance.CITED: "cited", Provenance.DIRECTION: "direction"}.get(self, self.value)


#: A probability's range: the schema's checks and the parameter table's bounds both read it.
PROBABILITY: tuple[float, float] = (0.0, 1.0)


class ParamSpec(BaseModel):
    """One uncertain parameter: its distribution and where the number comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: Number | None = None
    uniform: tuple[Number, Number] | None = None
    triangular: tuple[Number, Number, Number] | None = None
    beta: Beta | None = None
    truncnormal: TruncNormal | None = None
    estimate: str | None = None
    categorical: tuple[Annotated[float, Field(ge=0, allow_inf_nan=False)], ...] | None = None
    source: str | None = None
    rationale: str | None = None
    assumption: bool | Literal["direction"] = False

    @property
    def tier(self) -> Provenance:
        """Where the value comes from: cited value, cited direction, assumption, uncited."""
        if self.assumption == "direction":
            return Provenance.DIRECTION
        if self.assumption:
            return Provenance.ASSUMPTION
        return Provenance.CITED if self.source else Provenance.UNCITED

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        """In JSON Schema too, a parameter may be a bare number or estimative word."""
        mapping = handler(core_schema)
        return {
            "anyOf": [
                {"type": "number", "description": "a fixed value"},
                {"type": "string", "description": "an estimative word (ICD 203), e.g. likely"},
                mapping,
            ],
            "description": cls.__doc__.splitlines()[0] if cls.__doc__ else "",
        }

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        """Accept a bare number or a bare estimative word."""
        if isinstance(data, bool):
            raise ValueError("expected a number, an estimative word or a mapping, found a boolean")
        if isinstance(data, int | float):
            return {"value": data}
        if isinstance(data, str):
            return {"estimate": data}
        return data

    @model_validator(mode="after")
    def _check(self) -> ParamSpec:
        given = [k for k in KINDS if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                f"give exactly one of {', '.join(KINDS)}; found "
                + (", ".join(given) if given else "none")
            )
        if self.estimate is not None:
            object.__setattr__(self, "estimate", normalise_word(self.estimate))
        if self.assumption == "direction" and not self.source:
            raise ValueError("a cited direction (assumption: direction) needs its source:")
        low, high = self.support
        if low > high:
            raise ValueError(f"low ({low:g}) is above high ({high:g})")
        if self.triangular is not None and not (
            self.triangular[0] <= self.triangular[1] <= self.triangular[2]
        ):
            raise ValueError(
                "triangular must be [low, mode, high] with low <= mode <= high, found "
                f"{list(self.triangular)}"
            )
        if self.truncnormal is not None and self.truncnormal.low >= self.truncnormal.high:
            raise ValueError("truncnormal low must be below high")
        if self.categorical is not None and (
            len(self.categorical) < 2 or abs(math.fsum(self.categorical) - 1) > 1e-6
        ):
            raise ValueError("categorical needs two or more weights summing to 1")
        return self

    @property
    def kind(self) -> str:
        """Which distribution this is: one of value, uniform, triangular, beta, …"""
        return next(k for k in KINDS if getattr(self, k) is not None)

    @property
    def is_fixed(self) -> bool:
        return self.value is not None

    @property
    def support(self) -> tuple[float, float]:
        """The smallest and largest value a draw can take."""
        if self.value is not None:
            return (self.value, self.value)
        if self.uniform is not None:
            return self.uniform
        if self.triangular is not None:
            return (self.triangular[0], self.triangular[2])
        if self.beta is not None:
            return (self.beta.low, self.beta.high)
        if self.truncnormal is not None:
            return (self.truncnormal.low, self.truncnormal.high)
        if self.categorical is not None:
            return (0.0, float(len(self.categorical) - 1))
        assert self.estimate is not None
        return ICD203[self.estimate]

    def ppf(self, u: np.ndarray | float) -> np.ndarray:
        """Quantile function: map uniform draws in [0, 1) to this distribution."""
        import numpy as np  # here, so that reading a scenario does not import NumPy

        u = np.asarray(u, dtype=float)
        if self.value is not None:
            return np.full_like(u, self.value)
        if self.triangular is not None:
            low, mode, high = self.triangular
            if high == low:
                return np.full_like(u, low)
            cut = (mode - low) / (high - low)
            left = low + np.sqrt(u * (high - low) * (mode - low))
            right = high - np.sqrt((1 - u) * (high - low) * (high - mode))
            return np.where(u < cut, left, right)
        if self.beta is not None or self.truncnormal is not None:
            # imported here: reading and checking a scenario does not need SciPy, whose
            # import was a third of `wargame validate`'s start-up
            from scipy import special
        if self.beta is not None:
            b = self.beta
            return b.low + (b.high - b.low) * special.betaincinv(b.a, b.b, u)
        if self.truncnormal is not None:
            t = self.truncnormal
            lo = special.ndtr((t.low - t.mean) / t.sd)
            hi = special.ndtr((t.high - t.mean) / t.sd)
            x = t.mean + t.sd * special.ndtri(lo + u * (hi - lo))
            return np.clip(x, t.low, t.high)
        if self.categorical is not None:
            edges = np.cumsum(self.categorical[:-1])
            return np.searchsorted(edges, u, side="right").astype(float)
        low, high = self.support  # uniform and estimative words
        return low + u * (high - low)

    def describe(self) -> str:
        """A short human-readable form, e.g. ``likely (U 0.55-0.80)``."""
        if self.value is not None:
            return f"{self.value:g}"
        if self.uniform is not None:
            return f"uniform({self.uniform[0]:g}, {self.uniform[1]:g})"
        if self.triangular is not None:
            return "triangular({:g}, {:g}, {:g})".format(*self.triangular)
        if self.beta is not None or self.truncnormal is not None:
            # imported here: reading and checking a scenario does not need SciPy, whose
            # import was a third of `wargame validate`'s start-up
            pass
        if self.beta is not None:
            b = self.beta
            span = "" if (b.low, b.high) == (0, 1) else f" on [{b.low:g}, {b.high:g}]"
            return f"beta({b.a:g}, {b.b:g}){span}"
        if self.truncnormal is not None:
            t = self.truncnormal
            return f"normal({t.mean:g}, {t.sd:g}) in [{t.low:g}, {t.high:g}]"
        if self.categorical is not None:
            return "categorical(" + ", ".join(f"{w:.3g}" for w in self.categorical) + ")"
        low, high = self.support
        return f"{self.estimate} = uniform({low:g}, {high:g})"

    def mean(self) -> float:
        """The distribution's mean, exactly (no draws: validating a scenario stays quick)."""
        if self.value is not None:
            return self.value
        if self.categorical is not None:
            return math.fsum(i * w for i, w in enumerate(self.categorical))
        if self.triangular is not None:
            return math.fsum(self.triangular) / 3
        if self.beta is not None:
            b = self.beta
            return b.low + (b.high - b.low) * b.a / (b.a + b.b)
        if self.truncnormal is not None:
            return truncnormal_mean(self.truncnormal)
        low, high = self.support  # uniform, or an estimative word's range
        return (low + high) / 2


def spec(value: float) -> ParamSpec:
    """A fixed ParamSpec, for defaults declared in code."""
    return ParamSpec(value=value)


def truncnormal_mean(t: TruncNormal) -> float:
    """Mean of Normal(mean, sd) truncated to [low, high]:
    ``mean + sd x (phi(alpha) - phi(beta)) / (Phi(beta) - Phi(alpha))``."""
    alpha, beta = (t.low - t.mean) / t.sd, (t.high - t.mean) / t.sd
    root2 = math.sqrt(2)
    # Phi(beta) - Phi(alpha) from the tail nearer the interval, so that an interval far
    # out in a tail keeps its digits (erfc is accurate where erf rounds to +-1)
    if alpha > 0:
        mass = 0.5 * (math.erfc(alpha / root2) - math.erfc(beta / root2))
    else:
        mass = 0.5 * (math.erfc(-beta / root2) - math.erfc(-alpha / root2))
    if mass <= 0.0:  # beyond floating point: the nearer end
        return t.low if t.mean < t.low else t.high
    return t.mean + t.sd * (_normal_pdf(alpha) - _normal_pdf(beta)) / mass


def _normal_pdf(z: float) -> float:
    return math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)
