"""The `cpqa` command: Django's management commands under one name.

`cpqa migrate`, `cpqa generate`, `cpqa demo`, `cpqa user ...`, `cpqa serve`, and
every other management command. Settings come from DJANGO_SETTINGS_MODULE,
production by default (which requires SECRET_KEY).
"""

import os
import sys

# A database that cannot be written (a full disk, a read-only file, a server gone)
# is reported in words, not a traceback. cpqa writes each change in one
# transaction, so a failed command leaves nothing half done.
DATABASE_FAILED = (
    "cpqa could not use its database: {error}\n"
    "Nothing was left half done: each change cpqa makes is one transaction. Put the "
    "problem right (disk space, file permissions, the database server) and run the "
    "command again.\n"
)


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpqa.config.settings.production")
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    try:
        execute_from_command_line(["cpqa", *(sys.argv[1:] if argv is None else argv)])
    except DatabaseError as exc:
        sys.stderr.write(DATABASE_FAILED.format(error=str(exc).strip() or type(exc).__name__))
        sys.exit(1)


if __name__ == "__main__":
    main()
