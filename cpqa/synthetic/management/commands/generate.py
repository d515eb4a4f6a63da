"""`cpqa generate`: a synthetic authority, imported or written out as files."""

import getpass
import importlib
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cpqa.core.services import authority_current
from cpqa.synthetic.generator import authority_generate, default_end
from cpqa.synthetic.services import (
    EXPORT_FORMATS,
    synthetic_authority_import,
    synthetic_authority_load,
    synthetic_files_write,
)


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--end must be a date in the form YYYY-MM-DD, not {value!r}.") from None


class Command(BaseCommand):
    help = (
        "Generate a fictional authority's casework (deterministic for a seed). By default it "
        "is written as SSD and local tables and imported through the importers; --out writes "
        "the files instead; --direct loads the frames without files (for benchmarks)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, required=True, help="Random seed, e.g. 2026")
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="1 is an authority of 60,000 children; about 200 is all of England",
        )
        parser.add_argument("--years", type=int, default=3, help="Years of history (default 3)")
        parser.add_argument(
            "--end",
            type=str,
            default=None,
            help="Last day of the history, YYYY-MM-DD (default: end of last month)",
        )
        parser.add_argument("--out", type=Path, help="Write the files to this folder instead")
        parser.add_argument(
            "--format",
            default="ssd,local",
            help=f"With --out, which formats, comma-separated: {', '.join(EXPORT_FORMATS)}",
        )
        parser.add_argument("--file-format", choices=("csv", "xlsx"), default="csv")
        parser.add_argument("--direct", action="store_true", help="Load without files")

    def handle(self, *args, seed, scale, years, end, out, format, file_format, direct, **options):
        if scale <= 0:
            raise CommandError("--scale must be more than 0.")
        if years < 1:
            raise CommandError("--years must be 1 or more.")
        formats = tuple(name.strip() for name in format.split(",") if name.strip())
        unknown = [name for name in formats if name not in EXPORT_FORMATS]
        if unknown:
            raise CommandError(
                f"Unknown format {unknown[0]!r}: choose from {', '.join(EXPORT_FORMATS)}."
            )
        end_date = _date(end) if end else None
        authority = authority_current()
        try:
            operator = getpass.getuser()
        except (KeyError, OSError):
            operator = "cpqa generate"
        self.stdout.write(
            f"Generating the synthetic authority for {authority.name} "
            f"(seed {seed}, scale {scale}, {years} years)..."
        )
        if out is not None:
            end_date = end_date or default_end()
            frames = authority_generate(
                seed=seed, scale=scale, end=end_date, years=years, region=authority.nation
            )
            paths = synthetic_files_write(
                frames=frames,
                directory=out,
                formats=formats,
                end=end_date,
                la_code=authority.code,
                file_format=file_format,
            )
            for path in paths:
                self.stdout.write(f"  {path}")
            self.stdout.write(self.style.SUCCESS(f"Wrote {len(paths)} files to {out}."))
            return
        if direct:
            result = synthetic_authority_load(
                authority=authority,
                seed=seed,
                scale=scale,
                end=end_date,
                years=years,
                operator=operator,
            )
            width = max(len(name) for name in result.counts)
            for name, count in result.counts.items():
                self.stdout.write(f"  {name:<{width}}  {count.rows:>12,}")
            self.stdout.write(self.style.SUCCESS(f"Loaded {result.rows:,} records."))
            return
        imported = synthetic_authority_import(
            authority=authority,
            seed=seed,
            scale=scale,
            end=end_date,
            years=years,
            operator=operator,
        )
        # `import` is a keyword, so the import command's module is reached by name.
        summary = importlib.import_module("cpqa.ingest.management.commands.import")
        for line in summary.result_lines(imported):
            self.stdout.write(line)
        if not imported.accepted:
            raise CommandError("The generated files were rejected: see the problems above.")
