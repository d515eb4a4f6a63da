"""`cpqa import FILE... [--dry-run]`: import files, all or nothing."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cpqa.core.services import authority_current
from cpqa.dataquality.services import refresh_summary_lines
from cpqa.ingest.models import ImportOutcome
from cpqa.ingest.services import ImportResult, import_files

REJECTED = "Rejected: nothing was imported. {count} problem{s} to put right."
NOTHING_CHANGED = "Nothing changed: every file was imported before."
WARMING = "Preparing the reports' figures for their first readers (a few seconds)."
DRY_RUN_OK = "Dry run: the files would import as shown. Nothing was changed."


def result_lines(result: ImportResult) -> list[str]:
    lines = []
    for outcome in result.files:
        label = ImportOutcome(outcome.outcome).label
        if result.dry_run and outcome.outcome == ImportOutcome.ACCEPTED:
            label = "Would be accepted"
        lines.append(
            f"{outcome.name}: {label}" + (f" ({outcome.format})" if outcome.format else "")
        )
        if outcome.rows_read:
            lines.append(f"  rows read {outcome.rows_read:,}, accepted {outcome.rows_accepted:,}")
        for table, count in outcome.counts.items():
            lines.append(f"  {table}: {count.inserted:,} new, {count.updated:,} updated")
        for table, count in outcome.removed.items():
            lines.append(f"  {table}: {count:,} removed (no longer in the source)")
        lines.extend(f"  note: {note}" for note in outcome.notes)
    problems = result.problems
    if problems:
        lines.append(REJECTED.format(count=len(problems), s="" if len(problems) == 1 else "s"))
        lines.extend(f"  {problem}" for problem in problems)
    elif result.dry_run:
        lines.append(DRY_RUN_OK)
    elif not result.changed:
        lines.append(NOTHING_CHANGED)
    if result.findings is not None:
        lines.extend(refresh_summary_lines(result.findings))
    return lines


class Command(BaseCommand):
    help = "Import CIN census XML, Annex A, SSD or cpqa local table files, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check and preview only.")
        parser.add_argument("--format", choices=("text", "json"), default="text")

    def handle(self, *args, files, dry_run, format, **options):
        missing = [str(path) for path in files if not path.is_file()]
        if missing:
            raise CommandError(f"No such file: {', '.join(missing)}")
        result = import_files(
            authority=authority_current(),
            files=[(path.name, path) for path in files],
            dry_run=dry_run,
        )
        if format == "json":
            self.stdout.write(json.dumps(result_json(result), indent=2, default=str))
        else:
            for line in result_lines(result):
                self.stdout.write(line)
        if format == "text" and result.changed and not dry_run and settings.CPQA_REPORTS_WARM:
            # The thread started by the import keeps the command until it is done.
            self.stdout.write(WARMING)
        if result.problems:
            raise CommandError(
                REJECTED.format(
                    count=len(result.problems), s="" if len(result.problems) == 1 else "s"
                )
            )


def result_json(result: ImportResult) -> dict:
    return {
        "batch": str(result.batch),
        "dry_run": result.dry_run,
        "accepted": result.accepted,
        "files": [
            {
                "name": o.name,
                "size": o.size,
                "sha256": o.sha256,
                "format": o.format,
                "source": o.source,
                "outcome": o.outcome,
                "rows_read": o.rows_read,
                "rows_accepted": o.rows_accepted,
                "counts": {
                    t: {"inserted": c.inserted, "updated": c.updated} for t, c in o.counts.items()
                },
                "removed": o.removed,
                "notes": o.notes,
                "problems": [p.as_dict() for p in o.problems],
            }
            for o in result.files
        ],
        "findings": result.findings.as_dict() if result.findings is not None else None,
    }
