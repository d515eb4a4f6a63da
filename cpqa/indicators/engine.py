"""The engine: every indicator for every period and team, in one pass each.

`indicators_compute` returns one row per indicator, period, team (null for the
whole authority) and breakdown value, with its numerator, denominator and
value. Each definition's members are given one integer key (period, team,
breakdown) and summed with numpy's bincount; the whole authority is the sum of
its teams and of the records with no team. Every period and every team
appears, with 0 for a count and no value (null) for a percentage with nothing
to measure. Indicators are computed one after the other (each query runs in
parallel inside polars), so that the members of only one are held at a time.

`indicator_records` returns the members themselves (the records counted), for
the drill-down.
"""

from collections.abc import Sequence
from datetime import date
from typing import Literal

import numpy as np
import polars as pl

from .common import with_period_dates
from .context import Context, Frames
from .registry import Indicator, indicator_get, indicators

ROW_COLUMNS = (
    "indicator",
    "period_start",
    "period_end",
    "team_ref",
    "team",
    "breakdown",
    "numerator",
    "denominator",
    "value",
)
ROW_SCHEMA = {
    "indicator": pl.Categorical,
    "period_start": pl.Date,
    "period_end": pl.Date,
    "team_ref": pl.Categorical,
    "team": pl.Categorical,
    "breakdown": pl.Categorical,
    "numerator": pl.Int64,
    "denominator": pl.Int64,
    "value": pl.Float64,
}

Part = Literal["numerator", "denominator"]


def indicator_members(indicator: Indicator, frames: Frames, ctx: Context) -> pl.LazyFrame:
    return indicator.compute(frames, ctx)


def _selected(ids: Sequence[str] | None) -> list[Indicator]:
    if ids is None:
        return list(indicators())
    return [indicator_get(indicator_id) for indicator_id in dict.fromkeys(ids)]


def _teams(frames: Frames) -> tuple[list[str | None], list[str | None]]:
    """Team refs and names in the order of the rows: None (the whole authority) first,
    then the teams by name."""
    team = frames.get("team")
    if team is None:
        return [None], [None]
    known = (
        team.lazy()
        .select(pl.col("ref").cast(pl.String), pl.col("name").cast(pl.String))
        .unique("ref", keep="first", maintain_order=True)
        .sort(["name", "ref"], nulls_last=True)
        .collect()
    )
    refs = [None, *known.get_column("ref").to_list()]
    names = [None, *(name or ref for ref, name in known.iter_rows())]
    return refs, names


def _index(column: str, dtype: pl.DataType, values: list[str], default: int | None) -> pl.Expr:
    """The position of each value of a text, categorical or enum column in `values`
    (plus one, with `default` for any other value, when a default is given)."""
    shift = 0 if default is None else 1
    positions = [position + shift for position in range(len(values))]
    if isinstance(dtype, pl.Enum) and list(dtype.categories) == values:
        return pl.col(column).to_physical().cast(pl.Int64) + shift
    if isinstance(dtype, pl.Categorical):
        # Categories are global: look the category ids of the values up in an array.
        ids = pl.Series(values, dtype=pl.String).cast(pl.Categorical).to_physical().to_numpy()
        lookup = np.full(int(ids.max(initial=0)) + 2, -1 if default is None else default)
        lookup[ids] = positions
        last = len(lookup) - 1  # ids of other values, beyond the array, read the default
        return pl.lit(pl.Series(lookup, dtype=pl.Int64)).gather(
            pl.col(column).to_physical().cast(pl.Int64).clip(0, last)
        )
    return (
        pl.col(column)
        .cast(pl.String)
        .replace_strict(values, positions, default=default, return_dtype=pl.Int64)
    )


def _keys(
    indicator: Indicator, frame: pl.LazyFrame, periods: int, teams: int, refs: list
) -> pl.LazyFrame:
    """Each member's integer key (period, team index, breakdown index) and amounts.

    Team index 0 holds the records with no team (or a team not in the team
    table); the engine adds every index up for the whole authority.
    """
    schema = frame.collect_schema()
    if indicator.by_team and teams > 1:
        team = _index("team", schema["team"], refs[1:], default=0).fill_null(0)
    else:
        team = pl.lit(0, pl.Int64)
    values = list(indicator.breakdown_values)
    breakdown = (
        _index("breakdown", schema["breakdown"], values, default=None)
        if values
        else pl.lit(0, pl.Int64)
    )
    width = max(1, len(values))
    key = (pl.col("period").cast(pl.Int64) * teams + team) * width + breakdown
    small = periods * teams * width < 2**31  # then 4-byte keys, to hold less
    return frame.select(
        key=key.cast(pl.Int32 if small else pl.Int64),
        numerator=pl.col("numerator").cast(pl.Int64 if indicator.kind == "mean" else pl.Int8),
        denominator=pl.col("denominator").cast(pl.Int8).fill_null(0),
    )


