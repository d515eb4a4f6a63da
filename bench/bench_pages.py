"""Benchmark of the dashboards' pages with a warm cache, printed as a markdown table.

    .venv/bin/python bench/bench_pages.py [--scales 1,5] [--requests 60] [--seed 2026] [--fresh]

For each scale, an SQLite database under var/bench/ (kept; built again with --fresh):

- scale 1: the demo authority, as `make run` loads it (`cpqa generate` without
  --direct: the synthetic authority written as SSD and local tables and imported
  through the importers, which run the data-quality checks; then the bundled
  published statistics), without `cpqa demo`'s users and their password file;
- any other scale: a large authority loaded with `cpqa generate --direct` (scale 5: 30
  teams, about 51,000 children, 128,000 visits), then the data-quality checks run
  (cpqa.dataquality.services.findings_refresh), as an import would.

Then, in a fresh process with the demo settings and a file cache of its own, a user of
every role signs in (Django's test client, past two-factor sign-in as the tests do) and
each page is requested: the first request (a cold cache: its time is shown), two more
to warm it, then --requests timed requests. The table gives the median, the 95th
percentile and the slowest of the timed requests. Target: every page's p95 under
TARGET_MS.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BENCH_DIR = ROOT / "var" / "bench"
CPQA = ROOT / ".venv" / "bin" / "cpqa"
TARGET_MS = 300
WARM_UP = 3

ROLES = (
    "social_worker",
    "assistant_team_manager",
    "team_manager",
    "operations_manager",
    "conference_chair",
    "reviewing_officer",
    "audit_manager",
    "audit_practice_standards_manager",
    "senior_manager",
    "councillor",
    "data_officer",
    "administrator",
)
# (label, user's role, address)
PAGES = (
    *((f"Home: {role.replace('_', ' ')}", role, f"/dashboard/{role}/") for role in ROLES),
    ("Indicator (senior manager)", "senior_manager", "/indicator/cpp_seen_within_standard/"),
    ("Indicator (team manager)", "team_manager", "/indicator/icpc_within_15_working_days/"),
    ("Indicator (councillor)", "councillor", "/indicator/cpp_open_at_end/"),
    ("Warnings: visits (team manager)", "team_manager", "/warnings/visits/"),
)


def _environment(scale: float) -> dict[str, str]:
    name = f"pages-scale-{scale:g}"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cpqa.config.settings.demo",
        "DATABASE_URL": f"sqlite:///{BENCH_DIR / (name + '.sqlite3')}",
        "CPQA_CACHE_DIR": str(BENCH_DIR / f"{name}-cache"),
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "PYTHONPATH": str(ROOT),
    }


def _run(command: list[str], env: dict[str, str]) -> None:
    print("$", " ".join(command), flush=True)
    subprocess.run(command, env=env, check=True, cwd=ROOT)


def build(scale: float, seed: int, fresh: bool) -> None:
    env = _environment(scale)
    database = Path(env["DATABASE_URL"].removeprefix("sqlite:///"))
    if database.exists() and not fresh:
        return
    for path in database.parent.glob(database.name + "*"):
        path.unlink()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    _run([str(CPQA), "migrate", "-v", "0"], env)
    command = [str(CPQA), "generate", "--seed", str(seed), "--scale", f"{scale:g}"]
    if scale == 1:
        _run(command, env)
    else:
        _run([*command, "--direct"], env)
        _run([sys.executable, __file__, "--refresh-checks"], env)
    _run([str(CPQA), "statistics", "load-bundled"], env)
    print(f"built scale {scale:g} in {time.perf_counter() - started:.0f} s", flush=True)


def refresh_checks() -> None:
    """Run the data-quality checks once, as an import does (in the bench's environment)."""
    import django

    django.setup()
    from django.utils import timezone

    from cpqa.core.services import authority_current
    from cpqa.dataquality.services import findings_refresh

    authority = authority_current()
    findings_refresh(authority=authority, today=timezone.localdate(), region=authority.nation)


def measure(requests: int) -> dict:
    """Time every page (in the bench's environment); print the results as JSON."""
    import django

    django.setup()
    from cpqa.accounts.models import User
    from cpqa.accounts.roles import TEAM_ROLES
    from cpqa.accounts.services import user_create
    from cpqa.casework.models import Child, Team
    from cpqa.core.services import authority_current
    from tests.conftest import VerifiedClient

    authority = authority_current()
    team = Team.objects.filter(authority=authority).order_by("name").first()
    clients = {}
    for role in ROLES:
        username = f"bench.{role}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                authority=authority,
                username=username,
                password=None,
                check_password=False,
                roles=[role],
                teams=[team] if role in TEAM_ROLES else [],
            )
        client = VerifiedClient()
        client.force_login(user)
        clients[role] = client
    results = {
        "children": Child.objects.filter(authority=authority).count(),
        "teams": Team.objects.filter(authority=authority).count(),
        "pages": [],
    }
    for label, role, url in PAGES:
        client = clients[role]
        started = time.perf_counter()
        response = client.get(url)
        cold = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{url} as {role}: {response.status_code}")
        for _ in range(WARM_UP - 1):
            client.get(url)
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - started)
        times.sort()
        results["pages"].append(
            {
                "label": label,
                "url": url,
                "cold_ms": cold * 1000,
                "p50_ms": statistics.median(times) * 1000,
                "p95_ms": times[max(0, round(0.95 * len(times)) - 1)] * 1000,
                "max_ms": times[-1] * 1000,
                "requests": len(times),
            }
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1,5")
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--fresh", action="store_true", help="build the databases again")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--refresh-checks", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.refresh_checks:
        refresh_checks()
        return
    if args.measure:
        print("RESULTS " + json.dumps(measure(args.requests)))
        return
    scales = [float(scale) for scale in args.scales.split(",")]
    tables = []
    for scale in scales:
        build(scale, args.seed, args.fresh)
        output = subprocess.run(
            [sys.executable, __file__, "--measure", "--requests", str(args.requests)],
            env=_environment(scale),
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        line = next(line for line in output.splitlines() if line.startswith("RESULTS "))
        tables.append((scale, json.loads(line.removeprefix("RESULTS "))))
    failed = []
    for scale, results in tables:
        print(
            f"\n### Scale {scale:g}: {results['children']:,} children, {results['teams']} teams "
            f"({args.requests} timed requests a page, warm cache; target p95 < {TARGET_MS} ms)\n"
        )
        print("| page | first request (cold) ms | p50 ms | p95 ms | max ms |")
        print("|---|---:|---:|---:|---:|")
        for page in results["pages"]:
            print(
                f"| {page['label']} | {page['cold_ms']:.0f} | {page['p50_ms']:.0f} "
                f"| {page['p95_ms']:.0f} | {page['max_ms']:.0f} |"
            )
            if page["p95_ms"] >= TARGET_MS:
                failed.append(f"scale {scale:g}: {page['label']} p95 {page['p95_ms']:.0f} ms")
    if failed:
        print("\nOver the target: " + "; ".join(failed))
        sys.exit(1)
    print(f"\nEvery page's p95 is under {TARGET_MS} ms.")


if __name__ == "__main__":
    main()
