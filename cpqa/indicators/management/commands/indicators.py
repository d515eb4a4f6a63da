"""`cpqa indicators`: the indicators of the authority's data, as JSON, CSV or a table.

Aggregates only (no child is named), for the whole authority and, with --team,
that team too. Results come from the same cache as the pages and the API.
"""

import csv
import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cpqa.core.periods import GROUPINGS
from cpqa.core.services import authority_current
from cpqa.indicators.registry import indicator_get
from cpqa.indicators.selectors import (
    JSON_KEYS,
    IndicatorQuery,
    IndicatorQueryError,
    indicator_rows,
)

BAD_DATE = "{value!r} is not a date: write it as YYYY-MM-DD."
END_BEFORE_START = "--to must be on or after --from."
FORMATS = ("json", "csv", "table")
WHOLE_AUTHORITY = "Whole authority"


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(BAD_DATE.format(value=value)) from None


def _figure(row: dict, kind: str) -> str:
    value = row["value"]
    if value is None:
        return "no value"
    if kind == "percentage":
        return f"{value:.1f}%"
    if kind == "count":
        return f"{int(value):,}"
    return f"{value:,.1f}"


class Command(BaseCommand):
    help = "Print the indicators for a date range, by month, quarter, year or none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", required=True, help="First day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="Last day, YYYY-MM-DD")
        parser.add_argument("--by", choices=GROUPINGS, default="none")
        parser.add_argument("--team", help="Also show this team (its name)")
        parser.add_argument(
            "--indicator", nargs="+", action="extend", dest="indicators", metavar="ID"
        )
        parser.add_argument("--format", choices=FORMATS, default="table")

    def handle(self, *args, start, end, by, team, indicators, format, **options) -> None:
        start, end = _date(start), _date(end)
        if end < start:
            raise CommandError(END_BEFORE_START)
        for indicator_id in indicators or ():
            try:
                indicator_get(indicator_id)
            except KeyError as error:
                raise CommandError(error.args[0]) from None
        query = IndicatorQuery(
            start=start, end=end, by=by, team=team, indicators=tuple(indicators or ())
        )
        try:
            rows = indicator_rows(authority=authority_current(), query=query)
        except IndicatorQueryError as error:
            raise CommandError(str(error)) from None
        if format == "json":
            self.stdout.write(json.dumps(rows, indent=2))
        elif format == "csv":
            writer = csv.DictWriter(self.stdout, fieldnames=JSON_KEYS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        else:
            self._table(rows)

    def _table(self, rows: list[dict]) -> None:
        header = (
            "Indicator",
            "From",
            "To",
            "Team",
            "Breakdown",
            "Numerator",
            "Denominator",
            "Value",
        )
        lines = [header]
        for row in rows:
            kind = indicator_get(row["indicator"]).kind
            lines.append(
                (
                    row["indicator"],
                    row["period_start"],
                    row["period_end"],
                    row["team"] or WHOLE_AUTHORITY,
                    row["breakdown"] or "",
                    str(row["numerator"]),
                    "" if row["denominator"] is None else str(row["denominator"]),
                    _figure(row, kind),
                )
            )
        widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
        for line in lines:
            self.stdout.write(
                "  ".join(
                    cell.ljust(width) for cell, width in zip(line, widths, strict=True)
                ).rstrip()
            )
