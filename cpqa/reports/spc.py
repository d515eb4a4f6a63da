"""Statistical process control (SPC) for monthly series, after NHS England's "Making Data Count".

Pure functions, no database. A series is a sequence of values, one a month, in
order; a month with no figure is None (or null in a polars Series).

Charts
    XmR (`xmr_calculate`), for counts and rates: the mean of the values, the
    moving ranges |x[i] - x[i-1]| between consecutive months, and process
    limits at mean ± 2.66 × the mean moving range (2.66 = 3 / 1.128, three
    sigma for individual values, as Making Data Count uses).

    p-chart (`p_chart_calculate`), for proportions: the centre is the pooled
    proportion p̄ = Σ numerators / Σ denominators, and each month's limits
    follow its own denominator n_i: p̄ ± 3·sqrt(p̄(1 − p̄)/n_i), kept within
    0 and 1, so the limits step from month to month.

Special-cause rules (Making Data Count), with the decisions this module takes:
    outside limits   a point strictly above the upper or below the lower
                     process limit. A point exactly on a limit is not outside.
    shift            a run of SHIFT_RUN (7) or more consecutive points all
                     above, or all below, the mean. A point exactly on the
                     mean belongs to neither side and ends a run.
    trend            TREND_RUN (6) or more consecutive points each higher
                     than the one before (or each lower). Rising and falling
                     are strict: a point equal to the one before is neither,
                     and ends the trend (so 6 points with a tie among them is
                     not a trend).
    two out of three two of three consecutive points beyond two sigma on the
                     same side of the mean (beyond mean ± 2/3 of the distance
                     to the process limit, i.e. in the outer third, or beyond
                     the limit itself). Exactly at two sigma is not beyond.
                     Overlapping windows on the same side make one signal; its
                     points are those beyond two sigma.

Missing months: a month with no value (or, in a p-chart, a denominator of 0)
is not plotted, adds nothing to the mean, and has no moving range on either
side of it. Runs of the shift and trend rules and the windows of the
two-out-of-three rule are of consecutive months, so a missing month ends a run.

Short series: with no two consecutive months there is no moving range, so no
XmR chart (and a p-chart needs two months too); with fewer than
PROVISIONAL_BELOW (12) months the limits are provisional.

Reading a series: with a polarity (higher is better, lower is better, or
neither), `reading_describe` says whether the latest month is part of a
special-cause signal, and which way: "improving", "concern" or "no
significant change" (for "neither": "higher than usual" or "lower than
usual"), with a sentence in plain words. If signals pointing both ways cover
the latest month, concern is reported first.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import polars as pl

# 3 / d2, d2 = 1.128 for moving ranges of two points: three sigma from the mean moving range.
XMR_LIMIT_FACTOR = 2.66
# Two sigma: two thirds of the way from the mean to a process limit.
NEAR_LIMIT_FRACTION = 2 / 3
P_CHART_SIGMAS = 3
SHIFT_RUN = 7
TREND_RUN = 6
TWO_OF_THREE_WINDOW = 3
TWO_OF_THREE_NEEDED = 2
PROVISIONAL_BELOW = 12
MINIMUM_POINTS = 2

# Funnel plots: two-sided 95% and 99.8% limits of the normal distribution.
Z_95 = 1.959964
Z_998 = 3.090232

NUMERATOR_ABOVE_DENOMINATOR = (
    "In {period} the numerator {numerator} is more than the denominator {denominator}."
)
NEGATIVE_COUNT = "In {period} a count is below zero ({value})."
LENGTHS_DIFFER = "The series have different lengths: {lengths}."


class Polarity(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"
    NEITHER = "neither"


class ChartKind(StrEnum):
    XMR = "xmr"
    P = "p"


class Rule(StrEnum):
    OUTSIDE_LIMITS = "outside_limits"
    SHIFT = "shift"
    TREND = "trend"
    TWO_OF_THREE = "two_of_three"


RULE_LABELS: dict[Rule, str] = {
    Rule.OUTSIDE_LIMITS: "A point outside the process limits",
    Rule.SHIFT: f"A run of {SHIFT_RUN} or more points on one side of the mean",
    Rule.TREND: f"{TREND_RUN} or more points in a row all rising or all falling",
    Rule.TWO_OF_THREE: "2 of 3 points in a row close to a process limit",
}
# The order in which a reading cites the signals that cover the latest month.
RULE_PRIORITY = (Rule.OUTSIDE_LIMITS, Rule.SHIFT, Rule.TREND, Rule.TWO_OF_THREE)


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"


class Reading(StrEnum):
    IMPROVING = "improving"
    CONCERN = "concern"
    NO_SIGNIFICANT_CHANGE = "no significant change"
    HIGHER_THAN_USUAL = "higher than usual"
    LOWER_THAN_USUAL = "lower than usual"
    NOT_ENOUGH_DATA = "not enough data"


class PointKind(StrEnum):
    """How a plotted point is marked on a chart."""

    COMMON_CAUSE = "common_cause"
    IMPROVEMENT = "improvement"
    CONCERN = "concern"
    NEUTRAL = "neutral"


POINT_KIND_LABELS: dict[PointKind, str] = {
    PointKind.COMMON_CAUSE: "Common cause variation",
    PointKind.IMPROVEMENT: "Special cause: improvement",
    PointKind.CONCERN: "Special cause: concern",
    PointKind.NEUTRAL: "Special cause: neither better nor worse",
}

# What the readings say, in plain words. {measure} is the measure's name,
# {evidence} what the data show, {months} how many months the chart has.
READING_NOT_ENOUGH_DATA = (
    "{measure}: not enough data. At least two months in a row are needed to tell a real "
    "change from normal variation."
)
READING_NO_CHANGE = (
    "{measure}: no significant change. The figure goes up and down from month to month "
    "within the range that normal variation produces."
)
READING_IMPROVING = (
    "{measure}: improving. {evidence}, which normal variation would be unlikely to produce."
)
READING_CONCERN = (
    "{measure}: a concern. {evidence}, which normal variation would be unlikely to produce, "
    "so it is worth finding out why."
)
READING_HIGHER = (
    "{measure}: higher than usual. {evidence}, which normal variation would be unlikely to "
    "produce; whether that is good or bad depends on the reasons."
)
READING_LOWER = (
    "{measure}: lower than usual. {evidence}, which normal variation would be unlikely to "
    "produce; whether that is good or bad depends on the reasons."
)
READING_PROVISIONAL = (
    " The limits are provisional: they rest on {months} months, and at least "
    f"{PROVISIONAL_BELOW} are needed for a settled view."
)
EVIDENCE: dict[tuple[Rule, Direction], str] = {
    (Rule.OUTSIDE_LIMITS, Direction.UP): "{period} is above the upper process limit",
    (Rule.OUTSIDE_LIMITS, Direction.DOWN): "{period} is below the lower process limit",
    (Rule.SHIFT, Direction.UP): "The last {count} months have all been above the average",
    (Rule.SHIFT, Direction.DOWN): "The last {count} months have all been below the average",
    (Rule.TREND, Direction.UP): (
        "Each of the last {steps} months has been higher than the month before"
    ),
    (Rule.TREND, Direction.DOWN): (
        "Each of the last {steps} months has been lower than the month before"
    ),
    (Rule.TWO_OF_THREE, Direction.UP): (
        "2 of the last 3 months have been close to or above the upper process limit"
    ),
    (Rule.TWO_OF_THREE, Direction.DOWN): (
        "2 of the last 3 months have been close to or below the lower process limit"
    ),
}


def period_label(period: object) -> str:
    """A month as people write it: "Apr 2025"; other periods by their label."""
    label = getattr(period, "label", None)
    if isinstance(label, str):
        return label
    if isinstance(period, date):
        return period.strftime("%b %Y")
    if isinstance(period, int):
        return f"Month {period}"
    return str(period)


@dataclass(frozen=True)
class Signal:
    """A special-cause signal: which rule, which way, and the points it covers (0-based)."""

    rule: Rule
    direction: Direction
    points: tuple[int, ...]
    periods: tuple[object, ...] = ()

    @property
    def label(self) -> str:
        return RULE_LABELS[self.rule]

    def describe(self) -> str:
        months = [period_label(period) for period in self.periods]
        span = months[0] if len(months) == 1 else f"{months[0]} to {months[-1]}"
        return f"{self.label} ({self.direction}): {span}"


@dataclass(frozen=True)
class SpcResult:
    """An SPC chart worked out: the centre, limits per point, and the signals."""

    kind: ChartKind
    periods: tuple[object, ...]
    values: tuple[float | None, ...]
    mean: float | None
    upper: tuple[float | None, ...]
    lower: tuple[float | None, ...]
    near_upper: tuple[float | None, ...]
    near_lower: tuple[float | None, ...]
    signals: tuple[Signal, ...]
    mean_moving_range: float | None = None
    numerators: tuple[float | None, ...] | None = None
    denominators: tuple[float | None, ...] | None = None

    @property
    def points(self) -> int:
        """How many months have a value."""
        return sum(value is not None for value in self.values)

    @property
    def enough_data(self) -> bool:
        """Whether there is a chart at all (a centre and limits)."""
        return self.mean is not None and any(limit is not None for limit in self.upper)

    @property
    def provisional(self) -> bool:
        return self.enough_data and self.points < PROVISIONAL_BELOW

    @property
    def latest(self) -> int | None:
        """The position of the latest month with a value."""
        for index in range(len(self.values) - 1, -1, -1):
            if self.values[index] is not None:
                return index
        return None

    def signals_at(self, index: int) -> list[Signal]:
        return [signal for signal in self.signals if index in signal.points]

    def frame(self, *, polarity: Polarity = Polarity.NEITHER) -> pl.DataFrame:
        """One row a month: the value, centre, limits and how the point is marked."""
        kinds = [point_kind(result=self, index=i, polarity=polarity) for i in range(len(self))]
        rules = [
            ", ".join(sorted({signal.rule.value for signal in self.signals_at(i)}))
            for i in range(len(self))
        ]
        data = {
            "period": [period_label(period) for period in self.periods],
            "value": list(self.values),
            "mean": [self.mean] * len(self),
            "upper": list(self.upper),
            "lower": list(self.lower),
            "point": [kind.value if kind else None for kind in kinds],
            "rules": rules,
        }
        schema = {
            "period": pl.String,
            "value": pl.Float64,
            "mean": pl.Float64,
            "upper": pl.Float64,
            "lower": pl.Float64,
            "point": pl.String,
            "rules": pl.String,
        }
        if self.denominators is not None:
            data["numerator"] = list(self.numerators or ())
            data["denominator"] = list(self.denominators)
            schema |= {"numerator": pl.Float64, "denominator": pl.Float64}
        return pl.DataFrame(data, schema=schema)

    def __len__(self) -> int:
        return len(self.values)


@dataclass(frozen=True)
class SpcReading:
    reading: Reading
    sentence: str
    signal: Signal | None = None


def _as_list(values: Sequence[float | None] | pl.Series) -> list[float | None]:
    items = values.to_list() if isinstance(values, pl.Series) else list(values)
    cleaned: list[float | None] = []
    for item in items:
        if item is None or (isinstance(item, float) and math.isnan(item)):
            cleaned.append(None)
        else:
            cleaned.append(float(item))
    return cleaned


def _periods(periods: Sequence[object] | pl.Series | None, length: int) -> tuple[object, ...]:
    if periods is None:
        return tuple(range(1, length + 1))
    items = periods.to_list() if isinstance(periods, pl.Series) else list(periods)
    if len(items) != length:
        raise ValueError(LENGTHS_DIFFER.format(lengths=f"{length} values, {len(items)} periods"))
    return tuple(items)


def _runs(marks: Sequence[int]) -> list[tuple[int, int, int]]:
    """Maximal runs of equal non-zero marks: (mark, first index, last index)."""
    runs: list[tuple[int, int, int]] = []
    start = 0
    for index in range(1, len(marks) + 1):
        if index == len(marks) or marks[index] != marks[start]:
            if marks[start] != 0:
                runs.append((marks[start], start, index - 1))
            start = index
    return runs


def _direction(mark: int) -> Direction:
    return Direction.UP if mark > 0 else Direction.DOWN


def signals_detect(
    *,
    values: Sequence[float | None],
    mean: float,
    upper: Sequence[float | None],
    lower: Sequence[float | None],
    near_upper: Sequence[float | None],
    near_lower: Sequence[float | None],
    periods: Sequence[object] | None = None,
) -> tuple[Signal, ...]:
    """Apply the four Making Data Count rules to a series with its centre and limits."""
    length = len(values)
    labels = tuple(periods) if periods is not None else tuple(range(1, length + 1))

    def signal(rule: Rule, mark: int, points: Sequence[int]) -> Signal:
        points = tuple(points)
        return Signal(rule, _direction(mark), points, tuple(labels[i] for i in points))

    found: list[Signal] = []
    # A point outside the process limits.
    for index, value in enumerate(values):
        if value is None:
            continue
        if upper[index] is not None and value > upper[index]:
            found.append(signal(Rule.OUTSIDE_LIMITS, 1, [index]))
        elif lower[index] is not None and value < lower[index]:
            found.append(signal(Rule.OUTSIDE_LIMITS, -1, [index]))
    # Shift: a run of SHIFT_RUN or more on one side of the mean.
    sides = [0 if value is None else (value > mean) - (value < mean) for value in values]
    for mark, first, last in _runs(sides):
        if last - first + 1 >= SHIFT_RUN:
            found.append(signal(Rule.SHIFT, mark, range(first, last + 1)))
    # Trend: TREND_RUN or more points, each strictly above (below) the one before.
    steps = [0] * length
    for index in range(1, length):
        before, value = values[index - 1], values[index]
        if before is not None and value is not None:
            steps[index] = (value > before) - (value < before)
    for mark, first, last in _runs(steps):
        if last - first + 2 >= TREND_RUN:  # n steps join n + 1 points
            found.append(signal(Rule.TREND, mark, range(first - 1, last + 1)))
    # Two out of three consecutive points beyond two sigma, on the same side.
    beyond = [0] * length
    for index, value in enumerate(values):
        if value is None:
            continue
        if near_upper[index] is not None and value > near_upper[index]:
            beyond[index] = 1
        elif near_lower[index] is not None and value < near_lower[index]:
            beyond[index] = -1
    for mark in (1, -1):
        current: list[int] = []
        window_end = -1
        for start in range(length - TWO_OF_THREE_WINDOW + 1):
            window = range(start, start + TWO_OF_THREE_WINDOW)
            hits = [i for i in window if beyond[i] == mark]
            if len(hits) < TWO_OF_THREE_NEEDED:
                continue
            if current and start <= window_end:
                current.extend(i for i in hits if i not in current)
            else:
                if current:
                    found.append(signal(Rule.TWO_OF_THREE, mark, current))
                current = list(hits)
            window_end = start + TWO_OF_THREE_WINDOW - 1
        if current:
            found.append(signal(Rule.TWO_OF_THREE, mark, current))
    found.sort(key=lambda s: (s.points[0], RULE_PRIORITY.index(s.rule), s.direction))
    return tuple(found)


def xmr_calculate(
    *,
    values: Sequence[float | None] | pl.Series,
    periods: Sequence[object] | pl.Series | None = None,
) -> SpcResult:
    """An XmR chart (individuals and moving range) of a monthly count or rate."""
    series = _as_list(values)
    labels = _periods(periods, len(series))
    present = [value for value in series if value is not None]
    moving_ranges = [
        abs(series[i] - series[i - 1])
        for i in range(1, len(series))
        if series[i] is not None and series[i - 1] is not None
    ]
    nothing = tuple([None] * len(series))
    if len(present) < MINIMUM_POINTS or not moving_ranges:
        mean = sum(present) / len(present) if present else None
        return SpcResult(
            ChartKind.XMR, labels, tuple(series), mean, nothing, nothing, nothing, nothing, ()
        )
    mean = sum(present) / len(present)
    mean_moving_range = sum(moving_ranges) / len(moving_ranges)
    width = XMR_LIMIT_FACTOR * mean_moving_range
    upper = tuple([mean + width] * len(series))
    lower = tuple([mean - width] * len(series))
    near_upper = tuple([mean + NEAR_LIMIT_FRACTION * width] * len(series))
    near_lower = tuple([mean - NEAR_LIMIT_FRACTION * width] * len(series))
    signals = signals_detect(
        values=series,
        mean=mean,
        upper=upper,
        lower=lower,
        near_upper=near_upper,
        near_lower=near_lower,
        periods=labels,
    )
    return SpcResult(
        ChartKind.XMR,
        labels,
        tuple(series),
        mean,
        upper,
        lower,
        near_upper,
        near_lower,
        signals,
        mean_moving_range=mean_moving_range,
    )


def p_chart_calculate(
    *,
    numerators: Sequence[float | None] | pl.Series,
    denominators: Sequence[float | None] | pl.Series,
    periods: Sequence[object] | pl.Series | None = None,
) -> SpcResult:
    """A p-chart of a monthly proportion: limits that follow each month's denominator."""
    tops = _as_list(numerators)
    bottoms = _as_list(denominators)
    if len(tops) != len(bottoms):
        raise ValueError(
            LENGTHS_DIFFER.format(lengths=f"{len(tops)} numerators, {len(bottoms)} denominators")
        )
    labels = _periods(periods, len(tops))
    for index, (top, bottom) in enumerate(zip(tops, bottoms, strict=True)):
        for count in (top, bottom):
            if count is not None and count < 0:
                raise ValueError(
                    NEGATIVE_COUNT.format(period=period_label(labels[index]), value=count)
                )
        if top is not None and bottom is not None and top > bottom:
            raise ValueError(
                NUMERATOR_ABOVE_DENOMINATOR.format(
                    period=period_label(labels[index]), numerator=top, denominator=bottom
                )
            )
    usable = [
        top is not None and bottom is not None and bottom > 0
        for top, bottom in zip(tops, bottoms, strict=True)
    ]
    values = tuple(
        tops[i] / bottoms[i] if usable[i] else None  # type: ignore[operator]
        for i in range(len(tops))
    )
    nothing = tuple([None] * len(tops))
    total_top = sum(tops[i] for i in range(len(tops)) if usable[i])  # type: ignore[misc]
    total_bottom = sum(bottoms[i] for i in range(len(tops)) if usable[i])  # type: ignore[misc]
    if sum(usable) < MINIMUM_POINTS:
        mean = total_top / total_bottom if total_bottom else None
        return SpcResult(
            ChartKind.P,
            labels,
            values,
            mean,
            nothing,
            nothing,
            nothing,
            nothing,
            (),
            numerators=tuple(tops),
            denominators=tuple(bottoms),
        )
    centre = total_top / total_bottom

    def limit(index: int, sigmas: float) -> float | None:
        if not usable[index]:
            return None
        sigma = math.sqrt(centre * (1 - centre) / bottoms[index])  # type: ignore[operator]
        return min(1.0, max(0.0, centre + sigmas * sigma))

    upper = tuple(limit(i, P_CHART_SIGMAS) for i in range(len(tops)))
    lower = tuple(limit(i, -P_CHART_SIGMAS) for i in range(len(tops)))
    near = P_CHART_SIGMAS * NEAR_LIMIT_FRACTION
    near_upper = tuple(limit(i, near) for i in range(len(tops)))
    near_lower = tuple(limit(i, -near) for i in range(len(tops)))
    signals = signals_detect(
        values=values,
        mean=centre,
        upper=upper,
        lower=lower,
        near_upper=near_upper,
        near_lower=near_lower,
        periods=labels,
    )
    return SpcResult(
        ChartKind.P,
        labels,
        values,
        centre,
        upper,
        lower,
        near_upper,
        near_lower,
        signals,
        numerators=tuple(tops),
        denominators=tuple(bottoms),
    )


