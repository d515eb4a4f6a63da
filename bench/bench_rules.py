"""Benchmark of the 29 DfE CIN census rules and the completeness checks, as markdown tables.

    .venv/bin/python bench/bench_rules.py [--scale 31] [--seed 1] [--repeat 3]

A synthetic authority (cpqa.synthetic.generator) is generated in memory; scale 31
gives about 100,000 children in the CIN census year (children with an episode
open at some time in the year), the size of the target: import and all 29 rules
for a census of 100,000 children within 20 seconds on a 2-core machine. The
script times, on the generated frames (no database):

- the census view (engine.census_view),
- each rule (engine.rules_run; the best of --repeat runs of all 29),
- the attribution of team and worker to the findings (engine.findings_attribute),
- the completeness checks with their attribution (completeness.completeness_attributed),

and prints a table per part, with the rows and findings counted.

With --database, the frames are then loaded into a fresh SQLite database in a
temporary folder (casework.services.facts_load) and the whole stored refresh
that runs after an import (dataquality.services.findings_refresh: reading the
frames back, the census view, the rules, completeness, storing the results) is
timed, with the read-back alone.
"""

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpqa.config.settings.test")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=31)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database", action="store_true", help="time the stored refresh too")
    args = parser.parse_args()
    if args.database:
        import tempfile

        folder = tempfile.mkdtemp(prefix="cpqa-bench-rules-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"

    import django

    django.setup()
    import polars as pl

    from cpqa.dataquality.completeness import (
        TREND_MONTHS,
        completeness_attributed,
        completeness_counts,
    )
    from cpqa.dataquality.engine import (
        census_view,
        census_year_end,
        data_as_at,
        findings_attribute,
        rules_run,
    )
    from cpqa.dataquality.rules.base import RuleContext
    from cpqa.synthetic.generator import authority_generate

    started = time.perf_counter()
    frames = authority_generate(seed=args.seed, scale=args.scale)
    generated = time.perf_counter() - started
    as_at = data_as_at(frames=frames, today=date.today())
    context = RuleContext(reference_date=census_year_end(as_at), region="england", as_at=as_at)
    episodes = frames["cin_episode"].filter(
        (pl.col("referral_date") <= context.reference_date)
        & (pl.col("closure_date").is_null() | (pl.col("closure_date") >= context.year_start))
    )
    census_children = episodes.get_column("child").n_unique()

    timings: dict[str, float] = {}

    def timed(name: str, function):
        best, value = None, None
        for _ in range(args.repeat):
            begin = time.perf_counter()
            value = function()
            seconds = time.perf_counter() - begin
            best = seconds if best is None else min(best, seconds)
        timings[name] = best
        return value

    view = timed("census view", lambda: census_view(frames=frames, context=context, as_at=as_at))
    runs = []

    def run_all():
        result = rules_run(frames=view, context=context)
        runs.append(result)
        return result

    result = timed("29 rules", run_all)
    per_rule = {code: min(run.outcomes[code].seconds for run in runs) for code in result.outcomes}
    attributed = timed(
        "team and worker of the findings",
        lambda: findings_attribute(result.findings, frames=frames, context=context),
    )
    records = timed(
        "completeness records and attribution",
        lambda: completeness_attributed(frames=frames, as_at=as_at, region="england"),
    )
    counts = timed("completeness counts", lambda: completeness_counts(records, months=TREND_MONTHS))

    print(f"# CIN census rules, scale {args.scale:g}, seed {args.seed}\n")
    print(f"- census year {context.year_start} to {context.reference_date}, data as at {as_at}")
    print(f"- children in the census year: {census_children:,}")
    print(
        "- rows: "
        + ", ".join(f"{name} {frame.height:,}" for name, frame in frames.items() if frame.height)
    )
    print(f"- generated in {generated:.1f} s; best of {args.repeat} runs below\n")
    print("| rule | severity | findings | seconds |")
    print("|---|---|---:|---:|")
    for code, outcome in result.outcomes.items():
        severity = "query" if code.endswith("Q") else "error"
        print(f"| {code} | {severity} | {outcome.count:,} | {per_rule[code]:.3f} |")
    print(f"| **all 29** | | **{result.findings.height:,}** | **{timings['29 rules']:.2f}** |\n")
    print("| part | rows | seconds |")
    print("|---|---:|---:|")
    rows = {
        "census view": sum(frame.height for frame in view.values()),
        "29 rules": result.findings.height,
        "team and worker of the findings": attributed.height,
        "completeness records and attribution": records.height,
        "completeness counts": counts.height,
    }
    for name, seconds in timings.items():
        print(f"| {name} | {rows[name]:,} | {seconds:.2f} |")
    total = sum(timings.values())
    print(f"| **total** | | **{total:.2f}** |")
    if args.database:
        database_refresh(frames)


def database_refresh(frames) -> None:
    from django.core.management import call_command

    from cpqa.casework.services import facts_load
    from cpqa.core.models import Authority
    from cpqa.dataquality.models import CompletenessCount, CompletenessGap, Finding
    from cpqa.dataquality.selectors import check_frames
    from cpqa.dataquality.services import findings_refresh

    call_command("migrate", verbosity=0, interactive=False)
    authority = Authority.objects.create(code="999", name="Bench")
    begin = time.perf_counter()
    facts_load(authority=authority, frames=frames)
    loaded = time.perf_counter() - begin
    begin = time.perf_counter()
    check_frames(authority=authority)
    read = time.perf_counter() - begin
    begin = time.perf_counter()
    summary = findings_refresh(authority=authority, force=True)
    refreshed = time.perf_counter() - begin
    print("\n| stored refresh (SQLite) | rows | seconds |")
    print("|---|---:|---:|")
    print(f"| load of the frames (facts_load, not part of the refresh) | | {loaded:.1f} |")
    print(f"| read back (selectors.check_frames, within the refresh) | | {read:.2f} |")
    stored = (
        Finding.objects.count()
        + CompletenessCount.objects.count()
        + CompletenessGap.objects.count()
    )
    print(f"| findings_refresh, all of it | {stored:,} stored | {refreshed:.2f} |")
    print(f"\nfindings {summary.total:,}; failed {summary.failed or 'none'}")


if __name__ == "__main__":
    main()
