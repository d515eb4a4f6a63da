"""`cpqa report`: a report as a PDF, an XLSX workbook or an HTML file.

    cpqa report NAME [--period PERIOD] [--format pdf|xlsx|html] [--out PATH]
                     [--as-user USERNAME]

NAME is monthly, quarterly, members or health-check. PERIOD is a month
(2026-10), a financial quarter (2026-27Q2 or 2026-Q2), a financial year
(2025-26) or FROM:TO dates (2026-01-05:2026-02-03); by default the report's
usual period that ended last (the last month, or the last quarter).

The command is for data officers and administrators on the server: it runs as
the operator, who has the server and its database, so it produces the whole
report (the health check with its list of children) and writes no access-log
entry, there being no cpqa user to write it against. With --as-user it produces
the report exactly as that user would have it in the app (their teams, small
numbers suppressed for a councillor, no child list for a role that may not see
one) and writes the access-log entry against them (kind export). Files are
written readable by their owner only.
"""

import getpass
import os
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cpqa.accounts.models import AccessKind, User
from cpqa.core.services import authority_current
from cpqa.reports.builders import report_for_operator, report_for_user
from cpqa.reports.periods import PeriodError
from cpqa.reports.registry import REPORTS
from cpqa.reports.render import FORMATS, report_file, report_filename

NO_SUCH_USER = "There is no active user called {name!r}."
NOT_ALLOWED = "{name}'s roles do not give them the {title}."
WROTE = "Wrote {path} ({size:,} bytes): {title}, {period}, data as at {as_at}."
CHILD_LEVEL = (
    "This file lists children. It was produced by the operator, outside the access log: "
    "keep it as securely as the database, and delete it when it is no longer needed."
)


class Command(BaseCommand):
    help = "Produce a report (monthly, quarterly, members, health-check) as PDF, XLSX or HTML."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", choices=list(REPORTS), help="The report")
        parser.add_argument(
            "--period",
            help="2026-10 (month), 2026-27Q2 or 2026-Q2 (quarter), 2025-26 (year) or "
            "FROM:TO dates; by default the report's last whole month or quarter",
        )
        parser.add_argument("--format", choices=FORMATS, default="pdf")
        parser.add_argument("--out", type=Path, help="The file to write (default: a name in .)")
        parser.add_argument(
            "--as-user",
            dest="as_user",
            metavar="USERNAME",
            help="Produce it as this user would have it in the app, logged against them",
        )

    def handle(self, *args, name, period, format, out, as_user, **options) -> None:
        today = timezone.localdate()
        try:
            if as_user:
                user = User.objects.filter(username=as_user, is_active=True).first()
                if user is None:
                    raise CommandError(NO_SUCH_USER.format(name=as_user))
                via = f"cpqa report {name}" + (f" --period {period}" if period else "")
                try:
                    report = report_for_user(
                        user=user,
                        name=name,
                        period=period,
                        via=via,
                        kind=AccessKind.EXPORT,
                        today=today,
                    )
                except PermissionDenied:
                    raise CommandError(
                        NOT_ALLOWED.format(name=as_user, title=REPORTS[name].title.lower())
                    ) from None
            else:
                report = report_for_operator(
                    name=name,
                    period=period,
                    authority=authority_current(),
                    operator=_operator(),
                    today=today,
                )
        except PeriodError as error:
            raise CommandError(str(error)) from None
        content = report_file(report, format=format)
        path = out or Path(report_filename(report, format=format))
        _write_private(path, content)
        self.stdout.write(
            WROTE.format(
                path=path,
                size=len(content),
                title=report.title,
                period=report.period.label,
                as_at=report.as_at_text,
            )
        )
        if report.child_refs and not as_user:
            self.stderr.write(CHILD_LEVEL)


def _operator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _write_private(path: Path, content: bytes) -> None:
    """Write the file readable and writable by its owner only."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)
    os.chmod(path, 0o600)