def _better(direction: Direction, polarity: Polarity) -> bool | None:
    """Whether a move in this direction is better (None: polarity neither)."""
    if polarity == Polarity.NEITHER:
        return None
    return (direction == Direction.UP) == (polarity == Polarity.HIGHER_IS_BETTER)


def point_kind(*, result: SpcResult, index: int, polarity: Polarity) -> PointKind | None:
    """How a point is marked: common cause, or special cause and which kind (None: no value)."""
    if result.values[index] is None:
        return None
    signals = result.signals_at(index)
    if not signals:
        return PointKind.COMMON_CAUSE
    verdicts = {_better(signal.direction, polarity) for signal in signals}
    if False in verdicts:
        return PointKind.CONCERN
    if True in verdicts:
        return PointKind.IMPROVEMENT
    return PointKind.NEUTRAL


def _evidence(signal: Signal) -> str:
    template = EVIDENCE[(signal.rule, signal.direction)]
    return template.format(
        period=period_label(signal.periods[-1]) if signal.periods else "",
        count=len(signal.points),
        steps=len(signal.points) - 1,
    )


def reading_describe(*, result: SpcResult, polarity: Polarity, measure: str) -> SpcReading:
    """The plain-words reading of a series: is the latest month part of a real change?"""
    if not result.enough_data or result.latest is None:
        return SpcReading(Reading.NOT_ENOUGH_DATA, READING_NOT_ENOUGH_DATA.format(measure=measure))
    suffix = READING_PROVISIONAL.format(months=result.points) if result.provisional else ""
    signals = sorted(
        result.signals_at(result.latest), key=lambda signal: RULE_PRIORITY.index(signal.rule)
    )
    if not signals:
        sentence = READING_NO_CHANGE.format(measure=measure)
        return SpcReading(Reading.NO_SIGNIFICANT_CHANGE, sentence + suffix)
    if polarity == Polarity.NEITHER:
        chosen = signals[0]
        reading, template = (
            (Reading.HIGHER_THAN_USUAL, READING_HIGHER)
            if chosen.direction == Direction.UP
            else (Reading.LOWER_THAN_USUAL, READING_LOWER)
        )
    else:
        worse = [signal for signal in signals if not _better(signal.direction, polarity)]
        if worse:
            chosen, reading, template = worse[0], Reading.CONCERN, READING_CONCERN
        else:
            chosen, reading, template = signals[0], Reading.IMPROVING, READING_IMPROVING
    sentence = template.format(measure=measure, evidence=_evidence(chosen))
    return SpcReading(reading, sentence + suffix, chosen)


