"""`cpqa statistics import FILE...`, `cpqa statistics load-bundled`, `cpqa statistics list`.

Published DfE and ONS statistics, read in their published layouts; all the
files of one import go in together, or none does.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cpqa.nationalstats.models import StatisticsRelease
from cpqa.nationalstats.services import (
    ACCEPTED,
    ImportReport,
    statistics_import,
    statistics_load_bundled,
)

REJECTED = "Rejected: nothing was imported. {count} problem{s} to put right."
NOTHING_CHANGED = "Nothing changed: every file was imported before."
IMPORTED = "Imported {count} file{s}."
NO_RELEASES = "No published statistics imported yet: run `cpqa statistics load-bundled`."


def report_lines(report: ImportReport) -> list[str]:
    lines = []
    for file in report.files:
        what = f" ({file.dataset_label})" if file.dataset else ""
        lines.append(f"{file.name}: {file.outcome}{what}")
        if file.outcome == ACCEPTED:
            if file.neighbours:
                lines.append(f"  {file.neighbours:,} statistical neighbours")
            else:
                years = f"{file.first_year} to {file.last_year}"
                lines.append(
                    f"  years {years}: {file.added:,} figures added, {file.replaced:,} replaced "
                    f"({file.changed:,} with a different value)"
                )
        lines.extend(f"  note: {note}" for note in file.notes)
    problems = report.problems
    if problems:
        lines.extend(f"  {problem}" for problem in problems)
        lines.append(REJECTED.format(count=len(problems), s="" if len(problems) == 1 else "s"))
    elif not report.changed:
        lines.append(NOTHING_CHANGED)
    else:
        count = sum(file.outcome == ACCEPTED for file in report.files)
        lines.append(IMPORTED.format(count=count, s="" if count == 1 else "s"))
    return lines


class Command(BaseCommand):
    help = "Import published DfE and ONS statistics (CIN tables, population, neighbours, LAIT)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        files = actions.add_parser("import", help="Import published files, all or nothing.")
        files.add_argument("files", nargs="+", type=Path)
        actions.add_parser(
            "load-bundled", help="Import the copies bundled in cpqa/nationalstats/data/."
        )
        actions.add_parser("list", help="List the releases imported.")

    def handle(self, *args, action, **options):
        if action == "list":
            return self.handle_list()
        if action == "import":
            report = statistics_import(paths=options["files"])
        else:
            report = statistics_load_bundled()
        for line in report_lines(report):
            self.stdout.write(line)
        if report.problems:
            count = len(report.problems)
            raise CommandError(REJECTED.format(count=count, s="" if count == 1 else "s"))

    def handle_list(self):
        releases = StatisticsRelease.objects.order_by("dataset", "-imported_at")
        if not releases.exists():
            self.stdout.write(NO_RELEASES)
        for release in releases:
            years = f"{release.first_year}-{release.last_year}" if release.last_year else "-"
            state = (
                f"superseded by {release.superseded_by.file_name}" if release.superseded_by else ""
            )
            self.stdout.write(
                f"{release.imported_at:%Y-%m-%d %H:%M}\t{release.get_dataset_display()}\t"
                f"{release.file_name}\t{years}\t{release.figures:,}\t{release.operator}\t{state}"
            )
