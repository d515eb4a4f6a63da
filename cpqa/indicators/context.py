"""What an indicator is computed for: the periods, the nation, the standards in force."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise

import numpy as np
import polars as pl

from cpqa.core.periods import Period
from cpqa.core.workdays import bank_holidays

from .standards import Standards, StandardTerms, default_standards

# A frame of a fact table: eager, or lazy (e.g. a parquet scan in the benchmark).
Frame = pl.DataFrame | pl.LazyFrame
Frames = Mapping[str, Frame]

PERIODS_OVERLAP = "Periods must be in order and must not overlap."
NO_PERIODS = "At least one period is needed."


@dataclass
class Context:
    """The periods to measure (in order, not overlapping) and what they are measured against.

    `memo` holds intermediate frames that several indicators share (e.g. the
    children on a plan at the end of each period), so that one run of many
    indicators works each out once. A context belongs to one set of frames.
    """

    periods: Sequence[Period]
    region: str = "england"
    standards: Standards = field(default_factory=default_standards)
    child_population: int | None = None
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.periods = tuple(self.periods)
        if not self.periods:
            raise ValueError(NO_PERIODS)
        for period in self.periods:
            if period.end < period.start:
                raise ValueError(PERIODS_OVERLAP)
        for before, after in pairwise(self.periods):
            if after.start <= before.end:
                raise ValueError(PERIODS_OVERLAP)

    @property
    def contiguous(self) -> bool:
        """Whether each period starts the day after the one before ends."""
        return all(
            after.start - before.end == timedelta(days=1)
            for before, after in pairwise(self.periods)
        )

    @property
    def starts(self) -> pl.Series:
        return pl.Series("period_start", [p.start for p in self.periods], pl.Date)

    @property
    def ends(self) -> pl.Series:
        return pl.Series("period_end", [p.end for p in self.periods], pl.Date)

    @property
    def holidays(self) -> list[date]:
        return list(bank_holidays(self.region))

    def periods_frame(self) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "period": pl.Series(range(len(self.periods)), dtype=pl.UInt32),
                "period_start": self.starts,
                "period_end": self.ends,
            }
        )

    def terms(self, slug: str) -> list[StandardTerms | None]:
        """The version of a standard in force on each period's last day."""
        return [self.standards.in_force(slug, period.end) for period in self.periods]

    def thresholds(self, slug: str) -> pl.Series:
        """Per period, the threshold in force (null where none is)."""
        values = [terms.threshold if terms else None for terms in self.terms(slug)]
        return pl.Series(f"threshold_{slug}", values, pl.Int64)

    def threshold_frame(self, *slugs: str) -> pl.DataFrame:
        """The periods frame with one column per standard: threshold_<slug>."""
        return self.periods_frame().with_columns(*(self.thresholds(slug) for slug in slugs))

    def window_starts(self, days: pl.Series) -> pl.Series:
        """Per period: the earliest date v with at most `days` working days from v to its end.

        That is, for working days counted as d with v < d <= end, the date `days`
        working days before the last working day on or before the end.
        """
        ends = self.ends.to_numpy().astype("datetime64[D]")
        offsets = days.fill_null(0).to_numpy().astype(np.int64)
        holidays = np.array(bank_holidays(self.region), dtype="datetime64[D]")
        starts = np.busday_offset(ends, -offsets, roll="backward", holidays=holidays)
        series = pl.Series("window_start", starts.astype("datetime64[D]"), pl.Date)
        return series.set(days.is_null(), None) if days.null_count() else series

    def shared(self, key: str, build: Callable[[], pl.DataFrame]) -> pl.DataFrame:
        """Build an intermediate frame once per context."""
        if key not in self.memo:
            self.memo[key] = build()
        return self.memo[key]
