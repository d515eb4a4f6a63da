"""Benchmark of the reports (cpqa.reports): the time to produce each report's PDF.

    .venv/bin/python bench/bench_reports.py [--scales 1,5] [--runs 3]

For each scale, a synthetic authority is loaded once with `cpqa generate --seed 1
--scale S --direct --end 2025-03-31` into its own SQLite database under
var/bench/ (kept: delete the file to load it again). Then, for each report, a
fresh process (so that the caches are empty) times:

- start: what a new server process pays once, whatever it draws first: starting
  vl-convert (the chart renderer) and WeasyPrint on a tiny chart and page;
- first: the report built from empty caches (indicator tables, charts) and drawn
  as a PDF, as for the first reader after an import;
- later: the same again (indicator tables and charts cached), as for every later
  reader: the best of --runs;
- after warm-up: the first reader when the import has warmed the caches
  (`cpqa.reports.services.reports_warm`, run once per scale in a process of its
  own, into a file cache under a temporary folder, as the server's processes
  share one), timed in a fresh process reading that cache. The time the warm-up
  took (every report's usual period) is printed below the table.

The build (figures, charts) and the drawing of the PDF (WeasyPrint) are timed
apart. Printed as a markdown table. The target: a monthly report PDF in under
3 seconds.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BENCH = ROOT / "var" / "bench"
END = date(2025, 3, 31)
TODAY = date(2025, 4, 15)
PERIODS = {
    "monthly": "2025-03",
    "quarterly": "2024-25Q4",
    "members": "2024-25Q4",
    "health-check": "2025-03",
}
TARGET_MONTHLY_SECONDS = 3.0


def _env(scale: float) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cpqa.config.settings.test",
        "DATABASE_URL": f"sqlite:///{BENCH / f'reports-scale-{scale:g}.sqlite3'}",
    }


def prepare(scale: float) -> float:
    """Load the synthetic authority at this scale (once); the seconds it took."""
    database = BENCH / f"reports-scale-{scale:g}.sqlite3"
    if database.exists():
        return 0.0
    BENCH.mkdir(parents=True, exist_ok=True)
    cpqa = str(ROOT / ".venv" / "bin" / "cpqa")
    started = time.perf_counter()
    env = _env(scale)
    subprocess.run([cpqa, "migrate", "-v", "0"], env=env, check=True)
    subprocess.run(
        [cpqa, "generate", "--seed", "1", "--scale", str(scale), "--direct", "--end", str(END)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def _setup(cache_dir: str | None) -> None:
    """Django, with the indicators' cache in files under cache_dir if given."""
    import django

    django.setup()
    if cache_dir:
        from django.conf import settings

        settings.CACHES = {
            **settings.CACHES,
            "indicators": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": cache_dir,
                "OPTIONS": {"MAX_ENTRIES": 2000},
            },
        }


def warm_up(cache_dir: str) -> dict:
    """In this process: warm the caches under cache_dir as an import would."""
    _setup(cache_dir)
    from cpqa.core.models import Authority
    from cpqa.reports.services import reports_warm

    authority = Authority.objects.order_by("pk").first()
    started = time.perf_counter()
    warmed = reports_warm(authority=authority, today=TODAY)
    return {"seconds": time.perf_counter() - started, "warmed": warmed}


def measure(name: str, runs: int, cache_dir: str | None = None) -> dict:
    """In this process: the first run, then the best of `runs` later runs."""
    _setup(cache_dir)
    import pypdf

    from cpqa.core.models import Authority
    from cpqa.reports.builders import report_for_operator
    from cpqa.reports.render import report_pdf

    authority = Authority.objects.order_by("pk").first()
    started = time.perf_counter()
    _engines_start()
    start = time.perf_counter() - started

    def once() -> tuple[float, float, bytes]:
        started = time.perf_counter()
        report = report_for_operator(
            name=name, period=PERIODS[name], authority=authority, operator="bench", today=TODAY
        )
        built = time.perf_counter()
        content = report_pdf(report)
        return built - started, time.perf_counter() - built, content

    cold_build, cold_pdf, content = once()
    warm = [once() for _ in range(runs)] or [(cold_build, cold_pdf, content)]
    best = min(warm, key=lambda run: run[0] + run[1])
    import io

    pages = len(pypdf.PdfReader(io.BytesIO(content)).pages)
    from cpqa.casework.models import ProtectionPlan, Team

    return {
        "start": start,
        "cold_build": cold_build,
        "cold_pdf": cold_pdf,
        "warm_build": best[0],
        "warm_pdf": best[1],
        "pages": pages,
        "bytes": len(content),
        "teams": Team.objects.filter(authority=authority).count(),
        "plans": ProtectionPlan.objects.filter(authority=authority).count(),
    }


