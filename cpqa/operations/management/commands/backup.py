"""`cpqa backup [--out PATH]`: back the whole database up to one file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cpqa.operations.backups import BackupError, database_backup

BACKED_UP = "Backed up to {path} ({size:,} bytes, SHA-256 {sha256})."


class Command(BaseCommand):
    help = "Back the database up: SQLite's online backup, or pg_dump for PostgreSQL."

    def add_arguments(self, parser):
        parser.add_argument(
            "--out", type=Path, help="The file to write (default: a dated file in var/backups)."
        )

    def handle(self, *args, out, **options):
        try:
            backup = database_backup(out=out)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            BACKED_UP.format(path=backup.path, size=backup.size, sha256=backup.sha256)
        )
