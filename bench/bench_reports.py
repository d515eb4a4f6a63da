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
  reader: the best of --runs.

The build (figures, charts) and the drawing of the PDF (WeasyPrint) are timed
apart. Printed as a markdown table. The target: a monthly report PDF in under
3 seconds.
"""

import argparse
import json
import os
import subprocess
import sys
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


def measure(name: str, runs: int) -> dict:
    """In this process: the cold run, then the best of `runs` warm runs."""
    import django

    django.setup()
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
    warm = [once() for _ in range(runs)]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", default="1,5")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.runs)))
        return
    scales = [float(scale) for scale in args.scales.split(",")]
    rows = []
    for scale in scales:
        loaded = prepare(scale)
        if loaded:
            print(f"Loaded scale {scale:g} in {loaded:.0f} s", file=sys.stderr)
        for name in PERIODS:
            output = subprocess.run(
                [sys.executable, __file__, "--measure", name, "--runs", str(args.runs)],
                env=_env(scale),
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            rows.append((scale, name, json.loads(output.strip().splitlines()[-1])))
    print(f"Reports' PDFs, period ending {END:%d %B %Y}; times in seconds.\n")
    print(
        "| scale | teams | plans | report | pages | process start | first: build | first: PDF "
        "| first: total | later: build | later: PDF | later: total |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for scale, name, result in rows:
        cold = result["cold_build"] + result["cold_pdf"]
        warm = result["warm_build"] + result["warm_pdf"]
        print(
            f"| {scale:g} | {result['teams']} | {result['plans']:,} | {name} | {result['pages']} "
            f"| {result['start']:.2f} | {result['cold_build']:.2f} | {result['cold_pdf']:.2f} "
            f"| {cold:.2f} | {result['warm_build']:.2f} | {result['warm_pdf']:.2f} | {warm:.2f} |"
        )
    monthly = [r for s, n, r in rows if n == "monthly"]
    worst_warm = max(r["warm_build"] + r["warm_pdf"] for r in monthly)
    worst_cold = max(r["cold_build"] + r["cold_pdf"] for r in monthly)
    print(
        f"\nMonthly report PDF: at most {worst_cold:.2f} s for the first reader and "
        f"{worst_warm:.2f} s for later readers (target {TARGET_MONTHLY_SECONDS:g} s)."
    )


if __name__ == "__main__":
    main()
