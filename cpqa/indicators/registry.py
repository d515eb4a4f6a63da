"""The registered indicators: one pure function per file under definitions/.

Each definition returns its *members*: a lazy frame with one row per record
counted, per period, with these columns (and any others it lists in
`columns`, shown on the drill-down page):

    period       UInt32, the index of the period in the context
    team         the ref of the team recorded on the record, or null (text or
                 categorical)
    breakdown    the breakdown value (e.g. the category of abuse): text or an enum
                 of the indicator's breakdown_values; null if it has none
    ref          the ref of the record counted
    child        the ref of the child it is about (null if not about a child)
    numerator    Int64: 1 or 0 (for a mean, the amount, e.g. days)
    denominator  Int64: 1 (null for a count)

A definition makes each unit (e.g. a child on a plan) appear once per period,
so the engine's sums are counts and the whole authority is the sum of its
teams and of the rows with no team.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import polars as pl

from .context import Context, Frames

Kind = Literal["count", "percentage", "rate", "mean"]
KINDS: tuple[str, ...] = ("count", "percentage", "rate", "mean")

MEMBER_COLUMNS = ("period", "team", "breakdown", "ref", "child", "numerator", "denominator")

UNKNOWN_INDICATOR = "There is no indicator called {id!r}. Indicators: {choices}."


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    kind: Kind
    definition: str
    compute: Callable[[Frames, Context], pl.LazyFrame]
    tables: tuple[str, ...]
    standards: tuple[str, ...] = ()
    breakdown: str | None = None  # what the breakdown is, e.g. "category of abuse"
    breakdown_values: tuple[str, ...] = ()  # always shown, in this order
    # True: each breakdown value's share of all the period's records (the
    # denominator is every record, whatever its value).
    breakdown_shares: bool = False
    columns: tuple[tuple[str, str], ...] = ()  # extra member columns: (name, label)
    unit: str = ""  # for a mean, e.g. "days"
    by_team: bool = True  # False: the whole authority only (e.g. a rate per 10,000)
    per: int = 10_000  # for a rate
    # Suppression: this indicator's numerators (summed over its breakdown values, or
    # over the indicators listed together) make up the parent's value.
    part_of: str | None = None
    # Suppression: this indicator's denominator equals the parent's count.
    denominator_of: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")

    @property
    def has_denominator(self) -> bool:
        return self.kind != "count"


_REGISTRY: dict[str, Indicator] = {}


def register(indicator: Indicator) -> Indicator:
    if indicator.id in _REGISTRY:
        raise ValueError(f"indicator {indicator.id!r} is registered twice")
    _REGISTRY[indicator.id] = indicator
    return indicator


def indicators() -> tuple[Indicator, ...]:
    """Every indicator, in the order of the catalogue."""
    from . import definitions  # noqa: F401  (registers them)

    return tuple(_REGISTRY.values())


def indicator_get(indicator_id: str) -> Indicator:
    """The indicator of this id (a dictionary look-up: the reports call it per cell)."""
    from . import definitions  # noqa: F401  (registers them)

    try:
        return _REGISTRY[indicator_id]
    except KeyError:
        raise KeyError(
            UNKNOWN_INDICATOR.format(id=indicator_id, choices=", ".join(_REGISTRY))
        ) from None
