"""`cpqa restore PATH [--yes]`: replace the whole database with a backup."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cpqa.operations.backups import BackupError, backup_kind, database_restore

CONFIRM = (
    "This replaces everything in the database with the backup {path}. "
    "Stop the service first. Type yes to go on: "
)
NOT_CONFIRMED = "Not restored: nothing was changed."
RESTORED = "Restored {path} ({engine}). Run `cpqa migrate` if the backup is from an older cpqa."


class Command(BaseCommand):
    help = "Restore the database from a backup made by `cpqa backup` (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, path, yes, **options):
        try:
            backup_kind(path)
            if not yes and input(CONFIRM.format(path=path)).strip().lower() != "yes":
                raise CommandError(NOT_CONFIRMED)
            restored = database_restore(path=path)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        except EOFError:
            raise CommandError(NOT_CONFIRMED) from None
        self.stdout.write(RESTORED.format(path=restored.path, engine=restored.engine))