# --- Funnel plots ------------------------------------------------------------------------------


class FunnelBand(StrEnum):
    ABOVE_998 = "above_998"
    ABOVE_95 = "above_95"
    WITHIN = "within"
    BELOW_95 = "below_95"
    BELOW_998 = "below_998"
    NO_DATA = "no_data"


FUNNEL_BAND_LABELS: dict[FunnelBand, str] = {
    FunnelBand.ABOVE_998: "Above the 99.8% limit",
    FunnelBand.ABOVE_95: "Above the 95% limit",
    FunnelBand.WITHIN: "Within the 95% limits",
    FunnelBand.BELOW_95: "Below the 95% limit",
    FunnelBand.BELOW_998: "Below the 99.8% limit",
    FunnelBand.NO_DATA: "No cases",
}


@dataclass(frozen=True)
class FunnelUnit:
    """A team (or other unit) in a funnel plot: its numerator and denominator."""

    name: str
    numerator: float
    denominator: float


@dataclass(frozen=True)
class FunnelPoint:
    name: str
    numerator: float
    denominator: float
    proportion: float | None
    lower_95: float | None
    upper_95: float | None
    lower_998: float | None
    upper_998: float | None
    band: FunnelBand


@dataclass(frozen=True)
class FunnelResult:
    centre: float | None
    points: tuple[FunnelPoint, ...]

    def curve(self, *, steps: int = 120) -> pl.DataFrame:
        """The control limits over the denominators, for drawing the funnel."""
        largest = max((point.denominator for point in self.points), default=0)
        if self.centre is None or largest <= 0:
            return pl.DataFrame(
                schema=dict.fromkeys(
                    ("n", "lower_95", "upper_95", "lower_998", "upper_998"), pl.Float64
                )
            )
        top = largest * 1.1
        ns = [1 + (top - 1) * (i / (steps - 1)) ** 2 for i in range(steps)]
        return pl.DataFrame(
            {
                "n": ns,
                "lower_95": [funnel_limit(centre=self.centre, n=n, z=-Z_95) for n in ns],
                "upper_95": [funnel_limit(centre=self.centre, n=n, z=Z_95) for n in ns],
                "lower_998": [funnel_limit(centre=self.centre, n=n, z=-Z_998) for n in ns],
                "upper_998": [funnel_limit(centre=self.centre, n=n, z=Z_998) for n in ns],
            }
        )