def _engines_start() -> None:
    """Draw a tiny chart and a one-page PDF: the engines' start-up, paid once a process."""
    import weasyprint

    from cpqa.reports.charts import Bar, comparison_bar_chart

    comparison_bar_chart(title="Start", bars=[Bar("A", 1.0)])
    weasyprint.HTML(string="<p>Start</p>").write_pdf()


def _run(scale: float, *args: str) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, *args],
        env=_env(scale),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", default="1,5")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--warm", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--cache-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.warm:
        print(json.dumps(warm_up(args.cache_dir)))
        return
    if args.measure:
        print(json.dumps(measure(args.measure, args.runs, args.cache_dir)))
        return
    scales = [float(scale) for scale in args.scales.split(",")]
    rows, warm_ups = [], {}
    for scale in scales:
        loaded = prepare(scale)
        if loaded:
            print(f"Loaded scale {scale:g} in {loaded:.0f} s", file=sys.stderr)
        for name in PERIODS:
            rows.append((scale, name, _run(scale, "--measure", name, "--runs", str(args.runs))))
        with tempfile.TemporaryDirectory(prefix="cpqa-bench-cache-") as cache_dir:
            warm_ups[scale] = _run(scale, "--warm", "--cache-dir", cache_dir)
            for scale_, name, result in rows:
                if scale_ == scale:
                    after = _run(scale, "--measure", name, "--runs", "0", "--cache-dir", cache_dir)
                    result["warmed_build"] = after["cold_build"]
                    result["warmed_pdf"] = after["cold_pdf"]
    print(f"Reports' PDFs, period ending {END:%d %B %Y}; times in seconds.\n")
    print(
        "| scale | teams | plans | report | pages | process start | first: build | first: PDF "
        "| first: total | later: build | later: PDF | later: total "
        "| after warm-up: build | after warm-up: PDF | after warm-up: total |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for scale, name, result in rows:
        cold = result["cold_build"] + result["cold_pdf"]
        warm = result["warm_build"] + result["warm_pdf"]
        warmed = result["warmed_build"] + result["warmed_pdf"]
        print(
            f"| {scale:g} | {result['teams']} | {result['plans']:,} | {name} | {result['pages']} "
            f"| {result['start']:.2f} | {result['cold_build']:.2f} | {result['cold_pdf']:.2f} "
            f"| {cold:.2f} | {result['warm_build']:.2f} | {result['warm_pdf']:.2f} | {warm:.2f} "
            f"| {result['warmed_build']:.2f} | {result['warmed_pdf']:.2f} | {warmed:.2f} |"
        )
    print()
    for scale, done in warm_ups.items():
        print(
            f"Warming the caches after an import (`reports_warm`, {len(done['warmed'])} "
            f"reports) at scale {scale:g}: {done['seconds']:.2f} s."
        )
    monthly = [r for s, n, r in rows if n == "monthly"]
    worst_warm = max(r["warm_build"] + r["warm_pdf"] for r in monthly)
    worst_cold = max(r["cold_build"] + r["cold_pdf"] for r in monthly)
    worst_warmed = max(r["warmed_build"] + r["warmed_pdf"] for r in monthly)
    print(
        f"\nMonthly report PDF: at most {worst_cold:.2f} s for the first reader with empty "
        f"caches, {worst_warmed:.2f} s for the first reader after the warm-up and "
        f"{worst_warm:.2f} s for later readers (target {TARGET_MONTHLY_SECONDS:g} s)."
    )


if __name__ == "__main__":
    main()
