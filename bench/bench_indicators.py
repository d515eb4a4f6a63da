"""Benchmark of the indicators engine (cpqa.indicators), printed as a markdown table.

    .venv/bin/python bench/bench_indicators.py [--scale 200] [--years 10] [--seed 1]

1. National scale: all of England over 10 years (scale 200 of the synthetic
   generator: about 2.4 million section 47 enquiries, 680,000 plans, 2.4
   million conferences, 13.5 million visits). The frames are generated once
   with cpqa.synthetic.generator and kept as parquet under var/bench/ (delete
   the folder to generate again). Every indicator is then computed by month
   and team in a fresh process, which reports its time and its peak memory
   (resident set size, including the frames it holds).
2. Plain pandas: three definitions (icpc_within_15_working_days,
   cpp_ended_2_years_or_more, cpp_reviewed_in_time) written the usual pandas
   way, run on the same national data in the same process as the same three
   by the engine; the numbers must agree exactly (by month, for the authority
   and every team) and the ratio of the times is recorded.
3. One authority (scale 1) over 3 years, by month: every indicator, best and
   median of 5 runs.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpqa.config.settings.test")

END = date(2025, 3, 31)  # a fixed end, so that runs compare
PANDAS_INDICATORS = (
    "icpc_within_15_working_days",
    "cpp_ended_2_years_or_more",
    "cpp_reviewed_in_time",
)
TARGET_NATIONAL_SECONDS = 30
TARGET_NATIONAL_MB = 4096
TARGET_AUTHORITY_SECONDS = 0.5


def _setup() -> None:
    import django

    django.setup()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _window(years: int) -> tuple[date, date]:
    from cpqa.core.periods import add_years

    return add_years(END + timedelta(days=1), -years), END


def _tables() -> tuple[str, ...]:
    from cpqa.indicators.registry import indicators

    names = {"team"}
    for indicator in indicators():
        names.update(indicator.tables)
    return tuple(sorted(names))


# --- Steps, each run in its own process -------------------------------------------


def generate(folder: Path, *, seed: int, scale: float, years: int) -> dict:
    """Generate the frames and write the tables the indicators read as parquet."""
    _setup()
    from cpqa.synthetic.generator import authority_generate

    started = time.perf_counter()
    frames = authority_generate(seed=seed, scale=scale, end=END, years=years)
    seconds = time.perf_counter() - started
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name in _tables():
        frames[name].write_parquet(folder / f"{name}.parquet")
        counts[name] = frames[name].height
    (folder / "counts.json").write_text(json.dumps(counts))
    return {"seconds": seconds, "peak_mb": _peak_mb(), "counts": counts}


def _load(folder: Path) -> dict:
    """The tables, with only the columns the indicators read."""
    import polars as pl

    from cpqa.indicators.engine import columns_needed

    needed = columns_needed()
    return {
        name: pl.read_parquet(folder / f"{name}.parquet", columns=list(columns))
        for name, columns in needed.items()
    }


def compute(folder: Path, *, years: int, by: str) -> dict:
    """Every indicator by period and team, from the parquet files."""
    _setup()
    from cpqa.core.periods import periods_between
    from cpqa.indicators.context import Context
    from cpqa.indicators.engine import indicators_compute

    started = time.perf_counter()
    frames = _load(folder)
    load_seconds = time.perf_counter() - started
    load_mb = _peak_mb()
    start, end = _window(years)
    started, cpu = time.perf_counter(), time.process_time()
    context = Context(periods=periods_between(start, end, by), child_population=12_000_000)
    rows = indicators_compute(frames, context)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "load_seconds": load_seconds,
        "load_mb": load_mb,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "load_average": os.getloadavg()[0],
        "peak_mb": _peak_mb(),
        "rows": rows.height,
        "periods": len(context.periods),
    }


def _pandas_frames(frames: dict) -> dict:
    """The same frames as pandas DataFrames (no pyarrow: column by column through numpy)."""
    import pandas as pd

    tables = {
        "conference": ["ref", "child", "kind", "section47", "plan", "team", "date_held"],
        "section47": ["ref", "start_date"],
        "protection_plan": ["ref", "child", "team", "start_date", "end_date"],
    }
    result = {}
    for name, columns in tables.items():
        frame = frames[name]
        data = {}
        for column in columns:
            series = frame.get_column(column)
            if series.dtype.is_temporal():
                data[column] = pd.to_datetime(series.to_numpy())
            else:
                data[column] = series.to_numpy()
        result[name] = pd.DataFrame(data)
    return result


def _month(values):
    return values.dt.to_period("M")


def pandas_icpc_within_15(pdf: dict, *, start, end, holidays) -> "pd.DataFrame":  # noqa: F821
    import numpy as np
    import pandas as pd

    conf = pdf["conference"]
    conf = conf[(conf["kind"] == "initial") & conf["date_held"].notna()]
    conf = conf[(conf["date_held"] >= start) & (conf["date_held"] <= end)]
    conf = conf.assign(unlinked=conf["section47"].isna())
    conf = conf.sort_values(["unlinked", "ref"]).drop_duplicates(["child", "date_held"])
    s47 = pdf["section47"].rename(columns={"ref": "section47", "start_date": "s47_start"})
    both = conf.merge(s47, on="section47", how="inner")
    both = both[both["s47_start"].notna() & (both["s47_start"] <= both["date_held"])]
    one = pd.Timedelta(days=1)
    days = np.busday_count(
        (both["s47_start"] + one).to_numpy().astype("datetime64[D]"),
        (both["date_held"] + one).to_numpy().astype("datetime64[D]"),
        holidays=holidays,
    )
    both = both.assign(numerator=(days <= 15).astype(np.int64), month=_month(both["date_held"]))
    return both[["month", "team", "numerator"]]


def pandas_ended_2_years(pdf: dict, *, start, end, holidays) -> "pd.DataFrame":  # noqa: F821
    import numpy as np
    import pandas as pd

    plans = pdf["protection_plan"]
    ended = plans[plans["end_date"].notna()]
    ended = ended[(ended["end_date"] >= start) & (ended["end_date"] <= end)]
    two_years = ended["start_date"] + pd.DateOffset(years=2)
    lasted = (ended["end_date"] >= two_years).astype(np.int64)
    return pd.DataFrame(
        {"month": _month(ended["end_date"]), "team": ended["team"], "numerator": lasted}
    )


def pandas_reviewed_in_time(pdf: dict, *, start, end, holidays) -> "pd.DataFrame":  # noqa: F821
    import numpy as np
    import pandas as pd

    plans = pdf["protection_plan"]
    plans = plans[plans["start_date"].notna()].rename(columns={"ref": "plan"})
    conf = pdf["conference"]
    reviews = conf[(conf["kind"] == "review") & conf["plan"].notna() & conf["date_held"].notna()][
        ["plan", "date_held"]
    ]
    reviews = reviews.merge(plans[["plan", "start_date"]], on="plan")
    reviews = reviews[reviews["date_held"] > reviews["start_date"]]
    reviews = reviews.drop_duplicates(["plan", "date_held"]).sort_values(["plan", "date_held"])
    previous = reviews.groupby("plan")["date_held"].shift(1)
    due = (previous + pd.DateOffset(months=6)).where(
        previous.notna(), reviews["start_date"] + pd.DateOffset(months=3)
    )
    reviews = reviews.assign(late=(reviews["date_held"] > due).astype(np.int64))
    reviews["late_so_far"] = reviews.groupby("plan")["late"].cummax()
    reviews["next_due"] = reviews["date_held"] + pd.DateOffset(months=6)

    month_ends = pd.date_range(start, end, freq="ME")
    first_due = plans["start_date"] + pd.DateOffset(months=3)
    low = np.searchsorted(month_ends.values, first_due.values, side="left")
    plan_end = plans["end_date"].fillna(pd.Timestamp.max.normalize())
    high = np.searchsorted(month_ends.values, plan_end.values, side="left")
    count = np.clip(high - low, 0, None)
    index = np.repeat(np.arange(len(plans)), count)
    offset = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    pairs = plans.iloc[index].reset_index(drop=True)
    pairs["period_end"] = month_ends.values[np.repeat(low, count) + offset]
    pairs = pairs.assign(first_due=pairs["start_date"] + pd.DateOffset(months=3))
    merged = pd.merge_asof(
        pairs.sort_values("period_end"),
        reviews[["plan", "date_held", "late_so_far", "next_due"]].sort_values("date_held"),
        left_on="period_end",
        right_on="date_held",
        by="plan",
        direction="backward",
    )
    next_due = merged["next_due"].where(merged["date_held"].notna(), merged["first_due"])
    late = merged["late_so_far"].fillna(0).astype(bool)
    in_time = (~late & (next_due > merged["period_end"])).astype(np.int64)
    return pd.DataFrame(
        {"month": _month(merged["period_end"]), "team": merged["team"], "numerator": in_time}
    )


PANDAS = {
    "icpc_within_15_working_days": pandas_icpc_within_15,
    "cpp_ended_2_years_or_more": pandas_ended_2_years,
    "cpp_reviewed_in_time": pandas_reviewed_in_time,
}


def _pandas_sums(records) -> dict:
    """(month, team or None) -> (numerator, denominator), teams and the whole authority."""
    sums = {}
    by_team = records.groupby(["month", "team"])["numerator"].agg(["sum", "size"])
    for (month, team), row in by_team.iterrows():
        sums[(str(month), team)] = (int(row["sum"]), int(row["size"]))
    whole = records.groupby("month")["numerator"].agg(["sum", "size"])
    for month, row in whole.iterrows():
        sums[(str(month), None)] = (int(row["sum"]), int(row["size"]))
    return sums


def compare_pandas(folder: Path, *, years: int) -> dict:
    """The three definitions in pandas and in the engine, on the same data; same numbers?"""
    _setup()
    import numpy as np
    import pandas as pd
    import polars as pl

    from cpqa.core.periods import periods_between
    from cpqa.core.workdays import bank_holidays
    from cpqa.indicators.context import Context
    from cpqa.indicators.engine import indicators_compute

    frames = _load(folder)
    start, end = _window(years)
    pdf = _pandas_frames(frames)
    holidays = np.array(bank_holidays("england"), dtype="datetime64[D]")
    pandas_seconds = {}
    pandas_sums = {}
    for indicator_id, function in PANDAS.items():
        started = time.perf_counter()
        records = function(pdf, start=pd.Timestamp(start), end=pd.Timestamp(end), holidays=holidays)
        pandas_seconds[indicator_id] = time.perf_counter() - started
        pandas_sums[indicator_id] = _pandas_sums(records)
    polars_seconds = {}
    mismatches = {}
    for indicator_id in PANDAS:
        started = time.perf_counter()
        context = Context(periods=periods_between(start, end, "month"))
        rows = indicators_compute(frames, context, [indicator_id])
        polars_seconds[indicator_id] = time.perf_counter() - started
        ours = {
            (row["period_start"].strftime("%Y-%m"), row["team_ref"]): (
                row["numerator"],
                row["denominator"],
            )
            for row in rows.filter(pl.col("denominator") > 0).iter_rows(named=True)
        }
        theirs = pandas_sums[indicator_id]
        differ = [key for key in ours.keys() | theirs.keys() if ours.get(key) != theirs.get(key)]
        mismatches[indicator_id] = {"cells": len(ours), "differ": len(differ), "first": differ[:3]}
    return {
        "pandas_seconds": pandas_seconds,
        "polars_seconds": polars_seconds,
        "mismatches": mismatches,
        "peak_mb": _peak_mb(),
    }


def authority(*, seed: int, years: int, runs: int) -> dict:
    """One authority (scale 1): generation, then every indicator by month, several runs."""
    _setup()
    from cpqa.core.periods import periods_between
    from cpqa.indicators.context import Context
    from cpqa.indicators.engine import indicators_compute
    from cpqa.synthetic.generator import authority_generate

    frames = authority_generate(seed=seed, scale=1, end=END, years=years)
    start, end = _window(years)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        context = Context(periods=periods_between(start, end, "month"), child_population=60_000)
        rows = indicators_compute(frames, context)
        times.append(time.perf_counter() - started)
    return {
        "best": min(times),
        "median": statistics.median(times),
        "rows": rows.height,
        "peak_mb": _peak_mb(),
        "counts": {name: frames[name].height for name in _tables()},
    }


# --- The driver -------------------------------------------------------------------


def _child(step: str, *args: str) -> dict:
    command = [sys.executable, __file__, "--step", step, *args]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr)
        raise SystemExit(f"step {step} failed")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=200)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--folder", type=Path, default=None)
    parser.add_argument("--skip-national", action="store_true")
    parser.add_argument("--step", choices=["generate", "compute", "pandas", "authority"])
    args = parser.parse_args()
    folder = (
        args.folder or ROOT / "var" / "bench" / f"national-{args.seed}-{args.scale:g}-{args.years}"
    )

    if args.step == "generate":
        print(json.dumps(generate(folder, seed=args.seed, scale=args.scale, years=args.years)))
        return
    if args.step == "compute":
        print(json.dumps(compute(folder, years=args.years, by="month")))
        return
    if args.step == "pandas":
        print(json.dumps(compare_pandas(folder, years=args.years)))
        return
    if args.step == "authority":
        print(json.dumps(authority(seed=args.seed, years=3, runs=args.runs)))
        return

    common = ["--scale", str(args.scale), "--years", str(args.years), "--seed", str(args.seed)]
    common += ["--folder", str(folder), "--runs", str(args.runs)]
    lines = ["| measure | figure | target |", "|---|---|---|"]
    if not args.skip_national:
        if not (folder / "counts.json").exists():
            made = _child("generate", *common)
            lines.append(
                f"| national data generated (scale {args.scale:g}, {args.years} years) | "
                f"{made['seconds']:.1f} s, peak {made['peak_mb']:,.0f} MB | |"
            )
        counts = json.loads((folder / "counts.json").read_text())
        volumes = ", ".join(
            f"{name} {counts[name]:,}"
            for name in ("section47", "conference", "protection_plan", "visit")
            if name in counts
        )
        lines.append(f"| national rows | {volumes} | |")
        national = _child("compute", *common)
        lines.append(
            f"| national: load parquet | {national['load_seconds']:.1f} s, "
            f"{national['load_mb']:,.0f} MB | |"
        )
        lines.append(
            f"| national: every indicator by month ({national['periods']} months) and team | "
            f"{national['seconds']:.1f} s ({national['cpu_seconds']:.1f} s of CPU; load "
            f"average {national['load_average']:.1f}), {national['rows']:,} rows | "
            f"{TARGET_NATIONAL_SECONDS} s |"
        )
        lines.append(
            f"| national: peak memory (frames and computation) | {national['peak_mb']:,.0f} MB | "
            f"{TARGET_NATIONAL_MB:,} MB |"
        )
        compared = _child("pandas", *common)
        total_pandas = sum(compared["pandas_seconds"].values())
        total_polars = sum(compared["polars_seconds"].values())
        for indicator_id in PANDAS_INDICATORS:
            pandas_s = compared["pandas_seconds"][indicator_id]
            polars_s = compared["polars_seconds"][indicator_id]
            check = compared["mismatches"][indicator_id]
            agree = "same numbers" if check["differ"] == 0 else f"{check['differ']} cells differ"
            lines.append(
                f"| national: {indicator_id}, pandas / engine | {pandas_s:.2f} s / "
                f"{polars_s:.2f} s = {pandas_s / polars_s:.1f}x ({agree}, {check['cells']:,} "
                "cells) | |"
            )
        lines.append(
            f"| national: the three, pandas / engine | {total_pandas:.2f} s / {total_polars:.2f} s"
            f" = {total_pandas / total_polars:.1f}x | |"
        )
    local = _child("authority", *common)
    lines.append(
        f"| one authority (scale 1), 3 years by month: every indicator | best "
        f"{local['best']:.2f} s, median {local['median']:.2f} s, {local['rows']:,} rows | "
        f"{TARGET_AUTHORITY_SECONDS} s |"
    )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