def funnel_limit(*, centre: float, n: float, z: float) -> float:
    """centre + z·sqrt(centre(1 − centre)/n), kept within 0 and 1 (normal approximation)."""
    return min(1.0, max(0.0, centre + z * math.sqrt(centre * (1 - centre) / n)))


def funnel_calculate(*, units: Sequence[FunnelUnit], centre: float | None = None) -> FunnelResult:
    """Place each unit against 95% and 99.8% limits around the centre.

    The centre is the authority's proportion: given, or pooled from the units
    (Σ numerators / Σ denominators). A proportion exactly on a limit is within it.
    """
    for unit in units:
        if unit.numerator < 0 or unit.denominator < 0:
            raise ValueError(NEGATIVE_COUNT.format(period=unit.name, value=unit.numerator))
        if unit.numerator > unit.denominator:
            raise ValueError(
                NUMERATOR_ABOVE_DENOMINATOR.format(
                    period=unit.name, numerator=unit.numerator, denominator=unit.denominator
                )
            )
    if centre is None:
        total = sum(unit.denominator for unit in units)
        centre = sum(unit.numerator for unit in units) / total if total else None
    points = []
    for unit in units:
        if centre is None or unit.denominator == 0:
            points.append(
                FunnelPoint(
                    unit.name,
                    unit.numerator,
                    unit.denominator,
                    None,
                    None,
                    None,
                    None,
                    None,
                    FunnelBand.NO_DATA,
                )
            )
            continue
        proportion = unit.numerator / unit.denominator
        lower_95 = funnel_limit(centre=centre, n=unit.denominator, z=-Z_95)
        upper_95 = funnel_limit(centre=centre, n=unit.denominator, z=Z_95)
        lower_998 = funnel_limit(centre=centre, n=unit.denominator, z=-Z_998)
        upper_998 = funnel_limit(centre=centre, n=unit.denominator, z=Z_998)
        if proportion > upper_998:
            band = FunnelBand.ABOVE_998
        elif proportion > upper_95:
            band = FunnelBand.ABOVE_95
        elif proportion < lower_998:
            band = FunnelBand.BELOW_998
        elif proportion < lower_95:
            band = FunnelBand.BELOW_95
        else:
            band = FunnelBand.WITHIN
        points.append(
            FunnelPoint(
                unit.name,
                unit.numerator,
                unit.denominator,
                proportion,
                lower_95,
                upper_95,
                lower_998,
                upper_998,
                band,
            )
        )
    return FunnelResult(centre, tuple(points))
