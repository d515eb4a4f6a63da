"""The `cpqa` command: Django's management commands under one name.

`cpqa migrate`, `cpqa generate`, `cpqa demo`, `cpqa user ...`, `cpqa serve`, and
every other management command. Settings come from DJANGO_SETTINGS_MODULE,
production by default (which requires SECRET_KEY).
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpqa.config.settings.production")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["cpqa", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