def _finish(
    indicator: Indicator,
    keyed: pl.DataFrame,
    ctx: Context,
    refs: list[str | None],
    names: list[str | None],
) -> pl.DataFrame:
    """From the members' keys to the rows: every period, the authority then each team,
    and every breakdown value, in that order (sums by numpy's bincount)."""
    periods = len(ctx.periods)
    teams = len(refs)
    values = list(indicator.breakdown_values) or [None]
    width = len(values)
    size = periods * teams * width
    keys = keyed.get_column("key").to_numpy()
    if keys.size and keys.min() < 0:
        raise ValueError(f"{indicator.id}: a breakdown value is not one of {values}")
    dense = {}
    for column in ("numerator", "denominator"):
        amounts = keyed.get_column(column).to_numpy()
        if amounts.size == 0 or (amounts.min() >= 0 and amounts.max() <= 1):
            # 0 or 1 (most amounts): count the keys where it is 1, without float weights.
            total = np.bincount(keys[amounts.astype(bool)], minlength=size)[:size]
        else:
            total = np.rint(np.bincount(keys, weights=amounts, minlength=size)[:size])
        cube = total.astype(np.int64).reshape(periods, teams, width)
        cube[:, 0, :] = cube.sum(axis=1)  # the whole authority: every team and no team
        dense[column] = cube
    shown = teams if indicator.by_team else 1
    numerator = dense["numerator"][:, :shown, :]
    denominator = dense["denominator"][:, :shown, :]
    if indicator.breakdown_shares:
        denominator = np.broadcast_to(denominator.sum(axis=2, keepdims=True), numerator.shape)
    numerator = numerator.reshape(-1)
    denominator = denominator.reshape(-1)
    rows = periods * shown * width
    period_index = np.repeat(np.arange(periods), shown * width)
    team_index = np.tile(np.repeat(np.arange(shown), width), periods)
    breakdown_index = np.tile(np.arange(width), periods * shown)

    if indicator.kind == "count":
        denominator_series = pl.repeat(None, rows, dtype=pl.Int64, eager=True)
        value = numerator.astype(np.float64)
    elif indicator.kind == "rate":
        population = ctx.child_population
        denominator_series = pl.repeat(population, rows, dtype=pl.Int64, eager=True)
        value = numerator / population * indicator.per if population else np.full(rows, np.nan)
    else:
        denominator_series = pl.Series("denominator", denominator, pl.Int64)
        scale = 100.0 if indicator.kind == "percentage" else 1.0
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(
                denominator > 0, numerator / np.maximum(denominator, 1) * scale, np.nan
            )
    return pl.DataFrame(
        {
            "indicator": pl.Series([indicator.id], dtype=pl.String)
            .cast(pl.Categorical)
            .gather(np.zeros(rows, np.int64)),
            "period_start": ctx.starts.gather(period_index),
            "period_end": ctx.ends.gather(period_index),
            "team_ref": pl.Series(refs[:shown], dtype=pl.String)
            .cast(pl.Categorical)
            .gather(team_index),
            "team": pl.Series(names[:shown], dtype=pl.String)
            .cast(pl.Categorical)
            .gather(team_index),
            "breakdown": pl.Series(values, dtype=pl.String)
            .cast(pl.Categorical)
            .gather(breakdown_index),
            "numerator": pl.Series(numerator, dtype=pl.Int64),
            "denominator": denominator_series,
            "value": pl.Series(value, dtype=pl.Float64).fill_nan(None),
        }
    )


def indicators_compute(
    frames: Frames, ctx: Context, ids: Sequence[str] | None = None
) -> pl.DataFrame:
    """Every selected indicator (all by default) for every period, the authority and each team.

    Team, breakdown and indicator are categorical columns (they repeat a lot).
    """
    selected = _selected(ids)
    refs, names = _teams(frames)
    results = []
    # One indicator at a time: each query runs in parallel inside polars, and the
    # members of only one indicator are in memory at once.
    for indicator in selected:
        members = indicator_members(indicator, frames, ctx)
        keyed = _keys(indicator, members, len(ctx.periods), len(refs), refs).collect()
        results.append(_finish(indicator, keyed, ctx, refs, names))
        del keyed
    if not results:
        return pl.DataFrame(schema=ROW_SCHEMA)
    return pl.concat(results, rechunk=False)


def columns_needed(ids: Sequence[str] | None = None) -> dict[str, tuple[str, ...]]:
    """The columns of each fact table that the indicators read (to load no more)."""
    from cpqa.core.periods import Period

    from .common import _reading

    reading: dict[str, set[str]] = {}
    token = _reading.set(reading)
    try:
        day = date(2000, 1, 1)
        context = Context(periods=[Period(day, day)])
        for indicator in _selected(ids):
            indicator_members(indicator, {}, context).collect()
    finally:
        _reading.reset(token)
    reading.setdefault("team", set()).update({"ref", "name"})
    return {name: tuple(sorted(columns)) for name, columns in sorted(reading.items())}


def indicator_records(
    indicator: Indicator,
    frames: Frames,
    ctx: Context,
    *,
    team_ref: str | None = None,
    part: Part = "numerator",
    breakdown: str | None = None,
) -> pl.DataFrame:
    """The records counted in an indicator's numerator or denominator, as text.

    team_ref None: the whole authority. For a count, both parts are the records
    counted. For a mean, both parts are the records whose amounts are added up.
    For shares by breakdown value, the denominator is every record, whatever
    its value.
    """
    frame = indicator_members(indicator, frames, ctx).with_columns(
        pl.col("team", "breakdown", "ref", "child").cast(pl.String)
    )
    if team_ref is not None:
        frame = frame.filter(pl.col("team") == team_ref)
    counts_every_value = indicator.breakdown_shares and part == "denominator"
    if breakdown is not None and not counts_every_value:
        frame = frame.filter(pl.col("breakdown") == breakdown)
    if indicator.kind in ("percentage", "rate") and part == "numerator":
        frame = frame.filter(pl.col("numerator") > 0)
    return (
        frame.pipe(with_period_dates, ctx)
        .sort(["period", "child", "ref"], nulls_last=True)
        .collect()
    )
