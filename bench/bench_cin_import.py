"""Benchmark of the CIN census import, printed as markdown tables.

    .venv/bin/python bench/bench_cin_import.py [--children 100000] [--seed 1] [--rules]
                                               [--tracemalloc] [--fresh] [--postgres URL]

1. A CIN census XML file of `--children` children (100,000 by default) is written
   from a synthetic authority (cpqa.synthetic.generator at a scale that gives at
   least that many children in the census year, cut to exactly that many) with
   cpqa.ingest.writers.cin_census. It is kept under var/bench/ and written again only
   with --fresh.
2. Parse: the importer alone, in a fresh process (time, CPU time, peak resident set
   size). With --tracemalloc, a second parse under tracemalloc gives the peak of
   memory allocated by Python (slower: not timed).
3. Import: `import_files` into a fresh SQLite database in a temporary folder (or,
   with --postgres postgres://.../NAME, into a PostgreSQL database NAME dropped and
   created again for the run), in a fresh process with Django's test settings: the
   whole import, the parse within it, and the load (`facts_load` and the import's
   bookkeeping), with where the time of `facts_load` goes.
4. Validation rules: `import_files` runs the DfE validation rules once the facts are
   loaded (cpqa.dataquality.services.findings_refresh); their time is shown apart. The
   target is import and rules together within TARGET_SECONDS and TARGET_MB on a 2-core
   machine. With --rules, cpqa.dataquality.engine.rules_run is also timed alone on the
   frames read back from the database.

Each phase runs in its own process, so each peak is that phase's own.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpqa.config.settings.test")

REFERENCE_DATE = date(2025, 3, 31)
CHILDREN_PER_SCALE = 4300  # census children per unit of generator scale, a little under
TARGET_SECONDS = 20
TARGET_MB = 2048
BENCH_DIR = ROOT / "var" / "bench"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _setup() -> None:
    import django

    django.setup()


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> tuple[float, float]:
    return time.perf_counter() - start[0], time.process_time() - start[1]


def phase_write(*, children: int, seed: int, path: Path) -> dict:
    """Generate an authority big enough and write the census of its last year."""
    _setup()
    import polars as pl

    from cpqa.ingest.formats.cin_census import census_year
    from cpqa.ingest.writers.cin_census import cin_census_write
    from cpqa.synthetic.generator import authority_generate

    start = _clock()
    scale = children / CHILDREN_PER_SCALE
    frames = authority_generate(seed=seed, scale=scale, end=REFERENCE_DATE)
    generated = _since(start)
    year_start, year_end = census_year(reference_date=REFERENCE_DATE)
    in_year = (
        frames["cin_episode"]
        .filter(
            (pl.col("referral_date") <= year_end)
            & (pl.col("closure_date").is_null() | (pl.col("closure_date") >= year_start))
        )
        .get_column("child")
        .unique()
    )
    kept = frames["child"].filter(pl.col("ref").is_in(in_year.implode())).head(children)
    frames = {**frames, "child": kept}
    start = _clock()
    written = cin_census_write(
        frames=frames, reference_date=REFERENCE_DATE, path=path, la_code="999"
    )
    wall, cpu = _since(start)
    return {
        "children": written,
        "scale": round(scale, 2),
        "generate_s": round(generated[0], 2),
        "write_s": round(wall, 2),
        "write_cpu_s": round(cpu, 2),
        "size_mb": round(path.stat().st_size / 2**20, 1),
        "peak_mb": round(_peak_mb()),
    }


def phase_parse(*, path: Path, traced: bool) -> dict:
    _setup()
    from cpqa.ingest.formats.cin_census import CINCensusImporter

    importer = CINCensusImporter()
    start = _clock()
    parsed = importer.parse(name=path.name, path=path, region="england")
    wall, cpu = _since(start)
    result = {
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "peak_mb": round(_peak_mb()),
        "problems": len(parsed.problems),
        "records": sum(frame.height for frame in parsed.frames.values()),
    }
    if traced:
        import tracemalloc

        del parsed
        tracemalloc.start()
        importer.parse(name=path.name, path=path, region="england")
        result["traced_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20)
        tracemalloc.stop()
    return result


def _timed(module, name: str, totals: dict[str, list[float]], label: str = "") -> None:
    """Wrap module.name so that its time and CPU time add up in totals[label or name]."""
    original = getattr(module, name)
    label = label or name

    def wrapper(*args, **kwargs):
        started = _clock()
        try:
            return original(*args, **kwargs)
        finally:
            wall, cpu = _since(started)
            total = totals.setdefault(label, [0.0, 0.0])
            total[0] += wall
            total[1] += cpu

    setattr(module, name, wrapper)


def _postgres_fresh(url: str) -> None:
    """Drop and create the database the URL names (on the same server)."""
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"--postgres: a plain database name is needed, not {name!r}")
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def phase_import(*, path: Path, rules: bool, team_refresh: bool, postgres: str = "") -> dict:
    with tempfile.TemporaryDirectory() as folder:
        if postgres:
            _postgres_fresh(postgres)
            os.environ["DATABASE_URL"] = postgres
        else:
            os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        _setup()
        from django.core.management import call_command

        from cpqa.casework import services
        from cpqa.core.models import Authority
        from cpqa.ingest import services as ingest
        from cpqa.ingest.formats import cin_census

        call_command("migrate", verbosity=0, interactive=False)
        authority = Authority.objects.create(code="999", name="Bench")
        totals: dict[str, list[float]] = {}
        _timed(cin_census.CINCensusImporter, "parse", totals)
        # The parts of the load, where they are called from: facts_load's helpers in
        # cpqa/casework/services.py, and what import_files calls in cpqa/ingest/services.py
        # (facts_load itself, the children's teams, supersession, the data-quality findings).
        if not team_refresh:
            # What the load would take were the child's team kept up to date some other way.
            for module in (services, ingest):
                if hasattr(module, "child_teams_refresh"):
                    module.child_teams_refresh = lambda *, authority: None
        for module, label in ((services, "casework.services"), (ingest, "ingest.services")):
            for name in (
                "facts_load",
                "facts_conform",
                "_check_references",
                "_check_updates_exist",
                "_resolve_references",
                "_upsert",
                "_update",
                "child_teams_refresh",
                "_supersede",
                "findings_refresh",
            ):
                if module is services and name == "facts_load":
                    continue  # called from ingest.services
                if callable(getattr(module, name, None)):
                    _timed(module, name, totals, f"{label}.{name}")
        start = _clock()
        result = ingest.import_files(
            authority=authority, files=[(path.name, path)], operator="bench"
        )
        wall, cpu = _since(start)
        if not result.accepted:
            raise SystemExit(f"the import was rejected: {result.problems[:3]}")
        # The DfE validation rules, run by import_files once the facts are loaded.
        findings = totals.get("ingest.services.findings_refresh", [0.0, 0.0])
        outcome = {
            "import_wall_s": round(wall, 2),
            "import_cpu_s": round(cpu, 2),
            "parse_s": round(totals["parse"][0], 2),
            "parse_cpu_s": round(totals["parse"][1], 2),
            "findings_s": round(findings[0], 2),
            "findings_cpu_s": round(findings[1], 2),
            "load_s": round(wall - totals["parse"][0] - findings[0], 2),
            "load_cpu_s": round(cpu - totals["parse"][1] - findings[1], 2),
            "rows": result.files[0].rows_accepted,
            "facts_load": {
                name: [round(wall, 2), round(cpu, 2)]
                for name, (wall, cpu) in totals.items()
                if name != "parse"
            },
            "peak_mb": round(_peak_mb()),
        }
        if rules:
            outcome.update(_rules(authority=authority))
        return outcome


def _rules(*, authority) -> dict:
    """The validation rules over what was imported: the place to time them."""
    from cpqa.casework.selectors import fact_frames
    from cpqa.dataquality.engine import rules_run
    from cpqa.dataquality.rules.base import RuleContext

    start = _clock()
    frames = fact_frames(authority=authority)
    read = _since(start)
    start = _clock()
    run = rules_run(frames=frames, context=RuleContext(reference_date=REFERENCE_DATE))
    wall, cpu = _since(start)
    return {
        "read_back_s": round(read[0], 2),
        "rules_wall_s": round(wall, 2),
        "rules_cpu_s": round(cpu, 2),
        "rules": len(run.outcomes),
        "findings": run.findings.height,
        "peak_mb": round(_peak_mb()),
    }


def _run_phase(*arguments: str) -> dict:
    completed = subprocess.run(
        [sys.executable, __file__, *arguments],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--rules", action="store_true", help="time rules_run alone too, after the import"
    )
    parser.add_argument("--tracemalloc", action="store_true", help="trace the parse's memory")
    parser.add_argument("--fresh", action="store_true", help="write the census file again")
    parser.add_argument(
        "--postgres",
        default="",
        metavar="URL",
        help="import into this PostgreSQL database (dropped and created again) not SQLite",
    )
    parser.add_argument(
        "--without-team-refresh",
        action="store_true",
        help="skip facts_load's child_teams_refresh (to see the rest of the load)",
    )
    parser.add_argument("--phase", choices=("write", "parse", "import"), help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase == "write":
        print(json.dumps(phase_write(children=args.children, seed=args.seed, path=args.file)))
        return
    if args.phase == "parse":
        print(json.dumps(phase_parse(path=args.file, traced=args.tracemalloc)))
        return
    if args.phase == "import":
        print(
            json.dumps(
                phase_import(
                    path=args.file,
                    rules=args.rules,
                    team_refresh=not args.without_team_refresh,
                    postgres=args.postgres,
                )
            )
        )
        return

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path = BENCH_DIR / f"cin-census-{args.children}-seed{args.seed}.xml"
    written = None
    if args.fresh or not path.exists():
        written = _run_phase(
            "--phase", "write", "--file", str(path), "--children", str(args.children),
            "--seed", str(args.seed),
        )  # fmt: skip
    parse = _run_phase(
        "--phase", "parse", "--file", str(path), *(["--tracemalloc"] if args.tracemalloc else [])
    )
    loaded = _run_phase(
        "--phase", "import", "--file", str(path),
        *(["--rules"] if args.rules else []),
        *(["--without-team-refresh"] if args.without_team_refresh else []),
        *(["--postgres", args.postgres] if args.postgres else []),
    )  # fmt: skip

    size = path.stat().st_size / 2**20
    database = "PostgreSQL" if args.postgres else "SQLite"
    print(
        f"## CIN census import: {path.name} ({size:.0f} MB) into {database}, "
        f"{os.cpu_count()} CPUs\n"
    )
    if written:
        print(
            f"Written from the generator at scale {written['scale']}: "
            f"{written['children']:,} children; generated in {written['generate_s']} s, "
            f"written in {written['write_s']} s (CPU {written['write_cpu_s']} s), "
            f"peak {written['peak_mb']} MB.\n"
        )
    print("| phase | wall (s) | CPU (s) | peak RSS (MB) | notes |")
    print("|---|---:|---:|---:|---|")
    traced = f", tracemalloc peak {parse['traced_peak_mb']} MB" if "traced_peak_mb" in parse else ""
    print(
        f"| parse alone | {parse['wall_s']} | {parse['cpu_s']} | {parse['peak_mb']} | "
        f"{parse['records']:,} records, {parse['problems']} problems{traced} |"
    )
    print(
        f"| import_files | {loaded['import_wall_s']} | {loaded['import_cpu_s']} "
        f"| {loaded['peak_mb']} | {loaded['rows']:,} rows |"
    )
    print(f"| of which parse | {loaded['parse_s']} | {loaded['parse_cpu_s']} | | |")
    print(
        f"| of which load | {loaded['load_s']} | {loaded['load_cpu_s']} | | "
        "facts_load, children's teams, supersession, the import's records |"
    )
    print(
        f"| of which validation rules | {loaded['findings_s']} | {loaded['findings_cpu_s']} | | "
        "findings_refresh, run by import_files (0 if it is not wired in yet) |"
    )
    met = loaded["import_wall_s"] <= TARGET_SECONDS and loaded["peak_mb"] <= TARGET_MB
    print(
        f"| target | {TARGET_SECONDS} | | {TARGET_MB} | import and rules: "
        f"{'met' if met else 'MISSED'} |"
    )
    if "rules_wall_s" in loaded:
        print(
            f"| rules_run again, alone | {loaded['rules_wall_s']} | {loaded['rules_cpu_s']} | "
            f"{loaded['peak_mb']} | {loaded['rules']} rules, {loaded['findings']:,} findings, "
            f"on the frames read back in {loaded['read_back_s']} s |"
        )
    skipped = " (child_teams_refresh skipped)" if args.without_team_refresh else ""
    print(f"\nWhere the time of the load goes (`facts_load` and its parts){skipped}:\n")
    print("| function (cpqa/...) | wall (s) | CPU (s) |")
    print("|---|---:|---:|")
    for name, (wall, cpu) in sorted(loaded["facts_load"].items(), key=lambda item: -item[1][0]):
        print(f"| {name} | {wall} | {cpu} |")


if __name__ == "__main__":
    main()
