"""`cpqa datadictionary [--check]`: write docs/data-dictionary.md from the table definitions."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cpqa.ingest.dictionary import DOCUMENT, dictionary_markdown, dictionary_write

OUT_OF_DATE = "{path} is out of date: run `cpqa datadictionary`."
WRITTEN = "Wrote {path}."
UP_TO_DATE = "{path} is up to date."


class Command(BaseCommand):
    help = "Write the data dictionary (docs/data-dictionary.md) from cpqa's table definitions."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=DOCUMENT)
        parser.add_argument(
            "--check", action="store_true", help="Only check that the file is up to date."
        )

    def handle(self, *args, output: Path, check: bool, **options):
        if check:
            current = output.read_text(encoding="utf-8") if output.exists() else ""
            if current != dictionary_markdown():
                raise CommandError(OUT_OF_DATE.format(path=output))
            self.stdout.write(UP_TO_DATE.format(path=output))
            return
        dictionary_write(path=output)
        self.stdout.write(WRITTEN.format(path=output))
